/*
 * flux4: Flux 4, commandes CESU (SALSA -> opérateur), annex 1 of the CCTP.
 * Fixed width, nested: file (1/9), order (2/8), branch (3/7), carnet
 * (4/6) around title records (5); see flux4(5) for every reading of the
 * layout.
 */
#include <stdio.h>
#include <string.h>

#include "flux.h"
#include "hier.h"

#define D "JJMMAAAA"
#define CIV "1|2|3"

static const struct field f1[] = {
	{"1.1", "code_enregistrement", "Code enregistrement", FT_CONST, 1, 0, 1, 1, 1, "1", 0},
	{"1.2", "date_commande", "Date commande (JJMMAAAA)", FT_DATE, 8, 0, 2, 9, 1, D, 0},
	{"1.3", "origine_fichier", "Origine du fichier", FT_TEXT, 30, 0, 10, 39, 0, NULL, 0},
};
static const struct field f2[] = {
	{"2.1", "code_enregistrement", "Code enregistrement", FT_CONST, 1, 0, 1, 1, 1, "2", 0},
	{"2.2", "code_client", "Code Client", FT_DIGITS, 5, 0, 2, 6, 1, NULL, 0},
	{"2.3", "raison_sociale", "Raison sociale", FT_TEXT, 32, 0, 7, 38, 1, NULL, 0},
	{"2.4", "reference_commande_externe", "Référence commande externe", FT_TEXT, 20, 0, 39, 58, 0, NULL, 0},
	{"2.5", NULL, "Filler (non alimenté, contient des espaces)", FT_FILLER, 221, 0, 59, 279, 0, NULL, 0},
	{"2.6", "type_commande", "Type de commande", FT_DIGITS, 2, 0, 280, 281, 0, NULL, 0},
};
static const struct field f3[] = {
	{"3.1", "code_enregistrement", "Code enregistrement", FT_CONST, 1, 0, 1, 1, 1, "3", 0},
	{"3.2", "code_client", "Code Client", FT_DIGITS, 5, 0, 2, 6, 1, NULL, FF_DERIVED},
	{"3.3", "code_succursale", "Code succursale", FT_DIGITS, 3, 0, 7, 9, 1, NULL, 0},
	{"3.4", NULL, "Code entité juridique externe (non alimenté, contient des espaces)", FT_FILLER, 15, 0, 10, 24, 0, NULL, 0},
	{"3.5", NULL, "Filler (non alimenté, contient des espaces)", FT_FILLER, 159, 0, 25, 183, 0, NULL, 0},
	{"3.6", NULL, "Identifiant externe (non alimenté, contient des espaces)", FT_FILLER, 2, 0, 184, 185, 0, NULL, 0},
};
static const struct field f4[] = {
	{"4.1", "code_enregistrement", "Code enregistrement", FT_CONST, 1, 0, 1, 1, 1, "4", 0},
	{"4.2", "code_client", "Code client", FT_DIGITS, 5, 0, 2, 6, 1, NULL, FF_DERIVED},
	{"4.3", "code_succursale", "Code Succursale", FT_DIGITS, 3, 0, 7, 9, 1, NULL, FF_DERIVED},
	{"4.4", "code_carnet", "Code carnet", FT_DIGITS, 4, 0, 10, 13, 1, NULL, 0},
	{"4.5", "nombre_carnets", "Nombre de carnets", FT_INT, 5, 0, 14, 18, 1, NULL, 0},
	{"4.6", "matricule_salarie", "Matricule salarié (index individu PRCV)", FT_TEXT, 15, 0, 19, 33, 0, NULL, 0},
	{"4.7", "civilite", "Civilité", FT_CODE, 1, 0, 34, 34, 1, CIV, 0},
	{"4.8", "nom_beneficiaire", "Nom du bénéficiaire", FT_TEXT, 32, 0, 35, 66, 1, NULL, 0},
	{"4.9", "prenom_beneficiaire", "Prénom du bénéficiaire", FT_TEXT, 32, 0, 67, 98, 1, NULL, 0},
	{"4.10", "date_naissance", "Date de naissance (JJMMAAAA)", FT_DATE, 8, 0, 99, 106, 1, D, 0},
	{"4.11", NULL, "Numéro de la voie (non alimenté, contient des espaces)", FT_FILLER, 4, 0, 107, 110, 0, NULL, 0},
	{"4.12", NULL, "Lettre dans la voie (B,T,Q) (non alimenté, contient des espaces)", FT_FILLER, 1, 0, 111, 111, 0, NULL, 0},
	{"4.13", NULL, "Type de voie (non alimenté, contient des espaces)", FT_FILLER, 4, 0, 112, 115, 0, NULL, 0},
	{"4.14", "nom_voie", "Nom de la voie", FT_TEXT, 27, 0, 116, 142, 0, NULL, 0},
	{"4.15", "complement_adresse", "Complément d'adresse", FT_TEXT, 38, 0, 143, 180, 0, NULL, 0},
	{"4.16", "lieu_dit", "Nom du lieu dit", FT_TEXT, 38, 0, 181, 218, 0, NULL, 0},
	{"4.17", "code_postal", "Code postal", FT_DIGITS, 5, 0, 219, 223, 1, NULL, 0},
	{"4.18", "bureau_distributeur", "Bureau distributeur", FT_TEXT, 32, 0, 224, 255, 0, NULL, 0},
	{"4.19", "code_insee", "Code INSEE", FT_TEXT, 5, 0, 256, 260, 0, NULL, 0},
	{"4.20", "nom_commune", "Nom de la commune", FT_TEXT, 32, 0, 261, 292, 0, NULL, 0},
	{"4.21", NULL, "Téléphone portable (non alimenté, contient des espaces)", FT_FILLER, 15, 0, 293, 307, 0, NULL, 0},
	{"4.22", NULL, "Téléphone domicile (non alimenté, contient des espaces)", FT_FILLER, 15, 0, 308, 322, 0, NULL, 0},
	{"4.23", NULL, "Autre téléphone (non alimenté, contient des espaces)", FT_FILLER, 15, 0, 323, 337, 0, NULL, 0},
	{"4.24", NULL, "Adresse e-mail (non alimenté, contient des espaces)", FT_FILLER, 150, 0, 338, 487, 0, NULL, 0},
	{"4.25", "civilite_tuteur", "Civilité tuteur", FT_CODE, 1, 0, 488, 488, 0, CIV, 0},
	{"4.26", "nom_tuteur", "Nom du tuteur", FT_TEXT, 32, 0, 489, 520, 0, NULL, 0},
	{"4.27", "prenom_tuteur", "Prénom du tuteur", FT_TEXT, 32, 0, 521, 552, 0, NULL, 0},
	{"4.28", NULL, "Numéro de la voie tuteur (non alimenté, contient des espaces)", FT_FILLER, 4, 0, 553, 556, 0, NULL, 0},
	{"4.29", NULL, "Lettre dans la voie (B,T,Q) tuteur (non alimenté, contient des espaces)", FT_FILLER, 1, 0, 557, 557, 0, NULL, 0},
	{"4.30", NULL, "Type de voie tuteur (non alimenté, contient des espaces)", FT_FILLER, 4, 0, 558, 561, 0, NULL, 0},
	{"4.31", "nom_voie_tuteur", "Nom de la voie tuteur", FT_TEXT, 27, 0, 562, 588, 0, NULL, 0},
	{"4.32", "complement_adresse_tuteur", "Complément d'adresse tuteur", FT_TEXT, 38, 0, 589, 626, 0, NULL, 0},
	{"4.33", NULL, "Nom du lieu dit tuteur (non alimenté, contient des espaces)", FT_FILLER, 38, 0, 627, 664, 0, NULL, 0},
	{"4.34", "code_postal_tuteur", "Code postal tuteur", FT_DIGITS, 5, 0, 665, 669, 0, NULL, 0},
	{"4.35", "bureau_distributeur_tuteur", "Bureau distributeur tuteur (ville)", FT_TEXT, 32, 0, 670, 701, 0, NULL, 0},
	{"4.36", NULL, "Code banque (non alimenté, contient des espaces)", FT_FILLER, 5, 0, 702, 706, 0, NULL, 0},
	{"4.37", NULL, "Code Guichet (non alimenté, contient des espaces)", FT_FILLER, 5, 0, 707, 711, 0, NULL, 0},
	{"4.38", NULL, "Numéro de Compte (non alimenté, contient des espaces)", FT_FILLER, 11, 0, 712, 722, 0, NULL, 0},
	{"4.39", NULL, "Clé Rib (non alimenté, contient des espaces)", FT_FILLER, 2, 0, 723, 724, 0, NULL, 0},
	{"4.40", NULL, "Domiciliation Bancaire (non alimenté, contient des espaces)", FT_FILLER, 50, 0, 725, 774, 0, NULL, 0},
	{"4.41", NULL, "Titulaire du compte (non alimenté, contient des espaces)", FT_FILLER, 50, 0, 775, 824, 0, NULL, 0},
	{"4.42", NULL, "IBAN (non alimenté, contient des espaces)", FT_FILLER, 34, 0, 825, 858, 0, NULL, 0},
	{"4.43", "date_debut_prise_en_charge", "Date début prise en charge", FT_DATE, 8, 0, 859, 866, 0, D, 0},
	{"4.44", "date_fin_prise_en_charge", "Date de fin de prise en charge", FT_DATE, 8, 0, 867, 874, 0, D, 0},
	{"4.45", "titre_dematerialise", "Titre Dématérialisé (O/N)", FT_CODE, 1, 0, 875, 875, 0, "O|N", 0},
	{"4.46", "reference_ligne_commande_externe", "Référence ligne commande externe (index prestation Salsa)", FT_TEXT, 20, 0, 876, 895, 0, NULL, 0},
};
enum { F4_DEBUT = 42, F4_FIN = 43 };
static const struct field f5[] = {
	{"5.1", "code_enregistrement", "Code enregistrement", FT_CONST, 1, 0, 1, 1, 1, "5", 0},
	{"5.2", "code_client", "Code client", FT_DIGITS, 5, 0, 2, 6, 1, NULL, FF_DERIVED},
	{"5.3", "code_succursale", "Code succursale", FT_DIGITS, 3, 0, 7, 9, 1, NULL, FF_DERIVED},
	{"5.4", "code_carnet", "Code carnet", FT_DIGITS, 4, 0, 10, 13, 1, NULL, FF_DERIVED},
	{"5.5", "nombre_titres", "Nombre de titres", FT_INT, 2, 0, 14, 15, 1, NULL, 0},
	{"5.6", "valeur_unitaire", "Valeur unitaire des titres en centimes", FT_MONEY, 3, 2, 16, 20, 1, NULL, 0},
	{"5.7", "part_financier_unitaire", "Part Financier unitaire en centimes", FT_MONEY, 3, 2, 21, 25, 0, NULL, 0},
	{"5.8", "date_validite", "Date de validité", FT_DATE, 8, 0, 26, 33, 0, D, 0},
	{"5.9", "code_mention_1", "Code mention 1", FT_DIGITS, 3, 0, 34, 36, 0, NULL, 0},
	{"5.10", "code_mention_2", "Code mention 2", FT_DIGITS, 3, 0, 37, 39, 0, NULL, 0},
	{"5.11", "mention_libre", "Mention libre", FT_TEXT, 40, 0, 40, 79, 0, NULL, 0},
	{"5.12", "mois_reference", "Mois de référence (année et mois de paiement)", FT_MONTH, 6, 0, 80, 85, 0, "AAAAMM", 0},
};
enum { F5_VALIDITE = 7, F5_MOIS = 11 };
static const struct field f6[] = {
	{"6.1", "code_enregistrement", "Code enregistrement", FT_CONST, 1, 0, 1, 1, 1, "6", 0},
	{"6.2", "nombre_titres_carnet", "Nombre de titres du carnet", FT_INT, 7, 0, 2, 8, 1, "somme:nombre_titres", FF_DERIVED},
	{"6.3", "valeur_carnet", "Valeur du carnet", FT_MONEY, 9, 2, 9, 19, 1, "somme:nombre_titres*valeur_unitaire", FF_DERIVED},
};
static const struct field f7[] = {
	{"7.1", "code_enregistrement", "Code enregistrement", FT_CONST, 1, 0, 1, 1, 1, "7", 0},
	{"7.2", "nombre_titres_succursale", "Nombre de titres de la succursale", FT_INT, 7, 0, 2, 8, 1, "somme:nombre_titres", FF_DERIVED},
	{"7.3", "montant_succursale", "Montant des titres de la succursale en centimes", FT_MONEY, 9, 2, 9, 19, 1, "somme:nombre_titres*valeur_unitaire", FF_DERIVED},
	{"7.4", "part_financier_succursale", "Montant de la Part Financier en centimes", FT_MONEY, 9, 2, 20, 30, 0, "somme:nombre_titres*part_financier_unitaire", FF_DERIVED},
	{"7.5", "nombre_carnets_succursale", "Nombre de carnets", FT_INT, 9, 0, 31, 39, 1, "nombre:3", FF_DERIVED},
};
static const struct field f8[] = {
	{"8.1", "code_enregistrement", "Code enregistrement", FT_CONST, 1, 0, 1, 1, 1, "8", 0},
	{"8.2", "nombre_titres_commande", "Nombre de titres de la commande", FT_INT, 7, 0, 2, 8, 1, "somme:nombre_titres", FF_DERIVED},
	{"8.3", "montant_commande", "Montant de la commande en centimes", FT_MONEY, 9, 2, 9, 19, 1, "somme:nombre_titres*valeur_unitaire", FF_DERIVED},
	{"8.4", "part_financier_commande", "Montant de la Part Financier en centimes", FT_MONEY, 9, 2, 20, 30, 0, "somme:nombre_titres*part_financier_unitaire", FF_DERIVED},
	{"8.5", "nombre_carnets_commande", "Nombre de carnets de la commande", FT_INT, 9, 0, 31, 39, 1, "nombre:3", FF_DERIVED},
};
static const struct field f9[] = {
	{"9.1", "code_enregistrement", "Code enregistrement", FT_CONST, 1, 0, 1, 1, 1, "9", 0},
	{"9.2", "nombre_lignes_fichier", "Nombre de lignes du fichier", FT_INT, 7, 0, 2, 8, 1, "lignes", FF_DERIVED},
};

