#!/bin/sh
# registre cesu evenement(s), ecesu, compte-emploi, incoherences against a
# real PostgreSQL 15 (tests/pgtest.sh), on the small case of cesu.sh:
# title events block refunds with a reason of their own (J2), the e-CESU
# account, the compte d'emploi by hand to the cent, and its XLSX and PDF
# read back by real readers.
#   sh tests/integration/cesu-suivi.sh BUILD_DIR
B=${1:-build}
TD=$(cd "$(dirname "$0")/../../testdata/registre/cesu" && pwd)
TS=$(cd "$(dirname "$0")/../../testdata/cesu-suivi" && pwd)
. "$(dirname "$0")/../pgtest.sh"
. "$(dirname "$0")/../cesutest.sh"
q() { sql postgres -c "$1"; }

step "small case: plans, orders, titles taken over"
registre db init >/dev/null 2>"$W/err" || { cat "$W/err"; ko "db init"; exit 1; }
registre load plans --date 2016-02-15 <"$TD/plans.csv" 2>"$W/err"
expect_rc 0 $? "load plans"
registre load commandes --date 2016-02-20 <"$TD/commandes.csv" 2>"$W/err"
expect_rc 0 $? "load commandes"
registre load titres-repris --date 2016-02-01 <"$TD/titres-repris.csv" 2>"$W/err"
expect_rc 0 $? "load titres-repris"

step "one event: stolen, then re-issued with the replaced titles blocked"
registre cesu evenement vole 160310000100008 --date 2016-03-05 --motif "plainte n° 12" 2>"$W/err"
expect_rc 0 $? "evenement vole"
registre cesu evenement reemission 160310000100008 160310000100009 \
    --date 2016-03-06 --remplacant 160310000100010 2>"$W/err"
expect_rc 0 $? "evenement reemission"
check "bloque,bloque,160310000100010" "$(q "SELECT string_agg(statut, ',' ORDER BY numero_titre)
    || ',' || max(remplace_par) FROM cesutg.titre WHERE numero_titre IN
    ('160310000100008', '160310000100009')")" "titres remplacés bloqués, remplaçant noté"
registre cesu evenement vole 160310000100008 --date 2016-03-05 2>"$W/err"
expect_rc 0 $? "même événement redonné : sans effet"
registre cesu evenement vole 160310000100008 --date 2016-03-07 2>"$W/err"
expect_rc 65 $? "même nature, autre date"
grep -q "événement vole déjà enregistré le 2016-03-05" "$W/err" && ok || { ko "refus non motivé"; cat "$W/err"; }
registre cesu evenement perdu 999999999999999 --date 2016-03-05 2>"$W/err"
expect_rc 65 $? "titre inconnu"
grep -q "titre 999999999999999 inconnu" "$W/err" && ok || { ko "titre inconnu non motivé"; cat "$W/err"; }
registre cesu evenement egare 160310000100001 2>"$W/err"
expect_rc 65 $? "nature inconnue"
registre cesu evenement reemission 160310000100001 --remplacant 160310000200001 2>"$W/err"
expect_rc 65 $? "remplaçant d'un autre bénéficiaire"
registre cesu evenement vole 160310000100001 --date 2016-02-30 2>&1 | grep -q "date invalide"
check 0 $? "--date invalide refusée"
registre cesu evenement vole 2>/dev/null
expect_rc 64 $? "evenement sans titre"

