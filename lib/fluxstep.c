#include "fluxstep.h"

/*
 * parse: the next wire line, 0 at the end of input or when the last line
 * has no line end (a truncated transfer: the whole file is rejected).
 */
int
fluxstep_line(struct fluxrun *r, const char **line, size_t *len,
    enum eol *eol)
{
	if (!lines_next(&r->in, line, len, eol))
		return 0;
	diag_line(r->in.lineno);
	if (*eol == EOL_NONE) {
		diag_fatal(DC_TRONQUE,
		    "fichier tronqué: la dernière ligne n'a pas de fin de ligne");
		flux_reject_file(r);
		return 0;
	}
	return 1;
}

/*
 * emit: reads the CSV header into hdr and maps the fields of each record
 * format to its columns (maps[i] has recs[i]->nf entries). The header must
 * hold every column of the formats and no other. Returns -1 when the file
 * is rejected.
 */
int
fluxstep_bind(struct fluxrun *r, struct row *hdr,
    const struct recfmt *const *recs, size_t n, int *const *maps)
{
	size_t i, ncol = 0;
	int bad = 0;

	if (flux_read_header(r, hdr) != 0)
		return -1;
	diag_line(1);
	for (i = 0; i < n; i++) {
		bad |= rec_bind(recs[i], hdr, maps[i]) != 0;
		ncol += rec_ncolumns(recs[i]);
	}
	if (bad || hdr->n != ncol) {
		diag_fatal(DC_CSV,
		    "en-tête CSV inattendu: %zu colonnes, attendu les %zu de «%s --schema»",
		    hdr->n, ncol, r->fx->name);
		flux_reject_file(r);
		return -1;
	}
	return 0;
}

/*
 * emit: the next CSV row with as many values as the header; the others
 * are reported and rejected on the way. Returns 0 at the end of input.
 */
int
fluxstep_row(struct fluxrun *r, const struct row *hdr, struct row **row)
{
	while (csvin_next(&r->csv, row)) {
		diag_line(r->csv.line);
		r->n.lues++;
		if ((*row)->n == hdr->n)
			return 1;
		diag_record(DC_NCHAMPS, "%zu colonnes, attendu %zu",
		    (*row)->n, hdr->n);
		r->n.rejetees++;
		flux_reject_row(r, hdr, *row);
	}
	return 0;
}
