/*
 * Versioned SQL migrations, embedded in the binary at build time from
 * cmd/registre/NNN_*.sql (the assembler's .incbin: no generation step).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "registre.h"

#define MIG(n, file) \
	__asm__(".section .rodata\n.global mig_" #n "\nmig_" #n ":\n" \
	    ".incbin \"cmd/registre/" file "\"\n.byte 0\n.previous\n"); \
	extern const char mig_##n[];

MIG(1, "001_schema.sql")
MIG(2, "002_kinds.sql")
MIG(3, "003_titres.sql")
MIG(4, "004_titres_retires.sql")
MIG(5, "005_reprises.sql")
MIG(6, "006_sad_titres.sql")
MIG(7, "007_secu.sql")
MIG(8, "008_controle.sql")
MIG(9, "009_rapprochement.sql")
MIG(10, "010_cesu.sql")
MIG(11, "011_factures.sql")
MIG(12, "012_alertes.sql")
MIG(13, "013_tableaux.sql")
MIG(14, "014_cesu_suivi.sql")
MIG(15, "015_perf.sql")
MIG(16, "016_ctlperf.sql")
MIG(17, "017_plateforme.sql")
MIG(18, "018_alertes_perf.sql")
MIG(19, "019_plans.sql")
MIG(20, "020_rapprochement_cible.sql")

static const char *const migs[] = { mig_1, mig_2, mig_3, mig_4, mig_5, mig_6,
    mig_7, mig_8, mig_9, mig_10, mig_11, mig_12, mig_13, mig_14, mig_15,
    mig_16, mig_17, mig_18, mig_19, mig_20 };

int
mig_count(void)
{
	return (int)(sizeof migs / sizeof migs[0]);
}

const char *
mig_sql(int version)
{
	return migs[version - 1];
}

static int
db_version(PGconn *c)
{
	PGresult *r;
	int v;

	r = db_query(c, "SELECT to_regclass('cesutg.version_schema') IS NULL",
	    0, NULL);
	v = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	if (v)
		return 0;
	r = db_query(c, "SELECT coalesce(max(version), 0) FROM "
	    "cesutg.version_schema", 0, NULL);
	v = atoi(PQgetvalue(r, 0, 0));
	PQclear(r);
	return v;
}

/* A database ahead of the binary, or not yet migrated, is refused. */
void
mig_check(PGconn *c)
{
	int v = db_version(c);

	if (v > mig_count())
		die(EX_UNAVAILABLE, "la base est au schéma %d, plus récent que "
		    "celui de ce registre (%d) : mettez registre à jour", v,
		    mig_count());
	if (v < mig_count())
		die(EX_UNAVAILABLE, "la base est au schéma %d, ce registre "
		    "attend le schéma %d : lancez « registre migrate »", v,
		    mig_count());
}

/*
 * Migrations are serialised by a lock on a table of their own, in a schema
 * no role but the administrator's can even name: no SAD, agent or analyst
 * login can take that lock or hold it back (an advisory lock, any login
 * could). The table is made on first use in a transaction of its own; of
 * two first migrations at once, one waits for the other's catalog rows and
 * fails on the duplicate: it then finds the table made and waits its turn.
 */
static void
mig_lock(PGconn *c)
{
	PGresult *r;
	const char *st;
	int i;

	for (i = 0;; i++) {
		r = PQexec(c, "CREATE SCHEMA IF NOT EXISTS cesutg_migration; "
		    "CREATE TABLE IF NOT EXISTS cesutg_migration.verrou ()");
		if (PQresultStatus(r) == PGRES_COMMAND_OK)
			break;
		st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		if (i == 3 || st == NULL || (strcmp(st, "23505") != 0 &&
		    strcmp(st, "42P06") != 0 && strcmp(st, "42P07") != 0))
			db_fail(c, r, "verrou des migrations");
		PQclear(r);
	}
	PQclear(r);
	db_exec(c, "BEGIN");
	db_exec(c, "LOCK TABLE cesutg_migration.verrou IN EXCLUSIVE MODE");
}

int
cmd_migrate(int argc, char **argv)
{
	PGconn *c;
	char num[16];
	const char *p[1];
	int v, i;

	(void)argv;
	if (argc != 1)
		die(EX_USAGE, "usage : registre migrate");
	c = db_connect(DB_ADMIN, 0);
	mig_lock(c);
	v = db_version(c);
	if (v > mig_count())
		die(EX_UNAVAILABLE, "la base est au schéma %d, plus récent que "
		    "celui de ce registre (%d) : migration refusée", v,
		    mig_count());
	for (i = v + 1; i <= mig_count(); i++) {
		db_exec(c, mig_sql(i));
		db_exec(c, "RESET ROLE");
		snprintf(num, sizeof num, "%d", i);
		p[0] = num;
		PQclear(db_query(c, "INSERT INTO cesutg.version_schema "
		    "(version) VALUES ($1::int)", 1, p));
		fprintf(stderr, "registre: migration %d appliquée\n", i);
	}
	db_exec(c, "COMMIT");
	if (v == mig_count())
		fprintf(stderr, "registre: schéma déjà à jour (version %d)\n", v);
	db_finish(c);
	return 0;
}
