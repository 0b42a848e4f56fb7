-- registre, migration 6: one SAD, one row, keyed by its SALSA code tiers,
-- with the télégestion codes its Flux 15 files carry; titles taken over
-- from the previous operator; statuses of titles (stolen, cancelled,
-- lost); refunds rejected for a title reason kept for the fraud control.

SET LOCAL ROLE cesutg_owner;
SET LOCAL search_path = cesutg;

-- A SAD: code tiers SALSA (sad.code), name, notice addresses, and for the
-- CASVP sections the platform whose managers validate its invoices.
ALTER TABLE sad ADD courriels text[] NOT NULL DEFAULT '{}',
    ADD plateforme text;

-- The other codes a SAD's télégestion files name it by (Flux 15 code_sad).
CREATE TABLE sad_tg (
	code text PRIMARY KEY,
	sad text NOT NULL REFERENCES sad (code)
);
CREATE INDEX sad_tg_sad ON sad_tg (sad);

-- Folds the SAD declared under code tg (a télégestion code taken for a code
-- tiers, as role add-sad did) into the SAD sad: tg becomes one of its
-- télégestion codes, its roles read sad. Refused if tg has plans.
CREATE FUNCTION sad_tg_ajouter(tg text, s text) RETURNS void
LANGUAGE plpgsql SET search_path = cesutg AS $f$
DECLARE
	autre text;
BEGIN
	IF tg = s THEN
		RAISE EXCEPTION 'le code de télégestion % est le code tiers du SAD',
		    tg USING ERRCODE = '22023';
	END IF;
	SELECT sad INTO autre FROM sad_tg WHERE code = tg;
	IF autre IS NOT NULL AND autre <> s THEN
		RAISE EXCEPTION 'le code de télégestion % est déjà celui du SAD %',
		    tg, autre USING ERRCODE = '22023';
	END IF;
	IF EXISTS (SELECT 1 FROM sad WHERE code = tg) THEN
		IF EXISTS (SELECT 1 FROM plan WHERE code_tiers_salsa = tg) THEN
			RAISE EXCEPTION '% est le code tiers d''un SAD des plans d''aide',
			    tg USING ERRCODE = '22023';
		END IF;
		UPDATE acces_sad SET code_sad = s WHERE code_sad = tg;
		UPDATE sad SET nom = t.nom FROM sad t
		    WHERE sad.code = s AND t.code = tg AND sad.nom IS NULL;
		DELETE FROM sad WHERE code = tg;
	END IF;
	INSERT INTO sad_tg (code, sad) VALUES (tg, s) ON CONFLICT DO NOTHING;
END
$f$;

-- Existing data: a SAD declared as SADxxx while plans name xxx is the same
-- SAD (the convention of fluxgen and of the first files received).
SELECT sad_tg_ajouter(t.code, s.code) FROM sad t JOIN sad s
    ON t.code = 'SAD' || s.code;

ALTER TABLE acces_sad ADD FOREIGN KEY (code_sad) REFERENCES sad (code);

SELECT brancher('sad_tg', 'cle');
GRANT SELECT ON sad_tg TO cesutg_loader, cesutg_sad, cesutg_agent;
CREATE POLICY sad ON sad_tg FOR SELECT TO cesutg_sad
    USING (sad IN (SELECT code_sad FROM acces_sad WHERE role = current_user));
CREATE POLICY agent ON sad_tg FOR SELECT TO cesutg_agent
    USING (EXISTS (SELECT aide FROM acces_agent WHERE role = current_user));

-- A SAD reads the Flux 15 rows sent under its code tiers or one of its
-- télégestion codes.
DO $$
DECLARE t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['horodatage', 'client', 'intervenant',
	    'evenement_sad'] LOOP
		EXECUTE format('DROP POLICY sad ON %I', t);
		EXECUTE format('CREATE POLICY sad ON %I FOR SELECT TO cesutg_sad '
		    'USING (code_sad IN (SELECT code_sad FROM acces_sad '
		    'WHERE role = current_user) OR code_sad IN (SELECT g.code '
		    'FROM sad_tg g JOIN acces_sad a ON a.code_sad = g.sad '
		    'WHERE a.role = current_user))', t);
	END LOOP;
END $$;

