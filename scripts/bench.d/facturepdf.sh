# facturepdf: the PDF invoices of a Paris month, as the daily pipeline
# makes them (one facturepdf --dir for all the extracts: fonts loaded
# once, each invoice in a child, written with fsync), and one process per
# invoice (facturepdf < extract > pdf). fluxgen's plans give one invoice per SAD and aid
# type (plans with a SAD), as many lines as its plan lines (FACTUREPDF_SCALE, default 1:
# Paris, 130-odd invoices, about 9,600 lines, from 1 to 374).
# Compared in the same run with the same loop copying each extract with
# cat (the floor: process starts and I/O). Invoices per second, one
# process at a time (issue 14's bar: 50), from the median wall time and
# from the median CPU time, with the load average before and after: on a
# shared machine the CPU figure is the steadier one.
mkdir -p "$WORK/factures"
fluxgen --scale "${FACTUREPDF_SCALE:-1}" plans |
    awk -F, 'NR > 1 && $1 != "" { n[$1 " " $2]++ } END { for (k in n) print k, n[k] }' |
    sort | awk -v dir="$WORK/factures" '
BEGIN {
	h = "numero_facture,nature,facture_origine,etat,mois,date_emission," \
	    "date_debut_periode,date_fin_periode,code_financeur,code_sad,nom_sad," \
	    "adresse_sad,courriels_sad,nom_departement,adresse_departement," \
	    "identifiant_beneficiaire_salsa,nom_beneficiaire,prenom_beneficiaire," \
	    "code_prestation,libelle_prestation,mois_prestation,quantite," \
	    "montant_unitaire,montant,etat_ligne,motif_rejet"
}
{
	num++
	f = sprintf("%s/%04d.csv", dir, num)
	print h >f
	e = sprintf("F1605-%04d,originale,,integree,2016-05,2016-06-05," \
	    "2016-05-01,2016-05-31,%s,%s,Service d'\''aide à domicile %s,\"%d rue " \
	    "de la Roquette\n75011 Paris\",compta%d@sad.example,Département de " \
	    "Paris,\"94-96 quai de la Râpée\n75012 Paris\"", num, $2, $1, $1,
	    num, num)
	for (i = 1; i <= $3; i++) {
		q = (i * 37 + num) % 4000 + 100
		m = int((q * 2250 + 50) / 100)
		printf "%s,%d,NOM%05d,Prénom%d,%s01,Aide humaine %s,2016-05," \
		    "%d.%02d,22.50,%d.%02d,%s,%s\n", e, 100000 + i, i, i % 17, $2, $2,
		    q / 100, q % 100, m / 100, m % 100, i % 97 ? "integree" : "rejetee",
		    i % 97 ? "" : "Bénéficiaire inconnu" >f
	}
	close(f)
}'
ls "$WORK"/factures/*.csv >"$WORK/liste"
n=$(wc -l <"$WORK/liste")
echo "  entrée : $n factures, $(cat "$WORK"/factures/*.csv | wc -c) octets d'extraits"
cat >"$WORK/copier.sh" <<'SH'
while read -r f; do cat <"$f" >"${f%.csv}.out" || exit 1; done
SH
cat >"$WORK/rendre.sh" <<'SH'
while read -r f; do facturepdf <"$f" >"${f%.csv}.pdf" || exit 1; done
SH
echo "  charge avant : $(uptime | sed 's/.*load average: *//')"
bench_add cat "$WORK/liste" sh "$WORK/copier.sh"
bench_add facturepdf "$WORK/liste" sh "$WORK/rendre.sh"
mkdir -p "$WORK/lot"
bench_add facturepdf-dir "$WORK/liste" xargs facturepdf --dir "$WORK/lot"
bench_run
echo "  charge après : $(uptime | sed 's/.*load average: *//')"
for l in cat facturepdf facturepdf-dir; do
	case $l in
	cat) q="cat, un processus par extrait (plancher)" ;;
	facturepdf) q="facturepdf, un processus par facture" ;;
	*) q="facturepdf --dir, un processus pour toutes (le pipeline)" ;;
	esac
	awk -v q="$q" -v n="$n" -v t="$(cat "$WORK/t.$l")" -v c="$(cat "$WORK/u.$l")" \
	    'BEGIN { printf "  %s : %.1f factures/s (temps réel médian), %.1f factures/s (cpu médian)\n",
		q, n / (t / 1000), (c > 0 ? n / (c / 1000) : 0) }'
done
echo "  seuil (issue 14) : 50 factures/s"
bench_ratio cat facturepdf
bench_ratio facturepdf-dir facturepdf
[ "$(ls "$WORK"/lot/*.pdf | wc -l)" -eq "$n" ] || echo "  facturepdf --dir : PDF manquants"
echo "  $(ls "$WORK"/factures/*.pdf | wc -l) PDF, $(cat "$WORK"/factures/*.pdf | wc -c) octets"
rm -rf "$WORK/factures"
