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

/*
 * The clients' links to beneficiaries follow every clients or plans load:
 * after clients, those of the clients it adds or changes (client_after);
 * after plans, those whose
 * candidates the load touched (migration 020): the beneficiaries new,
 * renamed or of another birth date (rap_touche, taken before their upsert,
 * with the birth date they had) and those whose plans are new, ended
 * (cls, fin) or moved to another SAD: of a plan, the matching reads only
 * the SAD (code_tiers_salsa, chez_sad), so a plan revised at the same SAD
 * (most of a week's changes) leaves the SADs of its beneficiary's current
 * plans as they were.
 */
#define RAPPROCHER_TOUCHES \
	"CREATE TEMP TABLE rap_touche ON COMMIT DROP AS SELECT " \
	"s.identifiant_beneficiaire_salsa AS id, b.date_naissance FROM stg s " \
	"LEFT JOIN beneficiaire b ON b.identifiant_salsa = " \
	"s.identifiant_beneficiaire_salsa WHERE b.identifiant_salsa IS NULL " \
	"OR (b.nom, b.prenom, b.nom_naissance, b.date_naissance) IS DISTINCT " \
	"FROM (s.nom_beneficiaire, s.prenom_beneficiaire, " \
	"s.nom_naissance_beneficiaire, s.date_naissance_beneficiaire)"
#define RAPPROCHER_PLANS \
	"SELECT rapprochement_calculer(NULL, ARRAY(SELECT id FROM rap_touche " \
	"UNION SELECT s.identifiant_beneficiaire_salsa FROM stg s JOIN cls c " \
	"USING (ligne) WHERE c.ancien IS NULL OR ' ' || c.champs || ' ' LIKE " \
	"'% code_tiers_salsa %' " \
	"UNION SELECT identifiant_beneficiaire_salsa FROM fin), " \
	"ARRAY(SELECT DISTINCT date_naissance FROM rap_touche " \
	"WHERE date_naissance IS NOT NULL))"
#define SADS_DU_FICHIER "ARRAY(SELECT DISTINCT code_sad FROM stg)"
#define RAPPROCHER_SADS "rapprochement_calculer(" SADS_DU_FICHIER ")"

/*
 * A plans snapshot names every beneficiary, tutor and event again, nearly
 * all unchanged: those identical to the stored row are left out before the
 * upsert (a hash anti-join), which then inserts or updates only the few
 * others instead of probing, locking and comparing every row.
 */
static const char *const plan_after[] = {
	RAPPROCHER_TOUCHES,

	"INSERT INTO sad (code, ingestion) SELECT DISTINCT code_tiers_salsa, "
	"$1::bigint FROM stg WHERE code_tiers_salsa IS NOT NULL AND "
	"code_tiers_salsa NOT IN (SELECT code FROM sad_tg) "
	"ON CONFLICT (code) DO NOTHING",

	"INSERT INTO beneficiaire AS b (identifiant_salsa, identifiant_portail, "
	"civilite, nom, prenom, nom_naissance, date_naissance, gir, adresse_1, "
	"adresse_2, code_postal, ville, cedex, telephone, telephone_portable, "
	"ingestion) SELECT s.* FROM (SELECT DISTINCT ON "
	"(identifiant_beneficiaire_salsa) identifiant_beneficiaire_salsa AS "
	"identifiant_salsa, identifiant_beneficiaire_portail AS "
	"identifiant_portail, civilite_beneficiaire AS civilite, "
	"nom_beneficiaire AS nom, prenom_beneficiaire AS prenom, "
	"nom_naissance_beneficiaire AS nom_naissance, date_naissance_beneficiaire "
	"AS date_naissance, gir, adresse_1, adresse_2, code_postal, ville, cedex, "
	"telephone, telephone_portable, $1::bigint AS ingestion FROM stg ORDER BY "
	"identifiant_beneficiaire_salsa, ligne DESC) s "
	"WHERE NOT EXISTS (SELECT 1 FROM beneficiaire x WHERE "
	"x.identifiant_salsa = s.identifiant_salsa AND "
	"(x.identifiant_portail, x.civilite, x.nom, x.prenom, "
	"x.nom_naissance, x.date_naissance, x.gir, x.adresse_1, "
	"x.adresse_2, x.code_postal, x.ville, x.cedex, x.telephone, "
	"x.telephone_portable) IS NOT DISTINCT FROM (s.identifiant_portail,"
	" s.civilite, s.nom, s.prenom, s.nom_naissance, s.date_naissance, "
	"s.gir, s.adresse_1, s.adresse_2, s.code_postal, s.ville, s.cedex, "
	"s.telephone, s.telephone_portable)) "
	"ON CONFLICT (identifiant_salsa) DO UPDATE SET "
	"(identifiant_portail, civilite, nom, prenom, nom_naissance, "
	"date_naissance, gir, adresse_1, adresse_2, code_postal, ville, "
	"cedex, telephone, telephone_portable, ingestion) = ("
	"EXCLUDED.identifiant_portail, EXCLUDED.civilite, "
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
	"SELECT s.* FROM (SELECT DISTINCT ON (identifiant_tuteur) "
	"identifiant_tuteur AS identifiant, civilite_tuteur AS civilite, "
	"nom_tuteur AS nom, prenom_tuteur AS prenom, date_naissance_tuteur AS "
	"date_naissance, telephone_tuteur AS telephone, "
	"complement_destinataire_tuteur AS complement_destinataire, "
	"adresse_1_tuteur AS adresse_1, adresse_2_tuteur AS adresse_2, "
	"code_postal_tuteur AS code_postal, ville_tuteur AS ville, cedex_tuteur "
	"AS cedex, $1::bigint AS ingestion FROM stg WHERE identifiant_tuteur IS "
	"NOT NULL ORDER BY identifiant_tuteur, ligne DESC) s "
	"WHERE NOT EXISTS (SELECT 1 FROM tuteur x WHERE x.identifiant = "
	"s.identifiant AND (x.civilite, x.nom, x.prenom, x.date_naissance, "
	"x.telephone, x.complement_destinataire, x.adresse_1, x.adresse_2, "
	"x.code_postal, x.ville, x.cedex) IS NOT DISTINCT FROM (s.civilite,"
	" s.nom, s.prenom, s.date_naissance, s.telephone, "
	"s.complement_destinataire, s.adresse_1, s.adresse_2, "
	"s.code_postal, s.ville, s.cedex)) "
	"ON CONFLICT (identifiant) DO UPDATE SET (civilite, nom, prenom, "
	"date_naissance, telephone, complement_destinataire, adresse_1, "
	"adresse_2, code_postal, ville, cedex, ingestion) = "
	"(EXCLUDED.civilite, "
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
	"SELECT s.* FROM (SELECT DISTINCT ON (identifiant_evenement) "
	"identifiant_evenement AS identifiant, identifiant_beneficiaire_salsa, "
	"type_evenement, date_debut_evenement AS date_debut, date_fin_evenement "
	"AS date_fin, $1::bigint AS ingestion FROM stg "
	"WHERE identifiant_evenement IS NOT NULL "
	"ORDER BY identifiant_evenement, ligne DESC) s "
	"WHERE NOT EXISTS (SELECT 1 FROM evenement x WHERE x.identifiant = "
	"s.identifiant AND (x.identifiant_beneficiaire_salsa, "
	"x.type_evenement, x.date_debut, x.date_fin) IS NOT DISTINCT FROM "
	"(s.identifiant_beneficiaire_salsa, s.type_evenement, s.date_debut,"
	" s.date_fin)) "
	"ON CONFLICT (identifiant) DO UPDATE SET "
	"(identifiant_beneficiaire_salsa, type_evenement, date_debut, "
	"date_fin, ingestion) = "
	"(EXCLUDED.identifiant_beneficiaire_salsa, EXCLUDED.type_evenement, "
	"EXCLUDED.date_debut, EXCLUDED.date_fin, EXCLUDED.ingestion) "
	"WHERE (e.identifiant_beneficiaire_salsa, e.type_evenement, e.date_debut, "
	"e.date_fin) IS DISTINCT FROM (EXCLUDED.identifiant_beneficiaire_salsa, "
	"EXCLUDED.type_evenement, EXCLUDED.date_debut, EXCLUDED.date_fin)",
	RAPPROCHER_PLANS,
	NULL
};

