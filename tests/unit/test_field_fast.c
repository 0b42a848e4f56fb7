/*
 * Unit tests of field_decode_fast(): whenever it takes a value, it must
 * give exactly what field_decode_q() gives (value and quote flag); it may
 * decline anything. Checked on chosen values and on many random ones.
 */
#include <stdint.h>

#include "field.h"
#include "rec.h"
#include "unit.h"

static struct codec cp1252, utf8;

static void
setup(void)
{
	diag_quiet(1);
	diag_file("stdin");
	diag_line(0);
	ck_assert_int_eq(charset_open(&cp1252.cs, "WINDOWS-1252"), 0);
	cp1252.sep = '|';
	cp1252.decsep = '.';
	cp1252.eol = "\n";
	ck_assert_int_eq(charset_open(&utf8.cs, "UTF-8"), 0);
	utf8.sep = '|';
	utf8.decsep = '.';
	utf8.eol = "\n";
}

static void
teardown(void)
{
	charset_close(&cp1252.cs);
	charset_close(&utf8.cs);
}

static const struct field fields[] = {
	{"1", "t", "T", FT_TEXT, 10, 0, 0, 0, 0, NULL, 0},
	{"2", "t0", "T0", FT_TEXT, 0, 0, 0, 0, 1, NULL, 0},
	{"3", "c", "C", FT_CODE, 2, 0, 0, 0, 1, "P|M|E|AB", 0},
	{"4", "d", "D", FT_DIGITS, 5, 0, 0, 0, 0, NULL, 0},
	{"5", "dp", "DP", FT_DIGITS, 5, 0, 0, 0, 0, NULL, FF_PADDED},
	{"6", "i", "I", FT_INT, 4, 0, 0, 0, 0, NULL, 0},
	{"7", "x", "X", FT_DEC, 3, 2, 0, 0, 0, NULL, 0},
	{"8", "m", "M", FT_MONEY, 5, 2, 0, 0, 0, NULL, 0},
	{"9", "mp", "MP", FT_MONEY, 5, 2, 0, 0, 0, NULL, FF_PADDED},
	{"10", "h", "H", FT_HOURS, 0, 2, 0, 0, 0, NULL, 0},
	{"11", "j", "J", FT_DATE, 10, 0, 0, 0, 0, "JJ/MM/AAAA", 0},
	{"12", "a", "A", FT_DATE, 8, 0, 0, 0, 0, NULL, 0},
	{"13", "iso", "ISO", FT_DATE, 10, 0, 0, 0, 0, "AAAA-MM-JJ", 0},
	{"14", "mo", "MO", FT_MONTH, 6, 0, 0, 0, 0, NULL, 0},
	{"15", "mm", "MM", FT_MONTH, 7, 0, 0, 0, 0, "MM/AAAA", 0},
	{"16", "b", "B", FT_BOOL, 1, 0, 0, 0, 0, NULL, 0},
	{"17", "k", "K", FT_CONST, 3, 0, 0, 0, 1, "DEB", 0},
	{"18", "n", "N", FT_INSTANT, 25, 0, 0, 0, 0, NULL, 0},
	{"19", "l", "L", FT_DATE, 20, 0, 0, 0, 0, "le JJ du MM/AAAA !", 0},
};
#define NFIELDS (sizeof fields / sizeof fields[0])

/*
 * Compares both paths on s[0..n); returns whether the fast one took it.
 * Its output area is filled first, so that bytes written past its
 * announced length would not go unnoticed by a later comparison.
 */
static int
same(const struct codec *c, const struct field *f, const char *s, size_t n)
{
	char o[3 * 256 + 2];
	struct buf b = {0};
	unsigned char qf = 9, qs = 9;
	int k, r;

	ck_assert_uint_le(n, 256);
	memset(o, 0x55, sizeof o);
	k = field_decode_fast(c, f, s, n, o, &qf);
	if (k < 0)
		return 0;
	r = field_decode_q(c, f, s, n, &b, 1, &qs);
	ck_assert_msg(r == 0, "champ %s: la voie rapide accepte «%.*s», "
	    "field_decode_q le refuse", f->pos, (int)n, s);
	ck_assert_msg((size_t)k == b.len && memcmp(o, b.p, b.len) == 0,
	    "champ %s: «%.*s» donne «%.*s» au lieu de «%s»", f->pos, (int)n,
	    s, k, o, b.p);
	if (f->type == FT_TEXT || f->type == FT_CODE)
		ck_assert_int_eq(qf, qs);
	buf_free(&b);
	return 1;
}

