/*
 * Bar and line charts on a lib/pdf page. Coordinates are points, origin at
 * the top left; values stay int64 until they become positions on the page.
 */
#include <stdio.h>
#include <string.h>

#include <cairo.h>

#include "graphique.h"

#define P_TITRE		"DejaVu Sans Bold 9.5"
#define P_AXE		"DejaVu Sans Condensed 6.5"
#define P_LEGENDE	"DejaVu Sans Condensed 7"
#define P_VALEUR	"DejaVu Sans Condensed 6"
#define NTRAITS		5

/* Okabe-Ito: told apart by colour-blind readers and in gray print. */
static const double palette[][3] = {
	{ 0.000, 0.447, 0.698 },	/* blue */
	{ 0.902, 0.624, 0.000 },	/* orange */
	{ 0.000, 0.620, 0.451 },	/* bluish green */
	{ 0.800, 0.475, 0.655 },	/* reddish purple */
	{ 0.337, 0.706, 0.914 },	/* sky blue */
	{ 0.835, 0.369, 0.000 },	/* vermillion */
	{ 0.533, 0.133, 0.333 },	/* wine */
	{ 0.400, 0.400, 0.400 },	/* gray */
};

void
graphique_couleur(size_t i, double rgb[3])
{
	const double *c = palette[i % (sizeof palette / sizeof palette[0])];

	rgb[0] = c[0];
	rgb[1] = c[1];
	rgb[2] = c[2];
}

char *
graphique_nombre(int64_t v, int64_t echelle, int decimales, char *buf,
    size_t n)
{
	char chiffres[32], *p = buf, *fin = buf + n - 1;
	uint64_t a, e = echelle > 0 ? (uint64_t)echelle : 1, unite, ent, frac;
	int neg = v < 0, i, len, dec = decimales < 0 ? 0 : decimales > 6 ? 6 :
	    decimales;

	a = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	for (unite = 1, i = 0; i < dec; i++)
		unite *= 10;
	/* a / e in units of 10^-dec, half away from zero. */
	a = (a * unite + e / 2) / e;
	ent = a / unite;
	frac = a % unite;
	if (a == 0)
		neg = 0;
	len = snprintf(chiffres, sizeof chiffres, "%llu",
	    (unsigned long long)ent);
	if (neg && p < fin)
		*p++ = '-';
	for (i = 0; i < len && p < fin; i++) {
		if (i > 0 && (len - i) % 3 == 0) {	/* U+202F */
			if (fin - p < 3)
				break;
			*p++ = (char)0xe2;
			*p++ = (char)0x80;
			*p++ = (char)0xaf;
		}
		*p++ = chiffres[i];
	}
	if (dec > 0 && fin - p > dec) {
		*p++ = ',';
		snprintf(p, (size_t)(fin - p + 1), "%0*llu", dec,
		    (unsigned long long)frac);
		p += dec;
	}
	*p = '\0';
	return buf;
}

int64_t
graphique_pas(int64_t max, int ntraits)
{
	static const int64_t m[] = { 10, 20, 25, 50 };
	int64_t p;
	size_t i;

	if (ntraits < 1)
		ntraits = 1;
	for (p = 1; p < INT64_MAX / 100; p *= 10)
		for (i = 0; i < sizeof m / sizeof m[0]; i++)
			if (m[i] * p % 10 == 0 && m[i] * p / 10 * ntraits >= max)
				return m[i] * p / 10;
	return p;
}

static void
noir(cairo_t *cr)
{
	cairo_set_source_rgb(cr, 0, 0, 0);
}

static void
couleur(cairo_t *cr, const struct graphique *g, size_t s)
{
	double c[3];

	graphique_couleur(g->couleurs != NULL ? g->couleurs[s] : s, c);
	cairo_set_source_rgb(cr, c[0], c[1], c[2]);
}

/* The legend, right-aligned on one or more lines; returns its height. */
static double
legende(struct pdf *d, double x, double y, double w, const struct graphique *g)
{
	cairo_t *cr = pdf_cairo(d);
	double lx = x, ly = y, lh = 9, lw;
	size_t s;

	for (s = 0; s < g->nseries; s++) {
		lw = 10 + pdf_largeur_texte(d, P_LEGENDE, g->series[s]) + 10;
		if (lx + lw > x + w && lx > x) {
			lx = x;
			ly += lh;
		}
		couleur(cr, g, s);
		cairo_rectangle(cr, lx, ly + 2, 7, 6);
		cairo_fill(cr);
		noir(cr);
		pdf_texte(d, lx + 9, ly, -1, P_LEGENDE, PDF_GAUCHE, g->series[s]);
		lx += lw;
	}
	return ly - y + lh;
}

/* The axis [bas, haut] holding 0 and every value, in steps of pas. */
static void
axe(const struct graphique *g, int64_t *bas, int64_t *haut, int64_t *pas)
{
	int64_t mn = 0, mx = 0, grain = g->echelle, v;
	size_t i, n = g->nseries * g->ncategories;
	int k;

	for (k = 0; k < g->decimales && grain % 10 == 0; k++)
		grain /= 10;
	if (grain < 1)
		grain = 1;
	for (i = 0; i < n; i++) {
		v = g->valeurs[i];
		mn = v < mn ? v : mn;
		mx = v > mx ? v : mx;
	}
	if (mx == mn)
		mx = mn + grain;
	*pas = graphique_pas((mx - mn + grain - 1) / grain, NTRAITS) * grain;
	*bas = mn < 0 ? -((-mn + *pas - 1) / *pas) * *pas : 0;
	*haut = mx > 0 ? (mx + *pas - 1) / *pas * *pas : 0;
	if (*haut == *bas)
		*haut = *bas + *pas;
}

