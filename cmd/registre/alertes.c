/*
 * registre alertes: the cases of a month's alerts (rules in SQL:
 * alertes_calculer() of the migration, cesutg-alertes(7)), computed by
 * whoever may, then listed as the reader's rights allow; and the state of
 * a case (vue, traitee).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "registre.h"

/*
 * The kinds, and the other names the spec gives some of them; groupe: the
 * session a kind is computed in when several are (two groups of about as
 * much server time, computed at once on two cores).
 */
static const struct {
	const char *nom, *nature;
	int groupe;
} natures[] = {
	{ "F7", "F7", 0 }, { "F8", "F8", 1 }, { "F9", "F9", 0 },
	{ "F10", "F10", 0 }, { "F11", "F11", 0 }, { "F12", "F12", 1 },
	{ "F13", "F13", 0 }, { "G1", "F13", 0 }, { "F14", "F14", 0 },
	{ "G2", "F14", 0 }, { "E2", "E2", 0 }, { "I5", "E2", 0 },
	{ "J2", "J2", 1 },
};

static int
nature_de(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof natures / sizeof natures[0]; i++)
		if (strcmp(s, natures[i].nom) == 0)
			return (int)i;
	return -1;
}

/* Adds kind i to its group's array literal ("{F7,F9"). */
static void
ajouter(struct buf groupes[2], size_t i)
{
	struct buf *b = &groupes[natures[i].groupe];

	buf_addf(b, "%s%s", b->len ? "," : "{", natures[i].nature);
}

/*
 * The cases of the kinds asked (groupes[0], groupes[1]: array literals, or
 * empty): in one session, or, when both groups have kinds, in two at once,
 * the statistics refreshed and committed first. Each group is committed
 * when done (the audit of the insert serialises the two ends); one failing
 * leaves the other's cases, which a rerun does not raise again. Returns the
 * number of new cases.
 */
static long long
calculer(PGconn *c, const char *mois, struct buf groupes[2])
{
	static PGconn *c2;	/* reachable at exit, when die() leaves it open */
	const char *p0[2] = { mois, NULL }, *p1[2] = { mois, NULL };
	const char *const *const pp[2] = { p0, p1 };
	PGconn *cc[2];
	PGresult *r, *rr[2];
	long long n = 0;
	int i;

	if (groupes[0].len == 0 || groupes[1].len == 0) {
		p0[1] = groupes[0].len ? groupes[0].p : groupes[1].p;
		r = db_query(c, "SELECT cesutg.alertes_calculer($1, "
		    "$2::text[])", 2, p0);
		n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
		return n;
	}
	r = db_query(c, "SELECT cesutg.alertes_statistiques()", 0, NULL);
	PQclear(r);
	c2 = db_connect(DB_ADMIN, 0);
	db_cur = c;
	cc[0] = c;
	cc[1] = c2;
	p0[1] = groupes[0].p;
	p1[1] = groupes[1].p;
	db_query_deux(cc, "SELECT cesutg.alertes_calculer($1, $2::text[])", 2,
	    pp, rr, NULL);
	for (i = 0; i < 2; i++) {
		n += strtoll(PQgetvalue(rr[i], 0, 0), NULL, 10);
		PQclear(rr[i]);
	}
	db_finish(c2);
	c2 = NULL;
	return n;
}

#define INSTANT(x) "to_char(" x " AT TIME ZONE 'UTC', " \
	"'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* Columns of the list; an analyst reads pseudonyms and no agent's name. */
static const char liste_sql[] =
    "COPY (SELECT a.id, a.nature, a.identifiant_beneficiaire_salsa, "
    "a.code_sad, a.periode, a.objet, trim_scale(a.valeur) AS valeur, "
    "trim_scale(a.seuil) AS seuil, cesutg.tableur(a.libelle) AS libelle, "
    "a.etat, " INSTANT("a.leve_le") " AS leve_le, a.vue_par, "
    INSTANT("a.vue_le") " AS vue_le, a.traitee_par, "
    INSTANT("a.traitee_le") " AS traitee_le "
    "FROM cesutg.alerte a WHERE %s ORDER BY a.nature, a.code_sad, "
    "a.identifiant_beneficiaire_salsa, a.periode, a.objet) TO STDOUT WITH "
    "(FORMAT csv, HEADER)";
