# The checks and the pre-invoice of a Paris month against the load of the
# same visits, in one cluster with the server settings of production
# (registre db init), in the same run (issue 13, "make bench"). The ledger
# holds fluxgen's month (REGISTRE_SCALE, default 1 = Paris): its plans,
# clients, staff and events, loaded once into a template. Each round, on a
# fresh clone of it: registre load horodatages of the month's visits but
# TARDIFS of them (the reference), then registre controler MOIS and
# registre prefacture calculer MOIS (the first computation, as after the
# month's loads), then the TARDIFS visits held back loaded late and both
# again (the nightly rerun: only what changed is written). RUNS rounds;
# medians and ratios of medians, wall and server CPU (the cluster's
# processes, from /proc: the steadier figure on a shared machine).
# PRECEDENT=1: the ledger also holds the month before (fluxgen's April:
# its visits loaded, checked and pre-invoiced in the template), so that a
# cost growing with the ledger rather than with the month shows (issue 11).
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
# CPU ms of the cluster: the postmaster, its children reaped (client
# backends, parallel and autovacuum workers) and those alive.
cpu_serveur() {
	_p=$(head -n 1 "$CESUTG_HOME/data/postmaster.pid")
	{ cut -d' ' -f14-17 "/proc/$_p/stat"
	  for _c in $(pgrep -P "$_p"); do cut -d' ' -f14,15 "/proc/$_c/stat" 2>/dev/null; done
	} | awk -v t="$(getconf CLK_TCK)" '{ for (i = 1; i <= NF; i++) s += $i }
	    END { printf "%d\n", s * 1000 / t }'
}
TARDIFS=${TARDIFS:-1000}

for k in plans clients intervenants evenements horodatages; do
	fluxgen --scale "$SC" --month $M $k >"$WORK/$k.csv" ||
	    { echo "  fluxgen $k a échoué"; return 1; }
done
M0=2016-04
if [ -n "$PRECEDENT" ]; then
	for k in clients intervenants evenements horodatages; do
		fluxgen --scale "$SC" --month $M0 $k >"$WORK/$k-$M0.csv" ||
		    { echo "  fluxgen $M0 $k a échoué"; return 1; }
	done
fi
registre db init >"$WORK/init.log" 2>&1 ||
    { echo "  registre db init a échoué"; cat "$WORK/init.log"; arret; return 1; }
cat "$WORK"/horodatages*.csv | grep -v '^code_sad' | cut -d, -f1 | sort -u | while read -r tg; do
	registre sad add "${tg#SAD}" --tg "$tg" >/dev/null || exit 1
done || { echo "  registre sad add a échoué"; arret; return 1; }
for k in plans clients-$M0 intervenants-$M0 evenements-$M0 clients intervenants \
    evenements; do
	case $k in
	*-$M0) [ -n "$PRECEDENT" ] || continue; d=2016-05-01 ;;
	*) d=2016-06-01 ;;
	esac
	registre load ${k%-$M0} --date $d <"$WORK/$k.csv" 2>"$WORK/err" ||
	    { echo "  chargement des $k : code $?"; head -n 3 "$WORK/err"; arret; return 1; }
done
if [ -n "$PRECEDENT" ]; then
	{ registre load horodatages --date 2016-05-01 <"$WORK/horodatages-$M0.csv" &&
	    registre controler $M0 && registre prefacture calculer $M0; } \
	    >"$WORK/err" 2>&1 || { echo "  le mois $M0 a échoué"; head -n 3 "$WORK/err"; arret; return 1; }
	echo "  le registre tient aussi $M0 : $(sed -n 's/^registre: //p' "$WORK/err" | tr '\n' ' ')"
fi
SQ postgres -c "CREATE DATABASE ref TEMPLATE cesutg" || { arret; return 1; }
# TARDIFS visits spread over the month and its SADs, held back from the
# first load and loaded late.
awk -v n="$TARDIFS" -v t="$(($(wc -l <"$WORK/horodatages.csv") - 1))" '
	NR == 1 { print >f1; print >f2; next }
	n > 0 && k < n && (NR - 2) % int(t / n) == 0 { print >f2; k++; next }
	{ print >f1 }' f1="$WORK/h1.csv" f2="$WORK/h2.csv" "$WORK/horodatages.csv"
echo "  entrées : $(($(wc -l <"$WORK/horodatages.csv") - 1)) horodatages du mois $M," \
    "$(($(wc -l <"$WORK/plans.csv") - 1)) lignes de plan, $(($(wc -l <"$WORK/clients.csv") - 1))" \
    "clients, scale $SC"

