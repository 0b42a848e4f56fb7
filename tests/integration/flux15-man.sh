#!/bin/sh
# The examples of the section-5 pages of flux15 and crcesu are the golden
# inputs they name, byte for byte: an integrator copying the page writes
# a file the tools accept.
B=${1:-build}
st=0 n=0
for page in man/flux15.5 man/crcesu.5; do
	for f in $(sed -n 's/^\.\\" exemple: //p' "$page"); do
		n=$((n + 1))
		awk -v f="$f" '
			$0 == ".\\\" exemple: " f { on = 1; next }
			on && /^\.Bd -literal/ { lit = 1; next }
			lit && /^\.Ed/ { exit }
			lit { sub(/^\\&/, ""); print }
		' "$page" >"$B/man-example"
		if ! cmp -s "$B/man-example" "$f"; then
			echo "ÉCHEC $page: l'exemple diffère de $f"
			diff -u "$f" "$B/man-example" | head -20
			st=1
		fi
		[ -f "${f%.in}.args" ] || { echo "ÉCHEC $page: $f n'est pas un cas golden"; st=1; }
	done
done
rm -f "$B/man-example"
[ "$n" -ge 6 ] || { echo "ÉCHEC: $n exemples trouvés dans les pages, 6 attendus au moins"; st=1; }
[ $st -ne 0 ] || echo "exemples des pages 5: $n identiques aux cas golden"
exit $st
