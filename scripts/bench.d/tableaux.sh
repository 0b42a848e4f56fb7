# registre tableau (issue 16): the three dashboards of a month of a
# Paris-sized ledger (fluxgen's 2016-05 loaded by scripts/cycle, checked
# and pre-invoiced), each against psql \copy of the month's checked visits
# joined to their télégestion rows (one read of what the dashboards
# aggregate), then tableaupdf of each CSV. The bar (the three dashboards,
# with the alerts, in under 10 s) is measured as one figure by
# scripts/bench.d/alertes.sh. REGISTRE_SCALE (default 1, Paris) sets the
# size.
SC=${REGISTRE_SCALE:-1}
M=2016-05
chmod 755 "$WORK"	# the cluster runs as postgres when we are root
unset PGHOST PGHOSTADDR PGSERVICE PGDATABASE PGPORT PGUSER CESUTG_PGOPTIONS
t=$(date +%s)
sh scripts/cycle -b "$B" --scale "$SC" --months $M..$M --dir "$WORK/t" --garder \
    >"$WORK/cycle.out" 2>&1 || { echo "  scripts/cycle a échoué"; tail -5 "$WORK/cycle.out"; return 1; }
CESUTG_HOME=$WORK/t/var
export CESUTG_HOME
registre db start >/dev/null 2>&1 || { echo "  registre db start a échoué"; return 1; }
registre controler $M >"$WORK/ctl" && registre prefacture calculer $M >>"$WORK/ctl" ||
    { echo "  controler ou prefacture a échoué"; registre db stop; return 1; }
echo "  le registre tient $M (scale $SC), chargé, contrôlé, pré-facturé en" \
    "$(( $(date +%s) - t )) s : $(head -1 "$WORK/ctl" | sed 's/^registre: //')"
: >"$WORK/vide"
bench_add tableau-direction "$WORK/vide" registre tableau direction $M
bench_add tableau-sad "$WORK/vide" registre tableau sad $M
bench_add tableau-operat. "$WORK/vide" registre tableau operationnel $M
bench_add psql-visites "$WORK/vide" psql -X -q "host=$CESUTG_HOME user=postgres dbname=cesutg" \
    -c "\\copy (SELECT c.*, h.mode_saisie, h.code_correction FROM cesutg.controle_visite c JOIN cesutg.horodatage h ON h.id = c.horodatage WHERE c.mois = '$M') TO STDOUT"
bench_run
tot=0
for l in tableau-direction tableau-sad tableau-operat.; do
	tot=$((tot + $(cat "$WORK/t.$l")))
done
echo "  les trois tableaux : $(awk -v t="$tot" 'BEGIN { printf "%.2f", t / 1000 }') s" \
    "(objectif, avec les alertes : < 10 s) ; ×$(awk -v t="$tot" \
    -v p="$(cat "$WORK/t.psql-visites")" 'BEGIN { printf "%.1f", (p > 0 ? t / p : 0) }')" \
    "la lecture psql des interventions du mois"
# On a shared machine the wall clock counts the other tenants too: the
# server's CPU time for each dashboard (its backend's utime + stime, read
# in /proc around the query), median of RUNS.
cpu_serveur() {	# kind
	printf '%s\n' 'SELECT pg_backend_pid() AS pid \gset' '\setenv PID :pid' \
	    '\! awk "{ print \$14 + \$15 }" /proc/$PID/stat' \
	    "SELECT count(*) FROM cesutg.tableau_$1('$M');" \
	    '\! awk "{ print \$14 + \$15 }" /proc/$PID/stat' |
	    psql -X -At -q "host=$CESUTG_HOME user=postgres dbname=cesutg" |
	    awk -v h="$(getconf CLK_TCK)" 'NR == 1 { a = $1 } NR == 3 { print ($1 - a) * 1000 / h }'
}
ct=0
for k in direction sad operationnel; do
	i=0
	while [ $i -lt "$RUNS" ]; do cpu_serveur $k; i=$((i + 1)); done | median >"$WORK/cpu.$k"
	echo "  tableau $k : CPU du serveur $(awk '{ printf "%.2f", $1 / 1000 }' "$WORK/cpu.$k") s"
	ct=$((ct + $(cut -d. -f1 "$WORK/cpu.$k")))
done
echo "  les trois tableaux : $(awk -v t="$ct" 'BEGIN { printf "%.2f", t / 1000 }') s de CPU du serveur"
for k in direction sad operationnel; do
	registre tableau $k $M >"$WORK/$k.csv"
	bench_add pdf-$k "$WORK/$k.csv" tableaupdf
done
bench_run
echo "  pages : $(for k in direction sad operationnel; do tableaupdf <"$WORK/$k.csv" |
    pdfinfo - 2>/dev/null | awk -v k="$k" '/^Pages:/ { printf "%s %d ; ", k, $2 }'; done)"
registre db stop >/dev/null 2>&1
rm -rf "$WORK/t" "$WORK"/*.csv
