-- Rule file (migrate.c): the live definition; edit here, never in a migration.
-- The checked visits of month m but the deleted ones (SUP), with what
-- the dashboards count; inlined by the planner (plain SQL, no SET).
CREATE OR REPLACE FUNCTION tab_visites(m text)
RETURNS TABLE (code_sad text, cc text, mode_saisie text,
    identifiant_intervenant text, ben text, secondes bigint, payable boolean,
    tel boolean)
LANGUAGE sql STABLE AS $f$
	SELECT c.code_sad, h.code_correction, h.mode_saisie,
	    h.identifiant_intervenant, c.identifiant_beneficiaire_salsa,
	    c.secondes, c.payable, k.horodatage IS NOT NULL
	FROM cesutg.controle_visite c
	JOIN cesutg.horodatage h ON h.id = c.horodatage
	    -- Redundant: the month's visits by the primary key's range, not
	    -- every visit ever loaded. The bounds from the month's own rows
	    -- (+ 0: not by walking the key from its end, through every
	    -- other month).
	    AND h.id BETWEEN (SELECT min(k.horodatage + 0)
		FROM cesutg.controle_visite k WHERE k.mois = m)
		AND (SELECT max(k.horodatage + 0)
		FROM cesutg.controle_visite k WHERE k.mois = m)
	LEFT JOIN cesutg.controle_motif k ON k.horodatage = c.horodatage
	    AND k.code = 'telephone_incompatible'
	WHERE c.mois = m AND h.code_correction IS DISTINCT FROM 'SUP'
$f$;

-- I1: activity and money by aid (plan module) and month, twelve months;
-- the month's figures first. A CESU title's aid is the module of its
-- beneficiary's CESU plan line (the current one, else the latest).
CREATE OR REPLACE FUNCTION tableau_direction(m text) RETURNS SETOF ligne_tableau
LANGUAGE plpgsql STABLE SET search_path = cesutg SET jit = off
    SET enable_nestloop = off AS $f$
DECLARE
	pg text := 'Tableau de direction (I1), 12 mois jusqu''à ' || m;
	cesu boolean := tab_lit('commande', 'remboursement');
	d0 date := (m || '-01')::date - interval '11 months';
	d1 date := (m || '-01')::date + interval '1 month';
