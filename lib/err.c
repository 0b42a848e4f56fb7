#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "charset.h"
#include "err.h"

const char *prog_name = "cesutg";

#define ERR_HOOKS	8

static void (*hooks[ERR_HOOKS])(void);
static char last[2048];
static int nhooks, nextdone;

/*
 * A function die() runs before exiting, in the order of registration,
 * each at most once: a die() inside one goes on with the next, so that
 * temporaries are removed even when writing the report fails.
 */
void
err_onfatal(void (*fn)(void))
{
	int i;

	for (i = 0; i < nhooks; i++)
		if (hooks[i] == fn)
			return;
	if (nhooks < ERR_HOOKS)
		hooks[nhooks++] = fn;
}

/* The message of the die() running, for its hooks. */
const char *
err_last(void)
{
	return last;
}

/* For a process that outlives die() through a hook that jumps (fuzzing). */
void
err_rearm(void)
{
	nextdone = 0;
}

void
err_setprog(const char *argv0)
{
	const char *p = strrchr(argv0, '/');

	prog_name = p ? p + 1 : argv0;
}

/* Control bytes from the data never reach the terminal as such. */
static void
vwarn(const char *fmt, va_list ap)
{
	char msg[4096];
	struct buf b = {0};
	int n = vsnprintf(msg, sizeof msg, fmt, ap);

	if (n < 0)
		return;
	utf8_escape(&b, msg, strlen(msg), 0);
	fprintf(stderr, "%s: %s%s\n", prog_name, b.p ? b.p : "",
	    (size_t)n >= sizeof msg ? "…" : "");
	free(b.p);
}

void
warnx_(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void
die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	vsnprintf(last, sizeof last, fmt, ap);
	va_end(ap);
	while (nextdone < nhooks)
		hooks[nextdone++]();
	exit(code);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		die(EX_OSERR, "mémoire épuisée (%zu octets demandés)", n);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		die(EX_OSERR, "mémoire épuisée");
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		die(EX_OSERR, "mémoire épuisée (%zu octets demandés)", n);
	return p;
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

/* Write errors are errors: a full disk must not exit 0. Returns 0. */
int
err_stdout(void)
{
	if (fflush(stdout) == EOF || ferror(stdout))
		die(EX_IOERR, "écriture impossible sur la sortie standard: %s",
		    strerror(errno ? errno : EIO));
	return 0;
}
