-- registre, migration: extracts of a beneficiary or a SAD (E1, F2, F4, F5,
-- F6, G3, G4, G5) and the monthly dashboards (I1, I2, I3, I5), as long
-- tables (formats in tableau(5)). Every function runs with the caller's
-- rights: row-level security decides what a SAD or an agent sees, and a
-- section whose tables the caller may not read at all is left out.

SET LOCAL ROLE cesutg_owner;
SET LOCAL search_path = cesutg;

-- True when the caller may read every table named.
CREATE FUNCTION tab_lit(VARIADIC t text[]) RETURNS boolean
LANGUAGE sql STABLE AS $f$
	SELECT bool_and(has_table_privilege('cesutg.' || x, 'SELECT'))
	FROM unnest(t) x
$f$;

-- The parameters the extracts and dashboards read, for every reader (a
-- SAD reads no other parameter).
CREATE FUNCTION tab_param(n text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = cesutg AS $f$
	SELECT valeur FROM param WHERE nom = n AND nom IN ('fuseau_horaire',
	    'codes_correction', 'seuil_taux_correction',
	    'seuil_alerte_sous_consommation')
$f$;

-- The SAD code tiers of a Flux 15 code_sad (its own, or a télégestion code).
CREATE FUNCTION tab_sad(code text) RETURNS text
LANGUAGE sql STABLE SET search_path = cesutg AS $f$
	SELECT coalesce((SELECT g.sad FROM sad_tg g WHERE g.code = tab_sad.code),
	    code)
$f$;

-- One row of an extract (tableau(5), EXTRAITS).
CREATE TYPE ligne_extrait AS (section text, code_sad text,
    identifiant_beneficiaire_salsa text, nom text, prenom text,
    reference text, date_debut text, date_fin text, mois text, code text,
    libelle text, quantite numeric, montant numeric, statut text,
    detail text);

-- A beneficiary's visits (all SADs the caller may read), m NULL: every
-- month. Automatic = no correction code.
CREATE FUNCTION tab_interventions(ben text, sadc text, m text)
RETURNS SETOF ligne_extrait
LANGUAGE sql STABLE SET search_path = cesutg AS $f$
	WITH h AS (
		SELECT h.*, tab_sad(h.code_sad) AS sad, r.identifiant_beneficiaire_salsa AS ben,
		    c.jour, c.payable, c.horodatage IS NOT NULL AS controlee,
		    coalesce(c.jour, (coalesce(h.arrivee_retenue, h.arrivee_brute,
			h.instant_creation) AT TIME ZONE tab_param('fuseau_horaire'))::date) AS j
		FROM horodatage h
		LEFT JOIN client_rapproche r ON r.code_sad = h.code_sad
		    AND r.identifiant_client = h.identifiant_client
		LEFT JOIN controle_visite c ON c.horodatage = h.id
		WHERE h.valide_au IS NULL
		    AND (ben IS NULL OR r.identifiant_beneficiaire_salsa = ben)
		    AND (sadc IS NULL OR h.code_sad = sadc OR h.code_sad IN
			(SELECT g.code FROM sad_tg g WHERE g.sad = sadc))
	)
	SELECT 'intervention', h.sad, h.ben, b.nom, b.prenom,
	    h.identifiant_intervention,
	    to_char(h.arrivee_retenue, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'),
	    to_char(h.depart_retenu, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'),
	    to_char(h.j, 'YYYY-MM'), h.code_prestation,
	    h.mode_saisie || CASE WHEN h.code_correction IS NULL
		THEN ' automatique' ELSE ' corrigé ' || h.code_correction END
		|| ', intervenant ' || h.identifiant_intervenant,
	    round(coalesce(extract(epoch FROM h.depart_retenu - h.arrivee_retenue),
		0) / 3600, 2),
	    NULL::numeric,
	    CASE WHEN NOT h.controlee THEN 'non contrôlée' WHEN h.payable
		THEN 'payable' ELSE 'non payable' END,
	    (SELECT string_agg(k.code, ' ' ORDER BY k.code) FROM controle_motif k
		WHERE k.horodatage = h.id)
	FROM h LEFT JOIN beneficiaire b ON b.identifiant_salsa = h.ben
	WHERE m IS NULL OR to_char(h.j, 'YYYY-MM') = m
	ORDER BY h.j, h.arrivee_retenue, h.identifiant_intervention
$f$;

-- Pre-invoice lines (billing until invoices exist: cesutg-facturation(7)).
CREATE FUNCTION tab_prefacture(ben text, sadc text, m text)
RETURNS SETOF ligne_extrait
LANGUAGE sql STABLE SET search_path = cesutg AS $f$
	SELECT 'prefacture', f.code_sad, f.identifiant_beneficiaire_salsa,
	    b.nom, b.prenom, f.rang::text, NULL, NULL, f.mois,
	    f.code_prestation, 'réalisé ' || cesu_dec(f.realise_ch) || ' h, plan '
		|| cesu_dec(f.plan_ch) || ' h, plafond ' || cesu_dec(f.plafond_ch)
		|| ' h, tarif ' || cesu_dec(f.tarif_cents) || ' €',
	    f.facturable_ch / 100.0, f.montant_cents / 100.0, f.statut,
	    f.visites || ' interventions'
	FROM prefacture f
	LEFT JOIN beneficiaire b ON b.identifiant_salsa = f.identifiant_beneficiaire_salsa
	WHERE (ben IS NULL OR f.identifiant_beneficiaire_salsa = ben)
	    AND (sadc IS NULL OR f.code_sad = sadc)
	    AND (m IS NULL OR f.mois = m)
	ORDER BY f.mois, b.nom, b.prenom, f.identifiant_beneficiaire_salsa,
	    f.code_prestation, f.rang
$f$;

-- The SADs' events (F4, G5), on the beneficiary they were matched to.
CREATE FUNCTION tab_evenements_sad(ben text, sadc text, m text)
RETURNS SETOF ligne_extrait
LANGUAGE sql STABLE SET search_path = cesutg AS $f$
	SELECT 'evenement_sad', tab_sad(e.code_sad), r.identifiant_beneficiaire_salsa,
	    b.nom, b.prenom, e.identifiant_evenement, e.date_debut::text,
	    e.date_fin::text, to_char(e.date_debut, 'YYYY-MM'), e.type_evenement,
	    'déclaré le ' || to_char(e.instant_declaration AT TIME ZONE
		tab_param('fuseau_horaire'), 'YYYY-MM-DD') || ', client '
		|| e.identifiant_client,
	    NULL::numeric, NULL::numeric, NULL, e.commentaire
	FROM evenement_sad e
	LEFT JOIN client_rapproche r ON r.code_sad = e.code_sad
	    AND r.identifiant_client = e.identifiant_client
	LEFT JOIN beneficiaire b ON b.identifiant_salsa = r.identifiant_beneficiaire_salsa
	WHERE e.valide_au IS NULL
	    AND (ben IS NULL OR r.identifiant_beneficiaire_salsa = ben)
	    AND (sadc IS NULL OR tab_sad(e.code_sad) = sadc)
	    AND (m IS NULL OR e.date_debut < (m || '-01')::date + interval '1 month'
		AND coalesce(e.date_fin, 'infinity') >= (m || '-01')::date)
	ORDER BY e.date_debut, e.identifiant_evenement
$f$;

-- Plan lines: every version for a beneficiary (E1: history), the current
-- ones for a SAD.
CREATE FUNCTION tab_plans(ben text, sadc text)
RETURNS SETOF ligne_extrait
LANGUAGE sql STABLE SET search_path = cesutg AS $f$
	SELECT 'plan', p.code_tiers_salsa, p.identifiant_beneficiaire_salsa,
	    p.nom_beneficiaire, p.prenom_beneficiaire,
	    p.index_demande_salsa || '/' || p.index_prestation_salsa,
	    p.date_debut_prise_en_charge::text, p.date_fin_prise_en_charge::text,
	    NULL, p.code_nomenclature,
	    p.module || ' ' || p.dispositif || ', ' || coalesce(p.periodicite, '')
		|| ', participation ' || coalesce(p.pourcentage_ticket::text, '0')
		|| ' %, droits du ' || coalesce(p.date_debut_droit::text, '?')
		|| ' au ' || coalesce(p.date_fin_droit::text, '?'),
	    p.quantite_prise_en_charge, p.montant_unitaire_cd,
	    CASE WHEN p.valide_au IS NULL THEN 'en vigueur' ELSE p.motif_fin END,
	    'version du ' || p.valide_du || coalesce(' au ' || p.valide_au, '')
	FROM plan p
	WHERE (ben IS NULL OR p.identifiant_beneficiaire_salsa = ben)
	    AND (sadc IS NULL OR (p.code_tiers_salsa = sadc AND p.valide_au IS NULL))
	ORDER BY p.nom_beneficiaire, p.prenom_beneficiaire,
	    p.identifiant_beneficiaire_salsa, p.index_prestation_salsa, p.valide_du
$f$;

-- E1, F2, F5: one beneficiary; m NULL: every month.
CREATE FUNCTION extrait_beneficiaire(ben text, m text)
RETURNS SETOF ligne_extrait
LANGUAGE plpgsql STABLE SET search_path = cesutg SET jit = off AS $f$
BEGIN
	RETURN QUERY SELECT 'beneficiaire', NULL, b.identifiant_salsa, b.nom,
	    b.prenom, b.identifiant_portail, b.date_naissance::text, NULL, NULL,
	    b.gir, concat_ws(' ', b.adresse_1, b.adresse_2, b.code_postal, b.ville),
	    NULL::numeric, NULL::numeric, NULL, 'GIR ' || coalesce(b.gir, '?')
	FROM beneficiaire b WHERE b.identifiant_salsa = ben;
	RETURN QUERY SELECT * FROM tab_plans(ben, NULL);
	IF tab_lit('evenement') THEN
		RETURN QUERY SELECT 'evenement', NULL, e.identifiant_beneficiaire_salsa,
		    b.nom, b.prenom, e.identifiant, e.date_debut::text,
		    e.date_fin::text, to_char(e.date_debut, 'YYYY-MM'),
		    e.type_evenement, 'événement du Département (Flux 1)',
		    NULL::numeric, NULL::numeric, NULL, NULL
		FROM evenement e
		LEFT JOIN beneficiaire b ON b.identifiant_salsa = e.identifiant_beneficiaire_salsa
		WHERE e.identifiant_beneficiaire_salsa = ben
		    AND (m IS NULL OR e.date_debut < (m || '-01')::date + interval '1 month'
			AND coalesce(e.date_fin, 'infinity') >= (m || '-01')::date)
		ORDER BY e.date_debut;
	END IF;
	IF tab_lit('commande', 'remboursement') THEN
		RETURN QUERY SELECT 'cesu_emis', NULL, c.matricule_salarie,
		    c.nom_beneficiaire, c.prenom_beneficiaire,
		    c.reference_commande_externe, c.date_commande::text,
		    c.date_validite::text, coalesce(c.mois_reference,
			to_char(c.date_commande, 'YYYY-MM')), c.code_carnet,
		    CASE WHEN c.titre_dematerialise = 'O' THEN 'CESU dématérialisé'
			ELSE 'CESU papier' END,
		    c.nombre_titres::numeric, c.nombre_titres * c.valeur_unitaire,
		    CASE WHEN c.titre_dematerialise = 'O' THEN 'dematerialise'
			ELSE 'papier' END,
		    c.nombre_titres || ' titres de ' || c.valeur_unitaire || ' €'
		FROM commande c
		WHERE c.valide_au IS NULL AND c.matricule_salarie = ben
		    AND (m IS NULL OR coalesce(c.mois_reference,
			to_char(c.date_commande, 'YYYY-MM')) = m)
		ORDER BY c.date_commande, c.reference_commande_externe, c.id;
		RETURN QUERY SELECT 'cesu_consomme', NULL, r.identifiant_beneficiaire,
		    b.nom, b.prenom, r.reference_commande,
		    min(r.date_encaissement)::text, max(r.date_encaissement)::text,
		    to_char(r.date_remboursement, 'YYYY-MM'), r.code_affilie,
		    r.nom_affilie, count(*)::numeric, sum(r.valeur_faciale),
		    'rembourse', r.type_affilie
		FROM remboursement r
		LEFT JOIN beneficiaire b ON b.identifiant_salsa = r.identifiant_beneficiaire
		WHERE r.valide_au IS NULL AND r.identifiant_beneficiaire = ben
		    AND (m IS NULL OR to_char(r.date_remboursement, 'YYYY-MM') = m)
		GROUP BY r.identifiant_beneficiaire, b.nom, b.prenom,
		    r.reference_commande, to_char(r.date_remboursement, 'YYYY-MM'),
		    r.code_affilie, r.nom_affilie, r.type_affilie
		ORDER BY 9, 6, 10;
	END IF;
	RETURN QUERY SELECT * FROM tab_interventions(ben, NULL, m);
	RETURN QUERY SELECT * FROM tab_evenements_sad(ben, NULL, m);
	RETURN QUERY SELECT * FROM tab_prefacture(ben, NULL, m);
END
$f$;

-- G3, G4, G5, F4, F6: one SAD (code tiers); m NULL: every month.
CREATE FUNCTION extrait_sad(sadc text, m text)
RETURNS SETOF ligne_extrait
LANGUAGE plpgsql STABLE SET search_path = cesutg SET jit = off AS $f$
BEGIN
	RETURN QUERY SELECT 'sad', s.code, NULL, NULL, NULL, NULL, NULL, NULL,
	    NULL, NULL, s.nom, NULL::numeric, NULL::numeric, NULL,
	    'codes de télégestion : ' || coalesce((SELECT string_agg(g.code, ' '
		ORDER BY g.code) FROM sad_tg g WHERE g.sad = s.code), '')
	FROM sad s WHERE s.code = sadc;
	-- G4: the beneficiaries of its plans, then its clients the
	-- Département does not know (not matched to any beneficiary).
	RETURN QUERY SELECT 'beneficiaire', sadc, b.identifiant_salsa, b.nom,
	    b.prenom, b.identifiant_portail, b.date_naissance::text, NULL, NULL,
	    b.gir, concat_ws(' ', b.adresse_1, b.adresse_2, b.code_postal, b.ville),
	    NULL::numeric, NULL::numeric, 'plan d''aide', 'GIR ' || coalesce(b.gir, '?')
	FROM beneficiaire b
	WHERE EXISTS (SELECT 1 FROM plan p WHERE p.valide_au IS NULL
	    AND p.code_tiers_salsa = sadc
	    AND p.identifiant_beneficiaire_salsa = b.identifiant_salsa)
	ORDER BY b.nom, b.prenom, b.identifiant_salsa;
	RETURN QUERY SELECT 'client_non_rapproche', sadc, NULL, c.nom, c.prenoms,
	    c.identifiant_client, c.date_naissance::text, NULL, NULL, NULL,
	    concat_ws(' ', c.adresse_1, c.adresse_2, c.code_postal, c.ville),
	    NULL::numeric, NULL::numeric, CASE WHEN c.beneficiaire_departement
		THEN 'non rapproche' ELSE 'non finance' END, c.code_sad
	FROM client c
	WHERE c.valide_au IS NULL AND tab_sad(c.code_sad) = sadc
	    AND NOT EXISTS (SELECT 1 FROM client_rapproche r
		WHERE r.code_sad = c.code_sad
		AND r.identifiant_client = c.identifiant_client)
	ORDER BY c.nom, c.prenoms, c.identifiant_client;
	RETURN QUERY SELECT * FROM tab_plans(NULL, sadc);
	RETURN QUERY SELECT * FROM tab_interventions(NULL, sadc, m);
	RETURN QUERY SELECT * FROM tab_evenements_sad(NULL, sadc, m);
	RETURN QUERY SELECT * FROM tab_prefacture(NULL, sadc, m);
	RETURN QUERY SELECT 'taux_correction', t.code_sad, NULL, NULL, NULL,
	    NULL, NULL, NULL, t.mois, nullif(t.code_correction, ''),
	    CASE WHEN t.code_correction = '' THEN 'tous codes comptés'
		ELSE 'code ' || t.code_correction END,
	    t.corrigees::numeric, round(t.taux * 100, 2),
	    CASE WHEN t.exclusion THEN 'exclusion' END,
	    t.visites || ' interventions, seuil ' || round(t.seuil * 100, 2) || ' %'
	FROM taux_correction t
	WHERE t.code_sad = sadc AND (m IS NULL OR t.mois = m)
	ORDER BY t.mois, t.code_correction;
END
$f$;

-- The checked visits of month m but the deleted ones (SUP), with what
-- the dashboards count; inlined by the planner (plain SQL, no SET).
CREATE FUNCTION tab_visites(m text)
RETURNS TABLE (code_sad text, cc text, mode_saisie text,
    identifiant_intervenant text, ben text, secondes bigint, payable boolean,
    tel boolean)
LANGUAGE sql STABLE AS $f$
	SELECT c.code_sad, h.code_correction, h.mode_saisie,
	    h.identifiant_intervenant, c.identifiant_beneficiaire_salsa,
	    c.secondes, c.payable, k.horodatage IS NOT NULL
	FROM cesutg.controle_visite c
	JOIN cesutg.horodatage h ON h.id = c.horodatage
	LEFT JOIN cesutg.controle_motif k ON k.horodatage = c.horodatage
	    AND k.code = 'telephone_incompatible'
	WHERE c.mois = m AND h.code_correction IS DISTINCT FROM 'SUP'
$f$;

-- One figure of a dashboard (tableau(5), TABLEAUX DE BORD). The
-- dashboards aggregate whole months: no JIT (its compilation costs more
-- than it saves here) and no nested loop (a misestimated plan line count
-- would make one run per row).
CREATE TYPE ligne_tableau AS (page text, section text, forme text,
    serie text, categorie text, valeur numeric, unite text);

-- The twelve months ending with m, oldest first.
CREATE FUNCTION tab_mois12(m text) RETURNS TABLE (mois text, d0 date, d1 date)
LANGUAGE sql IMMUTABLE ROWS 12 AS $f$
	SELECT to_char(d, 'YYYY-MM'), d::date, (d + interval '1 month')::date
	FROM generate_series((m || '-01')::date - interval '11 months',
	    (m || '-01')::date, interval '1 month') d
$f$;

-- The plan lines of each month from m1 to m2: for each line (beneficiary,
-- demand, prestation), the version in force on the first day after the
-- month (a snapshot describes the month before it); a line first seen
-- later counts with its first version. Plain SQL with qualified names and
-- no SET clause, so that the planner inlines it.
CREATE FUNCTION tab_plan_lignes(m1 text, m2 text)
RETURNS TABLE (mois text, d0 date, d1 date, identifiant_beneficiaire_salsa text,
    dispositif text, code_tiers_salsa text, module text,
    quantite_prise_en_charge numeric, periodicite text, date_debut_droit date,
    date_fin_droit date, date_debut_prise_en_charge date,
    date_fin_prise_en_charge date, gir text, code_postal text,
    pourcentage_ticket numeric, nom_beneficiaire text,
    prenom_beneficiaire text)
LANGUAGE sql STABLE AS $f$
	SELECT x.mois, x.d0, x.d1, p.identifiant_beneficiaire_salsa,
	    p.dispositif, p.code_tiers_salsa, p.module,
	    p.quantite_prise_en_charge, p.periodicite, p.date_debut_droit,
	    p.date_fin_droit, p.date_debut_prise_en_charge,
	    p.date_fin_prise_en_charge, p.gir, p.code_postal,
	    p.pourcentage_ticket, p.nom_beneficiaire, p.prenom_beneficiaire
	FROM (SELECT to_char(d, 'YYYY-MM') AS mois, d::date AS d0,
		(d + interval '1 month')::date AS d1
	    FROM generate_series((m1 || '-01')::date, (m2 || '-01')::date,
		interval '1 month') d) x
	JOIN (SELECT p.*, f.premier FROM cesutg.plan p
	    JOIN (SELECT q.identifiant_beneficiaire_salsa AS b,
		    coalesce(q.index_demande_salsa, '') AS dem,
		    coalesce(q.index_prestation_salsa, '') AS pre,
		    min(q.valide_du) AS premier
		FROM cesutg.plan q GROUP BY 1, 2, 3) f
		ON f.b = p.identifiant_beneficiaire_salsa
		AND f.dem = coalesce(p.index_demande_salsa, '')
		AND f.pre = coalesce(p.index_prestation_salsa, '')) p
	    ON (p.valide_du <= x.d1 AND coalesce(p.valide_au, 'infinity') > x.d1)
	    OR (p.valide_du = p.premier AND p.valide_du > x.d1)
$f$;

-- Each TG or CESU beneficiary's plan hours of each month from m1 to m2,
-- with the beneficiary's GIR, postal code and highest participation rate.
-- Centi-hours.
CREATE FUNCTION tab_plan_mois(m1 text, m2 text)
RETURNS TABLE (mois text, ben text, dispositif text, code_sad text,
    plan_ch bigint, gir text, code_postal text, ticket numeric, module text)
LANGUAGE sql STABLE AS $f$
	SELECT p.mois, p.identifiant_beneficiaire_salsa, p.dispositif,
	    min(p.code_tiers_salsa),
	    sum(cesutg.heures_mois(p.quantite_prise_en_charge, p.periodicite,
		greatest(0, least(p.d1 - 1, coalesce(p.date_fin_droit, 'infinity'),
		    coalesce(p.date_fin_prise_en_charge, 'infinity'))
		    - greatest(p.d0, p.date_debut_droit,
			p.date_debut_prise_en_charge) + 1), p.d1 - p.d0))::bigint,
	    max(p.gir), max(p.code_postal), max(coalesce(p.pourcentage_ticket, 0)),
	    min(p.module)
	FROM cesutg.tab_plan_lignes(m1, m2) p
	WHERE p.quantite_prise_en_charge IS NOT NULL
	    AND coalesce(p.date_debut_prise_en_charge, '-infinity') < p.d1
	    AND coalesce(p.date_fin_prise_en_charge, 'infinity') >= p.d0
	GROUP BY p.mois, p.identifiant_beneficiaire_salsa, p.dispositif
$f$;

-- I1: activity and money by aid (plan module) and month, twelve months;
-- the month's figures first. A CESU title's aid is the module of its
-- beneficiary's CESU plan line (the current one, else the latest).
CREATE FUNCTION tableau_direction(m text) RETURNS SETOF ligne_tableau
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
CREATE FUNCTION tableau_sad(m text) RETURNS SETOF ligne_tableau
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
		    AND NOT EXISTS (SELECT 1 FROM controle_visite c WHERE c.mois = m
			AND c.code_sad = p.code_tiers_salsa
			AND c.identifiant_beneficiaire_salsa = p.identifiant_beneficiaire_salsa)
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
CREATE FUNCTION tableau_operationnel(m text) RETURNS SETOF ligne_tableau
LANGUAGE plpgsql STABLE SET search_path = cesutg SET jit = off
    SET enable_nestloop = off AS $f$
DECLARE
	pg text := 'Tableau de bord opérationnel (I3), ' || m;
	pg5 text := 'Activité des prestataires en télégestion (I5), ' || m;
	seuil numeric := tab_param('seuil_alerte_sous_consommation')::numeric;
	cesu boolean := tab_lit('commande', 'remboursement');
	codes text[] := string_to_array(tab_param('codes_correction'), ' ');
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
	-- Every category of a breakdown for every dispositif, zeros shown.
	g AS (
		SELECT d.dispositif, k.o, k.cat, count(c.ben) AS n,
		    count(c.ben) FILTER (WHERE c.sous) AS ns
		FROM d CROSS JOIN (
		    SELECT DISTINCT 1 AS o, coalesce('GIR ' || gir, 'sans GIR') AS cat
		    FROM c
		    UNION SELECT DISTINCT 2, tranche FROM c
		    UNION SELECT DISTINCT 3, coalesce(code_postal, '?') FROM c) k
		LEFT JOIN c ON c.dispositif = d.dispositif AND k.cat = CASE k.o
		    WHEN 1 THEN coalesce('GIR ' || c.gir, 'sans GIR')
		    WHEN 2 THEN c.tranche ELSE coalesce(c.code_postal, '?') END
		GROUP BY 1, 2, 3
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
		FROM tab_plan_mois((SELECT min(mois) FROM tab_mois12(m)), m) q
		WHERE q.dispositif = 'TG'
	), r AS (
		SELECT f.mois, f.identifiant_beneficiaire_salsa AS ben,
		    sum(f.realise_ch) AS r
		FROM prefacture f WHERE f.mois IN (SELECT mois FROM tab_mois12(m))
		GROUP BY 1, 2
	)
	SELECT pg5, 'Plan et réalisé par bénéficiaire sur 12 mois', 'donnees',
	    coalesce(p.ben, r.ben) || CASE k.se WHEN 'plan' THEN ' plan'
		ELSE ' réalisé' END, coalesce(p.mois, r.mois),
	    CASE k.se WHEN 'plan' THEN coalesce(p.plan_ch, 0)
		ELSE coalesce(r.r, 0) END / 100.0, 'h'
	FROM p FULL JOIN r ON r.mois = p.mois AND r.ben = p.ben
	CROSS JOIN (VALUES ('plan'), ('réalisé')) k(se)
	ORDER BY coalesce(p.ben, r.ben) COLLATE "C", k.se,
	    coalesce(p.mois, r.mois) COLLATE "C";
END
$f$;