#define N(a) (sizeof a / sizeof a[0])
static const struct recfmt r1 = { "1", "entête de fichier", f1, N(f1), 39 };
static const struct recfmt r2 = { "2", "entête de commande", f2, N(f2), 281 };
static const struct recfmt r3 = { "3", "entête de succursale", f3, N(f3), 185 };
static const struct recfmt r4 = { "4", "entête de carnet", f4, N(f4), 895 };
static const struct recfmt r5 = { "5", "typologie titre", f5, N(f5), 85 };
static const struct recfmt r6 = { "6", "pied de carnet", f6, N(f6), 19 };
static const struct recfmt r7 = { "7", "pied de succursale", f7, N(f7), 39 };
static const struct recfmt r8 = { "8", "pied de commande", f8, N(f8), 39 };
static const struct recfmt r9 = { "9", "pied de fichier", f9, N(f9), 8 };
static const struct recfmt *const recs[] = {
	&r1, &r2, &r3, &r4, &r5, &r6, &r7, &r8, &r9
};

static const struct hlevel levels[] = {
	{ &r1, &r9, -1 },
	{ &r2, &r8, 1 },
	{ &r3, &r7, 2 },
	{ &r4, &r6, 3 },
	{ &r5, NULL, -1 },
};

/* Canonical dates and months sort as text. */
static int
check_carnet(const struct row *v)
{
	if (v->len[F4_DEBUT] == 0 || v->len[F4_FIN] == 0 ||
	    strcmp(v->v[F4_DEBUT], v->v[F4_FIN]) <= 0)
		return 0;
	diag_field(DC_REGLE, &f4[F4_FIN], v->v[F4_FIN], v->len[F4_FIN],
	    "fin de prise en charge avant son début (%s)", v->v[F4_DEBUT]);
	return 1;
}

