# flux1 parse against cat, wc -l, and the same split-to-CSV in gawk and mawk.
gen-flux1 ${FLUX1_LINES:-1400000} >"$WORK/flux1.txt"
echo "  entrée : $(stat -c %s "$WORK/flux1.txt") octets, $(wc -l <"$WORK/flux1.txt") lignes"
cat >"$WORK/split.awk" <<'AWK'
BEGIN { FS = "|"; OFS = "," }
{
	for (i = 1; i <= NF; i++)
		if ($i ~ /[",]/) { gsub(/"/, "\"\"", $i); $i = "\"" $i "\"" }
	$1 = $1; print
}
AWK
bench_cmd cat "$WORK/flux1.txt" cat
bench_cmd wc-l "$WORK/flux1.txt" wc -l
bench_cmd gawk-utf8 "$WORK/flux1.txt" env LC_ALL=C.UTF-8 gawk -f "$WORK/split.awk"
bench_cmd gawk-C "$WORK/flux1.txt" env LC_ALL=C gawk -f "$WORK/split.awk"
bench_cmd mawk-C "$WORK/flux1.txt" env LC_ALL=C mawk -f "$WORK/split.awk"
bench_cmd flux1-parse "$WORK/flux1.txt" flux1 parse
bench_ratio flux1-parse gawk-utf8
bench_ratio flux1-parse gawk-C
bench_ratio flux1-parse mawk-C
bench_ratio wc-l flux1-parse
rm -f "$WORK/flux1.txt"
