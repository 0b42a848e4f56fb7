/*
 * registre load KIND: COPY the canonical CSV into a staging table (values
 * checked on the way), reject what contradicts the ledger, then merge in
 * the same transaction and record the ingestion under its SHA-256. Until
 * COMMIT nothing is visible; a kill or a lost server leaves nothing.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "afile.h"
#include "buf.h"
#include "charset.h"
#include "csvio.h"
#include "err.h"
#include "field.h"
#include "instant.h"
#include "load.h"
#include "registre.h"
#include "swar.h"

#define MOTIF_VALEUR_MAX 60	/* characters of a value quoted in a reason */
#define CLES_MAX	(512 * 1024)	/* keys deduplicated client side */
#define REJETS_MAX	"100"	/* rejected lines told on stderr */

/*
 * Text PostgreSQL can store: valid UTF-8 without NUL bytes. ASCII words
 * without a NUL are skipped eight bytes at a time.
 */
static int
u8_ok(const unsigned char *s, size_t n)
{
	size_t i = 0, bad;
	uint64_t w;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		if ((w & HIGHS) != 0 || eqbytes(w, 0) != 0)
			break;
	}
	return memchr(s + i, 0, n - i) == NULL &&
	    utf8_valid((const char *)s + i, n - i, &bad) == 0;
}

static int
num(const char *s, int n)
{
	int v = 0;

	while (n-- > 0) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	return v;
}

#define PG_EPOCH	INT64_C(946684800)	/* 2000-01-01, in Unix time */

/*
 * 2016-10-30T02:30:00+01:00 (or Z): an offset is required across DST.
 * Returns 1 and the microseconds since PostgreSQL's epoch when valid.
 */
static int
instant_ok(const char *s, size_t n, int64_t *us)
{
	int64_t t;

	if (instant_parse(s, n, &t) != 0)
		return 0;
	*us = (t - PG_EPOCH) * INT64_C(1000000);
	return 1;
}

/* AAAA-MM-JJ: returns 1 and the days since PostgreSQL's epoch if valid. */
int
date_ok(const char *s, size_t n, int64_t *days)
{
	char midnight[21];

	if (n != 10)
		return 0;
	memcpy(midnight, s, 10);
	memcpy(midnight + 10, "T00:00:00Z", 11);
	if (!instant_ok(midnight, 20, days))
		return 0;
	*days /= INT64_C(86400000000);
	return 1;
}

static void
copy_escape(struct buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '\\':
			buf_add(b, "\\\\", 2);
			break;
		case '\t':
			buf_add(b, "\\t", 2);
			break;
		case '\n':
			buf_add(b, "\\n", 2);
			break;
		case '\r':
			buf_add(b, "\\r", 2);
			break;
		default:
			buf_addc(b, s[i]);
		}
	}
}

/* Quotes a value in a reason: valid UTF-8 only, cut at a character. */
static void
motif_valeur(struct buf *m, const char *s, size_t n)
{
	size_t i, chars = 0;

	if (!u8_ok((const unsigned char *)s, n)) {
		buf_adds(m, " (valeur non UTF-8 ou contenant un octet nul)");
		return;
	}
	buf_adds(m, " «");
	for (i = 0; i < n; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 &&
		    chars++ == MOTIF_VALEUR_MAX) {
			buf_adds(m, "…");
			break;
		}
		buf_addc(m, s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ?
		    ' ' : s[i]);
	}
	buf_adds(m, "»");
}

static int
fail(const struct kcol *col, int pos, const char *what, const char *s,
    size_t n, struct buf *m)
{
	buf_addf(m, "champ %d (%s) : %s", pos, col->name, what);
	if (n > 0)
		motif_valeur(m, s, n);
	return -1;
}

/* Binary COPY: big-endian integers, each value after its length. */
static void
be(struct buf *b, uint64_t v, int bytes)
{
	char t[8];
	int i;

	for (i = bytes - 1; i >= 0; i--, v >>= 8)
		t[i] = (char)(v & 0xff);
	buf_add(b, t, (size_t)bytes);
}

/* Its length, then the value: one append (a month of visits has 2 million). */
static void
bin_int(struct buf *b, int64_t v, int bytes)
{
	unsigned char t[12] = { 0, 0, 0, (unsigned char)bytes };
	uint64_t u = (uint64_t)v;
	int i;

	for (i = 3 + bytes; i > 3; i--, u >>= 8)
		t[i] = (unsigned char)(u & 0xff);
	buf_add(b, (const char *)t, (size_t)(4 + bytes));
}

/* numeric: base-10000 digits, weight of the first, sign, display scale. */
static void
bin_numeric(struct buf *b, int64_t v, int scale)
{
	char tmp[48], d[56];
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	int16_t g[14];
	int nt = 0, nd = 0, ip, pad, i, ng = 0, first, last, weight;

	do {	/* |v|, least significant digit first */
		tmp[nt++] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	while (nt <= scale && nt < (int)sizeof tmp)
		tmp[nt++] = '0';
	ip = nt - scale;	/* integer digits, at least one */
	pad = (4 - ip % 4) % 4;
	for (i = 0; i < pad; i++)
		d[nd++] = '0';
	while (nt > 0)
		d[nd++] = tmp[--nt];
	while ((nd - pad - ip) % 4 != 0)
		d[nd++] = '0';
	for (i = 0; i < nd; i += 4)
		g[ng++] = (int16_t)((d[i] - '0') * 1000 + (d[i + 1] - '0') * 100 +
		    (d[i + 2] - '0') * 10 + (d[i + 3] - '0'));
	weight = (pad + ip) / 4 - 1;
	for (first = 0; first < ng && g[first] == 0; first++)
		weight--;
	for (last = ng; last > first && g[last - 1] == 0; last--)
		;
	if (first == last)
		weight = 0;
	be(b, (uint64_t)(8 + 2 * (last - first)), 4);
	be(b, (uint64_t)(last - first), 2);
	be(b, (uint64_t)(int64_t)weight, 2);
	be(b, v < 0 && first < last ? 0x4000 : 0, 2);
	be(b, (uint64_t)scale, 2);
	for (i = first; i < last; i++)
		be(b, (uint64_t)g[i], 2);
}

/*
 * Appends the binary COPY form of one value, or explains in m why not;
 * *pv is the integer it stands for (days, microseconds, scaled decimal).
 */
static int
value(const struct kcol *col, int pos, const char *s, size_t n,
    struct buf *out, struct buf *m, int64_t *pv)
{
	const char *what = NULL;
	int64_t v = 0;

	if (n == 0) {
		if (col->req)
			what = "valeur obligatoire absente";
		else
			be(out, UINT32_MAX, 4);	/* NULL */
	} else if (!u8_ok((const unsigned char *)s, n)) {
		what = "octets invalides : UTF-8 attendu, sans octet nul";
	} else {
		switch (col->type) {
		case 'D':
			if (!date_ok(s, n, &v))
				what = "date invalide, attendu AAAA-MM-JJ";
			else
				bin_int(out, v, 4);
			*pv = v;
			return what == NULL ? 0 : fail(col, pos, what, s, n, m);
		case 'M':
			if (n != 7 || s[4] != '-' || num(s, 4) < 0 ||
			    num(s + 5, 2) < 1 || num(s + 5, 2) > 12)
				what = "mois invalide, attendu AAAA-MM";
			break;
		case 'H':
			if (!instant_ok(s, n, &v))
				what = "instant invalide, attendu "
				    "AAAA-MM-JJTHH:MM:SS+HH:MM";
			else
				bin_int(out, v, 8);
			*pv = v;
			return what == NULL ? 0 : fail(col, pos, what, s, n, m);
		case 'B':
			if (n != 1 || (s[0] != '0' && s[0] != '1'))
				what = "booléen invalide, attendu 1 ou 0";
			else
				bin_int(out, s[0] == '1', 1);
			*pv = n == 1 && s[0] == '1';
			return what == NULL ? 0 : fail(col, pos, what, s, n, m);
		case 'I':
			if (dec_parse(s, n, 0, &v) != 0 || memchr(s, ',', n) ||
			    memchr(s, '.', n))
				what = "entier invalide";
			else
				bin_int(out, v, 8);
			*pv = v;
			return what == NULL ? 0 : fail(col, pos, what, s, n, m);
		case 'N':
			if (memchr(s, ',', n) != NULL ||
			    dec_parse(s, n, col->scale, &v) != 0)
				what = "nombre invalide, attendu un décimal "
				    "avec un point";
			else
				bin_numeric(out, v, col->scale);
			*pv = v;
			return what == NULL ? 0 : fail(col, pos, what, s, n, m);
		}
		if (what == NULL) {	/* text */
			be(out, n, 4);
			buf_add(out, s, n);
		}
	}
	return what == NULL ? 0 : fail(col, pos, what, s, n, m);
}

static int
derived(const struct kind *k, const char *name)
{
	int i;

	for (i = 0; k->derived != NULL && k->derived[i] != NULL; i += 2)
		if (strcmp(k->derived[i], name) == 0)
			return 1;
	return 0;
}

/* Index of a key column in the CSV, -1 for a derived one. */
static int
keyidx(const struct kind *k, const char *name)
{
	int i;

	for (i = 0; k->cols[i].name != NULL; i++)
		if (strcmp(k->cols[i].name, name) == 0)
			return i;
	if (derived(k, name))
		return -1;
	die(EX_SOFTWARE, "clé %s absente du type %s", name, k->name);
}

static void
reject(struct load *L, unsigned long line, const struct row *r,
    const char *motif)
{
	struct buf b = { 0 };
	int i, ki;

	buf_addf(&b, "%lu\t", line);
	copy_escape(&b, motif, strlen(motif));
	for (i = 0; L->k->key[i] != NULL; i++) {
		ki = keyidx(L->k, L->k->key[i]);
		buf_addc(&b, '\t');
		if (ki >= 0 && (size_t)ki < r->n && r->len[ki] > 0 &&
		    u8_ok((unsigned char *)r->v[ki], r->len[ki]))
			copy_escape(&b, r->v[ki], r->len[ki]);
		else
			buf_add(&b, "\\N", 2);
	}
	buf_addc(&b, '\n');
	if (fwrite(b.p, 1, b.len, L->rej) != b.len)
		die(EX_IOERR, "fichier temporaire : %s", strerror(errno));
	buf_free(&b);
	L->rejetees_c++;
}

/*
 * SHA-256 of stdin. A regular file is hashed while it streams, a block
 * between two COPY messages, when the client would wait for the server
 * anyway; a pipe is spooled to an unlinked temporary file, hashed on the
 * way.
 */
#define HASH_BLOCK	(256 * 1024)

static void
hash_end(struct load *L)
{
	unsigned char md[EVP_MAX_MD_SIZE];

	EVP_DigestFinal_ex(L->md, md, NULL);
	EVP_MD_CTX_free(L->md);
	L->md = NULL;
	sha256_hex(md, L->sha);
}

static void
hash_step(struct load *L, int all)
{
	static unsigned char blk[HASH_BLOCK];
	ssize_t n;

	while (L->md != NULL) {
		n = pread(L->fd, blk, sizeof blk, L->hoff);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			die(EX_IOERR, "entrée standard : %s", strerror(errno));
		}
		if (n == 0) {
			hash_end(L);
			break;
		}
		EVP_DigestUpdate(L->md, blk, (size_t)n);
		L->hoff += n;
		if (!all)
			break;
	}
}