void
graphique_dessiner(struct pdf *d, double x, double y, double w, double h,
    const struct graphique *g)
{
	cairo_t *cr = pdf_cairo(d);
	char buf[64], lab[80];
	int64_t bas, haut, pas, t;
	double top = y, gauche = 0, lw, slot, ph, py0, px0, pw, bw, vx, vy,
	    y0, labh = 9, maxlab = 0;
	size_t s, c;
	int tourne, dt;

	if (g->titre != NULL) {
		noir(cr);
		top += pdf_texte(d, x, top, w, P_TITRE, PDF_GAUCHE, g->titre) + 2;
	}
	if (g->nseries > 1 || g->forme != GRAPHIQUE_BARRES)
		top += legende(d, x, top, w, g) + 3;
	if (g->ncategories == 0 || g->nseries == 0)
		return;
	axe(g, &bas, &haut, &pas);
	/* Ticks on whole units need no decimals. */
	dt = pas % (g->echelle > 0 ? g->echelle : 1) == 0 ? 0 : g->decimales;
	for (t = bas; t <= haut; t += pas) {
		graphique_nombre(t, g->echelle, dt, buf, sizeof buf);
		snprintf(lab, sizeof lab, "%s%s%s", buf, g->unite ? " " : "",
		    g->unite ? g->unite : "");
		lw = pdf_largeur_texte(d, P_AXE, lab);
		gauche = lw > gauche ? lw : gauche;
	}
	px0 = x + gauche + 4;
	pw = x + w - px0;
	slot = pw / (double)g->ncategories;
	for (c = 0; c < g->ncategories; c++) {
		lw = pdf_largeur_texte(d, P_AXE, g->categories[c]);
		maxlab = lw > maxlab ? lw : maxlab;
	}
	tourne = maxlab > slot - 2;
	if (tourne)
		labh = maxlab > 70 ? 70 : maxlab + 2;
	py0 = y + h - labh - 3;		/* the plot's bottom */
	ph = py0 - top - 4;
	if (ph < 20)
		return;
#define YV(v) (py0 - ph * (double)((v) - bas) / (double)(haut - bas))
	/* Grid and tick labels. */
	cairo_set_line_width(cr, 0.4);
	for (t = bas; t <= haut; t += pas) {
		vy = YV(t);
		cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
		cairo_move_to(cr, px0, vy);
		cairo_line_to(cr, px0 + pw, vy);
		cairo_stroke(cr);
		noir(cr);
		graphique_nombre(t, g->echelle, dt, buf, sizeof buf);
		snprintf(lab, sizeof lab, "%s%s%s", buf, g->unite ? " " : "",
		    g->unite ? g->unite : "");
		pdf_texte(d, x, vy - 4, gauche, P_AXE, PDF_DROITE, lab);
	}
	/* Category labels, turned upright when they do not fit. */
	noir(cr);
	for (c = 0; c < g->ncategories; c++) {
		vx = px0 + slot * ((double)c + 0.5);
		if (!tourne) {
			pdf_texte(d, vx - slot / 2, py0 + 2, slot, P_AXE,
			    PDF_CENTRE, g->categories[c]);
			continue;
		}
		cairo_save(cr);
		cairo_translate(cr, vx - 4, py0 + 3);
		cairo_rotate(cr, 1.5707963267948966);
		pdf_texte(d, 0, -8, labh, P_AXE, PDF_GAUCHE, g->categories[c]);
		cairo_restore(cr);
	}
	y0 = YV(0);
	if (g->forme == GRAPHIQUE_COURBES) {
		for (s = 0; s < g->nseries; s++) {
			couleur(cr, g, s);
			cairo_set_line_width(cr, 1.4);
			for (c = 0; c < g->ncategories; c++) {
				vx = px0 + slot * ((double)c + 0.5);
				vy = YV(g->valeurs[s * g->ncategories + c]);
				if (c == 0)
					cairo_move_to(cr, vx, vy);
				else
					cairo_line_to(cr, vx, vy);
			}
			cairo_stroke(cr);
			for (c = 0; c < g->ncategories; c++) {
				vx = px0 + slot * ((double)c + 0.5);
				vy = YV(g->valeurs[s * g->ncategories + c]);
				cairo_arc(cr, vx, vy, 1.8, 0, 6.283185307179586);
				cairo_fill(cr);
			}
		}
	} else {
		bw = slot * 0.8 / (double)g->nseries;
		for (c = 0; c < g->ncategories; c++)
			for (s = 0; s < g->nseries; s++) {
				t = g->valeurs[s * g->ncategories + c];
				vx = px0 + slot * ((double)c + 0.1) + bw * (double)s;
				vy = YV(t);
				couleur(cr, g, s);
				cairo_rectangle(cr, vx, vy < y0 ? vy : y0, bw,
				    vy < y0 ? y0 - vy : vy - y0);
				cairo_fill(cr);
				if (g->forme != GRAPHIQUE_BARRES)
					continue;
				/* A lone series: its value above its bar. */
				graphique_nombre(t, g->echelle, g->decimales, buf,
				    sizeof buf);
				noir(cr);
				pdf_texte(d, vx - slot * 0.1, (vy < y0 ? vy : y0) - 8,
				    slot, P_VALEUR, PDF_CENTRE, buf);
			}
	}
#undef YV
	/* Axes over the bars. */
	noir(cr);
	cairo_set_line_width(cr, 0.8);
	cairo_move_to(cr, px0, top + 2);
	cairo_line_to(cr, px0, py0);
	cairo_stroke(cr);
	cairo_move_to(cr, px0, y0);
	cairo_line_to(cr, px0 + pw, y0);
	cairo_stroke(cr);
}