-- Titles: where they come from, and their status when withdrawn from use
-- (C7, C9, annex 4 W6).
ALTER TABLE titre ADD origine text NOT NULL DEFAULT 'commande'
	CHECK (origine IN ('commande', 'reprise')),
    ADD mois_commande text CHECK (mois_commande ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    ADD statut text CHECK (statut IN ('vole', 'annule', 'perdu')),
    ADD statut_le date,
    ADD ingestion bigint REFERENCES ingestion;

-- The titles in circulation at takeover, as loaded (registre load
-- titres-repris), every version kept; each current one is a row of titre.
CREATE TABLE titre_repris (
	id bigserial PRIMARY KEY,
	numero_titre text NOT NULL,
	valeur_faciale numeric(14,2) NOT NULL,
	date_validite date NOT NULL,
	identifiant_beneficiaire text NOT NULL,
	mois_commande text NOT NULL,
	statut text NOT NULL,
	date_statut date,
	reference_commande text,
	code_carnet text,
	date_emission date,
	ligne bigint NOT NULL,
	ingestion_debut bigint NOT NULL,
	ingestion_fin bigint,
	valide_du date NOT NULL,
	valide_au date,
	motif_fin text CHECK (motif_fin IN ('modifie'))
);
CREATE UNIQUE INDEX titre_repris_courant ON titre_repris (numero_titre)
    WHERE valide_au IS NULL;

-- Refunds rejected for a reason of their title, with what the CRCESU sent
-- and the refund already held (J2).
CREATE TABLE remboursement_rejete (
	id bigserial PRIMARY KEY,
	ingestion bigint NOT NULL REFERENCES ingestion,
	ligne bigint NOT NULL,
	numero_titre text NOT NULL,
	cause text NOT NULL CHECK (cause IN ('jamais_emis', 'deja_rembourse',
	    'double_fichier', 'retire', 'vole', 'annule', 'perdu', 'perime')),
	motif text NOT NULL,
	remboursement_anterieur bigint REFERENCES remboursement,
	code_emetteur text,
	date_creation date,
	numero_ordre bigint,
	date_remboursement date,
	reference_commande text,
	code_carnet text,
	identifiant_beneficiaire text,
	valeur_faciale numeric(14,2),
	date_encaissement date,
	code_affilie text,
	nom_affilie text,
	type_affilie text,
	code_produit text
);
CREATE INDEX remboursement_rejete_titre ON remboursement_rejete (numero_titre);

SELECT brancher(t, 'id') FROM unnest(ARRAY['titre_repris',
    'remboursement_rejete']) t;
GRANT SELECT, INSERT, UPDATE ON titre_repris, remboursement_rejete
    TO cesutg_loader;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA cesutg TO cesutg_loader;
GRANT SELECT ON titre_repris, remboursement_rejete TO cesutg_agent;
CREATE POLICY agent ON titre_repris FOR SELECT TO cesutg_agent
    USING ('CESU' IN (SELECT aide FROM acces_agent WHERE role = current_user));
CREATE POLICY agent ON remboursement_rejete FOR SELECT TO cesutg_agent
    USING ('CESU' IN (SELECT aide FROM acces_agent WHERE role = current_user));
REVOKE EXECUTE ON FUNCTION sad_tg_ajouter(text, text) FROM PUBLIC;

-- Refunds loaded before this migration as a new version of an earlier
-- refund of the same title: each is a second refund, kept here too (the
-- versions stay in remboursement as they were loaded).
INSERT INTO remboursement_rejete (ingestion, ligne, numero_titre, cause,
    motif, remboursement_anterieur, code_emetteur, date_creation,
    numero_ordre, date_remboursement, reference_commande, code_carnet,
    identifiant_beneficiaire, valeur_faciale, date_encaissement,
    code_affilie, nom_affilie, type_affilie, code_produit)
SELECT n.ingestion_debut, n.ligne, n.numero_titre, 'deja_rembourse',
    'titre déjà remboursé le ' || to_char(p.date_remboursement,
    'YYYY-MM-DD') || ' (ingestion ' || p.ingestion_debut || ')', p.id,
    n.code_emetteur, n.date_creation, n.numero_ordre, n.date_remboursement,
    n.reference_commande, n.code_carnet, n.identifiant_beneficiaire,
    n.valeur_faciale, n.date_encaissement, n.code_affilie, n.nom_affilie,
    n.type_affilie, n.code_produit
FROM remboursement n
CROSS JOIN LATERAL (SELECT * FROM remboursement p
    WHERE p.numero_titre = n.numero_titre AND p.id < n.id
    ORDER BY p.id LIMIT 1) p
ORDER BY n.id;

INSERT INTO param (nom, valeur, motif, description) VALUES
    ('delai_remboursement_mois', '1', '^[0-9]+$',
	'C10 : mois pendant lesquels le CRCESU rembourse encore un titre après le mois de sa fin de validité (CESU préfinancé : jusqu''au dernier jour du mois suivant) ; encaissé plus tard, son remboursement est rejeté « titre périmé »');