BEGIN
	RETURN QUERY SELECT pg, 'Chiffres du mois ' || m, 'tableau', t.s, 'mois',
	    t.v, t.u
	FROM (SELECT coalesce(sum(realise_ch), 0) AS r,
		coalesce(sum(facturable_ch), 0) AS h,
		coalesce(sum(montant_cents), 0) AS e,
		coalesce(sum(montant_cents) FILTER (WHERE statut =
		    'validee_departement'), 0) AS ev,
		count(DISTINCT identifiant_beneficiaire_salsa) AS nb,
		count(DISTINCT code_sad) AS ns
	    FROM prefacture WHERE mois = m) f
	CROSS JOIN LATERAL (VALUES
	    (1, 'Heures TG réalisées (pré-facture)', f.r / 100.0, 'h'),
	    (2, 'Heures TG pré-facturées', f.h / 100.0, 'h'),
	    (3, 'Montant TG pré-facturé', f.e / 100.0, 'EUR'),
	    (4, 'dont validé par le Département (facturé)', f.ev / 100.0, 'EUR'),
	    (5, 'Bénéficiaires servis en télégestion', f.nb::numeric, 'nombre'),
	    (6, 'SAD pré-facturant', f.ns::numeric, 'nombre')) t(o, s, v, u)
	ORDER BY t.o;
	IF cesu THEN
		RETURN QUERY SELECT pg, 'Chiffres du mois ' || m, 'tableau', t.s,
		    'mois', t.v, t.u
		FROM (VALUES
		    (1, 'CESU émis (valeur faciale)', (SELECT coalesce(sum(
			c.nombre_titres * c.valeur_unitaire), 0) FROM commande c
			WHERE c.valide_au IS NULL AND coalesce(c.mois_reference,
			to_char(c.date_commande, 'YYYY-MM')) = m), 'EUR'),
		    (2, 'CESU remboursés', (SELECT coalesce(sum(r.valeur_faciale), 0)
			FROM remboursement r WHERE r.valide_au IS NULL
			AND r.date_remboursement >= (m || '-01')::date
			AND r.date_remboursement < d1), 'EUR')
		) t(o, s, v, u) ORDER BY t.o;
	END IF;
	RETURN QUERY WITH f AS (
		SELECT f.mois, p.module, sum(f.realise_ch) AS r,
		    sum(f.montant_cents) AS e
		FROM prefacture f JOIN plan p ON p.id = f.plan
		WHERE f.mois IN (SELECT mois FROM tab_mois12(m))
		GROUP BY f.mois, p.module
	), a AS (SELECT DISTINCT module FROM f), g AS (
		SELECT x.mois, a.module, coalesce(f.r, 0) AS r, coalesce(f.e, 0) AS e
		FROM tab_mois12(m) x CROSS JOIN a
		LEFT JOIN f ON f.mois = x.mois AND f.module = a.module
	)
	SELECT pg, 'Heures TG réalisées par aide', 'groupes', g.module, g.mois,
	    g.r / 100.0, 'h' FROM g
	UNION ALL
	SELECT pg, 'Montant TG pré-facturé par aide', 'groupes', g.module,
	    g.mois, g.e / 100.0, 'EUR' FROM g
	ORDER BY 2, 5, 4;
	-- Refunds summed per beneficiary and month first: one pass, few rows.
	RETURN QUERY WITH aide AS MATERIALIZED (
		SELECT DISTINCT ON (p.identifiant_beneficiaire_salsa)
		    p.identifiant_beneficiaire_salsa AS ben, p.module
		FROM plan p WHERE cesu AND p.dispositif = 'CESU'
		ORDER BY p.identifiant_beneficiaire_salsa,
		    p.valide_au IS NULL DESC, p.id DESC
	), rb AS MATERIALIZED (
		SELECT date_trunc('month', r.date_remboursement) AS d,
		    r.identifiant_beneficiaire AS ben, sum(r.valeur_faciale) AS v
		FROM remboursement r
		WHERE cesu AND r.valide_au IS NULL AND r.date_remboursement >= d0
		    AND r.date_remboursement < d1
		GROUP BY 1, 2
	), r AS (
		SELECT to_char(rb.d, 'YYYY-MM') AS mois,
		    coalesce(a.module, '?') AS module, sum(rb.v) AS v
		FROM rb LEFT JOIN aide a ON a.ben = rb.ben GROUP BY 1, 2
	), e AS (
		SELECT coalesce(c.mois_reference, to_char(c.date_commande,
		    'YYYY-MM')) AS mois, coalesce(a.module, '?') AS module,
		    sum(c.nombre_titres * c.valeur_unitaire) AS v
		FROM commande c LEFT JOIN aide a ON a.ben = c.matricule_salarie
		WHERE cesu AND c.valide_au IS NULL AND coalesce(c.mois_reference,
		    to_char(c.date_commande, 'YYYY-MM')) IN
		    (SELECT mois FROM tab_mois12(m))
		GROUP BY 1, 2
	), a AS (SELECT module FROM e UNION SELECT module FROM r),
	x AS (SELECT * FROM tab_mois12(m))
	SELECT pg, 'CESU émis par aide (valeur faciale)', 'groupes',
	    a.module, x.mois, coalesce(e.v, 0), 'EUR'
	FROM x CROSS JOIN a
	LEFT JOIN e ON e.mois = x.mois AND e.module = a.module
	UNION ALL
	SELECT pg, 'CESU remboursés par aide', 'groupes',
	    a.module, x.mois, coalesce(r.v, 0), 'EUR'
	FROM x CROSS JOIN a
	LEFT JOIN r ON r.mois = x.mois AND r.module = a.module
	UNION ALL
	SELECT pg, 'Bénéficiaires servis', 'courbes', 'TG', x.mois,
	    (SELECT count(DISTINCT f.identifiant_beneficiaire_salsa)
		FROM prefacture f WHERE f.mois = x.mois)::numeric, 'nombre'
	FROM x
	UNION ALL
	SELECT pg, 'Bénéficiaires servis', 'courbes', 'CESU', x.mois,
	    (SELECT count(*) FROM rb WHERE to_char(rb.d, 'YYYY-MM') = x.mois)::numeric,
	    'nombre'
	FROM x WHERE cesu
	ORDER BY 2 DESC, 5, 4;
