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
UPDATE titre t SET annule_par = f.ingestion_fin, annule_le = f.valide_au
FROM (SELECT DISTINCT ON (n) n, c.ingestion_fin, c.valide_au
    FROM commande c
    CROSS JOIN LATERAL (SELECT coalesce(c.mois_reference,
	to_char(c.date_commande, 'YYYY-MM')) AS m) x
    CROSS JOIN LATERAL generate_series(c.premier_titre,
	c.premier_titre + c.nombre_titres - 1) r
    CROSS JOIN LATERAL (SELECT substr(m, 3, 2) || substr(m, 6, 2) ||
	lpad(c.matricule_salarie, 6, '0') || lpad(r::text, 5, '0') AS n) y
    WHERE c.valide_au IS NOT NULL AND c.premier_titre IS NOT NULL
	AND c.matricule_salarie ~ '^[0-9]{1,6}$'
    ORDER BY n, c.valide_au DESC, c.ingestion_fin DESC) f
WHERE t.numero_titre = f.n AND NOT EXISTS (SELECT 1 FROM commande c
    WHERE c.valide_au IS NULL
	AND coalesce(c.reference_commande_externe, '') = t.reference_commande
	AND substr(coalesce(c.mois_reference, to_char(c.date_commande,
	    'YYYY-MM')), 3, 2) || substr(coalesce(c.mois_reference,
	    to_char(c.date_commande, 'YYYY-MM')), 6, 2) ||
	    lpad(c.matricule_salarie, 6, '0') = substr(t.numero_titre, 1, 10)
	AND substr(t.numero_titre, 11)::bigint BETWEEN c.premier_titre
	    AND c.premier_titre + c.nombre_titres - 1);
