# registre against psql \copy, in one cluster with the server settings of
# production (registre db init), in the same run (issue 11, "Speed and
# size"). The ledger first holds a month: fluxgen's chained 2016-03 (with
# the orders of reprise/) loaded through integrer. Then:
# 1. registre load of the next month's visits (all SADs in one canonical
#    CSV) and of its plans snapshot, each into a fresh clone of that ledger,
#    against psql \copy of the same CSV, in the same clone, into a table
#    with the ledger table's keys, indexes and constraints (LIKE ... INCLUDING
#    ALL, which copies the partial unique index, then the ledger table's
#    foreign keys, which LIKE does not copy; row security is left out)
#    holding the same month, and into a
#    bare table (the CSV's columns and types, nothing else). The commands
#    are interleaved, RUNS rounds; medians. registre loads as cesutg_loader
#    under FORCE RLS, psql as the superuser.
# 2. The whole next month through integrer (every file, as cesutg-recevoir
#    orders them, under cron's environment) into a fresh clone, against the
#    baseline: every file parsed by its converter, then one psql session
#    \copy-ing each CSV into a bare text table; and against a second
#    baseline, the keyed floor: the same conversions, then one psql
#    session \copy-ing each CSV into tables with the ledger's keys, indexes,
#    constraints and foreign keys, the titles derived from the order lines.
#    MONTH_RUNS rounds (default 3: a round takes minutes), interleaved;
#    medians, per kind.
# REGISTRE_SCALE (default 1, Paris) sets the size; REGISTRE_PARTIE=2 runs
# part 2 only.
SC=${REGISTRE_SCALE:-1}
MRUNS=${MONTH_RUNS:-3}
chmod 755 "$WORK"	# the cluster runs as postgres when we are root
CESUTG_HOME=$WORK/var
export CESUTG_HOME
unset PGHOST PGHOSTADDR PGSERVICE PGDATABASE PGPORT PGUSER CESUTG_PGOPTIONS
SCR=$(pwd)/scripts
. "$SCR/cesutg-lib.sh"
arret() { registre db stop >/dev/null 2>&1; }
SQ() {	# database sql...: psql as the superuser, stop at the first error
	_d=$1; shift
	psql -X -q -At -v ON_ERROR_STOP=1 "host=$CESUTG_HOME user=postgres dbname=$_d" "$@"
}
clone() {	# template: a fresh database banc, then a checkpoint
	SQ postgres -c "SET client_min_messages = warning" \
	    -c "DROP DATABASE IF EXISTS banc" -c "CREATE DATABASE banc TEMPLATE $1" \
	    -c CHECKPOINT
}
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

fluxgen --scale "$SC" --months 2016-03..2016-04 --dir "$WORK/flux" >/dev/null ||
    { echo "  fluxgen a échoué"; return 1; }
registre db init >"$WORK/init.log" 2>&1 ||
    { echo "  registre db init a échoué"; cat "$WORK/init.log"; arret; return 1; }
