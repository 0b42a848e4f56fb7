/*
 * The load kinds: for each, the canonical CSV's columns (as the converter
 * prints them, in order), the natural key, and the SQL rules that relate a
 * row to what the ledger already knows.
 */
#include <stddef.h>

#include "load.h"

static const struct kcol plan_cols[] = {
	{ "code_tiers_salsa", 'T', 0, 2, 0 },
	{ "code_financier", 'T', 1, 2, 0 },
	{ "identifiant_beneficiaire_portail", 'T', 0, 2, 0 },
	{ "identifiant_beneficiaire_salsa", 'T', 1, 2, 0 },
	{ "module", 'T', 0, 2, 0 },
	{ "index_demande_salsa", 'T', 1, 2, 0 },
	{ "index_prestation_salsa", 'T', 1, 2, 0 },
	{ "date_debut_droit", 'D', 1, 2, 0 },
	{ "date_fin_droit", 'D', 1, 2, 0 },
	{ "date_debut_prise_en_charge", 'D', 1, 2, 0 },
	{ "date_fin_prise_en_charge", 'D', 1, 2, 0 },
	{ "quantite_prise_en_charge", 'N', 1, 2, 0 },
	{ "quantite_totale", 'N', 0, 2, 0 },
	{ "montant_participation", 'N', 0, 2, 0 },
	{ "pourcentage_ticket", 'N', 1, 2, 0 },
	{ "derogation", 'B', 0, 2, 0 },
	{ "montant_depassement", 'N', 0, 2, 0 },
	{ "montant_financier", 'N', 1, 2, 0 },
	{ "cout_total_prestation", 'N', 1, 2, 0 },
	{ "code_nomenclature", 'T', 1, 2, 0 },
	{ "periodicite", 'T', 1, 2, 0 },
	{ "mode_gestion", 'T', 1, 2, 0 },
	{ "civilite_beneficiaire", 'T', 0, 2, 0 },
	{ "nom_beneficiaire", 'T', 1, 2, 0 },
	{ "prenom_beneficiaire", 'T', 1, 2, 0 },
	{ "date_naissance_beneficiaire", 'D', 1, 2, 0 },
	{ "gir", 'T', 0, 2, 0 },
	{ "adresse_1", 'T', 0, 2, 0 },
	{ "adresse_2", 'T', 0, 2, 0 },
	{ "code_postal", 'T', 0, 2, 0 },
	{ "ville", 'T', 0, 2, 0 },
	{ "numero_dossier", 'T', 0, 2, 0 },
	{ "telephone", 'T', 0, 2, 0 },
	{ "telephone_portable", 'T', 0, 2, 0 },
	{ "type_attributaire_paiement", 'T', 1, 2, 0 },
	{ "identifiant_evenement", 'T', 0, 2, 0 },
	{ "type_evenement", 'T', 0, 2, 0 },
	{ "date_debut_evenement", 'D', 0, 2, 0 },
	{ "date_fin_evenement", 'D', 0, 2, 0 },
	{ "identifiant_tuteur", 'T', 0, 2, 0 },
	{ "civilite_tuteur", 'T', 0, 2, 0 },
	{ "nom_tuteur", 'T', 0, 2, 0 },
	{ "prenom_tuteur", 'T', 0, 2, 0 },
	{ "date_naissance_tuteur", 'D', 0, 2, 0 },
	{ "telephone_tuteur", 'T', 0, 2, 0 },
	{ "complement_destinataire_tuteur", 'T', 0, 2, 0 },
	{ "adresse_1_tuteur", 'T', 0, 2, 0 },
	{ "adresse_2_tuteur", 'T', 0, 2, 0 },
	{ "code_postal_tuteur", 'T', 0, 2, 0 },
	{ "ville_tuteur", 'T', 0, 2, 0 },
	{ "code_mode_reglement", 'T', 0, 2, 0 },
	{ "complement_destinataire_reglement", 'T', 0, 2, 0 },
	{ "date_decision", 'D', 0, 2, 0 },
	{ "montant_unitaire_cd", 'N', 0, 2, 0 },
	{ "montant_unitaire_beneficiaire", 'N', 0, 2, 0 },
	{ "quantite_sans_depassement", 'N', 0, 2, 0 },
	{ "date_notification", 'D', 0, 2, 0 },
	{ "code_type_demande", 'T', 0, 2, 0 },
	{ "code_nature_demande", 'T', 0, 2, 0 },
	{ "code_tiers_tarif", 'T', 0, 2, 0 },
	{ "modalite_plan_aide", 'T', 0, 2, 0 },
	{ "code_secteur_1", 'T', 0, 2, 0 },
	{ "code_secteur_2", 'T', 0, 2, 0 },
	{ "code_secteur_3", 'T', 0, 2, 0 },
	{ "code_contexte_familial", 'T', 0, 2, 0 },
	{ "code_situation_familiale", 'T', 0, 2, 0 },
	{ "code_type_tutelle", 'T', 0, 2, 0 },
	{ "interlocuteur_tutelle", 'T', 0, 2, 0 },
	{ "cedex_tuteur", 'T', 0, 2, 0 },
	{ "nom_naissance_beneficiaire", 'T', 0, 2, 0 },
	{ "cedex", 'T', 0, 2, 0 },
	{ "travailleur_social", 'T', 0, 2, 0 },
	{ "instructeur", 'T', 0, 2, 0 },
	{ "numero_ligne", 'I', 0, 0, 1 },
	{ NULL, 0, 0, 0, 0 }
};

