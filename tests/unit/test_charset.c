/* Unit tests of lib/charset: iconv wrapping, the single-byte table. */
#include <errno.h>
#include <iconv.h>

#include "charset.h"
#include "unit.h"

static struct charset cp;
static struct buf b;
static size_t bad;

static void
setup(void)
{
	ck_assert_int_eq(charset_open(&cp, "WINDOWS-1252"), 0);
	buf_add(&b, "", 0);
}

static void
teardown(void)
{
	charset_close(&cp);
	buf_free(&b);
}

static int
decode(struct charset *cs, const char *s, size_t n)
{
	buf_reset(&b);
	bad = (size_t)-1;
	return charset_decode(cs, s, n, &b, &bad);
}

static int
encode(struct charset *cs, const char *s)
{
	buf_reset(&b);
	bad = (size_t)-1;
	return charset_encode(cs, s, strlen(s), &b, &bad);
}

START_TEST(decode_accents)
{
	const char *in = "\xc9lo\xefse \xe0 l'\x9cuvre, 12\x80 \xab\xa0\xbb";

	ck_assert(cp.single);
	ck_assert_int_eq(decode(&cp, in, strlen(in)), 0);
	ck_assert_str_eq(b.p, "Éloïse à l'œuvre, 12€ «\xc2\xa0»");
	ck_assert_uint_eq(b.len, strlen("Éloïse à l'œuvre, 12€ «\xc2\xa0»"));
	/* Appends: what was there stays. */
	buf_adds(&b, "x");
	ck_assert_int_eq(charset_decode(&cp, "\xe9", 1, &b, &bad), 0);
	ck_assert_str_eq(b.p, "Éloïse à l'œuvre, 12€ «\xc2\xa0»xé");
	ck_assert_int_eq(decode(&cp, "plain", 5), 0);
	ck_assert_str_eq(b.p, "plain");
}
END_TEST

START_TEST(decode_undefined)
{
	static const unsigned char und[] = { 0x81, 0x8D, 0x8F, 0x90, 0x9D };
	char s[16];
	size_t i, pos;

	for (i = 0; i < sizeof und; i++)
		for (pos = 0; pos < 10; pos += 3) {
			memcpy(s, "\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9", 11);
			s[pos] = (char)und[i];
			ck_assert_int_eq(decode(&cp, s, 11), -1);
			ck_assert_uint_eq(bad, pos);
		}
	/* The first bad byte is the one named. */
	ck_assert_int_eq(decode(&cp, "ab\x90\x81", 4), -1);
	ck_assert_uint_eq(bad, 2);
}
END_TEST

/* The table built from iconv must agree with iconv itself, byte by byte. */
START_TEST(table_matches_iconv)
{
	iconv_t cd = iconv_open("UTF-8", "WINDOWS-1252");
	char in[1], out[8], *ip, *op;
	size_t il, ol, r;
	int c, bad_iconv, bad_table;

	ck_assert(cd != (iconv_t)-1);
	for (c = 0; c < 256; c++) {
		in[0] = (char)c;
		ip = in, il = 1, op = out, ol = sizeof out;
		iconv(cd, NULL, NULL, NULL, NULL);
		r = iconv(cd, &ip, &il, &op, &ol);
		bad_iconv = r == (size_t)-1;
		bad_table = decode(&cp, in, 1) == -1;
		ck_assert_msg(bad_iconv == bad_table, "octet 0x%02X", c);
		if (!bad_iconv) {
			ck_assert_uint_eq(b.len, (size_t)(op - out));
			ck_assert_msg(memcmp(b.p, out, b.len) == 0,
			    "octet 0x%02X", c);
		} else
			ck_assert_uint_eq(bad, 0);
	}
	iconv_close(cd);
}
END_TEST

START_TEST(other_charsets)
{
	struct charset cs;

	ck_assert_int_eq(charset_open(&cs, "ISO-8859-15"), 0);
	ck_assert(cs.single);
	ck_assert_int_eq(decode(&cs, "\xa4\xbd", 2), 0);
	ck_assert_str_eq(b.p, "€œ");
	ck_assert_int_eq(encode(&cs, "€"), 0);
	ck_assert_str_eq(b.p, "\xa4");
	/* ¤ exists in Windows-1252, not in Latin-9. */
	ck_assert_int_eq(encode(&cs, "ab¤"), -1);
	ck_assert_uint_eq(bad, 2);
	charset_close(&cs);

	ck_assert_int_eq(charset_open(&cs, "utf-8"), 0);
	ck_assert(cs.utf8);
	ck_assert_int_eq(decode(&cs, "é", strlen("é")), 0);
	ck_assert_str_eq(b.p, "é");
	ck_assert_int_eq(decode(&cs, "ab\xe9z", 4), -1);
	ck_assert_uint_eq(bad, 2);
	ck_assert_uint_eq(charset_nchars(&cs, "été", strlen("été")), 3);
	charset_close(&cs);

	ck_assert_int_eq(charset_open(&cs, "PAS-UN-CHARSET"), -1);
	ck_assert_uint_eq(charset_nchars(&cp, "\xe9t\xe9", 3), 3);
}
END_TEST

