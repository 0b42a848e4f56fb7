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
# PRECEDENT=N: a second template whose ledger also holds the N months
# before (fluxgen's April, March...: their clients, staff, events and
# visits loaded, checked and pre-invoiced), the same rounds run on a clone
# of each in turn: the month's checks should cost the same whatever the
# ledger holds (issue 11: cost grows with the file, not with the ledger).
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

N=${PRECEDENT:-0}
# The N months before M, the oldest first.
MP=$(i=$N; while [ "$i" -gt 0 ]; do date -d "$M-01 -$i month" +%Y-%m; i=$((i - 1)); done)
for k in plans clients intervenants evenements horodatages; do
	fluxgen --scale "$SC" --month $M $k >"$WORK/$k.csv" ||
	    { echo "  fluxgen $k a échoué"; return 1; }
done
for m in $MP; do
	for k in clients intervenants evenements horodatages; do
		fluxgen --scale "$SC" --month "$m" $k >"$WORK/$k-$m.csv" ||
		    { echo "  fluxgen $m $k a échoué"; return 1; }
	done
done
registre db init >"$WORK/init.log" 2>&1 ||
    { echo "  registre db init a échoué"; cat "$WORK/init.log"; arret; return 1; }
suivant() { date -d "$1-01 +1 month" +%Y-%m-%d; }	# YYYY-MM: the 1st of the next month
# ledger months...: database ledger (a fresh one, migrated) with M's plans
# and the months given (loaded, checked and pre-invoiced, each as of the
# 1st of the next), then M's clients, staff and events.
registre_de() {
	_b=$1; shift
	_cn="host=$CESUTG_HOME dbname=$_b user=postgres"
	SQ postgres -c "CREATE DATABASE $_b" && registre --db "$_cn" migrate >"$WORK/err" 2>&1 ||
	    { echo "  base $_b : migrate a échoué"; head -n 3 "$WORK/err"; return 1; }
	cat "$WORK"/horodatages*.csv | grep -v '^code_sad' | cut -d, -f1 | sort -u | while read -r tg; do
		registre --db "$_cn" sad add "${tg#SAD}" --tg "$tg" >/dev/null || exit 1
	done || { echo "  registre sad add a échoué"; return 1; }
	registre --db "$_cn" load plans --date "$(suivant $M)" <"$WORK/plans.csv" 2>"$WORK/err" ||
	    { echo "  chargement des plans : code $?"; head -n 3 "$WORK/err"; return 1; }
	for _m in "$@" $M; do
		_s=; [ $_m = $M ] || _s=-$_m
		for k in clients intervenants evenements; do
			registre --db "$_cn" load $k --date "$(suivant $_m)" <"$WORK/$k$_s.csv" 2>"$WORK/err" ||
			    { echo "  chargement des $k$_s : code $?"; head -n 3 "$WORK/err"; return 1; }
		done
		[ $_m = $M ] && break
		{ registre --db "$_cn" load horodatages --date "$(suivant $_m)" <"$WORK/horodatages$_s.csv" &&
		    registre --db "$_cn" controler $_m && registre --db "$_cn" prefacture calculer $_m; } \
		    >"$WORK/err" 2>&1 || { echo "  le mois $_m a échoué"; head -n 3 "$WORK/err"; return 1; }
		echo "  $_b tient aussi $_m : $(sed -n 's/^registre: //p' "$WORK/err" | tr '\n' ' ')"
	done
}
registre_de ref || { arret; return 1; }
BASES=ref
if [ "$N" -gt 0 ]; then
	# shellcheck disable=SC2086
	registre_de ref$N $MP || { arret; return 1; }
	BASES="ref ref$N"
fi
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
for b in $BASES; do
	for l in $L; do : >"$WORK/w.$l${b#ref}"; : >"$WORK/c.$l${b#ref}"; done
