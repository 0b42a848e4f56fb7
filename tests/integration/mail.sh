#!/bin/sh
# cesutg-mail against a real MTA: a private Postfix instance (its own
# configuration, queue and maildirs in a temporary directory, no network
# listener at all) started by the test; the messages are read back from the
# mailboxes and decoded: French subject, UTF-8 body, two recipients, a body
# with a line too long for SMTP, a Windows-1252 body, and the failures.
#   sh tests/integration/mail.sh BUILD_DIR
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
skip() { echo "mail.sh: test du courrier ignoré : $*"; exit 0; }
command -v postfix >/dev/null 2>&1 || [ -x /usr/sbin/postfix ] ||
    skip "postfix absent (paquet postfix : sh scripts/deps)"
[ "$(id -u)" -eq 0 ] || skip "démarrer une instance Postfix demande root"
id postfix >/dev/null 2>&1 && getent group postdrop >/dev/null 2>&1 ||
    skip "utilisateur postfix ou groupe postdrop absent (paquet postfix mal installé)"
PATH=/usr/sbin:$PATH
W=$(mktemp -d)
chmod 755 "$W"
trap 'stop; rm -rf "$W"' EXIT
stop() {
	[ -f "$W/pf/main.cf" ] || return 0
	postfix -c "$W/pf" stop >/dev/null 2>&1
	i=0
	while [ -f "$W/queue/pid/master.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}
pass=0 fail=0
check() {	# expected actual what
	if [ "$1" = "$2" ]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "ÉCHEC mail: $3 : «$2» au lieu de «$1»"
		[ -s "$W/err" ] && sed 's/^/  | /' "$W/err"; fi
}
MAIL="sh $ROOT/scripts/cesutg-mail"

mkdir -p "$W/pf" "$W/queue" "$W/data" "$W/vmail"
chown postfix "$W/data"
chown nobody "$W/vmail"
cat >"$W/pf/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $W/queue
data_directory = $W/data
mail_owner = postfix
setgid_group = postdrop
myhostname = cesutg.test
mydomain = cesutg.test
myorigin = cesutg.test
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
default_transport = error:pas de réseau dans ce test
relay_transport = error:pas de réseau dans ce test
virtual_mailbox_domains = cesutg.test
virtual_mailbox_base = $W/vmail
virtual_mailbox_maps = inline:{ agent@cesutg.test=agent/, chef@cesutg.test=chef/ }
virtual_uid_maps = static:$(id -u nobody)
virtual_gid_maps = static:$(id -g nobody)
virtual_minimum_uid = 1
alias_maps =
alias_database =
maillog_file = $W/maillog
maillog_file_prefixes = $W
EOF
# Only the services a local delivery needs; no smtpd: nothing listens.
cat >"$W/pf/master.cf" <<'EOF'
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
showq     unix  n       -       n       -       -       showq
EOF
postfix -c "$W/pf" start >"$W/start.log" 2>&1 || {
	cat "$W/start.log" "$W/maillog" 2>/dev/null
	echo "ÉCHEC mail: Postfix ne démarre pas"
	exit 1
}
CESUTG_CONF=$W/cesutg.conf
export CESUTG_CONF
cat >"$CESUTG_CONF" <<EOF
CESUTG_SENDMAIL="/usr/sbin/sendmail -C $W/pf"
CESUTG_MAIL_EXPEDITEUR=cesutg@cesutg.test
EOF

# wait BOX N: waits (10 s at most) until mailbox BOX holds N messages, prints
# the newest one's path.
wait_mail() {
	i=0
	while [ "$(ls "$W/vmail/$1/new" 2>/dev/null | wc -l)" -lt "$2" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	ls -t "$W/vmail/$1/new"/* 2>/dev/null | head -n 1
}
# header FILE NAME: the unfolded header.
header() {
	awk -v h="$2:" '
	/^$/ { exit }
	/^[ \t]/ { if (on) v = v $0; next }
	{ on = (index($0, h) == 1); if (on) v = substr($0, length(h) + 2) }
	END { print v }' "$1"
}
# decode: RFC 2047 "B" words of UTF-8, as this script writes them.
decode() {
	tr ' ' '\n' | sed -n 's/^=?UTF-8?B?\(.*\)?=$/\1/p' |
	    while IFS= read -r w; do printf '%s' "$w" | base64 -d; done
}
# body FILE: the body, after the blank line.
body() {
	sed '1,/^$/d' "$1"
}

objet="Échec du traitement quotidien : fichier «PLANS_1.txt» rejeté (données invalides) — voir le bilan"
printf 'Bonjour,\n\nle fichier «PLANS_1.txt» a été rejeté : 3 lignes en erreur.\nCordialement,\nl'"'"'équipe cesutg\n' >"$W/corps"
$MAIL "agent@cesutg.test, chef@cesutg.test" "$objet" "$W/corps" 2>"$W/err"
check 0 $? "envoi"
m=$(wait_mail agent 1)
check 1 "$([ -n "$m" ] && echo 1)" "message livré dans la boîte"
check "$objet" "$(header "$m" Subject | decode)" "objet relu et décodé"
check 0 "$(awk '/^$/ { exit } length($0) > 78' "$m" | wc -l)" "en-têtes de 78 colonnes au plus"
check 0 "$(sed '/^$/q' "$m" | LC_ALL=C grep -c '[^ -~	]')" "en-têtes en ASCII"
check "text/plain; charset=UTF-8" "$(header "$m" Content-Type)" "Content-Type"
check 8bit "$(header "$m" Content-Transfer-Encoding)" "Content-Transfer-Encoding"
check auto-generated "$(header "$m" Auto-Submitted)" "Auto-Submitted"
check cesutg@cesutg.test "$(header "$m" From)" "From"
check "<cesutg@cesutg.test>" "$(header "$m" Return-Path)" "expéditeur d'enveloppe"
body "$m" >"$W/lu"
cmp -s "$W/corps" "$W/lu"
check 0 $? "corps relu identique"
m2=$(wait_mail chef 1)
check 1 "$([ -n "$m2" ] && echo 1)" "second destinataire servi"

# A body with a line longer than SMTP allows goes base64, read from stdin.
{ echo "ligne courte é"; head -c 3000 /dev/zero | tr '\0' 'x'; echo; } >"$W/long"
env -i PATH=/usr/bin:/bin CESUTG_CONF="$CESUTG_CONF" $MAIL agent@cesutg.test "Rapport" \
    <"$W/long" 2>"$W/err"
check 0 $? "envoi d'un corps à ligne longue, environnement de cron"
m=$(wait_mail agent 2)
check base64 "$(header "$m" Content-Transfer-Encoding)" "ligne longue en base64"
check Rapport "$(header "$m" Subject)" "objet ASCII laissé tel quel"
body "$m" | base64 -d >"$W/lu"
cmp -s "$W/long" "$W/lu"
check 0 $? "corps base64 relu identique"

# A Windows-1252 body (bytes of a département file) arrives as UTF-8.
printf 'refus\351 : \253NOM\273\n' >"$W/cp1252"
$MAIL agent@cesutg.test "Avis" "$W/cp1252" 2>"$W/err"
check 0 $? "envoi d'un corps Windows-1252"
m=$(wait_mail agent 3)
check "refusé : «NOM»" "$(body "$m")" "corps Windows-1252 converti en UTF-8"

# A pipeline's failure mail, as cron runs it: cesutg-quotidien of the source
# tree under env -i, its transfer step failing (78: no client certificate),
# mails the operators through this Postfix.
cat "$CESUTG_CONF" - >"$W/pipeline.conf" <<EOF
CESUTG_HOME=$W/cesutg
CESUTG_SYSLOG=0
CESUTG_TRANSFERTS=1
CESUTG_PARTENAIRES=salsa
CESUTG_SALSA_URL=ftp://127.0.0.1:9
CESUTG_SALSA_CERT=$W/absent.crt
CESUTG_MAIL=1
CESUTG_MAIL_EXPLOITATION=chef@cesutg.test
EOF
(cd / && env -i PATH=/usr/bin:/bin CESUTG_CONF="$W/pipeline.conf" \
    sh "$ROOT/scripts/cesutg-quotidien") >/dev/null 2>"$W/err"
check 78 $? "cesutg-quotidien en échec"
m=$(wait_mail chef 2)
check "cesutg : échec de cesutg-quotidien sur $(uname -n) (code 78)" \
    "$(header "$m" Subject | decode)" "alerte du pipeline : objet"
check cesutg@cesutg.test "$(header "$m" From)" "alerte du pipeline : From"
check "1 1 2" "$(for e in "^cesutg-quotidien: fin, code 78 .*recuperer-salsa=78" \
    "étape envoyer-salsa : code 78" "CESUTG_SALSA_CERT: $W/absent.crt illisible"; do
	body "$m" | grep -c "$e"; done | tr '\n' ' ' | sed 's/ $//')" \
    "alerte du pipeline : résumé, étapes et leurs messages"
check 1 "$(grep -c "alerte envoyée à chef@cesutg.test" "$W/cesutg/journal/cesutg-quotidien.log")" \
    "alerte du pipeline : journal"

# Failures.
$MAIL agent@cesutg.test 2>"$W/err"
check 64 $? "objet manquant"
$MAIL "agent@cesutg.test
Bcc: x@exemple.fr" "Objet" "$W/corps" 2>"$W/err"
check 64 $? "en-tête injecté dans l'adresse"
$MAIL agent@cesutg.test "Objet
Bcc: x@exemple.fr" "$W/corps" 2>"$W/err"
check 64 $? "en-tête injecté dans l'objet"
$MAIL agent@cesutg.test "Objet" "$W/absent" 2>"$W/err"
check 66 $? "corps illisible"
CESUTG_CONF=/dev/null CESUTG_SENDMAIL=/nulle/part/sendmail $MAIL agent@cesutg.test "Objet" "$W/corps" 2>"$W/err"
check 69 $? "sendmail introuvable"
sleep 0.5
check 3 "$(ls "$W/vmail/agent/new" | wc -l)" "aucun message de trop"

echo "mail: $pass réussis, $fail échecs"
[ "$fail" -eq 0 ]
