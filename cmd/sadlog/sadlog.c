/*
 * sadlog: the SALSA invoice integration log (SALSA -> opérateur), annex 2
 * of the CCTP, "LOG d'intégration/rejet des factures": a CSV file of 16
 * fields, record type 1 (an invoice, OK or KO) and type 2 (a rejected
 * beneficiary of a KO invoice). See sadlog(5).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fluxstep.h"

#define DMY	"JJ/MM/AAAA"
#define YMD	"AAAAMMJJ"
#define NF	16

#define DC_VIDEATT	"champ_non_vide"
#define DC_ORPHELIN	"ligne_orpheline"
#define DC_GUILL	"guillemets"

static const struct field fields[NF] = {
	{"1", "type_enregistrement", "Type d'enregistrement", FT_CODE, 1, 0, 0, 0, 1, "1|2", 0},
	{"2", "date_integration", "Date d'intégration de la facture", FT_DATE, 10, 0, 0, 0, 0, DMY, 0},
	{"3", "date_edition", "Date d'édition de la facture", FT_DATE, 10, 0, 0, 0, 0, DMY, 0},
	{"4", "numero_facture", "Numéro de facture", FT_TEXT, 15, 0, 0, 0, 1, NULL, 0},
	{"5", "libelle_tiers", "Libelle tiers", FT_TEXT, 50, 0, 0, 0, 1, NULL, 0},
	{"6", "date_debut_facturation", "Date de début facturation", FT_DATE, 10, 0, 0, 0, 0, DMY, 0},
	{"7", "date_fin_facturation", "Date de fin facturation", FT_DATE, 10, 0, 0, 0, 0, DMY, 0},
	{"8", "type_aide", "Type d'aide", FT_TEXT, 10, 0, 0, 0, 1, NULL, 0},
	{"9", "facture_integree", "Facture intégrée", FT_CODE, 2, 0, 0, 0, 0, "OK|KO", 0},
	{"10", "identifiant_beneficiaire_salsa", "Clef individu Salsa", FT_DIGITS, 6, 0, 0, 0, 0, NULL, 0},
	{"11", "nom_beneficiaire", "Nom", FT_TEXT, 50, 0, 0, 0, 0, NULL, 0},
	{"12", "prenom_beneficiaire", "Prénom", FT_TEXT, 50, 0, 0, 0, 0, NULL, 0},
	{"13", "motif_rejet", "Motif rejet", FT_TEXT, 255, 0, 0, 0, 0, NULL, 0},
	{"14", "nombre_heures", "Nombre d'heures", FT_DEC, 5, 2, 0, 0, 0, NULL, 0},
	{"15", "montant_facture", "Montant Domiphone", FT_MONEY, 7, 2, 0, 0, 0, NULL, 0},
	{"16", "montant_salsa_attendu", "Montant Salsa attendu", FT_MONEY, 7, 2, 0, 0, 0, NULL, 0},
};

enum { F_TYPE = 0, F_FACTURE = 3, F_DEBUT = 5, F_FIN = 6, F_STATUT = 8 };

/*
 * The spec's "vide si type d'enregistrement=N": which record types a field
 * belongs to, and whether it is then mandatory. Fields marked mandatory in
 * the table above are so for both types.
 */
enum { TOUS, T1, T2 };
static const struct { int scope, req; } rules[NF] = {
	{TOUS, 1}, {T1, 0}, {T1, 0}, {TOUS, 1}, {TOUS, 1}, {T1, 0}, {T1, 1},
	{TOUS, 1}, {T1, 1}, {T2, 1}, {T2, 0}, {T2, 1}, {T2, 0}, {T2, 0},
	{T2, 0}, {T2, 0},
};

static const struct recfmt logfmt = {
	NULL, "log d'intégration", fields, NF, 0
};
static const struct recfmt *const recs[] = { &logfmt };

/*
 * Numbers of the KO invoices met in type 1 records: an open-addressing
 * table of 16-byte slots over one arena of numbers. OK invoices are not
 * stored, so memory grows with the rejected invoices only (see sadlog(5)).
 */
struct facture {
	uint64_t	 ref;	/* (offset in keys << 8 | length) + 1; 0: free */
	uint64_t	 ko;	/* 0: the number came back later as OK */
};

struct ftab {
	struct facture	*t;
	size_t		 cap, n;
	struct buf	 keys;
};

