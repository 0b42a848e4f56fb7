#include <stdlib.h>
#include <string.h>

#include "env.h"
#include "err.h"

const struct recfmt *
env_kind(const struct env *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->ndets; i++)
		if (strcmp(e->dets[i]->label, name) == 0)
			return e->dets[i];
	return NULL;
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
		else if (f->flags & FF_DERIVED) {
			if (f->name && (k = rec_field(er->e->deb, f->name)) >= 0)
				buf_add(&b, er->deb.v[k], er->deb.len[k]);
			else
				er->e->total(er, f, &b);
		}
		row_push(out, b.p ? b.p : "", b.len);
	}
	row_seal(out);
	buf_free(&b);
}

static int
check_fin(struct envrun *er, const struct row *got)
{
	const struct recfmt *fin = er->e->fin;
	struct row want = {0};
	size_t i;
	int errs = 0;

	build_fin(er, &want);
	for (i = 0; i < fin->nf; i++) {
		const struct field *f = &fin->f[i];

		if (!(f->flags & FF_DERIVED) || strcmp(got->v[i], want.v[i]) == 0)
			continue;
		errs++;
		if (f->name && rec_field(er->e->deb, f->name) >= 0)
			diag_field(ENV_DC_ENTETE, f, got->v[i], got->len[i],
			    "diffère de l'enregistrement DEB (attendu: %s)",
			    want.v[i]);
		else
			diag_field(DC_TOTAL, f, got->v[i], got->len[i],
			    "ne correspond pas au contenu du fichier (recalculé: %s)",
			    want.v[i]);
	}
	row_free(&want);
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
parse_header(struct envrun *er)
{
	const char *x;
	size_t i;
	int first = 1;

	rec_csv_header(&er->r->out, er->e->deb, &first);
	rec_csv_header(&er->r->out, er->det, &first);
	for (i = 0; er->e->xname && (x = er->e->xname(er->det, i)); i++)
		csvout_field(&er->r->out, x, strlen(x), 0);
	csvout_end(&er->r->out);
}

/* DEB, first line. Returns 0 when the file can go on. */
static int
parse_deb(struct envrun *er, const struct recfmt *rf, const char *line,
    size_t len, const struct recfmt *want)
{
	const struct env *e = er->e;
	const char *kind;

	if (rf != e->deb) {
		diag_fatal(DC_ORDRE,
		    "le fichier doit commencer par un enregistrement DEB");
		return -1;
	}
	if (rec_decode(&er->r->c, rf, line, len, &er->deb) != 0)
		return -1;
	er->det = e->dets[0];
	if (e->kindfield >= 0) {
		kind = er->deb.v[e->kindfield];
		if ((er->det = env_kind(e, kind)) == NULL)
			return -1;
		if (want && want != er->det) {
			diag_field(DC_CODE, &rf->f[e->kindfield], kind,
			    strlen(kind), "nature différente de --type %s",
			    want->label);
			return -1;
		}
	}
	parse_header(er);
	return 0;
}

static void
parse_det(struct envrun *er, const char *line, size_t len, enum eol eol,
    struct row *vals)
{
	struct fluxrun *r = er->r;
	int errs, first = 1;

	er->ndet++;
	r->n.lues++;
	errs = rec_decode(&r->c, er->det, line, len, vals);
	if (vals->n == er->det->nf) {
		if (er->e->sum)
			er->e->sum(er, vals);
		if (errs == 0 && er->e->check)
			errs = er->e->check(er, vals);
	}
	if (errs) {
		r->n.rejetees++;
		flux_reject_line(r, line, len, eol);
		return;
	}
	r->n.acceptees++;
	rec_csv_values(&r->out, er->e->deb, &er->deb, &first);
	rec_csv_values(&r->out, er->det, vals, &first);
	if (xcols(er->e, er->det))
		er->e->xcsv(er, vals, &r->out);
	csvout_end(&r->out);
}

int
env_parse(struct fluxrun *r, const struct env *e, const struct recfmt *want,
    void *ctx)
{
	struct envrun er = { r, e, NULL, {0}, 0, 0, ctx };
	const struct recfmt *recs[3], *rf;
	struct row vals = {0};
	const char *line;
	size_t len;
	enum eol eol;
	int fin = 0, bad = 0;

	recs[0] = e->deb;
	recs[1] = e->fin;
	while (!bad && lines_next(&r->in, &line, &len, &eol)) {
		diag_line(r->in.lineno);
		if (eol == EOL_NONE) {
			diag_fatal(DC_TRONQUE,
			    "fichier tronqué: la dernière ligne n'a pas de fin de ligne");
			bad = 1;
			break;
		}
		er.nrec++;
		recs[2] = er.det ? er.det : e->dets[0];
		rf = rec_pick(&r->c, recs, 3, line, len);
		if (er.nrec == 1) {
			bad = parse_deb(&er, rf, line, len, want) != 0;
		} else if (fin) {
			diag_fatal(DC_ORDRE, "enregistrement après FIN");
			bad = 1;
		} else if (rf == e->deb) {
			diag_fatal(DC_ORDRE, "second enregistrement DEB");
			bad = 1;
		} else if (rf == e->fin) {
			fin = 1;
			bad = rec_decode(&r->c, rf, line, len, &vals) != 0 ||
			    check_fin(&er, &vals) != 0;
		} else if (rf != NULL)
			parse_det(&er, line, len, eol, &vals);
		else {
			diag_record(DC_RECTYPE,
			    "type d'enregistrement inconnu «%.*s», attendu DEB, DET ou FIN",
			    (int)(len < 3 ? len : 3), line);
			r->n.lues++;
			r->n.rejetees++;
			flux_reject_line(r, line, len, eol);
		}
	}
	if (!bad && er.nrec == 0) {
		diag_line(0);
		diag_fatal(DC_VIDE, "fichier vide: aucun enregistrement");
		bad = 1;
	} else if (!bad && !fin) {
		diag_fatal(DC_TRONQUE,
		    "fichier tronqué: pas d'enregistrement FIN après la ligne %lu",
		    r->in.lineno);
		bad = 1;
	}
	if (bad)
		flux_reject_file(r);
	row_free(&vals);
	row_free(&er.deb);
	return 0;
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

/* Canonical values of rf's fields from a CSV row; derived ones empty. */
static void
pick_values(const struct envrun *er, const struct recfmt *rf, const int *map,
    const struct row *row, struct row *out)
{
	size_t i;

	row_reset(out);
	for (i = 0; i < rf->nf; i++) {
		const struct field *f = &rf->f[i];

		if (map[i] >= 0)
			row_push(out, row->v[map[i]], row->len[map[i]]);
		else if (f->type == FT_CONST)
			row_push(out, f->arg, strlen(f->arg));
		else if ((int)i == er->e->kindfield && rf == er->e->deb)
			row_push(out, er->det->label, strlen(er->det->label));
		else
			row_push(out, "", 0);
	}
	row_seal(out);
}

static int
emit_record(struct envrun *er, const struct recfmt *rf, const struct row *v,
    struct buf *line)
{
	buf_reset(line);
	if (rec_encode(&er->r->c, rf, (const char *const *)v->v, v->len,
	    line) != 0)
		return -1;
	out_write(&er->r->out, line->p, line->len);
	flux_emit_eol(er->r);
	return 0;
}

/* Every row carries the same DEB columns as the first. */
static int
same_deb(struct envrun *er, const struct row *v)
{
	const struct recfmt *deb = er->e->deb;
	size_t i;

	for (i = 0; i < deb->nf; i++)
		if (field_is_column(&deb->f[i]) &&
		    strcmp(v->v[i], er->deb.v[i]) != 0) {
			diag_field(ENV_DC_ENTETE, &deb->f[i], v->v[i], v->len[i],
			    "diffère de la première ligne (%s): un fichier n'a qu'un en-tête DEB",
			    er->deb.v[i]);
			return -1;
		}
	return 0;
}

static int
emit_rows(struct envrun *er, const struct row *hdr, const int *dmap,
    const int *map, struct buf *line)
{
	struct fluxrun *r = er->r;
	struct row dv = {0}, v = {0}, *row;
	int bad = 0;

	while (!bad && csvin_next(&r->csv, &row)) {
		diag_line(r->csv.line);
		r->n.lues++;
		if (row->n != hdr->n) {
			diag_record(DC_NCHAMPS, "%zu colonnes, attendu %zu",
			    row->n, hdr->n);
			goto reject;
		}
		pick_values(er, er->e->deb, dmap, row, &dv);
		if (er->nrec == 0) {
			row_reset(&er->deb);
			for (size_t i = 0; i < dv.n; i++)
				row_push(&er->deb, dv.v[i], dv.len[i]);
			row_seal(&er->deb);
			er->nrec = 1;
			if ((bad = emit_record(er, er->e->deb, &er->deb,
			    line) != 0))
				break;
		} else if ((bad = same_deb(er, &dv) != 0))
			break;
		pick_values(er, er->det, map, row, &v);
		if (er->e->check && er->e->check(er, &v) != 0)
			goto reject;
		if (emit_record(er, er->det, &v, line) != 0)
			goto reject;
		er->ndet++;
		er->nrec++;
		if (er->e->sum)
			er->e->sum(er, &v);
		r->n.acceptees++;
		continue;
reject:
		r->n.rejetees++;
		flux_reject_row(r, hdr, row);
	}
	row_free(&dv);
	row_free(&v);
	return bad ? -1 : 0;
}

static int
known(const struct recfmt *rf, const char *name)
{
	int k = rec_field(rf, name);

	return k >= 0 && field_is_column(&rf->f[k]);
}

/* Columns that are neither the DEB's, the DET's, nor computed ones. */
static int
unknown(const struct envrun *er, const struct row *hdr)
{
	const char *x = NULL;
	size_t i, k;
	int bad = 0;

	for (i = 0; i < hdr->n; i++) {
		if (known(er->e->deb, hdr->v[i]) || known(er->det, hdr->v[i]))
			continue;
		for (k = 0; er->e->xname && (x = er->e->xname(er->det, k)); k++)
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

int
env_emit(struct fluxrun *r, const struct env *e, const struct recfmt *want,
    void *ctx)
{
	struct envrun er = { r, e, NULL, {0}, 0, 0, ctx };
	struct row hdr = {0}, fin = {0};
	struct buf line = {0};
	int *dmap = NULL, *map = NULL, bad = 1;
	size_t n;

	if (flux_read_header(r, &hdr) != 0)
		goto done;
	diag_line(1);
	emit_kind(&er, &hdr, want);
	dmap = xcalloc(e->deb->nf, sizeof *dmap);
	map = xcalloc(er.det->nf, sizeof *map);
	n = rec_ncolumns(e->deb) + rec_ncolumns(er.det);
	if (rec_bind(e->deb, &hdr, dmap) != 0 ||
	    rec_bind(er.det, &hdr, map) != 0 || unknown(&er, &hdr) != 0) {
		diag_fatal(DC_CSV,
		    "en-tête CSV inattendu: %zu colonnes, attendu les %zu%s%s%s (voir «%s --schema»)",
		    hdr.n, n, e->ndets > 1 ? " d'un fichier " : "",
		    e->ndets > 1 ? er.det->label : "", xcols(e, er.det) ?
		    ", colonnes calculées admises en plus" : "", r->fx->name);
		goto done;
	}
	if (emit_rows(&er, &hdr, dmap, map, &line) != 0)
		goto done;
	if (er.nrec == 0) {
		diag_line(0);
		diag_fatal(DC_VIDE,
		    "aucune ligne CSV: l'en-tête DEB ne peut pas être écrit");
		goto done;
	}
	er.nrec++;
	build_fin(&er, &fin);
	bad = emit_record(&er, e->fin, &fin, &line) != 0;
done:
	if (bad)
		flux_reject_file(r);
	row_free(&hdr);
	row_free(&fin);
	row_free(&er.deb);
	buf_free(&line);
	free(dmap);
	free(map);
	return 0;
}
