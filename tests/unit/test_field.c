/* Unit tests of lib/field: every field type, both directions. */
#include <stdint.h>

#include "field.h"
#include "unit.h"

static struct codec delim, fixed;

static void
setup(void)
{
	diag_quiet(1);
	diag_file("stdin");
	diag_line(0);
	ck_assert_int_eq(charset_open(&delim.cs, "WINDOWS-1252"), 0);
	delim.sep = '|';
	delim.decsep = '.';
	delim.eol = "\n";
	ck_assert_int_eq(charset_open(&fixed.cs, "WINDOWS-1252"), 0);
	fixed.sep = 0;
	fixed.decsep = '.';
	fixed.eol = "\n";
}

static void
teardown(void)
{
	charset_close(&delim.cs);
	charset_close(&fixed.cs);
}

/* A delimited field: only len matters. */
static struct field
F(enum ftype t, int len, int scale, int req, const char *arg)
{
	struct field f = { "7", "champ", "Champ", t, len, scale, 0, 0, req,
	    arg, 0 };

	return f;
}

/* A fixed-width field at columns 11..10+w. */
static struct field
W(enum ftype t, int w, int scale, int req, const char *arg)
{
	struct field f = { "7", "champ", "Champ", t, w, scale, 11, 10 + w,
	    req, arg, 0 };

	return f;
}

static char got[4096];

/* Decodes s; returns field_decode's result, the value in got. */
static int
dec(const struct codec *c, struct field f, const char *s)
{
	struct buf b = {0};
	int r;

	buf_add(&b, "", 0);
	r = field_decode(c, &f, s, strlen(s), &b, 1);
	snprintf(got, sizeof got, "%s", b.p);
	buf_free(&b);
	return r;
}

static int
enc(const struct codec *c, struct field f, const char *s)
{
	struct buf b = {0};
	int r;

	buf_add(&b, "", 0);
	r = field_encode(c, &f, s, strlen(s), &b);
	snprintf(got, sizeof got, "%s", b.p);
	buf_free(&b);
	return r;
}

#define DEC_OK(c, f, in, want) do {					\
	ck_assert_int_eq(dec(c, f, in), 0);				\
	ck_assert_str_eq(got, want);					\
} while (0)

#define ENC_OK(c, f, in, want) do {					\
	ck_assert_int_eq(enc(c, f, in), 0);				\
	ck_assert_str_eq(got, want);					\
} while (0)

/* The call fails with one diagnostic more of class cls. */
#define DEC_ERR(c, f, in, cls) do {					\
	unsigned long n0 = unit_classcount(cls);			\
	ck_assert_int_eq(dec(c, f, in), -1);				\
	ck_assert_uint_eq(unit_classcount(cls), n0 + 1);		\
} while (0)

#define ENC_ERR(c, f, in, cls) do {					\
	unsigned long n0 = unit_classcount(cls);			\
	ck_assert_int_eq(enc(c, f, in), -1);				\
	ck_assert_uint_eq(unit_classcount(cls), n0 + 1);		\
} while (0)

START_TEST(text_delimited)
{
	DEC_OK(&delim, F(FT_TEXT, 5, 0, 0, NULL), "abc", "abc");
	DEC_OK(&delim, F(FT_TEXT, 5, 0, 0, NULL), "", "");
	DEC_OK(&delim, F(FT_TEXT, 5, 0, 0, NULL), " a b ", " a b ");
	/* Five Windows-1252 bytes are five characters, ten UTF-8 bytes. */
	DEC_OK(&delim, F(FT_TEXT, 5, 0, 0, NULL), "\xe9t\xe9\xe0\x80",
	    "étéà€");
	DEC_ERR(&delim, F(FT_TEXT, 5, 0, 1, NULL), "", DC_OBLIG);
	DEC_ERR(&delim, F(FT_TEXT, 5, 0, 0, NULL), "abcdef", DC_LONG);
	DEC_ERR(&delim, F(FT_TEXT, 5, 0, 0, NULL), "\xe9\xe9\xe9\xe9\xe9\xe9",
	    DC_LONG);
	DEC_ERR(&delim, F(FT_TEXT, 5, 0, 0, NULL), "a\tb", DC_CHARSET);
	DEC_ERR(&delim, F(FT_TEXT, 5, 0, 0, NULL), "a\x81", DC_CHARSET);

	ENC_OK(&delim, F(FT_TEXT, 5, 0, 0, NULL), "abc", "abc");
	ENC_OK(&delim, F(FT_TEXT, 5, 0, 0, NULL), "", "");
	ENC_OK(&delim, F(FT_TEXT, 5, 0, 0, NULL), "été€", "\xe9t\xe9\x80");
	ENC_OK(&delim, F(FT_TEXT, 5, 0, 0, NULL), "ééééé", "\xe9\xe9\xe9\xe9\xe9");
	ENC_ERR(&delim, F(FT_TEXT, 5, 0, 0, NULL), "éééééé", DC_LONG);
	ENC_ERR(&delim, F(FT_TEXT, 5, 0, 1, NULL), "", DC_OBLIG);
	ENC_ERR(&delim, F(FT_TEXT, 5, 0, 0, NULL), "a|b", DC_CHARSET);
	ENC_ERR(&delim, F(FT_TEXT, 5, 0, 0, NULL), "a\nb", DC_CHARSET);
	ENC_ERR(&delim, F(FT_TEXT, 5, 0, 0, NULL), "\xc4\x89", DC_CHARSET);
	ENC_ERR(&delim, F(FT_TEXT, 5, 0, 0, NULL), "a\xc3", DC_CHARSET);
}
END_TEST

