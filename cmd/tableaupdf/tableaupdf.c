/*
 * tableaupdf: a dashboard of `registre tableau` (page, section, forme,
 * serie, categorie, valeur, unite) or an extract of `registre extrait`
 * (section, code_sad, ...) read on stdin, written as an A4 PDF on stdout:
 * charts drawn by lib/graphique with the figures of each chart in a table
 * under it, tables for the rest. See tableaupdf(1) and tableau(5).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo.h>

#include "csvio.h"
#include "err.h"
#include "graphique.h"
#include "pdf.h"

#define MARGE		36.0
#define H_GRAPHIQUE	150.0
#define H_LIGNE		9.0
#define LISTE_MAX	40	/* rows of a list shown; the CSV has them all */

#define P_TITRE		"DejaVu Sans Bold 12"
#define P_SECTION	"DejaVu Sans Bold 9.5"
#define P_CELLULE	"DejaVu Sans Condensed 6.5"
#define P_CELLULE_G	"DejaVu Sans Condensed Bold 6.5"
#define P_PETIT		"DejaVu Sans Condensed 5.5"
#define P_PETIT_G	"DejaVu Sans Condensed Bold 5.5"
#define P_PIED		"DejaVu Sans 7"

static const char usage_text[] =
    "usage : tableaupdf < tableau.csv > tableau.pdf\n"
    "        tableaupdf < extrait.csv > extrait.pdf\n";

static const char *const cols_tableau[] = { "page", "section", "forme",
    "serie", "categorie", "valeur", "unite" };
enum { T_PAGE, T_SECTION, T_FORME, T_SERIE, T_CATEGORIE, T_VALEUR, T_UNITE,
    T_N };
static const char *const cols_extrait[] = { "section", "code_sad",
    "identifiant_beneficiaire_salsa", "nom", "prenom", "reference",
    "date_debut", "date_fin", "mois", "code", "libelle", "quantite", "montant",
    "statut", "detail" };
enum { E_SECTION, E_SAD, E_BEN, E_NOM, E_PRENOM, E_REF, E_DEBUT, E_FIN,
    E_MOIS, E_CODE, E_LIBELLE, E_QUANTITE, E_MONTANT, E_STATUT, E_DETAIL,
    E_N };
static const char *const titres_extrait[E_N] = { "Section", "SAD",
    "Bénéficiaire", "Nom", "Prénom", "Référence", "Début", "Fin", "Mois",
    "Code", "Libellé", "Quantité", "Montant", "Statut", "Détail" };

/* One CSV row, its values copied. */
struct ligne {
	char		**v;
	int64_t		 x;	/* the number of a dashboard row (valeur x 100) */
	unsigned long	 no;
};

struct doc {
	struct pdf	*d;
	double		 y;
	const char	*titre;	/* the current page's title */
	const char	**noms;	/* series seen, in order: one colour each */
	size_t		 nnoms;
	int		 petit;	/* table cells in the small font */
};

/* "123.45", "-7", "0.5" as hundredths; 0 if not a decimal. */
static int
centiemes(const char *s, int64_t *x)
{
	int64_t e = 0, f = 0;
	int neg = *s == '-', nd = 0;

	if (neg)
		s++;
	if (*s < '0' || *s > '9')
		return 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (e > INT64_MAX / 100)
			return 0;
		e = e * 10 + (*s - '0');
	}
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9' && nd < 2; s++, nd++)
			f = f * 10 + (*s - '0');
	if (*s != '\0')
		return 0;
	while (nd++ < 2)
		f *= 10;
	*x = (neg ? -1 : 1) * (e * 100 + f);
	return 1;
}

static const char *
unite_affichee(const char *u)
{
	if (strcmp(u, "EUR") == 0)
		return "€";
	if (strcmp(u, "nombre") == 0 || *u == '\0')
		return NULL;
	return u;
}

static int
decimales(const char *u)
{
	return strcmp(u, "nombre") == 0 ? 0 : 2;
}

/* A value with its unit: "1 234,56 h". */
static char *
valeur_texte(int64_t x, const char *unite, char *buf, size_t n)
{
	char nb[48];
	const char *u = unite_affichee(unite);

	graphique_nombre(x, 100, decimales(unite), nb, sizeof nb);
	snprintf(buf, n, "%s%s%s", nb, u ? " " : "", u ? u : "");
	return buf;
}

