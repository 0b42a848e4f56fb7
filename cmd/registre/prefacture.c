/*
 * registre prefacture calculer|list|valider|devalider: the month's
 * pre-invoice per beneficiary (rules in SQL: prefacturer() of the
 * migration), validated by the SAD per beneficiary, then by the Département
 * for the SAD's month (annex 2). Who may do what is the database's row
 * security; this file says it in French when nothing was allowed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "registre.h"

static const char list_sql[] =
    "COPY (SELECT f.code_sad, f.mois, f.identifiant_beneficiaire_salsa, "
    "f.code_prestation, p.index_prestation_salsa, f.rang, f.visites, "
    "(f.realise_ch / 100.0)::numeric(12,2) AS heures_realisees, "
    "f.jours_couverts, (f.plan_ch / 100.0)::numeric(12,2) AS heures_plan, "
    "(f.plafond_ch / 100.0)::numeric(12,2) AS heures_plafond, "
    "(f.deja_facture_ch / 100.0)::numeric(12,2) AS heures_deja_facturees, "
    "(f.facturable_ch / 100.0)::numeric(12,2) AS heures_facturables, "
    "(f.depassement_ch / 100.0)::numeric(12,2) AS heures_depassement, "
    "(f.tarif_cents / 100.0)::numeric(14,2) AS tarif_horaire, "
    "f.origine_tarif, f.pourcentage_ticket, "
    "(f.montant_cents / 100.0)::numeric(14,2) AS montant_departement, "
    "(f.part_beneficiaire_cents / 100.0)::numeric(14,2) AS "
    "part_beneficiaire, f.statut, f.rejet_salsa, f.facture_rejetee "
    "FROM cesutg.prefacture f JOIN cesutg.plan p ON p.id = f.plan "
    "WHERE f.mois = %s ORDER BY f.code_sad, "
    "f.identifiant_beneficiaire_salsa, f.code_prestation, f.plan, f.rang) "
    "TO STDOUT WITH (FORMAT csv, HEADER)";

static long
count_rows(PGresult *r)
{
	long n = PQntuples(r);

	PQclear(r);
	return n;
}

/* The SAD's step: its lines of the listed beneficiaries. */
static long
par_sad(PGconn *c, const char *mois, int valider, const char *bens)
{
	const char *p[2] = { mois, bens };

	return count_rows(db_query(c, valider ?
	    "UPDATE cesutg.prefacture SET statut = 'validee_sad', "
	    "validee_sad_par = session_user, validee_sad_le = now() "
	    "WHERE mois = $1 AND identifiant_beneficiaire_salsa = ANY "
	    "(string_to_array($2, ',')) AND statut = 'calculee' RETURNING id" :
	    "UPDATE cesutg.prefacture SET statut = 'calculee', "
	    "validee_sad_par = NULL, validee_sad_le = NULL "
	    "WHERE mois = $1 AND identifiant_beneficiaire_salsa = ANY "
	    "(string_to_array($2, ',')) AND statut = 'validee_sad' RETURNING id",
	    2, p));
}

/* The Département's step: the SAD's whole month, once the SAD is done. */
static long
par_departement(PGconn *c, const char *mois, int valider, const char *sad)
{
	const char *p[2] = { mois, sad };
	PGresult *r;
	long n;

	require_agent_tg(c, "validation du Département");
	if (valider) {
		r = db_query(c, "SELECT count(*) FROM cesutg.prefacture WHERE "
		    "mois = $1 AND code_sad = $2 AND statut = 'calculee'", 2, p);
		n = atol(PQgetvalue(r, 0, 0));
		PQclear(r);
		if (n > 0)
			die(EX_DATAERR, "%s %s : %ld ligne(s) pas encore validée(s) "
			    "par le SAD ; rien n'est validé", sad, mois, n);
	}
	return count_rows(db_query(c, valider ?
	    "UPDATE cesutg.prefacture SET statut = 'validee_departement', "
	    "validee_departement_par = session_user, validee_departement_le = "
	    "now() WHERE mois = $1 AND code_sad = $2 AND statut = 'validee_sad' "
	    "RETURNING id" :
	    "UPDATE cesutg.prefacture SET statut = 'validee_sad', "
	    "validee_departement_par = NULL, validee_departement_le = NULL "
	    "WHERE mois = $1 AND code_sad = $2 AND statut = "
	    "'validee_departement' RETURNING id", 2, p));
}

/* A CASVP section's step is its platform's (annex 2): say so, rather than
 * the row security's silence. */
static void
section_casvp(PGconn *c)
{
	PGresult *r;
	char msg[512];
	int sad;

	/* Only a SAD's login reads acces_sad (a platform's does not). */
	r = db_query(c, "SELECT has_table_privilege('cesutg.acces_sad', "
	    "'SELECT')", 0, NULL);
	sad = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	if (!sad)
		return;
	r = db_query(c, "SELECT s.code, s.plateforme FROM cesutg.acces_sad a "
	    "JOIN cesutg.sad s ON s.code = a.code_sad WHERE a.role = "
	    "current_user AND s.plateforme IS NOT NULL", 0, NULL);
	if (PQntuples(r) == 0) {
		PQclear(r);
		return;
	}
	snprintf(msg, sizeof msg, "%s est une section du CASVP : sa "
	    "pré-facture est validée par sa plateforme « %s » (annexe 2), pas "
	    "par la section", PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1));
	PQclear(r);
	die(EX_NOPERM, "%s", msg);
}

