#!/bin/sh
# cesutg-envoyer and cesutg-recuperer against a real ProFTPD with mod_tls
# started on 127.0.0.1 (TLSRequired, TLSVerifyClient, TLS 1.2 minimum), with a
# CA, a server and a client certificate made here by openssl: refused clients
# (no certificate, TLS 1.1, no TLS, a foreign CA), sending, fetching, exit
# codes, and kill -9 at random points followed by a rerun: every file sent or
# fetched once, complete.
#   sh tests/integration/ftps.sh BUILD_DIR
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
skip() { echo "ftps.sh: test FTPS ignoré : $*"; exit 0; }
. "$ROOT/tests/ftpsrv.sh"
r=$(ftpsrv_absent)
[ -z "$r" ] || skip "$r"
W=$(mktemp -d)
chmod 755 "$W"
# The scripts killed with -9 leave their temporary files here.
TMPDIR=$W/tmp
export TMPDIR
mkdir "$TMPDIR"
SRV=
trap '[ -n "$SRV" ] && kill "$SRV" 2>/dev/null; wait 2>/dev/null; rm -rf "$W"' EXIT
pass=0 fail=0 dup=0
check() {	# expected actual what
	if [ "$1" = "$2" ]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "ÉCHEC ftps: $3 : «$2» au lieu de «$1»"
		[ -s "$W/err" ] && sed 's/^/  | /' "$W/err"; fi
}
# grow FILE: waits (10 s at most) until FILE holds 50000 bytes.
grow() {
	i=0
	while [ $i -lt 200 ] && [ "$(cat "$1" 2>/dev/null | wc -c)" -lt 50000 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}
# chaos N DIR INTO CMD...: N runs of CMD, each in its own process group
# killed with -9 after 0.05 to 0.94 s, DIR collected into INTO after each.
chaos() {
	n=$1 from=$2 into=$3
	shift 3
	k=0
	while [ $k -lt "$n" ]; do
		setsid "$@" >/dev/null 2>&1 &
		pid=$!
		sleep "0.$(od -An -N1 -tu1 /dev/urandom | awk '{ printf "%02d", $1 % 90 + 5 }')"
		kill -9 -$pid 2>/dev/null
		wait $pid 2>/dev/null
		collect "$from" "$into"
		k=$((k + 1))
	done
}
# curl and mv that kill their process group once a command with an argument
# starting with $CRASH_AFTER is done: a crash at a chosen step.
mkdir "$W/bin"
for c in curl mv; do
	cat >"$W/bin/$c" <<FIN
#!/bin/sh
$(command -v $c) "\$@"
rc=\$?
case " \$* " in
*" \$CRASH_AFTER"*) kill -9 0 ;;
esac
exit \$rc
FIN
	chmod 755 "$W/bin/$c"
done
# status CODE WHAT CMD...: CMD exits with CODE.
status() {
	code=$1 what=$2
	shift 2
	"$@" >/dev/null 2>"$W/err"
	check "$code" $? "$what"
}
# crash STEP DIR INTO FILE CMD...: CMD crashed right after STEP, DIR collected
# into INTO, CMD run again: FILE must be in INTO once, intact.
crash() {
	step=$1 from=$2 into=$3 file=$4
	shift 4
	CRASH_AFTER=$step PATH=$W/bin:$PATH setsid "$@" >/dev/null 2>&1
	collect "$from" "$into"
	"$@" >"$W/out" 2>"$W/err"
	check 0 $? "reprise après un arrêt brutal après ${step##*/}"
	collect "$from" "$into"
	cmp -s "$file" "$into/${file##*/}"
	check 0 $? "${file##*/} arrivé une fois, intact"
}
ENV="sh $ROOT/scripts/cesutg-envoyer"
REC="sh $ROOT/scripts/cesutg-recuperer"

