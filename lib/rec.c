#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "err.h"
#include "rec.h"

/*
 * Decodes a wire record into out: one canonical value per field of r
 * (constants and derived fields included, fillers empty). Every bad field
 * is reported; returns the number of errors.
 */
int
rec_decode(const struct codec *c, const struct recfmt *r, const char *line,
    size_t len, struct row *out)
{
	const char *p = line, *end = line + len, *q;
	size_t i, nsep = 0;
	int errs = 0;

	row_reset(out);
	if (c->sep == 0) {
		if (len != r->width) {
			diag_record(DC_RECLEN,
			    "enregistrement %s de %zu caractères, attendu %zu",
			    r->label, len, r->width);
			return 1;
		}
		for (i = 0; i < r->nf; i++) {
			const struct field *f = &r->f[i];

			row_begin(out);
			errs += field_decode(c, f, line + f->start - 1,
			    (size_t)(f->end - f->start + 1), &out->arena,
			    (size_t)f->start) != 0;
			row_end(out);
		}
		row_seal(out);
		return errs;
	}
	for (q = line; (q = memchr(q, c->sep, (size_t)(end - q))); q++)
		nsep++;
	if (nsep + 1 != r->nf) {
		diag_record(DC_NCHAMPS, "%zu champs, attendu %zu%s%s", nsep + 1,
		    r->nf, r->tag ? " pour un enregistrement " : "",
		    r->tag ? r->label : "");
		return 1;
	}
	for (i = 0; i < r->nf; i++) {
		q = memchr(p, c->sep, (size_t)(end - p));
		if (q == NULL)
			q = end;
		row_begin(out);
		errs += field_decode(c, &r->f[i], p, (size_t)(q - p),
		    &out->arena, (size_t)(p - line) + 1) != 0;
		row_end(out);
		p = q + 1;
	}
	row_seal(out);
	return errs;
}

/*
 * Encodes one value per field of r (v[i] may be NULL: absent) into out,
 * without the line end. Returns the number of errors.
 */
int
rec_encode(const struct codec *c, const struct recfmt *r,
    const char *const *v, const size_t *vlen, struct buf *out)
{
	size_t i;
	int errs = 0;

	for (i = 0; i < r->nf; i++) {
		if (i > 0 && c->sep)
			buf_addc(out, c->sep);
		errs += field_encode(c, &r->f[i], v[i] ? v[i] : "",
		    v[i] ? vlen[i] : 0, out) != 0;
	}
	return errs;
}

/* The record type of a line, from its first field's constant tag. */
const struct recfmt *
rec_pick(const struct codec *c, const struct recfmt *const *recs, size_t n,
    const char *line, size_t len)
{
	size_t i, k, flen;
	const char *sep;

	flen = len;
	if (c->sep && (sep = memchr(line, c->sep, len)))
		flen = (size_t)(sep - line);
	for (i = 0; i < n; i++) {
		k = strlen(recs[i]->tag);
		if (c->sep ? (flen == k && memcmp(line, recs[i]->tag, k) == 0) :
		    (len >= k && memcmp(line, recs[i]->tag, k) == 0))
			return recs[i];
	}
	return NULL;
}

size_t
rec_ncolumns(const struct recfmt *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->nf; i++)
		n += field_is_column(&r->f[i]);
	return n;
}

void
rec_csv_header(struct out *o, const struct recfmt *r, int *first)
{
	size_t i;

	for (i = 0; i < r->nf; i++)
		if (field_is_column(&r->f[i])) {
			csvout_field(o, r->f[i].name, strlen(r->f[i].name),
			    *first);
			*first = 0;
		}
}

void
rec_csv_values(struct out *o, const struct recfmt *r, const struct row *vals,
    int *first)
{
	size_t i;

	for (i = 0; i < r->nf; i++)
		if (field_is_column(&r->f[i])) {
			csvout_field(o, vals->v[i], vals->len[i], *first);
			*first = 0;
		}
}

int
rec_field(const struct recfmt *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nf; i++)
		if (r->f[i].name && strcmp(r->f[i].name, name) == 0)
			return (int)i;
	return -1;
}

/*
 * Maps each field of r to its column in a CSV header (map[i] = column, or
 * -1 when the field is not a column). Returns -1 when a column is missing.
 */
int
rec_bind(const struct recfmt *r, const struct row *hdr, int *map)
{
	size_t i, k;
	int ok = 0;

	for (i = 0; i < r->nf; i++) {
		map[i] = -1;
		if (!field_is_column(&r->f[i]))
			continue;
		for (k = 0; k < hdr->n; k++)
			if (strcmp(hdr->v[k], r->f[i].name) == 0)
				break;
		if (k == hdr->n) {
			warnx_("colonne «%s» absente de l'en-tête CSV",
			    r->f[i].name);
			ok = -1;
		} else
			map[i] = (int)k;
	}
	return ok;
}

/* --schema: every wire field of every record type (DESIGN §4). */
void
rec_schema(struct out *o, const struct recfmt *const *recs, size_t n)
{
	size_t i, k;
	char len[32], start[16], end[16];

	out_puts(o, "position,name,label,type,length,start,end,required\n");
	for (i = 0; i < n; i++)
		for (k = 0; k < recs[i]->nf; k++) {
			const struct field *f = &recs[i]->f[k];
			const char *name = field_is_column(f) ? f->name : "";

			if ((f->type == FT_DEC || f->type == FT_MONEY ||
			    f->type == FT_HOURS) && !f->start &&
			    !(f->flags & FF_PADDED))
				snprintf(len, sizeof len, "%d.%d", f->len,
				    field_scale(f));
			else if (field_width(f) > 0)
				snprintf(len, sizeof len, "%d", field_width(f));
			else
				len[0] = '\0';
			snprintf(start, sizeof start, "%d", f->start);
			snprintf(end, sizeof end, "%d", f->end);
			csvout_field(o, f->pos, strlen(f->pos), 1);
			csvout_field(o, name, strlen(name), 0);
			csvout_field(o, f->label, strlen(f->label), 0);
			csvout_field(o, field_typename(f),
			    strlen(field_typename(f)), 0);
			csvout_field(o, len, strlen(len), 0);
			csvout_field(o, f->start ? start : "",
			    f->start ? strlen(start) : 0, 0);
			csvout_field(o, f->start ? end : "",
			    f->start ? strlen(end) : 0, 0);
			csvout_field(o, f->req ? "1" : "0", 1, 0);
			csvout_end(o);
		}
}
