#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "env.h"
#include "err.h"
#include "fluxstep.h"

const struct recfmt *
env_kind(const struct env *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->ndets; i++)
		if (strcmp(e->dets[i]->label, name) == 0)
			return e->dets[i];
	return NULL;
}

/* A canonical number, absent meaning 0. Returns -1 when malformed. */
int
env_value(const char *s, size_t n, int scale, int64_t *v)
{
	*v = 0;
	return n == 0 ? 0 : dec_parse(s, n, scale, v);
}

/* The DEB field a FIN field copies, or -1. */
static int
debcopy(const struct env *e, size_t i)
{
	const struct field *f = &e->fin->f[i];

	if (i == e->count || f->type == FT_CONST || f->type == FT_FILLER ||
	    f->name == NULL)
		return -1;
	return rec_field(e->deb, f->name);
}

/* The FIN a DEB and the counts call for: one canonical value per field. */
static void
build_fin(struct envrun *er, struct row *out)
{
	const struct recfmt *fin = er->e->fin;
	struct buf b = {0};
	size_t i;
	int k;

	row_reset(out);
	for (i = 0; i < fin->nf; i++) {
		const struct field *f = &fin->f[i];

		buf_reset(&b);
		if (f->type == FT_CONST)
			buf_adds(&b, f->arg);
		else if ((k = debcopy(er->e, i)) >= 0)
			buf_add(&b, er->deb.v[k], er->deb.len[k]);
		else if (i == er->e->count)
			buf_addf(&b, "%lu", er->nrec);
		else if ((f->flags & FF_DERIVED) && er->e->total)
			er->e->total(er, f, &b);
		row_push(out, b.p ? b.p : "", b.len);
	}
	row_seal(out);
	buf_free(&b);
}

static void
tags(const struct env *e, struct buf *b, int det)
{
	size_t i;

	buf_adds(b, e->deb->tag);
	if (det)
		buf_addf(b, ", %s", e->dets[0]->tag);
	for (i = 0; i < e->nrecaps; i++)
		buf_addf(b, ", %s", e->recaps[i]->tag);
	buf_addf(b, " %s %s", det ? "ou" : "et", e->fin->tag);
}

static int
entete(struct envrun *er, const struct field *f, const char *v, size_t len,
    const char *want)
{
	diag_field(ENV_DC_ENTETE, f, v, len,
	    "diffère de l'enregistrement %s (ligne %lu: «%s»), trouvé",
	    er->e->deb->tag, er->debline, want);
	return 1;
}

/* parse: the FIN's copies of the DEB, its count and its totals. */
static int
check_fin(struct envrun *er, const struct row *got, int mixed)
{
	const struct env *e = er->e;
	struct row want = {0};
	struct buf b = {0};
	size_t i;
	int errs = 0;

	build_fin(er, &want);
	for (i = 0; i < e->fin->nf; i++) {
		const struct field *f = &e->fin->f[i];

		if (f->type == FT_CONST || strcmp(got->v[i], want.v[i]) == 0)
			continue;
		if (debcopy(e, i) >= 0) {
			if (!mixed)
				errs += entete(er, f, got->v[i], got->len[i],
				    want.v[i]);
		} else if (i == e->count) {
			tags(e, &b, 0);
			diag_field(DC_TOTAL, f, got->v[i], got->len[i],
			    "attendu %lu enregistrements (%s compris), trouvé",
			    er->nrec, b.p);
			errs++;
		} else if (f->flags & FF_DERIVED) {
			diag_field(DC_TOTAL, f, got->v[i], got->len[i],
			    "ne correspond pas au contenu du fichier (recalculé: %s)",
			    want.v[i]);
			errs++;
		}
	}
	buf_free(&b);
	row_free(&want);
	return errs;
}

/* Every DET and recap repeats the DEB's leading fields. */
static int
common(struct envrun *er, const struct recfmt *rf, const struct row *v)
{
	size_t i;

	for (i = 1; i < er->e->ncommon; i++)
		if (v->len[i] != er->deb.len[i] ||
		    memcmp(v->v[i], er->deb.v[i], v->len[i]) != 0)
			return entete(er, &rf->f[i], v->v[i], v->len[i],
			    er->deb.v[i]);
	return 0;
}

