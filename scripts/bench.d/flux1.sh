# flux1 parse against cat, wc -l, and the same split-to-CSV in gawk and mawk;
# Miller splits and quotes only (no conversion): a floor for it.
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
bench_floors "$WORK/flux1.txt"

bench_add gawk "$WORK/flux1.txt" gawk -f "$WORK/split.awk"
bench_add mawk "$WORK/flux1.txt" mawk -f "$WORK/split.awk"
bench_mlr "$WORK/flux1.txt" pipe
bench_add flux1-parse "$WORK/flux1.txt" flux1 parse

bench_run
bench_ratio flux1-parse gawk
bench_ratio flux1-parse mawk
bench_ratio flux1-parse mlr
bench_ratio wc-l flux1-parse
rm -f "$WORK/flux1.txt"