START_TEST(text_fixed)
{
	DEC_OK(&fixed, W(FT_TEXT, 5, 0, 0, NULL), "ab   ", "ab");
	DEC_OK(&fixed, W(FT_TEXT, 5, 0, 0, NULL), " ab  ", " ab");
	DEC_OK(&fixed, W(FT_TEXT, 5, 0, 0, NULL), "     ", "");
	DEC_OK(&fixed, W(FT_TEXT, 5, 0, 0, NULL), "\xc9t\xe9  ", "Été");
	DEC_ERR(&fixed, W(FT_TEXT, 5, 0, 1, NULL), "     ", DC_OBLIG);
	DEC_ERR(&fixed, W(FT_TEXT, 5, 0, 0, NULL), "a\x8d   ", DC_CHARSET);

	ENC_OK(&fixed, W(FT_TEXT, 5, 0, 0, NULL), "ab", "ab   ");
	ENC_OK(&fixed, W(FT_TEXT, 5, 0, 0, NULL), "", "     ");
	ENC_OK(&fixed, W(FT_TEXT, 5, 0, 0, NULL), "été", "\xe9t\xe9  ");
	ENC_OK(&fixed, W(FT_TEXT, 5, 0, 0, NULL), "abcde", "abcde");
	ENC_ERR(&fixed, W(FT_TEXT, 5, 0, 0, NULL), "abcdef", DC_LONG);
	ENC_ERR(&fixed, W(FT_TEXT, 5, 0, 1, NULL), "", DC_OBLIG);
}
END_TEST

START_TEST(control_message)
{
	char *e;

	diag_quiet(0);
	diag_file("f.txt");
	diag_line(3);
	unit_err_begin();
	ck_assert_int_eq(dec(&delim, F(FT_TEXT, 9, 0, 0, NULL), "ab\x01"), -1);
	ck_assert_int_eq(dec(&delim, F(FT_TEXT, 9, 0, 0, NULL), "abc\x8f"), -1);
	e = unit_err_end();
	/* dec() passes column 1: the bad byte is the value's third/fourth. */
	ck_assert_str_eq(e,
	    "cesutg: f.txt:3: champ 7 (champ): caractère de contrôle 0x01 à la colonne 3 «ab\\x01»\n"
	    "cesutg: f.txt:3: champ 7 (champ): octet 0x8F invalide en WINDOWS-1252 à la colonne 4 «abc\\x8F»\n");
	free(e);
}
END_TEST

