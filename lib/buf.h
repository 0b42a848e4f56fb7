/* Growable byte buffer, always NUL-terminated. */
#ifndef CESUTG_BUF_H
#define CESUTG_BUF_H

#include <stddef.h>
#include <string.h>

struct buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

void	buf_grow(struct buf *b, size_t extra);
void	buf_add_slow(struct buf *b, const char *s, size_t n);
void	buf_adds(struct buf *b, const char *s);
void	buf_addf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	buf_reset(struct buf *b);
void	buf_free(struct buf *b);

static inline void
buf_addc(struct buf *b, char c)
{
	if (b->len + 2 > b->cap)
		buf_grow(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}

static inline void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		buf_add_slow(b, s, n);
		return;
	}
	if (n == 0)	/* s may be NULL: memcpy must not see it */
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

#endif