/*
 * Each rule: an SQL condition on staging row s that rejects it, and why.
 * Lookups are written NOT IN over NOT NULL columns so that PostgreSQL hashes
 * the known set once instead of probing it for every row.
 */
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

static const struct kcol horodatage_cols[] = {
	{ "code_sad", 'T', 1, 2, 0 },
	{ "instant_creation", 'H', 1, 2, 1 },
	{ "numero_sequence", 'I', 1, 2, 1 },
	{ "identifiant_intervention", 'T', 1, 2, 0 },
	{ "identifiant_client", 'T', 1, 2, 0 },
	{ "identifiant_intervenant", 'T', 1, 2, 0 },
	{ "code_prestation", 'T', 1, 2, 0 },
	{ "mode_saisie", 'T', 1, 2, 0 },
	{ "numero_appelant", 'T', 0, 2, 0 },
	{ "arrivee_brute", 'H', 0, 2, 0 },
	{ "depart_brut", 'H', 0, 2, 0 },
	{ "arrivee_retenue", 'H', 0, 2, 0 },
	{ "depart_retenu", 'H', 0, 2, 0 },
	{ "minutes_ajoutees", 'I', 0, 2, 0 },
	{ "code_correction", 'T', 0, 2, 0 },
	{ "motif_correction", 'T', 0, 2, 0 },
	{ "auteur_correction", 'T', 0, 2, 0 },
	{ "instant_correction", 'H', 0, 2, 0 },
	{ "duree_retenue_secondes", 'I', 0, 2, 0 },
	{ NULL, 0, 0, 0, 0 }
};

static const char *const horodatage_key[] = { "code_sad", "identifiant_intervention", NULL };

static const struct kcol client_cols[] = {
	{ "code_sad", 'T', 1, 2, 0 },
	{ "instant_creation", 'H', 1, 2, 1 },
	{ "numero_sequence", 'I', 1, 2, 1 },
	{ "identifiant_client", 'T', 1, 2, 0 },
	{ "identifiant_beneficiaire_salsa", 'T', 0, 2, 0 },
	{ "civilite", 'T', 0, 2, 0 },
	{ "nom", 'T', 1, 2, 0 },
	{ "nom_naissance", 'T', 0, 2, 0 },
	{ "prenoms", 'T', 1, 2, 0 },
	{ "date_naissance", 'D', 1, 2, 0 },
	{ "adresse_1", 'T', 0, 2, 0 },
	{ "adresse_2", 'T', 0, 2, 0 },
	{ "code_postal", 'T', 0, 2, 0 },
	{ "ville", 'T', 0, 2, 0 },
	{ "telephone_fixe", 'T', 0, 2, 0 },
	{ "telephone_portable", 'T', 0, 2, 0 },
	{ "beneficiaire_departement", 'B', 1, 2, 0 },
	{ NULL, 0, 0, 0, 0 }
};

static const char *const client_key[] = { "code_sad", "identifiant_client", NULL };

