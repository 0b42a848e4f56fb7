#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "flux.h"
#include "fluxstep.h"

#ifndef CESUTG_VERSION
#define CESUTG_VERSION "dev"
#endif

enum { OPT_SCHEMA = 256, OPT_REJECTS, OPT_REPORT, OPT_CHARSET, OPT_CRLF,
	OPT_DECCOMMA, OPT_VERSION, OPT_DIR };

static const struct option common[] = {
	{ "schema", no_argument, NULL, OPT_SCHEMA },
	{ "rejects", required_argument, NULL, OPT_REJECTS },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "charset", required_argument, NULL, OPT_CHARSET },
	{ "crlf", no_argument, NULL, OPT_CRLF },
	{ "decimal-comma", no_argument, NULL, OPT_DECCOMMA },
	{ "dir", required_argument, NULL, OPT_DIR },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
};

static void
usage(const struct flux *fx, FILE *fp)
{
	fprintf(fp,
	    "usage: %s parse [--charset NOM] [--crlf] [--decimal-comma] [--rejects FICHIER]\n"
	    "            [--report FICHIER] [FICHIER]\n"
	    "       %s emit [--charset NOM] [--crlf] [--decimal-comma] [--rejects FICHIER]\n"
	    "            [--report FICHIER] [FICHIER]\n"
	    "       %s --schema\n", fx->name, fx->name, fx->name);
}

static void
help(const struct flux *fx)
{
	usage(fx, stdout);
	printf("\n%s\n\n"
	    "  parse              fichier au format d'échange -> CSV canonique\n"
	    "  emit               CSV canonique -> fichier au format d'échange\n"
	    "  --schema           liste les champs du format en CSV\n"
	    "  --charset NOM      jeu de caractères du fichier d'échange (défaut %s)\n"
	    "  --crlf             emit : fins de ligne CRLF (parse les accepte toujours)\n"
	    "  --decimal-comma    emit : virgule décimale (parse accepte les deux)\n"
	    "  --rejects FICHIER  écrit les enregistrements rejetés, dans leur format\n"
	    "  --report FICHIER   écrit le bilan d'intégration en CSV\n"
	    "%s"
	    "  -h, --help         cette aide\n"
	    "  --version          version\n\n"
	    "Sans FICHIER, lit l'entrée standard ; écrit sur la sortie standard.\n"
	    "Sorties : 0 succès, 64 usage, 65 données rejetées, 66 entrée\n"
	    "illisible, 73 sortie impossible à créer, 74 erreur d'entrée-sortie.\n"
	    "Voir %s(1) et %s(5).\n",
	    fx->summary, fx->charset, fx->xusage ? fx->xusage : "", fx->name,
	    fx->name);
}

/* Write errors are errors: a full disk must not exit 0. */
static int
stdout_close(void)
{
	if (fflush(stdout) == EOF || ferror(stdout))
		die(EX_IOERR, "écriture impossible sur la sortie standard: %s",
		    strerror(errno));
	return 0;
}

static void
rejopen(struct fluxrun *r)
{
	if (r->rejpath && !r->rejopen) {
		afile_open(&r->rej, r->rejpath, AFILE_PRIVATE);
		r->rejopen = 1;
	}
}

/* parse: a rejected record goes out in its original wire form. */
void
flux_reject_line(struct fluxrun *r, const char *line, size_t len,
    enum eol eol)
{
	if (!r->rejpath)
		return;
	rejopen(r);
	out_write(&r->rej.o, line, len);
	if (eol == EOL_CRLF)
		out_putc(&r->rej.o, '\r');
	out_putc(&r->rej.o, '\n');
}

/* emit: a rejected row goes out as canonical CSV, under its header. */
void
flux_reject_row(struct fluxrun *r, const struct row *hdr, const struct row *row)
{
	if (!r->rejpath)
		return;
	rejopen(r);
	if (!r->rejhdr) {
		csvout_row(&r->rej.o, hdr);
		r->rejhdr = 1;
	}
	csvout_row(&r->rej.o, row);
}

/* A file-level error: nothing of the file goes to stdout. */
void
flux_reject_file(struct fluxrun *r)
{
	r->file_rejected = 1;
}

int
flux_emit_eol(struct fluxrun *r)
{
	out_puts(&r->out, r->c.eol);
	return 0;
}

static int
generic_parse(struct fluxrun *r)
{
	const struct recfmt *rf = r->fx->recs[0];
	struct row vals = {0};
	const char *line;
	size_t len;
	enum eol eol;
	int first = 1;

	rec_csv_header(&r->out, rf, &first);
	csvout_end(&r->out);
	while (fluxstep_line(r, &line, &len, &eol)) {
		r->n.lues++;
		if (rec_decode(&r->c, rf, line, len, &vals) != 0 ||
		    (r->fx->check && r->fx->check(r, &vals) != 0)) {
			r->n.rejetees++;
			flux_reject_line(r, line, len, eol);
			continue;
		}
		r->n.acceptees++;
		first = 1;
		rec_csv_values(&r->out, rf, &vals, &first);
		csvout_end(&r->out);
	}
	if (r->n.lues == 0 && !r->file_rejected) {
		diag_line(0);
		diag_fatal(DC_VIDE, "fichier vide: aucun enregistrement");
		flux_reject_file(r);
	}
	row_free(&vals);
	return 0;
}

