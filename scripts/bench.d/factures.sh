# registre factures (issue 14): the invoices of a Paris month (fluxgen
# 2016-05, ~36 SADs) and their Flux 2 files. The month is loaded (canonical
# CSV, no converter), checked, pre-invoiced and validated once; the
# validated ledger is then a template that each round clones: registre
# factures emettre -o, flux2 emit --dir of its CSV (one file per invoice),
# SALSA's log played from those files (tests/tools/salsa.awk) and loaded,
# against the floor: psql COPY of the same validated pre-invoice lines,
# joined to their plans and beneficiaries, as CSV. FACTURES_RUNS rounds
# (default 3), medians. FACTURES_SCALE (default 1, Paris) sets the size.
SC=${FACTURES_SCALE:-1}
FR=${FACTURES_RUNS:-3}
M=2016-05
chmod 755 "$WORK"	# the cluster runs as postgres when we are root
CESUTG_HOME=$WORK/var
export CESUTG_HOME
unset PGHOST PGHOSTADDR PGSERVICE PGDATABASE PGPORT PGUSER CESUTG_PGOPTIONS
arret() { registre db stop >/dev/null 2>&1; }
SQ() {	# database sql...: psql as the superuser, stop at the first error
	_d=$1; shift
	psql -X -q -At -v ON_ERROR_STOP=1 "host=$CESUTG_HOME user=postgres dbname=$_d" "$@"
}
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
secondes() { awk -v m="$1" 'BEGIN { printf "%.2f", m / 1000 }'; }

t=$(date +%s%N)
registre db init >"$WORK/init.log" 2>&1 ||
    { echo "  registre db init a échoué"; cat "$WORK/init.log"; arret; return 1; }
G="fluxgen --scale $SC --month $M"
$G horodatages >"$WORK/horodatages.csv" || { arret; return 1; }
for tg in $(sed 1d "$WORK/horodatages.csv" | cut -d, -f1 | sort -u); do
	registre sad add "${tg#SAD}" --tg "$tg" >/dev/null || { arret; return 1; }
done
$G plans | registre load plans --date 2016-05-01 2>/dev/null
for k in clients intervenants evenements; do
	$G $k | registre load $k --date 2016-06-01 2>/dev/null
done
registre load horodatages --date 2016-06-01 <"$WORK/horodatages.csv" 2>/dev/null
echo "  mois $M (scale $SC) chargé en $(secondes "$(ms "$t")") s :" \
    "$(SQ cesutg -c "SELECT count(*) FROM cesutg.sad") SAD," \
    "$(SQ cesutg -c "SELECT count(*) FROM cesutg.horodatage") horodatages"
t=$(date +%s%N)
registre controler $M >/dev/null 2>&1 && registre prefacture calculer $M >/dev/null 2>&1 ||
    { echo "  controler ou prefacture a échoué"; arret; return 1; }
registre prefacture valider $M $(SQ cesutg -c "SELECT DISTINCT
    identifiant_beneficiaire_salsa FROM cesutg.prefacture WHERE mois = '$M'") 2>/dev/null
for s in $(SQ cesutg -c "SELECT DISTINCT code_sad FROM cesutg.prefacture"); do
	registre prefacture valider $M --sad "$s" 2>/dev/null
done
echo "  contrôle, pré-facture et validation en $(secondes "$(ms "$t")") s :" \
    "$(SQ cesutg -c "SELECT count(*) FROM cesutg.prefacture WHERE statut =
    'validee_departement'") lignes validées"
SQ postgres -c "CREATE DATABASE ref TEMPLATE cesutg" || { arret; return 1; }
BANC="host=$CESUTG_HOME user=postgres dbname=banc"
: >"$WORK/f.e" && : >"$WORK/f.f" && : >"$WORK/f.l" && : >"$WORK/f.p"
i=0
while [ $i -lt "$FR" ]; do
	SQ postgres -c "SET client_min_messages = warning" \
	    -c "DROP DATABASE IF EXISTS banc" -c "CREATE DATABASE banc TEMPLATE ref" \
	    -c CHECKPOINT || { arret; return 1; }
	rm -rf "$WORK/flux2" "$WORK/f.csv"
	t=$(date +%s%N)
	SQ banc -c "COPY (SELECT p.*, l.code_financier, b.nom, b.prenom FROM
	    cesutg.prefacture p JOIN cesutg.plan l ON l.id = p.plan LEFT JOIN
	    cesutg.beneficiaire b ON b.identifiant_salsa =
	    p.identifiant_beneficiaire_salsa WHERE p.statut = 'validee_departement'
	    ORDER BY p.code_sad, p.identifiant_beneficiaire_salsa) TO STDOUT
	    WITH (FORMAT csv, HEADER)" >"$WORK/p.csv"
	ms "$t" >>"$WORK/f.p"
	t=$(date +%s%N)
	registre --db "$BANC" factures emettre --date 2016-06-03 -o "$WORK/f.csv" $M \
	    2>"$WORK/emettre.err" || { cat "$WORK/emettre.err"; arret; return 1; }
	ms "$t" >>"$WORK/f.e"
	t=$(date +%s%N)
	flux2 emit --dir "$WORK/flux2" <"$WORK/f.csv" >/dev/null || { arret; return 1; }
	ms "$t" >>"$WORK/f.f"
	t=$(date +%s%N)
	for f in "$WORK"/flux2/FLUX2_*.txt; do
		iconv -f WINDOWS-1252 -t UTF-8 "$f"
		echo "#fin"
	done | awk -F'|' -v d=2016-06-06 -f tests/tools/salsa.awk | sadlog emit |
	    sadlog parse | registre --db "$BANC" load log-factures --date 2016-06-06 \
	    2>"$WORK/log.err" || { cat "$WORK/log.err"; arret; return 1; }
	ms "$t" >>"$WORK/f.l"
	i=$((i + 1))
done
nf=$(ls "$WORK/flux2" | wc -l)
echo "  $(cat "$WORK/emettre.err" | sed 's/^registre: //')"
echo "  $nf fichiers Flux 2, $(sed 1d "$WORK/f.csv" | wc -l) lignes de facture ;" \
    "journal : $(SQ banc -c "SELECT string_agg(etat || ' ' || n, ', ' ORDER BY etat)
    FROM (SELECT etat, count(*) n FROM cesutg.facture GROUP BY 1) x")"
for x in "p:psql COPY pré-facture" "e:factures emettre" "f:flux2 emit --dir" \
    "l:journal SALSA chargé"; do
	printf '  %-24s %8s s (médiane de %d)\n' "${x#*:}" \
	    "$(secondes "$(median <"$WORK/f.${x%%:*}")")" "$FR"
done
awk -v e="$(median <"$WORK/f.e")" -v f="$(median <"$WORK/f.f")" -v p="$(median <"$WORK/f.p")" \
    -v n="$nf" 'BEGIN { printf "  factures et Flux 2 : %.2f s, %.0f factures/s ;" \
	" emettre = %.1f fois le COPY de la pré-facture\n", (e + f) / 1000,
	(e + f > 0 ? n * 1000 / (e + f) : 0), (p > 0 ? e / p : 0) }'
arret
