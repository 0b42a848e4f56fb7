#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Enveloped files; FF_PADDED numbers in a delimited codec (Flux 6). */
#include "env.h"
#include "unit.h"

static const struct field deb_f[] = {
	{"DEB.1", "t", "Type", FT_CONST, 3, 0, 0, 0, 1, "DEB", 0},
	{"DEB.2", "nature", "Nature", FT_CODE, 1, 0, 0, 0, 1, "a|b", FF_DERIVED},
	{"DEB.3", "lot", "Lot", FT_INT, 3, 0, 0, 0, 1, NULL, 0},
};
static const struct field a_f[] = {
	{"a.1", "t", "Type", FT_CONST, 3, 0, 0, 0, 1, "DET", 0},
	{"a.2", "x", "X", FT_TEXT, 5, 0, 0, 0, 1, NULL, 0},
	{"a.3", "montant", "Montant", FT_MONEY, 5, 0, 0, 0, 1, NULL, 0},
};
static const struct field b_f[] = {
	{"b.1", "t", "Type", FT_CONST, 3, 0, 0, 0, 1, "DET", 0},
	{"b.2", "y", "Y", FT_TEXT, 5, 0, 0, 0, 1, NULL, 0},
};
static const struct field fin_f[] = {
	{"FIN.1", "t", "Type", FT_CONST, 3, 0, 0, 0, 1, "FIN", 0},
	{"FIN.2", "lot", "Lot", FT_INT, 3, 0, 0, 0, 1, NULL, FF_DERIVED},
	{"FIN.3", "n", "Nombre", FT_INT, 5, 0, 0, 0, 1, NULL, FF_DERIVED},
	{"FIN.4", "somme", "Somme", FT_MONEY, 7, 0, 0, 0, 1, NULL, FF_DERIVED},
};
static const struct recfmt deb = { "DEB", "DEB", deb_f, 3, 0 };
static const struct recfmt ra = { "DET", "a", a_f, 3, 0 };
static const struct recfmt rb = { "DET", "b", b_f, 2, 0 };
static const struct recfmt fin = { "FIN", "FIN", fin_f, 4, 0 };
static const struct recfmt *const dets[] = { &ra, &rb };
static const struct recfmt *const recs[] = { &deb, &ra, &rb, &fin };

static int64_t cents;

static void
sum(struct envrun *er, const struct row *v)
{
	int64_t c;

	if (er->det == &ra && dec_parse(v->v[2], v->len[2], 2, &c) == 0)
		cents += c;
}

static void
total(struct envrun *er, const struct field *f, struct buf *b)
{
	(void)f;
	dec_format(b, er->det == &ra ? cents : 0, 2, '.');
}

static int
check(struct envrun *er, const struct row *v)
{
	(void)er;
	return strcmp(v->v[1], "bad") == 0;
}

static const struct env env = {
	.deb = &deb, .fin = &fin, .dets = dets, .ndets = 2, .kindfield = 1,
	.count = 2, .total = total, .sum = sum, .check = check,
};
static const struct flux fx = { .name = "t", .recs = recs, .nrecs = 4 };

struct res {
	char	out[4096];
	int	rejected;
	unsigned long acc, rej;
};

