#!/bin/sh
# The installed cron pipelines: make install with DESTDIR and PREFIX, then
# each pipeline run as cron does (env -i PATH=/usr/bin:/bin, from /, paths
# from the configuration file): steps logged, later steps absent from this
# registre skipped, the transfer hooks run once per configured partner, a
# lock, a failed step stopping the next ones, a failed transfer not, the
# failure mail, and the monthly retention.
#   sh tests/integration/pipelines.sh BUILD_DIR
B=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PGBIN=/usr/lib/postgresql/15/bin
W=$(mktemp -d)
chmod 755 "$W"
unset PGHOST PGHOSTADDR PGSERVICE PGDATABASE PGPORT PGUSER CESUTG_CONF \
    CESUTG_HOME CESUTG_SPOOL CESUTG_INTEGRATION CESUTG_JOURNAL CESUTG_BIN
asroot() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
trap 'asroot "$PGBIN/pg_ctl" -D "$W/home/data" -m immediate stop >/dev/null 2>&1; [ -n "${GARDER:-}" ] || rm -rf "$W"' EXIT
pass=0 fail=0
check() {	# expected actual what
	if [ "$1" = "$2" ]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "ÉCHEC pipelines: $3 : « $2 » au lieu de « $1 »"; fi
}
oui() { if "$@"; then echo oui; else echo non; fi; }

# Staged install: everything under DESTDIR, the paths written in are PREFIX's.
make -s -C "$ROOT" B="$B" install DESTDIR="$W/stage" PREFIX=/opt/cesutg >/dev/null 2>&1
check 0 $? "make install DESTDIR"
for f in bin/cesutg-recevoir bin/cesutg-quotidien bin/cesutg-hebdo bin/cesutg-mensuel \
    bin/registre lib/cesutg/integrer bin/cesutg-envoyer bin/cesutg-recuperer bin/cesutg-mail; do
	check oui "$(oui test -x "$W/stage/opt/cesutg/$f")" "$f installé, exécutable"
done
check "Récupère en FTPS" "$("$W/stage/opt/cesutg/bin/cesutg-recuperer" --help | grep -o '^Récupère en FTPS')" \
    "cesutg-recuperer installé sous son nom"
check 644 "$(stat -c %a "$W/stage/opt/cesutg/lib/cesutg/cesutg-lib.sh")" "mode de cesutg-lib.sh"
check 'cesutg_lib=${CESUTG_LIB:-/opt/cesutg/lib/cesutg}' \
    "$(grep '^cesutg_lib=' "$W/stage/opt/cesutg/bin/cesutg-quotidien")" "chemin de la bibliothèque"
check 1 "$(grep -c 'CESUTG_BIN:=/opt/cesutg/bin}' "$W/stage/opt/cesutg/lib/cesutg/cesutg-lib.sh")" \
    "chemin des programmes"
