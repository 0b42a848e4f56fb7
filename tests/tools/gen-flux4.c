/*
 * gen-flux4: a deterministic, entirely fictitious Flux 4 file (commandes
 * CESU, Windows-1252, accents in names) for the golden tests and the
 * benchmarks; its footers add up.
 *   gen-flux4 [-b BRANCHES] CARNETS
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "out.h"
#include "gen.h"

static const char *noms[] = { "Lef\xe8vre", "M\xfcller", "Dupont", "Martin",
	"N'Diaye", "B\xe9nard-L\xe9ger", "Gar\xe7on", "\xc9luard", "Rousseau",
	"C\x9cur", "Lambert", "Fournier", "Girard", "Morel", "Mercier" };
static const char *prenoms[] = { "Jos\xe9phine", "Andr\xe9", "Ma\xeft\xe9",
	"Fran\xe7oise", "Jean", "H\xe9l\xe8ne", "Lucien", "No\xebl", "Ad\xe8le" };
static const char *voies[] = { "RUE DE LA ROQUETTE", "AVENUE PARMENTIER",
	"BOULEVARD VOLTAIRE", "RUE DES PYR\xc9N\xc9\x45S", "PLACE D'ITALIE" };

static struct out o;
static unsigned long lines;

/* Writes s left-aligned into rec at 1-based positions a..b. */
static void
put(char *rec, int a, int b, const char *s)
{
	size_t n = strlen(s), w = (size_t)(b - a + 1);

	memcpy(rec + a - 1, s, n < w ? n : w);
}

/* A number that does not fit its zone is an error, never cut short. */
static void
num(char *rec, int a, int b, unsigned long long v)
{
	char tmp[32];

	if (snprintf(tmp, sizeof tmp, "%0*llu", b - a + 1, v) > b - a + 1)
		die(EX_USAGE, "%llu ne tient pas dans les positions %d-%d: moins de carnets",
		    v, a, b);
	put(rec, a, b, tmp);
}

static void
line(char *rec, int w)
{
	out_write(&o, rec, (size_t)w);
	out_putc(&o, '\n');
	lines++;
	memset(rec, ' ', 1024);
}

