/*
 * registre: the ledger. The only cesutg binary that talks to PostgreSQL.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "afile.h"
#include "buf.h"
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
    "                 add-analyst NOM | add-plateforme PLATEFORME NOM\n"
    "        registre [--db CONNINFO] sad add|set CODE [--nom NOM] [--tg CODES]\n"
    "                 [--courriel ADRESSES] [--plateforme NOM] [--adresse ADRESSE] |\n"
    "                 sad list\n"
    "        registre [--db CONNINFO] controler [MOIS [--liste]] | controles list MOIS\n"
    "        registre [--db CONNINFO] taux-correction [MOIS]\n"
    "        registre [--db CONNINFO] derogation SAD MOIS --motif TEXTE\n"
    "        registre [--db CONNINFO] minutes autoriser BENEFICIAIRE DU [AU] --motif TEXTE |\n"
    "                 minutes list\n"
    "        registre [--db CONNINFO] prefacture [calculer] [MOIS] | list MOIS\n"
    "        registre [--db CONNINFO] prefacture valider|devalider MOIS\n"
    "                 BENEFICIAIRE ... | --sad SAD\n"
    "        registre [--db CONNINFO] rapprochement calculer |\n"
    "                 list [--statut STATUT] [--sad CODE] |\n"
    "                 confirmer CODE_SAD CLIENT BENEFICIAIRE | rejeter CODE_SAD CLIENT\n"
    "        registre [--db CONNINFO] alertes [NATURE ...] [--mois MOIS] [--sad CODE] |\n"
    "                 alertes vue|traitee NUMERO ...\n"
    "        registre [--db CONNINFO] cesu consommes MOIS [--flux 5|81] |\n"
    "                 declarations MOIS | charges MOIS [--prestation 1|2|3] |\n"
    "                 evenement | evenements | ecesu | compte-emploi |\n"
    "                 incoherences | sous-consommation (registre cesu --help)\n"
    "        registre [--db CONNINFO] factures emettre [--date AAAA-MM-JJ] [-o FICHIER]\n"
    "                 [MOIS] | flux2 [-o FICHIER] NUMERO ... |\n"
    "                 list [--mois MOIS] [--sad CODE] [--etat ETAT] | extrait NUMERO\n"
    "        registre [--db CONNINFO] audit verify [--ancre FICHIER]\n"
    "        registre [--db CONNINFO] extrait beneficiaire ID | sad CODE "
    "[--mois MOIS]\n"
    "        registre [--db CONNINFO] tableau direction|sad|operationnel MOIS\n"
    "        registre [--db CONNINFO] export | import [--cle FICHIER] "
    "REPERTOIRE\n"
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
	    "                 add-analyst NOM | add-plateforme PLATEFORME NOM\n" },
	{ "sad", "usage : registre [--db CONNINFO] sad add CODE [--nom NOM] "
	    "[--tg CODES]\n"
	    "                 [--courriel ADRESSES] [--plateforme NOM] "
	    "[--adresse ADRESSE]\n"
	    "        registre [--db CONNINFO] sad set CODE [--nom NOM] "
	    "[--tg CODES]\n"
	    "                 [--courriel ADRESSES] [--plateforme NOM] "
	    "[--adresse ADRESSE]\n"
	    "        registre [--db CONNINFO] sad list\n" },
	{ "controler", "usage : registre [--db CONNINFO] controler "
	    "[MOIS [--liste]]\n" },
	{ "controles", "usage : registre [--db CONNINFO] controles list MOIS\n" },
	{ "taux-correction", "usage : registre [--db CONNINFO] taux-correction "
	    "[MOIS]\n" },
	{ "derogation", "usage : registre [--db CONNINFO] derogation SAD MOIS "
	    "--motif TEXTE\n" },
	{ "minutes", "usage : registre [--db CONNINFO] minutes autoriser "
	    "BENEFICIAIRE DU [AU] --motif TEXTE\n"
	    "        registre [--db CONNINFO] minutes list\n" },
	{ "prefacture", "usage : registre [--db CONNINFO] prefacture "
	    "[calculer] [MOIS] | list MOIS\n"
	    "        registre [--db CONNINFO] prefacture valider|devalider MOIS\n"
	    "                 BENEFICIAIRE ... | --sad SAD\n" },
	{ "rapprochement", "usage : registre [--db CONNINFO] rapprochement "
	    "calculer\n"
	    "        registre [--db CONNINFO] rapprochement list "
	    "[--statut STATUT] [--sad CODE]\n"
	    "        registre [--db CONNINFO] rapprochement confirmer CODE_SAD "
	    "CLIENT BENEFICIAIRE\n"
	    "        registre [--db CONNINFO] rapprochement rejeter CODE_SAD "
	    "CLIENT\n" },
	{ "alertes", "usage : registre [--db CONNINFO] alertes [NATURE ...] "
	    "[--mois MOIS] [--sad CODE]\n"
	    "        registre [--db CONNINFO] alertes vue|traitee NUMERO ...\n"
	    "NATURE : F7 à F14, G1 (F13), G2 (F14), E2 ou I5 (téléphones), "
	    "J2 (fraude)\n" },
	{ "audit", "usage : registre [--db CONNINFO] audit verify "
	    "[--ancre FICHIER]\n" },
	{ "export", "usage : registre [--db CONNINFO] export [--cle FICHIER] "
	    "REPERTOIRE\n" },
	{ "extrait", "usage : registre [--db CONNINFO] extrait beneficiaire ID | "
	    "sad CODE [--mois MOIS]\n" },
	{ "tableau", "usage : registre [--db CONNINFO] tableau "
	    "direction|sad|operationnel MOIS\n" },
	{ "import", "usage : registre [--db CONNINFO] import [--cle FICHIER] "
	    "REPERTOIRE\n" },
	{ "cesu", "usage : registre [--db CONNINFO] cesu consommes MOIS [--flux 5|81]\n"
	    "                 [--date AAAA-MM-JJ] [--numero N]\n"
	    "        registre [--db CONNINFO] cesu declarations MOIS "
	    "[--date AAAA-MM-JJ] [--numero N]\n"
	    "        registre [--db CONNINFO] cesu charges MOIS [--prestation 1|2|3]\n"
	    "                 [--report FICHIER]\n"
	    "        registre [--db CONNINFO] cesu evenement NATURE TITRE... "
	    "[--date AAAA-MM-JJ]\n"
	    "                 [--motif TEXTE] [--remplacant TITRE]\n"
	    "        registre [--db CONNINFO] cesu evenements [--source NOM] "
	    "< CSV\n"
	    "        registre [--db CONNINFO] cesu ecesu [--au AAAA-MM-JJ]\n"
	    "        registre [--db CONNINFO] cesu compte-emploi [--de MOIS] "
	    "[--a MOIS]\n"
	    "                 [--au AAAA-MM-JJ] [--consomme]\n"
	    "        registre [--db CONNINFO] cesu incoherences [MOIS]\n"
	    "        registre [--db CONNINFO] cesu sous-consommation MOIS "
	    "[--seuil POURCENT]\n" },
	{ "factures", "usage : registre [--db CONNINFO] factures emettre "
	    "[--date AAAA-MM-JJ] [-o FICHIER] [MOIS]\n"
	    "        registre [--db CONNINFO] factures flux2 [-o FICHIER] "
	    "NUMERO ...\n"
	    "        registre [--db CONNINFO] factures list [--mois MOIS] "
	    "[--sad CODE] [--etat ETAT]\n"
	    "        registre [--db CONNINFO] factures extrait NUMERO\n" },
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

/*
 * The length of the run of digits at p, where a Corsican department (2A,
 * 2B) in a NIR's place, its 6th and 7th characters, counts as digits.
 */
