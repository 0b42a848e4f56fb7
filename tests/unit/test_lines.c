/* Unit tests of lib/lines: the bounded line reader. */
#include "lines.h"
#include "unit.h"

#define BLOCK	(256 * 1024)

static char *dir;
static char path[4200];
static struct lines l;
static int fd = -1;

static void
setup(void)
{
	dir = unit_tmpdir();
	snprintf(path, sizeof path, "%s/in", dir);
}

static void
teardown(void)
{
	if (fd != -1) {
		lines_free(&l);
		close(fd);
	}
	unlink(path);
	rmdir(dir);
	free(dir);
}

static void
openin(const char *s, size_t n)
{
	unit_spit(path, s, n);
	fd = open(path, O_RDONLY);
	ck_assert_int_ne(fd, -1);
	lines_init(&l, fd, "in");
}

#define LINE(want, weol) do {						\
	const char *s_;							\
	size_t n_;							\
	enum eol e_;							\
	ck_assert_int_eq(lines_next(&l, &s_, &n_, &e_), 1);		\
	ck_assert_uint_eq(n_, strlen(want));				\
	ck_assert(memcmp(s_, want, n_) == 0);				\
	ck_assert_int_eq(e_, weol);					\
} while (0)

#define END() do {							\
	const char *s_;							\
	size_t n_;							\
	enum eol e_;							\
	ck_assert_int_eq(lines_next(&l, &s_, &n_, &e_), 0);		\
} while (0)

START_TEST(lf)
{
	openin("a\nbb\n\nccc\n", 10);
	LINE("a", EOL_LF);
	ck_assert_uint_eq(l.lineno, 1);
	LINE("bb", EOL_LF);
	LINE("", EOL_LF);
	LINE("ccc", EOL_LF);
	ck_assert_uint_eq(l.lineno, 4);
	END();
	END();
	ck_assert_uint_eq(l.lineno, 4);
}
END_TEST

START_TEST(crlf)
{
	openin("a\r\nb\r\n\r\nc\rd\n\r\n", 14);
	LINE("a", EOL_CRLF);
	LINE("b", EOL_CRLF);
	LINE("", EOL_CRLF);
	LINE("c\rd", EOL_LF);
	LINE("", EOL_CRLF);
	END();
}
END_TEST

START_TEST(last_line)
{
	openin("a\nb", 3);
	LINE("a", EOL_LF);
	LINE("b", EOL_NONE);
	ck_assert_uint_eq(l.lineno, 2);
	END();
}
END_TEST

START_TEST(last_line_cr)
{
	openin("a\r\nb\r", 5);
	LINE("a", EOL_CRLF);
	LINE("b\r", EOL_NONE);
	END();
}
END_TEST

START_TEST(empty)
{
	openin("", 0);
	END();
	ck_assert_uint_eq(l.lineno, 0);
}
END_TEST

/* Lines that straddle the 256 KiB read block, and lines longer than it. */
START_TEST(block_boundary)
{
	static const size_t lens[] = { BLOCK - 3, 5, BLOCK - 1, BLOCK, 1,
	    BLOCK + 1, 3 * BLOCK + 7, 0, 2 };
	size_t i, k, total = 0, pos = 0, n;
	char *s, *w;
	const char *got;
	enum eol e;

	for (i = 0; i < sizeof lens / sizeof lens[0]; i++)
		total += lens[i] + 2;
	w = s = xmalloc(total);
	for (i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		for (k = 0; k < lens[i]; k++)
			*w++ = (char)('a' + (i + k) % 26);
		if (i % 2)
			*w++ = '\r';
		*w++ = '\n';
	}
	openin(s, (size_t)(w - s));
	for (i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		ck_assert_int_eq(lines_next(&l, &got, &n, &e), 1);
		ck_assert_uint_eq(n, lens[i]);
		ck_assert(memcmp(got, s + pos, n) == 0);
		ck_assert_int_eq(e, i % 2 ? EOL_CRLF : EOL_LF);
		pos += n + (i % 2 ? 2 : 1);
	}
	END();
	free(s);
}
END_TEST

/* Short reads from a pipe: a CRLF may be split between two reads. */
START_TEST(pipe_chunks)
{
	static const char text[] = "un\r\ndeux\r\n\r\ntrois\nquatre";
	int p[2];
	pid_t pid;
	size_t i;

	ck_assert_int_eq(pipe(p), 0);
	if ((pid = fork()) == 0) {
		close(p[0]);
		for (i = 0; i < sizeof text - 1; i++) {
			if (write(p[1], text + i, 1) != 1)
				_exit(1);
			usleep(200);
		}
		_exit(0);
	}
	close(p[1]);
	fd = p[0];
	lines_init(&l, fd, "tube");
	LINE("un", EOL_CRLF);
	LINE("deux", EOL_CRLF);
	LINE("", EOL_CRLF);
	LINE("trois", EOL_LF);
	LINE("quatre", EOL_NONE);
	END();
	waitpid(pid, NULL, 0);
}
END_TEST

/* A line longer than LINES_MAX is a data error naming its line. */
static void
readall(void *unused)
{
	const char *got;
	size_t len;
	enum eol eol;

	(void)unused;
	fd = open(path, O_RDONLY);
	lines_init(&l, fd, "in");
	while (lines_next(&l, &got, &len, &eol))
		;
}

START_TEST(too_long)
{
	size_t n = LINES_MAX + 10;
	char *s = xmalloc(n + 4);

	memcpy(s, "ok\n", 3);
	memset(s + 3, 'x', n);
	s[n + 3] = '\n';
	unit_spit(path, s, n + 4);
	free(s);
	unit_dies(readall, NULL, 65,
	    "cesutg: in:2: ligne de plus de 1048576 octets\n");
}
END_TEST

/* Exactly LINES_MAX bytes is accepted. */
START_TEST(longest)
{
	char *s = xmalloc(LINES_MAX + 3);
	const char *got;
	size_t n;
	enum eol e;

	memset(s, 'y', LINES_MAX);
	memcpy(s + LINES_MAX, "\r\nz", 3);
	openin(s, LINES_MAX + 3);
	ck_assert_int_eq(lines_next(&l, &got, &n, &e), 1);
	ck_assert_uint_eq(n, LINES_MAX);
	ck_assert_int_eq(e, EOL_CRLF);
	LINE("z", EOL_NONE);
	END();
	free(s);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("lines");
	TCase *t = tcase_create("lines");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, lf);
	tcase_add_test(t, crlf);
	tcase_add_test(t, last_line);
	tcase_add_test(t, last_line_cr);
	tcase_add_test(t, empty);
	tcase_add_test(t, block_boundary);
	tcase_add_test(t, pipe_chunks);
	tcase_add_test(t, too_long);
	tcase_add_test(t, longest);
	tcase_set_timeout(t, 60);
	suite_add_tcase(s, t);
	return unit_run(s);
}
