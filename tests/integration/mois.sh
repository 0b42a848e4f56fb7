#!/bin/sh
# Chained months through the operation's path: scripts/cycle (fluxgen's
# months, reprise/ first, integrer under cron's environment, a fresh
# cluster) and scripts/demo (the same through the spool and the cron
# pipelines). Both must end with no refund rejected as "titre jamais émis"
# and no file or row rejected.
#   sh tests/integration/mois.sh BUILD_DIR
B=${1:-build}
if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
	echo "mois.sh: PostgreSQL 15 absent : lancez make deps" >&2
	exit 1
fi
W=$(mktemp -d)
chmod 755 "$W"
cleanup() {
	CESUTG_HOME=$W/var "$B/bin/registre" db stop >/dev/null 2>&1
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "ÉCHEC mois: $*"; }
has() {	# file pattern what
	if grep -q -e "$2" "$1"; then ok; else ko "$3"; sed 's/^/  | /' "$1" | tail -n 40; fi
}

# --- scripts/cycle: two chained months, counts per month and kind ---
sh scripts/cycle -b "$B" --scale 0.01 --months 2016-04..2016-05 \
    --dir "$W/cycle" >"$W/c.out" 2>"$W/c.err"
rc=$?
[ $rc -eq 0 ] && ok || { ko "cycle : code $rc"; cat "$W/c.err"; }
has "$W/c.out" "« titre jamais émis » : 0 (reprise 0, 2016-04 0, 2016-05 0)" \
    "cycle : des remboursements « jamais émis »"
[ -e "$W/cycle" ] && ko "cycle : $W/cycle gardé sans --garder" || ok
# SALSA's log names invoices the cycle never emitted: all its rows rejected.
# fluxgen's titre-bloque titles are declared stolen and reissued
# (EVENEMENTS_CESU_*.csv, integrated before the refunds), then cashed all
# the same: those refunds, and only those, are rejected. Every kind of each
# month is counted, the orders of reprise/ first, and nothing else is
# rejected nor any integrer status other than 0.
for m in 2016-04 2016-05; do
	for k in plans commandes evenements-titres clients intervenants \
	    horodatages evenements remboursements charges log-factures; do
		has "$W/c.out" "^$m  *$k  " "cycle : $m $k absent du tableau"
	done
done
awk '/^[^ ]/ && $1 ~ /^(reprise|2016-0[45])$/ && $2 != "TOTAL" { n++
	if ($2 == "log-factures") { if ($6 != 0 || $7 != $5) bad = bad " " $1 "/" $2 }
	else if ($2 == "remboursements") { if ($5 != $6 + $7) bad = bad " " $1 "/" $2
	    for (i = 11; i <= NF; i++) if ($i != 65) bad = bad " " $1 "/" $2
	    rb += $7 }
	else if (NF != 10 || $7 != 0 || $5 != $6) bad = bad " " $1 "/" $2 }
	/^  2016-0[45] +[0-9]+  / { m = $0; sub(/^ +[^ ]+ +[0-9]+  /, "", m)
	    if (m == "titre bloqué") tb += $2; else if (m != "facture inconnue")
	    bad = bad " motif:" m }
	END { exit !(n == 21 && bad == "" && rb == tb) }' "$W/c.out" && ok ||
    ko "cycle : lignes rejetées, codes non nuls ou natures manquantes"
has "$W/c.out" "^Rapprochement : un recalcul complet change 0 ligne(s)" \
    "cycle : le rapprochement après chaque chargement diffère du calcul complet"
# The titles' events are loaded: their lines are read, none refused.
awk '$2 == "evenements-titres" { n++; if (NF != 10 || $5 != $6 || $7 != 0) bad = 1 }
	END { exit !(n == 2 && !bad) }' "$W/c.out" && ok ||
    ko "cycle : événements de titres non chargés ou refusés"
# May's plans chain onto April's: some unchanged, so fewer new than read.
awk '$1 == "2016-05" && $2 == "plans" { exit !($8 < $5) }' "$W/c.out" && ok ||
    ko "cycle : les plans de mai ne s'enchaînent pas à ceux d'avril"
# The markdown table (tests/tools/cycle-bilan.sh, from the ledger) gives
# each month and kind of the text table, with the same counts.
awk -F'|' 'NR == FNR { if (/^\| (reprise|2016-0[45]) \|/) { gsub(/ /, ""); n++
	m[$2 " " $3] = $4 " " $5 " " $6 " " $7 " " $8 " " $9 " " $10 }; next }
	/^[^ |]/ && $0 !~ /TOTAL|evenements-titres/ { split($0, a, " ")
	if (a[1] ~ /^(reprise|2016-0[45])$/) { t++; k = a[1] " " a[2]
	if (m[k] != a[3] " " a[5] " " a[6] " " a[7] " " a[8] " " a[9] " " a[10])
		bad = bad " " k } }
	END { exit !(t == 19 && n == 19 && bad == "") }' "$W/c.out" "$W/c.out" && ok ||
    ko "cycle : le tableau markdown ne redit pas le tableau par mois et nature"
