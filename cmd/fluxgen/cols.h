/*
 * The canonical CSV columns of each kind, in the order of its converter's
 * parse output (flux1, flux4, flux15, crcesu, flux6, sadlog). One table
 * per kind: when a converter changes its columns, only its table changes.
 */
#ifndef FLUXGEN_COLS_H
#define FLUXGEN_COLS_H

/* flux1(5) */
#define PLANS_COLS(X) \
	X(code_tiers_salsa) \
	X(code_financier) \
	X(identifiant_beneficiaire_portail) \
	X(identifiant_beneficiaire_salsa) \
	X(module) \
	X(index_demande_salsa) \
	X(index_prestation_salsa) \
	X(date_debut_droit) \
	X(date_fin_droit) \
	X(date_debut_prise_en_charge) \
	X(date_fin_prise_en_charge) \
	X(quantite_prise_en_charge) \
	X(quantite_totale) \
	X(montant_participation) \
	X(pourcentage_ticket) \
	X(derogation) \
	X(montant_depassement) \
	X(montant_financier) \
	X(cout_total_prestation) \
	X(code_nomenclature) \
	X(periodicite) \
	X(mode_gestion) \
	X(civilite_beneficiaire) \
	X(nom_beneficiaire) \
	X(prenom_beneficiaire) \
	X(date_naissance_beneficiaire) \
	X(gir) \
	X(adresse_1) \
	X(adresse_2) \
	X(code_postal) \
	X(ville) \
	X(numero_dossier) \
	X(telephone) \
	X(telephone_portable) \
	X(type_attributaire_paiement) \
	X(identifiant_evenement) \
	X(type_evenement) \
	X(date_debut_evenement) \
	X(date_fin_evenement) \
	X(identifiant_tuteur) \
	X(civilite_tuteur) \
	X(nom_tuteur) \
	X(prenom_tuteur) \
	X(date_naissance_tuteur) \
	X(telephone_tuteur) \
	X(complement_destinataire_tuteur) \
	X(adresse_1_tuteur) \
	X(adresse_2_tuteur) \
	X(code_postal_tuteur) \
	X(ville_tuteur) \
	X(code_mode_reglement) \
	X(complement_destinataire_reglement) \
	X(date_decision) \
	X(montant_unitaire_cd) \
	X(montant_unitaire_beneficiaire) \
	X(quantite_sans_depassement) \
	X(date_notification) \
	X(code_type_demande) \
	X(code_nature_demande) \
	X(code_tiers_tarif) \
	X(modalite_plan_aide) \
	X(code_secteur_1) \
	X(code_secteur_2) \
	X(code_secteur_3) \
	X(code_contexte_familial) \
	X(code_situation_familiale) \
	X(code_type_tutelle) \
	X(interlocuteur_tutelle) \
	X(cedex_tuteur) \
	X(nom_naissance_beneficiaire) \
	X(cedex) \
	X(travailleur_social) \
	X(instructeur) \
	X(numero_ligne)

/* flux4(5): file, order, branch and carnet headers, then the title. */
#define COMMANDES_COLS(X) \
	X(date_commande) \
	X(origine_fichier) \
	X(code_client) \
	X(raison_sociale) \
	X(reference_commande_externe) \
	X(type_commande) \
	X(code_succursale) \
	X(code_carnet) \
	X(nombre_carnets) \
	X(matricule_salarie) \
	X(civilite) \
	X(nom_beneficiaire) \
	X(prenom_beneficiaire) \
	X(date_naissance) \
	X(nom_voie) \
	X(complement_adresse) \
	X(lieu_dit) \
	X(code_postal) \
	X(bureau_distributeur) \
	X(code_insee) \
	X(nom_commune) \
	X(civilite_tuteur) \
	X(nom_tuteur) \
	X(prenom_tuteur) \
	X(nom_voie_tuteur) \
	X(complement_adresse_tuteur) \
	X(code_postal_tuteur) \
	X(bureau_distributeur_tuteur) \
	X(date_debut_prise_en_charge) \
	X(date_fin_prise_en_charge) \
	X(titre_dematerialise) \
	X(reference_ligne_commande_externe) \
	X(nombre_titres) \
	X(valeur_unitaire) \
	X(part_financier_unitaire) \
	X(date_validite) \
	X(code_mention_1) \
	X(code_mention_2) \
	X(mention_libre) \
	X(mois_reference)

