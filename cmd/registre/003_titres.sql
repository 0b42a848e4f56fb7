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
