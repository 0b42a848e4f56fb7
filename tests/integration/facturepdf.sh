#!/bin/sh
# facturepdf: the invoices of testdata/facturepdf read back with pdftotext
# -layout and compared with their expected text (identities, lines, the
# rejected line and its reason, totals in words, "page N / M" on every
# page of a long invoice, the duplicata's mention on every page); the
# same extract gives the same bytes; a write error is exit 74; --dir
# writes the same bytes.
B=${1:-build}
BIN=$(cd "$B/bin" && pwd)
D=testdata/facturepdf
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "ÉCHEC facturepdf: $*"; exit 1; }
command -v pdftotext >/dev/null || fail "pdftotext (poppler-utils) absent"
SOURCE_DATE_EPOCH=1764633600	# 2025-12-02
export SOURCE_DATE_EPOCH

rendre() {	# name csv [options...]
	n=$1 csv=$2
	shift 2
	"$BIN/facturepdf" "$@" <"$D/$csv.csv" >"$T/$n.pdf" 2>"$T/err" ||
	    fail "$n: code $? ($(cat "$T/err"))"
	[ ! -s "$T/err" ] || fail "$n: messages: $(cat "$T/err")"
	pdftotext -layout "$T/$n.pdf" "$T/$n.txt" || fail "$n: pdftotext"
	if ! cmp -s "$D/$n.txt" "$T/$n.txt"; then
		diff -u "$D/$n.txt" "$T/$n.txt" | head -40
		fail "$n: texte différent de $D/$n.txt"
	fi
}
for c in facture complementaire longue; do
	rendre "$c" "$c"
done
rendre facture-duplicata facture --duplicata --date 2026-12-05
rendre longue-duplicata longue --duplicata --date 2026-12-05

pages=$(pdfinfo "$T/longue.pdf" | awk '$1 == "Pages:" { print $2 }')
[ "$pages" -ge 2 ] || fail "longue: $pages page(s), plusieurs attendues"
[ "$(grep -c "page [0-9]* / $pages\$" "$T/longue.txt")" -eq "$pages" ] ||
    fail "longue: « page N / $pages » absent d'une page"
[ "$(grep -c 'Bénéficiaire  *Prestation' "$T/longue.txt")" -eq "$pages" ] ||
    fail "longue: en-tête du tableau non répété sur chaque page"
[ "$(grep -c '^DUPLICATA du 05/12/2026' "$T/longue-duplicata.txt")" -eq "$pages" ] ||
    fail "longue-duplicata: mention DUPLICATA absente d'une page"
# Without --date the duplicata is of the day SOURCE_DATE_EPOCH falls on.
"$BIN/facturepdf" --duplicata <"$D/facture.csv" | pdftotext - - |
    grep -q 'DUPLICATA établi le 02/12/2025' || fail "date du duplicata par défaut"

"$BIN/facturepdf" <"$D/facture.csv" >"$T/encore.pdf" || fail "second rendu"
cmp -s "$T/facture.pdf" "$T/encore.pdf" || fail "même extrait, PDF différent"
if [ -w /dev/full ]; then
	"$BIN/facturepdf" <"$D/facture.csv" >/dev/full 2>"$T/err"
	rc=$?
	[ "$rc" -eq 74 ] || fail "/dev/full: code $rc, attendu 74"
	grep -q "écriture impossible" "$T/err" || fail "/dev/full: $(cat "$T/err")"
fi
# --dir: the same PDFs, byte for byte, one per extract named, mode 0600,
# the duplicata too; a bad extract among them is exit 65 and leaves no
# file, not even a temporary, and the others are written.
mkdir "$T/lot" "$T/lotd"
"$BIN/facturepdf" --dir "$T/lot" "$D/facture.csv" "$D/longue.csv" \
    "$D/complementaire.csv" 2>"$T/err" || fail "--dir: code $? ($(cat "$T/err"))"
for c in facture longue complementaire; do
	cmp -s "$T/$c.pdf" "$T/lot/$c.pdf" || fail "--dir: $c.pdf différent"
	[ "$(stat -c %a "$T/lot/$c.pdf")" = 600 ] || fail "--dir: $c.pdf pas en 0600"
done
"$BIN/facturepdf" --duplicata --date 2026-12-05 --dir "$T/lotd" "$D/longue.csv" ||
    fail "--dir --duplicata: code $?"
cmp -s "$T/longue-duplicata.pdf" "$T/lotd/longue.pdf" || fail "--dir: duplicata différent"
cp "$D/vide.in" "$T/vide.csv"
rm -f "$T/lot"/*
"$BIN/facturepdf" --dir "$T/lot" "$D/facture.csv" "$T/vide.csv" "$D/longue.csv" \
    2>"$T/err"
rc=$?
[ "$rc" -eq 65 ] || fail "--dir, un extrait vide: code $rc, attendu 65"
grep -q "vide.csv: entrée vide" "$T/err" || fail "--dir, un extrait vide: $(cat "$T/err")"
[ "$(ls "$T/lot")" = "facture.pdf
longue.pdf" ] || fail "--dir, un extrait vide: $(ls "$T/lot" | tr '\n' ' ')"
"$BIN/facturepdf" --dir "$T/lot" 2>/dev/null
[ $? -eq 64 ] || fail "--dir sans extrait: code attendu 64"
echo "facturepdf: ok"
