#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "afile.h"
#include "buf.h"
#include "csvio.h"
#include "diag.h"
#include "err.h"
#include "field.h"

#define DIAG_CLASSES	64
#define DIAG_EXAMPLES	5
#define DIAG_SHOWMAX	80	/* characters of a value shown in a message */

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
static int quiet;

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

/* A value as shown to a person: printable, bounded, invalid bytes as \xHH. */
static void
showvalue(struct buf *b, const char *v, size_t n)
{
	size_t i, shown = 0;
	unsigned char c;

	for (i = 0; i < n && shown < DIAG_SHOWMAX; i++, shown++) {
		c = (unsigned char)v[i];
		if (c < 0x20 || c == 0x7F)
			buf_addf(b, "\\x%02X", c);
		else if (c < 0x80)
			buf_addc(b, (char)c);
		else {
			size_t bad, k = (c & 0xE0) == 0xC0 ? 2 :
			    (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
			if (k > 1 && i + k <= n && utf8_valid(v + i, k, &bad) == 0) {
				buf_add(b, v + i, k);
				i += k - 1;
			} else
				buf_addf(b, "\\x%02X", c);
		}
	}
	if (i < n)
		buf_adds(b, "…");
}

static void
record(const char *cls, const char *field, const char *value, size_t vlen,
    const char *msg)
{
	struct dclass *d = findclass(cls);
	struct example *e;
	struct buf v = {0};

	total++;
	d->n++;
	if (d->nex == DIAG_EXAMPLES)
		return;
	e = &d->ex[d->nex++];
	e->line = curline;
	e->field = xstrdup(field ? field : "");
	if (value)
		showvalue(&v, value, vlen);
	e->value = v.p ? v.p : xstrdup("");
	e->msg = xstrdup(msg);
}

static void
emit(const char *where, const char *msg, const char *value, size_t vlen)
{
	struct buf v = {0};

	if (quiet)
		return;
	if (value && vlen > 0) {
		showvalue(&v, value, vlen);
		fprintf(stderr, "%s: %s%s «%s»\n", prog_name, where, msg, v.p);
		buf_free(&v);
	} else
		fprintf(stderr, "%s: %s%s\n", prog_name, where, msg);
}

void
diag_field(const char *cls, const struct field *f, const char *value,
    size_t vlen, const char *fmt, ...)
{
	struct buf where = {0}, msg = {0}, fld = {0};
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
	emit(where.p, msg.p, value, vlen);
	record(cls, fld.p, value, vlen, msg.p);
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
	emit(where.p, msg.p, NULL, 0);
	record(cls, NULL, NULL, 0, msg.p);
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

	for (i = 0; i < sizeof f / sizeof f[0]; i++)
		csvout_field(o, f[i], strlen(f[i]), i == 0);
	csvout_end(o);
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
