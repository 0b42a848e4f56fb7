#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "err.h"
#include "field.h"
#include "swar.h"
#include "instant.h"

#define CANON_DATE	"AAAA-MM-JJ"
#define CANON_MONTH	"AAAA-MM"

int
field_width(const struct field *f)
{
	return f->end >= f->start && f->start > 0 ? f->end - f->start + 1 :
	    f->len;
}

/*
 * The longest legal canonical value of a field, in bytes of UTF-8 (four
 * per character of text); 0 for free text that only its record bounds.
 */
size_t
field_maxbytes(const struct field *f)
{
	size_t w = field_width(f) > 0 ? (size_t)field_width(f) : 0, k, m = 0;
	const char *p;

	switch (f->type) {
	case FT_CODE:
		for (p = f->arg; p != NULL && *p != '\0'; p += k + (p[k] != '\0')) {
			k = strcspn(p, "|");
			m = k > m ? k : m;
		}
		return m > 0 ? m : 4 * w;
	case FT_DIGITS:
		return w;
	case FT_INT:	/* a sign */
		return w > 0 ? w + 1 : 20;
	case FT_DEC:
	case FT_MONEY:
	case FT_HOURS:	/* a sign, the integer digits, a point, the decimals */
		return (w > 0 ? w : 19) + 2 + (size_t)field_scale(f);
	case FT_DATE:
		return 10;
	case FT_MONTH:
		return 7;
	case FT_BOOL:
		return 1;
	case FT_INSTANT:
		return 25;
	default:
		return 4 * w;
	}
}

int
field_scale(const struct field *f)
{
	return f->type == FT_DEC ? f->scale :
	    (f->type == FT_MONEY || f->type == FT_HOURS) ? 2 : 0;
}

const char *
field_typename(const struct field *f)
{
	static const char *names[] = {
		[FT_TEXT] = "texte", [FT_CODE] = "code",
		[FT_DIGITS] = "chiffres", [FT_INT] = "entier",
		[FT_DEC] = "decimal", [FT_MONEY] = "montant",
		[FT_HOURS] = "heures", [FT_DATE] = "date", [FT_MONTH] = "mois",
		[FT_BOOL] = "booleen", [FT_INSTANT] = "instant",
		[FT_CONST] = "constante", [FT_FILLER] = "filler",
	};

	return names[f->type];
}

/* Byte classes of wire text, tested in one pass. */
#define TC_CTRL		1	/* control character: refused */
#define TC_QUOTE	2	/* comma or quote: the CSV value needs quotes */
#define TC_HIGH		4	/* non-ASCII: goes through the charset */

static unsigned char textclass[256];

static void
textclass_init(void)
{
	int u;

	for (u = 0; u < 256; u++)
		textclass[u] = (u < 0x20 ? TC_CTRL : 0) |
		    (u == ',' || u == '"' ? TC_QUOTE : 0) |
		    (u >= 0x80 ? TC_HIGH : 0);
}

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

static int
alldigits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdig(s[i]))
			return 0;
	return n > 0;
}

int
days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

int
date_valid(int y, int m, int d)
{
	return y >= 1 && m >= 1 && m <= 12 && d >= 1 &&
	    d <= days_in_month(y, m);
}

/*
 * Matches a date against a pattern where A, M and J stand for digits of
 * the year, month and day and anything else for itself. Returns 0 on a
 * match; -1 on a shape mismatch.
 */
static int
pat_scan(const char *pat, const char *s, size_t n, int *y, int *m, int *d)
{
	size_t i;
	int v;

	*y = *m = 0;
	*d = 1;
	for (i = 0; i < n && pat[i]; i++) {
		switch (pat[i]) {
		case 'A': case 'M': case 'J':
			if (!isdig(s[i]))
				return -1;
			v = s[i] - '0';
			if (pat[i] == 'A')
				*y = *y * 10 + v;
			else if (pat[i] == 'M')
				*m = *m * 10 + v;
			else
				*d = (i > 0 && pat[i - 1] == 'J' ? *d * 10 : 0) + v;
			break;
		default:
			if (s[i] != pat[i])
				return -1;
		}
	}
	return i == n && pat[i] == '\0' ? 0 : -1;
}

