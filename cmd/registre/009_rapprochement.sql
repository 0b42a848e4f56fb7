-- registre: matching the SADs' clients to the Département's beneficiaries
-- (B3): by the SALSA id when the SAD gives it, else by normalised name,
-- first name and birth date, then by trigram similarity on the same birth
-- date. One row per client, computed, or decided by an agent.

CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

SET LOCAL ROLE cesutg_owner;
SET LOCAL search_path = cesutg;

CREATE TABLE rapprochement (
	code_sad text NOT NULL,
	identifiant_client text NOT NULL,
	-- The link, or the best candidate proposed to the agent.
	identifiant_beneficiaire_salsa text,
	statut text NOT NULL CHECK (statut IN ('automatique', 'a_confirmer',
	    'non_rapproche', 'confirme', 'rejete')),
	methode text CHECK (methode IN ('identifiant', 'nom', 'similarite',
	    'agent')),
	similarite numeric(4,3),
	candidats text[] NOT NULL DEFAULT '{}',
	motif text NOT NULL,
	client bigint NOT NULL,	-- the client version it was computed from
	modifie_par text NOT NULL DEFAULT session_user,
	modifie_le timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (code_sad, identifiant_client),
	CHECK (statut IN ('non_rapproche', 'rejete') OR
	    identifiant_beneficiaire_salsa IS NOT NULL)
);
CREATE INDEX rapprochement_beneficiaire ON rapprochement
    (identifiant_beneficiaire_salsa);
CREATE INDEX rapprochement_statut ON rapprochement (statut);

INSERT INTO param (nom, valeur, motif, description) VALUES
    ('seuil_similarite_nom', '0.45', '^(0|1)(\.[0-9]{1,3})?$',
	'B3 : similarité (trigrammes, pg_trgm) des nom et prénom normalisés, à même date de naissance, en dessous de laquelle un bénéficiaire n''est pas candidat au rapprochement d''un client'),
    ('seuil_similarite_automatique', '0.80', '^(0|1)(\.[0-9]{1,3})?$',
	'B3 : similarité à partir de laquelle un candidat unique est rapproché automatiquement ; en dessous, le rapprochement est à confirmer');

-- A name or first name as written, reduced to lower-case ASCII words
-- without doubled letters: accents, case, hyphens, apostrophes, other
-- signs and doubled letters do not count. Plain SQL expressions (no SET
-- clause) so that the planner inlines them; STABLE as unaccent is, else
-- it would not be inlined.
CREATE FUNCTION rapprochement_forme(s text) RETURNS text
LANGUAGE sql STABLE STRICT AS $f$
	SELECT regexp_replace(btrim(regexp_replace(lower(public.unaccent(
	    'public.unaccent'::regdictionary, s)), '[^a-z]+', ' ', 'g')),
	    '(.)\1+', '\1', 'g')
$f$;

-- The key of a name's form: its words joined; without its particles (de,
-- du, des, d', le, la, les, l') unless keep_particles or nothing else is
-- left. Nested replace() is several times faster than a regular expression.
CREATE FUNCTION rapprochement_cle(f text, keep_particles boolean)
RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $f$
	SELECT nullif(replace(CASE WHEN keep_particles THEN f
	    ELSE coalesce(nullif(btrim(replace(replace(replace(replace(replace(
	    replace(replace(replace(' ' || f || ' ', ' de ', ' '), ' du ', ' '),
	    ' des ', ' '), ' d ', ' '), ' le ', ' '), ' la ', ' '), ' les ', ' '),
	    ' l ', ' ')), ''), f) END, ' ', ''), '')
$f$;

