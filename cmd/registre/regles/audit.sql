-- Rule file (migrate.c): the live definition; edit here, never in a migration.
-- The digest of one row of the data as the audit sums it (migration 19):
-- the SHA-256 that audit_condense takes, as bytes, which audit_somme_sql
-- adds up. audit_sha is STABLE, as convert_to is, so that queries inline
-- it.
-- The trailing commas and parentheses are cut from the UTF-8 bytes, not
-- from the text: the same bytes (both are ASCII, and no byte of a
-- multibyte UTF-8 character is), but rtrim of a text in a UTF-8 database
-- measures every character of the row first; it was a third of the cost
-- of auditing a month of visits.
CREATE OR REPLACE FUNCTION audit_sha(ligne text) RETURNS bytea
LANGUAGE sql STABLE STRICT AS $f$
	SELECT sha256(rtrim(convert_to(ligne, 'UTF8'), '\x2c29'::bytea))
$f$;
