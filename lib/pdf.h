/*
 * A4 documents with cairo + pango; needs pkg-config pangocairo (a command
 * using it lists pangocairo in cmd/NAME/pkgs). Unit = point, origin at the
 * top left of the page. Text is UTF-8, laid out by pango (real fonts,
 * wrapping, kerning).
 */
#ifndef CESUTG_PDF_H
#define CESUTG_PDF_H

#include <stdio.h>
#include <cairo.h>

enum { PDF_GAUCHE, PDF_DROITE, PDF_CENTRE };

struct pdf;

/*
 * A4 portrait. out NULL opens a document that only measures: pdf_texte
 * returns heights and pdf_page counts pages but nothing is drawn or
 * written (a first pass that learns the page count for "page N / M").
 * SOURCE_DATE_EPOCH, when set, is the document's creation date.
 */
struct pdf *pdf_ouvrir(FILE *out, const char *titre);
int	 pdf_fermer(struct pdf *);	/* 0, or -1 on write error; frees */
void	 pdf_page(struct pdf *);	/* ends the page, starts a new one */
cairo_t	*pdf_cairo(struct pdf *);	/* for charts and rules */
double	 pdf_largeur(const struct pdf *);	/* page width in points (595.28) */
double	 pdf_hauteur(const struct pdf *);	/* page height (841.89) */
/* Lays out UTF-8 text in a box of width w at (x, y) (top-left), with a Pango font
 * description such as "DejaVu Sans 9" or "DejaVu Sans Bold 12"; returns the height used. */
double	 pdf_texte(struct pdf *, double x, double y, double w, const char *police,
	    int alignement, const char *utf8);
void	 pdf_trait(struct pdf *, double x0, double y0, double x1, double y1, double epaisseur);

/* Additions. */
/* The height pdf_texte would use, drawing nothing. */
double	 pdf_mesure(struct pdf *, double w, const char *police, const char *utf8);
/* The width of one unwrapped line of text. */
double	 pdf_largeur_texte(struct pdf *, const char *police, const char *utf8);
/* A filled rectangle, gray level 0 (black) .. 1 (white). */
void	 pdf_rectangle(struct pdf *, double x, double y, double w, double h, double gris);
/* Large light text across the page's diagonal ("DUPLICATA"), lines
 * separated by '\n', centred; drawn as outlines, so not extracted as text. */
void	 pdf_filigrane(struct pdf *, const char *police, const char *utf8);
int	 pdf_numero(const struct pdf *);	/* current page, from 1 */

#endif
