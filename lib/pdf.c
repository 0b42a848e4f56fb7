/*
 * PDF documents through cairo's PDF surface and pango. Laid-out texts are
 * cached by text, font and width, fonts by name, both for the process;
 * pango lays out one size per face (TAILLE), scaled when drawn; the
 * glyphs of a page go to cairo in as few runs as colours and fonts allow,
 * so that rendering a table of a few hundred cells stays cheap.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "buf.h"
#include "charset.h"
#include "err.h"
#include "pdf.h"

#define A4_L	595.28
#define A4_H	841.89
#define NPOLICES 16
#define NCACHE_MAX 8192	/* laid-out texts kept at most, then forgotten */
#define DIAGONALE 0.9553166181245093	/* atan(sqrt 2): the A4 diagonal's angle */

/*
 * A text laid out once is kept: measuring a cell then drawing it, or the
 * same "22,50 €" on every row, shapes it only once.
 */
struct disposition {
	PangoLayout	*l;
	char		*texte;
	uint64_t	 h;
	double		 w;
	int		 police;	/* index in polices */
	int		 align;
	double		 hauteur;
};

/* A character's glyph in a font, 0 unknown yet; -1 not one glyph. */
struct glyphe {
	long	 index;
	double	 avance;
};
#define NGLYPHES 0x2200	/* Latin, punctuation, currency signs */
#define TAILLE	10	/* the one size pango lays out, in points */

struct pdf {
	cairo_surface_t	*surface;
	cairo_t		*cr;
	PangoContext	*ctx;		/* the process's (contexte) */
	PangoLayout	*layout;	/* the last one laid out */
	double		 echelle;	/* its font's scale (see police()) */
	struct {			/* pdf_tabulation's glyphs not yet shown */
		cairo_scaled_font_t	*sf;
		cairo_glyph_t		*g;
		cairo_text_cluster_t	*cl;
		int			 ng, ncl, capg, capcl;
		struct buf		 texte;
	} lot;
	FILE		*out;
	int		 mesure;	/* only measures: nothing drawn */
	int		 suspendu;	/* pdf_dessin(d, 0): nothing drawn for now */
	int		 grouper;	/* pdf_grouper(): pango's texts join the run */
	int		 erreur;
	int		 page;
};

/*
 * One font map and context for the process, and its fonts and laid-out
 * texts, kept to its end: documents made one after the other, or in
 * children of a process that made one (facturepdf --dir), load each font,
 * its metrics and shaping tables once, and lay out a label once.
 */
static PangoFontMap *carte;
static PangoContext *contexte;
struct police {
	char			*nom;
	PangoFontDescription	*desc;	/* at TAILLE, see police() */
	double			 echelle;	/* its size / TAILLE */
	PangoFont		*font;	/* for pdf_tabulation */
	cairo_scaled_font_t	*cairo;	/* at its size */
	double			 ligne, base;
	struct glyphe		*glyphes;	/* by code point, < NGLYPHES */
};
static struct police polices[NPOLICES];
static int npolices;
static struct disposition *cache;	/* open addressing, by empreinte */
static size_t ncache, capcache;

static void oublier(struct pdf *);
static int au_lot(struct pdf *, int, double, double);

static cairo_status_t
ecrire(void *closure, const unsigned char *data, unsigned int n)
{
	struct pdf *d = closure;

	if (d->mesure)
		return CAIRO_STATUS_SUCCESS;
	if (fwrite(data, 1, n, d->out) != n) {
		d->erreur = 1;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

/* SOURCE_DATE_EPOCH (reproducible builds) as a PDF creation date. */
static void
date_creation(cairo_surface_t *s)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	char *end, iso[32];
	long long v;
	time_t t;
	struct tm tm;

	if (e == NULL || *e == '\0')
		return;
	errno = 0;
	v = strtoll(e, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0)
		return;
	t = (time_t)v;
	if (gmtime_r(&t, &tm) == NULL)
		return;
	strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, iso);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, iso);
}

