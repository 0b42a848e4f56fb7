-- registre, migration: visit checks with reason codes (B5, B10, F9, F10,
-- F11, I5), the correction rate and its exclusion, the pre-invoice per
-- beneficiary and its validation (annex 2). The rules themselves are the
-- functions controler() and prefacturer(), read in cesutg-facturation(7).

SET LOCAL ROLE cesutg_owner;
SET LOCAL search_path = cesutg;

INSERT INTO param (nom, valeur, motif, description) VALUES
    ('duree_min_minutes', '5', '^[0-9]+$',
	'B5 : durée retenue (minutes) en dessous de laquelle une intervention n''est pas payée'),
    ('duree_max_minutes', '720', '^[0-9]+$',
	'B5 : durée retenue (minutes) au-delà de laquelle une intervention n''est pas payée'),
    ('doublon_secondes', '60', '^[0-9]+$',
	'B5 : écart (secondes) entre les arrivées de deux interventions d''un même client en dessous duquel la seconde est un doublon'),
    ('chevauchement_secondes', '60', '^[0-9]+$',
	'B5 : recouvrement (secondes) au-delà duquel un intervenant est chez deux clients à la fois'),
    ('codes_correction', 'MHO COA COD CO2 CRE', '^([A-Z0-9]{3}( [A-Z0-9]{3})*)?$',
	'B10, F11 : codes de correction (Flux 15) qui comptent dans le taux de correction'),
    ('fuseau_horaire', 'Europe/Paris', '^[A-Za-z_/+-]+$',
	'Jour et mois d''une intervention : date locale de son arrivée dans ce fuseau'),
    ('tarifs_horaires_sad', '', '^([A-Za-z0-9_.-]+=[0-9]+\.[0-9]{2}( [A-Za-z0-9_.-]+=[0-9]+\.[0-9]{2})*)?$',
	'H5 : tarif horaire de SAD (CODE=21.50, séparés par des espaces) appliqué quand le plan n''a pas de montant unitaire (champ 54)');

-- Interface: each current client's beneficiary. Read client-beneficiary
-- links only through this view (its definition may grow to fuzzy matching).
CREATE VIEW client_rapproche WITH (security_invoker = true) AS
	SELECT c.code_sad, c.identifiant_client,
	    b.identifiant_salsa AS identifiant_beneficiaire_salsa
	FROM client c
	JOIN beneficiaire b ON b.identifiant_salsa = c.identifiant_beneficiaire_salsa
	WHERE c.valide_au IS NULL;
GRANT SELECT ON client_rapproche TO cesutg_loader, cesutg_sad, cesutg_agent;

-- The reason codes; bloquant: the visit is not paid.
CREATE TABLE motif_controle (
	code text PRIMARY KEY,
	libelle text NOT NULL,
	bloquant boolean NOT NULL
);
INSERT INTO motif_controle VALUES
    ('client_non_rapproche', 'client non rapproché d''un bénéficiaire du Département', true),
    ('client_non_finance', 'client que le SAD déclare non financé par le Département', true),
    ('chevauchement_client', 'autre intervention chez le même client à la même heure (avertissement)', false),
    ('sad_hors_plan', 'SAD absent des plans d''aide TG du bénéficiaire (prestataire non reconnu, F9)', true),
    ('prestation_hors_plan', 'prestation absente du plan d''aide du bénéficiaire chez ce SAD', true),
    ('hors_droits', 'hors des dates de droit ou de prise en charge du plan', true),
    ('hospitalisation', 'pendant une hospitalisation (entre le jour d''entrée et celui de sortie)', true),
    ('hospitalisation_jour', 'jour d''entrée ou de sortie d''hospitalisation (payée, à vérifier)', false),
    ('horaire_manquant', 'arrivée ou départ retenu manquant', true),
    ('supprimee', 'intervention supprimée par le SAD (SUP)', true),
    ('doublon', 'doublon : même client, arrivée à moins d''une minute d''une autre intervention', true),
    ('chevauchement', 'intervenant chez deux clients à la fois (avertissement)', false),
    ('duree_hors_bornes', 'durée retenue hors des bornes (duree_min_minutes, duree_max_minutes)', true),
    ('telephone_incompatible', 'appel depuis un numéro qui n''est pas celui du client (avertissement, I5)', false),
    ('cesu_et_tg', 'bénéficiaire d''un plan CESU en cours servi en télégestion (F10)', false),
    ('minutes_non_autorisees', 'minutes ajoutées sans autorisation du Département : non comptées', false),
    ('taux_correction_depasse', 'taux de correction du SAD au-delà du seuil pour le mois (B10)', true);

