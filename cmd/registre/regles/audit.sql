-- Rule file (migrate.c): the live definition; edit here, never in a migration.
-- The digest of one row of the data as the audit sums it (migration 19):
-- the SHA-256 that audit_condense takes, as bytes, which audit_somme_sql
-- adds up. audit_sha is STABLE, as convert_to is, so that queries inline
-- it.
CREATE OR REPLACE FUNCTION audit_sha(ligne text) RETURNS bytea
LANGUAGE sql STABLE STRICT AS $f$
	SELECT sha256(convert_to(rtrim(ligne, ',)'), 'UTF8'))
$f$;
