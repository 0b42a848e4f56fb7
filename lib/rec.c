#include <stdint.h>
#include <stdio.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "diag.h"
#include "err.h"
#include "instant.h"
#include "rec.h"
#include "swar.h"


/* Index of the first byte of a word read from memory that m marks. */
static inline size_t
firstbyte(uint64_t m)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (size_t)__builtin_clzll(m) / 8;
#else
	return (size_t)__builtin_ctzll(m) / 8;
#endif
}

/*
 * Counts the separators of a line, eight bytes at a time, recording in
 * cuts[1..max-1] where the fields after the first ones start.
 */
static size_t
splitsep(const char *line, size_t len, char sep, size_t *cuts, size_t max)
{
	size_t i = 0, n = 0;
	uint64_t w, m;

#ifdef __SSE2__
	/* Sixteen bytes at a time where the machine has it (all x86-64). */
	__m128i vs = _mm_set1_epi8(sep);
	unsigned b;

	for (; i + 16 <= len; i += 16) {
		b = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(vs,
		    _mm_loadu_si128((const __m128i *)(const void *)(line + i))));
		for (; b; b &= b - 1)
			if (++n < max)
				cuts[n] = i + (size_t)__builtin_ctz(b) + 1;
	}
#endif
	for (; i + 8 <= len; i += 8) {
		memcpy(&w, line + i, 8);
		for (m = eqbytes(w, (unsigned char)sep); m; m &= m - 1)
			if (++n < max)
				cuts[n] = i + firstbyte(m) + 1;
	}
	for (; i < len; i++)
		if (line[i] == sep && ++n < max)
			cuts[n] = i + 1;
	return n;
}

/*
 * The separators of a line, counted in one pass: cuts[1..max-1] get the
 * offsets where the fields after the first one start. Returns the count.
 */
size_t
rec_split(const char *line, size_t len, char sep, size_t *cuts, size_t max)
{
	return splitsep(line, len, sep, cuts, max);
}

/*
 * Decodes a wire record into out: one canonical value per field of r
 * (constants and derived fields included, fillers empty). Every bad field
 * is reported; returns the number of errors.
 */
int
rec_decode(const struct codec *c, const struct recfmt *r, const char *line,
    size_t len, struct row *out)
{
	size_t i, nsep = 0, cuts[256], at, nf, *off, *vlen;
	const struct field *fl;
	unsigned char *q;
	int64_t *t;
	struct buf *a;
	char *p;
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
			if (field_decode(c, f, line + f->start - 1,
			    (size_t)(f->end - f->start + 1), &out->arena,
			    (size_t)f->start) != 0)
				errs++;
			else if (f->type == FT_INSTANT &&
			    out->arena.len > out->off[out->n])
				instant_parse(out->arena.p + out->off[out->n],
				    out->arena.len - out->off[out->n],
				    &out->t[out->n]);
			row_end(out);
		}
		row_seal(out);
		return errs;
	}
	/* One pass finds every separator; fields are then sliced. */
	if (r->nf + 1 > sizeof cuts / sizeof cuts[0])
		die(EX_SOFTWARE, "enregistrement %s: trop de champs", r->label);
	cuts[0] = 0;
	nsep = splitsep(line, len, c->sep, cuts, r->nf);
	if (nsep + 1 != r->nf) {
		diag_record(DC_NCHAMPS, "%zu champs, attendu %zu%s%s", nsep + 1,
		    r->nf, r->tag ? " pour un enregistrement " : "",
		    r->tag ? r->label : "");
		return 1;
	}
	cuts[r->nf] = len + 1;
	while (out->cap < r->nf)
		row_grow(out);
	/*
	 * The row is written through locals: stores of bytes may alias its
	 * members and the format's, which the compiler would otherwise
	 * reload for every field. The arena has room for the fast path's
	 * values (3n + 2 each, and a NUL) from the start, and again after a
	 * slow one; value pointers are set at the end.
	 */
	fl = r->f;
	nf = r->nf;
	off = out->off;
	vlen = out->len;
	q = out->q;
	t = out->t;
	a = &out->arena;
	buf_grow(a, 3 * len + 3 * nf + 64);
	p = a->p;
	at = a->len;
	for (i = 0; i < nf; i++) {
		size_t n = cuts[i + 1] - 1 - cuts[i];
		int k;

		off[i] = at;
		q[i] = 0;
		if (fl[i].type == FT_INSTANT) {
			/* Parsed once: checks read the row's t[i]. */
			k = n > 0 && instant_parse(line + cuts[i], n,
			    &t[i]) == 0 ? (int)n : -1;
			if (k > 0)
				copyshort(p + at, line + cuts[i], n);
		} else
			k = n > 0 ? field_decode_fast(c, &fl[i], line + cuts[i],
			    n, p + at, &q[i]) : -1;
		if (k >= 0)
			at += (size_t)k;
		else if (n > 0 || fl[i].req || fl[i].type == FT_CONST) {
			a->len = at;
			errs += field_decode_q(c, &fl[i], line + cuts[i], n, a,
			    cuts[i] + 1, &q[i]) != 0;
			a->len = at = a->len;
			buf_grow(a, 3 * (len + 1 - cuts[i + 1]) + 3 * nf + 64);
			p = a->p;
		}
		vlen[i] = at - off[i];
		p[at++] = '\0';
	}
	p[at] = '\0';
	a->len = at;
	out->n = nf;
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
	size_t i, k;
	const char *tag;

	for (i = 0; i < n; i++) {
		/*
		 * Tags are a few characters, compared in place; holding no
		 * separator, a tag is the whole first field when one follows.
		 */
		tag = recs[i]->tag;
		for (k = 0; tag[k] != '\0' && k < len && line[k] == tag[k]; k++)
			;
		if (tag[k] == '\0' && (c->sep == 0 || k == len ||
		    line[k] == c->sep))
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

/*
 * Where the columns of r start when they are all its fields but for a
 * leading run (a record type's tag); r->nf when they are not. Asked once
 * per row: the answer for the last field table asked is kept (field
 * tables are constant data: every flux declares its own static).
 */
size_t
rec_colstart(const struct recfmt *r)
{
	static const struct field *last;
	static size_t lastn, start;
	size_t i, j;

	if (r->f == last && r->nf == lastn)
		return start;
	for (i = 0; i < r->nf && !field_is_column(&r->f[i]); i++)
		;
	for (j = i; j < r->nf && field_is_column(&r->f[j]); j++)
		;
	last = r->f;
	lastn = r->nf;
	start = j == r->nf ? i : r->nf;
	return start;
}

/*
 * The first value from i on whose quote flag is set, or n: eight flags at
 * a time, as nearly all are 0.
 */
static size_t
nextq(const unsigned char *q, size_t i, size_t n)
{
	uint64_t w;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, q + i, 8);
		if (w)
			return i + firstbyte(w);
	}
	while (i < n && q[i] == 0)
		i++;
	return i;
}

