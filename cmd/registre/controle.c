/*
 * registre controler, taux-correction, derogation, minutes: the visit
 * checks of a month (rules in SQL: controler() of the migration), the
 * correction rates kept month after month (F11), the Département's lifting
 * of a correction-rate exclusion (B10) and its authorised added minutes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "registre.h"

/* YYYY-MM, months 01 to 12. */
int
mois_ok(const char *s)
{
	return strlen(s) == 7 && strspn(s, "0123456789") == 4 && s[4] == '-' &&
	    strspn(s + 5, "0123456789") == 2 &&
	    ((s[5] == '0' && s[6] != '0') || (s[5] == '1' && s[6] <= '2'));
}

void
mois_check(const char *cmd, const char *s)
{
	if (!mois_ok(s)) {
		warnx_("mois invalide « %s » : AAAA-MM attendu", s);
		reg_usage(cmd, EX_USAGE);
	}
}

/* Refuses whoever is neither the cluster's superuser nor a TG agent. */
void
require_agent_tg(PGconn *c, const char *what)
{
	PGresult *r = db_query(c, "SELECT cesutg.agent_tg()", 0, NULL);
	int ok = strcmp(PQgetvalue(r, 0, 0), "t") == 0;

	PQclear(r);
	if (!ok)
		die(EX_NOPERM, "%s : réservé à un agent du Département habilité "
		    "à la télégestion (aide TG)", what);
}

static const char liste_sql[] =
    "COPY (SELECT c.code_sad, h.code_sad AS code_sad_tg, "
    "h.identifiant_intervention, h.identifiant_client, "
    "c.identifiant_beneficiaire_salsa, c.jour, CASE WHEN c.payable THEN "
    "'payable' ELSE 'non payable' END AS statut, (round(c.secondes / 36.0) "
    "/ 100)::numeric(12,2) AS heures, m.code, k.libelle, CASE k.bloquant WHEN true THEN 1 "
    "WHEN false THEN 0 END AS bloquant "
    "FROM cesutg.controle_visite c JOIN cesutg.horodatage h ON h.id = "
    "c.horodatage LEFT JOIN cesutg.controle_motif m ON m.horodatage = "
    "c.horodatage LEFT JOIN cesutg.motif_controle k ON k.code = m.code "
    "WHERE c.mois = %s ORDER BY c.code_sad, h.code_sad, "
    "h.identifiant_intervention, m.code) TO STDOUT WITH (FORMAT csv, HEADER)";

/* Runs a COPY whose one %s is the month (NULL: every month). */
void
print_month(PGconn *c, const char *fmt, const char *mois)
{
	char *lit = mois != NULL ? PQescapeLiteral(c, mois, strlen(mois)) : NULL;
	size_t n = strlen(fmt) + (lit != NULL ? strlen(lit) : 4);
	char *sql = xmalloc(n);

	/* COPY takes no bind parameter: the month is checked and quoted. */
	snprintf(sql, n, fmt, lit != NULL ? lit : "NULL");
	print_csv(c, sql);
	free(sql);
	if (lit != NULL)
		PQfreemem(lit);
}

/* The month before this one (which = 0) or this one (1), local time. */
char *
mois_courant(PGconn *c, int which)
{
	PGresult *r = db_query(c, which ? "SELECT to_char(now() AT TIME ZONE "
	    "cesutg.param_texte('fuseau_horaire'), 'YYYY-MM')" :
	    "SELECT to_char(date_trunc('month', now() AT TIME ZONE "
	    "cesutg.param_texte('fuseau_horaire')) - interval '1 month', "
	    "'YYYY-MM')", 0, NULL);
	char *m = xstrdup(PQgetvalue(r, 0, 0));

	PQclear(r);
	return m;
}

/* One month's checks; the summary goes where the CSV does not. Its SADs
 * in two parts of about as many visits, checked at once in two sessions
 * (two cores; *c2, opened at the first need), committed together; in one
 * session when a part refuses (CT001: a visit kept under a SAD of the
 * other part, whose session would wait for this one's commit). The parts
 * are made on *c2 while c refreshes half the statistics (*c2 the other
 * half after them), before the month's lock is taken (a SAD whose
 * results only a run committed since then wrote keeps them as that run
 * left them, until the next run). */
