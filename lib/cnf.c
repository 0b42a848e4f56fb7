#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cnf.h"
#include "err.h"

/* One file per process: the DEB values every other record repeats. */
static struct {
	const struct cnf	*cf;
	struct row		 deb;
	struct buf		 prefix;	/* the DEB's CSV columns */
	unsigned long		 debline;
	unsigned long		 nrec;
} st;

/* A canonical number, absent meaning 0. Returns -1 when malformed. */
int
cnf_value(const char *s, size_t n, int scale, int64_t *v)
{
	*v = 0;
	return n == 0 ? 0 : dec_parse(s, n, scale, v);
}

static const struct recfmt *
pick(const struct cnf *cf, const struct codec *c, const char *line,
    size_t len)
{
	const struct recfmt *fixed[3] = { cf->deb, cf->det, cf->fin };
	const struct recfmt *rf;

	if ((rf = rec_pick(c, fixed, 3, line, len)) == NULL && cf->nrecap)
		rf = rec_pick(c, cf->recap, cf->nrecap, line, len);
	return rf;
}

static void
tags(const struct cnf *cf, struct buf *b)
{
	size_t i;

	buf_addf(b, "%s, %s", cf->deb->tag, cf->det->tag);
	for (i = 0; i < cf->nrecap; i++)
		buf_addf(b, ", %s", cf->recap[i]->tag);
	buf_addf(b, " ou %s", cf->fin->tag);
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

/* Every record repeats the DEB's leading fields. */
static int
common(const struct cnf *cf, const struct recfmt *rf, const struct row *v)
{
	size_t i;

	for (i = 1; i < cf->ncommon; i++)
		if (v->len[i] != st.deb.len[i] ||
		    memcmp(v->v[i], st.deb.v[i], v->len[i]) != 0) {
			diag_field(CNF_ENTETE, &rf->f[i], v->v[i], v->len[i],
			    "diffère de l'enregistrement %s (ligne %lu: «%s»), trouvé",
			    cf->deb->tag, st.debline, st.deb.v[i]);
			return 1;
		}
	return 0;
}

static void
copyrow(struct row *dst, const struct row *src)
{
	size_t i;

	row_reset(dst);
	for (i = 0; i < src->n; i++)
		row_push(dst, src->v[i], src->len[i]);
	row_seal(dst);
}

static void
csv_header(struct out *o, const struct cnf *cf)
{
	size_t i;
	int first = 1;

	rec_csv_header(o, cf->deb, &first);
	for (i = cf->ncommon; i < cf->det->nf; i++)
		if (field_is_column(&cf->det->f[i])) {
			csvout_field(o, cf->det->f[i].name,
			    strlen(cf->det->f[i].name), first);
			first = 0;
		}
	if (cf->tailkey >= 0)
		csvout_field(o, cf->tailname, strlen(cf->tailname), first);
	csvout_end(o);
}

/* The CSV of one DET, without its tail column and line end. */
static void
csv_values(struct out *o, const struct cnf *cf, const struct row *v)
{
	size_t i;
	int first = 1;

	out_write(o, st.prefix.p, st.prefix.len);
	first = st.prefix.len == 0;
	for (i = cf->ncommon; i < cf->det->nf; i++)
		if (field_is_column(&cf->det->f[i])) {
			csvout_field(o, v->v[i], v->len[i], first);
			first = 0;
		}
}

/* The DEB's columns open every row: quoted once, copied after. */
static void
deb_prefix(const struct cnf *cf)
{
	struct out o;
	int first = 1;

	out_init(&o, -1, "");
	rec_csv_values(&o, cf->deb, &st.deb, &first);
	buf_reset(&st.prefix);
	buf_add(&st.prefix, o.buf, o.len);
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
hold_row(struct hold *h, const struct cnf *cf, const struct row *v)
{
	if (h->fd == 0) {
		h->fd = out_tmpfd();
		out_init(&h->o, h->fd, "un fichier temporaire");
	}
	out_write(&h->o, v->v[cf->tailkey], v->len[cf->tailkey]);
	out_putc(&h->o, '\t');
	csv_values(&h->o, cf, v);
	out_putc(&h->o, '\n');
}

static void
hold_release(struct fluxrun *r, struct hold *h, const struct cnf *cf)
{
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
			t = cf->tail(r, line, (size_t)(tab - line));
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

/* parse: a DEB first, DETs, recaps, a FIN last. */
static int
order(struct fluxrun *r, const struct cnf *cf, const struct recfmt *rf,
    int *stage)
{
	struct buf b = {0};
	int bad = 0;

	if (*stage == 0 && rf != cf->deb) {
		diag_fatal(DC_ORDRE, "enregistrement %s en tête de fichier, attendu %s",
		    rf ? rf->tag : "inconnu", cf->deb->tag);
		bad = 1;
	} else if (*stage == 3) {
		diag_fatal(DC_ORDRE, "enregistrement après le %s", cf->fin->tag);
		bad = 1;
	} else if (*stage > 0 && rf == cf->deb) {
		diag_fatal(DC_ORDRE, "second enregistrement %s", cf->deb->tag);
		bad = 1;
	} else if (*stage == 2 && rf == cf->det) {
		diag_fatal(DC_ORDRE, "enregistrement %s après un récapitulatif",
		    cf->det->tag);
		bad = 1;
	} else if (rf == NULL) {
		tags(cf, &b);
		diag_record(DC_RECTYPE, "type d'enregistrement inconnu, attendu %s",
		    b.p);
		buf_free(&b);
		return -1;
	}
	if (bad) {
		flux_reject_file(r);
		return 1;
	}
	if (rf == cf->deb)
		*stage = 1;
	else if (rf == cf->fin)
		*stage = 3;
	else if (rf != cf->det)
		*stage = 2;
	return 0;
}

static void
count_check(const struct cnf *cf, struct fluxrun *r, const struct row *v)
{
	const struct field *f = &cf->fin->f[cf->count];
	struct buf b = {0};
	int64_t n;
	size_t i;

	if (cnf_value(v->v[cf->count], v->len[cf->count], 0, &n) != 0 ||
	    n != (int64_t)st.nrec) {
		buf_adds(&b, cf->deb->tag);
		for (i = 0; i < cf->nrecap; i++)
			buf_addf(&b, ", %s", cf->recap[i]->tag);
		diag_field(DC_TOTAL, f, v->v[cf->count], v->len[cf->count],
		    "attendu %lu enregistrements (%s et %s compris), trouvé",
		    st.nrec, b.p, cf->fin->tag);
		buf_free(&b);
		flux_reject_file(r);
	}
}

int
cnf_parse(struct fluxrun *r, const struct cnf *cf)
{
	const struct recfmt *rf;
	struct row v = {0};
	struct hold h = {0};
	const char *line;
	size_t len;
	enum eol eol;
	int stage = 0, o, errs, mixed = 0;

	st.cf = cf;
	st.nrec = 0;
	csv_header(&r->out, cf);
	while (lines_next(&r->in, &line, &len, &eol)) {
		diag_line(r->in.lineno);
		if (eol == EOL_NONE) {
			diag_fatal(DC_TRONQUE,
			    "fichier tronqué: la dernière ligne n'a pas de fin de ligne");
			flux_reject_file(r);
			break;
		}
		st.nrec++;
		rf = pick(cf, &r->c, line, len);
		if (rf == cf->det || rf == NULL)
			r->n.lues++;
		if ((o = order(r, cf, rf, &stage)) > 0)
			break;
		if (o < 0) {
			r->n.rejetees++;
			flux_reject_line(r, line, len, eol);
			continue;
		}
		errs = rec_decode(&r->c, rf, line, len, &v);
		if (errs == 0 && cf->upper)
			errs = lowercase(rf, &v);
		if (rf != cf->det && errs) {
			diag_fatal(DC_ORDRE, "enregistrement %s invalide: fichier inutilisable",
			    rf->tag);
			flux_reject_file(r);
			break;
		}
		if (rf == cf->deb) {
			copyrow(&st.deb, &v);
			deb_prefix(cf);
			st.debline = r->in.lineno;
			continue;
		}
		if (errs == 0 && !mixed && common(cf, rf, &v)) {
			mixed = 1;
			flux_reject_file(r);
		}
		if (rf == cf->fin)
			count_check(cf, r, &v);
		else if (rf != cf->det) {
			if (cf->recap_hook && cf->recap_hook(r, rf, &v) != 0)
				flux_reject_file(r);
		} else if (errs || (cf->det_hook && cf->det_hook(r,
		    (const char *const *)v.v, v.len, NULL, 0) != 0)) {
			r->n.rejetees++;
			flux_reject_line(r, line, len, eol);
		} else {
			r->n.acceptees++;
			if (cf->tailkey >= 0)
				hold_row(&h, cf, &v);
			else {
				csv_values(&r->out, cf, &v);
				csvout_end(&r->out);
			}
		}
	}
	diag_line(0);
	if (st.nrec == 0 && !r->file_rejected) {
		diag_fatal(DC_VIDE, "fichier vide: aucun enregistrement");
		flux_reject_file(r);
	} else if (stage != 3 && !r->file_rejected) {
		diag_fatal(DC_TRONQUE, "fichier tronqué: pas d'enregistrement %s",
		    cf->fin->tag);
		flux_reject_file(r);
	}
	if (!r->file_rejected && r->n.lues == 0) {
		diag_fatal(DC_VIDE, "aucun enregistrement %s", cf->det->tag);
		flux_reject_file(r);
	}
	if (!r->file_rejected && cf->strict && r->n.rejetees > 0) {
		diag_fatal(DC_TOTAL,
		    "%lu enregistrement(s) %s invalide(s): les récapitulatifs ne peuvent être vérifiés",
		    r->n.rejetees, cf->det->tag);
		flux_reject_file(r);
	}
	if (!r->file_rejected && cf->end_hook && cf->end_hook(r) != 0)
		flux_reject_file(r);
	hold_release(r, &h, cf);
	row_free(&v);
	row_free(&st.deb);
	buf_free(&st.prefix);
	return 0;
}

/* emit: one more record (recap, FIN), its leading fields from the DEB. */
int
cnf_write(struct fluxrun *r, const struct recfmt *rf, const char **v,
    size_t *vlen)
{
	struct buf line = {0};
	size_t i;
	int errs;

	for (i = 0; i < st.cf->ncommon; i++) {
		v[i] = st.deb.v[i];
		vlen[i] = st.deb.len[i];
	}
	if ((errs = rec_encode(&r->c, rf, v, vlen, &line)) == 0) {
		out_write(&r->out, line.p, line.len);
		flux_emit_eol(r);
		st.nrec++;
	}
	buf_free(&line);
	return errs;
}

/* emit: text goes to the wire in uppercase ASCII, accents transliterated. */
static void
upcase(const struct recfmt *rf, const char **v, size_t *vlen,
    struct row *tmp)
{
	size_t i;

	row_reset(tmp);
	for (i = 0; i < rf->nf; i++) {
		row_begin(tmp);
		if (rf->f[i].type == FT_TEXT && v[i])
			translit_ascii_upper(v[i], vlen[i], &tmp->arena);
		row_end(tmp);
	}
	row_seal(tmp);
	for (i = 0; i < rf->nf; i++)
		if (rf->f[i].type == FT_TEXT && v[i]) {
			v[i] = tmp->v[i];
			vlen[i] = tmp->len[i];
		}
}

struct emitter {
	const struct cnf *cf;
	int		*mdeb, *mdet, tcol;
	const char	**v;
	size_t		*vlen;
	struct row	 tmp;
	struct buf	 line;
};

static void
pickv(struct emitter *e, const struct recfmt *rf, const int *map,
    const struct row *row)
{
	size_t i;

	for (i = 0; i < rf->nf; i++) {
		e->v[i] = map[i] >= 0 ? row->v[map[i]] : NULL;
		e->vlen[i] = map[i] >= 0 ? row->len[map[i]] : 0;
	}
	if (e->cf->upper)
		upcase(rf, e->v, e->vlen, &e->tmp);
}

/* The DEB, from the first row whose DEB columns encode. */
static int
emit_deb(struct fluxrun *r, struct emitter *e, const struct row *row)
{
	const struct recfmt *deb = e->cf->deb;
	size_t i;

	pickv(e, deb, e->mdeb, row);
	buf_reset(&e->line);
	if (rec_encode(&r->c, deb, e->v, e->vlen, &e->line) != 0)
		return -1;
	out_write(&r->out, e->line.p, e->line.len);
	flux_emit_eol(r);
	st.nrec++;
	row_reset(&st.deb);
	for (i = 0; i < deb->nf; i++)
		row_push(&st.deb, deb->f[i].type == FT_CONST ? deb->f[i].arg :
		    e->v[i] ? e->v[i] : "", deb->f[i].type == FT_CONST ?
		    strlen(deb->f[i].arg) : e->vlen[i]);
	row_seal(&st.deb);
	return 0;
}

/* A row's DEB columns must be those of the file's DEB. */
static int
same_deb(struct emitter *e, const struct row *row)
{
	const struct recfmt *deb = e->cf->deb;
	size_t i;

	pickv(e, deb, e->mdeb, row);
	for (i = 1; i < e->cf->ncommon; i++) {
		if (e->mdeb[i] < 0)
			continue;
		if (e->vlen[i] != st.deb.len[i] ||
		    memcmp(e->v[i], st.deb.v[i], e->vlen[i]) != 0) {
			diag_field(CNF_ENTETE, &deb->f[i], e->v[i], e->vlen[i],
			    "diffère de la première ligne («%s»): un fichier n'a qu'un %s, trouvé",
			    st.deb.v[i], deb->tag);
			return -1;
		}
	}
	return 0;
}

static int
emit_det(struct fluxrun *r, struct emitter *e, const struct row *row)
{
	const struct cnf *cf = e->cf;
	const char *t = NULL;
	size_t i, tlen = 0;

	pickv(e, cf->det, e->mdet, row);
	for (i = 0; i < cf->ncommon; i++) {
		e->v[i] = st.deb.v[i];
		e->vlen[i] = st.deb.len[i];
	}
	if (e->tcol >= 0) {
		t = row->v[e->tcol];
		tlen = row->len[e->tcol];
	}
	buf_reset(&e->line);
	if (rec_encode(&r->c, cf->det, e->v, e->vlen, &e->line) != 0 ||
	    (cf->det_hook && cf->det_hook(r, e->v, e->vlen, t, tlen) != 0))
		return -1;
	out_write(&r->out, e->line.p, e->line.len);
	flux_emit_eol(r);
	st.nrec++;
	return 0;
}

static int
bind(struct fluxrun *r, struct emitter *e, const struct row *hdr)
{
	const struct cnf *cf = e->cf;
	size_t i, want = rec_ncolumns(cf->deb) + (cf->tailkey >= 0);
	int bad;

	for (i = cf->ncommon; i < cf->det->nf; i++)
		want += field_is_column(&cf->det->f[i]);
	bad = rec_bind(cf->deb, hdr, e->mdeb) != 0;
	bad |= rec_bind(cf->det, hdr, e->mdet) != 0;
	e->tcol = -1;
	if (cf->tailkey >= 0) {
		for (i = 0; i < hdr->n; i++)
			if (strcmp(hdr->v[i], cf->tailname) == 0)
				e->tcol = (int)i;
		if (e->tcol < 0) {
			warnx_("colonne «%s» absente de l'en-tête CSV",
			    cf->tailname);
			bad = 1;
		}
	}
	if (bad || hdr->n != want) {
		diag_line(1);
		diag_fatal(DC_CSV,
		    "en-tête CSV inattendu: %zu colonnes, attendu les %zu de «%s parse»",
		    hdr->n, want, r->fx->name);
		flux_reject_file(r);
		return -1;
	}
	return 0;
}

int
cnf_emit(struct fluxrun *r, const struct cnf *cf)
{
	struct emitter e = {0};
	struct row hdr = {0}, *row;
	size_t nf = cf->det->nf > cf->deb->nf ? cf->det->nf : cf->deb->nf;
	int started = 0;
	const char **v;
	size_t *vlen, i;

	for (i = 0; i < cf->nrecap; i++)
		if (cf->recap[i]->nf > nf)
			nf = cf->recap[i]->nf;
	if (cf->fin->nf > nf)
		nf = cf->fin->nf;
	st.cf = cf;
	st.nrec = 0;
	e.cf = cf;
	e.mdeb = xcalloc(cf->deb->nf, sizeof *e.mdeb);
	e.mdet = xcalloc(cf->det->nf, sizeof *e.mdet);
	e.v = xcalloc(nf, sizeof *e.v);
	e.vlen = xcalloc(nf, sizeof *e.vlen);
	if (flux_read_header(r, &hdr) != 0 || bind(r, &e, &hdr) != 0)
		goto done;
	while (csvin_next(&r->csv, &row)) {
		diag_line(r->csv.line);
		r->n.lues++;
		if (row->n != hdr.n) {
			diag_record(DC_NCHAMPS, "%zu colonnes, attendu %zu",
			    row->n, hdr.n);
			goto reject;
		}
		if (!started) {
			if (emit_deb(r, &e, row) != 0)
				goto reject;
			started = 1;
		} else if (same_deb(&e, row) != 0)
			goto reject;
		if (emit_det(r, &e, row) != 0)
			goto reject;
		r->n.acceptees++;
		continue;
reject:
		r->n.rejetees++;
		flux_reject_row(r, &hdr, row);
	}
	diag_line(0);
	if (!started || r->n.acceptees == 0) {
		if (!r->file_rejected) {
			diag_fatal(DC_VIDE,
			    "aucune ligne valide: impossible d'écrire un fichier sans %s",
			    cf->det->tag);
			flux_reject_file(r);
		}
		goto done;
	}
	if (cf->end_hook && cf->end_hook(r) != 0) {
		flux_reject_file(r);
		goto done;
	}
	v = e.v;
	vlen = e.vlen;
	for (i = 0; i < cf->fin->nf; i++)
		v[i] = NULL;
	buf_reset(&e.line);
	buf_addf(&e.line, "%lu", st.nrec + 1);
	v[cf->count] = e.line.p;
	vlen[cf->count] = e.line.len;
	if (cnf_write(r, cf->fin, v, vlen) != 0)
		flux_reject_file(r);
done:
	row_free(&hdr);
	row_free(&e.tmp);
	row_free(&st.deb);
	buf_free(&e.line);
	free(e.mdeb);
	free(e.mdet);
	free(e.v);
	free(e.vlen);
	return 0;
}

static const struct cnf *maincf;

static int
parse_main(struct fluxrun *r)
{
	return cnf_parse(r, maincf);
}

static int
emit_main(struct fluxrun *r)
{
	return cnf_emit(r, maincf);
}

/* flux_main() for a CNCESU file: fx's parse and emit are cf's. */
int
cnf_main(const struct flux *fx, const struct cnf *cf, int argc, char **argv)
{
	struct flux f = *fx;

	maincf = cf;
	f.parse = parse_main;
	f.emit = emit_main;
	return flux_main(&f, argc, argv);
}
