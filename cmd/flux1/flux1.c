/*
 * flux1: Flux 1, plans d'aide (SALSA -> opérateur), annex 1 of the CCTP.
 * One record type of 74 '|'-separated fields; see flux1(5).
 */

#include "flux.h"

#define D "JJ/MM/AAAA"

static const struct field fields[] = {
	{"1", "code_tiers_salsa", "Code tiers Salsa", FT_TEXT, 6, 0, 0, 0, 0, NULL, 0},
	{"2", "code_financier", "Code Financier", FT_TEXT, 10, 0, 0, 0, 1, NULL, 0},
	{"3", "identifiant_beneficiaire_portail", "Identifiant Bénéficiaire Portail Unique", FT_TEXT, 15, 0, 0, 0, 0, NULL, 0},
	{"4", "identifiant_beneficiaire_salsa", "Identifiant Bénéficiaire Salsa", FT_TEXT, 6, 0, 0, 0, 1, NULL, 0},
	{"5", "module", "Module", FT_TEXT, 4, 0, 0, 0, 0, NULL, 0},
	{"6", "index_demande_salsa", "Index demande Salsa", FT_TEXT, 6, 0, 0, 0, 1, NULL, 0},
	{"7", "index_prestation_salsa", "Index prestation Salsa", FT_TEXT, 6, 0, 0, 0, 1, NULL, 0},
	{"8", "date_debut_droit", "Date de début de droit de l'aide", FT_DATE, 10, 0, 0, 0, 1, D, 0},
	{"9", "date_fin_droit", "Date de fin de droit de l'aide", FT_DATE, 10, 0, 0, 0, 1, D, 0},
	{"10", "date_debut_prise_en_charge", "Date de début de prise en charge (prestation)", FT_DATE, 10, 0, 0, 0, 1, D, 0},
	{"11", "date_fin_prise_en_charge", "Date de fin de prise en charge (prestation)", FT_DATE, 10, 0, 0, 0, 1, D, 0},
	{"12", "quantite_prise_en_charge", "Quantité prise en charge (en fonction du versé et du tarif brut)", FT_DEC, 5, 2, 0, 0, 1, NULL, 0},
	{"13", "quantite_totale", "Quantité totale", FT_DEC, 5, 2, 0, 0, 0, NULL, 0},
	{"14", "montant_participation", "Montant participation", FT_MONEY, 7, 2, 0, 0, 0, NULL, 0},
	{"15", "pourcentage_ticket", "Pourcentage ticket", FT_DEC, 3, 2, 0, 0, 1, NULL, 0},
	{"16", "derogation", "Dérogation", FT_BOOL, 1, 0, 0, 0, 0, NULL, 0},
	{"17", "montant_depassement", "Montant dépassement", FT_MONEY, 5, 2, 0, 0, 0, NULL, 0},
	{"18", "montant_financier", "Montant financier", FT_MONEY, 7, 2, 0, 0, 1, NULL, 0},
	{"19", "cout_total_prestation", "Coût total de la prestation", FT_MONEY, 7, 2, 0, 0, 1, NULL, 0},
	{"20", "code_nomenclature", "Code nomenclature de la prestation", FT_TEXT, 3, 0, 0, 0, 1, NULL, 0},
	{"21", "periodicite", "Périodicité", FT_TEXT, 2, 0, 0, 0, 1, NULL, 0},
	{"22", "mode_gestion", "Mode de gestion (Prestataire, Mandataire, Emploi Direct)", FT_CODE, 1, 0, 0, 0, 1, "P|M|E", 0},
	{"23", "civilite_beneficiaire", "Civilité du bénéficiaire", FT_TEXT, 5, 0, 0, 0, 0, NULL, 0},
	{"24", "nom_beneficiaire", "Nom du bénéficiaire", FT_TEXT, 30, 0, 0, 0, 1, NULL, 0},
	{"25", "prenom_beneficiaire", "Prénom du bénéficiaire", FT_TEXT, 60, 0, 0, 0, 1, NULL, 0},
	{"26", "date_naissance_beneficiaire", "Date de naissance du bénéficiaire", FT_DATE, 10, 0, 0, 0, 1, D, 0},
	{"27", "gir", "GIR du bénéficiaire", FT_CODE, 1, 0, 0, 0, 0, "1|2|3|4|5|6", 0},
	{"28", "adresse_1", "Adresse 1", FT_TEXT, 50, 0, 0, 0, 0, NULL, 0},
	{"29", "adresse_2", "Adresse 2", FT_TEXT, 40, 0, 0, 0, 0, NULL, 0},
	{"30", "code_postal", "Code postal", FT_DIGITS, 5, 0, 0, 0, 0, NULL, 0},
	{"31", "ville", "Ville", FT_TEXT, 40, 0, 0, 0, 0, NULL, 0},
	{"32", "numero_dossier", "N° dossier du bénéficiaire", FT_TEXT, 6, 0, 0, 0, 0, NULL, 0},
	{"33", "telephone", "Téléphone du bénéficiaire", FT_TEXT, 10, 0, 0, 0, 0, NULL, 0},
	{"34", "telephone_portable", "Téléphone portable du bénéficiaire", FT_TEXT, 10, 0, 0, 0, 0, NULL, 0},
	{"35", "type_attributaire_paiement", "Type attributaire du Paiement (Bénéficiaire, Prestataire ou Tuteur)", FT_CODE, 1, 0, 0, 0, 1, "B|P|T", 0},
	{"36", "identifiant_evenement", "Identifiant Evènement", FT_DIGITS, 6, 0, 0, 0, 0, NULL, 0},
	{"37", "type_evenement", "Type Evènement", FT_DIGITS, 2, 0, 0, 0, 0, NULL, 0},
	{"38", "date_debut_evenement", "Date de Début Evènement", FT_DATE, 10, 0, 0, 0, 0, D, 0},
	{"39", "date_fin_evenement", "Date de Fin Evènement", FT_DATE, 10, 0, 0, 0, 0, D, 0},
	{"40", "identifiant_tuteur", "Identifiant Tuteur", FT_TEXT, 6, 0, 0, 0, 0, NULL, 0},
	{"41", "civilite_tuteur", "Civilité Tuteur", FT_TEXT, 5, 0, 0, 0, 0, NULL, 0},
	{"42", "nom_tuteur", "Nom Tuteur ou nom de l'organisme", FT_TEXT, 100, 0, 0, 0, 0, NULL, 0},
	{"43", "prenom_tuteur", "Prénom Tuteur", FT_TEXT, 60, 0, 0, 0, 0, NULL, 0},
	{"44", "date_naissance_tuteur", "Date de Naissance Tuteur", FT_DATE, 10, 0, 0, 0, 0, D, 0},
	{"45", "telephone_tuteur", "Téléphone Tuteur", FT_TEXT, 10, 0, 0, 0, 0, NULL, 0},
	{"46", "complement_destinataire_tuteur", "Complément destinataire", FT_TEXT, 50, 0, 0, 0, 0, NULL, 0},
	{"47", "adresse_1_tuteur", "Adresse1 Tuteur", FT_TEXT, 50, 0, 0, 0, 0, NULL, 0},
	{"48", "adresse_2_tuteur", "Adresse2 Tuteur", FT_TEXT, 40, 0, 0, 0, 0, NULL, 0},
	{"49", "code_postal_tuteur", "Code Postal Tuteur", FT_DIGITS, 5, 0, 0, 0, 0, NULL, 0},
	{"50", "ville_tuteur", "Ville Tuteur", FT_TEXT, 40, 0, 0, 0, 0, NULL, 0},
	{"51", "code_mode_reglement", "Code mode règlement", FT_DIGITS, 3, 0, 0, 0, 0, NULL, 0},
	{"52", "complement_destinataire_reglement", "Complément destinataire", FT_TEXT, 50, 0, 0, 0, 0, NULL, 0},
	{"53", "date_decision", "Date de décision de l'aide", FT_DATE, 10, 0, 0, 0, 0, D, 0},
	{"54", "montant_unitaire_cd", "Montant unitaire à facturer au CD", FT_MONEY, 7, 2, 0, 0, 0, NULL, 0},
	{"55", "montant_unitaire_beneficiaire", "Montant unitaire à facturer au bénéficiaire", FT_MONEY, 7, 2, 0, 0, 0, NULL, 0},
	{"56", "quantite_sans_depassement", "Quantité à facturer sans dépassement", FT_DEC, 5, 2, 0, 0, 0, NULL, 0},
	{"57", "date_notification", "date notification", FT_DATE, 10, 0, 0, 0, 0, D, 0},
	{"58", "code_type_demande", "code type demande", FT_TEXT, 3, 0, 0, 0, 0, NULL, 0},
	{"59", "code_nature_demande", "code nature demande", FT_TEXT, 3, 0, 0, 0, 0, NULL, 0},
	{"60", "code_tiers_tarif", "Code tiers tarif", FT_TEXT, 6, 0, 0, 0, 0, NULL, 0},
	{"61", "modalite_plan_aide", "Modalité plan d'aide", FT_TEXT, 2000, 0, 0, 0, 0, NULL, 0},
	{"62", "code_secteur_1", "Code secteur 1", FT_TEXT, 4, 0, 0, 0, 0, NULL, 0},
	{"63", "code_secteur_2", "Code secteur 2", FT_TEXT, 4, 0, 0, 0, 0, NULL, 0},
	{"64", "code_secteur_3", "Code secteur 3", FT_TEXT, 4, 0, 0, 0, 0, NULL, 0},
	{"65", "code_contexte_familial", "Code Contexte familial du dossier", FT_TEXT, 2, 0, 0, 0, 0, NULL, 0},
	{"66", "code_situation_familiale", "Code Situation familial de l'individu", FT_TEXT, 2, 0, 0, 0, 0, NULL, 0},
	{"67", "code_type_tutelle", "Code type tutelle", FT_TEXT, 2, 0, 0, 0, 0, NULL, 0},
	{"68", "interlocuteur_tutelle", "Interlocuteur de l'organisme de tutelle", FT_TEXT, 117, 0, 0, 0, 0, NULL, 0},
	{"69", "cedex_tuteur", "Cedex adresse tuteur", FT_TEXT, 10, 0, 0, 0, 0, NULL, 0},
	{"70", "nom_naissance_beneficiaire", "Nom de naissance du bénéficiaire", FT_TEXT, 30, 0, 0, 0, 0, NULL, 0},
	{"71", "cedex", "Cedex adresse", FT_TEXT, 10, 0, 0, 0, 0, NULL, 0},
	{"72", "travailleur_social", "Travailleur social de l'aide", FT_TEXT, 67, 0, 0, 0, 0, NULL, 0},
	{"73", "instructeur", "instructeur de l'aide (genre nom prénom)", FT_TEXT, 67, 0, 0, 0, 0, NULL, 0},
	{"74", "numero_ligne", "numéro de ligne du fichier", FT_INT, 9, 0, 0, 0, 0, NULL, 0},
};

static const struct recfmt plan = {
	NULL, "plan d'aide", fields, sizeof fields / sizeof fields[0], 0
};
static const struct recfmt *const recs[] = { &plan };

static int
check(struct fluxrun *r, const struct row *v)
{
	(void)r;
	return rec_period(&plan, v, 7, 8) + rec_period(&plan, v, 9, 10) +
	    rec_period(&plan, v, 37, 38);
}

static const struct flux flux1 = {
	.name = "flux1",
	.summary = "Flux 1, plans d'aide (SALSA -> opérateur), séparateur |.",
	.charset = "WINDOWS-1252",
	.sep = '|',
	.recs = recs,
	.nrecs = 1,
	.check = check,
};

int
main(int argc, char **argv)
{
	return flux_main(&flux1, argc, argv);
}
