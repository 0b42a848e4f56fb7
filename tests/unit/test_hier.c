/*
 * lib/hier: a small nested fixed-width format run through flux_main, and
 * FF_DECSEP decimals of lib/field.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "flux.h"
#include "hier.h"

static const struct field fa[] = {
	{"A.1", "t", "type", FT_CONST, 1, 0, 1, 1, 1, "A", 0},
	{"A.2", "annee", "Année", FT_DIGITS, 4, 0, 2, 5, 1, NULL, 0},
};
static const struct field fb[] = {
	{"B.1", "t", "type", FT_CONST, 1, 0, 1, 1, 1, "B", 0},
	{"B.2", "groupe", "Groupe", FT_DIGITS, 2, 0, 2, 3, 1, NULL, 0},
};
static const struct field fd[] = {
	{"D.1", "t", "type", FT_CONST, 1, 0, 1, 1, 1, "D", 0},
	{"D.2", "groupe", "Groupe", FT_DIGITS, 2, 0, 2, 3, 1, NULL, FF_DERIVED},
	{"D.3", "n", "Nombre", FT_INT, 2, 0, 4, 5, 1, NULL, 0},
	{"D.4", "prix", "Prix", FT_MONEY, 3, 2, 6, 10, 1, NULL, 0},
};
static const struct field fy[] = {
	{"Y.1", "t", "type", FT_CONST, 1, 0, 1, 1, 1, "Y", 0},
	{"Y.2", "lignes_groupe", "Lignes", FT_INT, 3, 0, 2, 4, 1, "lignes", FF_DERIVED},
	{"Y.3", "montant", "Montant", FT_MONEY, 6, 2, 5, 12, 1, "somme:n*prix", FF_DERIVED},
};
static const struct field fz[] = {
	{"Z.1", "t", "type", FT_CONST, 1, 0, 1, 1, 1, "Z", 0},
	{"Z.2", "groupes", "Groupes", FT_INT, 2, 0, 2, 3, 1, "nombre:1", FF_DERIVED},
	{"Z.3", "lignes", "Lignes", FT_INT, 3, 0, 4, 6, 1, "lignes", FF_DERIVED},
};
static const struct recfmt ra = { "A", "entête", fa, 2, 5 };
static const struct recfmt rb = { "B", "groupe", fb, 2, 3 };
static const struct recfmt rd = { "D", "détail", fd, 4, 10 };
static const struct recfmt ry = { "Y", "pied de groupe", fy, 3, 12 };
static const struct recfmt rz = { "Z", "pied", fz, 3, 6 };
static const struct recfmt *const recs[] = { &ra, &rb, &rd, &ry, &rz };
static const struct hlevel lv[] = {
	{ &ra, &rz, -1 }, { &rb, &ry, 1 }, { &rd, NULL, -1 },
};
static const struct hier h = { lv, 3, 1, NULL };

static int
p(struct fluxrun *r)
{
	return hier_parse(r, &h);
}

static int
e(struct fluxrun *r)
{
	return hier_emit(r, &h);
}

static const struct flux fx = {
	.name = "test", .summary = "test", .charset = "WINDOWS-1252",
	.recs = recs, .nrecs = 5, .parse = p, .emit = e,
};

#define WIRE "A2026\nB01\nD010201250\nD010100099\nY00400002599\nB02\nD020300100\nY00300000300\nZ02009\n"
#define CSV "annee,groupe,n,prix\n2026,01,2,12.50\n2026,01,1,0.99\n2026,02,3,1.00\n"

/* Runs the flux on input; returns its exit code, its stdout in out. */
static int
run(const char *mode, const char *input, char *out, size_t outsz)
{
	char in[] = "/tmp/test_hier.XXXXXX", o[] = "/tmp/test_hier.XXXXXX";
	char *argv[] = { "test", (char *)mode, NULL };
	int fi = mkstemp(in), fo = mkstemp(o), rc;
	ssize_t n;

	ck_assert(fi >= 0 && fo >= 0);
	ck_assert(write(fi, input, strlen(input)) == (ssize_t)strlen(input));
	lseek(fi, 0, SEEK_SET);
	dup2(fi, 0);
	dup2(fo, 1);
	freopen("/dev/null", "w", stderr);
	optind = 1;
	rc = flux_main(&fx, 2, argv);
	lseek(fo, 0, SEEK_SET);
	n = read(fo, out, outsz - 1);
	out[n < 0 ? 0 : n] = '\0';
	unlink(in);
	unlink(o);
	return rc;
}