/* Text fields of CNCESU files are uppercase ASCII (the codec checks ASCII). */
static int
lowercase(const struct recfmt *rf, const struct row *v)
{
	size_t i, k;
	int errs = 0;

	for (i = 0; i < rf->nf; i++) {
		if (rf->f[i].type != FT_TEXT)
			continue;
		for (k = 0; k < v->len[i]; k++)
			if (v->v[i][k] >= 'a' && v->v[i][k] <= 'z')
				break;
		if (k < v->len[i]) {
			diag_field(DC_CHARSET, &rf->f[i], v->v[i], v->len[i],
			    "minuscule à la colonne %zu, attendu des majuscules ASCII",
			    (size_t)rf->f[i].start + k);
			errs++;
		}
	}
	return errs;
}

static size_t
xcols(const struct env *e, const struct recfmt *det)
{
	size_t n = 0;

	while (e->xname && e->xname(det, n))
		n++;
	return n;
}

static void
csv_header(struct envrun *er, struct out *o)
{
	const struct env *e = er->e;
	const char *x;
	size_t i;
	int first = 1;

	rec_csv_header(o, e->deb, &first);
	for (i = e->ncommon; i < er->det->nf; i++)
		if (field_is_column(&er->det->f[i])) {
			csvout_field(o, er->det->f[i].name,
			    strlen(er->det->f[i].name), first);
			first = 0;
		}
	for (i = 0; e->xname && (x = e->xname(er->det, i)); i++)
		csvout_field(o, x, strlen(x), 0);
	if (e->tailname)
		csvout_field(o, e->tailname, strlen(e->tailname), 0);
	csvout_end(o);
}

/* The CSV of one DET, without its tail column and line end. */
static void
csv_values(struct envrun *er, struct out *o, const struct buf *prefix,
    const struct row *v)
{
	const struct recfmt *det = er->det;
	size_t i;
	int first = prefix->len == 0;

	out_write(o, prefix->p, prefix->len);
	/* Columns all after the DEB's: copied from the arena in spans. */
	i = rec_colstart(det);
	if (i < det->nf && i >= er->e->ncommon) {
		rec_csv_values(o, det, v, &first);
		i = det->nf;
	} else
		i = er->e->ncommon;
	for (; i < det->nf; i++) {
		const struct field *f = &det->f[i];

		if (!field_is_column(f))
			continue;
		if (!first)
			out_putc(o, ',');
		first = 0;
		/* Only text may need quotes; rec_decode has said which does. */
		if ((f->type == FT_TEXT || f->type == FT_CODE) && (v->q[i] == 1 ||
		    (v->q[i] == 2 && csv_needs_quotes(v->v[i], v->len[i]))))
			csvout_field(o, v->v[i], v->len[i], 1);
		else
			out_write(o, v->v[i], v->len[i]);
	}
	if (xcols(er->e, det))
		er->e->xcsv(er, v, o);
}

/* The DEB's columns open every row: quoted once, copied after. */
static void
deb_prefix(struct envrun *er, struct buf *prefix)
{
	struct out o;
	int first = 1;

	out_init(&o, -1, "");
	rec_csv_values(&o, er->e->deb, &er->deb, &first);
	buf_reset(prefix);
	buf_add(prefix, o.buf, o.len);
	out_free(&o);
}

/*
 * Rows waiting for their tail column: "key TAB csv" per line, in a
 * temporary file, so memory stays bounded whatever the file size.
 */
struct hold {
	int		 fd;	/* 0: not open yet */
	struct out	 o;
};

static void
hold_row(struct envrun *er, struct hold *h, const struct buf *prefix,
    const struct row *v)
{
	int k = er->e->tailkey;

	if (h->fd == 0) {
		h->fd = out_tmpfd();
		out_init(&h->o, h->fd, "un fichier temporaire");
	}
	out_write(&h->o, v->v[k], v->len[k]);
	out_putc(&h->o, '\t');
	csv_values(er, &h->o, prefix, v);
	out_putc(&h->o, '\n');
}

static void
hold_release(struct envrun *er, struct hold *h)
{
	struct fluxrun *r = er->r;
	struct lines l;
	const char *line, *tab, *t;
	size_t len;
	enum eol eol;

	if (h->fd == 0)
		return;
	out_flush(&h->o);
	if (!r->file_rejected) {
		if (lseek(h->fd, 0, SEEK_SET) == -1)
			die(EX_IOERR, "fichier temporaire: %s", strerror(errno));
		lines_init(&l, h->fd, "un fichier temporaire");
		while (lines_next(&l, &line, &len, &eol)) {
			tab = memchr(line, '\t', len);
			t = er->e->tail(er, line, (size_t)(tab - line));
			tab++;
			out_write(&r->out, tab, len - (size_t)(tab - line));
			csvout_field(&r->out, t, strlen(t), 0);
			csvout_end(&r->out);
		}
		lines_free(&l);
	}
	out_free(&h->o);
	close(h->fd);
}

