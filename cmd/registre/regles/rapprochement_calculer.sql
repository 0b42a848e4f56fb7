-- Rule file (migrate.c): the live definition; edit here, never in a migration.
-- Every step reads the ledger by index in the restricted and per-SAD
-- forms (issue 11, cost grows with the file): the clients concerned, their
-- candidates and their links are looked up by key (the array constants of
-- a custom plan, = ANY) and the work tables analysed, so that a daily
-- clients file no longer hashes every beneficiary, form and link.
-- beneficiaires: the SALSA ids of the beneficiaries a load inserted,
-- renamed, moved to another birth date or whose current plans changed;
-- naissances: their birth dates before the load (their current ones are
-- read here). Either non-NULL restricts the computation to the clients of
-- those birth dates or giving those ids (within sads if given too). NULL
-- both: the full computation (sads NULL) or that of the sads' clients.
CREATE OR REPLACE FUNCTION rapprochement_calculer(sads text[], beneficiaires text[],
    naissances date[])
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg, public
SET jit = off AS $f$
DECLARE
	s_cand numeric := (SELECT valeur::numeric FROM param
	    WHERE nom = 'seuil_similarite_nom');
	s_auto numeric := (SELECT valeur::numeric FROM param
	    WHERE nom = 'seuil_similarite_automatique');
	n bigint;
	m bigint;
	restreint boolean := beneficiaires IS NOT NULL OR naissances IS NOT NULL;
	dates date[];
	dates_c date[];
	donnes text[];
	cand_ids text[];
