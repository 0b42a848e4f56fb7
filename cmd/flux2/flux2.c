/*
 * flux2: Flux 2, factures télégestion (opérateur -> SALSA), annex 1 of the
 * CCTP. One invoice per file: a header record (type 1) then detail records
 * (type 2), '|'-separated. The canonical CSV has one row per detail
 * carrying its header's fields; see flux2(5).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "fluxstep.h"

#define D "AAAAMMJJ"

#define DC_PLUSIEURS	"plusieurs_factures"
#define DC_EXISTE	"fichier_existant"
#define DC_PERIODE	"periode_hors_facture"
#define DC_FACTURE	"facture_rejetee"
#define DC_ENTETE	"entete_facture"

static const struct field hfields[] = {
	{"1.1", "type_enregistrement", "Type enregistrement", FT_CONST, 1, 0, 0, 0, 1, "1", 0},
	{"1.2", "code_tiers", "Code tiers", FT_DIGITS, 6, 0, 0, 0, 1, NULL, 0},
	{"1.3", "type_tiers", "Type tiers", FT_TEXT, 1, 0, 0, 0, 1, NULL, 0},
	{"1.4", "libelle_tiers", "Libelle tiers", FT_TEXT, 50, 0, 0, 0, 0, NULL, 0},
	{"1.5", "reference_facture", "Référence facture", FT_TEXT, 2000, 0, 0, 0, 0, NULL, 0},
	{"1.6", "date_creation_fichier", "Date de création du fichier", FT_DATE, 8, 0, 0, 0, 0, D, 0},
	{"1.7", "date_debut_periode", "Date début période", FT_DATE, 8, 0, 0, 0, 1, D, 0},
	{"1.8", "date_fin_periode", "Date fin période", FT_DATE, 8, 0, 0, 0, 1, D, 0},
	{"1.9", "code_financeur", "Code financeur", FT_TEXT, 10, 0, 0, 0, 1, NULL, 0},
	{"1.10", "nature_aide", "Nature aide", FT_DIGITS, 0, 0, 0, 0, 0, NULL, 0},
};

static const struct field dfields[] = {
	{"2.1", "type_enregistrement", "Type enregistrement", FT_CONST, 1, 0, 0, 0, 1, "2", 0},
	{"2.2", "identifiant_beneficiaire_salsa", "Clef individu Salsa", FT_DIGITS, 6, 0, 0, 0, 1, NULL, 0},
	{"2.3", "nom_beneficiaire", "Nom", FT_TEXT, 50, 0, 0, 0, 1, NULL, 0},
	{"2.4", "prenom_beneficiaire", "Prénom", FT_TEXT, 50, 0, 0, 0, 1, NULL, 0},
	{"2.5", "date_naissance_beneficiaire", "Date naissance", FT_DATE, 8, 0, 0, 0, 0, D, 0},
	{"2.6", "code_nomenclature_prestation", "Code nomenclature prestation", FT_TEXT, 3, 0, 0, 0, 1, NULL, 0},
	{"2.7", "libelle_prestation", "Libelle prestation", FT_TEXT, 0, 0, 0, 0, 0, NULL, 0},
	{"2.8", "date_debut_paiement", "Date début paiement", FT_DATE, 8, 0, 0, 0, 1, D, 0},
	{"2.9", "date_fin_paiement", "Date fin paiement", FT_DATE, 8, 0, 0, 0, 1, D, 0},
	{"2.10", "quantite", "Quantité", FT_DEC, 5, 2, 0, 0, 1, NULL, 0},
	{"2.11", "montant", "Montant", FT_MONEY, 7, 2, 0, 0, 1, NULL, 0},
	{"2.12", "type_mouvement", "Type de mouvement", FT_TEXT, 1, 0, 0, 0, 0, NULL, 0},
	{"2.13", "montant_unitaire", "Montant unitaire", FT_MONEY, 7, 2, 0, 0, 0, NULL, 0},
};

#define NH	(sizeof hfields / sizeof hfields[0])
#define ND	(sizeof dfields / sizeof dfields[0])

/* Indexes of the fields the rules look at. */
enum { H_TIERS = 1, H_REF = 4, H_DEBUT = 6, H_FIN = 7, H_FINANCEUR = 8 };
enum { D_DEBUT = 7, D_FIN = 8 };

static const struct recfmt entete = {
	"1", "en-tête de facture", hfields, NH, 0
};
static const struct recfmt detail = {
	"2", "détail de facture", dfields, ND, 0
};
static const struct recfmt *const recs[] = { &entete, &detail };

/*
 * A detail's payment period must not end before it starts and must lie
 * inside its invoice's period. Canonical dates sort as text.
 */