static const struct kcol intervenant_cols[] = {
	{ "code_sad", 'T', 1, 2, 0 },
	{ "instant_creation", 'H', 1, 2, 1 },
	{ "numero_sequence", 'I', 1, 2, 1 },
	{ "identifiant_intervenant", 'T', 1, 2, 0 },
	{ "nom", 'T', 1, 2, 0 },
	{ "prenom", 'T', 1, 2, 0 },
	{ "statut", 'T', 1, 2, 0 },
	{ "date_debut", 'D', 1, 2, 0 },
	{ "date_fin", 'D', 0, 2, 0 },
	{ "telephone_professionnel", 'T', 0, 2, 0 },
	{ NULL, 0, 0, 0, 0 }
};

static const char *const intervenant_key[] = { "code_sad", "identifiant_intervenant", NULL };

static const struct kcol evenement_sad_cols[] = {
	{ "code_sad", 'T', 1, 2, 0 },
	{ "instant_creation", 'H', 1, 2, 1 },
	{ "numero_sequence", 'I', 1, 2, 1 },
	{ "identifiant_evenement", 'T', 1, 2, 0 },
	{ "identifiant_client", 'T', 1, 2, 0 },
	{ "type_evenement", 'T', 1, 2, 0 },
	{ "date_debut", 'D', 1, 2, 0 },
	{ "date_fin", 'D', 0, 2, 0 },
	{ "identifiant_intervenant", 'T', 0, 2, 0 },
	{ "commentaire", 'T', 0, 2, 0 },
	{ "instant_declaration", 'H', 1, 2, 0 },
	{ NULL, 0, 0, 0, 0 }
};

static const char *const evenement_sad_key[] = { "code_sad", "identifiant_evenement", NULL };

static const struct kcol remboursement_cols[] = {
	{ "code_emetteur", 'T', 1, 2, 0 },
	{ "date_creation", 'D', 1, 2, 1 },
	{ "numero_ordre", 'I', 1, 2, 1 },
	{ "date_remboursement", 'D', 1, 2, 0 },
	{ "numero_titre", 'T', 1, 2, 0 },
	{ "reference_commande", 'T', 1, 2, 0 },
	{ "code_carnet", 'T', 1, 2, 0 },
	{ "identifiant_beneficiaire", 'T', 1, 2, 0 },
	{ "valeur_faciale", 'N', 1, 2, 0 },
	{ "date_encaissement", 'D', 1, 2, 0 },
	{ "code_affilie", 'T', 1, 2, 0 },
	{ "nom_affilie", 'T', 1, 2, 0 },
	{ "type_affilie", 'T', 1, 2, 0 },
	{ "code_produit", 'T', 1, 2, 0 },
	{ NULL, 0, 0, 0, 0 }
};

static const char *const remboursement_key[] = { "numero_titre", NULL };

static const struct kcol commande_cols[] = {
	{ "date_commande", 'D', 1, 2, 0 },
	{ "origine_fichier", 'T', 0, 2, 0 },
	{ "code_client", 'T', 1, 2, 0 },
	{ "raison_sociale", 'T', 1, 2, 0 },
	{ "reference_commande_externe", 'T', 0, 2, 0 },
	{ "type_commande", 'T', 0, 2, 0 },
	{ "code_succursale", 'T', 1, 2, 0 },
	{ "code_carnet", 'T', 1, 2, 0 },
	{ "nombre_carnets", 'I', 1, 2, 0 },
	{ "matricule_salarie", 'T', 0, 2, 0 },
	{ "civilite", 'T', 1, 2, 0 },
	{ "nom_beneficiaire", 'T', 1, 2, 0 },
	{ "prenom_beneficiaire", 'T', 1, 2, 0 },
	{ "date_naissance", 'D', 1, 2, 0 },
	{ "nom_voie", 'T', 0, 2, 0 },
	{ "complement_adresse", 'T', 0, 2, 0 },
	{ "lieu_dit", 'T', 0, 2, 0 },
	{ "code_postal", 'T', 1, 2, 0 },
	{ "bureau_distributeur", 'T', 0, 2, 0 },
	{ "code_insee", 'T', 0, 2, 0 },
	{ "nom_commune", 'T', 0, 2, 0 },
	{ "civilite_tuteur", 'T', 0, 2, 0 },
	{ "nom_tuteur", 'T', 0, 2, 0 },
	{ "prenom_tuteur", 'T', 0, 2, 0 },
	{ "nom_voie_tuteur", 'T', 0, 2, 0 },
	{ "complement_adresse_tuteur", 'T', 0, 2, 0 },
	{ "code_postal_tuteur", 'T', 0, 2, 0 },
	{ "bureau_distributeur_tuteur", 'T', 0, 2, 0 },
	{ "date_debut_prise_en_charge", 'D', 0, 2, 0 },
	{ "date_fin_prise_en_charge", 'D', 0, 2, 0 },
	{ "titre_dematerialise", 'T', 0, 2, 0 },
	{ "reference_ligne_commande_externe", 'T', 0, 2, 0 },
	{ "nombre_titres", 'I', 1, 2, 0 },
	{ "valeur_unitaire", 'N', 1, 2, 0 },
	{ "part_financier_unitaire", 'N', 0, 2, 0 },
	{ "date_validite", 'D', 0, 2, 0 },
	{ "code_mention_1", 'T', 0, 2, 0 },
	{ "code_mention_2", 'T', 0, 2, 0 },
	{ "mention_libre", 'T', 0, 2, 0 },
	{ "mois_reference", 'M', 0, 2, 0 },
	{ NULL, 0, 0, 0, 0 }
};

/*
 * A record-5 line is its order, its line reference and its rank among the
 * record-5 lines of that line reference in the file: a beneficiary's titles
 * are split over several lines of 99 at most, same validity included.
 */
static const char *const commande_key[] = { "reference_commande_externe",
    "mois_reference", "reference_ligne_commande_externe", "rang_ligne", NULL };

/*
 * Titles are numbered AAMM (order month), SALSA id on 6, rank on 5; the
 * first ten characters (PREFIXE_TITRE) name the order month and the
 * beneficiary, over the order line aliased a.
 */
