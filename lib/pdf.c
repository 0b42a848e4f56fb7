/*
 * PDF documents through cairo's PDF surface and pango. One PangoLayout is
 * reused for every piece of text and font descriptions are cached by name,
 * so that rendering a table of a few hundred cells stays cheap.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "err.h"
#include "pdf.h"

#define A4_L	595.28
#define A4_H	841.89
#define NPOLICES 8
#define DIAGONALE 0.9553166181245093	/* atan(sqrt 2): the A4 diagonal's angle */

struct pdf {
	cairo_surface_t	*surface;
	cairo_t		*cr;
	PangoLayout	*layout;
	FILE		*out;
	int		 mesure;	/* only measures: nothing drawn */
	int		 erreur;
	int		 page;
	struct {
		char			*nom;
		PangoFontDescription	*desc;
	} polices[NPOLICES];
	int		 npolices;
};

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
	d->layout = pango_cairo_create_layout(d->cr);
	return d;
}

int
pdf_fermer(struct pdf *d)
{
	int i, r;

	g_object_unref(d->layout);
	cairo_destroy(d->cr);
	cairo_surface_finish(d->surface);
	if (cairo_surface_status(d->surface) != CAIRO_STATUS_SUCCESS)
		d->erreur = 1;
	cairo_surface_destroy(d->surface);
	for (i = 0; i < d->npolices; i++) {
		free(d->polices[i].nom);
		pango_font_description_free(d->polices[i].desc);
	}
	if (!d->mesure && fflush(d->out) != 0)
		d->erreur = 1;
	r = d->erreur ? -1 : 0;
	free(d);
	return r;
}

void
pdf_page(struct pdf *d)
{
	cairo_show_page(d->cr);
	d->page++;
}

int
pdf_numero(const struct pdf *d)
{
	return d->page;
}

cairo_t *
pdf_cairo(struct pdf *d)
{
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

static PangoFontDescription *
police(struct pdf *d, const char *nom)
{
	PangoFontDescription *f;
	int i;

	for (i = 0; i < d->npolices; i++)
		if (strcmp(d->polices[i].nom, nom) == 0)
			return d->polices[i].desc;
	f = pango_font_description_from_string(nom);
	if (d->npolices == NPOLICES) {	/* full: recycle the oldest slot */
		free(d->polices[0].nom);
		pango_font_description_free(d->polices[0].desc);
		memmove(&d->polices[0], &d->polices[1],
		    (NPOLICES - 1) * sizeof d->polices[0]);
		d->npolices--;
	}
	d->polices[d->npolices].nom = xstrdup(nom);
	d->polices[d->npolices].desc = f;
	d->npolices++;
	return f;
}

/* Prepares the shared layout; returns its height in points. */
static double
disposer(struct pdf *d, double w, const char *nom, int alignement, const char *utf8)
{
	PangoLayout *l = d->layout;
	int lw, lh;

	pango_layout_set_font_description(l, police(d, nom));
	if (w > 0) {
		pango_layout_set_width(l, (int)(w * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	} else
		pango_layout_set_width(l, -1);
	pango_layout_set_alignment(l, alignement == PDF_DROITE ? PANGO_ALIGN_RIGHT :
	    alignement == PDF_CENTRE ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
	pango_layout_set_text(l, utf8 ? utf8 : "", -1);
	pango_layout_get_size(l, &lw, &lh);
	return (double)lh / PANGO_SCALE;
}

double
pdf_texte(struct pdf *d, double x, double y, double w, const char *nom,
    int alignement, const char *utf8)
{
	double h = disposer(d, w, nom, alignement, utf8);

	if (!d->mesure) {
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
	if (d->mesure)
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
	if (d->mesure)
		return;
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

	if (d->mesure)
		return;
	disposer(d, -1, nom, PDF_CENTRE, utf8);
	pango_layout_get_size(d->layout, &lw, &lh);
	cairo_save(d->cr);
	cairo_translate(d->cr, A4_L / 2, A4_H / 2);
	cairo_rotate(d->cr, -DIAGONALE);
	cairo_set_source_rgba(d->cr, 0.75, 0.75, 0.75, 0.5);
	cairo_move_to(d->cr, -(double)lw / PANGO_SCALE / 2,
	    -(double)lh / PANGO_SCALE / 2);
	/* as outlines, not text: the copy's extracted text stays the original's */
	pango_cairo_layout_path(d->cr, d->layout);
	cairo_fill(d->cr);
	cairo_restore(d->cr);
}
