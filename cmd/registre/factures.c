/*
 * registre factures emettre|flux2|list|extrait: invoices out of the
 * validated pre-invoice (rules in SQL: facturer() and journal_factures() of
 * the migration, read in cesutg-facturation(7)). This file binds options,
 * streams the CSV and tells what was done. COPY takes no bind parameter:
 * values reach the SQL through settings of the transaction (cesutg.*).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "buf.h"
#include "err.h"
#include "registre.h"

struct fopts {
	const char	*date, *out, *mois, *sad, *etat;
};

static void
opts_parse(struct fopts *o, const char *sub, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "date", required_argument, NULL, 'd' },
		{ "mois", required_argument, NULL, 'm' },
		{ "sad", required_argument, NULL, 's' },
		{ "etat", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 }
	};
	char nom[16];
	int64_t jours;
	int li = -1, ch, list = strcmp(sub, "list") == 0,
	    emettre = strcmp(sub, "emettre") == 0;

	while ((ch = getopt_long(argc, argv, "o:", lopts, &li)) != -1) {
		if (ch != '?' && ((ch == 'd' && !emettre) ||
		    (ch == 'o' && (list || strcmp(sub, "extrait") == 0)) ||
		    (strchr("mse", ch) != NULL && !list))) {
			/* The option, not its value, is what is out of place. */
			snprintf(nom, sizeof nom, ch == 'o' ? "-o" : "--%s",
			    lopts[li].name);
			reg_badopt("factures", nom);
		}
		li = -1;
		if (ch == '?')
			reg_badopt("factures", argv[optind - 1]);
		switch (ch) {
		case 'd':
			if (!date_ok(optarg, strlen(optarg), &jours))
				die(EX_USAGE, "--date : date invalide « %s », "
				    "attendu AAAA-MM-JJ", optarg);
			o->date = optarg;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'm':
			mois_check("factures", optarg);
			o->mois = optarg;
			break;
		case 's':
			o->sad = optarg;
			break;
		case 'e':
			if (strcmp(optarg, "emise") != 0 &&
			    strcmp(optarg, "integree") != 0 &&
			    strcmp(optarg, "partielle") != 0 &&
			    strcmp(optarg, "rejetee") != 0)
				die(EX_USAGE, "--etat : emise, integree, partielle "
				    "ou rejetee attendu, pas « %s »", optarg);
			o->etat = optarg;
			break;
		}
	}
}

/* Invoice numbers, checked, joined by commas into cesutg.numeros. */
static void
numeros(PGconn *c, int argc, char **argv)
{
	struct buf b = { 0 };
	const char *p[1];
	PGresult *r;
	size_t n;
	int i, inconnus;

	if (argc < 1)
		reg_usage("factures", EX_USAGE);
	for (i = 0; i < argc; i++) {
		n = strlen(argv[i]);
		if (n < 1 || n > 15 || strspn(argv[i], "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789-") != n)
			die(EX_USAGE, "numéro de facture invalide « %s » (15 "
			    "lettres, chiffres ou tirets au plus)", argv[i]);
		if (i > 0)
			buf_addc(&b, ',');
		buf_adds(&b, argv[i]);
	}
	buf_addc(&b, '\0');
	p[0] = b.p;
	PQclear(db_query(c, "SELECT set_config('cesutg.numeros', $1, true)", 1,
	    p));
	buf_free(&b);
	r = db_query(c, "SELECT x FROM unnest(string_to_array(current_setting("
	    "'cesutg.numeros'), ',')) x WHERE x NOT IN (SELECT numero FROM "
	    "cesutg.facture) ORDER BY x", 0, NULL);
	inconnus = PQntuples(r);
	for (i = 0; i < inconnus; i++)
		warnx_("facture %s : inconnue, ou pas l'une des vôtres",
		    PQgetvalue(r, i, 0));
	PQclear(r);
	if (inconnus > 0)
		die(EX_DATAERR, "%d facture(s) introuvable(s) : rien n'est écrit",
		    inconnus);
}

/* The COPY to -o FICHIER (atomic, 0600) or stdout, then COMMIT. */
static void
ecrire(PGconn *c, const char *copy, const char *out)
{
	struct afile a;

	if (out == NULL) {
		print_csv(c, copy);
		db_exec(c, "COMMIT");
		return;
	}
	afile_open(&a, out, AFILE_PRIVATE);
	db_copy_out(c, copy, to_afile, &a);
	db_exec(c, "COMMIT");
	afile_commit(&a);
}

#define FLUX2_COPY "COPY (SELECT * FROM cesutg.factures_flux2(" \
	"string_to_array(current_setting('cesutg.numeros'), ','))) TO STDOUT " \
	"WITH (FORMAT csv, HEADER)"