START_TEST(parse_valid)
{
	char out[4096];

	ck_assert_int_eq(run("parse", WIRE, out, sizeof out), 0);
	ck_assert_str_eq(out, CSV);
}
END_TEST

START_TEST(emit_totals)
{
	char out[4096];

	ck_assert_int_eq(run("emit", CSV, out, sizeof out), 0);
	ck_assert_str_eq(out, WIRE);
}
END_TEST

START_TEST(parse_bad_total)
{
	char out[4096], w[] = WIRE;

	memcpy(strstr(w, "Y00400002599"), "Y00400002598", 12);
	ck_assert_int_eq(run("parse", w, out, sizeof out), EX_DATAERR);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(parse_bad_count)
{
	char out[4096], w[] = WIRE;

	memcpy(strstr(w, "Z02009"), "Z01009", 6);
	ck_assert_int_eq(run("parse", w, out, sizeof out), EX_DATAERR);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(parse_bad_copy)
{
	char out[4096], w[] = WIRE;

	memcpy(strstr(w, "D020300100"), "D010300100", 10);
	ck_assert_int_eq(run("parse", w, out, sizeof out), EX_DATAERR);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(parse_order)
{
	char out[4096];

	ck_assert_int_eq(run("parse", "A2026\nD010201250\n", out, sizeof out),
	    EX_DATAERR);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(run("parse", "A2026\nB01\nY00200000000\nZ01004\n",
	    out, sizeof out), EX_DATAERR);
}
END_TEST

START_TEST(parse_detail_rejected)
{
	char out[4096], w[] = WIRE;

	memcpy(strstr(w, "D010100099"), "D0101000x9", 10);
	ck_assert_int_eq(run("parse", w, out, sizeof out), EX_DATAERR);
	ck_assert_str_eq(out, "annee,groupe,n,prix\n2026,01,2,12.50\n"
	    "2026,02,3,1.00\n");
}
END_TEST

static const struct field fdec = {"1", "m", "m", FT_MONEY, 3, 2, 1, 6, 0,
	NULL, FF_DECSEP};

START_TEST(decsep)
{
	struct codec c = { .sep = 0, .decsep = '.', .eol = "\n" };
	struct buf b = {0};

	ck_assert_int_eq(charset_open(&c.cs, "WINDOWS-1252"), 0);
	diag_quiet(1);
	ck_assert_int_eq(field_decode(&c, &fdec, "012,50", 6, &b, 1), 0);
	ck_assert_str_eq(b.p, "12.50");
	buf_reset(&b);
	ck_assert_int_eq(field_decode(&c, &fdec, "001250", 6, &b, 1), -1);
	ck_assert_int_eq(field_decode(&c, &fdec, "-12.50", 6, &b, 1), -1);
	ck_assert_int_eq(field_decode(&c, &fdec, "0012.5", 6, &b, 1), -1);
	buf_reset(&b);
	ck_assert_int_eq(field_encode(&c, &fdec, "12.5", 4, &b), 0);
	ck_assert_str_eq(b.p, "012.50");
	buf_reset(&b);
	c.decsep = ',';
	ck_assert_int_eq(field_encode(&c, &fdec, "3", 1, &b), 0);
	ck_assert_str_eq(b.p, "003,00");
	buf_reset(&b);
	ck_assert_int_eq(field_encode(&c, &fdec, "1000.00", 7, &b), -1);
	buf_free(&b);
	charset_close(&c.cs);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("hier");
	TCase *tc = tcase_create("hier");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, parse_valid);
	tcase_add_test(tc, emit_totals);
	tcase_add_test(tc, parse_bad_total);
	tcase_add_test(tc, parse_bad_count);
	tcase_add_test(tc, parse_bad_copy);
	tcase_add_test(tc, parse_order);
	tcase_add_test(tc, parse_detail_rejected);
	tcase_add_test(tc, decsep);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
