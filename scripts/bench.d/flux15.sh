# flux15 parse (horodatages, the big daily file) against cat, wc -l, and
# the same split-to-CSV in gawk and mawk (which check nothing and compute
# no duration: flux15 does more work than they do), and Miller splitting
# and quoting alike.
gen-flux15 ${FLUX15_LINES:-3000000} >"$WORK/flux15.txt"
echo "  entrée : $(stat -c %s "$WORK/flux15.txt") octets, $(wc -l <"$WORK/flux15.txt") lignes"
cat >"$WORK/split15.awk" <<'AWK'
BEGIN { FS = "|"; OFS = "," }
{
	for (i = 1; i <= NF; i++)
		if ($i ~ /[",]/) { gsub(/"/, "\"\"", $i); $i = "\"" $i "\"" }
	$1 = $1; print
}
AWK
bench_floors "$WORK/flux15.txt"
bench_add gawk "$WORK/flux15.txt" gawk -f "$WORK/split15.awk"
bench_add mawk "$WORK/flux15.txt" mawk -f "$WORK/split15.awk"
bench_mlr "$WORK/flux15.txt" pipe
bench_add flux15-parse "$WORK/flux15.txt" flux15 parse
bench_run
bench_ratio flux15-parse gawk
bench_ratio flux15-parse mawk
bench_ratio flux15-parse mlr
bench_ratio wc-l flux15-parse
bench_ratio cat flux15-parse
rm -f "$WORK/flux15.txt" "$WORK/out"
