# sadlog parse against cat, wc -l and the same ';'-split to CSV (dates
# JJ/MM/AAAA -> AAAA-MM-JJ, decimal comma -> dot, CSV quoting) in gawk.
# SADLOG_LINES records (default 4,500,000: about 530 Mo). Miller splits and
# quotes only (no date, no decimal): a floor.
gen-sadlog ${SADLOG_LINES:-4500000} >"$WORK/sadlog.csv"
echo "  entrée : $(stat -c %s "$WORK/sadlog.csv") octets, $(wc -l <"$WORK/sadlog.csv") lignes"
cat >"$WORK/sadlog.awk" <<'AWK'
BEGIN { FS = ";"; OFS = "," }
NR == 1 { print "type_enregistrement,...,montant_salsa_attendu" }
{
	for (i = 2; i <= 7; i++)
		if ((i <= 3 || i >= 6) && $i != "")
			$i = substr($i, 7, 4) "-" substr($i, 4, 2) "-" substr($i, 1, 2)
	for (i = 14; i <= 16; i++)
		sub(/,/, ".", $i)
	for (i = 4; i <= 13; i++)
		if ($i ~ /[",]/) { gsub(/"/, "\"\"", $i); $i = "\"" $i "\"" }
	print
}
AWK
bench_floors "$WORK/sadlog.csv"
bench_add gawk "$WORK/sadlog.csv" gawk -f "$WORK/sadlog.awk"
bench_mlr "$WORK/sadlog.csv" semicolon
bench_add sadlog-parse "$WORK/sadlog.csv" sadlog parse
bench_run
bench_ratio sadlog-parse gawk
bench_ratio sadlog-parse mlr
bench_ratio wc-l sadlog-parse
rm -f "$WORK/sadlog.csv"
