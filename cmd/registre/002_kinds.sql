-- registre, migration 2: the ledger of the SADs' télégestion (flux 15),
-- CESU orders (flux 4), titles and their CRCESU refunds, CNCESU charges
-- (flux 6) and SALSA's invoice integration log. Every table keeps every
-- version of a row, as plan does.

SET LOCAL ROLE cesutg_owner;
SET LOCAL search_path = cesutg;

CREATE TABLE horodatage (
	id bigserial PRIMARY KEY,
	code_sad text NOT NULL,
	instant_creation timestamptz NOT NULL,
	numero_sequence bigint NOT NULL,
	identifiant_intervention text NOT NULL,
	identifiant_client text NOT NULL,
	identifiant_intervenant text NOT NULL,
	code_prestation text NOT NULL,
	mode_saisie text NOT NULL,
	numero_appelant text,
	arrivee_brute timestamptz,
	depart_brut timestamptz,
	arrivee_retenue timestamptz,
	depart_retenu timestamptz,
	minutes_ajoutees bigint,
	code_correction text,
	motif_correction text,
	auteur_correction text,
	instant_correction timestamptz,
	duree_retenue_secondes bigint,
	ligne bigint NOT NULL,
	ingestion_debut bigint NOT NULL,
	ingestion_fin bigint,
	valide_du date NOT NULL,
	valide_au date,
	motif_fin text CHECK (motif_fin IN ('modifie'))
);
CREATE UNIQUE INDEX horodatage_courant ON horodatage (code_sad, identifiant_intervention) NULLS NOT DISTINCT
    WHERE valide_au IS NULL;

CREATE TABLE client (
	id bigserial PRIMARY KEY,
	code_sad text NOT NULL,
	instant_creation timestamptz NOT NULL,
	numero_sequence bigint NOT NULL,
	identifiant_client text NOT NULL,
	identifiant_beneficiaire_salsa text,
	civilite text,
	nom text NOT NULL,
	nom_naissance text,
	prenoms text NOT NULL,
	date_naissance date NOT NULL,
	adresse_1 text,
	adresse_2 text,
	code_postal text,
	ville text,
	telephone_fixe text,
	telephone_portable text,
	beneficiaire_departement boolean NOT NULL,
	ligne bigint NOT NULL,
	ingestion_debut bigint NOT NULL,
	ingestion_fin bigint,
	valide_du date NOT NULL,
	valide_au date,
	motif_fin text CHECK (motif_fin IN ('modifie'))
);
CREATE UNIQUE INDEX client_courant ON client (code_sad, identifiant_client) NULLS NOT DISTINCT
    WHERE valide_au IS NULL;

CREATE TABLE intervenant (
	id bigserial PRIMARY KEY,
	code_sad text NOT NULL,
	instant_creation timestamptz NOT NULL,
	numero_sequence bigint NOT NULL,
	identifiant_intervenant text NOT NULL,
	nom text NOT NULL,
	prenom text NOT NULL,
	statut text NOT NULL,
	date_debut date NOT NULL,
	date_fin date,
	telephone_professionnel text,
	ligne bigint NOT NULL,
	ingestion_debut bigint NOT NULL,
	ingestion_fin bigint,
	valide_du date NOT NULL,
	valide_au date,
	motif_fin text CHECK (motif_fin IN ('modifie'))
);
CREATE UNIQUE INDEX intervenant_courant ON intervenant (code_sad, identifiant_intervenant) NULLS NOT DISTINCT
    WHERE valide_au IS NULL;

CREATE TABLE evenement_sad (
	id bigserial PRIMARY KEY,
	code_sad text NOT NULL,
	instant_creation timestamptz NOT NULL,
	numero_sequence bigint NOT NULL,
	identifiant_evenement text NOT NULL,
	identifiant_client text NOT NULL,
	type_evenement text NOT NULL,
	date_debut date NOT NULL,
	date_fin date,
	identifiant_intervenant text,
	commentaire text,
	instant_declaration timestamptz NOT NULL,
	ligne bigint NOT NULL,
	ingestion_debut bigint NOT NULL,
	ingestion_fin bigint,
	valide_du date NOT NULL,
	valide_au date,
	motif_fin text CHECK (motif_fin IN ('modifie'))
);
CREATE UNIQUE INDEX evenement_sad_courant ON evenement_sad (code_sad, identifiant_evenement) NULLS NOT DISTINCT
    WHERE valide_au IS NULL;