static void
fingerprint(struct load *L)
{
	unsigned char blk[65536];
	struct stat st;
	const char *td = getenv("TMPDIR");
	struct buf path = { 0 };
	ssize_t n;
	int out;

	if ((L->md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(L->md, EVP_sha256(), NULL) != 1)
		die(EX_SOFTWARE, "SHA-256 indisponible");
	if (fstat(0, &st) == -1)
		die(EX_NOINPUT, "entrée standard : %s", strerror(errno));
	L->fd = 0;
	L->hoff = 0;
	if (S_ISREG(st.st_mode)) {
		if (lseek(0, 0, SEEK_SET) == -1)
			die(EX_IOERR, "entrée standard : %s", strerror(errno));
		return;
	}
	buf_addf(&path, "%s/registre.XXXXXX", td && *td ? td : "/tmp");
	if ((out = mkstemp(path.p)) == -1)
		die(EX_CANTCREAT, "%s : %s", path.p, strerror(errno));
	unlink(path.p);
	while ((n = read(0, blk, sizeof blk)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			die(EX_IOERR, "entrée standard : %s", strerror(errno));
		}
		EVP_DigestUpdate(L->md, blk, (size_t)n);
		if (write(out, blk, (size_t)n) != n)
			die(EX_IOERR, "fichier temporaire : %s", strerror(errno));
	}
	hash_end(L);
	L->fd = out;
	if (lseek(L->fd, 0, SEEK_SET) == -1)
		die(EX_IOERR, "fichier temporaire : %s", strerror(errno));
	buf_free(&path);
}

static void
put(struct load *L, struct buf *b, int force)
{
	if (b->len == 0 || (!force && b->len < 256 * 1024))
		return;
	db_copy_put(L->c, b->p, b->len);
	buf_reset(b);
	hash_step(L, 0);
}

/* Client-side duplicate keys need every key column in the CSV, as text. */
static void
cles_init(struct load *L)
{
	struct cles *c = &L->cles;
	int i, ki;

	c->actif = 1;
	for (i = 0; L->k->key[i] != NULL; i++) {
		ki = keyidx(L->k, L->k->key[i]);
		if (ki < 0 || i == (int)(sizeof c->col / sizeof c->col[0]) ||
		    (L->k->cols[ki].type != 'T' && L->k->cols[ki].type != 'M')) {
			c->actif = 0;
			return;
		}
		c->col[i] = ki;
	}
	c->ncol = i;
	c->cap = 1024;
	c->t = xcalloc(c->cap, sizeof c->t[0]);
	c->e = xcalloc(c->cap / 2, sizeof c->e[0]);
}

static void
cles_free(struct cles *c)
{
	free(c->t);
	free(c->e);
	c->t = NULL;
	c->e = NULL;
	buf_free(&c->arena);
	buf_free(&c->k);
}

/* The slot of this key, or the free slot where it goes. */
static uint64_t *
cles_slot(struct cles *c, uint32_t tag, const char *k, size_t len)
{
	size_t i = tag & (c->cap - 1);
	const struct cle *e;
	uint64_t *t;

	for (;; i = (i + 1) & (c->cap - 1)) {
		t = &c->t[i];
		if (*t == 0)
			return t;
		if (*t >> 32 != tag)
			continue;
		e = &c->e[(*t & UINT32_MAX) - 1];
		if (e->len == len && memcmp(c->arena.p + e->off, k, len) == 0)
			return t;
	}
}

static void
cles_grow(struct cles *c)
{
	uint64_t *old = c->t;
	size_t i, j, n = c->cap;

	c->cap *= 2;
	c->t = xcalloc(c->cap, sizeof c->t[0]);
	for (i = 0; i < n; i++) {
		if (old[i] == 0)
			continue;
		for (j = (old[i] >> 32) & (c->cap - 1); c->t[j] != 0;
		    j = (j + 1) & (c->cap - 1))
			;
		c->t[j] = old[i];
	}
	free(old);
	c->e = xrealloc(c->e, c->cap / 2 * sizeof c->e[0]);
}

/*
 * Returns the line where this row's key first appeared, or 0 (and then
 * remembers it). Past CLES_MAX keys the server takes over: the rows kept
 * so far are distinct, the first of any later repeat is among them.
 */
static unsigned long
cles_vue(struct cles *c, const struct row *r, unsigned long ligne)
{
	uint64_t h = UINT64_C(14695981039346656037), *t;
	uint32_t tag;
	struct cle *e;
	size_t i;
	int j;

	if (!c->actif)
		return 0;
	buf_reset(&c->k);
	for (j = 0; j < c->ncol; j++) {
		if (r->len[c->col[j]] == 0) {
			buf_addc(&c->k, 0);
			continue;
		}
		buf_addc(&c->k, 1);
		be(&c->k, r->len[c->col[j]], 4);
		buf_add(&c->k, r->v[c->col[j]], r->len[c->col[j]]);
	}
	for (i = 0; i < c->k.len; i++)
		h = (h ^ (unsigned char)c->k.p[i]) * UINT64_C(1099511628211);
	h ^= h >> 33;	/* FNV-1a's low bits, mixed (MurmurHash3's finaliser) */
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	tag = (uint32_t)h;
	t = cles_slot(c, tag, c->k.p, c->k.len);
	if (*t != 0)
		return c->e[(*t & UINT32_MAX) - 1].ligne;
	if (c->n == CLES_MAX) {
		cles_free(c);
		c->actif = 0;
		return 0;
	}
	e = &c->e[c->n++];
	e->off = c->arena.len;
	e->len = c->k.len;
	e->ligne = ligne;
	*t = (uint64_t)tag << 32 | c->n;
	buf_add(&c->arena, c->k.p, c->k.len);
	if (c->n * 2 >= c->cap)	/* e holds cap / 2 entries */
		cles_grow(c);
	return 0;
}

static void
check_header(struct load *L, const struct row *r)
{
	int i;

	for (i = 0; i < L->ncols; i++) {
		if ((size_t)i >= r->n)
			die(EX_DATAERR, "%s: ligne 1 : en-tête incomplet, colonne "
			    "%d « %s » attendue (voir la liste des colonnes "
			    "dans registre(1))", msg_net(L->source), i + 1,
			    L->k->cols[i].name);
		if (strcmp(r->v[i], L->k->cols[i].name) != 0)
			die(EX_DATAERR, "%s: ligne 1 : en-tête inattendu, "
			    "colonne %d « %s » au lieu de « %s »",
			    msg_net(L->source), i + 1, msg_net(r->v[i]),
			    L->k->cols[i].name);
	}
	if (r->n != (size_t)L->ncols)
		die(EX_DATAERR, "%s: ligne 1 : en-tête de %zu colonnes, %d "
		    "attendues pour %s", msg_net(L->source), r->n, L->ncols,
		    L->k->name);
}

/*
 * Each column's longest legal value, in bytes, for the CSV reader: for
 * text, the ledger's own bound (the char_length checks of migration 7, four
 * bytes a character of UTF-8); for the other types, their longest form.
 * Text the ledger does not bound keeps only the record's bound.
 */
static size_t *
limits(struct load *L)
{
	PGresult *r;
	const char *p[1] = { L->k->table };
	size_t *cap = xcalloc((size_t)L->ncols, sizeof *cap);
	int i, k;

	r = db_query(L->c, "SELECT a.attname, substring(c.conname FROM "
	    "'_([0-9]+)_caracteres_au_plus$')::int FROM pg_constraint c "
	    "JOIN pg_attribute a ON a.attrelid = c.conrelid AND "
	    "a.attnum = c.conkey[1] WHERE c.conrelid = "
	    "to_regclass(format('cesutg.%I', $1::text)) AND c.contype = 'c' "
	    "AND c.conname ~ '_[0-9]+_caracteres_au_plus$'", 1, p);
	for (i = 0; i < L->ncols; i++) {
		const struct kcol *col = &L->k->cols[i];

		switch (col->type) {
		case 'D': cap[i] = 10; break;
		case 'M': cap[i] = 7; break;
		case 'B': cap[i] = 1; break;
		case 'H': cap[i] = 25; break;
		case 'I': cap[i] = 20; break;	/* an int64 and its sign */
		case 'N': cap[i] = 21 + (size_t)col->scale; break;
		default:
			for (k = 0; k < PQntuples(r); k++)
				if (strcmp(PQgetvalue(r, k, 0), col->name) == 0)
					cap[i] = 4 * (size_t)atoi(PQgetvalue(r,
					    k, 1));
		}
	}
	PQclear(r);
	return cap;
}

/*
 * The audit digest of a large file's rows, computed here as they stream
 * (struct empreinte): audit_insertion otherwise formats every inserted
 * row as text and hashes it, a month of visits' largest cost on the
 * server. Only for a file that merely adds (the insert takes the rows in
 * file order, their ids from the table's sequence), when each column of
 * the table is one this load gives or leaves NULL; the server takes the
 * sums only if its own digest of a sample agrees (regles/audit.sql).
 */
#define EMPREINTE_MIN	(2L * 1024 * 1024)	/* bytes: below, cheap anyway */
#define EMPREINTE_PAS	997	/* one row in PAS digested again by the server */
#define EMP_ID		(-1)
#define EMP_LIGNE	(-2)
#define EMP_ING		(-3)
#define EMP_DATE	(-4)
#define EMP_NULL	(-5)

static const char *sqltype(const struct kcol *);

/* Where each column of the table comes from, or 0 when one is unknown. */
static int
empreinte_cols(struct load *L)
{
	struct empreinte *e = &L->emp;
	const char *p[1] = { L->k->table };
	const char *nom, *type;
	PGresult *r;
	int i, j, s, defaut;

	r = db_query(L->c, "SELECT a.attname, CASE a.atttypid WHEN "
	    "'timestamptz'::regtype THEN 'timestamptz' ELSE format_type("
	    "a.atttypid, a.atttypmod) END, a.atthasdef OR a.attgenerated <> '' OR "
	    "a.attidentity <> '' FROM pg_attribute a WHERE a.attrelid = "
	    "to_regclass(format('cesutg.%I', $1::text)) AND a.attnum > 0 AND "
	    "NOT a.attisdropped ORDER BY a.attnum", 1, p);
	e->ncol = PQntuples(r);
	e->src = xcalloc((size_t)e->ncol + 1, sizeof e->src[0]);
	for (i = 0; i < e->ncol; i++) {
		nom = PQgetvalue(r, i, 0);
		type = PQgetvalue(r, i, 1);
		defaut = strcmp(PQgetvalue(r, i, 2), "t") == 0;
		s = EMP_NULL;
		for (j = 0; j < L->ncols; j++)
			if (strcmp(L->k->cols[j].name, nom) == 0)
				s = j;
		if (s >= 0)
			s = strcmp(type, sqltype(&L->k->cols[s])) == 0 ? s :
			    EMP_NULL - 1;
		else if (strcmp(nom, "id") == 0)
			s = strcmp(type, "bigint") == 0 && defaut ? EMP_ID :
			    EMP_NULL - 1;
		else if (strcmp(nom, "ligne") == 0 ||
		    strcmp(nom, "ingestion_debut") == 0)
			s = strcmp(type, "bigint") == 0 ? (nom[0] == 'l' ?
			    EMP_LIGNE : EMP_ING) : EMP_NULL - 1;
		else if (strcmp(nom, "valide_du") == 0)
			s = strcmp(type, "date") == 0 ? EMP_DATE : EMP_NULL - 1;
		else if (defaut)	/* a value we cannot know */
			s = EMP_NULL - 1;
		if (s < EMP_NULL) {
			PQclear(r);
			return 0;
		}
		e->src[i] = s;
	}
	PQclear(r);
	return e->ncol > 0 && e->src[0] == EMP_ID;
}

/*
 * Decides, before the file streams, whether its digest is computed here:
 * then the ingestion id is reserved (the rows' text holds it) and the
 * first id is the sequence's next one (one load of a kind at a time). The
 * database's character classes must be those of C for bytes above 127
 * (C, or a UTF-8 locale): record_out quotes a value with a space in it.
 */
static void
empreinte_init(struct load *L)
{
	struct empreinte *e = &L->emp;
	const char *p[1] = { L->k->table };
	const char *enc;
	struct stat st;
	PGresult *r;

	if (L->k->snapshot || L->k->derived != NULL || L->k->before != NULL ||
	    fstat(L->fd, &st) == -1 || st.st_size < EMPREINTE_MIN ||
	    (enc = PQparameterStatus(L->c, "server_encoding")) == NULL ||
	    strcmp(enc, "UTF8") != 0 || !empreinte_cols(L))
		return;
	r = db_query(L->c, "SELECT CASE WHEN x.ok THEN "
	    "nextval(pg_get_serial_sequence('cesutg.ingestion', 'id')) END, "
	    "CASE WHEN x.ok THEN pg_sequence_last_value(x.s) + 1 END FROM "
	    "(SELECT s, coalesce((SELECT q.seqincrement = 1 AND q.seqcache = 1 "
	    "AND pg_sequence_last_value(s) IS NOT NULL FROM pg_sequence q WHERE "
	    "q.seqrelid = s), false) AND current_setting('lc_ctype') ~* "
	    "'^(C|POSIX)$|\\.utf-?8$' AS ok FROM (SELECT pg_get_serial_sequence("
	    "format('cesutg.%I', $1::text), 'id')::regclass AS s) y) x", 1, p);
	if (!PQgetisnull(r, 0, 0)) {
		snprintf(e->ing, sizeof e->ing, "%s", PQgetvalue(r, 0, 0));
		e->premier = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
		if ((e->sha = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL ||
		    (e->md = EVP_MD_CTX_new()) == NULL)
			die(EX_SOFTWARE, "SHA-256 indisponible");
		e->actif = 1;
	}
	PQclear(r);
}

/* A value as record_out writes it in a row: quoted when it must be. */
static void
emp_valeur(struct buf *t, const char *s, size_t n)
{
	size_t i;
	int q = n == 0;

	for (i = 0; i < n && !q; i++)
		q = s[i] == '"' || s[i] == '\\' || s[i] == '(' || s[i] == ')' ||
		    s[i] == ',' || s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r');
	if (!q) {
		buf_add(t, s, n);
		return;
	}
	buf_addc(t, '"');
	for (i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			buf_addc(t, s[i]);
		buf_addc(t, s[i]);
	}
	buf_addc(t, '"');
}

/* Decimal digits without printf: a month of visits has 3 million values. */
static void
emp_uint(struct buf *t, uint64_t u, int width)
{
	char d[24];
	int n = 0;

	do {
		d[sizeof d - 1 - n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0 || n < width);
	buf_add(t, d + sizeof d - n, (size_t)n);
}

static void
emp_int(struct buf *t, int64_t v)
{
	if (v < 0)
		buf_addc(t, '-');
	emp_uint(t, v < 0 ? -(uint64_t)v : (uint64_t)v, 1);
}

/*
 * Seconds since 1970 as timestamptz (UTC, ISO, quoted: it holds a space)
 * or date text; 0 when the year is not of four digits. Days' texts are
 * kept: a file's instants fall on a few days.
 */
#define EMP_JOURS	64	/* days' texts kept, by day modulo */

static int
emp_instant(struct buf *t, int64_t secs, int date)
{
	static struct {
		int64_t	 jour;
		char	 texte[32];
	} c[EMP_JOURS];
	static int pret;
	int64_t z = (secs >= 0 ? secs : secs - 86399) / 86400, v,
	    sod = secs - z * 86400;
	time_t tt = (time_t)(z * 86400);
	struct tm tm;
	char x[24], *texte;
	int i;

	for (i = 0; !pret && i < EMP_JOURS; i++)
		c[i].jour = INT64_MIN;
	pret = 1;
	i = (int)(((uint64_t)z) % EMP_JOURS);
	texte = c[i].texte;
	if (c[i].jour != z) {
		c[i].jour = INT64_MIN;
		if (gmtime_r(&tt, &tm) == NULL || tm.tm_year + 1900 < 1 ||
		    tm.tm_year + 1900 > 9999)
			return 0;
		snprintf(texte, sizeof c[i].texte, "%04d-%02d-%02d",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
		c[i].jour = z;
	}
	if (date) {
		buf_add(t, texte, 10);
		return 1;
	}
	x[0] = '"';	/* "AAAA-MM-JJ HH:MM:SS+00", in one append */
	memcpy(x + 1, texte, 10);
	x[11] = ' ';
	for (i = 0, v = sod / 3600; i < 3; i++) {
		x[12 + 3 * i] = (char)('0' + v / 10);
		x[13 + 3 * i] = (char)('0' + v % 10);
		x[14 + 3 * i] = ':';
		v = i == 0 ? sod / 60 % 60 : sod % 60;
	}
	memcpy(x + 20, "+00\"", 4);
	buf_add(t, x, sizeof x);
	return 1;
}

/* The output text of one CSV value checked by value(), v what it read. */
static int
emp_csv(struct buf *t, const struct kcol *col, const char *s, size_t n,
    int64_t v)
{
	uint64_t u, d;
	int i;

	if (n == 0)
		return 1;	/* NULL: nothing between the commas */
	switch (col->type) {
	case 'H':
		return emp_instant(t, (v >= 0 ? v : v - 999999) /
		    INT64_C(1000000) + PG_EPOCH, 0);
	case 'D':
		return emp_instant(t, v * 86400 + PG_EPOCH, 1);
	case 'B':
		buf_addc(t, v ? 't' : 'f');
		return 1;
	case 'I':
		emp_int(t, v);
		return 1;
	case 'N':
		u = v < 0 ? -(uint64_t)v : (uint64_t)v;
		for (d = 1, i = 0; i < col->scale; i++)
			d *= 10;
		if (v < 0)
			buf_addc(t, '-');
		emp_uint(t, u / d, 1);
		if (col->scale > 0) {
			buf_addc(t, '.');
			emp_uint(t, u % d, col->scale);
		}
		return 1;
	}
	emp_valeur(t, s, n);
	return 1;
}

/* One accepted row, the id it will get being premier + n. */
static void
empreinte_ligne(struct load *L, const struct row *r, const int64_t *vals,
    unsigned long line)
{
	struct empreinte *e = &L->emp;
	unsigned char md[EVP_MAX_MD_SIZE];
	int i, s, ok = 1;

	buf_reset(&e->t);
	buf_addc(&e->t, '(');
	for (i = 0; i < e->ncol && ok; i++) {
		if (i > 0)
			buf_addc(&e->t, ',');
		switch ((s = e->src[i])) {
		case EMP_ID:
			emp_int(&e->t, e->premier + (long long)e->n);
			break;
		case EMP_LIGNE:
			emp_uint(&e->t, line, 1);
			break;
		case EMP_ING:
			buf_adds(&e->t, e->ing);
			break;
		case EMP_DATE:
			buf_adds(&e->t, L->date);
			break;
		case EMP_NULL:
			break;
		default:
			ok = emp_csv(&e->t, &L->k->cols[s], r->v[s], r->len[s],
			    vals[s]);
		}
	}
	if (!ok) {	/* a value out of what is written here: the server's */
		e->actif = 0;
		return;
	}
	while (e->t.len > 0 && (e->t.p[e->t.len - 1] == ',' ||
	    e->t.p[e->t.len - 1] == ')'))	/* audit_sha's rtrim */
		e->t.len--;
	if (EVP_DigestInit_ex(e->md, e->sha, NULL) != 1 ||
	    EVP_DigestUpdate(e->md, e->t.p, e->t.len) != 1 ||
	    EVP_DigestFinal_ex(e->md, md, NULL) != 1)
		die(EX_SOFTWARE, "SHA-256 indisponible");
	for (i = 0; i < EMPREINTE_OCTETS; i++) {
		e->octets[i] += md[i];
		if (e->n % EMPREINTE_PAS == 0)
			e->ech[i] += md[i];
	}
	memcpy(e->der, md, EMPREINTE_OCTETS);
	e->n++;
}

/* The sums for audit_insertion, as the statement that hands them over. */
static void
empreinte_sql(struct load *L, struct buf *b)
{
	struct empreinte *e = &L->emp;
	struct buf j = { 0 };
	char *lit;
	int i;

	if (!e->actif || e->n == 0 || (long long)e->n != L->acceptees)
		return;
	buf_addf(&j, "{\"t\": \"%s\", \"lignes\": %lu, \"premier_id\": %lld, "
	    "\"dernier_id\": %lld, \"pas\": %d, \"octets\": [", L->k->table,
	    e->n, e->premier, e->premier + (long long)e->n - 1, EMPREINTE_PAS);
	for (i = 0; i < EMPREINTE_OCTETS; i++)
		buf_addf(&j, "%s%llu", i ? ", " : "",
		    (unsigned long long)e->octets[i]);
	buf_adds(&j, "], \"echantillon\": [");
	for (i = 0; i < EMPREINTE_OCTETS; i++)	/* the last row too */
		buf_addf(&j, "%s%llu", i ? ", " : "", (unsigned long long)
		    (e->ech[i] + ((e->n - 1) % EMPREINTE_PAS != 0 ? e->der[i] : 0)));
	buf_adds(&j, "]}");
	lit = PQescapeLiteral(L->c, j.p, j.len);
	buf_addf(b, "SELECT set_config('cesutg.somme_client', %s, true);\n", lit);
	PQfreemem(lit);
	buf_free(&j);
}

static void
empreinte_free(struct empreinte *e)
{
	free(e->src);
	buf_free(&e->t);
	EVP_MD_CTX_free(e->md);
	EVP_MD_free(e->sha);
}

/* Streams the CSV into COPY stg; returns after PQputCopyEnd succeeded. */
static void
stream(struct load *L, const size_t *cap)
{
	struct csvin in;
	struct row *r;
	struct buf out = { 0 }, m = { 0 };
	size_t mark;
	unsigned long premiere = 0;
	int64_t *vals = xcalloc((size_t)L->ncols, sizeof *vals);
	int i, bad;

	cles_init(L);
	csvin_open(&in, L->fd, L->source);
	if (!csvin_next(&in, &r))
		die(EX_DATAERR, "%s : fichier vide, en-tête attendu",
		    msg_net(L->source));
	check_header(L, r);
	csvin_limit(&in, r, cap);
	buf_add(&out, "PGCOPY\n\377\r\n\0", 11);
	be(&out, 0, 4);	/* flags */
	be(&out, 0, 4);	/* header extension */
	while (csvin_next(&in, &r)) {
		if (r->n == 1 && r->len[0] == 0)
			continue;
		L->lues++;
		buf_reset(&m);
		if (r->n != (size_t)L->ncols) {
			buf_addf(&m, "%zu champs au lieu de %d", r->n, L->ncols);
			reject(L, in.line, r, m.p);
			continue;
		}
		mark = out.len;
		be(&out, (uint64_t)L->ncols + 1, 2);
		bin_int(&out, (int64_t)in.line, 8);
		for (bad = 0, i = 0; i < L->ncols && !bad; i++) {
			bad = value(&L->k->cols[i], i + 1, r->v[i], r->len[i],
			    &out, &m, &vals[i]) != 0;
		}
		if (!bad && (premiere = cles_vue(&L->cles, r, in.line)) != 0)
			buf_addf(&m, "clé en double : déjà présente ligne %lu",
			    premiere);
		if (bad || premiere != 0) {
			out.len = mark;
			reject(L, in.line, r, m.p);
			continue;
		}
		put(L, &out, 0);
		if (L->emp.actif)
			empreinte_ligne(L, r, vals, in.line);
	}
	be(&out, UINT16_MAX, 2);	/* trailer */
	put(L, &out, 1);
	csvin_close(&in);
	cles_free(&L->cles);
	hash_step(L, 1);
	if (PQputCopyEnd(L->c, NULL) != 1)
		db_fail(L->c, NULL, "COPY");
	db_copy_done(L->c, "COPY");
	buf_free(&out);
	buf_free(&m);
	free(vals);
}

static void
copy_rejects(struct load *L)
{
	struct buf b = { 0 };

	if (fflush(L->rej) != 0 || fseek(L->rej, 0, SEEK_SET) != 0)
		die(EX_IOERR, "fichier temporaire : %s", strerror(errno));

	buf_adds(&b, "COPY rej (ligne, motif");
	load_keylist(&b, L->k, ",");
	buf_adds(&b, ") FROM STDIN");
	db_copy_file(L->c, b.p, L->rej, "fichier temporaire");
	buf_free(&b);
}

static const char *
sqltype(const struct kcol *col)
{
	switch (col->type) {
	case 'D':
		return "date";
	case 'H':
		return "timestamptz";
	case 'B':
		return "boolean";
	case 'I':
		return "bigint";
	case 'N':
		return "numeric";
	default:
		return "text";
	}
}

/*
 * Key columns compare with =, so that hash joins stay possible; optional
 * ones NULL-safe (the unique index says NULLS NOT DISTINCT), as two
 * equalities rather than IS NOT DISTINCT FROM, which no join can hash:
 * a reload of 20,000 order lines compared every row with every other.
 */
void
load_keymatch(struct buf *b, const struct kind *k, const char *a, const char *z)
{
	const char *c;
	int i, ki;

	for (i = 0; (c = k->key[i]) != NULL; i++) {
		ki = keyidx(k, c);
		if (i)
			buf_adds(b, " AND ");
		if (ki < 0 || k->cols[ki].req)
			buf_addf(b, "%s.%s = %s.%s", a, c, z, c);
		else
			buf_addf(b, "(%s.%s IS NULL) = (%s.%s IS NULL) AND "
			    "coalesce(%s.%s::text, '') = coalesce(%s.%s::text, '')",
			    a, c, z, c, a, c, z, c);
	}
}

static void
keyconcat(struct buf *b, const struct kind *k, const char *a)
{
	int i;

	buf_adds(b, "concat_ws('/'");
	for (i = 0; k->key[i] != NULL; i++)
		buf_addf(b, ", %s.%s", a, k->key[i]);
	buf_adds(b, ")");
}

void
load_tables(struct load *L)
{
	struct buf b = { 0 };
	int i;

	buf_adds(&b, "CREATE TEMP TABLE stg (ligne bigint");
	for (i = 0; i < L->ncols; i++)
		buf_addf(&b, ", %s %s", L->k->cols[i].name,
		    sqltype(&L->k->cols[i]));
	buf_adds(&b, ") ON COMMIT DROP; CREATE TEMP TABLE rej (ligne bigint, "
	    "motif text");
	for (i = 0; L->k->key[i] != NULL; i++)
		buf_addf(&b, ", %s text", L->k->key[i]);
	buf_adds(&b, ", valeurs jsonb) ON COMMIT DROP");
	db_exec(L->c, b.p);	/* both tables in one round trip */
	buf_free(&b);
}

/* $1 and $2 stand for the ingestion id and the data date, both ours. */
static void
load_subst(struct buf *b, const struct load *L, const char *sql,
    const char *ing)
{
	const char *p;

	for (p = sql; *p != '\0'; p++) {
		if (p[0] == '$' && p[1] == '1') {
			buf_adds(b, ing != NULL ? ing : "NULL");
			p++;
		} else if (p[0] == '$' && p[1] == '2') {
			buf_addf(b, "'%s'", L->date);
			p++;
		} else
			buf_addc(b, *p);
	}
}

/*
 * Statements whose results nobody reads, between lot_debut and lot_fin, go
 * to the server together: one round trip instead of one each, paid again
 * for each of a month's files (and dear on a busy machine). They still run
 * in order, in the load's transaction; the first that fails stops the
 * rest and the load, as before.
 */
static struct buf lot;
static int en_lot;

static void
lot_debut(void)
{
	buf_reset(&lot);
	en_lot = 1;
}

static void
lot_fin(struct load *L)
{
	en_lot = 0;
	if (lot.len > 0)
		db_exec(L->c, lot.p);
	buf_reset(&lot);
}

/* Sends the lot as it is: the last statement's result, not judged. */
static PGresult *
lot_envoi(struct load *L)
{
	PGresult *r;

	en_lot = 0;
	r = db_essai(L->c, lot.p);
	buf_reset(&lot);
	return r;
}

/* Ends the lot with a query: its result, to be cleared by the caller. */
static PGresult *
lot_requete(struct load *L, const char *sql)
{
	PGresult *r;

	buf_adds(&lot, sql);
	r = lot_envoi(L);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		db_fail(L->c, r, "requête");
	return r;
}

void
load_run(struct load *L, const char *sql, const char *ing)
{
	struct buf b = { 0 };

	load_subst(&b, L, sql, ing);
	if (en_lot) {
		buf_adds(&lot, b.p);
		buf_adds(&lot, ";\n");
	} else
		db_exec(L->c, b.p);
	buf_free(&b);
}

void
load_keylist(struct buf *b, const struct kind *k, const char *a)
{
	int i;

	for (i = 0; k->key[i] != NULL; i++)
		buf_addf(b, "%s%s%s", i || *a == ',' ? ", " : "",
		    *a == ',' ? a + 1 : a, k->key[i]);
}

void
load_derived_cols(struct load *L)
{
	const char *const *d = L->k->derived;
	struct buf b = { 0 };
	int i;

	for (i = 0; d != NULL && d[i] != NULL; i += 2) {
		buf_reset(&b);
		buf_addf(&b, "ALTER TABLE stg ADD %s bigint", d[i]);
		load_run(L, b.p, NULL);
	}
	buf_free(&b);
}

/* Derived columns, computed over the whole file before any rejection. */
static void
derive(struct load *L)
{
	const char *const *d = L->k->derived;
	struct buf b = { 0 };
	int i;

	load_derived_cols(L);
	for (i = 0; d != NULL && d[i] != NULL; i += 2) {
		buf_reset(&b);
		buf_addf(&b, "UPDATE stg t SET %s = d.v FROM (SELECT s.ligne, "
		    "%s AS v FROM stg s) d WHERE d.ligne = t.ligne", d[i],
		    d[i + 1]);
		load_run(L, b.p, NULL);
	}
	buf_free(&b);
}

/* Rows that contradict themselves, the file or the ledger leave stg. */
static void
validate(struct load *L)
{
	const struct kind *k = L->k;
	struct buf b = { 0 };
	PGresult *r;
	char *lit;
	int i, dup;

	dup = 0;
	if (!L->cles.actif) {	/* else done while streaming */
		lot_fin(L);
		lot_debut();
		buf_adds(&b, "SELECT EXISTS (SELECT 1 FROM stg GROUP BY ");
		load_keylist(&b, k, "");
		buf_adds(&b, " HAVING count(*) > 1)");
		r = db_query(L->c, b.p, 0, NULL);
		dup = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
		PQclear(r);
		buf_reset(&b);
	}
	buf_adds(&b, "WITH d AS (DELETE FROM stg s USING (SELECT ligne, "
	    "min(ligne) OVER (PARTITION BY ");
	load_keylist(&b, k, "");
	buf_adds(&b, ") AS premiere FROM stg) p WHERE p.ligne = s.ligne AND "
	    "p.premiere <> s.ligne RETURNING s.ligne, p.premiere");
	load_keylist(&b, k, ",s.");
	buf_adds(&b, ") INSERT INTO rej SELECT ligne, 'clé en double : déjà "
	    "présente ligne ' || premiere");
	load_keylist(&b, k, ",");
	buf_adds(&b, " FROM d");
	if (dup)
		load_run(L, b.p, NULL);
	if (k->rules == NULL || k->rules[0] == NULL) {
		buf_free(&b);
		return;
	}
	/* One pass over stg for every rule: the first one broken is the reason. */
	buf_reset(&b);
	buf_adds(&b, "WITH d AS (DELETE FROM stg s WHERE ");
	for (i = 0; k->rules[i] != NULL; i += 2)
		buf_addf(&b, "%s(%s)", i ? " OR " : "", k->rules[i]);
	buf_adds(&b, " RETURNING s.ligne, CASE");
	for (i = 0; k->rules[i] != NULL; i += 2) {
		if (k->rules[i + 1][0] == '=') {
			buf_addf(&b, " WHEN %s THEN %s", k->rules[i],
			    k->rules[i + 1] + 1);
			continue;
		}
		lit = PQescapeLiteral(L->c, k->rules[i + 1],
		    strlen(k->rules[i + 1]));
		buf_addf(&b, " WHEN %s THEN %s", k->rules[i], lit);
		PQfreemem(lit);
	}
	buf_adds(&b, " END AS motif");
	load_keylist(&b, k, ",s.");
	buf_adds(&b, ", to_jsonb(s) AS valeurs) INSERT INTO rej SELECT ligne, "
	    "motif");
	load_keylist(&b, k, ",");
	buf_adds(&b, ", valeurs FROM d");
	load_run(L, b.p, NULL);
	buf_free(&b);
}

/*
 * Statistics on the row number and the key only: the joins need them, the
 * long texts do not (without ligne's, a join of stg with itself was
 * estimated at 40 times its rows); a sample of 3,000 rows tells a unique
 * key as well as one of 30,000.
 */
#define ANALYSE_MIN	1000	/* staged rows: below, no statistics */

static void
analyze(struct load *L)
{
	struct buf b = { 0 };

	/*
	 * A small file's staging table fits in a few pages, which the
	 * planner counts without statistics; analysing it cost a fresh
	 * backend 1.3 ms, the largest of a small file's fixed costs after
	 * COMMIT (its plans index into the ledger either way). The target
	 * stays set: later statements of the load analyse their own tables.
	 */
	if (L->lues - L->rejetees_c < ANALYSE_MIN) {
		load_run(L, "SET LOCAL default_statistics_target = 10", NULL);
		return;
	}
	buf_adds(&b, "SET LOCAL default_statistics_target = 10; ANALYZE stg "
	    "(ligne, ");
	load_keylist(&b, L->k, "");
	buf_adds(&b, ")");
	load_run(L, b.p, NULL);
	buf_free(&b);
}

/* Every staged row new: no join to materialise. */
#define CLS_NOUVELLES	"CREATE TEMP VIEW cls AS SELECT ligne, NULL::bigint " \
	"AS ancien, NULL::text AS champs FROM stg"

/*
 * A file that only adds (the usual day of visits) is merged without first
 * looking for its keys among the current rows, a join as large as the
 * file: the unique index on the current rows' key (TABLE_courant, over
 * the key, valide_au IS NULL), which every kind's table has, stops the
 * insert of a row whose key is current; the load then rolls back to the
 * savepoint taken before and classifies. Without that index, no trial;
 * nor when one of the file's first rows is already current (a daily file
 * of clients names them all again): that trial would be undone.
 */
#define ESSAI_SONDE	"100"	/* first rows looked up before a trial */

/* Whether every key column is required: the key then compares with =. */
static int
cles_requises(const struct kind *k)
{
	int i, j;

	for (i = 0; k->key[i] != NULL && (j = keyidx(k, k->key[i])) >= 0 &&
	    k->cols[j].req; i++)
		;
	return k->key[i] == NULL;
}

static int
nouvelles(struct load *L)
{
	struct buf q = { 0 };
	PGresult *r;
	int ok, idx = cles_requises(L->k);

	/*
	 * The statements of the lot, then this question: one round trip.
	 * Each probed row looked up by the current-key index (LATERAL ...
	 * LIMIT 1, as classify does): planned as a join, on statistics that
	 * undercounted the current rows, it read all of a month's 11,000
	 * current clients for each clients file (4 ms).
	 */
	buf_addf(&q, "SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid "
	    "= to_regclass('cesutg.%s_courant') AND indisunique AND indpred IS "
	    "NOT NULL) AND NOT EXISTS (SELECT 1 FROM (SELECT * FROM stg LIMIT "
	    ESSAI_SONDE ") s", L->k->table);
	buf_addf(&q, idx ? ", LATERAL (SELECT 1 FROM %s t WHERE t.valide_au "
	    "IS NULL AND " : " JOIN %s t ON t.valide_au IS NULL AND ",
	    L->k->table);
	load_keymatch(&q, L->k, "t", "s");
	buf_adds(&q, idx ? " LIMIT 1) x)" : ")");
	r = lot_requete(L, q.p);
	ok = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	buf_free(&q);
	return ok;
}

/* Whether a column is part of the key. */
static int
estcle(const struct kind *k, const char *name)
{
	int j;

	for (j = 0; k->key[j] != NULL; j++)
		if (strcmp(k->key[j], name) == 0)
			return 1;
	return 0;
}

/* Each name of the space-separated list, through fmt (%s, or %1$s). */
static void
colonnes(struct buf *b, const char *noms, const char *fmt, const char *sep)
{
	char nom[128];
	const char *p, *e;
	size_t n;

	for (p = noms; *p != '\0'; p = *e ? e + 1 : e) {
		e = strchr(p, ' ');
		if (e == NULL)
			e = p + strlen(p);
		n = (size_t)(e - p) < sizeof nom ? (size_t)(e - p) :
		    sizeof nom - 1;
		memcpy(nom, p, n);
		nom[n] = '\0';
		if (p != noms)
			buf_adds(b, sep);
		buf_addf(b, fmt, nom);
	}
}

static void
classify(struct load *L)
{
	const struct kind *k = L->k;
	struct buf b = { 0 }, cmp = { 0 };
	PGresult *r;
	int i, any, idx;

	/*
	 * The usual visits file only adds: no join to materialise. Asked
	 * row by row through the current-key index when every key column is
	 * required (LIMIT 1 keeps it a lookup): a hash of the table's current
	 * rows cost what the ledger holds, not what the file holds. So is
	 * the comparison (a daily clients file names all of a SAD's clients).
	 */
	idx = cles_requises(k);
	buf_addf(&b, idx ? "SELECT EXISTS (SELECT 1 FROM stg s, "
	    "LATERAL (SELECT 1 FROM %s t WHERE t.valide_au IS NULL AND " :
	    "SELECT EXISTS (SELECT 1 FROM stg s JOIN %s t ON t.valide_au IS "
	    "NULL AND ", k->table);
	load_keymatch(&b, k, "t", "s");
	buf_adds(&b, idx ? " LIMIT 1) x)" : ")");
	r = db_query(L->c, b.p, 0, NULL);
	any = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	buf_reset(&b);
	if (!any) {
		db_exec(L->c, CLS_NOUVELLES);
		buf_free(&b);
		return;
	}
	/*
	 * The compared columns: not the key, not those kept without being
	 * compared. Most rows of a snapshot are unchanged: one comparison of
	 * the rows tells them, before the names of the changed columns are
	 * spelt out (a CASE per column, then their concatenation).
	 */
	for (i = 0; i < L->ncols; i++) {
		if (!k->cols[i].nocmp && !estcle(k, k->cols[i].name))
			buf_addf(&cmp, "%s%s", cmp.len ? " " : "",
			    k->cols[i].name);
	}
	for (i = 0; k->derived != NULL && k->derived[i] != NULL; i += 2)
		if (!estcle(k, k->derived[i]))
			buf_addf(&cmp, "%s%s", cmp.len ? " " : "",
			    k->derived[i]);
	buf_adds(&b, "CREATE TEMP TABLE cls ON COMMIT DROP AS SELECT s.ligne, "
	    "t.id AS ancien, CASE WHEN t.id IS NULL THEN NULL");
	if (cmp.len > 0) {
		buf_adds(&b, " WHEN ROW(");
		colonnes(&b, cmp.p, "s.%s", ", ");
		buf_adds(&b, ") IS NOT DISTINCT FROM ROW(");
		colonnes(&b, cmp.p, "t.%s", ", ");
		buf_adds(&b, ") THEN ''");
	}
	buf_adds(&b, " ELSE concat_ws(' '");
	if (cmp.len > 0) {
		buf_adds(&b, ", ");
		colonnes(&b, cmp.p, "CASE WHEN s.%1$s IS DISTINCT FROM t.%1$s "
		    "THEN '%1$s' END", ", ");
	}
	buf_addf(&b, idx ? ") END AS champs FROM stg s LEFT JOIN LATERAL "
	    "(SELECT * FROM %s t WHERE t.valide_au IS NULL AND " : ") END AS "
	    "champs FROM stg s LEFT JOIN %s t ON t.valide_au IS NULL AND ",
	    k->table);
	load_keymatch(&b, k, "t", "s");
	buf_adds(&b, idx ? " LIMIT 1) t ON true" : "");
	load_run(L, b.p, NULL);
	/*
	 * A snapshot changes a few rows of the thousands it names: without
	 * statistics, the planner took three in four for changed and sorted
	 * the whole of stg to find them for the insert.
	 */
	if (k->snapshot)
		db_exec(L->c, "ANALYZE cls");
	buf_free(&b);
	buf_free(&cmp);
}

static void
absent(struct buf *b, const struct kind *k)
{
	int i;

	buf_adds(b, "t.valide_au IS NULL AND NOT EXISTS (SELECT 1 FROM stg s "
	    "WHERE ");
	load_keymatch(b, k, "s", "t");
	buf_adds(b, ") AND NOT EXISTS (SELECT 1 FROM rej r WHERE ");
	for (i = 0; k->key[i] != NULL; i++)
		buf_addf(b, "%sr.%s IS NOT DISTINCT FROM t.%s::text",
		    i ? " AND " : "", k->key[i], k->key[i]);
	buf_adds(b, ")");
}

/* A snapshot, complete or not, measures what it leaves out. */
static int
mesure(const struct load *L)
{
	return L->k->snapshot &&
	    (L->portee == P_COMPLET || L->portee == P_INCOMPLET);
}

/* Only a complete snapshot ends the rows it leaves out. */
static int
fins(const struct load *L)
{
	return L->k->snapshot && L->portee == P_COMPLET;
}

struct counts {
	char	 v[5][24];	/* nouvelles modifiees inchangees terminees rejetees */
	long long acceptees;
	long long absents;	/* current rows the snapshot leaves out */
	long long absents_flux;	/* of which not merely past the horizon */
	long long courants;	/* current rows before the load */
	int	 forcees;	/* ends beyond fin_plans_max_pct, accepted */
};

static void
count(struct load *L, struct counts *n)
{
	const struct kind *k = L->k;
	struct buf b = { 0 }, q = { 0 };
	PGresult *r;
	int i;

	memset(n, 0, sizeof *n);
	/*
	 * The current rows a snapshot leaves out, found once: counted here,
	 * ended (or told) by merge.
	 */
	if (mesure(L)) {
		buf_addf(&b, "CREATE TEMP TABLE abs ON COMMIT DROP AS SELECT "
		    "t.id, %s AS motif_fin", k->endmotif);
		load_keylist(&b, k, ",t.");
		buf_addf(&b, " FROM %s t WHERE ", k->table);
		absent(&b, k);
		load_run(L, b.p, NULL);
		buf_reset(&b);
	}
	buf_adds(&b, "SELECT c.nouvelles, c.modifiees, c.inchangees, "
	    "(SELECT count(*) FROM rej), ");
	if (mesure(L)) {
		buf_addf(&b, "a.n, a.nf, (SELECT count(*) FROM %s WHERE "
		    "valide_au IS NULL) FROM (SELECT count(*) AS n, count(*) "
		    "FILTER (WHERE motif_fin = 'absent_du_flux') AS nf FROM "
		    "abs) a, ", k->table);
	} else
		buf_adds(&b, "0, 0, 0 FROM ");
	buf_adds(&b, "(SELECT count(*) FILTER (WHERE ancien IS NULL) AS "
	    "nouvelles, count(*) FILTER (WHERE champs <> '') AS modifiees, "
	    "count(*) FILTER (WHERE champs = '') AS inchangees FROM cls) c");
	load_subst(&q, L, b.p, NULL);
	r = db_query(L->c, q.p, 0, NULL);
	for (i = 0; i < 3; i++) {
		snprintf(n->v[i], sizeof n->v[i], "%s", PQgetvalue(r, 0, i));
		n->acceptees += strtoll(n->v[i], NULL, 10);
	}
	snprintf(n->v[4], sizeof n->v[4], "%s", PQgetvalue(r, 0, 3));
	n->absents = strtoll(PQgetvalue(r, 0, 4), NULL, 10);
	n->absents_flux = strtoll(PQgetvalue(r, 0, 5), NULL, 10);
	n->courants = strtoll(PQgetvalue(r, 0, 6), NULL, 10);
	snprintf(n->v[3], sizeof n->v[3], "%lld", fins(L) ? n->absents : 0);
	PQclear(r);
	buf_free(&b);
	buf_free(&q);
}

static void tell_rejects(struct load *);

/* A snapshot of which nothing was accepted would end every plan. */
static void
check_vide(struct load *L, const struct counts *n)
{
	if (!mesure(L) || n->acceptees > 0)
		return;
	tell_rejects(L);
	die(EX_DATAERR, "%s : aucune ligne acceptée (%lu lues, %s rejetées) : "
	    "un instantané de %s vide terminerait les %lld en cours ; refusé en "
	    "entier, rien n'est modifié ni enregistré (le bon fichier pourra "
	    "être chargé ensuite)", msg_net(L->source), L->lues, n->v[4],
	    L->k->name, n->courants);
}

/* Dies with the message m, once the result it quotes is freed. */
static _Noreturn void
refuse(PGresult *r, const struct buf *m)
{
	PQclear(r);
	die(EX_DATAERR, "%s", m->p);
}

/* A version never ends before it begins; a snapshot never goes back. */
static void
check_date(struct load *L, const struct counts *n)
{
	static struct buf m;
	const char *p[2] = { L->k->name, L->date };
	struct buf b = { 0 };
	PGresult *r;

	if (fins(L)) {
		r = db_query(L->c, "SELECT id, date_donnees FROM ingestion "
		    "WHERE kind = $1 AND date_donnees > $2::date ORDER BY "
		    "date_donnees DESC, id DESC LIMIT 1", 2, p);
		if (PQntuples(r) > 0) {
			buf_addf(&m, "%s : --date %s antérieure aux données de "
			    "%s déjà chargées (ingestion %s, données du %s) : un "
			    "instantané plus ancien ne remplace pas un plus "
			    "récent ; refusé, rien n'est modifié", msg_net(L->source),
			    L->date, L->k->name, PQgetvalue(r, 0, 0),
			    PQgetvalue(r, 0, 1));
			refuse(r, &m);
		}
		PQclear(r);
	}
	if (strcmp(n->v[1], "0") == 0)
		return;
	/* Each changed row's version by its key (OFFSET 0: not flattened),
	 * not a scan of the table filtered on valide_du (issue 11). */
	buf_addf(&b, "SELECT count(*), max(t.valide_du) FROM cls c CROSS JOIN "
	    "LATERAL (SELECT x.valide_du FROM %s x WHERE x.id = c.ancien "
	    "OFFSET 0) t WHERE c.champs <> '' AND t.valide_du > $1::date",
	    L->k->table);
	r = db_query(L->c, b.p, 1, p + 1);
	buf_free(&b);
	if (strcmp(PQgetvalue(r, 0, 0), "0") != 0) {
		buf_addf(&m, "%s : --date %s antérieure à la version en cours de "
		    "%s lignes que ce chargement modifierait (valide depuis le %s "
		    "au plus tard) : une version ne peut finir avant de "
		    "commencer ; refusé, rien n'est modifié", msg_net(L->source),
		    L->date,
		    PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1));
		refuse(r, &m);
	}
	PQclear(r);
}

/* Ends beyond fin_plans_max_pct of the current plans need a human. */
static void
check_fins(struct load *L, struct counts *n)
{
	static struct buf m;
	char a[24], c[24];
	const char *p[2] = { a, c };
	PGresult *r;

	if (!fins(L) || n->absents_flux == 0)
		return;
	snprintf(a, sizeof a, "%lld", n->absents_flux);
	snprintf(c, sizeof c, "%lld", n->courants);
	r = db_query(L->c, "SELECT x.pct, $1::numeric * 100 > x.pct::numeric * "
	    "$2::numeric, round($1::numeric * 100 / $2::numeric, 1) FROM "
	    "(SELECT coalesce((SELECT valeur FROM param WHERE nom = "
	    "'fin_plans_max_pct'), '5') AS pct) x", 2, p);
	if (strcmp(PQgetvalue(r, 0, 1), "t") == 0) {
		if (!L->accepter_fins) {
			buf_addf(&m, "%s : ce flux terminerait %lld des %lld %s "
			    "en cours (%s %%), plus que fin_plans_max_pct (%s %%) "
			    ": refusé en entier, rien n'est modifié ni enregistré "
			    "; vérifiez le fichier (tronqué ? autre flux ?) ; si "
			    "ces fins sont réelles, relancez avec --accepter-fins "
			    "(le forçage est audité)", msg_net(L->source),
			    n->absents_flux, n->courants, L->k->name,
			    PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 0));
			refuse(r, &m);
		}
		n->forcees = 1;
	}
	PQclear(r);
}

/*
 * Success: the same content is already in the ledger, so that a cron
 * rerun after a crash is no alarm.
 */
static int
already(struct load *L)
{
	const char *p[2] = { L->k->name, L->sha };
	PGresult *r;
	int n;

	r = db_query(L->c, "SELECT id, source, to_char(quand, "
	    "'YYYY-MM-DD HH24:MI:SS') FROM ingestion WHERE kind = $1 AND "
	    "sha256 = $2", 2, p);
	if ((n = PQntuples(r)) > 0)
		fprintf(stderr, "registre: %s : déjà chargé, rien à faire "
		    "(ingestion %s, « %s », le %s, SHA-256 %s)\n",
		    msg_net(L->source), PQgetvalue(r, 0, 0),
		    msg_net(PQgetvalue(r, 0, 1)),
		    PQgetvalue(r, 0, 2), L->sha);
	PQclear(r);
	return n > 0;
}

static const char *const portees[] = { "complet", "incomplet", "complement",
    "reprise" };

static char *
record(struct load *L, const struct counts *n)
{
	char lues[24], acc[24];
	const char *p[15];
	PGresult *r;
	char *id;
	const char *st;

	snprintf(lues, sizeof lues, "%lu", L->lues);
	snprintf(acc, sizeof acc, "%lld", n->acceptees);
	p[0] = L->k->name;
	p[1] = L->source;
	p[2] = L->sha;
	p[3] = L->date;
	p[4] = lues;
	p[5] = acc;
	p[6] = n->v[4];
	p[7] = n->v[0];
	p[8] = n->v[1];
	p[9] = n->v[2];
	p[10] = n->v[3];
	p[11] = portees[L->portee];
	p[12] = n->forcees ? "t" : "f";
	p[13] = L->reprise_de;
	p[14] = L->emp.ing[0] != '\0' ? L->emp.ing : NULL;	/* reserved */
	r = PQexecParams(L->c, "INSERT INTO ingestion (id, kind, source, "
	    "sha256, date_donnees, lues, acceptees, rejetees, nouvelles, "
	    "modifiees, inchangees, terminees, portee, fins_forcees, reprise_de) "
	    "VALUES (coalesce($15::bigint, nextval(pg_get_serial_sequence("
	    "'cesutg.ingestion', 'id'))), $1, $2, $3, $4, $5, $6, $7, $8, $9, "
	    "$10, $11, $12, $13, $14) RETURNING id", 15, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		if (st != NULL && strcmp(st, "23505") == 0) {
			PQclear(r);
			die(EX_OK, "%s : déjà chargé par un chargement "
			    "concurrent, rien à faire", msg_net(L->source));
		}
		db_fail(L->c, r, "enregistrement de l'ingestion");
	}
	id = xstrdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	return id;
}

static void
merge(struct load *L, const char *ing, int allnew, int modifiees)
{
	const struct kind *k = L->k;
	struct buf b = { 0 }, cols = { 0 };
	int i;

	buf_addf(&b, "UPDATE %s t SET valide_au = $2, ingestion_fin = $1, "
	    "motif_fin = 'modifie' FROM cls c WHERE t.id = c.ancien AND "
	    "c.champs <> ''", k->table);
	if (modifiees)	/* see fusion */
		load_run(L, b.p, ing);
	buf_reset(&b);
	if (fins(L)) {	/* abs: the rows count() found absent */
		buf_addf(&b, "CREATE TEMP TABLE fin ON COMMIT DROP AS WITH u AS "
		    "(UPDATE %s t SET valide_au = $2, ingestion_fin = $1, "
		    "motif_fin = a.motif_fin FROM abs a WHERE t.id = a.id AND "
		    "t.valide_au IS NULL RETURNING t.motif_fin", k->table);
		load_keylist(&b, k, ",t.");
		buf_adds(&b, ") SELECT * FROM u");
	} else if (mesure(L)) {	/* told in the report, left current */
		buf_adds(&b, "CREATE TEMP TABLE fin ON COMMIT DROP AS SELECT "
		    "'non_termine'::text AS motif_fin");
		load_keylist(&b, k, ",a.");
		buf_adds(&b, " FROM abs a");
	} else if (k->snapshot) {	/* read by the kind's after statements */
		buf_adds(&b, "CREATE TEMP TABLE fin ON COMMIT DROP AS SELECT "
		    "NULL::text AS motif_fin");
		load_keylist(&b, k, ",");
		buf_adds(&b, " FROM stg WHERE false");
	}
	if (b.len > 0)	/* else nothing ends: no table fin (a fresh backend's
			 * CREATE TABLE is one of a small file's fixed costs) */
		load_run(L, b.p, ing);
	for (i = 0; i < L->ncols; i++)
		buf_addf(&cols, ", %s", k->cols[i].name);
	for (i = 0; k->derived != NULL && k->derived[i] != NULL; i += 2)
		buf_addf(&cols, ", %s", k->derived[i]);
	buf_reset(&b);
	if (allnew)	/* the usual case of a day of visits: no join */
		buf_addf(&b, "INSERT INTO %s (ligne, ingestion_debut, valide_du%s) "
		    "SELECT s.ligne, $1, $2%s FROM stg s", k->table, cols.p,
		    cols.p);
	else
		buf_addf(&b, "INSERT INTO %s (ligne, ingestion_debut, "
		    "valide_du%s) SELECT s.ligne, $1, $2%s FROM stg s JOIN cls c "
		    "USING (ligne) WHERE c.ancien IS NULL OR c.champs <> '' "
		    "ORDER BY s.ligne", k->table, cols.p, cols.p);
	if (allnew) {	/* the rows in file order, as they were digested */
		buf_reset(&cols);
		empreinte_sql(L, &cols);
		if (cols.len > 0)
			load_run(L, cols.p, ing);
	}
	load_run(L, b.p, ing);
	for (i = 0; k->after != NULL && k->after[i] != NULL; i++)
		load_run(L, k->after[i], ing);
	buf_free(&b);
	buf_free(&cols);
}

static void
to_out(void *arg, const char *p, size_t n)
{
	out_write(arg, p, n);
}

/* tableur(v), for the values it would leave unchanged without the call. */
#define TABLEUR(v) "CASE WHEN " v " ~ '^[=+@-]|[\\x01-\\x1f\\x7f-\\x9f]' " \
	"THEN tableur(" v ") ELSE " v " END"

static void
report(struct load *L, struct afile *a)
{
	const struct kind *k = L->k;
	struct buf b = { 0 };

	/*
	 * tableur() is a SQL function the planner cannot inline (~40 us a
	 * call): called only for the values it changes, it was most of a
	 * day of visits' load.
	 */
	buf_adds(&b, "COPY (SELECT statut, ligne, " TABLEUR("cle") " AS cle, "
	    "champs, " TABLEUR("motif") " AS motif FROM (");
	if (L->toutes_nouvelles) {	/* cls is stg: no join of stg with itself */
		buf_adds(&b, "SELECT 'nouveau' AS statut, s.ligne, ");
		keyconcat(&b, k, "s");
		buf_adds(&b, " AS cle, NULL AS champs, NULL AS motif FROM stg s "
		    "UNION ALL ");
	} else {
		buf_adds(&b, "SELECT CASE WHEN c.ancien IS NULL THEN 'nouveau' "
		    "WHEN c.champs <> '' THEN 'modifie' ELSE 'inchange' END AS "
		    "statut, c.ligne, ");
		keyconcat(&b, k, "s");
		buf_adds(&b, " AS cle, NULLIF(c.champs, '') AS champs, NULL AS "
		    "motif FROM cls c JOIN stg s USING (ligne) UNION ALL ");
	}
	if (k->snapshot) {	/* only a snapshot has ended rows (merge) */
		buf_adds(&b, "SELECT CASE f.motif_fin WHEN 'non_termine' THEN "
		    "'non_termine' ELSE 'termine' END, NULL, ");
		keyconcat(&b, k, "f");
		buf_adds(&b, ", NULL, CASE f.motif_fin WHEN 'hors_anteriorite' "
		    "THEN 'hors antériorité : absent du flux, prise en charge "
		    "finie depuis plus longtemps que le paramètre "
		    "anteriorite_plans_jours' WHEN 'non_termine' THEN 'absent "
		    "du flux, non terminé : chargement incomplet (--incomplet, "
		    "le convertisseur a rejeté des lignes) ; le prochain "
		    "instantané complet le terminera s''il manque encore' ELSE "
		    "'absent du flux : plan terminé' END FROM fin f UNION ALL ");
	}
	buf_adds(&b, "SELECT 'rejete', r.ligne, ");
	keyconcat(&b, k, "r");
	buf_adds(&b, ", NULL, r.motif FROM rej r) x ORDER BY ligne NULLS "
	    "LAST, cle) TO STDOUT WITH (FORMAT csv, HEADER)");
	db_copy_out(L->c, b.p, to_out, &a->o);
	buf_free(&b);
}

static void
tell_rejects(struct load *L)
{
	PGresult *r;
	int i;

	r = db_query(L->c, "SELECT ligne, motif, count(*) OVER () FROM rej "
	    "ORDER BY ligne LIMIT " REJETS_MAX, 0, NULL);
	for (i = 0; i < PQntuples(r); i++)
		fprintf(stderr, "registre: %s:%s: %s\n", msg_net(L->source),
		    PQgetvalue(r, i, 0), msg_net(PQgetvalue(r, i, 1)));
	if (PQntuples(r) > 0 && atol(PQgetvalue(r, 0, 2)) > PQntuples(r))
		fprintf(stderr, "registre: %s : %ld autres lignes rejetées, "
		    "voir le bilan (--report)\n", msg_net(L->source),
		    atol(PQgetvalue(r, 0, 2)) - PQntuples(r));
	PQclear(r);
}

/*
 * Rejects kept, then the merge. A trial (essai) that meets a current row
 * of the same key (unique_violation) returns 0, its transaction in error
 * until the caller rolls back to its savepoint.
 */
static int
fusion(struct load *L, const struct counts *n, const char *ing, int essai)
{
	PGresult *r;
	const char *st;

	/*
	 * A statement that writes no row still fires its table's statement
	 * triggers (the audit's, which then find nothing to trace): of a
	 * small file's, the rejects and the changed versions are most often
	 * none, counted already.
	 */
	lot_debut();
	if (strcmp(n->v[4], "0") != 0)
		load_run(L, "INSERT INTO rejet (ingestion, ligne, motif, valeurs) "
		    "SELECT $1, ligne, motif, valeurs FROM rej ON CONFLICT DO "
		    "NOTHING", ing);
	merge(L, ing, strcmp(n->v[1], "0") == 0 && strcmp(n->v[2], "0") == 0,
	    strcmp(n->v[1], "0") != 0);
	if (!essai) {
		lot_fin(L);
		return 1;
	}
	r = lot_envoi(L);
	if (PQresultStatus(r) == PGRES_COMMAND_OK ||
	    PQresultStatus(r) == PGRES_TUPLES_OK) {
		PQclear(r);
		return 1;
	}
	st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	if (st == NULL || strcmp(st, "23505") != 0)
		db_fail(L->c, r, "requête");
	PQclear(r);
	return 0;
}

/*
 * Checks the staged rows against the ledger, refuses the whole load when
 * it would wipe or rewind it, then records and merges, and commits. A
 * replay that accepts nothing changes nothing: NULL, still in the
 * transaction.
 */
char *
load_apply(struct load *L)
{
	struct counts n;
	struct afile a;
	char *ing;
	int i, essai;

	lot_debut();
	analyze(L);
	for (i = 0; L->k->before != NULL && L->k->before[i] != NULL; i++)
		load_run(L, L->k->before[i], NULL);
	validate(L);
	/*
	 * The savepoint and the view only for a trial: a clients file,
	 * whose first rows are current, no longer makes them to undo them.
	 */
	essai = !L->k->snapshot && nouvelles(L);
	lot_fin(L);
	ing = NULL;
	if (essai) {
		db_exec(L->c, "SAVEPOINT nouvelles; " CLS_NOUVELLES);
		count(L, &n);
		L->acceptees = n.acceptees;
		L->rejetees = strtoll(n.v[4], NULL, 10);
		if (L->portee == P_REPRISE && n.acceptees == 0)
			return NULL;
		ing = record(L, &n);
		if (!fusion(L, &n, ing, 1)) {
			free(ing);
			ing = NULL;
		} else
			L->toutes_nouvelles = 1;	/* cls: CLS_NOUVELLES */
	}
	if (ing == NULL) {
		if (essai)
			db_exec(L->c, "ROLLBACK TO SAVEPOINT nouvelles");
		classify(L);
		count(L, &n);
		L->acceptees = n.acceptees;
		L->rejetees = strtoll(n.v[4], NULL, 10);
		if (L->portee == P_REPRISE && n.acceptees == 0)
			return NULL;
		check_vide(L, &n);
		check_date(L, &n);
		check_fins(L, &n);
		ing = record(L, &n);
		fusion(L, &n, ing, 0);
	}
	if (L->report != NULL) {
		afile_open(&a, L->report, AFILE_PRIVATE);
		report(L, &a);
	}
	if (L->rejetees > 0)
		tell_rejects(L);
	db_exec(L->c, "COMMIT");
	if (L->report != NULL)
		afile_commit(&a);
	fprintf(stderr, "registre: %s : ingestion %s, %lu lignes lues, %s "
	    "nouvelles, %s modifiées, %s inchangées, %s terminées, %s "
	    "rejetées", L->k->name, ing, L->lues, n.v[0], n.v[1], n.v[2],
	    n.v[3], n.v[4]);
	if (L->portee == P_INCOMPLET && L->k->snapshot)
		fprintf(stderr, " ; chargement incomplet (--incomplet) : %lld "
		    "absents du flux non terminés", n.absents);
	else if (L->portee == P_COMPLEMENT)
		fprintf(stderr, " ; complément (--complement) : rien n'est "
		    "terminé");
	else if (L->portee == P_REPRISE)
		fprintf(stderr, " ; reprise de l'ingestion %s", L->reprise_de);
	if (n.forcees)
		fprintf(stderr, " ; fins au-delà de fin_plans_max_pct acceptées "
		    "(--accepter-fins, audité)");
	fputc('\n', stderr);
	return ing;
}

const struct kind *
load_kind(const char *name)
{
	int i;

	for (i = 0; kinds[i].name != NULL; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	die(EX_USAGE, "type de chargement inconnu « %s » (voir registre(1))",
	    msg_net(name));
}

/* One load or replay of a kind at a time. */
void
load_lock(PGconn *c, const char *kind)
{
	const char *p[1] = { kind };

	/* A row lock: no SAD login can take it (an advisory lock, any could). */
	PQclear(db_query(c, "INSERT INTO verrou (nom) VALUES ($1) ON "
	    "CONFLICT DO NOTHING", 1, p));
	PQclear(db_query(c, "SELECT 1 FROM verrou WHERE nom = $1 FOR UPDATE",
	    1, p));
}

#define DATE_AVANCE_MAX	31	/* days a data date may lie ahead of today */

static void
check_date_opt(const char *date)
{
	char today[16];
	time_t now = time(NULL);
	int64_t d, t;

	strftime(today, sizeof today, "%Y-%m-%d", localtime(&now));
	if (!date_ok(date, strlen(date), &d))
		die(EX_USAGE, "--date : date invalide « %s », attendu "
		    "AAAA-MM-JJ", msg_net(date));
	if (date_ok(today, strlen(today), &t) && d > t + DATE_AVANCE_MAX)
		die(EX_USAGE, "--date %s : plus de %d jours après aujourd'hui "
		    "(%s) : ce n'est pas la date de données d'un fichier reçu",
		    date, DATE_AVANCE_MAX, today);
}

int
cmd_load(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "source", required_argument, NULL, 's' },
		{ "date", required_argument, NULL, 'D' },
		{ "report", required_argument, NULL, 'r' },
		{ "complement", no_argument, NULL, 'c' },
		{ "incomplet", no_argument, NULL, 'i' },
		{ "accepter-fins", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct load L = { 0 };
	char today[16];
	time_t now = time(NULL);
	char *ing;
	size_t *cap;
	int ch, complement = 0, incomplet = 0;

	L.source = "entrée standard";
	while ((ch = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			L.source = optarg;
			break;
		case 'D':
			L.date = optarg;
			break;
		case 'r':
			L.report = optarg;
			break;
		case 'c':
			complement = 1;
			break;
		case 'i':
			incomplet = 1;
			break;
		case 'f':
			L.accepter_fins = 1;
			break;
		case 'h':
			reg_usage("load", 0);
		default:
			reg_badopt("load", argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		reg_usage("load", EX_USAGE);
	L.k = load_kind(argv[optind]);
	for (L.ncols = 0; L.k->cols[L.ncols].name != NULL; L.ncols++)
		;
	L.portee = complement ? P_COMPLEMENT : incomplet ? P_INCOMPLET :
	    P_COMPLET;
	if ((complement || L.accepter_fins) && !L.k->snapshot)
		die(EX_USAGE, "--complement et --accepter-fins ne valent que pour "
		    "un instantané (plans), pas pour %s", L.k->name);
	if (complement && L.accepter_fins)
		die(EX_USAGE, "--accepter-fins sans objet avec --complement : un "
		    "complément ne termine rien");
	if (L.date == NULL) {
		strftime(today, sizeof today, "%Y-%m-%d", localtime(&now));
		L.date = today;
	} else
		check_date_opt(L.date);
	fingerprint(&L);
	if ((L.rej = tmpfile()) == NULL)
		die(EX_CANTCREAT, "fichier temporaire : %s", strerror(errno));
	L.c = db_connect(DB_LOADER, 1);
	/*
	 * A file's statements run once each on a few thousand rows: JIT
	 * compiling them cost more (40-100 ms each) than it ever saved.
	 * One round trip: each is paid again for each of a month's files.
	 */
	db_exec(L.c, LOAD_MEMOIRE "; SET jit = off; BEGIN; "
	    "SET LOCAL search_path = cesutg, pg_temp");
	load_lock(L.c, L.k->name);
	load_tables(&L);
	cap = limits(&L);
	empreinte_init(&L);
	db_copy_in(L.c, "COPY stg FROM STDIN WITH (FORMAT binary)");
	stream(&L, cap);
	free(cap);
	if (already(&L)) {
		db_exec(L.c, "ROLLBACK");
		db_finish(L.c);
		fclose(L.rej);
		return 0;
	}
	if (L.rejetees_c > 0)	/* else rej stays empty: no round trip */
		copy_rejects(&L);
	derive(&L);
	ing = load_apply(&L);
	empreinte_free(&L.emp);
	db_finish(L.c);
	fclose(L.rej);
	free(ing);
	return L.rejetees == 0 ? 0 : EX_DATAERR;
}
