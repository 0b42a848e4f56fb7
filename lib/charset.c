#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "charset.h"

/*
 * For a single-byte charset that extends ASCII, iconv is asked once for
 * each byte above 0x7F; decoding is then a table look-up per byte.
 */
static int
singlebyte(struct charset *cs)
{
	char in[1], outb[8], *ip, *op;
	size_t il, ol;
	int b;

	for (b = 0; b < 256; b++) {
		in[0] = (char)b;
		ip = in, il = 1, op = outb, ol = sizeof outb;
		iconv(cs->in, NULL, NULL, NULL, NULL);
		if (iconv(cs->in, &ip, &il, &op, &ol) == (size_t)-1) {
			if (errno != EILSEQ || b < 0x80)
				return 0;
			cs->hi[b - 0x80][0] = '\0';
			continue;
		}
		if (b < 0x80) {
			if (op - outb != 1 || outb[0] != (char)b)
				return 0;
		} else {
			if (op - outb > 3)
				return 0;
			memset(cs->hi[b - 0x80], 0, 4);
			memcpy(cs->hi[b - 0x80], outb, (size_t)(op - outb));
		}
	}
	return 1;
}

/*
 * Separators, digits and line ends are read and written as ASCII bytes:
 * a charset must write ASCII as itself (not UTF-16, not EBCDIC).
 */
static int
asciicompat(struct charset *cs)
{
	char in[127], outb[1024], *ip = in, *op = outb;
	size_t il = sizeof in, ol = sizeof outb;
	int b;

	for (b = 1; b < 128; b++)
		in[b - 1] = (char)b;
	iconv(cs->out, NULL, NULL, NULL, NULL);
	if (iconv(cs->out, &ip, &il, &op, &ol) == (size_t)-1 ||
	    iconv(cs->out, NULL, NULL, &op, &ol) == (size_t)-1)
		return 0;
	return (size_t)(op - outb) == sizeof in &&
	    memcmp(outb, in, sizeof in) == 0;
}

/* Returns -1 for an unknown charset, -2 for one that is not ASCII's. */
int
charset_open(struct charset *cs, const char *name)
{
	cs->name = name;
	cs->utf8 = strcasecmp(name, "UTF-8") == 0 ||
	    strcasecmp(name, "UTF8") == 0;
	cs->in = cs->out = (iconv_t)-1;
	if (cs->utf8)
		return 0;
	if ((cs->in = iconv_open("UTF-8", name)) == (iconv_t)-1)
		return -1;
	if ((cs->out = iconv_open(name, "UTF-8")) == (iconv_t)-1) {
		iconv_close(cs->in);
		return -1;
	}
	if (!asciicompat(cs)) {
		charset_close(cs);
		return -2;
	}
	cs->single = singlebyte(cs);
	return 0;
}

void
charset_close(struct charset *cs)
{
	if (cs->in != (iconv_t)-1)
		iconv_close(cs->in);
	if (cs->out != (iconv_t)-1)
		iconv_close(cs->out);
	cs->in = cs->out = (iconv_t)-1;
}

int
charset_ascii(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	uint64_t w;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		if (w & 0x8080808080808080ULL)
			return 0;
	}
	for (; i < n; i++)
		if (p[i] & 0x80)
			return 0;
	return 1;
}

static int
conv(iconv_t cd, const char *s, size_t n, struct buf *b, size_t *badpos)
{
	char *in = (char *)s, *outp;
	size_t inleft = n, outleft;

	iconv(cd, NULL, NULL, NULL, NULL);
	while (inleft > 0) {
		buf_grow(b, inleft * 4 + 16);
		outp = b->p + b->len;
		outleft = b->cap - b->len - 1;
		if (iconv(cd, &in, &inleft, &outp, &outleft) == (size_t)-1 &&
		    errno != E2BIG) {
			b->len = (size_t)(outp - b->p);
			b->p[b->len] = '\0';
			*badpos = (size_t)(in - s);
			return -1;
		}
		b->len = (size_t)(outp - b->p);
	}
	b->p[b->len] = '\0';
	return 0;
}