step "events in bulk (evenements-titres(5)): refused lines told, the others recorded"
cat >"$W/evt.csv" <<'EOF'
numero_titre,nature,date_evenement,motif,titre_remplacant
160310000200004,non_distribue,2016-03-04,"pli retourné, NPAI",
160310000200005,dematerialise,2016-03-04,demande du bénéficiaire,
160310000300002,annule,2016-03-04,,
160310000300001,perdu,2016-03-32,,
160310000300001,egare,2016-03-04,,
160310000200004,reemission,2016-03-08,,
EOF
registre cesu evenements --source evt.csv <"$W/evt.csv" 2>"$W/err"
expect_rc 65 $? "evenements avec deux lignes refusées"
grep -q "evt.csv:5: date « 2016-03-32 » invalide" "$W/err" && ok || { ko "ligne 5"; cat "$W/err"; }
grep -q "evt.csv:6: nature « egare » inconnue" "$W/err" && ok || { ko "ligne 6"; cat "$W/err"; }
grep -q "6 événement(s) lus, 2 refusé(s)" "$W/err" && ok || { ko "résumé"; cat "$W/err"; }
check "160310000200004 bloque 2016-03-08|160310000200005 - -|160310000300002 annule 2016-03-04" \
    "$(q "SELECT string_agg(numero_titre || ' ' || coalesce(statut, '-') || ' ' ||
    coalesce(statut_le::text, '-'), '|' ORDER BY numero_titre) FROM cesutg.titre
    WHERE numero_titre IN ('160310000200004', '160310000200005', '160310000300002')")" \
    "statuts du fichier (non distribué puis réémis dans le même fichier)"
check 2016-03-04 "$(q "SELECT dematerialise_le FROM cesutg.titre WHERE numero_titre = '160310000200005'")" \
    "titre dématérialisé"
check 7 "$(q "SELECT count(*) FROM cesutg.evenement_titre")" "événements enregistrés (3 + 4)"
printf 'numero_titre,nature\n1,vole\n' | registre cesu evenements 2>/dev/null
expect_rc 65 $? "entête qui n'est pas celle de evenements-titres(5)"

step "refunds: a blocked title cashed is rejected for its own reason and signalled"
for f in remboursements-1:2016-03-10 remboursements-3:2016-03-15 \
    remboursements-2:2016-04-02; do
	registre load remboursements --date "${f#*:}" <"$TD/${f%:*}.csv" 2>"$W/err"
	expect_rc 0 $? "load ${f%:*}"
done
cat >"$W/r4.csv" <<'EOF'
code_emetteur,date_creation,numero_ordre,date_remboursement,numero_titre,reference_commande,code_carnet,identifiant_beneficiaire,valeur_faciale,date_encaissement,code_affilie,nom_affilie,type_affilie,code_produit
OP75,2016-04-10,2,2016-04-10,160310000100009,APA 03/2016,0140001,100001,12.70,2016-04-08,200000009,MARTIN PAUL,E,01
OP75,2016-04-10,2,2016-04-10,160310000100010,APA 03/2016,0140001,100001,12.70,2016-04-08,200000001,DUBOIS MARC,E,01
OP75,2016-04-10,2,2016-04-10,160310000300002,APA 03/2016,0140002,100003,12.70,2016-04-08,200000001,DUBOIS MARC,E,01
EOF
registre load remboursements --date 2016-04-10 <"$W/r4.csv" >/dev/null 2>"$W/err"
expect_rc 65 $? "load remboursements avec un titre bloqué et un annulé"
check "bloque|annule" "$(q "SELECT string_agg(cause, '|' ORDER BY numero_titre)
    FROM cesutg.remboursement_rejete")" "causes de rejet"
check "titre bloqué : remplacé par une réémission urgente (titre 160310000100010) (déclaré le 2016-03-06)" \
    "$(q "SELECT motif FROM cesutg.signal_fraude_cesu WHERE signal = 'bloque'")" \
    "signal de fraude d'un titre bloqué encaissé"
check 1 "$(q "SELECT count(*) FROM cesutg.remboursement WHERE numero_titre = '160310000100010' AND valide_au IS NULL")" \
    "le titre remplaçant est remboursé"
# J2 names each refused cause (a blocked title's case had no label).
registre alertes J2 --mois 2016-04 >/dev/null 2>"$W/err"
expect_rc 0 $? "alertes J2 du mois des rejets" || cat "$W/err"
check "titre annulé encaissé (valeur 12.70 €)|titre bloqué (remplacé par une réémission) encaissé (valeur 12.70 €)" \
    "$(q "SELECT string_agg(libelle, '|' ORDER BY libelle) FROM cesutg.alerte
    WHERE nature = 'J2'")" "alertes J2 : titre bloqué et titre annulé encaissés"