static void
pat_print(struct buf *b, const char *pat, int y, int m, int d)
{
	char tmp[16], *t = tmp;
	const char *p;

	for (p = pat; *p && t < tmp + sizeof tmp - 4; p++) {
		if (*p == 'A' && p[1] == 'A' && p[2] == 'A' && p[3] == 'A') {
			*t++ = (char)('0' + y / 1000 % 10);
			*t++ = (char)('0' + y / 100 % 10);
			*t++ = (char)('0' + y / 10 % 10);
			*t++ = (char)('0' + y % 10);
			p += 3;
		} else if ((*p == 'M' || *p == 'J') && p[1] == *p) {
			int v = *p == 'M' ? m : d;

			*t++ = (char)('0' + v / 10);
			*t++ = (char)('0' + v % 10);
			p++;
		} else
			*t++ = *p;
	}
	buf_add(b, tmp, (size_t)(t - tmp));
}

/*
 * Whether s[0..n) is one of the codes of list, "A|B|C". Codes are short:
 * compared in place, without a library call per code.
 */
static int
codelisted(const char *list, const char *s, size_t n)
{
	const char *p = list;
	size_t k;

	for (;;) {
		for (k = 0; k < n && p[k] != '|' && p[k] != '\0' &&
		    p[k] == s[k]; k++)
			;
		if (k == n && (p[k] == '|' || p[k] == '\0'))
			return 1;
		while (*p != '|' && *p != '\0')
			p++;
		if (*p++ == '\0')
			return 0;
	}
}

/* "A, B ou C" for messages. */
static void
codes_human(struct buf *b, const char *list)
{
	const char *p, *last = strrchr(list, '|');

	for (p = list; *p; p++) {
		if (*p != '|')
			buf_addc(b, *p);
		else
			buf_adds(b, p == last ? " ou " : ", ");
	}
}

/*
 * Parses a decimal "[-]digits[(.|,)digits]" into units of 10^-scale.
 * Returns 0, -1 when malformed, -2 when it has more decimals than scale.
 */