int
main(int argc, char **argv)
{
	char rec[1024], tmp[64];
	unsigned long ncarnets, nb = 2, b, c, k, nt, done = 0;
	unsigned long long ot = 0, om = 0, oc = 0, bt, bm, bc, ct, cm;
	int ch, y, m, t;
	uint32_t maxn;
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	err_setprog(argv[0]);
	while ((ch = getopt(argc, argv, "b:")) != -1)
		if (ch == 'b')
			nb = strtoul(optarg, NULL, 10);
		else
			die(EX_USAGE, "usage: gen-flux4 [-b SUCCURSALES] CARNETS");
	if (optind + 1 != argc || nb == 0)
		die(EX_USAGE, "usage: gen-flux4 [-b SUCCURSALES] CARNETS");
	ncarnets = strtoul(argv[optind], NULL, 10);
	/* The order's title count (8.2) has 7 digits, a carnet 3 lines. */
	if (ncarnets > 9999999 / 3)
		die(EX_USAGE, "au plus %d carnets", 9999999 / 3);
	maxn = ncarnets ? 9999999 / (3 * ncarnets) : 40;
	if (maxn > 40)
		maxn = 40;
	out_init(&o, 1, "la sortie standard");
	memset(rec, ' ', sizeof rec);
	put(rec, 1, 1, "1"); put(rec, 2, 9, "15012026"); put(rec, 10, 39, "SALSA");
	line(rec, 39);
	put(rec, 1, 1, "2"); put(rec, 2, 6, "75001");
	put(rec, 7, 38, "D\xc9PARTEMENT DE PARIS - DASES");
	put(rec, 39, 58, "COMMANDE 01/2026"); put(rec, 280, 281, "01");
	line(rec, 281);
	for (b = 0; b < nb; b++) {
		unsigned long share = ncarnets / nb + (b < ncarnets % nb);

		put(rec, 1, 1, "3"); put(rec, 2, 6, "75001"); num(rec, 7, 9, b + 1);
		line(rec, 185);
		bt = bm = bc = 0;
		for (c = 0; c < share; c++, done++) {
			put(rec, 1, 1, "4"); put(rec, 2, 6, "75001");
			num(rec, 7, 9, b + 1); num(rec, 10, 13, c % 9999 + 1);
			num(rec, 14, 18, 1);
			snprintf(tmp, sizeof tmp, "%lu", 100000 + done);
			put(rec, 19, 33, tmp);
			num(rec, 34, 34, 1 + rnd(2));
			put(rec, 35, 66, noms[rnd(sizeof noms / sizeof noms[0])]);
			put(rec, 67, 98, prenoms[rnd(sizeof prenoms / sizeof prenoms[0])]);
			snprintf(tmp, sizeof tmp, "%02u%02u%04u", 1 + rnd(28),
			    1 + rnd(12), 1920 + rnd(60));
			put(rec, 99, 106, tmp);
			snprintf(tmp, sizeof tmp, "%u %s", 1 + rnd(200),
			    voies[rnd(sizeof voies / sizeof voies[0])]);
			put(rec, 116, 142, tmp);
			if (rnd(4) == 0)
				put(rec, 143, 180, "B\xc2TIMENT B, ESCALIER 2");
			snprintf(tmp, sizeof tmp, "750%02u", 1 + rnd(20));
			put(rec, 219, 223, tmp);
			put(rec, 256, 260, tmp); put(rec, 261, 292, "PARIS");
			if (rnd(5) == 0) {
				put(rec, 488, 488, "2");
				put(rec, 489, 520, "ASSOCIATION TUT\xc9LAIRE");
				put(rec, 562, 588, "12 RUE DU FAUBOURG");
				put(rec, 665, 669, "75010"); put(rec, 670, 701, "PARIS");
			}
			put(rec, 859, 866, "01012026"); put(rec, 867, 874, "31122026");
			put(rec, 875, 875, "N");
			snprintf(tmp, sizeof tmp, "%lu", 500000 + done);
			put(rec, 876, 895, tmp);
			line(rec, 895);
			ct = cm = 0;
			nt = 1 + rnd(3);
			for (k = 0; k < nt; k++) {
				unsigned n = 1 + rnd(maxn), v = 1000 + 50 * rnd(30);

				put(rec, 1, 1, "5"); put(rec, 2, 6, "75001");
				num(rec, 7, 9, b + 1); num(rec, 10, 13, c % 9999 + 1);
				num(rec, 14, 15, n); num(rec, 16, 20, v);
				num(rec, 21, 25, 0);
				y = 2025 + (int)rnd(2); m = 1 + (int)rnd(12);
				t = m == 12 ? 1 : m + 1;
				snprintf(tmp, sizeof tmp, "%02d%02d%04d",
				    dm[t - 1] + (t == 2 && (y + (m == 12)) % 4 == 0),
				    t, y + (m == 12));
				put(rec, 26, 33, tmp);
				put(rec, 40, 79, "AIDE \xc0 DOMICILE");
				snprintf(tmp, sizeof tmp, "%04d%02d", y, m);
				put(rec, 80, 85, tmp);
				line(rec, 85);
				ct += n;
				cm += (unsigned long long)n * v;
			}
			put(rec, 1, 1, "6"); num(rec, 2, 8, ct); num(rec, 9, 19, cm);
			line(rec, 19);
			bt += ct; bm += cm; bc++;
		}
		put(rec, 1, 1, "7"); num(rec, 2, 8, bt); num(rec, 9, 19, bm);
		num(rec, 20, 30, 0); num(rec, 31, 39, bc);
		line(rec, 39);
		ot += bt; om += bm; oc += bc;
	}
	put(rec, 1, 1, "8"); num(rec, 2, 8, ot); num(rec, 9, 19, om);
	num(rec, 20, 30, 0); num(rec, 31, 39, oc);
	line(rec, 39);
	put(rec, 1, 1, "9"); num(rec, 2, 8, lines + 1);
	line(rec, 8);
	out_flush(&o);
	return 0;
}