registre cesu evenement perdu 160310000100001 --date 2016-04-20 2>"$W/err"
expect_rc 65 $? "événement sur un titre remboursé"
grep -q "déjà remboursé le 2016-03-10" "$W/err" && ok || { ko "titre remboursé"; cat "$W/err"; }

step "e-CESU account: credited, consumed, expired"
registre cesu ecesu --au 2016-04-15 >"$W/ecesu1.csv" 2>"$W/err"
expect_rc 0 $? "ecesu"
same "$TS/ecesu-2016-04-15.csv" "$W/ecesu1.csv" "comptes e-CESU au 2016-04-15"
registre cesu ecesu --au 2016-06-01 | tail -n 1 >"$W/ecesu2" 2>"$W/err"
check "100002,1,14.97,0.00,14.97,0.00,0,0.00" "$(cat "$W/ecesu2")" "compte e-CESU après la péremption"

step "compte d'emploi: by aid and order month, computed by hand"
registre param set taux_charges_apa 0.4235 >/dev/null
registre load charges --date 2016-04-05 <"$TD/charges-2.csv" >/dev/null 2>&1
registre cesu compte-emploi --au 2016-04-15 >"$W/ce.csv" 2>"$W/err"
expect_rc 0 $? "compte-emploi"
same "$TS/compte-emploi.csv" "$W/ce.csv" "compte d'emploi au 2016-04-15"
# emis = rembourses + perimes + annules + voles_perdus + non_distribues +
# bloques + en_circulation, in titles and in cents, on every row.
gawk -F, 'NR > 1 { n = $5 + $7 + $9 + $11 + $13 + $15 + $17
	v = 0; for (i = 6; i <= 18; i += 2) { x = $i; sub(/\./, "", x); v += x }
	e = $4; sub(/\./, "", e)
	if (n != $3 || v != e + 0) { print "ligne " NR ": " $0; bad = 1 } }
	END { exit bad }' "$W/ce.csv" && ok || ko "compte d'emploi : émis ≠ somme des devenirs"
registre cesu compte-emploi --de 2016-03 --a 2016-03 --au 2016-04-15 | cut -d, -f1,2 >"$W/ce2"
check "aide,mois_commande|APA,2016-03|PCHE,2016-03|inconnue,2016-03" "$(paste -sd'|' "$W/ce2")" "--de --a"
registre cesu compte-emploi --consomme >"$W/co.csv" 2>"$W/err"
same "$TS/consomme.csv" "$W/co.csv" "suivi consommé par mois de remboursement"
registre cesu compte-emploi --de 2016-04 --a 2016-03 2>/dev/null
expect_rc 64 $? "--de après --a"
registre cesu compte-emploi --motif x 2>/dev/null
expect_rc 64 $? "option d'une autre sous-commande"

step "compte d'emploi as XLSX read back by gnumeric, as PDF rendered"
compteemploi-xlsx "$W/ce.xlsx" <"$W/ce.csv" 2>"$W/err"
expect_rc 0 $? "compteemploi-xlsx"
check 600 "$(stat -c %a "$W/ce.xlsx")" "classeur en 0600"
(cd "$W" && LC_ALL=C.UTF-8 ssconvert -S -O 'format=preserve separator=,' \
    --export-type=Gnumeric_stf:stf_assistant ce.xlsx "ce-lu.%n.csv" >/dev/null 2>&1)