BEGIN
	PERFORM verrouiller('rapprochement');
	-- The birth dates whose clients may change: before and after the load.
	IF restreint THEN
		dates := coalesce(naissances, '{}') || ARRAY(SELECT b.date_naissance
		    FROM beneficiaire b
		    WHERE b.identifiant_salsa = ANY (coalesce(beneficiaires, '{}'))
		    AND b.date_naissance IS NOT NULL);
		beneficiaires := coalesce(beneficiaires, '{}');
	END IF;
	DROP TABLE IF EXISTS pg_temp.rb0, pg_temp.rb, pg_temp.rc, pg_temp.rk,
	    pg_temp.rr, pg_temp.rcl;
	-- The clients concerned: current, funded, of the sads, of the dates
	-- or giving the ids (the indexes on the SAD, the birth date and the
	-- id given).
	CREATE TEMP TABLE rcl ON COMMIT DROP AS
	SELECT c.id, c.code_sad, c.identifiant_client,
	    c.identifiant_beneficiaire_salsa, c.date_naissance, c.nom,
	    c.prenoms, c.nom_naissance
	FROM client c
	WHERE c.valide_au IS NULL AND c.beneficiaire_departement
	    AND (sads IS NULL OR c.code_sad = ANY (sads))
	    AND (NOT restreint OR c.date_naissance = ANY (dates)
		OR c.identifiant_beneficiaire_salsa = ANY (beneficiaires));
	ANALYZE rcl;
	-- The forms of the clients' names likewise, per client version.
	INSERT INTO forme_client AS f (client, nom, prenoms, nom_naissance,
	    cles, prenom_forme)
	SELECT c.id, c.nom, c.prenoms, c.nom_naissance,
	    rapprochement_cles(rapprochement_forme(c.nom),
		rapprochement_forme(c.nom_naissance)),
	    coalesce(rapprochement_prenom(rapprochement_forme(c.prenoms)), '')
	FROM rcl c LEFT JOIN forme_client x ON x.client = c.id
	WHERE x.client IS NULL OR (x.nom, x.prenoms, x.nom_naissance)
		IS DISTINCT FROM (c.nom, c.prenoms, c.nom_naissance)
	ON CONFLICT (client) DO UPDATE SET nom = excluded.nom,
	    prenoms = excluded.prenoms, nom_naissance = excluded.nom_naissance,
	    cles = excluded.cles, prenom_forme = excluded.prenom_forme;
	IF sads IS NULL AND NOT restreint THEN	-- versions no longer current
		DELETE FROM forme_client f WHERE NOT EXISTS (SELECT 1
		    FROM client c WHERE c.id = f.client AND c.valide_au IS NULL);
	END IF;
	CREATE TEMP TABLE rc ON COMMIT DROP AS
	SELECT c.id AS client, c.code_sad, c.identifiant_client,
	    c.identifiant_beneficiaire_salsa AS donne,
	    coalesce(g.sad, c.code_sad) AS sad, c.date_naissance, f.cles,
	    f.prenom_forme AS prenom,
	    f.cles[2] || ' ' || f.prenom_forme AS ident,
	    f.cles[4] || ' ' || f.prenom_forme AS ident_naissance
	FROM rcl c JOIN forme_client f ON f.client = c.id
	LEFT JOIN sad_tg g ON g.code = c.code_sad
	WHERE NOT EXISTS (SELECT 1 FROM rapprochement r
	    WHERE r.code_sad = c.code_sad
	    AND r.identifiant_client = c.identifiant_client
	    AND r.statut IN ('confirme', 'rejete'));
	ANALYZE rc;

	-- The candidates: the beneficiaries of the clients' birth dates and
	-- those whose SALSA id a client gives (by the birth date index and
	-- the key).
	SELECT array_agg(DISTINCT date_naissance), array_agg(DISTINCT donne)
	INTO dates_c, donnes FROM rc;
	CREATE TEMP TABLE rb0 ON COMMIT DROP AS
	SELECT b.identifiant_salsa AS id, b.date_naissance
	FROM beneficiaire b
	WHERE b.date_naissance = ANY (dates_c) OR b.identifiant_salsa = ANY (donnes);
	ANALYZE rb0;
	cand_ids := ARRAY(SELECT id FROM rb0);
	-- The forms of the beneficiaries' names, computed again only for
	-- those whose names changed since they were kept; the restricted and
	-- per-SAD forms need those of the candidates alone.
	INSERT INTO forme_beneficiaire AS f (identifiant_salsa, nom, prenom,
	    nom_naissance, cles, prenom_forme)
	SELECT b.identifiant_salsa, b.nom, b.prenom, b.nom_naissance,
	    rapprochement_cles(rapprochement_forme(b.nom),
		rapprochement_forme(b.nom_naissance)),
	    coalesce(rapprochement_prenom(rapprochement_forme(b.prenom)), '')
	FROM beneficiaire b LEFT JOIN forme_beneficiaire x
	    ON x.identifiant_salsa = b.identifiant_salsa
	WHERE (x.identifiant_salsa IS NULL OR (x.nom, x.prenom, x.nom_naissance)
	    IS DISTINCT FROM (b.nom, b.prenom, b.nom_naissance))
	    AND ((sads IS NULL AND NOT restreint)
		OR b.identifiant_salsa = ANY (cand_ids))
	ON CONFLICT (identifiant_salsa) DO UPDATE SET nom = excluded.nom,
	    prenom = excluded.prenom, nom_naissance = excluded.nom_naissance,
	    cles = excluded.cles, prenom_forme = excluded.prenom_forme;
	-- The SADs of the candidates' current plans (chez_sad): those of the
	-- candidates alone, by index when they are few.
	CREATE TEMP TABLE rb ON COMMIT DROP AS
	SELECT b.id, b.date_naissance, f.cles, f.prenom_forme AS prenom,
	    f.cles[2] || ' ' || f.prenom_forme AS ident,
	    f.cles[4] || ' ' || f.prenom_forme AS ident_naissance, p.sads
	FROM rb0 b
	JOIN forme_beneficiaire f ON f.identifiant_salsa = b.id
	LEFT JOIN (SELECT identifiant_beneficiaire_salsa,
		array_agg(DISTINCT code_tiers_salsa) AS sads
	    FROM plan WHERE valide_au IS NULL
	    AND identifiant_beneficiaire_salsa = ANY (cand_ids)
	    GROUP BY identifiant_beneficiaire_salsa) p
	    ON p.identifiant_beneficiaire_salsa = b.id;
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
	ANALYZE rr;

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
	-- A client no longer said funded loses its computed link. (A plans
	-- load, the restricted form, changes no client: nothing to delete.)
	DELETE FROM rapprochement x
	WHERE NOT restreint AND x.statut NOT IN ('confirme', 'rejete')
	    AND (sads IS NULL OR x.code_sad = ANY (sads)) AND NOT EXISTS (SELECT 1
	    FROM rr r WHERE r.code_sad = x.code_sad
	    AND r.identifiant_client = x.identifiant_client);
	GET DIAGNOSTICS m = ROW_COUNT;
	RETURN n + m;
END
$f$;

-- The full or per-SAD computation, as before.
CREATE OR REPLACE FUNCTION rapprochement_calculer(sads text[] DEFAULT NULL)
RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = cesutg, public AS $f$
	SELECT rapprochement_calculer(sads, NULL, NULL)
$f$;
