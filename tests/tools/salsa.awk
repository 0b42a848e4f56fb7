# SALSA, played from the Flux 2 files of emitted invoices (tests and
# bench): reads the files' records (UTF-8, '|', each file followed by a
# line "#fin"), writes sadlog's canonical CSV: one invoice in three is KO
# and names its first two beneficiaries, the others are OK.
#   for f in DIR/FLUX2_*.txt; do iconv -f WINDOWS-1252 -t UTF-8 "$f";
#   echo "#fin"; done | awk -F'|' -v d=AAAA-MM-JJ -f salsa.awk
function q(s) { gsub(/"/, "\"\"", s); return "\"" s "\"" }
function dt(s) { return substr(s, 1, 4) "-" substr(s, 5, 2) "-" substr(s, 7, 2) }
BEGIN { print "type_enregistrement,date_integration,date_edition," \
    "numero_facture,libelle_tiers,date_debut_facturation," \
    "date_fin_facturation,type_aide,facture_integree," \
    "identifiant_beneficiaire_salsa,nom_beneficiaire," \
    "prenom_beneficiaire,motif_rejet,nombre_heures,montant_facture," \
    "montant_salsa_attendu" }
$1 == "1" { split($0, e, "|"); nb = 0; delete vu; n++; next }
$1 == "2" { if (!($2 in vu)) { vu[$2] = 1; b[++nb] = $0 }; next }
$0 == "#fin" {
	ko = n % 3 == 1
	print "1," d "," dt(e[6]) "," e[5] "," q(e[4]) "," dt(e[7]) "," \
	    dt(e[8]) "," e[9] "," (ko ? "KO" : "OK") ",,,,,,,"
	for (i = 1; ko && i <= nb && i <= 2; i++) {
		split(b[i], x, "|")
		print "2,,," e[5] "," q(e[4]) ",,," e[9] ",," x[2] "," \
		    q(x[3]) "," q(x[4]) "," q("Période non couverte par " \
		    "le plan d'aide") "," x[10] "," x[11] ","
	}
}
