# crcesu parse against cat, wc -l, and gawk/mawk writing the very same CSV
# (trimmed text, ISO dates, euros, the DEB's columns on each row: checked
# with cmp on a small file first), plus a bare substr split for reference.
cat >"$WORK/crcesu.awk" <<'AWK'
function d(s) { return substr(s, 1, 4) "-" substr(s, 5, 2) "-" substr(s, 7, 2) }
function t(s) { sub(/ +$/, "", s); if (s ~ /[",]/) { gsub(/"/, "\"\"", s); s = "\"" s "\"" } return s }
function m(s) { s += 0; return sprintf("%d.%02d", int(s / 100), s % 100) }
BEGIN { OFS = ","; print "code_emetteur,date_creation,numero_ordre,date_remboursement,numero_titre,reference_commande,code_carnet,identifiant_beneficiaire,valeur_faciale,date_encaissement,code_affilie,nom_affilie,type_affilie,code_produit" }
/^DEB/ { deb = t(substr($0, 8, 4)) "," d(substr($0, 12, 8)) "," (substr($0, 20, 5) + 0) "," d(substr($0, 25, 8)) }
/^DET/ {
	print deb, substr($0, 4, 15), t(substr($0, 19, 20)), t(substr($0, 39, 15)),
	    t(substr($0, 54, 15)), m(substr($0, 69, 7)), d(substr($0, 76, 8)),
	    substr($0, 84, 9), t(substr($0, 93, 38)), substr($0, 131, 1),
	    substr($0, 132, 2)
}
AWK
cat >"$WORK/substr.awk" <<'AWK'
BEGIN { OFS = "," }
/^DET/ {
	print substr($0, 4, 15), substr($0, 19, 20), substr($0, 39, 15),
	    substr($0, 54, 15), substr($0, 69, 7), substr($0, 76, 8),
	    substr($0, 84, 9), substr($0, 93, 38), substr($0, 131, 1),
	    substr($0, 132, 2)
}
AWK
gen-crcesu 10000 >"$WORK/small.txt"
crcesu parse "$WORK/small.txt" >"$WORK/small.csv"
gawk -f "$WORK/crcesu.awk" "$WORK/small.txt" | cmp -s - "$WORK/small.csv" ||
    echo "  ATTENTION : la référence gawk n'écrit pas le même CSV"
rm -f "$WORK/small.txt" "$WORK/small.csv"
gen-crcesu ${CRCESU_LINES:-3800000} >"$WORK/crcesu.txt"
echo "  entrée : $(stat -c %s "$WORK/crcesu.txt") octets, $(wc -l <"$WORK/crcesu.txt") lignes"
bench_floors "$WORK/crcesu.txt"
bench_add gawk "$WORK/crcesu.txt" gawk -f "$WORK/crcesu.awk"
bench_add mawk "$WORK/crcesu.txt" mawk -f "$WORK/crcesu.awk"
bench_add gawk-substr "$WORK/crcesu.txt" gawk -f "$WORK/substr.awk"
bench_add crcesu-parse "$WORK/crcesu.txt" crcesu parse
bench_run
bench_ratio crcesu-parse gawk
bench_ratio crcesu-parse mawk
bench_ratio crcesu-parse gawk-substr
bench_ratio wc-l crcesu-parse
bench_ratio cat crcesu-parse
rm -f "$WORK/crcesu.txt" "$WORK/out"

