# flux82 parse against cat, wc -l, and the gawk program of flux81.sh, at the
# positions of `flux82 --schema`.
BENCH_FIXED_ONLY=1 . scripts/bench.d/flux81.sh
bench_fixed flux82 "${FLUX82_LINES:-800000}"
