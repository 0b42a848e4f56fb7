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

-- The sum of audit_condense over rows, as an SQL expression over a column
-- d (audit_sha of each row: the SHA-256 audit_condense takes): the number
-- its first 240 bits make, summed over the rows. Migration 19 summed four
-- 60-bit words, each put together from bytes by shifts; the same integer
-- is the sum over the 30 bytes of each byte's sum (a bigint) times its
-- weight, 256 to the power of the bytes after it, applied once: half the
-- work per row. No modulus: the value stays that of every sum already in
-- the audit.
CREATE OR REPLACE FUNCTION audit_somme_sql(d text) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
	SELECT 'coalesce(' || string_agg(format('sum(get_byte(%1$s, %2$s))'
	    '::numeric * %3$s', d, i, (256::numeric ^ (29 - i))::numeric(80, 0)),
	    ' + ' ORDER BY i) || ', 0)'
	FROM generate_series(0, 29) i
$f$;