-- Beneficiaries to whom the Département grants added minutes (annex 2).
CREATE TABLE autorisation_minutes (
	identifiant_beneficiaire_salsa text NOT NULL,
	date_debut date NOT NULL,
	date_fin date,
	motif text NOT NULL,
	par text NOT NULL DEFAULT session_user,
	le timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (identifiant_beneficiaire_salsa, date_debut),
	CHECK (date_fin >= date_debut)
);

-- The Département lifts the correction-rate exclusion of a SAD's month.
CREATE TABLE derogation_taux (
	code_sad text NOT NULL REFERENCES sad (code),
	mois text NOT NULL CHECK (mois ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
	motif text NOT NULL CHECK (motif <> ''),
	par text NOT NULL DEFAULT session_user,
	le timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (code_sad, mois)
);

-- Result of the checks: one row per current visit of the month (code_sad is
-- the SAD's code tiers), its reason codes in controle_motif.
CREATE TABLE controle_visite (
	horodatage bigint PRIMARY KEY,
	mois text NOT NULL,
	code_sad text NOT NULL,
	identifiant_beneficiaire_salsa text,
	plan bigint,
	jour date,
	secondes bigint NOT NULL,
	payable boolean NOT NULL,
	calcule_le timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX controle_visite_mois ON controle_visite (mois, code_sad);
CREATE TABLE controle_motif (
	horodatage bigint NOT NULL,
	code text NOT NULL,
	PRIMARY KEY (horodatage, code)
);

-- F11: the rate per SAD, month and correction code ('' = all counted
-- codes), kept month after month.
CREATE TABLE taux_correction (
	code_sad text NOT NULL,
	mois text NOT NULL,
	code_correction text NOT NULL,
	corrigees bigint NOT NULL,
	visites bigint NOT NULL,
	taux numeric(7,4) NOT NULL,
	seuil numeric(7,4) NOT NULL,
	exclusion boolean NOT NULL,
	calcule_le timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (code_sad, mois, code_correction)
);

-- True for the cluster's superuser or an agent holding TG.
CREATE FUNCTION agent_tg() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = cesutg AS $f$
	SELECT coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)
	    OR EXISTS (SELECT 1 FROM acces_agent WHERE role = session_user
	    AND aide = 'TG')
$f$;

CREATE FUNCTION param_texte(n text) RETURNS text
LANGUAGE sql STABLE SET search_path = cesutg AS $f$
	SELECT valeur FROM param WHERE nom = n
$f$;

-- The checks of month m (YYYY-MM): replaces that month's results.
CREATE FUNCTION controler(m text) RETURNS TABLE (visites bigint,
    payables bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg AS $f$
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
	DROP TABLE IF EXISTS pg_temp.v, pg_temp.mo, pg_temp.cand;
	-- Fresh statistics after a load: the plans below depend on them.
	ANALYZE horodatage;
	ANALYZE client;
	ANALYZE plan;
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
	CREATE INDEX ON v (code_tg, identifiant_intervenant, a);
	CREATE INDEX ON v (code_tg, identifiant_client, a);
	ANALYZE v;

	CREATE TEMP TABLE mo (id bigint, code text) ON COMMIT DROP;
	INSERT INTO mo
	SELECT id, CASE WHEN finance IS FALSE THEN 'client_non_finance'
	    ELSE 'client_non_rapproche' END FROM v WHERE ben IS NULL
	UNION ALL
	SELECT id, 'sad_hors_plan' FROM v WHERE ben IS NOT NULL
	    AND prestations IS NULL
	UNION ALL
	SELECT id, 'prestation_hors_plan' FROM v
	    WHERE code_prestation <> ALL (prestations)
	UNION ALL
	SELECT id, 'hors_droits' FROM v WHERE plan_id IS NULL
	    AND code_prestation = ANY (prestations)
	UNION ALL
	SELECT id, 'horaire_manquant' FROM v
	    WHERE (a IS NULL OR z IS NULL) AND cc IS DISTINCT FROM 'SUP'
	UNION ALL
	SELECT id, 'supprimee' FROM v WHERE cc = 'SUP'
	UNION ALL
	SELECT id, 'duree_hors_bornes' FROM v WHERE cc IS DISTINCT FROM 'SUP'
	    AND extract(epoch FROM z - a) NOT BETWEEN dmin AND dmax
	UNION ALL
	SELECT id, 'minutes_non_autorisees' FROM v WHERE mn > 0 AND NOT mn_ok
	UNION ALL
	SELECT id, 'telephone_incompatible' FROM v
	    WHERE connu AND mode_saisie = 'TEL' AND numero_appelant IS NOT NULL
		AND numero_appelant IS DISTINCT FROM tel1
		AND numero_appelant IS DISTINCT FROM tel2
	UNION ALL
	SELECT id, 'cesu_et_tg' FROM v WHERE EXISTS (SELECT 1 FROM plan p
	    WHERE p.valide_au IS NULL AND p.dispositif = 'CESU'
		AND p.identifiant_beneficiaire_salsa = v.ben
		AND v.jour BETWEEN p.date_debut_prise_en_charge
		AND coalesce(p.date_fin_prise_en_charge, 'infinity'));

	-- The later of two visits of a client that start within the gap.
	INSERT INTO mo
	SELECT id, 'doublon' FROM (SELECT id, a - lag(a) OVER (PARTITION BY
		code_tg, identifiant_client ORDER BY a, id) AS ecart_prec
	    FROM v WHERE cc IS DISTINCT FROM 'SUP' AND a IS NOT NULL) d
	WHERE ecart_prec <= ecart;
	-- Overlaps: a later visit whose start falls before the latest end of
	-- the earlier visits of the same intervenant (or client) is a
	-- candidate; the exact pairs are then sought among candidates only.
	CREATE TEMP TABLE cand ON COMMIT DROP AS
	SELECT id, code_tg, identifiant_intervenant, identifiant_client, a, z,
	    max(z) OVER (PARTITION BY code_tg, identifiant_intervenant
		ORDER BY a, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
		- a > recouv AS par_intervenant,
	    max(z) OVER (PARTITION BY code_tg, identifiant_client
		ORDER BY a, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
		- a > recouv AS par_client
	FROM v WHERE cc IS DISTINCT FROM 'SUP' AND a IS NOT NULL AND z IS NOT NULL;
	DELETE FROM cand WHERE par_intervenant IS NOT TRUE
	    AND par_client IS NOT TRUE;
	-- Both visits of an intervenant at two clients overlapping too long.
	INSERT INTO mo
	SELECT DISTINCT unnest(ARRAY[c.id, w.id]), 'chevauchement'
	FROM cand c JOIN v w ON c.par_intervenant
	    AND w.code_tg = c.code_tg
	    AND w.identifiant_intervenant = c.identifiant_intervenant
	    AND w.a > c.a - interval '24 hours' AND (w.a, w.id) < (c.a, c.id)
	    AND w.identifiant_client <> c.identifiant_client
	    AND w.cc IS DISTINCT FROM 'SUP'
	    AND least(c.z, w.z) - c.a > recouv;
	-- Both visits of a client overlapping too long (a doublon aside).
	INSERT INTO mo
	SELECT DISTINCT unnest(ARRAY[c.id, w.id]), 'chevauchement_client'
	FROM cand c JOIN v w ON c.par_client
	    AND w.code_tg = c.code_tg
	    AND w.identifiant_client = c.identifiant_client
	    AND w.a > c.a - interval '24 hours' AND (w.a, w.id) < (c.a, c.id)
	    AND c.a - w.a > ecart
	    AND w.cc IS DISTINCT FROM 'SUP'
	    AND least(c.z, w.z) - c.a > recouv;

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
	    ON k.code = mo.code WHERE k.bloquant) b ON b.id = v.id;
	INSERT INTO controle_motif SELECT DISTINCT id, code FROM mo;
	RETURN QUERY SELECT count(*), count(*) FILTER (WHERE c.payable)
	    FROM controle_visite c WHERE c.mois = m;
END
$f$;

SELECT brancher(t, 'cle') FROM unnest(ARRAY['autorisation_minutes',
    'derogation_taux']) t;
SELECT brancher(t, 'aucun') FROM unnest(ARRAY['motif_controle',
    'controle_visite', 'controle_motif', 'taux_correction']) t;
GRANT SELECT ON motif_controle TO cesutg_sad, cesutg_agent;
CREATE POLICY lecture ON motif_controle FOR SELECT TO cesutg_sad, cesutg_agent
    USING (true);
GRANT SELECT ON controle_visite, controle_motif, taux_correction,
    derogation_taux TO cesutg_sad, cesutg_agent;
GRANT SELECT ON autorisation_minutes TO cesutg_agent;
GRANT INSERT ON derogation_taux, autorisation_minutes TO cesutg_agent;
CREATE POLICY sad ON controle_visite FOR SELECT TO cesutg_sad
    USING (code_sad IN (SELECT code_sad FROM acces_sad WHERE role = current_user));
CREATE POLICY sad ON controle_motif FOR SELECT TO cesutg_sad
    USING (horodatage IN (SELECT horodatage FROM controle_visite));
CREATE POLICY sad ON taux_correction FOR SELECT TO cesutg_sad
    USING (code_sad IN (SELECT code_sad FROM acces_sad WHERE role = current_user));
CREATE POLICY sad ON derogation_taux FOR SELECT TO cesutg_sad
    USING (code_sad IN (SELECT code_sad FROM acces_sad WHERE role = current_user));
DO $$
DECLARE t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['controle_visite', 'controle_motif',
	    'taux_correction', 'derogation_taux', 'autorisation_minutes'] LOOP
		EXECUTE format('CREATE POLICY agent ON %I FOR SELECT TO cesutg_agent '
		    'USING (''TG'' IN (SELECT aide FROM acces_agent '
		    'WHERE role = current_user))', t);
	END LOOP;
	FOREACH t IN ARRAY ARRAY['derogation_taux', 'autorisation_minutes'] LOOP
		EXECUTE format('CREATE POLICY agent_ecrit ON %I FOR INSERT '
		    'TO cesutg_agent WITH CHECK (''TG'' IN (SELECT aide FROM '
		    'acces_agent WHERE role = current_user))', t);
	END LOOP;
END $$;

-- The pre-invoice (B5): one line per SAD, month, beneficiary and plan line
-- (one plan line per prestation), from the payable visits of the month.
-- rang 0 is the month's first pre-invoice; a visit arriving after its line
-- was validated goes to a complementary line (rang 1, 2...). Hours in
-- centi-hours, money in cents.
CREATE TABLE prefacture (
	id bigserial PRIMARY KEY,
	code_sad text NOT NULL,
	mois text NOT NULL,
	identifiant_beneficiaire_salsa text NOT NULL,
	code_prestation text NOT NULL,
	plan bigint NOT NULL REFERENCES plan,
	rang integer NOT NULL,
	visites bigint NOT NULL,
	secondes bigint NOT NULL,
	realise_ch bigint NOT NULL,
	jours_couverts integer NOT NULL,
	plan_ch bigint NOT NULL,
	plafond_ch bigint NOT NULL,
	deja_facture_ch bigint NOT NULL,
	facturable_ch bigint NOT NULL,
	depassement_ch bigint NOT NULL,
	tarif_cents bigint NOT NULL,
	origine_tarif text NOT NULL CHECK (origine_tarif IN ('plan', 'sad',
	    'defaut')),
	pourcentage_ticket numeric(9,2),
	montant_cents bigint NOT NULL,
	part_beneficiaire_cents bigint,
	statut text NOT NULL DEFAULT 'calculee' CHECK (statut IN ('calculee',
	    'validee_sad', 'validee_departement')),
	validee_sad_par text,
	validee_sad_le timestamptz,
	validee_departement_par text,
	validee_departement_le timestamptz,
	calcule_le timestamptz NOT NULL DEFAULT now(),
	UNIQUE (code_sad, mois, identifiant_beneficiaire_salsa, plan, rang)
);
CREATE INDEX prefacture_mois ON prefacture (mois, code_sad);
CREATE TABLE prefacture_visite (
	prefacture bigint NOT NULL,
	code_sad_tg text NOT NULL,
	identifiant_intervention text NOT NULL,
	horodatage bigint NOT NULL,
	secondes bigint NOT NULL,
	PRIMARY KEY (code_sad_tg, identifiant_intervention)
);
CREATE INDEX prefacture_visite_ligne ON prefacture_visite (prefacture);

-- Hours of a plan quantity q (hours per periodicity) over d covered days
-- of a month of n days: ME per month, HE per week, AN per year, JO per day;
-- any other periodicity is read as monthly. Centi-hours, half up.
CREATE FUNCTION heures_mois(q numeric, periodicite text, d integer,
    n integer) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $f$
	SELECT round(q * 100 * d / CASE periodicite WHEN 'HE' THEN 7
	    WHEN 'AN' THEN 365 WHEN 'JO' THEN 1 ELSE n END)::bigint
$f$;

-- The pre-invoice of month m from the checks of that month: replaces the
-- lines not yet validated, leaves validated ones as they are.
CREATE FUNCTION prefacturer(m text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg AS $f$
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
	    AND f.statut = 'calculee';
	RETURN n;
END
$f$;

-- Validations, and the replacement of a line not yet validated at each
-- calculation, are audited row by row, calculations once per statement:
-- audit verify then finds every row the audit asserts (registre(7)).
SELECT brancher('prefacture', 'aucun');
CREATE TRIGGER prefacture_audit AFTER UPDATE OR DELETE ON prefacture
    FOR EACH ROW EXECUTE FUNCTION audit_ligne();
CREATE TRIGGER prefacture_audit_ins AFTER INSERT ON prefacture
    REFERENCING NEW TABLE AS nouvelles FOR EACH STATEMENT
    EXECUTE FUNCTION audit_insertion('id');
CREATE TRIGGER prefacture_tete AFTER INSERT OR UPDATE OR DELETE ON prefacture
    FOR EACH STATEMENT EXECUTE FUNCTION audit_tete_maj();
SELECT brancher('prefacture_visite', 'aucun');
GRANT SELECT ON prefacture, prefacture_visite TO cesutg_sad, cesutg_agent;
GRANT UPDATE (statut, validee_sad_par, validee_sad_le) ON prefacture
    TO cesutg_sad;
GRANT UPDATE (statut, validee_departement_par, validee_departement_le)
    ON prefacture TO cesutg_agent;
-- A SAD reads and validates its own lines, never the Département's step.
CREATE POLICY sad ON prefacture FOR SELECT TO cesutg_sad
    USING (code_sad IN (SELECT code_sad FROM acces_sad WHERE role = current_user));
CREATE POLICY sad_valide ON prefacture FOR UPDATE TO cesutg_sad
    USING (code_sad IN (SELECT code_sad FROM acces_sad WHERE role = current_user)
	AND statut IN ('calculee', 'validee_sad'))
    WITH CHECK (code_sad IN (SELECT code_sad FROM acces_sad
	WHERE role = current_user) AND statut IN ('calculee', 'validee_sad'));
CREATE POLICY sad ON prefacture_visite FOR SELECT TO cesutg_sad
    USING (prefacture IN (SELECT id FROM prefacture));
CREATE POLICY agent ON prefacture FOR SELECT TO cesutg_agent
    USING ('TG' IN (SELECT aide FROM acces_agent WHERE role = current_user));
CREATE POLICY agent_valide ON prefacture FOR UPDATE TO cesutg_agent
    USING ('TG' IN (SELECT aide FROM acces_agent WHERE role = current_user)
	AND statut IN ('validee_sad', 'validee_departement'))
    WITH CHECK (statut IN ('validee_sad', 'validee_departement'));
CREATE POLICY agent ON prefacture_visite FOR SELECT TO cesutg_agent
    USING ('TG' IN (SELECT aide FROM acces_agent WHERE role = current_user));

-- The checks and the pre-invoice run as the owner, for TG agents only.
REVOKE EXECUTE ON FUNCTION controler(text), prefacturer(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION controler(text), prefacturer(text) TO cesutg_agent;
