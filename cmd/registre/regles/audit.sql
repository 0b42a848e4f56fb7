-- Rule file (migrate.c): the live definition; edit here, never in a migration.
-- The digest of one row of the data as the audit sums it (migration 19):
-- the SHA-256 that audit_condense takes, as bytes, which audit_somme_sql
-- adds up. An SQL function, so that queries inline it; declared VOLATILE
-- although it is not: a subquery that computes it per row is then never
-- flattened into the query that sums its 30 bytes, which would compute it
-- 30 times. OFFSET 0 did that, and also forbade a parallel plan; PARALLEL
-- SAFE lets a large insert's digest, and verify's, use a second core.
-- The trailing commas and parentheses are cut from the UTF-8 bytes, not
-- from the text: the same bytes (both are ASCII, and no byte of a
-- multibyte UTF-8 character is), but rtrim of a text in a UTF-8 database
-- measures every character of the row first; it was a third of the cost
-- of auditing a month of visits.
CREATE OR REPLACE FUNCTION audit_sha(ligne text) RETURNS bytea
LANGUAGE sql VOLATILE STRICT PARALLEL SAFE AS $f$
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

-- audit_donnees and audit_insertion, moved here from migration 19 (DESIGN
-- 7b); since then, the sum of a table's rows (obtenu) without OFFSET 0 and
-- a large insert's sum taken from the table (below), both possibly in
-- parallel.
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
		    SELECT %2$s FROM (SELECT audit_sha(x::text) AS h FROM %1$I x) y
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

-- The sum of a table's rows whose ids lie between premier and dernier, as
-- audit_insertion records an insert, by a parallel plan through the
-- primary key (the statistics know nothing yet of these ids: the costs of
-- a parallel plan are set to nothing, no sequential scan). The planner
-- settings are this function's alone: set on audit_insertion, they held
-- for audit_ecrire too, whose cached plan of its one-row audit_tete was
-- then a sequential scan costed at 1e10, compiled by JIT at each later
-- call in the session (8 ms per row audited: 2 s for a file of 116 title
-- events).
CREATE OR REPLACE FUNCTION audit_somme_ids(t text, premier bigint,
    dernier bigint) RETURNS jsonb
LANGUAGE plpgsql SET search_path = cesutg
SET TimeZone = 'UTC' SET DateStyle = 'ISO, YMD' SET IntervalStyle = 'postgres'
SET parallel_setup_cost = 0 SET parallel_tuple_cost = 0
SET min_parallel_index_scan_size = 0 SET enable_seqscan = off
AS $f$
DECLARE
	o jsonb;