static void
controler(PGconn *c, PGconn **c2, const char *mois, FILE *bilan)
{
	const char *p0[2] = { mois, NULL }, *p1[2] = { mois, NULL };
	const char *const *const pp[2] = { p0, p1 };
	PGconn *cc[2];
	PGresult *r, *rr[2] = { NULL, NULL };
	long long n[2] = { 0, 0 };
	int i;

	if (*c2 == NULL) {
		*c2 = db_connect(DB_ADMIN, 1);
		db_cur = c;
	}
	db_envoyer(*c2, "SELECT cesutg.controler_parts($1, 2)", 1, p0);
	/* Committed first: the other session plans with them. Half on each
	 * connection, *c2's after the parts. */
	db_envoyer(c, "SELECT cesutg.controler_statistiques(1)", 0, NULL);
	r = db_resultat(*c2, NULL);
	db_envoyer(*c2, "SELECT cesutg.controler_statistiques(2)", 0, NULL);
	PQclear(db_resultat(c, NULL));
	PQclear(db_resultat(*c2, NULL));
	db_exec(c, "BEGIN");
	/* One run at a time: a month is replaced as a whole. */
	db_exec(c, "SELECT cesutg.verrouiller('prefacture')");
	if (PQntuples(r) == 2) {
		cc[0] = c;
		cc[1] = *c2;
		p0[1] = PQgetvalue(r, 0, 0);
		p1[1] = PQgetvalue(r, 1, 0);
		db_exec(*c2, "BEGIN");
		db_query_deux(cc, "SELECT * FROM cesutg.controler_partie($1, $2)",
		    2, pp, rr, "CT001");
		if (PQresultStatus(rr[0]) != PGRES_TUPLES_OK ||
		    PQresultStatus(rr[1]) != PGRES_TUPLES_OK) {
			PQclear(rr[0]);
			PQclear(rr[1]);
			db_exec(*c2, "ROLLBACK");
			db_exec(c, "ROLLBACK");
			db_exec(c, "BEGIN");
			db_exec(c, "SELECT cesutg.verrouiller('prefacture')");
			rr[0] = NULL;
		}
	}
	if (rr[0] == NULL) {
		rr[0] = db_query(c, "SELECT * FROM cesutg.controler_partie($1, "
		    "NULL)", 1, p0);
		rr[1] = NULL;
	}
	PQclear(r);
	for (i = 0; i < 2 && rr[i] != NULL; i++) {
		n[0] += strtoll(PQgetvalue(rr[i], 0, 0), NULL, 10);
		n[1] += strtoll(PQgetvalue(rr[i], 0, 1), NULL, 10);
		PQclear(rr[i]);
	}
	if (i == 2)
		db_exec(*c2, "COMMIT");
	fprintf(bilan, "registre: %s : %lld interventions contrôlées, %lld "
	    "payables\n", mois, n[0], n[1]);
	db_exec(c, "COMMIT");
}

/* registre controler [MOIS [--liste]]: without MOIS, last month and this
 * one (the daily pipeline: late visits of last month still arrive). */
int
cmd_controler(int argc, char **argv)
{
	static PGconn *c2;	/* reachable at exit, when die() leaves it open */
	PGconn *c;
	char *m;
	int i;

	if (argc > 3 || (argc == 3 && strcmp(argv[2], "--liste") != 0))
		reg_usage("controler", EX_USAGE);
	if (argc > 1)
		mois_check("controler", argv[1]);
	c = db_connect(DB_ADMIN, 1);
	require_agent_tg(c, "contrôle des interventions");
	if (argc > 1)
		controler(c, &c2, argv[1], argc == 3 ? stderr : stdout);
	else
		for (i = 0; i < 2; i++) {
			m = mois_courant(c, i);
			controler(c, &c2, m, stdout);
			free(m);
		}
	if (argc == 3)
		print_month(c, liste_sql, argv[1]);
	if (c2 != NULL)
		db_finish(c2);
	db_finish(c);
	return 0;
}

/* registre controles list MOIS: the last results, as the reader may see. */
int
cmd_controles(int argc, char **argv)
{
	PGconn *c;

	if (argc != 3 || strcmp(argv[1], "list") != 0)
		reg_usage("controles", EX_USAGE);
	mois_check("controles", argv[2]);
	c = db_connect(DB_ADMIN, 1);
	print_month(c, liste_sql, argv[2]);
	db_finish(c);
	return 0;
}

