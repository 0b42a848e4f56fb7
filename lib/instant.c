#include <string.h>

#include "instant.h"
#include "swar.h"

static int
mday(int y, int m)
{
	static const signed char dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
		31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/*
 * The 25-character form, by far the common one, checked eight bytes at a
 * time: the words at 0 and 3 hold the date and the T, those at 11 and 17
 * the time and the offset. For each, the bytes that must be digits (0xFF)
 * and the literal expected elsewhere; the sign at 19 is checked apart.
 */
static const char w25form[] = "AAAA-MM-JJTHH:MM:SS+HH:MM";

struct w25 {
	uint64_t	dig[4], lit[4], care[4];
};

static const int w25off[4] = { 0, 3, 11, 17 };

static void
w25init(struct w25 *m)
{
	unsigned char d[8], c[8];
	int k, i;
	char ch;

	for (k = 0; k < 4; k++) {
		for (i = 0; i < 8; i++) {
			ch = w25form[w25off[k] + i];
			d[i] = ch >= 'A' && ch <= 'Z' && ch != 'T' ? 0xFF : 0;
			c[i] = ch == '+' ? 0 : 0xFF;
		}
		memcpy(&m->dig[k], d, 8);
		memcpy(&m->care[k], c, 8);
		memcpy(&m->lit[k], &w25form[w25off[k]], 8);
	}
}

/*
 * Nonzero unless w has digits where dig says and the literal elsewhere
 * (literal bytes are first set to '0' so their borrows reach no digit).
 */
static inline uint64_t
w25bad(uint64_t w, uint64_t dig, uint64_t lit, uint64_t care)
{
	uint64_t x = (w & dig) | ('0' * ONES & ~dig);

	return (((x + 0x46 * ONES) | (x - '0' * ONES) | x) & HIGHS) |
	    ((w ^ lit) & ~dig & care);
}

static inline int
d2(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/*
 * The day counts of the last two valid dates seen, by their words: the
 * instants of a record share a day or two (a visit's, its correction's),
 * whose check and count are then done once.
 */
static struct {
	uint64_t	w0, w1;
	int64_t		days;
} seen[2];
static int nseen, nextseen;

/* The days from the epoch of the date part of s, or INT64_MIN. */
static int64_t
date25(const char *s, const struct w25 *m)
{
	uint64_t w0, w1;
	int k, y, mo, d;

	memcpy(&w0, s, 8);
	memcpy(&w1, s + 3, 8);
	for (k = 0; k < nseen; k++)
		if (seen[k].w0 == w0 && seen[k].w1 == w1)
			return seen[k].days;
	if (w25bad(w0, m->dig[0], m->lit[0], m->care[0]) |
	    w25bad(w1, m->dig[1], m->lit[1], m->care[1]))
		return INT64_MIN;
	y = d2(s) * 100 + d2(s + 2);
	mo = d2(s + 5);
	d = d2(s + 8);
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > mday(y, mo))
		return INT64_MIN;
	k = nextseen;
	nextseen ^= 1;
	if (nseen < 2)
		nseen++;
	seen[k].w0 = w0;
	seen[k].w1 = w1;
	return seen[k].days = days_from_civil(y, mo, d);
}

static int
parse25(const char *s, int64_t *t)
{
	static struct w25 m;
	static int ready;
	uint64_t w2, w3;
	int64_t days;
	int h, mi, se, oh, om, off;

	if (!ready) {
		w25init(&m);
		ready = 1;
	}
	memcpy(&w2, s + 11, 8);
	memcpy(&w3, s + 17, 8);
	if ((w25bad(w2, m.dig[2], m.lit[2], m.care[2]) |
	    w25bad(w3, m.dig[3], m.lit[3], m.care[3])) != 0 ||
	    (s[19] != '+' && s[19] != '-') ||
	    (days = date25(s, &m)) == INT64_MIN)
		return -1;
	h = d2(s + 11);
	mi = d2(s + 14);
	se = d2(s + 17);
	oh = d2(s + 20);
	om = d2(s + 23);
	if (h > 23 || mi > 59 || se > 59 || oh > 14 || om > 59)
		return -1;
	off = (oh * 60 + om) * 60;
	if (s[19] == '-')
		off = -off;
	*t = days * 86400 + h * 3600 + mi * 60 + se - off;
	return 0;
}

/*
 * Parses AAAA-MM-JJTHH:MM:SS followed by +HH:MM, -HH:MM or Z into seconds
 * since 1970-01-01T00:00:00Z. Returns 0, or -1 when s is not such an
 * instant or names an impossible one.
 */
int
instant_parse(const char *s, size_t n, int64_t *t)
{
	char b[25];

	if (n == 25)
		return parse25(s, t);
	/* Z is the offset +00:00: one reading of the form for both. */
	if (n != 20 || s[19] != 'Z')
		return -1;
	memcpy(b, s, 19);
	memcpy(b + 19, "+00:00", 6);
	return parse25(b, t);
}

/* Seconds from instant a to instant b (negative when b comes first). */
int
instant_elapsed(const char *a, size_t an, const char *b, size_t bn,
    int64_t *secs)
{
	int64_t ta, tb;

	if (instant_parse(a, an, &ta) != 0 || instant_parse(b, bn, &tb) != 0)
		return -1;
	*secs = tb - ta;
	return 0;
}
