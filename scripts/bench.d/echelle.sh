# Cost must grow with the file, not with the ledger (issue 11): the month
# through integrer (registre.sh part 2: April into the ledger of March,
# every file as cesutg-recevoir orders them) at each scale of ECHELLES
# (default "1 4 10"), each in its own cluster, then per kind and in total
# the ratio of each scale to the first (goal: scale 10 <= 11 times scale
# 1), the server's and the client's CPU, and the peak memory of a server
# process at each (goal: flat). A scale-10 round takes 20 minutes and more
# (fluxgen, the ledger of March, then April): it runs only when asked
# for, BENCH=echelle.
[ "${BENCH:-}" = echelle ] || { echo "  (seulement avec BENCH=echelle : 20 min et plus)"; return 0; }
ECH=${ECHELLES:-1 4 10}
chmod 755 "$WORK"	# each cluster runs as postgres when we are root
for e in $ECH; do
	mkdir -p "$WORK/e$e"
	( WORK=$WORK/e$e REGISTRE_SCALE=$e REGISTRE_PARTIE=2
	  MONTH_RUNS=${MONTH_RUNS:-1}
	  . scripts/bench.d/registre.sh ) >"$WORK/e$e.out" 2>&1
	sed 's/^/  [scale '"$e"'] /' "$WORK/e$e.out"
	rm -rf "$WORK/e$e"	# disk: a scale-10 cluster is some 10 GB
done
# Per kind: "scale kind files seconds" from each table; the totals; the
# CPU and memory line: "scale server-s client-s vmrss-MB rssanon-MB".
for e in $ECH; do
	awk -v e="$e" '$1 == "nature" { t = 1; next } t && $1 == "TOTAL" { print e, "TOTAL", "-", $2; t = 0 }
	    t && $2 ~ /^[0-9]+$/ { print e, $1, $2, $3 }' "$WORK/e$e.out"
done >"$WORK/echelles"
for e in $ECH; do
	grep -h 'integrer, scale' "$WORK/e$e.out" | sed 's/.*CPU serveur \([0-9.]*\) s, CPU client \([0-9.]*\) s.*session RSS \([0-9]*\) Mo.*(RssAnon) \([0-9]*\) Mo.*/\1 \2 \3 \4/' |
	    awk -v e="$e" 'NF == 4 { print e, $0 }'
done >"$WORK/cpumem"
set -- $ECH
p=$1
for d; do :; done
# Each scale against the first: per kind, the total, the CPU (goal: scale
# 10 <= 11 times scale 1), and the peak memory of a server process (goal:
# flat). VmRSS counts the shared buffers a process touched (at most
# shared_buffers, the cache all of them share); RssAnon, its private
# memory, is what grows with a statement's work.
echo "  un mois par integrer, chaque scale contre scale $p (objectif : scale 10 <= 11 × scale 1) :"
awk -v p="$p" -v ech="$ECH" '
	FILENAME ~ /echelles$/ { s[$1, $2] = $4; f[$1, $2] = $3; if (!($2 in vu)) { vu[$2]; o[++n] = $2 }; next }
	{ cs[$1] = $2; cc[$1] = $3; rss[$1] = $4; anon[$1] = $5 }
	END {
		m = split(ech, e, " ")
		printf "  %-17s", "nature"
		for (i = 1; i <= m; i++) printf " %6s %9s", "fich.", "scale " e[i]
		for (i = 2; i <= m; i++) printf " %7s", e[i] "/" p
		printf "\n"
		for (j = 1; j <= n; j++) {
			k = o[j]; printf "  %-17s", k
			for (i = 1; i <= m; i++) printf " %6s %8.1fs", f[e[i], k], s[e[i], k]
			for (i = 2; i <= m; i++) printf " %6.2f×", (s[p, k] > 0 ? s[e[i], k] / s[p, k] : 0)
			printf "\n"
		}
		for (i = 2; i <= m; i++) {
			x = e[i]
			if (!(x in cs) || !(p in cs) || cs[p] + cc[p] == 0) continue
			printf "  scale %s contre %s : mur %.2f×, CPU serveur %.2f×, CPU client %.2f×, CPU total %.2f×\n",
			    x, p, (s[p, "TOTAL"] > 0 ? s[x, "TOTAL"] / s[p, "TOTAL"] : 0),
			    (cs[p] > 0 ? cs[x] / cs[p] : 0), (cc[p] > 0 ? cc[x] / cc[p] : 0),
			    (cs[x] + cc[x]) / (cs[p] + cc[p])
		}
		printf "  mémoire max d'\''un processus serveur (VmRSS / RssAnon) :"
		for (i = 1; i <= m; i++) if (e[i] in rss)
			printf "%s scale %s %d / %d Mo", (i > 1 ? "," : ""), e[i], rss[e[i]], anon[e[i]]
		for (i = 2; i <= m; i++) if ((e[i] in anon) && anon[p] > 0)
			printf " ; RssAnon %s/%s %.2f×", e[i], p, anon[e[i]] / anon[p]
		printf "\n"
	}' "$WORK/echelles" "$WORK/cpumem"
grep -h 'integrer, scale' "$WORK"/e*.out || true
