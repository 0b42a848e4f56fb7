# flux81 parse against cat, wc -l, and a gawk program doing the same work:
# fixed-width fields cut at the positions of `flux81 --schema`, text trimmed
# and quoted when needed, hours and amounts from implied decimals, dates
# reformatted, every record checked against the DEB, the FIN count checked.
# flux82.sh uses bench_fixed too.
bench_fixed() {	# tool details
	gen-cncesu "$1" "$2" >"$WORK/$1.txt"
	echo "  entrée : $(stat -c %s "$WORK/$1.txt") octets, $(wc -l <"$WORK/$1.txt") lignes"
	"$1" --schema | gawk -v FPAT='([^,]*)|("([^"]|"")*")' '
	NR > 1 && $2 != "" && $1 !~ /^FIN/ && !($1 ~ /^DET/ && substr($1, 5) + 0 < 6) {
		t = $4 == "date" ? "d" : $4 == "mois" ? "m" : $4 == "entier" ? "i" :
		    ($4 == "heures" || $4 == "montant" || $4 == "decimal") ? "n" : "t"
		spec = spec " " $6 ":" ($7 - $6 + 1) ":" t
		hdr = hdr (hdr == "" ? "" : ",") $2
	}
	$1 ~ /^DET/ { width = $7 }
	END { printf "%s\n%s\n%d\n", substr(spec, 2), hdr, width }' >"$WORK/layout"
	cat >"$WORK/fixed.awk" <<'AWK'
BEGIN {
	getline sp <LAYOUT; getline hdr <LAYOUT; getline width <LAYOUT
	nf = split(sp, spec, " ")
	for (i = 1; i <= nf; i++) { split(spec[i], p, ":"); s[i] = p[1]; w[i] = p[2]; ty[i] = p[3] }
	print hdr
}
substr($0, 1, 3) == "DEB" { head = substr($0, 4, 21); next }
substr($0, 1, 3) == "FIN" { if (substr($0, 25, 8) + 0 != NR) { print "fin" > "/dev/stderr"; exit 65 } next }
{
	if (length($0) != width || substr($0, 4, 21) != head) { print "ligne " NR > "/dev/stderr"; exit 65 }
	out = ""
	for (i = 1; i <= nf; i++) {
		v = substr($0, s[i], w[i])
		if (ty[i] == "t") { sub(/ +$/, "", v); if (v ~ /[",]/) { gsub(/"/, "\"\"", v); v = "\"" v "\"" } }
		else if (v ~ /^ +$/) v = ""
		else if (ty[i] == "n") { v += 0; v = sprintf("%d.%02d", int(v / 100), v % 100) }
		else if (ty[i] == "i") v += 0
		else if (ty[i] == "d") v = substr(v, 1, 4) "-" substr(v, 5, 2) "-" substr(v, 7, 2)
		else if (ty[i] == "m") v = substr(v, 1, 4) "-" substr(v, 5, 2)
		out = i == 1 ? v : out "," v
	}
	print out
}
AWK
	bench_floors "$WORK/$1.txt"
	bench_add gawk "$WORK/$1.txt" gawk -v LAYOUT="$WORK/layout" -f "$WORK/fixed.awk"
	bench_add "$1-parse" "$WORK/$1.txt" "$1" parse
	bench_run
	bench_ratio "$1-parse" gawk
	bench_ratio wc-l "$1-parse"
	rm -f "$WORK/$1.txt"
}
[ -n "$BENCH_FIXED_ONLY" ] || bench_fixed flux81 "${FLUX81_LINES:-4000000}"