static uint64_t
hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	while (n-- > 0)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static struct facture *
ftab_slot(struct ftab *f, const char *s, size_t n)
{
	struct facture *e;
	size_t i;

	for (i = hash(s, n) & (f->cap - 1);; i = (i + 1) & (f->cap - 1)) {
		e = &f->t[i];
		if (e->ref == 0 || (((e->ref - 1) & 0xFF) == n &&
		    memcmp(f->keys.p + ((e->ref - 1) >> 8), s, n) == 0))
			return e;
	}
}

static struct facture *
ftab_find(struct ftab *f, const char *s, size_t n)
{
	struct facture *e;

	if (f->cap == 0)
		return NULL;
	e = ftab_slot(f, s, n);
	return e->ref ? e : NULL;
}

/* Numbers are at most 15 characters, 60 bytes of UTF-8. */
static void
ftab_put(struct ftab *f, const char *s, size_t n)
{
	struct facture *e, *old = f->t;
	size_t i, ocap = f->cap;

	if (4 * (f->n + 1) > 3 * f->cap) {
		f->cap = f->cap ? 2 * f->cap : 64;
		f->t = xcalloc(f->cap, sizeof *f->t);
		for (i = 0; i < ocap; i++)
			if (old[i].ref)
				*ftab_slot(f, f->keys.p + ((old[i].ref - 1) >> 8),
				    (old[i].ref - 1) & 0xFF) = old[i];
		free(old);
	}
	e = ftab_slot(f, s, n);
	if (e->ref == 0) {
		e->ref = ((uint64_t)f->keys.len << 8 | n) + 1;
		buf_add(&f->keys, s, n);
		f->n++;
	}
	e->ko = 1;
}

static void
ftab_free(struct ftab *f)
{
	free(f->t);
	buf_free(&f->keys);
}

struct opts {
	char		 sep;		/* emit: ';' or ',' */
	const char	*dates;		/* emit: DMY or YMD */
};

static struct opts opts = { ';', DMY };

enum { OPT_SEP = 512, OPT_DATES };

static const struct option xopts[] = {
	{ "separator", required_argument, NULL, OPT_SEP },
	{ "dates", required_argument, NULL, OPT_DATES },
	{ NULL, 0, NULL, 0 },
};

static int
xopt(struct fluxrun *r, int ch, const char *arg)
{
	(void)r;
	if (ch == OPT_SEP && (strcmp(arg, ";") == 0 || strcmp(arg, ",") == 0))
		opts.sep = arg[0];
	else if (ch == OPT_DATES && strcmp(arg, DMY) == 0)
		opts.dates = DMY;
	else if (ch == OPT_DATES && strcmp(arg, YMD) == 0)
		opts.dates = YMD;
	else {
		if (ch == OPT_SEP || ch == OPT_DATES)
			warnx_("%s: valeur «%s» invalide, attendu %s",
			    ch == OPT_SEP ? "--separator" : "--dates", arg,
			    ch == OPT_SEP ? "; ou ," : DMY " ou " YMD);
		return -1;
	}
	return 0;
}

/* The type of a record from its first value, wire or canonical. */
static int
rectype(const char *s, size_t n)
{
	return n == 1 && (s[0] == '1' || s[0] == '2') ? s[0] - '0' : 0;
}

/*
 * The conditional rules on the presence of values; skip[i] is set for the
 * fields that must not be decoded or encoded further. Returns the number
 * of errors.
 */
static int
presence(int type, const char *const *v, const size_t *l, int *skip)
{
	size_t i;
	int errs = 0, in;

	for (i = 0; i < NF; i++) {
		skip[i] = 0;
		if (type == 0 || rules[i].scope == TOUS)
			continue;
		in = rules[i].scope == type;
		if (!in && l[i] > 0) {
			diag_field(DC_VIDEATT, &fields[i], v[i], l[i],
			    "doit être vide pour un enregistrement de type %d",
			    type);
			errs++;
		} else if (in && rules[i].req && l[i] == 0) {
			diag_field(DC_OBLIG, &fields[i], NULL, 0,
			    "champ obligatoire absent pour un enregistrement de type %d",
			    type);
			errs++;
		}
		skip[i] = !in || l[i] == 0;
	}
	return errs;
}

/*
 * A KO type 1 record is remembered (an OK one forgets its number); a type 2
 * record must come after the type 1 record of a KO invoice with the same
 * number.
 */
