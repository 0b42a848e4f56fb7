# Cost must grow with the file, not with the ledger (issue 11): the month
# through integrer (registre.sh part 2: April into the ledger of March,
# every file as cesutg-recevoir orders them) at each scale of ECHELLES
# (default "1 10"), each in its own cluster, then per kind and in total
# the ratio of the last scale to the first (goal: scale 10 <= 11 times
# scale 1), the server's and the client's CPU and the peak memory of a
# server process at each. A scale-10 round takes 20 minutes and more
# (fluxgen, the ledger of March, then April): it runs only when asked
# for, BENCH=echelle.
[ "${BENCH:-}" = echelle ] || { echo "  (seulement avec BENCH=echelle : 20 min et plus)"; return 0; }
ECH=${ECHELLES:-1 10}
chmod 755 "$WORK"	# each cluster runs as postgres when we are root
for e in $ECH; do
	mkdir -p "$WORK/e$e"
	( WORK=$WORK/e$e REGISTRE_SCALE=$e REGISTRE_PARTIE=2
	  MONTH_RUNS=${MONTH_RUNS:-1}
	  . scripts/bench.d/registre.sh ) >"$WORK/e$e.out" 2>&1
	sed 's/^/  [scale '"$e"'] /' "$WORK/e$e.out"
done
# Per kind: "scale kind files seconds" from each table; the totals; the
# CPU and memory line.
for e in $ECH; do
	awk -v e="$e" '$1 == "nature" { t = 1; next } t && $1 == "TOTAL" { print e, "TOTAL", "-", $2; t = 0 }
	    t && NF == 7 { print e, $1, $2, $3 }' "$WORK/e$e.out"
done >"$WORK/echelles"
set -- $ECH
p=$1
for d; do :; done
echo "  un mois par integrer, scale $d contre scale $p (objectif <= 11 pour 10 contre 1) :"
awk -v p="$p" -v d="$d" -v ech="$ECH" '
	{ s[$1, $2] = $4; f[$1, $2] = $3; if (!($2 in vu)) { vu[$2]; o[++n] = $2 } }
	END {
		m = split(ech, e, " ")
		printf "  %-17s", "nature"
		for (i = 1; i <= m; i++) printf " %6s %9s", "fich.", "scale " e[i]
		printf " %8s\n", d "/" p
		for (j = 1; j <= n; j++) {
			k = o[j]; printf "  %-17s", k
			for (i = 1; i <= m; i++) printf " %6s %8.1fs", f[e[i], k], s[e[i], k]
			printf " %7.2f×\n", (s[p, k] > 0 ? s[d, k] / s[p, k] : 0)
		}
	}' "$WORK/echelles"
for e in "$p" "$d"; do grep -h 'integrer, scale' "$WORK/e$e.out"; done |
    sed 's/.*CPU serveur \([0-9.]*\) s, CPU client \([0-9.]*\) s.*/\1 \2/' |
    awk 'NR == 1 { s = $1; c = $2 } NR == 2 && s > 0 && c > 0 {
	printf "  CPU, scale %s contre %s : serveur %.2f×, client %.2f×, total %.2f×\n",
	    d, p, $1 / s, $2 / c, ($1 + $2) / (s + c) }' d="$d" p="$p"
grep -h 'integrer, scale' "$WORK"/e*.out || true