static void
pied(struct doc *o)
{
	char buf[32];

	cairo_set_source_rgb(pdf_cairo(o->d), 0.4, 0.4, 0.4);
	snprintf(buf, sizeof buf, "page %d", pdf_numero(o->d));
	pdf_texte(o->d, MARGE, pdf_hauteur(o->d) - 24, pdf_largeur(o->d) -
	    2 * MARGE, P_PIED, PDF_CENTRE, buf);
	cairo_set_source_rgb(pdf_cairo(o->d), 0, 0, 0);
}

/* Starts a page under title t (the first page is already open). */
static void
page(struct doc *o, const char *t, int suite)
{
	char buf[512];

	if (o->y > 0) {
		pied(o);
		pdf_page(o->d);
	}
	o->titre = t;
	snprintf(buf, sizeof buf, "%s%s", t, suite ? " (suite)" : "");
	cairo_set_source_rgb(pdf_cairo(o->d), 0, 0, 0);
	o->y = MARGE + pdf_texte(o->d, MARGE, MARGE, pdf_largeur(o->d) -
	    2 * MARGE, P_TITRE, PDF_GAUCHE, buf);
	pdf_trait(o->d, MARGE, o->y + 3, pdf_largeur(o->d) - MARGE, o->y + 3,
	    0.8);
	o->y += 12;
}

static double
bas(const struct doc *o)
{
	return pdf_hauteur(o->d) - MARGE - 10;
}

/* Room for h more points, else a new page. */
static void
place(struct doc *o, double h)
{
	if (o->y + h > bas(o))
		page(o, o->titre, 1);
}

/*
 * A table row: n cells of widths w, aligned al, bold or not, gray
 * background or not; wraps text in its cell, breaks the page first when
 * the row does not fit.
 */
static void
rangee(struct doc *o, size_t n, const double *w, const int *al,
    const char *const *txt, int gras, int fond)
{
	const char *p = o->petit ? (gras ? P_PETIT_G : P_PETIT) :
	    gras ? P_CELLULE_G : P_CELLULE;
	double h = H_LIGNE, x = MARGE, t, tot = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		t = pdf_mesure(o->d, w[i] - 3, p, txt[i]) + 2;
		h = t > h ? t : h;
		tot += w[i];
	}
	place(o, h);
	if (fond)
		pdf_rectangle(o->d, MARGE, o->y, tot, h, 0.92);
	cairo_set_source_rgb(pdf_cairo(o->d), 0, 0, 0);
	for (i = 0; i < n; i++) {
		pdf_texte(o->d, x + 1.5, o->y + 1, w[i] - 3, p, al[i], txt[i]);
		x += w[i];
	}
	o->y += h;
	cairo_set_source_rgb(pdf_cairo(o->d), 0.75, 0.75, 0.75);
	cairo_set_line_width(pdf_cairo(o->d), 0.3);
	cairo_move_to(pdf_cairo(o->d), MARGE, o->y);
	cairo_line_to(pdf_cairo(o->d), MARGE + tot, o->y);
	cairo_stroke(pdf_cairo(o->d));
	cairo_set_source_rgb(pdf_cairo(o->d), 0, 0, 0);
}

static void
titre_section(struct doc *o, const char *t, double reste)
{
	place(o, 16 + reste);
	cairo_set_source_rgb(pdf_cairo(o->d), 0, 0, 0);
	o->y += pdf_texte(o->d, MARGE, o->y, pdf_largeur(o->d) - 2 * MARGE,
	    P_SECTION, PDF_GAUCHE, t) + 3;
}

/* Index of s in the first n names of v, appended if absent. */
static size_t
indice(const char ***v, size_t *n, const char *s)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i], s) == 0)
			return i;
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[*n] = s;
	return (*n)++;
}

/*
 * A pivot of rows l[0..n): series x categories, in order of first
 * appearance; a figure absent from the CSV is shown empty.
 */
struct pivot {
	const char	**ser, **cat;
	size_t		 ns, nc;
	int64_t		*x;
	unsigned char	*la;
	const char	*unite;
};

