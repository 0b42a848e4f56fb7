/* Unit tests of lib/csvio: canonical CSV writing and reading (libcsv). */
#include "csvio.h"
#include "unit.h"

static char *dir;
static char path[4200];

static void
setup(void)
{
	dir = unit_tmpdir();
	snprintf(path, sizeof path, "%s/f.csv", dir);
}

static void
teardown(void)
{
	unlink(path);
	rmdir(dir);
	free(dir);
}

/* What csvout writes for the values v[0..n), as one row. */
static char *
written(const char *const *v, size_t n)
{
	struct out o;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	size_t i;

	ck_assert_int_ne(fd, -1);
	out_init(&o, fd, path);
	for (i = 0; i < n; i++)
		csvout_field(&o, v[i], strlen(v[i]), i == 0);
	csvout_end(&o);
	out_flush(&o);
	out_free(&o);
	close(fd);
	return unit_slurp(path, NULL);
}

#define W1(in, want) do {						\
	const char *v_[] = { in };					\
	char *s_ = written(v_, 1);					\
	ck_assert_str_eq(s_, want);					\
	free(s_);							\
} while (0)

START_TEST(quoting)
{
	const char *v[] = { "a", "", "b c", "", "" };
	char *s;

	W1("abc", "abc\n");
	W1("", "\n");
	W1(" a ", " a \n");
	W1("a,b", "\"a,b\"\n");
	W1("dit \"oui\"", "\"dit \"\"oui\"\"\"\n");
	W1("\"", "\"\"\"\"\n");
	W1("a\nb", "\"a\nb\"\n");
	W1("a\rb", "\"a\rb\"\n");
	W1("a;b|c\td", "a;b|c\td\n");
	W1("Éloïse à l'œuvre", "Éloïse à l'œuvre\n");
	/* The eight-byte scan finds a special byte anywhere. */
	W1("0123456789abcdef,", "\"0123456789abcdef,\"\n");
	W1("01234567\"", "\"01234567\"\"\"\n");
	W1("0123456\n89abcdefgh", "\"0123456\n89abcdefgh\"\n");
	W1("01234567\r", "\"01234567\r\"\n");
	W1("0123456789abcdef-}|{", "0123456789abcdef-}|{\n");
	s = written(v, 5);
	ck_assert_str_eq(s, "a,,b c,,\n");
	free(s);
}
END_TEST

START_TEST(rows)
{
	struct row r = {0};
	struct out o;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	char *s;
	size_t i;

	row_push(&r, "x", 1);
	row_push(&r, "", 0);
	row_push(&r, "y,z", 3);
	/* More values than the first allocation. */
	for (i = 0; i < 40; i++)
		row_push(&r, "v", 1);
	row_seal(&r);
	ck_assert_uint_eq(r.n, 43);
	ck_assert_str_eq(r.v[0], "x");
	ck_assert_str_eq(r.v[1], "");
	ck_assert_uint_eq(r.len[2], 3);
	ck_assert_str_eq(r.v[42], "v");
	r.n = 3;
	out_init(&o, fd, path);
	csvout_row(&o, &r);
	out_flush(&o);
	out_free(&o);
	close(fd);
	s = unit_slurp(path, NULL);
	ck_assert_str_eq(s, "x,,\"y,z\"\n");
	free(s);
	row_reset(&r);
	ck_assert_uint_eq(r.n, 0);
	row_free(&r);
	ck_assert_ptr_null(r.v);
}
END_TEST

static struct csvin in;

static void
openin(const char *text)
{
	int fd;

	unit_spit(path, text, strlen(text));
	fd = open(path, O_RDONLY);
	ck_assert_int_ne(fd, -1);
	csvin_open(&in, fd, "f.csv");
}

static void
closein(void)
{
	close(in.l.fd);
	csvin_close(&in);
}

/* The next row, as "v1|v2|..." with its starting line. */
static const char *
next(unsigned long *line)
{
	static char s[1024];
	struct row *r;
	size_t i;

	if (!csvin_next(&in, &r))
		return NULL;
	s[0] = '\0';
	for (i = 0; i < r->n; i++) {
		ck_assert_uint_eq(strlen(r->v[i]), r->len[i]);
		if (i)
			strcat(s, "|");
		strcat(s, r->v[i]);
	}
	*line = in.line;
	return s;
}

