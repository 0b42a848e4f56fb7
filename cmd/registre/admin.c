/* registre ingestions, param, role, audit: the ledger's small commands. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "buf.h"
#include "err.h"
#include "out.h"
#include "registre.h"

static void
to_stdout(void *arg, const char *p, size_t n)
{
	(void)arg;
	if (fwrite(p, 1, n, stdout) != n)
		die(EX_IOERR, "sortie standard : écriture impossible");
}

void
print_csv(PGconn *c, const char *sql)
{
	db_copy_out(c, sql, to_stdout, NULL);
}

int
cmd_ingestions(int argc, char **argv)
{
	PGconn *c;

	(void)argv;
	if (argc != 1)
		die(EX_USAGE, "usage : registre ingestions");
	c = db_connect(DB_LOADER, 1);
	print_csv(c, "COPY (SELECT id, kind, source, sha256, date_donnees, "
	    "lues, acceptees, rejetees, nouvelles, modifiees, inchangees, "
	    "terminees, qui, to_char(quand AT TIME ZONE 'UTC', "
	    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS quand FROM cesutg.ingestion "
	    "ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER)");
	db_finish(c);
	return 0;
}

int
cmd_param(int argc, char **argv)
{
	PGconn *c;
	PGresult *r;
	const char *p[2];
	const char *st;
	int n;

	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		c = db_connect(DB_ADMIN, 1);
		print_csv(c, "COPY (SELECT nom, valeur, description, "
		    "modifie_par, to_char(modifie_le AT TIME ZONE 'UTC', "
		    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS modifie_le FROM "
		    "cesutg.param ORDER BY nom) TO STDOUT WITH (FORMAT csv, "
		    "HEADER)");
	} else if (argc == 3 && strcmp(argv[1], "get") == 0) {
		c = db_connect(DB_ADMIN, 1);
		p[0] = argv[2];
		r = db_query(c, "SELECT valeur FROM cesutg.param WHERE nom = $1",
		    1, p);
		n = PQntuples(r);
		if (n > 0)
			printf("%s\n", PQgetvalue(r, 0, 0));
		PQclear(r);
		if (n == 0)
			die(EX_DATAERR, "paramètre inconnu « %s » (voir "
			    "« registre param list »)", argv[2]);
	} else if (argc == 4 && strcmp(argv[1], "set") == 0) {
		c = db_connect(DB_ADMIN, 1);
		p[0] = argv[2];
		p[1] = argv[3];
		r = PQexecParams(c, "UPDATE cesutg.param SET valeur = $2, "
		    "modifie_par = session_user, modifie_le = now() WHERE "
		    "nom = $1 RETURNING motif", 2, NULL, p, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
			if (st == NULL || strcmp(st, "23514") != 0)
				db_fail(c, r, "param set");
			PQclear(r);
			die(EX_DATAERR, "valeur refusée pour %s : « %s » (voir "
			    "« registre param list »)", argv[2], argv[3]);
		}
		n = PQntuples(r);
		PQclear(r);
		if (n == 0)
			die(EX_DATAERR, "paramètre inconnu « %s » (voir "
			    "« registre param list »)", argv[2]);
	} else
		die(EX_USAGE, "usage : registre param list | get NOM | "
		    "set NOM VALEUR");
	db_finish(c);
	return 0;
}

static void
role_create(PGconn *c, const char *name, const char *group)
{
	const char *p[1] = { name };
	PGresult *r;
	char *id = db_ident(c, name);
	char sql[512];

	r = db_query(c, "SELECT 1 FROM pg_roles WHERE rolname = $1", 1, p);
	if (PQntuples(r) == 0) {
		snprintf(sql, sizeof sql, "CREATE ROLE %s LOGIN", id);
		db_exec(c, sql);
	}
	PQclear(r);
	snprintf(sql, sizeof sql, "GRANT %s TO %s", group, id);
	db_exec(c, sql);
	free(id);
}

static int
role_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 60)
		return 0;
	for (; *s; s++)
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= '0' && *s <= '9') &&
		    *s != '_')
			return 0;
	return 1;
}

/*
 * A CASVP platform's login (annex 2): it validates, at the SAD's step, the
 * pre-invoice of the SADs whose plateforme is plateforme. Never a SAD's or
 * an agent's login as well: the two steps stay with two people.
 */