START_TEST(code)
{
	struct field f = F(FT_CODE, 1, 0, 1, "P|M|E");
	char *e;

	DEC_OK(&delim, f, "P", "P");
	DEC_OK(&delim, f, "E", "E");
	DEC_ERR(&delim, f, "X", DC_CODE);
	DEC_ERR(&delim, f, "PM", DC_LONG);
	DEC_ERR(&delim, f, "", DC_OBLIG);
	DEC_OK(&delim, F(FT_CODE, 1, 0, 0, "1|2"), "", "");
	ENC_OK(&delim, f, "M", "M");
	ENC_ERR(&delim, f, "p", DC_CODE);
	ENC_OK(&fixed, W(FT_CODE, 3, 0, 0, "AB|C"), "C", "C  ");
	DEC_OK(&fixed, W(FT_CODE, 3, 0, 0, "AB|C"), "AB ", "AB");
	DEC_ERR(&fixed, W(FT_CODE, 3, 0, 0, "AB|C"), "A  ", DC_CODE);
	/* Codes sharing prefixes, of every length to 8 and past it. */
	f = F(FT_CODE, 12, 0, 0, "CO2|COA|COD|C|ABCDEFGH|X");
	DEC_OK(&delim, f, "COA", "COA");
	DEC_OK(&delim, f, "C", "C");
	DEC_OK(&delim, f, "ABCDEFGH", "ABCDEFGH");
	DEC_ERR(&delim, f, "CO", DC_CODE);
	DEC_ERR(&delim, f, "COAX", DC_CODE);
	DEC_ERR(&delim, f, "ABCDEFG", DC_CODE);
	DEC_ERR(&delim, f, "ABCDEFGHI", DC_CODE);
	DEC_ERR(&delim, f, "co2", DC_CODE);
	/* A code of 9 bytes, and 17 codes: the lists are read in place. */
	f = F(FT_CODE, 12, 0, 0, "ABCDEFGHI|Z");
	DEC_OK(&delim, f, "ABCDEFGHI", "ABCDEFGHI");
	DEC_OK(&delim, f, "Z", "Z");
	DEC_ERR(&delim, f, "ABCDEFGH", DC_CODE);
	f = F(FT_CODE, 2, 0, 0, "01|02|03|04|05|06|07|08|09|10|11|12|13|14|15|16|17");
	DEC_OK(&delim, f, "17", "17");
	DEC_OK(&delim, f, "01", "01");
	DEC_ERR(&delim, f, "18", DC_CODE);
	f = F(FT_CODE, 1, 0, 1, "P|M|E");

	diag_quiet(0);
	diag_line(2);
	unit_err_begin();
	dec(&delim, f, "X");
	e = unit_err_end();
	ck_assert_str_eq(e,
	    "cesutg: stdin:2: champ 7 (champ): code inconnu, attendu P, M ou E «X»\n");
	free(e);
}
END_TEST

START_TEST(digits)
{
	DEC_OK(&delim, F(FT_DIGITS, 5, 0, 0, NULL), "07500", "07500");
	DEC_OK(&delim, F(FT_DIGITS, 5, 0, 0, NULL), "0", "0");
	DEC_ERR(&delim, F(FT_DIGITS, 5, 0, 0, NULL), "75a", DC_NOMBRE);
	DEC_ERR(&delim, F(FT_DIGITS, 5, 0, 0, NULL), "-1", DC_NOMBRE);
	DEC_ERR(&delim, F(FT_DIGITS, 5, 0, 0, NULL), "123456", DC_NOMBRE);
	DEC_OK(&fixed, W(FT_DIGITS, 5, 0, 0, NULL), "00750", "00750");
	DEC_OK(&fixed, W(FT_DIGITS, 5, 0, 0, NULL), "     ", "");
	DEC_ERR(&fixed, W(FT_DIGITS, 5, 0, 0, NULL), "750  ", DC_NOMBRE);

	ENC_OK(&delim, F(FT_DIGITS, 5, 0, 0, NULL), "0750", "0750");
	ENC_ERR(&delim, F(FT_DIGITS, 5, 0, 0, NULL), "123456", DC_LONG);
	ENC_ERR(&delim, F(FT_DIGITS, 5, 0, 0, NULL), "12 3", DC_NOMBRE);
	ENC_OK(&fixed, W(FT_DIGITS, 5, 0, 0, NULL), "750", "00750");
	ENC_OK(&fixed, W(FT_DIGITS, 5, 0, 0, NULL), "", "     ");
	ENC_ERR(&fixed, W(FT_DIGITS, 5, 0, 0, NULL), "123456", DC_LONG);
}
END_TEST

START_TEST(integer)
{
	struct field f = F(FT_INT, 3, 0, 0, NULL);

	DEC_OK(&delim, f, "7", "7");
	DEC_OK(&delim, f, "007", "7");
	DEC_OK(&delim, f, "000", "0");
	DEC_OK(&delim, f, "-12", "-12");
	DEC_OK(&delim, f, "999", "999");
	DEC_OK(&delim, f, "0999", "999");
	DEC_ERR(&delim, f, "1000", DC_NOMBRE);
	DEC_ERR(&delim, f, "1.5", DC_NOMBRE);
	DEC_ERR(&delim, f, "-", DC_NOMBRE);
	DEC_ERR(&delim, f, "+1", DC_NOMBRE);
	DEC_OK(&fixed, W(FT_INT, 5, 0, 0, NULL), "00042", "42");
	DEC_OK(&fixed, W(FT_INT, 5, 0, 0, NULL), "00000", "0");
	DEC_ERR(&fixed, W(FT_INT, 5, 0, 0, NULL), "-0042", DC_NOMBRE);
	DEC_ERR(&fixed, W(FT_INT, 5, 0, 0, NULL), "  42 ", DC_NOMBRE);

	ENC_OK(&delim, f, "42", "42");
	ENC_OK(&delim, f, "-42", "-42");
	ENC_ERR(&delim, f, "1000", DC_LONG);
	ENC_ERR(&delim, f, "4x", DC_NOMBRE);
	ENC_OK(&fixed, W(FT_INT, 5, 0, 0, NULL), "42", "00042");
	ENC_ERR(&fixed, W(FT_INT, 5, 0, 0, NULL), "-42", DC_NOMBRE);
	ENC_ERR(&fixed, W(FT_INT, 5, 0, 0, NULL), "123456", DC_LONG);
}
END_TEST

