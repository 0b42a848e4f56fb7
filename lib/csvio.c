#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csvio.h"
#include "err.h"
#include "swar.h"

void
row_reset(struct row *r)
{
	r->n = 0;
	buf_reset(&r->arena);
}

void
row_grow(struct row *r)
{
	r->cap = r->cap ? r->cap * 2 : 32;
	r->v = xrealloc(r->v, r->cap * sizeof *r->v);
	r->len = xrealloc(r->len, r->cap * sizeof *r->len);
	r->off = xrealloc(r->off, r->cap * sizeof *r->off);
	r->q = xrealloc(r->q, r->cap);
	r->t = xrealloc(r->t, r->cap * sizeof *r->t);
}

void
row_push(struct row *r, const char *s, size_t n)
{
	row_begin(r);
	buf_add(&r->arena, s, n);
	row_end(r);
}

/* Resolves value pointers once the arena no longer moves. */
void
row_seal(struct row *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		r->v[i] = r->arena.p + r->off[i];
}

void
row_free(struct row *r)
{
	free(r->v);
	free(r->len);
	free(r->off);
	free(r->q);
	free(r->t);
	buf_free(&r->arena);
	memset(r, 0, sizeof *r);
}

void
row_copy(struct row *dst, const struct row *src)
{
	size_t i;

	row_reset(dst);
	for (i = 0; i < src->n; i++)
		row_push(dst, src->v[i], src->len[i]);
	row_seal(dst);
}

static void
cb_field(void *s, size_t n, void *data)
{
	struct csvin *c = data;

	row_push(&c->row, s ? s : "", s ? n : 0);
	c->fline = c->l.lineno;	/* the next value starts on this line */
}

static void
cb_row(int term, void *data)
{
	struct csvin *c = data;

	(void)term;
	c->done = 1;
}

static int
nospace(unsigned char ch)
{
	(void)ch;
	return 0;
}