static void
plateforme_ajouter(PGconn *c, const char *plateforme, const char *login)
{
	const char *p[2] = { login, plateforme };
	PGresult *r;
	long n;

	db_exec(c, "BEGIN");
	r = db_query(c, "SELECT 1 FROM cesutg.acces_sad WHERE role = $1 "
	    "UNION ALL SELECT 1 FROM cesutg.acces_agent WHERE role = $1", 1, p);
	n = PQntuples(r);
	PQclear(r);
	if (n > 0)
		die(EX_DATAERR, "%s est déjà le rôle d'un SAD ou d'un agent : "
		    "une plateforme a son propre rôle", login);
	role_create(c, login, "cesutg_plateforme");
	PQclear(db_query(c, "INSERT INTO cesutg.acces_plateforme (role, "
	    "plateforme) VALUES ($1, $2) ON CONFLICT (role) DO UPDATE SET "
	    "plateforme = EXCLUDED.plateforme", 2, p));
	r = db_query(c, "SELECT count(*) FROM cesutg.sad WHERE plateforme = $1",
	    1, p + 1);
	n = atol(PQgetvalue(r, 0, 0));
	PQclear(r);
	db_exec(c, "COMMIT");
	if (n == 0)
		fprintf(stderr, "registre: aucun SAD n'a encore la plateforme "
		    "« %s » (registre sad set CODE --plateforme %s)\n",
		    plateforme, plateforme);
}