START_TEST(decimal_delimited)
{
	struct field f = F(FT_DEC, 5, 2, 1, NULL);
	struct codec comma = delim;

	DEC_OK(&delim, f, "12.50", "12.50");
	DEC_OK(&delim, f, "12,50", "12.50");
	DEC_OK(&delim, f, "12.5", "12.50");
	DEC_OK(&delim, f, "12", "12.00");
	DEC_OK(&delim, f, "0,05", "0.05");
	DEC_OK(&delim, f, "-3.25", "-3.25");
	DEC_OK(&delim, f, "99999.99", "99999.99");
	DEC_OK(&delim, f, "0099999.99", "99999.99");
	DEC_OK(&delim, F(FT_DEC, 3, 3, 0, NULL), "1.5", "1.500");
	DEC_OK(&delim, F(FT_DEC, 3, 0, 0, NULL), "15", "15");
	DEC_ERR(&delim, f, "12.345", DC_NOMBRE);
	DEC_ERR(&delim, f, "100000.00", DC_NOMBRE);
	DEC_ERR(&delim, f, "abc", DC_NOMBRE);
	DEC_ERR(&delim, f, "12.", DC_NOMBRE);
	DEC_ERR(&delim, f, ".5", DC_NOMBRE);
	DEC_ERR(&delim, f, "1.2.3", DC_NOMBRE);
	DEC_ERR(&delim, f, "1 000", DC_NOMBRE);
	DEC_ERR(&delim, f, "", DC_OBLIG);
	DEC_OK(&delim, F(FT_MONEY, 7, 2, 0, NULL), "1545", "1545.00");
	DEC_OK(&delim, F(FT_MONEY, 7, 2, 0, NULL), "1545,5", "1545.50");
	DEC_ERR(&delim, F(FT_MONEY, 7, 2, 0, NULL), "15.455", DC_NOMBRE);
	DEC_OK(&delim, F(FT_HOURS, 3, 2, 0, NULL), "10.25", "10.25");

	ENC_OK(&delim, f, "12.50", "12.50");
	ENC_OK(&delim, f, "12.5", "12.50");
	ENC_OK(&delim, f, "-0.05", "-0.05");
	ENC_ERR(&delim, f, "1.234", DC_NOMBRE);
	ENC_ERR(&delim, f, "x", DC_NOMBRE);
	ENC_ERR(&delim, f, "100000.00", DC_LONG);
	comma.decsep = ',';
	ENC_OK(&comma, f, "12.50", "12,50");
	ENC_OK(&comma, F(FT_MONEY, 7, 2, 0, NULL), "1545.00", "1545,00");
}
END_TEST

START_TEST(decimal_fixed)
{
	struct field f = W(FT_DEC, 7, 2, 0, NULL);

	/* Implied decimals: the last two digits are the cents. */
	DEC_OK(&fixed, f, "0001250", "12.50");
	DEC_OK(&fixed, f, "0000000", "0.00");
	DEC_OK(&fixed, f, "9999999", "99999.99");
	DEC_OK(&fixed, f, "       ", "");
	DEC_OK(&fixed, W(FT_MONEY, 9, 0, 0, NULL), "000154500", "1545.00");
	DEC_OK(&fixed, W(FT_DEC, 4, 3, 0, NULL), "1500", "1.500");
	DEC_ERR(&fixed, f, "00012,5", DC_NOMBRE);
	DEC_ERR(&fixed, f, "-001250", DC_NOMBRE);
	DEC_ERR(&fixed, f, "   1250", DC_NOMBRE);

	ENC_OK(&fixed, f, "12.50", "0001250");
	ENC_OK(&fixed, f, "12.5", "0001250");
	ENC_OK(&fixed, f, "0", "0000000");
	ENC_OK(&fixed, f, "", "       ");
	ENC_OK(&fixed, f, "99999.99", "9999999");
	ENC_ERR(&fixed, f, "100000.00", DC_LONG);
	ENC_ERR(&fixed, f, "-1.00", DC_NOMBRE);
	ENC_ERR(&fixed, f, "1.001", DC_NOMBRE);
}
END_TEST