BEGIN
	EXECUTE format('SELECT jsonb_build_object(''lignes'', count(*), '
	    '''premier_id'', min(id), ''dernier_id'', max(id), ''somme'', %s) '
	    'FROM (SELECT x.id, audit_sha(x::text) AS h FROM %I x WHERE x.id '
	    'BETWEEN $1 AND $2) y', audit_somme_sql('h'), t)
	INTO o USING premier, dernier;
	RETURN o;
END
$f$;
REVOKE EXECUTE ON FUNCTION audit_somme_ids(text, bigint, bigint) FROM PUBLIC;

-- Bulk inserts as 007 traces them (their number, ids and sum), the sum
-- by audit_somme_sql: a month of visits is some 265,000 rows. Hashing
-- them was a third of such a load's time, on one core: a transition table
-- cannot be read by parallel workers, the table can. So a large insert of
-- a table keyed by id is summed from the table's rows whose ids lie
-- between the first and the last inserted, read through the primary key
-- (the statistics know nothing yet of these ids: the costs of a parallel
-- plan are set to nothing, no sequential scan of the whole table); when
-- their number is the number inserted they are exactly the rows inserted
-- (all of them lie in that range and are visible here), else (another
-- session's rows committed in between, ids given explicitly) the
-- transition table is summed as before. The same sum either way.
-- A large file's rows are digested by registre as they stream (load.c:
-- the same text, the same SHA-256, 30 sums of bytes; the ids it expects
-- are those the sequence hands out), handed over in cesutg.somme_client,
-- read once: taken when its table, count and ids are exactly the
-- insert's and the rows of one id in `pas' (and the last), digested
-- here, give its sample's sums (the audit row then says how many rows
-- that sample held: echantillon); else the digest is computed here. The
-- server then formats a row in 1,000 instead of each (a month of visits:
-- 0.9 s of server CPU). A loader that lied about the rest would make
-- verify fail, not pass: the sum asserted would not be the rows'.
CREATE OR REPLACE FUNCTION audit_octets_somme(o jsonb) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT AS $f$
	SELECT coalesce(sum((o->>i)::bigint::numeric *
	    (256::numeric ^ (29 - i))::numeric(80, 0)), 0)
	FROM generate_series(0, 29) i
$f$;

CREATE OR REPLACE FUNCTION audit_insertion() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = cesutg
SET TimeZone = 'UTC' SET DateStyle = 'ISO, YMD' SET IntervalStyle = 'postgres'
AS $f$
DECLARE
	o jsonb;
	n bigint;
	premier bigint;
	dernier bigint;
	c jsonb;
	ech numeric;
BEGIN
	c := nullif(current_setting('cesutg.somme_client', true), '')::jsonb;
	IF c IS NOT NULL THEN
		PERFORM set_config('cesutg.somme_client', '', true);
	END IF;
	IF TG_ARGV[0] = 'id' THEN
		EXECUTE 'SELECT count(*), min(id), max(id) FROM nouvelles'
		INTO n, premier, dernier;
		IF c->>'t' = TG_TABLE_NAME AND (c->>'lignes')::bigint = n
		    AND (c->>'premier_id')::bigint = premier
		    AND (c->>'dernier_id')::bigint = dernier
		    AND dernier - premier + 1 = n AND (c->>'pas')::int > 0 THEN
			EXECUTE format('SELECT %s FROM (SELECT audit_sha(x::text) '
			    'AS h FROM %I x WHERE x.id = ANY ($1)) y',
			    audit_somme_sql('h'), TG_TABLE_NAME) INTO ech
			USING ARRAY(SELECT generate_series(premier, dernier,
			    (c->>'pas')::int) UNION SELECT dernier);
			IF ech = audit_octets_somme(c->'echantillon') THEN
				o := jsonb_build_object('lignes', n, 'premier_id',
				    premier, 'dernier_id', dernier, 'somme',
				    audit_octets_somme(c->'octets'), 'echantillon',
				    (dernier - premier) / (c->>'pas')::int + 1 +
				    ((dernier - premier) % (c->>'pas')::int <> 0)::int);
			END IF;
		END IF;
		IF o IS NULL AND n >= 10000 THEN
			o := audit_somme_ids(TG_TABLE_NAME, premier, dernier);
			IF (o->>'lignes')::bigint <> n THEN
				o := NULL;
			END IF;
		END IF;
	END IF;
	IF o IS NULL THEN
		EXECUTE format('SELECT jsonb_build_object(''lignes'', '
		    'count(*)%s, ''somme'', %s) FROM (SELECT %s '
		    'audit_sha(n::text) AS h FROM nouvelles n) y',
		    CASE WHEN TG_ARGV[0] = 'id' THEN ', ''premier_id'', '
			'min(id), ''dernier_id'', max(id)' ELSE '' END,
		    audit_somme_sql('h'),
		    CASE WHEN TG_ARGV[0] = 'id' THEN 'n.id,' ELSE '' END)
		INTO o;
	END IF;
	IF (o->>'lignes')::bigint > 0 THEN
		PERFORM audit_ecrire(TG_TABLE_NAME, 'INSERT', NULL, o);
	END IF;
	RETURN NULL;
END
$f$;
