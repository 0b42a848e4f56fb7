/*
 * facturepdf: an invoice extract (the CSV of `registre factures extrait
 * NUMERO`) as a PDF invoice on stdout, issued for the SAD to the
 * Département (CCTP B8), or its duplicata. See facturepdf(1).
 *
 * The document is laid out twice: a first pass that only measures learns
 * the number of pages, so that every page can say "page N / M".
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "afile.h"
#include "buf.h"
#include "err.h"
#include "extrait.h"
#include "lettres.h"
#include "pdf.h"

#define MARGE	42.0
#define PIED	28.0	/* room kept at the bottom for the footer */
#define ECART	3.0	/* cell padding */

#define P_TEXTE		"DejaVu Sans 8.5"
#define P_GRAS		"DejaVu Sans Bold 8.5"
#define P_PETIT		"DejaVu Sans 7.5"
#define P_MOTIF		"DejaVu Sans 7.5"
#define P_TABLE		"DejaVu Sans 7.5"
#define P_TABLE_GRAS	"DejaVu Sans Bold 7.5"
#define P_TITRE		"DejaVu Sans Bold 15"

struct options {
	const char	*duplicata;	/* "05/12/2026", or NULL */
};

/* The table's columns: title, width (points), alignment. */
enum { C_BENEF, C_PRESTA, C_MOIS, C_HEURES, C_PU, C_MONTANT, NCOL };
static const struct {
	const char	*titre;
	double		 largeur;
	int		 align;
} colonnes[NCOL] = {
	{"Bénéficiaire", 140, PDF_GAUCHE},
	{"Prestation", 146, PDF_GAUCHE},
	{"Mois", 45, PDF_CENTRE},
	{"Heures", 50, PDF_DROITE},
	{"Prix unitaire", 60, PDF_DROITE},
	{"Montant", 70.28, PDF_DROITE},
};

struct mise {
	struct pdf		*d;
	const struct extrait	*e;
	const struct options	*o;
	int			 npages;	/* 0 in the measuring pass */
	double			 y;
	double			 bas;		/* lowest y for content */
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: facturepdf [--duplicata [--date AAAA-MM-JJ]] < extrait.csv > facture.pdf\n"
	    "       facturepdf [--duplicata [--date AAAA-MM-JJ]] --dir REP extrait.csv...\n");
}

static void
aide(void)
{
	usage(stdout);
	printf("\nÉcrit en PDF (A4) la facture lue sur l'entrée standard, un extrait de\n"
	    "facture au format de « registre factures extrait NUMERO ».\n\n"
	    "  --duplicata        marque chaque page « DUPLICATA » avec sa date\n"
	    "  --date AAAA-MM-JJ  date du duplicata (défaut : aujourd'hui)\n"
	    "  --dir REP          une facture par extrait nommé en argument, écrite\n"
	    "                     dans REP/NOM.pdf (NOM : l'extrait sans .csv)\n"
	    "  -h, --help         cette aide\n"
	    "  --version          version\n\n"
	    "Sorties : 0 succès, 64 usage, 65 extrait invalide, 74 erreur d'écriture.\n"
	    "Voir facturepdf(1).\n");
}

static double
largeur_contenu(struct mise *m)
{
	return pdf_largeur(m->d) - 2 * MARGE;
}

static void
couleur(struct mise *m, double gris)
{
	cairo_set_source_rgb(pdf_cairo(m->d), gris, gris, gris);
}

static void
cadre(struct mise *m, double x, double y, double w, double h)
{
	cairo_save(pdf_cairo(m->d));
	couleur(m, 0.55);
	pdf_cadre(m->d, x, y, w, h, 0.6);
	cairo_restore(pdf_cairo(m->d));
}