static int
tmpfd(const char *s)
{
	char path[] = "/tmp/test_env.XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	unlink(path);
	ck_assert_int_eq(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	lseek(fd, 0, SEEK_SET);
	return fd;
}

static struct res
run_env(const struct env *e, int emit, const char *in,
    const struct recfmt *want)
{
	struct fluxrun r;
	struct res res;
	int infd = tmpfd(in), outfd = tmpfd("");
	ssize_t n;

	memset(&r, 0, sizeof r);
	memset(&res, 0, sizeof res);
	cents = 0;
	r.fx = &fx;
	r.emit = emit;
	r.c.sep = ';';
	r.c.decsep = '.';
	r.c.eol = "\n";
	ck_assert_int_eq(charset_open(&r.c.cs, "UTF-8"), 0);
	out_init(&r.out, outfd, "test");
	diag_quiet(1);
	if (emit) {
		csvin_open(&r.csv, infd, "in");
		env_emit(&r, e, want);
		csvin_close(&r.csv);
	} else {
		lines_init(&r.in, infd, "in");
		env_parse(&r, e, want);
		lines_free(&r.in);
	}
	out_flush(&r.out);
	out_free(&r.out);
	lseek(outfd, 0, SEEK_SET);
	n = read(outfd, res.out, sizeof res.out - 1);
	ck_assert_int_ge(n, 0);
	res.out[n] = '\0';
	res.rejected = r.file_rejected;
	res.acc = r.n.acceptees;
	res.rej = r.n.rejetees;
	charset_close(&r.c.cs);
	close(infd);
	close(outfd);
	return res;
}

static struct res
run(int emit, const char *in, const struct recfmt *want)
{
	return run_env(&env, emit, in, want);
}

/*
 * The CNCESU way: every record repeats the DEB's lot, a recap counts the
 * DETs before FIN, text is uppercase ASCII, a bad DET rejects the file.
 */
static const struct field cdeb_f[] = {
	{"DEB.1", "t", "Type", FT_CONST, 3, 0, 0, 0, 1, "DEB", 0},
	{"DEB.2", "lot", "Lot", FT_INT, 3, 0, 0, 0, 1, NULL, 0},
};
static const struct field cdet_f[] = {
	{"DET.1", "t", "Type", FT_CONST, 3, 0, 0, 0, 1, "DET", 0},
	{"DET.2", "lot", "Lot", FT_INT, 3, 0, 0, 0, 1, NULL, 0},
	{"DET.3", "nom", "Nom", FT_TEXT, 5, 0, 0, 0, 1, NULL, 0},
};
static const struct field crec_f[] = {
	{"REC.1", "t", "Type", FT_CONST, 3, 0, 0, 0, 1, "REC", 0},
	{"REC.2", "lot", "Lot", FT_INT, 3, 0, 0, 0, 1, NULL, 0},
	{"REC.3", "n", "Nombre de DET", FT_INT, 3, 0, 0, 0, 1, NULL, FF_DERIVED},
};
static const struct field cfin_f[] = {
	{"FIN.1", "t", "Type", FT_CONST, 3, 0, 0, 0, 1, "FIN", 0},
	{"FIN.2", "lot", "Lot", FT_INT, 3, 0, 0, 0, 1, NULL, 0},
	{"FIN.3", "nombre", "Nombre", FT_INT, 3, 0, 0, 0, 1, NULL, FF_DERIVED},
};
static const struct recfmt cdeb = { "DEB", "DEB", cdeb_f, 2, 0 };
static const struct recfmt cdet = { "DET", "DET", cdet_f, 3, 0 };
static const struct recfmt crec = { "REC", "REC", crec_f, 3, 0 };
static const struct recfmt cfin = { "FIN", "FIN", cfin_f, 3, 0 };
static const struct recfmt *const cdets[] = { &cdet };
static const struct recfmt *const crecs[] = { &crec };

static int
recap(struct envrun *er, const struct recfmt *rf, const struct row *v)
{
	(void)rf;
	return strtoul(v->v[2], NULL, 10) != er->ndet;
}

static int
recap_end(struct envrun *er)
{
	const char *v[3];
	size_t vlen[3];
	char n[16];

	if (!er->r->emit)
		return 0;
	v[0] = "REC";
	vlen[0] = 3;
	vlen[2] = (size_t)snprintf(n, sizeof n, "%lu", er->ndet);
	v[2] = n;
	return env_write(er, &crec, v, vlen);
}

static const struct env cn = {
	.deb = &cdeb, .fin = &cfin, .dets = cdets, .ndets = 1,
	.recaps = crecs, .nrecaps = 1, .ncommon = 2, .count = 2,
	.upper = 1, .strict = 1, .needdet = 1, .recap = recap, .end = recap_end,
};

START_TEST(cncesu_parse)
{
	struct res r = run_env(&cn, 0, "DEB;7\nDET;7;AB\nDET;7;CD\nREC;7;2\n"
	    "FIN;7;5\n", NULL);

	ck_assert_int_eq(r.rejected, 0);
	ck_assert_str_eq(r.out, "lot,nom\n7,AB\n7,CD\n");
	/* lowercase, strict */
	ck_assert_int_eq(run_env(&cn, 0, "DEB;7\nDET;7;ab\nREC;7;1\n"
	    "FIN;7;4\n", NULL).rejected, 1);
	/* a DET of another lot, a wrong recap, a wrong count */
	ck_assert_int_eq(run_env(&cn, 0, "DEB;7\nDET;8;AB\nREC;7;1\n"
	    "FIN;7;4\n", NULL).rejected, 1);
	ck_assert_int_eq(run_env(&cn, 0, "DEB;7\nDET;7;AB\nREC;7;2\n"
	    "FIN;7;4\n", NULL).rejected, 1);
	ck_assert_int_eq(run_env(&cn, 0, "DEB;7\nDET;7;AB\nREC;7;1\n"
	    "FIN;7;5\n", NULL).rejected, 1);
	/* a FIN of another lot, a DET after the recap, no DET */
	ck_assert_int_eq(run_env(&cn, 0, "DEB;7\nDET;7;AB\nREC;7;1\n"
	    "FIN;8;4\n", NULL).rejected, 1);
	ck_assert_int_eq(run_env(&cn, 0, "DEB;7\nREC;7;0\nDET;7;AB\n"
	    "FIN;7;4\n", NULL).rejected, 1);
	ck_assert_int_eq(run_env(&cn, 0, "DEB;7\nREC;7;0\nFIN;7;3\n",
	    NULL).rejected, 1);
}
END_TEST

START_TEST(cncesu_emit)
{
	struct res r = run_env(&cn, 1, "lot,nom\n7,Zoé\n8,AB\n7,cd\n", NULL);

	ck_assert_int_eq(r.rejected, 0);
	ck_assert_int_eq(r.acc, 2);
	ck_assert_int_eq(r.rej, 1);
	ck_assert_str_eq(r.out, "DEB;7\nDET;7;ZOE\nDET;7;CD\nREC;7;2\n"
	    "FIN;7;5\n");
	ck_assert_int_eq(run_env(&cn, 1, "lot,nom\n", NULL).rejected, 1);
}
END_TEST

START_TEST(parse_ok)
{
	struct res r = run(0, "DEB;a;7\nDET;x1;1.50\nDET;bad;2.00\nDET;x3;0.25\n"
	    "FIN;7;5;3.75\n", NULL);

	ck_assert_int_eq(r.rejected, 0);
	ck_assert_int_eq(r.acc, 2);
	ck_assert_int_eq(r.rej, 1);
	ck_assert_str_eq(r.out, "lot,x,montant\n7,x1,1.50\n7,x3,0.25\n");
}
END_TEST

START_TEST(parse_kind_b)
{
	struct res r = run(0, "DEB;b;7\nDET;y1\nFIN;7;3;0.00\n", NULL);

	ck_assert_int_eq(r.rejected, 0);
	ck_assert_str_eq(r.out, "lot,y\n7,y1\n");
	r = run(0, "DEB;b;7\nDET;y1\nFIN;7;3;0.00\n", &ra);
	ck_assert_int_eq(r.rejected, 1);
}
END_TEST

START_TEST(parse_fin_checked)
{
	ck_assert_int_eq(run(0, "DEB;a;7\nDET;x1;1.50\nFIN;7;3;1.51\n",
	    NULL).rejected, 1);
	ck_assert_int_eq(run(0, "DEB;a;7\nDET;x1;1.50\nFIN;7;4;1.50\n",
	    NULL).rejected, 1);
	ck_assert_int_eq(run(0, "DEB;a;7\nDET;x1;1.50\nFIN;8;3;1.50\n",
	    NULL).rejected, 1);
	ck_assert_int_eq(run(0, "DEB;a;7\nDET;x1;1.50\nFIN;7;3;1.50\n",
	    NULL).rejected, 0);
}
END_TEST

START_TEST(parse_structure)
{
	ck_assert_int_eq(run(0, "", NULL).rejected, 1);
	ck_assert_int_eq(run(0, "DET;x1;1.50\nFIN;7;2;1.50\n", NULL).rejected, 1);
	ck_assert_int_eq(run(0, "DEB;a;7\nDET;x1;1.50\n", NULL).rejected, 1);
	ck_assert_int_eq(run(0, "DEB;a;7\nFIN;7;2;0.00\nDET;x1;1.50\n",
	    NULL).rejected, 1);
	ck_assert_int_eq(run(0, "DEB;a;7\nDEB;a;7\nFIN;7;3;0.00\n",
	    NULL).rejected, 1);
	ck_assert_int_eq(run(0, "DEB;a;7\nFIN;7;2;0.00", NULL).rejected, 1);
	ck_assert_int_eq(run(0, "DEB;c;7\nFIN;7;2;0.00\n", NULL).rejected, 1);
}
END_TEST

START_TEST(parse_unknown_type)
{
	struct res r = run(0, "DEB;a;7\nDXT;x\nFIN;7;3;0.00\n", NULL);

	ck_assert_int_eq(r.rejected, 0);
	ck_assert_int_eq(r.rej, 1);
}
END_TEST

START_TEST(emit_ok)
{
	struct res r = run(1, "lot,x,montant\n7,x1,1.50\n7,bad,9.00\n7,x3,0.25\n",
	    NULL);

	ck_assert_int_eq(r.rejected, 0);
	ck_assert_int_eq(r.rej, 1);
	ck_assert_str_eq(r.out,
	    "DEB;a;7\nDET;x1;1.50\nDET;x3;0.25\nFIN;7;4;1.75\n");
}
END_TEST

START_TEST(emit_kind)
{
	struct res r = run(1, "y,lot\ny1,7\n", NULL);

	ck_assert_int_eq(r.rejected, 0);
	ck_assert_str_eq(r.out, "DEB;b;7\nDET;y1\nFIN;7;3;0.00\n");
	ck_assert_int_eq(run(1, "y,lot\ny1,7\n", &ra).rejected, 1);
	ck_assert_int_eq(run(1, "lot,x,montant,z\n7,x1,1.50,0\n",
	    NULL).rejected, 1);
}
END_TEST

START_TEST(emit_one_header)
{
	struct res r = run(1, "lot,x,montant\n7,x1,1.50\n8,x2,1.50\n", NULL);

	/* a row from another file is rejected, the others go through */
	ck_assert_int_eq(r.rejected, 0);
	ck_assert_int_eq(r.rej, 1);
	ck_assert_str_eq(r.out, "DEB;a;7\nDET;x1;1.50\nFIN;7;3;1.50\n");
	ck_assert_int_eq(run(1, "lot,x,montant\n", NULL).rejected, 1);
	ck_assert_int_eq(run(1, "lot,x,montant\nabc,x1,1.50\n",
	    NULL).rejected, 1);
}
END_TEST

static const struct field money = { "DET.14", "montant", "Montant",
	FT_MONEY, 7, 2, 0, 0, 1, NULL, FF_PADDED };
static const struct field hours = { "DET.13", "heures", "Heures",
	FT_HOURS, 7, 2, 0, 0, 1, NULL, FF_PADDED };
static const struct field nombre = { "FIN.6", "nombre", "Nombre",
	FT_INT, 8, 0, 0, 0, 1, NULL, FF_PADDED };
static const struct field plain = { "1", "montant", "Montant",
	FT_MONEY, 7, 2, 0, 0, 1, NULL, 0 };

static struct codec c = { .sep = ';', .decsep = '.', .eol = "\n" };

static int
dec(const struct field *f, const char *s, struct buf *b)
{
	buf_reset(b);
	return field_decode(&c, f, s, strlen(s), b, 1);
}

static int
enc(const struct field *f, const char *s, struct buf *b)
{
	buf_reset(b);
	return field_encode(&c, f, s, strlen(s), b);
}

START_TEST(padded_decode)
{
	struct buf b = {0};

	diag_quiet(1);
	ck_assert_int_eq(dec(&money, "0154500", &b), 0);
	ck_assert_str_eq(b.p, "1545.00");
	ck_assert_int_eq(dec(&hours, "0001025", &b), 0);
	ck_assert_str_eq(b.p, "10.25");
	ck_assert_int_eq(dec(&nombre, "00000009", &b), 0);
	ck_assert_str_eq(b.p, "9");
	/* exactly len digits: shorter, longer, decimal point, sign */
	ck_assert_int_eq(dec(&money, "154500", &b), -1);
	ck_assert_int_eq(dec(&money, "00154500", &b), -1);
	ck_assert_int_eq(dec(&money, "1545.00", &b), -1);
	ck_assert_int_eq(dec(&money, "-154500", &b), -1);
	ck_assert_int_eq(dec(&money, "00098A0", &b), -1);
	ck_assert_int_eq(dec(&nombre, "0000009", &b), -1);
	ck_assert_int_eq(unit_classcount(DC_NOMBRE), 6);
	/* without the flag, a delimited amount keeps its decimal point */
	ck_assert_int_eq(dec(&plain, "1545.00", &b), 0);
	ck_assert_str_eq(b.p, "1545.00");
	buf_free(&b);
}
END_TEST

START_TEST(padded_encode)
{
	struct buf b = {0};

	diag_quiet(1);
	ck_assert_int_eq(enc(&money, "1545.00", &b), 0);
	ck_assert_str_eq(b.p, "0154500");
	ck_assert_int_eq(enc(&money, "0.1", &b), 0);
	ck_assert_str_eq(b.p, "0000010");
	ck_assert_int_eq(enc(&hours, "10.25", &b), 0);
	ck_assert_str_eq(b.p, "0001025");
	ck_assert_int_eq(enc(&nombre, "9", &b), 0);
	ck_assert_str_eq(b.p, "00000009");
	ck_assert_int_eq(enc(&money, "100000.00", &b), -1);
	ck_assert_int_eq(enc(&money, "-1.00", &b), -1);
	ck_assert_int_eq(enc(&nombre, "-9", &b), -1);
	ck_assert_int_eq(enc(&plain, "1545.00", &b), 0);
	ck_assert_str_eq(b.p, "1545.00");
	buf_free(&b);
}
END_TEST

START_TEST(value)
{
	int64_t v = 42;

	ck_assert_int_eq(env_value("", 0, 2, &v), 0);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(env_value("228.27", 6, 2, &v), 0);
	ck_assert_int_eq(v, 22827);
	ck_assert_int_eq(env_value("12", 2, 0, &v), 0);
	ck_assert_int_eq(v, 12);
	ck_assert_int_eq(env_value("1x", 2, 0, &v), -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("env");
	TCase *tc = tcase_create("env");

	tcase_add_test(tc, parse_ok);
	tcase_add_test(tc, parse_kind_b);
	tcase_add_test(tc, parse_fin_checked);
	tcase_add_test(tc, parse_structure);
	tcase_add_test(tc, parse_unknown_type);
	tcase_add_test(tc, emit_ok);
	tcase_add_test(tc, emit_kind);
	tcase_add_test(tc, emit_one_header);
	tcase_add_test(tc, cncesu_parse);
	tcase_add_test(tc, cncesu_emit);
	tcase_add_test(tc, padded_decode);
	tcase_add_test(tc, padded_encode);
	tcase_add_test(tc, value);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
