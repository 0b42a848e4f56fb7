/* Unit tests of lib/out (spooled output) and lib/afile (atomic files). */
#include <dirent.h>
#include <poll.h>
#include <sys/stat.h>

#include "afile.h"
#include "out.h"
#include "unit.h"

#define BIG	(700 * 1024)	/* more than the 256 KiB output block */

static char *dir;
static char path[4200];
static char *big;

static void
setup(void)
{
	size_t i;

	dir = unit_tmpdir();
	snprintf(path, sizeof path, "%s/f", dir);
	big = xmalloc(BIG);
	for (i = 0; i < BIG; i++)
		big[i] = (char)('A' + i % 23);
}

/* Names in the scratch directory, "" when empty. */
static char *
listing(void)
{
	struct buf b = {0};
	struct dirent *e;
	DIR *d = opendir(dir);

	ck_assert_ptr_nonnull(d);
	buf_add(&b, "", 0);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			if (b.len)
				buf_addc(&b, ' ');
			buf_adds(&b, strncmp(e->d_name, "f.tmp", 5) == 0 ?
			    "f.tmp*" : e->d_name);
		}
	closedir(d);
	return b.p;
}

static void
teardown(void)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	char p[4400];

	while (d && (e = readdir(d)) != NULL) {
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
	free(dir);
	free(big);
}

static void
writesome(struct out *o)
{
	out_puts(o, "en-tête\n");
	out_putc(o, '>');
	out_write(o, big, BIG);
	out_write(o, "fin\n", 4);
}

static int
pipe_empty(int rfd)
{
	struct pollfd p = { rfd, POLLIN, 0 };

	return poll(&p, 1, 0) == 0;
}

/* A child copies the pipe to path; returns its pid. */
static pid_t
drain(int rfd, int wfd)
{
	pid_t pid = fork();
	char tmp[8192];
	ssize_t r;
	int o;

	if (pid == 0) {
		close(wfd);
		o = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		while ((r = read(rfd, tmp, sizeof tmp)) > 0)
			if (write(o, tmp, (size_t)r) != r)
				_exit(1);
		_exit(r == 0 ? 0 : 1);
	}
	ck_assert_int_ne(pid, -1);
	return pid;
}

static void
check_content(void)
{
	size_t n;
	char *s = unit_slurp(path, &n);

	ck_assert_uint_eq(n, strlen("en-tête\n>") + BIG + 4);
	ck_assert(memcmp(s, "en-tête\n>", strlen("en-tête\n>")) == 0);
	ck_assert(memcmp(s + strlen("en-tête\n>"), big, BIG) == 0);
	ck_assert(memcmp(s + n - 4, "fin\n", 4) == 0);
	free(s);
}

START_TEST(pipe_commit)
{
	struct out o;
	int p[2], st;
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	out_spool(&o, p[1], "le tube");
	writesome(&o);
	/* Held back: more than a block was written, none of it reached the pipe. */
	ck_assert(pipe_empty(p[0]));
	pid = drain(p[0], p[1]);
	out_commit(&o);
	out_free(&o);
	close(p[1]);
	close(p[0]);
	waitpid(pid, &st, 0);
	ck_assert_int_eq(st, 0);
	check_content();
}
END_TEST

START_TEST(pipe_discard)
{
	struct out o;
	int p[2], st;
	pid_t pid;
	size_t n;
	char *s;

	ck_assert_int_eq(pipe(p), 0);
	out_spool(&o, p[1], "le tube");
	writesome(&o);
	out_discard(&o);
	out_free(&o);
	pid = drain(p[0], p[1]);
	close(p[1]);
	close(p[0]);
	waitpid(pid, &st, 0);
	ck_assert_int_eq(st, 0);
	s = unit_slurp(path, &n);
	ck_assert_uint_eq(n, 0);
	free(s);
}
END_TEST

/* Output after a discard goes where the discarded one began. */
static void
then_after(struct out *o, int fd)
{
	char *s;

	out_puts(o, "après\n");
	out_commit(o);
	out_free(o);
	close(fd);
	s = unit_slurp(path, NULL);
	ck_assert_str_eq(s, "avant\naprès\n");
	free(s);
}

START_TEST(file_discard)
{
	struct out o;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	size_t n;
	char *s;

	ck_assert_int_eq(write(fd, "avant\n", 6), 6);
	out_spool(&o, fd, path);
	writesome(&o);
	out_flush(&o);
	ck_assert_int_gt(lseek(fd, 0, SEEK_END), 6);
	/* Truncated back to where the output began; later output goes there. */
	out_discard(&o);
	ck_assert_int_eq(lseek(fd, 0, SEEK_CUR), 6);
	s = unit_slurp(path, &n);
	ck_assert_uint_eq(n, 6);
	ck_assert_str_eq(s, "avant\n");
	free(s);
	then_after(&o, fd);
}
END_TEST

START_TEST(file_commit)
{
	struct out o;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	out_spool(&o, fd, path);
	writesome(&o);
	out_commit(&o);
	out_free(&o);
	close(fd);
	check_content();
}
END_TEST

START_TEST(plain_output)
{
	struct out o;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	out_init(&o, fd, path);
	writesome(&o);
	out_flush(&o);
	out_free(&o);
	close(fd);
	check_content();
}
END_TEST

/* A write error is fatal: EX_IOERR, not a silent loss. */
static void
write_readonly(void *unused)
{
	struct out o;
	int fd = open(path, O_RDONLY | O_CREAT, 0600);

	(void)unused;
	out_init(&o, fd, "la sortie");
	out_puts(&o, "x");
	out_flush(&o);
}

START_TEST(write_error)
{
	unit_dies(write_readonly, NULL, 74,
	    "cesutg: écriture impossible sur la sortie: Bad file descriptor\n");
}
END_TEST

