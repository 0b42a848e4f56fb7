#!/bin/sh
# The three cron pipelines killed with -9 at random points (KILLS each,
# default 50; timeout(1) kills the whole process group), under cron's
# environment, against a real FTPS partner (tests/ftpsrv.sh) that both
# delivers the month's files (cesutg-recuperer)
# and takes away what it receives after every run (a second sending of a
# name would then show). After the kills, one plain run of each: every
# file delivered ends in exactly one of fait/ or rejete/, intact; every
# file is ingested at most once, every file in fait/ exactly once; every
# outbound file is produced once, sent once and received intact, its
# marker in envoye/; the Flux 5 sent are those the ledger gives.
#   sh tests/integration/pipelines-kill.sh BUILD_DIR [KILLS]
B=${1:-build}
KILLS=${2:-${CESUTG_KILLS:-50}}
T=pipelines-kill
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$(cd "$B/bin" && pwd)
PATH=$BIN:$PATH
export PATH
. "$ROOT/tests/ftpsrv.sh"
r=$(ftpsrv_absent)
[ -z "$r" ] || { echo "$T.sh: test ignoré : $r"; exit 0; }
PGBIN=/usr/lib/postgresql/15/bin
W=$(mktemp -d)
chmod 755 "$W"
mkdir "$W/tmp"
CESUTG_PGOPTIONS="-c fsync=off -c full_page_writes=off"
export CESUTG_PGOPTIONS
unset PGHOST PGHOSTADDR PGSERVICE PGDATABASE PGPORT PGUSER CESUTG_CONF \
    CESUTG_HOME CESUTG_SPOOL CESUTG_INTEGRATION CESUTG_JOURNAL CESUTG_BIN CESUTG_MOIS
asroot() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
SRV=
arret() {
	asroot "$PGBIN/pg_ctl" -D "$W/var/data" -m immediate stop >/dev/null 2>&1
	[ -n "$SRV" ] && kill "$SRV" 2>/dev/null
	wait 2>/dev/null
	[ -n "${GARDER:-}" ] || rm -rf "$W"
}
trap arret EXIT
pass=0 fail=0
check() {	# expected actual what
	if [ "$1" = "$2" ]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "ÉCHEC $T: $3 : « $2 » au lieu de « $1 »"; fi
}
t0=$(date +%s)

ftpsrv_demarrer
mkdir -p "$F/retrait" "$F/salsa" "$F/cncesu" "$W/pris/salsa" "$W/pris/cncesu" "$W/livre"
chown -R "$uid:$gid" "$F"
H=$W/var
{
	echo "CESUTG_HOME=$H"
	echo "CESUTG_BIN=$BIN"
	echo "CESUTG_SYSLOG=0"
	echo "CESUTG_ATTENTE=0"
	echo "CESUTG_PGOPTIONS='$CESUTG_PGOPTIONS'"
	echo "CESUTG_TRANSFERTS=1"
	# The monthly export (registre's own atomic write) would only make
	# each killed monthly run longer.
	echo "CESUTG_EXPORT=0"
	partner SALSA "$U" client ac
	echo "CESUTG_SALSA_DEPOT=salsa"
	echo "CESUTG_SALSA_RETRAIT=retrait"
	partner CNCESU "$U" client ac
	echo "CESUTG_CNCESU_DEPOT=cncesu"
	echo "CESUTG_CNCESU_RETRAIT=vide"
} >"$W/cesutg.conf"
mkdir -p "$F/vide" && chown "$uid:$gid" "$F/vide"
CESUTG_HOME=$H registre db init >/dev/null 2>&1 || { echo "$T.sh: db init impossible"; exit 1; }
CESUTG_HOME=$H registre role add-sad SAD010000 >/dev/null 2>&1

# Two months of a small département; of each month, the files of one
# SAD and one day of refunds, so that a month integrates in a few seconds:
# plans, orders and the SAD's files for the daily pipeline, refunds,
# charges and SALSA's log for the weekly one (it fetches and integrates
# too).
MOIS="2015-03 2015-04"
NMOIS=2
fluxgen --scale 0.003 --months 2015-03..2015-04 --dir "$W/gen" >/dev/null 2>&1 ||
    { echo "$T.sh: fluxgen"; exit 1; }
