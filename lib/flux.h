/*
 * The command line and main loops shared by every flux binary:
 *   NAME parse|emit [options] [FILE]    NAME --schema
 * A flux with one record type needs only its table; a hierarchical one
 * supplies its own parse/emit, built from the same pieces.
 */
#ifndef CESUTG_FLUX_H
#define CESUTG_FLUX_H

#include <getopt.h>

#include "afile.h"
#include "csvio.h"
#include "diag.h"
#include "lines.h"
#include "out.h"
#include "rec.h"

struct fluxrun;

struct flux {
	const char		 *name;
	const char		 *summary;	/* one line, French */
	const char		 *charset;	/* default wire charset */
	char			  sep;		/* '|', ';' or 0: fixed width */
	const struct recfmt *const *recs;
	size_t			  nrecs;
	int	(*parse)(struct fluxrun *);	/* NULL: one line, one row */
	int	(*emit)(struct fluxrun *);	/* NULL: one row, one line */
	int	(*check)(struct fluxrun *, const struct row *);
	const void		 *arg;		/* the file's structure, for
						   parse/emit (struct env, hier) */
	const struct option	 *xopts;	/* flux-specific options */
	int	(*xopt)(struct fluxrun *, int, const char *);
	const char		 *xusage;	/* their help lines */
};

struct fluxrun {
	const struct flux	*fx;
	struct codec		 c;
	int			 emit;
	int			 infd;
	const char		*inname;
	struct lines		 in;		/* parse: wire lines */
	struct csvin		 csv;		/* emit: canonical rows */
	struct out		 out;		/* stdout, held until the end */
	const char		*rejpath;
	struct afile		 rej;
	int			 rejopen;
	int			 rejhdr;
	const char		*reportpath;
	struct diag_counts	 n;
	int			 file_rejected;
	const char		*dir;		/* --dir, for one file per unit */
	void			*ctx;		/* flux-specific state */
};

int	flux_main(const struct flux *fx, int argc, char **argv);
void	flux_reject_line(struct fluxrun *r, const char *line, size_t len,
	    enum eol eol);
void	flux_reject_row(struct fluxrun *r, const struct row *hdr,
	    const struct row *row);
void	flux_reject_file(struct fluxrun *r);
int	flux_read_header(struct fluxrun *r, struct row *hdr);
int	flux_emit_eol(struct fluxrun *r);

#endif