static void
pivoter(struct pivot *p, struct ligne *l, size_t n)
{
	size_t i, s, c;

	memset(p, 0, sizeof *p);
	for (i = 0; i < n; i++) {
		indice(&p->ser, &p->ns, l[i].v[T_SERIE]);
		indice(&p->cat, &p->nc, l[i].v[T_CATEGORIE]);
	}
	p->x = xcalloc(p->ns * p->nc, sizeof *p->x);
	p->la = xcalloc(p->ns * p->nc, 1);
	for (i = 0; i < n; i++) {
		s = indice(&p->ser, &p->ns, l[i].v[T_SERIE]);
		c = indice(&p->cat, &p->nc, l[i].v[T_CATEGORIE]);
		p->x[s * p->nc + c] = l[i].x;
		p->la[s * p->nc + c] = *l[i].v[T_VALEUR] != '\0';
	}
	p->unite = n > 0 ? l[0].v[T_UNITE] : "";
	for (i = 1; i < n; i++)		/* mixed units: each column says its own */
		if (strcmp(l[i].v[T_UNITE], p->unite) != 0)
			p->unite = "";
}

static void
pivot_libere(struct pivot *p)
{
	free(p->ser);
	free(p->cat);
	free(p->x);
	free(p->la);
}

/*
 * Whether the figures go with categories across (few, and narrow enough
 * in the table font, else in the small one: 2), else down (0); w0 gets
 * the width of the first column.
 */
static int
travers(struct doc *o, const struct pivot *p, double *w0)
{
	static const char *const polices[][2] = { { P_CELLULE, P_CELLULE_G },
	    { P_PETIT, P_PETIT_G } };
	double lt = pdf_largeur(o->d) - 2 * MARGE, m, lw, wc;
	char buf[64];
	size_t i, f;

	for (f = 0; f < 2; f++) {
		for (m = 30, i = 0; i < p->ns; i++) {
			lw = pdf_largeur_texte(o->d, polices[f][1], p->ser[i]) + 6;
			m = lw > m ? lw : m;
		}
		*w0 = m > 120 ? 120 : m;
		if (p->nc + 1 > 14)
			return 0;
		wc = (lt - *w0) / (double)p->nc;
		for (i = 0; i < p->nc; i++)
			if (pdf_largeur_texte(o->d, polices[f][1], p->cat[i]) + 4 > wc)
				break;
		if (i < p->nc)
			continue;
		for (i = 0; i < p->ns * p->nc; i++)
			if (pdf_largeur_texte(o->d, polices[f][0],
			    graphique_nombre(p->x[i], 100, decimales(p->unite),
			    buf, sizeof buf)) + 4 > wc)
				break;
		if (i == p->ns * p->nc)
			return (int)f + 1;
	}
	return 0;
}

/* The figures as a table, under the chart or alone. */
static void
table_pivot(struct doc *o, const struct pivot *p, const char *coin)
{
	double lt = pdf_largeur(o->d) - 2 * MARGE, w[16], w0;
	int al[16], tr = travers(o, p, &w0);
	size_t nlig = tr ? p->ns : p->nc, ncol = tr ? p->nc : p->ns, i, j, k;
	const char *txt[16];
	char cell[16][64];

	if (ncol > 15)
		ncol = 15;	/* never more than 16 columns: 15 series shown */
	o->petit = tr == 2;
	if (!tr)
		w0 = 120;
	w[0] = w0;
	al[0] = PDF_GAUCHE;
	for (j = 1; j <= ncol; j++) {
		w[j] = (lt - w0) / (double)ncol;
		al[j] = PDF_DROITE;
		if (w[j] > 90)
			w[j] = 90;	/* a few columns: not spread out */
	}
	txt[0] = coin;
	for (j = 0; j < ncol; j++)
		txt[j + 1] = tr ? p->cat[j] : p->ser[j];
	rangee(o, ncol + 1, w, al, txt, 1, 1);
	for (i = 0; i < nlig; i++) {
		txt[0] = tr ? p->ser[i] : p->cat[i];
		for (j = 0; j < ncol; j++) {
			k = tr ? i * p->nc + j : j * p->nc + i;
			if (p->la[k])
				graphique_nombre(p->x[k], 100,
				    decimales(p->unite), cell[j], sizeof cell[j]);
			else
				cell[j][0] = '\0';
			txt[j + 1] = cell[j];
		}
		rangee(o, ncol + 1, w, al, txt, 0, 0);
	}
	o->petit = 0;
	o->y += 8;
}

