/*
 * registre extrait, registre tableau: a beneficiary's or a SAD's extract
 * (E1, F2, F4-F6, G3-G5) and the monthly dashboards (I1-I3, I5), as CSV
 * long tables (tableau(5)). The figures are computed in SQL by the
 * functions of the migration, with the caller's rights: row-level security
 * decides what each reader sees.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "registre.h"

/* The arguments reach COPY (which takes no bind parameter) through
 * settings of the transaction. */
static void
regler(PGconn *c, const char *nom, const char *val)
{
	const char *p[2] = { nom, val != NULL ? val : "" };

	PQclear(db_query(c, "SELECT set_config($1, $2, true)", 2, p));
}

static const char extrait_sql[] =
    "COPY (SELECT section, code_sad, identifiant_beneficiaire_salsa, nom, "
    "prenom, reference, date_debut, date_fin, mois, code, libelle, "
    "quantite::numeric(20,2) AS quantite, montant::numeric(20,2) AS montant, "
    "statut, detail FROM cesutg.extrait_%s(current_setting('cesutg.id'), "
    "nullif(current_setting('cesutg.mois'), ''))) TO STDOUT WITH "
    "(FORMAT csv, HEADER)";

/* registre extrait beneficiaire ID | sad CODE [--mois MOIS] */
int
cmd_extrait(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "mois", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	const char *mois = NULL, *p[1];
	char sql[sizeof extrait_sql + 16];
	PGconn *c;
	PGresult *r;
	int ch, ben;

	while ((ch = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		if (ch != 'm')
			reg_badopt("extrait", argv[optind - 1]);
		mois_check("extrait", optarg);
		mois = optarg;
	}
	argc -= optind;
	argv += optind;
	if (argc != 2 || *argv[1] == '\0' || (strcmp(argv[0], "beneficiaire") != 0
	    && strcmp(argv[0], "sad") != 0))
		reg_usage("extrait", EX_USAGE);
	ben = argv[0][0] == 'b';
	c = db_connect(DB_ADMIN, 1);
	db_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	p[0] = argv[1];
	/* What the reader may not see does not exist for them. */
	r = db_query(c, ben ? "SELECT 1 FROM cesutg.beneficiaire WHERE "
	    "identifiant_salsa = $1" : "SELECT 1 FROM cesutg.sad WHERE code = $1",
	    1, p);
	if (PQntuples(r) == 0)
		die(EX_DATAERR, "%s inconnu ou hors de vos droits « %s »",
		    ben ? "bénéficiaire" : "SAD", argv[1]);
	PQclear(r);
	/* Instants written in the Département's time zone, with offset. */
	db_exec(c, "SELECT set_config('TimeZone', "
	    "cesutg.tab_param('fuseau_horaire'), true)");
	regler(c, "cesutg.id", argv[1]);
	regler(c, "cesutg.mois", mois);
	snprintf(sql, sizeof sql, extrait_sql, ben ? "beneficiaire" : "sad");
	print_csv(c, sql);
	db_exec(c, "COMMIT");
	db_finish(c);
	return 0;
}

/* registre tableau direction|sad|operationnel MOIS */
int
cmd_tableau(int argc, char **argv)
{
	static const char sql[] =
	    "COPY (SELECT page, section, forme, serie, categorie, CASE unite "
	    "WHEN 'nombre' THEN round(valeur)::text ELSE round(valeur, 2)::"
	    "numeric(20,2)::text END AS valeur, unite FROM cesutg.tableau_%s("
	    "current_setting('cesutg.mois'))) TO STDOUT WITH (FORMAT csv, HEADER)";
	static const char *const sortes[] = { "direction", "sad",
	    "operationnel" };
	char q[sizeof sql + 16];
	PGconn *c;
	size_t i;

	if (argc != 3)
		reg_usage("tableau", EX_USAGE);
	for (i = 0; i < sizeof sortes / sizeof sortes[0]; i++)
		if (strcmp(argv[1], sortes[i]) == 0)
			break;
	if (i == sizeof sortes / sizeof sortes[0]) {
		warnx_("tableau inconnu « %s » : direction, sad ou operationnel "
		    "attendu", argv[1]);
		reg_usage("tableau", EX_USAGE);
	}
	mois_check("tableau", argv[2]);
	c = db_connect(DB_ADMIN, 1);
	db_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	regler(c, "cesutg.mois", argv[2]);
	snprintf(q, sizeof q, sql, sortes[i]);
	print_csv(c, q);
	db_exec(c, "COMMIT");
	db_finish(c);
	return 0;
}
