-- Rule file (migrate.c): the live definition; edit here, never in a migration.
-- The statistics the cases' plans depend on, refreshed when stale: right
-- after a month's refunds are loaded or its visits checked (autovacuum not
-- yet by), the estimates of the month's rows are wrong and F8, F12 and J2
-- take plans several times slower. registre alertes commits them before
-- it computes the kinds in two sessions (a session does not see the
-- statistics another has not committed, and would wait on its ANALYZE).
CREATE OR REPLACE FUNCTION alertes_statistiques() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg AS $f$
BEGIN
	PERFORM analyser_perime(t) FROM unnest(ARRAY['controle_visite',
	    'controle_motif', 'remboursement', 'titre', 'plan']) t;
END
$f$;
REVOKE EXECUTE ON FUNCTION alertes_statistiques() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION alertes_statistiques() TO cesutg_agent,
    cesutg_loader;

-- The cases of month m (YYYY-MM) of the kinds asked (NULL: all), as of day
-- r = the first of the next month, or today if sooner. Returns the number
-- of new cases.
CREATE OR REPLACE FUNCTION alertes_calculer(m text, natures text[]) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg
SET work_mem = '64MB' SET jit = off AS $f$
DECLARE
	d0 date := to_date(m || '-01', 'YYYY-MM-DD');
	d1 date := (to_date(m || '-01', 'YYYY-MM-DD') + interval '1 month')::date;
	r date := least(current_date, (to_date(m || '-01', 'YYYY-MM-DD') +
	    interval '1 month')::date);
	nmois int := greatest(param_texte('alerte_mois_consecutifs')::int, 1);
	s_cesu numeric := param_texte('seuil_alerte_sous_consommation')::numeric;
	s_tg numeric := param_texte('seuil_alerte_sous_consommation_tg')::numeric;
	delai int := param_texte('alerte_cesu_mois_encaissement')::int;
	ech int := param_texte('echeance_prestations_jours')::int;
	rev int := param_texte('revision_prestations_jours')::int;
	s_corr numeric := param_texte('seuil_taux_correction')::numeric;
	n bigint;
	mc0 text;
	mc1 text;
	lo text;
	hi text;
	nl text;