T=ftps
FTPSRV_CONF="TransferRate RETR 200
# a directory where MLSD is refused, as by a server without it
<Directory $W/ftp/ancien>
<Limit MLSD>
DenyAll
</Limit>
</Directory>"
ftpsrv_demarrer
mkdir -p "$F/depot" "$F/retrait" "$F/ancien"
chown -R "$uid:$gid" "$F"
H=$W/cesutg
{
	echo "CESUTG_HOME=$H"
	partner CNCESU "$U" client ac
	echo "CESUTG_CNCESU_DEPOT=depot"
	echo "CESUTG_CNCESU_RETRAIT=/retrait/"
	echo "CESUTG_CNCESU_MOTIF='*.txt'"
	# a server without MLSD
	partner ANCIEN "$U" client ac
	echo "CESUTG_ANCIEN_RETRAIT=ancien"
	echo "CESUTG_ANCIEN_MOTIF='*.txt'"
	# a client certificate from another CA
	partner INTRUS "$U" intrus ac
	# a server certificate this client does not trust
	partner MEFIANT "$U" client autre
	# nobody listens there
	partner ETEINT ftp://127.0.0.1:9 client ac
	# a path in the URL
	partner CHEMIN "$U/depot" client ac
	# a directory outside the login directory
	partner REPERTOIRE "$U" client ac
	echo "CESUTG_REPERTOIRE_DEPOT=../etc"
	# no key
	partner INCOMPLET "$U" client ac | grep -v _CLE=
} >"$W/cesutg.conf"
CESUTG_CONF=$W/cesutg.conf
export CESUTG_CONF
unset CESUTG_HOME CESUTG_CURL_OPTIONS

# --- what the server refuses -------------------------------------------------
# The server's session process may write its log line just after curl has
# seen the alert (a busy machine): waited for, 10 s at most.
journal() {	# pattern: 0 once tls.log holds it
	_i=0
	until grep -q "$1" "$W/tls.log"; do
		[ $_i -lt 100 ] || return 1
		_i=$((_i + 1))
		sleep 0.1
	done
}
C="-q -sS --ssl-reqd --cacert $P/ac.crt --netrc-file $W/netrc"
curl $C --tlsv1.2 "$U/depot/" >/dev/null 2>"$W/err"
check 1 "$([ $? -ne 0 ] && echo 1)" "client sans certificat : échec de curl"
journal "client did not provide certificate"
check 0 $? "client sans certificat refusé par le serveur (journal TLS)"
curl $C --cert "$P/client.crt" --key "$P/client.key" --tlsv1.1 --tls-max 1.1 \
    --ciphers 'DEFAULT:@SECLEVEL=0' "$U/depot/" >/dev/null 2>"$W/err"
check 35 $? "TLS 1.1 : code curl"
journal "unsupported protocol"
check 0 $? "TLS 1.1 refusé par le serveur (journal TLS)"
curl $C --cert "$P/client.crt" --key "$P/client.key" --tlsv1.1 --tls-max 1.2 \
    --ciphers 'DEFAULT:@SECLEVEL=0' "$U/depot/" >/dev/null 2>"$W/err"
check 0 $? "même client en TLS 1.2 accepté"
curl -q -sS --netrc-file "$W/netrc" "$U/depot/" >/dev/null 2>"$W/err"
check 67 $? "FTP sans TLS refusé"

# --- sending -------------------------------------------------------------------
S=$H/spool/sortie/cncesu
E=$H/spool/envoye/cncesu
mkdir -p "$S" "$W/orig"
for i in 1 2 3; do
	head -c $((i * 1000 + 7)) /dev/urandom >"$W/orig/FLUX81_$i.txt"
	cp "$W/orig/FLUX81_$i.txt" "$S/"
done
: >"$W/orig/VIDE.txt"
cp "$W/orig/VIDE.txt" "$S/"
$ENV cncesu >"$W/out" 2>"$W/err"
check 0 $? "envoi de 4 fichiers"
check 4 "$(grep -c 'envoyé (' "$W/out")" "4 envois annoncés"
check 1 "$([ -f "$F/depot/VIDE.txt" ] && [ ! -s "$F/depot/VIDE.txt" ] && echo 1)" \
    "fichier vide envoyé"
check 1 "$(grep -c 'certificat client .* expire le' "$W/err")" \
    "certificat client qui expire dans moins d'un mois signalé"
for i in 1 2 3; do
	cmp -s "$W/orig/FLUX81_$i.txt" "$F/depot/FLUX81_$i.txt"
	check 0 $? "FLUX81_$i.txt reçu intact"
