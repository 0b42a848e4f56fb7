-- Rule file (migrate.c): the live definition; edit here, never in a migration.
-- A month's pre-invoice reads that month's checks and lines alone, by
-- index, and looks its visits up by key, whatever the months the ledger
-- holds (issue 11).
-- Since 011, prefacturer() wraps the calculation, named prefacturer_calcul,
-- to keep SALSA's reasons: only the calculation is replaced here.
-- The calculation of month m for all SADs (sads NULL), the SADs listed
-- (sauf false) or all others (sauf true): every line is a SAD's, and reads
-- only that SAD's visits and lines, so two sessions compute two parts at
-- once (registre prefacture calculer), each committed as soon as it is
-- done: one the SADs listed, the other, which holds the month's lock, all
-- the others (a SAD missing from the list, its first visits checked since
-- the list was made, is not left out). The audited writes (the lines
-- themselves) come last, after the visits of the lines (numbered
-- beforehand): audit_ecrire locks the audit's head until commit, so the
-- session of all the others (sauf) waits for the other's commit before its
-- own.
CREATE OR REPLACE FUNCTION prefacturer_calcul(m text, sads text[],
    sauf boolean) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg
SET work_mem = '64MB' SET jit = off SET max_parallel_workers_per_gather = 0
AS $f$
DECLARE
	d0 date := to_date(m || '-01', 'YYYY-MM-DD');
	d1 date := (to_date(m || '-01', 'YYYY-MM-DD') + interval '1 month')::date;
	defaut numeric := param_texte('tarif_horaire_defaut')::numeric;
	tarifs text[] := string_to_array(param_texte('tarifs_horaires_sad'), ' ');
	nhors bigint;
	npv bigint;
