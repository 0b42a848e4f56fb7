/*
 * gen-sadlog: a deterministic, entirely fictitious SALSA invoice
 * integration log of about LINES records for the benchmarks: invoices
 * accepted (type 1 OK) or rejected (type 1 KO followed by 1 to 199
 * rejected beneficiaries, type 2), ';'-separated, JJ/MM/AAAA dates,
 * decimal comma, Windows-1252.
 *   gen-sadlog LINES
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "charset.h"
#include "err.h"
#include "out.h"
#include "gen.h"

static const char *sad[] = { "Aide à domicile Étoile", "Services Saint-Éloi",
	"Âge d'or Services", "Domicile & Présence", "Les Aînés de Bercy" };
static const char *motifs[] = { "Bénéficiaire inconnu dans SALSA",
	"Plan d'aide échu - prestation non prévue", "Quantité supérieure au plan",
	"Montant différent du montant attendu" };
static const char *aides[] = { "APA75", "PCHEU", "AMPH", "ASL" };

static void
put(struct out *o, struct charset *cs, struct buf *line, struct buf *wire)
{
	size_t bad;

	buf_reset(wire);
	if (charset_encode(cs, line->p, line->len, wire, &bad) != 0)
		die(EX_SOFTWARE, "ligne non convertible");
	out_write(o, wire->p, wire->len);
	out_putc(o, '\n');
}

int
main(int argc, char **argv)
{
	struct buf line = {0}, wire = {0};
	struct charset cs;
	struct out o;
	unsigned long n, i = 0, f = 0;
	uint32_t k, nk, s, a, q, m;

	err_setprog(argv[0]);
	if (argc != 2)
		die(EX_USAGE, "usage: gen-sadlog lignes");
	n = strtoul(argv[1], NULL, 10);
	if (charset_open(&cs, "WINDOWS-1252") != 0)
		die(EX_OSERR, "iconv WINDOWS-1252 absent");
	out_init(&o, 1, "la sortie standard");
	while (i < n) {
		int ko = rnd(5) < 2;

		f++;
		s = rnd(5);
		a = rnd(4);
		buf_reset(&line);
		buf_addf(&line, "1;%02u/04/2016;05/04/2016;FA%09lu;%s;01/03/2016;"
		    "31/03/2016;%s;%s;;;;;;;", 6 + rnd(20), f, sad[s], aides[a],
		    ko ? "KO" : "OK");
		put(&o, &cs, &line, &wire);
		i++;
		nk = ko ? 1 + rnd(199) : 0;
		for (k = 0; k < nk && i < n; k++, i++) {
			q = 25 + rnd(9000);
			m = q * (1800 + rnd(600)) / 100;
			buf_reset(&line);
			buf_addf(&line, "2;;;FA%09lu;%s;;;%s;;%06u;%s;%s;%s;%u,%02u;"
			    "%u,%02u;", f, sad[s], aides[a], 100000 + rnd(900000),
			    rnd(8) ? gen_noms[rnd(16)] : "", gen_prenoms[rnd(16)],
			    motifs[rnd(4)], q / 100, q % 100, m / 100, m % 100);
			if (rnd(3))
				buf_addf(&line, "%u,%02u", m * 9 / 1000, m * 9 / 10 % 100);
			put(&o, &cs, &line, &wire);
		}
	}
	out_flush(&o);
	out_free(&o);
	buf_free(&line);
	buf_free(&wire);
	charset_close(&cs);
	return 0;
}