START_TEST(dates)
{
	struct field jj = F(FT_DATE, 10, 0, 1, "JJ/MM/AAAA");
	struct field am = F(FT_DATE, 8, 0, 0, "AAAAMMJJ");
	struct field ja = F(FT_DATE, 8, 0, 0, "JJMMAAAA");

	DEC_OK(&delim, jj, "29/02/2016", "2016-02-29");
	DEC_OK(&delim, jj, "01/01/0001", "0001-01-01");
	DEC_OK(&delim, jj, "31/12/9999", "9999-12-31");
	DEC_OK(&delim, jj, "29/02/2000", "2000-02-29");
	DEC_ERR(&delim, jj, "29/02/1900", DC_DATE);
	DEC_ERR(&delim, jj, "29/02/2015", DC_DATE);
	DEC_ERR(&delim, jj, "31/02/2016", DC_DATE);
	DEC_ERR(&delim, jj, "31/04/2016", DC_DATE);
	DEC_ERR(&delim, jj, "00/01/2016", DC_DATE);
	DEC_ERR(&delim, jj, "01/13/2016", DC_DATE);
	DEC_ERR(&delim, jj, "01/00/2016", DC_DATE);
	DEC_ERR(&delim, jj, "01/01/0000", DC_DATE);
	DEC_ERR(&delim, jj, "2016-02-29", DC_FMTDATE);
	DEC_ERR(&delim, jj, "1/2/2016", DC_FMTDATE);
	DEC_ERR(&delim, jj, "29.02.2016", DC_FMTDATE);
	DEC_ERR(&delim, jj, "29/02/16", DC_FMTDATE);
	DEC_ERR(&delim, jj, "2a/02/2016", DC_FMTDATE);
	DEC_ERR(&delim, jj, "", DC_OBLIG);

	DEC_OK(&delim, am, "20160229", "2016-02-29");
	DEC_OK(&delim, am, "", "");
	DEC_ERR(&delim, am, "20150229", DC_DATE);
	DEC_ERR(&delim, am, "20160231", DC_DATE);
	DEC_ERR(&delim, am, "29022016", DC_DATE);
	DEC_ERR(&delim, am, "2016022", DC_FMTDATE);
	DEC_OK(&delim, ja, "29022016", "2016-02-29");
	DEC_ERR(&delim, ja, "29022015", DC_DATE);
	DEC_ERR(&delim, ja, "31062016", DC_DATE);
	/* A date field without a pattern is AAAAMMJJ. */
	DEC_OK(&delim, F(FT_DATE, 8, 0, 0, NULL), "20161030", "2016-10-30");

	ENC_OK(&delim, jj, "2016-02-29", "29/02/2016");
	ENC_OK(&delim, am, "2016-02-29", "20160229");
	ENC_OK(&delim, ja, "2016-02-29", "29022016");
	ENC_OK(&delim, am, "", "");
	ENC_ERR(&delim, jj, "2015-02-29", DC_DATE);
	ENC_ERR(&delim, jj, "2016-02-30", DC_DATE);
	ENC_ERR(&delim, jj, "29/02/2016", DC_FMTDATE);
	ENC_ERR(&delim, jj, "2016-2-29", DC_FMTDATE);
	ENC_ERR(&delim, jj, "", DC_OBLIG);

	DEC_OK(&fixed, W(FT_DATE, 8, 0, 0, "AAAAMMJJ"), "20160229", "2016-02-29");
	DEC_OK(&fixed, W(FT_DATE, 8, 0, 0, "AAAAMMJJ"), "        ", "");
	DEC_ERR(&fixed, W(FT_DATE, 8, 0, 0, "AAAAMMJJ"), "2016022 ", DC_FMTDATE);
	ENC_OK(&fixed, W(FT_DATE, 8, 0, 0, "AAAAMMJJ"), "2016-02-29", "20160229");
	ENC_OK(&fixed, W(FT_DATE, 8, 0, 0, "AAAAMMJJ"), "", "        ");
}
END_TEST

