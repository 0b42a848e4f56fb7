-- registre, migration 3: the titles of a CESU order are issued when it is
-- loaded. An order line is keyed on its rank among the record-5 lines of
-- its line reference (a beneficiary's titles come in lines of 99 at most),
-- and remembers the rank of its first title.

SET LOCAL ROLE cesutg_owner;
SET LOCAL search_path = cesutg;

ALTER TABLE commande ADD rang_ligne bigint, ADD premier_titre bigint;

UPDATE commande c SET rang_ligne = n.rang FROM (SELECT id, row_number()
    OVER (PARTITION BY ingestion_debut, reference_commande_externe,
    mois_reference, reference_ligne_commande_externe ORDER BY ligne) AS rang
    FROM commande) n WHERE n.id = c.id;

DROP INDEX commande_courant;
CREATE UNIQUE INDEX commande_courant ON commande (reference_commande_externe,
    mois_reference, reference_ligne_commande_externe, rang_ligne)
    NULLS NOT DISTINCT WHERE valide_au IS NULL;

-- Orders loaded before this migration issue their titles now, numbered as
-- registre load commandes does (current lines, in ingestion and file order).
UPDATE commande c SET premier_titre = n.p FROM (SELECT id,
    coalesce(sum(nombre_titres) OVER (PARTITION BY reference_commande_externe,
    coalesce(mois_reference, to_char(date_commande, 'YYYY-MM')),
    lpad(matricule_salarie, 6, '0') ORDER BY ingestion_debut, ligne
    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) + 1 AS p
    FROM commande WHERE valide_au IS NULL) n WHERE n.id = c.id;

INSERT INTO titre (numero_titre, reference_commande, code_carnet,
    identifiant_beneficiaire, valeur_faciale, date_emission, date_validite)
SELECT DISTINCT ON (1) substr(m, 3, 2) || substr(m, 6, 2) ||
    lpad(c.matricule_salarie, 6, '0') || lpad(r::text, 5, '0'),
    coalesce(c.reference_commande_externe, ''),
    c.code_succursale || c.code_carnet, c.matricule_salarie,
    c.valeur_unitaire, c.date_commande, c.date_validite
FROM commande c
CROSS JOIN LATERAL (SELECT coalesce(c.mois_reference,
    to_char(c.date_commande, 'YYYY-MM')) AS m) x
CROSS JOIN LATERAL generate_series(c.premier_titre,
    c.premier_titre + c.nombre_titres - 1) r
WHERE c.valide_au IS NULL AND c.matricule_salarie ~ '^[0-9]{1,6}$'
    AND c.premier_titre + c.nombre_titres - 1 <= 99999
ORDER BY 1, c.ingestion_debut, c.ligne
ON CONFLICT (numero_titre) DO NOTHING;
