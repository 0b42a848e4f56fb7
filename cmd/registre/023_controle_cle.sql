-- registre, migration 23 (issue 13, the checks and the pre-invoice of a
-- month in < 5 s, their cost that of the month, not of the ledger):
-- * controle_visite keeps its visit's key (code_sad_tg,
--   identifiant_intervention), written by controler_partie from the visit
--   it reads anyway: the pre-invoice reads the month's checks alone, where
--   it joined all of horodatage (every month of the ledger) to find them.
--   Nullable: only the checks' rule writes the table, and it always fills
--   them (015's function, which the tests run beside it, does not).
-- * controle_visite_mois without deduplication: its keys repeat (one month,
--   a few dozen SADs), and merging the duplicates of each full leaf page
--   cost about as much as the rest of the month's insertion (0.45 s of
--   1.2 s for 265,000 rows); the index is four times bigger (8 MB a month).

SET LOCAL ROLE cesutg_owner;
SET LOCAL search_path = cesutg;

ALTER INDEX controle_visite_mois SET (deduplicate_items = off);
ALTER TABLE controle_visite ADD COLUMN code_sad_tg text,
    ADD COLUMN identifiant_intervention text;
UPDATE controle_visite c SET code_sad_tg = h.code_sad,
    identifiant_intervention = h.identifiant_intervention
FROM horodatage h WHERE h.id = c.horodatage;