END
$f$;

-- I2, I5: one page per SAD the caller may read, month m.
CREATE OR REPLACE FUNCTION tableau_sad(m text) RETURNS SETOF ligne_tableau
LANGUAGE plpgsql STABLE SET search_path = cesutg SET jit = off
    SET enable_nestloop = off AS $f$
DECLARE
	d0 date := (m || '-01')::date;
	d1 date := ((m || '-01')::date + interval '1 month')::date;
	codes text[] := string_to_array(tab_param('codes_correction'), ' ');
BEGIN
	RETURN QUERY WITH v AS (
		SELECT * FROM tab_visites(m)
	), dis AS (
		-- Distinct beneficiaries and intervenants by hashing, not sorting.
		SELECT code_sad, count(*) FILTER (WHERE k = 1) AS nben,
		    count(*) FILTER (WHERE k = 2) AS nint
		FROM (SELECT DISTINCT code_sad, 1 AS k, ben AS x FROM v
			WHERE ben IS NOT NULL
		    UNION ALL SELECT DISTINCT code_sad, 2, identifiant_intervenant
		    FROM v) d
		GROUP BY code_sad
	), a AS (
		SELECT v.code_sad, count(*) AS n,
		    count(*) FILTER (WHERE v.payable) AS np,
		    count(*) FILTER (WHERE v.tel) AS ntel,
		    min(dis.nben) AS nben, min(dis.nint) AS nint,
		    round(sum(v.secondes) / 36.0) AS r,
		    round(coalesce(sum(v.secondes) FILTER (WHERE v.payable), 0) / 36.0)
			AS rp
		FROM v JOIN dis ON dis.code_sad = v.code_sad GROUP BY v.code_sad
	), md AS (
		SELECT code_sad, mode_saisie, count(*) FILTER (WHERE cc IS NULL) AS auto,
		    count(*) FILTER (WHERE cc IS NOT NULL) AS corr
		FROM v GROUP BY code_sad, mode_saisie
	), f AS (
		SELECT code_sad, sum(realise_ch) AS r, sum(facturable_ch) AS h,
		    coalesce(sum(facturable_ch) FILTER (WHERE statut =
			'validee_departement'), 0) AS hv,
		    sum(montant_cents) AS e
		FROM prefacture WHERE mois = m GROUP BY code_sad
	), ev AS (
		SELECT tab_sad(e.code_sad) AS code_sad, count(*) AS n
		FROM evenement_sad e WHERE e.valide_au IS NULL
		    AND e.instant_declaration >= d0 AND e.instant_declaration < d1
		GROUP BY 1
	), vus AS (
		-- The pairs visited, hashed: the anti-join then probes a few
		-- thousand pairs, not a sort of every visit of the month.
		SELECT DISTINCT c.code_sad, c.identifiant_beneficiaire_salsa AS ben
		FROM controle_visite c WHERE c.mois = m
	), sans AS (
		SELECT p.code_tiers_salsa AS code_sad,
		    p.identifiant_beneficiaire_salsa AS ben,
		    min(p.nom_beneficiaire || ' ' || p.prenom_beneficiaire) AS nom,
		    sum(heures_mois(p.quantite_prise_en_charge, p.periodicite,
			greatest(0, least(p.d1 - 1, coalesce(p.date_fin_droit, 'infinity'),
			coalesce(p.date_fin_prise_en_charge, 'infinity'))
			- greatest(p.d0, p.date_debut_droit, p.date_debut_prise_en_charge)
			+ 1), p.d1 - p.d0)) AS plan_ch
		FROM tab_plan_lignes(m, m) p
		WHERE p.dispositif = 'TG'
		    AND coalesce(p.date_debut_prise_en_charge, '-infinity') < p.d1
		    AND coalesce(p.date_fin_prise_en_charge, 'infinity') >= p.d0
		    AND NOT EXISTS (SELECT 1 FROM vus c
			WHERE c.code_sad = p.code_tiers_salsa
			AND c.ben = p.identifiant_beneficiaire_salsa)
		GROUP BY 1, 2
	), ns AS (
		SELECT code_sad, count(*) AS n FROM sans GROUP BY 1
	), t AS (
		SELECT * FROM taux_correction WHERE mois = m
	), s AS (
		SELECT s.code, 'SAD ' || s.code || coalesce(' — ' || s.nom, '')
		    || ', ' || m AS pg
		FROM sad s
		WHERE s.code IN (SELECT code_sad FROM a UNION SELECT code_sad FROM f
		    UNION SELECT code_sad FROM sans)
	), x AS (
		SELECT s.code, 1 AS o, 'Heures du mois' AS sec, 'barres' AS fo,
		    'heures' AS se, y.k AS cat, y.val, 'h' AS u, y.n, 1 AS nse
		FROM s LEFT JOIN a ON a.code_sad = s.code
		LEFT JOIN f ON f.code_sad = s.code
		CROSS JOIN LATERAL (VALUES
		    (1, 'réalisées', coalesce(a.r, 0) / 100.0),
		    (2, 'payables', coalesce(a.rp, 0) / 100.0),
		    (3, 'pré-facturées', coalesce(f.h, 0) / 100.0),
		    (4, 'validées', coalesce(f.hv, 0) / 100.0)) y(n, k, val)
		UNION ALL
		-- Correction rate per code and overall (threshold in the title).
		SELECT t.code_sad, 2, 'Taux de correction (%), seuil '
		    || trim_scale(round(t.seuil * 100, 2)) || ' %', 'barres', 'taux',
		    coalesce(nullif(t.code_correction, ''), 'tous codes'),
		    t.taux * 100, '%', coalesce(array_position(codes,
			nullif(t.code_correction, '')), 99), 1
		FROM t
		UNION ALL
		-- I5: automatic and corrected visits by entry mode.
		SELECT md.code_sad, 3, 'Interventions par mode de saisie', 'groupes',
		    y.se, md.mode_saisie, y.val, 'nombre', 0, y.nse
		FROM md CROSS JOIN LATERAL (VALUES ('automatiques', md.auto, 1),
		    ('corrigées', md.corr, 2)) y(se, val, nse)
		UNION ALL
		SELECT s.code, 0, 'Indicateurs du mois', 'tableau', y.k, 'mois',
		    y.val, y.u, y.n, 1
		FROM s LEFT JOIN a ON a.code_sad = s.code
		LEFT JOIN f ON f.code_sad = s.code
		LEFT JOIN ev ON ev.code_sad = s.code
		LEFT JOIN ns ON ns.code_sad = s.code
		LEFT JOIN t ON t.code_sad = s.code AND t.code_correction = ''
		CROSS JOIN LATERAL (VALUES
		    (1, 'Interventions', coalesce(a.n, 0), 'nombre'),
		    (2, 'Interventions payables', coalesce(a.np, 0), 'nombre'),
		    (3, 'Téléphones incompatibles', coalesce(a.ntel, 0), 'nombre'),
		    (4, 'Événements transmis au Département', coalesce(ev.n, 0),
			'nombre'),
		    (5, 'Bénéficiaires servis', coalesce(a.nben, 0), 'nombre'),
		    (6, 'Intervenants actifs', coalesce(a.nint, 0), 'nombre'),
		    (7, 'Bénéficiaires du plan sans intervention', coalesce(ns.n, 0),
			'nombre'),
		    (8, 'Heures réalisées (pré-facture)', coalesce(f.r, 0) / 100.0,
			'h'),
		    (9, 'Montant pré-facturé', coalesce(f.e, 0) / 100.0, 'EUR'),
		    (10, 'Taux de correction', coalesce(t.taux, 0) * 100, '%'),
		    (11, 'Seuil du taux de correction',
			tab_param('seuil_taux_correction')::numeric * 100, '%'))
		    y(n, k, val, u)
		UNION ALL
		SELECT sans.code_sad, 5, 'Bénéficiaires du plan sans intervention',
		    'liste', sans.ben, sans.nom, sans.plan_ch / 100.0, 'h', 0, 1
		FROM sans
	)
	SELECT s.pg, x.sec, x.fo, x.se, x.cat, x.val::numeric, x.u
	FROM x JOIN s ON s.code = x.code
	ORDER BY s.code, x.o, x.n, x.cat, x.nse, x.se;