/*
 * Bounds each column of an emit input to the longest value its field
 * allows (the field of that name in any record type of the flux).
 */
static void
limit(struct fluxrun *r, const struct row *hdr)
{
	size_t *cap = xcalloc(hdr->n ? hdr->n : 1, sizeof *cap), i, k, m;
	const struct recfmt *rf;
	int f;

	for (i = 0; i < hdr->n; i++)
		for (k = 0; k < r->fx->nrecs; k++) {
			rf = r->fx->recs[k];
			if ((f = rec_field(rf, hdr->v[i])) < 0 ||
			    !field_is_column(&rf->f[f]))
				continue;
			if ((m = field_maxbytes(&rf->f[f])) == 0) {
				cap[i] = 0;	/* free text somewhere */
				break;
			}
			cap[i] = m > cap[i] ? m : cap[i];
		}
	csvin_limit(&r->csv, hdr, cap);
	free(cap);
}

/* Reads the CSV header of an emit input; copies it into hdr. */
int
flux_read_header(struct fluxrun *r, struct row *hdr)
{
	struct row *row;

	if (!csvin_next(&r->csv, &row)) {
		diag_line(0);
		diag_fatal(DC_VIDE, "entrée CSV vide: en-tête attendu");
		flux_reject_file(r);
		return -1;
	}
	row_copy(hdr, row);
	limit(r, hdr);
	return 0;
}

/* emit applies the same record rules as parse, to one value per field. */
static int
emit_check(struct fluxrun *r, const struct recfmt *rf, const char **v,
    const size_t *vlen, struct row *vals)
{
	size_t i;

	row_reset(vals);
	for (i = 0; i < rf->nf; i++)
		row_push(vals, v[i] ? v[i] : "", v[i] ? vlen[i] : 0);
	row_seal(vals);
	rec_instants(rf, vals);
	return r->fx->check(r, vals);
}

static int
generic_emit(struct fluxrun *r)
{
	const struct recfmt *rf = r->fx->recs[0];
	struct row hdr = {0}, vals = {0}, *row;
	struct buf line = {0};
	const char **v = xcalloc(rf->nf, sizeof *v);
	size_t *vlen = xcalloc(rf->nf, sizeof *vlen), i;
	int *map = xcalloc(rf->nf, sizeof *map);

	if (fluxstep_bind(r, &hdr, r->fx->recs, 1, &map) != 0)
		goto done;
	while (fluxstep_row(r, &hdr, &row)) {
		for (i = 0; i < rf->nf; i++) {
			v[i] = map[i] >= 0 ? row->v[map[i]] : NULL;
			vlen[i] = map[i] >= 0 ? row->len[map[i]] : 0;
		}
		buf_reset(&line);
		if (rec_encode(&r->c, rf, v, vlen, &line) == 0 &&
		    (r->fx->check == NULL || emit_check(r, rf, v, vlen,
		    &vals) == 0)) {
			out_write(&r->out, line.p, line.len);
			flux_emit_eol(r);
			r->n.acceptees++;
			continue;
		}
		r->n.rejetees++;
		flux_reject_row(r, &hdr, row);
	}
done:
	row_free(&hdr);
	row_free(&vals);
	buf_free(&line);
	free(v);
	free(vlen);
	free(map);
	return 0;
}

static struct option *
options(const struct flux *fx)
{
	size_t nc = sizeof common / sizeof common[0], nx = 0;
	struct option *o;

	while (fx->xopts && fx->xopts[nx].name)
		nx++;
	o = xcalloc(nc + nx + 1, sizeof *o);
	memcpy(o, common, sizeof common);
	if (nx)
		memcpy(o + nc, fx->xopts, nx * sizeof *o);
	return o;
}

static struct fluxrun *cur;	/* the run die() must clean up after */

/* Writes what can be written of the rejects and the report, once. */
static void
reports(struct fluxrun *r)
{
	const char *rep = r->reportpath;

	r->reportpath = NULL;
	if (r->rejpath) {
		rejopen(r);
		r->rejpath = NULL;
		afile_commit(&r->rej);
	}
	if (rep)
		diag_report(rep, &r->n, r->file_rejected);
}

/*
 * die() during a run: what went to stdout is taken back where it can be,
 * said to be void where it cannot; rejects and report are still written.
 */
static void
fatal(void)
{
	struct fluxrun *r = cur;
	const char *e = err_last();

	if (r == NULL)
		return;
	cur = NULL;
	if (out_undo(&r->out) == 0)
		warnx_("%s: traitement interrompu, rien n'est écrit sur la sortie standard",
		    r->inname);
	else
		warnx_("%s: traitement interrompu: sortie incomplète, à ignorer",
		    r->inname);
	r->file_rejected = 1;
	diag_line(0);	/* the message names its line */
	diag_note(DC_FATAL, e);
	diag_summary();
	reports(r);
	/* For a process that goes on after die() (the fuzz targets). */
	out_free(&r->out);
	if (r->emit)
		csvin_close(&r->csv);
	else
		lines_free(&r->in);
	charset_close(&r->c.cs);
}