static int
tabledecode(const struct charset *cs, const char *s, size_t n, struct buf *b,
    size_t *badpos)
{
	const unsigned char *p = (const unsigned char *)s;
	const char *u;
	char *o;
	size_t i;

	buf_grow(b, n * 3);
	o = b->p + b->len;
	for (i = 0; i < n; i++) {
		if (p[i] < 0x80) {
			*o++ = (char)p[i];
			continue;
		}
		u = cs->hi[p[i] - 0x80];
		if (u[0] == '\0') {
			b->len = (size_t)(o - b->p);
			b->p[b->len] = '\0';
			*badpos = i;
			return -1;
		}
		*o++ = u[0];
		if (u[1]) {
			*o++ = u[1];
			if (u[2])
				*o++ = u[2];
		}
	}
	b->len = (size_t)(o - b->p);
	b->p[b->len] = '\0';
	return 0;
}

/* Appends the UTF-8 form of wire bytes s[0..n) to b. */
int
charset_decode(struct charset *cs, const char *s, size_t n, struct buf *b,
    size_t *badpos)
{
	if (charset_ascii(s, n)) {
		buf_add(b, s, n);
		return 0;
	}
	if (cs->utf8) {
		if (utf8_valid(s, n, badpos) == -1)
			return -1;
		buf_add(b, s, n);
		return 0;
	}
	if (cs->single)
		return tabledecode(cs, s, n, b, badpos);
	return conv(cs->in, s, n, b, badpos);
}

/* Appends the wire form of UTF-8 text s[0..n) to b. */
int
charset_encode(struct charset *cs, const char *s, size_t n, struct buf *b,
    size_t *badpos)
{
	if (charset_ascii(s, n)) {
		buf_add(b, s, n);
		return 0;
	}
	if (utf8_valid(s, n, badpos) == -1)
		return -1;
	if (cs->utf8) {
		buf_add(b, s, n);
		return 0;
	}
	return conv(cs->out, s, n, b, badpos);
}

/* Characters in wire bytes: bytes for a single-byte charset. */
size_t
charset_nchars(const struct charset *cs, const char *s, size_t n)
{
	return cs->utf8 ? utf8_nchars(s, n) : n;
}

size_t
utf8_nchars(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

int
utf8_valid(const char *s, size_t n, size_t *badpos)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k, len;
	uint32_t c, min;

	while (i < n) {
		c = p[i];
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			len = 2, c &= 0x1F, min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3, c &= 0x0F, min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4, c &= 0x07, min = 0x10000;
		} else
			goto bad;
		if (i + len > n)
			goto bad;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				goto bad;
			c = (c << 6) | (p[i + k] & 0x3F);
		}
		if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			goto bad;
		i += len;
	}
	return 0;
bad:
	*badpos = i;
	return -1;
}

/*
 * Whether valid UTF-8 holds a C1 control character (U+0080-U+009F, bytes
 * C2 80-C2 9F): refused in values like the C0 ones. *pos: its offset.
 */
int
utf8_c1(const char *s, size_t n, size_t *pos)
{
	const char *p = s, *end = s + n;

	while (p + 1 < end && (p = memchr(p, 0xC2, (size_t)(end - p - 1)))) {
		if ((unsigned char)p[1] >= 0x80 && (unsigned char)p[1] <= 0x9F) {
			*pos = (size_t)(p - s);
			return 1;
		}
		p++;
	}
	return 0;
}

/* Characters that move or hide text on a terminal: C1, bidi controls. */
static int
hidden(const unsigned char *p, size_t k)
{
	if (k == 2)
		return p[0] == 0xC2 && p[1] <= 0x9F;
	return k == 3 && p[0] == 0xE2 && ((p[1] == 0x80 && p[2] >= 0xA8 &&
	    p[2] <= 0xAE) || (p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9));
}