/*
 * At exit, what the process kept: fontconfig's patterns under pango's font
 * map are seen as leaks by LeakSanitizer while it lives (make asan).
 */
static void
liberer(void)
{
	int i;

	oublier(NULL);
	free(cache);
	cache = NULL;
	capcache = 0;
	for (i = 0; i < npolices; i++) {
		free(polices[i].nom);
		pango_font_description_free(polices[i].desc);
		if (polices[i].font != NULL)
			g_object_unref(polices[i].font);
		if (polices[i].cairo != NULL)
			cairo_scaled_font_destroy(polices[i].cairo);
		free(polices[i].glyphes);
	}
	npolices = 0;
	g_object_unref(contexte);
	g_object_unref(carte);
	contexte = NULL;
	carte = NULL;
}

struct pdf *
pdf_ouvrir(FILE *out, const char *titre)
{
	struct pdf *d = xcalloc(1, sizeof *d);

	d->out = out;
	d->mesure = out == NULL;
	d->page = 1;
	d->surface = cairo_pdf_surface_create_for_stream(ecrire, d, A4_L, A4_H);
	if (cairo_surface_status(d->surface) != CAIRO_STATUS_SUCCESS)
		die(EX_SOFTWARE, "cairo : %s",
		    cairo_status_to_string(cairo_surface_status(d->surface)));
	if (!d->mesure) {
		if (titre != NULL)
			cairo_pdf_surface_set_metadata(d->surface,
			    CAIRO_PDF_METADATA_TITLE, titre);
		cairo_pdf_surface_set_metadata(d->surface,
		    CAIRO_PDF_METADATA_CREATOR, "cesutg");
		date_creation(d->surface);
	}
	d->cr = cairo_create(d->surface);
	if (carte == NULL) {
		atexit(liberer);
		carte = pango_cairo_font_map_new();
		contexte = pango_font_map_create_context(carte);
		pango_context_set_round_glyph_positions(contexte, FALSE);
	}
	d->ctx = contexte;
	pango_cairo_update_context(d->cr, d->ctx);
	return d;
}

/*
 * Shows the glyphs pdf_tabulation gathered, as one operation: a page of
 * figures is one run for cairo to record, analyse and write, not hundreds.
 * Called before anything that may change the font or the colour, and at
 * the end of a page.
 */
static void
vider(struct pdf *d)
{
	if (d->lot.ng > 0 || d->lot.ncl > 0) {
		cairo_set_scaled_font(d->cr, d->lot.sf);
		cairo_show_text_glyphs(d->cr, d->lot.texte.p, (int)d->lot.texte.len,
		    d->lot.g, d->lot.ng, d->lot.cl, d->lot.ncl, 0);
	}
	d->lot.ng = d->lot.ncl = 0;
	buf_reset(&d->lot.texte);
}

int
pdf_fermer(struct pdf *d)
{
	int r;

	vider(d);
	free(d->lot.g);
	free(d->lot.cl);
	buf_free(&d->lot.texte);
	cairo_destroy(d->cr);
	cairo_surface_finish(d->surface);
	if (cairo_surface_status(d->surface) != CAIRO_STATUS_SUCCESS)
		d->erreur = 1;
	cairo_surface_destroy(d->surface);
	if (!d->mesure && fflush(d->out) != 0)
		d->erreur = 1;
	r = d->erreur ? -1 : 0;
	free(d);
	return r;
}

void
pdf_page(struct pdf *d)
{
	vider(d);
	if (!d->suspendu)
		cairo_show_page(d->cr);
	d->page++;
}

void
pdf_numeroter(struct pdf *d, int numero)
{
	d->page = numero;
}

int
pdf_numero(const struct pdf *d)
{
	return d->page;
}

cairo_t *
pdf_cairo(struct pdf *d)
{
	vider(d);	/* the caller may change the colour */
	return d->cr;
}

