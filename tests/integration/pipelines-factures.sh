#!/bin/sh
# The invoices through cesutg-quotidien run as cron does (env -i, from /):
# a fluxgen month received in the spool, its pre-invoice validated (by hand,
# as the SAD and the Département do), then the pipeline emits the invoices
# and writes one Flux 2 file each into spool/sortie/salsa/, once; SALSA's
# log (one invoice KO) received, the pipeline writes for each decided
# invoice its PDF and the notice to the SAD (avis), once, and sends it with
# sendmail -t -oi (here a command that keeps each message), once; a crash
# between avis and its marker sends the message written, not another.
# Skipped while this registre has no `factures` or avis/facturepdf are not
# built.
#   sh tests/integration/pipelines-factures.sh BUILD_DIR
B=${1:-build}
T=pipelines-factures
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$(cd "$B/bin" && pwd)
PATH=$BIN:$PATH
export PATH
if ! registre 2>&1 | grep -q '\] factures\b'; then
	echo "$T.sh: ignoré : ce registre n'a pas « registre factures »"; exit 0
fi
for c in avis facturepdf; do
	[ -x "$BIN/$c" ] || { echo "$T.sh: ignoré : $c n'est pas construit"; exit 0; }
done
PGBIN=/usr/lib/postgresql/15/bin
W=$(mktemp -d)
chmod 755 "$W"
unset PGHOST PGHOSTADDR PGSERVICE PGDATABASE PGPORT PGUSER CESUTG_CONF \
    CESUTG_HOME CESUTG_SPOOL CESUTG_INTEGRATION CESUTG_JOURNAL CESUTG_BIN CESUTG_MOIS
asroot() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
trap 'asroot "$PGBIN/pg_ctl" -D "$W/var/data" -m immediate stop >/dev/null 2>&1; [ -n "${GARDER:-}" ] || rm -rf "$W"' EXIT
pass=0 fail=0
check() {	# expected actual what
	if [ "$1" = "$2" ]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "ÉCHEC $T: $3 : « $2 » au lieu de « $1 »"; fi
}
H=$W/var
M=2016-05
# The MTA: a command that keeps each message it is given, and its options.
cat >"$W/sendmail" <<EOF
#!/bin/sh
n=\$(ls "$W/boite" | wc -l)
echo "\$*" >"$W/boite.options"
cat >"$W/boite/\$((n + 1)).eml"
EOF
chmod 755 "$W/sendmail"
mkdir "$W/boite"
cat >"$W/cesutg.conf" <<EOF
CESUTG_HOME=$H
CESUTG_BIN=$BIN
CESUTG_SYSLOG=0
CESUTG_PGOPTIONS="-c fsync=off -c full_page_writes=off"
CESUTG_MOIS=$M
CESUTG_SENDMAIL=$W/sendmail
CESUTG_MAIL_EXPEDITEUR=facturation@departement.test
EOF
cron() {	# as cron runs the daily pipeline
	(cd / && env -i PATH=/usr/bin:/bin CESUTG_CONF="$W/cesutg.conf" \
	    sh "$ROOT/scripts/cesutg-quotidien") >/dev/null 2>"$W/err"
}
reg() { CESUTG_HOME=$H registre "$@"; }
reg db init >/dev/null 2>&1 || { echo "$T.sh: db init impossible"; exit 1; }
G="fluxgen --scale 0.003 --month $M"
$G --dir "$W/g" plans clients intervenants horodatages evenements >/dev/null 2>&1 ||
    { echo "$T.sh: fluxgen"; exit 1; }
for f in "$W"/g/F15_*_clients_*; do
	tg=$(head -n 1 "$f" | cut -d'|' -f5)
	reg sad add "${tg#SAD}" --tg "$tg" --nom "Service $tg" \
	    --courriel "factures@${tg}.test" >/dev/null || echo "$T.sh: sad add $tg"