/*
 * Text as shown to a person, on a terminal or in a report: control
 * characters, invalid UTF-8 and bidi controls as \xHH, at most max
 * characters then "…" (max 0: no limit).
 */
void
utf8_escape(struct buf *b, const char *s, size_t n, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, j, k, bad, shown = 0;

	for (i = 0; i < n && (max == 0 || shown < max); i += k, shown++) {
		k = p[i] < 0x80 ? 1 : (p[i] & 0xE0) == 0xC0 ? 2 :
		    (p[i] & 0xF0) == 0xE0 ? 3 : (p[i] & 0xF8) == 0xF0 ? 4 : 0;
		if (k == 1 && p[i] >= 0x20 && p[i] != 0x7F) {
			buf_addc(b, s[i]);
			continue;
		}
		if (k < 2 || i + k > n || utf8_valid(s + i, k, &bad) != 0)
			k = 1;
		else if (!hidden(p + i, k)) {
			buf_add(b, s + i, k);
			continue;
		}
		for (j = 0; j < k; j++)
			buf_addf(b, "\\x%02X", p[i + j]);
	}
	if (i < n)
		buf_adds(b, "…");
}

/*
 * CNCESU files are uppercase ASCII: Latin letters lose their accents,
 * ligatures split (Œ -> OE), other non-ASCII characters become a space.
 */
void
translit_ascii_upper(const char *s, size_t n, struct buf *b)
{
	static const struct { uint32_t c; const char *a; } tab[] = {
		{0xC0, "A"}, {0xC1, "A"}, {0xC2, "A"}, {0xC3, "A"}, {0xC4, "A"},
		{0xC5, "A"}, {0xC6, "AE"}, {0xC7, "C"}, {0xC8, "E"}, {0xC9, "E"},
		{0xCA, "E"}, {0xCB, "E"}, {0xCC, "I"}, {0xCD, "I"}, {0xCE, "I"},
		{0xCF, "I"}, {0xD1, "N"}, {0xD2, "O"}, {0xD3, "O"}, {0xD4, "O"},
		{0xD5, "O"}, {0xD6, "O"}, {0xD8, "O"}, {0xD9, "U"}, {0xDA, "U"},
		{0xDB, "U"}, {0xDC, "U"}, {0xDD, "Y"}, {0xDF, "SS"},
		{0xE0, "A"}, {0xE1, "A"}, {0xE2, "A"}, {0xE3, "A"}, {0xE4, "A"},
		{0xE5, "A"}, {0xE6, "AE"}, {0xE7, "C"}, {0xE8, "E"}, {0xE9, "E"},
		{0xEA, "E"}, {0xEB, "E"}, {0xEC, "I"}, {0xED, "I"}, {0xEE, "I"},
		{0xEF, "I"}, {0xF1, "N"}, {0xF2, "O"}, {0xF3, "O"}, {0xF4, "O"},
		{0xF5, "O"}, {0xF6, "O"}, {0xF8, "O"}, {0xF9, "U"}, {0xFA, "U"},
		{0xFB, "U"}, {0xFC, "U"}, {0xFD, "Y"}, {0xFF, "Y"},
		{0x152, "OE"}, {0x153, "OE"}, {0x178, "Y"},
		{0x2019, "'"}, {0x2018, "'"}, {0x2013, "-"}, {0x2014, "-"},
	};
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k, len;
	uint32_t c;

	while (i < n) {
		c = p[i];
		if (c < 0x80) {
			buf_addc(b, (c >= 'a' && c <= 'z') ? (char)(c - 32) :
			    (char)c);
			i++;
			continue;
		}
		len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 :
		    (c & 0xF8) == 0xF0 ? 4 : 1;
		c &= len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07;
		for (k = 1; k < len && i + k < n; k++)
			c = (c << 6) | (p[i + k] & 0x3F);
		i += len;
		for (k = 0; k < sizeof tab / sizeof tab[0]; k++)
			if (tab[k].c == c)
				break;
		buf_adds(b, k < sizeof tab / sizeof tab[0] ? tab[k].a : " ");
	}
}
