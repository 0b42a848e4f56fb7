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
-- d (audit_sha of each row: the SHA-256 audit_condense takes): the four
-- 60-bit words of each digest read from its bytes and summed separately
-- as bigints, then weighted once (migration 19).
CREATE OR REPLACE FUNCTION audit_somme_sql(d text) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
	SELECT format('coalesce(((sum((get_byte(%1$s, 0)::bigint << 52) | '
	    '(get_byte(%1$s, 1)::bigint << 44) | (get_byte(%1$s, 2)::bigint '
	    '<< 36) | (get_byte(%1$s, 3)::bigint << 28) | (get_byte(%1$s, '
	    '4)::bigint << 20) | (get_byte(%1$s, 5)::bigint << 12) | '
	    '(get_byte(%1$s, 6)::bigint << 4) | (get_byte(%1$s, 7) >> 4)) * '
	    '1152921504606846976 + sum(((get_byte(%1$s, 7) & 15)::bigint << '
	    '56) | (get_byte(%1$s, 8)::bigint << 48) | (get_byte(%1$s, '
	    '9)::bigint << 40) | (get_byte(%1$s, 10)::bigint << 32) | '
	    '(get_byte(%1$s, 11)::bigint << 24) | (get_byte(%1$s, 12)::bigint'
	    ' << 16) | (get_byte(%1$s, 13)::bigint << 8) | get_byte(%1$s, '
	    '14)::bigint)) * 1152921504606846976 + sum((get_byte(%1$s, '
	    '15)::bigint << 52) | (get_byte(%1$s, 16)::bigint << 44) | '
	    '(get_byte(%1$s, 17)::bigint << 36) | (get_byte(%1$s, 18)::bigint'
	    ' << 28) | (get_byte(%1$s, 19)::bigint << 20) | (get_byte(%1$s, '
	    '20)::bigint << 12) | (get_byte(%1$s, 21)::bigint << 4) | '
	    '(get_byte(%1$s, 22) >> 4))) * 1152921504606846976 + '
	    'sum(((get_byte(%1$s, 22) & 15)::bigint << 56) | (get_byte(%1$s, '
	    '23)::bigint << 48) | (get_byte(%1$s, 24)::bigint << 40) | '
	    '(get_byte(%1$s, 25)::bigint << 32) | (get_byte(%1$s, 26)::bigint'
	    ' << 24) | (get_byte(%1$s, 27)::bigint << 16) | (get_byte(%1$s, '
	    '28)::bigint << 8) | get_byte(%1$s, 29)::bigint), 0)', d)
$f$;
