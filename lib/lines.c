#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "lines.h"

#ifndef LINES_BLOCK	/* smaller in the fuzz build: refills get fuzzed */
#define LINES_BLOCK (256 * 1024)
#endif

void
lines_init(struct lines *l, int fd, const char *name)
{
	l->fd = fd;
	l->name = name;
	l->cap = LINES_BLOCK;
	l->buf = xmalloc(l->cap);
	l->off = l->end = 0;
	l->eof = 0;
	l->lineno = 0;
}

static void
fill(struct lines *l)
{
	ssize_t r;

	if (l->off > 0) {
		memmove(l->buf, l->buf + l->off, l->end - l->off);
		l->end -= l->off;
		l->off = 0;
	}
	if (l->end == l->cap) {
		if (l->cap >= LINES_MAX + 2)
			die(EX_DATAERR, "%s:%lu: ligne de plus de %d octets",
			    l->name, l->lineno + 1, LINES_MAX);
		l->cap *= 2;
		l->buf = xrealloc(l->buf, l->cap);
	}
	for (;;) {
		r = read(l->fd, l->buf + l->end, l->cap - l->end);
		if (r >= 0)
			break;
		if (errno != EINTR)
			die(EX_IOERR, "lecture de %s impossible: %s", l->name,
			    strerror(errno));
	}
	if (r == 0)
		l->eof = 1;
	l->end += (size_t)r;
}

/*
 * Returns 1 with the next line (without its end) or 0 at end of input.
 * A last line without a newline is returned with EOL_NONE.
 */
int
lines_next(struct lines *l, const char **line, size_t *len, enum eol *eol)
{
	char *nl;
	size_t scanned = 0, n;

	for (;;) {
		nl = memchr(l->buf + l->off + scanned, '\n',
		    l->end - l->off - scanned);
		if (nl != NULL || l->eof)
			break;
		scanned = l->end - l->off;
		fill(l);
	}
	if (nl == NULL && l->off == l->end)
		return 0;
	*line = l->buf + l->off;
	l->lineno++;
	if (nl == NULL) {
		n = l->end - l->off;
		l->off = l->end;
		*eol = EOL_NONE;
	} else {
		n = (size_t)(nl - (l->buf + l->off));
		l->off += n + 1;
		*eol = EOL_LF;
		if (n > 0 && (*line)[n - 1] == '\r') {
			n--;
			*eol = EOL_CRLF;
		}
	}
	if (n > LINES_MAX)
		die(EX_DATAERR, "%s:%lu: ligne de plus de %d octets", l->name,
		    l->lineno, LINES_MAX);
	*len = n;
	return 1;
}

void
lines_free(struct lines *l)
{
	free(l->buf);
	l->buf = NULL;
}