/*
 * parse: a DEB first, DETs, recaps, a FIN last. Returns 1 when the file
 * cannot go on, -1 for an unknown record, 0 otherwise.
 */
static int
order(struct envrun *er, const struct recfmt *rf, const char *line,
    size_t len, int *stage)
{
	const struct env *e = er->e;
	struct buf b = {0};

	if (*stage == 0 && rf != e->deb)
		diag_fatal(DC_ORDRE, "enregistrement %s en tête de fichier, attendu %s",
		    rf ? rf->tag : "inconnu", e->deb->tag);
	else if (*stage == 3)
		diag_fatal(DC_ORDRE, "enregistrement après le %s", e->fin->tag);
	else if (*stage > 0 && rf == e->deb)
		diag_fatal(DC_ORDRE, "second enregistrement %s", e->deb->tag);
	else if (*stage == 2 && rf == er->det)
		diag_fatal(DC_ORDRE, "enregistrement %s après un récapitulatif",
		    rf->tag);
	else if (rf == NULL) {
		tags(e, &b, 1);
		diag_record(DC_RECTYPE,
		    "type d'enregistrement inconnu «%.*s», attendu %s",
		    (int)(len < 3 ? len : 3), line, b.p);
		buf_free(&b);
		return -1;
	} else {
		if (rf == e->deb)
			*stage = 1;
		else if (rf == e->fin)
			*stage = 3;
		else if (rf != er->det)
			*stage = 2;
		return 0;
	}
	return 1;
}

static const struct recfmt *
pick(struct envrun *er, const struct codec *c, const char *line, size_t len)
{
	const struct env *e = er->e;
	/* The DET first: all lines but two are. */
	const struct recfmt *fixed[3] = { er->det, e->deb, e->fin };
	const struct recfmt *rf;

	if ((rf = rec_pick(c, fixed, 3, line, len)) == NULL && e->nrecaps)
		rf = rec_pick(c, e->recaps, e->nrecaps, line, len);
	return rf;
}

/* The DEB read: the file's kind. Returns 0 when the file can go on. */
static int
parse_deb(struct envrun *er, const struct recfmt *want)
{
	const struct env *e = er->e;
	const char *kind;

	er->debline = er->r->in.lineno;
	if (e->kindfield > 0) {
		kind = er->deb.v[e->kindfield];
		if ((er->det = env_kind(e, kind)) == NULL)
			return -1;
		if (want && want != er->det) {
			diag_field(DC_CODE, &e->deb->f[e->kindfield], kind,
			    strlen(kind), "nature différente de --type %s",
			    want->label);
			return -1;
		}
	}
	csv_header(er, &er->r->out);
	return 0;
}

static void
parse_end(struct envrun *er, int stage)
{
	struct fluxrun *r = er->r;
	const struct env *e = er->e;

	diag_line(0);
	if (r->file_rejected)
		return;
	if (er->nrec == 0)
		diag_fatal(DC_VIDE, "fichier vide: aucun enregistrement");
	else if (stage != 3)
		diag_fatal(DC_TRONQUE,
		    "fichier tronqué: pas d'enregistrement %s après la ligne %lu",
		    e->fin->tag, r->in.lineno);
	else if (e->needdet && er->ndet == 0)
		diag_fatal(DC_VIDE, "aucun enregistrement %s", er->det->tag);
	else if (e->strict && r->n.rejetees > 0)
		diag_fatal(DC_TOTAL,
		    "%lu enregistrement(s) %s invalide(s): les récapitulatifs ne peuvent être vérifiés",
		    r->n.rejetees, er->det->tag);
	else if (!e->end || e->end(er) == 0)
		return;
	flux_reject_file(r);
}

