/*
 * registre reprendre INGESTION: the rows an ingestion rejected because the
 * ledger lacked something (a SAD, a client, a beneficiary, a title) are
 * checked again against today's ledger, and those now accepted are merged
 * as a new ingestion that names the first (reprise_de). The rows still
 * rejected are kept with the new ingestion, so that the next replay starts
 * from them; a replay that accepts nothing changes nothing.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "err.h"
#include "load.h"
#include "registre.h"

/* The rows still pending: those the chain's last ingestion kept. */
static void
stage(struct load *L, const char *derniere)
{
	const char *p[1] = { derniere };
	PGresult *r;

	PQclear(db_query(L->c, "INSERT INTO stg SELECT (jsonb_populate_record("
	    "NULL::stg, valeurs)).* FROM rejet WHERE ingestion = $1 AND "
	    "valeurs IS NOT NULL", 1, p));
	r = db_query(L->c, "SELECT count(*) FROM stg", 0, NULL);
	L->lues = strtoul(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
}

/*
 * A row whose key has since received a version from newer data is not
 * replayed: it would overwrite what was sent after it.
 */
static void
obsoletes(struct load *L, const char *racine)
{
	struct buf b = { 0 };
	char *lit = PQescapeLiteral(L->c, racine, strlen(racine));

	buf_addf(&b, "WITH d AS (DELETE FROM stg s USING %s t WHERE "
	    "t.valide_au IS NULL AND ", L->k->table);
	load_keymatch(&b, L->k, "t", "s");
	buf_addf(&b, " AND (t.valide_du > $2::date OR (t.valide_du = $2::date "
	    "AND t.ingestion_debut > %s)) RETURNING s.ligne, "
	    "t.ingestion_debut", lit);
	load_keylist(&b, L->k, ",s.");
	buf_adds(&b, ") INSERT INTO rej SELECT ligne, 'remplacée depuis par "
	    "l''ingestion ' || ingestion_debut || ' : reprise sans objet'");
	load_keylist(&b, L->k, ",");
	buf_adds(&b, " FROM d");
	load_run(L, b.p, NULL);
	PQfreemem(lit);
	buf_free(&b);
}

/* A replay's fingerprint: the ingestion whose rejects it starts from. */
static void
empreinte(struct load *L, const char *derniere)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	char s[64];

	snprintf(s, sizeof s, "reprise %s", derniere);
	if (EVP_Digest(s, strlen(s), md, NULL, EVP_sha256(), NULL) != 1)
		die(EX_SOFTWARE, "SHA-256 indisponible");
	sha256_hex(md, L->sha);
}

int
cmd_reprendre(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "report", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct load L = { 0 };
	const char *p[1];
	char *racine, *derniere, *ing, *date, *source;
	PGresult *r;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			L.report = optarg;
			break;
		case 'h':
			reg_usage("reprendre", 0);
		default:
			reg_badopt("reprendre", argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		reg_usage("reprendre", EX_USAGE);
	p[0] = argv[optind];
	if (p[0][0] == '\0' || strspn(p[0], "0123456789") != strlen(p[0]) ||
	    strlen(p[0]) > 18)
		die(EX_USAGE, "reprendre : numéro d'ingestion invalide « %s » "
		    "(voir registre ingestions)", p[0]);
	L.c = db_connect(DB_LOADER, 1);
	db_exec(L.c, LOAD_MEMOIRE);
	db_exec(L.c, "BEGIN");
	db_exec(L.c, "SET LOCAL search_path = cesutg, pg_temp");
	r = db_query(L.c, "SELECT i.kind, coalesce(i.reprise_de, i.id) FROM "
	    "ingestion i WHERE i.id = $1::bigint", 1, p);
	if (PQntuples(r) == 0) {
		PQclear(r);
		die(EX_NOINPUT, "reprendre : ingestion %s inconnue (voir registre "
		    "ingestions)", p[0]);
	}
	L.k = load_kind(PQgetvalue(r, 0, 0));
	racine = xstrdup(PQgetvalue(r, 0, 1));
	PQclear(r);
	load_lock(L.c, L.k->name);
	p[0] = racine;
	r = db_query(L.c, "SELECT (SELECT max(id) FROM ingestion WHERE id = $1 "
	    "OR reprise_de = $1), source, date_donnees FROM ingestion WHERE "
	    "id = $1", 1, p);
	derniere = xstrdup(PQgetvalue(r, 0, 0));
	source = xstrdup(PQgetvalue(r, 0, 1));
	date = xstrdup(PQgetvalue(r, 0, 2));
	PQclear(r);
	for (L.ncols = 0; L.k->cols[L.ncols].name != NULL; L.ncols++)
		;
	L.source = source;
	L.date = date;	/* the rows date from their file */
	L.portee = P_REPRISE;
	L.reprise_de = racine;
	empreinte(&L, derniere);
	load_tables(&L);
	load_derived_cols(&L);
	stage(&L, derniere);
	ing = NULL;
	if (L.lues == 0) {
		db_exec(L.c, "ROLLBACK");
		fprintf(stderr, "registre: reprise de l'ingestion %s (%s) : "
		    "aucune ligne rejetée à reprendre, rien à faire\n", racine,
		    L.k->name);
	} else {
		obsoletes(&L, racine);
		if ((ing = load_apply(&L)) == NULL) {
			db_exec(L.c, "ROLLBACK");
			fprintf(stderr, "registre: reprise de l'ingestion %s "
			    "(%s) : rien de nouveau, les %lu lignes en attente "
			    "restent rejetées ; rien n'est modifié\n", racine,
			    L.k->name, L.lues);
		}
	}
	db_finish(L.c);
	free(ing);
	free(racine);
	free(derniere);
	free(source);
	free(date);
	return 0;
}
