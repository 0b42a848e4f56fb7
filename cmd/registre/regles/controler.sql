-- Rule file (migrate.c): the live definition; edit here, never in a migration.
-- A month's checks read that month's rows alone, by index, whatever the
-- months the ledger holds (issue 11): its visits by their instant (024),
-- its results by controle_visite_mois, its motifs by ranges of ids.
-- The statistics controler_partie's plans depend on, refreshed when stale
-- (committed before the parts run: a session does not see the statistics
-- another has not committed). A table never analysed since its load
-- (autovacuum had no time) can turn the first join into a nested loop of
-- hours; one whose statistics are fresh is not analysed again (the
-- nightly rerun after a small late load).
-- In two halves (moitie 1 or 2) of about the same time, one in each of
-- registre controler's sessions (the second also works out the parts):
-- the visits and the clients, then the plans and the small tables. Both
-- when moitie is NULL.
CREATE OR REPLACE FUNCTION controler_statistiques(moitie integer)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg AS $f$
BEGIN
	IF NOT agent_tg() THEN
		RAISE EXCEPTION 'réservé à un agent habilité TG' USING ERRCODE = '42501';
	END IF;
	-- Of the big tables, the columns the plans filter and join on only
	-- (plan has some eighty).
	IF moitie IS DISTINCT FROM 2 THEN
		PERFORM analyser_perime('horodatage', ARRAY['id', 'valide_au',
		    'code_sad', 'identifiant_client', 'identifiant_intervenant',
		    'code_prestation']);
		PERFORM analyser_perime('client', ARRAY['id', 'valide_au',
		    'code_sad', 'identifiant_client']);
	END IF;
	IF moitie IS DISTINCT FROM 1 THEN
		PERFORM analyser_perime('plan', ARRAY['id', 'valide_au',
		    'dispositif', 'code_tiers_salsa',
		    'identifiant_beneficiaire_salsa', 'code_nomenclature',
		    'date_debut_droit', 'date_fin_droit',
		    'date_debut_prise_en_charge', 'date_fin_prise_en_charge']);
		PERFORM analyser_perime(t) FROM unnest(ARRAY['rapprochement',
		    'sad_tg', 'evenement', 'evenement_sad', 'autorisation_minutes',
		    'derogation_taux']) t;
	END IF;