static int
periode(const char *hdeb, const char *hfin, const char *ddeb, size_t ddeblen,
    const char *dfin, size_t dfinlen)
{
	if (strcmp(ddeb, dfin) > 0) {
		diag_field(DC_REGLE, &dfields[D_FIN], dfin, dfinlen,
		    "fin de paiement avant le début (date_debut_paiement le %s)",
		    ddeb);
		return 1;
	}
	if (strcmp(ddeb, hdeb) < 0) {
		diag_field(DC_PERIODE, &dfields[D_DEBUT], ddeb, ddeblen,
		    "début de paiement avant la période de la facture (du %s au %s)",
		    hdeb, hfin);
		return 1;
	}
	if (strcmp(dfin, hfin) > 0) {
		diag_field(DC_PERIODE, &dfields[D_FIN], dfin, dfinlen,
		    "fin de paiement après la période de la facture (du %s au %s)",
		    hdeb, hfin);
		return 1;
	}
	return 0;
}

static int
hperiode(const char *deb, const char *fin, size_t finlen)
{
	if (strcmp(deb, fin) <= 0)
		return 0;
	diag_field(DC_REGLE, &hfields[H_FIN], fin, finlen,
	    "fin de période avant le début (date_debut_periode le %s)", deb);
	return 1;
}

struct pstate {
	struct row	 h, d;
	struct buf	 hcsv;		/* the header's CSV values, once */
	struct buf	 hline;		/* the header as read, for --rejects */
	enum eol	 heol;
	int		 hrejected;	/* hline already in --rejects */
};

static void
reject(struct fluxrun *r, struct pstate *s, const char *line, size_t len,
    enum eol eol)
{
	r->n.rejetees++;
	if (!s->hrejected) {
		flux_reject_line(r, s->hline.p, s->hline.len, s->heol);
		s->hrejected = 1;
	}
	flux_reject_line(r, line, len, eol);
}

/*
 * Every row repeats the header's values: they are rendered to CSV once, in
 * memory (a header is far shorter than an output block, so the private
 * output is never flushed).
 */
static void
csvcopy(struct buf *b, const struct row *h)
{
	struct out o;
	int first = 1;

	out_init(&o, -1, "l'en-tête");
	rec_csv_values(&o, &entete, h, &first);
	buf_reset(b);
	buf_add(b, o.buf, o.len);
	out_free(&o);
}

/* Line 1: the invoice header; any problem with it rejects the file. */
static int
parse_header(struct fluxrun *r, struct pstate *s, const struct recfmt *rf,
    const char *line, size_t len, enum eol eol)
{
	const char *sep = memchr(line, '|', len);
	size_t tl = sep ? (size_t)(sep - line) : len;

	if (rf != &entete) {
		diag_fatal(DC_ORDRE,
		    "en-tête de facture (type 1) attendu en première ligne, trouvé un enregistrement de type «%.*s»",
		    (int)(tl > 20 ? 20 : tl), line);
		return -1;
	}
	if (rec_decode(&r->c, rf, line, len, &s->h) != 0 ||
	    hperiode(s->h.v[H_DEBUT], s->h.v[H_FIN], s->h.len[H_FIN]) != 0) {
		diag_fatal(DC_ENTETE,
		    "en-tête de facture invalide: aucune ligne de la facture n'est lue");
		return -1;
	}
	buf_reset(&s->hline);
	buf_add(&s->hline, line, len);
	s->heol = eol;
	csvcopy(&s->hcsv, &s->h);
	return 0;
}

