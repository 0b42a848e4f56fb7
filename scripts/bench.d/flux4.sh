# flux4 parse against cat, wc -l, and the same parse in gawk (FIELDWIDTHS per
# record type, trimmed fields, canonical dates and amounts, every footer
# recomputed, one CSV row per title); gawk runs in the C locale, the right
# one for Windows-1252 bytes (it does not convert them to UTF-8: flux4 does).
gen-flux4 -b 20 ${FLUX4_CARNETS:-480000} >"$WORK/flux4.txt"
echo "  entrée : $(stat -c %s "$WORK/flux4.txt") octets, $(wc -l <"$WORK/flux4.txt") lignes"
cat >"$WORK/flux4.awk" <<'AWK'
# flux4 parse in gawk: split by FIELDWIDTHS per record type, trim, canonical
# numbers and dates, recompute the footers, print one CSV row per title.
BEGIN {
	fw["1"] = "1 8 30"; fw["2"] = "1 5 32 20 221 2"; fw["3"] = "1 5 3 15 159 2"
	fw["4"] = "1 5 3 4 5 15 1 32 32 8 4 1 4 27 38 38 5 32 5 32 15 15 15 150 1 32 32 4 1 4 27 38 38 5 32 5 5 11 2 50 50 34 8 8 1 20"
	fw["5"] = "1 5 3 4 2 5 5 8 3 3 40 6"
	fw["6"] = "1 7 11"; fw["7"] = "1 7 11 11 9"; fw["8"] = "1 7 11 11 9"; fw["9"] = "1 7"
	OFS = ","
	print "date_commande,origine_fichier,code_client,raison_sociale,reference_commande_externe,type_commande,code_succursale,code_carnet,nombre_carnets,matricule_salarie,civilite,nom_beneficiaire,prenom_beneficiaire,date_naissance,nom_voie,complement_adresse,lieu_dit,code_postal,bureau_distributeur,code_insee,nom_commune,civilite_tuteur,nom_tuteur,prenom_tuteur,nom_voie_tuteur,complement_adresse_tuteur,code_postal_tuteur,bureau_distributeur_tuteur,date_debut_prise_en_charge,date_fin_prise_en_charge,titre_dematerialise,reference_ligne_commande_externe,nombre_titres,valeur_unitaire,part_financier_unitaire,date_validite,code_mention_1,code_mention_2,mention_libre,mois_reference"
}
function trim(s) { sub(/ +$/, "", s); return s }
function qq(s) { s = trim(s); if (s ~ /[",]/) { gsub(/"/, "\"\"", s); s = "\"" s "\"" } return s }
function d(s) { return s ~ /^ *$/ ? "" : substr(s,5,4) "-" substr(s,3,2) "-" substr(s,1,2) }
function int_(s) { if (s ~ /^ *$/) return ""; return s + 0 }
function eur(s) { if (s ~ /^ *$/) return ""; return sprintf("%d.%02d", int(s / 100), s % 100) }
function fail(what) { print "total faux: " what > "/dev/stderr"; exit 65 }
{ t = substr($0, 1, 1); FIELDWIDTHS = fw[t]; $0 = $0; nl++ }
t == "1" { h1 = d($2) OFS qq($3); next }
t == "2" { h2 = $2 OFS qq($3) OFS qq($4) OFS trim($6); ot = om = oc = 0; next }
t == "3" { h3 = $3; bt = bm = bc = 0; next }
t == "4" {
	h4 = $4 OFS int_($5) OFS qq($6) OFS $7 OFS qq($8) OFS qq($9) OFS d($10) OFS qq($14) OFS qq($15) OFS qq($16) OFS trim($17) OFS qq($18) OFS qq($19) OFS qq($20) OFS trim($25) OFS qq($26) OFS qq($27) OFS qq($31) OFS qq($32) OFS trim($34) OFS qq($35) OFS d($43) OFS d($44) OFS trim($45) OFS qq($46)
	ct = cm = 0; bc++; oc++; next
}
t == "5" {
	ct += $5; cm += $5 * $6
	print h1, h2, h3, h4, int_($5), eur($6), eur($7), d($8), trim($9), trim($10), qq($11), ($12 ~ /^ *$/ ? "" : substr($12,1,4) "-" substr($12,5,2))
	next
}
t == "6" { if ($2 != ct || $3 != cm) fail("carnet"); bt += ct; bm += cm; next }
t == "7" { if ($2 != bt || $3 != bm || $5 != bc) fail("succursale"); ot += bt; om += bm; next }
t == "8" { if ($2 != ot || $3 != om || $5 != oc) fail("commande"); next }
t == "9" { if ($2 != nl) fail("lignes") }
AWK
bench_floors "$WORK/flux4.txt"
bench_add gawk "$WORK/flux4.txt" env LC_ALL=C gawk -f "$WORK/flux4.awk"
bench_add flux4-parse "$WORK/flux4.txt" flux4 parse
bench_run
bench_ratio flux4-parse gawk
bench_ratio wc-l flux4-parse
bench_ratio cat flux4-parse
rm -f "$WORK/flux4.txt"