static void
pied(struct mise *m)
{
	double y = pdf_hauteur(m->d) - MARGE + 4, w = largeur_contenu(m);
	char t[256], p[64];

	couleur(m, 0.35);
	pdf_trait(m->d, MARGE, y - 4, MARGE + w, y - 4, 0.4);
	if (m->o->duplicata)
		snprintf(t, sizeof t, "DUPLICATA du %s — Facture n° %s",
		    m->o->duplicata, m->e->v[EX_NUMERO]);
	else
		snprintf(t, sizeof t, "Facture n° %s — %s", m->e->v[EX_NUMERO],
		    m->e->v[EX_NOM_SAD]);
	pdf_texte(m->d, MARGE, y, w - 80, P_PETIT, PDF_GAUCHE, t);
	if (m->npages > 0)
		snprintf(p, sizeof p, "page %d / %d", pdf_numero(m->d), m->npages);
	else
		snprintf(p, sizeof p, "page %d", pdf_numero(m->d));
	pdf_texte(m->d, MARGE + w - 80, y, 80, P_PETIT, PDF_DROITE, p);
	couleur(m, 0);
}

/* Every page: the watermark under everything else, then the content. */
static void
debut_page(struct mise *m)
{
	char t[96];

	m->y = MARGE;
	m->bas = pdf_hauteur(m->d) - MARGE - PIED;
	if (m->o->duplicata) {
		snprintf(t, sizeof t, "DUPLICATA\ndu %s", m->o->duplicata);
		pdf_filigrane(m->d, "DejaVu Sans Bold 72", t);
	}
}

static void
page_suivante(struct mise *m)
{
	char t[128];

	pied(m);
	pdf_page(m->d);
	debut_page(m);
	snprintf(t, sizeof t, "Facture n° %s (suite)", m->e->v[EX_NUMERO]);
	m->y += pdf_texte(m->d, MARGE, m->y, largeur_contenu(m), P_GRAS,
	    PDF_GAUCHE, t) + 10;
}

static const char *
etat_lisible(const char *etat)
{
	if (strcmp(etat, "emise") == 0)
		return "émise, en attente d'intégration par le Département";
	if (strcmp(etat, "integree") == 0)
		return "intégrée par le Département";
	if (strcmp(etat, "rejetee") == 0)
		return "rejetée par le Département";
	return "intégrée par le Département, sauf les lignes rejetées";
}

/* The two identities: the SAD issues the invoice, the Département gets it. */
static void
identites(struct mise *m)
{
	const struct extrait *e = m->e;
	double w = largeur_contenu(m), yg = m->y, yd, xd = MARGE + w - 230;
	char t[128];

	yg += pdf_texte(m->d, MARGE, yg, 250, "DejaVu Sans Bold 12", PDF_GAUCHE,
	    e->v[EX_NOM_SAD]) + 3;
	if (*e->v[EX_ADRESSE_SAD])
		yg += pdf_texte(m->d, MARGE, yg, 250, P_TEXTE, PDF_GAUCHE,
		    e->v[EX_ADRESSE_SAD]) + 3;
	snprintf(t, sizeof t, "Code tiers SALSA : %s", e->v[EX_CODE_SAD]);
	yg += pdf_texte(m->d, MARGE, yg, 250, P_TEXTE, PDF_GAUCHE, t);
	couleur(m, 0.35);
	yg += pdf_texte(m->d, MARGE, yg + 2, 250, P_PETIT, PDF_GAUCHE,
	    "Service d'aide et d'accompagnement à domicile") + 2;
	couleur(m, 0);

	yd = m->y + 40;
	couleur(m, 0.35);
	pdf_texte(m->d, xd + 10, yd + 8, 210, P_PETIT, PDF_GAUCHE, "Facturé à");
	couleur(m, 0);
	yd += 20;
	yd += pdf_texte(m->d, xd + 10, yd, 210, "DejaVu Sans Bold 10", PDF_GAUCHE,
	    e->v[EX_NOM_DEP]) + 3;
	if (*e->v[EX_ADRESSE_DEP])
		yd += pdf_texte(m->d, xd + 10, yd, 210, P_TEXTE, PDF_GAUCHE,
		    e->v[EX_ADRESSE_DEP]);
	yd += 10;
	cadre(m, xd, m->y + 40, 230, yd - (m->y + 40));
	m->y = (yg > yd ? yg : yd) + 26;
}

