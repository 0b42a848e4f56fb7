# Shared helpers for scripts/bench.d/*.sh (sourced by scripts/bench).
# bench_cmd LABEL INPUT CMD...: runs CMD <INPUT >$WORK/out RUNS times; prints
# the median wall time, the throughput of INPUT in MB/s, the median CPU time
# (user + system) and the peak RSS in KiB; records the medians for
# bench_ratio. On a shared machine the wall clock also counts the time other
# tenants hold the cores: the CPU ratio is the steadier figure.
RUNS=${RUNS:-3}

median() {
	sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

bench_cmd() {
	label=$1 input=$2
	shift 2
	size=$(stat -c %s "$input")
	: >"$WORK/w.$label"
	: >"$WORK/c.$label"
	rss=0
	i=0
	while [ $i -lt "$RUNS" ]; do
		# The last run's output is removed before the clock starts:
		# freeing its pages belongs to no command being measured.
		rm -f "$WORK/out"
		s=$(date +%s%N)
		/usr/bin/time -f '%M %U %S' -o "$WORK/rss" "$@" <"$input" \
		    >"$WORK/out" 2>"$WORK/err"
		e=$(date +%s%N)
		r=$(tail -n 1 "$WORK/rss")
		m=${r%% *}
		[ "$m" -gt "$rss" ] && rss=$m
		echo $(( (e - s) / 1000000 )) >>"$WORK/w.$label"
		echo "$r" | awk '{ printf "%d\n", ($2 + $3) * 1000 }' >>"$WORK/c.$label"
		i=$((i + 1))
	done
	median <"$WORK/w.$label" >"$WORK/t.$label"
	median <"$WORK/c.$label" >"$WORK/u.$label"
	awk -v l="$label" -v ms="$(cat "$WORK/t.$label")" -v cpu="$(cat "$WORK/u.$label")" \
	    -v sz="$size" -v rss="$rss" 'BEGIN {
		mbs = ms > 0 ? sz / 1e6 / (ms / 1000) : 0
		printf "  %-16s %8.3f s %8.1f Mo/s  cpu %7.2f s  RSS max %6d Kio\n",
		    l, ms / 1000, mbs, cpu / 1000, rss }'
}

# bench_ratio A B: how many times faster A is than B, on the median wall
# time and on the median CPU time.
bench_ratio() {
	awk -v a="$(cat "$WORK/t.$1")" -v b="$(cat "$WORK/t.$2")" \
	    -v ca="$(cat "$WORK/u.$1")" -v cb="$(cat "$WORK/u.$2")" \
	    -v la="$1" -v lb="$2" 'BEGIN {
		printf "  %s est %.2f fois plus rapide que %s (temps réel), %.2f fois (cpu)\n",
		    la, (a > 0 ? b / a : 0), lb, (ca > 0 ? cb / ca : 0) }'
}
