/*
 * Hierarchical files (DESIGN §4): nested units, each opened by a header
 * record and closed by a footer record, around detail records. The
 * canonical CSV has one row per detail, carrying its headers' columns.
 *
 * A FF_DERIVED field of a header or detail record repeats the field of
 * the same name in an enclosing header: parse checks it, emit copies it.
 * A FF_DERIVED field of a footer is a total, named by its arg:
 *   "lignes"     lines of the unit, its header and footer included
 *   "nombre:K"   headers of level K inside the unit
 *   "somme:A"    sum of detail field A
 *   "somme:A*B"  sum of the products of detail fields A and B
 * parse recomputes and compares them, emit writes them.
 */
#ifndef CESUTG_HIER_H
#define CESUTG_HIER_H

#include "flux.h"

#define HIER_MAXLV	8

struct hlevel {
	const struct recfmt	*head;	/* header, or the detail record */
	const struct recfmt	*foot;	/* footer; NULL for the detail */
	int			 key;	/* field of head naming a unit, or -1 */
};

struct hier {
	const struct hlevel	*lv;
	size_t			 nlv;	/* lv[nlv - 1] is the detail level */
	int			 filelevel;	/* header errors above it reject the file */
	/* Business rules on a decoded record; returns the errors reported. */
	int	(*check)(const struct recfmt *, const struct row *);
};

int	hier_parse(struct fluxrun *r, const struct hier *h);
int	hier_emit(struct fluxrun *r, const struct hier *h);
/* flux_main with hier_parse and hier_emit on h as parse and emit. */
int	hier_main(const struct flux *fx, const struct hier *h, int argc,
	    char **argv);

#endif
