/*
 * Canonical CSV (DESIGN §4): RFC 4180, comma, UTF-8, LF, one header row.
 * Reading goes through libcsv; writing quotes only the fields that need it.
 */
#ifndef CESUTG_CSVIO_H
#define CESUTG_CSVIO_H

#include <csv.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "lines.h"
#include "out.h"

/* One record's values, NUL-terminated, in one arena. */
struct row {
	size_t		 n;
	size_t		 cap;
	char		**v;
	size_t		*len;
	size_t		*off;
	unsigned char	*q;	/* per value: 0 plain, 1 needs CSV quotes, 2 unknown */
	int64_t		*t;	/* per value: a non-empty FT_INSTANT's seconds
				   since the epoch, for record checks (set by
				   rec_decode, and rec_instants on emit's rows;
				   left as it was for other values) */
	struct buf	 arena;
};

void	row_reset(struct row *r);
void	row_push(struct row *r, const char *s, size_t n);
void	row_grow(struct row *r);
void	row_seal(struct row *r);
void	row_free(struct row *r);
void	row_copy(struct row *dst, const struct row *src);

/* row_begin()/row_end() bracket a value built directly in r->arena. */
static inline void
row_begin(struct row *r)
{
	if (r->n == r->cap)
		row_grow(r);
	r->off[r->n] = r->arena.len;
	r->q[r->n] = 2;
}

static inline void
row_end(struct row *r)
{
	r->len[r->n] = r->arena.len - r->off[r->n];
	if (r->arena.len + 1 >= r->arena.cap)
		buf_grow(&r->arena, 1);
	r->arena.p[r->arena.len++] = '\0';
	r->n++;
}

#define CSVIN_MAX LINES_MAX	/* longest record, quoted line ends included */

struct csvin {
	struct csv_parser p;
	struct lines	 l;
	struct row	 row;
	int		 done;
	unsigned long	 line;	/* line where the current row starts */
	size_t		 fed;	/* bytes of the current row so far */
	unsigned long	 fline;	/* line where the value being read starts */
	struct row	 names;	/* csvin_limit: column names, for messages */
	size_t		*cap;	/* csvin_limit: per column, 0 for none */
};

void	csvin_open(struct csvin *c, int fd, const char *name);
int	csvin_next(struct csvin *c, struct row **r);
void	csvin_close(struct csvin *c);
void	csvin_limit(struct csvin *c, const struct row *hdr, const size_t *cap);

int	csv_needs_quotes(const char *s, size_t n);
void	csvout_field(struct out *o, const char *s, size_t n, int first);
void	csvout_row(struct out *o, const struct row *r);

static inline void
csvout_end(struct out *o)
{
	out_putc(o, '\n');
}

#endif
