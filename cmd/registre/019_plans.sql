-- registre, migration 19 (issue 11, speed and size): a plans load ends
-- versions by the thousand (a changed plan, a plan gone from the
-- snapshot); each end was audited row by row, two JSON images of a plan
-- of some eighty columns: a third of the load's time and most of the
-- audit a snapshot adds. An end is now traced once per statement, by a
-- digest of the rows it ended as they were and as they are, chained like
-- every audit row; audit verify recomputes the data's digest from what
-- the audit asserts and finds any row inserted, edited, ended or deleted
-- outside the audit.

SET LOCAL ROLE cesutg_owner;
SET LOCAL search_path = cesutg;

-- The columns that end a version: a change of these alone (valide_au set
-- where it was null) is an end.
CREATE FUNCTION audit_cols_fin() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $f$
	SELECT ARRAY['valide_au', 'ingestion_fin', 'motif_fin']
$f$;

-- The sum of audit_condense over rows, as an SQL expression over a column
-- d (audit_sha of each row: the SHA-256 audit_condense takes): the four
-- 60-bit words of each digest read from its bytes and summed separately
-- as bigints, then weighted once. The same number as
-- sum(audit_condense(...)) at a fifth of its cost (no call per row, no
-- hexadecimal, no numeric arithmetic per row). audit_sha is STABLE, as
-- convert_to is, so that queries inline it.
CREATE FUNCTION audit_sha(ligne text) RETURNS bytea
LANGUAGE sql STABLE STRICT AS $f$
	SELECT sha256(convert_to(rtrim(ligne, ',)'), 'UTF8'))
$f$;
CREATE FUNCTION audit_somme_sql(d text) RETURNS text
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

-- Updates of a table keyed by id, traced per statement: the rows the
-- statement ended (nothing changed but the end of their version) as one
-- audit row 'CLOTURE' (their number, ids, and the sums of audit_condense
-- of each row before and after); any other change row by row, as
-- audit_ligne does, so that an edit of the data keeps its two images.
CREATE FUNCTION audit_cloture() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg
SET TimeZone = 'UTC' SET DateStyle = 'ISO, YMD' SET IntervalStyle = 'postgres'
AS $f$
DECLARE
	fin text;	-- an end: every other column alike (typed comparisons:
			-- a JSON image of each row costs ten times more)
	o jsonb;
	autres bigint;
	r record;
BEGIN
	SELECT 'a.valide_au IS NULL AND n.valide_au IS NOT NULL AND ' ||
	    string_agg(format('a.%1$I IS NOT DISTINCT FROM n.%1$I', attname),
	    ' AND ' ORDER BY attnum)
	INTO fin FROM pg_attribute WHERE attrelid = TG_RELID AND attnum > 0
	    AND NOT attisdropped AND attname <> ALL (audit_cols_fin());
	-- One pass: the digest of the ends, the number of other changes.
	EXECUTE format('SELECT jsonb_build_object(''lignes'', count(*) FILTER '
	    '(WHERE f), ''premier_id'', min(id) FILTER (WHERE f), '
	    '''dernier_id'', max(id) FILTER (WHERE f), ''avant'', %s, '
	    '''apres'', %s), count(*) FILTER (WHERE NOT f) FROM (SELECT id, f, '
	    'CASE WHEN f THEN audit_sha(ta) END AS ha, CASE WHEN f THEN '
	    'audit_sha(tn) END AS hn FROM (SELECT a.id, %s AS f, a::text AS ta, '
	    'n::text AS tn FROM anciennes a JOIN nouvelles n ON n.id = a.id '
	    'OFFSET 0) x OFFSET 0) y', audit_somme_sql('ha'),
	    audit_somme_sql('hn'), fin)
	INTO o, autres;
	IF (o->>'lignes')::bigint > 0 THEN
		PERFORM audit_ecrire(TG_TABLE_NAME, 'CLOTURE', NULL, o);
	END IF;
	IF autres = 0 THEN
		RETURN NULL;
	END IF;
	FOR r IN EXECUTE format('SELECT to_jsonb(a) AS ja, to_jsonb(n) AS jn '
	    'FROM anciennes a JOIN nouvelles n ON n.id = a.id WHERE NOT (%s) '
	    'ORDER BY a.id', fin) LOOP
		PERFORM audit_ecrire(TG_TABLE_NAME, 'UPDATE', r.ja, r.jn);
	END LOOP;
	RETURN NULL;
END
$f$;

-- plan: deletes still row by row (the trigger keeps its name: audit_tables
-- finds the audited tables by it), updates per statement.
DROP TRIGGER plan_audit ON plan;
CREATE TRIGGER plan_audit AFTER DELETE ON plan
    FOR EACH ROW EXECUTE FUNCTION audit_ligne();
CREATE TRIGGER plan_audit_maj AFTER UPDATE ON plan
    REFERENCING OLD TABLE AS anciennes NEW TABLE AS nouvelles
    FOR EACH STATEMENT EXECUTE FUNCTION audit_cloture();

-- The data against what the audit asserts of it, table by table (007's
-- checks, and the digest of the ends):
-- - the last image of a row is the row as it stands (or absent after a
--   DELETE), but for the end of its version traced since by a digest;
-- - a table traced row by row has no row without an image;
-- - a table traced per statement holds rows whose digests add up to what
--   the audit asserts since its latest 'ETAT': the sums of the inserts,
--   plus for each end the sum after minus the sum before, plus for each
--   row image the digest of the new row minus that of the old one, minus
--   the digest of each row deleted.
CREATE OR REPLACE FUNCTION audit_donnees() RETURNS TABLE (id bigint,
    probleme text)