static void
section_graphique(struct doc *o, const char *titre, struct ligne *l,
    size_t n)
{
	struct graphique g;
	struct pivot p;
	const char *f = l[0].v[T_FORME];
	char u[16];
	size_t *coul, i;
	double w0, h;

	pivoter(&p, l, n);
	memset(&g, 0, sizeof g);
	g.forme = strcmp(f, "courbes") == 0 ? GRAPHIQUE_COURBES :
	    strcmp(f, "barres") == 0 && p.ns == 1 ? GRAPHIQUE_BARRES :
	    GRAPHIQUE_GROUPES;
	g.titre = titre;
	g.unite = unite_affichee(p.unite);
	g.echelle = 100;
	g.decimales = decimales(p.unite);
	g.nseries = p.ns;
	g.ncategories = p.nc;
	g.series = p.ser;
	g.categories = p.cat;
	g.valeurs = p.x;
	/* A series keeps its colour from one chart to the next. */
	coul = xmalloc(p.ns * sizeof *coul);
	for (i = 0; i < p.ns; i++)
		coul[i] = indice(&o->noms, &o->nnoms, p.ser[i]);
	g.couleurs = coul;
	/* The chart with its table on one page when they fit in one. */
	h = H_GRAPHIQUE + 6;
	if (g.forme != GRAPHIQUE_BARRES)
		h += H_LIGNE * (double)((travers(o, &p, &w0) ? p.ns : p.nc) + 1);
	place(o, h < bas(o) - 100 ? h : H_GRAPHIQUE + 3 * H_LIGNE);
	graphique_dessiner(o->d, MARGE, o->y, pdf_largeur(o->d) - 2 * MARGE,
	    H_GRAPHIQUE, &g);
	o->y += H_GRAPHIQUE + 6;
	/* A lone series has its values on its bars. */
	if (g.forme != GRAPHIQUE_BARRES) {
		snprintf(u, sizeof u, "%s", g.unite ? g.unite : "");
		table_pivot(o, &p, u);
	} else
		o->y += 6;
	free(coul);
	pivot_libere(&p);
}

static void
section_tableau(struct doc *o, const char *titre, struct ligne *l, size_t n)
{
	struct pivot p;
	char u[16];

	pivoter(&p, l, n);
	titre_section(o, titre, 3 * H_LIGNE);
	if (p.nc == 1 && strcmp(p.cat[0], "mois") == 0) {
		/* Label and value, each with its unit. */
		double w[2] = { 300, 120 };
		int al[2] = { PDF_GAUCHE, PDF_DROITE };
		const char *txt[2];
		char buf[64];
		size_t i;

		for (i = 0; i < n; i++) {
			txt[0] = l[i].v[T_SERIE];
			txt[1] = *l[i].v[T_VALEUR] ? valeur_texte(l[i].x,
			    l[i].v[T_UNITE], buf, sizeof buf) : "";
			rangee(o, 2, w, al, txt, 0, i % 2);
		}
		o->y += 8;
	} else {
		snprintf(u, sizeof u, "%s", unite_affichee(p.unite) ?
		    unite_affichee(p.unite) : "");
		table_pivot(o, &p, u);
	}
	pivot_libere(&p);
}

static void
section_liste(struct doc *o, const char *titre, struct ligne *l, size_t n)
{
	double w[3] = { 90, 250, 80 };
	int al[3] = { PDF_GAUCHE, PDF_GAUCHE, PDF_DROITE };
	const char *txt[3];
	char buf[64], t[256];
	size_t i;

	snprintf(t, sizeof t, "%s : %zu", titre, n);
	titre_section(o, t, 3 * H_LIGNE);
	for (i = 0; i < n && i < LISTE_MAX; i++) {
		txt[0] = l[i].v[T_SERIE];
		txt[1] = l[i].v[T_CATEGORIE];
		txt[2] = valeur_texte(l[i].x, l[i].v[T_UNITE], buf, sizeof buf);
		rangee(o, 3, w, al, txt, 0, i % 2);
	}
	if (n > LISTE_MAX) {
		snprintf(t, sizeof t, "… et %zu autres (voir le CSV)",
		    n - LISTE_MAX);
		txt[0] = "";
		txt[1] = t;
		txt[2] = "";
		rangee(o, 3, w, al, txt, 0, 0);
	}
	o->y += 8;
}