static const char *const plan_key[] = { "identifiant_beneficiaire_salsa",
    "index_demande_salsa", "index_prestation_salsa", NULL };

static const char *const plan_after[] = {
	"INSERT INTO sad (code, ingestion) SELECT DISTINCT code_tiers_salsa, "
	"$1::bigint FROM stg WHERE code_tiers_salsa IS NOT NULL "
	"ON CONFLICT (code) DO NOTHING",

	"INSERT INTO beneficiaire AS b (identifiant_salsa, identifiant_portail, "
	"civilite, nom, prenom, nom_naissance, date_naissance, gir, adresse_1, "
	"adresse_2, code_postal, ville, cedex, telephone, telephone_portable, "
	"ingestion) SELECT DISTINCT ON (identifiant_beneficiaire_salsa) "
	"identifiant_beneficiaire_salsa, identifiant_beneficiaire_portail, "
	"civilite_beneficiaire, nom_beneficiaire, prenom_beneficiaire, "
	"nom_naissance_beneficiaire, date_naissance_beneficiaire, gir, adresse_1, "
	"adresse_2, code_postal, ville, cedex, telephone, telephone_portable, "
	"$1::bigint FROM stg ORDER BY identifiant_beneficiaire_salsa, ligne DESC "
	"ON CONFLICT (identifiant_salsa) DO UPDATE SET (identifiant_portail, "
	"civilite, nom, prenom, nom_naissance, date_naissance, gir, adresse_1, "
	"adresse_2, code_postal, ville, cedex, telephone, telephone_portable, "
	"ingestion) = (EXCLUDED.identifiant_portail, EXCLUDED.civilite, "
	"EXCLUDED.nom, EXCLUDED.prenom, EXCLUDED.nom_naissance, "
	"EXCLUDED.date_naissance, EXCLUDED.gir, EXCLUDED.adresse_1, "
	"EXCLUDED.adresse_2, EXCLUDED.code_postal, EXCLUDED.ville, "
	"EXCLUDED.cedex, EXCLUDED.telephone, EXCLUDED.telephone_portable, "
	"EXCLUDED.ingestion) WHERE (b.identifiant_portail, b.civilite, b.nom, "
	"b.prenom, b.nom_naissance, b.date_naissance, b.gir, b.adresse_1, "
	"b.adresse_2, b.code_postal, b.ville, b.cedex, b.telephone, "
	"b.telephone_portable) IS DISTINCT FROM (EXCLUDED.identifiant_portail, "
	"EXCLUDED.civilite, EXCLUDED.nom, EXCLUDED.prenom, "
	"EXCLUDED.nom_naissance, EXCLUDED.date_naissance, EXCLUDED.gir, "
	"EXCLUDED.adresse_1, EXCLUDED.adresse_2, EXCLUDED.code_postal, "
	"EXCLUDED.ville, EXCLUDED.cedex, EXCLUDED.telephone, "
	"EXCLUDED.telephone_portable)",

	"INSERT INTO tuteur AS t (identifiant, civilite, nom, prenom, "
	"date_naissance, telephone, complement_destinataire, adresse_1, "
	"adresse_2, code_postal, ville, cedex, ingestion) "
	"SELECT DISTINCT ON (identifiant_tuteur) identifiant_tuteur, "
	"civilite_tuteur, nom_tuteur, prenom_tuteur, date_naissance_tuteur, "
	"telephone_tuteur, complement_destinataire_tuteur, adresse_1_tuteur, "
	"adresse_2_tuteur, code_postal_tuteur, ville_tuteur, cedex_tuteur, "
	"$1::bigint FROM stg WHERE identifiant_tuteur IS NOT NULL "
	"ORDER BY identifiant_tuteur, ligne DESC "
	"ON CONFLICT (identifiant) DO UPDATE SET (civilite, nom, prenom, "
	"date_naissance, telephone, complement_destinataire, adresse_1, "
	"adresse_2, code_postal, ville, cedex, ingestion) = (EXCLUDED.civilite, "
	"EXCLUDED.nom, EXCLUDED.prenom, EXCLUDED.date_naissance, "
	"EXCLUDED.telephone, EXCLUDED.complement_destinataire, "
	"EXCLUDED.adresse_1, EXCLUDED.adresse_2, EXCLUDED.code_postal, "
	"EXCLUDED.ville, EXCLUDED.cedex, EXCLUDED.ingestion) "
	"WHERE (t.civilite, t.nom, t.prenom, t.date_naissance, t.telephone, "
	"t.complement_destinataire, t.adresse_1, t.adresse_2, t.code_postal, "
	"t.ville, t.cedex) IS DISTINCT FROM (EXCLUDED.civilite, EXCLUDED.nom, "
	"EXCLUDED.prenom, EXCLUDED.date_naissance, EXCLUDED.telephone, "
	"EXCLUDED.complement_destinataire, EXCLUDED.adresse_1, "
	"EXCLUDED.adresse_2, EXCLUDED.code_postal, EXCLUDED.ville, "
	"EXCLUDED.cedex)",

	"INSERT INTO evenement AS e (identifiant, identifiant_beneficiaire_salsa, "
	"type_evenement, date_debut, date_fin, ingestion) "
	"SELECT DISTINCT ON (identifiant_evenement) identifiant_evenement, "
	"identifiant_beneficiaire_salsa, type_evenement, date_debut_evenement, "
	"date_fin_evenement, $1::bigint FROM stg "
	"WHERE identifiant_evenement IS NOT NULL "
	"ORDER BY identifiant_evenement, ligne DESC "
	"ON CONFLICT (identifiant) DO UPDATE SET (identifiant_beneficiaire_salsa, "
	"type_evenement, date_debut, date_fin, ingestion) = "
	"(EXCLUDED.identifiant_beneficiaire_salsa, EXCLUDED.type_evenement, "
	"EXCLUDED.date_debut, EXCLUDED.date_fin, EXCLUDED.ingestion) "
	"WHERE (e.identifiant_beneficiaire_salsa, e.type_evenement, e.date_debut, "
	"e.date_fin) IS DISTINCT FROM (EXCLUDED.identifiant_beneficiaire_salsa, "
	"EXCLUDED.type_evenement, EXCLUDED.date_debut, EXCLUDED.date_fin)",
	NULL
};

/* Each rule: an SQL condition on staging row s that rejects it, and why. */
static const char *const plan_rules[] = {
	"s.date_fin_droit < s.date_debut_droit",
	"date de fin de droit antérieure à la date de début de droit",
	"s.date_fin_prise_en_charge < s.date_debut_prise_en_charge",
	"date de fin de prise en charge antérieure à la date de début",
	"s.date_fin_evenement < s.date_debut_evenement",
	"date de fin d'évènement antérieure à la date de début",
	"s.identifiant_evenement IS NULL AND s.type_evenement IS NOT NULL",
	"type d'évènement sans identifiant d'évènement",
	NULL
};

const struct kind kinds[] = {
	{ "plans", "plan", plan_cols, plan_key, 1,
	    "CASE WHEN t.date_fin_prise_en_charge < $2::date - (SELECT "
	    "valeur::int FROM param WHERE nom = 'anteriorite_plans_jours') "
	    "THEN 'hors_anteriorite' ELSE 'absent_du_flux' END",
	    plan_rules, plan_after },
	{ NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL }
};