int
env_parse(struct fluxrun *r, const struct env *e, const struct recfmt *want)
{
	struct envrun er = { .r = r, .e = e, .det = e->dets[0] };
	const struct recfmt *rf;
	struct row v = {0};
	struct buf prefix = {0};
	struct hold h = {0};
	const char *line;
	size_t len;
	enum eol eol;
	int stage = 0, o, errs, mixed = 0;

	while (fluxstep_line(r, &line, &len, &eol)) {
		er.nrec++;
		rf = pick(&er, &r->c, line, len);
		if (rf == er.det || rf == NULL)
			r->n.lues++;
		if ((o = order(&er, rf, line, len, &stage)) > 0) {
			flux_reject_file(r);
			break;
		}
		if (o < 0) {
			r->n.rejetees++;
			flux_reject_line(r, line, len, eol);
			continue;
		}
		errs = rec_decode(&r->c, rf, line, len, &v);
		if (errs == 0 && e->upper)
			errs = lowercase(rf, &v);
		if (rf == er.det) {
			er.ndet++;
			if (e->sum && v.n == rf->nf)
				e->sum(&er, &v);
		} else if (errs) {
			diag_fatal(DC_ORDRE, "enregistrement %s invalide: fichier inutilisable",
			    rf->tag);
			flux_reject_file(r);
			break;
		}
		if (rf == e->deb) {
			row_copy(&er.deb, &v);
			if (parse_deb(&er, want) != 0) {
				flux_reject_file(r);
				break;
			}
			deb_prefix(&er, &prefix);
			continue;
		}
		if (rf == e->fin) {
			if (check_fin(&er, &v, mixed) != 0)
				flux_reject_file(r);
			continue;
		}
		if (errs == 0 && !mixed && common(&er, rf, &v)) {
			mixed = 1;
			flux_reject_file(r);
		}
		if (rf != er.det) {
			if (e->recap && e->recap(&er, rf, &v) != 0)
				flux_reject_file(r);
		} else if (errs || (e->check && e->check(&er, &v) != 0)) {
			r->n.rejetees++;
			flux_reject_line(r, line, len, eol);
		} else {
			r->n.acceptees++;
			if (e->tailname)
				hold_row(&er, &h, &prefix, &v);
			else {
				csv_values(&er, &r->out, &prefix, &v);
				csvout_end(&r->out);
			}
		}
	}
	parse_end(&er, stage);
	hold_release(&er, &h);
	row_free(&v);
	row_free(&er.deb);
	buf_free(&prefix);
	return 0;
}

static void
emit_line(struct envrun *er, const struct buf *line)
{
	out_write(&er->r->out, line->p, line->len);
	flux_emit_eol(er->r);
	er->nrec++;
}

/* emit: one more record (recap, FIN), its leading fields from the DEB. */
int
env_write(struct envrun *er, const struct recfmt *rf, const char **v,
    size_t *vlen)
{
	struct buf line = {0};
	size_t i;
	int errs;

	for (i = 0; i < er->e->ncommon; i++) {
		v[i] = er->deb.v[i];
		vlen[i] = er->deb.len[i];
	}
	if ((errs = rec_encode(&er->r->c, rf, v, vlen, &line)) == 0)
		emit_line(er, &line);
	buf_free(&line);
	return errs;
}

/* How many of det's columns hdr has. */
static size_t
matches(const struct recfmt *det, const struct row *hdr)
{
	size_t i, k, n = 0;

	for (i = 0; i < det->nf; i++) {
		if (!field_is_column(&det->f[i]))
			continue;
		for (k = 0; k < hdr->n; k++)
			if (strcmp(hdr->v[k], det->f[i].name) == 0) {
				n++;
				break;
			}
	}
	return n;
}

/* The DET kind of an emit input: --type, else the best fit of its columns. */
static void
emit_kind(struct envrun *er, const struct row *hdr, const struct recfmt *want)
{
	const struct env *e = er->e;
	size_t i, n, best = 0;

	er->det = want ? want : e->dets[0];
	for (i = 0; want == NULL && i < e->ndets; i++)
		if ((n = matches(e->dets[i], hdr)) > best) {
			best = n;
			er->det = e->dets[i];
		}
}

struct emitter {
	int		*dmap, *map, tcol;
	const char	**v;		/* one record's values */
	size_t		*vlen;
	int64_t		*t;		/* their instants */
	struct row	 tmp;		/* their uppercase copies */
	struct buf	 line;
};

/* emit: text goes to the wire in uppercase ASCII, accents transliterated. */
static void
upcase(const struct env *e, const struct recfmt *rf, struct emitter *em)
{
	size_t i;

	row_reset(&em->tmp);
	for (i = 0; i < rf->nf; i++) {
		row_begin(&em->tmp);
		if (rf->f[i].type == FT_TEXT && (rf == e->deb || i >= e->ncommon))
			translit_ascii_upper(em->v[i], em->vlen[i],
			    &em->tmp.arena);
		row_end(&em->tmp);
	}
	row_seal(&em->tmp);
	for (i = 0; i < rf->nf; i++)
		if (rf->f[i].type == FT_TEXT && (rf == e->deb || i >= e->ncommon)) {
			em->v[i] = em->tmp.v[i];
			em->vlen[i] = em->tmp.len[i];
		}
}

