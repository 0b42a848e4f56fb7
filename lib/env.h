/*
 * Enveloped files (the CNCESU style: flux 6, 8.1, 8.2, 15, CRCESU): one
 * DEB header record, DET detail records of one kind, optional recap
 * records, one FIN trailer record. parse writes one CSV row per DET,
 * carrying the DEB's columns first; emit writes the DEB from the first
 * row, and recomputes the FIN: fields named like a DEB field copy it,
 * the count field counts the records, other derived fields are totals.
 */
#ifndef CESUTG_ENV_H
#define CESUTG_ENV_H

#include "flux.h"

#define ENV_DC_ENTETE	"entete_incoherent"	/* DEB vs DET, FIN or rows */

struct envrun;

struct env {
	const struct recfmt	 *deb;		/* tag "DEB" */
	const struct recfmt	 *fin;		/* tag "FIN" */
	const struct recfmt *const *dets;	/* tag "DET", one per kind */
	size_t			  ndets;
	const struct recfmt *const *recaps;	/* between the DETs and FIN */
	size_t			  nrecaps;
	int			  kindfield;	/* DEB field holding the kind
						   (a DET label); 0 if one */
	size_t			  ncommon;	/* leading DEB fields every DET
						   and recap repeats */
	size_t			  count;	/* FIN field: number of records,
						   DEB and FIN included; 0: none */
	int			  upper;	/* uppercase ASCII text */
	int			  strict;	/* a bad DET rejects the file */
	int			  needdet;	/* a file without DET is invalid */
	/*
	 * A last column known only once a later record is read (flux 6:
	 * a recap's date), selected by the value of DET field tailkey.
	 * parse holds the rows in a temporary file until the end.
	 */
	const char		 *tailname;	/* NULL: none */
	int			  tailkey;
	const char *(*tail)(struct envrun *, const char *, size_t);
	/*
	 * Rules across the fields of a valid DET (emit: once encoded, with
	 * er->tail); returns the number of errors. Called only for the DETs
	 * that go through, it may also keep sums.
	 */
	int	(*check)(struct envrun *, const struct row *);
	/* adds a DET's values to the FIN totals (parse: every DET line) */
	void	(*sum)(struct envrun *, const struct row *);
	/* a derived FIN field that is neither a copy nor the count */
	void	(*total)(struct envrun *, const struct field *, struct buf *);
	/* parse: a recap, decoded; nonzero rejects the file */
	int	(*recap)(struct envrun *, const struct recfmt *,
		    const struct row *);
	/* after the last DET: parse checks, emit writes the recaps */
	int	(*end)(struct envrun *);
	/*
	 * Computed columns after a DET's own, named by xname (NULL past the
	 * last): parse writes their values with xcsv; emit ignores them.
	 */
	const char *(*xname)(const struct recfmt *, size_t);
	void	(*xcsv)(struct envrun *, const struct row *, struct out *);
};

struct envrun {
	struct fluxrun		*r;
	const struct env	*e;
	const struct recfmt	*det;	/* the file's kind */
	struct row		 deb;	/* one canonical value per DEB field */
	unsigned long		 debline;
	unsigned long		 ndet;	/* DET records, for FIN */
	unsigned long		 nrec;	/* every record, DEB and FIN too */
	const char		*tail;	/* emit: the row's tail column */
	size_t			 tlen;
};

/* want: the one DET kind accepted (parse) or written (emit); NULL: any */
int	env_parse(struct fluxrun *r, const struct env *e,
	    const struct recfmt *want);
int	env_emit(struct fluxrun *r, const struct env *e,
	    const struct recfmt *want);
/* struct flux's parse and emit for the struct env in its arg, any kind */
int	env_flux_parse(struct fluxrun *r);
int	env_flux_emit(struct fluxrun *r);
int	env_write(struct envrun *er, const struct recfmt *rf, const char **v,
	    size_t *vlen);
const struct recfmt *env_kind(const struct env *e, const char *name);
int	env_value(const char *s, size_t n, int scale, int64_t *v);

#endif
