#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "hier.h"

#define HIER_MAXF	16	/* fields of a footer */

enum { X_NONE, X_LIGNES, X_NOMBRE, X_SOMME };

struct expr {
	int	kind;
	int	k;		/* X_NOMBRE: level counted */
	int	a, b;		/* X_SOMME: detail fields, b = -1 if none */
};

struct acc {
	int64_t	 v[HIER_MAXF];
	int	 unsure;	/* a detail could not be read: sums unknown */
};

enum { S_START, S_HEAD, S_DETAIL, S_FOOT, S_END };

struct hs {
	const struct hier	*h;
	struct fluxrun		*r;
	int			 det;		/* detail level */
	struct expr		 ex[HIER_MAXLV][HIER_MAXF];
	int			*cpl[HIER_MAXLV];	/* copies: source level */
	int			*cpi[HIER_MAXLV];	/* copies: source field */
	struct row		 hv[HIER_MAXLV];	/* current headers */
	int			 bad[HIER_MAXLV];
	struct buf		 key[HIER_MAXLV];	/* previous sibling */
	int			 haskey[HIER_MAXLV];
	struct acc		 acc[HIER_MAXLV];
	int			 state, slv;	/* last record seen */
	/*
	 * parse: the headers' CSV columns, written once per unit rather than
	 * once per detail. Headers are a few kilobytes at most, so this
	 * never reaches the block size and never flushes to its fd.
	 */
	struct out		 pre;
	int			 stale;
};

/* A fixed-width table must cover its record exactly, field after field. */
static void
tiled(const struct recfmt *rf)
{
	size_t i;
	int at = 1;

	for (i = 0; i < rf->nf; i++) {
		if (rf->f[i].start != at || rf->f[i].end < at)
			die(EX_SOFTWARE, "hier: %s, champ %s mal placé",
			    rf->label, rf->f[i].pos);
		at = rf->f[i].end + 1;
	}
	if ((size_t)at != rf->width + 1)
		die(EX_SOFTWARE, "hier: %s, largeur %zu", rf->label, rf->width);
}

static void
compile(struct hs *s, const struct hier *h, struct fluxrun *r)
{
	const struct recfmt *d;
	const char *a, *star;
	char name[64];
	size_t i, L, l;
	int k;

	memset(s, 0, sizeof *s);
	s->h = h;
	s->r = r;
	s->det = (int)h->nlv - 1;
	if (h->nlv < 2 || h->nlv > HIER_MAXLV)
		die(EX_SOFTWARE, "hier: %zu niveaux", h->nlv);
	d = h->lv[s->det].head;
	for (L = 0; L < h->nlv; L++) {
		const struct recfmt *rf = h->lv[L].head, *ft = h->lv[L].foot;

		tiled(rf);
		if (ft)
			tiled(ft);

		s->cpl[L] = xcalloc(rf->nf, sizeof(int));
		s->cpi[L] = xcalloc(rf->nf, sizeof(int));
		for (i = 0; i < rf->nf; i++) {
			s->cpl[L][i] = -1;
			if (!(rf->f[i].flags & FF_DERIVED))
				continue;
			for (l = L; l-- > 0;)
				if ((k = rec_field(h->lv[l].head,
				    rf->f[i].name)) >= 0) {
					s->cpl[L][i] = (int)l;
					s->cpi[L][i] = k;
					break;
				}
			if (s->cpl[L][i] < 0)
				die(EX_SOFTWARE, "hier: %s sans source",
				    rf->f[i].name);
		}
		if (ft == NULL)
			continue;
		if (ft->nf > HIER_MAXF)
			die(EX_SOFTWARE, "hier: pied trop large");
		for (i = 0; i < ft->nf; i++) {
			struct expr *e = &s->ex[L][i];

			if (!(ft->f[i].flags & FF_DERIVED))
				continue;
			a = ft->f[i].arg;
			if (strcmp(a, "lignes") == 0)
				e->kind = X_LIGNES;
			else if (strncmp(a, "nombre:", 7) == 0) {
				e->kind = X_NOMBRE;
				e->k = atoi(a + 7);
			} else if (strncmp(a, "somme:", 6) == 0) {
				e->kind = X_SOMME;
				a += 6;
				star = strchr(a, '*');
				snprintf(name, sizeof name, "%.*s",
				    star ? (int)(star - a) : (int)strlen(a), a);
				e->a = rec_field(d, name);
				e->b = star ? rec_field(d, star + 1) : -1;
				if (e->a < 0 || (star && e->b < 0) ||
				    field_scale(&d->f[e->a]) + (e->b >= 0 ?
				    field_scale(&d->f[e->b]) : 0) !=
				    field_scale(&ft->f[i]))
					die(EX_SOFTWARE, "hier: %s", ft->f[i].arg);
			} else
				die(EX_SOFTWARE, "hier: %s", a);
		}
	}
}

