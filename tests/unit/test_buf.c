/* Unit tests of lib/buf. */
#include "buf.h"
#include "unit.h"

START_TEST(growth)
{
	struct buf b = {0};
	size_t i;

	buf_reset(&b);
	ck_assert_ptr_null(b.p);
	buf_addc(&b, 'x');
	ck_assert_str_eq(b.p, "x");
	for (i = 0; i < 100000; i++)
		buf_addc(&b, (char)('a' + i % 26));
	ck_assert_uint_eq(b.len, 100001);
	ck_assert_uint_eq(strlen(b.p), 100001);
	ck_assert(b.cap > b.len);
	ck_assert_int_eq(b.p[100000], 'a' + 99999 % 26);
	buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(b.p, "");
	buf_add(&b, "ab\0cd", 5);
	ck_assert_uint_eq(b.len, 5);
	ck_assert(memcmp(b.p, "ab\0cd", 6) == 0);
	buf_adds(&b, "é");
	ck_assert_uint_eq(b.len, 7);
	buf_free(&b);
	ck_assert_ptr_null(b.p);
	ck_assert_uint_eq(b.cap, 0);
}
END_TEST

START_TEST(formatted)
{
	struct buf b = {0};
	char big[5000];

	buf_addf(&b, "%s:%d", "ligne", 42);
	ck_assert_str_eq(b.p, "ligne:42");
	memset(big, 'z', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	buf_addf(&b, "[%s]", big);
	ck_assert_uint_eq(b.len, 8 + 2 + sizeof big - 1);
	ck_assert_int_eq(b.p[b.len - 1], ']');
	ck_assert_int_eq(b.p[b.len], '\0');
	buf_free(&b);
}
END_TEST

/* Nothing to add may come as a null pointer (an empty CSV value). */
START_TEST(empty_null)
{
	struct buf b = {0};

	buf_add(&b, NULL, 0);
	ck_assert_ptr_nonnull(b.p);
	ck_assert_str_eq(b.p, "");
	buf_adds(&b, "ab");
	buf_add(&b, NULL, 0);
	ck_assert_str_eq(b.p, "ab");
	ck_assert_uint_eq(b.len, 2);
	buf_free(&b);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("buf");
	TCase *t = tcase_create("buf");

	tcase_add_test(t, growth);
	tcase_add_test(t, formatted);
	tcase_add_test(t, empty_null);
	suite_add_tcase(s, t);
	return unit_run(s);
}