static int
lien(struct ftab *ft, int type, const char *num, size_t nl,
    const char *statut)
{
	struct facture *e;

	if (type == 1) {
		if (strcmp(statut, "OK") != 0)
			ftab_put(ft, num, nl);
		else if ((e = ftab_find(ft, num, nl)) != NULL)
			e->ko = 0;
		return 0;
	}
	if ((e = ftab_find(ft, num, nl)) == NULL || !e->ko) {
		diag_field(DC_ORPHELIN, &fields[F_FACTURE], num, nl,
		    "bénéficiaire rejeté d'une facture sans enregistrement de type 1 KO accepté plus haut dans le fichier");
		return 1;
	}
	return 0;
}

/* A canonical invoicing period must not end before it starts. */
static int
periode(const char *const *v, const size_t *l)
{
	if (l[F_DEBUT] == 0 || l[F_FIN] == 0 || strcmp(v[F_DEBUT], v[F_FIN]) <= 0)
		return 0;
	diag_field(DC_REGLE, &fields[F_FIN], v[F_FIN], l[F_FIN],
	    "fin de facturation avant le début (date_debut_facturation le %s)",
	    v[F_DEBUT]);
	return 1;
}

/* The shape of a SALSA date tells its style; NULL when neither. */
static const char *
datestyle(const char *s, size_t n)
{
	size_t i;

	if (n == 10 && s[2] == '/' && s[5] == '/')
		return DMY;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return NULL;
	return n == 8 ? YMD : NULL;
}

/* Quote-aware split of a wire line into at most NF values. */
struct wsplit {
	const char	*v[NF];
	size_t		 l[NF], col[NF];
	struct buf	 un;		/* unquoted values */
};

static int
wsplit(struct wsplit *w, const char *line, size_t len, char sep)
{
	size_t i = 0, n = 0, off[NF + 1];
	int quoted[NF];

	if (memchr(line, '"', len) == NULL) {
		off[0] = 0;
		if ((n = rec_split(line, len, sep, off, NF) + 1) > NF)
			return -2;
		off[n] = len + 1;
		for (i = 0; i < n; i++) {
			w->v[i] = line + off[i];
			w->l[i] = off[i + 1] - 1 - off[i];
			w->col[i] = off[i] + 1;
		}
		return (int)n;
	}
	buf_reset(&w->un);
	buf_grow(&w->un, len + 1);
	for (;;) {
		if (n == NF)
			return -2;
		w->col[n] = i + 1;
		quoted[n] = 0;
		if (i < len && line[i] == '"') {
			quoted[n] = 1;
			off[n] = w->un.len;
			for (i++;; i++) {
				if (i == len) {
					diag_record(DC_GUILL,
					    "guillemet ouvert en colonne %zu jamais fermé",
					    w->col[n]);
					return -1;
				}
				if (line[i] == '"') {
					if (i + 1 < len && line[i + 1] == '"')
						i++;
					else
						break;
				}
				w->un.p[w->un.len++] = line[i];
			}
			w->l[n] = w->un.len - off[n];
			i++;
			if (i < len && line[i] != sep) {
				diag_record(DC_GUILL,
				    "caractère après le guillemet fermant en colonne %zu, attendu le séparateur «%c»",
				    i + 1, sep);
				return -1;
			}
		} else {
			const char *q = memchr(line + i, sep, len - i);
			size_t e = q ? (size_t)(q - line) : len;

			w->v[n] = line + i;
			w->l[n] = e - i;
			i = e;
		}
		n++;
		if (i >= len)
			break;
		i++;
	}
	for (i = 0; i < n; i++)
		if (quoted[i])
			w->v[i] = w->un.p + off[i];
	return (int)n;
}

/* Separators outside quotes in a line. */
static size_t
nseps(const char *s, size_t n, char sep)
{
	size_t i, k = 0;
	int q = 0;

	for (i = 0; i < n; i++)
		if (s[i] == '"')
			q = !q;
		else if (s[i] == sep && !q)
			k++;
	return k;
}

/* The file's separator, from its first line (see sadlog(5)). */
static char
detectsep(const char *s, size_t n)
{
	size_t sc = nseps(s, n, ';'), co = nseps(s, n, ',');

	if (sc == NF - 1)
		return ';';
	if (co == NF - 1)
		return ',';
	return sc >= co ? ';' : ',';
}