D="host=$CESUTG_HOME dbname=banc user=postgres"
chrono() {	# label command...: wall and server CPU ms appended to $WORK/[wc].label
	_l=$1; shift
	_c=$(cpu_serveur)
	_s=$(date +%s%N)
	"$@" >"$WORK/out" 2>"$WORK/err" || { echo "  $_l : code $?"; head -n 3 "$WORK/err"; }
	ms "$_s" >>"$WORK/w.$_l"
	sleep 1	# the backend gone and reaped: its CPU is the postmaster's
	echo $(($(cpu_serveur) - _c)) >>"$WORK/c.$_l"
}
L="charge-horodatages controler prefacture charge-tardive controler-bis prefacture-bis"
for l in $L; do : >"$WORK/w.$l"; : >"$WORK/c.$l"; done
i=0
while [ $i -lt "$RUNS" ]; do
	SQ postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS banc" \
	    -c "CREATE DATABASE banc TEMPLATE ref" -c CHECKPOINT || { arret; return 1; }
	chrono charge-horodatages registre --db "$D" load horodatages --date 2016-06-01 \
	    --source bench <"$WORK/h1.csv"
	SQ banc -c CHECKPOINT
	chrono controler registre --db "$D" controler $M
	[ $i = 0 ] && sed 's/^/  (1er tour) /' "$WORK/out"
	chrono prefacture registre --db "$D" prefacture calculer $M
	[ $i = 0 ] && sed 's/^/  (1er tour) /' "$WORK/out"
	SQ banc -c CHECKPOINT
	chrono charge-tardive registre --db "$D" load horodatages --date 2016-06-02 \
	    --source bench <"$WORK/h2.csv"
	chrono controler-bis registre --db "$D" controler $M
	chrono prefacture-bis registre --db "$D" prefacture calculer $M
	i=$((i + 1))
done
for l in $L; do
	median <"$WORK/w.$l" >"$WORK/t.$l"
	median <"$WORK/c.$l" >"$WORK/u.$l"
	printf '  %-20s %8.2f s, CPU serveur %6.2f s  (médianes de %d ; %s ms)\n' "$l" \
	    "$(awk '{ print $1 / 1000 }' "$WORK/t.$l")" \
	    "$(awk '{ print $1 / 1000 }' "$WORK/u.$l")" "$RUNS" \
	    "$(sort -n "$WORK/w.$l" | tr '\n' ' ' | sed 's/ $//')"
done
# The sum of the two steps, per round, then its median.
for x in w c; do
	paste -d" " "$WORK/$x.controler" "$WORK/$x.prefacture" | awk '{ print $1 + $2 }' |
	    sort -n >"$WORK/$x.tours"
	median <"$WORK/$x.tours" >"$WORK/$x.total"
	paste -d" " "$WORK/$x.controler-bis" "$WORK/$x.prefacture-bis" | awk '{ print $1 + $2 }' |
	    median >"$WORK/$x.total-bis"
done
awk -v a="$(cat "$WORK/w.total")" -v b="$(cat "$WORK/w.total-bis")" \
    -v ca="$(cat "$WORK/c.total")" -v cb="$(cat "$WORK/c.total-bis")" \
    -v c="$(cat "$WORK/t.charge-horodatages")" -v cc="$(cat "$WORK/u.charge-horodatages")" \
    -v n="$(($(wc -l <"$WORK/h1.csv") - 1))" -v t="$TARDIFS" -v la="$(cut -d' ' -f1-3 /proc/loadavg)" \
    -v tw="$(tr '\n' ' ' <"$WORK/w.tours" | sed 's/ $//')" -v tc="$(tr '\n' ' ' <"$WORK/c.tours" | sed 's/ $//')" 'BEGIN {
	printf "  contrôle + pré-facture de %d horodatages : %.2f s (objectif < 5 s), %.2f× leur chargement (%.2f s) ; CPU serveur %.2f s, %.2f× celui du chargement (%.2f s)\n",
	    n, a / 1000, (c > 0 ? a / c : 0), c / 1000, ca / 1000, (cc > 0 ? ca / cc : 0), cc / 1000
	printf "    par tour (ms) : %s ; CPU serveur %s\n", tw, tc
	printf "  relancés après %d horodatages tardifs : %.2f s, %.2f× le chargement ; CPU serveur %.2f s\n",
	    t, b / 1000, (c > 0 ? b / c : 0), cb / 1000
	printf "  charge de la machine (uptime) : %s\n", la }'
arret
rm -f "$WORK"/*.csv