-- The first of several first names, from its form.
CREATE FUNCTION rapprochement_prenom(f text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $f$
	SELECT nullif(split_part(f, ' ', 1), '')
$f$;

-- Every key a person's names give (forms of the usage and birth names),
-- with and without particles, in this order.
CREATE FUNCTION rapprochement_cles(nom text, naissance text) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $f$
	SELECT ARRAY[rapprochement_cle(nom, true), rapprochement_cle(nom, false),
	    rapprochement_cle(naissance, true),
	    rapprochement_cle(naissance, false)]
$f$;

-- Computes the link of every current client the Département funds, except
-- those an agent decided (confirme, rejete). Writes only what changed, so a
-- second run changes nothing. Returns the number of rows written.
-- sads: the télégestion codes of a clients file, whose clients alone are
-- recomputed (a daily file costs its own clients, not the ledger's); NULL
-- for all (a plans load, a threshold changed).
CREATE FUNCTION rapprochement_calculer(sads text[] DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg, public AS $f$
DECLARE
	s_cand numeric := (SELECT valeur::numeric FROM param
	    WHERE nom = 'seuil_similarite_nom');
	s_auto numeric := (SELECT valeur::numeric FROM param
	    WHERE nom = 'seuil_similarite_automatique');
	n bigint;
	m bigint;
BEGIN
	PERFORM verrouiller('rapprochement');
	DROP TABLE IF EXISTS pg_temp.rb, pg_temp.rc, pg_temp.rk, pg_temp.rr;
	CREATE TEMP TABLE rc ON COMMIT DROP AS
	SELECT c.client, c.code_sad, c.identifiant_client, c.donne, c.sad,
	    c.date_naissance, c.cles, c.prenom,
	    c.cles[2] || ' ' || c.prenom AS ident,
	    c.cles[4] || ' ' || c.prenom AS ident_naissance
	FROM (SELECT c.*, rapprochement_cles(c.nom, c.naissance) AS cles
	FROM (SELECT c.id AS client, c.code_sad, c.identifiant_client,
	    c.identifiant_beneficiaire_salsa AS donne,
	    coalesce(g.sad, c.code_sad) AS sad, c.date_naissance,
	    rapprochement_forme(c.nom) AS nom,
	    rapprochement_forme(c.nom_naissance) AS naissance,
	    coalesce(rapprochement_prenom(rapprochement_forme(c.prenoms)), '')
	    AS prenom
	FROM client c LEFT JOIN sad_tg g ON g.code = c.code_sad
	WHERE c.valide_au IS NULL AND c.beneficiaire_departement
	    AND (sads IS NULL OR c.code_sad = ANY (sads))
	    AND NOT EXISTS (SELECT 1 FROM rapprochement r
	    WHERE r.code_sad = c.code_sad
	    AND r.identifiant_client = c.identifiant_client
	    AND r.statut IN ('confirme', 'rejete')) OFFSET 0) c OFFSET 0) c;

	CREATE TEMP TABLE rb ON COMMIT DROP AS
	SELECT b.id, b.date_naissance, b.cles, b.prenom,
	    b.cles[2] || ' ' || b.prenom AS ident,
	    b.cles[4] || ' ' || b.prenom AS ident_naissance, b.sads
	FROM (SELECT b.*, rapprochement_cles(b.nom, b.naissance) AS cles
	FROM (SELECT identifiant_salsa AS id, date_naissance,
	    rapprochement_forme(nom) AS nom,
	    rapprochement_forme(nom_naissance) AS naissance,
	    coalesce(rapprochement_prenom(rapprochement_forme(prenom)), '')
	    AS prenom, (SELECT array_agg(DISTINCT p.code_tiers_salsa) FROM plan p
	    WHERE p.identifiant_beneficiaire_salsa = b.identifiant_salsa
	    AND p.valide_au IS NULL) AS sads
	FROM beneficiaire b
	WHERE b.date_naissance IN (SELECT date_naissance FROM rc)
	    OR b.identifiant_salsa IN (SELECT donne FROM rc)
	OFFSET 0) b OFFSET 0) b;
	CREATE INDEX ON rb (date_naissance);
	ANALYZE rb;

	-- Every beneficiary of the same birth date is a candidate, scored.
	CREATE TEMP TABLE rk ON COMMIT DROP AS
	SELECT c.client, b.id, c.cles && b.cles AND c.prenom = b.prenom AS exact,
	    greatest(similarity(c.ident, b.ident),
	    similarity(c.ident, b.ident_naissance),
	    similarity(c.ident_naissance, b.ident),
	    similarity(c.ident_naissance, b.ident_naissance))::numeric(4,3)
	    AS sim, coalesce(c.sad = ANY (b.sads), false) AS chez_sad,
	    coalesce(c.cles[2] = b.cles[2] AND c.prenom = b.prenom, false)
	    AS meme_nom
	FROM rc c JOIN rb b ON b.date_naissance = c.date_naissance;

	CREATE TEMP TABLE rr ON COMMIT DROP AS
	WITH v AS (
		-- Candidates worth showing: exact, else similar enough.
		SELECT k.*, bool_or(k.exact) OVER w AS un_exact,
		    count(*) FILTER (WHERE k.exact) OVER w AS n_exact,
		    count(*) FILTER (WHERE k.exact AND k.chez_sad) OVER w
		    AS n_exact_sad
		FROM rk k WHERE k.exact OR k.sim >= s_cand
		WINDOW w AS (PARTITION BY k.client)
	), w AS (
		SELECT v.client, array_agg(v.id ORDER BY v.exact DESC,
		    v.chez_sad DESC, v.meme_nom DESC, v.sim DESC, v.id)
		    FILTER (WHERE v.exact OR NOT v.un_exact) AS ids,
		    (array_agg(v.sim ORDER BY v.exact DESC, v.chez_sad DESC,
		    v.meme_nom DESC, v.sim DESC, v.id) FILTER (WHERE v.exact
		    OR NOT v.un_exact))[1] AS sim,
		    max(v.n_exact) AS n_exact, max(v.n_exact_sad) AS n_exact_sad
		FROM v GROUP BY v.client
	)
	SELECT c.client, c.code_sad, c.identifiant_client, r.*
	FROM rc c
	LEFT JOIN rb g ON g.id = c.donne
	LEFT JOIN rk gk ON gk.client = c.client AND gk.id = c.donne
	LEFT JOIN w ON w.client = c.client
	CROSS JOIN LATERAL (SELECT * FROM (VALUES
	    -- The SALSA id given, confirmed by the birth date or the name. (A
	    -- client whose id no plan names is rejected by registre load.)
	    (c.donne IS NOT NULL AND g.id IS NOT NULL AND (gk.id IS NOT NULL
	    OR c.cles && g.cles OR similarity(c.ident, g.ident) >= s_cand),
	    c.donne, 'automatique', 'identifiant',
	    coalesce(gk.sim, similarity(c.ident, g.ident)::numeric(4,3)),
	    ARRAY[c.donne], 'identifiant SALSA donné par le SAD'),
	    -- Else the id given is proposed first, then the candidates by
	    -- name: the SAD may have mistyped the id.
	    (c.donne IS NOT NULL AND g.id IS NOT NULL, c.donne, 'a_confirmer',
	    'identifiant', similarity(c.ident, g.ident)::numeric(4,3),
	    ARRAY[c.donne] || array_remove(coalesce(w.ids, '{}'), c.donne),
	    'identifiant SALSA donné par le SAD mais ni le nom ni la date de '
	    'naissance ne sont ceux du bénéficiaire'),
	    (w.n_exact = 1, w.ids[1], 'automatique', 'nom', w.sim, w.ids,
	    'nom et prénom normalisés et date de naissance '
	    'identiques'),
	    (w.n_exact_sad = 1, w.ids[1], 'automatique', 'nom', w.sim, w.ids,
	    'nom et prénom normalisés et date de naissance '
	    'identiques ; le seul des homonymes pris en charge par ce SAD'),
	    (w.n_exact > 1, w.ids[1], 'a_confirmer', 'nom', w.sim, w.ids,
	    'plusieurs bénéficiaires de mêmes nom et prénom normalisés et '
	    'date de naissance'),
	    (cardinality(w.ids) = 1 AND w.sim >= s_auto, w.ids[1],
	    'automatique', 'similarite', w.sim, w.ids,
	    'nom proche et même date de naissance'),
	    (cardinality(w.ids) > 1, w.ids[1], 'a_confirmer', 'similarite',
	    w.sim, w.ids, 'plusieurs bénéficiaires de nom proche et de même '
	    'date de naissance'),
	    (w.ids IS NOT NULL, w.ids[1], 'a_confirmer', 'similarite', w.sim,
	    w.ids, 'nom peu semblable et même date de naissance'),
	    (true, NULL, 'non_rapproche', NULL, NULL, '{}',
	    'aucun bénéficiaire de même date de naissance et de nom proche'))
	    t (si, id, statut, methode, sim, candidats, motif)
	    WHERE t.si LIMIT 1) r (si, identifiant_beneficiaire_salsa, statut,
	    methode, similarite, candidats, motif);

	INSERT INTO rapprochement (code_sad, identifiant_client,
	    identifiant_beneficiaire_salsa, statut, methode, similarite,
	    candidats, motif, client)
	SELECT r.code_sad, r.identifiant_client,
	    r.identifiant_beneficiaire_salsa, r.statut, r.methode,
	    r.similarite, r.candidats, r.motif, r.client
	FROM rr r WHERE NOT EXISTS (SELECT 1 FROM rapprochement x
	    WHERE x.code_sad = r.code_sad
	    AND x.identifiant_client = r.identifiant_client);
	GET DIAGNOSTICS n = ROW_COUNT;
	UPDATE rapprochement x SET identifiant_beneficiaire_salsa =
	    r.identifiant_beneficiaire_salsa, statut = r.statut,
	    methode = r.methode, similarite = r.similarite,
	    candidats = r.candidats, motif = r.motif, client = r.client,
	    modifie_par = session_user, modifie_le = now()
	FROM rr r WHERE x.code_sad = r.code_sad
	    AND x.identifiant_client = r.identifiant_client
	    AND x.statut NOT IN ('confirme', 'rejete')
	    AND (x.identifiant_beneficiaire_salsa, x.statut, x.methode,
	    x.similarite, x.candidats, x.motif, x.client) IS DISTINCT FROM
	    (r.identifiant_beneficiaire_salsa, r.statut, r.methode,
	    r.similarite, r.candidats, r.motif, r.client);
	GET DIAGNOSTICS m = ROW_COUNT;
	n := n + m;
	-- A client no longer said funded loses its computed link.
	DELETE FROM rapprochement x
	WHERE x.statut NOT IN ('confirme', 'rejete')
	    AND (sads IS NULL OR x.code_sad = ANY (sads)) AND NOT EXISTS (SELECT 1
	    FROM rr r WHERE r.code_sad = x.code_sad
	    AND r.identifiant_client = x.identifiant_client);
	GET DIAGNOSTICS m = ROW_COUNT;
	RETURN n + m;
END
$f$;

-- An agent's decision on one client: confirme (with the beneficiary) or
-- rejete. Reserved to the owner and to agents holding TG; audited as any
-- change of the table, under the agent's session user.
CREATE FUNCTION rapprochement_decider(sad text, cli text, benef text,
    decision text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg, public AS $f$
DECLARE
	c client;
BEGIN
	IF NOT (pg_has_role(session_user, 'cesutg_owner', 'USAGE') OR
	    EXISTS (SELECT 1 FROM acces_agent WHERE role = session_user
	    AND aide = 'TG')) THEN
		RAISE EXCEPTION 'réservé aux agents qui ont l''aide TG'
		    USING ERRCODE = '42501';
	END IF;
	SELECT * INTO c FROM client WHERE code_sad = sad
	    AND identifiant_client = cli AND valide_au IS NULL;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'client % inconnu du SAD %', cli, sad
		    USING ERRCODE = '22023';
	END IF;
	IF decision = 'confirme' AND NOT EXISTS (SELECT 1 FROM beneficiaire
	    WHERE identifiant_salsa = benef) THEN
		RAISE EXCEPTION 'bénéficiaire % inconnu des plans d''aide', benef
		    USING ERRCODE = '22023';
	END IF;
	INSERT INTO rapprochement AS x (code_sad, identifiant_client,
	    identifiant_beneficiaire_salsa, statut, methode, candidats, motif,
	    client)
	VALUES (sad, cli, benef, decision, 'agent', '{}', CASE decision
	    WHEN 'confirme' THEN 'confirmé par ' || session_user
	    ELSE 'rejeté par ' || session_user END, c.id)
	ON CONFLICT (code_sad, identifiant_client) DO UPDATE SET
	    identifiant_beneficiaire_salsa = EXCLUDED.identifiant_beneficiaire_salsa,
	    statut = EXCLUDED.statut, methode = 'agent',
	    motif = EXCLUDED.motif, client = EXCLUDED.client,
	    modifie_par = session_user, modifie_le = now()
	WHERE (x.identifiant_beneficiaire_salsa, x.statut) IS DISTINCT FROM
	    (EXCLUDED.identifiant_beneficiaire_salsa, EXCLUDED.statut);
END
$f$;

SELECT brancher('rapprochement', 'cle');
GRANT SELECT ON rapprochement TO cesutg_loader, cesutg_sad, cesutg_agent;
REVOKE EXECUTE ON FUNCTION rapprochement_calculer(text[]),
    rapprochement_decider(text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rapprochement_calculer(text[]) TO cesutg_loader,
    cesutg_agent;
GRANT EXECUTE ON FUNCTION rapprochement_decider(text, text, text, text)
    TO cesutg_agent;

-- A SAD reads the links of the clients sent under its code tiers or one of
-- its télégestion codes; agents holding TG read them all.
CREATE POLICY sad ON rapprochement FOR SELECT TO cesutg_sad
    USING (code_sad IN (SELECT code_sad FROM acces_sad
	WHERE role = current_user) OR code_sad IN (SELECT g.code
	FROM sad_tg g JOIN acces_sad a ON a.code_sad = g.sad
	WHERE a.role = current_user));
CREATE POLICY agent ON rapprochement FOR SELECT TO cesutg_agent
    USING ('TG' IN (SELECT aide FROM acces_agent WHERE role = current_user));

-- The beneficiary of each current client, for the visit checks: the links
-- computed (automatique) or confirmed by an agent. Read with the caller's
-- rights, so row-level security applies.
CREATE OR REPLACE VIEW client_rapproche WITH (security_invoker = true) AS
	SELECT r.code_sad::text AS code_sad,
	    r.identifiant_client::text AS identifiant_client,
	    r.identifiant_beneficiaire_salsa::text AS identifiant_beneficiaire_salsa
	FROM rapprochement r
	JOIN client c ON c.code_sad = r.code_sad
	    AND c.identifiant_client = r.identifiant_client
	    AND c.valide_au IS NULL
	WHERE r.statut IN ('automatique', 'confirme');
GRANT SELECT ON client_rapproche TO cesutg_loader, cesutg_sad, cesutg_agent;
