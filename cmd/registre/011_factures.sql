-- registre, migration: invoices (B6-B9, W5, annex 2). A validated
-- pre-invoice becomes an invoice numbered per SAD and year, sent to SALSA
-- as Flux 2; SALSA's integration log decides it (integrated, rejected, or
-- integrated but for the listed beneficiaries); rejected lines return to the
-- pre-invoice and, once validated again, leave in the month's complementary
-- invoice. The rules are read in cesutg-facturation(7).

SET LOCAL ROLE cesutg_owner;
SET LOCAL search_path = cesutg;

INSERT INTO param (nom, valeur, motif, description) VALUES
    ('departement_nom', 'Département de Paris', '^.+$',
	'B8 : nom du Département sur les factures'),
    ('departement_adresse', E'Direction de l''Action Sociale, de l''Enfance et de la Santé\n94-96 quai de la Rapée\n75012 Paris', '^.*$',
	'B8 : adresse du Département sur les factures (lignes séparées par des fins de ligne)'),
    ('salsa_ko', 'beneficiaires', '^(beneficiaires|facture)$',
	'Annexe 2 : lecture d''une facture KO du journal SALSA : beneficiaires (seuls les bénéficiaires listés sont rejetés, le reste est intégré) ou facture (toute la facture est rejetée)');

-- An invoice, immutable once emitted but for its state (nom_sad,
-- adresse_sad: the SAD's as they were then, its code when it has no name). nature: the
-- month's original, or its complementary one (at most one of each per
-- SAD, aid type and month). Money in cents, hours in centi-hours.
CREATE TABLE facture (
	numero text PRIMARY KEY CHECK (length(numero) <= 15),
	nature text NOT NULL CHECK (nature IN ('originale', 'complementaire')),
	facture_origine text REFERENCES facture,
	code_sad text NOT NULL REFERENCES sad (code),
	nom_sad text,
	adresse_sad text,
	code_financeur text NOT NULL,
	module text,
	mois text NOT NULL CHECK (mois ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
	date_emission date NOT NULL,
	date_debut_periode date NOT NULL,
	date_fin_periode date NOT NULL,
	lignes integer NOT NULL,
	quantite_ch bigint NOT NULL,
	montant_cents bigint NOT NULL,
	etat text NOT NULL DEFAULT 'emise' CHECK (etat IN ('emise', 'integree',
	    'partielle', 'rejetee')),
	etat_le timestamptz,
	journal bigint REFERENCES ingestion,
	emise_par text NOT NULL DEFAULT session_user,
	emise_le timestamptz NOT NULL DEFAULT now(),
	UNIQUE (code_sad, code_financeur, mois, nature),
	CHECK ((nature = 'originale') <= (facture_origine IS NULL))
);

-- Its lines: one per beneficiary, prestation, month of service and hourly
-- rate (the rate makes the unit price exact), copied from the pre-invoice.
CREATE TABLE facture_ligne (
	id bigserial PRIMARY KEY,
	facture text NOT NULL REFERENCES facture,
	identifiant_beneficiaire_salsa text NOT NULL,
	nom_beneficiaire text NOT NULL,
	prenom_beneficiaire text NOT NULL,
	date_naissance_beneficiaire date,
	code_prestation text NOT NULL,
	mois_prestation text NOT NULL,
	quantite_ch bigint NOT NULL,
	tarif_cents bigint NOT NULL,
	montant_cents bigint NOT NULL,
	etat text NOT NULL DEFAULT 'emise' CHECK (etat IN ('emise', 'integree',
	    'rejetee')),
	motif_rejet text,
	UNIQUE (facture, identifiant_beneficiaire_salsa, code_prestation,
	    mois_prestation, tarif_cents)
);

-- The pre-invoice lines an invoice line bills. No foreign key to
-- prefacture: a line rejected by SALSA returns to the pre-invoice, where a
-- new calculation may replace it.
CREATE TABLE facture_prefacture (
	prefacture bigint NOT NULL,
	ligne bigint NOT NULL REFERENCES facture_ligne,
	PRIMARY KEY (prefacture, ligne)
);
CREATE INDEX facture_prefacture_ligne ON facture_prefacture (ligne);

-- Gap-free numbers: the counter moves in the transaction that uses it.
CREATE TABLE compteur_facture (
	code_sad text NOT NULL,
	annee integer NOT NULL,
	dernier integer NOT NULL CHECK (dernier > 0),
	PRIMARY KEY (code_sad, annee)
);

ALTER TABLE prefacture ADD rejet_salsa text, ADD facture_rejetee text;

-- The SAD's postal address, printed on its invoices (registre sad set
-- --adresse); lines separated by newlines.
ALTER TABLE sad ADD adresse text;

