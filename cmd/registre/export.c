/*
 * Reversibility (articles 8 and 9): every table as CSV, the schema as SQL,
 * a SHA-256 manifest and its HMAC under a key kept outside the export,
 * files mode 0600; import authenticates the manifest, verifies it and
 * rebuilds an empty database identically.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "afile.h"
#include "buf.h"
#include "err.h"
#include "registre.h"

#define MANIFEST "MANIFEST.sha256"
#define SCEAU	"MANIFEST.hmac"
#define CLE_MIN	32	/* characters of an export key */

struct hfile {
	struct afile	 a;
	EVP_MD_CTX	*ctx;
};

static void
hopen(struct hfile *h, const char *dir, const char *name)
{
	struct buf p = { 0 };

	buf_addf(&p, "%s/%s", dir, name);
	afile_open(&h->a, p.p, AFILE_PRIVATE);
	buf_free(&p);
	if ((h->ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1)
		die(EX_SOFTWARE, "SHA-256 indisponible");
}

static void
hwrite(struct hfile *h, const char *p, size_t n)
{
	out_write(&h->a.o, p, n);
	EVP_DigestUpdate(h->ctx, p, n);
}

static void
hsink(void *arg, const char *p, size_t n)
{
	hwrite(arg, p, n);
}

static void
hclose(struct hfile *h, struct buf *manifest, const char *name)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	char hex[65];

	EVP_DigestFinal_ex(h->ctx, md, NULL);
	EVP_MD_CTX_free(h->ctx);
	sha256_hex(md, hex);
	afile_commit(&h->a);
	buf_addf(manifest, "%s  %s\n", hex, name);
}

/*
 * The export key: the first line of a file outside the export, mode 0600
 * (--cle, default $CESUTG_HOME/cle-export). Export creates a random one
 * when there is none; import requires it.
 */
static void
cle_lire(const char *path, int creer, struct buf *cle)
{
	unsigned char r[32];
	char hex[65], blk[4096];
	struct stat st;
	ssize_t n;
	int fd;

	if (creer && access(path, F_OK) == -1 && errno == ENOENT) {
		if (RAND_bytes(r, sizeof r) != 1)
			die(EX_SOFTWARE, "aléa indisponible pour la clé d'export");
		sha256_hex(r, hex);
		if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0600)) == -1)
			die(EX_CANTCREAT, "clé d'export %s : %s (voir --cle)", path,
			    strerror(errno));
		if (write(fd, hex, 64) != 64 || write(fd, "\n", 1) != 1 ||
		    fsync(fd) == -1 || close(fd) == -1)
			die(EX_IOERR, "clé d'export %s : %s", path,
			    strerror(errno));
		fprintf(stderr, "registre: clé d'export créée : %s (gardez-la, "
		    "hors de l'export : l'import la demande)\n", path);
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		die(EX_NOINPUT, "clé d'export %s : %s (voir --cle)", path,
		    strerror(errno));
	if (fstat(fd, &st) == -1 || (st.st_mode & 077) != 0)
		die(EX_CONFIG, "clé d'export %s lisible par d'autres que son "
		    "propriétaire : chmod 600 %s", path, path);
	buf_reset(cle);
	while ((n = read(fd, blk, sizeof blk)) > 0)
		buf_add(cle, blk, (size_t)n);
	if (n == -1)
		die(EX_IOERR, "clé d'export %s : %s", path, strerror(errno));
	close(fd);
	cle->len = strcspn(cle->p ? cle->p : "", "\n");
	if (cle->len < CLE_MIN)
		die(EX_CONFIG, "clé d'export %s : %d caractères au moins sur la "
		    "première ligne", path, CLE_MIN);
}

static void
cle_chemin(struct buf *p, const char *opt)
{
	if (opt != NULL)
		buf_adds(p, opt);
	else
		buf_addf(p, "%s/cle-export", reg_home());
}

static void
sceau(const struct buf *cle, const struct buf *man, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (HMAC(EVP_sha256(), cle->p, (int)cle->len,
	    (const unsigned char *)man->p, man->len, md, &n) == NULL || n != 32)
		die(EX_SOFTWARE, "HMAC-SHA-256 indisponible");
	sha256_hex(md, hex);
}

static void
lire_tout(const char *path, struct buf *b)
{
	char blk[65536];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		die(EX_NOINPUT, "%s : %s", path, strerror(errno));
	buf_reset(b);
	buf_addc(b, '\0');
	b->len = 0;
	while ((n = fread(blk, 1, sizeof blk, f)) > 0)
		buf_add(b, blk, n);
	if (ferror(f))
		die(EX_IOERR, "%s : lecture impossible", path);
	fclose(f);
}

