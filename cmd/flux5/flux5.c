/*
 * flux5: Flux 5, retour des CESU consommés (opérateur -> SALSA), annex 1
 * of the CCTP. Fixed width: period (1), per dispositif a header (2),
 * details (3) and a footer (8), then the file footer (9); see flux5(5).
 */
#include <string.h>

#include "flux.h"
#include "hier.h"

#define MOIS "01|02|03|04|05|06|07|08|09|10|11|12"

static const struct field f1[] = {
	{"1.1", "code_enregistrement", "Code enregistrement", FT_CONST, 1, 0, 1, 1, 1, "1", 0},
	{"1.2", "date_debut", "Date début (AAAAMMJJ)", FT_DATE, 8, 0, 2, 9, 1, "AAAAMMJJ", 0},
	{"1.3", "date_fin", "Date fin (AAAAMMJJ)", FT_DATE, 8, 0, 10, 17, 1, "AAAAMMJJ", 0},
	{"1.4", NULL, "Position 18 (fin annoncée de la date de fin)", FT_FILLER, 1, 0, 18, 18, 0, NULL, 0},
};
static const struct field f2[] = {
	{"2.1", "code_enregistrement", "Code enregistrement", FT_CONST, 1, 0, 1, 1, 1, "2", 0},
	{"2.2", "code_client", "Code client", FT_DIGITS, 5, 0, 2, 6, 1, NULL, 0},
};
static const struct field f3[] = {
	{"3.1", "code_enregistrement", "Code enregistrement", FT_CONST, 1, 0, 1, 1, 1, "3", 0},
	{"3.2", "index_individu_beneficiaire", "Index individu bénéficiaire", FT_TEXT, 15, 0, 2, 16, 1, NULL, 0},
	{"3.3", "reference_commande", "Référence commande", FT_TEXT, 20, 0, 17, 36, 1, NULL, 0},
	{"3.4", "mois_traitement", "Mois de traitement", FT_CODE, 2, 0, 37, 38, 1, MOIS, 0},
	{"3.5", "annee_traitement", "Année de traitement", FT_DIGITS, 4, 0, 39, 42, 1, NULL, 0},
	{"3.6", "vn_unitaire_emission", "VN unitaire émission", FT_MONEY, 3, 2, 43, 48, 0, NULL, FF_DECSEP},
	{"3.7", "quantite_consommee", "Quantité consommé", FT_INT, 7, 0, 49, 55, 0, NULL, 0},
	{"3.8", "montant_consomme", "Montant consommé", FT_MONEY, 9, 2, 56, 67, 1, NULL, FF_DECSEP},
	{"3.9", "mois_consommation", "Mois de consommation", FT_CODE, 2, 0, 68, 69, 1, MOIS, 0},
	{"3.10", "annee_consommation", "Année de consommation", FT_DIGITS, 4, 0, 70, 73, 1, NULL, 0},
	{"3.11", "code_affilie", "Code affilié", FT_DIGITS, 9, 0, 74, 82, 0, NULL, 0},
	{"3.12", "nom_affilie", "Nom affilié", FT_TEXT, 20, 0, 83, 102, 0, NULL, 0},
	{"3.13", "code_produit", "Code produit", FT_DIGITS, 2, 0, 103, 104, 1, NULL, 0},
};
static const struct field f8[] = {
	{"8.1", "code_enregistrement", "Code enregistrement", FT_CONST, 1, 0, 1, 1, 1, "8", 0},
	{"8.2", "nombre_lignes_dispositif", "Nombre de lignes du dispositif", FT_INT, 7, 0, 2, 8, 1, "lignes", FF_DERIVED},
};
static const struct field f9[] = {
	{"9.1", "code_enregistrement", "Code enregistrement", FT_CONST, 1, 0, 1, 1, 1, "9", 0},
	{"9.2", "nombre_lignes_fichier", "Nombre de lignes du fichier", FT_INT, 7, 0, 2, 8, 1, "lignes", FF_DERIVED},
};

#define N(a) (sizeof a / sizeof a[0])
static const struct recfmt r1 = { "1", "enregistrement d'entête", f1, N(f1), 18 };
static const struct recfmt r2 = { "2", "enregistrement d'un dispositif", f2, N(f2), 6 };
static const struct recfmt r3 = { "3", "détail de consommation", f3, N(f3), 104 };
static const struct recfmt r8 = { "8", "enregistrement de fin d'un dispositif", f8, N(f8), 8 };
static const struct recfmt r9 = { "9", "enregistrement final", f9, N(f9), 8 };
static const struct recfmt *const recs[] = { &r1, &r2, &r3, &r8, &r9 };

static const struct hlevel levels[] = {
	{ &r1, &r9, -1 },
	{ &r2, &r8, 1 },
	{ &r3, NULL, -1 },
};

/* The period must not end before it starts (canonical dates sort as text). */
static int
check(const struct recfmt *rf, const struct row *v)
{
	if (rf != &r1 || strcmp(v->v[1], v->v[2]) <= 0)
		return 0;
	diag_field(DC_REGLE, &f1[2], v->v[2], v->len[2],
	    "fin de période avant son début (%s)", v->v[1]);
	return 1;
}

static const struct hier hier = { levels, N(levels), 1, check };

static const struct flux flux5 = {
	.name = "flux5",
	.summary = "Flux 5, retour des CESU consommés (opérateur -> SALSA), largeur fixe.",
	.charset = "WINDOWS-1252",
	.sep = 0,
	.recs = recs,
	.nrecs = N(recs),
};

int
main(int argc, char **argv)
{
	return hier_main(&flux5, &hier, argc, argv);
}