static size_t
digits(const unsigned char *p)
{
	size_t n;

	for (n = 0; (p[n] >= '0' && p[n] <= '9') || (n == 6 && p[5] == '2' &&
	    strchr("ABab", p[6]) != NULL && p[6] != '\0'); n++)
		;
	return n;
}

/*
 * Message text safe for a terminal and a log: control bytes (C0, DEL and
 * C1) written \xHH, and a run of 13 or 15 digits, the shape of a NIR
 * (Corsica's 2A and 2B included), masked but for its first digit and its
 * last two. Four results may be in use at once.
 */
const char *
msg_net(const char *s)
{
	static struct buf b[4];
	static unsigned k;
	struct buf *o = &b[k++ % 4];
	const unsigned char *p = (const unsigned char *)s;
	size_t i, n, j;

	buf_reset(o);
	buf_addc(o, '\0');
	o->len = 0;
	for (i = 0; p[i] != '\0'; i++) {
		if ((n = digits(p + i)) > 0) {
			for (j = 0; j < n; j++)
				buf_addc(o, (n != 13 && n != 15) || j == 0 ||
				    j >= n - 2 ? (char)p[i + j] : '*');
			i += n - 1;
		} else if (p[i] < 0x20 || p[i] == 0x7f)
			buf_addf(o, "\\x%02x", p[i]);
		else if (p[i] == 0xc2 && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
			buf_addf(o, "\\x%02x", p[++i]);
		else
			buf_addc(o, (char)p[i]);
	}
	return o->p;
}

/*
 * SQLSTATE classes to sysexits, in one place (registre(1), EXIT STATUS):
 * what a later run may get through is temporary, for cron to retry.
 */
static const struct {
	const char	*etat;	/* a SQLSTATE or its prefix */
	int		 code;
	const char	*quoi;
} etats[] = {
	{ "57014", EX_TEMPFAIL, "délai de la requête dépassé (statement_timeout)" },
	{ "55P03", EX_TEMPFAIL, "verrou non obtenu dans le délai (lock_timeout) : "
	    "un autre chargement ou une écriture tracée le tient" },
	{ "53", EX_TEMPFAIL, "ressources du serveur épuisées (disque, mémoire "
	    "ou connexions)" },
	{ "40", EX_TEMPFAIL, "conflit entre transactions concurrentes" },
	{ "57P", EX_TEMPFAIL, "serveur arrêté ou en redémarrage" },
	{ "08", EX_TEMPFAIL, "connexion interrompue" },
	{ "58", EX_IOERR, "erreur d'entrée-sortie du serveur" },
	{ "28", EX_NOPERM, "autorisation refusée" },
	{ "42501", EX_NOPERM, "droits insuffisants" },
	{ "3D", EX_CONFIG, "base inexistante" },
	{ "3F", EX_CONFIG, "schéma inexistant" },
	{ "F0", EX_CONFIG, "configuration du serveur" },
	{ "22", EX_DATAERR, "donnée refusée" },
	{ "23", EX_DATAERR, "contrainte non respectée" },
};

int
db_sysexit(const char *etat, const char **quoi)
{
	size_t i;

	for (i = 0; etat != NULL && i < sizeof etats / sizeof etats[0]; i++) {
		if (strncmp(etat, etats[i].etat, strlen(etats[i].etat)) == 0) {
			if (quoi != NULL)
				*quoi = etats[i].quoi;
			return etats[i].code;
		}
	}
	if (quoi != NULL)
		*quoi = NULL;
	return EX_SOFTWARE;
}

static int
has(const char *s, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strstr(s, *words) != NULL)
			return 1;
	return 0;
}