/* The manifest must carry the HMAC of this key before anything is read. */
static void
authentifier(const char *dir, const char *cle_opt)
{
	struct buf p = { 0 }, cle = { 0 }, man = { 0 }, got = { 0 };
	char hex[65];

	cle_chemin(&p, cle_opt);
	cle_lire(p.p, 0, &cle);
	buf_reset(&p);
	buf_addf(&p, "%s/%s", dir, MANIFEST);
	lire_tout(p.p, &man);
	sceau(&cle, &man, hex);
	buf_reset(&p);
	buf_addf(&p, "%s/%s", dir, SCEAU);
	if (access(p.p, F_OK) == -1)
		die(EX_DATAERR, "%s absent : export non authentifié, import "
		    "refusé", p.p);
	lire_tout(p.p, &got);
	if (got.len != 64 + 2 + strlen(MANIFEST) + 1 ||
	    CRYPTO_memcmp(got.p, hex, 64) != 0 ||
	    strcmp(got.p + 64, "  " MANIFEST "\n") != 0)
		die(EX_DATAERR, "%s : HMAC du manifeste faux : export altéré "
		    "ou clé d'une autre installation, import refusé", p.p);
	OPENSSL_cleanse(cle.p, cle.len);
	buf_free(&cle);
	buf_free(&man);
	buf_free(&got);
	buf_free(&p);
}

