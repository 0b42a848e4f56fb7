/*
 * Wire charset <-> UTF-8 through iconv. Only fields holding bytes above
 * 0x7F go through iconv; pure ASCII is copied as is.
 */
#ifndef CESUTG_CHARSET_H
#define CESUTG_CHARSET_H

#include <iconv.h>
#include <stddef.h>

#include "buf.h"

struct charset {
	const char	*name;
	int		 utf8;	/* the wire is UTF-8 itself */
	iconv_t		 in;	/* wire -> UTF-8 */
	iconv_t		 out;	/* UTF-8 -> wire */
	int		 single;	/* single-byte: decoding uses hi[] */
	char		 hi[128][4];	/* UTF-8 of bytes 0x80-0xFF, "" if invalid */
};

int	charset_open(struct charset *cs, const char *name);
void	charset_close(struct charset *cs);
int	charset_ascii(const char *s, size_t n);
int	charset_decode(struct charset *cs, const char *s, size_t n,
	    struct buf *b, size_t *badpos);
int	charset_encode(struct charset *cs, const char *s, size_t n,
	    struct buf *b, size_t *badpos);
size_t	charset_nchars(const struct charset *cs, const char *s, size_t n);
int	utf8_valid(const char *s, size_t n, size_t *badpos);
size_t	utf8_nchars(const char *s, size_t n);
int	utf8_c1(const char *s, size_t n, size_t *pos);
void	utf8_escape(struct buf *b, const char *s, size_t n, size_t max);
void	translit_ascii_upper(const char *s, size_t n, struct buf *b);

#endif
