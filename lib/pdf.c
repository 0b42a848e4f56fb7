/*
 * PDF documents through cairo's PDF surface and pango. One PangoLayout is
 * reused for every piece of text and font descriptions are cached by name,
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

struct pdf {
	cairo_surface_t	*surface;
	cairo_t		*cr;
	PangoFontMap	*fm;		/* its own: freed with the document */
	PangoContext	*ctx;		/* one for all layouts */
	PangoLayout	*layout;	/* the last one laid out */
	struct {			/* pdf_tabulation's glyphs not yet shown */
		cairo_scaled_font_t	*sf;
		cairo_glyph_t		*g;
		cairo_text_cluster_t	*cl;
		int			 ng, ncl, capg, capcl;
		struct buf		 texte;
	} lot;
	struct disposition *cache;	/* open addressing, by empreinte */
	size_t		 ncache, capcache;
	FILE		*out;
	int		 mesure;	/* only measures: nothing drawn */
	int		 suspendu;	/* pdf_dessin(d, 0): nothing drawn for now */
	int		 erreur;
	int		 page;
	struct {
		char			*nom;
		PangoFontDescription	*desc;
		PangoFont		*font;	/* for pdf_tabulation */
		cairo_scaled_font_t	*cairo;
		double			 ligne, base;
		struct glyphe		*glyphes;	/* by code point, < NGLYPHES */
	} polices[NPOLICES];
	int		 npolices;
};

static void oublier(struct pdf *);

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
	d->fm = pango_cairo_font_map_new();
	d->ctx = pango_font_map_create_context(d->fm);
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
	int i, r;

	vider(d);
	free(d->lot.g);
	free(d->lot.cl);
	buf_free(&d->lot.texte);
	oublier(d);
	free(d->cache);
	g_object_unref(d->ctx);
	cairo_destroy(d->cr);
	cairo_surface_finish(d->surface);
	if (cairo_surface_status(d->surface) != CAIRO_STATUS_SUCCESS)
		d->erreur = 1;
	cairo_surface_destroy(d->surface);
	for (i = 0; i < d->npolices; i++) {
		free(d->polices[i].nom);
		pango_font_description_free(d->polices[i].desc);
		if (d->polices[i].font != NULL)
			g_object_unref(d->polices[i].font);
		free(d->polices[i].glyphes);
	}
	g_object_unref(d->fm);
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

	for (i = 0; i < d->npolices; i++)
		if (strcmp(d->polices[i].nom, nom) == 0)
			return i;
	if (d->npolices == NPOLICES)
		die(EX_SOFTWARE, "pdf : plus de %d polices dans un document", NPOLICES);
	d->polices[i].nom = xstrdup(nom);
	d->polices[i].desc = pango_font_description_from_string(nom);
	d->npolices++;
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

	for (i = 0; i < d->capcache; i++)
		if (d->cache[i].l != NULL) {
			g_object_unref(d->cache[i].l);
			free(d->cache[i].texte);
			d->cache[i].l = NULL;
		}
	d->ncache = 0;
}