START_TEST(afile_private)
{
	struct afile a;
	struct stat st;
	char *l;

	umask(022);
	afile_open(&a, path, AFILE_PRIVATE);
	writesome(&a.o);
	out_flush(&a.o);
	/* Only a temporary name in the same directory until the commit. */
	l = listing();
	ck_assert_str_eq(l, "f.tmp*");
	free(l);
	ck_assert_int_eq(stat(path, &st), -1);
	afile_commit(&a);
	l = listing();
	ck_assert_str_eq(l, "f");
	free(l);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	check_content();
}
END_TEST

START_TEST(afile_mode)
{
	struct afile a;
	struct stat st;

	/* The requested mode exactly, whatever the umask. */
	umask(077);
	afile_open(&a, path, 0644);
	out_puts(&a.o, "x\n");
	afile_commit(&a);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0644);
}
END_TEST

START_TEST(afile_replace)
{
	struct afile a;
	int old;
	char s[16] = {0}, *t;

	unit_spit(path, "ancien\n", 7);
	old = open(path, O_RDONLY);
	afile_open(&a, path, AFILE_PRIVATE);
	out_puts(&a.o, "nouveau\n");
	/* Before the commit the old content is intact. */
	t = unit_slurp(path, NULL);
	ck_assert_str_eq(t, "ancien\n");
	free(t);
	afile_commit(&a);
	t = unit_slurp(path, NULL);
	ck_assert_str_eq(t, "nouveau\n");
	free(t);
	/* Renamed over, not rewritten: a reader of the old file still sees it. */
	ck_assert_int_eq(read(old, s, sizeof s - 1), 7);
	ck_assert_str_eq(s, "ancien\n");
	close(old);
	t = listing();
	ck_assert_str_eq(t, "f");
	free(t);
}
END_TEST

START_TEST(afile_aborted)
{
	struct afile a;
	char *l;

	afile_open(&a, path, AFILE_PRIVATE);
	writesome(&a.o);
	out_flush(&a.o);
	afile_abort(&a);
	l = listing();
	ck_assert_str_eq(l, "");
	free(l);
}
END_TEST

static void
open_in_absent_dir(void *p)
{
	struct afile a;

	afile_open(&a, p, AFILE_PRIVATE);
}

START_TEST(afile_nodir)
{
	char p[4300], msg[4500];

	snprintf(p, sizeof p, "%s/absent/f", dir);
	snprintf(msg, sizeof msg, "cesutg: création de %s impossible: "
	    "No such file or directory\n", p);
	unit_dies(open_in_absent_dir, p, 73, msg);
}
END_TEST

/*
 * A file opened for appending: where the output starts is not known, so
 * a discard must leave the file as it was (not truncate it to 0).
 */
START_TEST(append_discard)
{
	struct out o;
	int fd;
	char *s;

	unit_spit(path, "avant\n", 6);
	fd = open(path, O_WRONLY | O_APPEND);
	out_spool(&o, fd, path);
	writesome(&o);
	out_discard(&o);
	out_free(&o);
	s = unit_slurp(path, NULL);
	ck_assert_str_eq(s, "avant\n");
	free(s);
	out_spool(&o, fd, path);
	then_after(&o, fd);
}
END_TEST

/* After a fatal error: taken back from a file, or said to be partial. */
START_TEST(undo)
{
	struct out o;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600), p[2];
	char *s;

	ck_assert_int_eq(write(fd, "avant\n", 6), 6);
	out_spool(&o, fd, path);
	writesome(&o);
	ck_assert_int_eq(out_undo(&o), 0);
	out_free(&o);
	s = unit_slurp(path, NULL);
	ck_assert_str_eq(s, "avant\n");
	free(s);
	close(fd);
	/* a pipe: nothing sent yet, then sent */
	ck_assert_int_eq(pipe(p), 0);
	out_spool(&o, p[1], "le tube");
	out_puts(&o, "x\n");
	ck_assert_int_eq(out_undo(&o), 0);
	ck_assert(pipe_empty(p[0]));
	out_free(&o);
	out_spool(&o, p[1], "le tube");
	out_puts(&o, "z\n");
	out_commit(&o);
	ck_assert_int_eq(out_undo(&o), -1);
	out_free(&o);
	close(p[0]);
	close(p[1]);
}
END_TEST

/* A target that is not a regular file is written, not replaced. */
START_TEST(afile_fifo)
{
	struct afile a;
	struct stat st;
	char buf[16], *l;
	int fd;

	ck_assert_int_eq(mkfifo(path, 0600), 0);
	fd = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ne(fd, -1);
	afile_open(&a, path, AFILE_PRIVATE);
	ck_assert_ptr_null(a.tmp);
	out_puts(&a.o, "rejet\n");
	afile_commit(&a);
	ck_assert_int_eq(read(fd, buf, sizeof buf), 6);
	ck_assert_int_eq(memcmp(buf, "rejet\n", 6), 0);
	close(fd);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	l = listing();
	ck_assert_str_eq(l, "f");
	free(l);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("out");
	TCase *t = tcase_create("out");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, pipe_commit);
	tcase_add_test(t, pipe_discard);
	tcase_add_test(t, file_discard);
	tcase_add_test(t, file_commit);
	tcase_add_test(t, plain_output);
	tcase_add_test(t, write_error);
	tcase_add_test(t, afile_private);
	tcase_add_test(t, afile_mode);
	tcase_add_test(t, afile_replace);
	tcase_add_test(t, afile_aborted);
	tcase_add_test(t, afile_nodir);
	tcase_add_test(t, append_discard);
	tcase_add_test(t, undo);
	tcase_add_test(t, afile_fifo);
	suite_add_tcase(s, t);
	return unit_run(s);
}
