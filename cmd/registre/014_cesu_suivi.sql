-- registre: the CESU follow-up (cesutg-cesu(7)): title events (lost,
-- stolen, cancelled, returned mail, dematerialised on request, urgent
-- re-issue blocking the titles it replaces), the e-CESU accounts, the
-- compte d'emploi per aid and order month, and the refunds whose affiliate
-- contradicts the plan's mode (F12). Amounts are integer cents.

SET LOCAL ROLE cesutg_owner;
SET LOCAL search_path = cesutg;

-- A title blocked by an urgent re-issue, or whose envelope came back,
-- is refused like a stolen one; a dematerialised one stays valid, on the
-- beneficiary's e-CESU account.
ALTER TABLE titre DROP CONSTRAINT titre_statut_check;
ALTER TABLE titre ADD CONSTRAINT titre_statut_check
	CHECK (statut IN ('vole', 'annule', 'perdu', 'non_distribue', 'bloque')),
    ADD dematerialise_le date,
    ADD remplace_par text;
ALTER TABLE remboursement_rejete DROP CONSTRAINT remboursement_rejete_cause_check;
ALTER TABLE remboursement_rejete ADD CONSTRAINT remboursement_rejete_cause_check
	CHECK (cause IN ('jamais_emis', 'deja_rembourse', 'double_fichier',
	    'retire', 'vole', 'annule', 'perdu', 'perime', 'non_distribue',
	    'bloque'));

-- Every title event recorded, one per title and nature (C7, C9, E2, W6).
CREATE TABLE evenement_titre (
	id bigserial PRIMARY KEY,
	numero_titre text NOT NULL REFERENCES titre,
	nature text NOT NULL CHECK (nature IN ('perdu', 'vole', 'annule',
	    'non_distribue', 'dematerialise', 'reemission')),
	date_evenement date NOT NULL,
	motif text,
	titre_remplacant text REFERENCES titre,
	source text,
	ligne bigint,
	qui text NOT NULL DEFAULT session_user,
	quand timestamptz NOT NULL DEFAULT now(),
	UNIQUE (numero_titre, nature)
);

SELECT brancher('evenement_titre', 'id');
GRANT SELECT, INSERT ON evenement_titre TO cesutg_loader;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA cesutg TO cesutg_loader;
GRANT SELECT ON evenement_titre TO cesutg_agent;
CREATE POLICY agent ON evenement_titre FOR SELECT TO cesutg_agent
    USING ('CESU' IN (SELECT aide FROM acces_agent WHERE role = current_user));

-- Records one event; returns why it is refused, NULL when recorded (or
-- already recorded the same). The date comes as text so that a bad one
-- refuses its line, not the file.
CREATE FUNCTION cesu_evenement(num text, nat text, dt text, mot text,
    remplacant text, src text, lg bigint) RETURNS text
LANGUAGE plpgsql SET search_path = cesutg AS $f$
DECLARE
	t titre;
	e evenement_titre;
	r remboursement;
	d date;
	bloquant boolean := nat IN ('perdu', 'vole', 'annule',
	    'non_distribue', 'reemission');