#define NEXT(want, wline) do {						\
	unsigned long l_;						\
	const char *s_ = next(&l_);					\
	ck_assert_ptr_nonnull(s_);					\
	ck_assert_str_eq(s_, want);					\
	ck_assert_uint_eq(l_, wline);					\
} while (0)

#define END() do {							\
	unsigned long l_;						\
	ck_assert_ptr_null(next(&l_));					\
} while (0)

START_TEST(read_plain)
{
	openin("a,b,c\n1,,3\n");
	NEXT("a|b|c", 1);
	NEXT("1||3", 2);
	END();
	END();
	closein();
}
END_TEST

START_TEST(read_quoted)
{
	openin("nom,adresse\n"
	    "\"Dupont, Jean\",\"dit \"\"Jeannot\"\"\"\n"
	    "\"ligne 1\nligne 2\",\"\"\n"
	    "x,\"a\r\nb\"\n"
	    "\"\",\",\"\n");
	NEXT("nom|adresse", 1);
	NEXT("Dupont, Jean|dit \"Jeannot\"", 2);
	NEXT("ligne 1\nligne 2|", 3);
	/* A CRLF inside quotes becomes LF: lines are read CR-stripped. */
	NEXT("x|a\nb", 5);
	NEXT("|,", 7);
	END();
	closein();
}
END_TEST

/*
 * A line of plain or whole quoted values is split without libcsv, but
 * only at the start of a record: inside a quoted value it is part of it;
 * one with an inner quote or a value open at its end goes to libcsv.
 */
START_TEST(read_plain_in_quotes)
{
	openin("a,b\n\"1\nz,y\n\n2\",3\n4,,\n,\n \t, x \n"
	    "\"a,b\",c,\"\"\n\"d\"\"e\",\"f,\"\nx,\"y\nz\",\"\"\n\"\",\"\n\"\n");
	NEXT("a|b", 1);
	NEXT("1\nz,y\n\n2|3", 2);
	NEXT("4||", 6);
	NEXT("|", 7);
	NEXT(" \t| x ", 8);
	NEXT("a,b|c|", 9);
	NEXT("d\"e|f,", 10);
	NEXT("x|y\nz|", 11);
	NEXT("|\n", 13);
	END();
	closein();
}
END_TEST

START_TEST(read_crlf)
{
	openin("a,b\r\n1,2\r\n\"3\",\"4\"\r\n");
	NEXT("a|b", 1);
	NEXT("1|2", 2);
	NEXT("3|4", 3);
	END();
	closein();
}
END_TEST

START_TEST(read_spaces)
{
	openin(" a , b\t,\" c \"\n  ,\t\n");
	NEXT(" a | b\t| c ", 1);
	NEXT("  |\t", 2);
	END();
	closein();
}
END_TEST

START_TEST(read_last_line)
{
	openin("a,b\n1,2");
	NEXT("a|b", 1);
	NEXT("1|2", 2);
	END();
	closein();
}
END_TEST

START_TEST(read_blank_lines)
{
	openin("a,b\n\n1,2\n\n\n3,4\n");
	NEXT("a|b", 1);
	NEXT("1|2", 3);
	NEXT("3|4", 6);
	END();
	closein();
}
END_TEST

START_TEST(read_empty)
{
	openin("");
	END();
	closein();
}
END_TEST

START_TEST(read_utf8)
{
	openin("Éloïse,Cœur\n");
	NEXT("Éloïse|Cœur", 1);
	END();
	closein();
}
END_TEST

/* Malformed CSV is a data error (65) naming the line. */
static void
readall(void *text)
{
	unsigned long l;

	openin(text);
	while (next(&l))
		;
}

static void
expect_bad(const char *text, const char *msg)
{
	unit_dies(readall, (void *)text, 65, msg);
}

START_TEST(malformed)
{
	expect_bad("a,b\nx,\"y\"z\n",
	    "cesutg: f.csv:2: CSV invalide (error parsing data while strict checking enabled)\n");
	expect_bad("a,b\"c\n",
	    "cesutg: f.csv:1: CSV invalide (error parsing data while strict checking enabled)\n");
	/* An open quote at the end of input. */
	expect_bad("a,b\nx,\"y\n\nz\n",
	    "cesutg: f.csv:4: CSV invalide (error parsing data while strict checking enabled)\n");
}
END_TEST