START_TEST(months)
{
	struct field f = F(FT_MONTH, 6, 0, 0, NULL);

	DEC_OK(&delim, f, "201602", "2016-02");
	DEC_ERR(&delim, f, "201613", DC_DATE);
	DEC_ERR(&delim, f, "201600", DC_DATE);
	DEC_ERR(&delim, f, "2016-02", DC_FMTDATE);
	ENC_OK(&delim, f, "2016-12", "201612");
	ENC_ERR(&delim, f, "2016-13", DC_DATE);
	ENC_ERR(&delim, f, "201612", DC_FMTDATE);
	DEC_OK(&delim, F(FT_MONTH, 7, 0, 0, "MM/AAAA"), "02/2016", "2016-02");
	ENC_OK(&fixed, W(FT_MONTH, 6, 0, 0, NULL), "2016-02", "201602");
}
END_TEST

START_TEST(booleans)
{
	struct field f = F(FT_BOOL, 1, 0, 0, NULL);

	DEC_OK(&delim, f, "1", "1");
	DEC_OK(&delim, f, "0", "0");
	DEC_OK(&delim, f, "", "");
	DEC_ERR(&delim, f, "2", DC_CODE);
	DEC_ERR(&delim, f, "oui", DC_CODE);
	DEC_ERR(&delim, f, "10", DC_CODE);
	DEC_ERR(&delim, F(FT_BOOL, 1, 0, 1, NULL), "", DC_OBLIG);
	ENC_OK(&delim, f, "1", "1");
	ENC_ERR(&delim, f, "O", DC_CODE);
	ENC_ERR(&delim, f, "true", DC_CODE);
	DEC_OK(&fixed, W(FT_BOOL, 1, 0, 0, NULL), "0", "0");
	DEC_OK(&fixed, W(FT_BOOL, 1, 0, 0, NULL), " ", "");
	ENC_OK(&fixed, W(FT_BOOL, 2, 0, 0, NULL), "1", "1 ");
	ENC_OK(&fixed, W(FT_BOOL, 2, 0, 0, NULL), "", "  ");
}
END_TEST

START_TEST(instants)
{
	struct field f = F(FT_INSTANT, 25, 0, 0, NULL);

	DEC_OK(&delim, f, "2016-10-30T02:30:00+01:00",
	    "2016-10-30T02:30:00+01:00");
	DEC_OK(&delim, f, "2016-10-30T02:30:00+02:00",
	    "2016-10-30T02:30:00+02:00");
	DEC_OK(&delim, f, "2016-03-01T23:59:59-05:30",
	    "2016-03-01T23:59:59-05:30");
	DEC_OK(&delim, f, "2016-03-01T00:00:00+14:00",
	    "2016-03-01T00:00:00+14:00");
	DEC_OK(&delim, f, "2016-10-30T01:30:00Z", "2016-10-30T01:30:00Z");
	DEC_ERR(&delim, f, "2016-10-30 02:30:00+01:00", DC_FMTDATE);
	DEC_ERR(&delim, f, "2016-10-30T02:30:00", DC_FMTDATE);
	DEC_ERR(&delim, f, "2016-10-30T02:30:00+0100", DC_FMTDATE);
	DEC_ERR(&delim, f, "2016-10-30T02:30:00 01:00", DC_FMTDATE);
	DEC_ERR(&delim, f, "2015-02-29T02:30:00+01:00", DC_FMTDATE);
	DEC_ERR(&delim, f, "2016-10-30T24:00:00+01:00", DC_FMTDATE);
	DEC_ERR(&delim, f, "2016-10-30T23:60:00+01:00", DC_FMTDATE);
	DEC_ERR(&delim, f, "2016-10-30T23:00:60+01:00", DC_FMTDATE);
	DEC_ERR(&delim, f, "2016-10-30T02:30:00+15:00", DC_FMTDATE);
	DEC_ERR(&delim, f, "2016-10-30T02:30:00+01:60", DC_FMTDATE);
	DEC_ERR(&delim, f, "2016-10-30T02:30:00+-1:00", DC_FMTDATE);
	DEC_ERR(&delim, f, "2016-10-30T02:30:00+ 1:00", DC_FMTDATE);
	DEC_ERR(&delim, f, "2016-10-30T02:30:00+01:-1", DC_FMTDATE);
	DEC_ERR(&delim, f, "2016-10-30T02:30:00+01x00", DC_FMTDATE);
	DEC_ERR(&delim, f, "2016-10-30T 2:30:00+01:00", DC_FMTDATE);
	DEC_ERR(&delim, f, "2016-10-30T02:30:00z", DC_FMTDATE);
	ENC_OK(&delim, f, "2016-10-30T02:30:00+01:00",
	    "2016-10-30T02:30:00+01:00");
	ENC_ERR(&delim, f, "2016-10-30T02:30:00", DC_FMTDATE);
	ENC_OK(&fixed, W(FT_INSTANT, 26, 0, 0, NULL), "2016-10-30T01:30:00Z",
	    "2016-10-30T01:30:00Z      ");
}
END_TEST

