#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "instant.h"

static int64_t
el(const char *a, const char *b)
{
	int64_t s = -1;

	ck_assert_int_eq(instant_elapsed(a, strlen(a), b, strlen(b), &s), 0);
	return s;
}

static int
bad(const char *s)
{
	int64_t t;

	return instant_parse(s, strlen(s), &t) == -1;
}

START_TEST(epoch)
{
	int64_t t;

	ck_assert_int_eq(instant_parse("1970-01-01T00:00:00Z", 20, &t), 0);
	ck_assert_int_eq(t, 0);
	ck_assert_int_eq(instant_parse("1970-01-01T01:00:00+01:00", 25, &t), 0);
	ck_assert_int_eq(t, 0);
	ck_assert_int_eq(instant_parse("2016-10-30T02:30:00+01:00", 25, &t), 0);
	ck_assert_int_eq(t, 1477791000);
	ck_assert_int_eq(instant_parse("1969-12-31T23:59:59Z", 20, &t), 0);
	ck_assert_int_eq(t, -1);
}
END_TEST

START_TEST(dst_october)
{
	/* 01:30 summer time to 02:15 winter time is 1 h 45, not 45 min. */
	ck_assert_int_eq(el("2026-10-25T01:30:00+02:00",
	    "2026-10-25T02:15:00+01:00"), 6300);
	/* The repeated hour: 02:30 CEST then 02:10 CET is 40 min later. */
	ck_assert_int_eq(el("2026-10-25T02:30:00+02:00",
	    "2026-10-25T02:10:00+01:00"), 2400);
	/* 23 h 30 on the clock across the change is 24 h 30 elapsed. */
	ck_assert_int_eq(el("2026-10-24T03:00:00+02:00",
	    "2026-10-25T02:30:00+01:00"), 88200);
}
END_TEST

START_TEST(dst_march)
{
	ck_assert_int_eq(el("2026-03-29T01:30:00+01:00",
	    "2026-03-29T03:30:00+02:00"), 3600);
}
END_TEST

START_TEST(offsets_and_calendar)
{
	ck_assert_int_eq(el("2024-02-28T23:00:00Z", "2024-03-01T00:00:00Z"),
	    90000);
	ck_assert_int_eq(el("2023-02-28T23:00:00Z", "2023-03-01T00:00:00Z"),
	    3600);
	ck_assert_int_eq(el("2026-12-31T23:00:00-10:00",
	    "2027-01-01T10:00:00+01:00"), 0);
	ck_assert_int_eq(el("2026-06-01T12:00:00+05:30",
	    "2026-06-01T06:30:00Z"), 0);
	ck_assert_int_eq(el("2026-06-01T12:00:00Z", "2026-06-01T11:00:00Z"),
	    -3600);
}
END_TEST

START_TEST(rejects)
{
	ck_assert(bad(""));
	ck_assert(bad("2026-10-25T01:30:00"));
	ck_assert(bad("2026-10-25 01:30:00+02:00"));
	ck_assert(bad("2026-02-29T01:30:00+01:00"));
	ck_assert(bad("2026-10-25T24:00:00+01:00"));
	ck_assert(bad("2026-10-25T01:60:00+01:00"));
	ck_assert(bad("2026-10-25T01:30:00+15:00"));
	ck_assert(bad("2026-10-25T01:30:00*01:00"));
	ck_assert(bad("2026-10-25T01:30:00+0100"));
	ck_assert(bad("2026-1a-25T01:30:00+01:00"));
	ck_assert(bad("2026-10-25T01:30:00Y"));
	/* The Z form is read as +00:00: the same checks apply. */
	ck_assert(bad("2026-02-30T00:00:00Z"));
	ck_assert(bad("2026-10-25T01:3x:00Z"));
	ck_assert(bad("2026-10-25T24:00:00Z"));
	ck_assert(bad("2026-10-25 01:30:00Z"));
	ck_assert(bad("2026-10-25T01:30:00+00:00Z"));
	ck_assert(!bad("2024-02-29T01:30:00-03:30"));
}
END_TEST

/*
 * The 25-character form is checked a word at a time: every byte of a
 * valid instant, replaced by every other byte, must be judged as a plain
 * character-by-character reading of the form would judge it.
 */
static int
plain_ok(const char *s)
{
	static const char form[] = "AAAA-MM-JJTHH:MM:SS+HH:MM";
	int i;

	for (i = 0; i < 25; i++)
		if (strchr("AMJHS", form[i]) ? (s[i] < '0' || s[i] > '9') :
		    form[i] == '+' ? (s[i] != '+' && s[i] != '-') :
		    s[i] != form[i])
			return 0;
	return 1;
}

START_TEST(every_byte)
{
	const char *good = "2026-10-25T02:30:00+02:00";
	char s[26];
	int64_t t, ref;
	int i, c, ok;

	ck_assert_int_eq(instant_parse(good, 25, &ref), 0);
	for (i = 0; i < 25; i++)
		for (c = 1; c < 256; c++) {
			memcpy(s, good, 26);
			s[i] = (char)c;
			ok = instant_parse(s, 25, &t) == 0;
			/* Digits may still make an impossible instant. */
			if (!plain_ok(s))
				ck_assert_msg(!ok, "%s accepté", s);
			else if (ok && s[i] == good[i])
				ck_assert_int_eq(t, ref);
		}
	/* The same date again and again, then others: the day count kept. */
	ck_assert_int_eq(instant_parse("2026-03-01T00:00:00Z", 20, &t), 0);
	ck_assert_int_eq(el("2026-02-28T00:00:00+00:00",
	    "2026-03-01T00:00:00+00:00"), 86400);
	ck_assert_int_eq(el("2026-03-01T00:00:00+00:00",
	    "2026-03-01T00:00:00+00:00"), 0);
	ck_assert_int_eq(el("2028-02-29T12:00:00-01:00",
	    "2028-03-01T12:00:00-01:00"), 86400);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("instant");
	TCase *tc = tcase_create("instant");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, epoch);
	tcase_add_test(tc, dst_october);
	tcase_add_test(tc, dst_march);
	tcase_add_test(tc, offsets_and_calendar);
	tcase_add_test(tc, rejects);
	tcase_add_test(tc, every_byte);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