# 2. registre load of a month's refunds (issue 11, "Speed and size": the
# CRCESU files are the largest part of a month through integrer), against
# psql \copy of the same CSVs into a table with the ledger table's keys,
# indexes and constraints (the keyed floor). The ledger holds fluxgen's
# chained reprise/ and 2016-03 and April's files before its refunds (its
# orders, so its titles), loaded through integrer. Each round, into a fresh
# clone: registre load of April's CRCESU files one by one, as integrer
# runs it (a --report each), then one psql session \copy-ing them into
# public.cle_remboursement (LIKE cesutg.remboursement INCLUDING ALL,
# holding March's refunds), the refunds the ledger rejects left out of its
# CSVs. Interleaved, RUNS rounds, medians; server CPU: the backends' (the
# postmaster's reaped children). CRCESU_REGISTRE=0 skips it.
[ "${CRCESU_REGISTRE:-1}" = 0 ] && return 0
chmod 755 "$WORK"	# the cluster runs as postgres when we are root
export CESUTG_HOME="$WORK/var"
unset PGHOST PGHOSTADDR PGSERVICE PGDATABASE PGPORT PGUSER CESUTG_PGOPTIONS
SCR=$(pwd)/scripts && . "$SCR/cesutg-lib.sh"
SQ() {	# database sql...: psql as the superuser, stop at the first error
	_d=$1; shift
	psql -X -q -At -v ON_ERROR_STOP=1 "host=$CESUTG_HOME user=postgres dbname=$_d" "$@"
}
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
cpu() {	# ms of CPU of the server's backends that have ended (and been reaped)
	while [ "$(SQ postgres -c "SELECT count(*) FROM pg_stat_activity WHERE
	    datname = 'banc'")" != 0 ]; do sleep 0.05; done
	sleep 0.1
	awk -v t="$(getconf CLK_TCK)" '{ print int(($16 + $17) * 1000 / t) }' \
	    "/proc/$(head -n 1 "$CESUTG_HOME/data/postmaster.pid")/stat"
}
# The ledger and integrer's configuration; the cluster stops on any failure.
trap 'registre db stop >/dev/null 2>&1' EXIT
fluxgen --scale 1 --months 2016-03..2016-04 --dir "$WORK/flux" >/dev/null &&
    registre db init >"$WORK/init.log" 2>&1 &&
    for f in "$WORK"/flux/*/F15_*; do head -n 1 "$f" | cut -d'|' -f5; done |
    sort -u | while read -r tg; do
	registre sad add "${tg#SAD}" --tg "$tg" >/dev/null || exit 1
    done || { echo "  grand livre : fluxgen, db init ou sad add a échoué"; return 1; }
printf '%s\n' "CESUTG_HOME=$CESUTG_HOME" "CESUTG_BIN=$BIN" "CESUTG_SYSLOG=0" \
    >"$WORK/conf"
mkdir "$WORK/r"
for d in reprise 2016-03 2016-04; do
	spool_ordre "$WORK/flux/$d" | while read -r fl k dd b; do
		if [ "$d" = 2016-04 ] && [ "$k" = remboursements ]; then
			crcesu parse "$WORK/flux/$d/$b" >"$WORK/r/$b.csv" 2>/dev/null
			echo "$dd $b" >>"$WORK/r/liste"
			continue
		fi
		(cd / && env -i PATH=/usr/bin:/bin CESUTG_CONF="$WORK/conf" \
		    sh "$SCR/integrer" "$fl" "$WORK/flux/$d/$b" "$WORK/integration") \
		    </dev/null 2>/dev/null
	done
done
rm -rf "$WORK/flux" "$WORK/integration"
cols=$(head -n 1 "$(ls "$WORK"/r/*.csv | head -n 1)")
SQ cesutg -c "CREATE TABLE public.cle_remboursement (LIKE cesutg.remboursement
    INCLUDING ALL)" -c "ALTER TABLE public.cle_remboursement ALTER ligne SET
    DEFAULT 0, ALTER ingestion_debut SET DEFAULT $(SQ cesutg -c "SELECT
    max(id) FROM cesutg.ingestion"), ALTER valide_du SET DEFAULT '2016-05-01'" \
    -c "INSERT INTO public.cle_remboursement SELECT * FROM cesutg.remboursement" \
    -c "VACUUM ANALYZE" 2>"$WORK/err" ||
    { echo "  table à clés : échec"; cat "$WORK/err"; return 1; }
# The keyed table takes no second current refund of a title: the titles
# refunded twice (in March, or twice in April) are left out of its CSVs.
{ awk -F, 'FNR > 1 { print $5 }' "$WORK"/r/*.csv | sort | uniq -d
  SQ cesutg -c "SELECT numero_titre FROM cesutg.remboursement"; } | sort -u >"$WORK/doubles"
: >"$WORK/copie.sql"
while read -r dd b; do
	awk -F, 'NR == FNR { d[$1]; next } FNR == 1 || !($5 in d)' "$WORK/doubles" \
	    "$WORK/r/$b.csv" >"$WORK/r/$b.cle"
	printf '%s\n' "\\copy public.cle_remboursement ($cols) FROM '$WORK/r/$b.cle' WITH (FORMAT csv, HEADER)" \
	    >>"$WORK/copie.sql"
done <"$WORK/r/liste"
SQ postgres -c "CREATE DATABASE tmpl_r TEMPLATE cesutg"
clone() {
	SQ postgres -c "SET client_min_messages = warning" \
	    -c "DROP DATABASE IF EXISTS banc" -c "CREATE DATABASE banc TEMPLATE tmpl_r" \
	    -c CHECKPOINT
}
echo "  le registre tient reprise/, 2016-03 et avril avant ses remboursements (integrer) ;" \
    "$(wc -l <"$WORK/r/liste") fichiers CRCESU, $(cat "$WORK"/r/*.csv | grep -vc '^code_emetteur') remboursements" \
    "($(($(cat "$WORK"/r/*.cle | grep -vc '^code_emetteur'))) dans la table à clés) ;" \
    "index : cesutg.remboursement $(SQ tmpl_r -c "SELECT count(*) FROM pg_indexes
    WHERE schemaname = 'cesutg' AND tablename = 'remboursement'"), public.cle_remboursement" \
    "$(SQ tmpl_r -c "SELECT count(*) FROM pg_indexes WHERE tablename = 'cle_remboursement'")"
i=0
while [ $i -lt "$RUNS" ]; do
	clone
	c=$(cpu); s=$(date +%s%N); cl=0
	while read -r dd b; do
		f=$(date +%s%N)
		/usr/bin/time -f '%U %S' -o "$WORK/rt" registre --db "host=$CESUTG_HOME \
		    dbname=banc user=cesutg_loader" load remboursements --source "$b" \
		    --date "$dd" --report "$WORK/rapport" <"$WORK/r/$b.csv" 2>/dev/null
		case $? in 0|65) ;; *) echo "  $b : registre load, code $?" ;; esac
		echo "$(ms "$f")" >>"$WORK/f.$b"
		cl=$(tail -n 1 "$WORK/rt" | awk -v c="$cl" '{ printf "%d", c + ($1 + $2) * 1000 }')
	done <"$WORK/r/liste"
	echo "$(ms "$s")" >>"$WORK/w.registre"; echo $(( $(cpu) - c )) >>"$WORK/c.registre"
	echo "$cl" >>"$WORK/k.registre"
	clone
	c=$(cpu); s=$(date +%s%N)
	SQ banc -f "$WORK/copie.sql" || echo "  copie à clés : échec"
	echo "$(ms "$s")" >>"$WORK/w.cle"; echo $(( $(cpu) - c )) >>"$WORK/c.cle"
	i=$((i + 1))
done
for l in registre cle; do
	median <"$WORK/w.$l" >"$WORK/t.$l"; median <"$WORK/c.$l" >"$WORK/u.$l"
done
median <"$WORK/k.registre" >"$WORK/k"
for f in "$WORK"/f.*; do median <"$f"; done | median >"$WORK/fm"
echo "  registre load ($(wc -l <"$WORK/r/liste") fichiers)  $(cat "$WORK/t.registre") ms  cpu serveur $(cat "$WORK/u.registre") ms" \
    " cpu client $(cat "$WORK/k") ms ; fichier médian $(cat "$WORK/fm") ms"
printf '  copie à clés (psql \\copy)  %s ms  cpu serveur %s ms\n' "$(cat "$WORK/t.cle")" \
    "$(cat "$WORK/u.cle")"
awk -v a="$(cat "$WORK/t.registre")" -v b="$(cat "$WORK/t.cle")" \
    -v ca="$(cat "$WORK/u.registre")" -v cb="$(cat "$WORK/u.cle")" 'BEGIN {
	printf "  registre load remboursements = %.2f × la copie à clés (temps réel), %.2f × (cpu serveur)\n",
	    (b > 0 ? a / b : 0), (cb > 0 ? ca / cb : 0) }'