/*
 * The values of rf's fields from a CSV row: constants, the kind, the
 * DEB's leading fields, the row's columns (pointed to, not copied).
 */
static void
pick_values(struct envrun *er, struct emitter *em, const struct recfmt *rf,
    const int *map, const struct row *row)
{
	const struct env *e = er->e;
	size_t i;

	for (i = 0; i < rf->nf; i++) {
		const struct field *f = &rf->f[i];
		const char *s = "";
		size_t n = 0;

		if (f->type == FT_CONST)
			n = strlen(s = f->arg);
		else if (rf == e->deb && (int)i == e->kindfield && e->kindfield)
			n = strlen(s = er->det->label);
		else if (rf != e->deb && i < e->ncommon) {
			s = er->deb.v[i];
			n = er->deb.len[i];
		} else if (map[i] >= 0) {
			s = row->v[map[i]];
			n = row->len[map[i]];
		}
		em->v[i] = s;
		em->vlen[i] = n;
	}
	if (e->upper)
		upcase(e, rf, em);
}

/* The values picked, as a row for the flux's hooks. */
static struct row
view(const struct recfmt *rf, struct emitter *em)
{
	struct row v = { .n = rf->nf, .v = (char **)em->v, .len = em->vlen,
		.t = em->t };

	rec_instants(rf, &v);
	return v;
}

static int
encode(struct envrun *er, struct emitter *em, const struct recfmt *rf)
{
	buf_reset(&em->line);
	return rec_encode(&er->r->c, rf, em->v, em->vlen, &em->line);
}

/* A row's DEB columns must be those of the file's DEB. */
static int
same_deb(struct envrun *er, struct emitter *em, const struct row *row)
{
	const struct recfmt *deb = er->e->deb;
	size_t i;

	pick_values(er, em, deb, em->dmap, row);
	for (i = 0; i < deb->nf; i++)
		if (em->dmap[i] >= 0 && (em->vlen[i] != er->deb.len[i] ||
		    memcmp(em->v[i], er->deb.v[i], em->vlen[i]) != 0)) {
			diag_field(ENV_DC_ENTETE, &deb->f[i], em->v[i],
			    em->vlen[i],
			    "diffère de la première ligne («%s»): un fichier n'a qu'un %s, trouvé",
			    er->deb.v[i], deb->tag);
			return -1;
		}
	return 0;
}

/* One CSV row: the DEB if first, then its DET. */
static int
emit_row(struct envrun *er, struct emitter *em, const struct row *row)
{
	const struct env *e = er->e;

	struct row v;
	size_t i;

	if (er->nrec == 0) {
		pick_values(er, em, e->deb, em->dmap, row);
		if (encode(er, em, e->deb) != 0)
			return -1;
		emit_line(er, &em->line);
		row_reset(&er->deb);
		for (i = 0; i < e->deb->nf; i++)
			row_push(&er->deb, em->v[i], em->vlen[i]);
		row_seal(&er->deb);
	} else if (same_deb(er, em, row) != 0)
		return -1;
	pick_values(er, em, er->det, em->map, row);
	er->tail = em->tcol >= 0 ? row->v[em->tcol] : NULL;
	er->tlen = em->tcol >= 0 ? row->len[em->tcol] : 0;
	v = view(er->det, em);
	if (encode(er, em, er->det) != 0 || (e->check && e->check(er, &v) != 0))
		return -1;
	emit_line(er, &em->line);
	er->ndet++;
	if (e->sum)
		e->sum(er, &v);
	return 0;
}

static int
known(const struct recfmt *rf, const char *name)
{
	int k = rec_field(rf, name);

	return k >= 0 && field_is_column(&rf->f[k]);
}

/* Columns that are neither the DEB's, the DET's, the tail nor computed. */
static int
unknown(const struct envrun *er, const struct row *hdr)
{
	const struct env *e = er->e;
	const char *x = NULL;
	size_t i, k;
	int bad = 0;

	for (i = 0; i < hdr->n; i++) {
		if (known(e->deb, hdr->v[i]) || known(er->det, hdr->v[i]) ||
		    (e->tailname && strcmp(e->tailname, hdr->v[i]) == 0))
			continue;
		for (k = 0; e->xname && (x = e->xname(er->det, k)); k++)
			if (strcmp(x, hdr->v[i]) == 0)
				break;
		if (x != NULL)
			continue;
		warnx_("colonne «%s» inconnue dans un fichier %s", hdr->v[i],
		    er->det->label);
		bad = -1;
	}
	return bad;
}