static void
rendre_tableau(struct doc *o, struct ligne *l, size_t n)
{
	size_t i, j;
	const char *f;

	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(l[j].v[T_PAGE], l[i].v[T_PAGE])
		    == 0 && strcmp(l[j].v[T_SECTION], l[i].v[T_SECTION]) == 0; j++)
			;
		if (o->titre == NULL || strcmp(o->titre, l[i].v[T_PAGE]) != 0)
			page(o, l[i].v[T_PAGE], 0);
		f = l[i].v[T_FORME];
		if (strcmp(f, "tableau") == 0)
			section_tableau(o, l[i].v[T_SECTION], l + i, j - i);
		else if (strcmp(f, "liste") == 0)
			section_liste(o, l[i].v[T_SECTION], l + i, j - i);
		else
			section_graphique(o, l[i].v[T_SECTION], l + i, j - i);
	}
}

static const char *
nom_section(const char *s)
{
	static const char *const noms[][2] = {
		{ "beneficiaire", "Bénéficiaires" },
		{ "plan", "Plan d'aide" },
		{ "evenement", "Événements du Département (Flux 1)" },
		{ "cesu_emis", "CESU émis" },
		{ "cesu_consomme", "CESU consommés (remboursés)" },
		{ "intervention", "Interventions" },
		{ "evenement_sad", "Événements transmis par les SAD" },
		{ "prefacture", "Pré-facture" },
		{ "sad", "SAD" },
		{ "client_non_rapproche", "Clients non rapprochés" },
		{ "taux_correction", "Taux de correction (montant : taux en %)" },
	};
	size_t i;

	for (i = 0; i < sizeof noms / sizeof noms[0]; i++)
		if (strcmp(noms[i][0], s) == 0)
			return noms[i][1];
	return s;
}

/*
 * Fits natural column widths w (sum tot) to lt: the free-text columns
 * (souple[k] > 0) give up room first, down to souple[k] points, then the
 * names (souple[k] == 0) in proportion; figures, dates and codes
 * (souple[k] < 0) keep theirs unless nothing else is left; spare room
 * goes to the free text.
 */
static void
largeurs(double *w, const double *souple, size_t n, double tot, double lt)
{
	double fixe = 0, libre = 0, raide = 0;
	size_t k, ns = 0;

	for (k = 0; k < n; k++) {
		if (souple[k] < 0)
			raide += w[k];
		else if (souple[k] > 0) {
			ns++;
			if (tot > lt && w[k] > souple[k])
				w[k] = w[k] - souple[k] > tot - lt ?
				    w[k] - (tot - lt) : souple[k];
			libre += w[k];
		} else
			fixe += w[k];
	}
	for (k = 0; k < n; k++)
		if (raide + fixe + libre <= lt)
			w[k] += souple[k] > 0 ? (lt - raide - fixe - libre) /
			    (double)ns : ns == 0 ? (lt - raide - fixe - libre) /
			    (double)n : 0;
		else if (souple[k] == 0 && lt > libre + raide && fixe > 0)
			w[k] *= (lt - libre - raide) / fixe;
		else if (lt <= libre + raide)
			w[k] *= lt / (raide + fixe + libre);
}

/* An instant as a reader wants it: "2016-05-01 07:26" (no seconds, no
 * offset); anything else as it is. */
static const char *
lisible(const char *v, char *buf, size_t n)
{
	if (strlen(v) >= 19 && v[4] == '-' && v[10] == 'T' && v[13] == ':' &&
	    n > 16) {
		memcpy(buf, v, 16);
		buf[10] = ' ';
		buf[16] = '\0';
		return buf;
	}
	return v;
}

/* A cell of an extract as shown: instants shortened, an end on the day
 * of its start as its time only. */
static const char *
montre(const struct ligne *l, size_t k, char *buf, size_t n)
{
	const char *v = lisible(l->v[k], buf, n);

	if (k == E_FIN && v == buf && strncmp(l->v[E_DEBUT], l->v[E_FIN], 11)
	    == 0)
		return buf + 11;
	return v;
}

