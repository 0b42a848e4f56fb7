/*
 * registre: the ledger. The only cesutg binary that talks to PostgreSQL.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "registre.h"

const char *opt_db;
PGconn *db_cur;	/* reachable at exit, when die() leaves it open */

static const char usage_text[] =
    "usage : registre [--db CONNINFO] db init|start|stop|status\n"
    "        registre [--db CONNINFO] migrate\n"
    "        registre [--db CONNINFO] load KIND [--source NOM] [--date AAAA-MM-JJ]\n"
    "                 [--report FICHIER] [--complement | --incomplet]\n"
    "                 [--accepter-fins] < fichier.csv\n"
    "        registre [--db CONNINFO] reprendre INGESTION [--report FICHIER]\n"
    "        registre [--db CONNINFO] ingestions\n"
    "        registre [--db CONNINFO] param list | get NOM | set NOM VALEUR\n"
    "        registre [--db CONNINFO] role add-sad CODE | add-agent NOM --aides LISTE |\n"
    "                 add-analyst NOM\n"
    "        registre [--db CONNINFO] sad add|set CODE [--nom NOM] [--tg CODES]\n"
    "                 [--courriel ADRESSES] [--plateforme NOM] | sad list\n"
    "        registre [--db CONNINFO] audit verify\n"
    "        registre [--db CONNINFO] export REPERTOIRE | import REPERTOIRE\n"
    "KIND : plans, clients, intervenants, horodatages, evenements, commandes,\n"
    "       remboursements, charges, log-factures, titres-repris\n";

static _Noreturn void
usage(int code)
{
	fputs(usage_text, code ? stderr : stdout);
	exit(code);
}

/* Each subcommand's synopsis, as in registre(1); the others get them all. */
static const struct {
	const char *name;
	const char *text;
} synopses[] = {
	{ "db", "usage : registre [--db CONNINFO] db init|start|stop|status\n" },
	{ "migrate", "usage : registre [--db CONNINFO] migrate\n" },
	{ "load", "usage : registre [--db CONNINFO] load KIND [--source NOM] "
	    "[--date AAAA-MM-JJ]\n"
	    "                 [--report FICHIER] [--complement | --incomplet]\n"
	    "                 [--accepter-fins] < fichier.csv\n"
	    "KIND : plans, clients, intervenants, horodatages, evenements, "
	    "commandes,\n"
	    "       remboursements, charges, log-factures, titres-repris\n" },
	{ "reprendre", "usage : registre [--db CONNINFO] reprendre INGESTION "
	    "[--report FICHIER]\n" },
	{ "ingestions", "usage : registre [--db CONNINFO] ingestions\n" },
	{ "param", "usage : registre [--db CONNINFO] param list | get NOM | "
	    "set NOM VALEUR\n" },
	{ "role", "usage : registre [--db CONNINFO] role add-sad CODE | "
	    "add-agent NOM --aides LISTE |\n"
	    "                 add-analyst NOM\n" },
	{ "sad", "usage : registre [--db CONNINFO] sad add CODE [--nom NOM] "
	    "[--tg CODES]\n"
	    "                 [--courriel ADRESSES] [--plateforme NOM]\n"
	    "        registre [--db CONNINFO] sad set CODE [--nom NOM] "
	    "[--tg CODES]\n"
	    "                 [--courriel ADRESSES] [--plateforme NOM]\n"
	    "        registre [--db CONNINFO] sad list\n" },
	{ "audit", "usage : registre [--db CONNINFO] audit verify\n" },
	{ "export", "usage : registre [--db CONNINFO] export REPERTOIRE\n" },
	{ "import", "usage : registre [--db CONNINFO] import REPERTOIRE\n" },
	{ "cesu", "usage : registre [--db CONNINFO] cesu consommes MOIS [--flux 5|81]\n"
	    "                 [--date AAAA-MM-JJ] [--numero N]\n"
	    "        registre [--db CONNINFO] cesu declarations MOIS "
	    "[--date AAAA-MM-JJ] [--numero N]\n"
	    "        registre [--db CONNINFO] cesu charges MOIS [--prestation 1|2|3]\n"
	    "                 [--report FICHIER]\n" },
};