/*
 * A failed connection: libpq gives no SQLSTATE, only text (English, or the
 * server's language after FATAL). A server that answered FATAL refused
 * for good, unless it is starting, stopping or full; an unreachable one,
 * or a timeout, is temporary; a TLS failure is configuration.
 */
static int
connect_sysexit(const char *msg)
{
	static const char *const passe[] = { "starting up", "shutting down",
	    "recovery", "too many", "connection slots", "démarr", "arrêt",
	    "restaur", "trop de", "emplacements de connexion", NULL };
	static const char *const refus[] = { "authentication", "pg_hba",
	    "password", "permission denied", "not permitted", "authentifi",
	    "mot de passe", "refusé", "pas autorisé", NULL };
	static const char *const tls[] = { "certificat", "SSL was required",
	    "does not support SSL", "sslmode", NULL };

	if (strstr(msg, "FATAL") == NULL)
		return has(msg, tls) ? EX_CONFIG : EX_TEMPFAIL;
	if (has(msg, passe))
		return EX_TEMPFAIL;
	return has(msg, refus) ? EX_NOPERM : EX_CONFIG;
}

/*
 * A server that stops answering (a stopped backend) is waited for no longer
 * than its statement_timeout and GUET_MARGE seconds, each call to libpq:
 * the server itself gives up first when it can.
 */
