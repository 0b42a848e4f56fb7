-- registre, migration 4: a title is withdrawn when the new version of its
-- order line no longer covers it (fewer titles, or a shifted range), and
-- issued again when a later version covers it anew. The number is never
-- reused: the row stays, marked by the ingestion that withdrew it and the
-- date of that ingestion's data.

SET LOCAL ROLE cesutg_owner;
SET LOCAL search_path = cesutg;

ALTER TABLE titre ADD annule_par bigint REFERENCES ingestion,
    ADD annule_le date,
    ADD CHECK ((annule_par IS NULL) = (annule_le IS NULL));

-- Titles that orders loaded before this migration no longer cover: those
-- whose numbers no current version of a line of their order reaches. The
-- ingestion that closed the last version covering one stands for it.
CREATE TEMP VIEW titres_de_ligne AS SELECT c.id, c.valide_au, c.ingestion_fin,
    coalesce(c.reference_commande_externe, '') AS ref,
    substr(m, 3, 2) || substr(m, 6, 2) || lpad(c.matricule_salarie, 6, '0') ||
    lpad(r::text, 5, '0') AS n
FROM commande c
CROSS JOIN LATERAL (SELECT coalesce(c.mois_reference,
    to_char(c.date_commande, 'YYYY-MM')) AS m) x
CROSS JOIN LATERAL generate_series(c.premier_titre,
    c.premier_titre + c.nombre_titres - 1) r
WHERE c.matricule_salarie ~ '^[0-9]{1,6}$';

UPDATE titre t SET annule_par = f.ingestion_fin, annule_le = f.valide_au
FROM (SELECT DISTINCT ON (ref, n) ref, n, ingestion_fin, valide_au
    FROM titres_de_ligne o WHERE o.valide_au IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM titres_de_ligne k WHERE k.valide_au IS NULL
	AND k.ref = o.ref AND k.n = o.n)
    ORDER BY ref, n, valide_au DESC, ingestion_fin DESC) f
WHERE t.numero_titre = f.n AND t.reference_commande = f.ref;

DROP VIEW titres_de_ligne;