-- Immutability: nothing of an emitted invoice changes but its state, once,
-- from emise to its verdict; nothing is ever deleted.
CREATE FUNCTION facture_garde() RETURNS trigger
LANGUAGE plpgsql AS $f$
BEGIN
	IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'facture'
	    AND OLD.etat = 'emise' AND NEW.etat IN ('integree', 'partielle',
		'rejetee')
	    AND (to_jsonb(OLD) - '{etat,etat_le,journal}'::text[])
		= (to_jsonb(NEW) - '{etat,etat_le,journal}'::text[]) THEN
		RETURN NEW;
	END IF;
	IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'facture_ligne'
	    AND OLD.etat = 'emise' AND NEW.etat IN ('integree', 'rejetee')
	    AND (to_jsonb(OLD) - '{etat,motif_rejet}'::text[])
		= (to_jsonb(NEW) - '{etat,motif_rejet}'::text[]) THEN
		RETURN NEW;
	END IF;
	RAISE EXCEPTION 'facture émise : % refusé sur % (seul l''état change, '
	    'une fois, d''émise à intégrée, partielle ou rejetée)', TG_OP,
	    TG_TABLE_NAME USING ERRCODE = '23001';
END
$f$;
CREATE TRIGGER facture_garde BEFORE UPDATE OR DELETE ON facture
    FOR EACH ROW EXECUTE FUNCTION facture_garde();
CREATE TRIGGER facture_ligne_garde BEFORE UPDATE OR DELETE ON facture_ligne
    FOR EACH ROW EXECUTE FUNCTION facture_garde();
CREATE TRIGGER facture_prefacture_garde BEFORE UPDATE OR DELETE
    ON facture_prefacture FOR EACH ROW EXECUTE FUNCTION facture_garde();
CREATE TRIGGER facture_tronque BEFORE TRUNCATE ON facture
    FOR EACH STATEMENT EXECUTE FUNCTION audit_interdit();
CREATE TRIGGER facture_ligne_tronque BEFORE TRUNCATE ON facture_ligne
    FOR EACH STATEMENT EXECUTE FUNCTION audit_interdit();
CREATE FUNCTION compteur_garde() RETURNS trigger
LANGUAGE plpgsql AS $f$
BEGIN
	RAISE EXCEPTION 'numéro de facture % déjà attribué : un compteur ne '
	    'recule pas', OLD.dernier USING ERRCODE = '23001';
END
$f$;
CREATE TRIGGER compteur_recul BEFORE UPDATE ON compteur_facture
    FOR EACH ROW WHEN (NEW.dernier < OLD.dernier OR NEW.code_sad <> OLD.code_sad
	OR NEW.annee <> OLD.annee) EXECUTE FUNCTION compteur_garde();
CREATE TRIGGER compteur_suppression BEFORE DELETE ON compteur_facture
    FOR EACH ROW EXECUTE FUNCTION compteur_garde();

-- A pre-invoice line billed by an invoice line SALSA has not rejected is
-- frozen: devalidating or recomputing it would bill its hours twice.
CREATE FUNCTION prefacture_facturee() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg AS $f$
DECLARE
	n text;
BEGIN
	SELECT l.facture INTO n FROM facture_prefacture fp
	JOIN facture_ligne l ON l.id = fp.ligne
	WHERE fp.prefacture = OLD.id AND l.etat <> 'rejetee' LIMIT 1;
	IF n IS NOT NULL THEN
		RAISE EXCEPTION 'ligne de pré-facture % (bénéficiaire %, %) déjà '
		    'facturée (facture %) : elle ne change plus', OLD.id,
		    OLD.identifiant_beneficiaire_salsa, OLD.mois, n
		    USING ERRCODE = '23001';
	END IF;
	RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$f$;