for m in integrer.1 cesutg-recevoir.1 cesutg-quotidien.1 cesutg-exploitation.7; do
	check oui "$(oui test -f "$W/stage/opt/cesutg/share/man/man${m##*.}/$m")" "page $m installée"
done

# A real install to run.
P=$W/usr
make -s -C "$ROOT" B="$B" install PREFIX="$P" >/dev/null 2>&1
check 0 $? "make install PREFIX"
H=$W/home
mkdir -p "$W/etc"
cat >"$W/etc/cesutg.conf" <<EOF
# cesutg, configuration de test
CESUTG_HOME=$H
CESUTG_PGOPTIONS="-c fsync=off -c full_page_writes=off"
CESUTG_SYSLOG=0
CESUTG_ATTENTE=5
EOF
cron() {	# pipeline: run as cron does
	(cd / && env -i PATH=/usr/bin:/bin CESUTG_CONF="$W/etc/cesutg.conf" "$P/bin/$1")
}
CESUTG_HOME=$H "$P/bin/registre" db init >/dev/null 2>&1 ||
    { echo "pipelines.sh: db init impossible"; exit 1; }
CESUTG_HOME=$H "$P/bin/registre" role add-sad SAD010000 >/dev/null 2>&1
PATH=$P/bin:$PATH "$P/bin/fluxgen" --scale 0.003 --month 2016-05 --dir "$W/g" \
    plans commandes clients intervenants >/dev/null 2>&1
mkdir -p "$H/spool/arrivee"
cp "$W"/g/PLANS_* "$W"/g/COMMANDE_CESU_APA_* "$W"/g/F15_SAD010000_* "$H/spool/arrivee/"
n=$(ls "$H/spool/arrivee" | wc -l)

# Daily: the files integrated, every step logged, absent steps skipped.
cron cesutg-quotidien 2>"$W/err"
check 0 $? "cesutg-quotidien sous cron"
# registre factures emettre says on stderr that there was nothing to invoice.
check "" "$(grep -v 'aucune facture à émettre' "$W/err")" \
    "cesutg-quotidien : rien sur l'erreur standard quand tout va bien"
check "$n" "$(ls "$H/spool/fait" | wc -l)" "fichiers dans fait/"
check "oui oui" "$(oui test -d "$H/spool/sortie/salsa/tmp") $(oui test -d "$H/spool/sortie/cncesu/tmp")" \
    "spool/sortie/ des partenaires"
check "$n" "$(CESUTG_HOME=$H "$P/bin/registre" ingestions | sed 1d | wc -l)" "ingestions"
J=$H/journal/cesutg-quotidien.log
for e in "étape recuperer : sautée" "étape recevoir : code 0" "étape controler : code 0" \
    "étape factures : code 0" "étape envoyer : sautée, CESUTG_TRANSFERTS" "fin, code 0"; do
	check 1 "$(grep -c "$e" "$J")" "journal : $e"
done
check 1 "$(grep -c "PLANS_20160601.txt : flux1 plans du 2016-06-01 intégré" \
    "$H/journal/cesutg-recevoir.log")" "journal de cesutg-recevoir"

# Weekly: the audit checked; the transfer hooks, turned on, called once per
# partner whose URL is set, with its name (fakes in place of the installed
# ones: they log their call and exit with the code in hook/code.PROGRAM if
# any). The first fetch drops a file into the spool, which the same run
# integrates.
mkdir -p "$W/hook"
for h in recuperer envoyer mail; do
	rm -f "$P/bin/cesutg-$h"	# cesutg-recuperer is a link: not written through
	cat >"$P/bin/cesutg-$h" <<EOF
#!/bin/sh
echo "$h \$*" >>"$W/hook/appels"
[ $h = mail ] && cat >"$W/hook/corps"
[ -f "$W/hook/$h.sh" ] && . "$W/hook/$h.sh"
c=\$(cat "$W/hook/code.$h" 2>/dev/null) || c=0
[ "\$c" = 0 ] || echo "cesutg-$h: échec simulé, code \$c" >&2
exit "\$c"
EOF
	chmod +x "$P/bin/cesutg-$h"
done
cat >"$W/hook/recuperer.sh" <<EOF
f=F15_SAD010000_clients_20160608.txt
[ -e "$W/hook/depose" ] || { touch "$W/hook/depose" &&
	cp "$W"/g/F15_SAD010000_clients_* "\$CESUTG_SPOOL/arrivee/tmp/\$f" &&
	sed -i 's/|2016-06-01T/|2016-06-08T/' "\$CESUTG_SPOOL/arrivee/tmp/\$f" &&
	mv "\$CESUTG_SPOOL/arrivee/tmp/\$f" "\$CESUTG_SPOOL/arrivee/"; }
EOF
printf 'CESUTG_TRANSFERTS=1\nCESUTG_SALSA_URL=ftp://salsa.invalid:2121\n' >>"$W/etc/cesutg.conf"
cron cesutg-hebdo 2>"$W/err"
check 0 $? "cesutg-hebdo sous cron"
J=$H/journal/cesutg-hebdo.log
for e in "étape recuperer-salsa : code 0" \
    "étape recuperer-cncesu : sautée, CESUTG_CNCESU_URL n'est pas défini" \
    "étape recevoir : code 0" "étape audit : code 0" \
    "étape alertes : code 0" \
    "étape envoyer-salsa : code 0" \
    "étape envoyer-cncesu : sautée, CESUTG_CNCESU_URL n'est pas défini"; do
	check 1 "$(grep -c "$e" "$J")" "journal : $e"
done
check "recuperer salsa|envoyer salsa|" "$(tr '\n' '|' <"$W/hook/appels")" \
    "crochets de transfert appelés avec le partenaire"
check oui "$(oui test -f "$H/spool/fait/F15_SAD010000_clients_20160608.txt")" \
    "fichier récupéré puis intégré dans la même exécution"
check 2016-06-08 "$(CESUTG_HOME=$H "$P/bin/registre" ingestions |
    awk -F, '$3 == "F15_SAD010000_clients_20160608.txt" { print $5 }')" "sa date des données"

