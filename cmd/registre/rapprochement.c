/*
 * registre rapprochement calculer|list|confirmer|rejeter: the link of each
 * SAD client to a Département beneficiary (B3). The rules live in SQL
 * (migration rapprochement: rapprochement_calculer, rapprochement_decider);
 * this file binds arguments and streams CSV.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "registre.h"

static const char *const statuts[] = { "automatique", "a_confirmer",
    "non_rapproche", "confirme", "rejete", NULL };

/* Runs sql; the schema's refusals are a permission or data error. */
static PGresult *
rap_exec(PGconn *c, const char *sql, int n, const char *const *p)
{
	PGresult *r = PQexecParams(c, sql, n, NULL, p, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);
	const char *state, *msg;
	static char *m;
	int perm;

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return r;
	state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	if (state == NULL || msg == NULL || (strcmp(state, "42501") != 0 &&
	    strcmp(state, "22023") != 0))
		db_fail(c, r, "rapprochement");
	perm = strcmp(state, "42501") == 0;
	m = xstrdup(msg);
	PQclear(r);
	if (perm)
		die(EX_NOPERM, "droits insuffisants : le rapprochement est "
		    "réservé au chargeur et aux agents qui ont l'aide TG ; rien "
		    "n'est modifié");
	die(EX_DATAERR, "%s : rien n'est modifié", m);
}

static int
rap_calculer(void)
{
	PGconn *c;
	PGresult *r;
	int i;

	c = db_connect(DB_LOADER, 1);
	db_exec(c, "BEGIN");
	r = rap_exec(c, "SELECT cesutg.rapprochement_calculer()", 0, NULL);
	fprintf(stderr, "registre: rapprochement : %s ligne(s) écrite(s)",
	    PQgetvalue(r, 0, 0));
	PQclear(r);
	r = db_query(c, "SELECT s, count(r.statut) FROM unnest($1::text[]) "
	    "WITH ORDINALITY u (s, o) LEFT JOIN cesutg.rapprochement r ON "
	    "r.statut = u.s GROUP BY s, o ORDER BY o", 1,
	    (const char *[]){ "{automatique,a_confirmer,non_rapproche,"
	    "confirme,rejete}" });
	for (i = 0; i < PQntuples(r); i++)
		fprintf(stderr, "%s %s %s", i ? "," : " ;", PQgetvalue(r, i, 0),
		    PQgetvalue(r, i, 1));
	fputc('\n', stderr);
	PQclear(r);
	db_exec(c, "COMMIT");
	db_finish(c);
	return 0;
}

static int
rap_list(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "statut", required_argument, NULL, 's' },
		{ "sad", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	const char *p[2] = { NULL, NULL };
	PGconn *c;
	PGresult *r;
	int ch, i;

	while ((ch = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			for (i = 0; statuts[i] != NULL; i++)
				if (strcmp(statuts[i], optarg) == 0)
					break;
			if (statuts[i] == NULL)
				die(EX_USAGE, "statut inconnu « %s » : automatique, "
				    "a_confirmer, non_rapproche, confirme ou rejete",
				    optarg);
			p[0] = optarg;
			break;
		case 'S':
			p[1] = optarg;
			break;
		default:
			reg_badopt("rapprochement", argv[optind - 1]);
		}
	}
	if (optind != argc)
		reg_usage("rapprochement", EX_USAGE);
	c = db_connect(DB_ADMIN, 1);
	/* COPY takes no parameters: the filters pass as transaction settings. */
	db_exec(c, "BEGIN");
	r = db_query(c, "SELECT set_config('cesutg.rap_statut', "
	    "coalesce($1, ''), true), set_config('cesutg.rap_sad', "
	    "coalesce($2, ''), true)", 2, p);
	PQclear(r);
	print_csv(c, "COPY (SELECT r.code_sad, r.identifiant_client, c.nom, "
	    "c.prenoms, c.date_naissance, r.statut, "
	    "r.identifiant_beneficiaire_salsa, b.nom AS nom_beneficiaire, "
	    "b.prenom AS prenom_beneficiaire, b.nom_naissance AS "
	    "nom_naissance_beneficiaire, b.date_naissance AS "
	    "date_naissance_beneficiaire, r.methode, r.similarite, "
	    "NULLIF(array_to_string(r.candidats, ' '), '') AS candidats, "
	    "r.motif, "
	    "r.modifie_par, to_char(r.modifie_le AT TIME ZONE 'UTC', "
	    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS modifie_le "
	    "FROM cesutg.rapprochement r "
	    "LEFT JOIN cesutg.client c ON c.id = r.client "
	    "LEFT JOIN cesutg.beneficiaire b ON b.identifiant_salsa = "
	    "r.identifiant_beneficiaire_salsa "
	    "WHERE (current_setting('cesutg.rap_statut') = '' OR r.statut = "
	    "current_setting('cesutg.rap_statut')) AND "
	    "(current_setting('cesutg.rap_sad') = '' OR r.code_sad = "
	    "current_setting('cesutg.rap_sad') OR r.code_sad IN (SELECT g.code "
	    "FROM cesutg.sad_tg g WHERE g.sad = current_setting('cesutg.rap_sad'))) "
	    "ORDER BY r.code_sad, r.identifiant_client) TO STDOUT WITH "
	    "(FORMAT csv, HEADER)");
	db_exec(c, "COMMIT");
	db_finish(c);
	return 0;
}

static int
rap_decider(const char *sad, const char *client, const char *benef,
    const char *decision)
{
	const char *p[4] = { sad, client, benef, decision };
	PGconn *c;

	c = db_connect(DB_ADMIN, 1);
	db_exec(c, "BEGIN");
	PQclear(rap_exec(c, "SELECT cesutg.rapprochement_decider($1, $2, $3, "
	    "$4)", 4, p));
	db_exec(c, "COMMIT");
	db_finish(c);
	return 0;
}

int
cmd_rapprochement(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "calculer") == 0)
		return rap_calculer();
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return rap_list(argc - 1, argv + 1);
	if (argc == 5 && strcmp(argv[1], "confirmer") == 0)
		return rap_decider(argv[2], argv[3], argv[4], "confirme");
	if (argc == 4 && strcmp(argv[1], "rejeter") == 0)
		return rap_decider(argv[2], argv[3], NULL, "rejete");
	reg_usage("rapprochement", EX_USAGE);
}
