#!/bin/sh
# flux2 emit --dir: one file per invoice, mode 0600, no temporary file left,
# and a second run never replaces an invoice already written.
B=${1:-build}
BIN=$(cd "$B/bin" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "ÉCHEC flux2-dir: $*"; exit 1; }

in=testdata/flux2/emit-dir.in
"$BIN/flux2" emit --dir "$T/out" <"$in" >"$T/list" 2>"$T/err" ||
    fail "premier envoi: code $? ($(cat "$T/err"))"
[ "$(wc -l <"$T/list")" -eq 2 ] || fail "2 factures attendues: $(cat "$T/list")"
[ "$(ls "$T/out" | wc -l)" -eq 2 ] || fail "fichiers en trop: $(ls "$T/out")"
for f in $(cat "$T/list"); do
	[ "$(stat -c %a "$f")" = 600 ] || fail "$f n'est pas en mode 0600"
	"$BIN/flux2" parse "$f" >/dev/null || fail "$f ne se relit pas"
done
[ "$(stat -c %a "$T/out")" = 700 ] || fail "répertoire pas en mode 0700"
cp -p "$T/out"/* "$T/"
"$BIN/flux2" emit --dir "$T/out" <"$in" >"$T/list2" 2>"$T/err2"
rc=$?
[ "$rc" -eq 65 ] || fail "second envoi: code $rc, attendu 65"
[ ! -s "$T/list2" ] || fail "second envoi: fichiers écrits: $(cat "$T/list2")"
[ "$(grep -c 'existe déjà' "$T/err2")" -eq 2 ] || fail "second envoi: $(cat "$T/err2")"
for f in "$T/out"/*; do
	cmp -s "$f" "$T/$(basename "$f")" || fail "$f a été remplacé"
done
echo "flux2-dir: ok"
