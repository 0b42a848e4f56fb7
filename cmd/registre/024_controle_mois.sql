-- registre, migration 24 (issue 11: the checks of a month cost the month,
-- not the ledger): the current visits by their instant, the one the
-- checks date a visit by (its local day, regles/controler.sql). The checks
-- and the parts read a month's visits (a day either side, for any time
-- zone) by it, where they read every current visit of every month. It
-- costs one more index entry per visit loaded (measured by BENCH=registre:
-- the bench's keyed table copies it too).

SET LOCAL ROLE cesutg_owner;
SET LOCAL search_path = cesutg;

CREATE INDEX horodatage_instant ON horodatage ((coalesce(arrivee_retenue,
    arrivee_brute, depart_retenu, depart_brut, instant_creation)))
    WHERE valide_au IS NULL;
