/*
 * flux82: Flux 8.2, bénéficiaires ayant fait l'objet d'une commande CESU
 * (opérateur -> CNCESU), annex 1 of the CCTP. Fixed-width records of 658
 * characters, DEB, DET..., FIN, uppercase ASCII; see flux82(5).
 */
#include "cnf.h"

#define APP "TPCG"
#define D "AAAAMMJJ"
#define HEAD(t) \
	{t ".1", "type_enregistrement", "Type Enregistrement", FT_CONST, 3, 0, 1, 3, 1, t, 0}, \
	{t ".2", "code_application", "Code Application", FT_CONST, 4, 0, 4, 7, 1, APP, 0}, \
	{t ".3", "code_conseil_departemental", "Code Conseil Départemental", FT_TEXT, 4, 0, 8, 11, 1, NULL, 0}, \
	{t ".4", "date_creation_fichier", "Date de création fichier", FT_DATE, 8, 0, 12, 19, 1, D, 0}, \
	{t ".5", "numero_ordre", "N° ordre", FT_INT, 5, 0, 20, 24, 1, NULL, 0}

static const struct field fdeb[] = {
	HEAD("DEB"),
	{"DEB.6", NULL, "Filler", FT_FILLER, 634, 0, 25, 658, 0, NULL, 0},
};

static const struct field fdet[] = {
	HEAD("DET"),
	{"DET.6", "identifiant_beneficiaire", "Identifiant du bénéficiaire", FT_TEXT, 32, 0, 25, 56, 1, NULL, 0},
	{"DET.7", "index_prestation", "Index prestation", FT_TEXT, 32, 0, 57, 88, 0, NULL, 0},
	{"DET.8", "numero_employeur", "Numéro employeur", FT_TEXT, 14, 0, 89, 102, 0, NULL, 0},
	{"DET.9", "civilite", "Civilité (1 = M, 2 = Mme, 3 = Melle)", FT_CODE, 1, 0, 103, 103, 1, "1|2|3", 0},
	{"DET.10", "nom_naissance", "Nom de naissance", FT_TEXT, 30, 0, 104, 133, 0, NULL, 0},
	{"DET.11", "nom_epoux", "Nom d'époux", FT_TEXT, 30, 0, 134, 163, 0, NULL, 0},
	{"DET.12", "prenom", "Prénom", FT_TEXT, 30, 0, 164, 193, 1, NULL, 0},
	{"DET.13", "date_naissance", "Date de naissance", FT_DATE, 8, 0, 194, 201, 1, D, 0},
	{"DET.14", "lieu_naissance", "Lieu de naissance", FT_TEXT, 30, 0, 202, 231, 0, NULL, 0},
	{"DET.15", "nir", "NIR", FT_TEXT, 15, 0, 232, 246, 0, NULL, 0},
	{"DET.16", "adresse_1", "Ligne d'adresse n° 1 (complément d'adresse)", FT_TEXT, 38, 0, 247, 284, 0, NULL, 0},
	{"DET.17", "adresse_2", "Ligne d'adresse n° 2 (ligne voie)", FT_TEXT, 38, 0, 285, 322, 0, NULL, 0},
	{"DET.18", "adresse_3", "Ligne d'adresse n° 3 (lieu dit)", FT_TEXT, 38, 0, 323, 360, 0, NULL, 0},
	{"DET.19", "code_postal", "Code postal", FT_TEXT, 5, 0, 361, 365, 1, NULL, 0},
	{"DET.20", "ville", "Ville", FT_TEXT, 32, 0, 366, 397, 1, NULL, 0},
	{"DET.21", "nom_correspondant", "Nom du correspondant - tuteur - représentant légal", FT_TEXT, 38, 0, 398, 435, 0, NULL, 0},
	{"DET.22", "adresse_correspondance_1", "adresse de correspondance n° 1 (complément d'adresse)", FT_TEXT, 38, 0, 436, 473, 0, NULL, 0},
	{"DET.23", "adresse_correspondance_2", "adresse de correspondance n° 2 (ligne voie)", FT_TEXT, 38, 0, 474, 511, 0, NULL, 0},
	{"DET.24", "adresse_correspondance_3", "adresse de correspondance n° 3 (lieu dit)", FT_TEXT, 38, 0, 512, 549, 0, NULL, 0},
	{"DET.25", "code_postal_correspondance", "CP adresse de correspondance", FT_TEXT, 5, 0, 550, 554, 0, NULL, 0},
	{"DET.26", "ville_correspondance", "Ville adresse de correspondance", FT_TEXT, 32, 0, 555, 586, 0, NULL, 0},
	{"DET.27", "tiers_payant", "Indicateur \"Tiers-payant\" (O/N)", FT_CODE, 1, 0, 587, 587, 1, "O|N", 0},
	{"DET.28", "mois_reference", "Mois de référence", FT_MONTH, 6, 0, 588, 593, 0, "AAAAMM", 0},
	{"DET.29", "code_type_emploi", "Code type d'emploi (1 = association mandataire ou entreprise agréée, 2 = emploi direct, 3 = famille d'accueil)", FT_CODE, 1, 0, 594, 594, 1, "1|2|3", 0},
	{"DET.30", "code_mode_declaration", "Code mode de déclaration (1 = CESU, 2 = URSSAF)", FT_CODE, 1, 0, 595, 595, 1, "1|2", 0},
	{"DET.31", "type_prestation", "Type de prestation (1 = APA, 2 = PCH, 3 = PCH enfant)", FT_CODE, 1, 0, 596, 596, 1, "1|2|3", 0},
	{"DET.32", "date_effet", "Date d'effet de l'APA/PCH", FT_DATE, 8, 0, 597, 604, 1, D, 0},
	{"DET.33", "cesu_prefinances", "Indicateur \"Cesu préfinancés\" (O/N)", FT_CODE, 1, 0, 605, 605, 1, "O|N", 0},
	{"DET.34", "heures_avant_deduction_mtp", "Nombre d'heures total avant déduction MTP", FT_HOURS, 7, 2, 606, 612, 0, NULL, 0},
	{"DET.35", "heures_plan_aide_cg", "Nombre d'heures du plan d'aide financées par le CG", FT_HOURS, 7, 2, 613, 619, 0, NULL, 0},
	{"DET.36", "salaire_horaire_net", "Salaire horaire net prévu dans plan d'aide", FT_MONEY, 5, 2, 620, 624, 0, NULL, 0},
	{"DET.37", "salaire_net", "Salaire net prévu dans plan d'aide", FT_MONEY, 7, 2, 625, 631, 0, NULL, 0},
	{"DET.38", "taux_prise_en_charge_cg", "Taux de prise en charge du CG (en centièmes de pour cent)", FT_DEC, 5, 2, 632, 636, 0, NULL, 0},
	{"DET.39", "montant_prise_en_charge_salaires", "Montant mensuel de prise en charge CG des salaires", FT_MONEY, 7, 2, 637, 643, 0, NULL, 0},
	{"DET.40", "montant_prise_en_charge_cotisations", "Montant mensuel de prise en charge CG des cotisations", FT_MONEY, 7, 2, 644, 650, 0, NULL, 0},
	{"DET.41", "date_fin", "Date de fin de l'APA/PCH", FT_DATE, 8, 0, 651, 658, 0, D, 0},
};