START_TEST(constants_fillers)
{
	struct field c = F(FT_CONST, 1, 0, 1, "2");

	DEC_OK(&delim, c, "2", "2");
	DEC_ERR(&delim, c, "3", DC_CONST);
	DEC_ERR(&delim, c, "", DC_CONST);
	DEC_ERR(&delim, c, "22", DC_CONST);
	ENC_OK(&delim, c, "", "2");
	ENC_OK(&delim, c, "9", "2");
	DEC_OK(&fixed, W(FT_CONST, 4, 0, 1, "DET"), "DET ", "DET");
	DEC_ERR(&fixed, W(FT_CONST, 4, 0, 1, "DET"), "DETX", DC_CONST);
	DEC_ERR(&fixed, W(FT_CONST, 4, 0, 1, "DET"), "    ", DC_CONST);
	ENC_OK(&fixed, W(FT_CONST, 4, 0, 1, "DET"), "", "DET ");

	DEC_OK(&fixed, W(FT_FILLER, 3, 0, 0, NULL), "   ", "");
	DEC_ERR(&fixed, W(FT_FILLER, 3, 0, 0, NULL), " x ", DC_CONST);
	ENC_OK(&fixed, W(FT_FILLER, 3, 0, 0, NULL), "", "   ");
	ENC_OK(&fixed, W(FT_FILLER, 3, 0, 0, NULL), "zz", "   ");
}
END_TEST

START_TEST(dec_parse_edges)
{
	int64_t v;

	ck_assert_int_eq(dec_parse("0", 1, 2, &v), 0);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(dec_parse("-0", 2, 2, &v), 0);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(dec_parse("1,5", 3, 1, &v), 0);
	ck_assert_int_eq(v, 15);
	ck_assert_int_eq(dec_parse("-0.05", 5, 2, &v), 0);
	ck_assert_int_eq(v, -5);
	ck_assert_int_eq(dec_parse("1.5", 3, 0, &v), -2);
	ck_assert_int_eq(dec_parse("1.50", 4, 1, &v), -2);
	ck_assert_int_eq(dec_parse("", 0, 2, &v), -1);
	ck_assert_int_eq(dec_parse("-", 1, 2, &v), -1);
	ck_assert_int_eq(dec_parse("+1", 2, 2, &v), -1);
	ck_assert_int_eq(dec_parse("1e3", 3, 2, &v), -1);
	ck_assert_int_eq(dec_parse(" 1", 2, 2, &v), -1);
	ck_assert_int_eq(dec_parse("1.", 2, 2, &v), -1);
	ck_assert_int_eq(dec_parse("--1", 3, 2, &v), -1);
	/* Only n bytes are read. */
	ck_assert_int_eq(dec_parse("12x", 2, 0, &v), 0);
	ck_assert_int_eq(v, 12);

	/* The int64 limits, exactly, and one past them. */
	ck_assert_int_eq(dec_parse("9223372036854775807", 19, 0, &v), 0);
	ck_assert(v == INT64_MAX);
	ck_assert_int_eq(dec_parse("-9223372036854775807", 20, 0, &v), 0);
	ck_assert(v == -INT64_MAX);
	ck_assert_int_eq(dec_parse("-9223372036854775808", 20, 0, &v), 0);
	ck_assert(v == INT64_MIN);
	ck_assert_int_eq(dec_parse("9223372036854775808", 19, 0, &v), -1);
	ck_assert_int_eq(dec_parse("-9223372036854775809", 20, 0, &v), -1);
	ck_assert_int_eq(dec_parse("92233720368547758.07", 20, 2, &v), 0);
	ck_assert(v == INT64_MAX);
	ck_assert_int_eq(dec_parse("-92233720368547758.08", 21, 2, &v), 0);
	ck_assert(v == INT64_MIN);
	ck_assert_int_eq(dec_parse("92233720368547758.08", 20, 2, &v), -1);
	ck_assert_int_eq(dec_parse("92233720368547758.1", 19, 2, &v), -1);
	ck_assert_int_eq(dec_parse("922337203685477580", 18, 2, &v), -1);
	ck_assert_int_eq(dec_parse("99999999999999999999", 20, 0, &v), -1);
	ck_assert_int_eq(dec_parse("000000000000000000000001", 24, 2, &v), 0);
	ck_assert_int_eq(v, 100);
}
END_TEST

