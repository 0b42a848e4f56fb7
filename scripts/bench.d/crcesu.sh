# crcesu parse against cat, wc -l, and gawk/mawk writing the very same CSV
# (trimmed text, ISO dates, euros, the DEB's columns on each row: checked
# with cmp on a small file first), plus a bare substr split for reference.
cat >"$WORK/crcesu.awk" <<'AWK'
function d(s) { return substr(s, 1, 4) "-" substr(s, 5, 2) "-" substr(s, 7, 2) }
function t(s) { sub(/ +$/, "", s); if (s ~ /[",]/) { gsub(/"/, "\"\"", s); s = "\"" s "\"" } return s }
function m(s) { s += 0; return sprintf("%d.%02d", int(s / 100), s % 100) }
BEGIN { OFS = ","; print "code_emetteur,date_creation,numero_ordre,date_remboursement,numero_titre,reference_commande,code_carnet,identifiant_beneficiaire,valeur_faciale,date_encaissement,code_affilie,nom_affilie,type_affilie,code_produit" }
/^DEB/ { deb = t(substr($0, 8, 4)) "," d(substr($0, 12, 8)) "," (substr($0, 20, 5) + 0) "," d(substr($0, 25, 8)) }
/^DET/ {
	print deb, substr($0, 4, 15), t(substr($0, 19, 20)), t(substr($0, 39, 15)),
	    t(substr($0, 54, 15)), m(substr($0, 69, 7)), d(substr($0, 76, 8)),
	    substr($0, 84, 9), t(substr($0, 93, 38)), substr($0, 131, 1),
	    substr($0, 132, 2)
}
AWK
cat >"$WORK/substr.awk" <<'AWK'
BEGIN { OFS = "," }
/^DET/ {
	print substr($0, 4, 15), substr($0, 19, 20), substr($0, 39, 15),
	    substr($0, 54, 15), substr($0, 69, 7), substr($0, 76, 8),
	    substr($0, 84, 9), substr($0, 93, 38), substr($0, 131, 1),
	    substr($0, 132, 2)
}
AWK
gen-crcesu 10000 >"$WORK/small.txt"
crcesu parse "$WORK/small.txt" >"$WORK/small.csv"
gawk -f "$WORK/crcesu.awk" "$WORK/small.txt" | cmp -s - "$WORK/small.csv" ||
    echo "  ATTENTION : la référence gawk n'écrit pas le même CSV"
rm -f "$WORK/small.txt" "$WORK/small.csv"
gen-crcesu ${CRCESU_LINES:-3800000} >"$WORK/crcesu.txt"
echo "  entrée : $(stat -c %s "$WORK/crcesu.txt") octets, $(wc -l <"$WORK/crcesu.txt") lignes"
bench_floors "$WORK/crcesu.txt"
bench_add gawk "$WORK/crcesu.txt" gawk -f "$WORK/crcesu.awk"
bench_add mawk "$WORK/crcesu.txt" mawk -f "$WORK/crcesu.awk"
bench_add gawk-substr "$WORK/crcesu.txt" gawk -f "$WORK/substr.awk"
bench_add crcesu-parse "$WORK/crcesu.txt" crcesu parse
bench_run
bench_ratio crcesu-parse gawk
bench_ratio crcesu-parse mawk
bench_ratio crcesu-parse gawk-substr
bench_ratio wc-l crcesu-parse
bench_ratio cat crcesu-parse
rm -f "$WORK/crcesu.txt" "$WORK/out"