_Noreturn void
reg_usage(const char *cmd, int code)
{
	size_t i;

	for (i = 0; i < sizeof synopses / sizeof synopses[0]; i++) {
		if (strcmp(synopses[i].name, cmd) == 0) {
			fputs(synopses[i].text, code ? stderr : stdout);
			if (code == 0 && (fflush(stdout) != 0 || ferror(stdout)))
				die(EX_IOERR, "écriture sur la sortie standard "
				    "impossible");
			exit(code);
		}
	}
	usage(code);
}

/* getopt's own messages are English: ours, in French (opterr is 0). */
_Noreturn void
reg_badopt(const char *cmd, const char *arg)
{
	warnx_("option inconnue, ou sans sa valeur : « %s »", arg);
	reg_usage(cmd, EX_USAGE);
}

/* --help or -h anywhere before "--": the subcommand's synopsis. */
static int
wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
}

const char *
reg_home(void)
{
	static char path[PATH_MAX];
	const char *h = getenv("CESUTG_HOME");

	if (h == NULL || *h == '\0')
		h = "./var";
	if (realpath(h, path) == NULL) {
		if (strlen(h) >= sizeof path)
			die(EX_USAGE, "CESUTG_HOME trop long");
		if (h[0] == '/')
			return strcpy(path, h);
		if (getcwd(path, sizeof path) == NULL ||
		    strlen(path) + strlen(h) + 2 > sizeof path)
			die(EX_OSERR, "répertoire courant illisible");
		strcat(path, "/");
		strcat(path, h);
	}
	return path;
}

/* The embedded default applies only when libpq was told nothing. */
static int
libpq_configured(void)
{
	static const char *const vars[] = { "PGHOST", "PGHOSTADDR", "PGSERVICE",
	    "PGDATABASE", "PGPORT", "PGUSER", NULL };
	int i;

	if (opt_db != NULL)
		return 1;
	for (i = 0; vars[i] != NULL; i++)
		if (getenv(vars[i]) != NULL)
			return 1;
	return 0;
}

PGconn *
db_connect(enum db_who who, int check_version)
{
	const char *keys[8], *vals[8];
	PGconn *c;
	char *nl;
	int n = 0;

	if (libpq_configured()) {
		keys[n] = "dbname";
		vals[n++] = opt_db != NULL ? opt_db : "";
	} else {
		keys[n] = "host";
		vals[n++] = reg_home();
		keys[n] = "dbname";
		vals[n++] = "cesutg";
		keys[n] = "user";
		vals[n++] = who == DB_LOADER ? "cesutg_loader" : "postgres";
	}
	keys[n] = "application_name";
	vals[n++] = "registre";
	keys[n] = NULL;
	vals[n] = NULL;
	c = db_cur = PQconnectdbParams(keys, vals, 1);
	if (c == NULL || PQstatus(c) != CONNECTION_OK) {
		static char *msg;

		msg = xstrdup(c ? PQerrorMessage(c) : "mémoire épuisée");
		if ((nl = strchr(msg, '\n')) != NULL)
			*nl = '\0';
		PQfinish(c);
		db_cur = NULL;
		die(EX_TEMPFAIL, "base de données injoignable (%s) : %s ; "
		    "rien n'a été fait, réessayez plus tard",
		    libpq_configured() ? "paramètres libpq" : reg_home(), msg);
	}
	PQsetClientEncoding(c, "UTF8");
	/* A killed client's backend must notice soon and roll back. */
	db_exec(c, "SET datestyle = 'ISO, YMD'; SET intervalstyle = 'iso_8601'; "
	    "SET client_min_messages = warning; "
	    "SET client_connection_check_interval = '1s'");
	if (check_version)
		mig_check(c);
	return c;
}

/* A lost connection is temporary (75); any other failure is internal. */
_Noreturn void
db_fail(PGconn *c, PGresult *r, const char *what)
{
	static char *s;
	char *nl;

	s = xstrdup(r ? PQresultErrorMessage(r) : PQerrorMessage(c));
	PQclear(r);
	if ((nl = strchr(s, '\n')) != NULL)
		*nl = '\0';
	if (PQstatus(c) != CONNECTION_OK)
		die(EX_TEMPFAIL, "connexion à la base perdue (%s) : %s ; la "
		    "transaction est annulée, rien n'a été enregistré", what, s);
	die(EX_SOFTWARE, "%s : %s", what, s);
}

void
db_exec(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		db_fail(c, r, "requête");
	PQclear(r);
}

