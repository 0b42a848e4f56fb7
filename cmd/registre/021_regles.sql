-- registre, migration 21: the record of the rule files applied
-- (cmd/registre/regles/NOM.sql, migrate.c). A rule file holds the live body
-- of a family of business-rule functions; migrate applies it after the
-- migrations whenever its SHA-256 differs from the one recorded here, and
-- every command refuses a database whose rules are not its own, as it
-- refuses another schema version.

SET LOCAL ROLE cesutg_owner;
SET LOCAL search_path = cesutg;

CREATE TABLE regle (
	nom text PRIMARY KEY,
	empreinte text NOT NULL CHECK (empreinte ~ '^[0-9a-f]{64}$'),
	appliquee_le timestamptz NOT NULL DEFAULT now(),
	par text NOT NULL DEFAULT session_user
);
COMMENT ON TABLE regle IS 'Fichiers de règles appliqués par registre '
    'migrate : nom, SHA-256 du texte, date, administrateur.';

SELECT brancher('regle', 'aucun');
GRANT SELECT ON regle TO cesutg_loader, cesutg_sad, cesutg_agent,
    cesutg_analyste, cesutg_plateforme;
CREATE POLICY lecture ON regle FOR SELECT TO cesutg_sad, cesutg_agent,
    cesutg_analyste, cesutg_plateforme USING (true);