static void
valider(PGconn *c, int argc, char **argv, int oui)
{
	struct buf b = { 0 };
	long n;
	int i;

	db_exec(c, "BEGIN");
	if (argc == 5 && strcmp(argv[3], "--sad") == 0)
		n = par_departement(c, argv[2], oui, argv[4]);
	else {
		section_casvp(c);
		for (i = 3; i < argc; i++) {
			if (argv[i][0] == '-' || strchr(argv[i], ',') != NULL)
				reg_usage("prefacture", EX_USAGE);
			if (b.len > 0)
				buf_addc(&b, ',');
			buf_adds(&b, argv[i]);
		}
		buf_addc(&b, '\0');
		n = par_sad(c, argv[2], oui, b.p);
		buf_free(&b);
	}
	if (n == 0)
		die(EX_DATAERR, "aucune ligne de pré-facture %s à %svalider pour "
		    "vous (déjà fait, pas encore validée à l'étape précédente, "
		    "ou pas la vôtre)", argv[2], oui ? "" : "dé");
	db_exec(c, "COMMIT");
	fprintf(stderr, "registre: %ld ligne(s) %svalidée(s)\n", n,
	    oui ? "" : "dé");
}

static const char partie_sql[] =
    "SELECT cesutg.prefacturer_partie($1, $2, $3)";

/* In one session, under the month's lock (the transaction is c's). */
static long long
une_session(PGconn *c, const char *mois)
{
	const char *p[1] = { mois };
	PGresult *r;
	long long n;

	db_exec(c, "SELECT cesutg.verrouiller('prefacture')");
	r = db_query(c, "SELECT cesutg.prefacturer($1)", 1, p);
	n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return n;
}

/* The month's pre-invoice: its SADs in two parts of about as many visits,
 * computed at once on two connections (two cores): c2 the SADs of one
 * part, c all the others. The parts are made on c2 while c refreshes the
 * statistics, before the month's lock is taken: c's "all the others"
 * leaves no SAD out. audit_ecrire locks the audit's head until commit, so
 * each part is committed as soon as it is done: c2's first, then c's,
 * which holds the month's lock and waits for c2's commit before its
 * audited writes. In one session when a part refuses (CT001: a visit on a
 * line of a SAD of the other part). If c's part fails after c2's was
 * committed, the month is half computed, each line right by itself: the
 * next calculation completes it. */
static long long
prefacturer(PGconn *c, const char *mois)
{
	static PGconn *c2;	/* reachable at exit, when die() leaves it open */
	const char *p[3] = { mois, NULL, NULL };
	PGresult *r, *rr[2];
	long long n;
	int ok;

	c2 = db_connect(DB_ADMIN, 1);
	db_cur = c;
	db_envoyer(c2, "SELECT cesutg.prefacturer_parts($1, 2)", 1, p);
	db_envoyer(c, "SELECT cesutg.prefacturer_statistiques()", 0, NULL);
	PQclear(db_resultat(c, NULL));
	r = db_resultat(c2, NULL);
	db_exec(c, "BEGIN");
	if (PQntuples(r) != 2) {
		PQclear(r);
		db_finish(c2);
		c2 = NULL;
		return une_session(c, mois);
	}
	db_exec(c, "SELECT cesutg.verrouiller('prefacture')");
	db_exec(c2, "BEGIN");
	db_exec(c2, "SELECT cesutg.verrouiller('prefacture_partie')");
	p[1] = PQgetvalue(r, 1, 0);
	p[2] = "false";
	db_envoyer(c2, partie_sql, 3, p);
	p[2] = "true";
	db_envoyer(c, partie_sql, 3, p);
	rr[1] = db_resultat(c2, "CT001");
	ok = PQresultStatus(rr[1]) == PGRES_TUPLES_OK;
	db_exec(c2, ok ? "COMMIT" : "ROLLBACK");
	db_finish(c2);
	c2 = NULL;
	rr[0] = db_resultat(c, "CT001");
	ok = ok && PQresultStatus(rr[0]) == PGRES_TUPLES_OK;
	n = ok ? strtoll(PQgetvalue(rr[0], 0, 0), NULL, 10) +
	    strtoll(PQgetvalue(rr[1], 0, 0), NULL, 10) : 0;
	PQclear(rr[0]);
	PQclear(rr[1]);
	PQclear(r);
	if (!ok) {
		db_exec(c, "ROLLBACK");
		db_exec(c, "BEGIN");
		n = une_session(c, mois);
	}
	return n;
}

/* registre prefacture [calculer] [MOIS]: without MOIS, last month (the
 * monthly pipeline). */
int
cmd_prefacture(int argc, char **argv)
{
	char *m = NULL;
	const char *mois;
	PGconn *c;
	long long n;

	if (argc <= 3 && (argc == 1 || strcmp(argv[1], "calculer") == 0)) {
		if (argc == 3)
			mois_check("prefacture", argv[2]);
		c = db_connect(DB_ADMIN, 1);
		require_agent_tg(c, "calcul de la pré-facture");
		mois = argc == 3 ? argv[2] : (m = mois_courant(c, 0));
		n = prefacturer(c, mois);
		db_exec(c, "COMMIT");
		printf("registre: %s : %lld ligne(s) de pré-facture calculée(s)\n",
		    mois, n);
		free(m);
		db_finish(c);
		return 0;
	}
	if (argc < 3)
		reg_usage("prefacture", EX_USAGE);
	mois_check("prefacture", argv[2]);
	c = db_connect(DB_ADMIN, 1);
	if (strcmp(argv[1], "list") == 0 && argc == 3)
		print_month(c, list_sql, argv[2]);
	else if ((strcmp(argv[1], "valider") == 0 ||
	    strcmp(argv[1], "devalider") == 0) && argc >= 4)
		valider(c, argc, argv, argv[1][0] == 'v');
	else
		reg_usage("prefacture", EX_USAGE);
	db_finish(c);
	return 0;
}
