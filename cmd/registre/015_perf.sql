-- registre, migration: the visit checks and the pre-invoice of a Paris
-- month (~300,000 visits) in a few seconds (issue 13). Same rules, same
-- results as 008's controler() and prefacturer(); only the way they are
-- computed changes: sorts and hashes in memory, one scan of the month's
-- visits for the per-visit codes, overlapping pairs sought by a hash join
-- on the day instead of among all the visits of an intervenant, rows
-- inserted in key order.

SET LOCAL ROLE cesutg_owner;
SET LOCAL search_path = cesutg;

CREATE OR REPLACE FUNCTION controler(m text) RETURNS TABLE (visites bigint,
    payables bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg
SET work_mem = '64MB' AS $f$
DECLARE
	d0 date := to_date(m || '-01', 'YYYY-MM-DD');
	d1 date := (to_date(m || '-01', 'YYYY-MM-DD') + interval '1 month')::date;
	tz text := param_texte('fuseau_horaire');
	dmin bigint := param_texte('duree_min_minutes')::bigint * 60;
	dmax bigint := param_texte('duree_max_minutes')::bigint * 60;
	ecart interval := make_interval(secs => param_texte('doublon_secondes')::bigint);
	recouv interval := make_interval(secs => param_texte('chevauchement_secondes')::bigint);
	codes text[] := string_to_array(param_texte('codes_correction'), ' ');
	seuil numeric := param_texte('seuil_taux_correction')::numeric;
BEGIN
	IF NOT agent_tg() THEN
		RAISE EXCEPTION 'réservé à un agent habilité TG' USING ERRCODE = '42501';
	END IF;
	DELETE FROM controle_motif k USING controle_visite c
	    WHERE k.horodatage = c.horodatage AND c.mois = m;
	DELETE FROM controle_visite c WHERE c.mois = m;
	DELETE FROM taux_correction t WHERE t.mois = m;
	DROP TABLE IF EXISTS pg_temp.v, pg_temp.mo, pg_temp.s;
	-- Fresh statistics after a load: the plans below depend on them (only
	-- the columns they filter and join on: the plan has some eighty). A
	-- table never analysed since its load (autovacuum had no time) can
	-- turn the first join below into a nested loop of hours.
	ANALYZE horodatage (id, valide_au, code_sad, identifiant_client,
	    identifiant_intervenant, code_prestation);
	ANALYZE client (id, valide_au, code_sad, identifiant_client);
	ANALYZE rapprochement;
	ANALYZE sad_tg;
	ANALYZE evenement;
	ANALYZE evenement_sad;
	ANALYZE plan (valide_au, dispositif, code_tiers_salsa,
	    identifiant_beneficiaire_salsa, code_nomenclature, date_debut_droit,
	    date_fin_droit, date_debut_prise_en_charge, date_fin_prise_en_charge);
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
		SELECT h.id, h.code_sad AS code_tg,
		    coalesce(g.sad, h.code_sad) AS sad,
		    h.identifiant_client, h.identifiant_intervenant,
		    h.code_prestation, h.mode_saisie, h.numero_appelant,
		    h.arrivee_retenue AS a, h.depart_retenu AS z,
		    coalesce(h.minutes_ajoutees, 0) AS mn,
		    h.code_correction AS cc,
		    (coalesce(h.arrivee_retenue, h.arrivee_brute, h.depart_retenu,
			h.depart_brut, h.instant_creation) AT TIME ZONE tz)::date
			AS jour,
		    r.identifiant_beneficiaire_salsa AS ben,
		    c.id IS NOT NULL AS connu, c.beneficiaire_departement AS finance,
		    c.telephone_fixe AS tel1, c.telephone_portable AS tel2
		FROM horodatage h
		LEFT JOIN sad_tg g ON g.code = h.code_sad
		LEFT JOIN client_rapproche r ON r.code_sad = h.code_sad
		    AND r.identifiant_client = h.identifiant_client
		LEFT JOIN client c ON c.code_sad = h.code_sad
		    AND c.identifiant_client = h.identifiant_client
		    AND c.valide_au IS NULL
		WHERE h.valide_au IS NULL
	)
	SELECT DISTINCT ON (x.id) x.*, t.id AS plan_id, pr.prestations,
	    x.mn > 0 AND EXISTS (SELECT 1 FROM autorisation_minutes a
		WHERE a.identifiant_beneficiaire_salsa = x.ben
		AND x.jour >= a.date_debut
		AND x.jour <= coalesce(a.date_fin, 'infinity')) AS mn_ok
	FROM x
	LEFT JOIN presta pr ON pr.sad = x.sad AND pr.ben = x.ben
	LEFT JOIN tg t ON t.sad = x.sad AND t.ben = x.ben
	    AND t.code = x.code_prestation AND x.jour BETWEEN t.du AND t.au
	WHERE x.jour >= d0 AND x.jour < d1
	ORDER BY x.id, t.id;
	ANALYZE v (id, code_tg, sad, identifiant_client, identifiant_intervenant,
	    code_prestation, ben, cc, jour);

	CREATE TEMP TABLE mo (id bigint, code text) ON COMMIT DROP;
	-- The per-visit codes in one scan of v (a WHERE clause each before:
	-- a code where its condition is true, as WHERE kept it).
	INSERT INTO mo
	SELECT id, code FROM (SELECT id, unnest(ARRAY[
	    CASE WHEN ben IS NULL THEN CASE WHEN finance IS FALSE
		THEN 'client_non_finance' ELSE 'client_non_rapproche' END END,
	    CASE WHEN ben IS NOT NULL AND prestations IS NULL
		THEN 'sad_hors_plan' END,
	    CASE WHEN code_prestation <> ALL (prestations)
		THEN 'prestation_hors_plan' END,
	    CASE WHEN plan_id IS NULL AND code_prestation = ANY (prestations)
		THEN 'hors_droits' END,
	    CASE WHEN (a IS NULL OR z IS NULL) AND cc IS DISTINCT FROM 'SUP'
		THEN 'horaire_manquant' END,
	    CASE WHEN cc = 'SUP' THEN 'supprimee' END,
	    CASE WHEN cc IS DISTINCT FROM 'SUP'
		AND extract(epoch FROM z - a) NOT BETWEEN dmin AND dmax
		THEN 'duree_hors_bornes' END,
	    CASE WHEN mn > 0 AND NOT mn_ok THEN 'minutes_non_autorisees' END,
	    CASE WHEN connu AND mode_saisie = 'TEL'
		AND numero_appelant IS NOT NULL
		AND numero_appelant IS DISTINCT FROM tel1
		AND numero_appelant IS DISTINCT FROM tel2
		THEN 'telephone_incompatible' END]) AS code FROM v) k
	WHERE code IS NOT NULL;
	INSERT INTO mo
	SELECT id, 'cesu_et_tg' FROM v WHERE EXISTS (SELECT 1 FROM plan p
	    WHERE p.valide_au IS NULL AND p.dispositif = 'CESU'
		AND p.identifiant_beneficiaire_salsa = v.ben
		AND v.jour BETWEEN p.date_debut_prise_en_charge
		AND coalesce(p.date_fin_prise_en_charge, 'infinity'));

	-- The visits that can be a doublon or overlap (not deleted, with an
	-- arrival), their intervenant and client as small integers (sorts and
	-- joins on text keys sharing a long prefix cost several times more),
	-- each with: the gap since the previous arrival at its client
	-- (doublon); whether it starts before the latest end of the earlier
	-- visits of its intervenant or of its client (max ignores the visits
	-- without a departure, which 008 left out of that window); its day
	-- bucket j (whole days since the epoch, for the pairs below) and
	-- whether it may last into the next one (nuit).
	CREATE TEMP TABLE s ON COMMIT DROP AS
	WITH ki AS (
		SELECT code_tg, identifiant_intervenant, row_number() OVER () AS k
		FROM (SELECT DISTINCT code_tg, identifiant_intervenant FROM v) d
	), kc AS (
		SELECT code_tg, identifiant_client, row_number() OVER () AS k
		FROM (SELECT DISTINCT code_tg, identifiant_client FROM v) d
	)
	SELECT v.id, ki.k AS ki, kc.k AS kc, v.a, v.z,
	    floor(extract(epoch FROM v.a) / 86400)::bigint AS j,
	    v.z IS NULL OR floor(extract(epoch FROM v.z) / 86400)
		> floor(extract(epoch FROM v.a) / 86400) AS nuit,
	    v.a - lag(v.a) OVER wc AS ecart_prec,
	    max(v.z) OVER (wi ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
		- v.a > recouv AS par_intervenant,
	    max(v.z) OVER (wc ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
		- v.a > recouv AS par_client
	FROM v JOIN ki ON ki.code_tg = v.code_tg
	    AND ki.identifiant_intervenant = v.identifiant_intervenant
	JOIN kc ON kc.code_tg = v.code_tg
	    AND kc.identifiant_client = v.identifiant_client
	WHERE v.cc IS DISTINCT FROM 'SUP' AND v.a IS NOT NULL
	WINDOW wc AS (PARTITION BY kc.k ORDER BY v.a, v.id),
	    wi AS (PARTITION BY ki.k ORDER BY v.a, v.id);
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
		ON w.ki = c.ki AND w.j = c.j
		AND w.a > c.a - interval '24 hours' AND (w.a, w.id) < (c.a, c.id)
		AND w.kc <> c.kc AND least(c.z, w.z) - c.a > recouv
	    WHERE c.par_intervenant AND c.z IS NOT NULL
	    UNION ALL
	    SELECT c.id, w.id FROM s c JOIN s w
		ON w.ki = c.ki AND w.j = c.j - 1 AND w.nuit
		AND w.a > c.a - interval '24 hours' AND (w.a, w.id) < (c.a, c.id)
		AND w.kc <> c.kc AND least(c.z, w.z) - c.a > recouv
	    WHERE c.par_intervenant AND c.z IS NOT NULL) p;
	-- Both visits of a client overlapping too long (a doublon aside).
	INSERT INTO mo
	SELECT DISTINCT unnest(ARRAY[p.c, p.w]), 'chevauchement_client' FROM (
	    SELECT c.id AS c, w.id AS w FROM s c JOIN s w
		ON w.kc = c.kc AND w.j = c.j
		AND w.a > c.a - interval '24 hours' AND (w.a, w.id) < (c.a, c.id)
		AND c.a - w.a > ecart AND least(c.z, w.z) - c.a > recouv
	    WHERE c.par_client AND c.z IS NOT NULL
	    UNION ALL
	    SELECT c.id, w.id FROM s c JOIN s w
		ON w.kc = c.kc AND w.j = c.j - 1 AND w.nuit
		AND w.a > c.a - interval '24 hours' AND (w.a, w.id) < (c.a, c.id)
		AND c.a - w.a > ecart AND least(c.z, w.z) - c.a > recouv
	    WHERE c.par_client AND c.z IS NOT NULL) p;

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

	-- B10, F11: the correction rate of each SAD's month.
	INSERT INTO taux_correction (code_sad, mois, code_correction,
	    corrigees, visites, taux, seuil, exclusion)
	SELECT t.sad, m, coalesce(t.cc, ''), t.n, t.total,
	    round(t.n::numeric / nullif(t.total, 0), 4), seuil, false
	FROM (SELECT sad, cc, count(*) AS n,
		sum(count(*)) OVER (PARTITION BY sad) AS total
	    FROM v WHERE cc IS DISTINCT FROM 'SUP' GROUP BY sad, cc) t
	WHERE t.cc = ANY (codes) AND t.total > 0;
	INSERT INTO taux_correction (code_sad, mois, code_correction,
	    corrigees, visites, taux, seuil, exclusion)
	SELECT sad, m, '', count(*) FILTER (WHERE cc = ANY (codes)), count(*),
	    round((count(*) FILTER (WHERE cc = ANY (codes)))::numeric / count(*), 4),
	    seuil, false
	FROM v WHERE cc IS DISTINCT FROM 'SUP' GROUP BY sad;
	UPDATE taux_correction t SET exclusion = true
	WHERE t.mois = m AND t.code_correction = '' AND t.taux > t.seuil
	    AND NOT EXISTS (SELECT 1 FROM derogation_taux d
		WHERE d.code_sad = t.code_sad AND d.mois = m);
	INSERT INTO mo
	SELECT v.id, 'taux_correction_depasse' FROM v JOIN taux_correction t
	    ON t.code_sad = v.sad AND t.mois = m AND t.code_correction = ''
	    AND t.exclusion
	WHERE v.cc = ANY (codes);

	INSERT INTO controle_visite (horodatage, mois, code_sad,
	    identifiant_beneficiaire_salsa, plan, jour, secondes, payable)
	SELECT v.id, m, v.sad, v.ben, v.plan_id, v.jour,
	    coalesce(extract(epoch FROM v.z - v.a)::bigint, 0)
		+ CASE WHEN v.mn_ok THEN v.mn * 60 ELSE 0 END,
	    b.id IS NULL
	FROM v LEFT JOIN (SELECT DISTINCT mo.id FROM mo JOIN motif_controle k
	    ON k.code = mo.code WHERE k.bloquant) b ON b.id = v.id
	ORDER BY v.id;
	-- In key order: the primary key's index grows at its right edge.
	INSERT INTO controle_motif SELECT DISTINCT id, code FROM mo ORDER BY 1, 2;
	RETURN QUERY SELECT count(*), count(*) FILTER (WHERE c.payable)
	    FROM controle_visite c WHERE c.mois = m;
END
$f$;
-- Since 011, prefacturer() wraps the calculation, named prefacturer_calcul,
-- to keep SALSA's reasons: only the calculation is replaced here.
CREATE OR REPLACE FUNCTION prefacturer_calcul(m text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg
SET work_mem = '64MB' AS $f$
DECLARE
	d0 date := to_date(m || '-01', 'YYYY-MM-DD');
	d1 date := (to_date(m || '-01', 'YYYY-MM-DD') + interval '1 month')::date;
	defaut numeric := param_texte('tarif_horaire_defaut')::numeric;
	tarifs text[] := string_to_array(param_texte('tarifs_horaires_sad'), ' ');
	n bigint;
BEGIN
	IF NOT agent_tg() THEN
		RAISE EXCEPTION 'réservé à un agent habilité TG' USING ERRCODE = '42501';
	END IF;
	DELETE FROM prefacture_visite x USING prefacture f
	    WHERE x.prefacture = f.id AND f.mois = m AND f.statut = 'calculee';
	DELETE FROM prefacture f WHERE f.mois = m AND f.statut = 'calculee';
	DROP TABLE IF EXISTS pg_temp.pv, pg_temp.pl;
	CREATE TEMP TABLE pv ON COMMIT DROP AS
	SELECT c.code_sad, c.identifiant_beneficiaire_salsa AS ben, c.plan,
	    c.horodatage, c.secondes, h.code_sad AS code_tg,
	    h.identifiant_intervention
	FROM controle_visite c JOIN horodatage h ON h.id = c.horodatage
	WHERE c.mois = m AND c.payable AND c.plan IS NOT NULL
	    AND NOT EXISTS (SELECT 1 FROM prefacture_visite x
		WHERE x.code_sad_tg = h.code_sad
		AND x.identifiant_intervention = h.identifiant_intervention);
	CREATE TEMP TABLE pl ON COMMIT DROP AS
	SELECT g.*, p.code_nomenclature, p.periodicite,
	    p.quantite_prise_en_charge AS q12, p.quantite_totale AS q13,
	    coalesce(p.derogation, false) AS derog,
	    p.montant_unitaire_cd AS f54, p.montant_unitaire_beneficiaire AS f55,
	    p.pourcentage_ticket AS f15,
	    greatest(0, least(d1 - 1, coalesce(p.date_fin_droit, 'infinity'),
		coalesce(p.date_fin_prise_en_charge, 'infinity'))
		- greatest(d0, p.date_debut_droit, p.date_debut_prise_en_charge)
		+ 1) AS jours,
	    (SELECT split_part(t, '=', 2)::numeric FROM unnest(tarifs) t
		WHERE split_part(t, '=', 1) = g.code_sad LIMIT 1) AS tarif_sad,
	    coalesce((SELECT max(f.rang) + 1 FROM prefacture f
		WHERE f.code_sad = g.code_sad AND f.mois = m
		AND f.identifiant_beneficiaire_salsa = g.ben
		AND f.plan = g.plan), 0) AS rang,
	    coalesce((SELECT sum(f.facturable_ch) FROM prefacture f
		WHERE f.code_sad = g.code_sad AND f.mois = m
		AND f.identifiant_beneficiaire_salsa = g.ben
		AND f.plan = g.plan), 0)::bigint AS deja
	FROM (SELECT code_sad, ben, plan, count(*) AS visites,
		sum(secondes)::bigint AS secondes,
		round(sum(secondes) / 36.0)::bigint AS realise
	    FROM pv GROUP BY code_sad, ben, plan) g
	JOIN plan p ON p.id = g.plan;
	INSERT INTO prefacture (code_sad, mois, identifiant_beneficiaire_salsa,
	    code_prestation, plan, rang, visites, secondes, realise_ch,
	    jours_couverts, plan_ch, plafond_ch, deja_facture_ch, facturable_ch,
	    depassement_ch, tarif_cents, origine_tarif, pourcentage_ticket,
	    montant_cents, part_beneficiaire_cents)
	SELECT code_sad, m, ben, code_nomenclature, plan, rang, visites,
	    secondes, realise, jours, plan_ch, plafond_ch, deja, facturable,
	    realise - facturable, round(tarif * 100)::bigint, origine, f15,
	    CASE WHEN origine = 'plan' THEN round(facturable * tarif)
	    ELSE round(facturable * tarif * (100 - coalesce(f15, 0)) / 100)
	    END::bigint,
	    round(facturable * f55)::bigint
	FROM (SELECT pl.*, x.plan_ch, x.plafond_ch,
		least(realise, greatest(x.plafond_ch - deja, 0)) AS facturable,
		coalesce(f54, tarif_sad, defaut) AS tarif,
		CASE WHEN f54 IS NOT NULL THEN 'plan' WHEN tarif_sad IS NOT NULL
		THEN 'sad' ELSE 'defaut' END AS origine
	    FROM pl CROSS JOIN LATERAL (SELECT
		heures_mois(q12, periodicite, jours, d1 - d0) AS plan_ch,
		heures_mois(CASE WHEN derog THEN coalesce(q13, q12) ELSE q12 END,
		    periodicite, jours, d1 - d0) AS plafond_ch) x) y;
	GET DIAGNOSTICS n = ROW_COUNT;
	INSERT INTO prefacture_visite (prefacture, code_sad_tg,
	    identifiant_intervention, horodatage, secondes)
	SELECT f.id, pv.code_tg, pv.identifiant_intervention, pv.horodatage,
	    pv.secondes
	FROM pv JOIN prefacture f ON f.code_sad = pv.code_sad AND f.mois = m
	    AND f.identifiant_beneficiaire_salsa = pv.ben AND f.plan = pv.plan
	    AND f.statut = 'calculee'
	ORDER BY pv.code_tg, pv.identifiant_intervention;
	RETURN n;
END
$f$;
-- Issue 11: a plans load recomputes every client's link (009); the forms
-- of the beneficiaries' and clients' names are kept here with the names
-- they come from, so that only a changed name is normalised again (the
-- unaccent dictionary is taken as fixed). Derived data, written by
-- rapprochement_calculer() alone.
CREATE TABLE forme_beneficiaire (
	identifiant_salsa text PRIMARY KEY,
	nom text,
	prenom text,
	nom_naissance text,
	cles text[] NOT NULL,
	prenom_forme text NOT NULL
);
SELECT brancher('forme_beneficiaire', 'aucun');
CREATE TABLE forme_client (
	client bigint PRIMARY KEY,
	nom text,
	prenoms text,
	nom_naissance text,
	cles text[] NOT NULL,
	prenom_forme text NOT NULL
);
SELECT brancher('forme_client', 'aucun');

CREATE OR REPLACE FUNCTION rapprochement_calculer(sads text[] DEFAULT NULL)
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
BEGIN
	PERFORM verrouiller('rapprochement');
	DROP TABLE IF EXISTS pg_temp.rb, pg_temp.rc, pg_temp.rk, pg_temp.rr;
	-- The forms of the clients' names likewise, per client version.
	INSERT INTO forme_client AS f (client, nom, prenoms, nom_naissance,
	    cles, prenom_forme)
	SELECT c.id, c.nom, c.prenoms, c.nom_naissance,
	    rapprochement_cles(rapprochement_forme(c.nom),
		rapprochement_forme(c.nom_naissance)),
	    coalesce(rapprochement_prenom(rapprochement_forme(c.prenoms)), '')
	FROM client c LEFT JOIN forme_client x ON x.client = c.id
	WHERE c.valide_au IS NULL AND c.beneficiaire_departement
	    AND (sads IS NULL OR c.code_sad = ANY (sads))
	    AND (x.client IS NULL OR (x.nom, x.prenoms, x.nom_naissance)
		IS DISTINCT FROM (c.nom, c.prenoms, c.nom_naissance))
	ON CONFLICT (client) DO UPDATE SET nom = excluded.nom,
	    prenoms = excluded.prenoms, nom_naissance = excluded.nom_naissance,
	    cles = excluded.cles, prenom_forme = excluded.prenom_forme;
	IF sads IS NULL THEN	-- versions no longer current
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
	FROM client c JOIN forme_client f ON f.client = c.id
	LEFT JOIN sad_tg g ON g.code = c.code_sad
	WHERE c.valide_au IS NULL AND c.beneficiaire_departement
	    AND (sads IS NULL OR c.code_sad = ANY (sads))
	    AND NOT EXISTS (SELECT 1 FROM rapprochement r
	    WHERE r.code_sad = c.code_sad
	    AND r.identifiant_client = c.identifiant_client
	    AND r.statut IN ('confirme', 'rejete'));

	-- The forms of the beneficiaries' names, computed again only for
	-- those whose names changed since they were kept (a plans load
	-- recomputes every link: it normalised every beneficiary each time).
	INSERT INTO forme_beneficiaire AS f (identifiant_salsa, nom, prenom,
	    nom_naissance, cles, prenom_forme)
	SELECT b.identifiant_salsa, b.nom, b.prenom, b.nom_naissance,
	    rapprochement_cles(rapprochement_forme(b.nom),
		rapprochement_forme(b.nom_naissance)),
	    coalesce(rapprochement_prenom(rapprochement_forme(b.prenom)), '')
	FROM beneficiaire b LEFT JOIN forme_beneficiaire x
	    ON x.identifiant_salsa = b.identifiant_salsa
	WHERE x.identifiant_salsa IS NULL OR (x.nom, x.prenom, x.nom_naissance)
	    IS DISTINCT FROM (b.nom, b.prenom, b.nom_naissance)
	ON CONFLICT (identifiant_salsa) DO UPDATE SET nom = excluded.nom,
	    prenom = excluded.prenom, nom_naissance = excluded.nom_naissance,
	    cles = excluded.cles, prenom_forme = excluded.prenom_forme;
	CREATE TEMP TABLE rb ON COMMIT DROP AS
	SELECT b.identifiant_salsa AS id, b.date_naissance, f.cles,
	    f.prenom_forme AS prenom,
	    f.cles[2] || ' ' || f.prenom_forme AS ident,
	    f.cles[4] || ' ' || f.prenom_forme AS ident_naissance, p.sads
	FROM beneficiaire b
	JOIN forme_beneficiaire f ON f.identifiant_salsa = b.identifiant_salsa
	LEFT JOIN (SELECT identifiant_beneficiaire_salsa,
		array_agg(DISTINCT code_tiers_salsa) AS sads
	    FROM plan WHERE valide_au IS NULL
	    GROUP BY identifiant_beneficiaire_salsa) p
	    ON p.identifiant_beneficiaire_salsa = b.identifiant_salsa
	WHERE b.date_naissance IN (SELECT date_naissance FROM rc)
	    OR b.identifiant_salsa IN (SELECT donne FROM rc);
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