static double
info(struct mise *m, double y, const char *cle, const char *val)
{
	double h;

	couleur(m, 0.35);
	pdf_texte(m->d, MARGE, y + 0.8, 120, P_PETIT, PDF_GAUCHE, cle);
	couleur(m, 0);
	h = pdf_texte(m->d, MARGE + 120, y, largeur_contenu(m) - 120, P_TEXTE,
	    PDF_GAUCHE, val);
	return h + 2.5;
}

static void
titre(struct mise *m)
{
	const struct extrait *e = m->e;
	int compl = strcmp(e->v[EX_NATURE], "complementaire") == 0;
	double w = largeur_contenu(m), y;
	char t[192], d1[16], d2[16];

	snprintf(t, sizeof t, "%s n° %s", compl ? "Facture complémentaire" :
	    "Facture", e->v[EX_NUMERO]);
	m->y += pdf_texte(m->d, MARGE, m->y, w, P_TITRE, PDF_GAUCHE, t) + 2;
	if (m->o->duplicata) {
		snprintf(t, sizeof t, "DUPLICATA établi le %s", m->o->duplicata);
		cairo_set_source_rgb(pdf_cairo(m->d), 0.7, 0.1, 0.1);
		m->y += pdf_texte(m->d, MARGE, m->y, w, "DejaVu Sans Bold 10",
		    PDF_GAUCHE, t) + 2;
		couleur(m, 0);
	}
	m->y += 8;
	y = m->y;
	y += info(m, y, "Date d'émission", extrait_date(e->v[EX_EMISSION], d1, sizeof d1));
	snprintf(t, sizeof t, "du %s au %s", extrait_date(e->v[EX_DEBUT], d1, sizeof d1),
	    extrait_date(e->v[EX_FIN], d2, sizeof d2));
	y += info(m, y, "Période facturée", t);
	y += info(m, y, "Mois", extrait_mois(e->v[EX_MOIS], 1, t, sizeof t));
	y += info(m, y, "Type d'aide", e->v[EX_FINANCEUR]);
	if (compl) {
		snprintf(t, sizeof t, "complète la facture n° %s",
		    *e->v[EX_ORIGINE] ? e->v[EX_ORIGINE] : "— (aucune facture d'origine)");
		y += info(m, y, "Nature", t);
	}
	y += info(m, y, "État", etat_lisible(e->v[EX_ETAT]));
	m->y = y + 12;
}

static double
x_colonne(int c)
{
	double x = MARGE;
	int i;

	for (i = 0; i < c; i++)
		x += colonnes[i].largeur;
	return x;
}

static void
entete_table(struct mise *m)
{
	double h = 0, t;
	int c;

	for (c = 0; c < NCOL; c++)
		if ((t = pdf_mesure(m->d, colonnes[c].largeur - 2 * ECART,
		    P_TABLE_GRAS, colonnes[c].titre)) > h)
			h = t;
	h += 2 * ECART;
	pdf_rectangle(m->d, MARGE, m->y, largeur_contenu(m), h, 0.88);
	for (c = 0; c < NCOL; c++)
		pdf_texte(m->d, x_colonne(c) + ECART, m->y + ECART,
		    colonnes[c].largeur - 2 * ECART, P_TABLE_GRAS,
		    colonnes[c].align, colonnes[c].titre);
	m->y += h;
	pdf_trait(m->d, MARGE, m->y, MARGE + largeur_contenu(m), m->y, 0.6);
}