#define MOIS_TITRE_DE(a) \
	"coalesce(" a ".mois_reference, to_char(" a ".date_commande, " \
	"'YYYY-MM'))"
#define BENEF_TITRE_DE(a) "lpad(" a ".matricule_salarie, 6, '0')"
#define PREFIXE_TITRE(a) \
	"substr(" MOIS_TITRE_DE(a) ", 3, 2) || substr(" MOIS_TITRE_DE(a) \
	", 6, 2) || " BENEF_TITRE_DE(a)
#define MOIS_TITRE MOIS_TITRE_DE("s")
#define BENEF_TITRE BENEF_TITRE_DE("s")
#define NUMERO_TITRE(rang) \
	PREFIXE_TITRE("s") " || lpad((" rang ")::text, 5, '0')"
/* Every title number line a covers, as r.n, with its order as r.ref. */
#define TITRES_DE(a) \
	"CROSS JOIN LATERAL (SELECT coalesce(" a ".reference_commande_externe, " \
	"'') AS ref, " PREFIXE_TITRE(a) " || lpad(g::text, 5, '0') AS n " \
	"FROM generate_series(" a ".premier_titre, " a ".premier_titre + " \
	a ".nombre_titres - 1) g) r"

static const char *const commande_derived[] = {
	"rang_ligne",
	"row_number() OVER (PARTITION BY s.reference_commande_externe, "
	"s.mois_reference, s.reference_ligne_commande_externe ORDER BY s.ligne)",
	"premier_titre",
	"coalesce(sum(s.nombre_titres) OVER (PARTITION BY "
	"s.reference_commande_externe, " MOIS_TITRE ", " BENEF_TITRE " "
	"ORDER BY s.ligne ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), "
	"0) + 1",
	NULL
};

/*
 * Titles are issued in slices of about TRANCHE_TITRES, one statement each.
 * A statement keeps each row it inserts until it ends: in its audit
 * trigger's transition table and in the queue of its foreign keys' checks
 * (some 24 bytes a title, whatever work_mem): one statement for an order
 * file took 110 MB of the server's private memory at scale 4 (1.2 million
 * titles), and grew with the file. A slice holds whole title prefixes
 * (order month and beneficiary): a title number is proposed by one
 * statement only, as when there was one. Each slice's insert is audited
 * on its own, one audit row each; audit verify adds up their sums as it
 * adds up those of every insert since the table's last state.
 */
#define TRANCHE_TITRES "50000"

/*
 * Issue the titles; a reload refreshes them, numbers unchanged, and issues
 * again a title withdrawn earlier (never a second row). Then withdraw the
 * titles that the versions this load closed covered and that no current
 * version of a line of the same order covers any more: a line ordering
 * fewer titles, or whose range shifted.
 */
static const char *const commande_after[] = {
	"ALTER TABLE stg ADD tranche bigint DEFAULT 0",
	"UPDATE stg u SET tranche = x.t FROM (SELECT g.p, div(sum(g.n) OVER "
	"(ORDER BY g.p) - g.n, " TRANCHE_TITRES ") AS t FROM (SELECT "
	PREFIXE_TITRE("s") " AS p, sum(s.nombre_titres) AS n FROM stg s "
	"GROUP BY 1) g) x WHERE x.p = " PREFIXE_TITRE("u"),
	"CREATE INDEX ON stg (tranche)",
	"DO $tranches$ DECLARE tr record; BEGIN "
	"FOR tr IN SELECT DISTINCT tranche FROM stg ORDER BY 1 LOOP "
	"INSERT INTO titre AS t (numero_titre, reference_commande, code_carnet, "
	"identifiant_beneficiaire, valeur_faciale, date_emission, "
	"date_validite) SELECT " NUMERO_TITRE("r") ", "
	"coalesce(s.reference_commande_externe, ''), "
	"s.code_succursale || s.code_carnet, s.matricule_salarie, "
	"s.valeur_unitaire, s.date_commande, s.date_validite FROM stg s "
	"CROSS JOIN LATERAL generate_series(s.premier_titre, "
	"s.premier_titre + s.nombre_titres - 1) r WHERE s.tranche = tr.tranche "
	"ON CONFLICT (numero_titre) DO UPDATE SET (code_carnet, "
	"identifiant_beneficiaire, valeur_faciale, date_emission, "
	"date_validite, annule_par, annule_le) = (EXCLUDED.code_carnet, "
	"EXCLUDED.identifiant_beneficiaire, EXCLUDED.valeur_faciale, "
	"EXCLUDED.date_emission, EXCLUDED.date_validite, NULL, NULL) "
	"WHERE t.reference_commande = EXCLUDED.reference_commande AND "
	"t.origine = 'commande' AND ((t.code_carnet, t.identifiant_beneficiaire, t.valeur_faciale, "
	"t.date_emission, t.date_validite) IS DISTINCT FROM "
	"(EXCLUDED.code_carnet, EXCLUDED.identifiant_beneficiaire, "
	"EXCLUDED.valeur_faciale, EXCLUDED.date_emission, "
	"EXCLUDED.date_validite) OR t.annule_par IS NOT NULL); "
	"END LOOP; END $tranches$",

	"WITH o AS (SELECT v.* FROM cls c JOIN commande v ON v.id = c.ancien "
	"WHERE c.champs <> ''), "
	"avant AS (SELECT DISTINCT r.ref, r.n FROM o " TITRES_DE("o") "), "
	"groupe AS (SELECT DISTINCT coalesce(o.reference_commande_externe, "
	"'') AS ref, " PREFIXE_TITRE("o") " AS p FROM o), "
	"couverts AS (SELECT r.ref, r.n FROM groupe JOIN commande c ON "
	"c.valide_au IS NULL AND coalesce(c.reference_commande_externe, '') = "
	"groupe.ref AND " PREFIXE_TITRE("c") " = groupe.p " TITRES_DE("c") ") "
	"UPDATE titre t SET annule_par = $1, annule_le = $2 FROM avant a "
	"WHERE t.numero_titre = a.n AND t.reference_commande = a.ref AND "
	"t.annule_par IS NULL AND NOT EXISTS (SELECT 1 FROM couverts k "
	"WHERE k.ref = a.ref AND k.n = a.n)",
	NULL
};

