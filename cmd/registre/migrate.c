/*
 * Versioned SQL migrations, embedded in the binary at build time from
 * cmd/registre/NNN_*.sql (the assembler's .incbin: no generation step),
 * and rule files, cmd/registre/regles/NOM.sql: the live body of each
 * business-rule function, one file per family (DESIGN 7b). A migration
 * once applied is never edited, so a function it defines that changes
 * later moves to a rule file, which is edited in place; migrate applies,
 * after the migrations, each rule file whose SHA-256 differs from the one
 * recorded in cesutg.regle (as Flyway's repeatable migrations do), in the
 * same transaction. A rule file holds only statements that can run again:
 * CREATE OR REPLACE FUNCTION (with its SET clauses: a replace resets
 * them), ALTER FUNCTION ... SET, COMMENT, GRANT, REVOKE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "buf.h"
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
MIG(21, "021_regles.sql")
MIG(22, "022_echelle.sql")
MIG(23, "023_controle_cle.sql")
MIG(24, "024_controle_mois.sql")

#define REGLE(id, file) \
	__asm__(".section .rodata\n.global regle_" #id "\nregle_" #id ":\n" \
	    ".incbin \"cmd/registre/regles/" file ".sql\"\n.byte 0\n.previous\n"); \
	extern const char regle_##id[];

/* In the order they are applied: a file may use the functions of those
 * before it. */
REGLE(controler, "controler")
REGLE(prefacturer_calcul, "prefacturer_calcul")
REGLE(rapprochement_calculer, "rapprochement_calculer")
REGLE(alertes_calculer, "alertes_calculer")
REGLE(tableaux, "tableaux")
REGLE(audit, "audit")

static const struct regle {
	const char *nom, *sql;
} regles[] = {
	{ "controler", regle_controler },
	{ "prefacturer_calcul", regle_prefacturer_calcul },
	{ "rapprochement_calculer", regle_rapprochement_calculer },
	{ "alertes_calculer", regle_alertes_calculer },
	{ "tableaux", regle_tableaux },
	{ "audit", regle_audit },
};
#define NREGLES (sizeof regles / sizeof regles[0])

static const char *const migs[] = { mig_1, mig_2, mig_3, mig_4, mig_5, mig_6,
    mig_7, mig_8, mig_9, mig_10, mig_11, mig_12, mig_13, mig_14, mig_15,
    mig_16, mig_17, mig_18, mig_19, mig_20, mig_21,
    mig_22, mig_23, mig_24 };

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

int
regle_count(void)
{
	return (int)NREGLES;
}

const char *
regle_nom(int i)
{
	return regles[i].nom;
}

const char *
regle_sql(int i)
{
	return regles[i].sql;
}

static void
regle_empreinte(int i, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];

	if (EVP_Digest(regles[i].sql, strlen(regles[i].sql), md, NULL,
	    EVP_sha256(), NULL) != 1)
		die(EX_SOFTWARE, "SHA-256 indisponible");
	sha256_hex(md, hex);
}

/* "nom=empreinte nom=empreinte ...", by name: what cesutg.regle holds once
 * this binary's rules are applied. */
static char *
regles_attendues(void)
{
	struct buf b = { 0 };
	char hex[65];
	size_t i, j;
	size_t ordre[NREGLES];

	for (i = 0; i < NREGLES; i++)
		ordre[i] = i;
	for (i = 1; i < NREGLES; i++)	/* a handful: insertion sort */
		for (j = i; j > 0 && strcmp(regles[ordre[j - 1]].nom,
		    regles[ordre[j]].nom) > 0; j--) {
			size_t t = ordre[j];

			ordre[j] = ordre[j - 1];
			ordre[j - 1] = t;
		}
	for (i = 0; i < NREGLES; i++) {
		regle_empreinte((int)ordre[i], hex);
		buf_addf(&b, "%s%s=%s", i ? " " : "", regles[ordre[i]].nom, hex);
	}
	return b.p;
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

/* Rules other than this binary's (an older or newer registre applied
 * them) are refused like a schema version. */
static void
regles_check(PGconn *c)
{
	PGresult *r;
	char *want = regles_attendues();

	r = db_query(c, "SELECT coalesce(string_agg(nom || '=' || empreinte, "
	    "' ' ORDER BY nom COLLATE \"C\"), '') FROM cesutg.regle", 0, NULL);
	if (strcmp(PQgetvalue(r, 0, 0), want) != 0)
		die(EX_UNAVAILABLE, "les règles de la base ne sont pas celles "
		    "de ce registre : lancez « registre migrate »");
	PQclear(r);
	free(want);
}

/* Each rule file whose digest differs from the recorded one, in order;
 * all of them after a migration (it may have dropped or retyped what a
 * rule file defines). */
static int
regles_appliquer(PGconn *c, int toutes)
{
	PGresult *r;
	const char *p[2];
	char hex[65];
	size_t i;
	int n = 0;

	for (i = 0; i < NREGLES; i++) {
		regle_empreinte((int)i, hex);
		p[0] = regles[i].nom;
		p[1] = hex;
		r = db_query(c, "SELECT 1 FROM cesutg.regle WHERE nom = $1 "
		    "AND empreinte = $2", 2, p);
		if (PQntuples(r) == 1 && !toutes) {
			PQclear(r);
			continue;
		}
		PQclear(r);
		db_exec(c, "SET LOCAL ROLE cesutg_owner; "
		    "SET LOCAL search_path = cesutg");
		db_exec(c, regles[i].sql);
		db_exec(c, "RESET ROLE; RESET search_path");
		PQclear(db_query(c, "INSERT INTO cesutg.regle (nom, empreinte) "
		    "VALUES ($1, $2) ON CONFLICT (nom) DO UPDATE SET "
		    "empreinte = EXCLUDED.empreinte, appliquee_le = now(), "
		    "par = session_user", 2, p));
		fprintf(stderr, "registre: règle %s appliquée\n", regles[i].nom);
		n++;
	}
	return n;
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
	regles_check(c);
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
	int v, i, n;

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
	n = regles_appliquer(c, v < mig_count());
	db_exec(c, "COMMIT");
	if (v == mig_count() && n == 0)
		fprintf(stderr, "registre: schéma déjà à jour (version %d)\n", v);
	db_finish(c);
	return 0;
}