END
$f$;
REVOKE EXECUTE ON FUNCTION controler_statistiques(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION controler_statistiques(integer) TO cesutg_agent;

CREATE OR REPLACE FUNCTION controler_statistiques() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg AS $f$
BEGIN
	PERFORM controler_statistiques(NULL);
END
$f$;

-- SADs in n parts of about the same weight (a SAD listed several times
-- weighs the sum of its weights): heaviest first, each to the lightest
-- part so far. One array of SADs per part.
CREATE OR REPLACE FUNCTION repartir(n integer, sads text[], poids bigint[])
RETURNS SETOF text[]
LANGUAGE plpgsql IMMUTABLE SET search_path = cesutg AS $f$
DECLARE
	total bigint[] := array_fill(0::bigint, ARRAY[n]);
	partie text[] := '{}';
	r record;
	i integer;
	k integer;
BEGIN
	FOR r IN SELECT u.s, sum(u.w) AS w FROM unnest(sads, poids) u (s, w)
	    GROUP BY u.s ORDER BY 2 DESC, 1 LOOP
		k := 1;
		FOR i IN 2..n LOOP
			IF total[i] < total[k] THEN
				k := i;
			END IF;
		END LOOP;
		total[k] := total[k] + r.w;
		partie := partie || ARRAY[r.s, k::text];
	END LOOP;
	RETURN QUERY SELECT array_agg(partie[2 * x - 1] ORDER BY partie[2 * x - 1])
	    FROM generate_series(1, cardinality(partie) / 2) x
	    GROUP BY partie[2 * x]::integer ORDER BY partie[2 * x]::integer;
END
$f$;

-- The SADs (codes tiers) of month m shared out in n parts of about as
-- many visits, for n sessions at once (registre controler: one per core).
-- Every rule reads the visits of one SAD only (a TG code maps to one SAD),
-- and each result row is a SAD's: the parts write disjoint rows. The SADs
-- with results kept but no visit now are in a part too (their rows go).
-- (A visit kept under a SAD of another part, moved since: controler_partie
-- refuses it, and the caller checks the month in one session; that check
-- costs a join of the month's visits, done by each part on its own.)
-- (Bitmap scans: a range of the instant is estimated at a few thousand
-- rows, the partial index's statistics unused, and a plain index scan
-- of the month's visits fetched them row by row, at twice the cost.)
CREATE OR REPLACE FUNCTION controler_parts(m text, n integer) RETURNS SETOF text[]
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg
SET enable_indexscan = off AS $f$
DECLARE
	d0 timestamptz := to_date(m || '-01', 'YYYY-MM-DD') - interval '1 day';
	d1 timestamptz := to_date(m || '-01', 'YYYY-MM-DD')
	    + interval '1 month 1 day';
BEGIN
	IF NOT agent_tg() THEN
		RAISE EXCEPTION 'réservé à un agent habilité TG' USING ERRCODE = '42501';
	END IF;
	-- The visits of the month by their time in UTC give the weights (a
	-- day either side: weights only; by the index horodatage_instant of
	-- 024, not among every month's visits), counted per TG code before the
	-- few codes are mapped to their SADs (joined visit by visit, while
	-- the statistics are being refreshed beside, the month's visits were
	-- estimated at a few rows: 265,000 index lookups of sad_tg and a
	-- sort on disk, 0.7 s, longer than the refresh it runs beside).
	-- repartir() sums the weights of a SAD listed several times.
	RETURN QUERY SELECT repartir(n, array_agg(y.sad), array_agg(y.w))
	FROM (SELECT coalesce(g.sad, h.code_sad) AS sad, h.w
		FROM (SELECT code_sad, count(*) AS w FROM horodatage
		    WHERE valide_au IS NULL AND coalesce(arrivee_retenue,
			arrivee_brute, depart_retenu, depart_brut,
			instant_creation) BETWEEN d0 AND d1
		    GROUP BY code_sad) h
		LEFT JOIN sad_tg g ON g.code = h.code_sad
		UNION ALL SELECT DISTINCT code_sad, 0 FROM controle_visite
		WHERE mois = m
		UNION ALL SELECT code_sad, 0 FROM taux_correction WHERE mois = m) y;
END
$f$;

-- The checks of month m, of all SADs (sads NULL) or of some.
-- (Its ANALYZEs are of its temporary tables: a sample of 3,000 rows
-- gives the joins their sizes, at a tenth of the default's cost.)
CREATE OR REPLACE FUNCTION controler_partie(m text, sads text[])
RETURNS TABLE (visites bigint, payables bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg
SET work_mem = '64MB' SET jit = off SET default_statistics_target = 10 AS $f$
DECLARE
	-- The TG codes that may be of these SADs (theirs, and the SADs' own
	-- codes): the other visits are not even read further.
	codes_tg text[] := sads || ARRAY(SELECT g.code FROM sad_tg g
	    WHERE g.sad = ANY (sads));
	d0 date := to_date(m || '-01', 'YYYY-MM-DD');
	d1 date := (to_date(m || '-01', 'YYYY-MM-DD') + interval '1 month')::date;
	-- The instants of the month's visits, a day either side (more than
	-- any time zone's offset): read by the index horodatage_instant
	-- (024), not among every month's visits.
	t0 timestamptz := (d0 - 1)::timestamp AT TIME ZONE 'UTC';
	t1 timestamptz := (d1 + 1)::timestamp AT TIME ZONE 'UTC';
	tz text := param_texte('fuseau_horaire');
	dmin interval := make_interval(secs =>
	    param_texte('duree_min_minutes')::bigint * 60);
	dmax interval := make_interval(secs =>
	    param_texte('duree_max_minutes')::bigint * 60);
	ecart interval := make_interval(secs => param_texte('doublon_secondes')::bigint);
	recouv interval := make_interval(secs => param_texte('chevauchement_secondes')::bigint);
	codes text[] := string_to_array(param_texte('codes_correction'), ' ');
	seuil numeric := param_texte('seuil_taux_correction')::numeric;
	ix text := current_setting('enable_indexscan');
BEGIN
	IF NOT agent_tg() THEN
		RAISE EXCEPTION 'réservé à un agent habilité TG' USING ERRCODE = '42501';
	END IF;
	DROP TABLE IF EXISTS pg_temp.hm, pg_temp.v, pg_temp.mo, pg_temp.s,
	    pg_temp.tc, pg_temp.nv, pg_temp.nm, pg_temp.ov, pg_temp.om, pg_temp.od;
	-- (Read by a bitmap scan, as in controler_parts: enable_indexscan
	-- off for this statement only, the function's settings restored at
	-- its end anyway.)
	PERFORM set_config('enable_indexscan', 'off', true);
	-- The month's visits of these SADs, the local day computed once per
	-- visit (OFFSET 0: not by each filter that reads it), in a table of
	-- their own, analysed: a filter on a computed day is estimated at a
	-- few hundred rows, and a part's joins then probed indexes once per
	-- visit (twice the time of the whole month's hash joins).
	CREATE TEMP TABLE hm ON COMMIT DROP AS
	SELECT * FROM (SELECT h.id, h.code_sad, h.identifiant_intervention,
		h.identifiant_client, h.identifiant_intervenant, h.code_prestation, h.mode_saisie,
		h.numero_appelant, h.arrivee_retenue, h.depart_retenu,
		h.minutes_ajoutees, h.code_correction, (coalesce(h.arrivee_retenue,
		h.arrivee_brute, h.depart_retenu, h.depart_brut,
		h.instant_creation) AT TIME ZONE tz)::date AS jour
	    FROM horodatage h WHERE h.valide_au IS NULL
		AND coalesce(h.arrivee_retenue, h.arrivee_brute,
		h.depart_retenu, h.depart_brut, h.instant_creation) >= t0
		AND coalesce(h.arrivee_retenue, h.arrivee_brute,
		h.depart_retenu, h.depart_brut, h.instant_creation) < t1
		AND (sads IS NULL OR h.code_sad = ANY (codes_tg))
		OFFSET 0) h
	WHERE h.jour >= d0 AND h.jour < d1;
	PERFORM set_config('enable_indexscan', ix, true);
	ANALYZE hm (code_sad, identifiant_client, code_prestation, jour);
	CREATE TEMP TABLE v ON COMMIT DROP AS
	WITH tg AS (
		SELECT p.id, p.code_tiers_salsa AS sad,
		    p.identifiant_beneficiaire_salsa AS ben,
		    p.code_nomenclature AS code,
		    greatest(p.date_debut_droit, p.date_debut_prise_en_charge) AS du,
		    least(coalesce(p.date_fin_droit, 'infinity'),
			coalesce(p.date_fin_prise_en_charge, 'infinity')) AS au
		FROM plan p WHERE p.valide_au IS NULL AND p.dispositif = 'TG'
	), presta AS (
		SELECT sad, ben, array_agg(DISTINCT code) AS prestations
		FROM tg GROUP BY sad, ben
	), x AS (
		SELECT h.id, h.code_sad AS code_tg, h.identifiant_intervention,
		    coalesce(g.sad, h.code_sad) AS sad,
		    h.identifiant_client, h.identifiant_intervenant,
		    h.code_prestation, h.mode_saisie, h.numero_appelant,
		    h.arrivee_retenue AS a, h.depart_retenu AS z,
		    coalesce(h.minutes_ajoutees, 0) AS mn,
		    h.code_correction AS cc, h.jour,
		    r.identifiant_beneficiaire_salsa AS ben,
		    c.id IS NOT NULL AS connu, c.beneficiaire_departement AS finance,
		    c.telephone_fixe AS tel1, c.telephone_portable AS tel2
		FROM hm h
		LEFT JOIN sad_tg g ON g.code = h.code_sad
		LEFT JOIN client_rapproche r ON r.code_sad = h.code_sad
		    AND r.identifiant_client = h.identifiant_client
		LEFT JOIN client c ON c.code_sad = h.code_sad
		    AND c.identifiant_client = h.identifiant_client
		    AND c.valide_au IS NULL
		WHERE sads IS NULL OR coalesce(g.sad, h.code_sad) = ANY (sads)
	)
	-- The per-visit codes as the bits of k, each where its condition is
	-- true (a WHERE clause each in 008), computed before the sort of
	-- DISTINCT ON: the same on every row of a visit (plan_id is null on
	-- all of them or on none), and the rows sorted are the narrower for
	-- it (no prestations, telephones...).
	SELECT DISTINCT ON (x.id) x.id, x.code_tg, x.identifiant_intervention,
	    x.sad, x.identifiant_client,
	    x.identifiant_intervenant, x.a, x.z, x.mn, x.cc, x.jour, x.ben,
	    t.id AS plan_id, m.mn_ok,
	    CASE WHEN x.ben IS NULL THEN CASE WHEN x.finance IS FALSE
		THEN 1 ELSE 2 END ELSE 0 END
	    | CASE WHEN x.ben IS NOT NULL AND pr.prestations IS NULL
		THEN 4 ELSE 0 END
	    | CASE WHEN x.code_prestation <> ALL (pr.prestations)
		THEN 8 ELSE 0 END
	    | CASE WHEN t.id IS NULL AND x.code_prestation = ANY (pr.prestations)
		THEN 16 ELSE 0 END
	    | CASE WHEN (x.a IS NULL OR x.z IS NULL)
		AND x.cc IS DISTINCT FROM 'SUP' THEN 32 ELSE 0 END
	    | CASE WHEN x.cc = 'SUP' THEN 64 ELSE 0 END
	    | CASE WHEN x.cc IS DISTINCT FROM 'SUP'
		AND x.z - x.a NOT BETWEEN dmin AND dmax THEN 128 ELSE 0 END
	    | CASE WHEN x.mn > 0 AND NOT m.mn_ok THEN 256 ELSE 0 END
	    | CASE WHEN x.connu AND x.mode_saisie = 'TEL'
		AND x.numero_appelant IS NOT NULL
		AND x.numero_appelant IS DISTINCT FROM x.tel1
		AND x.numero_appelant IS DISTINCT FROM x.tel2
		THEN 512 ELSE 0 END AS k
	FROM x
	LEFT JOIN presta pr ON pr.sad = x.sad AND pr.ben = x.ben
	LEFT JOIN tg t ON t.sad = x.sad AND t.ben = x.ben
	    AND t.code = x.code_prestation AND x.jour BETWEEN t.du AND t.au
	CROSS JOIN LATERAL (SELECT x.mn > 0 AND EXISTS (SELECT 1
	    FROM autorisation_minutes a
	    WHERE a.identifiant_beneficiaire_salsa = x.ben
	    AND x.jour >= a.date_debut
	    AND x.jour <= coalesce(a.date_fin, 'infinity')) AS mn_ok) m
	ORDER BY x.id, t.id;
	-- Every column the joins and filters below read.
	ANALYZE v (id, code_tg, sad, identifiant_client, identifiant_intervenant,
	    ben, cc, jour, a, z, k);

	CREATE TEMP TABLE mo (id bigint, code text) ON COMMIT DROP;
	-- Only the visits with a code are read further (most have none).
	INSERT INTO mo
	SELECT v.id, c.code FROM v JOIN (VALUES (1, 'client_non_finance'),
	    (2, 'client_non_rapproche'), (4, 'sad_hors_plan'),
	    (8, 'prestation_hors_plan'), (16, 'hors_droits'),
	    (32, 'horaire_manquant'), (64, 'supprimee'),
	    (128, 'duree_hors_bornes'), (256, 'minutes_non_autorisees'),
	    (512, 'telephone_incompatible')) c (bit, code) ON v.k & c.bit <> 0
	WHERE v.k <> 0;
	INSERT INTO mo
	SELECT id, 'cesu_et_tg' FROM v WHERE EXISTS (SELECT 1 FROM plan p
	    WHERE p.valide_au IS NULL AND p.dispositif = 'CESU'
		AND p.identifiant_beneficiaire_salsa = v.ben
		AND v.jour BETWEEN p.date_debut_prise_en_charge
		AND coalesce(p.date_fin_prise_en_charge, 'infinity'));

	-- The visits that can be a doublon or overlap (not deleted, with an
	-- arrival) in two window passes, by intervenant (wi) and by client
	-- (wc), each partition led by a hash of its key (sorting on an
	-- integer first costs a fraction of sorting on text keys sharing a
	-- long prefix; the keys follow it: a collision merges no partitions).
	-- Each with: the gap since the previous arrival at its client
	-- (doublon); whether it starts before the latest end of the earlier
	-- visits of its intervenant or of its client (max ignores the visits
	-- without a departure, which 008 left out of that window): it may be
	-- the later visit c of an overlapping pair; whether it ends after the
	-- next one's arrival, or has no departure: it may be the earlier w of
	-- a pair (the next visit starts no later than any later c). Only those
	-- are kept (a few thousand of the month's visits), each with its day
	-- bucket j (whole days since the epoch, for the pairs below) and
	-- whether it may last into the next one (nuit).
	CREATE TEMP TABLE s ON COMMIT DROP AS
	SELECT id, code_tg, itv, cli, a, z, ecart_prec, par_intervenant,
	    par_client, avant_intervenant, avant_client,
	    (a AT TIME ZONE 'UTC')::date - date '1970-01-01' AS j,
	    z IS NULL OR (z AT TIME ZONE 'UTC')::date
		> (a AT TIME ZONE 'UTC')::date AS nuit
	FROM (SELECT v.id, v.code_tg, v.identifiant_intervenant AS itv,
		v.identifiant_client AS cli, v.a, v.z,
		v.a - lag(v.a) OVER wc AS ecart_prec,
		max(v.z) OVER wi - v.a > recouv AS par_intervenant,
		max(v.z) OVER wc - v.a > recouv AS par_client,
		v.z IS NULL OR v.z - lead(v.a) OVER wi > recouv
		    AS avant_intervenant,
		v.z IS NULL OR v.z - lead(v.a) OVER wc > recouv AS avant_client
	    FROM (SELECT v.*, hashtext(v.code_tg || v.identifiant_intervenant)
		    AS hi, hashtext(v.code_tg || v.identifiant_client) AS hc
		FROM v WHERE v.cc IS DISTINCT FROM 'SUP' AND v.a IS NOT NULL) v
	    -- One frame for all (lag and lead ignore it): one pass each.
	    WINDOW wc AS (PARTITION BY v.hc, v.code_tg, v.identifiant_client
		    ORDER BY v.a, v.id
		    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
		wi AS (PARTITION BY v.hi, v.code_tg, v.identifiant_intervenant
		    ORDER BY v.a, v.id
		    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) s
	WHERE ecart_prec <= ecart OR par_intervenant OR par_client
	    OR avant_intervenant OR avant_client;
	ANALYZE s;
	-- The later of two visits of a client that start within the gap.
	INSERT INTO mo SELECT id, 'doublon' FROM s WHERE ecart_prec <= ecart;
	-- Overlaps: a visit c with a departure that starts before the latest
	-- end of the earlier visits of its intervenant (or client), paired
	-- with each earlier visit w started less than 24 hours before: w is
	-- in c's day bucket or the one before, an equality the pairs are
	-- sought by, not among all the visits of the intervenant; from the
	-- day before, only a w that may end after c starts (nuit: least()
	-- ignores a missing departure) can overlap it. Both visits of an
	-- intervenant at two clients overlapping too long.
	INSERT INTO mo
	SELECT DISTINCT unnest(ARRAY[p.c, p.w]), 'chevauchement' FROM (
	    SELECT c.id AS c, w.id AS w FROM s c JOIN s w
		ON w.code_tg = c.code_tg AND w.itv = c.itv AND w.j = c.j
		AND w.a > c.a - interval '24 hours' AND (w.a, w.id) < (c.a, c.id)
		AND w.cli <> c.cli AND least(c.z, w.z) - c.a > recouv
	    WHERE c.par_intervenant AND c.z IS NOT NULL AND w.avant_intervenant
	    UNION ALL
	    SELECT c.id, w.id FROM s c JOIN s w
		ON w.code_tg = c.code_tg AND w.itv = c.itv AND w.j = c.j - 1
		AND w.nuit
		AND w.a > c.a - interval '24 hours' AND (w.a, w.id) < (c.a, c.id)
		AND w.cli <> c.cli AND least(c.z, w.z) - c.a > recouv
	    WHERE c.par_intervenant AND c.z IS NOT NULL AND w.avant_intervenant) p;
	-- Both visits of a client overlapping too long (a doublon aside).
	INSERT INTO mo
	SELECT DISTINCT unnest(ARRAY[p.c, p.w]), 'chevauchement_client' FROM (
	    SELECT c.id AS c, w.id AS w FROM s c JOIN s w
		ON w.code_tg = c.code_tg AND w.cli = c.cli AND w.j = c.j
		AND w.a > c.a - interval '24 hours' AND (w.a, w.id) < (c.a, c.id)
		AND c.a - w.a > ecart AND least(c.z, w.z) - c.a > recouv
	    WHERE c.par_client AND c.z IS NOT NULL AND w.avant_client
	    UNION ALL
	    SELECT c.id, w.id FROM s c JOIN s w
		ON w.code_tg = c.code_tg AND w.cli = c.cli AND w.j = c.j - 1
		AND w.nuit
		AND w.a > c.a - interval '24 hours' AND (w.a, w.id) < (c.a, c.id)
		AND c.a - w.a > ecart AND least(c.z, w.z) - c.a > recouv
	    WHERE c.par_client AND c.z IS NOT NULL AND w.avant_client) p;

	-- Hospital stays: Flux 1 events of type 01 and the SADs' HOS events.
	WITH sejour AS (
		SELECT e.identifiant_beneficiaire_salsa AS ben, e.date_debut,
		    e.date_fin FROM evenement e
		WHERE e.type_evenement IN ('01', '1')
		UNION
		SELECT r.identifiant_beneficiaire_salsa, e.date_debut, e.date_fin
		FROM evenement_sad e JOIN client_rapproche r
		    ON r.code_sad = e.code_sad
		    AND r.identifiant_client = e.identifiant_client
		WHERE e.valide_au IS NULL AND e.type_evenement = 'HOS'
	), touche AS (
		SELECT v.id, bool_or(v.jour > s.date_debut AND v.jour <
		    coalesce(s.date_fin, 'infinity')) AS dedans
		FROM v JOIN sejour s ON s.ben = v.ben
		    AND v.jour BETWEEN s.date_debut
		    AND coalesce(s.date_fin, 'infinity')
		GROUP BY v.id
	)
	INSERT INTO mo SELECT id, CASE WHEN dedans THEN 'hospitalisation'
	    ELSE 'hospitalisation_jour' END FROM touche;

	-- B10, F11: the correction rate of each SAD's month, per counted code
	-- and for all ('').
	-- (One scan of v: each SAD's visits counted per code, g.)
	CREATE TEMP TABLE tc ON COMMIT DROP AS
	WITH g AS (SELECT sad, cc, count(*) AS n FROM v
	    WHERE cc IS DISTINCT FROM 'SUP' GROUP BY sad, cc)
	SELECT t.sad AS code_sad, t.cc AS code_correction, t.n AS corrigees,
	    t.total AS visites,
	    round(t.n::numeric / nullif(t.total, 0), 4)::numeric(7,4) AS taux,
	    seuil::numeric(7,4) AS seuil, false AS exclusion
	FROM (SELECT sad, cc, n, sum(n) OVER (PARTITION BY sad) AS total
	    FROM g) t
	WHERE t.cc = ANY (codes) AND t.total > 0
	UNION ALL
	SELECT sad, '', coalesce(sum(n) FILTER (WHERE cc = ANY (codes)),
		0)::bigint, sum(n)::bigint,
	    round(coalesce(sum(n) FILTER (WHERE cc = ANY (codes)), 0)
		/ sum(n), 4)::numeric(7,4),
	    seuil::numeric(7,4), false
	FROM g GROUP BY sad;
	UPDATE tc t SET exclusion = true
	WHERE t.code_correction = '' AND t.taux > t.seuil
	    AND NOT EXISTS (SELECT 1 FROM derogation_taux d
		WHERE d.code_sad = t.code_sad AND d.mois = m);
	INSERT INTO mo
	SELECT v.id, 'taux_correction_depasse' FROM v JOIN tc t
	    ON t.code_sad = v.sad AND t.code_correction = '' AND t.exclusion
	WHERE v.cc = ANY (codes);

	-- The results computed, then written where they differ from those
	-- kept: a rerun after a small late load writes a few rows, not the
	-- month again (calcule_le: when a row's result last changed).
	CREATE TEMP TABLE nv ON COMMIT DROP AS
	SELECT v.id AS horodatage, v.sad AS code_sad, v.code_tg,
	    v.identifiant_intervention, v.ben AS identifiant_beneficiaire_salsa, v.plan_id AS plan, v.jour,
	    coalesce(extract(epoch FROM v.z - v.a)::bigint, 0)
		+ CASE WHEN v.mn_ok THEN v.mn * 60 ELSE 0 END AS secondes,
	    b.id IS NULL AS payable
	FROM v LEFT JOIN (SELECT DISTINCT mo.id FROM mo JOIN motif_controle k
	    ON k.code = mo.code WHERE k.bloquant) b ON b.id = v.id;
	CREATE TEMP TABLE nm ON COMMIT DROP AS SELECT DISTINCT id, code FROM mo;
	-- A visit of these SADs kept under a SAD of another part (its TG
	-- code moved to another SAD since): that part's session deletes its
	-- row while this one would write it again, and would wait for the
	-- other's commit, which waits for this one. Refused (CT001) before
	-- anything is written: registre checks the month in one session.
	-- (Sought only when the month has results of other SADs: at its
	-- first run it has none, and the join looked each visit up.)
	IF sads IS NOT NULL AND EXISTS (SELECT 1 FROM controle_visite c
		WHERE c.mois = m AND c.code_sad <> ALL (sads))
	    AND EXISTS (SELECT 1 FROM nv
	    JOIN controle_visite c ON c.horodatage = nv.horodatage
	    WHERE c.mois = m AND c.code_sad <> ALL (sads)) THEN
		RAISE EXCEPTION 'une intervention contrôlée a changé de SAD : '
		    'contrôle du mois en une session' USING ERRCODE = 'CT001';
	END IF;
	-- The motifs kept of the visits checked before (om): read by ranges
	-- of ids, the runs of those visits' ids (cut where two are more than
	-- 1,000 apart), by the primary key: not among every month's motifs
	-- (a hash of the whole table), nor looked up visit by visit (most
	-- have none). A rerun writes the difference only (od: those that go).
	CREATE TEMP TABLE ov ON COMMIT DROP AS
	SELECT c.horodatage AS id FROM controle_visite c WHERE c.mois = m
	    AND (sads IS NULL OR c.code_sad = ANY (sads));
	ANALYZE ov;
	CREATE TEMP TABLE om ON COMMIT DROP AS
	SELECT k.horodatage AS id, k.code FROM (SELECT min(o.id) AS lo,
		max(o.id) AS hi FROM (SELECT o.id, sum(o.saut) OVER (ORDER BY o.id)
		    AS r FROM (SELECT id, CASE WHEN id - lag(id) OVER (ORDER BY id)
			> 1000 THEN 1 ELSE 0 END AS saut FROM ov) o) o
	    GROUP BY o.r) p
	CROSS JOIN LATERAL (SELECT k.horodatage, k.code FROM controle_motif k
	    WHERE k.horodatage BETWEEN p.lo AND p.hi OFFSET 0) k
	WHERE EXISTS (SELECT 1 FROM ov WHERE ov.id = k.horodatage);
	CREATE TEMP TABLE od ON COMMIT DROP AS
	SELECT id, code FROM om EXCEPT SELECT id, code FROM nm;
	ANALYZE od;
	DELETE FROM controle_motif k USING od
	WHERE k.horodatage = od.id AND k.code = od.code;
	DELETE FROM controle_visite c WHERE c.mois = m
	    AND (sads IS NULL OR c.code_sad = ANY (sads))
	    AND NOT EXISTS (SELECT 1 FROM nv WHERE nv.horodatage = c.horodatage
		AND (nv.code_sad, nv.identifiant_beneficiaire_salsa, nv.plan,
		nv.jour, nv.secondes, nv.payable) IS NOT DISTINCT FROM
		(c.code_sad, c.identifiant_beneficiaire_salsa, c.plan, c.jour,
		c.secondes, c.payable));
	-- In key order: the primary key's index grows at its right edge. (A
	-- visit kept under another month is a conflict, as it was.) With the
	-- visit's key, for the pre-invoice (023).
	INSERT INTO controle_visite (horodatage, mois, code_sad, code_sad_tg,
	    identifiant_intervention, identifiant_beneficiaire_salsa, plan,
	    jour, secondes, payable)
	SELECT nv.horodatage, m, nv.code_sad, nv.code_tg,
	    nv.identifiant_intervention, nv.identifiant_beneficiaire_salsa,
	    nv.plan, nv.jour, nv.secondes, nv.payable
	FROM nv WHERE NOT EXISTS (SELECT 1 FROM controle_visite c
	    WHERE c.horodatage = nv.horodatage AND c.mois = m)
	ORDER BY nv.horodatage;
	INSERT INTO controle_motif
	SELECT id, code FROM nm WHERE NOT EXISTS (SELECT 1 FROM om
	    WHERE om.id = nm.id AND om.code = nm.code)
	ORDER BY 1, 2;
	DELETE FROM taux_correction t WHERE t.mois = m
	    AND (sads IS NULL OR t.code_sad = ANY (sads))
	    AND NOT EXISTS (SELECT 1 FROM tc WHERE tc.code_sad = t.code_sad
		AND tc.code_correction = t.code_correction
		AND (tc.corrigees, tc.visites, tc.taux, tc.seuil, tc.exclusion)
		= (t.corrigees, t.visites, t.taux, t.seuil, t.exclusion));
	INSERT INTO taux_correction (code_sad, mois, code_correction,
	    corrigees, visites, taux, seuil, exclusion)
	SELECT tc.code_sad, m, tc.code_correction, tc.corrigees, tc.visites,
	    tc.taux, tc.seuil, tc.exclusion
	FROM tc WHERE NOT EXISTS (SELECT 1 FROM taux_correction t
	    WHERE t.code_sad = tc.code_sad AND t.mois = m
	    AND t.code_correction = tc.code_correction);
	RETURN QUERY SELECT count(*), count(*) FILTER (WHERE nv.payable)
	    FROM nv;
END
$f$;

-- The checks of month m (YYYY-MM) in one session.
CREATE OR REPLACE FUNCTION controler(m text) RETURNS TABLE (visites bigint,
    payables bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg AS $f$
BEGIN
	PERFORM controler_statistiques();
	RETURN QUERY SELECT * FROM controler_partie(m, NULL);
END
$f$;