static const struct kcol charge_cols[] = {
	{ "code_conseil_departemental", 'T', 1, 2, 0 },
	{ "date_creation_fichier", 'D', 1, 2, 1 },
	{ "numero_ordre", 'I', 1, 2, 1 },
	{ "identifiant_beneficiaire", 'T', 1, 2, 0 },
	{ "index_prestation", 'T', 0, 2, 0 },
	{ "numero_employeur", 'T', 1, 2, 0 },
	{ "type_prestation", 'T', 1, 2, 0 },
	{ "periode_emploi", 'M', 1, 2, 0 },
	{ "heures_plan_aide_cg", 'N', 1, 2, 0 },
	{ "montant_prise_en_charge_cotisations", 'N', 1, 2, 0 },
	{ "heures_impactees", 'N', 1, 2, 0 },
	{ "montant_prise_en_charge_impactee", 'N', 1, 2, 0 },
	{ "nature_mouvement", 'T', 1, 2, 0 },
	{ "mois_facturation", 'M', 1, 2, 0 },
	{ "date_limite_virement", 'D', 1, 2, 0 },
	{ NULL, 0, 0, 0, 0 }
};

static const char *const charge_key[] = { "identifiant_beneficiaire", "index_prestation", "numero_employeur", "periode_emploi", "mois_facturation", "nature_mouvement", NULL };

static const struct kcol log_facture_cols[] = {
	{ "type_enregistrement", 'T', 1, 2, 0 },
	{ "date_integration", 'D', 0, 2, 0 },
	{ "date_edition", 'D', 0, 2, 0 },
	{ "numero_facture", 'T', 1, 2, 0 },
	{ "libelle_tiers", 'T', 1, 2, 0 },
	{ "date_debut_facturation", 'D', 0, 2, 0 },
	{ "date_fin_facturation", 'D', 0, 2, 0 },
	{ "type_aide", 'T', 1, 2, 0 },
	{ "facture_integree", 'T', 0, 2, 0 },
	{ "identifiant_beneficiaire_salsa", 'T', 0, 2, 0 },
	{ "nom_beneficiaire", 'T', 0, 2, 0 },
	{ "prenom_beneficiaire", 'T', 0, 2, 0 },
	{ "motif_rejet", 'T', 0, 2, 0 },
	{ "nombre_heures", 'N', 0, 2, 0 },
	{ "montant_facture", 'N', 0, 2, 0 },
	{ "montant_salsa_attendu", 'N', 0, 2, 0 },
	{ NULL, 0, 0, 0, 0 }
};

static const char *const log_facture_key[] = { "numero_facture", "type_enregistrement", "identifiant_beneficiaire_salsa", NULL };

/* A Flux 15 file names its SAD by its code tiers or a télégestion code. */
#define SAD_CONNU \
	"s.code_sad NOT IN (SELECT code FROM sad) AND s.code_sad NOT IN " \
	"(SELECT code FROM sad_tg)", \
	"SAD inconnu : code_sad n'est ni le code tiers SALSA d'un SAD ni un " \
	"code de télégestion déclaré (registre sad add ou sad set --tg)"
/*
 * The ledger rows a file is checked against are those of the file's SADs
 * (or beneficiaries), read by index: hashing a whole table for each daily
 * file made the cost grow with the ledger, not with the file. Same answer:
 * a row is only ever compared with rows of its own SAD.
 */
#define DU_FICHIER(col, stgcol) \
	col " = ANY (ARRAY(SELECT DISTINCT " stgcol " FROM stg))"
#define CLIENT_CONNU \
	"(s.code_sad, s.identifiant_client) NOT IN (SELECT code_sad, " \
	"identifiant_client FROM client WHERE valide_au IS NULL AND " \
	DU_FICHIER("code_sad", "code_sad") ")", \
	"client inconnu de ce SAD : chargez d'abord son fichier clients"

static const char *const horodatage_rules[] = {
	SAD_CONNU,
	CLIENT_CONNU,
	"(s.code_sad, s.identifiant_intervenant) NOT IN (SELECT code_sad, "
	"identifiant_intervenant FROM intervenant WHERE valide_au IS NULL AND "
	DU_FICHIER("code_sad", "code_sad") ")",
	"intervenant inconnu de ce SAD : chargez d'abord son fichier intervenants",
	"s.depart_retenu < s.arrivee_retenue",
	"départ retenu antérieur à l'arrivée retenue",
	/*
	 * Raw times are evidence kept as captured (flux15(5)): a departure
	 * captured before the arrival is what corrections are for, not a
	 * reason to lose the visit. Retained times are what is paid.
	 */
	"(s.arrivee_retenue IS NULL OR s.depart_retenu IS NULL) AND "
	"s.code_correction IS DISTINCT FROM 'SUP'",
	"horaires retenus absents : seule une visite supprimée (SUP) peut "
	"en être dépourvue",
	NULL
};

static const char *const client_rules[] = {
	SAD_CONNU,
	"s.identifiant_beneficiaire_salsa IS NOT NULL AND "
	"s.identifiant_beneficiaire_salsa NOT IN (SELECT identifiant_salsa "
	"FROM beneficiaire WHERE " DU_FICHIER("identifiant_salsa",
	"identifiant_beneficiaire_salsa") ")",
	"identifiant bénéficiaire Salsa inconnu des plans d'aide",
	NULL
};