for f in "$WORK"/flux/*/F15_*; do
	head -n 1 "$f" | cut -d'|' -f5
done | sort -u | while read -r tg; do
	registre sad add "${tg#SAD}" --tg "$tg" >/dev/null || exit 1
done || { echo "  registre sad add a échoué"; arret; return 1; }
# integrer's configuration: the embedded ledger, or (.banc) the clone.
printf '%s\n' "CESUTG_HOME=$CESUTG_HOME" "CESUTG_BIN=$BIN" "CESUTG_SYSLOG=0" \
    >"$WORK/conf"
cat "$WORK/conf" - >"$WORK/conf.banc" <<EOF
PGHOST=$CESUTG_HOME
PGDATABASE=banc
PGUSER=cesutg_loader
EOF
integ() {	# dir conf out: integrer each file of dir; "kind ms rc" to out
	spool_ordre "$1" >"$WORK/liste"
	rm -rf "$WORK/integration"
	: >"$3"
	while read -r _fl _k _d _b; do
		_s=$(date +%s%N)
		(cd / && env -i PATH=/usr/bin:/bin CESUTG_CONF="$2" \
		    sh "$SCR/integrer" "$_fl" "$1/$_b" "$WORK/integration") </dev/null 2>/dev/null
		_rc=$?
		echo "$_k $(ms "$_s") $_rc" >>"$3"
	done <"$WORK/liste"
}
t=$(date +%s%N)
integ "$WORK/flux/reprise" "$WORK/conf" "$WORK/m.reprise"
integ "$WORK/flux/2016-03" "$WORK/conf" "$WORK/m.mars"
echo "  le registre tient un mois : reprise/ et 2016-03 (scale $SC) par integrer" \
    "en $(( $(ms "$t") / 1000 )) s ; codes de sortie :" \
    "$(cat "$WORK/m.reprise" "$WORK/m.mars" | cut -d' ' -f3 | sort | uniq -c |
    awk '{ printf "%s%d×%s", (NR > 1 ? ", " : ""), $1, $2 }')"
# Disk: the files of the ledger's month are no longer read (at scale 10,
# 2 GB with integrer's outputs).
rm -rf "$WORK/flux/reprise" "$WORK/flux/2016-03" "$WORK/integration"

# REGISTRE_PARTIE=2: the month through integrer only (part 2).
if [ "${REGISTRE_PARTIE:-}" != 2 ]; then
# 1. Visits and plans of 2016-04. Two templates, each the ledger of March
# with the tables psql copies into: ref_p for the plans snapshot; ref_h for
# the visits, with April's plans, clients and staff already loaded, as in
# operation (a client names a beneficiary of the plans, a visit a client).
fluxgen --scale "$SC" --month 2016-04 horodatages >"$WORK/horodatages.csv"
fluxgen --scale "$SC" --month 2016-04 clients >"$WORK/clients.csv"
fluxgen --scale "$SC" --month 2016-04 intervenants >"$WORK/intervenants.csv"
fluxgen --scale "$SC" --month 2016-04 plans >"$WORK/plans.csv"
DATE=2016-05-01
SQ postgres -c "CREATE DATABASE ref_p TEMPLATE cesutg" \
    -c "CREATE DATABASE ref_h TEMPLATE cesutg" || { arret; return 1; }
for k in plans clients intervenants; do
	registre --db "host=$CESUTG_HOME dbname=ref_h user=cesutg_loader" load "$k" \
	    --date "$DATE" --report "$WORK/$k.rapport" <"$WORK/$k.csv" 2>"$WORK/err" ||
	    { echo "  chargement des $k d'avril : code $?"; head -n 5 "$WORK/err"
	    arret; return 1; }
done
cols() {	# db table: its columns that a row can be given (not generated)
	SQ "$1" -c "SELECT string_agg(quote_ident(column_name), ',' ORDER BY
	    ordinal_position) FROM information_schema.columns WHERE table_schema =
	    'cesutg' AND table_name = '$2' AND is_generated = 'NEVER'"
}
# The keyed tables hold March as the ledger does; March's plans as ended
# versions, since April's snapshot names the same plans (the ledger keeps
# them current and compares: that work is what the ratio measures). The
# ledger's columns that the CSV does not give get a default (an ingestion
# that exists: the plans' foreign keys check it, as the ledger's do).
tables() {	# db table csv
	SQ "$1" -c "CREATE TABLE public.cle_$2 (LIKE cesutg.$2 INCLUDING ALL)" \
	    -c "ALTER TABLE public.cle_$2 ALTER ligne SET DEFAULT 0,
	    ALTER ingestion_debut SET DEFAULT $(SQ "$1" -c "SELECT max(id) FROM cesutg.ingestion"),
	    ALTER valide_du SET DEFAULT '$DATE'" \
	    -c "INSERT INTO public.cle_$2 ($(cols "$1" "$2")) SELECT
	    $(cols "$1" "$2") FROM cesutg.$2 WHERE valide_du < '$DATE'" \
	    -c "CREATE TABLE public.nu_$2 AS SELECT $(head -n 1 "$3")
	    FROM cesutg.$2 WHERE false" &&
	printf '%s\n' "SELECT format('ALTER TABLE public.cle_$2 ADD %s',
	    pg_get_constraintdef(oid)) FROM pg_constraint WHERE conrelid =
	    'cesutg.$2'::regclass AND contype = 'f'" '\gexec' | SQ "$1"
}
tables ref_h horodatage "$WORK/horodatages.csv" &&
    tables ref_p plan "$WORK/plans.csv" &&
    SQ ref_p -c "UPDATE public.cle_plan SET valide_au = '$DATE' WHERE valide_au IS NULL" \
    -c "VACUUM ANALYZE" && SQ ref_h -c "VACUUM ANALYZE" || { arret; return 1; }
echo "  index : cesutg.horodatage $(SQ ref_h -c "SELECT count(*) FROM pg_indexes
    WHERE schemaname = 'cesutg' AND tablename = 'horodatage'"), public.cle_horodatage" \
    "$(SQ ref_h -c "SELECT count(*) FROM pg_indexes WHERE tablename = 'cle_horodatage'"),"\
    "cesutg.plan $(SQ ref_p -c "SELECT count(*) FROM pg_indexes
    WHERE schemaname = 'cesutg' AND tablename = 'plan'"), public.cle_plan" \
    "$(SQ ref_p -c "SELECT count(*) FROM pg_indexes WHERE tablename = 'cle_plan'") ;" \
    "lignes déjà là : $(SQ ref_h -c "SELECT count(*) FROM public.cle_horodatage") horodatages," \
    "$(SQ ref_p -c "SELECT count(*) FROM public.cle_plan") versions de plan"
nc() { SQ "$1" -c "SELECT count(*) FROM pg_constraint WHERE conrelid = '$2'::regclass"; }
echo "  contraintes (clés, uniques, CHECK, clés étrangères) : cesutg.horodatage" \
    "$(nc ref_h cesutg.horodatage), public.cle_horodatage $(nc ref_h public.cle_horodatage)," \
    "cesutg.plan $(nc ref_p cesutg.plan), public.cle_plan $(nc ref_p public.cle_plan)"
echo "  entrées : $(($(wc -l <"$WORK/horodatages.csv") - 1)) horodatages" \
    "($(stat -c %s "$WORK/horodatages.csv") octets), $(($(wc -l <"$WORK/plans.csv") - 1))" \
    "lignes de plan ($(stat -c %s "$WORK/plans.csv") octets), scale $SC"

# One round: a clone, then each command on it, a checkpoint before each.
# A registre that rejects or fails would measure something else: reported.
# The server's CPU: the postmaster's reaped children (the session's
# backend, once it has exited), in ms.
PM=$(head -n 1 "$CESUTG_HOME/data/postmaster.pid")
cpu_serveur() {
	awk -v t="$(getconf CLK_TCK)" '{ printf "%d\n", ($16 + $17) * 1000 / t }' \
	    "/proc/$PM/stat"
}
# The client's CPU (registre, or psql for \copy), in ms: what the shell's
# children used (times, run in this shell), before and after. The server
# and the client together are the load's whole cost (registre may use a
# parallel worker for an audit digest: the server's figure counts it).
cpu_enfants() {	# file: the children's user + system CPU in ms, from times
	tail -n 1 "$1" | tr 'ms' '  ' | awk '{ printf "%d\n",
	    ($1 * 60 + $2 + $3 * 60 + $4) * 1000 }'
}
chrono() {	# label command...: wall ms appended to $WORK/w.label, server CPU
		# to c.label, client CPU to k.label
	_l=$1; shift
	SQ banc -c CHECKPOINT
	sleep 0.2
	_c=$(cpu_serveur)
	times >"$WORK/t0"
	_s=$(date +%s%N)
	"$@" >/dev/null 2>"$WORK/err" || { echo "  $_l : code $?"; head -n 3 "$WORK/err"; }
	ms "$_s" >>"$WORK/w.$_l"
	times >"$WORK/t1"
	sleep 0.3
	echo $(( $(cpu_serveur) - _c )) >>"$WORK/c.$_l"
	echo $(( $(cpu_enfants "$WORK/t1") - $(cpu_enfants "$WORK/t0") )) >>"$WORK/k.$_l"
}
copie() {	# table csv
	psql -X -q -v ON_ERROR_STOP=1 "host=$CESUTG_HOME user=postgres dbname=banc" \
	    -c "\\copy public.$1 ($(head -n 1 "$2")) FROM '$2' WITH (FORMAT csv, HEADER)"
}
charge() {	# kind csv
	registre --db "host=$CESUTG_HOME dbname=banc user=cesutg_loader" load "$1" \
	    --date "$DATE" --source "bench-$1" <"$2"
}
L1="copie-cle-horodatages copie-nue-horodatages registre-horodatages
copie-cle-plans copie-nue-plans registre-plans"
echo "  charge de la machine avant les tours :$(uptime | sed 's/.*load average//')"
for l in $L1; do : >"$WORK/w.$l"; : >"$WORK/c.$l"; : >"$WORK/k.$l"; done
i=0
while [ $i -lt "$RUNS" ]; do
	clone ref_h || { arret; return 1; }
	chrono copie-cle-horodatages copie cle_horodatage "$WORK/horodatages.csv"
	chrono copie-nue-horodatages copie nu_horodatage "$WORK/horodatages.csv"
	chrono registre-horodatages charge horodatages "$WORK/horodatages.csv"
	[ $i = 0 ] && sed 's/^/  (1er tour) /' "$WORK/err" &&
	    echo "  (1er tour) empreinte d'audit des visites : $(SQ banc -c "SELECT
	    coalesce('calculée par registre, échantillon de ' || (nouveau->>'echantillon')
	    || ' lignes refait par le serveur', 'calculée par le serveur') FROM
	    cesutg.audit WHERE table_nom = 'horodatage' AND operation = 'INSERT'
	    ORDER BY id DESC LIMIT 1")"
	clone ref_p || { arret; return 1; }
	chrono copie-cle-plans copie cle_plan "$WORK/plans.csv"
	chrono copie-nue-plans copie nu_plan "$WORK/plans.csv"
	chrono registre-plans charge plans "$WORK/plans.csv"
	[ $i = 0 ] && sed 's/^/  (1er tour) /' "$WORK/err"
	i=$((i + 1))
done
for l in $L1; do
	median <"$WORK/w.$l" >"$WORK/t.$l"
	median <"$WORK/c.$l" >"$WORK/u.$l"
	paste -d' ' "$WORK/c.$l" "$WORK/k.$l" | awk '{ print $1 + $2 }' |
	    median >"$WORK/v.$l"
	printf '  %-24s %8.2f s, CPU serveur %6.2f s, serveur + client %6.2f s  (médianes de %d ; %s)\n' "$l" \
	    "$(awk '{ print $1 / 1000 }' "$WORK/t.$l")" \
	    "$(awk '{ print $1 / 1000 }' "$WORK/u.$l")" \
	    "$(awk '{ print $1 / 1000 }' "$WORK/v.$l")" "$RUNS" \
	    "$(sort -n "$WORK/w.$l" | tr '\n' ' ' | sed 's/ $//') ms"
	# Each round's CPU, in the order of the rounds: server, then client.
	printf '  %-24s CPU par tour, serveur : %s ms ; client : %s ms\n' "" \
	    "$(tr '\n' ' ' <"$WORK/c.$l" | sed 's/ $//')" \
	    "$(tr '\n' ' ' <"$WORK/k.$l" | sed 's/ $//')"
done
rapport() {	# a b goal what
	W=$4 awk -v a="$(cat "$WORK/t.$1")" -v b="$(cat "$WORK/t.$2")" -v g="$3" \
	    'BEGIN { printf "  %s : %.2f×%s\n", ENVIRON["W"], (b > 0 ? a / b : 0),
	    (g != "" ? sprintf(" (objectif <= %s)", g) : "") }'
}
rapport registre-horodatages copie-cle-horodatages 1.5 \
    "horodatages, registre / \\copy dans une table aux mêmes clés"
rapport registre-horodatages copie-nue-horodatages "" \
    "horodatages, registre / \\copy dans une table nue"
rapport registre-plans copie-cle-plans 1.5 \
    "plans, registre / \\copy dans une table aux mêmes clés"
rapport registre-plans copie-nue-plans "" "plans, registre / \\copy dans une table nue"
cpu() {	# a b what: the ratio of the median server CPU
	W=$3 awk -v a="$(cat "$WORK/u.$1")" -v b="$(cat "$WORK/u.$2")" \
	    'BEGIN { printf "  %s : %.2f×\n", ENVIRON["W"], (b > 0 ? a / b : 0) }'
}
cpu registre-horodatages copie-cle-horodatages "horodatages, CPU serveur, registre / \\copy clés"
cpu registre-plans copie-cle-plans "plans, CPU serveur, registre / \\copy clés"
for l in $L1; do cp "$WORK/v.$l" "$WORK/u.$l"; done
cpu registre-horodatages copie-cle-horodatages "horodatages, CPU serveur + client, registre / \\copy clés"
cpu registre-plans copie-cle-plans "plans, CPU serveur + client, registre / \\copy clés"
echo "  charge de la machine après les tours :$(uptime | sed 's/.*load average//')"
# audit verify on the last clone: the ledger of a month and a snapshot;
# the audit's size against the data it covers (issue 11: <= 15 %).
_c=$(cpu_serveur)
_s=$(date +%s%N)
registre --db "host=$CESUTG_HOME dbname=banc user=postgres" audit verify \
    --ancre "$WORK/ancre" >/dev/null 2>"$WORK/err" ||
    { echo "  audit verify : code $?"; head -n 3 "$WORK/err"; }
_w=$(ms "$_s")
sleep 0.3
echo "  audit verify (un mois et un instantané) : $(awk -v w="$_w" \
    'BEGIN { printf "%.1f", w / 1000 }') s, CPU serveur $(awk -v c="$(( $(cpu_serveur) - _c ))" \
    'BEGIN { printf "%.1f", c / 1000 }') s"
SQ banc -c "SELECT sum(pg_total_relation_size(c.oid)) FILTER (WHERE c.relname
    LIKE 'audit%'), sum(pg_total_relation_size(c.oid)) FILTER (WHERE c.relname
    NOT LIKE 'audit%') FROM pg_class c WHERE c.relnamespace = 'cesutg'::regnamespace
    AND c.relkind = 'r'" | awk -F'|' '{ printf "  audit (audit*) %.1f Mo pour %.1f Mo" \
    " de données : %.1f %% (objectif <= 15 %%)\n", $1 / 1048576, $2 / 1048576,
    ($2 > 0 ? 100 * $1 / $2 : 0) }'
# MONTH_RUNS=0: part 1 only.
[ "$MRUNS" -gt 0 ] || { arret; rm -rf "$WORK/flux" "$WORK/integration" "$WORK"/*.csv; return 0; }
fi

# 2. The month 2016-04 through integrer against the baseline.
session_psql() {	# db script labels out: one psql session runs script;
		# its statements' times summed per label (labels: one a line,
		# in statement order), "label ms" appended to out; the session's
		# own cost (connection, tables) falls to no kind.
	_s=$(date +%s%N)
	psql -X -q -v ON_ERROR_STOP=1 "host=$CESUTG_HOME user=postgres dbname=$1" \
	    -f "$2" >"$2.out" 2>&1 ||
	    { echo "  session psql ($1) : échec"; tail -n 3 "$2.out"; }
	_t=$(ms "$_s")
	grep '^Time:' "$2.out" | awk '{ print $2 }' | paste -d' ' "$3" - |
	    awk -v t="$_t" '{ c[$1] += $2; s += $2 } END { for (k in c)
	    printf "%s %d\n", k, c[k]; printf "psql-session %d\n", t - s }' >>"$4"
}
base() {	# dir out: converters, then one psql session; "kind ms" to out
	spool_ordre "$1" >"$WORK/liste"
	rm -rf "$WORK/base"
	mkdir -p "$WORK/base"
	: >"$2"
	: >"$WORK/copies"
	while read -r _fl _k _d _b; do
		_s=$(date +%s%N)
		if [ "$_fl" = cesu ]; then	# canonical CSV already: no converter
			cat "$1/$_b"
		else
			(cd "$1" && "$_fl" parse "$_b") </dev/null 2>/dev/null
		fi >"$WORK/base/$_b.csv"
		echo "$_k $(ms "$_s")" >>"$2"
		echo "$_k $_b" >>"$WORK/copies"
	done <"$WORK/liste"
	# One bare text table per kind, the columns of its first CSV.
	: >"$WORK/session"
	cut -d' ' -f1 "$WORK/copies" | sort -u | while read -r _k; do
		_b=$(awk -v k="$_k" '$1 == k { print $2; exit }' "$WORK/copies")
		echo "DROP TABLE IF EXISTS \"nu_$_k\";"
		echo "CREATE TABLE \"nu_$_k\" ($(head -n 1 "$WORK/base/$_b.csv" |
		    sed 's/,/ text,/g; s/$/ text/'));"
	done >>"$WORK/session"
	printf '%s\n' '\timing on' >>"$WORK/session"
	while read -r _k _b; do
		printf '%s\n' "\\copy \"nu_$_k\" FROM '$WORK/base/$_b.csv' WITH (FORMAT csv, HEADER)"
	done <"$WORK/copies" >>"$WORK/session"
	cut -d' ' -f1 "$WORK/copies" >"$WORK/copies.k"
	session_psql nu "$WORK/session" "$WORK/copies.k" "$2"
}
SQ postgres -c "CREATE DATABASE nu" || { arret; return 1; }
# A second baseline, the keyed floor: the same CSVs, one psql session,
# \copy'd file by file into tables with the ledger tables' keys, indexes,
# CHECKs and foreign keys (LIKE ... INCLUDING ALL, then the foreign keys),
# holding what the ledger holds; an order file's titles derived by one
# INSERT ... generate_series, as the ledger numbers them. No validation,
# comparison, audit, ingestion or transaction per file: what any keyed
# store of the month pays at least. The issue's bar (2.5x the bare copy)
# is to be read against it. Its template, cles: a clone of the ledger
# whose cesutg tables are emptied once copied (disk), ingestion kept (the
# foreign keys' target); the versions current in the ledger of the
# snapshot kinds are ended (the month's snapshot replaces them: the
# ledger compares, which is the work the ratio measures).
CLE_KINDS="plans:plan clients:client intervenants:intervenant
horodatages:horodatage evenements:evenement_sad remboursements:remboursement
commandes:commande charges:charge log-factures:log_facture"
table_de() {	# kind: its ledger table, or nothing (evenements-titres)
	for _p in $CLE_KINDS; do
		[ "${_p%%:*}" = "$1" ] && { echo "${_p#*:}"; return; }
	done
}
SQ postgres -c "CREATE DATABASE cles TEMPLATE cesutg" || { arret; return 1; }
for _t in $(for _p in $CLE_KINDS; do echo "${_p#*:}"; done) titre; do
	_c=$(SQ cles -c "SELECT string_agg(quote_ident(column_name), ',' ORDER BY
	    ordinal_position) FROM information_schema.columns WHERE table_schema =
	    'cesutg' AND table_name = '$_t' AND is_generated = 'NEVER'")
	SQ cles -c "CREATE TABLE public.cle_$_t (LIKE cesutg.$_t INCLUDING ALL)" \
	    -c "INSERT INTO public.cle_$_t ($_c) SELECT $_c FROM cesutg.$_t" || break
	if [ "$_t" = titre ]; then
		SQ cles -c "ALTER TABLE public.cle_titre ALTER ingestion SET DEFAULT
		    $(SQ cles -c "SELECT max(id) FROM cesutg.ingestion")" || break
	else
		SQ cles -c "CREATE SEQUENCE public.cle_${_t}_id START
		    $(SQ cles -c "SELECT coalesce(max(id), 0) + 1 FROM cesutg.$_t")" \
		    -c "ALTER TABLE public.cle_$_t ALTER id SET DEFAULT
		    nextval('public.cle_${_t}_id'), ALTER ligne SET DEFAULT 0,
		    ALTER ingestion_debut SET DEFAULT $(SQ cles -c "SELECT max(id)
		    FROM cesutg.ingestion"), ALTER valide_du SET DEFAULT '2016-05-01'" ||
		    break
		case $_t in horodatage|remboursement|commande) ;;
		*) SQ cles -c "UPDATE public.cle_$_t SET valide_au = '2016-05-01'
		    WHERE valide_au IS NULL" || break ;;
		esac
	fi
	printf '%s\n' "SELECT format('ALTER TABLE public.cle_$_t ADD %s',
	    pg_get_constraintdef(oid)) FROM pg_constraint WHERE conrelid =
	    'cesutg.$_t'::regclass AND contype = 'f'" '\gexec' | SQ cles || break
	_t=
done
[ -z "$_t" ] || { echo "  tables à clés : échec ($_t)"; arret; return 1; }
SQ cles -c "SET client_min_messages = warning" -c "CREATE TABLE public.stg_commande AS SELECT * FROM cesutg.commande
    WHERE false" -c "TRUNCATE cesutg.horodatage, cesutg.titre,
    cesutg.remboursement, cesutg.commande, cesutg.plan, cesutg.client,
    cesutg.intervenant, cesutg.evenement_sad CASCADE" \
    -c "VACUUM ANALYZE" >/dev/null || { arret; return 1; }
# The month's order lines, numbered as the ledger numbers them (rank of a
# line within its reference, first title within its order month and
# beneficiary), then their titles: one statement per file.
CLE_TITRES="WITH n AS (SELECT s.*, row_number() OVER (PARTITION BY
    reference_commande_externe, mois_reference, reference_ligne_commande_externe
    ORDER BY ctid) AS rg, coalesce(sum(nombre_titres) OVER (PARTITION BY
    reference_commande_externe, coalesce(mois_reference, to_char(date_commande,
    'YYYY-MM')), matricule_salarie ORDER BY ctid ROWS BETWEEN UNBOUNDED
    PRECEDING AND 1 PRECEDING), 0) + 1 AS pt FROM public.stg_commande s),
    c AS (INSERT INTO public.cle_commande ($(SQ cles -c "SELECT
    string_agg(quote_ident(column_name), ',' ORDER BY ordinal_position) FROM
    information_schema.columns WHERE table_schema = 'public' AND table_name =
    'stg_commande' AND column_name NOT IN ('id', 'ligne', 'ingestion_debut',
    'ingestion_fin', 'valide_du', 'valide_au', 'motif_fin', 'rang_ligne',
    'premier_titre')"), rang_ligne, premier_titre) SELECT $(SQ cles -c "SELECT
    string_agg(quote_ident(column_name), ',' ORDER BY ordinal_position) FROM
    information_schema.columns WHERE table_schema = 'public' AND table_name =
    'stg_commande' AND column_name NOT IN ('id', 'ligne', 'ingestion_debut',
    'ingestion_fin', 'valide_du', 'valide_au', 'motif_fin', 'rang_ligne',
    'premier_titre')"), rg, pt FROM n RETURNING *)
    INSERT INTO public.cle_titre (numero_titre, reference_commande, code_carnet,
    identifiant_beneficiaire, valeur_faciale, date_emission, date_validite)
    SELECT substr(m, 3, 2) || substr(m, 6, 2) || lpad(s.matricule_salarie, 6,
    '0') || lpad(g::text, 5, '0'), coalesce(s.reference_commande_externe, ''),
    s.code_succursale || s.code_carnet, s.matricule_salarie, s.valeur_unitaire,
    s.date_commande, s.date_validite FROM c s CROSS JOIN LATERAL (SELECT
    coalesce(s.mois_reference, to_char(s.date_commande, 'YYYY-MM')) AS m) x
    CROSS JOIN LATERAL generate_series(s.premier_titre, s.premier_titre +
    s.nombre_titres - 1) g ON CONFLICT DO NOTHING;"
CLE_TITRES=$(printf '%s\n' "$CLE_TITRES" | tr '\n' ' ')
cles() {	# out: base's CSVs into a fresh clone of cles; "kind ms" to out
	SQ postgres -c "SET client_min_messages = warning" \
	    -c "DROP DATABASE IF EXISTS cle" -c "CREATE DATABASE cle TEMPLATE cles" \
	    -c CHECKPOINT >/dev/null || return 1
	# A title refunded twice (in the ledger, or twice this month) breaks
	# the keyed table's unique key: the ledger rejects those rows with a
	# reason; here they are left out, before the clock starts.
	mkdir -p "$WORK/cle"
	{ awk -F, 'FNR == 1 { for (i = 1; i <= NF; i++) if ($i == "numero_titre")
	    c = i; next } { print $c }' $(awk '$1 == "remboursements" {
	    print "'"$WORK"'/base/" $2 ".csv" }' "$WORK/copies") | sort | uniq -d
	  SQ cle -c "SELECT numero_titre FROM public.cle_remboursement WHERE
	    valide_au IS NULL"; } >"$WORK/cle/deja"
	: >"$WORK/cle.sql"
	printf '%s\n' '\timing on' >>"$WORK/cle.sql"
	: >"$WORK/cle.copies"
	while read -r _k _b; do
		_t=$(table_de "$_k")
		[ -n "$_t" ] || continue
		_f=$WORK/base/$_b.csv
		if [ "$_k" = remboursements ]; then
			awk -F, 'NR == FNR { d[$1]; next } FNR == 1 { for (i = 1; i <= NF;
			    i++) if ($i == "numero_titre") c = i; print; next }
			    !($c in d)' "$WORK/cle/deja" "$_f" >"$WORK/cle/$_b.csv"
			_f=$WORK/cle/$_b.csv
		fi
		if [ "$_k" = commandes ]; then
			printf '%s\n' "\\copy public.stg_commande ($(head -n 1 "$_f")) FROM '$_f' WITH (FORMAT csv, HEADER)" \
			    "$CLE_TITRES" "TRUNCATE public.stg_commande;"
			printf '%s\n%s\n%s\n' "$_k" "$_k" "$_k" >>"$WORK/cle.copies"
		else
			printf '%s\n' "\\copy public.cle_$_t ($(head -n 1 "$_f")) FROM '$_f' WITH (FORMAT csv, HEADER)"
			echo "$_k" >>"$WORK/cle.copies"
		fi
	done <"$WORK/copies" >>"$WORK/cle.sql"
	: >"$1"
	session_psql cle "$WORK/cle.sql" "$WORK/cle.copies" "$1"
	rm -rf "$WORK/cle"
}
# Issue 11 (cost grows with the file): the CPU of the server (the
# postmaster's reaped children: the sessions, autovacuum) and of the client
# side (integrer, its converter, registre: this shell's reaped children)
# of each round of integrer, in ms; and the server's peak memory: every
# 0.2 s, the RssAnon of each server process (its private memory, without
# the shared buffers it touched) and the VmRSS of each session (with
# them: the checkpointer's would be all of shared_buffers), the largest
# seen, with the file then loading.
PM2=$(head -n 1 "$CESUTG_HOME/data/postmaster.pid")
TCK=$(getconf CLK_TCK)
cpu_pm() { awk -v t="$TCK" '{ printf "%d\n", ($16 + $17) * 1000 / t }' "/proc/$PM2/stat"; }
# This shell's reaped children, from `times` run by this shell itself (a
# command substitution would be another process).
cpu_moi() {
	awk 'NR == 2 { split($1, u, /[ms]/); split($2, y, /[ms]/)
	    printf "%d\n", (u[1] * 60 + u[2] + y[1] * 60 + y[2]) * 1000 }' "$WORK/times"
}
memoire() {	# r out: the largest sizes while $WORK/mem.on exists; the file
	# loading is the one after those integ has written to r
	while [ -f "$WORK/mem.on" ]; do
		_f=$(sed -n "$(( $(wc -l <"$1") + 1 ))p" "$WORK/liste" | cut -d' ' -f4)
		[ -n "$_f" ] || _f=-
		_b=" $(pgrep -d ' ' -P "$PM2" -f '\[local\]') "
		for _p in $(pgrep -P "$PM2"); do
			case $_b in *" $_p "*) echo session ;; *) echo autre ;; esac
			cat "/proc/$_p/status" 2>/dev/null
		done | awk -v f="$_f" '/^(session|autre)$/ { s = $1 == "session" }
		    /^VmRSS/ && s && $2 > r { r = $2 } /^RssAnon/ && $2 > a { a = $2 }
		    END { print r + 0, a + 0, f }'
		sleep 0.2
	done | awk '$1 > r { r = $1; fr = $3 } $2 > a { a = $2; fa = $3 }
	    END { print r + 0, (fr != "" ? fr : "-"), a + 0, (fa != "" ? fa : "-") }' >"$2"
}
integ_mesure() {	# dir conf out: integ, with the CPU and memory above
	times >"$WORK/times"
	_ci=$(cpu_moi); _cs=$(cpu_pm)
	touch "$WORK/mem.on"
	: >"$3"
	memoire "$3" "$WORK/mem.r" &
	_mp=$!
	integ "$@"
	times >"$WORK/times"
	_cc=$(( $(cpu_moi) - _ci ))
	rm -f "$WORK/mem.on"
	wait "$_mp"
	sleep 0.3
	echo "$(( $(cpu_pm) - _cs )) $_cc $(cat "$WORK/mem.r")" >>"$WORK/mois.cpu"
}
i=0
: >"$WORK/mois.i"
: >"$WORK/mois.b"
: >"$WORK/mois.k"
: >"$WORK/mois.cpu"
while [ $i -lt "$MRUNS" ]; do
	clone cesutg || { arret; return 1; }
	# Disk: in the last round of part 2 alone the ledger of March is no
	# longer cloned; dropped, its copy is the only one (a scale-10 ledger
	# is 4 GB, 10 GB with the month).
	[ "${REGISTRE_PARTIE:-}" = 2 ] && [ $((i + 1)) = "$MRUNS" ] &&
	    SQ postgres -c "DROP DATABASE cesutg"
	integ_mesure "$WORK/flux/2016-04" "$WORK/conf.banc" "$WORK/r.i"
	[ $i = 0 ] && echo "  integrer d'avril (1er tour), codes de sortie :" \
	    "$(cut -d' ' -f3 "$WORK/r.i" | sort | uniq -c |
	    awk '{ printf "%s%d×%s", (NR > 1 ? ", " : ""), $1, $2 }')"
	awk -v r=$i '{ print r, $1, $2 }' "$WORK/r.i" >>"$WORK/mois.i"
	SQ nu -c CHECKPOINT
	base "$WORK/flux/2016-04" "$WORK/r.b"
	awk -v r=$i '{ print r, $1, $2 }' "$WORK/r.b" >>"$WORK/mois.b"
	cles "$WORK/r.k" || { arret; return 1; }
	awk -v r=$i '{ print r, $1, $2 }' "$WORK/r.k" >>"$WORK/mois.k"
	i=$((i + 1))
done
printf '%s\n' "  un mois entier (2016-04, $(ls "$WORK/flux/2016-04" | wc -l) fichiers) :" \
    "  integrer contre la référence (convertisseurs, puis une session psql \\copy" \
    "  dans des tables texte nues), médianes de $MRUNS tours par nature"
# Sum per round and kind, then the median over rounds, per kind and total.
awk '
function med(a, n,   i, j, t) {
	for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
		t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	return a[int((n + 1) / 2)]
}
FILENAME ~ /mois.i$/ { si[$2, $1] += $3; ti[$1] += $3; k[$2]; if ($1 == 0) nf[$2]++
	r[$1]; next }
FILENAME ~ /mois.k$/ { tk[$1] += $3; if ($2 == "psql-session") pk[$1] += $3
	else sk[$2, $1] += $3; next }
{ if ($2 == "psql-session") { ps[$1] += $3; tb[$1] += $3; next }
  if (seen[$1, $2]++ < nf[$2]) sp[$2, $1] += $3; else { sc[$2, $1] += $3; tc[$1] += $3 }
  tb[$1] += $3; k[$2] }
END {
	n = 0; for (x in r) n++
	printf "  %-17s %5s %11s %10s %10s %10s %6s %10s %6s\n", "nature", "fich.",
	    "integrer s", "parse s", "\\copy s", "réf. s", "×", "à clés s", "×"
	for (x in k) {
		hk = (x, 0) in sk	# before any sk[x, j] below creates it
		for (j = 0; j < n; j++) { a[j + 1] = si[x, j]; p[j + 1] = sp[x, j]
			c[j + 1] = sc[x, j]; q[j + 1] = sp[x, j] + sc[x, j]
			e[j + 1] = sp[x, j] + sk[x, j] }
		mi = med(a, n); mp = med(p, n); mc = med(c, n); mq = med(q, n)
		me = med(e, n)
		printf "  %-17s %5d %11.1f %10.1f %10.1f %10.1f %6.2f %10s %6s\n", x,
		    nf[x], mi / 1000, mp / 1000, mc / 1000, mq / 1000,
		    (mq > 0 ? mi / mq : 0), (hk ? sprintf("%.1f", me / 1000) : "-"),
		    (hk && me > 0 ? sprintf("%.2f", mi / me) : "")
	}
	for (j = 0; j < n; j++) { a[j + 1] = ti[j]; q[j + 1] = tb[j]; s[j + 1] = ps[j]
		e[j + 1] = pk[j]; f[j + 1] = tk[j] + tb[j] - tc[j] - ps[j] }
	mi = med(a, n); mq = med(q, n); msx = med(s, n); mke = med(e, n); mf = med(f, n)
	printf "  %-17s %5s %11s %10s %10.1f %10s %6s %10.1f\n", "(session psql)", "",
	    "", "", msx / 1000, "", "", mke / 1000
	printf "  %-17s %5s %11.1f %10s %10s %10.1f %6.2f %10.1f %6.2f\n",
	    "TOTAL", "", mi / 1000, "", "", mq / 1000, (mq > 0 ? mi / mq : 0),
	    mf / 1000, (mf > 0 ? mi / mf : 0)
	printf "  (objectif de l'\''issue : <= 2.5 × la référence nue ; la référence à clés" \
	    " ajoute aux mêmes conversions une session psql \\copy dans des tables aux" \
	    " clés, index, contraintes et clés étrangères du registre, titres dérivés," \
	    " sans validation, comparaison, audit ni transaction par fichier)\n"
	printf "  tours : integrer"; for (j = 0; j < n; j++) printf " %.1f", ti[j] / 1000
	printf " s ; référence"; for (j = 0; j < n; j++) printf " %.1f", tb[j] / 1000
	printf " s ; à clés"; for (j = 0; j < n; j++) printf " %.1f", f[j + 1] / 1000
	print " s"
}' "$WORK/mois.i" "$WORK/mois.k" "$WORK/mois.b"
awk '{ print $1 }' "$WORK/mois.cpu" | median >"$WORK/t.cs"
awk '{ print $2 }' "$WORK/mois.cpu" | median >"$WORK/t.cc"
sort -n -k 3 "$WORK/mois.cpu" | tail -n 1 | awk -v s="$(cat "$WORK/t.cs")" \
    -v c="$(cat "$WORK/t.cc")" -v sc="$SC" '{ printf "  integrer, scale %s : CPU" \
    " serveur %.1f s, CPU client %.1f s (médianes) ; mémoire max d'\''un processus" \
    " serveur : session RSS %.0f Mo (%s), privée (RssAnon) %.0f Mo (%s)\n", sc, s / 1000,
    c / 1000, $3 / 1024, $4, $5 / 1024, $6 }'
arret
rm -rf "$WORK/flux" "$WORK/base" "$WORK/integration" "$WORK"/*.csv