/* The texts of one invoice line's cells. */
static void
cellules(const struct extrait_ligne *l, int nom, char cel[NCOL][384])
{
	char t[64];

	if (nom)
		snprintf(cel[C_BENEF], 384, "%s %s\nn° %s", extrait_val(l, EX_NOM),
		    extrait_val(l, EX_PRENOM), extrait_val(l, EX_ID));
	else
		cel[C_BENEF][0] = '\0';
	if (*extrait_val(l, EX_LIBELLE))
		snprintf(cel[C_PRESTA], 384, "%s — %s", extrait_val(l, EX_PRESTATION),
		    extrait_val(l, EX_LIBELLE));
	else
		snprintf(cel[C_PRESTA], 384, "%s", extrait_val(l, EX_PRESTATION));
	extrait_mois(extrait_val(l, EX_MOIS_PRESTATION), 0, cel[C_MOIS], 384);
	extrait_decimal(l->quantite, cel[C_HEURES], 384);
	montant_affiche(l->unitaire, t, sizeof t);
	snprintf(cel[C_PU], 384, "%s", t);
	montant_affiche(l->montant, t, sizeof t);
	snprintf(cel[C_MONTANT], 384, "%s", t);
}

/*
 * A text cell, the cheap way when pdf_texte_simple can (Latin text whose
 * words fit the column), else laid out by pango. Returns its height.
 */
static double
cellule(struct mise *m, int c, const char *cel)
{
	double x = x_colonne(c) + ECART, y = m->y + ECART, h;
	double w = colonnes[c].largeur - 2 * ECART;

	if ((h = pdf_texte_simple(m->d, x, y, w, P_TABLE, cel)) < 0)
		h = pdf_texte(m->d, x, y, w, P_TABLE, colonnes[c].align, cel);
	return h;
}

/*
 * A row's height: its text cells laid out as they will be drawn (pdf
 * keeps the layouts), the figures one line (they never wrap).
 */
static double
hauteur(struct mise *m, char cel[NCOL][384])
{
	double h = 0, t;
	int c, avant = pdf_dessin(m->d, 0);

	for (c = C_BENEF; c <= C_PRESTA; c++)
		if ((t = cellule(m, c, cel[c])) > h)
			h = t;
	pdf_dessin(m->d, avant);
	return h + 2 * ECART;
}

/* The figures of a row, one layout: each at its column's edge or centre. */
static void
chiffres(struct mise *m, char cel[NCOL][384])
{
	double bords[NCOL - C_MOIS];
	int aligns[NCOL - C_MOIS], c;
	char t[4 * 384];

	for (c = C_MOIS; c < NCOL; c++) {
		aligns[c - C_MOIS] = colonnes[c].align;
		bords[c - C_MOIS] = x_colonne(c) - MARGE + (colonnes[c].align ==
		    PDF_CENTRE ? colonnes[c].largeur / 2 : colonnes[c].largeur - ECART);
	}
	snprintf(t, sizeof t, "%s\t%s\t%s\t%s", cel[C_MOIS], cel[C_HEURES],
	    cel[C_PU], cel[C_MONTANT]);
	pdf_tabulation(m->d, MARGE, m->y + ECART, P_TABLE, NCOL - C_MOIS, bords,
	    aligns, t);
}

/*
 * One row per invoice line; the beneficiary is named on the first of its
 * lines and again at the top of a page. A rejected line is grey, with
 * the Département's reason under it.
 */