CREATE TABLE remboursement (
	id bigserial PRIMARY KEY,
	code_emetteur text NOT NULL,
	date_creation date NOT NULL,
	numero_ordre bigint NOT NULL,
	date_remboursement date NOT NULL,
	numero_titre text NOT NULL,
	reference_commande text NOT NULL,
	code_carnet text NOT NULL,
	identifiant_beneficiaire text NOT NULL,
	valeur_faciale numeric(14,2) NOT NULL,
	date_encaissement date NOT NULL,
	code_affilie text NOT NULL,
	nom_affilie text NOT NULL,
	type_affilie text NOT NULL,
	code_produit text NOT NULL,
	ligne bigint NOT NULL,
	ingestion_debut bigint NOT NULL,
	ingestion_fin bigint,
	valide_du date NOT NULL,
	valide_au date,
	motif_fin text CHECK (motif_fin IN ('modifie'))
);
CREATE UNIQUE INDEX remboursement_courant ON remboursement (numero_titre) NULLS NOT DISTINCT
    WHERE valide_au IS NULL;

CREATE TABLE commande (
	id bigserial PRIMARY KEY,
	date_commande date NOT NULL,
	origine_fichier text,
	code_client text NOT NULL,
	raison_sociale text NOT NULL,
	reference_commande_externe text,
	type_commande text,
	code_succursale text NOT NULL,
	code_carnet text NOT NULL,
	nombre_carnets bigint NOT NULL,
	matricule_salarie text,
	civilite text NOT NULL,
	nom_beneficiaire text NOT NULL,
	prenom_beneficiaire text NOT NULL,
	date_naissance date NOT NULL,
	nom_voie text,
	complement_adresse text,
	lieu_dit text,
	code_postal text NOT NULL,
	bureau_distributeur text,
	code_insee text,
	nom_commune text,
	civilite_tuteur text,
	nom_tuteur text,
	prenom_tuteur text,
	nom_voie_tuteur text,
	complement_adresse_tuteur text,
	code_postal_tuteur text,
	bureau_distributeur_tuteur text,
	date_debut_prise_en_charge date,
	date_fin_prise_en_charge date,
	titre_dematerialise text,
	reference_ligne_commande_externe text,
	nombre_titres bigint NOT NULL,
	valeur_unitaire numeric(14,2) NOT NULL,
	part_financier_unitaire numeric(14,2),
	date_validite date,
	code_mention_1 text,
	code_mention_2 text,
	mention_libre text,
	mois_reference text,
	ligne bigint NOT NULL,
	ingestion_debut bigint NOT NULL,
	ingestion_fin bigint,
	valide_du date NOT NULL,
	valide_au date,
	motif_fin text CHECK (motif_fin IN ('modifie'))
);
CREATE UNIQUE INDEX commande_courant ON commande (reference_commande_externe, reference_ligne_commande_externe, mois_reference, date_validite) NULLS NOT DISTINCT
    WHERE valide_au IS NULL;

CREATE TABLE charge (
	id bigserial PRIMARY KEY,
	code_conseil_departemental text NOT NULL,
	date_creation_fichier date NOT NULL,
	numero_ordre bigint NOT NULL,
	identifiant_beneficiaire text NOT NULL,
	index_prestation text,
	numero_employeur text NOT NULL,
	type_prestation text NOT NULL,
	periode_emploi text NOT NULL,
	heures_plan_aide_cg numeric(14,2) NOT NULL,
	montant_prise_en_charge_cotisations numeric(14,2) NOT NULL,
	heures_impactees numeric(14,2) NOT NULL,
	montant_prise_en_charge_impactee numeric(14,2) NOT NULL,
	nature_mouvement text NOT NULL,
	mois_facturation text NOT NULL,
	date_limite_virement date NOT NULL,
	ligne bigint NOT NULL,
	ingestion_debut bigint NOT NULL,
	ingestion_fin bigint,
	valide_du date NOT NULL,
	valide_au date,
	motif_fin text CHECK (motif_fin IN ('modifie'))
);
CREATE UNIQUE INDEX charge_courant ON charge (identifiant_beneficiaire, index_prestation, numero_employeur, periode_emploi, mois_facturation, nature_mouvement) NULLS NOT DISTINCT
    WHERE valide_au IS NULL;

CREATE TABLE log_facture (
	id bigserial PRIMARY KEY,
	type_enregistrement text NOT NULL,
	date_integration date,
	date_edition date,
	numero_facture text NOT NULL,
	libelle_tiers text NOT NULL,
	date_debut_facturation date,
	date_fin_facturation date,
	type_aide text NOT NULL,
	facture_integree text,
	identifiant_beneficiaire_salsa text,
	nom_beneficiaire text,
	prenom_beneficiaire text,
	motif_rejet text,
	nombre_heures numeric(14,2),
	montant_facture numeric(14,2),
	montant_salsa_attendu numeric(14,2),
	ligne bigint NOT NULL,
	ingestion_debut bigint NOT NULL,
	ingestion_fin bigint,
	valide_du date NOT NULL,
	valide_au date,
	motif_fin text CHECK (motif_fin IN ('modifie'))
);
CREATE UNIQUE INDEX log_facture_courant ON log_facture (numero_facture, type_enregistrement, identifiant_beneficiaire_salsa) NULLS NOT DISTINCT
    WHERE valide_au IS NULL;