/*
 * A clients file names all of its SAD's clients again, nearly all
 * unchanged: only the new and changed versions are matched again (a
 * client's link depends on its own row and on the beneficiaries, which a
 * clients load does not touch), by the restricted form of migration 020:
 * the clients of their birth dates, or giving their SALSA ids, within the
 * file's SADs. A client no longer said funded loses its link only in the
 * per-SAD form: that one then.
 */
#define CLIENTS_TOUCHES(sel) \
	"ARRAY(SELECT " sel " FROM stg s JOIN cls c USING (ligne) WHERE " \
	"c.ancien IS NULL OR c.champs <> '')"
static const char *const client_after[] = {
	"SELECT CASE WHEN EXISTS (SELECT 1 FROM cls WHERE ' ' || champs || "
	"' ' LIKE '% beneficiaire_departement %') THEN " RAPPROCHER_SADS " "
	"ELSE rapprochement_calculer(" SADS_DU_FICHIER ", "
	CLIENTS_TOUCHES("s.identifiant_beneficiaire_salsa") ", "
	CLIENTS_TOUCHES("s.date_naissance") ") END "
	"WHERE EXISTS (SELECT 1 FROM cls WHERE ancien IS NULL OR champs <> '')",
	NULL
};

static const char *const intervenant_rules[] = {
	SAD_CONNU,
	"s.date_fin < s.date_debut",
	"date de sortie antérieure à la date d'entrée",
	NULL
};

static const char *const evenement_sad_rules[] = {
	SAD_CONNU,
	CLIENT_CONNU,
	"s.date_fin < s.date_debut",
	"date de fin antérieure à la date de début",
	NULL
};

/* The compared columns of a refund: equal, it is the same refund resent. */
#define REMBOURSEMENT_DE(a) \
	"(" a ".code_emetteur, " a ".date_remboursement, " \
	a ".reference_commande, " a ".code_carnet, " \
	a ".identifiant_beneficiaire, " a ".valeur_faciale, " \
	a ".date_encaissement, " a ".code_affilie, " a ".nom_affilie, " \
	a ".type_affilie, " a ".code_produit)"
#define REMBOURSEMENT_COLS \
	"code_emetteur, date_creation, numero_ordre, date_remboursement, " \
	"reference_commande, code_carnet, identifiant_beneficiaire, " \
	"valeur_faciale, date_encaissement, code_affilie, nom_affilie, " \
	"type_affilie, code_produit"

/*
 * Each refund's title and the refund already held for it, looked up once
 * by index (LIMIT 1 keeps the planner from hashing the whole ledger: a
 * file costs its rows, not the ledger's size). A title is refunded until
 * the end of the month after its validity, plus a parameter (never out of
 * date, then, when cashed by its validity): the reason, and its text, are
 * worked out for the few rows that may have one only, kept in
 * stg_titre_rejete; only these rows of stg are then given their reason
 * (no row at all when none has one), not every row rewritten through a
 * join of stg with itself. The rules move them out.
 */
static const char *const remboursement_before[] = {
	"CREATE TEMP TABLE stg_titre_rejete ON COMMIT DROP AS SELECT x.*, "
	"CASE x.cause "
	"WHEN 'jamais_emis' THEN 'titre jamais émis : numéro de titre inconnu "
	"du registre des titres' "
	"WHEN 'deja_rembourse' THEN 'titre déjà remboursé le ' || "
	"x.rembourse_le || ' (ingestion ' || x.rembourse_par || ')' "
	"WHEN 'retire' THEN 'titre retiré : la version en cours de sa ligne de "
	"commande ne le couvre plus (titre.annule_par)' "
	"WHEN 'vole' THEN 'titre volé' || x.depuis "
	"WHEN 'annule' THEN 'titre annulé' || x.depuis "
	"WHEN 'perdu' THEN 'titre perdu' || x.depuis "
	"WHEN 'non_distribue' THEN 'titre non distribué (pli retourné)' || "
	"x.depuis "
	"WHEN 'bloque' THEN 'titre bloqué : remplacé par une réémission "
	"urgente' || coalesce(' (titre ' || x.remplace_par || ')', '') || "
	"x.depuis "
	"WHEN 'perime' THEN 'titre périmé : encaissé le ' || x.encaisse || "
	"', remboursable jusqu''au ' || x.limite || ' (valable jusqu''au ' || "
	"x.validite || ')' END AS motif_titre "
	"FROM (SELECT s.*, r.id AS anterieur, r.date_remboursement AS "
	"rembourse_le, r.ingestion_debut AS rembourse_par, coalesce("
	"' (déclaré le ' || t.statut_le || ')', '') AS depuis, "
	"s.date_encaissement AS encaisse, t.date_validite AS validite, "
	"t.remplace_par, "
	"v.limite, "
	"CASE WHEN r.id IS NOT NULL AND " REMBOURSEMENT_DE("r") " IS NOT "
	"DISTINCT FROM " REMBOURSEMENT_DE("s") " THEN NULL "
	"WHEN t.numero_titre IS NULL THEN 'jamais_emis' "
	"WHEN r.id IS NOT NULL THEN 'deja_rembourse' "
	"WHEN t.statut IS NOT NULL THEN t.statut "
	"WHEN t.annule_par IS NOT NULL THEN 'retire' "
	"WHEN s.date_encaissement > v.limite THEN 'perime' END AS cause "
	"FROM stg s "
	"LEFT JOIN LATERAL (SELECT * FROM titre t WHERE t.numero_titre = "
	"s.numero_titre LIMIT 1) t ON true "
	"LEFT JOIN LATERAL (SELECT * FROM remboursement r WHERE r.numero_titre = "
	"s.numero_titre AND r.valide_au IS NULL LIMIT 1) r ON true "
	"CROSS JOIN LATERAL (SELECT (date_trunc('month', t.date_validite) + "
	"make_interval(months => 1 + (SELECT valeur::int FROM param WHERE nom = "
	"'delai_remboursement_mois')))::date - 1 AS limite) v "
	"WHERE t.numero_titre IS NULL OR r.id IS NOT NULL OR t.statut IS NOT "
	"NULL OR t.annule_par IS NOT NULL OR s.date_encaissement > "
	"t.date_validite"
	") x WHERE x.cause IS NOT NULL",

	"ALTER TABLE stg ADD cause text, ADD motif_titre text, "
	"ADD anterieur bigint",

	"UPDATE stg u SET cause = k.cause, motif_titre = k.motif_titre, "
	"anterieur = k.anterieur FROM stg_titre_rejete k WHERE k.ligne = u.ligne",
	NULL
};