PGresult *
db_query(PGconn *c, const char *sql, int nparams, const char *const *params)
{
	PGresult *r = PQexecParams(c, sql, nparams, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		db_fail(c, r, "requête");
	return r;
}

/* Runs COPY ... TO STDOUT, handing each block of data to sink. */
void
db_copy_out(PGconn *c, const char *sql,
    void (*sink)(void *, const char *, size_t), void *arg)
{
	PGresult *r = PQexec(c, sql);
	char *p;
	int n;

	if (PQresultStatus(r) != PGRES_COPY_OUT)
		db_fail(c, r, "COPY");
	PQclear(r);
	while ((n = PQgetCopyData(c, &p, 0)) > 0) {
		sink(arg, p, (size_t)n);
		PQfreemem(p);
	}
	if (n == -2)
		db_fail(c, NULL, "COPY");
	db_copy_done(c, "COPY");
}

void
db_copy_in(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);

	if (PQresultStatus(r) != PGRES_COPY_IN)
		db_fail(c, r, "COPY");
	PQclear(r);
}

void
db_copy_put(PGconn *c, const char *p, size_t n)
{
	if (n > 0 && PQputCopyData(c, p, (int)n) != 1)
		db_fail(c, NULL, "COPY");
}

/* Ends a COPY; the first failure is reported with what. */
void
db_copy_done(PGconn *c, const char *what)
{
	PGresult *r;

	while ((r = PQgetResult(c)) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			db_fail(c, r, what);
		PQclear(r);
	}
}

/* Streams a file into COPY ... FROM STDIN. */
void
db_copy_file(PGconn *c, const char *sql, FILE *f, const char *what)
{
	char blk[65536];
	size_t n;

	db_copy_in(c, sql);
	while ((n = fread(blk, 1, sizeof blk, f)) > 0)
		db_copy_put(c, blk, n);
	if (ferror(f))
		die(EX_IOERR, "%s : lecture impossible", what);
	if (PQputCopyEnd(c, NULL) != 1)
		db_fail(c, NULL, "COPY");
	db_copy_done(c, what);
}

char *
db_ident(PGconn *c, const char *s)
{
	char *q = PQescapeIdentifier(c, s, strlen(s)), *r;

	if (q == NULL)
		db_fail(c, NULL, "identifiant");
	r = xstrdup(q);
	PQfreemem(q);
	return r;
}

void
db_finish(PGconn *c)
{
	if (c == db_cur)
		db_cur = NULL;
	PQfinish(c);
}

void
sha256_hex(const unsigned char *md, char hex[65])
{
	static const char x[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 32; i++) {
		hex[2 * i] = x[md[i] >> 4];
		hex[2 * i + 1] = x[md[i] & 15];
	}
	hex[64] = '\0';
}

static const struct {
	const char *name;
	int (*fn)(int, char **);
} cmds[] = {
	{ "db", cmd_db },
	{ "migrate", cmd_migrate },
	{ "load", cmd_load },
	{ "reprendre", cmd_reprendre },
	{ "ingestions", cmd_ingestions },
	{ "param", cmd_param },
	{ "role", cmd_role },
	{ "sad", cmd_sad },
	{ "audit", cmd_audit },
	{ "export", cmd_export },
	{ "import", cmd_import },
	{ "cesu", cmd_cesu },
};

int
main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	size_t i;
	int ch, rc;

	err_setprog(argv[0]);
	opterr = 0;	/* our own messages, in French */
	while ((ch = getopt_long(argc, argv, "+h", lopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			opt_db = optarg;
			break;
		case 'h':
			usage(0);
		case 'V':
			printf("registre %s\n", CESUTG_VERSION);
			return 0;
		default:
			warnx_("option inconnue, ou sans sa valeur : « %s »",
			    argv[optind - 1]);
			usage(EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage(EX_USAGE);
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		if (strcmp(argv[0], cmds[i].name) == 0) {
			if (wants_help(argc, argv))
				reg_usage(argv[0], 0);
			optind = 0;
			rc = cmds[i].fn(argc, argv);
			if (fflush(stdout) != 0 || ferror(stdout))
				die(EX_IOERR, "écriture sur la sortie standard "
				    "impossible");
			return rc;
		}
	}
	warnx_("sous-commande inconnue « %s » (voir registre --help)", argv[0]);
	usage(EX_USAGE);
}
