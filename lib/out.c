#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef __linux__
#include <sys/sendfile.h>
#endif
#include <unistd.h>

#include "err.h"
#include "out.h"

#ifndef OUT_BLOCK	/* smaller in the fuzz build: flushes get fuzzed */
#define OUT_BLOCK (256 * 1024)
#endif

void
out_init(struct out *o, int fd, const char *what)
{
	o->fd = fd;
	o->dest = -1;
	o->start = -1;
	o->sent = 0;
	o->buf = xmalloc(OUT_BLOCK);
	o->len = 0;
	o->cap = OUT_BLOCK;
	o->what = what;
}

static int
spoolfd(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	if ((size_t)snprintf(path, sizeof path, "%s/cesutg.XXXXXX", dir) >=
	    sizeof path)
		die(EX_CANTCREAT, "TMPDIR trop long");
	if ((fd = mkstemp(path)) == -1)
		die(EX_CANTCREAT, "fichier temporaire impossible dans %s: %s",
		    dir, strerror(errno));
	unlink(path);
	return fd;
}

/*
 * A regular file is written in place and truncated back on discard, to
 * the offset where writing started; a pipe, a terminal, or a file opened
 * for appending (where that offset is not known: other writers may add to
 * it) gets a spool file, copied over on commit.
 */
void
out_spool(struct out *o, int dest, const char *what)
{
	struct stat st;
	off_t pos;
	int fl;

	out_init(o, dest, what);
	if ((fl = fcntl(dest, F_GETFL)) != -1 && !(fl & O_APPEND) &&
	    fstat(dest, &st) == 0 && S_ISREG(st.st_mode) &&
	    (pos = lseek(dest, 0, SEEK_CUR)) != -1) {
		o->start = pos;
		return;
	}
	o->dest = dest;
	o->fd = spoolfd();
}

static void
writeall(int fd, const char *p, size_t n, const char *what)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			die(EX_IOERR, "écriture impossible sur %s: %s", what,
			    strerror(errno));
		}
		p += w;
		n -= (size_t)w;
	}
}

void
out_write_slow(struct out *o, const void *p, size_t n)
{
	if (o->len + n > o->cap) {
		out_flush(o);
		if (n >= o->cap) {
			writeall(o->fd, p, n, o->what);
			return;
		}
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

void
out_puts(struct out *o, const char *s)
{
	out_write(o, s, strlen(s));
}

void
out_flush(struct out *o)
{
	writeall(o->fd, o->buf, o->len, o->what);
	o->len = 0;
}

void
out_commit(struct out *o)
{
	ssize_t r;

	out_flush(o);
	if (o->dest < 0)
		return;
	if (lseek(o->fd, 0, SEEK_SET) == -1)
		die(EX_IOERR, "relecture du fichier temporaire: %s",
		    strerror(errno));
	o->sent = 1;
#ifdef __linux__
	/* The kernel copies the spool without a pass through user space. */
	while ((r = sendfile(o->dest, o->fd, NULL, 1 << 30)) > 0)
		;
	if (r == 0) {
		close(o->fd);
		o->fd = o->dest;
		o->dest = -1;
		return;
	}
	if (errno != EINVAL && errno != ENOSYS)
		die(EX_IOERR, "écriture impossible sur %s: %s", o->what,
		    strerror(errno));
#endif
	while ((r = read(o->fd, o->buf, o->cap)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			die(EX_IOERR, "relecture du fichier temporaire: %s",
			    strerror(errno));
		}
		writeall(o->dest, o->buf, (size_t)r, o->what);
	}
	close(o->fd);
	o->fd = o->dest;
	o->dest = -1;
}

void
out_discard(struct out *o)
{
	o->len = 0;
	if (o->dest >= 0) {
		close(o->fd);
		o->fd = o->dest;
		o->dest = -1;
	} else if (o->start >= 0) {
		if (ftruncate(o->fd, o->start) == -1 ||
		    lseek(o->fd, o->start, SEEK_SET) == -1)
			die(EX_IOERR, "effacement de %s impossible: %s",
			    o->what, strerror(errno));
	}
}

void
out_free(struct out *o)
{
	free(o->buf);
	o->buf = NULL;
}

/*
 * After a fatal error, without dying again: returns 0 when the
 * destination holds nothing of this output any more, -1 when it holds
 * part of it that cannot be taken back (copied to a pipe).
 */
int
out_undo(struct out *o)
{
	o->len = 0;
	if (o->dest >= 0 && !o->sent) {
		close(o->fd);
		o->fd = o->dest;
		o->dest = -1;
		return 0;
	}
	if (o->dest < 0 && o->start >= 0)
		return ftruncate(o->fd, o->start) == 0 &&
		    lseek(o->fd, o->start, SEEK_SET) != -1 ? 0 : -1;
	return -1;
}

/* An anonymous temporary file under $TMPDIR, for data held back a while. */
int
out_tmpfd(void)
{
	return spoolfd();
}
