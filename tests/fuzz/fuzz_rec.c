/*
 * libFuzzer target for the record codec: every line of the input is
 * decoded with a delimited and a fixed-width table covering every field
 * type; a record that decodes is encoded again and decoded once more, and
 * must give the same canonical values (the property the golden round trips
 * check on chosen files).  Build and run with `make fuzz`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "rec.h"

static const struct field delim[] = {
	{"1", "texte", "texte", FT_TEXT, 12, 0, 0, 0, 1, NULL, 0},
	{"2", "code", "code", FT_CODE, 1, 0, 0, 0, 0, "P|M|E", 0},
	{"3", "chiffres", "chiffres", FT_DIGITS, 5, 0, 0, 0, 0, NULL, 0},
	{"4", "entier", "entier", FT_INT, 6, 0, 0, 0, 0, NULL, 0},
	{"5", "decimal", "decimal", FT_DEC, 5, 2, 0, 0, 0, NULL, 0},
	{"6", "montant", "montant", FT_MONEY, 7, 2, 0, 0, 0, NULL, 0},
	{"7", "heures", "heures", FT_HOURS, 5, 2, 0, 0, 0, NULL, 0},
	{"8", "date", "date", FT_DATE, 10, 0, 0, 0, 0, "JJ/MM/AAAA", 0},
	{"9", "date2", "date2", FT_DATE, 8, 0, 0, 0, 0, "AAAAMMJJ", 0},
	{"10", "mois", "mois", FT_MONTH, 6, 0, 0, 0, 0, "AAAAMM", 0},
	{"11", "booleen", "booleen", FT_BOOL, 1, 0, 0, 0, 0, NULL, 0},
	{"12", "instant", "instant", FT_INSTANT, 25, 0, 0, 0, 0, NULL, 0},
};
static const struct field fixed[] = {
	{"1", NULL, "type", FT_CONST, 1, 0, 1, 1, 1, "3", 0},
	{"2", "texte", "texte", FT_TEXT, 10, 0, 2, 11, 0, NULL, 0},
	{"3", "chiffres", "chiffres", FT_DIGITS, 5, 0, 12, 16, 0, NULL, 0},
	{"4", "entier", "entier", FT_INT, 6, 0, 17, 22, 0, NULL, 0},
	{"5", "montant", "montant", FT_MONEY, 9, 2, 23, 31, 0, NULL, 0},
	{"6", "date", "date", FT_DATE, 8, 0, 32, 39, 0, "JJMMAAAA", 0},
	{"7", NULL, "filler", FT_FILLER, 3, 0, 40, 42, 0, NULL, 0},
	{"8", "code", "code", FT_CODE, 2, 0, 43, 44, 0, "01|02", 0},
};
static const struct recfmt rdelim = { NULL, "essai", delim,
	sizeof delim / sizeof delim[0], 0 };
static const struct recfmt rfixed = { NULL, "essai", fixed,
	sizeof fixed / sizeof fixed[0], 44 };

static struct codec cd, cf;

static void
roundtrip(const struct codec *c, const struct recfmt *r, const char *line,
    size_t len)
{
	struct row a = {0}, b = {0};
	struct buf wire = {0};
	const char **v;
	size_t i;

	if (rec_decode(c, r, line, len, &a) == 0) {
		v = calloc(r->nf, sizeof *v);
		for (i = 0; i < r->nf; i++)
			v[i] = a.v[i];
		if (rec_encode(c, r, v, a.len, &wire) != 0 ||
		    rec_decode(c, r, wire.p, wire.len, &b) != 0 || a.n != b.n)
			abort();
		for (i = 0; i < a.n; i++)
			if (a.len[i] != b.len[i] ||
			    memcmp(a.v[i], b.v[i], a.len[i]) != 0 ||
			    (r->f[i].type == FT_INSTANT && a.len[i] > 0 &&
			    a.t[i] != b.t[i]))
				abort();
		free(v);
	}
	row_free(&a);
	row_free(&b);
	buf_free(&wire);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;

	if (cd.eol == NULL) {
		diag_quiet(1);
		charset_open(&cd.cs, "WINDOWS-1252");
		charset_open(&cf.cs, "WINDOWS-1252");
		cd.sep = '|';
		cd.decsep = cf.decsep = '.';
		cd.eol = cf.eol = "\n";
	}
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		roundtrip(&cd, &rdelim, p, (size_t)(nl - p));
		roundtrip(&cf, &rfixed, p, (size_t)(nl - p));
		p = nl + 1;
	}
	return 0;
}
