# Shared helpers for scripts/bench.d/*.sh (sourced by scripts/bench).
# bench_cmd LABEL INPUT CMD...: runs CMD <INPUT >$WORK/out RUNS times; prints
# the median wall time, throughput in MB/s of INPUT and peak RSS in KiB,
# and records the median in $WORK/t.LABEL for bench_ratio.
RUNS=${RUNS:-3}

bench_cmd() {
	label=$1 input=$2
	shift 2
	size=$(stat -c %s "$input")
	times=
	rss=0
	i=0
	while [ $i -lt "$RUNS" ]; do
		s=$(date +%s%N)
		/usr/bin/time -f %M -o "$WORK/rss" "$@" <"$input" >"$WORK/out" 2>"$WORK/err"
		e=$(date +%s%N)
		r=$(tail -n 1 "$WORK/rss")
		[ "$r" -gt "$rss" ] && rss=$r
		times="$times $(( (e - s) / 1000000 ))"
		i=$((i + 1))
	done
	med=$(printf '%s\n' $times | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	echo "$med" >"$WORK/t.$label"
	awk -v l="$label" -v ms="$med" -v sz="$size" -v rss="$rss" 'BEGIN {
		mbs = ms > 0 ? sz / 1e6 / (ms / 1000) : 0
		printf "  %-28s %8.3f s  %8.1f Mo/s  RSS max %6d Kio\n", l, ms / 1000, mbs, rss }'
}

# bench_ratio A B: how many times faster A is than B (median times).
bench_ratio() {
	awk -v a="$(cat "$WORK/t.$1")" -v b="$(cat "$WORK/t.$2")" -v la="$1" -v lb="$2" \
	    'BEGIN { printf "  ratio %s / %s : %.2f\n", lb, la, (a > 0 ? b / a : 0) }'
}
