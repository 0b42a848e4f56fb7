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
/* The outline of a rectangle, in the current source colour. */
void	 pdf_cadre(struct pdf *, double x, double y, double w, double h, double epaisseur);
/* actif 0: drawing calls only measure until pdf_dessin(d, 1), to learn
 * whether a block fits before drawing it, and pdf_page only counts; returns
 * the previous state. Texts laid out while measuring are kept for drawing:
 * a document measured whole (for "page N / M"), then renumbered from 1
 * and drawn, shapes each text once. */
int	 pdf_dessin(struct pdf *, int actif);
void	 pdf_numeroter(struct pdf *, int numero);	/* sets the current page's number */
/*
 * One line of n texts separated by tabs, the i-th standing at x + bords[i]
 * (its left edge for PDF_GAUCHE, centre for PDF_CENTRE, right edge for
 * PDF_DROITE), top at y as pdf_texte would put it. Drawn with cairo from
 * the font's character map, without pango (no kerning, no wrapping, no
 * complex scripts: for figures, dates and codes), several times cheaper
 * than pdf_texte. The glyphs are gathered and shown at the latest at the
 * page's end, or before pdf_cairo() or pdf_rectangle(): lines drawn
 * meanwhile lie under them. Returns the line's height.
 */
double	 pdf_tabulation(struct pdf *, double x, double y, const char *police, int n,
	    const double *bords, const int *alignements, const char *utf8);
/*
 * From now on pdf_texte's text also joins the page's run of glyphs when
 * it is all in the font asked (pango's places, kerning kept): a page is
 * then a few cairo operations, not one per text. The caller changes the
 * colour and the transformation only through pdf_cairo(), which shows the
 * run first.
 */
void	 pdf_grouper(struct pdf *);
/* The width pdf_tabulation gives one text (no tab). */
double	 pdf_largeur_simple(struct pdf *, const char *police, const char *utf8);
/*
 * A left-aligned text at (x, y), drawn as pdf_tabulation draws (same
 * limits, same run of glyphs), one line per '\n'; returns the height
 * used, or -1, drawing nothing, when a line is wider than w (pdf_texte
 * wraps it) or a character is outside Latin and punctuation.
 */
double	 pdf_texte_simple(struct pdf *, double x, double y, double w, const char *police,
	    const char *utf8);

/*
 * Optional, before the first pdf_ouvrir: loads the fonts of DejaVu Sans's
 * directory under /usr/share/fonts through the system's font cache
 * instead of reading the whole fontconfig configuration, which costs more
 * than a small document (the usual configuration stays when DejaVu Sans
 * is not found there or FONTCONFIG_FILE is set). A command calling it
 * lists fontconfig in cmd/NAME/pkgs.
 */
void	 pdf_polices_systeme(void);

#endif
