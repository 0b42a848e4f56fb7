-- Rule file (migrate.c): the live definition; edit here, never in a migration.
-- Since 011, prefacturer() wraps the calculation, named prefacturer_calcul,
-- to keep SALSA's reasons: only the calculation is replaced here.
CREATE OR REPLACE FUNCTION prefacturer_calcul(m text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg
SET work_mem = '64MB' SET jit = off AS $f$
DECLARE
	d0 date := to_date(m || '-01', 'YYYY-MM-DD');
	d1 date := (to_date(m || '-01', 'YYYY-MM-DD') + interval '1 month')::date;
	defaut numeric := param_texte('tarif_horaire_defaut')::numeric;
	tarifs text[] := string_to_array(param_texte('tarifs_horaires_sad'), ' ');
BEGIN
	IF NOT agent_tg() THEN
		RAISE EXCEPTION 'réservé à un agent habilité TG' USING ERRCODE = '42501';
	END IF;
	DROP TABLE IF EXISTS pg_temp.pv, pg_temp.pl, pg_temp.nl, pg_temp.nx;
	PERFORM analyser_perime('controle_visite');
	-- The lines not yet validated (calculee) of the month are computed
	-- again, then written where they differ from those kept (a line kept
	-- keeps its id and calcule_le): the payable visits of the month not
	-- on a line that stays (validated, or of another month).
	CREATE TEMP TABLE pv ON COMMIT DROP AS
	SELECT c.code_sad, c.identifiant_beneficiaire_salsa AS ben, c.plan,
	    c.horodatage, c.secondes, h.code_sad AS code_tg,
	    h.identifiant_intervention
	FROM controle_visite c JOIN horodatage h ON h.id = c.horodatage
	WHERE c.mois = m AND c.payable AND c.plan IS NOT NULL
	    AND NOT EXISTS (SELECT 1 FROM prefacture_visite x
		WHERE x.code_sad_tg = h.code_sad
		AND x.identifiant_intervention = h.identifiant_intervention
		AND NOT EXISTS (SELECT 1 FROM prefacture f
		    WHERE f.id = x.prefacture AND f.mois = m
		    AND f.statut = 'calculee'));
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
	DELETE FROM prefacture_visite x USING nx WHERE x.prefacture = nx.id;
	DELETE FROM prefacture f USING nx WHERE f.id = nx.id;
	INSERT INTO prefacture (code_sad, mois, identifiant_beneficiaire_salsa,
	    code_prestation, plan, rang, visites, secondes, realise_ch,
	    jours_couverts, plan_ch, plafond_ch, deja_facture_ch, facturable_ch,
	    depassement_ch, tarif_cents, origine_tarif, pourcentage_ticket,
	    montant_cents, part_beneficiaire_cents)
	SELECT nl.code_sad, m, nl.identifiant_beneficiaire_salsa,
	    nl.code_prestation, nl.plan, nl.rang, nl.visites, nl.secondes,
	    nl.realise_ch, nl.jours_couverts, nl.plan_ch, nl.plafond_ch,
	    nl.deja_facture_ch, nl.facturable_ch, nl.depassement_ch,
	    nl.tarif_cents, nl.origine_tarif, nl.pourcentage_ticket,
	    nl.montant_cents, nl.part_beneficiaire_cents
	FROM nl WHERE NOT EXISTS (SELECT 1 FROM prefacture f
	    WHERE f.code_sad = nl.code_sad AND f.mois = m
	    AND f.identifiant_beneficiaire_salsa = nl.identifiant_beneficiaire_salsa
	    AND f.plan = nl.plan AND f.rang = nl.rang)
	-- nl's order (the ids as before), sorted: every line is looked up
	-- before the first goes in. Fed row by row, the lookup (a scan of
	-- prefacture, empty by its statistics on a first run) read again
	-- every line just inserted: 8,400 lines, 0.5 s on the Paris month.
	ORDER BY nl.ctid;
	-- The visits of the month's lines likewise.
	DROP TABLE pl;
	CREATE TEMP TABLE pl ON COMMIT DROP AS
	SELECT f.id AS prefacture, pv.code_tg, pv.identifiant_intervention,
	    pv.horodatage, pv.secondes
	FROM pv JOIN prefacture f ON f.code_sad = pv.code_sad AND f.mois = m
	    AND f.identifiant_beneficiaire_salsa = pv.ben AND f.plan = pv.plan
	    AND f.statut = 'calculee';
	DELETE FROM prefacture_visite x USING prefacture f
	WHERE x.prefacture = f.id AND f.mois = m AND f.statut = 'calculee'
	    AND NOT EXISTS (SELECT 1 FROM pl WHERE pl.code_tg = x.code_sad_tg
		AND pl.identifiant_intervention = x.identifiant_intervention
		AND (pl.prefacture, pl.horodatage, pl.secondes)
		= (x.prefacture, x.horodatage, x.secondes));
	-- The visits not yet on their line come, in the order of their ids
	-- (loaded in the order of the SADs' files, near that of the key: the
	-- key's index grows at a few places), not sorted by the key (its text
	-- values share a long prefix: that sort cost as much as the insertion
	-- it spared). A visit of pl can only be on a line of the month not
	-- yet validated (pv left out the others' visits), as it is in pl
	-- (the others went just above): only those lines' visits are read.
	INSERT INTO prefacture_visite (prefacture, code_sad_tg,
	    identifiant_intervention, horodatage, secondes)
	SELECT pl.prefacture, pl.code_tg, pl.identifiant_intervention,
	    pl.horodatage, pl.secondes
	FROM pl WHERE NOT EXISTS (SELECT 1 FROM prefacture_visite x
	    JOIN prefacture f ON f.id = x.prefacture AND f.mois = m
		AND f.statut = 'calculee'
	    WHERE x.code_sad_tg = pl.code_tg
	    AND x.identifiant_intervention = pl.identifiant_intervention)
	ORDER BY pl.horodatage;
	RETURN (SELECT count(*) FROM nl);
END
$f$;