/* The fields with the dates in the other style. */
static struct field ymdfields[NF];

/*
 * Decodes a value at p (room for 3n + 2 bytes), through the lib's fast
 * path: dates in either style, numbers with a decimal comma or point.
 * Returns its length, or -1 when the reporting path must take it.
 */
static int
decode_fast(const struct codec *c, const struct field *f, const char *s,
    size_t n, char *p, unsigned char *q)
{
	const char *style;
	char num[32];
	size_t i;

	if (f->type == FT_DATE) {
		if ((style = datestyle(s, n)) == NULL)
			return -1;
		if (style[0] == YMD[0])
			f = &ymdfields[f - fields];
	} else if ((f->type == FT_DEC || f->type == FT_MONEY) &&
	    n <= sizeof num) {
		for (i = 0; i < n; i++)
			num[i] = s[i] == ',' ? '.' : s[i];
		s = num;
	}
	return field_decode_fast(c, f, s, n, p, q);
}

/* The reporting path of a non-empty value. */
static int
decode_slow(const struct codec *c, const struct field *f, const char *s,
    size_t n, struct buf *a, size_t col, unsigned char *q)
{
	if (f->type == FT_DATE && datestyle(s, n) == NULL) {
		diag_field(DC_FMTDATE, f, s, n,
		    "date mal formée, attendu " DMY " ou " YMD);
		return -1;
	}
	if (f->type == FT_DATE && datestyle(s, n)[0] == YMD[0])
		f = &ymdfields[f - fields];
	return field_decode_q(c, f, s, n, a, col, q);
}

/*
 * Builds the row through locals, as rec_decode() does: its members could
 * alias the bytes written, and would be reloaded for every value.
 */
static int
decode(const struct codec *c, struct wsplit *w, size_t len, struct row *out)
{
	int skip[NF], errs, type, k;
	size_t i, at, n, *off, *vlen;
	struct buf *a = &out->arena;
	unsigned char *q;
	char *p;

	type = rectype(w->v[F_TYPE], w->l[F_TYPE]);
	errs = presence(type, w->v, w->l, skip);
	row_reset(out);
	while (out->cap < NF)
		row_grow(out);
	buf_grow(a, 3 * len + 3 * NF + 64);
	off = out->off;
	vlen = out->len;
	q = out->q;
	p = a->p;
	at = a->len;
	for (i = 0; i < NF; i++) {
		n = w->l[i];
		off[i] = at;
		q[i] = 0;
		if (skip[i] || (n == 0 && !fields[i].req))
			;
		else if (n > 0 && (k = decode_fast(c, &fields[i], w->v[i], n,
		    p + at, &q[i])) >= 0)
			at += (size_t)k;
		else {
			a->len = at;
			errs += (n > 0 ? decode_slow(c, &fields[i], w->v[i], n,
			    a, w->col[i], &q[i]) : field_decode_q(c,
			    &fields[i], w->v[i], n, a, w->col[i], &q[i])) != 0;
			/* Room again for what is left of the line. */
			buf_grow(a, 3 * len + 3 * NF + 64);
			p = a->p;
			at = a->len;
		}
		vlen[i] = at - off[i];
		p[at++] = '\0';
	}
	a->len = at;
	out->n = NF;
	row_seal(out);
	return errs;
}

