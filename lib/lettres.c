/*
 * French amounts in figures and in words. Negative amounts (a credit) are
 * written with a leading "-" / "moins". Output longer than the buffer is
 * cut, always NUL-terminated.
 */
#include <stdio.h>
#include <string.h>

#include "lettres.h"

#define NNBSP	"\xe2\x80\xaf"	/* U+202F narrow no-break space */
#define NBSP	"\xc2\xa0"	/* U+00A0 no-break space */

/* A bounded string being appended to. */
struct sortie {
	char	*p;
	size_t	 n;
	size_t	 len;
};

static void
ajoute(struct sortie *s, const char *t)
{
	size_t l = strlen(t);

	if (s->n == 0)
		return;
	if (s->len + l >= s->n)
		l = s->n - 1 - s->len;
	memcpy(s->p + s->len, t, l);
	s->len += l;
	s->p[s->len] = '\0';
}

char *
montant_affiche(long long cents, char *buf, size_t n)
{
	struct sortie s = {buf, n, 0};
	unsigned long long v, e;
	char chiffres[32], t[8];
	size_t l, i;

	if (n > 0)
		buf[0] = '\0';
	v = cents < 0 ? 0ULL - (unsigned long long)cents : (unsigned long long)cents;
	e = v / 100;
	if (cents < 0)
		ajoute(&s, "-");
	l = (size_t)snprintf(chiffres, sizeof chiffres, "%llu", e);
	for (i = 0; i < l; i++) {
		if (i > 0 && (l - i) % 3 == 0)
			ajoute(&s, NNBSP);
		t[0] = chiffres[i];
		t[1] = '\0';
		ajoute(&s, t);
	}
	snprintf(t, sizeof t, ",%02llu", v % 100);
	ajoute(&s, t);
	ajoute(&s, NBSP "\xe2\x82\xac");	/* € */
	return buf;
}

static const char *const unites[] = {
	"zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit",
	"neuf", "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize",
	"dix-sept", "dix-huit", "dix-neuf"
};
static const char *const dizaines[] = {
	"", "", "vingt", "trente", "quarante", "cinquante", "soixante",
	"soixante", "quatre-vingt", "quatre-vingt"
};

/*
 * 1..999. final: nothing follows but a noun ("millions", "euros"), so
 * "quatre-vingts" and "deux cents" take their s; before "mille" they do
 * not.
 */
static void
centaine(struct sortie *s, unsigned v, int final)
{
	unsigned c = v / 100, r = v % 100, d, u;

	if (c > 0) {
		if (c > 1) {
			ajoute(s, unites[c]);
			ajoute(s, " ");
		}
		ajoute(s, "cent");
		if (r == 0) {
			if (c > 1 && final)
				ajoute(s, "s");
			return;
		}
		ajoute(s, " ");
	}
	if (r < 20) {
		ajoute(s, unites[r]);
		return;
	}
	d = r / 10;
	u = r % 10;
	if (d == 7 || d == 9)
		u += 10;	/* soixante-dix, quatre-vingt-onze */
	ajoute(s, dizaines[d]);
	if (u == 0) {
		if (d == 8 && final)
			ajoute(s, "s");
		return;
	}
	if ((u == 1 || u == 11) && d != 8 && d != 9)
		ajoute(s, " et ");	/* vingt et un, soixante et onze */
	else
		ajoute(s, "-");
	ajoute(s, unites[u]);
}

/* Long scale above a thousand: million, milliard, billion, billiard. */
static const char *const grands[] = {"million", "milliard", "billion", "billiard", "trillion"};

static void
nombre(struct sortie *s, unsigned long long v)
{
	unsigned groupes[7];
	int ng = 0, i, premier = 1;

	if (v == 0) {
		ajoute(s, unites[0]);
		return;
	}
	while (v > 0) {
		groupes[ng++] = (unsigned)(v % 1000);
		v /= 1000;
	}
	for (i = ng - 1; i >= 0; i--) {
		unsigned g = groupes[i];

		if (g == 0)
			continue;
		if (!premier)
			ajoute(s, " ");
		premier = 0;
		if (i == 0)
			centaine(s, g, 1);
		else if (i == 1) {
			/* "mille", never "un mille"; mille is invariable */
			if (g > 1) {
				centaine(s, g, 0);
				ajoute(s, " ");
			}
			ajoute(s, "mille");
		} else {
			centaine(s, g, 1);
			ajoute(s, " ");
			ajoute(s, grands[i - 2]);
			if (g > 1)
				ajoute(s, "s");
		}
	}
}

char *
nombre_en_lettres(unsigned long long v, char *buf, size_t n)
{
	struct sortie s = {buf, n, 0};

	if (n > 0)
		buf[0] = '\0';
	nombre(&s, v);
	return buf;
}

char *
montant_en_lettres(long long cents, char *buf, size_t n)
{
	struct sortie s = {buf, n, 0};
	unsigned long long v, e;
	unsigned c;

	if (n > 0)
		buf[0] = '\0';
	v = cents < 0 ? 0ULL - (unsigned long long)cents : (unsigned long long)cents;
	e = v / 100;
	c = (unsigned)(v % 100);
	if (cents < 0)
		ajoute(&s, "moins ");
	if (e > 0 || c == 0) {
		nombre(&s, e);
		/* "un million d'euros": a noun of number takes "de" */
		if (e >= 1000000 && e % 1000000 == 0)
			ajoute(&s, " d'euros");
		else
			ajoute(&s, e > 1 ? " euros" : " euro");
	}
	if (c > 0) {
		if (e > 0)
			ajoute(&s, " et ");
		nombre(&s, c);
		ajoute(&s, c > 1 ? " centimes" : " centime");
	}
	return buf;
}