LANGUAGE plpgsql STABLE SET search_path = cesutg SET TimeZone = 'UTC'
SET DateStyle = 'ISO, YMD' SET IntervalStyle = 'postgres'
SET work_mem = '256MB' AS $f$
DECLARE
	r record;
	base bigint;
	attendu numeric;
	obtenu numeric;
BEGIN
	FOR r IN SELECT * FROM audit_tables() LOOP
		RETURN QUERY EXECUTE format($q$
		    WITH e AS (
			SELECT DISTINCT ON (c) a.id, a.operation, a.nouveau, c, j
			FROM audit a, LATERAL (SELECT coalesce(a.nouveau, a.ancien)
			    AS j) x, LATERAL (SELECT %1$s AS c) y
			WHERE a.table_nom = %2$L AND (a.operation IN ('UPDATE',
			    'DELETE') OR %3$L = 'ligne')
			    AND (%3$L = 'ligne' OR a.id > (SELECT coalesce(max(b.id),
				0) FROM audit b WHERE b.table_nom = %2$L
				AND b.operation = 'ETAT'))
			ORDER BY c, a.id DESC
		    )
		    SELECT e.id, %2$L || ' ' || e.c::text || CASE
			WHEN x.ctid IS NULL THEN ' : ligne absente, sans suppression tracée'
			WHEN e.operation = 'DELETE' THEN ' : ligne supprimée selon l''audit, encore présente'
			ELSE ' : valeurs différentes de sa dernière image d''audit' END
		    FROM e LEFT JOIN %2$I x ON %4$s
		    WHERE (x.ctid IS NULL) <> (e.operation = 'DELETE')
			OR (e.operation <> 'DELETE' AND rtrim(jsonb_populate_record(
			NULL::%2$I, e.nouveau)::text, ',)') <> rtrim(x::text, ',)')
			AND NOT (e.nouveau->>'valide_au' IS NULL
			AND to_jsonb(x)->>'valide_au' IS NOT NULL
			AND e.nouveau - audit_cols_fin() = to_jsonb(x) - audit_cols_fin()))
		    $q$, r.cle, r.t, r.mode, r.egal);
		IF r.mode = 'ligne' THEN
			RETURN QUERY EXECUTE format($q$
			    SELECT NULL::bigint, %1$L || ' ' || c::text ||
				' : ligne sans trace dans l''audit'
			    FROM (SELECT to_jsonb(x) AS j FROM %1$I x) x,
				LATERAL (SELECT %2$s AS c) y
			    WHERE NOT EXISTS (SELECT 1 FROM audit a,
				LATERAL (SELECT a.nouveau AS j) z,
				LATERAL (SELECT %2$s AS c) w
				WHERE a.table_nom = %1$L AND a.operation <> 'DELETE'
				AND w.c = y.c)
			    $q$, r.t, r.cle);
			CONTINUE;
		END IF;
		SELECT coalesce(max(a.id), 0) INTO base FROM audit a
		WHERE a.table_nom = r.t AND a.operation = 'ETAT';
		EXECUTE format($q$
		    SELECT coalesce(sum(CASE a.operation
			WHEN 'CLOTURE' THEN (a.nouveau->>'apres')::numeric
			    - (a.nouveau->>'avant')::numeric
			WHEN 'UPDATE' THEN audit_condense(jsonb_populate_record(
			    NULL::%1$I, a.nouveau)::text) - audit_condense(
			    jsonb_populate_record(NULL::%1$I, a.ancien)::text)
			WHEN 'DELETE' THEN -audit_condense(jsonb_populate_record(
			    NULL::%1$I, a.ancien)::text)
			ELSE (a.nouveau->>'somme')::numeric END), 0)
		    FROM audit a WHERE a.table_nom = %1$L AND a.id >= %2$s
			AND (a.operation IN ('CLOTURE', 'UPDATE', 'DELETE')
			OR a.operation IN ('INSERT', 'ETAT') AND a.nouveau ? 'somme')
		    $q$, r.t, base) INTO attendu;
		EXECUTE format($q$
		    SELECT %2$s FROM (SELECT audit_sha(x::text) AS h FROM %1$I x
			OFFSET 0) y
		    $q$, r.t, audit_somme_sql('h')) INTO obtenu;
		IF obtenu <> attendu THEN
			id := base;
			probleme := r.t || ' : lignes différentes de ce que les '
			    'insertions et fins tracées depuis l''état ' || base ||
			    ' affirment (lignes ajoutées, supprimées, modifiées ou '
			    'terminées hors audit)';
			RETURN NEXT;
		END IF;
	END LOOP;
END
$f$;

-- Bulk inserts as 007 traces them (their number, ids and sum), the sum
-- by audit_somme_sql: a month of visits is some 265,000 rows.
CREATE OR REPLACE FUNCTION audit_insertion() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg
SET TimeZone = 'UTC' SET DateStyle = 'ISO, YMD' SET IntervalStyle = 'postgres'
AS $f$
DECLARE
	o jsonb;
BEGIN
	EXECUTE format('SELECT jsonb_build_object(''lignes'', count(*)%s, '
	    '''somme'', %s) FROM (SELECT %s audit_sha(n::text) AS h '
	    'FROM nouvelles n OFFSET 0) y',
	    CASE WHEN TG_ARGV[0] = 'id' THEN ', ''premier_id'', min(id), '
		'''dernier_id'', max(id)' ELSE '' END,
	    audit_somme_sql('h'),
	    CASE WHEN TG_ARGV[0] = 'id' THEN 'n.id,' ELSE '' END) INTO o;
	IF (o->>'lignes')::bigint > 0 THEN
		PERFORM audit_ecrire(TG_TABLE_NAME, 'INSERT', NULL, o);
	END IF;
	RETURN NULL;
END
$f$;