int
cmd_taux_correction(int argc, char **argv)
{
	PGconn *c;

	if (argc > 2)
		reg_usage("taux-correction", EX_USAGE);
	if (argc == 2)
		mois_check("taux-correction", argv[1]);
	c = db_connect(DB_ADMIN, 1);
	print_month(c, "COPY (SELECT code_sad, mois, code_correction, "
	    "corrigees, visites, taux, seuil, CASE WHEN exclusion THEN 1 ELSE 0 "
	    "END AS exclusion, (SELECT d.motif FROM cesutg.derogation_taux d "
	    "WHERE d.code_sad = t.code_sad AND d.mois = t.mois) AS derogation "
	    "FROM cesutg.taux_correction t WHERE mois = coalesce(%s, mois) "
	    "ORDER BY code_sad, mois, code_correction) TO STDOUT WITH "
	    "(FORMAT csv, HEADER)", argc == 2 ? argv[1] : NULL);
	db_finish(c);
	return 0;
}

/* registre derogation SAD MOIS --motif TEXTE */
int
cmd_derogation(int argc, char **argv)
{
	const char *p[3];
	PGconn *c;
	PGresult *r;

	if (argc != 5 || strcmp(argv[3], "--motif") != 0 || *argv[4] == '\0')
		reg_usage("derogation", EX_USAGE);
	mois_check("derogation", argv[2]);
	c = db_connect(DB_ADMIN, 1);
	require_agent_tg(c, "dérogation au taux de correction");
	p[0] = argv[1];
	p[1] = argv[2];
	p[2] = argv[4];
	db_exec(c, "BEGIN");
	r = db_query(c, "SELECT coalesce((SELECT sad FROM cesutg.sad_tg WHERE "
	    "code = $1), (SELECT code FROM cesutg.sad WHERE code = $1))", 1, p);
	if (PQgetisnull(r, 0, 0))
		die(EX_DATAERR, "SAD inconnu « %s » (voir registre sad list)",
		    argv[1]);
	p[0] = xstrdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	PQclear(db_query(c, "INSERT INTO cesutg.derogation_taux (code_sad, "
	    "mois, motif) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", 3, p));
	db_exec(c, "COMMIT");
	fprintf(stderr, "registre: dérogation au taux de correction de %s pour "
	    "%s ; relancez « registre controler %s »\n", p[0], argv[2], argv[2]);
	free((char *)p[0]);
	db_finish(c);
	return 0;
}

/* registre minutes autoriser BENEFICIAIRE DU [AU] --motif TEXTE | list */
int
cmd_minutes(int argc, char **argv)
{
	const char *p[4], *st;
	PGconn *c;
	PGresult *r;

	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		c = db_connect(DB_ADMIN, 1);
		print_csv(c, "COPY (SELECT identifiant_beneficiaire_salsa, "
		    "date_debut, date_fin, motif, par FROM "
		    "cesutg.autorisation_minutes ORDER BY 1, 2) TO STDOUT WITH "
		    "(FORMAT csv, HEADER)");
		db_finish(c);
		return 0;
	}
	if ((argc != 6 && argc != 7) || strcmp(argv[1], "autoriser") != 0 ||
	    strcmp(argv[argc - 2], "--motif") != 0 || *argv[argc - 1] == '\0')
		reg_usage("minutes", EX_USAGE);
	p[0] = argv[2];
	p[1] = argv[3];
	p[2] = argc == 7 ? argv[4] : NULL;
	p[3] = argv[argc - 1];
	c = db_connect(DB_ADMIN, 1);
	require_agent_tg(c, "autorisation de minutes ajoutées");
	r = PQexecParams(c, "INSERT INTO cesutg.autorisation_minutes "
	    "(identifiant_beneficiaire_salsa, date_debut, date_fin, motif) "
	    "VALUES ($1, $2::date, $3::date, $4)", 4, NULL, p, NULL, NULL, 0);
	st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	/* A bad date (class 22) or the same start twice (23): the user's. */
	if (PQresultStatus(r) != PGRES_COMMAND_OK && st != NULL &&
	    (strncmp(st, "22", 2) == 0 || strncmp(st, "23", 2) == 0)) {
		PQclear(r);
		die(EX_DATAERR, "autorisation refusée : dates AAAA-MM-JJ, la fin "
		    "pas avant le début, une seule autorisation par bénéficiaire "
		    "et date de début");
	}
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		db_fail(c, r, "minutes");
	PQclear(r);
	db_finish(c);
	return 0;
}
