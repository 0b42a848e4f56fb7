/* cnf_value and FF_PADDED numbers in a delimited codec (Flux 6). */
#include "cnf.h"
#include "unit.h"

static const struct field money = { "DET.14", "montant", "Montant",
	FT_MONEY, 7, 2, 0, 0, 1, NULL, FF_PADDED };
static const struct field hours = { "DET.13", "heures", "Heures",
	FT_HOURS, 7, 2, 0, 0, 1, NULL, FF_PADDED };
static const struct field count = { "FIN.6", "nombre", "Nombre",
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
	ck_assert_int_eq(dec(&count, "00000009", &b), 0);
	ck_assert_str_eq(b.p, "9");
	/* exactly len digits: shorter, longer, decimal point, sign */
	ck_assert_int_eq(dec(&money, "154500", &b), -1);
	ck_assert_int_eq(dec(&money, "00154500", &b), -1);
	ck_assert_int_eq(dec(&money, "1545.00", &b), -1);
	ck_assert_int_eq(dec(&money, "-154500", &b), -1);
	ck_assert_int_eq(dec(&money, "00098A0", &b), -1);
	ck_assert_int_eq(dec(&count, "0000009", &b), -1);
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
	ck_assert_int_eq(enc(&count, "9", &b), 0);
	ck_assert_str_eq(b.p, "00000009");
	ck_assert_int_eq(enc(&money, "100000.00", &b), -1);
	ck_assert_int_eq(enc(&money, "-1.00", &b), -1);
	ck_assert_int_eq(enc(&count, "-9", &b), -1);
	ck_assert_int_eq(enc(&plain, "1545.00", &b), 0);
	ck_assert_str_eq(b.p, "1545.00");
	buf_free(&b);
}
END_TEST

START_TEST(value)
{
	int64_t v = 42;

	ck_assert_int_eq(cnf_value("", 0, 2, &v), 0);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(cnf_value("228.27", 6, 2, &v), 0);
	ck_assert_int_eq(v, 22827);
	ck_assert_int_eq(cnf_value("12", 2, 0, &v), 0);
	ck_assert_int_eq(v, 12);
	ck_assert_int_eq(cnf_value("1x", 2, 0, &v), -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("cnf");
	TCase *tc = tcase_create("cnf");

	tcase_add_test(tc, padded_decode);
	tcase_add_test(tc, padded_encode);
	tcase_add_test(tc, value);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