# Syslog: a line per step, facility user, tagged with the pipeline, to a
# datagram socket of the test's own (perl is in every Debian).
perl -MSocket -e 'socket(S, PF_UNIX, SOCK_DGRAM, 0) or die; unlink $ARGV[0];
    bind(S, pack_sockaddr_un($ARGV[0])) or die; open(O, ">>", $ARGV[1]) or die;
    select O; $| = 1; print O "prêt\n"; while (defined recv(S, $m, 8192, 0)) { print O "$m\n" }' \
    "$W/syslog" "$W/syslog.txt" &
sp=$!
while ! grep -q prêt "$W/syslog.txt" 2>/dev/null; do sleep 0.1; done
cp "$W/etc/cesutg.conf" "$W/etc/syslog.conf"
printf 'CESUTG_SYSLOG=1\nCESUTG_SYSLOG_SOCKET=%s\n' "$W/syslog" >>"$W/etc/syslog.conf"
(cd / && env -i PATH=/usr/bin:/bin CESUTG_CONF="$W/etc/syslog.conf" "$P/bin/cesutg-hebdo")
check 0 $? "cesutg-hebdo avec syslog"
sleep 0.3
kill $sp
for e in "<14>.* cesutg-hebdo: étape audit : code 0" "<14>.* cesutg-hebdo: étape alertes : code 0" \
    "<14>.* cesutg-hebdo: fin, code 0"; do
	check 1 "$(grep -c "$e" "$W/syslog.txt")" "syslog : $e"
done

# The lock: a second run while one holds it exits 75 at once.
(flock 9; sleep 2) 9>>"$H/verrous/cesutg-quotidien" &
sleep 0.3
cron cesutg-quotidien 2>"$W/err"
check 75 $? "cesutg-quotidien déjà en cours : 75"
wait

# A failed step: 75 from the stopped base, the next steps skipped, the
# summary on stderr for cron's mail, and the failure mail to the operators
# (cesutg-mail DESTINATAIRES OBJET, the summary and the run's journal on
# stdin).
cp "$W"/g/PLANS_* "$H/spool/arrivee/PLANS_20160615.txt"
printf 'CESUTG_MAIL=1\nCESUTG_MAIL_EXPLOITATION=exploitation@cesutg.test\n' >>"$W/etc/cesutg.conf"
: >"$W/hook/appels"
CESUTG_HOME=$H "$P/bin/registre" db stop >/dev/null 2>&1
cron cesutg-quotidien 2>"$W/err"
check 75 $? "base arrêtée : 75"
grep -q "fin, code 75 .*recevoir=75 controler=sautée" "$W/err"
check 0 $? "résumé sur l'erreur standard"
check 1 "$(grep -c "étape controler : sautée, étape précédente en échec (recevoir)" \
    "$H/journal/cesutg-quotidien.log")" "étapes suivantes sautées"
check oui "$(oui test -f "$H/spool/arrivee/PLANS_20160615.txt")" "fichier laissé dans arrivee/"
check "recuperer salsa|mail exploitation@cesutg.test cesutg : échec de cesutg-quotidien sur $(uname -n) (code 75)|" \
    "$(tr '\n' '|' <"$W/hook/appels")" "alerte : crochets appelés, destinataire et objet"
