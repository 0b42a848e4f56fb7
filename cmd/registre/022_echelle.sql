-- registre, migration 22 (issue 11, cost must grow with the file, not with
-- the ledger): the matching of a daily clients file's new or changed
-- clients (rapprochement_calculer, restricted form) hashed every
-- beneficiary, form and link of the ledger for each file, 25 times the
-- time at 10 times the data. It now looks its candidates up by key: the
-- beneficiaries of the clients' birth dates (beneficiaire_naissance) and,
-- after a plans load (no SAD given), the current clients of the touched
-- birth dates or giving the touched SALSA ids.

SET LOCAL ROLE cesutg_owner;
SET LOCAL search_path = cesutg;

CREATE INDEX beneficiaire_naissance ON beneficiaire (date_naissance);
CREATE INDEX client_naissance ON client (date_naissance)
    WHERE valide_au IS NULL;
CREATE INDEX client_beneficiaire ON client (identifiant_beneficiaire_salsa)
    WHERE valide_au IS NULL;
