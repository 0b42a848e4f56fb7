-- registre: the CESU cycle out of the ledger (cesutg-cesu(7)): the refunds
-- of a month as Flux 5 (to SALSA) and Flux 8.1 (to the CNCESU), the orders
-- of a month with their charge ceiling as Flux 8.2, and the CNCESU's
-- Flux 6 checked against that ceiling before it is forwarded. Amounts are
-- integer cents and hours integer centi-hours until they are written.

SET LOCAL ROLE cesutg_owner;
SET LOCAL search_path = cesutg;

INSERT INTO param (nom, valeur, motif, description) VALUES
    ('taux_charges_pche', '0.00', '^[0-9]+(\.[0-9]{1,4})?$',
	'H3 : taux des charges sociales CESU pour la PCH enfant (fraction du salaire net : 0.4235 pour 42,35 %)'),
    ('cesu_code_departement', '075', '^[0-9][0-9AB][0-9]$',
	'C11 : code du département dans le Flux 8.1 (zone DET.6)'),
    ('cesu_code_conseil_departemental', 'CG75', '^[A-Z0-9]{4}$',
	'C3 : code du conseil départemental dans le Flux 8.2 (zone DEB.3)');
UPDATE param SET description = description ||
    ' (fraction du salaire net : 0.4235 pour 42,35 %)'
    WHERE nom IN ('taux_charges_apa', 'taux_charges_pcha', 'taux_charges_asl');