static void
release(struct hs *s)
{
	size_t L;

	for (L = 0; L < s->h->nlv; L++) {
		free(s->cpl[L]);
		free(s->cpi[L]);
		row_free(&s->hv[L]);
		buf_free(&s->key[L]);
	}
}

static int64_t
num(const struct field *f, const char *v, size_t n)
{
	int64_t x = 0;

	if (n > 0 && dec_parse(v, n, field_scale(f), &x) != 0)
		x = 0;
	return x;
}

/* A unit of level L opens: counts it in every enclosing unit. */
static void
open_unit(struct hs *s, int L)
{
	const struct recfmt *ft;
	int l;
	size_t i;

	memset(&s->acc[L], 0, sizeof s->acc[L]);
	for (l = 0; l < L; l++) {
		ft = s->h->lv[l].foot;
		for (i = 0; i < ft->nf; i++)
			if (s->ex[l][i].kind == X_NOMBRE && s->ex[l][i].k == L)
				s->acc[l].v[i]++;
	}
}

/* A line is written or read while units 0..depth are open. */
static void
count_line(struct hs *s, int depth)
{
	const struct recfmt *ft;
	int l;
	size_t i;

	for (l = 0; l <= depth; l++) {
		ft = s->h->lv[l].foot;
		for (i = 0; i < ft->nf; i++)
			if (s->ex[l][i].kind == X_LIGNES)
				s->acc[l].v[i]++;
	}
}

/* Each distinct sum term is read once per detail, whatever the levels. */
static void
add_detail(struct hs *s, const struct row *v, int ok)
{
	const struct field *df = s->h->lv[s->det].head->f;
	const struct recfmt *ft;
	const struct expr *e;
	int l, t, nt = 0;
	int ta[HIER_MAXLV * HIER_MAXF], tb[HIER_MAXLV * HIER_MAXF];
	size_t i;
	int64_t tx[HIER_MAXLV * HIER_MAXF];

	for (l = 0; l < s->det; l++) {
		if (!ok) {
			s->acc[l].unsure = 1;
			continue;
		}
		ft = s->h->lv[l].foot;
		for (i = 0; i < ft->nf; i++) {
			e = &s->ex[l][i];
			if (e->kind != X_SOMME)
				continue;
			for (t = 0; t < nt; t++)
				if (ta[t] == e->a && tb[t] == e->b)
					break;
			if (t == nt) {
				ta[t] = e->a;
				tb[t] = e->b;
				tx[t] = num(&df[e->a], v->v[e->a], v->len[e->a]);
				if (e->b >= 0)
					tx[t] *= num(&df[e->b], v->v[e->b],
					    v->len[e->b]);
				nt++;
			}
			s->acc[l].v[i] += tx[t];
		}
	}
}

static void
totalstr(struct buf *b, const struct field *f, int64_t v)
{
	buf_reset(b);
	dec_format(b, v, field_scale(f), '.');
}

/* Level of a record type; *foot tells a footer. -1 if not in h. */
static int
levelof(const struct hier *h, const struct recfmt *rf, int *foot)
{
	size_t L;

	for (L = 0; L < h->nlv; L++) {
		if (h->lv[L].head == rf) {
			*foot = 0;
			return (int)L;
		}
		if (h->lv[L].foot == rf) {
			*foot = 1;
			return (int)L;
		}
	}
	return -1;
}

