/*
 * registre cesu evenement|evenements|ecesu|compte-emploi|incoherences: the
 * follow-up of CESU titles (events, e-CESU accounts, compte d'emploi, F12).
 * The rules are SQL functions of the cesu_suivi migration
 * (cesutg-cesu(7)); this file binds arguments and streams the rows.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "registre.h"

struct suivi_opts {
	const char	*date, *motif, *remplacant, *source;
	const char	*de, *a, *au, *seuil;
	int		 consomme;
};

static void
date_arg(const char *opt, const char *s)
{
	int64_t jours;

	if (!date_ok(s, strlen(s), &jours))
		die(EX_USAGE, "%s : date invalide « %s », attendu AAAA-MM-JJ",
		    opt, s);
}

static void
mois_arg(const char *opt, const char *s)
{
	if (!mois_ok(s))
		die(EX_USAGE, "%s : mois invalide « %s », attendu AAAA-MM",
		    opt, s);
}

/* Options of every follow-up subcommand; each takes only its own. */
static int
suivi_parse(struct suivi_opts *o, const char *sub, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "date", required_argument, NULL, 'd' },
		{ "motif", required_argument, NULL, 'm' },
		{ "remplacant", required_argument, NULL, 'r' },
		{ "source", required_argument, NULL, 's' },
		{ "de", required_argument, NULL, 'D' },
		{ "a", required_argument, NULL, 'A' },
		{ "au", required_argument, NULL, 'u' },
		{ "consomme", no_argument, NULL, 'c' },
		{ "seuil", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	static const struct { const char *sub, *opts; } permis[] = {
		{ "evenement", "dmr" }, { "evenements", "s" }, { "ecesu", "u" },
		{ "compte-emploi", "DAuc" }, { "incoherences", "" },
		{ "sous-consommation", "S" },
	};
	const char *ok = "";
	size_t i;
	int ch;

	for (i = 0; i < sizeof permis / sizeof permis[0]; i++)
		if (strcmp(permis[i].sub, sub) == 0)
			ok = permis[i].opts;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		if (ch == '?' || strchr(ok, ch) == NULL)
			reg_badopt("cesu", argv[optind - 1]);
		switch (ch) {
		case 'd':
			date_arg("--date", optarg);
			o->date = optarg;
			break;
		case 'u':
			date_arg("--au", optarg);
			o->au = optarg;
			break;
		case 'm':
			o->motif = optarg;
			break;
		case 'r':
			o->remplacant = optarg;
			break;
		case 's':
			o->source = optarg;
			break;
		case 'D':
			mois_arg("--de", optarg);
			o->de = optarg;
			break;
		case 'A':
			mois_arg("--a", optarg);
			o->a = optarg;
			break;
		case 'c':
			o->consomme = 1;
			break;
		case 'S':
			if (strspn(optarg, "0123456789") != strlen(optarg) ||
			    strlen(optarg) < 1 || strlen(optarg) > 3 ||
			    atoi(optarg) > 100)
				die(EX_USAGE, "--seuil : pourcentage entier de 0 "
				    "à 100 attendu, pas « %s »", optarg);
			o->seuil = optarg;
			break;
		}
	}
	if (o->de != NULL && o->a != NULL && strcmp(o->de, o->a) > 0)
		die(EX_USAGE, "--de %s après --a %s", o->de, o->a);
	return optind;
}

/* One event per title named: refused ones told, the others recorded. */
static int
evenement(const struct suivi_opts *o, const char *nature, char **titres,
    int n)
{
	const char *p[7];
	PGconn *c = db_connect(DB_LOADER, 1);
	PGresult *r;
	long refus = 0;
	int i;

	db_exec(c, "BEGIN");
	r = db_query(c, "SELECT coalesce($1, current_date::text)", 1,
	    (const char *[]){ o->date });
	p[2] = xstrdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	p[1] = nature;
	p[3] = o->motif;
	p[4] = o->remplacant;
	p[5] = "registre cesu evenement";
	p[6] = NULL;
	for (i = 0; i < n; i++) {
		p[0] = titres[i];
		r = db_query(c, "SELECT cesutg.cesu_evenement($1, $2, $3, $4, $5, "
		    "$6, $7)", 7, p);
		if (!PQgetisnull(r, 0, 0)) {
			warnx_("événement %s refusé : %s", nature,
			    PQgetvalue(r, 0, 0));
			refus++;
		}
		PQclear(r);
	}
	db_exec(c, "COMMIT");
	db_finish(c);
	free((char *)p[2]);
	return refus > 0 ? EX_DATAERR : 0;
}

