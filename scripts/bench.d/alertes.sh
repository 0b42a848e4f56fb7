# Issue 16's bar: "all alerts and dashboards of a Paris month in < 10 s".
# fluxgen's 2016-03..2016-05 (with the orders of reprise/) through
# scripts/cycle, the visits of the three months checked (registre
# controler) and 2016-05 pre-invoiced; then, RUNS times, the month's work
# as the monthly job does it: every alert of 2016-05 computed from an empty
# alert table (registre alertes), and the three dashboards of 2016-05 as
# CSV (registre tableau) and PDF (tableaupdf), the three at once as
# cesutg-mensuel runs them (each on its own connection, its PDF after its
# CSV). Printed: the median wall
# time of the whole, the median CPU of the commands (registre, tableaupdf)
# and of the server (the cluster's processes, backends and parallel
# workers included, read in /proc around each run), and the load average
# while it ran. Then the same per part (the alerts, the dashboards).
# Before the measures, the ledger is vacuumed and analysed: three months
# loaded at once leave autovacuum minutes of work, which would otherwise
# run during the measures, on one of the cores and in the server's CPU
# (in operations the month is loaded day by day and autovacuum keeps up).
# ALERTES_SCALE (default 1, Paris) sets the size. ALERTES_HOME=DIR runs
# the measures on a ledger already so prepared (its CESUTG_HOME, server
# started, left as it is), without the three minutes of loading.
SC=${ALERTES_SCALE:-1}
M=2016-05
unset PGHOST PGHOSTADDR PGSERVICE PGDATABASE PGPORT PGUSER CESUTG_PGOPTIONS
chmod 755 "$WORK"	# the cluster runs as postgres when we are root
if [ -n "${ALERTES_HOME:-}" ]; then
	CESUTG_HOME=$ALERTES_HOME
	export CESUTG_HOME
else
	t=$(date +%s)
	sh scripts/cycle -b "$B" --scale "$SC" --months 2016-03..$M \
	    --dir "$WORK/cycle" --garder >"$WORK/cycle.out" 2>&1 ||
	    { echo "  scripts/cycle a échoué"; tail -5 "$WORK/cycle.out"; return 1; }
	CESUTG_HOME=$WORK/cycle/var
	export CESUTG_HOME
	registre db start >/dev/null 2>&1
	for m in 2016-03 2016-04 $M; do
		registre controler $m >/dev/null ||
		    { echo "  controler $m a échoué"; return 1; }
	done
	registre prefacture calculer $M >/dev/null 2>&1 ||
	    { echo "  prefacture calculer $M a échoué"; return 1; }
	echo "  trois mois chargés (scripts/cycle, scale $SC), contrôlés, $M" \
	    "pré-facturé, en $(( $(date +%s) - t )) s"
fi
H="host=$CESUTG_HOME user=postgres dbname=cesutg"
t=$(date +%s)
psql -X -q "$H" -c "VACUUM (ANALYZE)" || return 1
echo "  VACUUM (ANALYZE) du registre avant les mesures : $(( $(date +%s) - t )) s"
TCK=$(getconf CLK_TCK)
# The cluster's CPU so far, in ticks: the postmaster's own and that of its
# children already reaped (each registre's backend and parallel workers),
# plus its live children's.
cpu_cluster() {
	pm=$(head -n 1 "$CESUTG_HOME/data/postmaster.pid")
	{ awk '{ print $14 + $15 + $16 + $17 }' /proc/"$pm"/stat
	  for p in $(pgrep -P "$pm"); do
		awk '{ print $14 + $15 }' /proc/"$p"/stat 2>/dev/null
	  done; } | awk '{ s += $1 } END { print s }'
}
# One part: its wall time (ms), the commands' CPU (ms) and the server's.
partie() {	# label command...
	l=$1
	shift
	c0=$(cpu_cluster)
	s=$(date +%s%N)
	/usr/bin/time -f '%U %S' -o "$WORK/tm" "$@" || return 1
	e=$(date +%s%N)
	sleep 0.2	# the backend gone and reaped
	c1=$(cpu_cluster)
	echo "$l $(( (e - s) / 1000000 )) $(tail -n 1 "$WORK/tm" |
	    awk '{ printf "%d", ($1 + $2) * 1000 }') $(( (c1 - c0) * 1000 / TCK ))" \
	    >>"$WORK/parties"
}
: >"$WORK/parties"
: >"$WORK/charges"
: >"$WORK/autovacuum"
i=0
while [ $i -lt "$RUNS" ]; do
	psql -X -q "$H" -c "TRUNCATE cesutg.alerte" || return 1
	# Whether autovacuum works beside the measures (its CPU is counted).
	psql -X -At -q "$H" -c "SELECT count(*) FROM pg_stat_activity WHERE
	    backend_type = 'autovacuum worker'" >>"$WORK/autovacuum"
	partie alertes sh -c 'exec registre alertes --mois "$1" >"$2" 2>/dev/null' \
	    sh $M "$WORK/alertes.csv" || { echo "  registre alertes a échoué"; return 1; }
	partie tableaux sh -c 'p=
		for k in direction sad operationnel; do
			{ registre tableau $k "$1" >"$2/$k.csv" &&
			    tableaupdf <"$2/$k.csv" >"$2/$k.pdf"; } &
			p="$p $!"
		done
		for x in $p; do wait $x || exit 1; done' sh $M "$WORK" ||
	    { echo "  registre tableau ou tableaupdf a échoué"; return 1; }
	cut -d' ' -f1 /proc/loadavg >>"$WORK/charges"
	i=$((i + 1))
done
# The whole of each run (the sum of its parts), then medians.
awk -v n=2 '{ w += $2; c += $3; s += $4 }
    NR % n == 0 { print w, c, s; w = c = s = 0 }' "$WORK/parties" >"$WORK/tours"
for f in 1 2 3; do cut -d' ' -f$f "$WORK/tours" | median >"$WORK/tot.$f"; done
echo "  alertes et trois tableaux (CSV et PDF) de $M :" \
    "$(awk '{ printf "%.2f", $1 / 1000 }' "$WORK/tot.1") s (médiane de $RUNS," \
    "objectif < 10 s) ; CPU $(awk '{ printf "%.2f", $1 / 1000 }' "$WORK/tot.2") s" \
    "des commandes, $(awk '{ printf "%.2f", $1 / 1000 }' "$WORK/tot.3") s du" \
    "serveur ; charge $(median <"$WORK/charges") sur $(nproc) cœurs ;" \
    "autovacuum au travail au début de $(grep -vc '^0$' "$WORK/autovacuum")" \
    "tour(s) sur $RUNS"
for l in alertes tableaux; do
	awk -v l="$l" '$1 == l' "$WORK/parties" >"$WORK/p"
	printf '  %-22s %7.3f s  cpu %6.2f s  serveur %6.2f s\n' "$l" \
	    "$(cut -d' ' -f2 "$WORK/p" | median | awk '{ print $1 / 1000 }')" \
	    "$(cut -d' ' -f3 "$WORK/p" | median | awk '{ print $1 / 1000 }')" \
	    "$(cut -d' ' -f4 "$WORK/p" | median | awk '{ print $1 / 1000 }')"
done
sed 1d "$WORK/alertes.csv" 2>/dev/null | cut -d, -f2 | sort | uniq -c |
    awk '{ printf "%s%s %d", (NR > 1 ? ", " : "  cas : "), $2, $1 } END { print "" }'
[ -n "${ALERTES_HOME:-}" ] || registre db stop >/dev/null 2>&1
rm -rf "$WORK/cycle" "$WORK"/*.csv "$WORK"/*.pdf
