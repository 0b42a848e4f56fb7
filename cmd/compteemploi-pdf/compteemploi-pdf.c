/*
 * compteemploi-pdf: the compte d'emploi CSV (registre cesu compte-emploi)
 * as an A4 PDF table, one row per aid and order month, totals last (I6,
 * I7), then a chart of the value issued and refunded per order month (lib/
 * graphique). Rows are streamed: a page is ended when the next row would
 * not fit; only the per-month sums of the chart are held.
 * See compteemploi-pdf(1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compteemploi.h"
#include "err.h"
#include "graphique.h"
#include "lettres.h"
#include "pdf.h"

#define MARGE	36.0
#define BAS	(841.89 - 48.0)
#define POLICE	"DejaVu Sans 5.2"
#define GRAS	"DejaVu Sans Bold 5.2"
#define H_GRAPHIQUE	300.0

/* The printed columns: a CSV value, or a sum of several (the titles
 * withdrawn from use: cancelled, stolen or lost, returned, blocked). */
static const struct colonne {
	const char	*titre;
	double		 largeur;
	int		 v[4];		/* values summed, -1 ends */
} colonnes[] = {
	{ "Titres émis", 30, { 0, -1 } },
	{ "Valeur émise", 62, { 1, -1 } },
	{ "Remboursée", 62, { 3, -1 } },
	{ "Périmée", 60, { 5, -1 } },
	{ "Annulés, volés, perdus, non distribués, bloqués", 60,
	    { 7, 9, 11, 13 } },
	{ "En circulation", 60, { 15, -1 } },
	{ "dont solde e-CESU", 58, { 17, -1 } },
	{ "Charges CNCESU", 58, { 18, -1 } },
};
#define NCOL	(sizeof colonnes / sizeof colonnes[0])
#define L_AIDE	34.0
#define L_MOIS	34.0

static double
entete(struct pdf *d, double y)
{
	double x = MARGE + L_AIDE + L_MOIS, h = 0, t;
	size_t i;

	pdf_texte(d, MARGE, y, L_AIDE, GRAS, PDF_GAUCHE, "Aide");
	pdf_texte(d, MARGE + L_AIDE, y, L_MOIS, GRAS, PDF_GAUCHE, "Mois");
	for (i = 0; i < NCOL; i++) {
		t = pdf_texte(d, x, y, colonnes[i].largeur - 4, GRAS, PDF_DROITE,
		    colonnes[i].titre);
		if (t > h)
			h = t;
		x += colonnes[i].largeur;
	}
	pdf_trait(d, MARGE, y + h + 2, x, y + h + 2, 0.6);
	return y + h + 5;
}

static void
valeur(const struct ce_ligne *l, size_t i, char *buf, size_t n)
{
	int64_t s = 0;
	int k;

	for (k = 0; k < 4 && colonnes[i].v[k] >= 0; k++)
		s += l->v[colonnes[i].v[k]];
	if (CE_MONTANT(colonnes[i].v[0]))
		montant_affiche(s, buf, n);
	else
		snprintf(buf, n, "%lld", (long long)s);
}

static double
ligne(struct pdf *d, double y, const struct ce_ligne *l, const char *police)
{
	double x = MARGE + L_AIDE + L_MOIS;
	char buf[64];
	size_t i;

	pdf_texte(d, MARGE, y, L_AIDE, police, PDF_GAUCHE, l->aide);
	pdf_texte(d, MARGE + L_AIDE, y, L_MOIS, police, PDF_GAUCHE, l->mois);
	for (i = 0; i < NCOL; i++) {
		valeur(l, i, buf, sizeof buf);
		pdf_texte(d, x, y, colonnes[i].largeur - 4, police, PDF_DROITE,
		    buf);
		x += colonnes[i].largeur;
	}
	return y + 10;
}

static void
pied(struct pdf *d)
{
	char buf[32];

	snprintf(buf, sizeof buf, "page %d", pdf_numero(d));
	pdf_texte(d, MARGE, BAS + 14, pdf_largeur(d) - 2 * MARGE, POLICE,
	    PDF_DROITE, buf);
}

