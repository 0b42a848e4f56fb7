/*
 * Enveloped files: one DEB header record, DET detail records, one FIN
 * trailer record (the CNCESU style). parse writes one CSV row per DET,
 * carrying the DEB's columns; FIN's copies of the DEB, counts and totals
 * are derived: emit recomputes them, parse checks them.
 */
#ifndef CESUTG_ENV_H
#define CESUTG_ENV_H

#include "flux.h"

#define ENV_DC_ENTETE	"entete_discordant"	/* DEB vs FIN, or rows */

struct envrun;

struct env {
	const struct recfmt	 *deb;		/* tag "DEB" */
	const struct recfmt	 *fin;		/* tag "FIN" */
	const struct recfmt *const *dets;	/* tag "DET", one per kind */
	size_t			  ndets;
	int			  kindfield;	/* DEB field holding the kind
						   (a DET label); -1 if one */
	/* a derived FIN field that is not a copy of the DEB */
	void	(*total)(struct envrun *, const struct field *, struct buf *);
	/* adds a DET's values to the totals (parse: every DET line) */
	void	(*sum)(struct envrun *, const struct row *);
	/* rules across fields of a DET; returns the number of errors */
	int	(*check)(struct envrun *, const struct row *);
	/*
	 * Computed columns after a DET's own, named by xname (NULL past the
	 * last): parse writes their values with xcsv; emit accepts and
	 * ignores them.
	 */
	const char *(*xname)(const struct recfmt *, size_t);
	void	(*xcsv)(struct envrun *, const struct row *, struct out *);
};

struct envrun {
	struct fluxrun		*r;
	const struct env	*e;
	const struct recfmt	*det;
	struct row		 deb;	/* one canonical value per DEB field */
	unsigned long		 ndet;	/* DET records, for FIN */
	unsigned long		 nrec;	/* every record, DEB and FIN too */
	void			*ctx;	/* the flux's totals */
};

int	env_parse(struct fluxrun *r, const struct env *e,
	    const struct recfmt *want, void *ctx);
int	env_emit(struct fluxrun *r, const struct env *e,
	    const struct recfmt *want, void *ctx);
const struct recfmt *env_kind(const struct env *e, const char *name);

#endif