/* With column bounds: the header sets them, as registre and emit do. */
static void
readcapped(void *text)
{
	static const size_t cap[] = { 3, 5, 0 };
	unsigned long l;
	struct row *r;

	openin(text);
	ck_assert_int_eq(csvin_next(&in, &r), 1);
	csvin_limit(&in, r, cap);
	while (next(&l))
		;
}

START_TEST(field_cap)
{
	unsigned long l;
	struct row *r;
	static const size_t cap[] = { 3, 5, 0 };

	/* Values at their bound, or over it on one line, are the caller's. */
	openin("a,b,c\n\"x\ny\",\"1\n345\",zzzzzzzz\nxxxxxxx,1,2\n");
	ck_assert_int_eq(csvin_next(&in, &r), 1);
	csvin_limit(&in, r, cap);
	ck_assert_str_eq(next(&l), "x\ny|1\n345|zzzzzzzz");
	ck_assert_str_eq(next(&l), "xxxxxxx|1|2");
	ck_assert_ptr_null(next(&l));
	closein();
	/* Open at a line end beyond its bound: named by the line it starts. */
	unit_dies(readcapped, "a,b,c\n1,2,3\nx,\"1\n2\n3\n4\n5\n6\n", 65,
	    "cesutg: f.csv:3: CSV invalide: valeur de la colonne 2 (b) encore ouverte ligne 5 et déjà plus longue que les 5 octets permis (guillemet non fermé ?)\n");
	unit_dies(readcapped, "a,b,c\n\n\"1\n2\n3\n", 65,
	    "cesutg: f.csv:3: CSV invalide: valeur de la colonne 1 (a) encore ouverte ligne 4 et déjà plus longue que les 3 octets permis (guillemet non fermé ?)\n");
	/* A column without a bound has the record's only. */
	openin("a,b,c\n1,2,\"3\n4\n5\n6\n7\n8\"\n");
	ck_assert_int_eq(csvin_next(&in, &r), 1);
	csvin_limit(&in, r, cap);
	ck_assert_str_eq(next(&l), "1|2|3\n4\n5\n6\n7\n8");
	closein();
}
END_TEST

/* A stray quote: the record stops at CSVIN_MAX, named by its first line. */
START_TEST(stray_quote)
{
	struct buf t = {0}, kib = {0};
	struct row *r;
	size_t i;

	for (i = 0; i < 1023; i++)
		buf_addc(&kib, 'a');
	buf_addc(&kib, '\n');
	buf_adds(&t, "a,b\nx,y\nx,\"\n");
	for (i = 0; i < CSVIN_MAX / 1024; i++)
		buf_add(&t, kib.p, kib.len);
	buf_adds(&t, "z\"\n");
	expect_bad(t.p,
	    "cesutg: f.csv:1027: CSV invalide: enregistrement de plus de 1048576 octets commencé ligne 3 (guillemet non fermé ?)\n");
	/* Just below the bound, the record is read whole. */
	buf_reset(&t);
	buf_adds(&t, "a,b\nx,\"\n");
	for (i = 0; i < CSVIN_MAX / 1024 - 2; i++)
		buf_add(&t, kib.p, kib.len);
	buf_adds(&t, "\"\n");
	openin(t.p);
	ck_assert_int_eq(csvin_next(&in, &r), 1);
	ck_assert_int_eq(csvin_next(&in, &r), 1);
	ck_assert_uint_eq(in.line, 2);
	ck_assert_uint_eq(r->len[1], CSVIN_MAX - 2048 + 1);
	ck_assert_int_eq(csvin_next(&in, &r), 0);
	closein();
	buf_free(&t);
	buf_free(&kib);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("csvio");
	TCase *t = tcase_create("csvio");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, quoting);
	tcase_add_test(t, rows);
	tcase_add_test(t, read_plain);
	tcase_add_test(t, read_quoted);
	tcase_add_test(t, read_plain_in_quotes);
	tcase_add_test(t, read_crlf);
	tcase_add_test(t, read_spaces);
	tcase_add_test(t, read_last_line);
	tcase_add_test(t, read_blank_lines);
	tcase_add_test(t, read_empty);
	tcase_add_test(t, read_utf8);
	tcase_add_test(t, malformed);
	tcase_add_test(t, stray_quote);
	tcase_add_test(t, field_cap);
	suite_add_tcase(s, t);
	return unit_run(s);
}