#define GUET_MARGE	10
static unsigned guet_s;

static void
guet_fin(int sig)
{
	static const char m[] = "registre: le serveur ne répond plus (délai "
	    "statement_timeout dépassé sans réponse) : connexion abandonnée, "
	    "rien n'a été enregistré, réessayez plus tard\n";

	(void)sig;
	(void)!write(2, m, sizeof m - 1);
	_exit(EX_TEMPFAIL);
}

static void
guet(int on)
{
	if (guet_s > 0)
		alarm(on ? guet_s : 0);
}

/* r: statement_timeout in milliseconds (the session's settings, db_connect). */
static void
guet_regler(PGresult *r)
{
	struct sigaction sa;
	long long ms;

	ms = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	if (ms <= 0)
		return;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = guet_fin;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	guet_s = ms / 1000 + GUET_MARGE > 86400 * 7 ? 86400 * 7 :
	    (unsigned)(ms / 1000) + GUET_MARGE;
}

/*
 * Drives a started connection to its end, within its connect_timeout, as
 * PQconnectdbParams does: the connection started to see whether libpq
 * takes the options is the one used (a second one cost the server another
 * backend, paid for each of a month's ~180 files). 0 when the time ran out
 * (the whole connection, not each host of a list, is timed).
 */
static int
connect_finir(PGconn *c)
{
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;
	PQconninfoOption *o, *p;
	struct pollfd pf;
	long t = 0, reste;
	struct timespec fin, now;

	if ((o = PQconninfo(c)) != NULL) {
		for (p = o; p->keyword != NULL; p++)
			if (strcmp(p->keyword, "connect_timeout") == 0 &&
			    p->val != NULL)
				t = strtol(p->val, NULL, 10);
		PQconninfoFree(o);
	}
	if (t == 1)	/* libpq's floor */
		t = 2;
	clock_gettime(CLOCK_MONOTONIC, &fin);
	fin.tv_sec += t;
	while (st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
		pf.fd = PQsocket(c);
		pf.events = st == PGRES_POLLING_READING ? POLLIN : POLLOUT;
		reste = -1;
		if (t > 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			reste = (fin.tv_sec - now.tv_sec) * 1000 +
			    (fin.tv_nsec - now.tv_nsec) / 1000000;
			if (reste <= 0)
				return 0;
		}
		if (poll(&pf, 1, (int)reste) < 0 && errno != EINTR)
			return 1;	/* PQstatus says what is wrong */
		st = PQconnectPoll(c);
	}
	return 1;
}

#define CONNECT_TIMEOUT		"10"	/* seconds; PGCONNECT_TIMEOUT */
#define STATEMENT_TIMEOUT	"1h"	/* each unless PGOPTIONS says */
#define LOCK_TIMEOUT		"1min"

