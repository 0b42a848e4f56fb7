/*
 * gen-cncesu: a deterministic, entirely fictitious CNCESU file for the
 * benchmarks: Flux 6 (with its recaps), Flux 8.1 or Flux 8.2.
 *   gen-cncesu flux6|flux81|flux82 DETAILS
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "out.h"
#include "gen.h"

static const char *noms[] = { "LEFEVRE", "MULLER", "DUPONT", "MARTIN",
	"N'DIAYE", "BENARD-LEGER", "GARCON", "ELUARD", "ROUSSEAU", "COEUR" };
static const char *prenoms[] = { "HELENE", "JEAN-FRANCOIS", "AISSATOU",
	"MARIE", "PIERRE", "LEON", "SUZANNE", "GERMAINE" };
static const char *voies[] = { "12 RUE DE L'EGLISE", "3 PLACE D'ITALIE",
	"5 BD SAINT-MICHEL", "8 AVENUE FELIX FAURE", "40 RUE DE VAUGIRARD" };

static struct out o;
static char line[1024];

static void
put(int n)
{
	out_write(&o, line, (size_t)n);
	out_putc(&o, '\n');
}

static void
flux6(unsigned long n)
{
	int64_t z[3][10] = {{0}};
	unsigned long i;
	uint32_t hmax;
	int t, nat, h, m, k;

	/* The recaps' hour totals have 9 digits: short visits for many. */
	hmax = n > 0 && 999999999 / n < 9025 ? (uint32_t)(999999999 / n) : 9025;
	if (hmax <= 25)
		die(EX_USAGE, "au plus %d détails", 999999999 / 26);
	put(snprintf(line, sizeof line, "DEB;FTCG;CG75;20161105;00007"));
	for (i = 0; i < n; i++) {
		t = (int)rnd(3);
		k = (int)rnd(10);
		nat = k < 8 ? 1 : k == 8 ? 2 : 3;
		h = (int)rnd(hmax - 25) + 25;
		m = h * 323 / 100;
		z[t][0]++;
		z[t][nat == 1 ? 1 : nat == 2 ? 4 : 6] += h;
		z[t][nat == 1 ? 2 : nat == 2 ? 5 : 7] += m;
		if (nat != 1)
			z[t][3]++;
		put(snprintf(line, sizeof line,
		    "DET;FTCG;CG75;20161105;00007;B%06lu;P%05u;E%013lu;%d;2016%02u;%07d;%07d;%07d;%07d;%d;201610",
		    i % 1000000, rnd(100000), i, t + 1, rnd(9) + 1,
		    h + 500, m + 1615, h, m, nat));
	}
	for (t = 0; t < 3; t++) {
		if (z[t][0] == 0)
			continue;
		put(snprintf(line, sizeof line,
		    "FIC;FTCG;CG75;20161105;00007;%d;%09lld;%09lld;%011lld;%09lld;%09lld;%011lld;%09lld;%011lld;%011lld;20161125",
		    t + 1, (long long)z[t][0], (long long)z[t][1],
		    (long long)z[t][2], (long long)z[t][3], (long long)z[t][4],
		    (long long)z[t][5], (long long)z[t][6], (long long)z[t][7],
		    (long long)(z[t][2] + z[t][5] - z[t][7])));
		n++;
	}
	put(snprintf(line, sizeof line, "FIN;FTCG;CG75;20161105;00007;%08lu",
	    n + 2));
}

static void
flux81(unsigned long n)
{
	unsigned long i;

	put(snprintf(line, sizeof line, "DEBECPFACCO2016110300012%105s", ""));
	for (i = 0; i < n; i++)
		put(snprintf(line, sizeof line,
		    "DETECPFACCO2016110300012075B%-31luP%-31u201610%07u%07u%09u%09u",
		    i, rnd(100000), rnd(20000), rnd(20000), rnd(900000),
		    rnd(900000)));
	put(snprintf(line, sizeof line, "FINECPFACCO2016110300012%08lu%97s",
	    n + 2, ""));
}

static void
flux82(unsigned long n)
{
	unsigned long i;

	put(snprintf(line, sizeof line, "DEBTPCGCG752016110200042%634s", ""));
	for (i = 0; i < n; i++)
		put(snprintf(line, sizeof line,
		    "DETTPCGCG752016110200042B%-31luP%-31u%-14s%u%-30s%-30s%-30s19%02u%02u%02u%-30s%-15s%-38s%-38s%-38s750%02u%-32s%-38s%-38s%-38s%-38s%-5s%-32s%c2016%02u%u%u%u2016%02u01%c%07u%07u%05u%07u%05u%07u%07u2017%02u%02u",
		    i, rnd(100000), i % 3 ? "" : "E12345678901", rnd(3) + 1,
		    noms[rnd(10)], i % 4 ? "" : noms[rnd(10)],
		    prenoms[rnd(8)], rnd(70) + 20, rnd(12) + 1, rnd(28) + 1,
		    "PARIS", "", "", voies[rnd(5)], "", rnd(20) + 1, "PARIS",
		    "", "", "", "", "", "", rnd(2) ? 'O' : 'N', rnd(12) + 1,
		    rnd(3) + 1, rnd(2) + 1, rnd(3) + 1, rnd(12) + 1,
		    rnd(2) ? 'O' : 'N', rnd(9000), rnd(9000), rnd(2000) + 900,
		    rnd(500000), rnd(10000), rnd(500000), rnd(100000),
		    rnd(12) + 1, rnd(28) + 1));
	put(snprintf(line, sizeof line, "FINTPCGCG752016110200042%08lu%626s",
	    n + 2, ""));
}

int
main(int argc, char **argv)
{
	unsigned long n;

	err_setprog(argv[0]);
	if (argc != 3)
		die(EX_USAGE, "usage: gen-cncesu flux6|flux81|flux82 DETAILS");
	n = strtoul(argv[2], NULL, 10);
	if (n > 99999990)	/* the FIN's count has 8 digits */
		die(EX_USAGE, "au plus 99999990 détails");
	out_init(&o, 1, "la sortie standard");
	if (strcmp(argv[1], "flux6") == 0)
		flux6(n);
	else if (strcmp(argv[1], "flux81") == 0)
		flux81(n);
	else if (strcmp(argv[1], "flux82") == 0)
		flux82(n);
	else
		die(EX_USAGE, "flux inconnu: %s", argv[1]);
	out_flush(&o);
	return 0;
}