/* Issued and refunded per order month, in month order. */
static void
graphique(struct pdf *d, double y, struct ce_mois *mo)
{
	static const char *const series[] = { "Valeur émise",
	    "Valeur remboursée" };
	const char **cat = xcalloc((size_t)mo->n, sizeof *cat);
	int64_t *v = xcalloc(2 * (size_t)mo->n, sizeof *v);
	struct graphique g = { 0 };
	int i;

	ce_mois_trier(mo);
	for (i = 0; i < mo->n; i++) {
		cat[i] = mo->mois[i];
		v[i] = mo->emis[i];
		v[mo->n + i] = mo->rembourse[i];
	}
	g.forme = GRAPHIQUE_GROUPES;
	g.titre = "Émis et remboursés par mois de commande";
	g.unite = "€";
	g.echelle = 100;
	g.nseries = 2;
	g.ncategories = (size_t)mo->n;
	g.series = series;
	g.categories = cat;
	g.valeurs = v;
	graphique_dessiner(d, MARGE, y, pdf_largeur(d) - 2 * MARGE,
	    H_GRAPHIQUE, &g);
	free(cat);
	free(v);
}

int
main(int argc, char **argv)
{
	struct ce_lecteur l;
	struct ce_ligne x, tot;
	struct ce_mois *mo;
	struct pdf *d;
	double y;
	int k, n = 0;

	err_setprog(argv[0]);
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("usage : compteemploi-pdf < compte-emploi.csv > compte-emploi.pdf\n"
		    "Écrit le compte d'emploi CESU (registre cesu compte-emploi) "
		    "en tableau PDF A4.\n");
		return 0;
	}
	if (argc != 1) {
		fprintf(stderr, "usage : compteemploi-pdf < compte-emploi.csv "
		    "> compte-emploi.pdf\n");
		return EX_USAGE;
	}
	memset(&tot, 0, sizeof tot);
	mo = xcalloc(1, sizeof *mo);
	snprintf(tot.aide, sizeof tot.aide, "Total");
	ce_ouvrir(&l, 0, "entrée standard");
	pdf_polices_systeme();
	d = pdf_ouvrir(stdout, "Compte d'emploi CESU");
	y = MARGE + pdf_texte(d, MARGE, MARGE, pdf_largeur(d) - 2 * MARGE,
	    "DejaVu Sans Bold 11", PDF_GAUCHE,
	    "Compte d'emploi CESU par aide et mois de commande");
	y += 4 + pdf_texte(d, MARGE, y + 4, pdf_largeur(d) - 2 * MARGE,
	    "DejaVu Sans 6.5", PDF_GAUCHE, "Titres émis par les commandes "
	    "(Flux 4) et repris, et ce qu'ils sont devenus : remboursés par "
	    "le CRCESU, périmés, retirés de l'usage, encore en circulation "
	    "(dont le solde des comptes e-CESU) ; charges sociales facturées "
	    "par le CNCESU (Flux 6) pour le mois.");
	y = entete(d, y + 10);
	while (ce_suivante(&l, &x)) {
		if (y + 10 > BAS) {
			pied(d);
			pdf_page(d);
			y = entete(d, MARGE);
		}
		y = ligne(d, y, &x, POLICE);
		for (k = 0; k < CE_NVAL; k++)
			tot.v[k] += x.v[k];
		ce_mois_ajouter(mo, &x);
		n++;
	}
	ce_fermer(&l);
	if (y + 14 > BAS) {
		pied(d);
		pdf_page(d);
		y = entete(d, MARGE);
	}
	pdf_trait(d, MARGE, y + 1, pdf_largeur(d) - MARGE, y + 1, 0.6);
	y = ligne(d, y + 3, &tot, GRAS) + 24;
	if (mo->n > 0) {
		if (y + H_GRAPHIQUE > BAS) {
			pied(d);
			pdf_page(d);
			y = MARGE;
		}
		graphique(d, y, mo);
	}
	free(mo);
	pied(d);
	if (pdf_fermer(d) != 0 || fflush(stdout) != 0)
		die(EX_IOERR, "sortie standard : écriture impossible");
	return 0;
}