check "1 1 1 0" "$(for e in "^cesutg-quotidien: fin, code 75" "étape recevoir : code 75" \
    "étape envoyer : sautée" "étape recevoir : code 0"; do grep -c "$e" "$W/hook/corps"; done | tr '\n' ' ' | sed 's/ $//')" \
    "alerte : résumé et journal de cette exécution seulement"
check 1 "$(grep -c "alerte envoyée à exploitation@cesutg.test" "$H/journal/cesutg-quotidien.log")" \
    "journal : alerte envoyée"
CESUTG_HOME=$H "$P/bin/registre" db start >/dev/null 2>&1
cron cesutg-quotidien 2>"$W/err"
check 0 $? "cesutg-quotidien relancé"

# A failed transfer stops neither the other partners nor the next steps;
# a failed mail is logged; no operators' address: no mail, a log line.
echo 'CESUTG_CNCESU_URL=ftp://cncesu.invalid' >>"$W/etc/cesutg.conf"
echo 75 >"$W/hook/code.recuperer"
echo 69 >"$W/hook/code.mail"
: >"$W/hook/appels"
cron cesutg-hebdo 2>"$W/err"
check 75 $? "récupération en échec : 75"
check 2 "$(grep -c "^cesutg-recuperer: échec simulé, code 75" "$W/err")" \
    "message de l'étape sur l'erreur standard"
check "recuperer salsa|recuperer cncesu|envoyer salsa|envoyer cncesu|mail|" \
    "$(cut -d' ' -f1-2 "$W/hook/appels" | sed 's/^mail .*/mail/' | tr '\n' '|')" \
    "récupération en échec : les autres étapes faites"
for e in "étape recuperer-cncesu : code 75" "étape recevoir : code 0" "étape audit : code 0" \
    "étape envoyer-cncesu : code 0"; do
	check 1 "$(grep -c "$e" "$W/hook/corps")" "alerte : $e"
done
check 2 "$(grep -c "^cesutg-recuperer: échec simulé, code 75" "$W/hook/corps")" \
    "alerte : messages des étapes"
check 1 "$(grep -c "alerte : envoi à exploitation@cesutg.test impossible (cesutg-mail, code 69)" \
    "$H/journal/cesutg-hebdo.log")" "journal : alerte impossible"
echo 'CESUTG_MAIL_EXPLOITATION=' >>"$W/etc/cesutg.conf"
: >"$W/hook/appels"
cron cesutg-hebdo 2>"$W/err"
check 75 $? "récupération en échec, sans adresse : 75"
check 0 "$(grep -c '^mail' "$W/hook/appels")" "sans adresse : pas de courrier"
check 1 "$(grep -c "alerte non envoyée : CESUTG_MAIL_EXPLOITATION n'est pas défini" \
    "$H/journal/cesutg-hebdo.log")" "journal : sans adresse"
rm -f "$W/hook/code.recuperer"
# Another spool: the transfer programs get it (tests/integration/ftps.sh
# checks that they use it).
cp "$W/etc/cesutg.conf" "$W/etc/spool.conf"
echo "CESUTG_SPOOL=$W/autre" >>"$W/etc/spool.conf"
echo 'echo "spool $CESUTG_SPOOL" >>"'"$W"'/hook/appels"' >"$W/hook/envoyer.sh"
: >"$W/hook/appels"
(cd / && env -i PATH=/usr/bin:/bin CESUTG_CONF="$W/etc/spool.conf" "$P/bin/cesutg-hebdo") 2>"$W/err"
check 0 $? "transferts avec un autre CESUTG_SPOOL"
check 2 "$(grep -c "^spool $W/autre\$" "$W/hook/appels")" \
    "transferts avec un autre CESUTG_SPOOL : CESUTG_SPOOL transmis"
rm -f "$W/hook/envoyer.sh"

# Monthly: the export, then the retention: reports and received files older
# than the retention removed, younger ones kept, a loaded CSV copy removed
# once exported, one never loaded kept until the retention.
I=$H/integration
for x in VIEUX.txt JEUNE.txt; do
	for s in bilan.csv rejets csv; do echo x >"$I/$x.$s"; done