done
# Each round on a clone of each template in turn (a change of the
# machine's load falls on both alike); labels suffixed with N for ref<N>.
i=0
while [ $i -lt "$RUNS" ]; do
	for b in $BASES; do
		x=${b#ref}
		SQ postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS banc" \
		    -c "CREATE DATABASE banc TEMPLATE $b" -c CHECKPOINT || { arret; return 1; }
		chrono charge-horodatages$x registre --db "$D" load horodatages \
		    --date "$(suivant $M)" --source bench <"$WORK/h1.csv"
		SQ banc -c CHECKPOINT
		chrono controler$x registre --db "$D" controler $M
		[ $i = 0 ] && sed "s/^/  (1er tour, $b) /" "$WORK/out"
		chrono prefacture$x registre --db "$D" prefacture calculer $M
		[ $i = 0 ] && sed "s/^/  (1er tour, $b) /" "$WORK/out"
		SQ banc -c CHECKPOINT
		chrono charge-tardive$x registre --db "$D" load horodatages --date 2016-06-02 \
		    --source bench <"$WORK/h2.csv"
		chrono controler-bis$x registre --db "$D" controler $M
		chrono prefacture-bis$x registre --db "$D" prefacture calculer $M
	done
	i=$((i + 1))
done
la=$(cut -d' ' -f1-3 /proc/loadavg)
for b in $BASES; do
	x=${b#ref}
	[ -n "$x" ] && echo "  -- le registre tient aussi les $x mois avant $M ($(echo $MP | tr ' ' ,))"
	for l in $L; do
		l=$l$x
		median <"$WORK/w.$l" >"$WORK/t.$l"
		median <"$WORK/c.$l" >"$WORK/u.$l"
		printf '  %-20s %8.2f s, CPU serveur %6.2f s  (médianes de %d ; %s ms)\n' "$l" \
		    "$(awk '{ print $1 / 1000 }' "$WORK/t.$l")" \
		    "$(awk '{ print $1 / 1000 }' "$WORK/u.$l")" "$RUNS" \
		    "$(sort -n "$WORK/w.$l" | tr '\n' ' ' | sed 's/ $//')"
	done
	# The sum of the two steps, per round, then its median.
	for y in w c; do
		paste -d" " "$WORK/$y.controler$x" "$WORK/$y.prefacture$x" | awk '{ print $1 + $2 }' |
		    sort -n >"$WORK/$y.tours$x"
		median <"$WORK/$y.tours$x" >"$WORK/$y.total$x"
		paste -d" " "$WORK/$y.controler-bis$x" "$WORK/$y.prefacture-bis$x" |
		    awk '{ print $1 + $2 }' | median >"$WORK/$y.total-bis$x"
	done
	awk -v a="$(cat "$WORK/w.total$x")" -v b="$(cat "$WORK/w.total-bis$x")" \
	    -v ca="$(cat "$WORK/c.total$x")" -v cb="$(cat "$WORK/c.total-bis$x")" \
	    -v c="$(cat "$WORK/t.charge-horodatages$x")" -v cc="$(cat "$WORK/u.charge-horodatages$x")" \
	    -v n="$(($(wc -l <"$WORK/h1.csv") - 1))" -v t="$TARDIFS" \
	    -v tw="$(tr '\n' ' ' <"$WORK/w.tours$x" | sed 's/ $//')" \
	    -v tc="$(tr '\n' ' ' <"$WORK/c.tours$x" | sed 's/ $//')" 'BEGIN {
		printf "  contrôle + pré-facture de %d horodatages : %.2f s (objectif < 5 s), %.2f× leur chargement (%.2f s) ; CPU serveur %.2f s, %.2f× celui du chargement (%.2f s)\n",
		    n, a / 1000, (c > 0 ? a / c : 0), c / 1000, ca / 1000, (cc > 0 ? ca / cc : 0), cc / 1000
		printf "    par tour (ms) : %s ; CPU serveur %s\n", tw, tc
		printf "  relancés après %d horodatages tardifs : %.2f s, %.2f× le chargement ; CPU serveur %.2f s\n",
		    t, b / 1000, (c > 0 ? b / c : 0), cb / 1000 }'
done
if [ "$N" -gt 0 ]; then
	# The bar: the same time whatever the months before (<= 1.1x).
	awk -v n="$N" -v a="$(cat "$WORK/w.total")" -v b="$(cat "$WORK/w.total$N")" \
	    -v ca="$(cat "$WORK/c.total")" -v cb="$(cat "$WORK/c.total$N")" \
	    -v ra="$(cat "$WORK/w.total-bis")" -v rb="$(cat "$WORK/w.total-bis$N")" 'BEGIN {
		printf "  contrôle + pré-facture du mois, %d mois avant contre aucun : %.2f s contre %.2f s, %.2f× (objectif <= 1,1×) ; CPU serveur %.2f s contre %.2f s, %.2f×\n",
		    n, b / 1000, a / 1000, (a > 0 ? b / a : 0), cb / 1000, ca / 1000, (ca > 0 ? cb / ca : 0)
		printf "  relancés après les tardifs, %d mois avant contre aucun : %.2f s contre %.2f s, %.2f×\n",
		    n, rb / 1000, ra / 1000, (ra > 0 ? rb / ra : 0) }'
fi
echo "  charge de la machine (uptime) : $la"
arret
rm -f "$WORK"/*.csv