static int
dig(const char *s, int n)
{
	int v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

/* Date de validité = last day of the month after the payment month. */
static int
check_titre(const struct row *v)
{
	char want[16];
	int y, m;

	if (v->len[F5_VALIDITE] != 10 || v->len[F5_MOIS] != 7)
		return 0;
	y = dig(v->v[F5_MOIS], 4);
	m = dig(v->v[F5_MOIS] + 5, 2);
	if (++m == 13) {
		m = 1;
		y++;
	}
	if (dig(v->v[F5_VALIDITE], 4) == y &&
	    dig(v->v[F5_VALIDITE] + 5, 2) == m &&
	    dig(v->v[F5_VALIDITE] + 8, 2) == days_in_month(y, m))
		return 0;
	snprintf(want, sizeof want, "%04d-%02d-%02d", y, m,
	    days_in_month(y, m));
	diag_field(DC_REGLE, &f5[F5_VALIDITE], v->v[F5_VALIDITE],
	    v->len[F5_VALIDITE],
	    "attendu le %s, dernier jour du mois qui suit le mois de paiement %s",
	    want, v->v[F5_MOIS]);
	return 1;
}

static int
check(const struct recfmt *rf, const struct row *v)
{
	if (rf == &r4)
		return check_carnet(v);
	if (rf == &r5)
		return check_titre(v);
	return 0;
}

static const struct hier hier = { levels, N(levels), 3, check };

static const struct flux flux4 = {
	.name = "flux4",
	.summary = "Flux 4, commandes CESU (SALSA -> opérateur), largeur fixe.",
	.charset = "WINDOWS-1252",
	.sep = 0,
	.recs = recs,
	.nrecs = N(recs),
};

int
main(int argc, char **argv)
{
	return hier_main(&flux4, &hier, argc, argv);
}
