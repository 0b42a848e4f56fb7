/* Load kinds: what registre load accepts and how it merges it. */
#ifndef REGISTRE_LOAD_H
#define REGISTRE_LOAD_H

#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>

#include <libpq-fe.h>
#include <openssl/evp.h>

#include "buf.h"

/*
 * Column types: T text, D date (AAAA-MM-JJ), N decimal with `scale'
 * decimals at most, B boolean 1/0, I integer, H instant ISO 8601 with offset.
 */
struct kcol {
	const char	*name;
	char		 type;
	int		 req;
	int		 scale;
	int		 nocmp;	/* stored, not compared between versions */
};

struct kind {
	const char		 *name;
	const char		 *table;
	const struct kcol	 *cols;
	const char *const	 *key;
	int			  snapshot;	/* a full snapshot: absent rows end */
	const char		 *endmotif;	/* SQL over t, $2 = data date */
	const char *const	 *rules;	/* pairs: condition on s, reason */
	const char *const	 *after;	/* SQL, $1 = ingestion id */
	/*
	 * pairs: a bigint column absent from the CSV and the expression over
	 * stg (window functions in file order) that computes it after COPY,
	 * before any rejection; it may be part of the key.
	 */
	const char *const	 *derived;
	/*
	 * SQL run on stg after the derived columns, before the rules: lookups
	 * done once per row (columns it adds are neither merged nor compared).
	 * A reason that starts with '=' is an SQL text expression over s.
	 */
	const char *const	 *before;
};

extern const struct kind kinds[];

/*
 * What a load is meant to be: a complete snapshot (absent rows end), one
 * whose converter rejected lines (nothing ends), a complement (new and
 * changed rows only) or the replay of rejected rows (registre reprendre).
 */
enum portee { P_COMPLET, P_INCOMPLET, P_COMPLEMENT, P_REPRISE };

/*
 * The keys seen so far, to reject a repeated key as the file streams. A
 * key is its values, each absent or length-prefixed, kept in an arena; the
 * table holds 8-byte slots (32 bits of hash, then the entry's number + 1)
 * so that probing stays in cache.
 */
struct cle {
	size_t		 off;
	size_t		 len;
	unsigned long	 ligne;
};

struct cles {
	int		 actif;	/* else the server finds the duplicates */
	int		 ncol;
	int		 col[8];	/* CSV index of each key column */
	uint64_t	*t;	/* 0: free slot */
	size_t		 cap;	/* a power of 2 */
	struct cle	*e;
	size_t		 n;
	struct buf	 arena;
	struct buf	 k;	/* the key being looked up */
};

/*
 * The audit digest of a large file's rows, computed as they stream: the
 * text PostgreSQL gives each row (record_out), its SHA-256, the sums of
 * its first 30 bytes over the rows, and those of a sample that the
 * server digests again (audit_insertion, regles/audit.sql).
 */
#define EMPREINTE_OCTETS	30

struct empreinte {
	int		 actif;
	int		 ncol;
	int		*src;	/* per table column: a CSV index or EMP_* */
	long long	 premier;	/* the id the first row will get */
	char		 ing[24];	/* the ingestion id, reserved */
	unsigned long	 n;	/* rows digested */
	uint64_t	 octets[EMPREINTE_OCTETS];
	uint64_t	 ech[EMPREINTE_OCTETS];
	unsigned char	 der[EMPREINTE_OCTETS];	/* the last row's */
	struct buf	 t;
	EVP_MD		*sha;
	EVP_MD_CTX	*md;
};

struct load {
	const struct kind *k;
	int		 ncols;
	PGconn		*c;
	const char	*source;
	const char	*date;
	const char	*report;
	enum portee	 portee;
	int		 accepter_fins;	/* --accepter-fins */
	const char	*reprise_de;	/* the ingestion replayed */
	char		 sha[65];
	int		 fd;
	EVP_MD_CTX	*md;	/* a regular file hashed while it streams */
	off_t		 hoff;	/* how much of it is hashed */
	FILE		*rej;	/* rejected rows, as COPY text for table rej */
	unsigned long	 lues;
	unsigned long	 rejetees_c;
	long long	 acceptees;	/* told by load_apply */
	long long	 rejetees;
	int		 toutes_nouvelles;	/* merged by the trial: cls is stg */
	struct cles	 cles;
	struct empreinte emp;
};

/*
 * A load session's memory, the same whatever the file's size (issue 11:
 * the server's peak memory flat from scale 1 to 10). Staging tables past
 * temp_buffers go to files in the OS cache, hashes and sorts past
 * work_mem to temporary files. With 256 MB of each, a month of visits
 * took 132 MB of private memory (26 MB now), a plans snapshot 80 MB at
 * scale 4 (35 MB), and no slower: the month at scale 1 and the month of
 * visits in one file took the same time either way.
 */
#define LOAD_MEMOIRE	"SET temp_buffers = '8MB'; SET work_mem = '8MB'"

const struct kind *load_kind(const char *name);
void	 load_lock(PGconn *c, const char *kind);
void	 load_tables(struct load *L);
void	 load_derived_cols(struct load *L);
void	 load_keymatch(struct buf *b, const struct kind *k, const char *a,
	    const char *z);
void	 load_keylist(struct buf *b, const struct kind *k, const char *a);
void	 load_run(struct load *L, const char *sql, const char *ing);
char	*load_apply(struct load *L);

#endif