done
check 4 "$(ls -A "$F/depot" | wc -l)" "pas de fichier temporaire chez le partenaire"
check 0 "$(ls -A "$S" | wc -l)" "sortie vidée"
(cd "$E" && sha256sum -c --quiet ./*.sha256 >/dev/null 2>&1)
check 0 $? "marqueurs SHA-256 des fichiers envoyés"
ups() { awk -v f="$1" '$12 == "i" && $9 ~ f' "$W/xfer.log" | wc -l; }
n=$(ups /depot/)
sessions() { grep -c 'TLSv1\.[23] connection accepted' "$W/tls.log"; }
c=$(sessions)
env -i PATH=/usr/bin:/bin CESUTG_CONF="$CESUTG_CONF" $ENV cncesu >"$W/out" 2>"$W/err"
check 0 $? "deuxième passage, environnement de cron"
check "$n" "$(ups /depot/)" "rien renvoyé au deuxième passage"
check "$c" "$(sessions)" "rien à envoyer : aucune connexion au partenaire"
cp "$W/orig/FLUX81_1.txt" "$S/"
$ENV cncesu >"$W/out" 2>"$W/err"
check 0 $? "même fichier déposé à nouveau"
check "$n" "$(ups /depot/)" "même fichier pas renvoyé"
grep -q "FLUX81_1.txt déjà envoyé" "$W/out"
check 0 $? "«déjà envoyé» annoncé"
echo autre >"$S/FLUX81_2.txt"
$ENV cncesu >"$W/out" 2>"$W/err"
check 65 $? "même nom, autre contenu : refusé"
check 1 "$(ls "$S" | wc -l)" "fichier refusé laissé en sortie"
rm -f "$S/FLUX81_2.txt"
echo x >"$S/FLUX 5.txt"
$ENV cncesu >"$W/out" 2>"$W/err"
check 65 $? "nom avec espace refusé"
rm -f "$S/FLUX 5.txt"

# A temporary file left at the partner's, longer than the file: removed, and
# the next run sends the file whole.
head -c 3000 /dev/urandom >"$W/orig/LONG.txt"
cp "$W/orig/LONG.txt" "$S/"
head -c 5000 /dev/urandom >"$F/depot/.LONG.txt.$(sha256sum <"$S/LONG.txt" | cut -c1-12).part"
chown "$uid:$gid" "$F/depot"/.LONG*
$ENV cncesu >"$W/out" 2>"$W/err"
check 75 $? "temporaire distant trop long : reprise au passage suivant"
$ENV cncesu >"$W/out" 2>"$W/err"
check 0 $? "passage suivant"
cmp -s "$W/orig/LONG.txt" "$F/depot/LONG.txt"
check 0 $? "fichier envoyé en entier après un temporaire trop long"

# kill -9 in the middle of a transfer, then a rerun resumes it.
head -c 300000 /dev/urandom >"$W/orig/GROS.txt"
cp "$W/orig/GROS.txt" "$S/"
CESUTG_CURL_OPTIONS="--limit-rate 100k" setsid $ENV cncesu >/dev/null 2>&1 &
pid=$!
grow "$F/depot/.GROS.txt.$(sha256sum <"$S/GROS.txt" | cut -c1-12).part"
kill -9 -$pid
wait $pid 2>/dev/null
part=$(cat "$F/depot"/.GROS.txt.*.part | wc -c)
check 1 "$([ "$part" -gt 0 ] && [ "$part" -lt 300000 ] && echo 1)" "envoi interrompu ($part octets)"
$ENV cncesu >"$W/out" 2>"$W/err"
check 0 $? "reprise après kill -9"
cmp -s "$W/orig/GROS.txt" "$F/depot/GROS.txt"
check 0 $? "gros fichier intact après reprise"
check 300000 "$(awk '$12 == "i" && $9 ~ /GROS/ { s += $8 } END { print s }' "$W/xfer.log")" \
    "octets envoyés en tout (reprise, pas de renvoi depuis le début)"
check 0 "$(ls -A "$F/depot" | grep -c '^\.')" "pas de temporaire après reprise"

# kill -9 at random points; between runs the partner takes the files away
# (the worst case: a re-send would not be seen in its directory).
mv "$F/depot"/* "$W/" && mkdir "$W/pris"
for i in 1 2 3; do
	head -c 60000 /dev/urandom >"$W/orig/ALEA_$i.txt"
	cp "$W/orig/ALEA_$i.txt" "$S/"
done
chaos 6 "$F/depot" "$W/pris" env CESUTG_CURL_OPTIONS="--limit-rate 200k" $ENV cncesu
$ENV cncesu >"$W/out" 2>"$W/err"
check 0 $? "dernier passage après 6 kill -9"
collect "$F/depot" "$W/pris"
check 3 "$(ls "$W/pris" | wc -l)" "3 fichiers reçus par le partenaire, aucun doublon"
for i in 1 2 3; do
	cmp -s "$W/orig/ALEA_$i.txt" "$W/pris/ALEA_$i.txt"
	check 0 $? "ALEA_$i.txt reçu une fois, intact"
done
check 0 "$(ls -A "$S" | wc -l)" "sortie vide après les kill -9"
check 0 "$(ls -A "$F/depot" | wc -l)" "aucun temporaire laissé chez le partenaire"

# A crash at each step of the protocol, right after a curl command: the
# partner takes the file away before the rerun.
for step in -T RNFR; do
	head -c 5000 /dev/urandom >"$W/orig/PAS$step.txt"
	cp "$W/orig/PAS$step.txt" "$S/"
	crash "$step" "$F/depot" "$W/pris" "$W/orig/PAS$step.txt" $ENV cncesu
done
check 5 "$(ls "$W/pris" | wc -l)" "aucun doublon après les arrêts brutaux"

# --- exit codes ----------------------------------------------------------------
cp "$W/orig/FLUX81_3.txt" "$W/x.txt"
for p in intrus mefiant eteint incomplet; do
	mkdir -p "$H/spool/sortie/$p" && cp "$W/x.txt" "$H/spool/sortie/$p/"
done
status 77 "certificat client d'une autre AC" $ENV intrus
status 77 "certificat serveur non reconnu" $ENV mefiant
status 75 "serveur injoignable" $ENV eteint
status 78 "clé non configurée" $ENV incomplet
grep -q "CESUTG_INCOMPLET_CLE" "$W/err"
check 0 $? "message nomme le réglage manquant"
status 78 "répertoire distant hors du répertoire de connexion" $ENV repertoire
status 78 "chemin dans l'URL refusé" $ENV chemin
status 78 "partenaire inconnu" $ENV inconnu
status 64 "nom de partenaire invalide" $ENV 'a b'
CESUTG_CONF=$W/absent $ENV cncesu >/dev/null 2>"$W/err"
check 78 $? "configuration absente"
check 1 "$(ls "$H/spool/sortie/eteint" | wc -l)" "fichier gardé quand le serveur est injoignable"

# --- fetching ------------------------------------------------------------------
A=$H/spool/arrivee
mkdir -p "$W/traite"
for i in 1 2; do
	head -c $((i * 2000 + 3)) /dev/urandom >"$F/retrait/CRCESU_$i.txt"
done
echo ignoré >"$F/retrait/AUTRE.dat"
: >"$F/retrait/VIDE.txt"
echo caché >"$F/retrait/.cache.txt"
chown -R "$uid:$gid" "$F/retrait"
$REC cncesu >"$W/out" 2>"$W/err"
check 0 $? "récupération"
for i in 1 2; do
	cmp -s "$F/retrait/CRCESU_$i.txt" "$A/CRCESU_$i.txt"
	check 0 $? "CRCESU_$i.txt livré intact"
done
check 1 "$([ -f "$A/VIDE.txt" ] && [ ! -s "$A/VIDE.txt" ] && echo 1)" "fichier vide livré"
check 3 "$(ls "$A" | grep -vc '^tmp$')" "seuls les fichiers du motif livrés"
check 0 "$(ls -A "$A/tmp" | wc -l)" "arrivee/tmp vide"
check 600 "$(stat -c %a "$A/CRCESU_1.txt")" "mode des fichiers reçus"
downs() { awk '$12 == "o"' "$W/xfer.log" | wc -l; }
mv "$A"/CRCESU_* "$A/VIDE.txt" "$W/traite/"
n=$(downs)
env -i PATH=/usr/bin:/bin CESUTG_CONF="$CESUTG_CONF" $REC cncesu >"$W/out" 2>"$W/err"
check 0 $? "deuxième récupération, environnement de cron"
check "$n" "$(downs)" "rien retéléchargé"
check 0 "$(ls "$A" | grep -vc '^tmp$')" "rien relivré"

# kill -9 during a download (the server sends 200 kB/s), then a rerun
# resumes it.
head -c 300000 /dev/urandom >"$F/retrait/GROS.txt"
chown "$uid:$gid" "$F/retrait/GROS.txt"
setsid $REC cncesu >/dev/null 2>&1 &
pid=$!
grow "$A/tmp/cncesu,GROS.txt"
kill -9 -$pid
wait $pid 2>/dev/null
check 1 "$([ ! -e "$A/GROS.txt" ] && [ -s "$A/tmp/cncesu,GROS.txt" ] && echo 1)" \
    "réception interrompue, rien livré"
$REC cncesu >"$W/out" 2>"$W/err"
check 0 $? "reprise de la réception"
cmp -s "$F/retrait/GROS.txt" "$A/GROS.txt"
check 0 $? "gros fichier livré intact"
last=$(awk '$12 == "o" && $9 ~ /GROS/ { n++; b = $8 } END { print n, b }' "$W/xfer.log")
check 1 "$([ "${last% *}" -eq 2 ] && [ "${last#* }" -lt 300000 ] && echo 1)" \
    "reprise de la réception là où elle s'était arrêtée ($last)"
mv "$A/GROS.txt" "$W/traite/"

# kill -9 at random points; the dispatcher takes delivered files away.
for i in 1 2 3; do
	head -c 50000 /dev/urandom >"$F/retrait/ALEA_$i.txt"
done
chown -R "$uid:$gid" "$F/retrait"
chaos 6 "$A" "$W/traite" $REC cncesu
$REC cncesu >"$W/out" 2>"$W/err"
check 0 $? "dernière récupération après 6 kill -9"
collect "$A" "$W/traite"
for i in 1 2 3; do
	cmp -s "$F/retrait/ALEA_$i.txt" "$W/traite/ALEA_$i.txt"
	check 0 $? "ALEA_$i.txt livré une fois, intact"
done

# A crash right after the download, then right after the marker is written.
n=1
for step in -o "$H/spool/recu/cncesu/PAS"; do
	head -c 5000 /dev/urandom >"$F/retrait/PAS$n.txt"
	chown "$uid:$gid" "$F/retrait/PAS$n.txt"
	crash "$step" "$A" "$W/traite" "$F/retrait/PAS$n.txt" $REC cncesu
	n=$((n + 1))
done
check 0 "$(ls "$W/traite" | grep -c doublon)" "aucune livraison en double"
check 0 "$(ls -A "$A/tmp" | wc -l)" "arrivee/tmp vide à la fin"
$REC eteint >/dev/null 2>"$W/err"
check 75 $? "récupération, serveur injoignable"

# A server that refuses MLSD: NLST, then SIZE and MDTM per file.
echo un >"$F/ancien/VIEUX_1.txt"
echo deux >"$F/ancien/VIEUX_2.txt"
echo non >"$F/ancien/VIEUX_3.dat"
chown -R "$uid:$gid" "$F/ancien"
$REC ancien >"$W/out" 2>"$W/err"
check 0 $? "récupération sans MLSD"
check "un deux" "$(cat "$A/VIEUX_1.txt" "$A/VIEUX_2.txt" | tr '\n' ' ' | sed 's/ $//')" \
    "fichiers livrés sans MLSD"
check 0 "$(ls "$A" | grep -c VIEUX_3)" "motif appliqué sans MLSD"
collect "$A" "$W/traite"
n=$(downs)
$REC ancien >"$W/out" 2>"$W/err"
check 0 $? "deuxième récupération sans MLSD"
check "$n" "$(downs)" "rien retéléchargé sans MLSD"

# --- the daily pipeline, as cron runs it --------------------------------------
# cesutg-quotidien of the source tree under env -i: its step envoyer-salsa
# sends spool/sortie/salsa/ to this server, recuperer-salsa fetches from an
# empty directory; cncesu, without URL in this configuration, is skipped.
Q=$W/quotidien
mkdir -p "$Q/spool/sortie/salsa" "$F/salsa" "$F/vide"
chown "$uid:$gid" "$F/salsa" "$F/vide"
{
	echo "CESUTG_HOME=$Q"
	echo "CESUTG_SYSLOG=0"
	echo "CESUTG_PARTENAIRES='salsa cncesu'"
	echo "CESUTG_TRANSFERTS=1"
	partner SALSA "$U" client ac
	echo "CESUTG_SALSA_DEPOT=salsa"
	echo "CESUTG_SALSA_RETRAIT=vide"
} >"$W/quotidien.conf"
head -c 3000 /dev/urandom >"$W/FACTURES_1.txt"
cp "$W/FACTURES_1.txt" "$Q/spool/sortie/salsa/"
(cd / && env -i PATH=/usr/bin:/bin CESUTG_CONF="$W/quotidien.conf" \
    sh "$ROOT/scripts/cesutg-quotidien") >"$W/out" 2>"$W/err"
check 0 $? "cesutg-quotidien sous cron, transferts"
cmp -s "$W/FACTURES_1.txt" "$F/salsa/FACTURES_1.txt"
check 0 $? "fichier de spool/sortie/salsa/ déposé chez le partenaire"
check "non oui" "$([ -e "$Q/spool/sortie/salsa/FACTURES_1.txt" ] && echo oui || echo non) $([ -e "$Q/spool/envoye/salsa/FACTURES_1.txt" ] && echo oui || echo non)" \
    "fichier envoyé rangé dans spool/envoye/salsa/"
for e in "étape recuperer-salsa : code 0" "étape envoyer-salsa : code 0" \
    "étape recuperer-cncesu : sautée, CESUTG_CNCESU_URL n'est pas défini" \
    "étape envoyer-cncesu : sautée, CESUTG_CNCESU_URL n'est pas défini" "fin, code 0"; do
	check 1 "$(grep -c "$e" "$Q/journal/cesutg-quotidien.log")" "journal du pipeline : $e"
done

# A spool outside CESUTG_HOME (CESUTG_SPOOL): the pipeline's transfers send
# from its sortie/ and fetch into its arrivee/, the markers in it too.
O=$W/autre
sed "s|^CESUTG_HOME=.*|&\nCESUTG_SPOOL=$O|" "$W/quotidien.conf" >"$W/autre.conf"
mkdir -p "$O/sortie/salsa"
head -c 2000 /dev/urandom >"$W/FACTURES_2.txt"
cp "$W/FACTURES_2.txt" "$O/sortie/salsa/"
echo "pas un journal" >"$F/vide/LOG_FACTURES_20160601.txt"
chown "$uid:$gid" "$F/vide/LOG_FACTURES_20160601.txt"
(cd / && env -i PATH=/usr/bin:/bin CESUTG_CONF="$W/autre.conf" \
    sh "$ROOT/scripts/cesutg-quotidien") >"$W/out" 2>"$W/err"
cmp -s "$W/FACTURES_2.txt" "$F/salsa/FACTURES_2.txt"
check 0 $? "CESUTG_SPOOL : fichier de \$CESUTG_SPOOL/sortie/salsa/ envoyé"
check "oui oui non" "$([ -f "$O/envoye/salsa/FACTURES_2.txt.sha256" ] && echo oui || echo non) $([ -f "$O/recu/salsa/LOG_FACTURES_20160601.txt" ] && echo oui || echo non) $([ -e "$Q/spool/envoye/salsa/FACTURES_2.txt" ] && echo oui || echo non)" \
    "CESUTG_SPOOL : marqueurs d'envoi et de réception dans \$CESUTG_SPOOL"
check 1 "$(ls "$O/rejete" 2>/dev/null | grep -c '^LOG_FACTURES_20160601.txt$')" \
    "CESUTG_SPOOL : fichier récupéré dans \$CESUTG_SPOOL/arrivee/, puis réparti"

echo "ftps: $pass réussis, $fail échecs"
[ "$fail" -eq 0 ]