static int
emettre(PGconn *c, const struct fopts *o)
{
	const char *p[2];
	PGresult *r;
	char *m = NULL;
	long long cents;
	long attente;

	require_agent_tg(c, "émission des factures");
	p[0] = o->mois != NULL ? o->mois : (m = mois_courant(c, 0));
	p[1] = o->date;
	db_exec(c, "BEGIN");
	db_exec(c, "SELECT cesutg.verrouiller('prefacture')");
	PQclear(db_query(c, "SELECT count(*) FROM cesutg.facturer($1, "
	    "coalesce($2::date, (now() AT TIME ZONE cesutg.param_texte("
	    "'fuseau_horaire'))::date))", 2, p));
	db_exec(c, "SELECT set_config('cesutg.numeros', "
	    "current_setting('cesutg.emises'), true)");
	r = db_query(c, "SELECT count(*), count(*) FILTER (WHERE nature = "
	    "'complementaire'), coalesce(sum(montant_cents), 0), "
	    "current_setting('cesutg.attente') FROM cesutg.facture WHERE "
	    "numero = ANY (string_to_array(current_setting('cesutg.numeros'), "
	    "','))", 0, NULL);
	cents = atoll(PQgetvalue(r, 0, 2));
	if (strcmp(PQgetvalue(r, 0, 0), "0") == 0)
		fprintf(stderr, "registre: %s : aucune facture à émettre (lignes "
		    "validées par le Département déjà facturées, ou aucune)\n",
		    p[0]);
	else
		fprintf(stderr, "registre: %s : %s facture(s) émise(s) dont %s "
		    "complémentaire(s), %lld.%02lld €\n", p[0],
		    PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), cents / 100,
		    cents % 100);
	attente = atol(PQgetvalue(r, 0, 3));
	PQclear(r);
	if (attente > 0)
		fprintf(stderr, "registre: %s : %ld ligne(s) validée(s) attendent "
		    "la facture complémentaire du mois suivant (celle de %s est "
		    "déjà émise)\n", p[0], attente, p[0]);
	ecrire(c, FLUX2_COPY, o->out);
	free(m);
	return 0;
}

static void
lister(PGconn *c, const struct fopts *o)
{
	const char *p[3] = { o->mois ? o->mois : "", o->sad ? o->sad : "",
	    o->etat ? o->etat : "" };

	db_exec(c, "BEGIN");
	PQclear(db_query(c, "SELECT set_config('cesutg.mois', $1, true), "
	    "set_config('cesutg.sad', $2, true), set_config('cesutg.etat', $3, "
	    "true)", 3, p));
	print_csv(c, "COPY (SELECT f.numero AS numero_facture, f.nature, "
	    "f.facture_origine, f.etat, f.mois, f.date_emission, f.code_sad, "
	    "f.nom_sad, f.code_financeur, f.lignes, (f.quantite_ch / 100.0)::"
	    "numeric(12,2) AS quantite, (f.montant_cents / 100.0)::numeric(14,2) "
	    "AS montant, count(l.id) FILTER (WHERE l.etat = 'rejetee') AS "
	    "lignes_rejetees, (coalesce(sum(l.montant_cents) FILTER (WHERE "
	    "l.etat = 'rejetee'), 0) / 100.0)::numeric(14,2) AS montant_rejete "
	    "FROM cesutg.facture f LEFT JOIN cesutg.facture_ligne l ON "
	    "l.facture = f.numero WHERE f.mois = coalesce(NULLIF("
	    "current_setting('cesutg.mois'), ''), f.mois) AND f.code_sad = "
	    "coalesce(NULLIF(current_setting('cesutg.sad'), ''), f.code_sad) "
	    "AND f.etat = coalesce(NULLIF(current_setting('cesutg.etat'), ''), "
	    "f.etat) GROUP BY f.numero ORDER BY f.mois, f.code_sad, "
	    "f.numero) TO STDOUT WITH (FORMAT csv, HEADER)");
	db_exec(c, "COMMIT");
}

int
cmd_factures(int argc, char **argv)
{
	struct fopts o = { 0 };
	const char *sub;
	PGconn *c;

	if (argc < 2)
		reg_usage("factures", EX_USAGE);
	sub = argv[1];
	if (strcmp(sub, "emettre") != 0 && strcmp(sub, "flux2") != 0 &&
	    strcmp(sub, "list") != 0 && strcmp(sub, "extrait") != 0) {
		warnx_("sous-commande factures inconnue « %s »", sub);
		reg_usage("factures", EX_USAGE);
	}
	optind = 0;
	opts_parse(&o, sub, argc - 1, argv + 1);
	argc -= optind + 1;
	argv += optind + 1;
	if (strcmp(sub, "emettre") == 0) {
		if (argc > 1)
			reg_usage("factures", EX_USAGE);
		if (argc == 1) {
			mois_check("factures", argv[0]);
			o.mois = argv[0];
		}
	} else if ((strcmp(sub, "list") == 0 && argc != 0) ||
	    (strcmp(sub, "extrait") == 0 && argc != 1))
		reg_usage("factures", EX_USAGE);
	c = db_connect(DB_ADMIN, 1);
	if (strcmp(sub, "emettre") == 0)
		emettre(c, &o);
	else if (strcmp(sub, "list") == 0)
		lister(c, &o);
	else {
		db_exec(c, "BEGIN");
		numeros(c, argc, argv);
		ecrire(c, strcmp(sub, "flux2") == 0 ? FLUX2_COPY :
		    "COPY (SELECT * FROM cesutg.facture_extrait(current_setting("
		    "'cesutg.numeros'))) TO STDOUT WITH (FORMAT csv, HEADER)",
		    o.out);
	}
	db_finish(c);
	return 0;
}