/* flux15(5), clients: the DEB columns, then the DET ones. */
#define CLIENTS_COLS(X) \
	X(code_sad) \
	X(instant_creation) \
	X(numero_sequence) \
	X(identifiant_client) \
	X(identifiant_beneficiaire_salsa) \
	X(civilite) \
	X(nom) \
	X(nom_naissance) \
	X(prenoms) \
	X(date_naissance) \
	X(adresse_1) \
	X(adresse_2) \
	X(code_postal) \
	X(ville) \
	X(telephone_fixe) \
	X(telephone_portable) \
	X(beneficiaire_departement)

/* flux15(5), intervenants: the DEB columns, then the DET ones. */
#define INTERVENANTS_COLS(X) \
	X(code_sad) \
	X(instant_creation) \
	X(numero_sequence) \
	X(identifiant_intervenant) \
	X(nom) \
	X(prenom) \
	X(statut) \
	X(date_debut) \
	X(date_fin) \
	X(telephone_professionnel)

/* flux15(5), horodatages: the DEB columns, then the DET ones. */
#define HORODATAGES_COLS(X) \
	X(code_sad) \
	X(instant_creation) \
	X(numero_sequence) \
	X(identifiant_intervention) \
	X(identifiant_client) \
	X(identifiant_intervenant) \
	X(code_prestation) \
	X(mode_saisie) \
	X(numero_appelant) \
	X(arrivee_brute) \
	X(depart_brut) \
	X(arrivee_retenue) \
	X(depart_retenu) \
	X(minutes_ajoutees) \
	X(code_correction) \
	X(motif_correction) \
	X(auteur_correction) \
	X(instant_correction) \
	X(duree_retenue_secondes)

/* flux15(5), evenements: the DEB columns, then the DET ones. */
#define EVENEMENTS_COLS(X) \
	X(code_sad) \
	X(instant_creation) \
	X(numero_sequence) \
	X(identifiant_evenement) \
	X(identifiant_client) \
	X(type_evenement) \
	X(date_debut) \
	X(date_fin) \
	X(identifiant_intervenant) \
	X(commentaire) \
	X(instant_declaration)

/* crcesu(5) */
#define REMBOURSEMENTS_COLS(X) \
	X(code_emetteur) \
	X(date_creation) \
	X(numero_ordre) \
	X(date_remboursement) \
	X(numero_titre) \
	X(reference_commande) \
	X(code_carnet) \
	X(identifiant_beneficiaire) \
	X(valeur_faciale) \
	X(date_encaissement) \
	X(code_affilie) \
	X(nom_affilie) \
	X(type_affilie) \
	X(code_produit)

/* flux6(5): the DEB columns, the DET ones, the recap date. */
#define CHARGES_COLS(X) \
	X(code_conseil_departemental) \
	X(date_creation_fichier) \
	X(numero_ordre) \
	X(identifiant_beneficiaire) \
	X(index_prestation) \
	X(numero_employeur) \
	X(type_prestation) \
	X(periode_emploi) \
	X(heures_plan_aide_cg) \
	X(montant_prise_en_charge_cotisations) \
	X(heures_impactees) \
	X(montant_prise_en_charge_impactee) \
	X(nature_mouvement) \
	X(mois_facturation) \
	X(date_limite_virement)

/* sadlog(5) */
#define LOG_COLS(X) \
	X(type_enregistrement) \
	X(date_integration) \
	X(date_edition) \
	X(numero_facture) \
	X(libelle_tiers) \
	X(date_debut_facturation) \
	X(date_fin_facturation) \
	X(type_aide) \
	X(facture_integree) \
	X(identifiant_beneficiaire_salsa) \
	X(nom_beneficiaire) \
	X(prenom_beneficiaire) \
	X(motif_rejet) \
	X(nombre_heures) \
	X(montant_facture) \
	X(montant_salsa_attendu)

#define ENUM_P(n)	P_##n,
#define ENUM_C(n)	C_##n,
#define ENUM_K(n)	K_##n,
#define ENUM_I(n)	I_##n,
#define ENUM_H(n)	H_##n,
#define ENUM_E(n)	E_##n,
#define ENUM_R(n)	RB_##n,
#define ENUM_G(n)	G_##n,
#define ENUM_L(n)	L_##n,
enum { PLANS_COLS(ENUM_P) P_NCOLS };
enum { COMMANDES_COLS(ENUM_C) C_NCOLS };
enum { CLIENTS_COLS(ENUM_K) K_NCOLS };
enum { INTERVENANTS_COLS(ENUM_I) I_NCOLS };
enum { HORODATAGES_COLS(ENUM_H) H_NCOLS };
enum { EVENEMENTS_COLS(ENUM_E) E_NCOLS };
enum { REMBOURSEMENTS_COLS(ENUM_R) RB_NCOLS };
enum { CHARGES_COLS(ENUM_G) G_NCOLS };
enum { LOG_COLS(ENUM_L) L_NCOLS };

#endif