/* Doubles the table, or empties it past NCACHE_MAX: memory stays bounded. */
static void
agrandir(struct pdf *d)
{
	struct disposition *ancien = d->cache;
	size_t i, j, cap = d->capcache;

	if (cap >= 2 * NCACHE_MAX) {
		oublier(d);
		return;
	}
	d->capcache = cap ? 2 * cap : 256;
	d->cache = xcalloc(d->capcache, sizeof *d->cache);
	for (i = 0; i < cap; i++) {
		if (ancien[i].l == NULL)
			continue;
		for (j = ancien[i].h & (d->capcache - 1); d->cache[j].l != NULL;
		    j = (j + 1) & (d->capcache - 1))
			;
		d->cache[j] = ancien[i];
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
	if (2 * (d->ncache + 1) > d->capcache)
		agrandir(d);
	for (j = h & (d->capcache - 1); (c = &d->cache[j])->l != NULL;
	    j = (j + 1) & (d->capcache - 1))
		if (c->h == h && c->police == p && c->w == w &&
		    c->align == alignement && strcmp(c->texte, utf8) == 0) {
			d->layout = c->l;
			return c->hauteur;
		}
	c->l = l = pango_layout_new(d->ctx);
	d->ncache++;
	pango_layout_set_font_description(l, d->polices[p].desc);
	if (w > 0) {
		pango_layout_set_width(l, (int)(w * PANGO_SCALE));
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
	c->hauteur = (double)lh / PANGO_SCALE;
	d->layout = l;
	return c->hauteur;
}

double
pdf_texte(struct pdf *d, double x, double y, double w, const char *nom,
    int alignement, const char *utf8)
{
	double h = disposer(d, w, nom, alignement, utf8);

	if (!d->mesure && !d->suspendu) {
		cairo_move_to(d->cr, x, y);
		pango_cairo_show_layout(d->cr, d->layout);
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
	return (double)lw / PANGO_SCALE;
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
	disposer(d, -1, nom, PDF_CENTRE, utf8);
	pango_layout_get_size(d->layout, &lw, &lh);
	cairo_save(d->cr);
	cairo_translate(d->cr, A4_L / 2, A4_H / 2);
	cairo_rotate(d->cr, -DIAGONALE);
	cairo_set_source_rgba(d->cr, 0.55, 0.55, 0.55, 0.22);
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

	if (d->polices[p].cairo == NULL) {
		f = pango_context_load_font(d->ctx, d->polices[p].desc);
		if (f == NULL)
			die(EX_SOFTWARE, "police introuvable : %s", d->polices[p].nom);
		d->polices[p].font = f;
		d->polices[p].cairo = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(f));
		/* where pango puts one line of it, to stand where pdf_texte would */
		l = pango_layout_new(d->ctx);
		pango_layout_set_font_description(l, d->polices[p].desc);
		pango_layout_set_text(l, "0", 1);
		d->polices[p].ligne = pdf_hauteur_layout(l);
		d->polices[p].base = (double)pango_layout_get_baseline(l) / PANGO_SCALE;
		g_object_unref(l);
	}
	*ligne = d->polices[p].ligne;
	*base = d->polices[p].base;
	return d->polices[p].cairo;
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

	if (c < 0 || c >= NGLYPHES)
		return NULL;
	if (d->polices[p].glyphes == NULL)
		d->polices[p].glyphes = xcalloc(NGLYPHES, sizeof *g);
	g = &d->polices[p].glyphes[c];
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

double
pdf_tabulation(struct pdf *d, double x, double y, const char *nom, int n,
    const double *bords, const int *alignements, const char *utf8)
{
	cairo_scaled_font_t *sf;
	cairo_glyph_t *g = NULL;
	cairo_text_cluster_t *cl = NULL;
	cairo_text_cluster_flags_t fl;
	cairo_text_extents_t ext;
	const char *t = utf8, *tab;
	double ligne, base, x0, w;
	int i, k, ng, ncl, p = police(d, nom);
	size_t len, j;

	sf = police_cairo(d, p, &ligne, &base);
	if (d->mesure || d->suspendu)
		return ligne;
	if (d->lot.sf != sf)
		vider(d);
	d->lot.sf = sf;
	for (i = 0; i < n && t != NULL; i++, t = tab ? tab + 1 : NULL) {
		tab = strchr(t, '\t');
		len = tab ? (size_t)(tab - t) : strlen(t);
		if (len == 0)
			continue;
		if ((w = largeur_glyphes(d, p, sf, t, len)) >= 0) {
			ng = ncl = (int)utf8_nchars(t, len);
			g = NULL;
		} else if (cairo_scaled_font_text_to_glyphs(sf, 0, 0, t, (int)len, &g,
		    &ng, &cl, &ncl, &fl) == CAIRO_STATUS_SUCCESS) {
			cairo_scaled_font_glyph_extents(sf, g, ng, &ext);
			w = ext.x_advance;
		} else
			die(EX_DATAERR, "texte illisible : %.*s", (int)len, t);
		x0 = x + bords[i] - (alignements[i] == PDF_DROITE ? w :
		    alignements[i] == PDF_CENTRE ? w / 2 : 0);
		/* a space between texts, a cluster without glyphs, for copy */
		lot_place(d, ng, ncl + 1);
		if (d->lot.texte.len > 0) {
			buf_addc(&d->lot.texte, ' ');
			d->lot.cl[d->lot.ncl].num_bytes = 1;
			d->lot.cl[d->lot.ncl++].num_glyphs = 0;
		}
		if (g == NULL)		/* one glyph per character */
			for (j = 0; j < len; ) {
				size_t a = j;
				long c = point(t, len, &j);
				const struct glyphe *gl = glyphe(d, p, sf, c, t + a, j - a);

				d->lot.g[d->lot.ng].index = (unsigned long)(gl->index - 1);
				d->lot.g[d->lot.ng].x = x0;
				d->lot.g[d->lot.ng++].y = y + base;
				d->lot.cl[d->lot.ncl].num_bytes = (int)(j - a);
				d->lot.cl[d->lot.ncl++].num_glyphs = 1;
				x0 += gl->avance;
			}
		else {
			for (k = 0; k < ng; k++) {
				d->lot.g[d->lot.ng].index = g[k].index;
				d->lot.g[d->lot.ng].x = g[k].x + x0;
				d->lot.g[d->lot.ng++].y = g[k].y + y + base;
			}
			memcpy(d->lot.cl + d->lot.ncl, cl, (size_t)ncl * sizeof *cl);
			d->lot.ncl += ncl;
			cairo_glyph_free(g);
			cairo_text_cluster_free(cl);
			cl = NULL;
		}
		buf_add(&d->lot.texte, t, len);
	}
	return ligne;
}

double
pdf_largeur_simple(struct pdf *d, const char *nom, const char *utf8)
{
	cairo_scaled_font_t *sf;
	cairo_glyph_t *g = NULL;
	cairo_text_extents_t ext;
	double ligne, base, w;
	int ng, p = police(d, nom);

	sf = police_cairo(d, p, &ligne, &base);
	if ((w = largeur_glyphes(d, p, sf, utf8, strlen(utf8))) >= 0)
		return w;
	if (cairo_scaled_font_text_to_glyphs(sf, 0, 0, utf8, -1, &g, &ng, NULL,
	    NULL, NULL) != CAIRO_STATUS_SUCCESS)
		die(EX_DATAERR, "texte illisible : %s", utf8);
	cairo_scaled_font_glyph_extents(sf, g, ng, &ext);
	cairo_glyph_free(g);
	return ext.x_advance;
}
