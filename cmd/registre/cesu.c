/*
 * registre cesu consommes|declarations|charges MOIS: the monthly CESU files
 * out of the ledger, as canonical CSV for flux5, flux81, flux82 and flux6
 * emit. The rules are SQL functions of migration 7 (cesutg-cesu(7)); this
 * file binds the month and options, streams the rows and tells what could
 * not be written.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "err.h"
#include "registre.h"

struct cesu_opts {
	const char	*mois, *date, *numero, *prestation, *report;
	int		 flux;	/* consommes: 5 or 81 */
};

static int
digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static void
opts_parse(struct cesu_opts *o, const char *sub, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "flux", required_argument, NULL, 'f' },
		{ "date", required_argument, NULL, 'd' },
		{ "numero", required_argument, NULL, 'n' },
		{ "prestation", required_argument, NULL, 'p' },
		{ "report", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	int64_t jours;
	int ch, consommes = strcmp(sub, "consommes") == 0,
	    charges = strcmp(sub, "charges") == 0;

	o->flux = 5;
	while ((ch = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		if (ch == '?' || (ch == 'f' && !consommes) ||
		    ((ch == 'p' || ch == 'r') && !charges) ||
		    ((ch == 'd' || ch == 'n') && charges))
			reg_badopt("cesu", argv[optind - 1]);
		switch (ch) {
		case 'f':
			if (strcmp(optarg, "5") != 0 && strcmp(optarg, "81") != 0)
				die(EX_USAGE, "--flux : 5 ou 81 attendu, pas "
				    "« %s »", optarg);
			o->flux = atoi(optarg);
			break;
		case 'd':
			if (!date_ok(optarg, strlen(optarg), &jours))
				die(EX_USAGE, "--date : date invalide « %s », "
				    "attendu AAAA-MM-JJ", optarg);
			o->date = optarg;
			break;
		case 'n':
			if (strlen(optarg) < 1 || strlen(optarg) > 5 ||
			    !digits(optarg, strlen(optarg)) || atoi(optarg) == 0)
				die(EX_USAGE, "--numero : numéro d'ordre de 1 à "
				    "99999 attendu, pas « %s »", optarg);
			o->numero = optarg;
			break;
		case 'p':
			if (strlen(optarg) != 1 || strchr("123", *optarg) == NULL)
				die(EX_USAGE, "--prestation : 1 (APA), 2 (PCH) ou "
				    "3 (PCH enfant) attendu, pas « %s »", optarg);
			o->prestation = optarg;
			break;
		case 'r':
			o->report = optarg;
			break;
		}
	}
	if (optind != argc - 1)
		reg_usage("cesu", EX_USAGE);
	o->mois = argv[optind];
	if (!mois_ok(o->mois))
		die(EX_USAGE, "mois invalide « %s », attendu AAAA-MM", o->mois);
	if (consommes && o->flux == 5 && (o->date != NULL || o->numero != NULL))
		die(EX_USAGE, "--date et --numero ne valent que pour le Flux 8.1 "
		    "(--flux 81) : le Flux 5 n'a ni date de création ni numéro");
}

/*
 * The month and options reach the SQL through settings of the transaction
 * (COPY takes no bind parameters): cesutg.mois, cesutg.date,
 * cesutg.numero, cesutg.prestation, empty when not given.
 */
static PGconn *
cesu_begin(const struct cesu_opts *o)
{
	const char *p[4];
	PGconn *c;

	c = db_connect(DB_LOADER, 1);
	/* JIT compiling these month-sized joins costs more than running them;
	 * their hashes and sorts stay in memory rather than spill. */
	db_exec(c, "BEGIN; SET LOCAL jit = off; SET LOCAL work_mem = '64MB'");
	p[0] = o->mois;
	p[1] = o->date != NULL ? o->date : "";
	p[2] = o->numero != NULL ? o->numero : "";
	p[3] = o->prestation != NULL ? o->prestation : "";
	PQclear(db_query(c, "SELECT set_config('cesutg.mois', $1, true), "
	    "set_config('cesutg.date', $2, true), "
	    "set_config('cesutg.numero', $3, true), "
	    "set_config('cesutg.prestation', $4, true)", 4, p));
	return c;
}

#define MOIS	"current_setting('cesutg.mois')"
#define PREST	"NULLIF(current_setting('cesutg.prestation'), '')"

/* The sequence number of the month's Flux 8.1 or 8.2, checked. */
static void
envoi(PGconn *c, const char *flux, const char *mois)
{
	const char *p[1] = { flux };
	PGresult *r;

	r = db_query(c, "SELECT numero, avertissement FROM cesutg.cesu_envoi("
	    "$1, " MOIS ", coalesce(NULLIF(current_setting('cesutg.date'), "
	    "'')::date, current_date), NULLIF(current_setting('cesutg.numero'), "
	    "'')::bigint)", 1, p);
	if (!PQgetisnull(r, 0, 1))
		warnx_("Flux %s de %s : %s", strcmp(flux, "81") == 0 ? "8.1" :
		    "8.2", mois, PQgetvalue(r, 0, 1));
	PQclear(r);
}

/* Prints the first rows of a problem query; returns how many there are. */
static long
problemes(PGconn *c, const char *sql, const char *quoi)
{
	PGresult *r = db_query(c, sql, 0, NULL);
	long n = PQntuples(r), i;

	for (i = 0; i < n && i < 20; i++)
		warnx_("%s : %s", quoi, PQgetvalue(r, i, 0));
	if (n > 20)
		warnx_("%s : %ld autres", quoi, n - 20);
	PQclear(r);
	return n;
}

/* Writes the file, commits; 65 when left rows were told. */
static int
ecrire(PGconn *c, const char *copy, long laisses)
{
	print_csv(c, copy);
	db_exec(c, "COMMIT");
	db_finish(c);
	return laisses > 0 ? EX_DATAERR : 0;
}

static int
consommes(const struct cesu_opts *o)
{
	PGconn *c = cesu_begin(o);
	long n;

	if (o->flux == 5) {
		n = problemes(c, "SELECT 'titre ' || numero_titre || ' remboursé "
		    "le ' || date_remboursement || ' (commande « ' || "
		    "reference_commande || ' ») : aucune commande connue pour "
		    "ce bénéficiaire, pas de code client' FROM "
		    "cesutg.cesu_sans_client(" MOIS ")", "absent du Flux 5");
		return ecrire(c, "COPY (SELECT * FROM cesutg.cesu_flux5(" MOIS
		    ")) TO STDOUT WITH (FORMAT csv, HEADER)", n);
	}
	envoi(c, "81", o->mois);
	/* Flux 8.1 needs no code client: nothing is left out. */
	return ecrire(c, "COPY (SELECT * FROM cesutg.cesu_flux81(" MOIS
	    ", (SELECT date_creation FROM cesutg.envoi_cesu WHERE flux = '81' "
	    "AND mois = " MOIS "), (SELECT numero_ordre FROM cesutg.envoi_cesu "
	    "WHERE flux = '81' AND mois = " MOIS "))) TO STDOUT WITH "
	    "(FORMAT csv, HEADER)", 0);
}

static int
declarations(const struct cesu_opts *o)
{
	PGconn *c = cesu_begin(o);
	long n;

	envoi(c, "82", o->mois);
	db_exec(c, "SELECT cesutg.cesu_declarer(" MOIS ")");
	n = problemes(c, "SELECT 'bénéficiaire ' || identifiant_beneficiaire "
	    "|| ', index prestation « ' || index_prestation || ' » : ' || "
	    "probleme FROM cesutg.declaration_cesu WHERE mois = " MOIS
	    " AND probleme IS NOT NULL ORDER BY identifiant_beneficiaire, "
	    "index_prestation", "ligne de commande absente du Flux 8.2");
	return ecrire(c, "COPY (SELECT * FROM cesutg.cesu_flux82(" MOIS ")) TO "
	    "STDOUT WITH (FORMAT csv, HEADER)", n);
}

static int
charges(const struct cesu_opts *o)
{
	PGconn *c = cesu_begin(o);
	struct afile a;
	PGresult *r;
	long n, seq;

	r = db_query(c, "SELECT count(*), count(*) FILTER (WHERE numero_ordre "
	    "IS NOT NULL) FROM cesutg.cesu_ecarts(" MOIS ", " PREST ")", 0,
	    NULL);
	n = atol(PQgetvalue(r, 0, 0));
	seq = atol(PQgetvalue(r, 0, 1));
	PQclear(r);
	if (o->report != NULL) {
		afile_open(&a, o->report, AFILE_PRIVATE);
		db_copy_out(c, "COPY (SELECT * FROM cesutg.cesu_ecarts(" MOIS
		    ", " PREST ")) TO STDOUT WITH (FORMAT csv, HEADER)",
		    to_afile, &a);
		afile_commit(&a);
	} else
		problemes(c, "SELECT concat_ws(' ', motif, 'bénéficiaire ' || "
		    "identifiant_beneficiaire, 'prestation ' || "
		    "index_prestation, 'période ' || periode_emploi, "
		    "'facturé ' || montant_facture, 'plafond ' || "
		    "plafond_declare, 'excédent ' || excedent, 'heures ' || "
		    "heures_facturees, 'déclarées ' || heures_declarees, "
		    "'numéro ' || numero_ordre) FROM cesutg.cesu_ecarts(" MOIS
		    ", " PREST ")", "écart");
	print_csv(c, "COPY (SELECT * FROM cesutg.cesu_flux6(" MOIS ", " PREST
	    ")) TO STDOUT WITH (FORMAT csv, HEADER)");
	db_exec(c, "COMMIT");
	db_finish(c);
	if (n > 0)
		warnx_("Flux 6 de %s : %ld écart(s) au Flux 8.2, %ld au numéro "
		    "d'ordre%s%s", o->mois, n - seq, seq, o->report != NULL ?
		    " ; voir " : "", o->report != NULL ? o->report : "");
	return 0;
}

int
cmd_cesu(int argc, char **argv)
{
	struct cesu_opts o = { 0 };
	const char *sub;

	if (argc < 2)
		reg_usage("cesu", EX_USAGE);
	sub = argv[1];
	if (strcmp(sub, "evenement") == 0 || strcmp(sub, "evenements") == 0 ||
	    strcmp(sub, "ecesu") == 0 || strcmp(sub, "compte-emploi") == 0 ||
	    strcmp(sub, "incoherences") == 0 ||
	    strcmp(sub, "sous-consommation") == 0)
		return cesu_suivi(argc, argv);
	if (strcmp(sub, "consommes") != 0 && strcmp(sub, "declarations") != 0 &&
	    strcmp(sub, "charges") != 0) {
		warnx_("sous-commande cesu inconnue « %s »", sub);
		reg_usage("cesu", EX_USAGE);
	}
	optind = 0;
	opts_parse(&o, sub, argc - 1, argv + 1);
	if (strcmp(sub, "consommes") == 0)
		return consommes(&o);
	if (strcmp(sub, "declarations") == 0)
		return declarations(&o);
	return charges(&o);
}