static const struct field ffin[] = {
	HEAD("FIN"),
	{"FIN.6", "nombre_enregistrements", "Nombre total d'enregistrements (DEB et FIN compris)", FT_INT, 8, 0, 25, 32, 1, NULL, FF_DERIVED},
	{"FIN.7", NULL, "Filler", FT_FILLER, 626, 0, 33, 658, 0, NULL, 0},
};

#define N(a) (sizeof a / sizeof a[0])
static const struct recfmt deb = { "DEB", "début de fichier", fdeb, N(fdeb), 658 };
static const struct recfmt det = { "DET", "détail bénéficiaire et plan d'aide", fdet, N(fdet), 658 };
static const struct recfmt fin = { "FIN", "fin de fichier", ffin, N(ffin), 658 };
static const struct recfmt *const recs[] = { &deb, &det, &fin };

static const struct cnf cnf = {
	.deb = &deb, .det = &det, .fin = &fin,
	.ncommon = 5, .count = 5, .upper = 1, .tailkey = -1,
};

static const struct flux flux82 = {
	.name = "flux82",
	.summary = "Flux 8.2, bénéficiaires ayant fait l'objet d'une commande CESU (opérateur -> CNCESU), largeur fixe 658.",
	.charset = "ASCII",
	.sep = 0,
	.recs = recs,
	.nrecs = N(recs),
};

int
main(int argc, char **argv)
{
	return cnf_main(&flux82, &cnf, argc, argv);
}