int
cmd_role(int argc, char **argv)
{
	static const char *const aides[] = { "APA", "ASL", "PCHA", "PCHE",
	    "CESU", "TG", NULL };
	PGconn *c;
	const char *p[2];
	char name[80], *list, *tok, *save;
	int i;

	if (argc == 3 && strcmp(argv[1], "add-sad") == 0) {
		snprintf(name, sizeof name, "sad_%s", argv[2]);
		for (i = 0; name[i]; i++)
			if (name[i] >= 'A' && name[i] <= 'Z')
				name[i] += 'a' - 'A';
		if (!role_name_ok(name) || strlen(argv[2]) > 20)
			die(EX_USAGE, "code SAD invalide « %s » : lettres, "
			    "chiffres et _ seulement", argv[2]);
		c = db_connect(DB_ADMIN, 1);
		db_exec(c, "BEGIN");
		role_create(c, name, "cesutg_sad");
		p[0] = name;
		p[1] = argv[2];
		/* A télégestion code names its SAD; an unknown code is declared. */
		PQclear(db_query(c, "INSERT INTO cesutg.sad (code) SELECT $1 "
		    "WHERE NOT EXISTS (SELECT 1 FROM cesutg.sad_tg WHERE code = "
		    "$1) ON CONFLICT (code) DO NOTHING", 1, p + 1));
		PQclear(db_query(c, "INSERT INTO cesutg.acces_sad (role, "
		    "code_sad) VALUES ($1, coalesce((SELECT sad FROM "
		    "cesutg.sad_tg WHERE code = $2), $2)) ON CONFLICT (role) DO "
		    "UPDATE SET code_sad = EXCLUDED.code_sad", 2, p));
		db_exec(c, "COMMIT");
		printf("%s\n", name);
	} else if (argc == 5 && strcmp(argv[1], "add-agent") == 0 &&
	    strcmp(argv[3], "--aides") == 0) {
		if (!role_name_ok(argv[2]))
			die(EX_USAGE, "nom de rôle invalide « %s » : minuscules, "
			    "chiffres et _ seulement", argv[2]);
		list = xstrdup(argv[4]);
		for (tok = strtok_r(list, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			for (i = 0; aides[i] != NULL; i++)
				if (strcmp(aides[i], tok) == 0)
					break;
			if (aides[i] == NULL)
				die(EX_USAGE, "aide inconnue « %s » : APA, ASL, "
				    "PCHA, PCHE, CESU ou TG", tok);
		}
		free(list);
		c = db_connect(DB_ADMIN, 1);
		db_exec(c, "BEGIN");
		role_create(c, argv[2], "cesutg_agent");
		p[0] = argv[2];
		PQclear(db_query(c, "DELETE FROM cesutg.acces_agent WHERE "
		    "role = $1", 1, p));
		list = xstrdup(argv[4]);
		for (tok = strtok_r(list, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			p[1] = tok;
			PQclear(db_query(c, "INSERT INTO cesutg.acces_agent "
			    "(role, aide) VALUES ($1, $2) ON CONFLICT DO NOTHING",
			    2, p));
		}
		free(list);
		db_exec(c, "COMMIT");
	} else if (argc == 3 && strcmp(argv[1], "add-analyst") == 0) {
		if (!role_name_ok(argv[2]))
			die(EX_USAGE, "nom de rôle invalide « %s » : minuscules, "
			    "chiffres et _ seulement", argv[2]);
		c = db_connect(DB_ADMIN, 1);
		db_exec(c, "BEGIN");
		role_create(c, argv[2], "cesutg_analyste");
		p[0] = argv[2];
		PQclear(db_query(c, "INSERT INTO cesutg.acces_analyste (role) "
		    "VALUES ($1) ON CONFLICT DO NOTHING", 1, p));
		db_exec(c, "COMMIT");
	} else if (argc == 4 && strcmp(argv[1], "add-plateforme") == 0) {
		if (argv[2][0] == '\0')
			die(EX_USAGE, "nom de plateforme vide");
		if (!role_name_ok(argv[3]))
			die(EX_USAGE, "nom de rôle invalide « %s » : minuscules, "
			    "chiffres et _ seulement", argv[3]);
		c = db_connect(DB_ADMIN, 1);
		plateforme_ajouter(c, argv[2], argv[3]);
		printf("%s\n", argv[3]);
	} else
		die(EX_USAGE, "usage : registre role add-sad CODE | add-agent "
		    "NOM --aides APA,PCHA,... | add-analyst NOM | "
		    "add-plateforme PLATEFORME NOM");
	db_finish(c);
	return 0;
}

/*
 * The head of the chain is also kept outside the database, one line per
 * cluster and database in the anchor file: a later verification fails if
 * the row it saw last is gone or changed (tail rows deleted, head
 * rewritten, audit emptied), and moves the anchor on when all is well.
 */
struct ancre {
	struct buf	 autres;	/* the other databases' lines */
	char		*n;	/* this database's, or NULL */
	char		*empreinte;
};

static void
ancre_lire(const char *path, const char *ident, struct ancre *a)
{
	char line[512], id[256], n[32], e[80];
	FILE *f = fopen(path, "r");

	memset(a, 0, sizeof *a);
	buf_addc(&a->autres, '\0');
	a->autres.len = 0;
	if (f == NULL) {
		if (errno != ENOENT)
			die(EX_NOINPUT, "ancre %s : %s", path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "%255s %31s %79s", id, n, e) != 3)
			die(EX_DATAERR, "ancre %s : ligne illisible", path);
		if (strcmp(id, ident) == 0) {
			a->n = xstrdup(n);
			a->empreinte = xstrdup(e);
		} else
			buf_adds(&a->autres, line);
	}
	fclose(f);
}

static int
ancre_verifier(PGconn *c, const char *path, const struct ancre *a)
{
	const char *p[2] = { a->n, a->empreinte };
	PGresult *r;
	int ok;

	if (a->n == NULL)
		return 1;
	r = db_query(c, "SELECT 1 FROM cesutg.audit WHERE id = $1::bigint AND "
	    "empreinte = $2", 2, p);
	ok = PQntuples(r) == 1;
	PQclear(r);
	if (!ok)
		fprintf(stderr, "registre: audit : ligne %s : absente ou changée "
		    "depuis la dernière vérification (empreinte %.16s… gardée "
		    "dans %s) : journal raccourci, vidé ou réécrit\n", a->n,
		    a->empreinte, path);
	return ok;
}

static void
ancre_ecrire(const char *path, const char *ident, const struct ancre *a,
    const char *n, const char *empreinte)
{
	struct afile f;

	afile_open(&f, path, AFILE_PRIVATE);
	out_write(&f.o, a->autres.p, a->autres.len);
	out_puts(&f.o, ident);
	out_putc(&f.o, ' ');
	out_puts(&f.o, n);
	out_putc(&f.o, ' ');
	out_puts(&f.o, empreinte);
	out_putc(&f.o, '\n');
	afile_commit(&f);
}

static void
ancre_free(struct ancre *a)
{
	buf_free(&a->autres);
	free(a->n);
	free(a->empreinte);
}

int
cmd_audit(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "ancre", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	struct buf path = { 0 };
	struct ancre a;
	PGconn *c;
	PGresult *r, *id;
	int i, n, ch;

	while ((ch = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		if (ch != 'a')
			die(EX_USAGE, "usage : registre audit verify "
			    "[--ancre FICHIER]");
		buf_adds(&path, optarg);
	}
	if (argc - optind != 1 || strcmp(argv[optind], "verify") != 0)
		die(EX_USAGE, "usage : registre audit verify [--ancre FICHIER]");
	if (path.len == 0)
		buf_addf(&path, "%s/audit-ancre", reg_home());
	c = db_connect(DB_ADMIN, 1);
	db_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	id = db_query(c, "SELECT system_identifier || '/' || current_database() "
	    "FROM pg_control_system()", 0, NULL);
	ancre_lire(path.p, PQgetvalue(id, 0, 0), &a);
	r = db_query(c, "SELECT id, probleme FROM cesutg.audit_verifier()", 0,
	    NULL);
	n = PQntuples(r);
	for (i = 0; i < n; i++)
		fprintf(stderr, "registre: audit : ligne %s : %s\n",
		    PQgetvalue(r, i, 0), msg_net(PQgetvalue(r, i, 1)));
	PQclear(r);
	n += !ancre_verifier(c, path.p, &a);
	r = db_query(c, "SELECT n, empreinte FROM cesutg.audit_tete", 0, NULL);
	if (n == 0 && PQntuples(r) == 1) {
		ancre_ecrire(path.p, PQgetvalue(id, 0, 0), &a,
		    PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1));
		printf("audit intègre : %s lignes, dernière empreinte %s "
		    "(ancre %s)\n", PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1),
		    path.p);
	}
	PQclear(r);
	PQclear(id);
	ancre_free(&a);
	db_exec(c, "COMMIT");
	db_finish(c);
	buf_free(&path);
	return n == 0 ? 0 : EX_DATAERR;
}