check 0 $? "ssconvert relit le classeur"
# Cells as displayed ("1,234.56 €" in the C locale) back to the CSV's form.
relu() {	# file
	gawk 'BEGIN { FPAT = "([^,]*)|(\"[^\"]*\")"; OFS = "," }
	    { for (i = 1; i <= NF; i++) { gsub(/"| €|,/, "", $i) }; $1 = $1; print }' "$1"
}
relu "$W/ce-lu.0.csv" | sed -n '4,$p' | grep -v '^Total' >"$W/ce-lu.csv"
tail -n +2 "$W/ce.csv" >"$W/ce-corps.csv"
same "$W/ce-corps.csv" "$W/ce-lu.csv" "lignes du classeur relues"
# Totals of the workbook = sums of the CSV's columns, to the cent.
gawk -F, 'NR > 1 { for (i = 3; i <= NF; i++) { x = $i; sub(/\./, "", x); s[i] += x } }
    END { printf "Total,"; for (i = 3; i <= 21; i++) printf ",%s", (i % 2 == 0 || i == 21) ?
	sprintf("%d.%02d", s[i] / 100, s[i] % 100) : s[i]; print "" }' "$W/ce.csv" >"$W/tot.csv"
relu "$W/ce-lu.0.csv" | grep '^Total' >"$W/tot-lu.csv"
same "$W/tot.csv" "$W/tot-lu.csv" "totaux du classeur = sommes du CSV"
check "2016-02,25.40,25.40|2016-03,227.25,146.51" "$(relu "$W/ce-lu.1.csv" | sed -n '2,$p' |
    cut -d, -f1-3 | grep -v '^,,' | paste -sd'|')" "feuille par mois du graphique"
unzip -l "$W/ce.xlsx" 2>/dev/null | grep -q "xl/charts/chart1.xml" && ok || ko "pas de graphique dans le classeur"
compteemploi-xlsx "$W/x.xlsx" <"$TD/plans.csv" 2>"$W/err"
expect_rc 65 $? "compteemploi-xlsx sur un autre CSV"
[ ! -e "$W/x.xlsx" ] && [ -z "$(ls "$W" | grep compteemploi)" ] && ok || ko "temporaire laissé"
SOURCE_DATE_EPOCH=1460000000 compteemploi-pdf <"$W/ce.csv" >"$W/ce.pdf" 2>"$W/err"
expect_rc 0 $? "compteemploi-pdf"
pdftotext -layout "$W/ce.pdf" - | grep "^ *Total" | tr -s ' ' >"$W/tot-pdf"
check "Total 19 252,65 € 171,91 € 0,00 € 53,07 € 27,67 € 14,97 € 85,00 €" \
    "$(sed 's/^ //; s/\xe2\x80\xaf/ /g; s/ $//' "$W/tot-pdf")" "totaux du PDF"
pdftotext "$W/ce.pdf" - | grep -q "Émis et remboursés par mois de commande" && ok ||
    ko "pas de graphique dans le PDF"
pdftoppm -png -r 60 -f 1 -l 1 "$W/ce.pdf" "$W/ce" && [ -s "$W/ce-1.png" ] && ok || ko "pdftoppm"

step "under-consumption of an order month"
registre cesu sous-consommation 2016-03 >"$W/sous.csv" 2>"$W/err"
expect_rc 0 $? "sous-consommation"
check "100003,P00009,2016-03,2,0,0.0" "$(tail -n +2 "$W/sous.csv" | cut -d, -f1-6 | paste -sd'|')" \
    "sous-consommation à 50 % : 0 titre encaissé sur 2"
check "100001,P00001,10,8|100002,P00002,5,3|100003,P00009,2,0" \
    "$(registre cesu sous-consommation 2016-03 --seuil 90 | tail -n +2 | cut -d, -f1,2,4,5 | paste -sd'|')" \
    "sous-consommation à 90 %"
registre cesu sous-consommation 2016-03 --seuil 101 2>/dev/null
expect_rc 64 $? "--seuil au-delà de 100"

step "F12: emploi-direct plan cashed by a mandataire, and the reverse"
registre cesu incoherences >"$W/inc.csv" 2>"$W/err"
expect_rc 0 $? "incoherences"
same "$TS/incoherences.csv" "$W/inc.csv" "incohérences de mode"
check 1 "$(registre cesu incoherences 2016-04 | wc -l)" "aucune en avril (entête seule)"

echo "cesu-suivi.sh: $pass réussis, $fail échoués"
[ "$fail" -eq 0 ]
