# flux6 parse against cat, wc -l, and a gawk program doing the same work:
# split on ';', DEB columns on every DET row, amounts and hours from cents,
# dates reformatted, recaps and the FIN count checked.
gen-cncesu flux6 ${FLUX6_LINES:-5000000} >"$WORK/flux6.txt"
echo "  entrée : $(stat -c %s "$WORK/flux6.txt") octets, $(wc -l <"$WORK/flux6.txt") lignes"
cat >"$WORK/flux6.awk" <<'AWK'
function d(s) { return substr(s, 1, 4) "-" substr(s, 5, 2) "-" substr(s, 7, 2) }
function m(s) { return substr(s, 1, 4) "-" substr(s, 5, 2) }
function c(s) { s += 0; return sprintf("%d.%02d", int(s / 100), s % 100) }
BEGIN { FS = ";"; OFS = ","; print "code_conseil_departemental,date_creation_fichier,numero_ordre,identifiant_beneficiaire,index_prestation,numero_employeur,type_prestation,periode_emploi,heures_plan_aide_cg,montant_prise_en_charge_cotisations,heures_impactees,montant_prise_en_charge_impactee,nature_mouvement,mois_facturation" }
$1 == "DEB" { cd = $3; dc = $4; seq = $5; next }
$1 == "DET" {
	if ($3 != cd || $4 != dc || $5 != seq) { print "entete" > "/dev/stderr"; exit 65 }
	t = $9; n[t]++
	if ($15 == 1) { h1[t] += $13; m1[t] += $14 } else { r[t]++ }
	if ($15 == 2) { h2[t] += $13; m2[t] += $14 }
	if ($15 == 3) { h3[t] += $13; m3[t] += $14 }
	print cd, d(dc), seq + 0, $6, $7, $8, t, m($10), c($11), c($12), c($13), c($14), $15, m($16)
	next
}
$1 == "FIC" {
	t = $6
	if ($7 != n[t] || $8 != h1[t] || $9 != m1[t] || $10 != r[t] || $11 != h2[t] || $12 != m2[t] || $13 != h3[t] || $14 != m3[t] || $15 != m1[t] + m2[t] - m3[t]) { print "recap " t > "/dev/stderr"; exit 65 }
	next
}
$1 == "FIN" { if ($6 != NR) { print "fin" > "/dev/stderr"; exit 65 } }
AWK
bench_floors "$WORK/flux6.txt"
bench_add gawk "$WORK/flux6.txt" gawk -f "$WORK/flux6.awk"
bench_add flux6-parse "$WORK/flux6.txt" flux6 parse
bench_run
bench_ratio flux6-parse gawk
bench_ratio wc-l flux6-parse
rm -f "$WORK/flux6.txt"
