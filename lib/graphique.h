/*
 * Charts drawn with cairo on a page of lib/pdf: bars, grouped bars and
 * lines, with axes, ticks, labels and a legend. No floating point in the
 * data: values are int64 in a scale (echelle 100 = cents shown as euros,
 * centi-hours as hours). Needs pkg-config pangocairo, as lib/pdf does.
 */
#ifndef CESUTG_GRAPHIQUE_H
#define CESUTG_GRAPHIQUE_H

#include <stddef.h>
#include <stdint.h>

#include "pdf.h"

enum graphique_forme {
	GRAPHIQUE_BARRES,	/* one series: a bar per category, its value on top */
	GRAPHIQUE_GROUPES,	/* a group of bars per category, a bar per series */
	GRAPHIQUE_COURBES	/* a line per series across the categories */
};

struct graphique {
	enum graphique_forme forme;
	const char	*titre;		/* above the chart; NULL: none */
	const char	*unite;		/* after tick labels ("h", "€", "%"); NULL: none */
	int64_t		 echelle;	/* value v is shown as v / echelle (>= 1) */
	int		 decimales;	/* decimals shown (0 to 2) */
	size_t		 nseries;
	size_t		 ncategories;
	const char *const *series;	/* legend labels, nseries */
	const char *const *categories;	/* x labels, ncategories */
	const int64_t	*valeurs;	/* [s * ncategories + c] */
	const size_t	*couleurs;	/* per series, a graphique_couleur index;
					   NULL: the series' rank */
};

/* Draws g in the box of width w and height h whose top left is (x, y). */
void	 graphique_dessiner(struct pdf *d, double x, double y, double w,
	    double h, const struct graphique *g);

/* The color of series i (cycled), as red, green, blue in 0..1. */
void	 graphique_couleur(size_t i, double rgb[3]);

/*
 * v / echelle with the given decimals, French style: "1 234,56" with a
 * narrow no-break space (U+202F) between thousands and a decimal comma;
 * rounded half away from zero. Returns buf.
 */
char	*graphique_nombre(int64_t v, int64_t echelle, int decimales, char *buf,
	    size_t n);

/* A round step (1, 2, 2.5 or 5 times a power of ten, in the units of the
 * values) so that [0, max] takes at most ntraits steps. */
int64_t	 graphique_pas(int64_t max, int ntraits);

#endif
