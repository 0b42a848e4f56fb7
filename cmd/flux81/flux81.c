/*
 * flux81: Flux 8.1, CESU consommés (opérateur -> CNCESU), annex 1 of the
 * CCTP. The spec gives no lengths nor positions: the layout below follows
 * Flux 8.2 and the spec's examples, as flux81(5) explains field by field.
 * Fixed-width records of 129 characters, DEB, DET..., FIN.
 */
#include "cnf.h"

#define APP "ECPF"
#define D "AAAAMMJJ"
#define W 129
#define HEAD(t) \
	{t ".1", "type_enregistrement", "Type Enregistrement", FT_CONST, 3, 0, 1, 3, 1, t, 0}, \
	{t ".2", "code_application", "Code Application", FT_CONST, 4, 0, 4, 7, 1, APP, 0}, \
	{t ".3", "code_emetteur", "Code Emetteur", FT_CONST, 4, 0, 8, 11, 1, "ACCO", 0}, \
	{t ".4", "date_creation_fichier", "Date de création fichier", FT_DATE, 8, 0, 12, 19, 1, D, 0}, \
	{t ".5", "numero_ordre", "N° ordre", FT_INT, 5, 0, 20, 24, 1, NULL, 0}

static const struct field fdeb[] = {
	HEAD("DEB"),
	{"DEB.6", NULL, "Filler", FT_FILLER, W - 24, 0, 25, W, 0, NULL, 0},
};

static const struct field fdet[] = {
	HEAD("DET"),
	{"DET.6", "code_departement", "Code département du conseil départemental d'appartenance du bénéficiaire", FT_TEXT, 3, 0, 25, 27, 1, NULL, 0},
	{"DET.7", "identifiant_beneficiaire", "Identifiant du bénéficiaire", FT_TEXT, 32, 0, 28, 59, 1, NULL, 0},
	{"DET.8", "index_prestation", "Index prestation", FT_TEXT, 32, 0, 60, 91, 0, NULL, 0},
	{"DET.9", "mois_reference", "Mois de référence des titres remboursés", FT_MONTH, 6, 0, 92, 97, 1, "AAAAMM", 0},
	{"DET.10", "heures_emploi_direct", "Nombre d'heures consommées \"Emploi direct\" du mois de référence", FT_HOURS, 7, 2, 98, 104, 0, NULL, 0},
	{"DET.11", "heures_autres", "Nombre d'heures consommées \"Autres\" du mois de référence", FT_HOURS, 7, 2, 105, 111, 0, NULL, 0},
	{"DET.12", "montant_emploi_direct", "Montant des encaissements \"Emploi Direct\" du mois de référence", FT_MONEY, 9, 2, 112, 120, 0, NULL, 0},
	{"DET.13", "montant_autres", "Montant des encaissements \"Autres\" du mois de référence", FT_MONEY, 9, 2, 121, 129, 0, NULL, 0},
};

static const struct field ffin[] = {
	HEAD("FIN"),
	{"FIN.6", "nombre_enregistrements", "Nombre total d'enregistrements (DEB et FIN compris)", FT_INT, 8, 0, 25, 32, 1, NULL, FF_DERIVED},
	{"FIN.7", NULL, "Filler", FT_FILLER, W - 32, 0, 33, W, 0, NULL, 0},
};

#define N(a) (sizeof a / sizeof a[0])
static const struct recfmt deb = { "DEB", "début de fichier", fdeb, N(fdeb), W };
static const struct recfmt det = { "DET", "détail titres CESU encaissés", fdet, N(fdet), W };
static const struct recfmt fin = { "FIN", "fin de fichier", ffin, N(ffin), W };
static const struct recfmt *const recs[] = { &deb, &det, &fin };

static const struct cnf cnf = {
	.deb = &deb, .det = &det, .fin = &fin,
	.ncommon = 5, .count = 5, .upper = 1, .tailkey = -1,
};

static const struct flux flux81 = {
	.name = "flux81",
	.summary = "Flux 8.1, CESU consommés (opérateur -> CNCESU), largeur fixe 129.",
	.charset = "ASCII",
	.sep = 0,
	.recs = recs,
	.nrecs = N(recs),
};

int
main(int argc, char **argv)
{
	return cnf_main(&flux81, &cnf, argc, argv);
}
