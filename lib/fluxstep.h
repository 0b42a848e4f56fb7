/*
 * The heads of the parse and emit loops of a flux that supplies its own
 * (hierarchical files, special separators), so that each reports and
 * rejects the same way as the generic ones in flux.c.
 */
#ifndef CESUTG_FLUXSTEP_H
#define CESUTG_FLUXSTEP_H

#include "flux.h"

int	fluxstep_line(struct fluxrun *r, const char **line, size_t *len,
	    enum eol *eol);
int	fluxstep_bind(struct fluxrun *r, struct row *hdr,
	    const struct recfmt *const *recs, size_t n, int *const *maps);
int	fluxstep_row(struct fluxrun *r, const struct row *hdr,
	    struct row **row);

#endif
