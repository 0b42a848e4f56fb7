#include "instant.h"

static int
num(const char *s, int n, int *v)
{
	int i;
	unsigned d;

	*v = 0;
	for (i = 0; i < n; i++) {
		if ((d = (unsigned)(s[i] - '0')) > 9)
			return -1;
		*v = *v * 10 + (int)d;
	}
	return 0;
}

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
 * Parses AAAA-MM-JJTHH:MM:SS followed by +HH:MM, -HH:MM or Z into seconds
 * since 1970-01-01T00:00:00Z. Returns 0, or -1 when s is not such an
 * instant or names an impossible one.
 */
int
instant_parse(const char *s, size_t n, int64_t *t)
{
	int y, mo, d, h, mi, se, oh = 0, om = 0, off;

	if (n != 20 && n != 25)
		return -1;
	if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':')
		return -1;
	if (num(s, 4, &y) || num(s + 5, 2, &mo) || num(s + 8, 2, &d) ||
	    num(s + 11, 2, &h) || num(s + 14, 2, &mi) || num(s + 17, 2, &se))
		return -1;
	if (n == 20) {
		if (s[19] != 'Z')
			return -1;
	} else if ((s[19] != '+' && s[19] != '-') || s[22] != ':' ||
	    num(s + 20, 2, &oh) || num(s + 23, 2, &om))
		return -1;
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > mday(y, mo) || h > 23 || mi > 59 || se > 59 ||
	    oh > 14 || om > 59)
		return -1;
	off = (oh * 60 + om) * 60;
	if (s[19] == '-')
		off = -off;
	*t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off;
	return 0;
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