/* A section of an extract: the columns holding something, and totals. */
static void
section_extrait(struct doc *o, struct ligne *l, size_t n, const int *cache)
{
	double w[E_N], lt = pdf_largeur(o->d) - 2 * MARGE, tot = 0, m;
	int al[E_N], somme[E_N] = { 0 };
	double souple[E_N] = { 0 };
	int64_t s[E_N] = { 0 }, x;
	const char *txt[E_N];
	char cell[E_N][48], t[128];
	size_t i, k, nc = 0, col[E_N];

	for (k = 1; k < E_N; k++) {
		if (cache[k])
			continue;
		for (i = 0; i < n && *l[i].v[k] == '\0'; i++)
			;
		if (i == n)
			continue;
		/* The month of a dated row says nothing more. */
		for (i = 0; k == E_MOIS && i < n && *l[i].v[E_DEBUT] != '\0'; i++)
			;
		if (k == E_MOIS && i == n)
			continue;
		col[nc] = k;
		/* A heading may wrap: its width counts for less. */
		m = 0.6 * pdf_largeur_texte(o->d, P_CELLULE_G, titres_extrait[k]);
		for (i = 0; i < n && i < 200; i++) {
			double lw = pdf_largeur_texte(o->d, P_CELLULE,
			    montre(&l[i], k, cell[0], sizeof cell[0]));
			m = lw > m ? lw : m;
		}
		w[nc] = (m > 200 ? 200 : m) + 5;
		al[nc] = k == E_QUANTITE || k == E_MONTANT ? PDF_DROITE :
		    PDF_GAUCHE;
		somme[nc] = k == E_QUANTITE || k == E_MONTANT;
		souple[nc] = k == E_LIBELLE ? 80 : k == E_DETAIL ? 50 :
		    k == E_NOM || k == E_PRENOM || k == E_REF || k == E_STATUT ?
		    0 : -1;
		tot += w[nc++];
	}
	largeurs(w, souple, nc, tot, lt);
	snprintf(t, sizeof t, "%s : %zu ligne%s", nom_section(l[0].v[E_SECTION]),
	    n, n > 1 ? "s" : "");
	titre_section(o, t, 2 * H_LIGNE);
	for (k = 0; k < nc; k++)
		txt[k] = titres_extrait[col[k]];
	rangee(o, nc, w, al, txt, 1, 1);
	for (i = 0; i < n; i++) {
		for (k = 0; k < nc; k++) {
			txt[k] = montre(&l[i], col[k], cell[k], sizeof cell[k]);
			if (!somme[k] || *txt[k] == '\0')
				continue;
			if (!centiemes(txt[k], &x))
				die(EX_DATAERR, "-:%lu: nombre invalide « %s »",
				    l[i].no, txt[k]);
			s[k] += x;
			txt[k] = graphique_nombre(x, 100, 2, cell[k],
			    sizeof cell[k]);
		}
		rangee(o, nc, w, al, txt, 0, 0);
	}
	for (k = 0; k < nc && !somme[k]; k++)
		;
	if (n > 1 && k < nc && strcmp(l[0].v[E_SECTION], "taux_correction") != 0) {
		for (k = 0; k < nc; k++)
			txt[k] = somme[k] ? graphique_nombre(s[k], 100, 2, cell[k],
			    sizeof cell[k]) : k == 0 ? "Total" : "";
		rangee(o, nc, w, al, txt, 1, 1);
	}
	o->y += 8;
}

static void
rendre_extrait(struct doc *o, struct ligne *l, size_t n)
{
	int cache[E_N] = { 0 }, ben = strcmp(l[0].v[E_SECTION], "sad") != 0;
	static char t[512];	/* the title of every page */
	size_t i, j;

	/* One beneficiary: who it is goes in the title, not in every row. */
	if (ben) {
		snprintf(t, sizeof t, "Extrait du bénéficiaire %s — %s %s",
		    l[0].v[E_BEN], l[0].v[E_NOM], l[0].v[E_PRENOM]);
		cache[E_BEN] = cache[E_NOM] = cache[E_PRENOM] = 1;
	} else {
		snprintf(t, sizeof t, "Extrait du SAD %s%s%s", l[0].v[E_SAD],
		    *l[0].v[E_LIBELLE] ? " — " : "", l[0].v[E_LIBELLE]);
		cache[E_SAD] = 1;
	}
	page(o, t, 0);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(l[j].v[E_SECTION],
		    l[i].v[E_SECTION]) == 0; j++)
			;
		section_extrait(o, l + i, j - i, cache);
	}
}