/*
 * When every field from span on is a column, the row's arena already holds
 * the CSV line from there but for its separators (NULs) and the rare
 * values needing quotes: it is copied in spans between such values.
 */
static void
csv_spans(struct out *o, const struct recfmt *r, const struct row *vals,
    size_t span)
{
	const char *a = vals->arena.p;
	size_t i, j, base, k;
	char *d;

	for (i = nextq(vals->q, span, r->nf); i <= r->nf;
	    i = nextq(vals->q, i + 1, r->nf)) {
		if (i < r->nf && ((r->f[i].type != FT_TEXT &&
		    r->f[i].type != FT_CODE) || (vals->q[i] == 2 &&
		    !csv_needs_quotes(vals->v[i], vals->len[i]))))
			continue;
		/* Fields span..i-1 as one block, NULs turned into commas. */
		if (span == r->nf)	/* the last column was quoted */
			break;
		base = vals->off[span];
		k = (i < r->nf ? vals->off[i] : vals->arena.len) - base;
		if (k > 0 && o->len + k > o->cap)
			out_flush(o);
		if (k > 0 && k <= o->cap) {
			d = o->buf + o->len;
			memcpy(d, a + base, k);
			for (j = span; j < i; j++)
				d[vals->off[j] + vals->len[j] - base] = ',';
			o->len += k;
		} else
			for (j = span; j < i; j++) {
				out_write(o, vals->v[j], vals->len[j]);
				out_putc(o, ',');
			}
		if (i < r->nf) {
			csvout_field(o, vals->v[i], vals->len[i], 1);
			out_putc(o, ',');
			span = i + 1;
		}
	}
	o->len--;	/* the last comma, always the last byte written */
}

void
rec_csv_values(struct out *o, const struct recfmt *r, const struct row *vals,
    int *first)
{
	size_t i, start = rec_colstart(r);

	if (start < r->nf) {
		if (!*first)
			out_putc(o, ',');
		csv_spans(o, r, vals, start);
		*first = 0;
		return;
	}
	for (i = 0; i < r->nf; i++) {
		const struct field *f = &r->f[i];

		if (!field_is_column(f))
			continue;
		if (*first || f->type == FT_TEXT || f->type == FT_CODE)
			csvout_field(o, vals->v[i], vals->len[i], *first);
		else {
			/* Canonical numbers and dates never need quotes. */
			out_putc(o, ',');
			out_write(o, vals->v[i], vals->len[i]);
		}
		*first = 0;
	}
}

/*
 * Sets v->t for the instants of a row built otherwise than by rec_decode
 * (emit reads CSV), so that record checks read times the same way.
 */
void
rec_instants(const struct recfmt *r, struct row *v)
{
	size_t i;

	for (i = 0; i < r->nf && i < v->n; i++)
		if (r->f[i].type == FT_INSTANT && v->len[i] > 0 &&
		    instant_parse(v->v[i], v->len[i], &v->t[i]) != 0)
			v->t[i] = 0;
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
 * A period of a decoded record must not end before it starts (canonical
 * dates and instants of one offset sort as text). Returns 1 if it does.
 */
int
rec_period(const struct recfmt *r, const struct row *v, int from, int to)
{
	if (v->len[from] == 0 || v->len[to] == 0 ||
	    strcmp(v->v[from], v->v[to]) <= 0)
		return 0;
	diag_field(DC_REGLE, &r->f[to], v->v[to], v->len[to],
	    "fin avant le début (%s le %s)", r->f[from].name, v->v[from]);
	return 1;
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
