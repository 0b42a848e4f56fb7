/*
 * Output of fluxgen: CSV rows built by column, and --dir files written by
 * piping the CSV through a converter's emit.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvio.h"
#include "err.h"
#include "field.h"
#include "fluxgen.h"

static void emit_start(struct emit *);

void
tab_open(struct tab *t, const struct kind *k, struct out *o)
{
	size_t i;

	if (k->ncols > sizeof t->off / sizeof t->off[0])
		die(EX_SOFTWARE, "%s: trop de colonnes", k->name);
	memset(t, 0, sizeof *t);
	t->k = k;
	t->o = o;
	for (i = 0; i < k->ncols; i++) {
		csvout_field(o, k->cols[i], strlen(k->cols[i]), i == 0);
		t->off[i] = -1;
	}
	csvout_end(o);
}

void
tab_close(struct tab *t)
{
	buf_free(&t->b);
}

static void
mark(struct tab *t, int col, size_t start)
{
	t->off[col] = (long)start;
	t->len[col] = t->b.len - start;
}

void
tab_str(struct tab *t, int col, const char *s)
{
	size_t start = t->b.len;

	if (s == NULL || *s == '\0')
		return;
	buf_adds(&t->b, s);
	mark(t, col, start);
}

void
tab_fmt(struct tab *t, int col, const char *fmt, ...)
{
	size_t start = t->b.len;
	char tmp[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	buf_adds(&t->b, tmp);
	mark(t, col, start);
}

/* Digits of v, written backwards into the end of d; returns the start. */
static char *
digits(char *end, uint64_t v, int min)
{
	int n = 0;

	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
		n++;
	} while (v > 0 || n < min);
	return end;
}

void
tab_int(struct tab *t, int col, int64_t v)
{
	char d[24], *p = digits(d + sizeof d, v < 0 ? (uint64_t)-v : (uint64_t)v, 1);
	size_t start = t->b.len;

	if (v < 0)
		buf_addc(&t->b, '-');
	buf_add(&t->b, p, (size_t)(d + sizeof d - p));
	mark(t, col, start);
}

/* A phone number, when there is one. */
void
tab_phone(struct tab *t, int col, uint32_t n, int mobile)
{
	char ph[12];

	if (n == 0)
		return;
	phone_str(n, mobile, ph);
	tab_str(t, col, ph);
}

void
tab_dec(struct tab *t, int col, int64_t v)
{
	size_t start = t->b.len;

	dec_format(&t->b, v, 2, '.');
	mark(t, col, start);
}

static void
put_date(struct buf *b, int32_t day)
{
	char s[11];
	int y, m, d;

	civil(day, &y, &m, &d);
	digits(s + 4, (uint64_t)y, 4);
	s[4] = '-';
	digits(s + 7, (uint64_t)m, 2);
	s[7] = '-';
	digits(s + 10, (uint64_t)d, 2);
	buf_add(b, s, 10);
}

void
tab_date(struct tab *t, int col, int32_t day)
{
	size_t start = t->b.len;

	put_date(&t->b, day);
	mark(t, col, start);
}

void
tab_month(struct tab *t, int col, int y, int m)
{
	tab_fmt(t, col, "%04d-%02d", y, m);
}

void
tab_instant(struct tab *t, int col, int64_t e)
{
	int off = paris_offset(e);
	int64_t l = e + off;
	int32_t day = (int32_t)(l / 86400);
	int s = (int)(l % 86400);
	char x[15];
	size_t start = t->b.len;

	put_date(&t->b, day);
	x[0] = 'T';
	digits(x + 3, (uint64_t)(s / 3600), 2);
	x[3] = ':';
	digits(x + 6, (uint64_t)(s / 60 % 60), 2);
	x[6] = ':';
	digits(x + 9, (uint64_t)(s % 60), 2);
	x[9] = '+';
	digits(x + 12, (uint64_t)(off / 3600), 2);
	memcpy(x + 12, ":00", 3);
	buf_add(&t->b, x, 15);
	mark(t, col, start);
}

