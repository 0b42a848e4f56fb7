#!/bin/sh
# scripts/integrer, the cron step, against the embedded registre database in
# a temporary CESUTG_HOME: a good load, a file with rejected lines, the same
# file again, a truncated file, and the database stopped (exit 75, retry).
#   sh tests/integration/integrer.sh BUILD_DIR
B=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PATH=$(cd "$B/bin" && pwd):$(cd "$B/tools" && pwd):$PATH
export PATH
PGBIN=/usr/lib/postgresql/15/bin
W=$(mktemp -d)
chmod 755 "$W"
CESUTG_HOME=$W/var
CESUTG_PGOPTIONS="-c fsync=off -c full_page_writes=off"
export CESUTG_HOME CESUTG_PGOPTIONS
unset PGHOST PGHOSTADDR PGSERVICE PGDATABASE PGPORT PGUSER
asroot() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
trap 'asroot "$PGBIN/pg_ctl" -D "$CESUTG_HOME/data" -m immediate stop >/dev/null 2>&1; rm -rf "$W"' EXIT
pass=0 fail=0
check() {	# expected actual what
	if [ "$1" = "$2" ]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "ÉCHEC integrer: $3 : $2 au lieu de $1"; fi
}
I="sh $ROOT/scripts/integrer"
registre db init >/dev/null 2>&1 || { echo "integrer.sh: db init impossible"; exit 1; }

gen-flux1 -s 7 30 >"$W/PLANS_1.txt"
$I flux1 "$W/PLANS_1.txt" "$W/out" 2>"$W/err"
check 0 $? "fichier valide"
check 30 "$(($(wc -l <"$W/out/PLANS_1.txt.csv") - 1))" "lignes CSV"
check 600 "$(stat -c %a "$W/out/PLANS_1.txt.csv")" "mode du CSV"
check 1 "$(registre ingestions | grep -c PLANS_1.txt)" "ingestion enregistrée"

# A second week: same plans plus one line with an impossible date.
gen-flux1 -s 9 30 >"$W/PLANS_2.txt"
sed -n 1p "$W/PLANS_1.txt" | sed 's/|[0-9][0-9]\/[0-9][0-9]\/20[0-9][0-9]|/|31\/02\/2016|/' \
    >>"$W/PLANS_2.txt"
$I flux1 "$W/PLANS_2.txt" "$W/out" 2>"$W/err"
check 65 $? "fichier avec une ligne rejetée"
check 1 "$(wc -l <"$W/out/PLANS_2.txt.rejets")" "ligne dans les rejets"
grep -q "date_impossible" "$W/out/PLANS_2.txt.bilan.csv"
check 0 $? "classe au bilan"
check 1 "$(registre ingestions | grep -c PLANS_2.txt)" "lignes valides chargées"

# The same content again: a success that changes nothing.
cp "$W/PLANS_1.txt" "$W/PLANS_1bis.txt"
$I flux1 "$W/PLANS_1bis.txt" "$W/out" 2>"$W/err"
check 0 $? "même contenu : déjà chargé, rien à faire"
check 0 "$(registre ingestions | grep -c PLANS_1bis.txt)" "pas d'ingestion en double"

# A truncated file: nothing loaded.
head -c 1000 "$W/PLANS_1.txt" >"$W/PLANS_3.txt"
$I flux1 "$W/PLANS_3.txt" "$W/out" 2>"$W/err"
check 65 $? "fichier tronqué"
check 0 "$(registre ingestions | grep -c PLANS_3.txt)" "rien de chargé"

# The database stopped: 75, so that cron tries again; then it loads.
gen-flux1 -s 8 10 >"$W/PLANS_4.txt"
registre db stop >/dev/null 2>&1
$I flux1 "$W/PLANS_4.txt" "$W/out" 2>"$W/err"
check 75 $? "base arrêtée"
registre db start >/dev/null 2>&1
$I flux1 "$W/PLANS_4.txt" "$W/out" 2>"$W/err"
check 0 $? "nouvel essai"

$I flux9 "$W/PLANS_4.txt" "$W/out" 2>/dev/null
check 64 $? "flux inconnu"
echo "integrer: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
