# flux2 parse against cat, wc -l and the same header-carrying split to CSV
# (dates AAAAMMJJ -> AAAA-MM-JJ, CSV quoting) in gawk. One invoice of
# FLUX2_LINES details (default 6,000,000: about 535 Mo). Miller splits and
# quotes each record as it is (no header carried, no date): a floor.
gen-flux2 ${FLUX2_LINES:-6000000} >"$WORK/flux2.txt"
echo "  entrée : $(stat -c %s "$WORK/flux2.txt") octets, $(wc -l <"$WORK/flux2.txt") lignes"
cat >"$WORK/flux2.awk" <<'AWK'
BEGIN { FS = "|"; OFS = "," }
function q(s) {
	if (s ~ /[",]/) { gsub(/"/, "\"\"", s); s = "\"" s "\"" }
	return s
}
function d(s) {
	return s == "" ? s : substr(s, 1, 4) "-" substr(s, 5, 2) "-" substr(s, 7, 2)
}
$1 == "1" {
	h = $2 OFS q($3) OFS q($4) OFS q($5) OFS d($6) OFS d($7) OFS d($8) \
	    OFS q($9) OFS $10
	print "code_tiers,...,montant_unitaire"
	next
}
$1 == "2" {
	print h, $2, q($3), q($4), d($5), q($6), q($7), d($8), d($9), $10, \
	    $11, q($12), $13
}
AWK
bench_floors "$WORK/flux2.txt"
bench_add gawk "$WORK/flux2.txt" gawk -f "$WORK/flux2.awk"
bench_mlr "$WORK/flux2.txt" pipe
bench_add flux2-parse "$WORK/flux2.txt" flux2 parse
bench_run
bench_ratio flux2-parse gawk
bench_ratio flux2-parse mlr
bench_ratio wc-l flux2-parse
rm -f "$WORK/flux2.txt"
