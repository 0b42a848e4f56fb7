# Shared helpers for scripts/bench.d/*.sh (sourced by scripts/bench).
# bench_add LABEL INPUT CMD...: queues CMD, to run <INPUT >$WORK/out.
# bench_run: runs the queued commands in turn, RUNS rounds of one run
# each (interleaved: a change of the machine's load falls on all of them
# alike), then prints for each the median wall time, the throughput of
# INPUT in MB/s, the median CPU time (user + system) and the peak RSS in
# KiB, and records the medians for bench_ratio. $WORK/out is then the
# output of the last command queued. On a shared machine the wall clock
# also counts the time other tenants hold the cores: the CPU ratio is the
# steadier figure.
# bench_cmd LABEL INPUT CMD...: bench_add and bench_run of one command.
RUNS=${RUNS:-5}
BENCH_Q=

median() {
	sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

bench_add() {
	label=$1
	printf '%s\n' "$2" >"$WORK/i.$label"
	shift 2
	: >"$WORK/q.$label"
	for a; do
		printf "'%s' " "$(printf '%s' "$a" | sed "s/'/'\\\\''/g")" >>"$WORK/q.$label"
	done
	: >"$WORK/w.$label"
	: >"$WORK/c.$label"
	echo 0 >"$WORK/m.$label"
	BENCH_Q="$BENCH_Q $label"
}

bench_once() {
	label=$1
	input=$(cat "$WORK/i.$label")
	# The last run's output is removed before the clock starts: freeing
	# its pages belongs to no command being measured.
	rm -f "$WORK/out"
	s=$(date +%s%N)
	eval "/usr/bin/time -f '%M %U %S' -o \"\$WORK/rss\" $(cat "$WORK/q.$label")" \
	    <"$input" >"$WORK/out" 2>"$WORK/err"
	e=$(date +%s%N)
	r=$(tail -n 1 "$WORK/rss")
	m=${r%% *}
	[ "$m" -gt "$(cat "$WORK/m.$label")" ] && echo "$m" >"$WORK/m.$label"
	echo $(( (e - s) / 1000000 )) >>"$WORK/w.$label"
	echo "$r" | awk '{ printf "%d\n", ($2 + $3) * 1000 }' >>"$WORK/c.$label"
}

bench_run() {
	i=0
	while [ $i -lt "$RUNS" ]; do
		for l in $BENCH_Q; do
			bench_once "$l"
		done
		i=$((i + 1))
	done
	for l in $BENCH_Q; do
		median <"$WORK/w.$l" >"$WORK/t.$l"
		median <"$WORK/c.$l" >"$WORK/u.$l"
		awk -v l="$l" -v ms="$(cat "$WORK/t.$l")" -v cpu="$(cat "$WORK/u.$l")" \
		    -v sz="$(stat -c %s "$(cat "$WORK/i.$l")")" \
		    -v rss="$(cat "$WORK/m.$l")" 'BEGIN {
			mbs = ms > 0 ? sz / 1e6 / (ms / 1000) : 0
			printf "  %-16s %8.3f s %8.1f Mo/s  cpu %7.2f s  RSS max %6d Kio\n",
			    l, ms / 1000, mbs, cpu / 1000, rss }'
	done
	BENCH_Q=
}

bench_cmd() {
	bench_add "$@"
	bench_run
}

# bench_floors INPUT: queues cat and wc -l of INPUT, the I/O floor.
bench_floors() {
	bench_add cat "$1" cat
	bench_add wc-l "$1" wc -l
}

# bench_mlr INPUT FS: queues Miller splitting INPUT on FS (a Miller
# separator name) and writing the fields as CSV, quoted where needed.
bench_mlr() {
	bench_add mlr "$1" mlr --icsv --ifs "$2" --implicit-csv-header \
	    --headerless-csv-output --allow-ragged-csv-input --ocsv cat
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

# spool_ordre DIR: "flux kind date name" of each file of DIR, in the order
# cesutg-recevoir takes a spool holding them all (cesutg_ordre); a file it
# cannot place is told on stderr and left out. Needs scripts/cesutg-lib.sh
# sourced.
spool_ordre() {
	cesutg_ordre "$1"/* | while read -r _fl _k _d _b; do
		if [ "$_fl" = - ]; then
			echo "$1/$_b : $(cesutg_reconnaitre "$1/$_b")" >&2
		else
			echo "$_fl $_k $_d $_b"
		fi
	done
}
