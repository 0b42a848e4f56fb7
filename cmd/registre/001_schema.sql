-- registre, migration 1: roles, ledger tables, history of plans, parameters,
-- ingestions, access control and the chained audit trail.

DO $$
DECLARE r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['cesutg_owner', 'cesutg_sad', 'cesutg_agent',
	    'cesutg_analyste'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
			EXECUTE format('CREATE ROLE %I NOLOGIN', r);
		END IF;
	END LOOP;
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cesutg_loader') THEN
		CREATE ROLE cesutg_loader LOGIN;
	END IF;
END $$;

CREATE SCHEMA cesutg AUTHORIZATION cesutg_owner;
CREATE SCHEMA pseudo AUTHORIZATION cesutg_owner;
GRANT USAGE ON SCHEMA cesutg TO cesutg_loader, cesutg_sad, cesutg_agent;
GRANT USAGE ON SCHEMA pseudo TO cesutg_analyste;
SET LOCAL ROLE cesutg_owner;
SET LOCAL search_path = cesutg;

CREATE TABLE version_schema (
	version integer PRIMARY KEY,
	appliquee_le timestamptz NOT NULL DEFAULT now(),
	par text NOT NULL DEFAULT session_user
);

CREATE TABLE ingestion (
	id bigserial PRIMARY KEY,
	kind text NOT NULL,
	source text NOT NULL,
	sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	date_donnees date NOT NULL,
	lues bigint NOT NULL,
	acceptees bigint NOT NULL,
	rejetees bigint NOT NULL,
	nouvelles bigint NOT NULL DEFAULT 0,
	modifiees bigint NOT NULL DEFAULT 0,
	inchangees bigint NOT NULL DEFAULT 0,
	terminees bigint NOT NULL DEFAULT 0,
	qui text NOT NULL DEFAULT session_user,
	quand timestamptz NOT NULL DEFAULT now(),
	UNIQUE (kind, sha256)
);

CREATE TABLE param (
	nom text PRIMARY KEY,
	valeur text NOT NULL,
	motif text NOT NULL DEFAULT '^.*$',
	description text NOT NULL,
	modifie_par text NOT NULL DEFAULT session_user,
	modifie_le timestamptz NOT NULL DEFAULT now(),
	CHECK (valeur ~ motif)
);

CREATE TABLE sad (
	code text PRIMARY KEY,
	nom text,
	ingestion bigint REFERENCES ingestion
);

CREATE TABLE beneficiaire (
	identifiant_salsa text PRIMARY KEY,
	identifiant_portail text,
	civilite text,
	nom text,
	prenom text,
	nom_naissance text,
	date_naissance date,
	gir text,
	adresse_1 text,
	adresse_2 text,
	code_postal text,
	ville text,
	cedex text,
	telephone text,
	telephone_portable text,
	ingestion bigint REFERENCES ingestion
);

CREATE TABLE tuteur (
	identifiant text PRIMARY KEY,
	civilite text,
	nom text,
	prenom text,
	date_naissance date,
	telephone text,
	complement_destinataire text,
	adresse_1 text,
	adresse_2 text,
	code_postal text,
	ville text,
	cedex text,
	ingestion bigint REFERENCES ingestion
);

-- Hospitalisation and other events; type_evenement keeps SALSA's code.
CREATE TABLE evenement (
	identifiant text PRIMARY KEY,
	identifiant_beneficiaire_salsa text NOT NULL,
	type_evenement text,
	date_debut date,
	date_fin date,
	ingestion bigint REFERENCES ingestion
);

-- Every version of every plan line (flux 1), never overwritten: a version
-- is current while valide_au is null.
CREATE TABLE plan (
	id bigserial PRIMARY KEY,
	code_tiers_salsa text,
	code_financier text,
	identifiant_beneficiaire_portail text,
	identifiant_beneficiaire_salsa text,
	module text,
	index_demande_salsa text,
	index_prestation_salsa text,
	date_debut_droit date,
	date_fin_droit date,
	date_debut_prise_en_charge date,
	date_fin_prise_en_charge date,
	quantite_prise_en_charge numeric(9,2),
	quantite_totale numeric(9,2),
	montant_participation numeric(12,2),
	pourcentage_ticket numeric(9,2),
	derogation boolean,
	montant_depassement numeric(12,2),
	montant_financier numeric(12,2),
	cout_total_prestation numeric(12,2),
	code_nomenclature text,
	periodicite text,
	mode_gestion text,
	civilite_beneficiaire text,
	nom_beneficiaire text,
	prenom_beneficiaire text,
	date_naissance_beneficiaire date,
	gir text,
	adresse_1 text,
	adresse_2 text,
	code_postal text,
	ville text,
	numero_dossier text,
	telephone text,
	telephone_portable text,
	type_attributaire_paiement text,
	identifiant_evenement text,
	type_evenement text,
	date_debut_evenement date,
	date_fin_evenement date,
	identifiant_tuteur text,
	civilite_tuteur text,
	nom_tuteur text,
	prenom_tuteur text,
	date_naissance_tuteur date,
	telephone_tuteur text,
	complement_destinataire_tuteur text,
	adresse_1_tuteur text,
	adresse_2_tuteur text,
	code_postal_tuteur text,
	ville_tuteur text,
	code_mode_reglement text,
	complement_destinataire_reglement text,
	date_decision date,
	montant_unitaire_cd numeric(12,2),
	montant_unitaire_beneficiaire numeric(12,2),
	quantite_sans_depassement numeric(9,2),
	date_notification date,
	code_type_demande text,
	code_nature_demande text,
	code_tiers_tarif text,
	modalite_plan_aide text,
	code_secteur_1 text,
	code_secteur_2 text,
	code_secteur_3 text,
	code_contexte_familial text,
	code_situation_familiale text,
	code_type_tutelle text,
	interlocuteur_tutelle text,
	cedex_tuteur text,
	nom_naissance_beneficiaire text,
	cedex text,
	travailleur_social text,
	instructeur text,
	numero_ligne bigint,
	dispositif text GENERATED ALWAYS AS
	    (CASE mode_gestion WHEN 'P' THEN 'TG' ELSE 'CESU' END) STORED,
	ligne bigint NOT NULL,
	ingestion_debut bigint NOT NULL REFERENCES ingestion,
	ingestion_fin bigint REFERENCES ingestion,
	valide_du date NOT NULL,
	valide_au date,
	motif_fin text CHECK (motif_fin IN ('modifie', 'absent_du_flux',
	    'hors_anteriorite'))
);
CREATE UNIQUE INDEX plan_courant ON plan (identifiant_beneficiaire_salsa,
    index_demande_salsa, index_prestation_salsa) WHERE valide_au IS NULL;
CREATE INDEX plan_sad ON plan (code_tiers_salsa);
CREATE INDEX plan_beneficiaire ON plan (identifiant_beneficiaire_salsa);

CREATE TABLE acces_sad (
	role name PRIMARY KEY,
	code_sad text NOT NULL
);

CREATE TABLE acces_agent (
	role name NOT NULL,
	aide text NOT NULL CHECK (aide IN ('APA', 'ASL', 'PCHA', 'PCHE', 'CESU',
	    'TG')),
	PRIMARY KEY (role, aide)
);

CREATE TABLE pseudo_sel (
	seul boolean PRIMARY KEY DEFAULT true CHECK (seul),
	sel text NOT NULL
);
INSERT INTO pseudo_sel (sel) VALUES (encode(sha256(convert_to(
    random()::text || clock_timestamp()::text, 'UTF8')), 'hex'));

-- Audit trail: append-only, each row chained to the previous by SHA-256.
CREATE TABLE audit (
	id bigint PRIMARY KEY,
	quand timestamptz NOT NULL,
	qui text NOT NULL,
	role text NOT NULL,
	table_nom text NOT NULL,
	operation text NOT NULL,
	ancien jsonb,
	nouveau jsonb,
	precedent text NOT NULL,
	empreinte text NOT NULL
);
CREATE TABLE audit_tete (
	seul boolean PRIMARY KEY DEFAULT true CHECK (seul),
	n bigint NOT NULL,
	empreinte text NOT NULL
);
INSERT INTO audit_tete VALUES (true, 0, repeat('0', 64));

CREATE FUNCTION audit_empreinte(a audit) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
	SELECT encode(sha256(convert_to(concat_ws('|', a.precedent, a.id,
	    to_char(a.quand AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
	    a.qui, a.role, a.table_nom, a.operation,
	    coalesce(a.ancien::text, ''), coalesce(a.nouveau::text, '')),
	    'UTF8')), 'hex')
$f$;

-- Writers are serialised by a transaction lock; each row links to the last
-- one. audit_tete, the anchor that reveals deleted trailing rows, is set
-- once per statement of an audited table (audit_tete_maj), not per row.
CREATE FUNCTION audit_ecrire(t text, op text, o jsonb, n jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg AS $f$
DECLARE
	a audit;
	d audit;
BEGIN
	PERFORM pg_advisory_xact_lock(7464, 2);
	SELECT * INTO d FROM audit ORDER BY id DESC LIMIT 1;
	a.id := coalesce(d.id, 0) + 1;
	a.precedent := coalesce(d.empreinte, repeat('0', 64));
	a.quand := now();
	a.qui := session_user;
	a.role := current_user;
	a.table_nom := t;
	a.operation := op;
	a.ancien := o;
	a.nouveau := n;
	a.empreinte := audit_empreinte(a);
	INSERT INTO audit VALUES (a.*);
END
$f$;

CREATE FUNCTION audit_tete_maj() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg AS $f$
DECLARE
	d audit;
BEGIN
	SELECT * INTO d FROM audit ORDER BY id DESC LIMIT 1;
	IF d.id IS NOT NULL THEN
		UPDATE audit_tete SET n = d.id, empreinte = d.empreinte
		    WHERE audit_tete.n <> d.id;
	END IF;
	RETURN NULL;
END
$f$;

CREATE FUNCTION audit_ligne() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg AS $f$
BEGIN
	PERFORM audit_ecrire(TG_TABLE_NAME, TG_OP,
	    CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,
	    CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END);
	RETURN NULL;
END
$f$;

-- Bulk inserts are audited once per statement: the number of rows and the
-- range of their ids (the rows stay in their table, tagged with their
-- ingestion; any later change of one is audited row by row).
CREATE FUNCTION audit_insertion() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg AS $f$
DECLARE
	o jsonb;
BEGIN
	IF TG_ARGV[0] = 'id' THEN
		EXECUTE 'SELECT jsonb_build_object(''lignes'', count(*), '
		    '''premier_id'', min(id), ''dernier_id'', max(id)) '
		    'FROM nouvelles' INTO o;
	ELSE
		EXECUTE 'SELECT jsonb_build_object(''lignes'', count(*)) '
		    'FROM nouvelles' INTO o;
	END IF;
	IF (o->>'lignes')::bigint > 0 THEN
		PERFORM audit_ecrire(TG_TABLE_NAME, 'INSERT', NULL, o);
	END IF;
	RETURN NULL;
END
$f$;

CREATE FUNCTION audit_interdit() RETURNS trigger
LANGUAGE plpgsql AS $f$
BEGIN
	RAISE EXCEPTION 'la table d''audit n''accepte que des ajouts';
END
$f$;
CREATE TRIGGER audit_ajout_seul BEFORE UPDATE OR DELETE OR TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_interdit();

CREATE FUNCTION audit_verifier() RETURNS TABLE (id bigint, probleme text)
LANGUAGE sql STABLE SET search_path = cesutg AS $f$
	WITH a AS (
		SELECT x.*, audit_empreinte(x) AS calcul,
		    lag(x.id) OVER w AS id_prec,
		    lag(x.empreinte) OVER w AS empreinte_prec
		FROM audit x WINDOW w AS (ORDER BY x.id)
	)
	SELECT a.id, CASE
	    WHEN a.empreinte <> a.calcul THEN 'ligne modifiée'
	    WHEN a.id <> coalesce(a.id_prec, 0) + 1 THEN 'ligne(s) supprimée(s) avant celle-ci'
	    ELSE 'chaînage rompu' END
	FROM a
	WHERE a.empreinte <> a.calcul OR a.id <> coalesce(a.id_prec, 0) + 1
	    OR a.precedent <> coalesce(a.empreinte_prec, repeat('0', 64))
	UNION ALL
	SELECT t.n, 'dernière(s) ligne(s) supprimée(s) ou tête modifiée'
	FROM audit_tete t
	WHERE t.n <> coalesce((SELECT max(x.id) FROM audit x), 0)
	    OR t.empreinte <> coalesce((SELECT x.empreinte FROM audit x
	    ORDER BY x.id DESC LIMIT 1), repeat('0', 64))
	ORDER BY 1
$f$;

INSERT INTO param (nom, valeur, motif, description) VALUES
    ('anteriorite_plans_jours', '300', '^[0-9]+$',
	'A4 : antériorité des plans transmis ; un plan absent du flux dont la prise en charge a fini depuis plus longtemps est « hors antériorité »'),
    ('echeance_prestations_jours', '90', '^[0-9]+$',
	'F13 : prestations arrivant à échéance dans ce nombre de jours'),
    ('revision_prestations_jours', '30', '^[0-9]+$',
	'F14 : révisions et renouvellements depuis ce nombre de jours'),
    ('seuil_taux_correction', '0.20', '^(0|1)(\.[0-9]{1,4})?$',
	'B10 : taux de correction des horodatages d''un SAD au-delà duquel ils sont exclus'),
    ('seuil_alerte_sous_consommation', '0.50', '^(0|1)(\.[0-9]{1,4})?$',
	'F7 : part consommée des CESU ou heures TG en dessous de laquelle une alerte est levée'),
    ('alerte_mois_consecutifs', '3', '^[0-9]+$',
	'F7 : nombre de mois de sous-consommation qui font une sous-consommation récurrente'),
    ('taux_charges_apa', '0.00', '^[0-9]+(\.[0-9]{1,4})?$',
	'H3 : taux des charges sociales CESU pour l''APA'),
    ('taux_charges_pcha', '0.00', '^[0-9]+(\.[0-9]{1,4})?$',
	'H3 : taux des charges sociales CESU pour la PCH aide humaine'),
    ('taux_charges_asl', '0.00', '^[0-9]+(\.[0-9]{1,4})?$',
	'H3 : taux des charges sociales CESU pour l''aide sociale légale'),
    ('tarif_horaire_defaut', '0.00', '^[0-9]+\.[0-9]{2}$',
	'H3, H5 : tarif horaire appliqué quand le plan n''en porte aucun');

CREATE TRIGGER param_audit AFTER INSERT OR UPDATE OR DELETE ON param
    FOR EACH ROW EXECUTE FUNCTION audit_ligne();
CREATE TRIGGER ingestion_audit AFTER INSERT OR UPDATE OR DELETE ON ingestion
    FOR EACH ROW EXECUTE FUNCTION audit_ligne();
CREATE TRIGGER acces_sad_audit AFTER INSERT OR UPDATE OR DELETE ON acces_sad
    FOR EACH ROW EXECUTE FUNCTION audit_ligne();
CREATE TRIGGER acces_agent_audit AFTER INSERT OR UPDATE OR DELETE ON acces_agent
    FOR EACH ROW EXECUTE FUNCTION audit_ligne();
CREATE TRIGGER param_tete AFTER INSERT OR UPDATE OR DELETE ON param
    FOR EACH STATEMENT EXECUTE FUNCTION audit_tete_maj();
CREATE TRIGGER ingestion_tete AFTER INSERT OR UPDATE OR DELETE ON ingestion
    FOR EACH STATEMENT EXECUTE FUNCTION audit_tete_maj();
CREATE TRIGGER acces_sad_tete AFTER INSERT OR UPDATE OR DELETE ON acces_sad
    FOR EACH STATEMENT EXECUTE FUNCTION audit_tete_maj();
CREATE TRIGGER acces_agent_tete AFTER INSERT OR UPDATE OR DELETE ON acces_agent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_tete_maj();

-- Wires a table: audit (one audit row per updated or deleted row, one per
-- insert statement, with the range of ids when audit is 'id'), row-level
-- security forced on the owner too, the owner's and the loader's policies.
CREATE FUNCTION brancher(t text, audit text) RETURNS void
LANGUAGE plpgsql AS $f$
BEGIN
	IF audit <> 'aucun' THEN
		EXECUTE format('CREATE TRIGGER %I AFTER UPDATE OR DELETE ON %I '
		    'FOR EACH ROW EXECUTE FUNCTION audit_ligne()', t || '_audit', t);
		EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I '
		    'REFERENCING NEW TABLE AS nouvelles FOR EACH STATEMENT '
		    'EXECUTE FUNCTION audit_insertion(%L)', t || '_audit_ins', t,
		    audit);
		EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE '
		    'ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_tete_maj()',
		    t || '_tete', t);
	END IF;
	EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
	EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
	EXECUTE format('CREATE POLICY proprietaire ON %I TO cesutg_owner '
	    'USING (true) WITH CHECK (true)', t);
	EXECUTE format('CREATE POLICY chargeur ON %I TO cesutg_loader '
	    'USING (true) WITH CHECK (true)', t);
END
$f$;

SELECT brancher(t, CASE WHEN t = 'plan' THEN 'id' WHEN t IN ('sad',
    'beneficiaire', 'tuteur', 'evenement') THEN 'cle' ELSE 'aucun' END)
FROM unnest(ARRAY['ingestion', 'param', 'sad', 'beneficiaire', 'tuteur',
    'evenement', 'plan', 'acces_sad', 'acces_agent', 'version_schema',
    'audit', 'audit_tete', 'pseudo_sel']) t;

GRANT SELECT, INSERT, UPDATE ON ingestion, sad, beneficiaire, tuteur,
    evenement, plan TO cesutg_loader;
GRANT SELECT ON param, version_schema TO cesutg_loader;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA cesutg TO cesutg_loader;
GRANT SELECT ON sad, beneficiaire, plan TO cesutg_sad;
GRANT SELECT ON ingestion, param, sad, beneficiaire, tuteur, evenement, plan
    TO cesutg_agent;
GRANT SELECT ON version_schema TO cesutg_sad, cesutg_agent, cesutg_analyste;
GRANT SELECT ON acces_sad TO cesutg_sad;
GRANT SELECT ON acces_agent TO cesutg_agent;
REVOKE EXECUTE ON FUNCTION audit_ecrire(text, text, jsonb, jsonb) FROM PUBLIC;

-- Access is keyed on current_user only, never on a settable variable.
CREATE POLICY soi ON acces_sad FOR SELECT TO cesutg_sad
    USING (role = current_user);
CREATE POLICY soi ON acces_agent FOR SELECT TO cesutg_agent
    USING (role = current_user);
CREATE POLICY sad ON plan FOR SELECT TO cesutg_sad
    USING (code_tiers_salsa IN (SELECT code_sad FROM acces_sad
	WHERE role = current_user));
CREATE POLICY sad ON sad FOR SELECT TO cesutg_sad
    USING (code IN (SELECT code_sad FROM acces_sad
	WHERE role = current_user));
CREATE POLICY sad ON beneficiaire FOR SELECT TO cesutg_sad
    USING (EXISTS (SELECT 1 FROM plan p
	WHERE p.identifiant_beneficiaire_salsa = beneficiaire.identifiant_salsa));

CREATE POLICY agent ON plan FOR SELECT TO cesutg_agent
    USING (module IN (SELECT aide FROM acces_agent
	WHERE role = current_user) OR dispositif IN (SELECT aide FROM acces_agent
	WHERE role = current_user));
CREATE POLICY agent ON beneficiaire FOR SELECT TO cesutg_agent
    USING (EXISTS (SELECT 1 FROM plan p
	WHERE p.identifiant_beneficiaire_salsa = beneficiaire.identifiant_salsa));
CREATE POLICY agent ON evenement FOR SELECT TO cesutg_agent
    USING (EXISTS (SELECT 1 FROM plan p
	WHERE p.identifiant_beneficiaire_salsa = evenement.identifiant_beneficiaire_salsa));
CREATE POLICY agent ON tuteur FOR SELECT TO cesutg_agent
    USING (EXISTS (SELECT 1 FROM plan p
	WHERE p.identifiant_tuteur = tuteur.identifiant));
CREATE POLICY agent ON sad FOR SELECT TO cesutg_agent
    USING (EXISTS (SELECT aide FROM acces_agent
	WHERE role = current_user));
CREATE POLICY agent ON ingestion FOR SELECT TO cesutg_agent
    USING (EXISTS (SELECT aide FROM acces_agent
	WHERE role = current_user));
CREATE POLICY agent ON param FOR SELECT TO cesutg_agent USING (true);
CREATE POLICY lecture ON param FOR SELECT TO cesutg_loader USING (true);
CREATE POLICY lecture ON version_schema FOR SELECT
    TO cesutg_sad, cesutg_agent, cesutg_analyste USING (true);

-- Pseudonymised views for analysts: no name, address, phone or birth date;
-- identifiers replaced by a keyed digest whose key only the owner reads.
CREATE FUNCTION pseudonyme(v text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = cesutg AS $f$
	SELECT CASE WHEN v IS NULL THEN NULL ELSE substr(encode(sha256(
	    convert_to(sel || '|' || v, 'UTF8')), 'hex'), 1, 16) END FROM pseudo_sel
$f$;

CREATE VIEW pseudo.beneficiaire AS
	SELECT pseudonyme(identifiant_salsa) AS beneficiaire, gir, code_postal,
	    extract(year FROM date_naissance)::int AS annee_naissance
	FROM beneficiaire;
CREATE VIEW pseudo.plan AS
	SELECT id, pseudonyme(identifiant_beneficiaire_salsa) AS beneficiaire,
	    code_tiers_salsa, module, dispositif, code_financier,
	    index_demande_salsa, index_prestation_salsa, date_debut_droit,
	    date_fin_droit, date_debut_prise_en_charge, date_fin_prise_en_charge,
	    quantite_prise_en_charge, quantite_totale, montant_participation,
	    pourcentage_ticket, derogation, montant_depassement,
	    montant_financier, cout_total_prestation, code_nomenclature,
	    periodicite, mode_gestion, gir, code_postal, type_attributaire_paiement,
	    type_evenement, date_debut_evenement, date_fin_evenement,
	    valide_du, valide_au, motif_fin
	FROM plan;
GRANT SELECT ON pseudo.beneficiaire, pseudo.plan TO cesutg_analyste;
