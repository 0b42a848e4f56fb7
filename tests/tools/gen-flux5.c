/*
 * gen-flux5: a deterministic, entirely fictitious Flux 5 file (CESU
 * consommés, Windows-1252) for the golden tests and the benchmarks; its
 * line counts add up.
 *   gen-flux5 [-d DISPOSITIFS] DETAILS
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "out.h"
#include "gen.h"

static const char *affilies[] = { "AIDE \xc0 DOMICILE 11", "SAP LES C\xc8\x44RES",
	"", "ASSOCIATION FAMILLE", "M. L\xc9ON DURAND", "" };

int
main(int argc, char **argv)
{
	char rec[160];
	unsigned long n, nd = 3, d, k, lines = 0;
	unsigned q, v;
	int ch, len;
	struct out o;

	while ((ch = getopt(argc, argv, "d:")) != -1)
		if (ch == 'd')
			nd = strtoul(optarg, NULL, 10);
		else
			die(EX_USAGE, "usage: gen-flux5 [-d DISPOSITIFS] DETAILS");
	if (optind + 1 != argc || nd == 0)
		die(EX_USAGE, "usage: gen-flux5 [-d DISPOSITIFS] DETAILS");
	n = strtoul(argv[optind], NULL, 10);
	out_init(&o, 1, "la sortie standard");
	out_puts(&o, "12026010120260131 \n");
	lines++;
	for (d = 0; d < nd; d++) {
		unsigned long share = n / nd + (d < n % nd);

		len = snprintf(rec, sizeof rec, "2%05lu\n", 75001 + d);
		out_write(&o, rec, (size_t)len);
		for (k = 0; k < share; k++) {
			const char *a = affilies[rnd(6)];

			q = 1 + rnd(60);
			v = 1000 + 50 * rnd(30);
			len = snprintf(rec, sizeof rec,
			    "3%-15u%-20s022026%03u.%02u%07u%09u.%02u%02u2026%9s%-20s%02u\n",
			    (unsigned)(100000 + rnd(900000)), "CMD-2026-01", v / 100, v % 100,
			    q, q * v / 100, q * v % 100, 1 + rnd(12),
			    *a ? "123456789" : "", a, 1 + rnd(3));
			out_write(&o, rec, (size_t)len);
		}
		len = snprintf(rec, sizeof rec, "8%07lu\n", share + 2);
		out_write(&o, rec, (size_t)len);
		lines += share + 2;
	}
	len = snprintf(rec, sizeof rec, "9%07lu\n", lines + 1);
	out_write(&o, rec, (size_t)len);
	out_flush(&o);
	out_free(&o);
	return 0;
}
