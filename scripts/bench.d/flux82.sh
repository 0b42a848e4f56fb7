# flux82 parse against cat, wc -l, and a gawk program doing the same work:
# fixed-width fields cut from a table, text trimmed and quoted when needed,
# hours and amounts from implied decimals, dates reformatted, FIN counted.
gen-cncesu flux82 ${FLUX82_LINES:-800000} >"$WORK/flux82.txt"
echo "  entrée : $(stat -c %s "$WORK/flux82.txt") octets, $(wc -l <"$WORK/flux82.txt") lignes"
cat >"$WORK/flux82.awk" <<'AWK'
BEGIN {
	OFS = ","
	nf = split("8:4:t 12:8:d 20:5:i 25:32:t 57:32:t 89:14:t 103:1:t 104:30:t 134:30:t 164:30:t 194:8:d 202:30:t 232:15:t 247:38:t 285:38:t 323:38:t 361:5:t 366:32:t 398:38:t 436:38:t 474:38:t 512:38:t 550:5:t 555:32:t 587:1:t 588:6:m 594:1:t 595:1:t 596:1:t 597:8:d 605:1:t 606:7:n 613:7:n 620:5:n 625:7:n 632:5:n 637:7:n 644:7:n 651:8:d", spec, " ")
	for (i = 1; i <= nf; i++) { split(spec[i], p, ":"); s[i] = p[1]; w[i] = p[2]; ty[i] = p[3] }
	print "code_conseil_departemental,date_creation_fichier,numero_ordre,identifiant_beneficiaire,index_prestation,numero_employeur,civilite,nom_naissance,nom_epoux,prenom,date_naissance,lieu_naissance,nir,adresse_1,adresse_2,adresse_3,code_postal,ville,nom_correspondant,adresse_correspondance_1,adresse_correspondance_2,adresse_correspondance_3,code_postal_correspondance,ville_correspondance,tiers_payant,mois_reference,code_type_emploi,code_mode_declaration,type_prestation,date_effet,cesu_prefinances,heures_avant_deduction_mtp,heures_plan_aide_cg,salaire_horaire_net,salaire_net,taux_prise_en_charge_cg,montant_prise_en_charge_salaires,montant_prise_en_charge_cotisations,date_fin"
}
substr($0, 1, 3) == "DEB" { head = substr($0, 4, 21); next }
substr($0, 1, 3) == "FIN" { if (substr($0, 25, 8) + 0 != NR) { print "fin" > "/dev/stderr"; exit 65 } next }
{
	if (length($0) != 658 || substr($0, 4, 21) != head) { print "ligne " NR > "/dev/stderr"; exit 65 }
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
bench_cmd cat "$WORK/flux82.txt" cat
bench_cmd wc-l "$WORK/flux82.txt" wc -l
bench_cmd gawk "$WORK/flux82.txt" gawk -f "$WORK/flux82.awk"
bench_cmd flux82-parse "$WORK/flux82.txt" flux82 parse
bench_ratio flux82-parse gawk
bench_ratio wc-l flux82-parse
rm -f "$WORK/flux82.txt"