done
echo x >"$I/NONCHARGE.txt.csv"
touch -d '401 days ago' "$I"/VIEUX.txt.* "$H/spool/fait/PLANS_20160601.txt"
touch -d '399 days ago' "$I"/JEUNE.txt.*
echo CESUTG_RETENTION_JOURS=400 >>"$W/etc/cesutg.conf"
cron cesutg-mensuel 2>"$W/err"
check 0 $? "cesutg-mensuel sous cron"
J=$H/journal/cesutg-mensuel.log
for e in "étape export : code 0" "étape retention : code 0" "étape prefacture : code 0" \
    "étape cesu-flux5 : code 0" "étape tableaux : code 0"; do
	check 1 "$(grep -c "$e" "$J")" "journal : $e"
done
TB=$H/tableaux/$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m)
check "oui oui" "$(oui test -s "$TB/direction.pdf") $(oui test -s "$TB/sad.csv")" \
    "tableaux de bord du mois écrits"
check 600 "$(stat -c %a "$TB/sad.csv")" "tableaux de bord : mode 0600"
check oui "$(oui test -f "$H/exports/$(date +%Y-%m-%d)/MANIFEST.sha256")" "export écrit"
check "non non non" "$(oui test -e "$I/VIEUX.txt.bilan.csv") $(oui test -e "$I/VIEUX.txt.rejets") $(oui test -e "$I/VIEUX.txt.csv")" \
    "plus de 400 jours : supprimés"
check "oui oui" "$(oui test -e "$I/JEUNE.txt.bilan.csv") $(oui test -e "$I/JEUNE.txt.rejets")" \
    "moins de 400 jours : gardés"
check non "$(oui test -e "$H/spool/fait/PLANS_20160601.txt")" "fichier reçu de plus de 400 jours supprimé"
check "non oui" "$(oui test -e "$I/PLANS_20160601.txt.csv") $(oui test -e "$I/PLANS_20160601.txt.registre.csv")" \
    "copie CSV chargée et exportée supprimée, bilan gardé"
check oui "$(oui test -e "$I/NONCHARGE.txt.csv")" "copie CSV jamais chargée gardée"
check 1 "$(grep -c "RETOUR_CESU_$(date -d "$(date +%Y-%m-01) -1 month" +%Y%m).txt : rien pour ce mois, pas de fichier" "$J")" \
    "mois précédent par défaut, sans données : pas de Flux 5"

# The month's CESU files (cesutg-cesu(7)) from the refunds and charges of
# 2016-05, once: into spool/sortie/salsa (Flux 5, Flux 6 by aid) and
# spool/sortie/cncesu (Flux 8.1, 8.2), each read back by its converter.
PATH=$P/bin:$PATH "$P/bin/fluxgen" --scale 0.003 --month 2016-05 --dir "$W/g" \
    remboursements charges >/dev/null 2>&1
