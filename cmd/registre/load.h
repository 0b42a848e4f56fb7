/* Load kinds: what registre load accepts and how it merges it. */
#ifndef REGISTRE_LOAD_H
#define REGISTRE_LOAD_H

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

#endif