static void
table(struct mise *m)
{
	const struct extrait *e = m->e;
	char cel[NCOL][384], motif[600];
	double h, hm, wm = largeur_contenu(m) - colonnes[C_BENEF].largeur;
	size_t i;
	int c, nom;

	entete_table(m);
	for (i = 0; i < e->n; i++) {
		const struct extrait_ligne *l = &e->lignes[i];

		nom = i == 0 || strcmp(extrait_val(l, EX_ID),
		    extrait_val(&e->lignes[i - 1], EX_ID)) != 0;
		cellules(l, nom, cel);
		hm = 0;
		if (l->rejetee) {
			snprintf(motif, sizeof motif, "Ligne rejetée par le Département%s%s",
			    *extrait_val(l, EX_MOTIF) ? " : " : "",
			    extrait_val(l, EX_MOTIF));
			hm = pdf_mesure(m->d, wm - 2 * ECART, P_MOTIF, motif);
		}
		h = hauteur(m, cel) + hm;
		if (m->y + h > m->bas && i > 0) {
			page_suivante(m);
			entete_table(m);
			if (!nom) {
				cellules(l, nom = 1, cel);
				h = hauteur(m, cel) + hm;
			}
		}
		if (nom && i > 0)
			pdf_trait(m->d, MARGE, m->y, MARGE + largeur_contenu(m), m->y, 0.3);
		if (l->rejetee)
			couleur(m, 0.45);
		for (c = C_BENEF; c <= C_PRESTA; c++)
			cellule(m, c, cel[c]);
		chiffres(m, cel);
		if (l->rejetee) {
			cairo_set_source_rgb(pdf_cairo(m->d), 0.7, 0.1, 0.1);
			pdf_texte(m->d, x_colonne(C_PRESTA) + ECART, m->y + h - ECART - hm,
			    wm - 2 * ECART, P_MOTIF, PDF_GAUCHE, motif);
			couleur(m, 0);
		}
		m->y += h;
	}
	pdf_trait(m->d, MARGE, m->y, MARGE + largeur_contenu(m), m->y, 0.6);
	m->y += 12;
}

/* The amount due: nothing for a rejected invoice, else the lines kept. */
static int64_t
a_payer(const struct extrait *e)
{
	if (strcmp(e->v[EX_ETAT], "rejetee") == 0)
		return 0;
	return e->total - e->rejete;
}

static double
total_ligne(struct mise *m, double y, const char *cle, int64_t v, const char *police)
{
	double x = MARGE + largeur_contenu(m) - 260;
	char t[64];

	pdf_texte(m->d, x + ECART, y, 140, police, PDF_GAUCHE, cle);
	return pdf_texte(m->d, x + 140, y, 120 - ECART, police, PDF_DROITE,
	    montant_affiche(v, t, sizeof t)) + 4;
}

/* Totals in figures and in words, kept together on the last page. */
static void
totaux(struct mise *m)
{
	const struct extrait *e = m->e;
	double w = largeur_contenu(m), y = m->y, x = MARGE + w - 260;
	char mots[512], phrase[700];
	int64_t du = a_payer(e);

	if (e->nrejetees > 0 || du != e->total) {
		y += total_ligne(m, y, "Total des lignes", e->total, P_TEXTE);
		if (e->nrejetees > 0)
			y += total_ligne(m, y, "dont lignes rejetées", e->rejete, P_TEXTE);
	}
	pdf_rectangle(m->d, x, y - 1, 260, 18, 0.88);
	y += total_ligne(m, y + 2, "Montant à payer", du, "DejaVu Sans Bold 10") + 10;
	snprintf(phrase, sizeof phrase, "Arrêtée la présente facture à la somme de %s.",
	    montant_en_lettres(du, mots, sizeof mots));
	y += pdf_texte(m->d, MARGE, y, w, P_GRAS, PDF_GAUCHE, phrase) + 6;
	if (strcmp(e->v[EX_ETAT], "rejetee") == 0)
		y += pdf_texte(m->d, MARGE, y, w, P_TEXTE, PDF_GAUCHE,
		    "Facture rejetée par le Département : aucun montant n'est dû à "
		    "ce titre.") + 4;
	else if (e->nrejetees > 0)
		y += pdf_texte(m->d, MARGE, y, w, P_TEXTE, PDF_GAUCHE,
		    "Les lignes rejetées par le Département ne sont pas dues à ce "
		    "titre ; après correction, elles seront reprises dans une "
		    "facture complémentaire.") + 4;
	couleur(m, 0.35);
	y += pdf_texte(m->d, MARGE, y + 4, w, P_PETIT, PDF_GAUCHE,
	    "Facture établie par l'opérateur de télégestion pour le compte du "
	    "service d'aide à domicile, d'après la pré-facturation validée par "
	    "celui-ci. Heures en centièmes d'heure.") + 4;
	couleur(m, 0);
	m->y = y;
}