static void
expected(struct buf *b, const struct hier *h, int state, int L)
{
	int det = (int)h->nlv - 1;
	const struct recfmt *a = NULL, *c = NULL;

	switch (state) {
	case S_START:
		a = h->lv[0].head;
		break;
	case S_HEAD:
		a = h->lv[L + 1].head;
		break;
	case S_DETAIL:
		a = h->lv[det].head;
		c = h->lv[det - 1].foot;
		break;
	case S_FOOT:
		a = h->lv[L].head;
		c = h->lv[L - 1].foot;
		break;
	}
	buf_reset(b);
	if (a == NULL) {
		buf_adds(b, "plus rien après le pied de fichier");
		return;
	}
	buf_addf(b, "attendu %s (%s)", a->tag, a->label);
	if (c)
		buf_addf(b, " ou %s (%s)", c->tag, c->label);
}

static int
order_ok(const struct hs *s, int L, int foot)
{
	int det = s->det;

	switch (s->state) {
	case S_START:
		return !foot && L == 0;
	case S_HEAD:
		return !foot && L == s->slv + 1;
	case S_DETAIL:
		return (!foot && L == det) || (foot && L == det - 1);
	case S_FOOT:
		return s->slv > 0 && ((!foot && L == s->slv) ||
		    (foot && L == s->slv - 1));
	}
	return 0;
}

/* The repeated fields of a header or detail must match their source. */
static int
copies_ok(struct hs *s, int L, const struct row *v)
{
	const struct recfmt *rf = s->h->lv[L].head;
	const struct row *src;
	size_t i;
	int l, k;

	for (i = 0; i < rf->nf; i++) {
		if ((l = s->cpl[L][i]) < 0)
			continue;
		k = s->cpi[L][i];
		src = &s->hv[l];
		if (s->bad[l] || src->n == 0)
			continue;
		if (v->len[i] != src->len[k] ||
		    memcmp(v->v[i], src->v[k], v->len[i]) != 0) {
			diag_field(DC_ORDRE, &rf->f[i], v->v[i], v->len[i],
			    "ne correspond pas à l'%s, qui porte %s",
			    s->h->lv[l].head->label, src->v[k]);
			return 0;
		}
	}
	return 1;
}

/* Two sibling units must differ by their key, or emit would merge them. */
static int
key_repeated(struct hs *s, int L, const char *v, size_t n)
{
	int rep = s->haskey[L] && s->key[L].len == n &&
	    memcmp(s->key[L].p, v, n) == 0;

	buf_reset(&s->key[L]);
	buf_add(&s->key[L], v, n);
	s->haskey[L] = 1;
	return rep;
}

static int
check_foot(struct hs *s, int L, const struct row *v)
{
	const struct recfmt *ft = s->h->lv[L].foot;
	struct buf want = {0};
	size_t i;
	int errs = 0;

	for (i = 0; i < ft->nf; i++) {
		const struct expr *e = &s->ex[L][i];

		if (e->kind == X_NONE || (e->kind == X_SOMME &&
		    s->acc[L].unsure))
			continue;
		if (v->len[i] == 0 && !ft->f[i].req)
			continue;
		if (num(&ft->f[i], v->v[i], v->len[i]) == s->acc[L].v[i])
			continue;
		totalstr(&want, &ft->f[i], s->acc[L].v[i]);
		diag_field(DC_TOTAL, &ft->f[i], v->v[i], v->len[i],
		    "total faux (%s): attendu %s, trouvé", ft->f[i].label,
		    want.p);
		errs++;
	}
	buf_free(&want);
	return errs;
}

static void
csv_header(struct hs *s)
{
	int first = 1, L;

	for (L = 0; L <= s->det; L++)
		rec_csv_header(&s->r->out, s->h->lv[L].head, &first);
	csvout_end(&s->r->out);
}

static int
fatal_order(struct hs *s, const struct recfmt *rf)
{
	struct buf b = {0};

	expected(&b, s->h, s->state, s->slv);
	diag_fatal(DC_ORDRE, "enregistrement %s (%s) hors de sa place: %s",
	    rf->tag, rf->label, b.p);
	buf_free(&b);
	return -1;
}

/* One wire line; returns -1 when the whole file is rejected. */
static int
parse_line(struct hs *s, const char *line, size_t len, enum eol eol,
    struct row *v)
{
	struct fluxrun *r = s->r;
	const struct hier *h = s->h;
	const struct recfmt *rf;
	struct row tmp;
	int L, foot, errs, derr, first, l;