double
pdf_largeur(const struct pdf *d)
{
	(void)d;
	return A4_L;
}

double
pdf_hauteur(const struct pdf *d)
{
	(void)d;
	return A4_H;
}

static double
pdf_hauteur_layout(PangoLayout *l)
{
	int lw, lh;

	pango_layout_get_size(l, &lw, &lh);
	return (double)lh / PANGO_SCALE;
}

static int
police(struct pdf *d, const char *nom)
{
	int i;

	(void)d;

	for (i = 0; i < npolices; i++)
		if (strcmp(polices[i].nom, nom) == 0)
			return i;
	if (npolices == NPOLICES)
		die(EX_SOFTWARE, "pdf : plus de %d polices dans un document", NPOLICES);
	polices[i].nom = xstrdup(nom);
	polices[i].desc = pango_font_description_from_string(nom);
	polices[i].echelle = 1;
	/*
	 * Every size of a face is laid out at TAILLE and scaled when drawn:
	 * unhinted, unrounded metrics scale exactly, and each font pango
	 * loads costs a fontconfig search in two threads, its metrics (a
	 * sample text shaped) and its glyphs' extents: one per face, not one
	 * per face and size.
	 */
	if (!pango_font_description_get_size_is_absolute(polices[i].desc) &&
	    pango_font_description_get_size(polices[i].desc) > 0) {
		polices[i].echelle = (double)pango_font_description_get_size(
		    polices[i].desc) / (TAILLE * PANGO_SCALE);
		pango_font_description_set_size(polices[i].desc, TAILLE * PANGO_SCALE);
	}
	npolices++;
	return i;
}

static uint64_t
empreinte(const char *s, int p, double w, int align)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	h = (h ^ (uint64_t)p) * 1099511628211ULL;
	h = (h ^ (uint64_t)(int64_t)(w * 64)) * 1099511628211ULL;
	return (h ^ (uint64_t)align) * 1099511628211ULL;
}

static void
oublier(struct pdf *d)
{
	size_t i;

	(void)d;

	for (i = 0; i < capcache; i++)
		if (cache[i].l != NULL) {
			g_object_unref(cache[i].l);
			free(cache[i].texte);
			cache[i].l = NULL;
		}
	ncache = 0;
}

/* Doubles the table, or empties it past NCACHE_MAX: memory stays bounded. */
static void
agrandir(struct pdf *d)
{
	struct disposition *ancien = cache;
	size_t i, j, cap = capcache;

	(void)d;

	if (cap >= 2 * NCACHE_MAX) {
		oublier(d);
		return;
	}
	capcache = cap ? 2 * cap : 256;
	cache = xcalloc(capcache, sizeof *cache);
	for (i = 0; i < cap; i++) {
		if (ancien[i].l == NULL)
			continue;
		for (j = ancien[i].h & (capcache - 1); cache[j].l != NULL;
		    j = (j + 1) & (capcache - 1))
			;
		cache[j] = ancien[i];
	}
	free(ancien);
}

/* Lays out the text into d->layout (from the cache if it is there);
 * returns its height in points. */
