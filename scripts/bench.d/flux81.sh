# flux81 parse against cat, wc -l, and a gawk program doing the same work:
# fixed-width fields cut from a table, text trimmed and quoted when needed,
# hours and amounts from implied decimals, dates reformatted, FIN counted.
gen-cncesu flux81 ${FLUX81_LINES:-4000000} >"$WORK/flux81.txt"
echo "  entrée : $(stat -c %s "$WORK/flux81.txt") octets, $(wc -l <"$WORK/flux81.txt") lignes"
cat >"$WORK/flux81.awk" <<'AWK'
BEGIN {
	OFS = ","
	nf = split("12:8:d 20:5:i 25:3:t 28:32:t 60:32:t 92:6:m 98:7:n 105:7:n 112:9:n 121:9:n", spec, " ")
	for (i = 1; i <= nf; i++) { split(spec[i], p, ":"); s[i] = p[1]; w[i] = p[2]; ty[i] = p[3] }
	print "date_creation_fichier,numero_ordre,code_departement,identifiant_beneficiaire,index_prestation,mois_reference,heures_emploi_direct,heures_autres,montant_emploi_direct,montant_autres"
}
substr($0, 1, 3) == "DEB" { head = substr($0, 4, 21); next }
substr($0, 1, 3) == "FIN" { if (substr($0, 25, 8) + 0 != NR) { print "fin" > "/dev/stderr"; exit 65 } next }
{
	if (length($0) != 129 || substr($0, 4, 21) != head) { print "ligne " NR > "/dev/stderr"; exit 65 }
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
bench_cmd cat "$WORK/flux81.txt" cat
bench_cmd wc-l "$WORK/flux81.txt" wc -l
bench_cmd gawk "$WORK/flux81.txt" gawk -f "$WORK/flux81.awk"
bench_cmd flux81-parse "$WORK/flux81.txt" flux81 parse
bench_ratio flux81-parse gawk
bench_ratio wc-l flux81-parse
rm -f "$WORK/flux81.txt"