START_TEST(encode_cp1252)
{
	ck_assert_int_eq(encode(&cp, "Éloïse à l'œuvre, 12€"), 0);
	ck_assert_str_eq(b.p, "\xc9lo\xefse \xe0 l'\x9cuvre, 12\x80");
	ck_assert_int_eq(encode(&cp, "ascii"), 0);
	ck_assert_str_eq(b.p, "ascii");
	/* U+0109 (ĉ) has no Windows-1252 byte: its offset is named. */
	ck_assert_int_eq(encode(&cp, "éĉ"), -1);
	ck_assert_uint_eq(bad, 2);
	ck_assert_int_eq(encode(&cp, "日本"), -1);
	ck_assert_uint_eq(bad, 0);
	/* Invalid UTF-8 is refused before iconv. */
	ck_assert_int_eq(encode(&cp, "ab\xc3("), -1);
	ck_assert_uint_eq(bad, 2);
}
END_TEST

START_TEST(utf8)
{
	size_t p;

	ck_assert_int_eq(utf8_valid("aé€😀", strlen("aé€😀"), &p), 0);
	ck_assert_uint_eq(utf8_nchars("aé€😀", strlen("aé€😀")), 4);
	ck_assert_int_eq(utf8_valid("a\xc0\xaf", 3, &p), -1);	/* overlong */
	ck_assert_uint_eq(p, 1);
	ck_assert_int_eq(utf8_valid("\xed\xa0\x80", 3, &p), -1); /* surrogate */
	ck_assert_uint_eq(p, 0);
	ck_assert_int_eq(utf8_valid("\xf4\x90\x80\x80", 4, &p), -1);
	ck_assert_int_eq(utf8_valid("ab\xe2\x82", 4, &p), -1);	/* truncated */
	ck_assert_uint_eq(p, 2);
	ck_assert_int_eq(utf8_valid("\x80", 1, &p), -1);
	ck_assert_int_eq(utf8_valid("\xff", 1, &p), -1);
	ck_assert_int_eq(utf8_valid("", 0, &p), 0);
}
END_TEST

START_TEST(ascii_scan)
{
	char s[40];
	size_t n, i;

	for (n = 0; n < sizeof s; n++) {
		memset(s, 'a', sizeof s);
		ck_assert(charset_ascii(s, n));
		for (i = 0; i < n; i++) {
			s[i] = (char)0x80;
			ck_assert_msg(!charset_ascii(s, n), "n=%zu i=%zu", n, i);
			s[i] = 'a';
		}
		/* A high byte just past n is not looked at. */
		s[n] = (char)0xe9;
		ck_assert(charset_ascii(s, n));
	}
}
END_TEST

static const char *
tr(const char *s)
{
	buf_reset(&b);
	translit_ascii_upper(s, strlen(s), &b);
	return b.p;
}

START_TEST(translit)
{
	ck_assert_str_eq(tr("Élodie Cœur-Müller"), "ELODIE COEUR-MULLER");
	ck_assert_str_eq(tr("Garçon, Noël, Zoé"), "GARCON, NOEL, ZOE");
	ck_assert_str_eq(tr("Strauß ÆØÅ ÿ Ÿ"), "STRAUSS AEOA Y Y");
	ck_assert_str_eq(tr("l’Île – d’Yeu"), "L'ILE - D'YEU");
	ck_assert_str_eq(tr("12 rue 3° étage"), "12 RUE 3  ETAGE");
	ck_assert_str_eq(tr("日本x"), "  X");
	ck_assert_str_eq(tr("abc xyz ABC 0-9"), "ABC XYZ ABC 0-9");
	ck_assert_str_eq(tr(""), "");
	/* A truncated sequence at the end is not read past. */
	buf_reset(&b);
	translit_ascii_upper("a\xc3", 2, &b);
	ck_assert_str_eq(b.p, "A ");
}
END_TEST

/* Charsets that do not write ASCII as itself are refused. */
START_TEST(not_ascii)
{
	struct charset cs;

	ck_assert_int_eq(charset_open(&cs, "UTF-16"), -2);
	ck_assert_int_eq(charset_open(&cs, "UTF-16LE"), -2);
	ck_assert_int_eq(charset_open(&cs, "IBM037"), -2);
	ck_assert_int_eq(charset_open(&cs, "UTF-7"), -2);
	ck_assert_int_eq(charset_open(&cs, "ISO-8859-1"), 0);
	charset_close(&cs);
}
END_TEST

START_TEST(c1_controls)
{
	size_t pos = 99;

	ck_assert_int_eq(utf8_c1("ab\xc2\x85", 4, &pos), 1);
	ck_assert_uint_eq(pos, 2);
	ck_assert_int_eq(utf8_c1("\xc2\x9f", 2, &pos), 1);
	ck_assert_uint_eq(pos, 0);
	ck_assert_int_eq(utf8_c1("\xc2\xa0\xc2\xa9 é", strlen("\xc2\xa0\xc2\xa9 é"), &pos), 0);
	ck_assert_int_eq(utf8_c1("abc\xc2", 4, &pos), 0);
	buf_reset(&b);
	utf8_escape(&b, "a\x1b\xc2\x85\xe2\x80\xae\xe2\x80\x99\xff", 11, 0);
	ck_assert_str_eq(b.p, "a\\x1B\\xC2\\x85\\xE2\\x80\\xAE’\\xFF");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("charset");
	TCase *t = tcase_create("charset");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, decode_accents);
	tcase_add_test(t, decode_undefined);
	tcase_add_test(t, table_matches_iconv);
	tcase_add_test(t, other_charsets);
	tcase_add_test(t, encode_cp1252);
	tcase_add_test(t, utf8);
	tcase_add_test(t, ascii_scan);
	tcase_add_test(t, translit);
	tcase_add_test(t, not_ascii);
	tcase_add_test(t, c1_controls);
	suite_add_tcase(s, t);
	return unit_run(s);
}