static void
totaux_ensemble(struct mise *m)
{
	double y0 = m->y;
	int avant;

	/* measured first: a page break inside would part figures and words */
	avant = pdf_dessin(m->d, 0);
	totaux(m);
	pdf_dessin(m->d, avant);
	if (m->y > m->bas)
		page_suivante(m);
	else
		m->y = y0;
	totaux(m);
}

static void
document(struct pdf *d, const struct extrait *e, const struct options *o,
    int npages)
{
	struct mise m = {d, e, o, npages, 0, 0};

	debut_page(&m);
	identites(&m);
	titre(&m);
	table(&m);
	totaux_ensemble(&m);
	pied(&m);
}

/* --date, or today (SOURCE_DATE_EPOCH's day when set), as JJ/MM/AAAA. */
static void
date_duplicata(const char *arg, char *buf, size_t n)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char iso[16];
	time_t t;
	struct tm tm;

	if (arg != NULL) {
		if (!extrait_date_valide(arg))
			die(EX_USAGE, "--date : date AAAA-MM-JJ attendue «%s»", arg);
		extrait_date(arg, buf, n);
		return;
	}
	t = sde && *sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
	if (sde && *sde ? gmtime_r(&t, &tm) == NULL : localtime_r(&t, &tm) == NULL)
		die(EX_SOFTWARE, "date du jour illisible");
	strftime(iso, sizeof iso, "%Y-%m-%d", &tm);
	extrait_date(iso, buf, n);
}

/* The invoice of extract fd (name for messages) as a PDF on out. */
static void
rendre(int fd, const char *name, FILE *out, const struct options *o, const char *quoi)
{
	struct extrait e;
	struct pdf *d;
	char titre_doc[64];
	int npages;

	extrait_lire(&e, fd, name);
	snprintf(titre_doc, sizeof titre_doc, "%s n° %s", o->duplicata ?
	    "Duplicata de la facture" : "Facture", e.v[EX_NUMERO]);
	d = pdf_ouvrir(out, titre_doc);
	pdf_grouper(d);
	pdf_dessin(d, 0);	/* first measured whole: the number of pages */
	document(d, &e, o, 0);
	npages = pdf_numero(d);
	pdf_dessin(d, 1);
	pdf_numeroter(d, 1);
	document(d, &e, o, npages);
	if (pdf_fermer(d) != 0)
		die(EX_IOERR, "écriture impossible sur %s: %s", quoi,
		    strerror(errno ? errno : EIO));
	extrait_liberer(&e);
}

/*
 * Loads the fonts of the invoice, their metrics and shaping tables, and
 * lays out its labels, measuring a made-up invoice: the invoices of
 * --dir, each made in a child of this process, find them ready.
 */
static void
prechauffer(const struct options *o)
{
	static const char echantillon[] = "0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ "
	    "ÉÈÊÀÇÔ abcdefghijklmnopqrstuvwxyz éèêëàâçîïôûù'()/-.,:;—€°";
	static const char *const polices[] = {P_TEXTE, P_GRAS, P_PETIT, P_TABLE_GRAS,
	    P_TITRE, "DejaVu Sans Bold 12", "DejaVu Sans Bold 10"};
	static char vide[] = "", num[] = "F0", nat[] = "originale", etat[] = "partielle",
	    mois[] = "2016-05", jour[] = "2016-05-01", x[] = "x", ok[] = "integree",
	    rej[] = "rejetee";
	struct extrait_ligne l[2] = {{{x, x, x, x, x, mois, x, x, x, ok, vide}, 100, 100,
	    100, 0}, {{x, x, x, x, x, mois, x, x, x, rej, x}, 100, 100, 100, 1}};
	struct extrait e = {{num, nat, vide, etat, mois, jour, jour, jour, x, x, x,
	    vide, vide, x, vide}, l, 2, 200, 100, 1};
	struct pdf *d = pdf_ouvrir(NULL, NULL);
	size_t i;

	document(d, &e, o, 1);
	for (i = 0; i < sizeof polices / sizeof polices[0]; i++)
		pdf_largeur_simple(d, polices[i], echantillon);
	pdf_fermer(d);
}

