#!/bin/sh
# cesutg-recevoir and its spool: recognition of each file, fait/ or rejete/
# with its reasons, 75 leaves the files for the next run, and kill -9 at
# random points: after a rerun every file is in exactly one of fait/ or
# rejete/, the same as in a run never killed, and every file is ingested
# once. Files from fluxgen, several months, a few per month.
#   sh tests/integration/spool.sh BUILD_DIR [KILLS]
B=${1:-build}
KILLS=${2:-${CESUTG_KILLS:-50}}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$(cd "$B/bin" && pwd)
PATH=$BIN:$PATH
export PATH
PGBIN=/usr/lib/postgresql/15/bin
W=$(mktemp -d)
chmod 755 "$W"
CESUTG_PGOPTIONS="-c fsync=off -c full_page_writes=off"
CESUTG_SYSLOG=0
export CESUTG_PGOPTIONS CESUTG_SYSLOG
unset PGHOST PGHOSTADDR PGSERVICE PGDATABASE PGPORT PGUSER CESUTG_CONF \
    CESUTG_HOME CESUTG_SPOOL CESUTG_INTEGRATION CESUTG_JOURNAL CESUTG_BIN
asroot() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
arret() {
	for h in "$W/ref" "$W/kill"; do
		asroot "$PGBIN/pg_ctl" -D "$h/var/data" -m immediate stop >/dev/null 2>&1
	done
	rm -rf "$W"
}
trap arret EXIT
pass=0 fail=0
check() {	# expected actual what
	if [ "$1" = "$2" ]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "ÉCHEC spool: $3 : « $2 » au lieu de « $1 »"; fi
}
R="sh $ROOT/scripts/cesutg-recevoir"

# Two homes with the same SADs declared: one run plainly, one killed.
for h in ref kill; do
	mkdir -p "$W/$h"
	cat >"$W/$h/cesutg.conf" <<EOF
CESUTG_HOME=$W/$h/var
CESUTG_BIN=$BIN
EOF
	CESUTG_HOME=$W/$h/var registre db init >/dev/null 2>&1 ||
	    { echo "spool.sh: db init impossible"; exit 1; }
	CESUTG_HOME=$W/$h/var registre role add-sad SAD010000 >/dev/null 2>&1
done
# lot N: the files of batch N, as a partner drops them: tmp/ then rename.
NLOTS=$(( (KILLS + 4) / 5 ))
i=0
for m in 2015-03 2015-04 2015-05 2015-06 2015-07 2015-08 2015-09 2015-10 \
    2015-11 2015-12 2016-01 2016-02 2016-03 2016-04 2016-05 2016-06; do
	i=$((i + 1))
	[ $i -le "$NLOTS" ] || break
	g=$W/gen/$m; mkdir -p "$W/gen"
	fluxgen --scale 0.003 --month "$m" --dir "$g" >/dev/null 2>&1 ||
	    { echo "spool.sh: fluxgen"; exit 1; }
	mkdir -p "$W/lot$i"
	for f in "$g"/PLANS_* "$g"/COMMANDE_CESU_APA_* "$g"/F15_SAD010000_clients_* \
	    "$g"/F15_SAD010000_intervenants_* "$g"/F15_SAD010000_horodatages_* \
	    "$g"/CRCESU_*10.txt; do
		[ -f "$f" ] && cp "$f" "$W/lot$i/"
	done
	echo "pas un flux" >"$W/lot$i/INCONNU_$m.txt"
	cp "$g"/CRCESU_*11.txt "$W/lot$i/PLANS_${m%-*}${m#*-}15.txt"