int
dec_parse(const char *s, size_t n, int scale, int64_t *v)
{
	size_t i = 0;
	int neg = 0, frac = 0, digits = 0;
	uint64_t x = 0, max;

	if (n > 0 && s[0] == '-') {
		neg = 1;
		i++;
	}
	/* Accumulated unsigned, so that INT64_MIN is reachable. */
	max = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < n && isdig(s[i]); i++, digits++) {
		if (x > (max - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	if (digits == 0)
		return -1;
	if (i < n && (s[i] == '.' || s[i] == ',')) {
		if (++i == n)
			return -1;
		for (; i < n && isdig(s[i]); i++, frac++) {
			if (frac == scale)
				return -2;
			if (x > (max - (uint64_t)(s[i] - '0')) / 10)
				return -1;
			x = x * 10 + (uint64_t)(s[i] - '0');
		}
	}
	if (i != n)
		return -1;
	for (; frac < scale; frac++) {
		if (x > max / 10)
			return -1;
		x *= 10;
	}
	*v = neg ? (int64_t)(0 - x) : (int64_t)x;
	return 0;
}

void
dec_format(struct buf *b, int64_t v, int scale, char sep)
{
	char tmp[48], *p = tmp + sizeof tmp;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	int i;

	for (i = 0; i < scale; i++) {
		*--p = (char)('0' + u % 10);
		u /= 10;
	}
	if (scale > 0)
		*--p = sep;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		*--p = '-';
	buf_add(b, p, (size_t)(tmp + sizeof tmp - p));
}

/* Significant integer digits of a canonical or wire decimal. */
static int
intdigits(const char *s, size_t n)
{
	size_t i = (n > 0 && s[0] == '-') ? 1 : 0;
	int k = 0;

	while (i < n && s[i] == '0' && i + 1 < n && isdig(s[i + 1]))
		i++;
	for (; i < n && isdig(s[i]); i++)
		k++;
	return k;
}

/*
 * Whether a wire decimal is already in canonical form: no sign, no
 * leading zero, a dot and exactly scale decimals, at most len integer
 * digits. Such a value is copied as is.
 */
static int
dec_canonical(const char *s, size_t n, int scale, int len)
{
	size_t ip = n - (size_t)scale - 1;

	if (scale == 0 || n < (size_t)scale + 2 || s[ip] != '.' ||
	    (len > 0 && ip > (size_t)len) || (s[0] == '0' && ip > 1))
		return 0;
	return alldigits(s, ip) && alldigits(s + ip + 1, (size_t)scale);
}

/* sscanf() would run strlen() over the rest of the input buffer. */
static int
instant_valid(const char *s, size_t n)
{
	int64_t t;

	return instant_parse(s, n, &t) == 0;
}

static int
blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ')
			return 0;
	return 1;
}

static const char *
datefmt(const struct field *f)
{
	return f->arg ? f->arg : f->type == FT_MONTH ? "AAAAMM" : "AAAAMMJJ";
}

/*
 * Wire value s[0..n) of field f to canonical UTF-8, appended to out.
 * col is the value's 1-based column in its line, for messages.
 * Returns 0, or -1 after reporting the problem.
 */
int
field_decode(const struct codec *c, const struct field *f, const char *s,
    size_t n, struct buf *out, size_t col)
{
	return field_decode_q(c, f, s, n, out, col, NULL);
}

/* As field_decode(); *quote tells whether a text value needs CSV quotes. */
int
field_decode_q(const struct codec *c, const struct field *f, const char *s,
    size_t n, struct buf *out, size_t col, unsigned char *quote)
{
	int fixed = c->sep == 0, y, m, d, w;
	int padded = fixed || (f->flags & FF_PADDED);
	unsigned hi;
	size_t i, bad, start = out->len;
	int64_t v;
	struct buf h = {0};

	if (fixed ? blank(s, n) : n == 0) {
		if (f->type == FT_CONST) {
			diag_field(DC_CONST, f, s, n, "absent, attendu «%s»",
			    f->arg);
			return -1;
		}
		if (f->req && f->type != FT_FILLER) {
			diag_field(DC_OBLIG, f, NULL, 0,
			    "champ obligatoire absent");
			return -1;
		}
		return 0;
	}
	switch (f->type) {
	case FT_TEXT:
	case FT_CODE:
		if (fixed)
			while (n > 0 && s[n - 1] == ' ')
				n--;
		if (textclass[','] == 0)
			textclass_init();
		hi = 0;
		for (i = 0; i < n; i++)
			hi |= textclass[(unsigned char)s[i]];
		if (hi & TC_CTRL) {
			for (i = 0; (unsigned char)s[i] >= 0x20; i++)
				;
			diag_field(DC_CHARSET, f, s, n,
			    "caractère de contrôle 0x%02X à la colonne %zu",
			    (unsigned char)s[i], col + i);
			return -1;
		}
		if (quote)
			*quote = (hi & TC_QUOTE) != 0;
		if (!(hi & TC_HIGH))
			buf_add(out, s, n);
		else if (charset_decode((struct charset *)&c->cs, s, n, out,
		    &bad) == -1) {
			out->len = start;
			diag_field(DC_CHARSET, f, s, n,
			    "octet 0x%02X invalide en %s à la colonne %zu",
			    (unsigned char)s[bad], c->cs.name, col + bad);
			return -1;
		} else if (utf8_c1(out->p + start, out->len - start, &bad)) {
			diag_field(DC_CHARSET, f, s, n,
			    "caractère de contrôle U+00%02X à la colonne %zu",
			    (unsigned char)out->p[start + bad + 1], col +
			    (c->cs.utf8 ? bad : utf8_nchars(out->p + start, bad)));
			out->len = start;
			return -1;
		}
		if (!fixed && f->len > 0 && n > (size_t)f->len &&
		    charset_nchars(&c->cs, s, n) > (size_t)f->len) {
			diag_field(DC_LONG, f, out->p + start, out->len - start,
			    "valeur trop longue: %zu caractères pour %d au plus",
			    charset_nchars(&c->cs, s, n), f->len);
			out->len = start;
			return -1;
		}
		if (f->type == FT_CODE && !codelisted(f->arg, out->p + start,
		    out->len - start)) {
			codes_human(&h, f->arg);
			diag_field(DC_CODE, f, out->p + start, out->len - start,
			    "code inconnu, attendu %s", h.p);
			buf_free(&h);
			out->len = start;
			return -1;
		}
		return 0;
	case FT_DIGITS:
		if (!alldigits(s, n) || (!fixed && f->len > 0 &&
		    (padded ? n != (size_t)f->len : n > (size_t)f->len))) {
			diag_field(DC_NOMBRE, f, s, n, "attendu %s%d chiffres",
			    padded ? "" : "au plus ", field_width(f));
			return -1;
		}
		buf_add(out, s, n);
		return 0;
	case FT_INT:
		i = (!padded && s[0] == '-') ? 1 : 0;
		if (!alldigits(s + i, n - i) || (!fixed && f->len > 0 &&
		    (padded ? n != (size_t)f->len : intdigits(s, n) > f->len))) {
			diag_field(DC_NOMBRE, f, s, n,
			    "entier invalide, attendu %s%d chiffres",
			    padded ? "" : "au plus ", field_width(f));
			return -1;
		}
		if (i)
			buf_addc(out, '-');
		while (i + 1 < n && s[i] == '0')
			i++;
		buf_add(out, s + i, n - i);
		return 0;
	case FT_DEC:
	case FT_MONEY:
	case FT_HOURS:
		if (fixed && (f->flags & FF_DECSEP)) {
			w = field_scale(f);
			if ((size_t)w + 2 > n || s[0] == '-' ||
			    (s[n - w - 1] != '.' && s[n - w - 1] != ',') ||
			    dec_parse(s, n, w, &v) != 0) {
				diag_field(DC_NOMBRE, f, s, n,
				    "nombre invalide, attendu %d chiffres dont %d après un séparateur décimal (point ou virgule)",
				    field_width(f) - 1, w);
				return -1;
			}
		} else if (padded) {
			if (!alldigits(s, n) || (!fixed && n != (size_t)f->len) ||
			    dec_parse(s, n, 0, &v) != 0) {
				diag_field(DC_NOMBRE, f, s, n,
				    "nombre invalide, attendu %d chiffres dont %d décimales implicites",
				    field_width(f), field_scale(f));
				return -1;
			}
		} else if (dec_canonical(s, n, field_scale(f), f->len)) {
			buf_add(out, s, n);
			return 0;
		} else {
			w = dec_parse(s, n, field_scale(f), &v);
			if (w != 0 || (f->len > 0 && intdigits(s, n) > f->len)) {
				diag_field(DC_NOMBRE, f, s, n,
				    "nombre décimal invalide, attendu au plus %d chiffres avant la virgule et %d après (séparateur point ou virgule)",
				    f->len, field_scale(f));
				return -1;
			}
		}
		dec_format(out, v, field_scale(f), '.');
		return 0;
	case FT_DATE:
	case FT_MONTH:
		if (pat_scan(datefmt(f), s, n, &y, &m, &d) != 0) {
			diag_field(DC_FMTDATE, f, s, n,
			    "date mal formée, attendu %s", datefmt(f));
			return -1;
		}
		if (!date_valid(y, m, d)) {
			diag_field(DC_DATE, f, s, n, "date impossible");
			return -1;
		}
		pat_print(out, f->type == FT_DATE ? CANON_DATE : CANON_MONTH,
		    y, m, d);
		return 0;
	case FT_BOOL:
		if (n != 1 || (s[0] != '0' && s[0] != '1')) {
			diag_field(DC_CODE, f, s, n, "booléen invalide, attendu 1 ou 0");
			return -1;
		}
		buf_addc(out, s[0]);
		return 0;
	case FT_INSTANT:
		if (!instant_valid(s, n)) {
			diag_field(DC_FMTDATE, f, s, n,
			    "instant invalide, attendu AAAA-MM-JJTHH:MM:SS+HH:MM");
			return -1;
		}
		buf_add(out, s, n);
		return 0;
	case FT_CONST:
		if (!((fixed && n >= strlen(f->arg) && blank(s + strlen(f->arg),
		    n - strlen(f->arg)) && memcmp(s, f->arg,
		    strlen(f->arg)) == 0) || (n == strlen(f->arg) &&
		    memcmp(s, f->arg, n) == 0))) {
			diag_field(DC_CONST, f, s, n, "attendu «%s»", f->arg);
			return -1;
		}
		buf_adds(out, f->arg);
		return 0;
	case FT_FILLER:
		diag_field(DC_CONST, f, s, n,
		    "zone de remplissage non vide, attendu des espaces");
		return -1;
	}
	return 0;
}


/*
 * Where the year, month and day digits sit in a date pattern, for
 * field_decode_fast(). Patterns are string constants of the field tables,
 * so a few entries keyed by address are enough.
 */
struct datepos {
	const char	*pat;
	int		 ok;	/* one AAAA, one MM, at most one JJ */
	int		 n;	/* pattern length */
	int		 y, m, d;	/* offsets; d < 0 without a day */
	/* From 8 to 16 characters: the first and last eight as words. */
	uint64_t	 dig[2];	/* 0xFF where a digit goes */
	uint64_t	 lit[2];	/* the pattern's characters */
};

static const struct datepos *
datepos(const char *pat)
{
	static struct datepos cache[4];
	static unsigned next;
	struct datepos *p;
	unsigned char dig[8];
	int i, k, off, ny = 0, nm = 0, nd = 0;

	for (k = 0; k < 4; k++)
		if (cache[k].pat == pat)
			return &cache[k];
	p = &cache[next++ % 4];
	p->pat = pat;
	p->y = p->m = p->d = -1;
	for (i = 0; pat[i]; i += k) {
		for (k = 1; pat[i + k] == pat[i] && strchr("AMJ", pat[i]); k++)
			;
		if (pat[i] == 'A') {
			ny++;
			p->y = k == 4 ? i : -1;
		} else if (pat[i] == 'M') {
			nm++;
			p->m = k == 2 ? i : -1;
		} else if (pat[i] == 'J') {
			nd++;
			p->d = k == 2 ? i : -1;
		}
	}
	p->n = i;
	p->ok = ny == 1 && nm == 1 && nd <= 1 && p->y >= 0 && p->m >= 0 &&
	    (nd == 0 || p->d >= 0);
	if (p->n >= 8 && p->n <= 16)
		for (k = 0; k < 2; k++) {
			off = k == 0 ? 0 : p->n - 8;
			for (i = 0; i < 8; i++)
				dig[i] = strchr("AMJ", pat[off + i]) ? 0xFF : 0;
			memcpy(&p->dig[k], dig, 8);
			memcpy(&p->lit[k], pat + off, 8);
		}
	return p;
}

/*
 * Whether the word w of a date has digits where its pattern word has
 * A, M or J and the pattern's characters elsewhere. Literals are first
 * replaced by '0' so that their borrows cannot reach a digit; carries and
 * borrows then only start at a byte that is not a digit.
 */
static inline int
dateword(uint64_t w, uint64_t dig, uint64_t lit)
{
	uint64_t x = (w & dig) | ('0' * ONES & ~dig);

	return ((((x + 0x46 * ONES) | (x - '0' * ONES) | x) & HIGHS) |
	    ((w ^ lit) & ~dig)) == 0;
}

static int
dig2(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* High bits of the bytes of x that are zero; exact up to the first one. */
static inline uint64_t
zerobytes(uint64_t x)
{
	return (x - ONES) & ~x & HIGHS;
}

/*
 * Which classes of bytes a word holds, as high bits: each formula is
 * exact about whether one such byte exists (a borrow only starts at one).
 */
static inline uint64_t
wordctrl(uint64_t w)
{
	return (w - 0x20 * ONES) & ~w & HIGHS;	/* below 0x20 */
}

static inline uint64_t
wordquote(uint64_t w)
{
	return zerobytes(w ^ (',' * ONES)) | zerobytes(w ^ ('"' * ONES));
}

/*
 * Single-byte text with bytes above 0x7F to UTF-8 through the charset's
 * table, the words without such bytes copied whole. Returns the length
 * written at o, or -1 on a byte the charset lacks.
 */
static int
tabletext(const struct charset *cs, const char *s, size_t n, char *o)
{
	const unsigned char *p = (const unsigned char *)s;
	const char *u;
	char *start = o;
	uint64_t w;
	size_t i = 0, end;

	while (i < n) {
		if (i + 8 <= n) {
			memcpy(&w, p + i, 8);
			if (!(w & HIGHS)) {
				memcpy(o, &w, 8);
				o += 8;
				i += 8;
				continue;
			}
			end = i + 8;
		} else
			end = n;
		for (; i < end; i++) {
			if (p[i] < 0x80) {
				*o++ = (char)p[i];
				continue;
			}
			u = cs->hi[p[i] - 0x80];
			if (u[0] == '\0')
				return -1;
			*o++ = u[0];
			if (u[1]) {
				*o++ = u[1];
				if (u[2])
					*o++ = u[2];
			}
		}
	}
	return (int)(o - start);
}

/*
 * Text without control characters, copied eight bytes at a time with the
 * byte classes tested on whole words (the last word overlapping the one
 * before rather than reading past the value); bytes above 0x7F of a
 * single-byte charset are decoded through its table. Returns the length
 * written at o, or -1 for field_decode_q() to decide and report.
 */
static int
fasttext(const struct codec *c, const char *s, size_t n, char *o,
    unsigned char *quote)
{
	uint64_t w, high = 0, ctrl = 0, qt = 0;
	uint32_t h;
	size_t i, bad;
	int k;

	if (n >= 8) {
		for (i = 0; i + 8 < n; i += 8) {
			memcpy(&w, s + i, 8);
			high |= w & HIGHS;
			ctrl |= wordctrl(w);
			qt |= wordquote(w);
			memcpy(o + i, &w, 8);
		}
		memcpy(&w, s + n - 8, 8);
		memcpy(o + n - 8, &w, 8);
	} else {
		if (n >= 4) {
			memcpy(&h, s, 4);
			w = h;
			memcpy(&h, s + n - 4, 4);
			w |= (uint64_t)h << 32;
		} else	/* spaces: of no class */
			for (w = ' ' * ONES, i = 0; i < n; i++)
				w = w << 8 | (unsigned char)s[i];
		copyshort(o, s, n);
	}
	high |= w & HIGHS;
	ctrl |= wordctrl(w);
	qt |= wordquote(w);
	if (ctrl)
		return -1;
	*quote = qt != 0;
	if (high == 0)
		return (int)n;
	/* UTF-8 is its own canonical form once valid (copied above). */
	if (c->cs.utf8)
		return utf8_valid(s, n, &bad) == 0 && !utf8_c1(s, n, &bad) ?
		    (int)n : -1;
	if (!c->cs.single || (k = tabletext(&c->cs, s, n, o)) < 0 ||
	    utf8_c1(o, (size_t)k, &bad))
		return -1;
	return k;
}

/*
 * The common case of field_decode_q() for a delimited, non-empty value,
 * taken inline by rec_decode(): text and codes within their length (ASCII,
 * or a single-byte charset through its table), digits, integers without
 * sign nor leading zero, canonical decimals, dates of a simple pattern,
 * booleans and constants. Writes the canonical value at o (room for 3n + 2 bytes), sets
 * *quote for text, and returns its length; returns -1 when the value needs
 * field_decode_q() (anything else, including every error, so that
 * messages come from one place). Nothing is reported here.
 */
int
field_decode_fast(const struct codec *c, const struct field *f,
    const char *s, size_t n, char *o, unsigned char *quote)
{
	const struct datepos *dp;
	uint64_t w, w2;
	size_t i;
	int y, m, d, k;

	switch (f->type) {
	case FT_TEXT:
	case FT_CODE:
		if (f->len > 0 && n > (size_t)f->len)
			return -1;
		if ((k = fasttext(c, s, n, o, quote)) < 0 ||
		    (f->type == FT_CODE && !codelisted(f->arg, o, (size_t)k)))
			return -1;
		return k;
	case FT_DIGITS:
		if (!alldigits(s, n) || (f->len > 0 &&
		    ((f->flags & FF_PADDED) ? n != (size_t)f->len :
		    n > (size_t)f->len)))
			return -1;
		break;
	case FT_INT:
		/* Without sign nor leading zero, the wire form is canonical. */
		if ((f->flags & FF_PADDED) || !alldigits(s, n) ||
		    (s[0] == '0' && n > 1) || (f->len > 0 && n > (size_t)f->len))
			return -1;
		break;
	case FT_DEC:
	case FT_MONEY:
	case FT_HOURS:
		if ((f->flags & FF_PADDED) ||
		    !dec_canonical(s, n, field_scale(f), f->len))
			return -1;
		break;
	case FT_DATE:
	case FT_MONTH:
		dp = datepos(datefmt(f));
		if (!dp->ok || n != (size_t)dp->n ||
		    (f->type == FT_DATE) != (dp->d >= 0))
			return -1;
		if (n >= 8 && n <= 16) {
			memcpy(&w, s, 8);
			memcpy(&w2, s + n - 8, 8);
			if (!dateword(w, dp->dig[0], dp->lit[0]) ||
			    !dateword(w2, dp->dig[1], dp->lit[1]))
				return -1;
		} else
			for (i = 0; i < n; i++)
				if (strchr("AMJ", dp->pat[i]) ? !isdig(s[i]) :
				    s[i] != dp->pat[i])
					return -1;
		y = dig2(s + dp->y) * 100 + dig2(s + dp->y + 2);
		m = dig2(s + dp->m);
		d = dp->d >= 0 ? dig2(s + dp->d) : 1;
		if (!date_valid(y, m, d))
			return -1;
		/* The canonical digits are the wire digits, reordered. */
		memcpy(o, s + dp->y, 4);
		o[4] = '-';
		memcpy(o + 5, s + dp->m, 2);
		if (dp->d < 0)
			return 7;
		o[7] = '-';
		memcpy(o + 8, s + dp->d, 2);
		return 10;
	case FT_BOOL:
		if (n != 1 || (s[0] != '0' && s[0] != '1'))
			return -1;
		break;
	case FT_CONST:
		/* Compared in place: constants are a few characters. */
		for (i = 0; i < n && f->arg[i] != '\0' && f->arg[i] == s[i]; i++)
			;
		if (i != n || f->arg[i] != '\0')
			return -1;
		break;
	default:
		return -1;
	}
	copyshort(o, s, n);
	return (int)n;
}

static void
pad(struct buf *out, char ch, int k)
{
	while (k-- > 0)
		buf_addc(out, ch);
}

/* Appends s to out right-aligned in w characters, zero-padded. */
static int
putnum(const struct field *f, struct buf *out, const char *s, size_t n,
    int fixed)
{
	int w = field_width(f);

	if (fixed) {
		if (n > (size_t)w) {
			diag_field(DC_LONG, f, s, n,
			    "valeur trop longue: %zu chiffres pour %d positions",
			    n, w);
			return -1;
		}
		pad(out, '0', w - (int)n);
	}
	buf_add(out, s, n);
	return 0;
}

/*
 * Canonical value s[0..n) of field f to its wire form, appended to out.
 * Returns 0, or -1 after reporting the problem.
 */
int
field_encode(const struct codec *c, const struct field *f, const char *s,
    size_t n, struct buf *out)
{
	int fixed = c->sep == 0, w = field_width(f), y, m, d, r;
	int padded = fixed || (f->flags & FF_PADDED);
	size_t i, bad, start = out->len, nch;
	int64_t v;
	struct buf tmp = {0}, h = {0};
	char num[32];

	if (f->type == FT_CONST) {
		buf_adds(out, f->arg);
		if (fixed)
			pad(out, ' ', w - (int)strlen(f->arg));
		return 0;
	}
	if (n == 0 || f->type == FT_FILLER) {
		if (n == 0 && f->req && f->type != FT_FILLER) {
			diag_field(DC_OBLIG, f, NULL, 0,
			    "champ obligatoire absent");
			return -1;
		}
		if (fixed)
			pad(out, ' ', w);
		return 0;
	}
	switch (f->type) {
	case FT_TEXT:
	case FT_CODE:
		if (f->type == FT_CODE && !codelisted(f->arg, s, n)) {
			codes_human(&h, f->arg);
			diag_field(DC_CODE, f, s, n, "code inconnu, attendu %s",
			    h.p);
			buf_free(&h);
			return -1;
		}
		for (i = 0; i < n; i++)
			if ((unsigned char)s[i] < 0x20 || s[i] == c->sep)
				break;
		if (i < n || utf8_c1(s, n, &bad)) {
			diag_field(DC_CHARSET, f, s, n,
			    "contient un caractère interdit sur le fil (séparateur, fin de ligne ou contrôle)");
			return -1;
		}
		if (charset_encode((struct charset *)&c->cs, s, n, out,
		    &bad) == -1) {
			out->len = start;
			diag_field(DC_CHARSET, f, s, n,
			    "caractère impossible à écrire en %s (octet %zu de la valeur)",
			    c->cs.name, bad + 1);
			return -1;
		}
		nch = charset_nchars(&c->cs, out->p + start, out->len - start);
		if ((fixed || f->len > 0) && nch > (size_t)w) {
			out->len = start;
			diag_field(DC_LONG, f, s, n,
			    "valeur trop longue: %zu caractères pour %d au plus",
			    nch, w);
			return -1;
		}
		if (fixed)
			pad(out, ' ', w - (int)nch);
		return 0;
	case FT_DIGITS:
		if (!alldigits(s, n)) {
			diag_field(DC_NOMBRE, f, s, n, "attendu des chiffres");
			return -1;
		}
		if (!padded && f->len > 0 && n > (size_t)f->len) {
			diag_field(DC_LONG, f, s, n,
			    "valeur trop longue: %zu chiffres pour %d au plus",
			    n, f->len);
			return -1;
		}
		return putnum(f, out, s, n, padded);
	case FT_INT:
		i = s[0] == '-' ? 1 : 0;
		if (!alldigits(s + i, n - i) || (padded && i)) {
			diag_field(DC_NOMBRE, f, s, n, "entier invalide");
			return -1;
		}
		if (!padded && f->len > 0 && intdigits(s, n) > f->len) {
			diag_field(DC_LONG, f, s, n,
			    "valeur trop longue: %d chiffres au plus", f->len);
			return -1;
		}
		return putnum(f, out, s, n, padded);
	case FT_DEC:
	case FT_MONEY:
	case FT_HOURS:
		r = dec_parse(s, n, field_scale(f), &v);
		if (r != 0 || (padded && v < 0)) {
			diag_field(DC_NOMBRE, f, s, n,
			    "nombre décimal invalide, attendu au plus %d décimales%s",
			    field_scale(f), padded ? ", positif" : "");
			return -1;
		}
		if (fixed && (f->flags & FF_DECSEP)) {
			dec_format(&tmp, v, field_scale(f), c->decsep);
			r = putnum(f, out, tmp.p, tmp.len, 1);
			buf_free(&tmp);
			return r;
		}
		if (padded) {
			snprintf(num, sizeof num, "%lld", (long long)v);
			return putnum(f, out, num, strlen(num), 1);
		}
		if (f->len > 0 && intdigits(s, n) > f->len) {
			diag_field(DC_LONG, f, s, n,
			    "nombre trop grand: %d chiffres avant la virgule au plus",
			    f->len);
			return -1;
		}
		dec_format(out, v, field_scale(f), c->decsep);
		return 0;
	case FT_DATE:
	case FT_MONTH:
		if (pat_scan(f->type == FT_DATE ? CANON_DATE : CANON_MONTH, s, n,
		    &y, &m, &d) != 0) {
			diag_field(DC_FMTDATE, f, s, n, "date mal formée, attendu %s",
			    f->type == FT_DATE ? CANON_DATE : CANON_MONTH);
			return -1;
		}
		if (!date_valid(y, m, d)) {
			diag_field(DC_DATE, f, s, n, "date impossible");
			return -1;
		}
		pat_print(out, datefmt(f), y, m, d);
		return 0;
	case FT_BOOL:
		if (n != 1 || (s[0] != '0' && s[0] != '1')) {
			diag_field(DC_CODE, f, s, n, "booléen invalide, attendu 1 ou 0");
			return -1;
		}
		buf_addc(out, s[0]);
		if (fixed)
			pad(out, ' ', w - 1);
		return 0;
	case FT_INSTANT:
		if (!instant_valid(s, n)) {
			diag_field(DC_FMTDATE, f, s, n,
			    "instant invalide, attendu AAAA-MM-JJTHH:MM:SS+HH:MM");
			return -1;
		}
		buf_add(out, s, n);
		if (fixed)
			pad(out, ' ', w - (int)n);
		return 0;
	case FT_CONST:
	case FT_FILLER:
		break;
	}
	buf_free(&tmp);
	return 0;
}