static double
disposer(struct pdf *d, double w, const char *nom, int alignement, const char *utf8)
{
	struct disposition *c;
	PangoLayout *l;
	int p = police(d, nom), lw, lh;
	uint64_t h;
	size_t j;

	if (utf8 == NULL)
		utf8 = "";
	h = empreinte(utf8, p, w, alignement);
	if (2 * (ncache + 1) > capcache)
		agrandir(d);
	for (j = h & (capcache - 1); (c = &cache[j])->l != NULL;
	    j = (j + 1) & (capcache - 1))
		if (c->h == h && c->police == p && c->w == w &&
		    c->align == alignement && strcmp(c->texte, utf8) == 0) {
			d->layout = c->l;
			d->echelle = polices[p].echelle;
			return c->hauteur;
		}
	c->l = l = pango_layout_new(d->ctx);
	ncache++;
	pango_layout_set_font_description(l, polices[p].desc);
	if (w > 0) {
		pango_layout_set_width(l, (int)(w / polices[p].echelle * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	}
	pango_layout_set_alignment(l, alignement == PDF_DROITE ? PANGO_ALIGN_RIGHT :
	    alignement == PDF_CENTRE ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
	pango_layout_set_text(l, utf8, -1);
	pango_layout_get_size(l, &lw, &lh);
	c->texte = xstrdup(utf8);
	c->h = h;
	c->w = w;
	c->police = p;
	c->align = alignement;
	c->hauteur = (double)lh / PANGO_SCALE * polices[p].echelle;
	d->layout = l;
	d->echelle = polices[p].echelle;
	return c->hauteur;
}

double
pdf_texte(struct pdf *d, double x, double y, double w, const char *nom,
    int alignement, const char *utf8)
{
	double h = disposer(d, w, nom, alignement, utf8);

	if (!d->mesure && !d->suspendu && !(d->grouper && au_lot(d, police(d, nom), x, y))) {
		vider(d);	/* drawn in order with the run before it */
		if (d->echelle == 1) {
			cairo_move_to(d->cr, x, y);
			pango_cairo_show_layout(d->cr, d->layout);
		} else {
			cairo_save(d->cr);
			cairo_translate(d->cr, x, y);
			cairo_scale(d->cr, d->echelle, d->echelle);
			cairo_move_to(d->cr, 0, 0);
			pango_cairo_show_layout(d->cr, d->layout);
			cairo_restore(d->cr);
		}
	}
	return h;
}

double
pdf_mesure(struct pdf *d, double w, const char *nom, const char *utf8)
{
	return disposer(d, w, nom, PDF_GAUCHE, utf8);
}

double
pdf_largeur_texte(struct pdf *d, const char *nom, const char *utf8)
{
	int lw, lh;

	disposer(d, -1, nom, PDF_GAUCHE, utf8);
	pango_layout_get_size(d->layout, &lw, &lh);
	return (double)lw / PANGO_SCALE * d->echelle;
}

void
pdf_trait(struct pdf *d, double x0, double y0, double x1, double y1, double epaisseur)
{
	if (d->mesure || d->suspendu)
		return;
	cairo_save(d->cr);
	cairo_set_line_width(d->cr, epaisseur);
	cairo_move_to(d->cr, x0, y0);
	cairo_line_to(d->cr, x1, y1);
	cairo_stroke(d->cr);
	cairo_restore(d->cr);
}

void
pdf_rectangle(struct pdf *d, double x, double y, double w, double h, double gris)
{
	if (d->mesure || d->suspendu)
		return;
	vider(d);	/* a fill may cover text drawn before it */
	cairo_save(d->cr);
	cairo_set_source_rgb(d->cr, gris, gris, gris);
	cairo_rectangle(d->cr, x, y, w, h);
	cairo_fill(d->cr);
	cairo_restore(d->cr);
}

void
pdf_filigrane(struct pdf *d, const char *nom, const char *utf8)
{
	int lw, lh;

	if (d->mesure || d->suspendu)
		return;
	vider(d);
	disposer(d, -1, nom, PDF_CENTRE, utf8);
	pango_layout_get_size(d->layout, &lw, &lh);
	cairo_save(d->cr);
	cairo_translate(d->cr, A4_L / 2, A4_H / 2);
	cairo_rotate(d->cr, -DIAGONALE);
	cairo_set_source_rgba(d->cr, 0.55, 0.55, 0.55, 0.22);
	cairo_scale(d->cr, d->echelle, d->echelle);
	cairo_move_to(d->cr, -(double)lw / PANGO_SCALE / 2,
	    -(double)lh / PANGO_SCALE / 2);
	/* as outlines, not text: the copy's extracted text stays the original's */
	pango_cairo_layout_path(d->cr, d->layout);
	cairo_fill(d->cr);
	cairo_restore(d->cr);
}

void
pdf_cadre(struct pdf *d, double x, double y, double w, double h, double epaisseur)
{
	if (d->mesure || d->suspendu)
		return;
	cairo_save(d->cr);
	cairo_set_line_width(d->cr, epaisseur);
	cairo_rectangle(d->cr, x, y, w, h);
	cairo_stroke(d->cr);
	cairo_restore(d->cr);
}

int
pdf_dessin(struct pdf *d, int actif)
{
	int avant = !d->suspendu;

	d->suspendu = !actif;
	return avant;
}

/*
 * The figures of a table row go straight to cairo: glyphs from the font's
 * character map, placed by their advances, as one run each with its text
 * (for search and copy). No kerning and no complex scripts, which figures,
 * dates and codes do not need; pango's layout of a cell costs far more.
 */
static cairo_scaled_font_t *
police_cairo(struct pdf *d, int p, double *ligne, double *base)
{
	PangoFont *f;
	PangoLayout *l;
	cairo_scaled_font_t *sf;
	cairo_font_options_t *fo;
	cairo_matrix_t fm, ctm;
	double e = polices[p].echelle;

	if (polices[p].cairo == NULL) {
		f = pango_context_load_font(d->ctx, polices[p].desc);
		if (f == NULL)
			die(EX_SOFTWARE, "police introuvable : %s", polices[p].nom);
		polices[p].font = f;
		/* pango's font at TAILLE, scaled to the size asked */
		sf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(f));
		cairo_scaled_font_get_font_matrix(sf, &fm);
		cairo_scaled_font_get_ctm(sf, &ctm);
		cairo_matrix_scale(&fm, e, e);
		fo = cairo_font_options_create();
		cairo_scaled_font_get_font_options(sf, fo);
		polices[p].cairo = cairo_scaled_font_create(
		    cairo_scaled_font_get_font_face(sf), &fm, &ctm, fo);
		cairo_font_options_destroy(fo);
		if (cairo_scaled_font_status(polices[p].cairo) != CAIRO_STATUS_SUCCESS)
			die(EX_SOFTWARE, "police %s : %s", polices[p].nom,
			    cairo_status_to_string(cairo_scaled_font_status(
			    polices[p].cairo)));
		/* where pango puts one line of it, to stand where pdf_texte would */
		l = pango_layout_new(d->ctx);
		pango_layout_set_font_description(l, polices[p].desc);
		pango_layout_set_text(l, "0", 1);
		polices[p].ligne = pdf_hauteur_layout(l) * e;
		polices[p].base = (double)pango_layout_get_baseline(l) / PANGO_SCALE * e;
		g_object_unref(l);
	}
	*ligne = polices[p].ligne;
	*base = polices[p].base;
	return polices[p].cairo;
}

/* The next code point of s (n bytes) from *i; -1 on a malformed sequence. */
static long
point(const char *s, size_t n, size_t *i)
{
	const unsigned char *p = (const unsigned char *)s + *i;
	size_t k, l = n - *i;
	long c;

	if (p[0] < 0x80) {
		(*i)++;
		return p[0];
	}
	k = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc0 ? 2 : 0;
	if (k == 0 || k > l)
		return -1;
	c = p[0] & (0x7f >> k);
	for (l = 1; l < k; l++) {
		if ((p[l] & 0xc0) != 0x80)
			return -1;
		c = c << 6 | (p[l] & 0x3f);
	}
	*i += k;
	return c;
}

/* The glyph of code point c (its UTF-8 bytes s, n), from the font's map. */
static const struct glyphe *
glyphe(struct pdf *d, int p, cairo_scaled_font_t *sf, long c, const char *s, size_t n)
{
	struct glyphe *g;
	cairo_glyph_t *gl = NULL;
	cairo_text_extents_t ext;
	int ng;

	(void)d;
	if (c < 0 || c >= NGLYPHES)
		return NULL;
	if (polices[p].glyphes == NULL)
		polices[p].glyphes = xcalloc(NGLYPHES, sizeof *g);
	g = &polices[p].glyphes[c];
	if (g->index == 0) {
		g->index = -1;
		if (cairo_scaled_font_text_to_glyphs(sf, 0, 0, s, (int)n, &gl, &ng,
		    NULL, NULL, NULL) == CAIRO_STATUS_SUCCESS && ng == 1) {
			cairo_scaled_font_glyph_extents(sf, gl, 1, &ext);
			g->index = (long)gl[0].index + 1;
			g->avance = ext.x_advance;
		}
		cairo_glyph_free(gl);
	}
	return g->index > 0 ? g : NULL;
}

/* The width of t (n bytes) from the glyph table; -1 if one of its
 * characters is not there (cairo's own conversion must do it). */
static double
largeur_glyphes(struct pdf *d, int p, cairo_scaled_font_t *sf, const char *t, size_t n)
{
	const struct glyphe *g;
	double w = 0;
	size_t i = 0, a;
	long c;

	while (i < n) {
		a = i;
		if ((c = point(t, n, &i)) == -1 ||
		    (g = glyphe(d, p, sf, c, t + a, i - a)) == NULL)
			return -1;
		w += g->avance;
	}
	return w;
}

static void
lot_place(struct pdf *d, int ng, int ncl)
{
	if (d->lot.ng + ng > d->lot.capg) {
		d->lot.capg = 2 * (d->lot.ng + ng) + 256;
		d->lot.g = xrealloc(d->lot.g, (size_t)d->lot.capg * sizeof *d->lot.g);
	}
	if (d->lot.ncl + ncl > d->lot.capcl) {
		d->lot.capcl = 2 * (d->lot.ncl + ncl) + 256;
		d->lot.cl = xrealloc(d->lot.cl, (size_t)d->lot.capcl * sizeof *d->lot.cl);
	}
}

/*
 * Appends the glyphs of t (n bytes, one line) at (x, y + base) to the
 * page's run: from the glyph table when every character is there, else
 * through cairo's conversion (clusters kept for copy). w is its width, as
 * largeur_glyphes gave it (-1: not from the table).
 */
static void
placer(struct pdf *d, int p, cairo_scaled_font_t *sf, double x, double y,
    const char *t, size_t n, double w)
{
	cairo_glyph_t *g = NULL;
	cairo_text_cluster_t *cl = NULL;
	cairo_text_cluster_flags_t fl;
	const struct glyphe *gl;
	int k, ng, ncl;
	size_t j, a;
	long c;

	if (n == 0)
		return;
	if (w >= 0)
		ng = ncl = (int)utf8_nchars(t, n);
	else if (cairo_scaled_font_text_to_glyphs(sf, x, y, t, (int)n, &g, &ng,
	    &cl, &ncl, &fl) != CAIRO_STATUS_SUCCESS)
		die(EX_DATAERR, "texte illisible : %.*s", (int)n, t);
	lot_place(d, ng, ncl);
	if (g == NULL)		/* one glyph per character */
		for (j = 0; j < n; x += gl->avance) {
			a = j;
			c = point(t, n, &j);
			gl = glyphe(d, p, sf, c, t + a, j - a);
			/* spaces are gaps, as readers expect: one glyph less
			 * for cairo to map and write, and no change of font
			 * subset for a no-break space */
			if (c == ' ' || c == 0xa0 || c == 0x202f)
				continue;
			d->lot.g[d->lot.ng].index = (unsigned long)(gl->index - 1);
			d->lot.g[d->lot.ng].x = x;
			d->lot.g[d->lot.ng++].y = y;
			d->lot.cl[d->lot.ncl].num_bytes = (int)(j - a);
			d->lot.cl[d->lot.ncl++].num_glyphs = 1;
			buf_add(&d->lot.texte, t + a, j - a);
		}
	else {
		for (k = 0; k < ng; k++)
			d->lot.g[d->lot.ng++] = g[k];
		memcpy(d->lot.cl + d->lot.ncl, cl, (size_t)ncl * sizeof *cl);
		d->lot.ncl += ncl;
		cairo_glyph_free(g);
		cairo_text_cluster_free(cl);
		buf_add(&d->lot.texte, t, n);
	}
}

/* The width of t (n bytes): from the glyph table, else from cairo (*table
 * set to 0). */
static double
largeur(struct pdf *d, int p, cairo_scaled_font_t *sf, const char *t, size_t n,
    int *table)
{
	cairo_glyph_t *g = NULL;
	cairo_text_extents_t ext;
	double w;
	int ng;

	*table = 1;
	if ((w = largeur_glyphes(d, p, sf, t, n)) >= 0)
		return w;
	*table = 0;
	if (cairo_scaled_font_text_to_glyphs(sf, 0, 0, t, (int)n, &g, &ng, NULL,
	    NULL, NULL) != CAIRO_STATUS_SUCCESS)
		die(EX_DATAERR, "texte illisible : %.*s", (int)n, t);
	cairo_scaled_font_glyph_extents(sf, g, ng, &ext);
	cairo_glyph_free(g);
	return ext.x_advance;
}

/* Starts the page's run in font sf: the run holds one font. */
static void
lot_police(struct pdf *d, cairo_scaled_font_t *sf)
{
	if (d->lot.sf != sf)
		vider(d);
	d->lot.sf = sf;
}

double
pdf_tabulation(struct pdf *d, double x, double y, const char *nom, int n,
    const double *bords, const int *alignements, const char *utf8)
{
	cairo_scaled_font_t *sf;
	const char *t = utf8, *tab;
	double ligne, base, w;
	int i, table, p = police(d, nom);
	size_t len;

	sf = police_cairo(d, p, &ligne, &base);
	if (d->mesure || d->suspendu)
		return ligne;
	lot_police(d, sf);
	for (i = 0; i < n && t != NULL; i++, t = tab ? tab + 1 : NULL) {
		tab = strchr(t, '\t');
		len = tab ? (size_t)(tab - t) : strlen(t);
		if (len == 0)
			continue;
		w = largeur(d, p, sf, t, len, &table);
		placer(d, p, sf, x + bords[i] - (alignements[i] == PDF_DROITE ? w :
		    alignements[i] == PDF_CENTRE ? w / 2 : 0), y + base, t, len,
		    table ? w : -1);
	}
	return ligne;
}

double
pdf_texte_simple(struct pdf *d, double x, double y, double w, const char *nom,
    const char *utf8)
{
	cairo_scaled_font_t *sf;
	double ligne, base, h = 0, *lw;
	const char *t, *nl;
	int p = police(d, nom), table, i, n = 1;

	sf = police_cairo(d, p, &ligne, &base);
	for (t = utf8; (t = strchr(t, '\n')) != NULL; t++)
		n++;
	lw = n <= 16 ? (double [16]){0} : xcalloc((size_t)n, sizeof *lw);
	/* first every line is measured: the text is all ours or all pango's */
	for (i = 0, t = utf8; t != NULL; t = nl ? nl + 1 : NULL, i++) {
		nl = strchr(t, '\n');
		lw[i] = largeur(d, p, sf, t, nl ? (size_t)(nl - t) : strlen(t), &table);
		if (lw[i] > w || !table) {
			h = -1;
			goto fin;
		}
	}
	if (!d->mesure && !d->suspendu)
		lot_police(d, sf);
	for (i = 0, t = utf8; t != NULL; t = nl ? nl + 1 : NULL, i++) {
		nl = strchr(t, '\n');
		if (!d->mesure && !d->suspendu)
			placer(d, p, sf, x, y + h + base, t, nl ? (size_t)(nl - t) :
			    strlen(t), lw[i]);
		h += ligne;
	}
fin:
	if (n > 16)
		free(lw);
	return h;
}

void
pdf_grouper(struct pdf *d)
{
	d->grouper = 1;
}

/* A cluster of one space, drawn as a gap (see placer()). */
static int
espace(const char *t, int n)
{
	return (n == 1 && t[0] == ' ') || (n == 2 && memcmp(t, "\xc2\xa0", 2) == 0) ||
	    (n == 3 && memcmp(t, "\xe2\x80\xaf", 3) == 0);
}

/*
 * The glyphs of d->layout, laid out by pango in font p at TAILLE, into the
 * page's run at their places scaled to p's size (same face, same glyphs),
 * with their clusters. 0, adding nothing, if a run is in another font (a
 * fallback), right to left, or has a glyph pango draws itself (unknown
 * character): pango_cairo_show_layout must draw it.
 */
static int
au_lot(struct pdf *d, int p, double x, double y)
{
	PangoLayoutIter *it;
	PangoLayoutRun *run;
	PangoGlyphString *gs;
	PangoRectangle r;
	cairo_scaled_font_t *sf;
	const char *texte = pango_layout_get_text(d->layout);
	double e = d->echelle, ligne, base;
	int ok = 1, k, kf, j, ng, xr, b, debut, fin;

	sf = police_cairo(d, p, &ligne, &base);
	it = pango_layout_get_iter(d->layout);
	do {
		if ((run = pango_layout_iter_get_run_readonly(it)) == NULL)
			continue;
		if (run->item->analysis.font != polices[p].font ||
		    run->item->analysis.level % 2 != 0)
			ok = 0;
		for (k = 0; ok && k < run->glyphs->num_glyphs; k++)
			if (run->glyphs->glyphs[k].glyph & PANGO_GLYPH_UNKNOWN_FLAG)
				ok = 0;
	} while (ok && pango_layout_iter_next_run(it));
	pango_layout_iter_free(it);
	if (!ok)
		return 0;
	lot_police(d, sf);
	it = pango_layout_get_iter(d->layout);
	do {
		if ((run = pango_layout_iter_get_run_readonly(it)) == NULL)
			continue;
		pango_layout_iter_get_run_extents(it, NULL, &r);
		b = pango_layout_iter_get_baseline(it);
		gs = run->glyphs;
		lot_place(d, gs->num_glyphs, gs->num_glyphs);
		xr = r.x;
		for (k = 0; k < gs->num_glyphs; k = kf) {
			for (kf = k + 1; kf < gs->num_glyphs &&
			    gs->log_clusters[kf] == gs->log_clusters[k]; kf++)
				;
			debut = run->item->offset + gs->log_clusters[k];
			fin = run->item->offset + (kf < gs->num_glyphs ?
			    gs->log_clusters[kf] : run->item->length);
			ng = 0;
			for (j = k; j < kf; j++) {
				PangoGlyphInfo *g = &gs->glyphs[j];

				if (g->glyph != PANGO_GLYPH_EMPTY &&
				    !espace(texte + debut, fin - debut)) {
					d->lot.g[d->lot.ng].index = g->glyph;
					d->lot.g[d->lot.ng].x = x + e *
					    (xr + g->geometry.x_offset) / PANGO_SCALE;
					d->lot.g[d->lot.ng++].y = y + e *
					    (b + g->geometry.y_offset) / PANGO_SCALE;
					ng++;
				}
				xr += g->geometry.width;
			}
			if (ng == 0)
				continue;
			d->lot.cl[d->lot.ncl].num_bytes = fin - debut;
			d->lot.cl[d->lot.ncl++].num_glyphs = ng;
			buf_add(&d->lot.texte, texte + debut, (size_t)(fin - debut));
		}
	} while (pango_layout_iter_next_run(it));
	pango_layout_iter_free(it);
	return 1;
}

double
pdf_largeur_simple(struct pdf *d, const char *nom, const char *utf8)
{
	double ligne, base;
	int table, p = police(d, nom);

	return largeur(d, p, police_cairo(d, p, &ligne, &base), utf8, strlen(utf8),
	    &table);
}