static const char *const remboursement_rules[] = {
	"s.cause IS NOT NULL", "=s.motif_titre",
	NULL
};

/*
 * Kept for the fraud control (J2): title reasons, and a title twice in a
 * file. Not even run for a file with no such reject (12 of a month's 30
 * at scale 1): an insert of no row still fires the table's statement
 * triggers (audit).
 */
static const char *const remboursement_after[] = {
	"DO $$BEGIN IF EXISTS (SELECT FROM rej WHERE numero_titre IS NOT NULL) "
	"THEN INSERT INTO remboursement_rejete (ingestion, ligne, numero_titre, "
	"cause, motif, remboursement_anterieur, " REMBOURSEMENT_COLS ") "
	"SELECT $1, r.ligne, r.numero_titre, coalesce(k.cause, "
	"'double_fichier'), r.motif, coalesce(k.anterieur, (SELECT x.id FROM "
	"remboursement x WHERE x.numero_titre = r.numero_titre AND x.valide_au "
	"IS NULL)), k.code_emetteur, k.date_creation, k.numero_ordre, "
	"k.date_remboursement, k.reference_commande, k.code_carnet, "
	"k.identifiant_beneficiaire, k.valeur_faciale, k.date_encaissement, "
	"k.code_affilie, k.nom_affilie, k.type_affilie, k.code_produit "
	"FROM rej r LEFT JOIN stg_titre_rejete k USING (ligne) "
	"WHERE r.numero_titre IS NOT NULL AND (k.cause IS NOT NULL OR "
	"r.motif LIKE 'clé en double%'); END IF; END$$",
	NULL
};

static const struct kcol titre_repris_cols[] = {
	{ "numero_titre", 'T', 1, 2, 0 },
	{ "valeur_faciale", 'N', 1, 2, 0 },
	{ "date_validite", 'D', 1, 2, 0 },
	{ "identifiant_beneficiaire", 'T', 1, 2, 0 },
	{ "mois_commande", 'M', 1, 2, 0 },
	{ "statut", 'T', 1, 2, 0 },
	{ "date_statut", 'D', 0, 2, 0 },
	{ "reference_commande", 'T', 0, 2, 0 },
	{ "code_carnet", 'T', 0, 2, 0 },
	{ "date_emission", 'D', 0, 2, 0 },
	{ NULL, 0, 0, 0, 0 }
};

static const char *const titre_repris_key[] = { "numero_titre", NULL };

static const char *const titre_repris_rules[] = {
	"s.numero_titre !~ '^[0-9]{15}$'",
	"numéro de titre invalide : 15 chiffres attendus, comme dans les "
	"retours du CRCESU",
	"s.statut NOT IN ('emis', 'vole', 'annule', 'perdu')",
	"statut inconnu : emis, vole, annule ou perdu attendu",
	"s.valeur_faciale <= 0",
	"valeur faciale nulle ou négative",
	"s.date_statut IS NOT NULL AND s.statut = 'emis'",
	"date de statut donnée pour un titre en circulation (statut emis)",
	"EXISTS (SELECT 1 FROM titre t WHERE t.numero_titre = s.numero_titre "
	"AND t.origine <> 'reprise')",
	"numéro déjà émis par une commande chargée dans le registre : ce titre "
	"n'est pas à reprendre",
	NULL
};

/* A title taken over is a title like another; a new version updates it. */
static const char *const titre_repris_after[] = {
	"INSERT INTO titre AS t (numero_titre, reference_commande, code_carnet, "
	"identifiant_beneficiaire, valeur_faciale, date_emission, "
	"date_validite, origine, mois_commande, statut, statut_le, ingestion) "
	"SELECT s.numero_titre, coalesce(s.reference_commande, ''), "
	"s.code_carnet, s.identifiant_beneficiaire, s.valeur_faciale, "
	"coalesce(s.date_emission, (s.mois_commande || '-01')::date), "
	"s.date_validite, 'reprise', s.mois_commande, NULLIF(s.statut, 'emis'), "
	"s.date_statut, $1 FROM stg s "
	"ON CONFLICT (numero_titre) DO UPDATE SET (reference_commande, "
	"code_carnet, identifiant_beneficiaire, valeur_faciale, date_emission, "
	"date_validite, mois_commande, statut, statut_le, ingestion) = "
	"(EXCLUDED.reference_commande, EXCLUDED.code_carnet, "
	"EXCLUDED.identifiant_beneficiaire, EXCLUDED.valeur_faciale, "
	"EXCLUDED.date_emission, EXCLUDED.date_validite, "
	"EXCLUDED.mois_commande, EXCLUDED.statut, EXCLUDED.statut_le, "
	"EXCLUDED.ingestion) WHERE t.origine = 'reprise' AND "
	"(t.reference_commande, t.code_carnet, t.identifiant_beneficiaire, "
	"t.valeur_faciale, t.date_emission, t.date_validite, t.mois_commande, "
	"t.statut, t.statut_le) IS DISTINCT FROM (EXCLUDED.reference_commande, "
	"EXCLUDED.code_carnet, EXCLUDED.identifiant_beneficiaire, "
	"EXCLUDED.valeur_faciale, EXCLUDED.date_emission, "
	"EXCLUDED.date_validite, EXCLUDED.mois_commande, EXCLUDED.statut, "
	"EXCLUDED.statut_le)",
	NULL
};