/*
 * --dir: each extract named rendered into dir/NAME.pdf (NAME: the
 * extract's file name less .csv), atomically, mode 0600, each in a child
 * process: a bad extract (exit 65) stops neither the others nor leaves a
 * file. Returns the worst exit status.
 */
static int
lot(const char *dir, char **fichiers, int n, const struct options *o)
{
	struct buf chemin = {0};
	struct afile a;
	const char *base;
	size_t l;
	pid_t pid;
	FILE *f;
	int i, fd, st, pire = 0, rc;

	prechauffer(o);
	for (i = 0; i < n; i++) {
		base = strrchr(fichiers[i], '/') ? strrchr(fichiers[i], '/') + 1 : fichiers[i];
		l = strlen(base);
		if (l > 4 && strcmp(base + l - 4, ".csv") == 0)
			l -= 4;
		buf_reset(&chemin);
		buf_addf(&chemin, "%s/%.*s.pdf", dir, (int)l, base);
		fflush(NULL);
		if ((pid = fork()) == -1)
			die(EX_OSERR, "fork: %s", strerror(errno));
		if (pid == 0) {
			if ((fd = open(fichiers[i], O_RDONLY)) == -1)
				die(EX_NOINPUT, "%s: %s", fichiers[i], strerror(errno));
			afile_open(&a, chemin.p, AFILE_PRIVATE);
			if ((f = fdopen(dup(a.o.fd), "w")) == NULL)
				die(EX_OSERR, "%s: %s", chemin.p, strerror(errno));
			rendre(fd, fichiers[i], f, o, chemin.p);
			if (fclose(f) != 0)
				die(EX_IOERR, "écriture impossible sur %s: %s", chemin.p,
				    strerror(errno));
			afile_commit(&a);
			_exit(0);
		}
		while (waitpid(pid, &st, 0) == -1)
			if (errno != EINTR)
				die(EX_OSERR, "waitpid: %s", strerror(errno));
		rc = WIFEXITED(st) ? WEXITSTATUS(st) : EX_SOFTWARE;
		if (rc != 0 && (pire == 0 || rc < pire))
			pire = rc;
	}
	buf_free(&chemin);
	return pire;
}

int
main(int argc, char **argv)
{
	static const struct option longues[] = {
		{"duplicata", no_argument, NULL, 'D'},
		{"date", required_argument, NULL, 'd'},
		{"dir", required_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0}
	};
	struct options o = {NULL};
	const char *date = NULL, *dir = NULL;
	char jour[16];
	int ch, dup = 0;

	err_setprog(argv[0]);
	opterr = 0;	/* our own message, in French */
	while ((ch = getopt_long(argc, argv, "h", longues, NULL)) != -1) {
		switch (ch) {
		case 'D':
			dup = 1;
			break;
		case 'd':
			date = optarg;
			break;
		case 'r':
			dir = optarg;
			break;
		case 'h':
			aide();
			return err_stdout();
		case 'V':
			printf("facturepdf (cesutg) %s\n", CESUTG_VERSION);
			return err_stdout();
		default:
			warnx_("option inconnue, ou sans sa valeur: «%s»",
			    argv[optind - 1]);
			usage(stderr);
			return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if ((argc > 0) != (dir != NULL) || (date && !dup)) {
		usage(stderr);
		return EX_USAGE;
	}
	if (dup) {
		date_duplicata(date, jour, sizeof jour);
		o.duplicata = jour;
	}
	pdf_polices_systeme();
	if (dir != NULL)
		return lot(dir, argv, argc, &o);
	rendre(0, "stdin", stdout, &o, "la sortie standard");
	return err_stdout();
}
