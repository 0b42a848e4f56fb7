/*
 * gen-flux2: a deterministic, entirely fictitious Flux 2 invoice (one
 * header, then LINES details) for the benchmarks, in Windows-1252 with
 * accents on most lines.
 *   gen-flux2 LINES
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "charset.h"
#include "err.h"
#include "out.h"
#include "gen.h"

static const char *prest[][2] = { { "AD1", "Aide à domicile" },
	{ "AD2", "Aide à domicile renforcée" }, { "AM1", "Aide ménagère" },
	{ "GAR", "Garde de nuit" }, { "ACC", "Accompagnement" } };

int
main(int argc, char **argv)
{
	struct buf line = {0}, wire = {0};
	struct charset cs;
	struct out o;
	unsigned long n, i;
	size_t bad;

	err_setprog(argv[0]);
	if (argc != 2)
		die(EX_USAGE, "usage: gen-flux2 lignes");
	n = strtoul(argv[1], NULL, 10);
	if (charset_open(&cs, "WINDOWS-1252") != 0)
		die(EX_OSERR, "iconv WINDOWS-1252 absent");
	out_init(&o, 1, "la sortie standard");
	for (i = 0; i <= n; i++) {
		int d = 1 + (int)rnd(28), q = 25 + (int)rnd(9000), k = (int)rnd(5);
		int tarif = 1800 + (int)rnd(600);

		buf_reset(&line);
		if (i == 0)
			buf_adds(&line, "1|012345|P|Aide à domicile Étoile|"
			    "FA-2016-03-0042|20160405|20160301|20160331|APA75|1");
		else
			buf_addf(&line, "2|%06lu|%s|%s|19%02u%02u%02u|%s|%s|"
			    "201603%02d|201603%02d|%d.%02d|%lld.%02lld|%c|%d.%02d",
			    100000 + i % 900000, gen_noms[rnd(16)], gen_prenoms[rnd(16)],
			    20 + rnd(40), 1 + rnd(12), 1 + rnd(28), prest[k][0],
			    rnd(4) ? prest[k][1] : "", d, d + (int)rnd(4),
			    q / 100, q % 100, (long long)q * tarif / 10000,
			    (long long)q * tarif / 100 % 100, "NCN"[rnd(3)],
			    tarif / 100, tarif % 100);
		buf_reset(&wire);
		if (charset_encode(&cs, line.p, line.len, &wire, &bad) != 0)
			die(EX_SOFTWARE, "ligne %lu non convertible", i + 1);
		out_write(&o, wire.p, wire.len);
		out_putc(&o, '\n');
	}
	out_flush(&o);
	out_free(&o);
	buf_free(&line);
	buf_free(&wire);
	charset_close(&cs);
	return 0;
}