	if ((rf = rec_pick(&r->c, r->fx->recs, r->fx->nrecs, line, len)) ==
	    NULL || (L = levelof(h, rf, &foot)) < 0) {
		if (len == 0)
			diag_fatal(DC_RECTYPE, "ligne vide");
		else if (line[0] > ' ' && line[0] < 0x7F)
			diag_fatal(DC_RECTYPE,
			    "type d'enregistrement inconnu «%c»", line[0]);
		else
			diag_fatal(DC_RECTYPE,
			    "type d'enregistrement inconnu (octet 0x%02X)",
			    (unsigned char)line[0]);
		return -1;
	}
	if (!order_ok(s, L, foot))
		return fatal_order(s, rf);
	derr = rec_decode(&r->c, rf, line, len, v);
	if (!derr && !foot && !copies_ok(s, L, v))
		return -1;
	errs = derr;
	if (!derr && !foot && h->check)
		errs = h->check(rf, v);
	if (foot) {
		count_line(s, L);
		if (errs || check_foot(s, L, v))
			return -1;
		s->state = S_FOOT;
		s->slv = L;
		return 0;
	}
	if (L < s->det) {
		if (errs && L < h->filelevel)
			return -1;
		if (!errs && h->lv[L].key >= 0 && key_repeated(s, L,
		    v->v[h->lv[L].key], v->len[h->lv[L].key])) {
			diag_field(DC_ORDRE, &rf->f[h->lv[L].key],
			    v->v[h->lv[L].key], v->len[h->lv[L].key],
			    "même valeur que dans l'%s précédent: deux unités voisines doivent différer",
			    rf->label);
			return -1;
		}
		if (errs)
			flux_reject_line(r, line, len, eol);
		s->bad[L] = errs > 0;
		tmp = s->hv[L];
		s->hv[L] = *v;
		*v = tmp;
		s->stale = 1;
		if (L + 1 < s->det)
			s->haskey[L + 1] = 0;
		open_unit(s, L);
		count_line(s, L);
		s->state = S_HEAD;
		s->slv = L;
		return 0;
	}
	count_line(s, s->det - 1);
	add_detail(s, v, derr == 0);
	s->state = S_DETAIL;
	r->n.lues++;
	for (l = 0; l < s->det; l++)
		errs += s->bad[l];
	if (errs) {
		r->n.rejetees++;
		flux_reject_line(r, line, len, eol);
		return 0;
	}
	r->n.acceptees++;
	if (s->stale) {
		s->pre.len = 0;
		first = 1;
		for (l = 0; l < s->det; l++)
			rec_csv_values(&s->pre, h->lv[l].head, &s->hv[l],
			    &first);
		s->stale = 0;
	}
	out_write(&r->out, s->pre.buf, s->pre.len);
	first = s->pre.len == 0;
	rec_csv_values(&r->out, rf, v, &first);
	csvout_end(&r->out);
	return 0;
}

int
hier_parse(struct fluxrun *r, const struct hier *h)
{
	struct hs s;
	struct row v = {0};
	const char *line;
	size_t len;
	enum eol eol;
	int nl = 0;

	compile(&s, h, r);
	out_init(&s.pre, -1, "les colonnes des en-têtes");
	csv_header(&s);
	while (lines_next(&r->in, &line, &len, &eol)) {
		diag_line(r->in.lineno);
		nl++;
		if (eol == EOL_NONE) {
			diag_fatal(DC_TRONQUE,
			    "fichier tronqué: la dernière ligne n'a pas de fin de ligne");
			flux_reject_file(r);
			break;
		}
		if (s.state == S_FOOT && s.slv == 0) {
			diag_fatal(DC_ORDRE,
			    "ligne après le pied de fichier");
			flux_reject_file(r);
			break;
		}
		if (parse_line(&s, line, len, eol, &v) != 0) {
			flux_reject_file(r);
			break;
		}
	}
	if (!r->file_rejected && nl == 0) {
		diag_line(0);
		diag_fatal(DC_VIDE, "fichier vide: aucun enregistrement");
		flux_reject_file(r);
	} else if (!r->file_rejected && !(s.state == S_FOOT && s.slv == 0)) {
		diag_line(0);
		diag_fatal(DC_TRONQUE,
		    "fichier tronqué: fin du fichier avant l'enregistrement %s (%s)",
		    h->lv[0].foot->tag, h->lv[0].foot->label);
		flux_reject_file(r);
	}
	row_free(&v);
	out_free(&s.pre);
	release(&s);
	return 0;
}