-- CESU titles issued by the operator; CRCESU refunds must name one.
CREATE TABLE titre (
	numero_titre text PRIMARY KEY,
	reference_commande text NOT NULL,
	code_carnet text,
	identifiant_beneficiaire text NOT NULL,
	valeur_faciale numeric(14,2) NOT NULL,
	date_emission date NOT NULL,
	date_validite date
);

SELECT brancher(t, CASE WHEN t = 'titre' THEN 'cle' ELSE 'id' END)
FROM unnest(ARRAY['horodatage', 'client', 'intervenant', 'evenement_sad',
    'remboursement', 'commande', 'charge', 'log_facture', 'titre']) t;

GRANT SELECT, INSERT, UPDATE ON horodatage, client, intervenant,
    evenement_sad, remboursement, commande, charge, log_facture, titre
    TO cesutg_loader;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA cesutg TO cesutg_loader;
GRANT SELECT ON horodatage, client, intervenant, evenement_sad TO cesutg_sad;
GRANT SELECT ON horodatage, client, intervenant, evenement_sad,
    remboursement, commande, charge, log_facture, titre TO cesutg_agent;

-- A SAD reads its own clients, intervenants, visits and events.
CREATE POLICY sad ON horodatage FOR SELECT TO cesutg_sad
    USING (code_sad IN (SELECT code_sad FROM acces_sad
	WHERE role = current_user));
CREATE POLICY sad ON client FOR SELECT TO cesutg_sad
    USING (code_sad IN (SELECT code_sad FROM acces_sad
	WHERE role = current_user));
CREATE POLICY sad ON intervenant FOR SELECT TO cesutg_sad
    USING (code_sad IN (SELECT code_sad FROM acces_sad
	WHERE role = current_user));
CREATE POLICY sad ON evenement_sad FOR SELECT TO cesutg_sad
    USING (code_sad IN (SELECT code_sad FROM acces_sad
	WHERE role = current_user));

-- Agents: télégestion data to TG holders, CESU data to CESU holders.
CREATE POLICY agent ON horodatage FOR SELECT TO cesutg_agent
    USING ('TG' IN (SELECT aide FROM acces_agent WHERE role = current_user));
CREATE POLICY agent ON client FOR SELECT TO cesutg_agent
    USING ('TG' IN (SELECT aide FROM acces_agent WHERE role = current_user));
CREATE POLICY agent ON intervenant FOR SELECT TO cesutg_agent
    USING ('TG' IN (SELECT aide FROM acces_agent WHERE role = current_user));
CREATE POLICY agent ON evenement_sad FOR SELECT TO cesutg_agent
    USING ('TG' IN (SELECT aide FROM acces_agent WHERE role = current_user));
CREATE POLICY agent ON log_facture FOR SELECT TO cesutg_agent
    USING ('TG' IN (SELECT aide FROM acces_agent WHERE role = current_user));
CREATE POLICY agent ON remboursement FOR SELECT TO cesutg_agent
    USING ('CESU' IN (SELECT aide FROM acces_agent WHERE role = current_user));
CREATE POLICY agent ON commande FOR SELECT TO cesutg_agent
    USING ('CESU' IN (SELECT aide FROM acces_agent WHERE role = current_user));
CREATE POLICY agent ON charge FOR SELECT TO cesutg_agent
    USING ('CESU' IN (SELECT aide FROM acces_agent WHERE role = current_user));
CREATE POLICY agent ON titre FOR SELECT TO cesutg_agent
    USING ('CESU' IN (SELECT aide FROM acces_agent WHERE role = current_user));

CREATE VIEW pseudo.horodatage AS
	SELECT id, code_sad, pseudonyme(code_sad || '/' || identifiant_client)
	    AS client, pseudonyme(code_sad || '/' || identifiant_intervenant)
	    AS intervenant, code_prestation, mode_saisie, arrivee_brute,
	    depart_brut, arrivee_retenue, depart_retenu, minutes_ajoutees,
	    code_correction, duree_retenue_secondes, valide_du, valide_au
	FROM horodatage;
GRANT SELECT ON pseudo.horodatage TO cesutg_analyste;