void
csvin_open(struct csvin *c, int fd, const char *name)
{
	memset(c, 0, sizeof *c);
	if (csv_init(&c->p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		die(EX_OSERR, "initialisation de libcsv impossible");
	/* Values are literal: libcsv must not trim spaces or tabs. */
	csv_set_space_func(&c->p, nospace);
	/* libcsv grows a value by this much: long values in few copies. */
	csv_set_blk_size(&c->p, 64 * 1024);
	lines_init(&c->l, fd, name);
}

static void
parse_error(struct csvin *c)
{
	die(EX_DATAERR, "%s:%lu: CSV invalide (%s)", c->l.name, c->l.lineno,
	    csv_strerror(csv_error(&c->p)));
}

/*
 * Bounds each column's value to the longest its format allows (cap[i]
 * bytes for column i of hdr; 0: only the record's bound). A value still
 * open at the end of a line beyond its bound can only be a stray quote:
 * the file stops there, before the rest of it is read into memory.
 */
void
csvin_limit(struct csvin *c, const struct row *hdr, const size_t *cap)
{
	row_copy(&c->names, hdr);
	c->cap = xrealloc(c->cap, (hdr->n ? hdr->n : 1) * sizeof *c->cap);
	memcpy(c->cap, cap, hdr->n * sizeof *cap);
}

static void
check_open(struct csvin *c)
{
	size_t col = c->row.n;

	if (c->cap == NULL || col >= c->names.n || c->cap[col] == 0 ||
	    c->p.entry_pos <= c->cap[col])
		return;
	die(EX_DATAERR, "%s:%lu: CSV invalide: valeur de la colonne %zu (%s) encore ouverte ligne %lu et déjà plus longue que les %zu octets permis (guillemet non fermé ?)",
	    c->l.name, col == 0 ? c->line : c->fline, col + 1,
	    c->names.v[col], c->l.lineno, c->cap[col]);
}

/*
 * A line with no carriage return, at the start of a record, whose values
 * are plain or quoted whole without inner quotes, is that whole record:
 * its values are split here with memchr, as libcsv would give them,
 * instead of by libcsv's byte-by-byte state machine with one callback per
 * value (a third of registre load's own time on a month of visits).
 * Returns 0, the row left empty, for any other line: libcsv reads it.
 */
static int
plain_line(struct csvin *c, const char *line, size_t len)
{
	const char *s = line, *e = line + len, *q, *end;

	if (len == 0 || memchr(line, '\r', len) != NULL)
		return 0;
	for (;;) {
		if (s < e && *s == '"') {
			/* "..." then a comma or the end; no "" inside */
			q = memchr(s + 1, '"', (size_t)(e - s - 1));
			if (q == NULL || (q + 1 < e && q[1] != ','))
				break;
			row_push(&c->row, s + 1, (size_t)(q - s - 1));
			end = q + 1;
		} else {
			end = memchr(s, ',', (size_t)(e - s));
			if (end == NULL)
				end = e;
			if (memchr(s, '"', (size_t)(end - s)) != NULL)
				break;
			row_push(&c->row, s, (size_t)(end - s));
		}
		if (end == e) {
			c->fline = c->l.lineno;
			c->done = 1;
			return 1;
		}
		s = end + 1;
	}
	row_reset(&c->row);
	return 0;
}

/* Returns 1 with the next record, 0 at end of input. */
int
csvin_next(struct csvin *c, struct row **r)
{
	const char *line;
	size_t len;
	enum eol eol;

	row_reset(&c->row);
	c->done = 0;
	c->line = 0;
	c->fed = 0;
	while (!c->done) {
		if (!lines_next(&c->l, &line, &len, &eol)) {
			if (csv_fini(&c->p, cb_field, cb_row, c) != 0)
				parse_error(c);
			if (!c->done)
				return 0;
			break;
		}
		if (c->line == 0)
			c->line = c->l.lineno;
		/*
		 * A record spans lines only inside quotes; one stray quote
		 * would make the rest of the file one value.
		 */
		if ((c->fed += len + 1) > CSVIN_MAX)
			die(EX_DATAERR, "%s:%lu: CSV invalide: enregistrement de plus de %d octets commencé ligne %lu (guillemet non fermé ?)",
			    c->l.name, c->l.lineno, CSVIN_MAX, c->line);
		if (c->fed == len + 1 && plain_line(c, line, len))
			break;
		if (csv_parse(&c->p, line, len, cb_field, cb_row, c) != len ||
		    csv_parse(&c->p, "\n", 1, cb_field, cb_row, c) != 1)
			parse_error(c);
		if (!c->done)
			check_open(c);
		/* libcsv skips a blank line: the record starts further on. */
		if (!c->done && len == 0 && c->line == c->l.lineno)
			c->line = 0;
	}
	row_seal(&c->row);
	*r = &c->row;
	return 1;
}

void
csvin_close(struct csvin *c)
{
	csv_free(&c->p);
	lines_free(&c->l);
	row_free(&c->row);
	row_free(&c->names);
	free(c->cap);
	c->cap = NULL;
}

static const unsigned char needquote[256] = {
	['\n'] = 1, ['\r'] = 1, [','] = 1, ['"'] = 1,
};


/* Whether a value needs quotes: it holds a comma, a quote or a line end. */
int
csv_needs_quotes(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	uint64_t w;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		if (eqbytes(w, ',') | eqbytes(w, '"') | eqbytes(w, '\n') |
		    eqbytes(w, '\r'))
			return 1;
	}
	for (; i < n; i++)
		if (needquote[p[i]])
			return 1;
	return 0;
}

void
csvout_field(struct out *o, const char *s, size_t n, int first)
{
	const char *q;
	size_t k;

	if (!first)
		out_putc(o, ',');
	if (n == 0)
		return;
	if (!csv_needs_quotes(s, n)) {
		out_write(o, s, n);
		return;
	}
	/* Copied in runs, each inner quote written twice. */
	out_putc(o, '"');
	while ((q = memchr(s, '"', n)) != NULL) {
		k = (size_t)(q - s) + 1;
		out_write(o, s, k);
		out_putc(o, '"');
		s += k;
		n -= k;
	}
	out_write(o, s, n);
	out_putc(o, '"');
}

void
csvout_row(struct out *o, const struct row *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		csvout_field(o, r->v[i], r->len[i], i == 0);
	csvout_end(o);
}