cp "$W"/g/CRCESU_* "$W"/g/FLUX6_* "$H/spool/arrivee/"
cron cesutg-quotidien 2>"$W/err"
r=$?
check oui "$(oui test $r -eq 0 -o $r -eq 65)" "remboursements et charges intégrés"
echo CESUTG_MOIS=2016-05 >>"$W/etc/cesutg.conf"
cron cesutg-mensuel 2>"$W/err"
check 0 $? "cesutg-mensuel : sorties CESU de 2016-05"
check "" "$(cat "$W/err")" "sorties CESU : rien sur l'erreur standard (pas de courrier de cron)"
O=$H/spool/sortie
for f in salsa/RETOUR_CESU_201605.txt:flux5 cncesu/ECPF_201605.txt:flux81 \
    cncesu/TPCG_201605.txt:flux82 salsa/CHARGES_APA_201605.txt:flux6; do
	c=${f#*:} f=${f%:*}
	"$P/bin/$c" parse <"$O/$f" >"$W/relu.csv" 2>"$W/err"
	check "0 oui" "$? $(oui test "$(wc -l <"$W/relu.csv")" -gt 1)" "$f relu par $c parse"
	check 600 "$(stat -c %a "$O/$f")" "$f : mode"
	check "$(sha256sum <"$O/$f" | cut -c1-64)" "$(cut -d' ' -f1 "$H/spool/produit/$f")" \
	    "$f : marqueur"
done
check "" "$(find "$O/salsa/tmp" "$O/cncesu/tmp" -type f)" "aucun temporaire laissé"
ls -l --time-style=+%s.%N "$O"/*/*.txt >"$W/avant"
cron cesutg-mensuel 2>"$W/err"
check 0 $? "cesutg-mensuel relancé"
check "$(ls "$H"/spool/produit/* | grep -c 'txt$')" "$(tail -n 20 "$J" | grep -c 'déjà produit (')" \
    "relancé : rien produit à nouveau"
ls -l --time-style=+%s.%N "$O"/*/*.txt | cmp -s - "$W/avant"
check 0 $? "relancé : fichiers intacts"
# A crash after a rename, before the marker; a file already sent (moved
# to envoye/): the rerun writes their markers, produces neither again.
rm "$H/spool/produit/cncesu/TPCG_201605.txt"
mkdir -p "$H/spool/envoye/salsa"
mv "$O/salsa/RETOUR_CESU_201605.txt" "$H/spool/envoye/salsa/"
rm "$H/spool/produit/salsa/RETOUR_CESU_201605.txt"
cron cesutg-mensuel 2>"$W/err"
check 0 $? "cesutg-mensuel après un arrêt brutal"
check "oui oui non" "$(oui test -f "$H/spool/produit/cncesu/TPCG_201605.txt") $(oui test -f "$H/spool/produit/salsa/RETOUR_CESU_201605.txt") $(oui test -e "$O/salsa/RETOUR_CESU_201605.txt")" \
    "marqueurs refaits, fichier envoyé pas reproduit"
check 0 "$(tail -n 20 "$J" | grep -c 'produit pour')" "rien produit après l'arrêt brutal"
sed -i '/^CESUTG_MOIS=/d' "$W/etc/cesutg.conf"

# contrib/: each timer persistent, each unit and cron line naming an
# installed pipeline.
for t in "$ROOT"/contrib/systemd/*.timer; do
	check 1 "$(grep -c '^Persistent=true$' "$t")" "${t##*/} : Persistent=true"
done
for x in $(sed -n 's|^ExecStart=/usr/local/bin/||p' "$ROOT"/contrib/systemd/*.service) \
    $(awk '/^[0-9*]/ { sub(".*/", "", $7); print $7 }' "$ROOT/contrib/cesutg.cron"); do
	check oui "$(oui test -x "$P/bin/$x")" "contrib : $x installé"
done

# The runbook documents every variable the scripts read, in one place; the
# example's partner block sets only settings cesutg-envoyer reads.
for v in $(grep -ho 'CESUTG_[A-Z_]*[A-Z]' "$ROOT"/scripts/cesutg-* | sort -u); do
	[ "$v" = CESUTG_LIB ] && continue	# written by make install
	check oui "$(oui grep -qw "$v" "$ROOT/man/cesutg-exploitation.7")" "$v dans cesutg-exploitation(7)"
done
for v in $(sed -n 's/^#*CESUTG_SALSA_\([A-Z]*\)=.*/\1/p' "$ROOT/contrib/cesutg.conf.exemple"); do
	check oui "$(oui grep -q "(setting $v)" "$ROOT/scripts/cesutg-envoyer")" \
	    "cesutg.conf.exemple : CESUTG_SALSA_$v lu par cesutg-envoyer"
done

# Configuration errors are 78: a relative home, an unreadable file.
printf 'CESUTG_HOME=var\n' >"$W/etc/relatif.conf"
(cd / && env -i PATH=/usr/bin:/bin CESUTG_CONF="$W/etc/relatif.conf" "$P/bin/cesutg-hebdo" 2>/dev/null)
check 78 $? "CESUTG_HOME relatif : 78"
(cd / && env -i PATH=/usr/bin:/bin CESUTG_CONF="$W/etc/absent.conf" "$P/bin/cesutg-mensuel" 2>/dev/null)
check 78 $? "configuration absente : 78"
echo "pipelines: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
