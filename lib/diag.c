#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "buf.h"
#include "charset.h"
#include "csvio.h"
#include "diag.h"
#include "err.h"
#include "field.h"

#define DIAG_CLASSES	64
#define DIAG_EXAMPLES	5
#define DIAG_SHOWMAX	80	/* characters of a value shown in a message */
#define DIAG_PRINTMAX	100	/* messages of one class printed on stderr */

struct example {
	unsigned long	 line;
	char		*field;
	char		*value;
	char		*msg;
};

static struct dclass {
	const char	*name;
	unsigned long	 n;
	int		 nex;
	struct example	 ex[DIAG_EXAMPLES];
} classes[DIAG_CLASSES];

static const char *curfile = "stdin";
static unsigned long curline;
static unsigned long total;
static int quiet, summarized;

void
diag_file(const char *name)
{
	curfile = name;
}

void
diag_line(unsigned long line)
{
	curline = line;
}

unsigned long
diag_lineno(void)
{
	return curline;
}

unsigned long
diag_count(void)
{
	return total;
}

/* Tests of a rule may probe records without printing anything. */
void
diag_quiet(int on)
{
	quiet = on;
}

static struct dclass *
findclass(const char *cls)
{
	int i;

	for (i = 0; i < DIAG_CLASSES && classes[i].name; i++)
		if (strcmp(classes[i].name, cls) == 0)
			return &classes[i];
	if (i == DIAG_CLASSES)
		return &classes[DIAG_CLASSES - 1];
	classes[i].name = cls;
	return &classes[i];
}

/*
 * Personal data in values shown to a person (cesutg(7), "Messages et
 * données personnelles"): a column whose name holds one of these words,
 * between underscores, has its value masked.
 */
enum mask { M_NONE, M_IDENT, M_PERSO };

static const struct { const char *word; enum mask m; } masked[] = {
	{ "nir", M_IDENT }, { "matricule", M_IDENT }, { "employeur", M_IDENT },
	{ "nom", M_PERSO }, { "prenom", M_PERSO }, { "prenoms", M_PERSO },
	{ "naissance", M_PERSO }, { "adresse", M_PERSO }, { "voie", M_PERSO },
	{ "lieu", M_PERSO }, { "complement", M_PERSO }, { "email", M_PERSO },
	{ "telephone", M_PERSO }, { "correspondant", M_PERSO },
	{ "instructeur", M_PERSO },
};

static enum mask
maskof(const char *name)
{
	size_t i, k;
	const char *w;

	for (w = name; w && *w; w += k + (w[k] == '_')) {
		k = strcspn(w, "_");
		for (i = 0; i < sizeof masked / sizeof masked[0]; i++)
			if (strlen(masked[i].word) == k &&
			    strncmp(w, masked[i].word, k) == 0)
				return masked[i].m;
	}
	return M_NONE;
}

/*
 * An identifier keeps its first and two last characters; other personal
 * data its first character and the characters that are neither letters
 * nor digits (the shape of a date stays visible). The others become '*'.
 */
static void
maskvalue(struct buf *b, const char *v, size_t n, enum mask m)
{
	size_t i, k, pos, c = 0, nc = utf8_nchars(v, n);
	unsigned char u;
	int bad;

	for (i = 0; i < n; i += k, c++) {
		u = (unsigned char)v[i];
		k = u < 0x80 ? 1 : (u & 0xE0) == 0xC0 ? 2 : (u & 0xF0) == 0xE0 ?
		    3 : (u & 0xF8) == 0xF0 ? 4 : 0;
		/* A byte that is no character is the error: shown. */
		bad = k == 0 || i + k > n || utf8_valid(v + i, k, &pos) != 0 ||
		    u < 0x20 || u == 0x7F;
		if (bad)
			k = 1;
		if (bad || c == 0 || (m == M_IDENT && c + 2 >= nc) ||
		    (m == M_PERSO && u < 0x80 && !(u >= '0' && u <= '9') &&
		    !((u | 0x20) >= 'a' && (u | 0x20) <= 'z')))
			buf_add(b, v + i, k);
		else
			buf_addc(b, '*');
	}
}

/* A value as shown to a person: masked, printable, bounded. */
static void
showvalue(struct buf *b, const char *v, size_t n, const char *column)
{
	struct buf m = {0};
	enum mask mk = maskof(column);

	if (mk != M_NONE) {
		buf_add(&m, "", 0);
		maskvalue(&m, v, n, mk);
		v = m.p;
		n = m.len;
	}
	utf8_escape(b, v, n, DIAG_SHOWMAX);
	if (b->p == NULL)
		buf_add(b, "", 0);
	buf_free(&m);
}

static void
record(struct dclass *d, const char *field, const char *value, size_t vlen,
    const char *column, const char *msg)
{
	struct example *e;
	struct buf v = {0}, m = {0};

	total++;
	d->n++;
	if (d->nex == DIAG_EXAMPLES)
		return;
	e = &d->ex[d->nex++];
	e->line = curline;
	e->field = xstrdup(field ? field : "");
	if (value)
		showvalue(&v, value, vlen, column);
	e->value = v.p ? v.p : xstrdup("");
	buf_add(&m, "", 0);
	utf8_escape(&m, msg, strlen(msg), 0);
	e->msg = m.p;
}

/* The first DIAG_PRINTMAX messages of a class, then only a count. */
static void
emit(struct dclass *d, const char *where, const char *msg, const char *value,
    size_t vlen, const char *column)
{
	struct buf v = {0};

	if (quiet || d->n >= DIAG_PRINTMAX)
		return;
	if (value && vlen > 0) {
		showvalue(&v, value, vlen, column);
		warnx_("%s%s «%s»", where, msg, v.p);
		buf_free(&v);
	} else
		warnx_("%s%s", where, msg);
}