-- Every Flux 8.1 and 8.2 file written, one per flux and month: the sequence
-- number it carries and when it was (last) written.
CREATE TABLE envoi_cesu (
	id bigserial PRIMARY KEY,
	flux text NOT NULL CHECK (flux IN ('81', '82')),
	mois text NOT NULL CHECK (mois ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
	numero_ordre bigint NOT NULL CHECK (numero_ordre BETWEEN 1 AND 99999),
	date_creation date NOT NULL,
	qui text NOT NULL DEFAULT session_user,
	quand timestamptz NOT NULL DEFAULT now(),
	UNIQUE (flux, mois)
);

-- The Flux 8.2 of a month as computed: one row per beneficiary and
-- prestation ordered that month, with the ceiling the Flux 6 is checked
-- against; probleme says why a row could not be declared.
CREATE TABLE declaration_cesu (
	mois text NOT NULL,
	identifiant_beneficiaire text NOT NULL,
	index_prestation text NOT NULL,
	plan bigint REFERENCES plan,
	numero_employeur text,
	civilite text,
	nom_naissance text,
	nom_epoux text,
	prenom text,
	date_naissance date,
	adresse_1 text,
	adresse_2 text,
	code_postal text,
	ville text,
	nom_correspondant text,
	adresse_correspondance_1 text,
	adresse_correspondance_2 text,
	code_postal_correspondance text,
	ville_correspondance text,
	code_type_emploi text,
	type_prestation text,
	date_effet date,
	date_fin date,
	nombre_titres bigint NOT NULL,
	valeur_titres bigint NOT NULL,		-- cents
	heures bigint,				-- centi-hours
	salaire_horaire bigint,			-- cents
	taux_prise_en_charge bigint,		-- hundredths of a percent
	prise_en_charge_salaires bigint,	-- cents
	taux_charges numeric(9,4),
	plafond_cotisations bigint,		-- cents
	probleme text,
	PRIMARY KEY (mois, identifiant_beneficiaire, index_prestation)
);

-- The month's refunds, a beneficiary's last Flux 6 employer number, an
-- order line of a beneficiary: looked up by these.
CREATE INDEX remboursement_date ON remboursement (date_remboursement)
    WHERE valide_au IS NULL;
CREATE INDEX charge_beneficiaire ON charge (identifiant_beneficiaire, id);
CREATE INDEX commande_beneficiaire ON commande (matricule_salarie);

SELECT brancher('envoi_cesu', 'id');
SELECT brancher('declaration_cesu', 'aucun');
GRANT SELECT, INSERT, UPDATE ON envoi_cesu TO cesutg_loader;
GRANT SELECT, INSERT, DELETE ON declaration_cesu TO cesutg_loader;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA cesutg TO cesutg_loader;
GRANT SELECT ON envoi_cesu, declaration_cesu TO cesutg_agent;
CREATE POLICY agent ON envoi_cesu FOR SELECT TO cesutg_agent
    USING ('CESU' IN (SELECT aide FROM acces_agent WHERE role = current_user));
CREATE POLICY agent ON declaration_cesu FOR SELECT TO cesutg_agent
    USING ('CESU' IN (SELECT aide FROM acces_agent WHERE role = current_user));

-- Cents (or centi-hours) as the canonical CSV writes them.
CREATE FUNCTION cesu_dec(c bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
	SELECT (c::numeric / 100)::numeric(20,2)::text
$f$;

CREATE FUNCTION cesu_param_int(nom text, echelle int) RETURNS bigint
LANGUAGE sql STABLE SET search_path = cesutg AS $f$
	SELECT round(valeur::numeric * echelle)::bigint FROM param p
	WHERE p.nom = cesu_param_int.nom
$f$;

-- A refund's order line: the current version of the line whose range of
-- titles holds the title's number (AAMM, SALSA id on 6, rank on 5, as
-- registre load commandes issues them; a refund names a title issued or
-- taken over, 15 digits, so ranks compare as 5-digit strings).
CREATE FUNCTION cesu_rembourses(m text)
RETURNS TABLE (id bigint, identifiant_beneficiaire text,
    reference_commande text, index_prestation text, mois_reference text,
    code_client text, valeur bigint, mois_consommation text,
    code_affilie text, nom_affilie text, type_affilie text,
    code_produit text)
LANGUAGE sql STABLE SET search_path = cesutg SET enable_nestloop = off
    SET enable_mergejoin = off AS $f$
	WITH r AS (
		SELECT r.*, substr(r.numero_titre, 1, 10) AS k,
		    substr(r.numero_titre, 11) COLLATE "C" AS rang
		FROM remboursement r
		WHERE r.valide_au IS NULL
		    AND r.date_remboursement >= (m || '-01')::date
		    AND r.date_remboursement < (m || '-01')::date + interval '1 month'
	), c AS (
		SELECT coalesce(c.reference_commande_externe, '') AS ref,
		    substr(x.mc, 3, 2) || substr(x.mc, 6, 2) ||
			lpad(c.matricule_salarie, 6, '0') AS k, x.mc,
		    lpad(c.premier_titre::text, 5, '0') COLLATE "C" AS de,
		    lpad((c.premier_titre + c.nombre_titres - 1)::text, 5, '0')
			COLLATE "C" AS a,
		    c.code_client, c.reference_ligne_commande_externe
		FROM commande c
		CROSS JOIN LATERAL (SELECT coalesce(c.mois_reference,
		    to_char(c.date_commande, 'YYYY-MM')) AS mc) x
		WHERE c.valide_au IS NULL AND c.matricule_salarie ~ '^[0-9]{1,6}$'
	), client AS (
		SELECT DISTINCT ON (ref) coalesce(reference_commande_externe, '')
		    AS ref, code_client
		FROM commande ORDER BY ref, valide_au IS NULL DESC, id DESC
	)
	SELECT r.id, r.identifiant_beneficiaire, r.reference_commande,
	    c.reference_ligne_commande_externe,
	    coalesce(c.mc, (SELECT t.mois_commande FROM titre t
		WHERE t.numero_titre = r.numero_titre),
		to_char(r.date_encaissement, 'YYYY-MM')),
	    coalesce(cl.code_client, (SELECT b.code_client FROM commande b
		WHERE b.matricule_salarie = r.identifiant_beneficiaire
		ORDER BY b.valide_au IS NULL DESC, b.id DESC LIMIT 1)),
	    (r.valeur_faciale * 100)::bigint,
	    to_char(r.date_encaissement, 'YYYY-MM'), r.code_affilie,
	    r.nom_affilie, r.type_affilie, r.code_produit
	FROM r
	LEFT JOIN c ON c.ref = r.reference_commande AND c.k = r.k
	    AND r.rang BETWEEN c.de AND c.a
	LEFT JOIN client cl ON cl.ref = r.reference_commande
$f$;

-- The refunds of month m with no code client: no order of their reference
-- nor of their beneficiary (cesu_rembourses leaves code_client null).
CREATE FUNCTION cesu_sans_client(m text) RETURNS SETOF remboursement
LANGUAGE sql STABLE SET search_path = cesutg AS $f$
	SELECT r.* FROM remboursement r
	WHERE r.valide_au IS NULL
	    AND r.date_remboursement >= (m || '-01')::date
	    AND r.date_remboursement < (m || '-01')::date + interval '1 month'
	    AND NOT EXISTS (SELECT 1 FROM commande c WHERE
		coalesce(c.reference_commande_externe, '') = r.reference_commande)
	    AND NOT EXISTS (SELECT 1 FROM commande b WHERE
		b.matricule_salarie = r.identifiant_beneficiaire)
	ORDER BY r.numero_titre
$f$;

-- Flux 5: one detail per beneficiary, order, consumption month, affiliate,
-- unit value and product; one dispositif per Flux 4 code client.
CREATE FUNCTION cesu_flux5(m text)
RETURNS TABLE (date_debut text, date_fin text, code_client text,
    index_individu_beneficiaire text, reference_commande text,
    mois_traitement text, annee_traitement text, vn_unitaire_emission text,
    quantite_consommee text, montant_consomme text, mois_consommation text,
    annee_consommation text, code_affilie text, nom_affilie text,
    code_produit text)
LANGUAGE sql STABLE SET search_path = cesutg AS $f$
	SELECT (m || '-01')::date::text,
	    ((m || '-01')::date + interval '1 month' - interval '1 day')::date::text,
	    r.code_client, r.identifiant_beneficiaire, r.reference_commande,
	    substr(m, 6, 2), substr(m, 1, 4), cesu_dec(r.valeur),
	    count(*)::text, cesu_dec(sum(r.valeur)::bigint),
	    substr(r.mois_consommation, 6, 2), substr(r.mois_consommation, 1, 4),
	    r.code_affilie, rtrim(left(r.nom_affilie, 20)), r.code_produit
	FROM cesu_rembourses(m) r
	WHERE r.code_client IS NOT NULL
	GROUP BY r.code_client, r.identifiant_beneficiaire, r.reference_commande,
	    r.mois_consommation, r.code_affilie, rtrim(left(r.nom_affilie, 20)),
	    r.valeur, r.code_produit
	ORDER BY r.code_client, r.identifiant_beneficiaire, r.reference_commande,
	    r.mois_consommation, r.code_affilie, r.valeur, r.code_produit
$f$;

-- The plan version of a beneficiary's prestation in force at the end of
-- month m, else the latest one. Plain SQL (no SET clause) so that the
-- planner inlines it: it runs once per order line or refund group.
CREATE FUNCTION cesu_plan(benef text, idx text, m text) RETURNS SETOF plan
LANGUAGE sql STABLE ROWS 1 AS $f$
	SELECT * FROM cesutg.plan p
	WHERE p.identifiant_beneficiaire_salsa = benef
	    AND p.index_prestation_salsa = idx
	ORDER BY p.valide_du < (m || '-01')::date + interval '1 month' DESC,
	    p.valide_du DESC, p.id DESC
	LIMIT 1
$f$;

-- The net hourly wage in cents: the plan's unit tariff (département's and
-- beneficiary's shares), else tarif_horaire_defaut (defaut, cents), else
-- the title's face value vu (a title pays an hour).
CREATE FUNCTION cesu_salaire_horaire(cd numeric, benef numeric, defaut bigint,
    vu bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $f$
	SELECT coalesce(NULLIF(((coalesce(cd, 0) + coalesce(benef, 0)) *
	    100)::bigint, 0), NULLIF(defaut, 0), vu)
$f$;

-- APA 1, PCH 2, PCH enfant 3 (module PCHE, or a PCH whose code financier
-- starts with PCHE); ASL and other aids have no CESU.
CREATE FUNCTION cesu_type_prestation(p plan) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
	SELECT CASE WHEN upper(p.module) = 'APA' THEN '1'
	    WHEN upper(p.module) = 'PCHE' OR (upper(p.module) LIKE 'PCH%'
		AND upper(p.code_financier) LIKE 'PCHE%') THEN '3'
	    WHEN upper(p.module) IN ('PCH', 'PCHA') THEN '2' END
$f$;

-- Centi-hours paid by v cents at w cents an hour, half up.
CREATE FUNCTION cesu_heures(v bigint, w bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $f$
	SELECT CASE WHEN v IS NULL OR v = 0 THEN NULL
	    ELSE (v * 100 + w / 2) / w END
$f$;

-- Flux 8.1: per beneficiary, prestation and reference month (the titles'
-- order month), hours and amounts cashed by an employee (E) or by an
-- organisation (M, P).
CREATE FUNCTION cesu_flux81(m text, d date, n bigint)
RETURNS TABLE (date_creation_fichier text, numero_ordre text,
    code_departement text, identifiant_beneficiaire text,
    index_prestation text, mois_reference text, heures_emploi_direct text,
    heures_autres text, montant_emploi_direct text, montant_autres text)
LANGUAGE sql STABLE SET search_path = cesutg AS $f$
	WITH g AS (
		SELECT r.identifiant_beneficiaire AS b, r.index_prestation AS i,
		    r.mois_reference AS mr,
		    sum(r.valeur) FILTER (WHERE r.type_affilie = 'E')::bigint AS ed,
		    sum(r.valeur) FILTER (WHERE r.type_affilie <> 'E')::bigint AS au,
		    max(r.valeur) AS vu
		FROM cesu_rembourses(m) r
		GROUP BY 1, 2, 3
	)
	SELECT d::text, n::text, (SELECT valeur FROM param
	    WHERE nom = 'cesu_code_departement'), g.b, g.i, g.mr,
	    cesu_dec(cesu_heures(g.ed, w.w)), cesu_dec(cesu_heures(g.au, w.w)),
	    cesu_dec(NULLIF(g.ed, 0)), cesu_dec(NULLIF(g.au, 0))
	FROM g
	CROSS JOIN (SELECT cesu_param_int('tarif_horaire_defaut', 100)
	    AS defaut) dd
	LEFT JOIN LATERAL cesu_plan(g.b, g.i, g.mr) p ON true
	CROSS JOIN LATERAL (SELECT cesu_salaire_horaire(p.montant_unitaire_cd,
	    p.montant_unitaire_beneficiaire, dd.defaut, g.vu) AS w) w
	ORDER BY g.b, g.i NULLS FIRST, g.mr
$f$;

-- Computes the Flux 8.2 of month m into declaration_cesu: the current
-- order lines of m, grouped by beneficiary and prestation, with the plan.
CREATE FUNCTION cesu_declarer(m text) RETURNS bigint
LANGUAGE plpgsql SET search_path = cesutg AS $f$
DECLARE
	k bigint;
BEGIN
	DELETE FROM declaration_cesu WHERE mois = m;
	INSERT INTO declaration_cesu
	WITH l AS (
		SELECT c.matricule_salarie AS b,
		    coalesce(c.reference_ligne_commande_externe, '') AS i,
		    sum(c.nombre_titres)::bigint AS nt,
		    sum(c.nombre_titres * (c.valeur_unitaire * 100)::bigint)::bigint
			AS v,
		    max((c.valeur_unitaire * 100)::bigint) AS vu,
		    min(c.id) AS premier
		FROM commande c
		WHERE c.valide_au IS NULL AND c.matricule_salarie IS NOT NULL
		    AND coalesce(c.mois_reference, to_char(c.date_commande,
			'YYYY-MM')) = m
		GROUP BY 1, 2
	), x AS (
		SELECT l.*, c, p, cesu_type_prestation(p) AS tp,
		    cesu_salaire_horaire(p.montant_unitaire_cd,
			p.montant_unitaire_beneficiaire, d.defaut, l.vu) AS w,
		    CASE cesu_type_prestation(p) WHEN '1' THEN 'taux_charges_apa'
			WHEN '2' THEN 'taux_charges_pcha'
			WHEN '3' THEN 'taux_charges_pche' END AS tparam
		FROM l
		JOIN commande c ON c.id = l.premier
		LEFT JOIN LATERAL cesu_plan(l.b, l.i, m) p ON true
		CROSS JOIN (SELECT cesu_param_int('tarif_horaire_defaut', 100)
		    AS defaut) d
	), y AS (
		SELECT x.*, cesu_heures(x.v, x.w) AS h,
		    (SELECT valeur::numeric FROM param WHERE nom = x.tparam) AS tc,
		    10000 - coalesce(round((x.p).pourcentage_ticket * 100)::bigint,
			0) AS taux
		FROM x
	)
	SELECT m, y.b, y.i, (y.p).id,
	    (SELECT ch.numero_employeur FROM charge ch
		WHERE ch.identifiant_beneficiaire = y.b ORDER BY ch.id DESC
		LIMIT 1),
	    CASE WHEN (y.c).civilite IN ('1', '2', '3') THEN (y.c).civilite
		WHEN upper((y.p).civilite_beneficiaire) IN ('M', 'M.', 'MR')
		    THEN '1'
		WHEN upper((y.p).civilite_beneficiaire) IN ('MME', 'MADAME')
		    THEN '2'
		WHEN upper((y.p).civilite_beneficiaire) IN ('MLLE',
		    'MADEMOISELLE') THEN '3' END,
	    coalesce((y.p).nom_naissance_beneficiaire, (y.c).nom_beneficiaire),
	    CASE WHEN (y.p).nom_naissance_beneficiaire IS NOT NULL AND
		(y.p).nom_naissance_beneficiaire <> coalesce((y.p).nom_beneficiaire,
		(y.c).nom_beneficiaire) THEN coalesce((y.p).nom_beneficiaire,
		(y.c).nom_beneficiaire) END,
	    (y.c).prenom_beneficiaire, (y.c).date_naissance,
	    (y.p).adresse_2, coalesce((y.p).adresse_1, (y.c).nom_voie),
	    coalesce((y.p).code_postal, (y.c).code_postal),
	    coalesce((y.p).ville, (y.c).nom_commune, (y.c).bureau_distributeur),
	    NULLIF(concat_ws(' ', (y.p).civilite_tuteur, (y.p).nom_tuteur,
		(y.p).prenom_tuteur), ''),
	    (y.p).adresse_2_tuteur, (y.p).adresse_1_tuteur,
	    (y.p).code_postal_tuteur, (y.p).ville_tuteur,
	    CASE (y.p).mode_gestion WHEN 'M' THEN '1' WHEN 'E' THEN '2' END,
	    y.tp,
	    coalesce((y.p).date_debut_droit, (y.p).date_debut_prise_en_charge,
		(y.c).date_debut_prise_en_charge),
	    (y.p).date_fin_droit,
	    y.nt, y.v, y.h, y.w, y.taux, (y.v * y.taux + 5000) / 10000, y.tc,
	    (y.h * y.w * round(y.tc * 10000)::bigint + 500000) / 1000000,
	    CASE WHEN (y.p).id IS NULL THEN
		'aucun plan d''aide pour ce bénéficiaire et cet index prestation'
	    WHEN (y.p).mode_gestion IS DISTINCT FROM 'M' AND
		(y.p).mode_gestion IS DISTINCT FROM 'E' THEN
		'plan en mode de gestion « ' || coalesce((y.p).mode_gestion, '') ||
		' » : ni mandataire (M) ni emploi direct (E)'
	    WHEN y.tp IS NULL THEN
		'aide « ' || coalesce((y.p).module, '') ||
		' » sans CESU (APA, PCH ou PCH enfant attendue)'
	    END
	FROM y;
	GET DIAGNOSTICS k = ROW_COUNT;
	RETURN k;
END
$f$;

CREATE FUNCTION cesu_flux82(m text)
RETURNS TABLE (code_conseil_departemental text, date_creation_fichier text,
    numero_ordre text, identifiant_beneficiaire text, index_prestation text,
    numero_employeur text, civilite text, nom_naissance text, nom_epoux text,
    prenom text, date_naissance text, lieu_naissance text, nir text,
    adresse_1 text, adresse_2 text, adresse_3 text, code_postal text,
    ville text, nom_correspondant text, adresse_correspondance_1 text,
    adresse_correspondance_2 text, adresse_correspondance_3 text,
    code_postal_correspondance text, ville_correspondance text,
    tiers_payant text, mois_reference text, code_type_emploi text,
    code_mode_declaration text, type_prestation text, date_effet text,
    cesu_prefinances text, heures_avant_deduction_mtp text,
    heures_plan_aide_cg text, salaire_horaire_net text, salaire_net text,
    taux_prise_en_charge_cg text, montant_prise_en_charge_salaires text,
    montant_prise_en_charge_cotisations text, date_fin text)
LANGUAGE sql STABLE SET search_path = cesutg AS $f$
	SELECT (SELECT valeur FROM param
		WHERE nom = 'cesu_code_conseil_departemental'),
	    e.date_creation::text, e.numero_ordre::text,
	    d.identifiant_beneficiaire, NULLIF(d.index_prestation, ''),
	    d.numero_employeur, d.civilite, d.nom_naissance, d.nom_epoux,
	    d.prenom, d.date_naissance::text, NULL, NULL, d.adresse_1,
	    d.adresse_2, NULL, d.code_postal, d.ville, d.nom_correspondant,
	    d.adresse_correspondance_1, d.adresse_correspondance_2, NULL,
	    d.code_postal_correspondance, d.ville_correspondance, 'O', d.mois,
	    d.code_type_emploi, '1', d.type_prestation, d.date_effet::text, 'O',
	    NULL, cesu_dec(d.heures), cesu_dec(d.salaire_horaire),
	    cesu_dec(d.valeur_titres), cesu_dec(d.taux_prise_en_charge),
	    cesu_dec(d.prise_en_charge_salaires),
	    cesu_dec(d.plafond_cotisations), d.date_fin::text
	FROM declaration_cesu d
	JOIN envoi_cesu e ON e.flux = '82' AND e.mois = d.mois
	WHERE d.mois = m AND d.probleme IS NULL
	ORDER BY d.identifiant_beneficiaire, d.index_prestation
$f$;

-- The sequence number of the Flux 8.1 or 8.2 of month m: the one it had
-- if written before, else the one given, else the last one + 1; recorded.
-- Returns it with what is wrong against the file of the month before.
CREATE FUNCTION cesu_envoi(f text, m text, d date, force bigint)
RETURNS TABLE (numero bigint, avertissement text)
LANGUAGE plpgsql SET search_path = cesutg AS $f$
DECLARE
	n bigint;
	prec envoi_cesu;
	autre text;
BEGIN
	PERFORM verrouiller('cesu_envoi');
	SELECT e.numero_ordre INTO n FROM envoi_cesu e
	    WHERE e.flux = f AND e.mois = m;
	IF force IS NOT NULL THEN
		n := force;
	ELSIF n IS NULL THEN
		n := coalesce((SELECT max(e.numero_ordre) FROM envoi_cesu e
		    WHERE e.flux = f), 0) % 99999 + 1;
	END IF;
	INSERT INTO envoi_cesu AS e (flux, mois, numero_ordre, date_creation)
	    VALUES (f, m, n, d)
	    ON CONFLICT (flux, mois) DO UPDATE SET numero_ordre = n,
		date_creation = d, qui = session_user, quand = now();
	SELECT * INTO prec FROM envoi_cesu e WHERE e.flux = f AND e.mois < m
	    ORDER BY e.mois DESC LIMIT 1;
	SELECT string_agg(e.mois, ', ' ORDER BY e.mois) INTO autre
	    FROM envoi_cesu e WHERE e.flux = f AND e.mois <> m
	    AND e.numero_ordre = n;
	numero := n;
	avertissement := NULL;
	IF autre IS NOT NULL THEN
		avertissement := format('numéro d''ordre %s répété : déjà celui '
		    'du fichier de %s', n, autre);
	ELSIF prec.id IS NOT NULL AND n > prec.numero_ordre + 1 THEN
		avertissement := format('numéro d''ordre %s : lacune après %s, '
		    'celui du fichier de %s', n, prec.numero_ordre, prec.mois);
	ELSIF prec.id IS NOT NULL AND n <= prec.numero_ordre THEN
		avertissement := format('numéro d''ordre %s : pas après %s, '
		    'celui du fichier de %s', n, prec.numero_ordre, prec.mois);
	END IF;
	RETURN NEXT;
END
$f$;

-- Flux 6 of billing month m (optionally one prestation type), as received,
-- to forward to SALSA.
CREATE FUNCTION cesu_flux6(m text, tp text)
RETURNS TABLE (code_conseil_departemental text, date_creation_fichier text,
    numero_ordre text, identifiant_beneficiaire text, index_prestation text,
    numero_employeur text, type_prestation text, periode_emploi text,
    heures_plan_aide_cg text, montant_prise_en_charge_cotisations text,
    heures_impactees text, montant_prise_en_charge_impactee text,
    nature_mouvement text, mois_facturation text, date_limite_virement text)
LANGUAGE sql STABLE SET search_path = cesutg AS $f$
	SELECT c.code_conseil_departemental, c.date_creation_fichier::text,
	    c.numero_ordre::text, c.identifiant_beneficiaire, c.index_prestation,
	    c.numero_employeur, c.type_prestation, c.periode_emploi,
	    c.heures_plan_aide_cg::text,
	    c.montant_prise_en_charge_cotisations::text,
	    c.heures_impactees::text, c.montant_prise_en_charge_impactee::text,
	    c.nature_mouvement, c.mois_facturation, c.date_limite_virement::text
	FROM charge c
	WHERE c.valide_au IS NULL AND c.mois_facturation = m
	    AND (tp IS NULL OR c.type_prestation = tp)
	ORDER BY c.type_prestation, c.ingestion_debut, c.ligne
$f$;

-- What the Flux 6 of billing month m does not respect: per beneficiary,
-- prestation and employment period it bills, nature 1 + 2 - 3 of every
-- file billed up to m against the ceiling and hours of the Flux 8.2 of
-- that period; the sequence numbers of m's files against the previous.
CREATE FUNCTION cesu_ecarts(m text, tp text)
RETURNS TABLE (motif text, identifiant_beneficiaire text,
    index_prestation text, type_prestation text, periode_emploi text,
    montant_facture text, plafond_declare text, excedent text,
    heures_facturees text, heures_declarees text, excedent_heures text,
    numero_ordre text)
LANGUAGE sql STABLE SET search_path = cesutg SET enable_nestloop = off AS $f$
	WITH g AS (
		SELECT DISTINCT c.identifiant_beneficiaire AS b,
		    coalesce(c.index_prestation, '') AS i, c.periode_emploi AS pe
		FROM charge c
		WHERE c.valide_au IS NULL AND c.mois_facturation = m
		    AND (tp IS NULL OR c.type_prestation = tp)
	), s AS (
		SELECT g.b, g.i, g.pe, max(c.type_prestation) AS tp,
		    sum(CASE c.nature_mouvement WHEN '3' THEN -1 ELSE 1 END *
			(c.montant_prise_en_charge_impactee * 100)::bigint)::bigint
			AS mt,
		    sum(CASE c.nature_mouvement WHEN '3' THEN -1 ELSE 1 END *
			(c.heures_impactees * 100)::bigint)::bigint AS h
		FROM g JOIN charge c ON c.identifiant_beneficiaire = g.b
		    AND coalesce(c.index_prestation, '') = g.i
		    AND c.periode_emploi = g.pe
		WHERE c.valide_au IS NULL AND c.mois_facturation <= m
		GROUP BY 1, 2, 3
	), e AS (
		SELECT s.*, d.plafond_cotisations AS pl, d.heures AS hd,
		    d.mois IS NOT NULL AS declare
		FROM s LEFT JOIN declaration_cesu d ON d.mois = s.pe
		    AND d.identifiant_beneficiaire = s.b AND d.index_prestation = s.i
		    AND d.probleme IS NULL
	), f AS (
		SELECT DISTINCT c.ingestion_debut, c.numero_ordre
		FROM charge c WHERE c.mois_facturation = m
		    AND (tp IS NULL OR c.type_prestation = tp)
	), q AS (
		SELECT f.numero_ordre AS n, coalesce(lag(f.numero_ordre) OVER
		    (ORDER BY f.numero_ordre, f.ingestion_debut),
		    (SELECT max(c.numero_ordre) FROM charge c
		    WHERE c.mois_facturation < m
		    AND (tp IS NULL OR c.type_prestation = tp))) AS p
		FROM f
	)
	SELECT CASE WHEN NOT e.declare THEN
		'aucune déclaration (Flux 8.2) pour cette période'
	    WHEN e.mt > e.pl AND e.h > e.hd THEN
		'montant et heures au-dessus du Flux 8.2'
	    WHEN e.mt > e.pl THEN 'montant au-dessus du plafond du Flux 8.2'
	    ELSE 'heures au-dessus des heures du Flux 8.2' END,
	    e.b, NULLIF(e.i, ''), e.tp, e.pe, cesu_dec(e.mt), cesu_dec(e.pl),
	    CASE WHEN e.declare THEN cesu_dec(greatest(e.mt - e.pl, 0)) END,
	    cesu_dec(e.h), cesu_dec(e.hd),
	    CASE WHEN e.declare THEN cesu_dec(greatest(e.h - e.hd, 0)) END, NULL
	FROM e
	WHERE NOT e.declare OR e.mt > e.pl OR e.h > e.hd
	UNION ALL
	SELECT CASE WHEN q.n = q.p THEN 'numéro d''ordre répété (fichier '
		'précédent : ' || q.p || ')'
	    WHEN q.n > q.p + 1 THEN 'numéro d''ordre : lacune (fichier '
		'précédent : ' || q.p || ')'
	    ELSE 'numéro d''ordre pas après celui du fichier précédent ('
		|| q.p || ')' END,
	    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	    q.n::text
	FROM q WHERE q.p IS NOT NULL AND q.n <> q.p + 1
	ORDER BY 1, 2, 3, 5
$f$;
