#!/bin/sh
# avis: notices delivered maildir-style (tmp/ then new/, mode 0600), read
# back with munpack (mpack): the PDF attached on acceptance is the very
# file given, the rejection lists the rejected beneficiary and SALSA's
# reason; with SOURCE_DATE_EPOCH the same input gives the same bytes
# (testdata/avis/rejet.eml), without it each message is its own.
B=${1:-build}
BIN=$(cd "$B/bin" && pwd)
F=testdata/facturepdf/facture.csv
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "ÉCHEC avis: $*"; exit 1; }
command -v munpack >/dev/null || fail "munpack (mpack) absent"
SOURCE_DATE_EPOCH=1764633600
export SOURCE_DATE_EPOCH
de="Département de Paris <telegestion@paris.example>"
nn=$(printf '\342\200\257') nb=$(printf '\302\240')	# U+202F, U+00A0 of amounts

"$BIN/facturepdf" <"$F" >"$T/facture.pdf" || fail "facturepdf"
m=$("$BIN/avis" acceptation --outbox "$T/box" --pdf "$T/facture.pdf" --de "$de" <"$F") ||
    fail "acceptation: code $?"
case $m in "$T/box/new/"*) ;; *) fail "chemin inattendu: $m" ;; esac
[ -f "$m" ] || fail "$m absent"
[ "$(stat -c %a "$m")" = 600 ] || fail "$m n'est pas en mode 0600"
[ -z "$(ls "$T/box/tmp")" ] || fail "reste dans tmp/: $(ls "$T/box/tmp")"
for d in tmp new cur; do
	[ "$(stat -c %a "$T/box/$d")" = 700 ] || fail "$d/ n'est pas en mode 0700"
done
mkdir "$T/u"
(cd "$T/u" && munpack -t -q "$m" >/dev/null 2>&1) || fail "munpack"
cmp "$T/facture.pdf" "$T/u/facture-F75-2026-00042.pdf" || fail "PDF joint différent"
grep -q "Montant intégré : 1${nn}738,15${nb}€" "$T/u/part1" || fail "texte: $(cat "$T/u/part1")"
grep -q "^To: facturation@aide-domicile.example, direction@aide-domicile.example$" "$m" ||
    fail "destinataires: $(grep '^To:' "$m")"
grep -q "^Date: Tue, 02 Dec 2025 00:00:00 +0000$" "$m" || fail "date: $(grep '^Date:' "$m")"

# Same input, same SOURCE_DATE_EPOCH: same bytes, in a second file.
m2=$("$BIN/avis" acceptation --outbox "$T/box" --pdf "$T/facture.pdf" --de "$de" <"$F") ||
    fail "seconde acceptation"
[ "$m2" != "$m" ] || fail "même nom de fichier deux fois"
cmp -s "$m" "$m2" || fail "même entrée, octets différents"

r=$("$BIN/avis" rejet --outbox "$T/box" --de "$de" <"$F") || fail "rejet: code $?"
cmp -s testdata/avis/rejet.eml "$r" || { diff -u testdata/avis/rejet.eml "$r"; fail "rejet.eml"; }
mkdir "$T/r"
(cd "$T/r" && munpack -t -q "$r" >/dev/null 2>&1) || fail "munpack du rejet"
grep -q "^- LŒUVRE Zoé (n° 100789)$" "$T/r/part1" || fail "bénéficiaire rejeté absent"
grep -q "Motif du rejet : Bénéficiaire sans plan d'aide en cours au 01/11/2026" "$T/r/part1" ||
    fail "motif absent"
grep -q "Montant rejeté : 270,00${nb}€." "$T/r/part1" || fail "montant rejeté absent"
[ "$(ls "$T/box/new" | wc -l)" -eq 3 ] || fail "3 messages attendus: $(ls "$T/box/new")"

# Without SOURCE_DATE_EPOCH: a fresh Message-ID and boundary each time.
unset SOURCE_DATE_EPOCH
a=$("$BIN/avis" rejet --outbox "$T/b2" --de "$de" <"$F") || fail "rejet sans date fixe"
b=$("$BIN/avis" rejet --outbox "$T/b2" --de "$de" <"$F") || fail "rejet sans date fixe"
[ "$(grep '^Message-ID:' "$a")" != "$(grep '^Message-ID:' "$b")" ] ||
    fail "Message-ID identiques sans SOURCE_DATE_EPOCH"
CESUTG_MAIL_DE=ops@paris.example "$BIN/avis" rejet --outbox "$T/b2" <"$F" >"$T/p" ||
    fail "CESUTG_MAIL_DE"
grep -q "^From: ops@paris.example$" "$(cat "$T/p")" || fail "expéditeur de CESUTG_MAIL_DE"

# An outbox that cannot be made: 73, nothing on stdout.
: >"$T/fichier"
"$BIN/avis" rejet --outbox "$T/fichier/box" --de "$de" <"$F" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" -eq 73 ] || fail "boîte impossible: code $rc, attendu 73"
[ ! -s "$T/out" ] || fail "boîte impossible: $(cat "$T/out")"
echo "avis: ok"
