/* Unit tests of lib/fluxstep.c: loop heads of custom parse and emit. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fluxstep.h"

static const struct field fa[] = {
	{"1.1", NULL, "Type", FT_CONST, 1, 0, 0, 0, 1, "1", 0},
	{"1.2", "a", "A", FT_TEXT, 5, 0, 0, 0, 0, NULL, 0},
};
static const struct field fb[] = {
	{"2.1", NULL, "Type", FT_CONST, 1, 0, 0, 0, 1, "2", 0},
	{"2.2", "b", "B", FT_TEXT, 5, 0, 0, 0, 0, NULL, 0},
	{"2.3", "c", "C", FT_INT, 5, 0, 0, 0, 0, NULL, 0},
};
static const struct recfmt ra = { "1", "a", fa, 2, 0 };
static const struct recfmt rb = { "2", "b", fb, 3, 0 };
static const struct recfmt *const recs[] = { &ra, &rb };
static const struct flux fx = { .name = "test", .sep = '|', .recs = recs,
	.nrecs = 2 };

/* A descriptor reading s. */
static int
input(const char *s)
{
	char path[] = "/tmp/test_fluxstep.XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	unlink(path);
	ck_assert_int_eq(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	lseek(fd, 0, SEEK_SET);
	return fd;
}

static void
setup(struct fluxrun *r, const char *s, int csv)
{
	memset(r, 0, sizeof *r);
	r->fx = &fx;
	diag_quiet(1);
	if (csv)
		csvin_open(&r->csv, input(s), "t");
	else
		lines_init(&r->in, input(s), "t");
}

START_TEST(line_whole)
{
	struct fluxrun r;
	const char *l;
	size_t n;
	enum eol e;

	setup(&r, "1|x\r\n2|y\n", 0);
	ck_assert_int_eq(fluxstep_line(&r, &l, &n, &e), 1);
	ck_assert_int_eq(e, EOL_CRLF);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(fluxstep_line(&r, &l, &n, &e), 1);
	ck_assert_int_eq(diag_lineno(), 2);
	ck_assert_int_eq(fluxstep_line(&r, &l, &n, &e), 0);
	ck_assert_int_eq(r.file_rejected, 0);
	lines_free(&r.in);
}
END_TEST

START_TEST(line_truncated)
{
	struct fluxrun r;
	const char *l;
	size_t n;
	enum eol e;

	setup(&r, "1|x\n2|y", 0);
	ck_assert_int_eq(fluxstep_line(&r, &l, &n, &e), 1);
	ck_assert_int_eq(fluxstep_line(&r, &l, &n, &e), 0);
	ck_assert_int_eq(r.file_rejected, 1);
	lines_free(&r.in);
}
END_TEST

START_TEST(bind_and_rows)
{
	struct fluxrun r;
	struct row hdr = {0}, *row;
	int ma[2], mb[3], *maps[] = { ma, mb };

	setup(&r, "c,a,b\n3,x,y\n1,2\n4,z,w\n", 1);
	ck_assert_int_eq(fluxstep_bind(&r, &hdr, recs, 2, maps), 0);
	ck_assert_int_eq(ma[0], -1);
	ck_assert_int_eq(ma[1], 1);
	ck_assert_int_eq(mb[1], 2);
	ck_assert_int_eq(mb[2], 0);
	ck_assert_int_eq(fluxstep_row(&r, &hdr, &row), 1);
	ck_assert_str_eq(row->v[0], "3");
	ck_assert_int_eq(fluxstep_row(&r, &hdr, &row), 1);
	ck_assert_str_eq(row->v[1], "z");
	ck_assert_int_eq(r.n.lues, 3);
	ck_assert_int_eq(r.n.rejetees, 1);
	ck_assert_int_eq(fluxstep_row(&r, &hdr, &row), 0);
	row_free(&hdr);
	csvin_close(&r.csv);
}
END_TEST

START_TEST(bind_extra_column)
{
	struct fluxrun r;
	struct row hdr = {0};
	int ma[2], mb[3], *maps[] = { ma, mb };

	setup(&r, "a,b,c,d\n", 1);
	ck_assert_int_eq(fluxstep_bind(&r, &hdr, recs, 2, maps), -1);
	ck_assert_int_eq(r.file_rejected, 1);
	row_free(&hdr);
	csvin_close(&r.csv);
}
END_TEST

START_TEST(bind_empty)
{
	struct fluxrun r;
	struct row hdr = {0};
	int ma[2], mb[3], *maps[] = { ma, mb };

	setup(&r, "", 1);
	ck_assert_int_eq(fluxstep_bind(&r, &hdr, recs, 2, maps), -1);
	ck_assert_int_eq(r.file_rejected, 1);
	row_free(&hdr);
	csvin_close(&r.csv);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("fluxstep");
	TCase *t = tcase_create("fluxstep");
	SRunner *sr;
	int nf;

	tcase_add_test(t, line_whole);
	tcase_add_test(t, line_truncated);
	tcase_add_test(t, bind_and_rows);
	tcase_add_test(t, bind_extra_column);
	tcase_add_test(t, bind_empty);
	suite_add_tcase(s, t);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