for m in $MOIS; do
	mkdir -p "$W/lot/$m.quotidien" "$W/lot/$m.hebdo"
	for f in "$W/gen/$m"/PLANS_* "$W/gen/$m"/COMMANDE_CESU_* \
	    "$W/gen/$m"/F15_SAD010000_clients_* "$W/gen/$m"/F15_SAD010000_intervenants_* \
	    "$W/gen/$m"/F15_SAD010000_horodatages_*; do
		cp "$f" "$W/lot/$m.quotidien/"
	done
	for f in "$W/gen/$m"/CRCESU_*10.txt "$W/gen/$m"/FLUX6_* "$W/gen/$m"/LOG_FACTURES_*; do
		cp "$f" "$W/lot/$m.hebdo/"
	done
done
mkdir -p "$W/lot/reprise.quotidien" && cp "$W/gen/reprise"/* "$W/lot/reprise.quotidien/"
# Each file in the partner's pick-up directory, as it publishes them.
publier() {	# batch
	[ -d "$W/lot/$1" ] || return 0
	for f in "$W/lot/$1"/*; do
		cp "$f" "$F/retrait/.${f##*/}" && chown "$uid:$gid" "$F/retrait/.${f##*/}" &&
		    mv "$F/retrait/.${f##*/}" "$F/retrait/${f##*/}"
	done
}
# The partner takes away what it received; a name already taken is kept
# as NAME.doublon.N.
dup=0
prendre() {
	collect "$F/salsa" "$W/pris/salsa"
	collect "$F/cncesu" "$W/pris/cncesu"
}
run() {	# pipeline: as cron runs it
	(cd / && env -i PATH=/usr/bin:/bin TMPDIR="$W/tmp" CESUTG_CONF="$W/cesutg.conf" \
	    sh "$ROOT/scripts/$1") >/dev/null 2>>"$W/err.$1"
}
ms() { echo $(( $(date +%s%N) / 1000000 )); }

seed=${CESUTG_SEED:-$$}
echo "$T.sh: graine $seed (CESUTG_SEED=$seed pour rejouer), $KILLS kill -9 par pipeline"
PAR=$(( (KILLS + NMOIS - 1) / NMOIS ))
k=0
# Duration of the last plain run of each pipeline, in ms: the kill points
# are drawn in [0, that].
dq=4000 dh=2000 dm=4000
# The shell's "Killed" for each run killed: in a file, not in make check's
# output.
exec 4>&2 2>>"$W/tues"
for m in $MOIS; do
	[ "$m" = 2015-03 ] && publier reprise.quotidien
	sed -i '/^CESUTG_MOIS=/d' "$W/cesutg.conf"
	echo "CESUTG_MOIS=$m" >>"$W/cesutg.conf"
	for x in quotidien hebdo mensuel; do
		eval "d=\$d$(echo $x | cut -c1)"
		publier "$m.$x"
		j=0
		while [ $j -lt $PAR ]; do
			n=$(awk -v s="$seed" -v k="$k" -v t="$d" \
			    'BEGIN { srand(s * 1000 + k); printf "%.3f", 0.001 + rand() * t / 1000 }')
			# timeout kills its whole process group (the pipeline and
			# all it started) after n seconds, or returns when it ends.
			(cd / && exec timeout -s KILL "$n" env -i PATH=/usr/bin:/bin \
			    TMPDIR="$W/tmp" CESUTG_CONF="$W/cesutg.conf" \
			    sh "$ROOT/scripts/cesutg-$x") >/dev/null 2>&1
			echo "$x $m $n $?" >>"$W/points"
			# timeout returns when its child is dead, not all of
			# the group: one killed in the kernel (an fsync on a
			# busy disk) still holds the pipeline's lock for a
			# moment, and the next run would exit 75, as cron's
			# next run would, rightly. Wait for the lock to be free.
			flock -w 30 "$H/verrous/cesutg-$x" true 2>/dev/null || :
			prendre
			j=$((j + 1)) k=$((k + 1))
		done
		a=$(ms)
		run "cesutg-$x"
		echo "$x $m $?" >>"$W/codes"
		eval "d$(echo $x | cut -c1)=$(( $(ms) - a ))"
		prendre
	done
done
exec 2>&4 4>&-
# A last plain run of each, in case a kill left work a later pipeline of
# the same day did not take up.
for x in quotidien hebdo mensuel; do
	run "cesutg-$x"
	echo "$x fin $?" >>"$W/codes"
	prendre
done

S=$H/spool
for x in quotidien hebdo mensuel; do
	check $((PAR * NMOIS)) "$(grep -c "^$x " "$W/points")" "kill -9 de cesutg-$x"