static int
parse(struct fluxrun *r)
{
	struct wsplit w;
	struct row vals = {0};
	struct ftab ft = {0};
	const char *line;
	size_t len;
	enum eol eol;
	int first = 1, n, type;

	memset(&w, 0, sizeof w);
	memcpy(ymdfields, fields, sizeof fields);
	for (n = 0; n < NF; n++)
		if (fields[n].type == FT_DATE)
			ymdfields[n].arg = YMD;
	rec_csv_header(&r->out, &logfmt, &first);
	csvout_end(&r->out);
	while (fluxstep_line(r, &line, &len, &eol)) {
		if (r->in.lineno == 1)
			r->c.sep = detectsep(line, len);
		r->n.lues++;
		if ((n = wsplit(&w, line, len, r->c.sep)) == -1)
			goto reject;
		if (n != NF) {
			diag_record(DC_NCHAMPS,
			    "%s%d champs séparés par «%c», attendu %d",
			    n == -2 ? "plus de " : "", n == -2 ? NF : n,
			    r->c.sep, NF);
			goto reject;
		}
		if (decode(&r->c, &w, len, &vals) != 0 ||
		    periode((const char *const *)vals.v, vals.len) != 0)
			goto reject;
		type = rectype(vals.v[F_TYPE], vals.len[F_TYPE]);
		if (lien(&ft, type, vals.v[F_FACTURE], vals.len[F_FACTURE],
		    vals.v[F_STATUT]) != 0)
			goto reject;
		r->n.acceptees++;
		first = 1;
		rec_csv_values(&r->out, &logfmt, &vals, &first);
		csvout_end(&r->out);
		continue;
reject:
		r->n.rejetees++;
		flux_reject_line(r, line, len, eol);
	}
	if (r->n.lues == 0 && !r->file_rejected) {
		diag_line(0);
		diag_fatal(DC_VIDE, "fichier vide: aucun enregistrement");
		flux_reject_file(r);
	}
	row_free(&vals);
	buf_free(&w.un);
	ftab_free(&ft);
	return 0;
}

/* Appends one wire value, quoted when it holds the separator or a quote. */
static void
putval(struct buf *out, const char *s, size_t n, char sep)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == sep || s[i] == '"')
			break;
	if (i == n) {
		buf_add(out, s, n);
		return;
	}
	buf_addc(out, '"');
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			buf_addc(out, '"');
		buf_addc(out, s[i]);
	}
	buf_addc(out, '"');
}

static int
encode(const struct codec *c, const char *const *v, const size_t *l,
    struct buf *line, struct buf *tmp)
{
	struct codec cq = *c;
	struct field f;
	int skip[NF], errs;
	size_t i;

	/* The separator is quoted, not forbidden: keep the control check. */
	cq.sep = '\n';
	errs = presence(rectype(v[F_TYPE], l[F_TYPE]), v, l, skip);
	for (i = 0; i < NF; i++) {
		if (i > 0)
			buf_addc(line, opts.sep);
		if (skip[i])
			continue;
		f = fields[i];
		if (f.type == FT_DATE)
			f.arg = opts.dates;
		buf_reset(tmp);
		if (field_encode(&cq, &f, v[i], l[i], tmp) != 0)
			errs++;
		else
			putval(line, tmp->p, tmp->len, opts.sep);
	}
	return errs;
}

static int
emit(struct fluxrun *r)
{
	struct row hdr = {0}, *row;
	struct buf line = {0}, tmp = {0};
	struct ftab ft = {0};
	const char *v[NF];
	size_t l[NF], i;
	int map[NF], *maps[1] = { map };

	if (fluxstep_bind(r, &hdr, recs, 1, maps) != 0)
		goto done;
	while (fluxstep_row(r, &hdr, &row)) {
		for (i = 0; i < NF; i++) {
			v[i] = row->v[map[i]];
			l[i] = row->len[map[i]];
		}
		buf_reset(&line);
		if (encode(&r->c, v, l, &line, &tmp) != 0 ||
		    periode(v, l) != 0 ||
		    lien(&ft, rectype(v[F_TYPE], l[F_TYPE]), v[F_FACTURE],
		    l[F_FACTURE], v[F_STATUT]) != 0)
			goto reject;
		out_write(&r->out, line.p, line.len);
		flux_emit_eol(r);
		r->n.acceptees++;
		continue;
reject:
		r->n.rejetees++;
		flux_reject_row(r, &hdr, row);
	}
done:
	row_free(&hdr);
	buf_free(&line);
	buf_free(&tmp);
	ftab_free(&ft);
	return 0;
}

static const struct flux sadlog = {
	.name = "sadlog",
	.summary = "LOG d'intégration/rejet des factures (SALSA -> opérateur), CSV\n"
	    "séparé par ; ou ,.",
	.charset = "WINDOWS-1252",
	.sep = ';',
	.recs = recs,
	.nrecs = 1,
	.parse = parse,
	.emit = emit,
	.xopts = xopts,
	.xopt = xopt,
	.xusage =
	    "  --separator C      emit : séparateur ; (défaut) ou , (parse les reconnaît)\n"
	    "  --dates FORMAT     emit : JJ/MM/AAAA (défaut) ou AAAAMMJJ (parse lit les deux)\n",
};

int
main(int argc, char **argv)
{
	return flux_main(&sadlog, argc, argv);
}
