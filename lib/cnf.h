/*
 * Files framed the CNCESU way (flux 6, 8.1, 8.2): a DEB record, detail
 * records, optional recap records, a FIN record carrying the number of
 * records; every record repeats the DEB's leading fields (type,
 * application, issuer, creation date, sequence number).
 * One CSV row per DET, carrying the DEB's columns first.
 */
#ifndef CESUTG_CNF_H
#define CESUTG_CNF_H

#include "flux.h"

#define CNF_ENTETE	"entete_incoherent"

struct cnf {
	const struct recfmt	*deb, *det, *fin;
	const struct recfmt *const *recap;	/* between the DETs and FIN */
	size_t			 nrecap;
	size_t			 ncommon;	/* leading fields every record repeats */
	size_t			 count;		/* FIN field: number of records */
	int			 upper;		/* uppercase ASCII text on the wire */
	int			 strict;	/* a bad DET rejects the whole file */
	/*
	 * A last column known only once a later record is read (flux 6:
	 * a recap's date), selected by the value of DET field tailkey.
	 * parse holds the rows in a temporary file until the end.
	 */
	int			 tailkey;	/* -1: none */
	const char		*tailname;
	const char		*(*tail)(struct fluxrun *, const char *, size_t);
	/* parse and emit: an accepted DET; emit passes the tail column */
	int	(*det_hook)(struct fluxrun *, const char *const *,
		    const size_t *, const char *, size_t);
	/* parse: a recap, decoded; nonzero rejects the file */
	int	(*recap_hook)(struct fluxrun *, const struct recfmt *,
		    const struct row *);
	/* after the last DET: parse checks, emit writes the recaps */
	int	(*end_hook)(struct fluxrun *);
};

int	cnf_main(const struct flux *fx, const struct cnf *cf, int argc,
	    char **argv);
int	cnf_parse(struct fluxrun *r, const struct cnf *cf);
int	cnf_emit(struct fluxrun *r, const struct cnf *cf);
int	cnf_write(struct fluxrun *r, const struct recfmt *rf,
	    const char **v, size_t *vlen);
int	cnf_value(const char *s, size_t n, int scale, int64_t *v);

#endif
