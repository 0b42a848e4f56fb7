# flux5 parse against cat, wc -l, and the same parse in gawk (FIELDWIDTHS per
# record type, trimmed fields, canonical dates and amounts, line counts
# checked, one CSV row per detail); gawk runs in the C locale, the right one
# for Windows-1252 bytes (it does not convert them to UTF-8: flux5 does).
gen-flux5 -d 36 ${FLUX5_DETAILS:-5000000} >"$WORK/flux5.txt"
echo "  entrée : $(stat -c %s "$WORK/flux5.txt") octets, $(wc -l <"$WORK/flux5.txt") lignes"
cat >"$WORK/flux5.awk" <<'AWK'
# flux5 parse in gawk: split by FIELDWIDTHS per record type, trim, canonical
# numbers and dates, check the line counts, print CSV.
BEGIN {
	fw["1"] = "1 8 8 1"; fw["2"] = "1 5"; fw["8"] = "1 7"; fw["9"] = "1 7"
	fw["3"] = "1 15 20 2 4 6 7 12 2 4 9 20 2"
	OFS = ","
	print "date_debut,date_fin,code_client,index_individu_beneficiaire,reference_commande,mois_traitement,annee_traitement,vn_unitaire_emission,quantite_consommee,montant_consomme,mois_consommation,annee_consommation,code_affilie,nom_affilie,code_produit"
}
function trim(s) { sub(/ +$/, "", s); return s }
function dec(s) { if (s ~ /^ *$/) return ""; sub(/,/, ".", s); sub(/^0+/, "", s); if (s ~ /^\./) s = "0" s; return s }
function qq(s) { if (s ~ /[",]/) { gsub(/"/, "\"\"", s); s = "\"" s "\"" } return s }
{
	t = substr($0, 1, 1); FIELDWIDTHS = fw[t]; $0 = $0; nl++; dl++
}
t == "1" { d1 = substr($2,1,4) "-" substr($2,5,2) "-" substr($2,7,2); d2 = substr($3,1,4) "-" substr($3,5,2) "-" substr($3,7,2); next }
t == "2" { cl = $2; dl = 1; next }
t == "3" {
	q = $7; sub(/^0+/, "", q); if (q == "" && $7 ~ /0/) q = "0"
	print d1, d2, cl, qq(trim($2)), qq(trim($3)), $4, $5, dec($6), trim(q), dec($8), $9, $10, trim($11), qq(trim($12)), $13
	next
}
t == "8" { if ($2 + 0 != dl) { print "total faux" > "/dev/stderr"; exit 65 } next }
t == "9" { if ($2 + 0 != nl) { print "total faux" > "/dev/stderr"; exit 65 } next }
AWK
bench_floors "$WORK/flux5.txt"
bench_add gawk "$WORK/flux5.txt" env LC_ALL=C gawk -f "$WORK/flux5.awk"
bench_add flux5-parse "$WORK/flux5.txt" flux5 parse
bench_run
bench_ratio flux5-parse gawk
bench_ratio wc-l flux5-parse
bench_ratio cat flux5-parse
rm -f "$WORK/flux5.txt"
