/* Unit tests of lib/err. */
#include "err.h"
#include "unit.h"

START_TEST(progname)
{
	err_setprog("/usr/local/bin/flux4");
	ck_assert_str_eq(prog_name, "flux4");
	err_setprog("registre");
	ck_assert_str_eq(prog_name, "registre");
}
END_TEST

static void
dies(void *what)
{
	die(EX_NOINPUT, "%s: introuvable", (const char *)what);
}

START_TEST(dying)
{
	char *e, *s;

	s = xstrdup("copie");
	ck_assert_str_eq(s, "copie");
	free(s);
	s = xcalloc(0, 0);
	ck_assert_ptr_nonnull(s);
	free(s);
	err_setprog("flux9");
	unit_err_begin();
	warnx_("avertissement %d", 1);
	e = unit_err_end();
	ck_assert_str_eq(e, "flux9: avertissement 1\n");
	free(e);
	unit_dies(dies, "plans.txt", 66, "flux9: plans.txt: introuvable\n");
}
END_TEST

static void
hook1(void)
{
	fputs("h1\n", stderr);
	die(EX_IOERR, "second");
}

static void
hook2(void)
{
	fputs("h2\n", stderr);
}

static void
dies_hooked(void *arg)
{
	(void)arg;
	err_onfatal(hook1);
	err_onfatal(hook2);
	err_onfatal(hook1);
	die(EX_DATAERR, "premier «\x1b[31m»");
}

/*
 * die() runs its hooks once each, in order, even when one dies; control
 * bytes in a message are escaped.
 */
START_TEST(hooks)
{
	err_setprog("flux9");
	unit_dies(dies_hooked, NULL, 74,
	    "flux9: premier «\\x1B[31m»\nh1\nflux9: second\nh2\n");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("err");
	TCase *t = tcase_create("err");

	tcase_add_test(t, progname);
	tcase_add_test(t, dying);
	tcase_add_test(t, hooks);
	suite_add_tcase(s, t);
	return unit_run(s);
}