done
mkdir -p "$H/spool/arrivee"
cp "$W"/g/* "$H/spool/arrivee/"
cron
check 0 $? "fichiers du mois intégrés"
check 0 "$(reg factures list | sed 1d | wc -l)" "rien à facturer avant la validation"
# An awk program: column c (default 3, the beneficiary) of the rows of
# `registre prefacture list` whose statut (found by name) is s.
statut='NR == 1 { for (i = 1; i <= NF; i++) if ($i == "statut") k = i
	if (!c) c = 3; next } $k == s { print $c }'
# The pre-invoice validated: by the SAD for each beneficiary, then by the
# Département for each SAD.
reg prefacture calculer $M >/dev/null 2>&1
bens=$(reg prefacture list $M | awk -F, -v s=calculee "$statut" | sort -u)
reg prefacture valider $M $bens >/dev/null 2>&1
for s in $(reg prefacture list $M | awk -F, -v s=validee_sad -v c=1 "$statut" | sort -u); do
	reg prefacture valider $M --sad "$s" >/dev/null 2>&1
done

# Emission and Flux 2, once.
cron
check 0 $? "cesutg-quotidien : factures émises"
check "" "$(cat "$W/err")" "factures émises : rien sur l'erreur standard (pas de courrier de cron)"
J=$H/journal/cesutg-quotidien.log
reg factures list >"$W/factures.csv"
n=$(sed 1d "$W/factures.csv" | wc -l)
check oui "$([ "$n" -ge 2 ] && echo oui)" "au moins deux factures ($n)"
S=$H/spool/sortie/salsa
check "$n" "$(ls "$S" | grep -c '^FLUX2_.*\.txt$')" "un Flux 2 par facture dans spool/sortie/salsa/"
for f in "$S"/FLUX2_*.txt; do
	flux2 parse "$f" >/dev/null 2>&1 || check 0 1 "flux2 parse ${f##*/}"
	check "$(sha256sum <"$f" | cut -c1-64)" "$(cut -d' ' -f1 "$H/spool/produit/salsa/${f##*/}")" \
	    "${f##*/} : marqueur"
	check 600 "$(stat -c %a "$f")" "${f##*/} : mode"
done
ls -l --time-style=+%s.%N "$S" >"$W/avant"
cron
check 0 $? "cesutg-quotidien relancé"
ls -l --time-style=+%s.%N "$S" | cmp -s - "$W/avant"
check 0 $? "relancé : aucun Flux 2 réécrit"
check "" "$(ls "$W/boite")" "pas d'avis avant le journal de SALSA"

# SALSA's log, played by tests/tools/salsa.awk from the Flux 2 files the
# pipeline wrote: one invoice in three KO, naming two beneficiaries.
for f in "$S"/FLUX2_*.txt; do
	iconv -f WINDOWS-1252 -t UTF-8 "$f"
	echo "#fin"
done | awk -F'|' -v d=2016-06-06 -f "$ROOT/tests/tools/salsa.awk" |
    sadlog emit >"$H/spool/arrivee/LOG_FACTURES_20160606.csv"
cron
check 0 $? "cesutg-quotidien : journal de SALSA, avis"
reg factures list >"$W/decidees.csv"
nko=$(awk -F, 'NR > 1 && $4 ~ /^(partielle|rejetee)$/' "$W/decidees.csv" | wc -l)
check "0 oui" "$(awk -F, 'NR > 1 && $4 == "emise"' "$W/decidees.csv" | wc -l) $([ "$nko" -ge 1 ] && echo oui)" \
    "factures toutes décidées, au moins une KO ($nko)"
check "$n" "$(ls "$W/boite" | wc -l)" "un avis par facture décidée, envoyé"
check "-t -oi" "$(cat "$W/boite.options")" "sendmail -t -oi"
check "$n" "$(ls "$H/avis/cur" | wc -l)" "avis envoyés rangés dans avis/cur/"
check "" "$(ls "$H/avis/new")" "avis/new/ vide"
for x in $(awk -F, 'NR > 1 { print $1 "," $7 }' "$W/decidees.csv"); do
	num=${x%,*} tg=SAD${x#*,}
	check oui "$([ -s "$H/factures/$num.pdf" ] && echo oui)" "$num : PDF"
	m=$(grep -l "$num" "$W"/boite/*.eml | head -n 1)
	check "To: factures@$tg.test" "$(grep -m1 '^To:' "$m" 2>/dev/null)" "$num : destinataire"
done
r=$(awk -F, 'NR > 1 && $4 ~ /^(partielle|rejetee)$/ { print $1; exit }' "$W/decidees.csv")
mkdir -p "$W/pj" && munpack -q -C "$W/pj" "$(grep -l "$r" "$W"/boite/*.eml | head -n 1)" >/dev/null 2>&1
pdftotext "$(ls "$W"/pj/*.pdf | head -n 1)" - 2>/dev/null | grep -q "$r"
check 0 $? "PDF joint à l'avis de la facture KO $r"
cron
check 0 $? "relancé après les avis"
check "$n" "$(ls "$W/boite" | wc -l)" "relancé : aucun avis de plus"

# A crash after avis wrote its message, before the marker: the rerun sends
# that message, and writes no other.
a=$(awk -F, 'NR > 1 && $4 == "integree" { print $1; exit }' "$W/decidees.csv")
e=$(grep -l "$a" "$H"/avis/cur/* | head -n 1)
mkdir -p "$H/avis/.prep/$a.integree/new"
cp "$e" "$H/avis/.prep/$a.integree/new/"
rm "$H/avis/.fait/$a.integree"
cron
check 0 $? "relancé après un arrêt brutal"
check "$((n + 1))" "$(ls "$W/boite" | wc -l)" "arrêt brutal : un seul message envoyé"
cmp -s "$e" "$W/boite/$((n + 1)).eml"
check 0 $? "arrêt brutal : le message écrit avant l'arrêt, pas un autre"
check oui "$([ -f "$H/avis/.fait/$a.integree" ] && [ ! -e "$H/avis/.prep/$a.integree" ] && echo oui)" \
    "arrêt brutal : marqueur écrit, préparation effacée"
echo "$T: $pass passed, $fail failed ($n factures)"
[ "$fail" -eq 0 ]
