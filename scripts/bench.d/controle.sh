# The checks and the pre-invoice of a Paris month against the load of the
# same visits, in one cluster with the server settings of production
# (registre db init), in the same run (issue 13, "make bench"). The ledger
# holds fluxgen's month (REGISTRE_SCALE, default 1 = Paris): its plans,
# clients, staff and events, loaded once into a template. Each round, on a
# fresh clone of it: registre load horodatages of the month's visits (the
# reference), then registre controler MOIS and registre prefacture calculer
# MOIS (the first computation, as after the month's loads), then both again
# (the daily pipeline's rerun: every result replaced). RUNS rounds; medians
# and ratios of medians.
SC=${REGISTRE_SCALE:-1}
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

for k in plans clients intervenants evenements horodatages; do
	fluxgen --scale "$SC" --month $M $k >"$WORK/$k.csv" ||
	    { echo "  fluxgen $k a échoué"; return 1; }
done
registre db init >"$WORK/init.log" 2>&1 ||
    { echo "  registre db init a échoué"; cat "$WORK/init.log"; arret; return 1; }
sed 1d "$WORK/horodatages.csv" | cut -d, -f1 | sort -u | while read -r tg; do
	registre sad add "${tg#SAD}" --tg "$tg" >/dev/null || exit 1
done || { echo "  registre sad add a échoué"; arret; return 1; }
for k in plans clients intervenants evenements; do
	registre load $k --date 2016-06-01 <"$WORK/$k.csv" 2>"$WORK/err" ||
	    { echo "  chargement des $k : code $?"; head -n 3 "$WORK/err"; arret; return 1; }
done
SQ postgres -c "CREATE DATABASE ref TEMPLATE cesutg" || { arret; return 1; }
echo "  entrées : $(($(wc -l <"$WORK/horodatages.csv") - 1)) horodatages du mois $M," \
    "$(($(wc -l <"$WORK/plans.csv") - 1)) lignes de plan, $(($(wc -l <"$WORK/clients.csv") - 1))" \
    "clients, scale $SC"

D="host=$CESUTG_HOME dbname=banc user=postgres"
chrono() {	# label command...: wall ms appended to $WORK/w.label
	_l=$1; shift
	_s=$(date +%s%N)
	"$@" >"$WORK/out" 2>"$WORK/err" || { echo "  $_l : code $?"; head -n 3 "$WORK/err"; }
	ms "$_s" >>"$WORK/w.$_l"
}
L="charge-horodatages controler prefacture controler-bis prefacture-bis"
for l in $L; do : >"$WORK/w.$l"; done
i=0
while [ $i -lt "$RUNS" ]; do
	SQ postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS banc" \
	    -c "CREATE DATABASE banc TEMPLATE ref" -c CHECKPOINT || { arret; return 1; }
	chrono charge-horodatages registre --db "$D" load horodatages --date 2016-06-01 \
	    --source bench <"$WORK/horodatages.csv"
	SQ banc -c CHECKPOINT
	chrono controler registre --db "$D" controler $M
	[ $i = 0 ] && sed 's/^/  (1er tour) /' "$WORK/out"
	chrono prefacture registre --db "$D" prefacture calculer $M
	[ $i = 0 ] && sed 's/^/  (1er tour) /' "$WORK/out"
	SQ banc -c CHECKPOINT
	chrono controler-bis registre --db "$D" controler $M
	chrono prefacture-bis registre --db "$D" prefacture calculer $M
	i=$((i + 1))
done
for l in $L; do
	median <"$WORK/w.$l" >"$WORK/t.$l"
	printf '  %-20s %8.2f s  (médiane de %d ; %s ms)\n' "$l" \
	    "$(awk '{ print $1 / 1000 }' "$WORK/t.$l")" "$RUNS" \
	    "$(sort -n "$WORK/w.$l" | tr '\n' ' ' | sed 's/ $//')"
done
# The sum of the two steps, per round, then its median.
paste -d" " "$WORK/w.controler" "$WORK/w.prefacture" | awk '{ print $1 + $2 }' | median >"$WORK/t.total"
paste -d" " "$WORK/w.controler-bis" "$WORK/w.prefacture-bis" | awk '{ print $1 + $2 }' | median >"$WORK/t.total-bis"
awk -v a="$(cat "$WORK/t.total")" -v b="$(cat "$WORK/t.total-bis")" \
    -v c="$(cat "$WORK/t.charge-horodatages")" 'BEGIN {
	printf "  contrôle + pré-facture : %.2f s (objectif < 5 s), %.2f× le chargement des mêmes horodatages\n",
	    a / 1000, (c > 0 ? a / c : 0)
	printf "  relancés (résultats remplacés) : %.2f s, %.2f× le chargement\n",
	    b / 1000, (c > 0 ? b / c : 0) }'
arret
rm -f "$WORK"/*.csv