END
$f$;

-- I3, I5: under-consumption by GIR, participation and postal code; the
-- providers' activity; plan and realised hours over a year per beneficiary.
CREATE OR REPLACE FUNCTION tableau_operationnel(m text) RETURNS SETOF ligne_tableau
LANGUAGE plpgsql STABLE SET search_path = cesutg SET jit = off
    SET enable_nestloop = off SET work_mem = '64MB' AS $f$
DECLARE
	pg text := 'Tableau de bord opérationnel (I3), ' || m;
	pg5 text := 'Activité des prestataires en télégestion (I5), ' || m;
	seuil numeric := tab_param('seuil_alerte_sous_consommation')::numeric;
	cesu boolean := tab_lit('commande', 'remboursement');
	codes text[] := string_to_array(tab_param('codes_correction'), ' ');
	-- The first of the twelve months, a value: tab_plan_mois is then
	-- inlined, and reads the TG lines only.
	m11 text := to_char((m || '-01')::date - interval '11 months', 'YYYY-MM');
BEGIN
	-- Consumption rate per beneficiary: TG realised (pre-invoice) over plan
	-- hours; CESU refunded over issued value of the month.
	RETURN QUERY WITH pm AS (
		SELECT * FROM tab_plan_mois(m, m)
	), conso AS (
		SELECT p.ben, 'TG' AS dispositif, coalesce(f.r, 0)::numeric
		    / p.plan_ch AS taux, p.gir, p.code_postal, p.ticket
		FROM pm p LEFT JOIN (SELECT f.identifiant_beneficiaire_salsa AS ben,
			sum(f.realise_ch) AS r
		    FROM prefacture f WHERE f.mois = m GROUP BY 1) f ON f.ben = p.ben
		WHERE p.dispositif = 'TG' AND p.plan_ch > 0
		UNION ALL
		SELECT e.ben, 'CESU', coalesce(r.v, 0) / nullif(e.v, 0), p.gir, p.code_postal,
		    p.ticket
		FROM (SELECT c.matricule_salarie AS ben,
			sum(c.nombre_titres * c.valeur_unitaire) AS v
		    FROM commande c WHERE cesu AND c.valide_au IS NULL
			AND coalesce(c.mois_reference, to_char(c.date_commande,
			'YYYY-MM')) = m GROUP BY 1) e
		LEFT JOIN (SELECT r.identifiant_beneficiaire AS ben,
			sum(r.valeur_faciale) AS v FROM remboursement r
		    WHERE cesu AND r.valide_au IS NULL
			AND r.date_remboursement >= (m || '-01')::date
			AND r.date_remboursement < (m || '-01')::date
			    + interval '1 month'
		    GROUP BY 1) r
		    ON r.ben = e.ben
		LEFT JOIN pm p ON p.ben = e.ben AND p.dispositif = 'CESU'
		WHERE e.v > 0
	), c AS (
		SELECT *, taux < seuil AS sous,
		    CASE WHEN ticket = 0 THEN '0 %' WHEN ticket <= 10 THEN '1-10 %'
			WHEN ticket <= 25 THEN '11-25 %' WHEN ticket <= 50
			THEN '26-50 %' WHEN ticket <= 75 THEN '51-75 %'
			ELSE '76-100 %' END AS tranche
		FROM conso
	), d AS (SELECT DISTINCT dispositif FROM c),
	-- Each beneficiary counted once under each breakdown (GIR,
	-- participation, postal code): one pass, not one join per category.
	ck AS (
		SELECT c.dispositif, y.o, y.cat, count(c.ben) AS n,
		    count(c.ben) FILTER (WHERE c.sous) AS ns
		FROM c CROSS JOIN LATERAL (VALUES
		    (1, coalesce('GIR ' || c.gir, 'sans GIR')), (2, c.tranche),
		    (3, coalesce(c.code_postal, '?'))) y(o, cat)
		GROUP BY 1, 2, 3
	),
	-- Every category of a breakdown for every dispositif, zeros shown.
	g AS (
		SELECT d.dispositif, k.o, k.cat, coalesce(ck.n, 0) AS n,
		    coalesce(ck.ns, 0) AS ns
		FROM d CROSS JOIN (SELECT DISTINCT o, cat FROM ck) k
		LEFT JOIN ck ON ck.dispositif = d.dispositif AND ck.o = k.o
		    AND ck.cat = k.cat
	), z AS (
		SELECT 0 AS o, 'Sous-consommation : bénéficiaires, seuil ' ||
		    round(seuil * 100) || ' %' AS sec, 'tableau' AS fo, y.k AS se,
		    d.dispositif AS cat, y.val, y.u, y.n
		FROM d CROSS JOIN LATERAL (VALUES
		    (1, 'Bénéficiaires suivis', (SELECT count(*) FROM c
			WHERE c.dispositif = d.dispositif)::numeric, 'nombre'),
		    (2, 'En sous-consommation', (SELECT count(*) FROM c
			WHERE c.dispositif = d.dispositif AND c.sous)::numeric, 'nombre'),
		    (3, 'Sans aucune consommation', (SELECT count(*) FROM c
			WHERE c.dispositif = d.dispositif AND c.taux = 0)::numeric,
			'nombre')) y(n, k, val, u)
		UNION ALL
		SELECT 1, 'Bénéficiaires en sous-consommation par GIR', 'groupes',
		    g.dispositif, g.cat, g.ns::numeric, 'nombre', 0
		FROM g WHERE g.o = 1
		UNION ALL
		SELECT 2, 'Part en sous-consommation par GIR (%)', 'groupes',
		    g.dispositif, g.cat, coalesce(round(100.0 * g.ns / nullif(g.n, 0),
			2), 0), '%', 0
		FROM g WHERE g.o = 1
		UNION ALL
		SELECT 3, 'Part en sous-consommation par taux de participation (%)',
		    'groupes', g.dispositif, g.cat, coalesce(round(100.0 * g.ns /
			nullif(g.n, 0), 2), 0), '%', 0
		FROM g WHERE g.o = 2
		UNION ALL
		SELECT 4, 'Bénéficiaires en sous-consommation par arrondissement',
		    'groupes', g.dispositif, g.cat, g.ns::numeric, 'nombre', 0
		FROM g WHERE g.o = 3
		UNION ALL
		SELECT 5, 'Bénéficiaires en sous-consommation (taux de consommation)',
		    'donnees', c.ben, c.dispositif, round(c.taux * 100, 2), '%', 0
		FROM c WHERE c.sous
	)
	SELECT pg, z.sec, z.fo, z.se, z.cat, z.val, z.u FROM z
	ORDER BY z.o, z.n, z.cat, z.se;

	-- I5.
	RETURN QUERY WITH v AS (
		SELECT code_sad, cc, mode_saisie, identifiant_intervenant, ben
		FROM tab_visites(m)
	), a AS (
		SELECT code_sad, count(*) FILTER (WHERE k = 1) AS ni,
		    count(*) FILTER (WHERE k = 2) AS nb
		FROM (SELECT DISTINCT code_sad, 1 AS k, identifiant_intervenant AS x
		    FROM v UNION ALL SELECT DISTINCT code_sad, 2, ben FROM v
			WHERE ben IS NOT NULL) d
		GROUP BY code_sad
	), md AS (
		SELECT mode_saisie, cc, count(*) AS n FROM v GROUP BY 1, 2
	), f AS (
		SELECT code_sad, sum(realise_ch) AS r, sum(facturable_ch) AS h,
		    sum(montant_cents) AS e
		FROM prefacture WHERE mois = m GROUP BY code_sad
	)
	SELECT z.page, z.section, z.forme, z.serie, z.categorie, z.valeur,
	    z.unite FROM (
	SELECT pg5 AS page, 'Intervenants et bénéficiaires actifs par SAD'
	    AS section, 'groupes' AS forme, k.se AS serie, a.code_sad AS categorie,
	    CASE k.se WHEN 'intervenants' THEN a.ni ELSE a.nb END::numeric
	    AS valeur, 'nombre' AS unite, k.rg
	FROM a CROSS JOIN (VALUES ('intervenants', 1), ('bénéficiaires', 2)) k(se, rg)
	UNION ALL
	SELECT pg5, 'Horodatages automatiques et corrigés par mode', 'groupes',
	    k.se, x.mode_saisie, coalesce((SELECT sum(md.n) FROM md
		WHERE md.mode_saisie = x.mode_saisie
		AND (md.cc IS NULL) = (k.se = 'automatiques')), 0), 'nombre', k.rg
	FROM (SELECT DISTINCT mode_saisie FROM md) x
	CROSS JOIN (VALUES ('automatiques', 1), ('corrigés', 2)) k(se, rg)
	UNION ALL
	SELECT pg5, 'Horodatages corrigés par code (* : compté dans le taux)',
	    'barres', 'corrigés', md.cc || CASE WHEN md.cc = ANY (codes)
		THEN ' *' ELSE '' END, sum(md.n), 'nombre', 1
	FROM md WHERE md.cc IS NOT NULL GROUP BY md.cc
	UNION ALL
	SELECT pg5, 'Heures réalisées et pré-facturées par SAD', 'groupes',
	    k.se, f.code_sad, CASE k.se WHEN 'réalisées' THEN f.r ELSE f.h END
		/ 100.0, 'h', k.rg
	FROM f CROSS JOIN (VALUES ('réalisées', 1), ('pré-facturées', 2)) k(se, rg)
	UNION ALL
	SELECT pg5, 'Facturation par SAD (pré-facture)', 'tableau', f.code_sad,
	    k.cat, CASE k.cat WHEN 'réalisé (h)' THEN f.r / 100.0
		WHEN 'pré-facturé (h)' THEN f.h / 100.0
		WHEN 'écart (h)' THEN (f.r - f.h) / 100.0
		ELSE f.e / 100.0 END,
	    CASE k.cat WHEN 'montant (€)' THEN 'EUR' ELSE 'h' END, k.rg
	FROM f CROSS JOIN (VALUES ('réalisé (h)', 1), ('pré-facturé (h)', 2),
	    ('écart (h)', 3), ('montant (€)', 4)) k(cat, rg)) z
	ORDER BY array_position(ARRAY['Intervenants et bénéficiaires actifs par SAD',
	    'Horodatages automatiques et corrigés par mode',
	    'Horodatages corrigés par code (* : compté dans le taux)',
	    'Heures réalisées et pré-facturées par SAD',
	    'Facturation par SAD (pré-facture)'], z.section),
	    CASE z.forme WHEN 'tableau' THEN z.serie ELSE z.categorie END, z.rg;

	-- I5 "suivi des plans d'aide": CSV only (donnees).
	RETURN QUERY WITH p AS (
		SELECT q.mois, q.ben, q.plan_ch
		FROM tab_plan_mois(m11, m) q
		WHERE q.dispositif = 'TG'
	), r AS (
		SELECT f.mois, f.identifiant_beneficiaire_salsa AS ben,
		    sum(f.realise_ch) AS r
		FROM prefacture f WHERE f.mois IN (SELECT mois FROM tab_mois12(m))
		GROUP BY 1, 2
	)
	SELECT pg5, 'Plan et réalisé par bénéficiaire sur 12 mois', 'donnees',
	    j.ben || CASE k.se WHEN 'plan' THEN ' plan' ELSE ' réalisé' END,
	    j.mois, CASE k.se WHEN 'plan' THEN j.pc ELSE j.rc END / 100.0, 'h'
	-- Sorted by beneficiary and month before the two series are made:
	-- then only each beneficiary's few rows are sorted again (incremental
	-- sort), not twice as many rows whole.
	FROM (SELECT coalesce(p.ben, r.ben) AS ben,
		coalesce(p.mois, r.mois) AS mois, coalesce(p.plan_ch, 0) AS pc,
		coalesce(r.r, 0) AS rc
	    FROM p FULL JOIN r ON r.mois = p.mois AND r.ben = p.ben
	    ORDER BY coalesce(p.ben, r.ben) COLLATE "C",
		coalesce(p.mois, r.mois) COLLATE "C") j
	CROSS JOIN (VALUES ('plan'), ('réalisé')) k(se)
	ORDER BY j.ben COLLATE "C", k.se, j.mois COLLATE "C";
END
$f$;

-- A replace resets a function's settings: restate 018's.
ALTER FUNCTION tableau_direction(text) SET work_mem = '64MB';
ALTER FUNCTION tableau_sad(text) SET work_mem = '64MB';
