/*
 * Helpers shared by the check unit tests (header only: every test file is
 * its own program). Tests run forked (check's default), so the library's
 * static state (diagnostic counts) starts fresh in each test.
 */
#ifndef CESUTG_UNIT_H
#define CESUTG_UNIT_H

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "err.h"

/* A fresh scratch directory, removed by the test's own cleanup if any. */
static inline char *
unit_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	char *p = xmalloc(4096);

	snprintf(p, 4096, "%s/cesutg-unit.XXXXXX", t && *t ? t : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(p));
	return p;
}

/* The whole content of a file, NUL-terminated; *n gets its length. */
static inline char *
unit_slurp(const char *path, size_t *n)
{
	struct buf b = {0};
	char tmp[4096];
	ssize_t r;
	int fd = open(path, O_RDONLY);

	ck_assert_msg(fd != -1, "ouverture de %s", path);
	buf_grow(&b, 0);
	while ((r = read(fd, tmp, sizeof tmp)) > 0)
		buf_add(&b, tmp, (size_t)r);
	close(fd);
	if (n)
		*n = b.len;
	return b.p;
}

static inline void
unit_spit(const char *path, const char *s, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, s, n), (ssize_t)n);
	close(fd);
}

/* Standard error captured into a temporary file between begin and end. */
static int unit_saved_stderr = -1;
static char unit_errpath[4096];

static inline void
unit_err_begin(void)
{
	int fd;

	fflush(stderr);
	snprintf(unit_errpath, sizeof unit_errpath, "%s/cesutg-err.XXXXXX",
	    getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	fd = mkstemp(unit_errpath);
	ck_assert_int_ne(fd, -1);
	unit_saved_stderr = dup(2);
	dup2(fd, 2);
	close(fd);
}

/* Returns what was written to stderr since unit_err_begin(). */
static inline char *
unit_err_end(void)
{
	char *s;

	fflush(stderr);
	dup2(unit_saved_stderr, 2);
	close(unit_saved_stderr);
	s = unit_slurp(unit_errpath, NULL);
	unlink(unit_errpath);
	return s;
}

/*
 * Runs fn(arg) in a child process (die() exits) and checks that it exits
 * with code and writes exactly msg to stderr.
 */
static inline void
unit_dies(void (*fn)(void *), void *arg, int code, const char *msg)
{
	pid_t pid;
	int st;
	char *e;

	unit_err_begin();
	if ((pid = fork()) == 0) {
		fn(arg);
		_exit(0);
	}
	ck_assert_int_ne(pid, -1);
	waitpid(pid, &st, 0);
	e = unit_err_end();
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), code);
	ck_assert_str_eq(e, msg);
	free(e);
}

/* How many diagnostics of class cls were counted so far. */
static inline unsigned long
unit_classcount(const char *cls)
{
	struct diag_counts c = {0};
	char *dir = unit_tmpdir(), path[4200], key[128], *rep, *p;
	unsigned long n = 0;

	snprintf(path, sizeof path, "%s/report.csv", dir);
	diag_report(path, &c, 0);
	rep = unit_slurp(path, NULL);
	snprintf(key, sizeof key, "\nclasse,%s,", cls);
	if ((p = strstr(rep, key)) != NULL)
		n = strtoul(p + strlen(key), NULL, 10);
	unlink(path);
	rmdir(dir);
	free(rep);
	free(dir);
	return n;
}

static inline int
unit_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}

#endif