CREATE TRIGGER prefacture_facturee BEFORE UPDATE OR DELETE ON prefacture
    FOR EACH ROW EXECUTE FUNCTION prefacture_facturee();

-- The calculation keeps SALSA's reason on the line that replaces a
-- rejected one (same SAD, month, beneficiary and plan line).
ALTER FUNCTION prefacturer(text) RENAME TO prefacturer_calcul;
REVOKE EXECUTE ON FUNCTION prefacturer_calcul(text) FROM cesutg_agent;
CREATE FUNCTION prefacturer(m text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg AS $f$
DECLARE
	n bigint;
BEGIN
	DROP TABLE IF EXISTS pg_temp.rs;
	CREATE TEMP TABLE rs ON COMMIT DROP AS
	SELECT code_sad, identifiant_beneficiaire_salsa AS ben, plan,
	    rejet_salsa, facture_rejetee FROM prefacture
	WHERE mois = m AND statut = 'calculee' AND rejet_salsa IS NOT NULL;
	n := prefacturer_calcul(m);
	UPDATE prefacture f SET rejet_salsa = r.rejet_salsa,
	    facture_rejetee = r.facture_rejetee
	FROM rs r WHERE f.mois = m AND f.statut = 'calculee'
	    AND f.code_sad = r.code_sad AND f.identifiant_beneficiaire_salsa = r.ben
	    AND f.plan = r.plan AND f.rejet_salsa IS NULL;
	DROP TABLE rs;
	RETURN n;
END
$f$;
REVOKE EXECUTE ON FUNCTION prefacturer(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION prefacturer(text) TO cesutg_agent;

-- Emits the invoices of month m, dated d: the Département-validated lines
-- of m and earlier months that no live invoice line bills yet. Month m's
-- lines make its original invoice when there is none yet; the others (late
-- visits of a closed month, lines SALSA rejected then validated again) make
-- the month's one complementary invoice; lines that find neither wait for
-- the next month. Returns the new numbers; cesutg.emises lists them too.
CREATE FUNCTION facturer(m text, d date) RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg AS $f$
DECLARE
	fin date := (to_date(m || '-01', 'YYYY-MM-DD') + interval '1 month'
	    - interval '1 day')::date;
	trop text;
BEGIN
	IF NOT agent_tg() THEN
		RAISE EXCEPTION 'réservé à un agent habilité TG' USING ERRCODE = '42501';
	END IF;
	DROP TABLE IF EXISTS pg_temp.cand, pg_temp.grp, pg_temp.lig;
	CREATE TEMP TABLE cand ON COMMIT DROP AS
	SELECT p.id, p.code_sad, p.mois, p.identifiant_beneficiaire_salsa AS ben,
	    p.code_prestation, p.facturable_ch, p.montant_cents, p.tarif_cents,
	    coalesce(NULLIF(pl.code_financier, ''), pl.module) AS financeur,
	    pl.module, NULL::text AS nature
	FROM prefacture p JOIN plan pl ON pl.id = p.plan
	WHERE p.statut = 'validee_departement' AND p.mois <= m
	    AND (p.facturable_ch > 0 OR p.montant_cents > 0)
	    AND NOT EXISTS (SELECT 1 FROM facture_prefacture fp
		JOIN facture_ligne l ON l.id = fp.ligne
		WHERE fp.prefacture = p.id AND l.etat <> 'rejetee');
	UPDATE cand c SET nature = CASE WHEN c.mois = m AND NOT EXISTS (
	    SELECT 1 FROM facture f WHERE f.code_sad = c.code_sad
		AND f.code_financeur = c.financeur AND f.mois = m
		AND f.nature = 'originale') THEN 'originale'
	    WHEN NOT EXISTS (SELECT 1 FROM facture f WHERE f.code_sad = c.code_sad
		AND f.code_financeur = c.financeur AND f.mois = m
		AND f.nature = 'complementaire') THEN 'complementaire' END;
	SELECT string_agg(DISTINCT code_sad, ', ') INTO trop FROM cand
	WHERE financeur IS NULL OR length('F' || code_sad || '-00-0000') > 15;
	IF trop IS NOT NULL THEN
		RAISE EXCEPTION 'SAD % : code tiers de plus de 6 caractères (numéro '
		    'de facture au-delà de 15) ou plan sans code financier', trop
		    USING ERRCODE = '22023';
	END IF;
	CREATE TEMP TABLE grp ON COMMIT DROP AS
	SELECT code_sad, financeur, nature, min(module) AS module,
	    min(mois) AS debut, row_number() OVER (PARTITION BY code_sad
		ORDER BY financeur, nature DESC) AS k, NULL::text AS numero
	FROM cand WHERE nature IS NOT NULL
	GROUP BY code_sad, financeur, nature;
	INSERT INTO compteur_facture AS c (code_sad, annee, dernier)
	SELECT code_sad, extract(year FROM d)::int, max(k) FROM grp
	GROUP BY code_sad
	ON CONFLICT (code_sad, annee) DO UPDATE SET dernier = c.dernier
	    + EXCLUDED.dernier;
	UPDATE grp g SET numero = 'F' || g.code_sad || '-' || to_char(d, 'YY')
	    || '-' || to_char(c.dernier - x.n + g.k, 'FM0000')
	FROM compteur_facture c, (SELECT code_sad, max(k) AS n FROM grp
	    GROUP BY code_sad) x
	WHERE c.code_sad = g.code_sad AND c.annee = extract(year FROM d)
	    AND x.code_sad = g.code_sad;
	IF EXISTS (SELECT 1 FROM grp WHERE numero LIKE '%#%') THEN
		RAISE EXCEPTION 'plus de 9999 factures dans l''année pour un SAD'
		    USING ERRCODE = '22023';
	END IF;
	CREATE TEMP TABLE lig ON COMMIT DROP AS
	SELECT g.numero, c.ben, coalesce(b.nom, '') AS nom,
	    coalesce(b.prenom, '') AS prenom, b.date_naissance, c.code_prestation,
	    c.mois, sum(c.facturable_ch)::bigint AS q, c.tarif_cents,
	    sum(c.montant_cents)::bigint AS mt
	FROM cand c JOIN grp g USING (code_sad, financeur, nature)
	LEFT JOIN beneficiaire b ON b.identifiant_salsa = c.ben
	GROUP BY g.numero, c.ben, b.nom, b.prenom, b.date_naissance,
	    c.code_prestation, c.mois, c.tarif_cents;
	INSERT INTO facture (numero, nature, facture_origine, code_sad, nom_sad,
	    adresse_sad, code_financeur, module, mois, date_emission,
	    date_debut_periode, date_fin_periode, lignes, quantite_ch,
	    montant_cents)
	SELECT g.numero, g.nature, CASE WHEN g.nature = 'complementaire' THEN
	    coalesce(o.numero, (SELECT f.numero FROM facture f
		WHERE f.code_sad = g.code_sad AND f.code_financeur = g.financeur
		AND f.mois = m AND f.nature = 'originale')) END,
	    g.code_sad, coalesce(NULLIF(s.nom, ''), g.code_sad), s.adresse,
	    g.financeur, g.module, m, d,
	    to_date(g.debut || '-01', 'YYYY-MM-DD'), fin, t.n, t.q, t.mt
	FROM grp g JOIN sad s ON s.code = g.code_sad
	JOIN (SELECT numero, count(*) AS n, sum(q) AS q, sum(mt) AS mt
	    FROM lig GROUP BY numero) t ON t.numero = g.numero
	LEFT JOIN grp o ON o.code_sad = g.code_sad AND o.financeur = g.financeur
	    AND o.nature = 'originale' AND g.nature = 'complementaire'
	ORDER BY g.nature DESC, g.numero;
	INSERT INTO facture_ligne (facture, identifiant_beneficiaire_salsa,
	    nom_beneficiaire, prenom_beneficiaire, date_naissance_beneficiaire,
	    code_prestation, mois_prestation, quantite_ch, tarif_cents,
	    montant_cents)
	SELECT numero, ben, nom, prenom, date_naissance, code_prestation, mois,
	    q, tarif_cents, mt FROM lig
	ORDER BY numero, ben, code_prestation, mois, tarif_cents;
	INSERT INTO facture_prefacture (prefacture, ligne)
	SELECT c.id, l.id FROM cand c JOIN grp g USING (code_sad, financeur, nature)
	JOIN facture_ligne l ON l.facture = g.numero
	    AND l.identifiant_beneficiaire_salsa = c.ben
	    AND l.code_prestation = c.code_prestation
	    AND l.mois_prestation = c.mois AND l.tarif_cents = c.tarif_cents;
	PERFORM set_config('cesutg.emises', coalesce((SELECT string_agg(numero,
	    ',' ORDER BY numero) FROM grp), ''), true);
	PERFORM set_config('cesutg.attente', (SELECT count(*) FROM cand
	    WHERE nature IS NULL)::text, true);
	RETURN QUERY SELECT numero FROM grp ORDER BY numero;
END
$f$;

-- SALSA's verdicts (annex 2), after each load of its log: every invoice
-- still emise that the log now names in a type-1 line. OK: integrated.
-- KO: under salsa_ko = beneficiaires the beneficiaries of its type-2 lines
-- are rejected and the rest is integrated (partielle), the whole invoice
-- when the log lists none; under salsa_ko = facture the whole invoice is
-- rejected. A rejected line's pre-invoice lines return to the SAD
-- (calculee) with SALSA's reason.
CREATE FUNCTION journal_factures(ing bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg AS $f$
DECLARE
	lecture text := param_texte('salsa_ko');
BEGIN
	DROP TABLE IF EXISTS pg_temp.jv, pg_temp.jb;
	CREATE TEMP TABLE jv ON COMMIT DROP AS
	SELECT f.numero, l.facture_integree AS verdict
	FROM log_facture l JOIN facture f ON f.numero = l.numero_facture
	WHERE l.valide_au IS NULL AND l.type_enregistrement = '1'
	    AND f.etat = 'emise' AND l.facture_integree IN ('OK', 'KO');
	CREATE TEMP TABLE jb ON COMMIT DROP AS
	SELECT l.numero_facture AS numero, l.identifiant_beneficiaire_salsa AS ben,
	    left(string_agg(DISTINCT coalesce(NULLIF(l.motif_rejet, ''),
		'rejeté par SALSA, sans motif'), ' - '), 255) AS motif
	FROM log_facture l JOIN jv ON jv.numero = l.numero_facture
	WHERE l.valide_au IS NULL AND l.type_enregistrement = '2'
	    AND jv.verdict = 'KO'
	GROUP BY 1, 2;
	ALTER TABLE jv ADD liste boolean;
	UPDATE jv SET liste = EXISTS (SELECT 1 FROM jb WHERE jb.numero = jv.numero);
	UPDATE facture_ligne x SET etat = y.etat, motif_rejet = y.motif
	FROM (SELECT l.id, CASE WHEN v.verdict = 'OK' THEN 'integree'
		WHEN b.motif IS NOT NULL OR lecture = 'facture' OR NOT v.liste
		THEN 'rejetee' ELSE 'integree' END AS etat,
		CASE WHEN v.verdict = 'OK' THEN NULL WHEN b.motif IS NOT NULL
		THEN b.motif WHEN lecture = 'facture' OR NOT v.liste
		THEN 'facture rejetée par SALSA (KO)' END AS motif
	    FROM jv v JOIN facture_ligne l ON l.facture = v.numero
	    LEFT JOIN jb b ON b.numero = v.numero
		AND b.ben = l.identifiant_beneficiaire_salsa) y
	WHERE x.id = y.id;
	UPDATE facture f SET etat = CASE WHEN v.verdict = 'OK' THEN 'integree'
	    WHEN EXISTS (SELECT 1 FROM facture_ligne l WHERE l.facture = f.numero
		AND l.etat = 'integree') THEN 'partielle' ELSE 'rejetee' END,
	    etat_le = now(), journal = ing
	FROM jv v WHERE f.numero = v.numero;
	UPDATE prefacture p SET statut = 'calculee', validee_sad_par = NULL,
	    validee_sad_le = NULL, validee_departement_par = NULL,
	    validee_departement_le = NULL, rejet_salsa = l.motif_rejet,
	    facture_rejetee = l.facture
	FROM facture_prefacture fp JOIN facture_ligne l ON l.id = fp.ligne
	JOIN jv v ON v.numero = l.facture
	WHERE fp.prefacture = p.id AND l.etat = 'rejetee';
END
$f$;

-- The loader's rules on a log line (kinds.c): they read the invoices.
CREATE FUNCTION journal_motif(numero text, typ text, ben text,
    verdict text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = cesutg AS $f$
	SELECT CASE
	    WHEN f.numero IS NULL THEN 'facture inconnue : aucune facture émise '
		'ne porte le numéro « ' || $1 || ' »'
	    WHEN $2 = '2' AND NOT EXISTS (SELECT 1 FROM facture_ligne l
		WHERE l.facture = $1 AND l.identifiant_beneficiaire_salsa = $3)
		THEN 'bénéficiaire ' || coalesce($3, '(absent)')
		    || ' absent de la facture ' || $1
	    WHEN f.etat <> 'emise' AND NOT EXISTS (SELECT 1 FROM log_facture l
		WHERE l.valide_au IS NULL AND l.numero_facture = $1
		AND l.type_enregistrement = $2
		AND l.identifiant_beneficiaire_salsa IS NOT DISTINCT FROM $3
		AND l.facture_integree IS NOT DISTINCT FROM $4)
		THEN 'facture ' || $1 || ' déjà ' || CASE f.etat
		    WHEN 'integree' THEN 'intégrée' WHEN 'rejetee' THEN 'rejetée'
		    ELSE 'intégrée en partie' END
		    || ' par un journal précédent : ligne sans effet'
	    END
	FROM (SELECT 1) x LEFT JOIN facture f ON f.numero = $1
$f$;
REVOKE EXECUTE ON FUNCTION journal_factures(bigint),
    journal_motif(text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION journal_factures(bigint),
    journal_motif(text, text, text, text) TO cesutg_loader;
REVOKE EXECUTE ON FUNCTION facturer(text, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION facturer(text, date) TO cesutg_agent;

-- The canonical CSV of flux2 emit for invoices ns, one invoice's lines
-- together (flux2(5)); read under the caller's row security.
CREATE FUNCTION factures_flux2(ns text[]) RETURNS TABLE (code_tiers text,
    type_tiers text, libelle_tiers text, reference_facture text,
    date_creation_fichier date, date_debut_periode date,
    date_fin_periode date, code_financeur text, nature_aide text,
    identifiant_beneficiaire_salsa text, nom_beneficiaire text,
    prenom_beneficiaire text, date_naissance_beneficiaire date,
    code_nomenclature_prestation text, libelle_prestation text,
    date_debut_paiement date, date_fin_paiement date, quantite numeric,
    montant numeric, type_mouvement text, montant_unitaire numeric)
LANGUAGE sql STABLE SET search_path = cesutg AS $f$
	SELECT f.code_sad, 'P', left(f.nom_sad, 50), f.numero, f.date_emission,
	    f.date_debut_periode, f.date_fin_periode, f.code_financeur, NULL,
	    l.identifiant_beneficiaire_salsa, left(l.nom_beneficiaire, 50),
	    left(l.prenom_beneficiaire, 50), l.date_naissance_beneficiaire,
	    l.code_prestation, NULL, to_date(l.mois_prestation || '-01',
		'YYYY-MM-DD'),
	    (to_date(l.mois_prestation || '-01', 'YYYY-MM-DD')
		+ interval '1 month' - interval '1 day')::date,
	    (l.quantite_ch / 100.0)::numeric(12,2),
	    (l.montant_cents / 100.0)::numeric(14,2), NULL,
	    (l.tarif_cents / 100.0)::numeric(14,2)
	FROM facture f JOIN facture_ligne l ON l.facture = f.numero
	WHERE f.numero = ANY (ns)
	ORDER BY f.numero, l.nom_beneficiaire, l.prenom_beneficiaire,
	    l.identifiant_beneficiaire_salsa, l.code_prestation,
	    l.mois_prestation, l.tarif_cents
$f$;

-- One invoice as the PDF and the notices read it (INTERFACES §1,
-- cesutg-facturation(7)).
CREATE FUNCTION facture_extrait(n text) RETURNS TABLE (numero_facture text,
    nature text, facture_origine text, etat text, mois text,
    date_emission date, date_debut_periode date, date_fin_periode date,
    code_financeur text, code_sad text, nom_sad text, adresse_sad text,
    courriels_sad text, nom_departement text, adresse_departement text,
    identifiant_beneficiaire_salsa text, nom_beneficiaire text,
    prenom_beneficiaire text, code_prestation text, libelle_prestation text,
    mois_prestation text, quantite numeric, montant_unitaire numeric,
    montant numeric, etat_ligne text, motif_rejet text)
LANGUAGE sql STABLE SET search_path = cesutg AS $f$
	SELECT f.numero, f.nature, f.facture_origine, f.etat, f.mois,
	    f.date_emission, f.date_debut_periode, f.date_fin_periode,
	    f.code_financeur, f.code_sad, f.nom_sad, f.adresse_sad,
	    NULLIF(array_to_string(s.courriels, ', '), ''), param_texte('departement_nom'),
	    param_texte('departement_adresse'), l.identifiant_beneficiaire_salsa,
	    l.nom_beneficiaire, l.prenom_beneficiaire, l.code_prestation, NULL,
	    l.mois_prestation, (l.quantite_ch / 100.0)::numeric(12,2),
	    (l.tarif_cents / 100.0)::numeric(14,2),
	    (l.montant_cents / 100.0)::numeric(14,2), l.etat, l.motif_rejet
	FROM facture f JOIN facture_ligne l ON l.facture = f.numero
	LEFT JOIN sad s ON s.code = f.code_sad
	WHERE f.numero = n
	ORDER BY l.nom_beneficiaire, l.prenom_beneficiaire,
	    l.identifiant_beneficiaire_salsa, l.code_prestation,
	    l.mois_prestation, l.tarif_cents
$f$;

-- Audit: invoices and links traced per statement on insert, every state
-- change row by row; the counter row by row.
SELECT brancher('facture', 'cle');
SELECT brancher('facture_ligne', 'id');
SELECT brancher('facture_prefacture', 'cle');
SELECT brancher('compteur_facture', 'aucun');
CREATE TRIGGER compteur_facture_audit AFTER INSERT OR UPDATE OR DELETE
    ON compteur_facture FOR EACH ROW EXECUTE FUNCTION audit_ligne();
CREATE TRIGGER compteur_facture_tete AFTER INSERT OR UPDATE OR DELETE
    ON compteur_facture FOR EACH STATEMENT EXECUTE FUNCTION audit_tete_maj();

-- Row security: a SAD reads its own invoices; an agent those of the aid
-- types it holds (TG: all of them, as for the pre-invoice).
GRANT SELECT ON facture, facture_ligne, facture_prefacture TO cesutg_sad,
    cesutg_agent, cesutg_loader;
GRANT SELECT ON compteur_facture TO cesutg_agent;
CREATE POLICY sad ON facture FOR SELECT TO cesutg_sad
    USING (code_sad IN (SELECT code_sad FROM acces_sad WHERE role = current_user));
CREATE POLICY sad ON facture_ligne FOR SELECT TO cesutg_sad
    USING (facture IN (SELECT numero FROM facture));
CREATE POLICY sad ON facture_prefacture FOR SELECT TO cesutg_sad
    USING (ligne IN (SELECT id FROM facture_ligne));
CREATE POLICY agent ON facture FOR SELECT TO cesutg_agent
    USING (EXISTS (SELECT 1 FROM acces_agent a WHERE a.role = current_user
	AND a.aide IN ('TG', facture.module)));
CREATE POLICY agent ON facture_ligne FOR SELECT TO cesutg_agent
    USING (facture IN (SELECT numero FROM facture));
CREATE POLICY agent ON facture_prefacture FOR SELECT TO cesutg_agent
    USING (ligne IN (SELECT id FROM facture_ligne));
CREATE POLICY agent ON compteur_facture FOR SELECT TO cesutg_agent
    USING ('TG' IN (SELECT aide FROM acces_agent WHERE role = current_user));