/* ---- emit ---- */

struct em {
	struct hs	 s;
	struct row	 hdr;
	int		*src[HIER_MAXLV];	/* CSV column of each field */
	const char	**v;
	size_t		*vlen;
	struct row	 cand[HIER_MAXLV];
	struct buf	 line[HIER_MAXLV];
	int		 started;
};

/* Maps every field of every record to its CSV column, or -1. */
static int
bind(struct em *m)
{
	const struct hier *h = m->s.h;
	const struct row *hdr = &m->hdr;
	size_t L, i, k, ncol = 0, maxf = 0;

	for (L = 0; L < h->nlv; L++) {
		const struct recfmt *rf = h->lv[L].head;

		if (rec_bind(rf, hdr, m->src[L] = xcalloc(rf->nf,
		    sizeof(int))) != 0)
			return -1;
		ncol += rec_ncolumns(rf);
		maxf = rf->nf > maxf ? rf->nf : maxf;
		for (i = 0; i < rf->nf; i++) {
			int l = m->s.cpl[L][i];

			if (l < 0)
				continue;
			k = (size_t)m->s.cpi[L][i];
			m->src[L][i] = m->src[l][k];
		}
	}
	m->v = xcalloc(maxf + HIER_MAXF, sizeof *m->v);
	m->vlen = xcalloc(maxf + HIER_MAXF, sizeof *m->vlen);
	return ncol == hdr->n ? 0 : -1;
}

/* The values of record L taken from a CSV row. */
static void
take(struct em *m, int L, const struct row *row)
{
	const struct recfmt *rf = m->s.h->lv[L].head;
	struct row *c = &m->cand[L];
	size_t i;
	int k;

	row_reset(c);
	for (i = 0; i < rf->nf; i++) {
		k = m->src[L][i];
		if (rf->f[i].type == FT_CONST)
			row_push(c, rf->f[i].arg, strlen(rf->f[i].arg));
		else
			row_push(c, k >= 0 ? row->v[k] : "",
			    k >= 0 ? row->len[k] : 0);
	}
	row_seal(c);
}

static int
same(const struct row *a, const struct row *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->len[i] != b->len[i] ||
		    memcmp(a->v[i], b->v[i], a->len[i]) != 0)
			return 0;
	return 1;
}

static int
encode(struct em *m, int L, struct row *c, struct buf *out)
{
	const struct recfmt *rf = m->s.h->lv[L].head;
	size_t i;
	int errs;

	for (i = 0; i < rf->nf; i++) {
		m->v[i] = c->len[i] ? c->v[i] : NULL;
		m->vlen[i] = c->len[i];
	}
	buf_reset(out);
	errs = rec_encode(&m->s.r->c, rf, m->v, m->vlen, out);
	if (!errs && m->s.h->check) {
		rec_instants(rf, c);
		errs = m->s.h->check(rf, c);
	}
	return errs;
}

static void
put(struct em *m, const struct buf *b, int depth)
{
	out_write(&m->s.r->out, b->p, b->len);
	flux_emit_eol(m->s.r);
	count_line(&m->s, depth);
}

static int
close_unit(struct em *m, int L)
{
	const struct recfmt *ft = m->s.h->lv[L].foot;
	struct buf vals[HIER_MAXF] = {{0}}, line = {0};
	size_t i;
	int errs;

	count_line(&m->s, L);
	for (i = 0; i < ft->nf; i++) {
		m->v[i] = NULL;
		m->vlen[i] = 0;
		if (m->s.ex[L][i].kind == X_NONE)
			continue;
		totalstr(&vals[i], &ft->f[i], m->s.acc[L].v[i]);
		m->v[i] = vals[i].p;
		m->vlen[i] = vals[i].len;
	}
	errs = rec_encode(&m->s.r->c, ft, m->v, m->vlen, &line);
	out_write(&m->s.r->out, line.p, line.len);
	flux_emit_eol(m->s.r);
	for (i = 0; i < ft->nf; i++)
		buf_free(&vals[i]);
	buf_free(&line);
	return errs;
}