int
main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct csvin in;
	struct row *r;
	struct ligne *l = NULL;
	struct doc o = { 0 };

	size_t n = 0, cap = 0, nc = 0, i;
	const char *const *cols = NULL;
	int ch, tableau = 0;

	err_setprog(argv[0]);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			fputs(usage_text, stdout);
			fputs("\nÉcrit en PDF (A4) sur la sortie standard le tableau "
			    "de bord (registre tableau)\nou l'extrait (registre "
			    "extrait) lu en CSV sur l'entrée standard.\n"
			    "Sorties : 0 succès, 64 usage, 65 CSV invalide, 74 "
			    "erreur d'écriture.\nVoir tableaupdf(1), tableau(5).\n",
			    stdout);
			return fflush(stdout) == 0 ? 0 : EX_IOERR;
		case 'V':
			printf("tableaupdf %s\n", CESUTG_VERSION);
			return 0;
		default:
			warnx_("option inconnue « %s »", argv[optind - 1]);
			fputs(usage_text, stderr);
			return EX_USAGE;
		}
	}
	if (optind != argc) {
		fputs(usage_text, stderr);
		return EX_USAGE;
	}
	csvin_open(&in, 0, "-");
	if (!csvin_next(&in, &r))
		die(EX_DATAERR, "-: entrée vide : CSV de registre tableau ou "
		    "registre extrait attendu");
	if (r->n == T_N && strcmp(r->v[0], "page") == 0) {
		cols = cols_tableau;
		nc = T_N;
		tableau = 1;
	} else if (r->n == E_N && strcmp(r->v[0], "section") == 0) {
		cols = cols_extrait;
		nc = E_N;
	} else
		die(EX_DATAERR, "-:1: en-tête inconnu : celui de registre tableau "
		    "(page,section,...) ou de registre extrait (section,...) "
		    "attendu");
	for (i = 0; i < nc; i++)
		if (strcmp(r->v[i], cols[i]) != 0)
			die(EX_DATAERR, "-:1: colonne %zu : « %s » attendu, pas "
			    "« %s »", i + 1, cols[i], r->v[i]);
	while (csvin_next(&in, &r)) {
		if (r->n != nc)
			die(EX_DATAERR, "-:%lu: %zu champs au lieu de %zu",
			    in.line, r->n, nc);
		/* The rows for other programs (forme donnees) are not shown. */
		if (tableau && strcmp(r->v[T_FORME], "donnees") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			l = xrealloc(l, cap * sizeof *l);
		}
		l[n].v = xmalloc(nc * sizeof *l[n].v);
		for (i = 0; i < nc; i++)
			l[n].v[i] = xstrdup(r->v[i]);
		l[n].no = in.line;
		l[n].x = 0;
		if (tableau && *r->v[T_VALEUR] != '\0' &&
		    !centiemes(r->v[T_VALEUR], &l[n].x))
			die(EX_DATAERR, "-:%lu: valeur invalide « %s » : nombre "
			    "décimal attendu", in.line, r->v[T_VALEUR]);
		n++;
	}
	csvin_close(&in);
	if (n == 0)
		die(EX_DATAERR, "-: aucune ligne à rendre");
	pdf_polices_systeme();
	o.d = pdf_ouvrir(stdout, tableau ? "Tableau de bord" : "Extrait");
	if (tableau)
		rendre_tableau(&o, l, n);
	else
		rendre_extrait(&o, l, n);
	pied(&o);
	if (pdf_fermer(o.d) != 0 || fflush(stdout) != 0 || ferror(stdout))
		die(EX_IOERR, "écriture du PDF impossible");
	for (i = 0; i < n; i++) {
		size_t k;

		for (k = 0; k < nc; k++)
			free(l[i].v[k]);
		free(l[i].v);
	}
	free(l);
	free(o.noms);
	return 0;
}
