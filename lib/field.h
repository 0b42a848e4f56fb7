/*
 * Field types and their wire <-> canonical conversions (DESIGN §4, §5).
 * A flux is described by tables of struct field; the codec does the rest.
 */
#ifndef CESUTG_FIELD_H
#define CESUTG_FIELD_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "charset.h"

enum ftype {
	FT_TEXT,	/* bounded text */
	FT_CODE,	/* one of the codes in arg, "A|B|C" */
	FT_DIGITS,	/* identifier made of digits, kept verbatim */
	FT_INT,		/* quantity: canonical without leading zeros */
	FT_DEC,		/* decimal with `scale` decimals */
	FT_MONEY,	/* euros, two decimals; int64 cents inside */
	FT_HOURS,	/* hours, two decimals; int64 centi-hours inside */
	FT_DATE,	/* wire form in arg; canonical YYYY-MM-DD */
	FT_MONTH,	/* wire AAAAMM; canonical YYYY-MM */
	FT_BOOL,	/* 1 or 0 */
	FT_INSTANT,	/* ISO 8601 with UTC offset, same on both sides */
	FT_CONST,	/* constant arg: record type, application code */
	FT_FILLER	/* blank on the wire, not a column */
};

#define FF_DERIVED	0x01	/* count or total: recomputed by emit */
#define FF_DECSEP	0x02	/* fixed width: decimals after a written separator */
#define FF_PADDED	0x04	/* delimited number written as in fixed width:
				   exactly len digits, zero-padded, decimals
				   implied (len counts them) */

struct field {
	const char	*pos;	/* spec position: "12", "DET.6", "4.12" */
	const char	*name;	/* canonical column; NULL if none */
	const char	*label;	/* the spec's French label */
	enum ftype	 type;
	int		 len;	/* max characters; for decimals, integer digits */
	int		 scale;	/* decimals of FT_DEC */
	int		 start;	/* 1-based positions, fixed width only */
	int		 end;
	int		 req;	/* mandatory */
	const char	*arg;	/* codes, constant, or date format */
	unsigned	 flags;
};

/* How one wire file is written. */
struct codec {
	struct charset	 cs;
	char		 sep;		/* '|' or ';'; 0 for fixed width */
	char		 decsep;	/* decimal separator written by emit */
	const char	*eol;		/* line end written by emit */
};

int	field_width(const struct field *f);
size_t	field_maxbytes(const struct field *f);
int	field_scale(const struct field *f);
const char *field_typename(const struct field *f);
int	field_decode(const struct codec *c, const struct field *f,
	    const char *s, size_t n, struct buf *out, size_t col);
int	field_decode_q(const struct codec *c, const struct field *f,
	    const char *s, size_t n, struct buf *out, size_t col,
	    unsigned char *quote);
int	field_decode_fast(const struct codec *c, const struct field *f,
	    const char *s, size_t n, char *o, unsigned char *quote);
int	field_encode(const struct codec *c, const struct field *f,
	    const char *s, size_t n, struct buf *out);

int	date_valid(int y, int m, int d);
int	days_in_month(int y, int m);
int	dec_parse(const char *s, size_t n, int scale, int64_t *v);
void	dec_format(struct buf *b, int64_t v, int scale, char sep);

/* A field that is a column of the canonical CSV. */
static inline int
field_is_column(const struct field *f)
{
	return f->name != NULL && f->type != FT_CONST &&
	    f->type != FT_FILLER && !(f->flags & FF_DERIVED);
}

#endif