static int
parse(struct fluxrun *r)
{
	struct pstate s = {0};
	const struct recfmt *rf;
	const char *line, *bar;
	size_t len, tl;
	enum eol eol;
	int first = 1, header = 0;

	rec_csv_header(&r->out, &entete, &first);
	rec_csv_header(&r->out, &detail, &first);
	csvout_end(&r->out);
	while (fluxstep_line(r, &line, &len, &eol)) {
		rf = rec_pick(&r->c, recs, 2, line, len);
		if (!header) {
			if (parse_header(r, &s, rf, line, len, eol) != 0) {
				flux_reject_file(r);
				break;
			}
			header = 1;
			continue;
		}
		if (rf == &entete) {
			diag_fatal(DC_ORDRE,
			    "deuxième en-tête de facture (type 1): un fichier ne porte qu'une facture");
			flux_reject_file(r);
			break;
		}
		r->n.lues++;
		if (rf == NULL) {
			/* The line is not a string: no NUL ends it. */
			bar = memchr(line, '|', len);
			tl = bar ? (size_t)(bar - line) : len;
			diag_record(DC_RECTYPE,
			    "type d'enregistrement «%.*s» inconnu, attendu 2 (détail)",
			    (int)(tl > 20 ? 20 : tl), line);
			reject(r, &s, line, len, eol);
			continue;
		}
		if (rec_decode(&r->c, rf, line, len, &s.d) != 0 ||
		    periode(s.h.v[H_DEBUT], s.h.v[H_FIN], s.d.v[D_DEBUT],
		    s.d.len[D_DEBUT], s.d.v[D_FIN], s.d.len[D_FIN]) != 0) {
			reject(r, &s, line, len, eol);
			continue;
		}
		r->n.acceptees++;
		first = 0;
		out_write(&r->out, s.hcsv.p, s.hcsv.len);
		rec_csv_values(&r->out, &detail, &s.d, &first);
		csvout_end(&r->out);
	}
	if (!r->file_rejected && (!header || r->n.lues == 0)) {
		if (!header)
			diag_line(0);
		diag_fatal(DC_VIDE, header ?
		    "facture sans ligne de détail (type 2)" :
		    "fichier vide: aucun enregistrement");
		flux_reject_file(r);
	}
	row_free(&s.h);
	row_free(&s.d);
	buf_free(&s.hcsv);
	buf_free(&s.hline);
	return 0;
}

/* emit: one invoice is a run of rows sharing every header column. */
struct estate {
	int		 hmap[NH], dmap[ND];
	const char	*hv[NH], *dv[ND];
	size_t		 hl[NH], dl[ND];
	struct row	 key;		/* header values of the current invoice */
	struct buf	 hline, dline;
	unsigned long	 nfact;
	unsigned long	 hbad;		/* line of the bad header, 0 if good */
	int		 started;	/* header written out */
	struct afile	 af;
	int		 afopen;
	char		*path;
};

static void
bindrow(const int *map, size_t n, const struct row *row, const char **v,
    size_t *l)
{
	size_t i;

	for (i = 0; i < n; i++) {
		v[i] = map[i] >= 0 ? row->v[map[i]] : NULL;
		l[i] = map[i] >= 0 ? row->len[map[i]] : 0;
	}
}

static int
samekey(const struct estate *e)
{
	size_t i, k = 0;

	if (e->nfact == 0)
		return 0;
	for (i = 0; i < NH; i++) {
		if (e->hmap[i] < 0)
			continue;
		if (e->key.len[k] != e->hl[i] ||
		    memcmp(e->key.v[k], e->hv[i], e->hl[i]) != 0)
			return 0;
		k++;
	}
	return 1;
}