PGconn *
db_connect(enum db_who who, int check_version)
{
	const char *keys[8], *vals[8];
	static char *msg;	/* reachable at exit: die() follows */
	PGconn *c;
	PGresult *r;
	char *nl;
	int n = 0, code, attente;

	if (getenv("PGCONNECT_TIMEOUT") == NULL) {	/* --db may still say */
		keys[n] = "connect_timeout";
		vals[n++] = CONNECT_TIMEOUT;
	}
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
	/* In the startup packet, not a SET of its own after it. */
	keys[n] = "client_encoding";
	vals[n++] = "UTF8";
	keys[n] = NULL;
	vals[n] = NULL;
	/* Options libpq refuses (a bad PGSSLMODE) fail before any contact. */
	c = PQconnectStartParams(keys, vals, 1);
	code = c != NULL && PQstatus(c) == CONNECTION_BAD &&
	    strstr(PQerrorMessage(c), "connection to server") == NULL &&
	    strstr(PQerrorMessage(c), "could not") == NULL ? EX_CONFIG : 0;
	attente = code == 0 && c != NULL && PQstatus(c) != CONNECTION_BAD &&
	    !connect_finir(c);
	db_cur = c;
	if (c == NULL || PQstatus(c) != CONNECTION_OK) {
		msg = xstrdup(attente ? "timeout expired" : c ?
		    PQerrorMessage(c) : "mémoire épuisée");
		if ((nl = strchr(msg, '\n')) != NULL)
			*nl = '\0';
		PQfinish(c);
		db_cur = NULL;
		if (code == 0)
			code = connect_sysexit(msg);
		die(code, "base de données %s (%s) : %s ; %s",
		    code == EX_TEMPFAIL ? "injoignable" : "refusée",
		    libpq_configured() ? "paramètres libpq" : reg_home(),
		    msg_net(msg), code == EX_TEMPFAIL ? "rien n'a été fait, "
		    "réessayez plus tard" : "rien n'a été fait ; corrigez la "
		    "configuration ou les droits, réessayer n'y changera rien");
	}
	/*
	 * A killed client's backend must notice soon and roll back. Our
	 * timeouts, unless PGOPTIONS, the role or the database set one. One
	 * round trip: integrer pays each for each file of a month. The
	 * timeout read back without a second scan of pg_settings (which
	 * formats every setting of the server: 0.3 ms a connection).
	 */
	guet(1);
	r = PQexec(c, "SET datestyle = 'ISO, YMD'; SET intervalstyle = 'iso_8601'; "
	    "SET client_min_messages = warning; "
	    "SET client_connection_check_interval = '1s'; "
	    "SELECT set_config(name, CASE name WHEN 'lock_timeout' THEN '"
	    LOCK_TIMEOUT "' ELSE '" STATEMENT_TIMEOUT "' END, false) FROM "
	    "pg_settings WHERE name IN ('lock_timeout', 'statement_timeout') "
	    "AND source = 'default'; SELECT round(extract(epoch FROM "
	    "current_setting('statement_timeout')::interval) * 1000)");
	guet(0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		db_fail(c, r, "requête");
	guet_regler(r);
	if (check_version)
		mig_check(c);
	return c;
}

/*
 * A lost connection is temporary (75); otherwise the SQLSTATE's class says
 * (db_sysexit).
 */
_Noreturn void
db_fail(PGconn *c, PGresult *r, const char *what)
{
	static char *s;
	const char *etat = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *quoi;
	char *nl;
	int code = db_sysexit(etat, &quoi);

	s = xstrdup(r ? PQresultErrorMessage(r) : PQerrorMessage(c));
	PQclear(r);
	if ((nl = strchr(s, '\n')) != NULL)
		*nl = '\0';
	if (PQstatus(c) != CONNECTION_OK)
		die(EX_TEMPFAIL, "connexion à la base perdue (%s) : %s ; la "
		    "transaction est annulée, rien n'a été enregistré", what,
		    msg_net(s));
	if (quoi == NULL)
		die(code, "%s : %s", what, msg_net(s));
	die(code, "%s : %s : %s%s", what, quoi, msg_net(s),
	    code == EX_TEMPFAIL ? " ; la transaction est annulée, rien n'a été "
	    "enregistré, réessayez plus tard" : "");
}

void
db_exec(PGconn *c, const char *sql)
{
	PGresult *r;
	ExecStatusType st;

	guet(1);
	r = PQexec(c, sql);
	guet(0);
	st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		db_fail(c, r, "requête");
	PQclear(r);
}

/*
 * db_exec for a statement whose failure the caller handles: its result
 * (PQresultStatus), to be cleared by the caller.
 */
PGresult *
db_essai(PGconn *c, const char *sql)
{
	PGresult *r;

	guet(1);
	r = PQexec(c, sql);
	guet(0);
	return r;
}

PGresult *
db_query(PGconn *c, const char *sql, int nparams, const char *const *params)
{
	PGresult *r;
	ExecStatusType st;

	guet(1);
	r = PQexecParams(c, sql, nparams, NULL, params, NULL, NULL, 0);
	guet(0);
	st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		db_fail(c, r, "requête");
	return r;
}

/* Runs COPY ... TO STDOUT, handing each block of data to sink. */
void
to_afile(void *arg, const char *p, size_t n)
{
	out_write(&((struct afile *)arg)->o, p, n);
}

void
db_copy_out(PGconn *c, const char *sql,
    void (*sink)(void *, const char *, size_t), void *arg)
{
	PGresult *r;
	char *p;
	int n;

	guet(1);
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COPY_OUT)
		db_fail(c, r, "COPY");
	PQclear(r);
	while ((n = PQgetCopyData(c, &p, 0)) > 0) {
		guet(0);
		sink(arg, p, (size_t)n);
		PQfreemem(p);
		guet(1);
	}
	guet(0);
	if (n == -2)
		db_fail(c, NULL, "COPY");
	db_copy_done(c, "COPY");
}