void
tab_row(struct tab *t)
{
	size_t i;

	/* An output not started yet is an emit's (its struct out is first). */
	if (t->o->fd == -1)
		emit_start((struct emit *)t->o);

	for (i = 0; i < t->k->ncols; i++) {
		if (t->off[i] < 0)
			csvout_field(t->o, "", 0, i == 0);
		else
			csvout_field(t->o, t->b.p + t->off[i], t->len[i], i == 0);
		t->off[i] = -1;
	}
	csvout_end(t->o);
	buf_reset(&t->b);
}

/* The converter on PATH, or exit 69 before anything is written. */
void
emit_check(const char *conv)
{
	const char *path = getenv("PATH"), *p, *e;
	char buf[4096];

	for (p = path ? path : "/usr/bin:/bin"; *p; p = *e ? e + 1 : e) {
		e = strchr(p, ':');
		if (e == NULL)
			e = p + strlen(p);
		if (snprintf(buf, sizeof buf, "%.*s/%s", (int)(e - p), p, conv) <
		    (int)sizeof buf && access(buf, X_OK) == 0)
			return;
	}
	die(EX_UNAVAILABLE, "%s: convertisseur introuvable dans le PATH", conv);
}

/*
 * The converter starts with the first row: a unit with no row (a SAD
 * without events) gives no file, since no converter can write one.
 */
void
emit_open(struct emit *e, const char *dir, const char *name, const char *conv,
    const char *arg)
{
	size_t n = strlen(dir) + strlen(name) + 16;

	e->path = xmalloc(n);
	e->tmp = xmalloc(n + 8);
	snprintf(e->path, n, "%s/%s", dir, name);
	snprintf(e->tmp, n + 8, "%s/.%s.XXXXXX", dir, name);
	e->conv = conv;
	e->arg = arg;
	e->pid = 0;
	out_init(&e->o, -1, e->path);
}

static void
emit_start(struct emit *e)
{
	int p[2], fd;

	if ((fd = mkstemp(e->tmp)) < 0)
		die(EX_CANTCREAT, "%s: %s", e->tmp, strerror(errno));
	if (fchmod(fd, 0600) != 0)
		die(EX_OSERR, "%s: %s", e->tmp, strerror(errno));
	if (e->conv == NULL) {		/* a CSV of ours, as it is */
		e->pid = -1;
		e->fd = e->o.fd = fd;
		return;
	}
	if (pipe(p) != 0)
		die(EX_OSERR, "%s: %s", e->tmp, strerror(errno));
	if ((e->pid = fork()) < 0)
		die(EX_OSERR, "fork: %s", strerror(errno));
	if (e->pid == 0) {
		dup2(p[0], 0);
		dup2(fd, 1);
		close(p[0]);
		close(p[1]);
		close(fd);
		execlp(e->conv, e->conv, "emit", e->arg, (char *)NULL);
		fprintf(stderr, "%s: %s: %s\n", prog_name, e->conv,
		    strerror(errno));
		_exit(EX_UNAVAILABLE);
	}
	close(p[0]);
	e->fd = fd;
	e->o.fd = p[1];
}

/* Starts the file now, so that it exists even without a row. */
void
emit_begin(struct emit *e)
{
	if (e->pid == 0)
		emit_start(e);
}

void
emit_close(struct emit *e)
{
	int st;

	if (e->pid == 0) {
		out_free(&e->o);
		free(e->tmp);
		free(e->path);
		return;
	}
	out_flush(&e->o);
	if (e->pid < 0) {
		out_free(&e->o);
		goto done;
	}
	close(e->o.fd);
	out_free(&e->o);
	while (waitpid(e->pid, &st, 0) < 0)
		if (errno != EINTR)
			die(EX_OSERR, "waitpid: %s", strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		unlink(e->tmp);
		die(WIFEXITED(st) && WEXITSTATUS(st) == EX_UNAVAILABLE ?
		    EX_UNAVAILABLE : EX_SOFTWARE,
		    "%s: «%s emit» a échoué (code %d): fichier non écrit",
		    e->path, e->conv, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	}
done:
	if (fsync(e->fd) != 0 || close(e->fd) != 0 ||
	    rename(e->tmp, e->path) != 0)
		die(EX_IOERR, "%s: %s", e->path, strerror(errno));
	free(e->tmp);
	free(e->path);
}
