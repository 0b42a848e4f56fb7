# registre cesu: the monthly CESU outputs of a Paris month out of the
# ledger (issue 15, goal < 5 s all four): Flux 5 and Flux 8.1 of the
# month's refunds, Flux 8.2 of its orders, the Flux 6 checked and
# forwarded; then the compte d'emploi. The ledger holds fluxgen's chained
# 2016-03 and 2016-04 CESU files (with the orders of reprise/), loaded by
# registre load, analysed as the autovacuum would. RUNS rounds, medians.
# CESU_SCALE (default 1, Paris) sets the size.
SC=${CESU_SCALE:-1}
chmod 755 "$WORK"	# the cluster runs as postgres when we are root
CESUTG_HOME=$WORK/var
export CESUTG_HOME
unset PGHOST PGHOSTADDR PGSERVICE PGDATABASE PGPORT PGUSER CESUTG_PGOPTIONS
SCR=$(pwd)/scripts
. "$SCR/cesutg-lib.sh"
arret() { registre db stop >/dev/null 2>&1; }
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

fluxgen --scale "$SC" --months 2016-03..2016-04 --dir "$WORK/flux" >/dev/null ||
    { echo "  fluxgen a échoué"; return 1; }
registre db init >"$WORK/init.log" 2>&1 ||
    { echo "  registre db init a échoué"; cat "$WORK/init.log"; arret; return 1; }
charger() {	# file
	set -f; set -- "$1" $(cesutg_reconnaitre "$1"); set +f
	case $3 in plans|commandes|remboursements|charges) ;; *) return 0 ;; esac
	"$2" parse <"$1" 2>/dev/null | registre load "$3" --date "$4" \
	    --source "$(basename "$1")" >/dev/null 2>&1
}
t=$(date +%s%N)
for f in "$WORK"/flux/reprise/*; do charger "$f"; done
for m in 2016-03 2016-04; do
	for f in "$WORK/flux/$m"/PLANS_* "$WORK/flux/$m"/COMMANDE_* \
	    "$WORK/flux/$m"/CRCESU_* "$WORK/flux/$m"/FLUX6_*; do
		charger "$f"
	done
done
registre param set taux_charges_apa 0.30 >/dev/null
registre param set taux_charges_pcha 0.30 >/dev/null
psql -X -q -At "host=$CESUTG_HOME user=postgres dbname=cesutg" -c "ANALYZE" ||
    { arret; return 1; }
registre cesu declarations 2016-03 >/dev/null 2>&1
echo "  le registre tient 2016-03 et 2016-04 (scale $SC) en $(( $(ms "$t") / 1000 )) s :" \
    "$(psql -X -q -At "host=$CESUTG_HOME user=postgres dbname=cesutg" -c "SELECT
    (SELECT count(*) FROM cesutg.titre) || ' titres, ' ||
    (SELECT count(*) FROM cesutg.remboursement) || ' remboursements, ' ||
    (SELECT count(*) FROM cesutg.commande) || ' lignes de commande, ' ||
    (SELECT count(*) FROM cesutg.charge) || ' lignes de Flux 6'")"
cat >"$WORK/mois.sh" <<'EOF'
registre cesu consommes 2016-04 >/dev/null &&
registre cesu consommes 2016-04 --flux 81 >/dev/null &&
registre cesu declarations 2016-04 >/dev/null &&
registre cesu charges 2016-04 --report /dev/null >/dev/null
EOF
: >"$WORK/vide"
bench_add flux5 "$WORK/vide" registre cesu consommes 2016-04
bench_add flux81 "$WORK/vide" registre cesu consommes 2016-04 --flux 81
bench_add flux82 "$WORK/vide" registre cesu declarations 2016-04
bench_add flux6 "$WORK/vide" registre cesu charges 2016-04 --report /dev/null
bench_add les-quatre "$WORK/vide" sh "$WORK/mois.sh"
bench_add compte-emploi "$WORK/vide" registre cesu compte-emploi
bench_run
awk -v ms="$(cat "$WORK/t.les-quatre")" 'BEGIN {
	printf "  les quatre fichiers du mois : %.3f s (objectif < 5 s) : %s\n",
	    ms / 1000, ms < 5000 ? "atteint" : "MANQUÉ" }'
arret