done
check "" "$(awk '$3 != 0 && $3 != 65' "$W/codes")" "exécutions après les kill : codes 0 ou 65"
# What a failed run said, so that a failure names its cause: its stderr
# and the pipeline's journal, last lines.
for x in $(awk '$3 != 0 && $3 != 65 { print $1 }' "$W/codes" | sort -u); do
	echo "$T: cesutg-$x, stderr :"
	tail -n 8 "$W/err.cesutg-$x" 2>/dev/null | sed 's/^/  /'
	echo "$T: cesutg-$x, journal :"
	tail -n 15 "$H/journal/cesutg-$x.log" 2>/dev/null | sed 's/^/  /'
done
# Inbound: each published file delivered once, in exactly one of fait/ or
# rejete/, intact.
ls "$W"/lot/*/ | grep -v '^$\|:$' | sort >"$W/publies"
(cd "$S" && ls fait rejete | grep -v '^$\|:$\|\.motif$\|\.bilan\.csv$\|\.rejets$\|\.registre\.csv$') |
    sort >"$W/ranges"
check "$(wc -l <"$W/publies")" "$(wc -l <"$W/ranges")" "fichiers publiés = fichiers rangés"
check "" "$(diff "$W/publies" "$W/ranges")" "chaque fichier dans fait/ ou rejete/, une fois"
check "" "$(ls "$S/arrivee" "$S/encours" | grep -v '^$\|:$\|^tmp$')" "arrivee/ et encours/ vides"
check "" "$(ls -A "$S/arrivee/tmp")" "arrivee/tmp/ vide"
bad=0
for m in "$W"/lot/*; do
	for f in "$m"/*; do
		b=${f##*/}
		if [ -f "$S/fait/$b" ]; then cmp -s "$f" "$S/fait/$b" || bad=$((bad + 1))
		else cmp -s "$f" "$S/rejete/$b" || bad=$((bad + 1)); fi
	done
done
check 0 "$bad" "fichiers rangés intacts"
CESUTG_HOME=$H registre ingestions >"$W/ingestions"
check "" "$(awk -F, 'NR > 1 { print $3 }' "$W/ingestions" | sort | uniq -d)" \
    "chaque fichier ingéré une fois au plus"
n=0
for b in $(ls "$S/fait"); do
	[ "$(awk -F, -v b="$b" 'NR > 1 && $3 == b' "$W/ingestions" | wc -l)" = 1 ] || n=$((n + 1))
done
check 0 "$n" "chaque fichier de fait/ ingéré exactement une fois"
# Outbound: each file produced (its marker in produit/) received once by
# the partner, intact, with its marker in envoye/; nothing left to send.
check 0 "$dup" "aucun fichier reçu deux fois par le partenaire"
n=0 e=0
for p in salsa cncesu; do
	for mk in "$S/produit/$p"/*; do
		[ -f "$mk" ] || continue
		b=${mk##*/} n=$((n + 1))
		[ "$(sha256sum <"$W/pris/$p/$b" 2>/dev/null | cut -c1-64)" = "$(cut -d' ' -f1 "$mk")" ] &&
		    [ -f "$S/envoye/$p/$b.sha256" ] || { e=$((e + 1)); echo "  $p/$b"; }
	done
done
check 0 "$e" "chaque fichier produit reçu intact, marqué envoyé ($n fichiers)"
check "$n" "$(ls "$W/pris/salsa" "$W/pris/cncesu" | grep -vc '^$\|:$')" \
    "le partenaire n'a reçu que les fichiers produits"
check "" "$(find "$S/sortie" -type f)" "rien laissé dans sortie/"
for m in $MOIS; do
	a=$(echo "$m" | tr -d -)
	for f in salsa/RETOUR_CESU_$a.txt cncesu/ECPF_$a.txt cncesu/TPCG_$a.txt; do
		check oui "$([ -f "$W/pris/$f" ] && echo oui)" "$f envoyé"
	done
	CESUTG_HOME=$H registre cesu consommes "$m" 2>/dev/null | flux5 emit 2>/dev/null |
	    cmp -s - "$W/pris/salsa/RETOUR_CESU_$a.txt"
	check 0 $? "RETOUR_CESU_$a.txt : celui que donne le registre"
done
echo "$T: $pass passed, $fail failed ($((3 * PAR * NMOIS)) kill -9, dont" \
    "$(awk '$4 == 137' "$W/points" | wc -l) en cours d'exécution, graine $seed," \
    "$n fichiers sortants, $(wc -l <"$W/publies") entrants, $(( $(date +%s) - t0 )) s)"
[ "$fail" -eq 0 ]
