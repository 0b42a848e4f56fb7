-- registre, migration 7 (hardening): locks no SAD role can take, an audit
-- that asserts the data it traces and cannot be silenced by emptying it,
-- analyst roles recorded so that import recreates them, the pseudonym
-- function kept to its owner, and values bounded by the wire formats.

SET LOCAL ROLE cesutg_owner;
SET LOCAL search_path = cesutg;

-- One row per load kind, locked FOR UPDATE for the length of a load: a row
-- lock needs UPDATE on the table, which only the loader holds (an advisory
-- lock is open to every login).
CREATE TABLE verrou (
	nom text PRIMARY KEY
);
SELECT brancher('verrou', 'aucun');
GRANT SELECT, INSERT, UPDATE ON verrou TO cesutg_loader;

-- The same row lock for the computations agents run (visit checks,
-- pre-invoices, matching, CESU file numbers): granted to the loader and the
-- agents, never to a SAD role.
CREATE FUNCTION verrouiller(n text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg AS $f$
BEGIN
	INSERT INTO verrou (nom) VALUES (n) ON CONFLICT DO NOTHING;
	PERFORM 1 FROM verrou WHERE nom = n FOR UPDATE;
END
$f$;
REVOKE EXECUTE ON FUNCTION verrouiller(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION verrouiller(text) TO cesutg_loader, cesutg_agent;

-- sad_tg is reference data that `sad set --tg` rewrites (a code deleted,
-- then added again): traced row by row like acces_sad, since the digest of
-- an insert statement cannot follow a key through a delete and a re-insert.
DROP TRIGGER sad_tg_audit_ins ON sad_tg;
DROP TRIGGER sad_tg_audit ON sad_tg;
CREATE TRIGGER sad_tg_audit AFTER INSERT OR UPDATE OR DELETE ON sad_tg
    FOR EACH ROW EXECUTE FUNCTION audit_ligne();

-- Analysts are declared like SADs and agents, so that import recreates them.
CREATE TABLE acces_analyste (
	role name PRIMARY KEY
);
SELECT brancher('acces_analyste', 'aucun');
CREATE TRIGGER acces_analyste_audit AFTER INSERT OR UPDATE OR DELETE
    ON acces_analyste FOR EACH ROW EXECUTE FUNCTION audit_ligne();
CREATE TRIGGER acces_analyste_tete AFTER INSERT OR UPDATE OR DELETE
    ON acces_analyste FOR EACH STATEMENT EXECUTE FUNCTION audit_tete_maj();
INSERT INTO acces_analyste (role)
SELECT r.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
JOIN pg_roles r ON r.oid = m.member WHERE g.rolname = 'cesutg_analyste'
    AND EXISTS (SELECT 1 FROM ingestion)	-- roles are the cluster's
ON CONFLICT DO NOTHING;

-- Images are written in UTC, whatever the session's time zone, so that the
-- image of a row reads the same at every verification.
ALTER FUNCTION audit_ligne() SET TimeZone = 'UTC';

-- Writers are serialised by a lock on the head's row: only the owner may
-- take it (it was an advisory lock any login could hold forever).
CREATE OR REPLACE FUNCTION audit_ecrire(t text, op text, o jsonb, n jsonb)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg AS $f$
DECLARE
	a audit;
	d audit;
BEGIN
	PERFORM 1 FROM audit_tete FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'tête du journal d''audit absente : lancez registre audit verify';
	END IF;
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

-- The head is kept like the audit: never deleted, never moved back.
CREATE TRIGGER audit_tete_garde BEFORE DELETE OR TRUNCATE ON audit_tete
    FOR EACH STATEMENT EXECUTE FUNCTION audit_interdit();
CREATE TRIGGER audit_tete_recul BEFORE UPDATE ON audit_tete
    FOR EACH ROW WHEN (NEW.n < OLD.n) EXECUTE FUNCTION audit_interdit();

-- What a bulk insert asserts of its rows: their number and the sum of a
-- 240-bit digest of each (SHA-256 cut in four 60-bit words, weighted),
-- taken over the row's text form (the fast one; a JSON image costs ten
-- times more) without its trailing empty fields, so that a column added
-- later, null in older rows, changes no digest. A sum does not depend on
-- the order of the rows: verification recomputes it. Dates and instants
-- are written ISO, in UTC, by the functions that call this one (their SET
-- clauses).
CREATE FUNCTION audit_condense(ligne text) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE STRICT AS $f$
DECLARE
	h text := encode(sha256(convert_to(rtrim(ligne, ',)'), 'UTF8')), 'hex');
BEGIN
	RETURN ((('x' || substr(h, 1, 15))::bit(60)::bigint::numeric *
	    1152921504606846976 + ('x' || substr(h, 16, 15))::bit(60)::bigint) *
	    1152921504606846976 + ('x' || substr(h, 31, 15))::bit(60)::bigint) *
	    1152921504606846976 + ('x' || substr(h, 46, 15))::bit(60)::bigint;
END
$f$;

CREATE OR REPLACE FUNCTION audit_insertion() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg
SET TimeZone = 'UTC' SET DateStyle = 'ISO, YMD' SET IntervalStyle = 'postgres'
AS $f$
DECLARE
	o jsonb;
BEGIN
	IF TG_ARGV[0] = 'id' THEN
		EXECUTE 'SELECT jsonb_build_object(''lignes'', count(*), '
		    '''premier_id'', min(id), ''dernier_id'', max(id), '
		    '''somme'', coalesce(sum(audit_condense(n::text)), 0)) '
		    'FROM nouvelles n' INTO o;
	ELSE
		EXECUTE 'SELECT jsonb_build_object(''lignes'', count(*), '
		    '''somme'', coalesce(sum(audit_condense(n::text)), 0)) '
		    'FROM nouvelles n' INTO o;
	END IF;
	IF (o->>'lignes')::bigint > 0 THEN
		PERFORM audit_ecrire(TG_TABLE_NAME, 'INSERT', NULL, o);
	END IF;
	RETURN NULL;
END
$f$;

-- Audited tables: 'ligne' when every insert is traced row by row, 'masse'
-- when inserts are traced per statement; the primary key as an expression
-- over an image j (cle), and as a join of an image e.j to a row x (egal).
CREATE FUNCTION audit_tables() RETURNS TABLE (t text, mode text, cle text,
    egal text)
LANGUAGE sql STABLE SET search_path = cesutg AS $f$
	SELECT c.relname::text,
	    CASE WHEN EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid
		AND g.tgname = c.relname || '_audit_ins') THEN 'masse'
		ELSE 'ligne' END,
	    'jsonb_build_object(' || string_agg(format('%L, j->%L', a.attname,
		a.attname), ', ' ORDER BY k.n) || ')',
	    string_agg(format('x.%I = (e.j->>%L)::%s', a.attname, a.attname,
		format_type(a.atttypid, a.atttypmod)), ' AND ' ORDER BY k.n)
	FROM pg_class c
	JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
	CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY k (att, n)
	JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.att
	WHERE c.relnamespace = 'cesutg'::regnamespace AND c.relkind = 'r'
	    AND EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid
		AND g.tgname = c.relname || '_audit')
	GROUP BY c.oid, c.relname
	ORDER BY 1
$f$;

-- The state the chain starts from for the rows already there: one image
-- per row of a table traced row by row, the number and sum of the rows of
-- a table traced per statement. Operation 'ETAT'.
DO $$
DECLARE
	r record;
	j jsonb;
BEGIN
	SET LOCAL TimeZone = 'UTC';
	SET LOCAL DateStyle = 'ISO, YMD';
	SET LOCAL IntervalStyle = 'postgres';
	FOR r IN SELECT * FROM audit_tables() LOOP
		IF r.mode = 'ligne' THEN
			FOR j IN EXECUTE format('SELECT to_jsonb(x) FROM %I x '
			    'ORDER BY 1', r.t) LOOP
				PERFORM audit_ecrire(r.t, 'ETAT', NULL, j);
			END LOOP;
		ELSE
			EXECUTE format('SELECT jsonb_build_object(''lignes'', '
			    'count(*), ''somme'', coalesce(sum(audit_condense('
			    'x::text)), 0)) FROM %I x', r.t) INTO j;
			PERFORM audit_ecrire(r.t, 'ETAT', NULL, j);
		END IF;
	END LOOP;
	UPDATE audit_tete SET n = d.id, empreinte = d.empreinte
	FROM (SELECT id, empreinte FROM audit ORDER BY id DESC LIMIT 1) d;
END $$;

-- The data against what the audit asserts of it, table by table:
-- the last image of a row is the row as it stands (or absent after a
-- DELETE); a table traced row by row has no row without an image; in a
-- table traced per statement, the digests of the rows as inserted (the
-- image before their first change, else the row) add up to the sums the
-- inserts recorded since its 'ETAT'.
CREATE FUNCTION audit_donnees() RETURNS TABLE (id bigint, probleme text)
LANGUAGE plpgsql STABLE SET search_path = cesutg SET TimeZone = 'UTC'
SET DateStyle = 'ISO, YMD' SET IntervalStyle = 'postgres'
SET work_mem = '256MB' AS $f$
DECLARE
	r record;
	base bigint;
	attendu numeric;
	obtenu numeric;
BEGIN
	FOR r IN SELECT * FROM audit_tables() LOOP
		-- Last image of each row that has one, against the row; both in
		-- text form, the cheap one.
		RETURN QUERY EXECUTE format($q$
		    WITH e AS (
			SELECT DISTINCT ON (c) a.id, a.operation, a.nouveau, c, j
			FROM audit a, LATERAL (SELECT coalesce(a.nouveau, a.ancien)
			    AS j) x, LATERAL (SELECT %1$s AS c) y
			WHERE a.table_nom = %2$L AND (a.operation IN ('UPDATE',
			    'DELETE') OR %3$L = 'ligne')
			    -- a table traced per statement: its latest 'ETAT'
			    -- supersedes the images before it (a later migration
			    -- may have added columns to the rows they show)
			    AND (%3$L = 'ligne' OR a.id > (SELECT coalesce(max(b.id),
				0) FROM audit b WHERE b.table_nom = %2$L
				AND b.operation = 'ETAT'))
			ORDER BY c, a.id DESC
		    )
		    SELECT e.id, %2$L || ' ' || e.c::text || CASE
			WHEN x.ctid IS NULL THEN ' : ligne absente, sans suppression tracée'
			WHEN e.operation = 'DELETE' THEN ' : ligne supprimée selon l''audit, encore présente'
			ELSE ' : valeurs différentes de sa dernière image d''audit' END
		    FROM e LEFT JOIN %2$I x ON %4$s
		    WHERE (x.ctid IS NULL) <> (e.operation = 'DELETE')
			OR (e.operation <> 'DELETE' AND rtrim(jsonb_populate_record(
			NULL::%2$I, e.nouveau)::text, ',)') <> rtrim(x::text, ',)'))
		    $q$, r.cle, r.t, r.mode, r.egal);
		IF r.mode = 'ligne' THEN
			RETURN QUERY EXECUTE format($q$
			    SELECT NULL::bigint, %1$L || ' ' || c::text ||
				' : ligne sans trace dans l''audit'
			    FROM (SELECT to_jsonb(x) AS j FROM %1$I x) x,
				LATERAL (SELECT %2$s AS c) y
			    WHERE NOT EXISTS (SELECT 1 FROM audit a,
				LATERAL (SELECT a.nouveau AS j) z,
				LATERAL (SELECT %2$s AS c) w
				WHERE a.table_nom = %1$L AND a.operation <> 'DELETE'
				AND w.c = y.c)
			    $q$, r.t, r.cle);
			CONTINUE;
		END IF;
		SELECT coalesce(max(a.id), 0) INTO base FROM audit a
		WHERE a.table_nom = r.t AND a.operation = 'ETAT';
		SELECT coalesce(sum((a.nouveau->>'somme')::numeric), 0)
		INTO attendu FROM audit a
		WHERE a.table_nom = r.t AND a.id >= base
		    AND a.operation IN ('INSERT', 'ETAT') AND a.nouveau ? 'somme';
		-- Rows as inserted: before their first change, else as they are.
		EXECUTE format($q$
		    WITH e AS (
			SELECT DISTINCT ON (c) a.ancien AS j, c
			FROM audit a, LATERAL (SELECT a.ancien AS j) x,
			    LATERAL (SELECT %1$s AS c) y
			WHERE a.table_nom = %2$L AND a.id > %3$s
			    AND a.operation IN ('UPDATE', 'DELETE')
			ORDER BY c, a.id
		    )
		    SELECT coalesce((SELECT sum(audit_condense(x::text))
			FROM %2$I x WHERE NOT EXISTS (SELECT 1 FROM e WHERE %4$s)), 0)
			+ coalesce((SELECT sum(audit_condense(
			jsonb_populate_record(NULL::%2$I, e.j)::text)) FROM e), 0)
		    $q$, r.cle, r.t, base, r.egal) INTO obtenu;
		IF obtenu <> attendu THEN
			id := base;
			probleme := r.t || ' : lignes différentes de ce que les '
			    'insertions tracées depuis l''état ' || base ||
			    ' affirment (lignes ajoutées, supprimées ou modifiées '
			    'hors audit)';
			RETURN NEXT;
		END IF;
	END LOOP;
END
$f$;

-- A head that is missing is a failure, as is one that disagrees with the
-- chain (audit_chaine, migration 1's check); the data must agree with it.
ALTER FUNCTION audit_verifier() RENAME TO audit_chaine;
CREATE FUNCTION audit_verifier() RETURNS TABLE (id bigint, probleme text)
LANGUAGE sql STABLE SET search_path = cesutg AS $f$
	SELECT * FROM audit_chaine()
	UNION ALL
	SELECT 0, 'tête du journal (audit_tete) absente'
	WHERE NOT EXISTS (SELECT 1 FROM audit_tete)
	UNION ALL
	SELECT * FROM audit_donnees()
	ORDER BY 1, 2
$f$;

-- The pseudonym of an id is for the views only: computed inline from the
-- salt the view's owner reads, never by a function a login could call with
-- an id of its choosing.
REVOKE EXECUTE ON FUNCTION pseudonyme(text) FROM PUBLIC;
CREATE FUNCTION pseudo_condense(sel text, v text) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
	SELECT substr(encode(sha256(convert_to(sel || '|' || v, 'UTF8')),
	    'hex'), 1, 16)
$f$;

CREATE OR REPLACE VIEW pseudo.beneficiaire WITH (security_barrier) AS
	SELECT pseudo_condense((SELECT sel FROM pseudo_sel), identifiant_salsa)
	    AS beneficiaire, gir, code_postal,
	    extract(year FROM date_naissance)::int AS annee_naissance
	FROM beneficiaire;
CREATE OR REPLACE VIEW pseudo.plan WITH (security_barrier) AS
	SELECT id, pseudo_condense((SELECT sel FROM pseudo_sel),
	    identifiant_beneficiaire_salsa) AS beneficiaire,
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
CREATE OR REPLACE VIEW pseudo.horodatage WITH (security_barrier) AS
	SELECT id, code_sad, pseudo_condense((SELECT sel FROM pseudo_sel),
	    code_sad || '/' || identifiant_client) AS client,
	    pseudo_condense((SELECT sel FROM pseudo_sel), code_sad || '/' ||
	    identifiant_intervenant) AS intervenant, code_prestation,
	    mode_saisie, arrivee_brute, depart_brut, arrivee_retenue,
	    depart_retenu, minutes_ajoutees, code_correction,
	    duree_retenue_secondes, valide_du, valide_au
	FROM horodatage;

-- A value for a report read in a spreadsheet: control characters written
-- \xHH, and a leading =, +, - or @ (a formula) neutralised by a quote.
CREATE FUNCTION tableur(v text) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
	SELECT CASE WHEN w ~ '^[=+@-]' THEN '''' || w ELSE w END
	FROM (SELECT CASE WHEN v !~ '[\x01-\x1f\x7f-\x9f]' THEN v
	    ELSE (SELECT string_agg(CASE WHEN c ~ '[\x01-\x1f\x7f-\x9f]'
		THEN '\x' || lpad(to_hex(ascii(c)), 2, '0') ELSE c END, ''
		ORDER BY k) FROM regexp_split_to_table(v, '') WITH ORDINALITY
		AS t (c, k)) END AS w) x
