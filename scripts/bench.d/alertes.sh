# registre alertes on a Paris month (issue 16, "Must show": every alert of
# a month in less than 10 s): fluxgen's 2016-03 and 2016-04 (with the
# orders of reprise/) through scripts/cycle, the visits of both months
# checked (registre controler, timed once), then every alert of 2016-04
# computed from an empty alert table, against psql copying out the
# month's current visits (the rows the TG alerts read). RUNS rounds,
# interleaved; medians. ALERTES_SCALE (default 1, Paris) sets the size.
SC=${ALERTES_SCALE:-1}
unset PGHOST PGHOSTADDR PGSERVICE PGDATABASE PGPORT PGUSER CESUTG_PGOPTIONS
chmod 755 "$WORK"	# the cluster runs as postgres when we are root
t=$(date +%s)
sh scripts/cycle -b "$B" --scale "$SC" --months 2016-03..2016-04 \
    --dir "$WORK/cycle" --garder >"$WORK/cycle.out" 2>&1 ||
    { echo "  scripts/cycle a échoué"; tail -5 "$WORK/cycle.out"; return 1; }
CESUTG_HOME=$WORK/cycle/var
export CESUTG_HOME
registre db start >/dev/null 2>&1
echo "  deux mois chargés par scripts/cycle (scale $SC) en $(( $(date +%s) - t )) s"
for m in 2016-03 2016-04; do
	s=$(date +%s%N)
	registre controler $m >/dev/null || { echo "  controler $m a échoué"; return 1; }
	echo "  registre controler $m : $(( ($(date +%s%N) - s) / 1000000 )) ms"
done
H="host=$CESUTG_HOME user=postgres dbname=cesutg"
cat >"$WORK/alertes" <<EOF
psql -X -q "$H" -c "TRUNCATE cesutg.alerte" || exit 1
exec registre alertes --mois 2016-04 >"$WORK/alertes.csv"
EOF
bench_add alertes /dev/null sh "$WORK/alertes"
bench_add psql_copy /dev/null psql -X -q "$H" -c "\\copy (SELECT * FROM
    cesutg.horodatage WHERE valide_au IS NULL AND arrivee_retenue >= '2016-04-01'
    AND arrivee_retenue < '2016-05-01') TO STDOUT"
bench_run
bench_ratio alertes psql_copy
sed 1d "$WORK/alertes.csv" 2>/dev/null | cut -d, -f2 | sort | uniq -c |
    awk '{ printf "%s%s %d", (NR > 1 ? ", " : "  cas : "), $2, $1 } END { print "" }'
registre db stop >/dev/null 2>&1
