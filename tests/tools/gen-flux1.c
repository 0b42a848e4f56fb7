/*
 * gen-flux1: a deterministic, entirely fictitious Flux 1 file for the demo
 * and the benchmarks (Windows-1252, accents on every line).
 *   gen-flux1 [-s SEED] [-c CRLF] LINES
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "charset.h"
#include "err.h"
#include "out.h"
#include "gen.h"

static const char *rues[] = { "rue de l'Église", "boulevard Saint-Michel",
	"rue des Écoles", "avenue de Clichy", "rue Beaubourg",
	"place d'Italie", "rue du Faubourg Saint-Antoine", "quai de la Gare" };
static const char *prest[] = { "AD1", "AD2", "AM1", "PCH", "GAR" };
static const char *period[] = { "ME", "HE", "ME", "ME" };

static void
date(struct buf *b, int y, int m, int d)
{
	buf_addf(b, "%02d/%02d/%04d", d, m, y);
}

int
main(int argc, char **argv)
{
	struct buf line = {0}, wire = {0};
	struct charset cs;
	struct out o;
	unsigned long n, i;
	int ch, crlf = 0;
	size_t bad;

	err_setprog(argv[0]);
	while ((ch = getopt(argc, argv, "s:c")) != -1) {
		switch (ch) {
		case 's': gen_seed(optarg); break;
		case 'c': crlf = 1; break;
		default: die(EX_USAGE, "usage: gen-flux1 [-s graine] [-c] lignes");
		}
	}
	if (optind + 1 != argc)
		die(EX_USAGE, "usage: gen-flux1 [-s graine] [-c] lignes");
	n = strtoul(argv[optind], NULL, 10);
	if (charset_open(&cs, "WINDOWS-1252") != 0)
		die(EX_OSERR, "iconv WINDOWS-1252 absent");
	out_init(&o, 1, "la sortie standard");
	for (i = 0; i < n; i++) {
		unsigned long benef = i / 3 + 1;
		int y = 2015 + (int)rnd(2), m = 1 + (int)rnd(12), d = 1 + (int)rnd(28);
		int tut = rnd(10) == 0, ev = rnd(12) == 0;
		int q = 500 + (int)rnd(6000), pct = (int)rnd(9000);
		/* A beneficiary's identity is the same on each of its lines. */
		uint32_t h = (uint32_t)(benef * 2654435761u);
		const char *nom = gen_noms[h % 16], *prenom = gen_prenoms[(h >> 8) % 16];
		int by = 1920 + (int)((h >> 12) % 30), bm = 1 + (int)((h >> 17) % 12),
		    bd = 1 + (int)((h >> 21) % 28);

		buf_reset(&line);
		buf_addf(&line, "T%05lu|APA75|P%013lu|%06lu|APA|D%05lu|P%05lu|",
		    benef % 100000, benef, benef % 1000000, benef % 100000,
		    i % 100000);
		date(&line, y, m, d);
		buf_addc(&line, '|');
		date(&line, y + 1, m, d);
		buf_addc(&line, '|');
		date(&line, y, m, d);
		buf_addc(&line, '|');
		date(&line, y + 1, m, d);
		buf_addf(&line, "|%d.%02d|%d.%02d|%d.%02d|%d.%02d|%d|0.00|%d.%02d|%d.%02d|",
		    q / 100, q % 100, q / 100, q % 100, q / 10, q % 10 * 10,
		    pct / 100, pct % 100, rnd(20) == 0, q * 2 / 100, q % 100,
		    q * 3 / 100, q % 100);
		buf_addf(&line, "%s|%s|%c|%s|%s|%s|", prest[rnd(5)], period[rnd(4)],
		    "PME"[rnd(3)], h & 1 ? "MME" : "M", nom, prenom);
		date(&line, by, bm, bd);
		buf_addf(&line, "|%d|%d %s||750%02d|PARIS|D%05lu|01%08u|06%08u|%c|",
		    1 + (int)rnd(6), 1 + (int)rnd(150), rues[rnd(8)],
		    1 + (int)rnd(20), benef % 100000, rnd(100000000),
		    rnd(100000000), tut ? 'T' : "BP"[rnd(2)]);
		if (ev) {
			buf_addf(&line, "%06u|1|", rnd(1000000));
			date(&line, y, m, d);
			buf_addc(&line, '|');
			date(&line, y, m, d < 20 ? d + 8 : 28);
		} else
			buf_adds(&line, "|||");
		if (tut)
			buf_adds(&line, "|U00001|M|Association tutélaire "
			    "de l'Île-de-France|Frédéric||0144000000||"
			    "3 rue Réaumur||75003|PARIS|");
		else
			buf_adds(&line, "||||||||||||");
		buf_addf(&line, "%d||", tut ? 2 : 1);
		date(&line, y, m, d);
		buf_addf(&line, "|%d.%02d|%d.%02d|%d.%02d|", 20 + (int)rnd(5),
		    (int)rnd(100), (int)rnd(5), (int)rnd(100), q / 100, q % 100);
		date(&line, y, m, d);
		buf_addf(&line, "|APA|INI|T%05u|Passages du matin, aide à la "
		    "toilette et aux repas|S%03u|||%s|%s|%s|%s||%s||Mme Bérénice "
		    "Durand|M. Noé Lévêque|%lu", rnd(100000), rnd(1000),
		    "01", "02", tut ? "TU" : "", tut ? "Mme Aïcha Benoît" : "",
		    rnd(4) == 0 ? nom : "", i + 1);
		buf_reset(&wire);
		if (charset_encode(&cs, line.p, line.len, &wire, &bad) != 0)
			die(EX_SOFTWARE, "ligne %lu non convertible", i + 1);
		out_write(&o, wire.p, wire.len);
		out_puts(&o, crlf ? "\r\n" : "\n");
	}
	out_flush(&o);
	out_free(&o);
	buf_free(&line);
	buf_free(&wire);
	charset_close(&cs);
	return 0;
}
