/*
 * registre sad add|set|list: the SADs, one row each, keyed by the SALSA
 * code tiers that plans name them by, with the télégestion codes of their
 * Flux 15 files, their name, notice addresses, validating platform and
 * postal address (on their invoices).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "registre.h"

/* What add or set was told; a list given empty clears it. */
struct sad_opts {
	const char	*nom, *plateforme, *adresse;
	struct buf	 tg, courriels;
	int		 has_nom, has_plateforme, has_tg, has_courriels,
			 has_adresse;
};

static int
code_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 20)
		return 0;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_.-") == n;
}

/* One address: a local part, @, a domain with a dot, no space or comma. */
static int
courriel_ok(const char *s, size_t n)
{
	const char *at = memchr(s, '@', n), *dot;

	if (at == NULL || at == s || memchr(at + 1, '@', s + n - at - 1))
		return 0;
	dot = memchr(at + 1, '.', s + n - at - 1);
	if (dot == NULL || dot == at + 1 || dot == s + n - 1)
		return 0;
	for (; n > 0; n--, s++)
		if (*s <= ' ' || *s == ',' || *s == ';' || *s == '"')
			return 0;
	return 1;
}

/* Appends a comma-separated list to b, each item checked. */
static void
add_list(struct buf *b, const char *arg, int courriel)
{
	const char *p = arg, *e;
	size_t n;

	while (*p != '\0') {
		e = strchr(p, ',');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		if (n > 0) {
			char *item = xstrdup(p);

			item[n] = '\0';
			if (courriel ? !courriel_ok(item, n) : !code_ok(item))
				die(EX_DATAERR, courriel ? "adresse électronique "
				    "invalide « %s »" : "code de télégestion "
				    "invalide « %s » : 1 à 20 lettres, chiffres, "
				    "_ . ou -", item);
			if (b->len > 0)
				buf_addc(b, ',');
			buf_add(b, item, n);
			free(item);
		}
		p += n + (e != NULL);
	}
}

static void
sad_opts_parse(struct sad_opts *o, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "nom", required_argument, NULL, 'n' },
		{ "tg", required_argument, NULL, 't' },
		{ "courriel", required_argument, NULL, 'c' },
		{ "plateforme", required_argument, NULL, 'p' },
		{ "adresse", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			o->nom = optarg;
			o->has_nom = 1;
			break;
		case 't':
			add_list(&o->tg, optarg, 0);
			o->has_tg = 1;
			break;
		case 'c':
			add_list(&o->courriels, optarg, 1);
			o->has_courriels = 1;
			break;
		case 'p':
			o->plateforme = optarg;
			o->has_plateforme = 1;
			break;
		case 'a':
			o->adresse = optarg;
			o->has_adresse = 1;
			break;
		default:
			reg_badopt("sad", argv[optind - 1]);
		}
	}
	buf_addc(&o->tg, '\0');
	buf_addc(&o->courriels, '\0');
}

/* Runs sql; a refusal raised by the schema (22023, 23505) is a data error. */
static void
sad_exec(PGconn *c, const char *sql, int n, const char *const *p)
{
	PGresult *r = PQexecParams(c, sql, n, NULL, p, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);
	const char *state, *msg;

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		PQclear(r);
		return;
	}
	state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	if (state != NULL && msg != NULL && (strcmp(state, "22023") == 0 ||
	    strcmp(state, "23505") == 0)) {
		static char *m;

		m = xstrdup(msg);
		PQclear(r);
		die(EX_DATAERR, "%s : rien n'est modifié", m);
	}
	db_fail(c, r, "sad");
}