/* How many messages of each class were counted but not printed (once). */
void
diag_summary(void)
{
	int i;

	if (summarized++)
		return;
	for (i = 0; i < DIAG_CLASSES && classes[i].name; i++)
		if (classes[i].n > DIAG_PRINTMAX && !quiet)
			warnx_("%lu autres messages «%s» non affichés (le bilan --report les compte)",
			    classes[i].n - DIAG_PRINTMAX, classes[i].name);
}

/*
 * Forgets every count and example, for a process that treats several
 * inputs (the fuzz targets): each then starts as a fresh process would.
 */
void
diag_reset(void)
{
	int i, k;

	for (i = 0; i < DIAG_CLASSES && classes[i].name; i++)
		for (k = 0; k < classes[i].nex; k++) {
			free(classes[i].ex[k].field);
			free(classes[i].ex[k].value);
			free(classes[i].ex[k].msg);
		}
	memset(classes, 0, sizeof classes);
	curfile = "stdin";
	curline = total = 0;
	quiet = summarized = 0;
}

/* A fatal error already printed by die(), kept for the report. */
void
diag_note(const char *cls, const char *msg)
{
	record(findclass(cls), NULL, NULL, 0, NULL, msg);
}

void
diag_field(const char *cls, const struct field *f, const char *value,
    size_t vlen, const char *fmt, ...)
{
	struct buf where = {0}, msg = {0}, fld = {0};
	struct dclass *d = findclass(cls);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	buf_grow(&msg, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(msg.p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	msg.len = (size_t)n;
	buf_addf(&fld, "%s (%s)", f->pos, f->name ? f->name : f->label);
	buf_addf(&where, "%s:%lu: champ %s: ", curfile, curline, fld.p);
	emit(d, where.p, msg.p, value, vlen, f->name);
	record(d, fld.p, value, vlen, f->name, msg.p);
	buf_free(&where);
	buf_free(&msg);
	buf_free(&fld);
}

static void
vrecord(const char *cls, int withline, const char *fmt, va_list ap)
{
	struct buf where = {0}, msg = {0};
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	buf_grow(&msg, (size_t)n);
	vsnprintf(msg.p, (size_t)n + 1, fmt, ap);
	msg.len = (size_t)n;
	if (withline)
		buf_addf(&where, "%s:%lu: ", curfile, curline);
	else
		buf_addf(&where, "%s: ", curfile);
	emit(findclass(cls), where.p, msg.p, NULL, 0, NULL);
	record(findclass(cls), NULL, NULL, 0, NULL, msg.p);
	buf_free(&where);
	buf_free(&msg);
}

void
diag_record(const char *cls, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vrecord(cls, 1, fmt, ap);
	va_end(ap);
}

/* A file-level problem: the caller then rejects the whole file. */
void
diag_fatal(const char *cls, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vrecord(cls, curline > 0, fmt, ap);
	va_end(ap);
}

static void
reportrow(struct out *o, const char *rubrique, const char *classe,
    const char *nombre, const char *ligne, const char *champ,
    const char *valeur, const char *message)
{
	const char *f[] = { rubrique, classe, nombre, ligne, champ, valeur,
	    message };
	size_t i;

	struct buf b = {0};

	for (i = 0; i < sizeof f / sizeof f[0]; i++) {
		/* A spreadsheet would run a value read as a formula. */
		if (strchr("=+-@\t\r", f[i][0]) && f[i][0] != '\0') {
			buf_reset(&b);
			buf_addc(&b, '\'');
			buf_adds(&b, f[i]);
			csvout_field(o, b.p, b.len, i == 0);
		} else
			csvout_field(o, f[i], strlen(f[i]), i == 0);
	}
	csvout_end(o);
	buf_free(&b);
}

/*
 * The integration report (A5, A6), as CSV: totals, then one row per error
 * class with its count, then the first examples of each class.
 */
void
diag_report(const char *path, const struct diag_counts *c, int file_rejected)
{
	struct afile a;
	char n[32], l[32];
	int i, k;

	afile_open(&a, path, AFILE_PRIVATE);
	reportrow(&a.o, "rubrique", "classe", "nombre", "ligne", "champ",
	    "valeur", "message");
	snprintf(n, sizeof n, "%lu", c->lues);
	reportrow(&a.o, "total", "lues", n, "", "", "", "");
	snprintf(n, sizeof n, "%lu", c->acceptees);
	reportrow(&a.o, "total", "acceptees", n, "", "", "", "");
	snprintf(n, sizeof n, "%lu", c->rejetees);
	reportrow(&a.o, "total", "rejetees", n, "", "", "", "");
	reportrow(&a.o, "total", "fichier_rejete", file_rejected ? "1" : "0",
	    "", "", "", "");
	for (i = 0; i < DIAG_CLASSES && classes[i].name; i++) {
		snprintf(n, sizeof n, "%lu", classes[i].n);
		reportrow(&a.o, "classe", classes[i].name, n, "", "", "", "");
	}
	for (i = 0; i < DIAG_CLASSES && classes[i].name; i++)
		for (k = 0; k < classes[i].nex; k++) {
			struct example *e = &classes[i].ex[k];

			snprintf(l, sizeof l, "%lu", e->line);
			reportrow(&a.o, "exemple", classes[i].name, "",
			    e->line ? l : "", e->field, e->value, e->msg);
		}
	afile_commit(&a);
}
