#!/bin/sh
# flux6, flux81, flux82 through pipes, on generated files larger than the
# I/O buffers: verify-then-forward gives the input back, a recap off by
# one cent leaves nothing on stdout, rejects are private files.
B=${1:-build}
PATH=$(cd "$B/bin" && pwd):$(cd "$B/tools" && pwd):$PATH
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
no() { echo "ÉCHEC flux6-pipeline: $*"; fail=1; }

for f in flux6 flux81 flux82; do
	gen-cncesu $f 30000 >"$T/$f.txt"
	cat "$T/$f.txt" | $f parse | $f emit | cat >"$T/$f.back" ||
	    no "$f: parse | emit a échoué"
	cmp -s "$T/$f.txt" "$T/$f.back" || no "$f: l'aller-retour par tubes diffère"
	n=$($f parse <"$T/$f.txt" | wc -l)
	[ "$n" = 30001 ] || no "$f: $n lignes CSV, attendu 30001"
done

# The first FIC of a generated flux6, one cent short on zone 9.
awk -F';' -v OFS=';' '$1 == "FIC" && !done { $9 = sprintf("%011d", $9 - 1); done = 1 } 1' \
    "$T/flux6.txt" >"$T/cent.txt"
cat "$T/cent.txt" | flux6 parse --rejects "$T/rej" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 65 ] || no "centime: code de sortie $rc, attendu 65"
[ -s "$T/out" ] && no "centime: la sortie standard n'est pas vide"
grep -q 'champ FIC.9 (montant_prise_en_charge): récapitulatif FIC du type de prestation [123] ([A-Z ]*), zone 9: attendu [0-9]*\.[0-9][0-9] d.après les DET, trouvé «[0-9]*\.[0-9][0-9]»' "$T/err" ||
    no "centime: message inattendu: $(cat "$T/err")"
[ "$(stat -c %a "$T/rej")" = 600 ] || no "le fichier de rejets n'est pas en mode 0600"

# A DET in the middle with a letter in an amount: the whole file goes.
awk -F';' -v OFS=';' 'NR == 15000 { $14 = "00012X4" } 1' "$T/flux6.txt" |
    flux6 parse >"$T/out" 2>"$T/err"
[ $? = 65 ] && [ ! -s "$T/out" ] || no "montant non numérique: fichier non rejeté"

[ $fail = 0 ] && echo "flux6-pipeline: ok"
exit $fail