static void
sad_write(const char *code, const struct sad_opts *o, int add)
{
	const char *p[9];
	PGconn *c;
	PGresult *r;
	int n;

	c = db_connect(DB_ADMIN, 1);
	db_exec(c, "BEGIN");
	p[0] = code;
	r = db_query(c, "SELECT (SELECT sad FROM cesutg.sad_tg WHERE code = $1), "
	    "EXISTS (SELECT 1 FROM cesutg.sad WHERE code = $1)", 1, p);
	if (!PQgetisnull(r, 0, 0))
		die(EX_DATAERR, "%s est un code de télégestion du SAD %s, pas un "
		    "code tiers SALSA", code, PQgetvalue(r, 0, 0));
	n = strcmp(PQgetvalue(r, 0, 1), "t") == 0;
	PQclear(r);
	if (add && n)
		die(EX_DATAERR, "SAD %s déjà déclaré : registre sad set %s pour "
		    "le modifier", code, code);
	if (!add && !n)
		die(EX_DATAERR, "SAD inconnu « %s » : registre sad add %s pour le "
		    "déclarer (voir registre sad list)", code, code);
	if (add)
		sad_exec(c, "INSERT INTO cesutg.sad (code) VALUES ($1)", 1, p);
	p[1] = o->has_nom ? "t" : "f";
	p[2] = o->nom != NULL && *o->nom != '\0' ? o->nom : NULL;
	p[3] = o->has_courriels ? "t" : "f";
	p[4] = o->courriels.p;
	p[5] = o->has_plateforme ? "t" : "f";
	p[6] = o->plateforme != NULL && *o->plateforme != '\0' ?
	    o->plateforme : NULL;
	p[7] = o->has_adresse ? "t" : "f";
	p[8] = o->adresse != NULL && *o->adresse != '\0' ? o->adresse : NULL;
	sad_exec(c, "UPDATE cesutg.sad SET nom = CASE WHEN $2::boolean THEN $3 "
	    "ELSE nom END, courriels = CASE WHEN $4::boolean THEN "
	    "string_to_array(NULLIF($5, ''), ',') ELSE courriels END, "
	    "plateforme = CASE WHEN $6::boolean THEN $7 ELSE plateforme END, "
	    "adresse = CASE WHEN $8::boolean THEN $9 ELSE adresse END "
	    "WHERE code = $1 AND (nom, courriels, plateforme, adresse) IS "
	    "DISTINCT FROM (CASE WHEN $2::boolean THEN $3 ELSE nom END, CASE "
	    "WHEN $4::boolean THEN string_to_array(NULLIF($5, ''), ',') ELSE "
	    "courriels END, CASE WHEN $6::boolean THEN $7 ELSE plateforme END, "
	    "CASE WHEN $8::boolean THEN $9 ELSE adresse END)", 9, p);
	if (o->has_tg) {
		p[1] = o->tg.p;
		sad_exec(c, "DELETE FROM cesutg.sad_tg WHERE sad = $1 AND code "
		    "<> ALL (string_to_array($2, ','))", 2, p);
		sad_exec(c, "SELECT cesutg.sad_tg_ajouter(t, $1) FROM "
		    "unnest(string_to_array(NULLIF($2, ''), ',')) t", 2, p);
	}
	db_exec(c, "COMMIT");
	db_finish(c);
}

int
cmd_sad(int argc, char **argv)
{
	struct sad_opts o = { 0 };
	PGconn *c;
	int add;

	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		c = db_connect(DB_ADMIN, 1);
		print_csv(c, "COPY (SELECT s.code AS code_tiers_salsa, s.nom, "
		    "(SELECT string_agg(g.code, ' ' ORDER BY g.code) FROM "
		    "cesutg.sad_tg g WHERE g.sad = s.code) AS codes_tg, "
		    "NULLIF(array_to_string(s.courriels, ' '), '') AS courriels, "
		    "s.plateforme, s.adresse "
		    "FROM cesutg.sad s ORDER BY s.code) TO STDOUT WITH (FORMAT "
		    "csv, HEADER)");
		db_finish(c);
		return 0;
	}
	if (argc < 3 || (strcmp(argv[1], "add") != 0 &&
	    strcmp(argv[1], "set") != 0))
		reg_usage("sad", EX_USAGE);
	add = strcmp(argv[1], "add") == 0;
	if (!code_ok(argv[2]))
		die(EX_USAGE, "code tiers SALSA invalide « %s » : 1 à 20 lettres, "
		    "chiffres, _ . ou -", argv[2]);
	optind = 0;
	sad_opts_parse(&o, argc - 2, argv + 2);
	if (optind != argc - 2)
		reg_usage("sad", EX_USAGE);
	sad_write(argv[2], &o, add);
	buf_free(&o.tg);
	buf_free(&o.courriels);
	return 0;
}