void
db_copy_in(PGconn *c, const char *sql)
{
	PGresult *r;

	guet(1);
	r = PQexec(c, sql);
	guet(0);
	if (PQresultStatus(r) != PGRES_COPY_IN)
		db_fail(c, r, "COPY");
	PQclear(r);
}

void
db_copy_put(PGconn *c, const char *p, size_t n)
{
	guet(1);
	if (n > 0 && PQputCopyData(c, p, (int)n) != 1)
		db_fail(c, NULL, "COPY");
	guet(0);
}

/* Ends a COPY; the first failure is reported with what. */
void
db_copy_done(PGconn *c, const char *what)
{
	PGresult *r;

	guet(1);
	while ((r = PQgetResult(c)) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			db_fail(c, r, what);
		PQclear(r);
	}
	guet(0);
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

/* Sends a statement without waiting for its result (db_resultat). */
void
db_envoyer(PGconn *c, const char *sql, int nparams, const char *const *p)
{
	if (!PQsendQueryParams(c, sql, nparams, NULL, p, NULL, NULL, 0))
		db_fail(c, NULL, "requête");
}

/* The result of the statement sent on c; dies as db_query does when it
 * failed, unless with SQLSTATE tolere (not NULL): that result is returned. */
PGresult *
db_resultat(PGconn *c, const char *tolere)
{
	PGresult *r, *res = NULL;
	ExecStatusType st;
	const char *e;

	guet(1);
	while ((r = PQgetResult(c)) != NULL) {
		st = PQresultStatus(r);
		e = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK &&
		    (tolere == NULL || e == NULL || strcmp(e, tolere) != 0)) {
			guet(0);
			PQclear(res);
			db_fail(c, r, "requête");
		}
		PQclear(res);
		res = r;
	}
	guet(0);
	return res;
}

/* The same statement, with parameters p[0] and p[1], on two connections
 * at once (a core each); dies as db_query does when either fails (the
 * other's transaction is then rolled back when its client is gone),
 * unless with SQLSTATE tolere (not NULL): that result is returned. */
void
db_query_deux(PGconn *const c[2], const char *sql, int nparams,
    const char *const *const p[2], PGresult *res[2], const char *tolere)
{
	int i;

	for (i = 0; i < 2; i++)
		db_envoyer(c[i], sql, nparams, p[i]);
	for (i = 0; i < 2; i++)
		res[i] = db_resultat(c[i], tolere);
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
	{ "controler", cmd_controler },
	{ "controles", cmd_controles },
	{ "taux-correction", cmd_taux_correction },
	{ "derogation", cmd_derogation },
	{ "minutes", cmd_minutes },
	{ "prefacture", cmd_prefacture },
	{ "rapprochement", cmd_rapprochement },
	{ "audit", cmd_audit },
	{ "export", cmd_export },
	{ "import", cmd_import },
	{ "cesu", cmd_cesu },
	{ "extrait", cmd_extrait },
	{ "tableau", cmd_tableau },
	{ "alertes", cmd_alertes },
	{ "factures", cmd_factures },
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