/* Keeps [A-Za-z0-9-] of a value for a file name, the rest becomes '-'. */
static void
namepart(struct buf *b, const char *s, size_t n, size_t max, int nodash)
{
	size_t i;
	char c;

	for (i = 0; i < n && i < max; i++) {
		c = s[i];
		if (nodash && c == '-')
			continue;
		buf_addc(b, (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') ? c : '-');
	}
}

/*
 * DIR/FLUX2_<code_tiers>_<code_financeur>_<debut>_<fin>[_<reference>].txt
 * (see FILES in flux2(1)).
 */
static char *
invoice_path(const char *dir, const struct estate *e)
{
	struct buf b = {0};

	buf_addf(&b, "%s/FLUX2_", dir);
	namepart(&b, e->hv[H_TIERS], e->hl[H_TIERS], 6, 0);
	buf_addc(&b, '_');
	namepart(&b, e->hv[H_FINANCEUR], e->hl[H_FINANCEUR], 10, 0);
	buf_addc(&b, '_');
	namepart(&b, e->hv[H_DEBUT], e->hl[H_DEBUT], 10, 1);
	buf_addc(&b, '_');
	namepart(&b, e->hv[H_FIN], e->hl[H_FIN], 10, 1);
	if (e->hl[H_REF] > 0) {
		buf_addc(&b, '_');
		namepart(&b, e->hv[H_REF], e->hl[H_REF], 64, 0);
	}
	buf_adds(&b, ".txt");
	return b.p;
}

static void
finish(struct fluxrun *r, struct estate *e)
{
	if (!e->afopen)
		return;
	afile_commit(&e->af);
	out_puts(&r->out, e->path);
	out_putc(&r->out, '\n');
	e->afopen = 0;
}

/* A new invoice starts: encodes its header once. Returns -1 to stop. */
static int
begin(struct fluxrun *r, struct estate *e)
{
	size_t i;

	finish(r, e);
	if (++e->nfact > 1 && r->dir == NULL) {
		diag_fatal(DC_PLUSIEURS,
		    "une deuxième facture commence ici: la sortie standard ne porte qu'une facture, utiliser --dir RÉPERTOIRE");
		flux_reject_file(r);
		return -1;
	}
	row_reset(&e->key);
	for (i = 0; i < NH; i++)
		if (e->hmap[i] >= 0)
			row_push(&e->key, e->hv[i], e->hl[i]);
	row_seal(&e->key);
	e->started = 0;
	e->hbad = 0;
	buf_reset(&e->hline);
	if (rec_encode(&r->c, &entete, e->hv, e->hl, &e->hline) != 0 ||
	    (e->hl[H_DEBUT] && e->hl[H_FIN] &&
	    hperiode(e->hv[H_DEBUT], e->hv[H_FIN], e->hl[H_FIN]) != 0)) {
		e->hbad = diag_lineno();
		return 0;
	}
	if (r->dir) {
		free(e->path);
		e->path = invoice_path(r->dir, e);
		if (access(e->path, F_OK) == 0) {
			diag_record(DC_EXISTE,
			    "le fichier %s existe déjà: facture non écrite (ses lignes doivent se suivre; un envoi n'est jamais remplacé)",
			    e->path);
			e->hbad = diag_lineno();
		}
	}
	return 0;
}

/* The first good detail of an invoice opens its file and writes its header. */
static struct out *
dest(struct fluxrun *r, struct estate *e)
{
	struct out *o = &r->out;

	if (r->dir) {
		if (!e->afopen) {
			afile_open(&e->af, e->path, AFILE_PRIVATE);
			e->afopen = 1;
		}
		o = &e->af.o;
	}
	if (!e->started) {
		out_write(o, e->hline.p, e->hline.len);
		out_puts(o, r->c.eol);
		e->started = 1;
	}
	return o;
}

static void
mkdest(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			die(EX_CANTCREAT, "%s n'est pas un répertoire", dir);
		return;
	}
	if (mkdir(dir, 0700) == -1)
		die(EX_CANTCREAT, "création du répertoire %s impossible: %s",
		    dir, strerror(errno));
}

static int
emit(struct fluxrun *r)
{
	struct estate e;
	struct row hdr = {0}, *row;
	struct out *o;
	int *maps[2];

	memset(&e, 0, sizeof e);
	maps[0] = e.hmap;
	maps[1] = e.dmap;
	if (fluxstep_bind(r, &hdr, recs, 2, maps) != 0)
		goto done;
	if (r->dir)
		mkdest(r->dir);
	while (fluxstep_row(r, &hdr, &row)) {
		bindrow(e.hmap, NH, row, e.hv, e.hl);
		bindrow(e.dmap, ND, row, e.dv, e.dl);
		if (!samekey(&e) && begin(r, &e) != 0)
			break;
		if (e.hbad) {
			if (e.hbad != diag_lineno())
				diag_record(DC_FACTURE,
				    "ligne non écrite: sa facture est rejetée (voir la ligne %lu)",
				    e.hbad);
			goto reject;
		}
		buf_reset(&e.dline);
		if (rec_encode(&r->c, &detail, e.dv, e.dl, &e.dline) != 0 ||
		    periode(e.hv[H_DEBUT], e.hv[H_FIN], e.dv[D_DEBUT],
		    e.dl[D_DEBUT], e.dv[D_FIN], e.dl[D_FIN]) != 0)
			goto reject;
		o = dest(r, &e);
		out_write(o, e.dline.p, e.dline.len);
		out_puts(o, r->c.eol);
		r->n.acceptees++;
		continue;
reject:
		r->n.rejetees++;
		flux_reject_row(r, &hdr, row);
	}
	if (!r->file_rejected)
		finish(r, &e);
	else if (e.afopen)
		afile_abort(&e.af);
	if (!r->file_rejected && r->n.lues == 0) {
		diag_line(0);
		diag_fatal(DC_VIDE, "aucune ligne de facture après l'en-tête CSV");
		flux_reject_file(r);
	}
done:
	row_free(&hdr);
	row_free(&e.key);
	buf_free(&e.hline);
	buf_free(&e.dline);
	free(e.path);
	return 0;
}

static const struct flux flux2 = {
	.name = "flux2",
	.summary = "Flux 2, factures télégestion (opérateur -> SALSA), séparateur |,\n"
	    "un fichier par facture.",
	.charset = "WINDOWS-1252",
	.sep = '|',
	.recs = recs,
	.nrecs = 2,
	.parse = parse,
	.emit = emit,
	.xusage = "  --dir RÉPERTOIRE   emit : un fichier par facture dans RÉPERTOIRE\n",
};

int
main(int argc, char **argv)
{
	return flux_main(&flux2, argc, argv);
}