BEGIN
	IF NOT agent_tg() THEN
		RAISE EXCEPTION 'réservé à un agent habilité TG' USING ERRCODE = '42501';
	END IF;
	DROP TABLE IF EXISTS pg_temp.pv, pg_temp.ya, pg_temp.pl, pg_temp.nl,
	    pg_temp.nx, pg_temp.ni, pg_temp.li;
	-- (Parts: analysed by prefacturer_statistiques, committed before
	-- they run.)
	IF sads IS NULL THEN
		PERFORM analyser_perime('controle_visite');
	END IF;
	-- The lines not yet validated (calculee) of the month are computed
	-- again, then written where they differ from those kept (a line kept
	-- keeps its id and calcule_le): the payable visits of the month not
	-- on a line that stays (validated, or of another month), each with
	-- the SAD of the line it is on, if any (sad_ligne), and that row
	-- (x_*). The month's checks alone, with their visits' keys (023), not
	-- joined with every visit of the ledger. A visit's row is sought
	-- among those of the month's lines not yet validated (mx: by the
	-- lines, the index prefacture_visite_ligne), then, not found there
	-- (x_ligne null): a few (a rerun: the late visits) by their key, one
	-- probe each; many (a first computation) among the rows of their TG
	-- code between the least and the greatest key of those visits (an
	-- index range: the SADs number their visits in order, so the range
	-- holds that month's keys, and whatever lies between; 205,000 probes
	-- cost 0.36 s of CPU). Not in a hash of every month's rows.
	CREATE TEMP TABLE pv ON COMMIT DROP AS
	WITH mx AS (SELECT f.code_sad, x.* FROM prefacture f
	    CROSS JOIN LATERAL (SELECT x.prefacture, x.code_sad_tg,
		x.identifiant_intervention, x.horodatage, x.secondes
		FROM prefacture_visite x WHERE x.prefacture = f.id OFFSET 0) x
	    WHERE f.mois = m AND f.statut = 'calculee')
	SELECT c.code_sad, c.identifiant_beneficiaire_salsa AS ben, c.plan,
	    c.horodatage, c.secondes, c.code_sad_tg AS code_tg,
	    c.identifiant_intervention, x.code_sad AS sad_ligne,
	    x.prefacture AS x_ligne, x.horodatage AS x_horodatage,
	    x.secondes AS x_secondes
	FROM controle_visite c
	LEFT JOIN mx x ON x.code_sad_tg = c.code_sad_tg
	    AND x.identifiant_intervention = c.identifiant_intervention
	WHERE c.mois = m AND c.payable AND c.plan IS NOT NULL
	    AND (sads IS NULL OR (c.code_sad = ANY (sads)) <> sauf);
	SELECT count(*) FILTER (WHERE x_ligne IS NULL), count(*) INTO nhors,
	    npv FROM pv;
	IF nhors * 20 < npv THEN
		DELETE FROM pv WHERE pv.x_ligne IS NULL AND EXISTS (SELECT 1
		    FROM (SELECT 1 FROM prefacture_visite y
			WHERE y.code_sad_tg = pv.code_tg
			AND y.identifiant_intervention = pv.identifiant_intervention
			LIMIT 1) y);
	ELSE
		CREATE TEMP TABLE ya ON COMMIT DROP AS
		SELECT y.code_sad_tg, y.identifiant_intervention
		FROM (SELECT code_tg, min(identifiant_intervention) AS de,
		    max(identifiant_intervention) AS a FROM pv
		    WHERE x_ligne IS NULL GROUP BY code_tg) r
		CROSS JOIN LATERAL (SELECT y.code_sad_tg,
		    y.identifiant_intervention FROM prefacture_visite y
		    WHERE y.code_sad_tg = r.code_tg
		    AND y.identifiant_intervention BETWEEN r.de AND r.a
		    OFFSET 0) y;
		-- (None at a month's first computation.)
		IF EXISTS (SELECT 1 FROM ya) THEN
			DELETE FROM pv USING ya y WHERE pv.x_ligne IS NULL
			    AND pv.code_tg = y.code_sad_tg
			    AND pv.identifiant_intervention
				= y.identifiant_intervention;
		END IF;
	END IF;
	-- A visit of these SADs on a line of a SAD of the other part (moved
	-- since): both sessions would write its row, each waiting for the
	-- other. Refused (CT001) before anything is written: registre then
	-- computes the month in one session.
	IF sads IS NOT NULL AND EXISTS (SELECT 1 FROM pv
	    WHERE (pv.sad_ligne = ANY (sads)) = sauf) THEN
		RAISE EXCEPTION 'une intervention pré-facturée a changé de SAD : '
		    'pré-facture du mois en une session' USING ERRCODE = 'CT001';
	END IF;
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
	    coalesce(k.rang, 0) AS rang, coalesce(k.deja, 0)::bigint AS deja
	FROM (SELECT code_sad, ben, plan, count(*) AS visites,
		sum(secondes)::bigint AS secondes,
		round(sum(secondes) / 36.0)::bigint AS realise
	    FROM pv GROUP BY code_sad, ben, plan) g
	JOIN plan p ON p.id = g.plan
	-- The validated lines of the month, grouped once: looked up line by
	-- line, through the (mois, code_sad) index, each read all its SAD's
	-- lines (0.6 s on a rerun of the Paris month).
	LEFT JOIN (SELECT f.code_sad, f.identifiant_beneficiaire_salsa AS ben,
		f.plan, max(f.rang) + 1 AS rang, sum(f.facturable_ch) AS deja
	    FROM prefacture f WHERE f.mois = m AND f.statut <> 'calculee'
		AND (sads IS NULL OR (f.code_sad = ANY (sads)) <> sauf)
	    GROUP BY 1, 2, 3) k
	    ON k.code_sad = g.code_sad AND k.ben = g.ben AND k.plan = g.plan;
	CREATE TEMP TABLE nl ON COMMIT DROP AS
	SELECT code_sad, ben AS identifiant_beneficiaire_salsa,
	    code_nomenclature AS code_prestation, plan, rang, visites,
	    secondes, realise AS realise_ch, jours AS jours_couverts, plan_ch,
	    plafond_ch, deja AS deja_facture_ch, facturable AS facturable_ch,
	    realise - facturable AS depassement_ch,
	    round(tarif * 100)::bigint AS tarif_cents, origine AS origine_tarif,
	    f15::numeric(9,2) AS pourcentage_ticket,
	    CASE WHEN origine = 'plan' THEN round(facturable * tarif)
	    ELSE round(facturable * tarif * (100 - coalesce(f15, 0)) / 100)
	    END::bigint AS montant_cents,
	    round(facturable * f55)::bigint AS part_beneficiaire_cents
	FROM (SELECT pl.*, x.plan_ch, x.plafond_ch,
		least(realise, greatest(x.plafond_ch - deja, 0)) AS facturable,
		coalesce(f54, tarif_sad, defaut) AS tarif,
		CASE WHEN f54 IS NOT NULL THEN 'plan' WHEN tarif_sad IS NOT NULL
		THEN 'sad' ELSE 'defaut' END AS origine
	    FROM pl CROSS JOIN LATERAL (SELECT
		heures_mois(q12, periodicite, jours, d1 - d0) AS plan_ch,
		heures_mois(CASE WHEN derog THEN coalesce(q13, q12) ELSE q12 END,
		    periodicite, jours, d1 - d0) AS plafond_ch) x) y;
	-- A line computed as it is kept stays; the others go, their visits
	-- first, and the new ones come (row by row audited, as before).
	CREATE TEMP TABLE nx ON COMMIT DROP AS
	SELECT f.id FROM prefacture f WHERE f.mois = m AND f.statut = 'calculee'
	    AND (sads IS NULL OR (f.code_sad = ANY (sads)) <> sauf)
	    AND NOT EXISTS (SELECT 1 FROM nl WHERE nl.code_sad = f.code_sad
		AND nl.identifiant_beneficiaire_salsa
		    = f.identifiant_beneficiaire_salsa
		AND nl.plan = f.plan AND nl.rang = f.rang
		AND (nl.code_prestation, nl.visites, nl.secondes, nl.realise_ch,
		nl.jours_couverts, nl.plan_ch, nl.plafond_ch,
		nl.deja_facture_ch, nl.facturable_ch, nl.depassement_ch,
		nl.tarif_cents, nl.origine_tarif, nl.pourcentage_ticket,
		nl.montant_cents, nl.part_beneficiaire_cents)
		IS NOT DISTINCT FROM
		(f.code_prestation, f.visites, f.secondes, f.realise_ch,
		f.jours_couverts, f.plan_ch, f.plafond_ch, f.deja_facture_ch,
		f.facturable_ch, f.depassement_ch, f.tarif_cents,
		f.origine_tarif, f.pourcentage_ticket, f.montant_cents,
		f.part_beneficiaire_cents));
	-- The new lines (no line of the same key stays), numbered in nl's
	-- order, as inserted before: their visits go in first.
	CREATE TEMP TABLE ni ON COMMIT DROP AS
	SELECT nextval('prefacture_id_seq') AS id, n.* FROM (SELECT nl.*
	    FROM nl WHERE NOT EXISTS (SELECT 1 FROM prefacture f
		WHERE f.code_sad = nl.code_sad AND f.mois = m
		AND f.identifiant_beneficiaire_salsa
		    = nl.identifiant_beneficiaire_salsa
		AND f.plan = nl.plan AND f.rang = nl.rang
		AND NOT EXISTS (SELECT 1 FROM nx WHERE nx.id = f.id))
	    ORDER BY nl.ctid) n;
	-- (nx by an array: a join may read the whole table, or its index.)
	DELETE FROM prefacture_visite x
	WHERE x.prefacture = ANY (ARRAY(SELECT id FROM nx));
	-- The visits of the month's lines likewise: the lines not yet
	-- validated, once written, are those kept and the new ones.
	-- (Analysed: estimated at a row, they were joined to pv by merging
	-- two sorts of text keys, at three times the cost of a hash join.)
	CREATE TEMP TABLE li ON COMMIT DROP AS
	SELECT f.id, f.code_sad, f.identifiant_beneficiaire_salsa AS ben, f.plan
	FROM prefacture f WHERE f.mois = m AND f.statut = 'calculee'
	    AND (sads IS NULL OR (f.code_sad = ANY (sads)) <> sauf)
	    AND NOT EXISTS (SELECT 1 FROM nx WHERE nx.id = f.id)
	UNION ALL
	SELECT id, code_sad, identifiant_beneficiaire_salsa, plan FROM ni;
	ANALYZE li;
	DROP TABLE pl;
	CREATE TEMP TABLE pl ON COMMIT DROP AS
	SELECT li.id AS prefacture, pv.code_tg, pv.identifiant_intervention,
	    pv.horodatage, pv.secondes, (pv.x_ligne, pv.x_horodatage,
	    pv.x_secondes) IS NOT DISTINCT FROM (li.id, pv.horodatage,
	    pv.secondes) AS garde
	FROM pv JOIN li ON li.code_sad = pv.code_sad AND li.ben = pv.ben
	    AND li.plan = pv.plan;
	DELETE FROM prefacture_visite x USING prefacture f
	WHERE x.prefacture = f.id AND f.mois = m AND f.statut = 'calculee'
	    AND (sads IS NULL OR (f.code_sad = ANY (sads)) <> sauf)
	    AND NOT EXISTS (SELECT 1 FROM pl WHERE pl.code_tg = x.code_sad_tg
		AND pl.identifiant_intervention = x.identifiant_intervention
		AND (pl.prefacture, pl.horodatage, pl.secondes)
		= (x.prefacture, x.horodatage, x.secondes));
	-- The visits not yet on their line come, in the order of their ids
	-- (loaded in the order of the SADs' files, near that of the key: the
	-- key's index grows at a few places), not sorted by the key (its text
	-- values share a long prefix: that sort cost as much as the insertion
	-- it spared). A visit of pv is on no line but one of the month's not
	-- yet validated, and then only on its own line as it is in pl (the
	-- others' went just above; a part refused one on the other part's):
	-- its row stays only if pv found it as pl has it (garde), not sought
	-- again among all the ledger's rows.
	INSERT INTO prefacture_visite (prefacture, code_sad_tg,
	    identifiant_intervention, horodatage, secondes)
	SELECT pl.prefacture, pl.code_tg, pl.identifiant_intervention,
	    pl.horodatage, pl.secondes
	FROM pl WHERE NOT pl.garde
	ORDER BY pl.horodatage;
	-- The audited writes: the lines that go (row by row audited), then
	-- the new ones (audited once).
	IF sauf THEN
		PERFORM verrouiller('prefacture_partie');
	END IF;
	DELETE FROM prefacture f WHERE f.id = ANY (ARRAY(SELECT id FROM nx));
	INSERT INTO prefacture (id, code_sad, mois,
	    identifiant_beneficiaire_salsa, code_prestation, plan, rang, visites,
	    secondes, realise_ch, jours_couverts, plan_ch, plafond_ch,
	    deja_facture_ch, facturable_ch, depassement_ch, tarif_cents,
	    origine_tarif, pourcentage_ticket, montant_cents,
	    part_beneficiaire_cents)
	SELECT ni.id, ni.code_sad, m, ni.identifiant_beneficiaire_salsa,
	    ni.code_prestation, ni.plan, ni.rang, ni.visites, ni.secondes,
	    ni.realise_ch, ni.jours_couverts, ni.plan_ch, ni.plafond_ch,
	    ni.deja_facture_ch, ni.facturable_ch, ni.depassement_ch,
	    ni.tarif_cents, ni.origine_tarif, ni.pourcentage_ticket,
	    ni.montant_cents, ni.part_beneficiaire_cents
	FROM ni ORDER BY ni.id;
	RETURN (SELECT count(*) FROM nl);
END
$f$;

-- All SADs in one session (prefacturer() of 011).
CREATE OR REPLACE FUNCTION prefacturer_calcul(m text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg AS $f$
BEGIN
	RETURN prefacturer_calcul(m, NULL, false);
END
$f$;
REVOKE EXECUTE ON FUNCTION prefacturer_calcul(text, text[], boolean)
    FROM PUBLIC;

-- The statistics the parts plan with, committed before they run (a
-- session does not see those another has not committed).
CREATE OR REPLACE FUNCTION prefacturer_statistiques() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg AS $f$
BEGIN
	IF NOT agent_tg() THEN
		RAISE EXCEPTION 'réservé à un agent habilité TG' USING ERRCODE = '42501';
	END IF;
	PERFORM analyser_perime('controle_visite');
END
$f$;

-- The SADs of month m in n parts of about as many visits (weights only:
-- the visits counted for the correction rate, one row per SAD, not a scan
-- of the month's checks); the SADs with lines of the month are in a part
-- too. Made beside prefacturer_statistiques, before the month's lock is
-- taken: the last part is computed as all SADs but the others
-- (prefacturer_calcul), so that none is left out.
CREATE OR REPLACE FUNCTION prefacturer_parts(m text, n integer)
RETURNS SETOF text[]
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg AS $f$
BEGIN
	IF NOT agent_tg() THEN
		RAISE EXCEPTION 'réservé à un agent habilité TG' USING ERRCODE = '42501';
	END IF;
	RETURN QUERY SELECT repartir(n, array_agg(y.sad), array_agg(y.w))
	FROM (SELECT code_sad AS sad, visites AS w FROM taux_correction
		WHERE mois = m AND code_correction = ''
		UNION ALL SELECT DISTINCT code_sad, 0 FROM prefacture
		WHERE mois = m) y;
END
$f$;

-- A part of the month (sads NULL: all of it), SALSA's reasons kept: a
-- line that replaces a rejected one (same SAD, month, beneficiary and plan
-- line) keeps its reason, as 011's prefacturer() did.
CREATE OR REPLACE FUNCTION prefacturer_partie(m text, sads text[],
    sauf boolean) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg AS $f$
DECLARE
	n bigint;
BEGIN
	DROP TABLE IF EXISTS pg_temp.rs;
	CREATE TEMP TABLE rs ON COMMIT DROP AS
	SELECT code_sad, identifiant_beneficiaire_salsa AS ben, plan,
	    rejet_salsa, facture_rejetee FROM prefacture
	WHERE mois = m AND statut = 'calculee' AND rejet_salsa IS NOT NULL
	    AND (sads IS NULL OR (code_sad = ANY (sads)) <> sauf);
	n := prefacturer_calcul(m, sads, sauf);
	UPDATE prefacture f SET rejet_salsa = r.rejet_salsa,
	    facture_rejetee = r.facture_rejetee
	FROM rs r WHERE f.mois = m AND f.statut = 'calculee'
	    AND f.code_sad = r.code_sad AND f.identifiant_beneficiaire_salsa = r.ben
	    AND f.plan = r.plan AND f.rejet_salsa IS NULL;
	DROP TABLE rs;
	RETURN n;
END
$f$;
REVOKE EXECUTE ON FUNCTION prefacturer_statistiques(), prefacturer_parts(text,
    integer), prefacturer_partie(text, text[], boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION prefacturer_statistiques(), prefacturer_parts(text,
    integer), prefacturer_partie(text, text[], boolean) TO cesutg_agent;

-- The whole month in one session (registre prefacture calculer's
-- fallback, and the agents' SQL entry point since 011): the part of all
-- SADs, no longer a copy of its body.
CREATE OR REPLACE FUNCTION prefacturer(m text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg AS $f$
BEGIN
	RETURN prefacturer_partie(m, NULL, false);
END
$f$;
