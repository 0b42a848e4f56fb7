/*
 * The embedded default: a private cluster in $CESUTG_HOME/data, reached
 * only over a Unix socket in $CESUTG_HOME. initdb refuses root, so as root
 * the cluster is created and run by the unprivileged user postgres.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "registre.h"

#define PGBIN_DEFAULT	"/usr/lib/postgresql/15/bin"

static const char *
pgbin(void)
{
	const char *b = getenv("CESUTG_PGBIN");

	return b != NULL && *b != '\0' ? b : PGBIN_DEFAULT;
}

/* runuser lives in /usr/sbin, which cron's PATH (/usr/bin:/bin) lacks:
 * looked for there first, then on PATH. */
static const char *
runuser(void)
{
	static const char *const lieux[] = { "/usr/sbin/runuser",
	    "/sbin/runuser" };
	size_t i;

	for (i = 0; i < sizeof lieux / sizeof lieux[0]; i++)
		if (access(lieux[i], X_OK) == 0)
			return lieux[i];
	return "runuser";
}

/* Runs a PostgreSQL program, as postgres when we are root; returns its status. */
static int
run(const char *prog, const char *const *args, int quiet)
{
	char path[4096];
	const char *argv[32];
	int n = 0, st;
	pid_t pid;

	snprintf(path, sizeof path, "%s/%s", pgbin(), prog);
	if (geteuid() == 0) {
		argv[n++] = runuser();
		argv[n++] = "-u";
		argv[n++] = "postgres";
		argv[n++] = "--";
	}
	argv[n++] = path;
	while (*args != NULL && n < 31)
		argv[n++] = *args++;
	argv[n] = NULL;
	fflush(stdout);
	if ((pid = fork()) == -1)
		die(EX_OSERR, "fork : %s", strerror(errno));
	if (pid == 0) {
		if (quiet && freopen("/dev/null", "w", stdout) == NULL)
			_exit(EX_OSERR);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "registre: %s : %s\n", argv[0], strerror(errno));
		_exit(EX_UNAVAILABLE);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			die(EX_OSERR, "waitpid : %s", strerror(errno));
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void
home_paths(struct buf *data, struct buf *opts, struct buf *log)
{
	const char *h = reg_home();
	const char *x = getenv("CESUTG_PGOPTIONS");

	buf_reset(data);
	buf_addf(data, "%s/data", h);
	buf_reset(opts);
	buf_addf(opts, "-k %s -c listen_addresses= -c unix_socket_permissions=0700",
	    h);
	if (x != NULL && *x != '\0')
		buf_addf(opts, " %s", x);
	buf_reset(log);
	buf_addf(log, "%s/postgresql.log", h);
}

static int
status(struct buf *data)
{
	const char *a[] = { "status", "-D", data->p, NULL };

	return run("pg_ctl", a, 1);
}

static void
start(struct buf *data, struct buf *opts, struct buf *log)
{
	const char *a[] = { "start", "-w", "-D", data->p, "-l", log->p, "-o",
	    opts->p, NULL };

	if (status(data) == 0)
		return;
	if (run("pg_ctl", a, 1) != 0)
		die(EX_TEMPFAIL, "le serveur PostgreSQL ne démarre pas : voir %s",
		    log->p);
}

static void
init(struct buf *data, struct buf *opts, struct buf *log)
{
	const char *h = reg_home();
	const char *a[] = { "-D", data->p, "-U", "postgres", "-A", "trust",
	    "-E", "UTF8", "--locale=C", NULL };
	struct passwd *pw;
	struct stat st;

	if (mkdir(h, 0700) == -1 && errno != EEXIST)
		die(EX_CANTCREAT, "%s : %s", h, strerror(errno));
	if (geteuid() == 0) {
		if ((pw = getpwnam("postgres")) == NULL)
			die(EX_NOUSER, "utilisateur postgres introuvable");
		if (chown(h, pw->pw_uid, pw->pw_gid) == -1)
			die(EX_OSERR, "%s : %s", h, strerror(errno));
	}
	if (stat(data->p, &st) == 0) {
		fprintf(stderr, "registre: %s existe déjà\n", data->p);
	} else if (run("initdb", a, 1) != 0)
		die(EX_SOFTWARE, "initdb a échoué pour %s", data->p);
	start(data, opts, log);
}

static void
createdb(void)
{
	const char *h = reg_home();
	const char *keys[] = { "host", "dbname", "user", NULL };
	const char *vals[] = { h, "postgres", "postgres", NULL };
	PGconn *c = PQconnectdbParams(keys, vals, 0);
	PGresult *r;

	if (PQstatus(c) != CONNECTION_OK)
		db_fail(c, NULL, "connexion");
	r = db_query(c, "SELECT 1 FROM pg_database WHERE datname = 'cesutg'",
	    0, NULL);
	if (PQntuples(r) == 0)
		db_exec(c, "CREATE DATABASE cesutg");
	PQclear(r);
	PQfinish(c);
}

int
cmd_db(int argc, char **argv)
{
	struct buf data = { 0 }, opts = { 0 }, log = { 0 };
	const char *stop[] = { "stop", "-w", "-m", "fast", "-D", NULL, NULL };
	char *mig[] = { "migrate", NULL };
	int rc = 0;

	if (argc != 2)
		die(EX_USAGE, "usage : registre db init|start|stop|status");
	home_paths(&data, &opts, &log);
	if (strcmp(argv[1], "init") == 0) {
		init(&data, &opts, &log);
		createdb();
		rc = cmd_migrate(1, mig);
	} else if (strcmp(argv[1], "start") == 0) {
		start(&data, &opts, &log);
	} else if (strcmp(argv[1], "stop") == 0) {
		stop[5] = data.p;
		if (status(&data) == 0 && run("pg_ctl", stop, 1) != 0)
			die(EX_SOFTWARE, "arrêt du serveur impossible");
	} else if (strcmp(argv[1], "status") == 0) {
		if (status(&data) == 0) {
			printf("démarré : %s (socket dans %s)\n", data.p,
			    reg_home());
		} else {
			printf("arrêté : %s\n", data.p);
			rc = EX_TEMPFAIL;
		}
	} else
		die(EX_USAGE, "usage : registre db init|start|stop|status");
	buf_free(&data);
	buf_free(&opts);
	buf_free(&log);
	return rc;
}
