/*
 * gen-crcesu: a deterministic, entirely fictitious CRCESU daily return
 * for the benchmarks, with its FIN counts and total right.
 *   gen-crcesu [-s SEED] TITLES
 */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "out.h"
#include "gen.h"

static const char *affilies[] = { "ASSOCIATION AIDE ET DOMICILE PARIS 12",
	"DURAND MARIE", "DOMICILE SERVICES MANDATAIRE", "CCAS SECTION 18",
	"LEVEQUE NOE", "AIDE A LA PERSONNE EST PARISIEN" };
static const char types[] = "PEMPEP";

int
main(int argc, char **argv)
{
	struct buf l = {0};
	struct out o;
	unsigned long n, i;
	int64_t total = 0;
	int ch;

	err_setprog(argv[0]);
	while ((ch = getopt(argc, argv, "s:")) != -1) {
		if (ch != 's')
			die(EX_USAGE, "usage: gen-crcesu [-s graine] titres");
		gen_seed(optarg);
	}
	if (optind + 1 != argc)
		die(EX_USAGE, "usage: gen-crcesu [-s graine] titres");
	n = strtoul(argv[optind], NULL, 10);
	out_init(&o, 1, "la sortie standard");
	out_puts(&o, "DEBRCESACCO202611030004220261102\n");
	for (i = 0; i < n; i++) {
		unsigned a = rnd(6), v = 500 + 250 * rnd(8);

		total += v;
		buf_reset(&l);
		buf_addf(&l, "DET%015lu%-20s%-15s%-15u%07u202610%02u%09u%-38s%c%02u\n",
		    100000000000000UL + i, "CMD-2026-10-0001",
		    "CA00000000001", 100000 + rnd(900000), v, 1 + rnd(31),
		    123456000 + a, affilies[a], types[a], 1 + rnd(3));
		out_write(&o, l.p, l.len);
	}
	buf_reset(&l);
	buf_addf(&l, "FINRCESACCO2026110300042%08lu%09lu%013lld\n", n + 2, n,
	    (long long)total);
	out_write(&o, l.p, l.len);
	out_flush(&o);
	out_free(&o);
	buf_free(&l);
	return 0;
}