/* export and import take DIR and an optional --cle FILE. */
static const char *
args_cle(int argc, char **argv, const char *usage, const char **cle)
{
	static const struct option lopts[] = {
		{ "cle", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	*cle = NULL;
	while ((ch = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		if (ch != 'k')
			die(EX_USAGE, "usage : %s", usage);
		*cle = optarg;
	}
	if (argc - optind != 1)
		die(EX_USAGE, "usage : %s", usage);
	return argv[optind];
}

/* Columns COPY can write back: not generated, in table order. */
static char *
columns(PGconn *c, const char *table)
{
	const char *p[1] = { table };
	PGresult *r;
	struct buf b = { 0 };
	char *id, *s;
	int i;

	r = db_query(c, "SELECT attname FROM pg_attribute WHERE attrelid = "
	    "('cesutg.' || quote_ident($1))::regclass AND attnum > 0 AND NOT "
	    "attisdropped AND attgenerated = '' ORDER BY attnum", 1, p);
	for (i = 0; i < PQntuples(r); i++) {
		id = db_ident(c, PQgetvalue(r, i, 0));
		buf_addf(&b, "%s%s", i ? ", " : "", id);
		free(id);
	}
	PQclear(r);
	s = xstrdup(b.p);
	buf_free(&b);
	return s;
}

static PGresult *
tables(PGconn *c)
{
	return db_query(c, "SELECT tablename FROM pg_tables WHERE schemaname = "
	    "'cesutg' ORDER BY tablename", 0, NULL);
}

static void
schema_sql(struct buf *b)
{
	int i;

	buf_addf(b, "-- registre : schéma version %d\n", mig_count());
	for (i = 1; i <= mig_count(); i++)
		buf_addf(b, "\n-- migration %d\n%s", i, mig_sql(i));
	for (i = 0; i < regle_count(); i++)
		buf_addf(b, "\n-- règle %s\n%s", regle_nom(i), regle_sql(i));
}

static void
session(PGconn *c)
{
	db_exec(c, "SET TimeZone = 'UTC'; SET extra_float_digits = 3");
}

int
cmd_export(int argc, char **argv)
{
	struct buf man = { 0 }, sql = { 0 }, name = { 0 }, cle = { 0 };
	struct hfile h;
	const char *dir, *cle_opt;
	PGconn *c;
	PGresult *t;
	char *cols, *tid, hex[65];
	int i;

	dir = args_cle(argc, argv, "registre export [--cle FICHIER] REPERTOIRE",
	    &cle_opt);
	cle_chemin(&name, cle_opt);
	cle_lire(name.p, 1, &cle);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		die(EX_CANTCREAT, "%s : %s", dir, strerror(errno));
	c = db_connect(DB_ADMIN, 1);
	session(c);
	db_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	t = tables(c);
	for (i = 0; i < PQntuples(t); i++) {
		cols = columns(c, PQgetvalue(t, i, 0));
		tid = db_ident(c, PQgetvalue(t, i, 0));
		buf_reset(&sql);
		buf_addf(&sql, "COPY (SELECT %s FROM cesutg.%s ORDER BY %s) TO "
		    "STDOUT WITH (FORMAT csv, HEADER)", cols, tid, cols);
		buf_reset(&name);
		buf_addf(&name, "%s.csv", PQgetvalue(t, i, 0));
		hopen(&h, dir, name.p);
		db_copy_out(c, sql.p, hsink, &h);
		hclose(&h, &man, name.p);
		free(cols);
		free(tid);
	}
	PQclear(t);
	db_exec(c, "COMMIT");
	buf_reset(&sql);
	schema_sql(&sql);
	hopen(&h, dir, "schema.sql");
	hwrite(&h, sql.p, sql.len);
	hclose(&h, &man, "schema.sql");
	hopen(&h, dir, MANIFEST);
	hwrite(&h, man.p, man.len);
	EVP_MD_CTX_free(h.ctx);
	afile_commit(&h.a);
	sceau(&cle, &man, hex);
	OPENSSL_cleanse(cle.p, cle.len);
	buf_free(&cle);
	buf_reset(&man);
	buf_addf(&man, "%s  %s\n", hex, MANIFEST);
	hopen(&h, dir, SCEAU);
	hwrite(&h, man.p, man.len);
	EVP_MD_CTX_free(h.ctx);
	afile_commit(&h.a);
	db_finish(c);
	buf_free(&man);
	buf_free(&sql);
	buf_free(&name);
	return 0;
}

static int
file_sha(const char *path, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE], blk[65536];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL || ctx == NULL)
		return -1;
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	while ((n = fread(blk, 1, sizeof blk, f)) > 0)
		EVP_DigestUpdate(ctx, blk, n);
	EVP_DigestFinal_ex(ctx, md, NULL);
	EVP_MD_CTX_free(ctx);
	if (ferror(f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	sha256_hex(md, hex);
	return 0;
}

static struct buf listed;	/* "\nNAME\n" for each file of the manifest */

/* Every file listed must match; schema.sql must be this binary's schema. */
static void
verify(const char *dir)
{
	struct buf p = { 0 }, want = { 0 };
	char line[1024], hex[65], *name;
	FILE *m;
	int nfiles = 0;

	buf_addf(&p, "%s/%s", dir, MANIFEST);
	if ((m = fopen(p.p, "r")) == NULL)
		die(EX_NOINPUT, "%s : %s", p.p, strerror(errno));
	while (fgets(line, sizeof line, m) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strlen(line) < 67 || line[64] != ' ' || line[65] != ' ' ||
		    strchr(line + 66, '/') != NULL)
			die(EX_DATAERR, "%s : ligne illisible « %s »", MANIFEST,
			    line);
		name = line + 66;
		buf_addf(&listed, "\n%s\n", name);
		buf_reset(&p);
		buf_addf(&p, "%s/%s", dir, name);
		if (file_sha(p.p, hex) != 0)
			die(EX_NOINPUT, "%s : illisible", p.p);
		if (strncmp(hex, line, 64) != 0)
			die(EX_DATAERR, "%s : empreinte SHA-256 différente de "
			    "celle du manifeste : fichier altéré", p.p);
		nfiles++;
	}
	fclose(m);
	buf_reset(&p);
	buf_addf(&p, "%s/schema.sql", dir);
	schema_sql(&want);
	{
		FILE *f = fopen(p.p, "rb");
		struct buf got = { 0 };
		size_t n;

		if (f == NULL)
			die(EX_NOINPUT, "%s : %s", p.p, strerror(errno));
		buf_grow(&got, 65536);
		while ((n = fread(line, 1, sizeof line, f)) > 0)
			buf_add(&got, line, n);
		fclose(f);
		if (got.len != want.len || memcmp(got.p, want.p, got.len) != 0)
			die(EX_DATAERR, "%s : schéma d'une autre version de "
			    "registre (celui-ci est au schéma %d)", p.p,
			    mig_count());
		buf_free(&got);
	}
	if (nfiles == 0)
		die(EX_DATAERR, "%s : manifeste vide", MANIFEST);
	if (strstr(listed.p, "\nschema.sql\n") == NULL)
		die(EX_DATAERR, "schema.sql absent du manifeste");
	buf_free(&p);
	buf_free(&want);
}

static void
copy_file(PGconn *c, const char *dir, const char *table)
{
	struct buf p = { 0 }, sql = { 0 };
	char *cols, *tid;
	FILE *f;

	buf_addf(&p, "\n%s.csv\n", table);
	if (strstr(listed.p, p.p) == NULL)
		die(EX_DATAERR, "%s.csv absent du manifeste : import refusé",
		    table);
	buf_reset(&p);
	buf_addf(&p, "%s/%s.csv", dir, table);
	if ((f = fopen(p.p, "rb")) == NULL)
		die(EX_NOINPUT, "%s : %s", p.p, strerror(errno));
	cols = columns(c, table);
	tid = db_ident(c, table);
	buf_addf(&sql, "COPY cesutg.%s (%s) FROM STDIN WITH (FORMAT csv, "
	    "HEADER)", tid, cols);
	db_copy_file(c, sql.p, f, p.p);
	fclose(f);
	free(cols);
	free(tid);
	buf_free(&p);
	buf_free(&sql);
}

int
cmd_import(int argc, char **argv)
{
	static const char *const mig[] = { "migrate", NULL };
	PGconn *c;
	PGresult *t, *r;
	struct buf sql = { 0 };
	const char *dir, *cle_opt;
	int i;

	dir = args_cle(argc, argv, "registre import [--cle FICHIER] REPERTOIRE",
	    &cle_opt);
	authentifier(dir, cle_opt);
	verify(dir);
	c = db_connect(DB_ADMIN, 0);
	r = db_query(c, "SELECT to_regclass('cesutg.ingestion') IS NOT NULL",
	    0, NULL);
	if (strcmp(PQgetvalue(r, 0, 0), "t") != 0) {
		db_finish(c);
		cmd_migrate(1, (char **)mig);
		c = db_connect(DB_ADMIN, 0);
	}
	PQclear(r);
	mig_check(c);
	session(c);
	db_exec(c, "BEGIN");
	r = db_query(c, "SELECT (SELECT count(*) FROM cesutg.ingestion) + "
	    "(SELECT count(*) FROM cesutg.acces_sad) + (SELECT count(*) FROM "
	    "cesutg.acces_agent) + (SELECT count(*) FROM cesutg.acces_analyste) "
	    "+ (SELECT count(*) FROM cesutg.acces_plateforme)", 0, NULL);
	i = strcmp(PQgetvalue(r, 0, 0), "0");
	PQclear(r);
	if (i != 0)
		die(EX_DATAERR, "la base n'est pas vide : import refusé (créez "
		    "une base neuve, par exemple avec « registre db init »)");
	/* Triggers off: rows come back as they were, audit chain included. */
	db_exec(c, "SET LOCAL session_replication_role = replica");
	t = tables(c);
	buf_adds(&sql, "TRUNCATE");
	for (i = 0; i < PQntuples(t); i++)
		buf_addf(&sql, "%s cesutg.%s", i ? "," : "",
		    PQgetvalue(t, i, 0));
	db_exec(c, sql.p);
	for (i = 0; i < PQntuples(t); i++)
		copy_file(c, dir, PQgetvalue(t, i, 0));
	PQclear(t);
	db_exec(c, "DO $$ DECLARE r record; m bigint; BEGIN FOR r IN SELECT "
	    "c.relname, a.attname, pg_get_serial_sequence('cesutg.' || "
	    "c.relname, a.attname) AS seq FROM pg_class c JOIN pg_attribute a "
	    "ON a.attrelid = c.oid WHERE c.relnamespace = "
	    "'cesutg'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND "
	    "pg_get_serial_sequence('cesutg.' || c.relname, a.attname) IS NOT "
	    "NULL LOOP EXECUTE format('SELECT max(%I) FROM cesutg.%I', "
	    "r.attname, r.relname) INTO m; PERFORM setval(r.seq, "
	    "coalesce(m, 1), m IS NOT NULL); END LOOP; "
	    "FOR r IN SELECT role, 'cesutg_sad' AS g FROM cesutg.acces_sad "
	    "UNION SELECT role, 'cesutg_agent' FROM cesutg.acces_agent "
	    "UNION SELECT role, 'cesutg_analyste' FROM cesutg.acces_analyste "
	    "UNION SELECT role, 'cesutg_plateforme' FROM "
	    "cesutg.acces_plateforme LOOP "
	    "IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r.role) "
	    "THEN EXECUTE format('CREATE ROLE %I LOGIN', r.role); END IF; "
	    "EXECUTE format('GRANT %I TO %I', r.g, r.role); END LOOP; END $$");
	db_exec(c, "COMMIT");
	db_finish(c);
	buf_free(&sql);
	fprintf(stderr, "registre: import de %s terminé\n", dir);
	return 0;
}