static const char *
fmt(int64_t v, int scale, char sep)
{
	struct buf b = {0};

	buf_add(&b, "", 0);
	dec_format(&b, v, scale, sep);
	snprintf(got, sizeof got, "%s", b.p);
	buf_free(&b);
	return got;
}

START_TEST(dec_format_edges)
{
	ck_assert_str_eq(fmt(0, 2, '.'), "0.00");
	ck_assert_str_eq(fmt(5, 2, '.'), "0.05");
	ck_assert_str_eq(fmt(-5, 2, '.'), "-0.05");
	ck_assert_str_eq(fmt(-150, 2, ','), "-1,50");
	ck_assert_str_eq(fmt(154500, 2, '.'), "1545.00");
	ck_assert_str_eq(fmt(7, 0, '.'), "7");
	ck_assert_str_eq(fmt(-7, 0, '.'), "-7");
	ck_assert_str_eq(fmt(1500, 3, '.'), "1.500");
	ck_assert_str_eq(fmt(INT64_MAX, 0, '.'), "9223372036854775807");
	ck_assert_str_eq(fmt(INT64_MIN, 0, '.'), "-9223372036854775808");
	ck_assert_str_eq(fmt(INT64_MAX, 2, '.'), "92233720368547758.07");
	ck_assert_str_eq(fmt(INT64_MIN, 2, ','), "-92233720368547758,08");
	ck_assert_str_eq(fmt(1, 18, '.'), "0.000000000000000001");
}
END_TEST

START_TEST(calendar)
{
	ck_assert_int_eq(days_in_month(2016, 2), 29);
	ck_assert_int_eq(days_in_month(2015, 2), 28);
	ck_assert_int_eq(days_in_month(1900, 2), 28);
	ck_assert_int_eq(days_in_month(2000, 2), 29);
	ck_assert_int_eq(days_in_month(2015, 4), 30);
	ck_assert_int_eq(days_in_month(2015, 12), 31);
	ck_assert(date_valid(2016, 2, 29));
	ck_assert(!date_valid(2015, 2, 29));
	ck_assert(!date_valid(2015, 2, 31));
	ck_assert(!date_valid(2015, 0, 1));
	ck_assert(!date_valid(2015, 13, 1));
	ck_assert(!date_valid(2015, 1, 0));
	ck_assert(!date_valid(0, 1, 1));
}
END_TEST

START_TEST(widths_names)
{
	struct field f = F(FT_MONEY, 7, 0, 0, NULL);
	struct field w = W(FT_TEXT, 12, 0, 0, NULL);

	ck_assert_int_eq(field_width(&f), 7);
	ck_assert_int_eq(field_scale(&f), 2);
	ck_assert_int_eq(field_width(&w), 12);
	/* Positions win over a contradicting length. */
	w.len = 3;
	ck_assert_int_eq(field_width(&w), 12);
	f.type = FT_HOURS;
	ck_assert_int_eq(field_scale(&f), 2);
	f.type = FT_DEC;
	f.scale = 3;
	ck_assert_int_eq(field_scale(&f), 3);
	f.type = FT_INT;
	ck_assert_int_eq(field_scale(&f), 0);
	ck_assert_str_eq(field_typename(&f), "entier");
	f.type = FT_FILLER;
	ck_assert_str_eq(field_typename(&f), "filler");
	ck_assert(!field_is_column(&f));
	f.type = FT_CONST;
	ck_assert(!field_is_column(&f));
	f.type = FT_TEXT;
	ck_assert(field_is_column(&f));
	f.flags = FF_DERIVED;
	ck_assert(!field_is_column(&f));
	f.flags = 0;
	f.name = NULL;
	ck_assert(!field_is_column(&f));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("field");
	TCase *t = tcase_create("field");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, text_delimited);
	tcase_add_test(t, text_fixed);
	tcase_add_test(t, control_message);
	tcase_add_test(t, code);
	tcase_add_test(t, digits);
	tcase_add_test(t, integer);
	tcase_add_test(t, decimal_delimited);
	tcase_add_test(t, decimal_fixed);
	tcase_add_test(t, dates);
	tcase_add_test(t, months);
	tcase_add_test(t, booleans);
	tcase_add_test(t, instants);
	tcase_add_test(t, constants_fillers);
	tcase_add_test(t, dec_parse_edges);
	tcase_add_test(t, dec_format_edges);
	tcase_add_test(t, calendar);
	tcase_add_test(t, widths_names);
	suite_add_tcase(s, t);
	return unit_run(s);
}