static int
close_down_to(struct em *m, int L)
{
	int l, errs = 0;

	for (l = m->s.det - 1; l >= L; l--)
		errs += close_unit(m, l);
	return errs;
}

/* One CSV row; returns -1 when the row is rejected. */
static int
emit_row(struct em *m, const struct row *row)
{
	struct hs *s = &m->s;
	const struct hier *h = s->h;
	int L, l, key;

	if (row->n != m->hdr.n) {
		diag_record(DC_NCHAMPS, "%zu colonnes, attendu %zu", row->n,
		    m->hdr.n);
		return -1;
	}
	for (L = 0; L < s->det; L++) {
		take(m, L, row);
		if (!m->started || !same(&m->cand[L], &s->hv[L]))
			break;
	}
	if (L == 0 && m->started) {
		diag_record(DC_REGLE,
		    "%s différent de celui des lignes précédentes: une entrée donne un seul fichier",
		    h->lv[0].head->label);
		return -1;
	}
	for (l = L + 1; l < s->det; l++)
		take(m, l, row);
	take(m, s->det, row);
	for (l = L; l <= s->det; l++)
		if (encode(m, l, &m->cand[l], &m->line[l]) != 0)
			return -1;
	if (L < s->det && (key = h->lv[L].key) >= 0 && s->haskey[L] &&
	    s->key[L].len == m->cand[L].len[key] &&
	    memcmp(s->key[L].p, m->cand[L].v[key], s->key[L].len) == 0) {
		diag_field(DC_ORDRE, &h->lv[L].head->f[key],
		    m->cand[L].v[key], m->cand[L].len[key],
		    "les lignes d'une même unité (%s) doivent se suivre et porter les mêmes valeurs",
		    h->lv[L].head->label);
		return -1;
	}
	if (m->started && close_down_to(m, L) != 0)
		flux_reject_file(s->r);
	m->started = 1;
	for (l = L; l < s->det; l++) {
		if ((key = h->lv[l].key) >= 0)
			key_repeated(s, l, m->cand[l].v[key],
			    m->cand[l].len[key]);
		row_copy(&s->hv[l], &m->cand[l]);
		open_unit(s, l);
		put(m, &m->line[l], l);
	}
	add_detail(s, &m->cand[s->det], 1);
	put(m, &m->line[s->det], s->det - 1);
	return 0;
}

int
hier_emit(struct fluxrun *r, const struct hier *h)
{
	struct em m;
	struct row *row;
	size_t L;

	memset(&m, 0, sizeof m);
	compile(&m.s, h, r);
	if (flux_read_header(r, &m.hdr) != 0)
		goto done;
	diag_line(1);
	if (bind(&m) != 0) {
		diag_fatal(DC_CSV,
		    "en-tête CSV inattendu: %zu colonnes, attendu celles de «%s --schema»",
		    m.hdr.n, r->fx->name);
		flux_reject_file(r);
		goto done;
	}
	while (!r->file_rejected && csvin_next(&r->csv, &row)) {
		diag_line(r->csv.line);
		r->n.lues++;
		if (emit_row(&m, row) == 0)
			r->n.acceptees++;
		else {
			r->n.rejetees++;
			flux_reject_row(r, &m.hdr, row);
		}
	}
	if (!r->file_rejected && m.started) {
		if (close_down_to(&m, 0) != 0)
			flux_reject_file(r);
	} else if (!r->file_rejected) {
		diag_line(0);
		diag_fatal(DC_VIDE, "aucune ligne à écrire: le fichier serait vide");
		flux_reject_file(r);
	}
done:
	for (L = 0; L < h->nlv; L++) {
		free(m.src[L]);
		row_free(&m.cand[L]);
		buf_free(&m.line[L]);
	}
	free(m.v);
	free(m.vlen);
	row_free(&m.hdr);
	release(&m.s);
	return 0;
}

int
hier_flux_parse(struct fluxrun *r)
{
	return hier_parse(r, r->fx->arg);
}

int
hier_flux_emit(struct fluxrun *r)
{
	return hier_emit(r, r->fx->arg);
}