BEGIN
	IF nat IS NULL OR nat NOT IN ('perdu', 'vole', 'annule',
	    'non_distribue', 'dematerialise', 'reemission') THEN
		RETURN format('nature « %s » inconnue : perdu, vole, annule, '
		    'non_distribue, dematerialise ou reemission attendu',
		    coalesce(nat, ''));
	END IF;
	IF dt IS NULL OR dt !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
		RETURN format('date « %s » invalide : AAAA-MM-JJ attendu',
		    coalesce(dt, ''));
	END IF;
	BEGIN
		d := dt::date;
	EXCEPTION WHEN others THEN
		RETURN format('date « %s » invalide : AAAA-MM-JJ attendu', dt);
	END;
	SELECT * INTO t FROM titre WHERE numero_titre = num FOR UPDATE;
	IF NOT FOUND THEN
		RETURN format('titre %s inconnu du registre des titres',
		    coalesce(num, ''));
	END IF;
	SELECT * INTO e FROM evenement_titre
	    WHERE numero_titre = num AND nature = nat;
	IF FOUND THEN
		IF e.date_evenement = d AND e.titre_remplacant IS NOT DISTINCT
		    FROM NULLIF(remplacant, '') THEN
			RETURN NULL;
		END IF;
		RETURN format('titre %s : événement %s déjà enregistré le %s',
		    num, nat, e.date_evenement);
	END IF;
	IF nat <> 'reemission' AND NULLIF(remplacant, '') IS NOT NULL THEN
		RETURN 'titre remplaçant donné pour un événement autre qu''une '
		    'réémission';
	END IF;
	IF NULLIF(remplacant, '') IS NOT NULL AND (remplacant = num OR
	    NOT EXISTS (SELECT 1 FROM titre x WHERE x.numero_titre = remplacant
		AND x.identifiant_beneficiaire = t.identifiant_beneficiaire)) THEN
		RETURN format('titre remplaçant %s inconnu, ou d''un autre '
		    'bénéficiaire', remplacant);
	END IF;
	SELECT * INTO r FROM remboursement
	    WHERE numero_titre = num AND valide_au IS NULL;
	IF FOUND THEN
		RETURN format('titre %s déjà remboursé le %s : événement sans '
		    'objet', num, r.date_remboursement);
	END IF;
	IF t.annule_par IS NOT NULL THEN
		RETURN format('titre %s retiré de sa commande le %s', num,
		    t.annule_le);
	END IF;
	-- A re-issue replaces a title lost, stolen or returned; any other
	-- status is final.
	IF bloquant AND t.statut IS NOT NULL AND NOT (nat = 'reemission' AND
	    t.statut IN ('perdu', 'vole', 'non_distribue')) THEN
		RETURN format('titre %s déjà %s depuis le %s', num,
		    replace(t.statut, '_', ' '), t.statut_le);
	END IF;
	IF nat = 'dematerialise' AND t.statut IS NOT NULL THEN
		RETURN format('titre %s %s : pas de crédit e-CESU', num,
		    replace(t.statut, '_', ' '));
	END IF;
	INSERT INTO evenement_titre (numero_titre, nature, date_evenement,
	    motif, titre_remplacant, source, ligne)
	    VALUES (num, nat, d, NULLIF(mot, ''), NULLIF(remplacant, ''), src, lg);
	IF nat = 'dematerialise' THEN
		UPDATE titre SET dematerialise_le = d WHERE numero_titre = num;
	ELSIF nat = 'reemission' THEN
		UPDATE titre SET statut = 'bloque', statut_le = d,
		    remplace_par = NULLIF(remplacant, '') WHERE numero_titre = num;
	ELSE
		UPDATE titre SET statut = nat, statut_le = d
		    WHERE numero_titre = num;
	END IF;
	RETURN NULL;