/* Termination by a signal removes the temporaries too. */
static void
onsignal(int sig)
{
	afile_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* A signal the caller ignores (a background job's SIGINT) stays ignored. */
static void
catch(int sig)
{
	struct sigaction sa;

	if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler != SIG_IGN)
		signal(sig, onsignal);
}

static int
run(struct fluxrun *r, const char *path)
{
	r->infd = 0;
	r->inname = "stdin";
	if (path && strcmp(path, "-") != 0) {
		r->inname = path;
		if ((r->infd = open(path, O_RDONLY)) == -1)
			die(EX_NOINPUT, "%s: %s", path, strerror(errno));
	}
	diag_file(r->inname);
	out_spool(&r->out, 1, "la sortie standard");
	cur = r;
	err_onfatal(fatal);
	/*
	 * A reader that has gone (head) ends a filter as it ends any other:
	 * by SIGPIPE, without a message, once the temporaries are removed.
	 * A caller that ignores SIGPIPE gets the write error (74) instead.
	 */
	catch(SIGPIPE);
	catch(SIGINT);
	catch(SIGTERM);
	catch(SIGHUP);
	if (r->emit) {
		csvin_open(&r->csv, r->infd, r->inname);
		(r->fx->emit ? r->fx->emit : generic_emit)(r);
		csvin_close(&r->csv);
		memset(&r->csv, 0, sizeof r->csv);	/* closed once */
		if (r->n.lues == 0 && !r->file_rejected) {
			diag_line(0);
			diag_fatal(DC_VIDE, "aucune ligne après l'en-tête CSV: le fichier serait vide");
			flux_reject_file(r);
		}
	} else {
		lines_init(&r->in, r->infd, r->inname);
		(r->fx->parse ? r->fx->parse : generic_parse)(r);
		lines_free(&r->in);
	}
	diag_summary();
	if (r->file_rejected) {
		out_discard(&r->out);
		warnx_("%s: fichier rejeté en entier, rien n'est écrit",
		    r->inname);
	} else
		out_commit(&r->out);
	reports(r);
	cur = NULL;
	out_free(&r->out);
	charset_close(&r->c.cs);
	if (r->file_rejected || r->n.rejetees > 0)
		return EX_DATAERR;
	return 0;
}

int
flux_main(const struct flux *fx, int argc, char **argv)
{
	struct fluxrun r;
	struct option *opts = options(fx);
	const char *charset = fx->charset;
	int ch, schema = 0, crlf = 0, comma = 0;

	err_setprog(argv[0]);
	prog_name = fx->name;
	memset(&r, 0, sizeof r);
	r.fx = fx;
	opterr = 0;	/* our own message, in French */
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_SCHEMA: schema = 1; break;
		case OPT_REJECTS: r.rejpath = optarg; break;
		case OPT_REPORT: r.reportpath = optarg; break;
		case OPT_CHARSET: charset = optarg; break;
		case OPT_CRLF: crlf = 1; break;
		case OPT_DECCOMMA: comma = 1; break;
		case OPT_DIR: r.dir = optarg; break;
		case 'h':
			free(opts);
			help(fx);
			return stdout_close();
		case OPT_VERSION:
			free(opts);
			printf("%s (cesutg) %s\n", fx->name, CESUTG_VERSION);
			return stdout_close();
		case '?':
			warnx_("option inconnue, ou sans sa valeur: «%s»",
			    argv[optind - 1]);
			free(opts);
			usage(fx, stderr);
			return EX_USAGE;
		default:
			if (fx->xopt && fx->xopt(&r, ch, optarg) == 0)
				break;
			free(opts);
			usage(fx, stderr);
			return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	free(opts);
	if (fcntl(1, F_GETFL) == -1)
		die(EX_IOERR, "la sortie standard est fermée: rien ne peut y être écrit");
	if (schema) {
		if (argc != 0) {
			usage(fx, stderr);
			return EX_USAGE;
		}
		out_init(&r.out, 1, "la sortie standard");
		rec_schema(&r.out, fx->recs, fx->nrecs);
		out_flush(&r.out);
		out_free(&r.out);
		return 0;
	}
	if (argc < 1 || argc > 2 || (strcmp(argv[0], "parse") != 0 &&
	    strcmp(argv[0], "emit") != 0)) {
		usage(fx, stderr);
		return EX_USAGE;
	}
	r.emit = strcmp(argv[0], "emit") == 0;
	switch (charset_open(&r.c.cs, charset)) {
	case -1:
		die(EX_USAGE, "jeu de caractères inconnu: %s", charset);
	case -2:
		die(EX_USAGE, "jeu de caractères %s refusé: les formats d'échange demandent un jeu compatible avec ASCII (WINDOWS-1252, ISO-8859-15, UTF-8…)",
		    charset);
	}
	r.c.sep = fx->sep;
	r.c.decsep = comma ? ',' : '.';
	r.c.eol = crlf ? "\r\n" : "\n";
	return run(&r, argc == 2 ? argv[1] : NULL);
}