static const char liste_pseudo_sql[] =
    "COPY (SELECT a.id, a.nature, a.beneficiaire, a.code_sad, a.periode, "
    "a.objet, trim_scale(a.valeur) AS valeur, trim_scale(a.seuil) AS seuil, "
    "a.libelle, a.etat, "
    INSTANT("a.leve_le") " AS leve_le, " INSTANT("a.vue_le") " AS vue_le, "
    INSTANT("a.traitee_le") " AS traitee_le "
    "FROM pseudo.alerte a WHERE %s ORDER BY a.nature, a.code_sad, "
    "a.beneficiaire, a.periode, a.objet) TO STDOUT WITH (FORMAT csv, HEADER)";

static int
vrai(PGconn *c, const char *sql)
{
	PGresult *r = db_query(c, sql, 0, NULL);
	int v = strcmp(PQgetvalue(r, 0, 0), "t") == 0;

	PQclear(r);
	return v;
}

/* This month in Paris time, for a role that cannot read param. */
static const char *
mois_analyste(PGconn *c)
{
	static char m[8];
	PGresult *r = db_query(c, "SELECT to_char(now() AT TIME ZONE "
	    "'Europe/Paris', 'YYYY-MM')", 0, NULL);

	snprintf(m, sizeof m, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return m;
}

/* A literal for COPY, which takes no bind parameter. */
static void
litteral(PGconn *c, struct buf *b, const char *s)
{
	char *q = PQescapeLiteral(c, s, strlen(s));

	if (q == NULL)
		db_fail(c, NULL, "alertes");
	buf_adds(b, q);
	PQfreemem(q);
}

static void
lister(PGconn *c, const char *mois, const char *liste, const char *sad,
    int analyste)
{
	struct buf w = { 0 }, q = { 0 };

	buf_adds(&w, "a.mois = ");
	litteral(c, &w, mois);
	if (liste != NULL) {
		buf_adds(&w, " AND a.nature = ANY (");
		litteral(c, &w, liste);
		buf_adds(&w, "::text[])");
	}
	if (sad != NULL && analyste) {
		buf_adds(&w, " AND a.code_sad = ");
		litteral(c, &w, sad);
	} else if (sad != NULL) {
		/* A télégestion code stands for its SAD's code tiers. */
		buf_adds(&w, " AND a.code_sad = coalesce((SELECT g.sad FROM "
		    "cesutg.sad_tg g WHERE g.code = ");
		litteral(c, &w, sad);
		buf_adds(&w, "), ");
		litteral(c, &w, sad);
		buf_adds(&w, ")");
	}
	buf_addf(&q, analyste ? liste_pseudo_sql : liste_sql, w.p);
	print_csv(c, q.p);
	buf_free(&w);
	buf_free(&q);
}

/* registre alertes vue|traitee ID...: all or nothing. */
static int
changer(int argc, char **argv)
{
	struct buf ids = { 0 };
	const char *p[2];
	PGconn *c;
	PGresult *r;
	int i, n;

	if (argc < 3)
		reg_usage("alertes", EX_USAGE);
	buf_addc(&ids, '{');
	for (i = 2; i < argc; i++) {
		if (argv[i][0] == '\0' || strspn(argv[i], "0123456789") !=
		    strlen(argv[i]) || strlen(argv[i]) > 18) {
			warnx_("numéro d'alerte invalide « %s »", argv[i]);
			reg_usage("alertes", EX_USAGE);
		}
		buf_addf(&ids, "%s%s", i > 2 ? "," : "", argv[i]);
	}
	buf_addc(&ids, '}');
	p[0] = ids.p;
	p[1] = argv[1];
	c = db_connect(DB_ADMIN, 1);
	db_exec(c, "BEGIN");
	/* The cases the caller may read: the others do not exist for it. */
	r = db_query(c, "SELECT string_agg(x::text, ', ' ORDER BY x) FROM "
	    "unnest($1::bigint[]) x WHERE x NOT IN (SELECT id FROM "
	    "cesutg.alerte)", 1, p);
	if (!PQgetisnull(r, 0, 0))
		die(EX_DATAERR, "alerte(s) inconnue(s) ou hors de vos droits : "
		    "%s ; rien n'a été changé", PQgetvalue(r, 0, 0));
	PQclear(r);
	r = db_query(c, "UPDATE cesutg.alerte SET etat = $2, "
	    "vue_par = CASE WHEN vue_par IS NULL THEN session_user ELSE vue_par END, "
	    "vue_le = coalesce(vue_le, now()), "
	    "traitee_par = CASE $2 WHEN 'traitee' THEN session_user END, "
	    "traitee_le = CASE $2 WHEN 'traitee' THEN now() END "
	    "WHERE id = ANY ($1::bigint[]) AND etat <> 'traitee' AND "
	    "etat <> $2", 2, p);
	n = atoi(PQcmdTuples(r));
	PQclear(r);
	db_exec(c, "COMMIT");
	fprintf(stderr, "registre: %d alerte(s) passée(s) à l'état « %s », %d "
	    "inchangée(s)\n", n, argv[1], argc - 2 - n);
	buf_free(&ids);
	db_finish(c);
	return 0;
}

int
cmd_alertes(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "mois", required_argument, NULL, 'm' },
		{ "sad", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	struct buf liste = { 0 }, groupes[2] = { { 0 }, { 0 } };
	const char *mois = NULL, *sad = NULL;
	char *courant = NULL;
	PGconn *c;
	size_t k;
	int ch, i, n, analyste;

	if (argc >= 2 && (strcmp(argv[1], "vue") == 0 ||
	    strcmp(argv[1], "traitee") == 0))
		return changer(argc, argv);
	while ((ch = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (ch) {
		case 'm':
			mois_check("alertes", optarg);
			mois = optarg;
			break;
		case 's':
			sad = optarg;
			break;
		default:
			reg_badopt("alertes", argv[optind - 1]);
		}
	}
	for (i = optind; i < argc; i++) {
		if ((n = nature_de(argv[i])) < 0) {
			warnx_("nature d'alerte inconnue « %s » : F7 à F14, G1, "
			    "G2, E2, I5 ou J2 attendue", argv[i]);
			reg_usage("alertes", EX_USAGE);
		}
		buf_addf(&liste, "%s%s", liste.len ? "," : "{",
		    natures[n].nature);
		ajouter(groupes, (size_t)n);
	}
	/* No kind named: every kind (each once, not under its other name). */
	for (k = 0; optind == argc && k < sizeof natures / sizeof natures[0]; k++)
		if (strcmp(natures[k].nom, natures[k].nature) == 0)
			ajouter(groupes, k);
	if (liste.len)
		buf_addc(&liste, '}');
	for (k = 0; k < 2; k++)
		if (groupes[k].len)
			buf_addc(&groupes[k], '}');
	/* An analyst has no access to schema cesutg, version table included. */
	c = db_connect(DB_ADMIN, 0);
	analyste = vrai(c, "SELECT NOT (SELECT rolsuper FROM pg_roles WHERE "
	    "rolname = current_user) AND pg_has_role('cesutg_analyste', "
	    "'MEMBER')");
	if (!analyste)
		mig_check(c);
	if (mois == NULL && analyste)
		mois = courant = xstrdup(mois_analyste(c));
	else if (mois == NULL)
		mois = courant = mois_courant(c, 1);
	/* Agents and the loader compute; a SAD or an analyst reads. */
	if (!analyste && vrai(c, "SELECT has_function_privilege("
	    "'cesutg.alertes_calculer(text, text[])', 'EXECUTE')"))
		fprintf(stderr, "registre: alertes de %s : %lld nouvelle(s)\n",
		    mois, calculer(c, mois, groupes));
	lister(c, mois, liste.len ? liste.p : NULL, sad, analyste);
	buf_free(&liste);
	buf_free(&groupes[0]);
	buf_free(&groupes[1]);
	free(courant);
	db_finish(c);
	return 0;
}