/*
 * The current lines of the file's orders (by the current-key index, whose
 * first column is the order), not of every order the ledger holds.
 */
#define COMMANDES_DU_FICHIER(a) \
	"(" a ".reference_commande_externe = ANY (ARRAY(SELECT DISTINCT " \
	"reference_commande_externe FROM stg WHERE reference_commande_externe " \
	"IS NOT NULL)) OR (" a ".reference_commande_externe IS NULL AND " \
	"EXISTS (SELECT 1 FROM stg WHERE reference_commande_externe IS NULL)))"

static const char *const commande_rules[] = {
	"s.date_fin_prise_en_charge < s.date_debut_prise_en_charge",
	"date de fin de prise en charge antérieure à la date de début",
	"s.matricule_salarie IS NULL OR s.matricule_salarie !~ '^[0-9]{1,6}$'",
	"identifiant SALSA du bénéficiaire (matricule salarié) absent ou non "
	"numérique sur 6 chiffres au plus : titres non numérotables",
	"s.premier_titre + s.nombre_titres - 1 > 99999",
	"plus de 99999 titres pour ce bénéficiaire dans la commande : rang "
	"de titre hors des 5 chiffres",
	"EXISTS (SELECT 1 FROM titre t WHERE t.numero_titre BETWEEN "
	NUMERO_TITRE("s.premier_titre") " AND "
	NUMERO_TITRE("s.premier_titre + s.nombre_titres - 1") " AND "
	"(t.reference_commande <> coalesce(s.reference_commande_externe, '') "
	"OR t.origine <> 'commande'))",
	"numéros de titres déjà émis pour une autre commande (même mois et "
	"même bénéficiaire) ou repris du précédent opérateur",
	/*
	 * Ranks run over the lines of an order, month and beneficiary in the
	 * file: one that leaves out a line already loaded would renumber the
	 * others over it and withdraw titles still ordered.
	 */
	"(coalesce(s.reference_commande_externe, ''), " PREFIXE_TITRE("s") ") "
	"IN (SELECT coalesce(c.reference_commande_externe, ''), "
	PREFIXE_TITRE("c") " FROM commande c WHERE c.valide_au IS NULL AND "
	COMMANDES_DU_FICHIER("c") " AND (coalesce(c.reference_commande_externe, ''), coalesce("
	"c.mois_reference, ''), coalesce(c.reference_ligne_commande_externe, "
	"''), c.rang_ligne) NOT IN (SELECT coalesce(x.reference_commande_externe, "
	"''), coalesce(x.mois_reference, ''), "
	"coalesce(x.reference_ligne_commande_externe, ''), x.rang_ligne "
	"FROM stg x))",
	"commande partielle : une ligne déjà chargée de cette commande pour "
	"ce bénéficiaire et ce mois manque au fichier ; les rangs des titres "
	"seraient décalés (rechargez toutes ses lignes)",
	NULL
};

static const char *const charge_rules[] = {
	"s.identifiant_beneficiaire NOT IN (SELECT identifiant_salsa FROM "
	"beneficiaire WHERE " DU_FICHIER("identifiant_salsa",
	"identifiant_beneficiaire") ")",
	"bénéficiaire inconnu des plans d'aide",
	NULL
};

/* A log line names an emitted invoice, and a beneficiary on it. */
#define JOURNAL_MOTIF "journal_motif(s.numero_facture, " \
	"s.type_enregistrement, s.identifiant_beneficiaire_salsa, " \
	"s.facture_integree)"
static const char *const log_facture_rules[] = {
	JOURNAL_MOTIF " IS NOT NULL", "=" JOURNAL_MOTIF,
	NULL
};

/* SALSA's verdicts on the invoices (cesutg-facturation(7)). */
static const char *const log_facture_after[] = {
	"SELECT journal_factures($1)",
	NULL
};

const struct kind kinds[] = {
	{ "plans", "plan", plan_cols, plan_key, 1,
	    "CASE WHEN t.date_fin_prise_en_charge < $2::date - (SELECT "
	    "valeur::int FROM param WHERE nom = 'anteriorite_plans_jours') "
	    "THEN 'hors_anteriorite' ELSE 'absent_du_flux' END",
	    plan_rules, plan_after, NULL },
	{ "horodatages", "horodatage", horodatage_cols, horodatage_key, 0, NULL,
	    horodatage_rules, NULL, NULL },
	{ "clients", "client", client_cols, client_key, 0, NULL, client_rules,
	    client_after, NULL },
	{ "intervenants", "intervenant", intervenant_cols, intervenant_key, 0,
	    NULL, intervenant_rules, NULL, NULL },
	{ "evenements", "evenement_sad", evenement_sad_cols, evenement_sad_key, 0,
	    NULL, evenement_sad_rules, NULL, NULL },
	{ "remboursements", "remboursement", remboursement_cols,
	    remboursement_key, 0, NULL, remboursement_rules,
	    remboursement_after, NULL, remboursement_before },
	{ "commandes", "commande", commande_cols, commande_key, 0, NULL,
	    commande_rules, commande_after, commande_derived },
	{ "charges", "charge", charge_cols, charge_key, 0, NULL, charge_rules,
	    NULL, NULL },
	{ "log-factures", "log_facture", log_facture_cols, log_facture_key, 0,
	    NULL, log_facture_rules, log_facture_after, NULL },
	{ "titres-repris", "titre_repris", titre_repris_cols, titre_repris_key,
	    0, NULL, titre_repris_rules, titre_repris_after, NULL },
	{ NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL }
};