START_TEST(chosen)
{
	static const struct {
		int		 f;
		const char	*s;
		int		 fast;	/* taken by the fast path */
	} t[] = {
		{0, "Dupont", 1}, {0, "A, B", 1}, {0, "dit \"Jo\"", 1},
		{0, "M\xfcller", 1}, {0, "Lo\xef" "c B\xe9r\xe9nice", 0},
		{0, "a\tb", 0}, {0, "abcd\x1f", 0}, {0, "\x81", 0},
		{0, "abcdefghijk", 0},
		{1, "abcdefghijklmnopqrstuvwxyz, \xe9t\xe9", 1},
		{2, "P", 1}, {2, "AB", 1}, {2, "X", 0}, {2, "p", 0},
		{3, "01234", 1}, {3, "0123", 1}, {3, "012345", 0}, {3, "1a", 0},
		{4, "01234", 1}, {4, "0123", 0},
		{5, "1234", 1}, {5, "0", 1}, {5, "0012", 0}, {5, "-3", 0},
		{5, "12345", 0},
		{6, "12.49", 1}, {6, "0.50", 1}, {6, "12.5", 0}, {6, "1,50", 0},
		{6, "1234.00", 0}, {6, "01.00", 0},
		{7, "124.90", 1}, {8, "0012490", 0}, {9, "99999.99", 1},
		{10, "01/08/2015", 1}, {10, "29/02/2000", 1},
		{10, "29/02/1900", 0}, {10, "31/04/2015", 0},
		{10, "1/08/2015", 0}, {10, "01-08-2015", 0},
		{10, "0:/08/2015", 0}, {10, "01/08/201/", 0},
		{10, "00/01/2000", 0}, {10, "01/13/2000", 0},
		{10, "01/01/0000", 0},
		{11, "20150801", 1}, {11, "2015080", 0}, {11, "2015-08-01", 0},
		{12, "2015-08-01", 1}, {12, "20150801", 0},
		{13, "201508", 1}, {13, "201500", 0},
		{14, "08/2015", 1}, {14, "13/2015", 0}, {14, "08-2015", 0},
		{15, "1", 1}, {15, "0", 1}, {15, "2", 0},
		{16, "DEB", 1}, {16, "FIN", 0},
		{17, "2015-08-01T10:00:00+02:00", 0},
		{18, "le 01 du 08/2015 !", 1}, {18, "le 01 dX 08/2015 !", 0},
		{18, "le 01 du 08/2015 ?", 0}, {18, "le 31 du 02/2015 !", 0},
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		ck_assert_msg(same(&cp1252, &fields[t[i].f], t[i].s,
		    strlen(t[i].s)) == t[i].fast,
		    "champ %s, «%s»: voie rapide %s", fields[t[i].f].pos,
		    t[i].s, t[i].fast ? "attendue" : "inattendue");
	/*
	 * UTF-8 on the wire: valid text is taken as it is, within its length
	 * in bytes (the slow path counts characters); the rest is left to
	 * field_decode_q.
	 */
	ck_assert_int_eq(same(&utf8, &fields[0], "Dupont", 6), 1);
	ck_assert_int_eq(same(&utf8, &fields[0], "M\xc3\xbcller", 7), 1);
	ck_assert_int_eq(same(&utf8, &fields[0], "M\xfcller", 7), 0);
	ck_assert_int_eq(same(&utf8, &fields[0], "\xe9t\xc3", 4), 0);
	ck_assert_int_eq(same(&utf8, &fields[0], "\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9", 12), 0);
}
END_TEST

static uint64_t seed = 88172645463325252ULL;

static unsigned
rnd(unsigned n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (unsigned)(seed % n);
}

/* Random values biased towards what the types look for. */
START_TEST(random_values)
{
	static const char bytes[] = "0123456789/-.,\"AaJMPEB :\t\x01\x1f\x7f\x80"
	    "\x81\xb9\xba\xe9\xff";
	static const char *const starts[] = {
		"01/08/2015", "20150801", "2015-08-01", "201508", "12.49",
		"0.00", "Dupont", "DEB", "1", "P", "12345", "M\xfcller",
		"abcdefghijklmnop", "le 01 du 08/2015 !",
	};
	char s[64];
	size_t i, k, n, taken = 0;

	for (i = 0; i < 200000; i++) {
		const char *st = starts[rnd(sizeof starts / sizeof starts[0])];

		n = strlen(st);
		memcpy(s, st, n);
		for (k = rnd(4); k > 0; k--) {
			if (rnd(3) == 0 && n < sizeof s - 1)
				s[n++] = bytes[rnd(sizeof bytes - 1)];
			else if (n > 0)
				s[rnd((unsigned)n)] = bytes[rnd(sizeof bytes - 1)];
		}
		if (rnd(5) == 0 && n > 0)
			n = rnd((unsigned)n) + 1;
		taken += same(rnd(4) ? &cp1252 : &utf8,
		    &fields[rnd(NFIELDS)], s, n);
	}
	/* The comparison means something only if the fast path ran. */
	ck_assert_uint_gt(taken, 1000);
}
END_TEST

/*
 * A slow field that ends one byte short of the arena's end, last of its
 * record: the NUL after it, then the one closing the arena, must still
 * fit (ASan sees the overflow otherwise). A fresh row's arena starts at
 * 256 bytes: a text of 73 characters and its NUL, then 13 decimals "1"
 * written "1.0000000000" (13 bytes with their NUL) leave 13 bytes, which
 * the 14th decimal fills but one.
 */
START_TEST(arena_full)
{
	struct field f[15];
	struct recfmt r = { NULL, "test", f, 15, 0 };
	struct row v = {0};
	char line[256];
	size_t i, n;

	f[0] = fields[1];
	for (i = 1; i < 15; i++) {
		f[i] = fields[6];
		f[i].scale = 10;
		f[i].len = 0;
	}
	memset(line, 'a', 73);
	for (n = 73, i = 1; i < 15; i++, n += 2)
		memcpy(line + n, "|1", 2);
	ck_assert_int_eq(rec_decode(&cp1252, &r, line, n, &v), 0);
	ck_assert_uint_eq(v.n, 15);
	ck_assert_str_eq(v.v[14], "1.0000000000");
	ck_assert_uint_eq(v.len[0], 73);
	row_free(&v);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("field_fast");
	TCase *t = tcase_create("field_fast");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, chosen);
	tcase_add_test(t, random_values);
	tcase_add_test(t, arena_full);
	suite_add_tcase(s, t);
	return unit_run(s);
}
