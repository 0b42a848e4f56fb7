/*
 * Records: a table of fields, delimited or fixed width, decoded to and
 * encoded from canonical values.
 */
#ifndef CESUTG_REC_H
#define CESUTG_REC_H

#include <stddef.h>

#include "csvio.h"
#include "field.h"
#include "out.h"

struct recfmt {
	const char		*tag;	/* record type on the wire; NULL if one */
	const char		*label;	/* French name of the record */
	const struct field	*f;
	size_t			 nf;
	size_t			 width;	/* fixed-width length; 0 if delimited */
};

size_t	rec_split(const char *line, size_t len, char sep, size_t *cuts,
	    size_t max);
int	rec_decode(const struct codec *c, const struct recfmt *r,
	    const char *line, size_t len, struct row *out);
int	rec_encode(const struct codec *c, const struct recfmt *r,
	    const char *const *v, const size_t *vlen, struct buf *out);
const struct recfmt *rec_pick(const struct codec *c,
	    const struct recfmt *const *recs, size_t n, const char *line,
	    size_t len);
size_t	rec_ncolumns(const struct recfmt *r);
void	rec_csv_header(struct out *o, const struct recfmt *r, int *first);
size_t	rec_colstart(const struct recfmt *r);
void	rec_instants(const struct recfmt *r, struct row *v);
void	rec_csv_values(struct out *o, const struct recfmt *r,
	    const struct row *vals, int *first);
int	rec_bind(const struct recfmt *r, const struct row *hdr, int *map);
int	rec_field(const struct recfmt *r, const char *name);
int	rec_period(const struct recfmt *r, const struct row *v, int from,
	    int to);
void	rec_schema(struct out *o, const struct recfmt *const *recs,
	    size_t n);

#endif
