/* Unit tests of lib/err. */
#include <sys/wait.h>

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

START_TEST(dying)
{
	char *e, *s;
	pid_t pid;
	int st;

	s = xstrdup("copie");
	ck_assert_str_eq(s, "copie");
	free(s);
	s = xcalloc(0, 0);
	ck_assert_ptr_nonnull(s);
	free(s);
	err_setprog("flux9");
	unit_err_begin();
	warnx_("avertissement %d", 1);
	if ((pid = fork()) == 0)
		die(EX_NOINPUT, "%s: introuvable", "plans.txt");
	waitpid(pid, &st, 0);
	e = unit_err_end();
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 66);
	ck_assert_str_eq(e, "flux9: avertissement 1\nflux9: plans.txt: introuvable\n");
	free(e);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("err");
	TCase *t = tcase_create("err");

	tcase_add_test(t, progname);
	tcase_add_test(t, dying);
	suite_add_tcase(s, t);
	return unit_run(s);
}