/* The events of a CSV on stdin (evenements-titres(5)). */
static int
evenements(const struct suivi_opts *o)
{
	const char *p[1] = { o->source != NULL ? o->source : "stdin" };
	PGconn *c = db_connect(DB_LOADER, 1);
	PGresult *r;
	long i, n;

	db_exec(c, "BEGIN; CREATE TEMP TABLE stg_evenement (ligne bigserial, "
	    "numero_titre text, nature text, date_evenement text, motif text, "
	    "titre_remplacant text) ON COMMIT DROP");
	db_copy_file(c, "COPY stg_evenement (numero_titre, nature, "
	    "date_evenement, motif, titre_remplacant) FROM STDIN WITH (FORMAT "
	    "csv, HEADER MATCH)", stdin, p[0]);
	r = db_query(c, "SELECT ligne, motif FROM cesutg.cesu_evenements($1)",
	    1, p);
	n = PQntuples(r);
	for (i = 0; i < n; i++)
		warnx_("%s:%s: %s", p[0], PQgetvalue(r, i, 0),
		    PQgetvalue(r, i, 1));
	PQclear(r);
	r = db_query(c, "SELECT count(*) FROM stg_evenement", 0, NULL);
	fprintf(stderr, "registre: %s : %s événement(s) lus, %ld refusé(s)\n",
	    p[0], PQgetvalue(r, 0, 0), n);
	PQclear(r);
	db_exec(c, "COMMIT");
	db_finish(c);
	return n > 0 ? EX_DATAERR : 0;
}

/* Streams a query's CSV, its parameters passed as transaction settings. */
static int
rapport(const struct suivi_opts *o, const char *mois, const char *copy)
{
	const char *p[5] = { o->de != NULL ? o->de : "",
	    o->a != NULL ? o->a : "", o->au != NULL ? o->au : "",
	    mois != NULL ? mois : "", o->seuil != NULL ? o->seuil : "" };
	PGconn *c = db_connect(DB_LOADER, 1);

	/* Month-sized hashes and sorts stay in memory rather than spill. */
	db_exec(c, "BEGIN READ ONLY; SET LOCAL jit = off; "
	    "SET LOCAL work_mem = '64MB'");
	PQclear(db_query(c, "SELECT set_config('cesutg.de', $1, true), "
	    "set_config('cesutg.a', $2, true), set_config('cesutg.au', "
	    "coalesce(NULLIF($3, ''), current_date::text), true), "
	    "set_config('cesutg.mois', $4, true), "
	    "set_config('cesutg.seuil', $5, true)", 5, p));
	print_csv(c, copy);
	db_exec(c, "COMMIT");
	db_finish(c);
	return 0;
}

#define SETTING(n)	"NULLIF(current_setting('cesutg." n "'), '')"

int
cesu_suivi(int argc, char **argv)
{
	struct suivi_opts o = { 0 };
	const char *sub = argv[1];
	int k = 1 + suivi_parse(&o, sub, argc - 1, argv + 1), rest = argc - k;

	if (strcmp(sub, "evenement") == 0) {
		if (rest < 2)
			reg_usage("cesu", EX_USAGE);
		return evenement(&o, argv[k], argv + k + 1, rest - 1);
	}
	if (strcmp(sub, "incoherences") == 0) {
		if (rest > 1)
			reg_usage("cesu", EX_USAGE);
		if (rest == 1)
			mois_arg("incoherences", argv[k]);
		return rapport(&o, rest == 1 ? argv[k] : NULL, "COPY (SELECT * "
		    "FROM cesutg.cesu_incoherences(" SETTING("mois") ")) TO "
		    "STDOUT WITH (FORMAT csv, HEADER)");
	}
	if (strcmp(sub, "sous-consommation") == 0) {
		if (rest != 1)
			reg_usage("cesu", EX_USAGE);
		mois_arg("sous-consommation", argv[k]);
		return rapport(&o, argv[k], "COPY (SELECT * FROM "
		    "cesutg.cesu_sous_consommation(" SETTING("mois") ", "
		    "coalesce(" SETTING("seuil") ", '50')::int)) TO STDOUT WITH "
		    "(FORMAT csv, HEADER)");
	}
	if (rest != 0)
		reg_usage("cesu", EX_USAGE);
	if (strcmp(sub, "evenements") == 0)
		return evenements(&o);
	if (strcmp(sub, "ecesu") == 0)
		return rapport(&o, NULL, "COPY (SELECT * FROM "
		    "cesutg.cesu_comptes_ecesu(" SETTING("au") "::date)) TO "
		    "STDOUT WITH (FORMAT csv, HEADER)");
	if (o.consomme)
		return rapport(&o, NULL, "COPY (SELECT * FROM "
		    "cesutg.cesu_suivi_consomme(" SETTING("de") ", "
		    SETTING("a") ")) TO STDOUT WITH (FORMAT csv, HEADER)");
	return rapport(&o, NULL, "COPY (SELECT * FROM "
	    "cesutg.cesu_compte_emploi(" SETTING("de") ", " SETTING("a") ", "
	    SETTING("au") "::date)) TO STDOUT WITH (FORMAT csv, HEADER)");
}