static int
bind(struct envrun *er, struct emitter *em, const struct row *hdr,
    const struct recfmt *want)
{
	const struct env *e = er->e;
	size_t i, n;
	int bad;

	emit_kind(er, hdr, want);
	em->dmap = xcalloc(e->deb->nf, sizeof *em->dmap);
	em->map = xcalloc(er->det->nf, sizeof *em->map);
	n = er->det->nf > e->deb->nf ? er->det->nf : e->deb->nf;
	em->v = xcalloc(n, sizeof *em->v);
	em->vlen = xcalloc(n, sizeof *em->vlen);
	em->t = xcalloc(n, sizeof *em->t);
	n = rec_ncolumns(e->deb) + (e->tailname != NULL);
	for (i = e->ncommon; i < er->det->nf; i++)
		n += field_is_column(&er->det->f[i]);
	bad = rec_bind(e->deb, hdr, em->dmap) != 0;
	bad |= rec_bind(er->det, hdr, em->map) != 0;
	em->tcol = -1;
	if (e->tailname) {
		for (i = 0; i < hdr->n; i++)
			if (strcmp(hdr->v[i], e->tailname) == 0)
				em->tcol = (int)i;
		if (em->tcol < 0) {
			warnx_("colonne «%s» absente de l'en-tête CSV",
			    e->tailname);
			bad = 1;
		}
	}
	if (bad || unknown(er, hdr) != 0) {
		diag_line(1);
		diag_fatal(DC_CSV,
		    "en-tête CSV inattendu: %zu colonnes, attendu les %zu%s%s%s (voir «%s --schema»)",
		    hdr->n, n, e->ndets > 1 ? " d'un fichier " : "",
		    e->ndets > 1 ? er->det->label : "", xcols(e, er->det) ?
		    ", colonnes calculées admises en plus" : "",
		    er->r->fx->name);
		return -1;
	}
	return 0;
}

static int
emit_fin(struct envrun *er)
{
	const struct env *e = er->e;
	struct row fin = {0};
	struct buf line = {0};
	int errs;

	er->nrec++;
	build_fin(er, &fin);
	er->nrec--;
	if ((errs = rec_encode(&er->r->c, e->fin, (const char *const *)fin.v,
	    fin.len, &line)) == 0)
		emit_line(er, &line);
	buf_free(&line);
	row_free(&fin);
	return errs;
}

int
env_emit(struct fluxrun *r, const struct env *e, const struct recfmt *want)
{
	struct envrun er = { .r = r, .e = e };
	struct emitter em = {0};
	struct row hdr = {0}, *row;

	if (flux_read_header(r, &hdr) != 0)
		goto done;
	if (bind(&er, &em, &hdr, want) != 0) {
		flux_reject_file(r);
		goto done;
	}
	while (fluxstep_row(r, &hdr, &row)) {
		if (emit_row(&er, &em, row) == 0) {
			r->n.acceptees++;
			continue;
		}
		r->n.rejetees++;
		flux_reject_row(r, &hdr, row);
	}
	diag_line(0);
	if (er.nrec == 0 || (e->needdet && er.ndet == 0)) {
		if (!r->file_rejected) {
			diag_fatal(DC_VIDE, "aucune ligne valide: %s",
			    er.nrec == 0 && !e->needdet ?
			    "l'en-tête DEB ne peut pas être écrit" :
			    "impossible d'écrire un fichier sans DET");
			flux_reject_file(r);
		}
	} else if ((e->end && e->end(&er) != 0) || emit_fin(&er) != 0)
		flux_reject_file(r);
done:
	row_free(&hdr);
	row_free(&em.tmp);
	row_free(&er.deb);
	buf_free(&em.line);
	free(em.dmap);
	free(em.map);
	free(em.v);
	free(em.vlen);
	free(em.t);
	return 0;
}

int
env_flux_parse(struct fluxrun *r)
{
	return env_parse(r, r->fx->arg, NULL);
}

int
env_flux_emit(struct fluxrun *r)
{
	return env_emit(r, r->fx->arg, NULL);
}