grep -q '^| mois | nature | fichiers | lues | acceptées | rejetées | nouvelles | modifiées | terminées | « jamais émis » |$' "$W/c.out" &&
    ok || ko "cycle : en-tête du tableau markdown"
has "$W/c.out" "^  audit (audit\\*) .* de données : [0-9.]* %" "cycle : taille de l'audit"
sh scripts/cycle -b "$B" --dir "$W/c.out" >/dev/null 2>&1
[ $? -eq 73 ] && ok || ko "cycle --dir d'un chemin existant : 73 attendu"
sh scripts/cycle -b "$B" --inconnue >/dev/null 2>&1
[ $? -eq 64 ] && ok || ko "cycle --inconnue : 64 attendu"

# --- make demo: the same through the spool and cron ---
CESUTG_HOME=$W/var CESUTG_DEMO=$W/demo sh scripts/demo "$B" >"$W/d.out" 2>&1
rc=$?
[ $rc -eq 0 ] && ok || ko "demo : code $rc"
has "$W/d.out" "remboursements rejetés « titre jamais émis » : 0" \
    "demo : des remboursements « jamais émis »"
# SALSA's logs are played from the invoices the demo emitted (fluxgen's
# own name invoices never emitted): nothing rejected.
# fluxgen's titre-bloque refunds (stolen, reissued, cashed all the same)
# are rejected, their CRCESU files filed in rejete/: nothing else is.
bad=
for f in "$W/demo/spool/rejete"/*.motif; do
	[ -f "$f" ] || continue
	case ${f##*/} in CRCESU_*) ;; *) bad="$bad ${f##*/}" ;; esac
	grep -E ':[0-9]+: ' "$f" | grep -qv ':[0-9]*: titre bloqué : ' && bad="$bad ${f##*/}"
done
[ -z "$bad" ] && ok || ko "demo : fichiers rejetés pour autre chose qu'un titre bloqué :$bad"
tb=$(awk '/^== Lignes rejetées par le registre/ { t = 1; next } /^$/ { t = 0 }
	t && $2 == "titre" && $3 == "bloqué" { s += $1 } END { print s + 0 }' "$W/d.out")
has "$W/d.out" "^   010000,Service SAD010000,SAD010000,factures@SAD010000.demo," \
    "demo : SAD déclaré par sad add --tg --nom --courriel"
# The CASVP section (fluxgen's first SAD) validated by its platform's
# login; none of its validated lines by anyone else.
has "$W/d.out" "^   sections du CASVP : 010000 validées par leur plateforme « CASVP Centre »" \
    "demo : section du CASVP rattachée à sa plateforme"
set -- $(psql -X -At "host=$W/var dbname=cesutg user=postgres" -c "SELECT
    count(*) FILTER (WHERE validee_sad_par = 'pf_centre'), count(*) FILTER
    (WHERE code_sad = '010000' AND statut <> 'calculee' AND validee_sad_par
    IS DISTINCT FROM 'pf_centre') FROM cesutg.prefacture" -F' ')
[ "${1:-0}" -gt 0 ] && [ "${2:-x}" = 0 ] && ok ||
    ko "demo : étape du SAD de la section faite par pf_centre ($1 lignes, $2 par un autre)"
for f in salsa/RETOUR_CESU_201605.txt salsa/CHARGES_APA_201605.txt \
    cncesu/ECPF_201605.txt cncesu/TPCG_201605.txt; do
	has "$W/d.out" "^   $f\$" "demo : fichier sortant $f"
	[ -f "$W/demo/spool/sortie/$f" ] && ok || ko "demo : $f dans spool/sortie/"
done
# Invoices: one Flux 2 each; each decided one has its PDF and its notice.
nf=$(ls "$W/demo/spool/sortie/salsa" | grep -c '^FLUX2_')
nd=$(CESUTG_HOME=$W/var "$B/bin/registre" factures list | awk -F, 'NR > 1 && $4 != "emise"' | wc -l)
[ "$nf" -gt 0 ] && [ "$nd" -gt 0 ] && ok || ko "demo : $nf Flux 2, $nd factures décidées"
has "$W/d.out" "^   $nd PDF dans .* ; $nd avis envoyés par sendmail -t -oi" \
    "demo : un PDF et un avis par facture décidée"
has "$W/d.out" "^   commandes  *8 " "demo : les commandes de reprise/ non chargées"
awk '/^== registre ingestions/ { t = 1; next } t && /^$/ { t = 0 }
	t && $1 != "nature" { n++; if ($1 == "remboursements") {
	    if ($5 != tb || $3 != $4 + $5) bad = 1 } else if ($5 != 0 || $3 != $4) bad = 1 }
	END { exit !(n == 9 && !bad) }' tb="$tb" "$W/d.out" && ok ||
    ko "demo : des lignes rejetées ou des natures manquantes"

echo "mois.sh: $pass réussis, $fail échoués"
[ $fail -eq 0 ]
