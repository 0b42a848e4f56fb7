/*
 * Buffered output to a file descriptor, written in large blocks.
 * A spooled output holds everything back until out_commit(), so that a
 * file-level error found at the end leaves nothing on the destination.
 */
#ifndef CESUTG_OUT_H
#define CESUTG_OUT_H

#include <stddef.h>
#include <string.h>
#include <sys/types.h>

struct out {
	int	 fd;		/* where bytes go now */
	int	 dest;		/* final destination when spooling, else -1 */
	off_t	 start;		/* offset to truncate back to, or -1 */
	int	 sent;		/* spool copy to dest begun */
	char	*buf;
	size_t	 len;
	size_t	 cap;
	const char *what;	/* for messages: "la sortie standard", a path */
};

void	out_init(struct out *o, int fd, const char *what);
void	out_spool(struct out *o, int dest, const char *what);
void	out_write_slow(struct out *o, const void *p, size_t n);
void	out_puts(struct out *o, const char *s);
void	out_flush(struct out *o);
void	out_commit(struct out *o);
void	out_discard(struct out *o);
int	out_undo(struct out *o);
void	out_free(struct out *o);
int	out_tmpfd(void);

static inline void
out_write(struct out *o, const void *p, size_t n)
{
	if (o->len + n <= o->cap) {
		memcpy(o->buf + o->len, p, n);
		o->len += n;
	} else
		out_write_slow(o, p, n);
}

static inline void
out_putc(struct out *o, char c)
{
	if (o->len == o->cap)
		out_flush(o);
	o->buf[o->len++] = c;
}

#endif