done
deposer() {	# lot home
	mkdir -p "$W/$2/var/spool/arrivee/tmp"
	for f in "$W/$1"/*; do
		cp "$f" "$W/$2/var/spool/arrivee/tmp/" &&
		    mv "$W/$2/var/spool/arrivee/tmp/${f##*/}" "$W/$2/var/spool/arrivee/"
	done
}
recevoir() {	# home
	(cd / && env -i PATH=/usr/bin:/bin CESUTG_CONF="$W/$1/cesutg.conf" \
	    CESUTG_SYSLOG=0 CESUTG_PGOPTIONS="$CESUTG_PGOPTIONS" $R)
}
etat() {	# home: where each received file ended, and the ingestions
	S=$W/$1/var/spool
	(cd "$S" && for d in arrivee encours fait rejete; do
		for f in "$d"/*; do
			[ -f "$f" ] || continue
			case $f in *.motif|*.bilan.csv|*.rejets|*.registre.csv) continue ;; esac
			echo "$f"
		done
	done) | sort
	CESUTG_HOME=$W/$1/var registre ingestions |
	    awk -F, 'NR > 1 { print "ingestion", $2, $3, $5, $6, $7, $8 }' | sort
}

# The plain run, batch after batch: it also times a batch.
t0=$(date +%s%N)
i=1
while [ $i -le "$NLOTS" ]; do
	deposer "lot$i" ref
	recevoir ref 2>>"$W/err"
	r=$?
	[ $i -eq 1 ] && check 65 $r "code de sortie : des fichiers rejetés"
	i=$((i + 1))
done
ms=$(( ($(date +%s%N) - t0) / 1000000 / NLOTS ))
etat ref >"$W/ref.etat"
S=$W/ref/var/spool
check 0 "$(ls "$S/arrivee" "$S/encours" | grep -vc -e '^tmp$' -e ':$' -e '^$')" \
    "arrivee/ et encours/ vides"
grep -q "^fait/PLANS_20150401.txt$" "$W/ref.etat"
check 0 $? "Flux 1 intégré dans fait/"
grep -q "^fait/F15_SAD010000_horodatages_20150401.txt$" "$W/ref.etat"
check 0 $? "horodatages après les intervenants du même lot"
grep -q "^rejete/INCONNU_2015-03.txt$" "$W/ref.etat"
check 0 $? "nom inconnu dans rejete/"
check "nom de fichier inconnu (voir integrer(1), RECONNAISSANCE)" \
    "$(cat "$S/rejete/INCONNU_2015-03.txt.motif")" "motif du nom inconnu"
grep -q "^rejete/PLANS_20150315.txt$" "$W/ref.etat"
check 0 $? "CRCESU sous un nom de Flux 1 dans rejete/"
check 0 "$(grep -c '^ingestion .* PLANS_20150315.txt ' "$W/ref.etat")" \
    "CRCESU sous un nom de Flux 1 jamais chargé"
c=$(ls "$S/rejete" | grep -c '^CRCESU_.*\.txt$')
check "$c" "$(ls "$S/rejete" | grep -c '^CRCESU_.*\.txt\.registre\.csv$')" \
    "bilan de registre de chaque remboursement rejeté"
grep -q "PLANS_20150315.txt : premier enregistrement qui n'est pas une ligne de Flux 1" "$W/err"
check 0 $? "une ligne sur l'erreur standard par fichier rejeté"
check 2015-04-01 "$(CESUTG_HOME=$W/ref/var registre ingestions |
    awk -F, '$3 == "PLANS_20150401.txt" { print $5 }')" "date des données du Flux 1"
check "" "$(find "$W/ref/var/integration" "$S" -name '.*' -type f ! -name .verrou)" \
    "aucun temporaire laissé"

# Killed with -9 at random points (cesutg-recevoir alone, or inside
# cesutg-quotidien), then run again until done: the same end.
seed=${CESUTG_SEED:-$$}
k=0 i=1 mid=0
while [ $i -le "$NLOTS" ]; do
	deposer "lot$i" kill
	j=0
	while [ $j -lt 5 ] && [ $k -lt "$KILLS" ]; do
		d=$(awk -v s="$seed$k" -v t="$ms" 'BEGIN { srand(s); printf "%.3f", rand() * t / 2000 }')
		# Every other kill hits the daily pipeline around it.
		x=$R
		[ $((k % 2)) -eq 1 ] && x="sh $ROOT/scripts/cesutg-quotidien"
		setsid sh -c "cd / && exec env -i PATH=/usr/bin:/bin \
		    CESUTG_CONF='$W/kill/cesutg.conf' CESUTG_SYSLOG=0 \
		    CESUTG_PGOPTIONS='$CESUTG_PGOPTIONS' $x" 2>/dev/null &
		p=$!
		sleep "$d"
		kill -9 -"$p" 2>/dev/null
		wait "$p" 2>/dev/null
		ls "$W/kill/var/spool/encours" | grep -q . && mid=$((mid + 1))
		j=$((j + 1)) k=$((k + 1))
	done
	recevoir kill 2>/dev/null
	i=$((i + 1))
done
etat kill >"$W/kill.etat"
diff -u "$W/ref.etat" "$W/kill.etat" >"$W/diff"
check 0 $? "après $k kill -9 (graine $seed), même état final que sans kill"
[ -s "$W/diff" ] && head -n 30 "$W/diff"
check 0 "$(grep '^ingestion' "$W/kill.etat" | awk '{ print $3 }' | sort | uniq -d | wc -l)" \
    "chaque fichier ingéré une fois"
n=$(grep -c '^fait/\|^rejete/' "$W/kill.etat")
check "$(cat "$W"/lot*/* | wc -c)" "$(cd "$W/kill/var/spool" && cat $(grep '^fait/\|^rejete/' "$W/kill.etat") | wc -c)" \
    "les $n fichiers intacts"
check "$(ls -d "$W"/lot*/* | wc -l)" "$n" "chaque fichier dans fait/ ou rejete/, une seule fois"

# The base down: 75, files left in arrivee/ for the next run.
fluxgen --scale 0.003 --month 2016-09 --dir "$W/gen/x" plans clients >/dev/null 2>&1
mkdir -p "$W/lotx" && cp "$W"/gen/x/PLANS_* "$W"/gen/x/F15_SAD010000_* "$W/lotx/"
deposer lotx ref
CESUTG_HOME=$W/ref/var registre db stop >/dev/null 2>&1
recevoir ref 2>/dev/null
check 75 $? "base arrêtée : 75"
check "$(ls "$W/lotx" | wc -l)" "$(ls "$W/ref/var/spool/arrivee" | grep -vc '^tmp$')" \
    "base arrêtée : fichiers laissés dans arrivee/"
CESUTG_HOME=$W/ref/var registre db start >/dev/null 2>&1
# A second run while one holds the spool waits for it.
(flock 9; sleep 1) 9>>"$W/ref/var/spool/.verrou" &
sleep 0.2
printf 'CESUTG_ATTENTE=0\n' >>"$W/ref/cesutg.conf"
recevoir ref 2>/dev/null
check 75 $? "spool verrouillé : 75"
wait
recevoir ref 2>/dev/null
check 0 $? "après le redémarrage"
check 0 "$(ls "$W/ref/var/spool/arrivee" | grep -vc '^tmp$')" "arrivee/ vidée"
echo "spool: $pass passed, $fail failed (lot moyen $ms ms, $k kill -9 dont $mid en plein traitement d'un fichier)"
[ "$fail" -eq 0 ]