BEGIN
	IF NOT (pg_has_role(session_user, 'cesutg_owner', 'USAGE')
	    OR pg_has_role(session_user, 'cesutg_loader', 'USAGE')
	    OR EXISTS (SELECT 1 FROM acces_agent WHERE role = session_user)) THEN
		RAISE EXCEPTION 'réservé aux agents du Département'
		    USING ERRCODE = '42501';
	END IF;
	-- One run at a time per kind (in the same order in every session):
	-- registre alertes computes two groups of kinds at once.
	PERFORM verrouiller('alertes ' || k) FROM (SELECT DISTINCT k
	    FROM unnest(coalesce(natures, ARRAY['E2', 'F7', 'F8', 'F9', 'F10',
		'F11', 'F12', 'F13', 'F14', 'J2'])) k ORDER BY k) n;
	PERFORM alertes_statistiques();
	-- Each kind's cases of this run, then those not yet raised.
	DROP TABLE IF EXISTS pg_temp.nv;
	CREATE TEMP TABLE nv ON COMMIT DROP AS SELECT nature,
	    identifiant_beneficiaire_salsa, code_sad, periode, objet, mois,
	    valeur, seuil, libelle, dispositif, module FROM alerte LIMIT 0;

	-- F7: the value refunded of the titles ordered for each of the
	-- nmois order months whose cashing is over, below the threshold.
	IF natures IS NULL OR 'F7' = ANY (natures) THEN
		mc1 := alerte_mois_plus(m, -delai);
		mc0 := alerte_mois_plus(mc1, 1 - nmois);
		-- A case is under the threshold in each month, the last one
		-- too: the titles of that month alone (by number, or by the
		-- reprise's month) give the beneficiaries worth measuring.
		DROP TABLE IF EXISTS pg_temp.f7;
		lo := substr(mc1, 3, 2) || substr(mc1, 6, 2);
		hi := substr(alerte_mois_plus(mc1, 1), 3, 2) ||
		    substr(alerte_mois_plus(mc1, 1), 6, 2);
		-- Merged or hashed, never a nested loop: without statistics
		-- (a month just loaded) the planner would probe the refunds'
		-- whole number range once per title.
		nl := current_setting('enable_nestloop');
		PERFORM set_config('enable_nestloop', 'off', true);
		CREATE TEMP TABLE f7 ON COMMIT DROP AS
		SELECT t.b FROM (
			-- Both indexes read in title order, merged: the refunds'
			-- numbers bounded as the titles' are.
			SELECT t.identifiant_beneficiaire AS b, t.valeur_faciale AS v,
			    x.numero_titre IS NOT NULL AS rembourse
			FROM titre t
			LEFT JOIN remboursement x ON x.numero_titre = t.numero_titre
			    AND x.valide_au IS NULL AND x.date_remboursement < d1
			    AND x.numero_titre >= lo AND x.numero_titre < hi
			WHERE t.annule_par IS NULL AND t.mois_commande IS NULL
			    AND t.numero_titre >= lo AND t.numero_titre < hi
			UNION ALL
			SELECT t.identifiant_beneficiaire, t.valeur_faciale,
			    x.numero_titre IS NOT NULL
			FROM titre t
			LEFT JOIN remboursement x ON x.numero_titre = t.numero_titre
			    AND x.valide_au IS NULL AND x.date_remboursement < d1
			WHERE t.annule_par IS NULL AND t.mois_commande = mc1
		) t
		GROUP BY t.b
		HAVING sum(t.v) > 0 AND coalesce(sum(t.v) FILTER (WHERE
		    t.rembourse), 0) < s_cesu * sum(t.v);
		PERFORM set_config('enable_nestloop', nl, true);
		ANALYZE f7;
		INSERT INTO nv
		-- An issued title's number starts with its order month (AAMM):
		-- compared as text, not computed per title.
		WITH t AS (
			SELECT t.identifiant_beneficiaire AS b,
			    coalesce(substr(t.mois_commande, 3, 2) ||
				substr(t.mois_commande, 6, 2), left(t.numero_titre, 4))
				AS mc,
			    t.valeur_faciale AS v,
			    x.rembourse IS NOT NULL AS rembourse
			-- Each beneficiary's titles, then each title's refund, by
			-- index (OFFSET 0, LIMIT 1: looked up, not hashed whole).
			FROM f7 CROSS JOIN LATERAL (SELECT * FROM titre t
			    WHERE t.identifiant_beneficiaire = f7.b
				AND t.annule_par IS NULL
				AND (t.mois_commande BETWEEN mc0 AND mc1
				OR (t.mois_commande IS NULL
				AND t.numero_titre >= substr(mc0, 3, 2) || substr(mc0, 6, 2)
				AND t.numero_titre < hi)) OFFSET 0) t
			LEFT JOIN LATERAL (SELECT true AS rembourse
			    FROM remboursement x WHERE x.numero_titre = t.numero_titre
				AND x.valide_au IS NULL AND x.date_remboursement < d1
			    LIMIT 1) x ON true
		), g AS (
			SELECT b, mc, sum(v) AS emis,
			    coalesce(sum(v) FILTER (WHERE rembourse), 0) AS rem
			FROM t GROUP BY b, mc
		), h AS (
			SELECT b, sum(rem) / sum(emis) AS taux
			FROM g WHERE emis > 0 GROUP BY b
			HAVING count(*) = nmois AND bool_and(rem < s_cesu * emis)
		)
		SELECT 'F7', h.b, NULL, mc1, '', m, round(h.taux, 4), s_cesu,
		    'CESU : ' || alerte_pct(h.taux) || ' de la valeur des titres '
		    'émis remboursée, sous le seuil de ' || alerte_pct(s_cesu) ||
		    CASE WHEN nmois > 1 THEN ' chacun des ' || nmois ||
			' mois de commande de ' || mc0 || ' à ' || mc1
		    ELSE ' pour le mois de commande ' || mc1 END,
		    'CESU', (SELECT p.module FROM plan p
			WHERE p.identifiant_beneficiaire_salsa = h.b
			ORDER BY p.valide_au IS NULL DESC, p.id DESC LIMIT 1)
		FROM h;
	END IF;

	-- F8: hours visited (the checks' visits but deleted ones and
	-- duplicates) against the plan's hours of each of the nmois months
	-- ending with m, below the threshold each month; a month whose visits
	-- were never checked (registre controler) is not measured.
	IF natures IS NULL OR 'F8' = ANY (natures) THEN
		mc0 := alerte_mois_plus(m, 1 - nmois);
		INSERT INTO nv
		WITH mo AS (
			SELECT to_char(g, 'YYYY-MM') AS mm, g::date AS a,
			    (g + interval '1 month')::date AS z
			FROM generate_series(to_date(mc0 || '-01', 'YYYY-MM-DD'),
			    d0, interval '1 month') g
			-- A month is measured once its visits were checked.
			WHERE EXISTS (SELECT 1 FROM controle_visite c
			    WHERE c.mois = to_char(g, 'YYYY-MM'))
		), pl AS (
			-- Each plan line as of the month's first day (else the
			-- first version after it), its hours over the days it
			-- covers.
			SELECT DISTINCT ON (mo.mm, p.identifiant_beneficiaire_salsa,
			    p.index_demande_salsa, p.index_prestation_salsa)
			    mo.mm, p.identifiant_beneficiaire_salsa AS b,
			    p.code_tiers_salsa AS sad, p.module,
			    heures_mois(p.quantite_prise_en_charge, p.periodicite,
				greatest(0, least(mo.z - 1,
				coalesce(p.date_fin_droit, 'infinity'),
				coalesce(p.date_fin_prise_en_charge, 'infinity'))
				- greatest(mo.a, p.date_debut_droit,
				p.date_debut_prise_en_charge) + 1),
				mo.z - mo.a) AS ch
			FROM mo JOIN plan p ON p.dispositif = 'TG'
			    AND p.valide_du <= mo.z
			    AND (p.valide_au IS NULL OR p.valide_au > mo.a)
			ORDER BY mo.mm, p.identifiant_beneficiaire_salsa,
			    p.index_demande_salsa, p.index_prestation_salsa,
			    p.valide_du <= mo.a DESC, p.valide_du DESC, p.id DESC
		), prevu AS (
			SELECT mm, b, min(sad) AS sad, min(module) AS module,
			    sum(ch) AS ch
			FROM pl GROUP BY mm, b HAVING sum(ch) > 0
		), cand AS (
			-- A case is under the threshold in month m too: those of m
			-- alone are measured over the other months (a few hundred
			-- beneficiaries, not every visit of nmois months grouped).
			SELECT p.b FROM prevu p
			LEFT JOIN (SELECT c.identifiant_beneficiaire_salsa AS b,
				round(sum(c.secondes) / 36.0) AS ch
			    FROM controle_visite c
			    WHERE c.mois = m
				AND c.identifiant_beneficiaire_salsa IS NOT NULL
				AND NOT EXISTS (SELECT 1 FROM controle_motif k
				    WHERE k.horodatage = c.horodatage
				    AND k.code IN ('supprimee', 'doublon'))
			    GROUP BY 1) f ON f.b = p.b
			WHERE p.mm = m AND coalesce(f.ch, 0) < s_tg * p.ch
		), fait AS (
			SELECT c.mois AS mm, c.identifiant_beneficiaire_salsa AS b,
			    round(sum(c.secondes) / 36.0) AS ch
			FROM controle_visite c
			WHERE c.mois BETWEEN mc0 AND m
			    AND c.identifiant_beneficiaire_salsa IN (SELECT b FROM cand)
			    AND NOT EXISTS (SELECT 1 FROM controle_motif k
				WHERE k.horodatage = c.horodatage
				AND k.code IN ('supprimee', 'doublon'))
			GROUP BY 1, 2
		), h AS (
			SELECT p.b, min(p.sad) AS sad, min(p.module) AS module,
			    sum(coalesce(f.ch, 0)) / sum(p.ch) AS taux
			FROM prevu p JOIN cand ON cand.b = p.b
			LEFT JOIN fait f ON f.mm = p.mm AND f.b = p.b
			GROUP BY p.b
			HAVING count(*) = nmois
			    AND bool_and(coalesce(f.ch, 0) < s_tg * p.ch)
		)
		SELECT 'F8', h.b, h.sad, m, '', m, round(h.taux, 4), s_tg,
		    'TG : ' || alerte_pct(h.taux) || ' des heures du plan d''aide '
		    'réalisées, sous le seuil de ' || alerte_pct(s_tg) ||
		    CASE WHEN nmois > 1 THEN ' chacun des ' || nmois ||
			' mois de ' || mc0 || ' à ' || m
		    ELSE ' en ' || m END,
		    'TG', h.module
		FROM h;
	END IF;

	-- F9: visits of the month by a SAD that none of the beneficiary's TG
	-- plan lines names (the checks' sad_hors_plan), for a beneficiary
	-- who has TG plan lines.
	IF natures IS NULL OR 'F9' = ANY (natures) THEN
		INSERT INTO nv
		SELECT 'F9', c.identifiant_beneficiaire_salsa, c.code_sad, m, '',
		    m, count(*), NULL, count(*) || ' intervention(s) en ' || m ||
		    ' d''un SAD absent des plans d''aide TG du bénéficiaire '
		    '(prestataire non reconnu)', 'TG', min(p.module)
		FROM controle_visite c
		JOIN controle_motif k ON k.horodatage = c.horodatage
		    AND k.code = 'sad_hors_plan'
		JOIN (SELECT DISTINCT ON (p.identifiant_beneficiaire_salsa)
			p.identifiant_beneficiaire_salsa AS b, p.module
		    FROM alerte_plans(r) p WHERE p.dispositif = 'TG'
		    ORDER BY p.identifiant_beneficiaire_salsa, p.id) p
		    ON p.b = c.identifiant_beneficiaire_salsa
		WHERE c.mois = m
		GROUP BY c.identifiant_beneficiaire_salsa, c.code_sad;
	END IF;

	-- F10: visits of the month to a beneficiary whose CESU plan is in
	-- force that day (the checks' cesu_et_tg).
	IF natures IS NULL OR 'F10' = ANY (natures) THEN
		INSERT INTO nv
		SELECT 'F10', c.identifiant_beneficiaire_salsa, c.code_sad, m, '',
		    m, count(*), NULL, count(*) || ' intervention(s) en '
		    'télégestion en ' || m || ' chez un bénéficiaire de CESU '
		    '(plan CESU en cours)', 'TG', (SELECT p.module FROM plan p
			WHERE p.identifiant_beneficiaire_salsa =
			    c.identifiant_beneficiaire_salsa AND p.dispositif = 'CESU'
			ORDER BY p.valide_au IS NULL DESC, p.id DESC LIMIT 1)
		FROM controle_visite c
		JOIN controle_motif k ON k.horodatage = c.horodatage
		    AND k.code = 'cesu_et_tg'
		WHERE c.mois = m
		GROUP BY c.identifiant_beneficiaire_salsa, c.code_sad;
	END IF;

	-- F11: the SAD's correction rate of the month above the threshold,
	-- with the rate of each correction code.
	IF natures IS NULL OR 'F11' = ANY (natures) THEN
		INSERT INTO nv
		SELECT 'F11', NULL, t.code_sad, m, '', m, t.taux, s_corr,
		    'taux de correction ' || alerte_pct(t.taux) || ' (' ||
		    t.corrigees || ' sur ' || t.visites || ' interventions), '
		    'au-dessus du seuil de ' || alerte_pct(s_corr) || coalesce(
		    ' ; par motif : ' || (SELECT string_agg(u.code_correction ||
			' ' || alerte_pct(u.taux), ', ' ORDER BY u.code_correction)
			FROM taux_correction u WHERE u.code_sad = t.code_sad
			AND u.mois = m AND u.code_correction <> ''), ''),
		    'TG', NULL
		FROM taux_correction t
		WHERE t.mois = m AND t.code_correction = '' AND t.taux > s_corr;
	END IF;

	-- F12: titles refunded in the month to an affiliate whose type
	-- contradicts the mode of the beneficiary's CESU plan: emploi direct
	-- (E) cashed by an organisation (M, P), mandataire (M) cashed by an
	-- employee (E).
	IF natures IS NULL OR 'F12' = ANY (natures) THEN
		INSERT INTO nv
		SELECT 'F12', x.identifiant_beneficiaire, NULL, m, '', m,
		    count(*), NULL, count(*) || ' titre(s) remboursé(s) en ' || m ||
		    ' à ' || CASE p.mode_gestion WHEN 'E' THEN
			'un organisme (affilié de type ' || string_agg(DISTINCT
			x.type_affilie, ', ') || ') alors que le plan est en emploi '
			'direct'
		    ELSE 'un salarié (affilié de type E) alors que le plan est '
			'en mode mandataire' END, 'CESU', p.module
		FROM remboursement x
		-- The beneficiary's latest CESU plan line, joined by hash: a
		-- month holds hundreds of thousands of refunds.
		JOIN (SELECT DISTINCT ON (p.identifiant_beneficiaire_salsa)
			p.identifiant_beneficiaire_salsa AS b, p.mode_gestion,
			p.module
		    FROM alerte_plans(r) p WHERE p.dispositif = 'CESU'
		    ORDER BY p.identifiant_beneficiaire_salsa, p.id DESC) p
		    ON p.b = x.identifiant_beneficiaire
		WHERE x.valide_au IS NULL AND x.date_remboursement >= d0
		    AND x.date_remboursement < d1
		    AND ((p.mode_gestion = 'E' AND x.type_affilie IN ('M', 'P'))
			OR (p.mode_gestion = 'M' AND x.type_affilie = 'E'))
		GROUP BY x.identifiant_beneficiaire, p.mode_gestion, p.module;
	END IF;

	-- F13, G1: care ending within ech days of r (the end of rights or of
	-- coverage, the sooner).
	IF natures IS NULL OR 'F13' = ANY (natures) THEN
		INSERT INTO nv
		SELECT 'F13', p.identifiant_beneficiaire_salsa, p.code_tiers_salsa,
		    f.fin::text, p.index_demande_salsa || '/' ||
		    p.index_prestation_salsa, m, f.fin - r, ech,
		    'prestation ' || coalesce(p.code_nomenclature, '') || ' (' ||
		    p.dispositif || ') finissant le ' || f.fin || ', dans ' ||
		    (f.fin - r) || ' jour(s) (échéance à ' || ech || ' jours)',
		    p.dispositif, p.module
		FROM alerte_plans(r) p
		CROSS JOIN LATERAL (SELECT least(coalesce(p.date_fin_droit,
		    'infinity'), coalesce(p.date_fin_prise_en_charge, 'infinity'))
		    AS fin) f
		WHERE f.fin BETWEEN r AND r + ech;
	END IF;

	-- F14, G2: revisions and renewals of the last rev days: a decision or
	-- notification date in them, or a version of the line that changed its
	-- hours, periodicity or end dates.
	IF natures IS NULL OR 'F14' = ANY (natures) THEN
		INSERT INTO nv
		SELECT 'F14', p.identifiant_beneficiaire_salsa, p.code_tiers_salsa,
		    d.quand::text, p.index_demande_salsa || '/' ||
		    p.index_prestation_salsa, m, r - d.quand, rev,
		    CASE WHEN p.code_nature_demande = 'REN' THEN 'renouvellement'
			ELSE 'révision' END || ' de la prestation ' ||
		    coalesce(p.code_nomenclature, '') || ' (' || p.dispositif ||
		    ') : ' || d.quoi || ' (depuis ' || rev || ' jours)',
		    p.dispositif, p.module
		FROM alerte_plans(r) p
		CROSS JOIN LATERAL (SELECT * FROM (VALUES
		    (p.date_decision BETWEEN r - rev AND r, p.date_decision,
			'décision du ' || p.date_decision),
		    (p.date_notification BETWEEN r - rev AND r,
			coalesce(p.date_decision, p.date_notification),
			'notification du ' || p.date_notification),
		    (p.valide_du BETWEEN r - rev AND r AND EXISTS (SELECT 1
			FROM plan a WHERE a.identifiant_beneficiaire_salsa =
			    p.identifiant_beneficiaire_salsa
			AND a.index_demande_salsa IS NOT DISTINCT FROM
			    p.index_demande_salsa
			AND a.index_prestation_salsa IS NOT DISTINCT FROM
			    p.index_prestation_salsa
			AND a.valide_au = p.valide_du AND a.motif_fin = 'modifie'
			AND (a.quantite_prise_en_charge, a.periodicite,
			    a.date_fin_droit, a.date_fin_prise_en_charge)
			    IS DISTINCT FROM (p.quantite_prise_en_charge,
			    p.periodicite, p.date_fin_droit,
			    p.date_fin_prise_en_charge)), p.valide_du,
			'nouvelle version du plan'))
		    v (si, quand, quoi) WHERE v.si AND v.quand IS NOT NULL
		    LIMIT 1) d;
	END IF;

	-- E2, I5: visits of the month called from a number that is neither
	-- the client's (the checks' telephone_incompatible) nor one the plans
	-- give the beneficiary; one case per client.
	IF natures IS NULL OR 'E2' = ANY (natures) THEN
		INSERT INTO nv
		SELECT 'E2', c.identifiant_beneficiaire_salsa, c.code_sad, m,
		    h.code_sad || '/' || h.identifiant_client, m, count(*), NULL,
		    count(*) || ' intervention(s) en ' || m || ' appelée(s) d''un '
		    'numéro qui n''est ni celui du client ni celui du '
		    'bénéficiaire', 'TG', NULL
		FROM controle_visite c
		JOIN controle_motif k ON k.horodatage = c.horodatage
		    AND k.code = 'telephone_incompatible'
		JOIN horodatage h ON h.id = c.horodatage
		WHERE c.mois = m AND NOT EXISTS (SELECT 1 FROM plan p
		    WHERE p.identifiant_beneficiaire_salsa =
			c.identifiant_beneficiaire_salsa
		    AND regexp_replace(h.numero_appelant, '[^0-9]', '', 'g') IN (
			regexp_replace(p.telephone, '[^0-9]', '', 'g'),
			regexp_replace(p.telephone_portable, '[^0-9]', '', 'g')))
		GROUP BY c.identifiant_beneficiaire_salsa, c.code_sad,
		    h.code_sad, h.identifiant_client;
	END IF;

	-- J2: refunds of the month refused for a reason of their title
	-- (cashed twice, stolen, lost, blocked, not handed out, cancelled,
	-- withdrawn, never issued, out of date), and refunds paid for a title cashed after its
	-- validity; one case per title and cause.
	IF natures IS NULL OR 'J2' = ANY (natures) THEN
		SELECT min(x.numero_titre), max(x.numero_titre) INTO lo, hi
		FROM remboursement x
		WHERE x.valide_au IS NULL AND x.date_remboursement >= d0
		    AND x.date_remboursement < d1;
		-- As for F7: the titles' range is no index condition to loop on.
		nl := current_setting('enable_nestloop');
		PERFORM set_config('enable_nestloop', 'off', true);
		INSERT INTO nv
		SELECT 'J2', j.b, NULL, m, j.titre || ' ' || j.cause, m, j.v, NULL,
		    CASE j.cause
			WHEN 'deja_rembourse' THEN 'titre encaissé deux fois'
			WHEN 'double_fichier' THEN 'titre encaissé deux fois (même fichier)'
			WHEN 'vole' THEN 'titre déclaré volé encaissé'
			WHEN 'perdu' THEN 'titre déclaré perdu encaissé'
			WHEN 'annule' THEN 'titre annulé encaissé'
			WHEN 'retire' THEN 'titre retiré de sa commande encaissé'
			WHEN 'jamais_emis' THEN 'titre jamais émis présenté au remboursement'
			WHEN 'perime' THEN 'titre encaissé après sa validité, remboursement refusé'
			WHEN 'bloque' THEN 'titre bloqué (remplacé par une réémission) encaissé'
			WHEN 'non_distribue' THEN 'titre non distribué encaissé'
			WHEN 'tardif' THEN 'titre encaissé après sa validité (' ||
			    j.jours || ' jour(s) de retard), remboursé'
			-- A cause added later still reads, by its code.
			ELSE 'titre refusé au remboursement (' || j.cause || ')' END ||
		    ' (valeur ' || to_char(j.v, 'FM999990.00') || ' €)',
		    'CESU', NULL
		FROM ((
			SELECT DISTINCT ON (x.numero_titre, x.cause)
			    x.identifiant_beneficiaire AS b, x.numero_titre AS titre,
			    x.cause, x.valeur_faciale AS v, NULL::int AS jours
			FROM remboursement_rejete x
			JOIN ingestion i ON i.id = x.ingestion
			WHERE coalesce(x.date_remboursement, i.date_donnees) >= d0
			    AND coalesce(x.date_remboursement, i.date_donnees) < d1
			ORDER BY x.numero_titre, x.cause, x.id
		) UNION ALL (
			SELECT x.identifiant_beneficiaire, x.numero_titre, 'tardif',
			    x.valeur_faciale, x.date_encaissement - t.date_validite
			FROM remboursement x
			JOIN titre t ON t.numero_titre = x.numero_titre
			WHERE x.valide_au IS NULL AND x.date_remboursement >= d0
			    AND x.date_remboursement < d1
			    AND x.date_encaissement > t.date_validite
			    -- Redundant, so that the titles read are those of the
			    -- month's refunds, not every title ever issued.
			    AND t.numero_titre BETWEEN lo AND hi
		)) j;
		PERFORM set_config('enable_nestloop', nl, true);
	END IF;
	INSERT INTO alerte (nature, identifiant_beneficiaire_salsa, code_sad,
	    periode, objet, mois, valeur, seuil, libelle, dispositif, module)
	SELECT * FROM nv ON CONFLICT DO NOTHING;
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END
$f$;