$f$;

-- No value longer than its field on the wire: a converter could not have
-- written it (lengths of each flux's --schema). NOT VALID: rows already
-- loaded are not rechecked.
DO $$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT * FROM (VALUES
	('plan', 'code_tiers_salsa', 6), ('plan', 'code_financier', 10),
	('plan', 'identifiant_beneficiaire_portail', 15),
	('plan', 'identifiant_beneficiaire_salsa', 6), ('plan', 'module', 4),
	('plan', 'index_demande_salsa', 6), ('plan', 'index_prestation_salsa', 6),
	('plan', 'code_nomenclature', 3), ('plan', 'periodicite', 2),
	('plan', 'mode_gestion', 1), ('plan', 'civilite_beneficiaire', 5),
	('plan', 'nom_beneficiaire', 30), ('plan', 'prenom_beneficiaire', 60),
	('plan', 'gir', 1), ('plan', 'adresse_1', 50), ('plan', 'adresse_2', 40),
	('plan', 'code_postal', 5), ('plan', 'ville', 40),
	('plan', 'numero_dossier', 6), ('plan', 'telephone', 10),
	('plan', 'telephone_portable', 10),
	('plan', 'type_attributaire_paiement', 1),
	('plan', 'identifiant_evenement', 6), ('plan', 'type_evenement', 2),
	('plan', 'identifiant_tuteur', 6), ('plan', 'civilite_tuteur', 5),
	('plan', 'nom_tuteur', 100), ('plan', 'prenom_tuteur', 60),
	('plan', 'telephone_tuteur', 10),
	('plan', 'complement_destinataire_tuteur', 50),
	('plan', 'adresse_1_tuteur', 50), ('plan', 'adresse_2_tuteur', 40),
	('plan', 'code_postal_tuteur', 5), ('plan', 'ville_tuteur', 40),
	('plan', 'code_mode_reglement', 3),
	('plan', 'complement_destinataire_reglement', 50),
	('plan', 'code_type_demande', 3), ('plan', 'code_nature_demande', 3),
	('plan', 'code_tiers_tarif', 6), ('plan', 'modalite_plan_aide', 2000),
	('plan', 'code_secteur_1', 4), ('plan', 'code_secteur_2', 4),
	('plan', 'code_secteur_3', 4), ('plan', 'code_contexte_familial', 2),
	('plan', 'code_situation_familiale', 2), ('plan', 'code_type_tutelle', 2),
	('plan', 'interlocuteur_tutelle', 117), ('plan', 'cedex_tuteur', 10),
	('plan', 'nom_naissance_beneficiaire', 30), ('plan', 'cedex', 10),
	('plan', 'travailleur_social', 67), ('plan', 'instructeur', 67),
	('client', 'code_sad', 20), ('intervenant', 'code_sad', 20),
	('horodatage', 'code_sad', 20), ('evenement_sad', 'code_sad', 20),
	('client', 'identifiant_client', 30),
	('client', 'identifiant_beneficiaire_salsa', 6),
	('client', 'civilite', 3), ('client', 'nom', 50),
	('client', 'nom_naissance', 50), ('client', 'prenoms', 100),
	('client', 'adresse_1', 50), ('client', 'adresse_2', 50),
	('client', 'code_postal', 5), ('client', 'ville', 50),
	('client', 'telephone_fixe', 16), ('client', 'telephone_portable', 16),
	('intervenant', 'identifiant_intervenant', 30),
	('intervenant', 'nom', 50), ('intervenant', 'prenom', 50),
	('intervenant', 'statut', 3),
	('intervenant', 'telephone_professionnel', 16),
	('horodatage', 'identifiant_intervention', 30),
	('horodatage', 'identifiant_client', 30),
	('horodatage', 'identifiant_intervenant', 30),
	('horodatage', 'code_prestation', 3), ('horodatage', 'mode_saisie', 3),
	('horodatage', 'numero_appelant', 16),
	('horodatage', 'code_correction', 3),
	('horodatage', 'motif_correction', 200),
	('horodatage', 'auteur_correction', 50),
	('evenement_sad', 'identifiant_evenement', 30),
	('evenement_sad', 'identifiant_client', 30),
	('evenement_sad', 'type_evenement', 3),
	('evenement_sad', 'identifiant_intervenant', 30),
	('evenement_sad', 'commentaire', 200),
	('commande', 'origine_fichier', 30), ('commande', 'code_client', 5),
	('commande', 'raison_sociale', 32),
	('commande', 'reference_commande_externe', 20),
	('commande', 'type_commande', 2), ('commande', 'code_succursale', 3),
	('commande', 'code_carnet', 4), ('commande', 'matricule_salarie', 15),
	('commande', 'civilite', 1), ('commande', 'nom_beneficiaire', 32),
	('commande', 'prenom_beneficiaire', 32), ('commande', 'nom_voie', 27),
	('commande', 'complement_adresse', 38), ('commande', 'lieu_dit', 38),
	('commande', 'code_postal', 5), ('commande', 'bureau_distributeur', 32),
	('commande', 'code_insee', 5), ('commande', 'nom_commune', 32),
	('commande', 'civilite_tuteur', 1), ('commande', 'nom_tuteur', 32),
	('commande', 'prenom_tuteur', 32), ('commande', 'nom_voie_tuteur', 27),
	('commande', 'complement_adresse_tuteur', 38),
	('commande', 'code_postal_tuteur', 5),
	('commande', 'bureau_distributeur_tuteur', 32),
	('commande', 'titre_dematerialise', 1),
	('commande', 'reference_ligne_commande_externe', 20),
	('commande', 'code_mention_1', 3), ('commande', 'code_mention_2', 3),
	('commande', 'mention_libre', 40), ('remboursement', 'code_emetteur', 4),
	('remboursement', 'numero_titre', 15),
	('remboursement', 'reference_commande', 20),
	('remboursement', 'code_carnet', 15),
	('remboursement', 'identifiant_beneficiaire', 15),
	('remboursement', 'code_affilie', 9),
	('remboursement', 'nom_affilie', 38),
	('remboursement', 'type_affilie', 1),
	('remboursement', 'code_produit', 2),
	('charge', 'code_conseil_departemental', 4),
	('charge', 'identifiant_beneficiaire', 32),
	('charge', 'index_prestation', 32), ('charge', 'numero_employeur', 14),
	('charge', 'type_prestation', 1), ('charge', 'nature_mouvement', 1),
	('log_facture', 'type_enregistrement', 1),
	('log_facture', 'numero_facture', 15),
	('log_facture', 'libelle_tiers', 50), ('log_facture', 'type_aide', 10),
	('log_facture', 'facture_integree', 2),
	('log_facture', 'identifiant_beneficiaire_salsa', 6),
	('log_facture', 'nom_beneficiaire', 50),
	('log_facture', 'prenom_beneficiaire', 50),
	('log_facture', 'motif_rejet', 255)
	) v (t, col, n)
	WHERE EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid =
	    format('cesutg.%I', v.t)::regclass AND a.attname = v.col
	    AND NOT a.attisdropped AND a.atttypid = 'text'::regtype) LOOP
		EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK '
		    '(char_length(%I) <= %s) NOT VALID', r.t,
		    left(r.col, 40) || '_' || r.n || '_caracteres_au_plus',
		    r.col, r.n);
	END LOOP;
END $$;