END
$f$;
REVOKE EXECUTE ON FUNCTION cesu_evenement(text, text, text, text, text,
    text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cesu_evenement(text, text, text, text, text,
    text, bigint) TO cesutg_loader;

-- The events of a CSV (registre cesu evenements) staged by the caller in
-- pg_temp.stg_evenement, recorded in file order (a title stolen, then
-- re-issued, in the same file); returns the refused lines.
CREATE FUNCTION cesu_evenements(src text)
RETURNS TABLE (ligne bigint, motif text)
LANGUAGE plpgsql SET search_path = cesutg AS $f$
DECLARE
	s record;
	m text;
BEGIN
	FOR s IN SELECT * FROM pg_temp.stg_evenement ORDER BY 1 LOOP
		m := cesu_evenement(s.numero_titre, s.nature, s.date_evenement,
		    s.motif, s.titre_remplacant, src, s.ligne + 1);
		IF m IS NOT NULL THEN
			ligne := s.ligne + 1;
			motif := m;
			RETURN NEXT;
		END IF;
	END LOOP;
END
$f$;
REVOKE EXECUTE ON FUNCTION cesu_evenements(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cesu_evenements(text) TO cesutg_loader;

-- Refunds rejected for a reason of their title that may be a fraud (J2):
-- a blocked, stolen, lost, returned or cancelled title cashed, a title
-- cashed twice. signal names it; bloque is a replaced title cashed.
CREATE VIEW signal_fraude_cesu WITH (security_invoker = true) AS
SELECT r.id, r.cause AS signal, r.motif, r.numero_titre,
    r.identifiant_beneficiaire, r.date_remboursement, r.date_encaissement,
    r.code_affilie, r.nom_affilie, r.type_affilie, r.valeur_faciale,
    t.statut_le AS statut_depuis, t.remplace_par, r.ingestion, r.ligne
FROM remboursement_rejete r
LEFT JOIN titre t USING (numero_titre)
WHERE r.cause IN ('bloque', 'vole', 'perdu', 'annule', 'non_distribue',
    'deja_rembourse', 'double_fichier');
GRANT SELECT ON signal_fraude_cesu TO cesutg_loader, cesutg_agent;

-- Every title with what became of it at date au: its order line's
-- prestation and e-CESU flag (AAMM, SALSA id on 6, rank on 5, as
-- cesu_rembourses finds them), its current refund, its status. etat is
-- rembourse, a status (bloque, vole, perdu, annule, non_distribue),
-- retire (no longer covered by its order line), perime (refundable until
-- the end of the month after its validity plus delai_remboursement_mois,
-- and that was before au), else circulation.
CREATE FUNCTION cesu_titres(au date)
RETURNS TABLE (numero_titre text, identifiant_beneficiaire text,
    index_prestation text, mois_commande text, valeur bigint,
    ecesu boolean, etat text, mois_remboursement text, origine text)
LANGUAGE sql STABLE SET search_path = cesutg SET enable_nestloop = off
    SET enable_mergejoin = off AS $f$
	WITH l AS (
		SELECT substr(x.mc, 3, 2) || substr(x.mc, 6, 2) ||
			lpad(c.matricule_salarie, 6, '0') AS k,
		    lpad(c.premier_titre::text, 5, '0') COLLATE "C" AS de,
		    lpad((c.premier_titre + c.nombre_titres - 1)::text, 5, '0')
			COLLATE "C" AS a,
		    c.reference_ligne_commande_externe AS idx,
		    coalesce(c.titre_dematerialise, 'N') = 'O' AS demat
		FROM commande c
		CROSS JOIN LATERAL (SELECT coalesce(c.mois_reference,
		    to_char(c.date_commande, 'YYYY-MM')) AS mc) x
		WHERE c.valide_au IS NULL AND c.matricule_salarie ~ '^[0-9]{1,6}$'
	), lim AS (
		SELECT (SELECT valeur::int FROM param
		    WHERE nom = 'delai_remboursement_mois') AS delai
	)
	SELECT t.numero_titre, t.identifiant_beneficiaire, l.idx,
	    coalesce(t.mois_commande, '20' || substr(t.numero_titre, 1, 2) ||
		'-' || substr(t.numero_titre, 3, 2)),
	    (t.valeur_faciale * 100)::bigint,
	    coalesce(l.demat, false) OR t.dematerialise_le IS NOT NULL,
	    CASE WHEN r.numero_titre IS NOT NULL THEN 'rembourse'
		WHEN t.statut IS NOT NULL THEN t.statut
		WHEN t.annule_par IS NOT NULL THEN 'retire'
		WHEN (date_trunc('month', t.date_validite) + make_interval(
		    months => 1 + lim.delai))::date - 1 < au THEN 'perime'
		ELSE 'circulation' END,
	    to_char(r.date_remboursement, 'YYYY-MM'), t.origine
	FROM titre t
	CROSS JOIN lim
	LEFT JOIN remboursement r ON r.numero_titre = t.numero_titre
	    AND r.valide_au IS NULL
	LEFT JOIN l ON t.origine = 'commande'
	    AND l.k = substr(t.numero_titre, 1, 10)
	    AND substr(t.numero_titre, 11) COLLATE "C" BETWEEN l.de AND l.a
$f$;

-- The aid of a beneficiary's prestation: that of the plan of this index
-- (any index for a title taken over, which has none), as in the Flux 8.2.
CREATE FUNCTION cesu_aide(benef text, idx text, m text) RETURNS text
LANGUAGE sql STABLE SET search_path = cesutg AS $f$
	SELECT coalesce((SELECT CASE cesu_type_prestation(p) WHEN '1' THEN 'APA'
		WHEN '2' THEN 'PCH' WHEN '3' THEN 'PCHE' END
	    FROM plan p
	    WHERE p.identifiant_beneficiaire_salsa = benef
		AND (idx IS NULL OR p.index_prestation_salsa = idx)
		AND cesu_type_prestation(p) IS NOT NULL
	    ORDER BY p.valide_du < (m || '-01')::date + interval '1 month' DESC,
		p.valide_du DESC, p.id DESC
	    LIMIT 1), 'inconnue')
$f$;

-- e-CESU accounts at date au (C5, W7): per beneficiary, the titles
-- credited (ordered dematerialised, or dematerialised on request), what
-- was consumed (refunded), expired, blocked or withdrawn, and the balance.
CREATE FUNCTION cesu_comptes_ecesu(au date)
RETURNS TABLE (identifiant_beneficiaire text, titres_credites bigint,
    montant_credite text, montant_consomme text, montant_perime text,
    montant_annule text, titres_solde bigint, solde text)
LANGUAGE sql STABLE SET search_path = cesutg AS $f$
	SELECT t.identifiant_beneficiaire, count(*),
	    cesu_dec(sum(t.valeur)::bigint),
	    cesu_dec(coalesce(sum(t.valeur) FILTER (WHERE t.etat = 'rembourse'),
		0)::bigint),
	    cesu_dec(coalesce(sum(t.valeur) FILTER (WHERE t.etat = 'perime'),
		0)::bigint),
	    cesu_dec(coalesce(sum(t.valeur) FILTER (WHERE t.etat NOT IN
		('rembourse', 'perime', 'circulation')), 0)::bigint),
	    count(*) FILTER (WHERE t.etat = 'circulation'),
	    cesu_dec(coalesce(sum(t.valeur) FILTER (WHERE t.etat =
		'circulation'), 0)::bigint)
	FROM cesu_titres(au) t
	WHERE t.ecesu
	GROUP BY 1
	ORDER BY 1
$f$;

-- Compte d'emploi (I6, I7, W10): per aid and order month between de and a
-- (NULL: no bound), the titles issued and what became of them at au; the
-- CNCESU charges billed (Flux 6, nature 1 + 2 - 3) for that period. For
-- every row, emis = rembourses + perimes + annules + voles_perdus +
-- non_distribues + bloques + en_circulation.
CREATE FUNCTION cesu_compte_emploi(de text, a text, au date)
RETURNS TABLE (aide text, mois_commande text, titres_emis bigint,
    valeur_emise text, titres_rembourses bigint, valeur_remboursee text,
    titres_perimes bigint, valeur_perimee text, titres_annules bigint,
    valeur_annulee text, titres_voles_perdus bigint,
    valeur_volee_perdue text, titres_non_distribues bigint,
    valeur_non_distribuee text, titres_bloques bigint,
    valeur_bloquee text, titres_en_circulation bigint,
    valeur_en_circulation text, titres_ecesu bigint,
    solde_ecesu text, charges_facturees text)
LANGUAGE sql STABLE SET search_path = cesutg SET enable_nestloop = off AS $f$
	WITH t AS (
		SELECT * FROM cesu_titres(au) t
		WHERE (de IS NULL OR t.mois_commande >= de)
		    AND (a IS NULL OR t.mois_commande <= a)
	), b AS (
		-- Per beneficiary, prestation and month first: the aid is then
		-- looked up once per group, not once per title.
		SELECT t.identifiant_beneficiaire AS b,
		    coalesce(t.index_prestation, '') AS i, t.mois_commande AS m,
		    count(*) AS n, sum(t.valeur)::bigint AS v,
		    count(*) FILTER (WHERE t.etat = 'rembourse') AS nr,
		    sum(t.valeur) FILTER (WHERE t.etat = 'rembourse') AS vr,
		    count(*) FILTER (WHERE t.etat = 'perime') AS np,
		    sum(t.valeur) FILTER (WHERE t.etat = 'perime') AS vp,
		    count(*) FILTER (WHERE t.etat IN ('annule', 'retire')) AS na,
		    sum(t.valeur) FILTER (WHERE t.etat IN ('annule', 'retire'))
			AS va,
		    count(*) FILTER (WHERE t.etat IN ('vole', 'perdu')) AS nv,
		    sum(t.valeur) FILTER (WHERE t.etat IN ('vole', 'perdu')) AS vv,
		    count(*) FILTER (WHERE t.etat = 'non_distribue') AS nn,
		    sum(t.valeur) FILTER (WHERE t.etat = 'non_distribue') AS vn,
		    count(*) FILTER (WHERE t.etat = 'bloque') AS nb,
		    sum(t.valeur) FILTER (WHERE t.etat = 'bloque') AS vb,
		    count(*) FILTER (WHERE t.etat = 'circulation') AS nc,
		    sum(t.valeur) FILTER (WHERE t.etat = 'circulation') AS vc,
		    count(*) FILTER (WHERE t.etat = 'circulation' AND t.ecesu)
			AS ne,
		    sum(t.valeur) FILTER (WHERE t.etat = 'circulation' AND t.ecesu)
			AS ve
		FROM t GROUP BY 1, 2, 3
	), p AS MATERIALIZED (
		SELECT b.*, cesu_aide(b.b, NULLIF(b.i, ''), b.m) AS aide FROM b
	), g AS (
		SELECT p.aide, p.m, sum(p.n)::bigint AS n, sum(p.v)::bigint AS v,
		    sum(p.nr)::bigint AS nr, sum(p.vr)::bigint AS vr,
		    sum(p.np)::bigint AS np, sum(p.vp)::bigint AS vp,
		    sum(p.na)::bigint AS na, sum(p.va)::bigint AS va,
		    sum(p.nv)::bigint AS nv, sum(p.vv)::bigint AS vv,
		    sum(p.nn)::bigint AS nn, sum(p.vn)::bigint AS vn,
		    sum(p.nb)::bigint AS nb, sum(p.vb)::bigint AS vb,
		    sum(p.nc)::bigint AS nc, sum(p.vc)::bigint AS vc,
		    sum(p.ne)::bigint AS ne, sum(p.ve)::bigint AS ve
		FROM p GROUP BY 1, 2
	), ch AS (
		SELECT CASE c.type_prestation WHEN '1' THEN 'APA' WHEN '2' THEN
			'PCH' WHEN '3' THEN 'PCHE' ELSE 'inconnue' END AS aide,
		    c.periode_emploi AS m,
		    sum(CASE c.nature_mouvement WHEN '3' THEN -1 ELSE 1 END *
			(c.montant_prise_en_charge_impactee * 100)::bigint)::bigint
			AS ct
		FROM charge c
		WHERE c.valide_au IS NULL AND (de IS NULL OR c.periode_emploi >= de)
		    AND (a IS NULL OR c.periode_emploi <= a)
		GROUP BY 1, 2
	)
	SELECT coalesce(g.aide, ch.aide), coalesce(g.m, ch.m),
	    coalesce(g.n, 0), cesu_dec(coalesce(g.v, 0)),
	    coalesce(g.nr, 0), cesu_dec(coalesce(g.vr, 0)::bigint),
	    coalesce(g.np, 0), cesu_dec(coalesce(g.vp, 0)::bigint),
	    coalesce(g.na, 0), cesu_dec(coalesce(g.va, 0)::bigint),
	    coalesce(g.nv, 0), cesu_dec(coalesce(g.vv, 0)::bigint),
	    coalesce(g.nn, 0), cesu_dec(coalesce(g.vn, 0)::bigint),
	    coalesce(g.nb, 0), cesu_dec(coalesce(g.vb, 0)::bigint),
	    coalesce(g.nc, 0), cesu_dec(coalesce(g.vc, 0)::bigint),
	    coalesce(g.ne, 0), cesu_dec(coalesce(g.ve, 0)::bigint),
	    cesu_dec(coalesce(ch.ct, 0))
	FROM g FULL JOIN ch ON ch.aide = g.aide AND ch.m = g.m
	ORDER BY 1, 2
$f$;

-- The refunds of the titles of each aid and order month, by the month
-- they were refunded (the Flux 5 month): the consumption follow-up.
CREATE FUNCTION cesu_suivi_consomme(de text, a text)
RETURNS TABLE (aide text, mois_commande text, mois_remboursement text,
    titres bigint, valeur text)
LANGUAGE sql STABLE SET search_path = cesutg SET enable_nestloop = off AS $f$
	WITH b AS (
		SELECT t.identifiant_beneficiaire AS b,
		    coalesce(t.index_prestation, '') AS i, t.mois_commande AS m,
		    t.mois_remboursement AS mr, count(*) AS n,
		    sum(t.valeur)::bigint AS v
		FROM cesu_titres(current_date) t
		WHERE t.etat = 'rembourse'
		    AND (de IS NULL OR t.mois_commande >= de)
		    AND (a IS NULL OR t.mois_commande <= a)
		GROUP BY 1, 2, 3, 4
	), p AS MATERIALIZED (
		SELECT b.*, cesu_aide(b.b, NULLIF(b.i, ''), b.m) AS aide FROM b
	)
	SELECT p.aide, p.m, p.mr, sum(p.n)::bigint, cesu_dec(sum(p.v)::bigint)
	FROM p
	GROUP BY 1, 2, 3
	ORDER BY 1, 2, 3
$f$;

-- F12: the refunds (of month m, or all when NULL) whose affiliate's type
-- contradicts the mode of the plan: an emploi-direct plan (E) cashed by a
-- mandataire (M) or prestataire (P) organisation, a mandataire or
-- prestataire plan cashed by an employee (E).
CREATE FUNCTION cesu_incoherences(m text)
RETURNS TABLE (mois_remboursement text, identifiant_beneficiaire text,
    index_prestation text, mode_gestion text, numero_titre text,
    date_encaissement text, code_affilie text, nom_affilie text,
    type_affilie text, valeur_faciale text, motif text)
LANGUAGE sql STABLE SET search_path = cesutg AS $f$
	WITH ms AS (
		SELECT m AS mm WHERE m IS NOT NULL
		UNION
		SELECT DISTINCT to_char(r.date_remboursement, 'YYYY-MM')
		FROM remboursement r WHERE m IS NULL AND r.valide_au IS NULL
	), t AS (
		SELECT r.*, x.numero_titre, x.date_remboursement,
		    x.date_encaissement, x.valeur_faciale
		FROM ms CROSS JOIN LATERAL cesu_rembourses(ms.mm) r
		JOIN remboursement x ON x.id = r.id
	), p AS MATERIALIZED (
		-- The plan's mode once per prestation and month, not per title.
		SELECT g.*, (SELECT p.mode_gestion FROM cesu_plan(g.b, g.i, g.mr) p)
		    AS mode_gestion
		FROM (SELECT DISTINCT t.identifiant_beneficiaire AS b,
		    t.index_prestation AS i, t.mois_reference AS mr FROM t
		    WHERE t.index_prestation IS NOT NULL) g
	)
	SELECT to_char(t.date_remboursement, 'YYYY-MM'),
	    t.identifiant_beneficiaire, t.index_prestation, p.mode_gestion,
	    t.numero_titre, t.date_encaissement::text, t.code_affilie,
	    t.nom_affilie, t.type_affilie, t.valeur_faciale::text,
	    CASE WHEN p.mode_gestion = 'E' THEN 'plan en emploi direct, titre '
		'encaissé par un organisme ' || CASE t.type_affilie WHEN 'M'
		THEN 'mandataire' ELSE 'prestataire' END
	    ELSE 'plan ' || CASE p.mode_gestion WHEN 'M' THEN 'mandataire'
		ELSE 'prestataire' END || ', titre encaissé par un salarié en '
		'emploi direct' END
	FROM t
	JOIN p ON p.b = t.identifiant_beneficiaire AND p.i = t.index_prestation
	    AND p.mr = t.mois_reference
	WHERE (p.mode_gestion = 'E' AND t.type_affilie IN ('M', 'P'))
	    OR (p.mode_gestion IN ('M', 'P') AND t.type_affilie = 'E')
	ORDER BY 1, 2, 3, 5
$f$;

-- Under-consumption (I7): the beneficiaries and prestations of order month
-- m that cashed fewer than seuil % of the titles ordered; a title counts
-- as cashed when refunded, or refused only because it came too late.
CREATE FUNCTION cesu_sous_consommation(m text, seuil int)
RETURNS TABLE (identifiant_beneficiaire text, index_prestation text,
    mois_commande text, titres_commandes bigint, titres_encaisses bigint,
    taux_consommation text, motif text)
LANGUAGE sql STABLE SET search_path = cesutg SET enable_nestloop = off AS $f$
	WITH t AS (
		SELECT t.*, t.etat = 'rembourse' OR EXISTS (SELECT 1
		    FROM remboursement_rejete j WHERE j.numero_titre =
		    t.numero_titre AND j.cause = 'perime') AS encaisse
		FROM cesu_titres(current_date) t
		WHERE t.mois_commande = m AND t.origine = 'commande'
		    AND t.etat <> 'retire'
	), g AS (
		SELECT t.identifiant_beneficiaire AS b, t.index_prestation AS i,
		    count(*) AS n, count(*) FILTER (WHERE t.encaisse) AS e
		FROM t GROUP BY 1, 2
	)
	SELECT g.b, g.i, m, g.n, g.e,
	    (round(100.0 * g.e / g.n, 1))::text,
	    format('%s titre(s) encaissé(s) sur %s commandé(s) : moins de %s %%',
		g.e, g.n, seuil)
	FROM g
	WHERE g.e * 100 < g.n * seuil
	ORDER BY 1, 2
$f$;
