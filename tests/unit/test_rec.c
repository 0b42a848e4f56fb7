/* Unit tests of lib/rec: records, delimited and fixed width. */
#include "rec.h"
#include "unit.h"

static const struct field dfields[] = {
	{"1", "type_aide", "Type d'aide", FT_CODE, 3, 0, 0, 0, 1, "APA|PCH", 0},
	{"2", "nom", "Nom", FT_TEXT, 10, 0, 0, 0, 1, NULL, 0},
	{"3", "quantite", "Quantité", FT_DEC, 5, 2, 0, 0, 0, NULL, 0},
	{"4", "date_debut", "Date de début", FT_DATE, 10, 0, 0, 0, 0, "JJ/MM/AAAA", 0},
	{"5", "total", "Total", FT_MONEY, 7, 2, 0, 0, 0, NULL, FF_DERIVED},
};
static const struct recfmt drec = { NULL, "plan", dfields, 5, 0 };

static const struct field ffields[] = {
	{"DET.1", "type", "Type d'enregistrement", FT_CONST, 1, 0, 1, 1, 1, "D", 0},
	{"DET.2", "nom", "Nom", FT_TEXT, 5, 0, 2, 6, 1, NULL, 0},
	{"DET.3", "nombre", "Nombre", FT_INT, 4, 0, 7, 10, 0, NULL, 0},
	{"DET.4", "date", "Date", FT_DATE, 8, 0, 11, 18, 0, "AAAAMMJJ", 0},
	{"DET.5", NULL, "Zone libre", FT_FILLER, 2, 0, 19, 20, 0, NULL, 0},
};
static const struct recfmt frec = { "D", "détail", ffields, 5, 20 };
static const struct field efields[] = {
	{"ENT.1", "type", "Type d'enregistrement", FT_CONST, 1, 0, 1, 1, 1, "E", 0},
	{"ENT.2", "montant", "Montant", FT_MONEY, 9, 0, 2, 10, 1, NULL, 0},
};
static const struct recfmt erec = { "E", "en-tête", efields, 2, 10 };

static struct codec delim, fixed;
static struct row row;
static struct buf b;

static void
setup(void)
{
	diag_quiet(1);
	ck_assert_int_eq(charset_open(&delim.cs, "WINDOWS-1252"), 0);
	delim.sep = '|';
	delim.decsep = '.';
	ck_assert_int_eq(charset_open(&fixed.cs, "WINDOWS-1252"), 0);
	fixed.sep = 0;
	fixed.decsep = '.';
	buf_add(&b, "", 0);
}

static void
teardown(void)
{
	charset_close(&delim.cs);
	charset_close(&fixed.cs);
	row_free(&row);
	buf_free(&b);
}

static int
decode(const struct codec *c, const struct recfmt *r, const char *line)
{
	return rec_decode(c, r, line, strlen(line), &row);
}

START_TEST(delimited)
{
	ck_assert_int_eq(decode(&delim, &drec,
	    "APA|L\xe9on, fils|12,5|29/02/2016|"), 0);
	ck_assert_uint_eq(row.n, 5);
	ck_assert_str_eq(row.v[0], "APA");
	ck_assert_str_eq(row.v[1], "Léon, fils");
	ck_assert_str_eq(row.v[2], "12.50");
	ck_assert_str_eq(row.v[3], "2016-02-29");
	ck_assert_str_eq(row.v[4], "");
	/* Absent optional fields; the derived one is decoded too. */
	ck_assert_int_eq(decode(&delim, &drec, "PCH|X|||3.00"), 0);
	ck_assert_str_eq(row.v[2], "");
	ck_assert_str_eq(row.v[3], "");
	ck_assert_str_eq(row.v[4], "3.00");
	/* Every bad field counts. */
	ck_assert_int_eq(decode(&delim, &drec, "XYZ||1.234|31/02/2016|"), 4);
	ck_assert_uint_eq(unit_classcount(DC_CODE), 1);
	ck_assert_uint_eq(unit_classcount(DC_OBLIG), 1);
	ck_assert_uint_eq(unit_classcount(DC_NOMBRE), 1);
	ck_assert_uint_eq(unit_classcount(DC_DATE), 1);
}
END_TEST

static const struct field ifields[] = {
	{"1", "id", "Identifiant", FT_TEXT, 10, 0, 0, 0, 1, NULL, 0},
	{"2", "arrivee", "Arrivée", FT_INSTANT, 25, 0, 0, 0, 1, NULL, 0},
	{"3", "depart", "Départ", FT_INSTANT, 25, 0, 0, 0, 0, NULL, 0},
};
static const struct recfmt irec = { NULL, "visite", ifields, 3, 0 };

/* Instants are parsed once, by rec_decode; checks read row.t. */
START_TEST(instants)
{
	struct row e = {0};

	ck_assert_int_eq(decode(&delim, &irec,
	    "V1|2026-10-25T01:30:00+02:00|2026-10-25T02:15:00+01:00"), 0);
	ck_assert_str_eq(row.v[1], "2026-10-25T01:30:00+02:00");
	ck_assert_int_eq(row.t[2] - row.t[1], 6300);
	ck_assert_int_eq(decode(&delim, &irec, "V2|1970-01-01T00:00:01Z|"), 0);
	ck_assert_int_eq(row.t[1], 1);
	ck_assert_str_eq(row.v[2], "");
	ck_assert_int_eq(decode(&delim, &irec,
	    "V3|2026-10-25T01:30:00|2026-02-30T00:00:00Z"), 2);
	ck_assert_uint_eq(unit_classcount(DC_FMTDATE), 2);
	/* A row built from CSV (emit) gets its instants from rec_instants. */
	row_push(&e, "V4", 2);
	row_push(&e, "2026-10-25T03:00:00+01:00", 25);
	row_push(&e, "", 0);
	row_seal(&e);
	rec_instants(&irec, &e);
	ck_assert_int_eq(e.t[1], 1792893600);	/* 2026-10-25T02:00:00Z */
	row_free(&e);
}
END_TEST

START_TEST(field_count)
{
	char line[2048], *e;

	ck_assert_int_eq(decode(&delim, &drec, "APA|X|1|01/01/2016"), 1);
	ck_assert_int_eq(decode(&delim, &drec, "APA|X|1|01/01/2016||"), 1);
	ck_assert_int_eq(decode(&delim, &drec, ""), 1);
	/* Far more separators than the record has fields. */
	memset(line, '|', 600);
	line[600] = '\0';
	ck_assert_int_eq(decode(&delim, &drec, line), 1);
	ck_assert_uint_eq(unit_classcount(DC_NCHAMPS), 4);

	diag_quiet(0);
	diag_file("plans.txt");
	diag_line(7);
	unit_err_begin();
	decode(&delim, &drec, "APA|X|1|01/01/2016");
	decode(&delim, &drec, line);
	e = unit_err_end();
	ck_assert_str_eq(e, "cesutg: plans.txt:7: 4 champs, attendu 5\n"
	    "cesutg: plans.txt:7: 601 champs, attendu 5\n");
	free(e);
}
END_TEST

/*
 * The eight-byte separator scan must be exact: a byte one bit away from
 * '|' (0x7C) such as '}' (0x7D), 'l' (0x6C), '\' (0x5C), 0xFC or '~',
 * next to a separator at every offset in the word, is not a separator.
 */
START_TEST(swar_exact)
{
	static const struct field tf[] = {
		{"1", "a", "A", FT_TEXT, 64, 0, 0, 0, 0, NULL, 0},
		{"2", "b", "B", FT_TEXT, 64, 0, 0, 0, 0, NULL, 0},
		{"3", "c", "C", FT_TEXT, 64, 0, 0, 0, 0, NULL, 0},
		{"4", "d", "D", FT_TEXT, 64, 0, 0, 0, 0, NULL, 0},
	};
	static const struct recfmt tr = { NULL, "t", tf, 4, 0 };
	static const char fill[] = "}l\\~{<xt\xfc\xfd\x7d\x3c";
	char line[256];
	size_t fi, a, bb, c, d, n, i, k, want[4];
	struct codec latin = delim;

	ck_assert_int_eq(charset_open(&latin.cs, "ISO-8859-1"), 0);
	for (fi = 0; fi < sizeof fill - 1; fi++)
		for (a = 0; a < 17; a++)
			for (bb = 0; bb < 10; bb++)
				for (c = 0; c < 3; c++)
					for (d = 0; d < 10; d += 3) {
		size_t len[4] = { a, bb, c, d };

		n = 0;
		for (k = 0; k < 4; k++) {
			if (k)
				line[n++] = '|';
			for (i = 0; i < len[k]; i++)
				line[n++] = fill[(fi + i + k) % (sizeof fill - 1)];
			want[k] = n;
		}
		line[n] = '\0';
		ck_assert_msg(rec_decode(&latin, &tr, line, n, &row) == 0,
		    "%zu %zu %zu %zu %zu", fi, a, bb, c, d);
		for (k = 0; k < 4; k++) {
			size_t start = k ? want[k - 1] + 1 : 0, j, u = 0;

			for (j = start; j < want[k]; j++)
				u += (unsigned char)line[j] >= 0x80 ? 2 : 1;
			ck_assert_uint_eq(row.len[k], u);
		}
	}
	/* And a line one separator short, full of '}'. */
	memset(line, '}', 40);
	line[8] = line[17] = '|';
	line[40] = '\0';
	ck_assert_int_eq(rec_decode(&latin, &tr, line, 40, &row), 1);
	charset_close(&latin.cs);
}
END_TEST

START_TEST(fixed_width)
{
	char *e;

	ck_assert_int_eq(decode(&fixed, &frec, "DL\xe9on 0042          "), 0);
	ck_assert_uint_eq(row.n, 5);
	ck_assert_str_eq(row.v[0], "D");
	ck_assert_str_eq(row.v[1], "Léon");
	ck_assert_str_eq(row.v[2], "42");
	ck_assert_str_eq(row.v[3], "");
	ck_assert_int_eq(decode(&fixed, &frec, "DAB   0000        x "), 1);
	ck_assert_int_eq(decode(&fixed, &frec, "DAB   0000          "), 0);
	ck_assert_str_eq(row.v[1], "AB");
	ck_assert_str_eq(row.v[2], "0");
	ck_assert_int_eq(decode(&fixed, &frec, "DAB   00002016022901"), 1);
	ck_assert_int_eq(decode(&fixed, &frec, "DAB   000020160229 "), 1);
	ck_assert_int_eq(decode(&fixed, &frec, "DAB   000020160229   "), 1);
	ck_assert_uint_eq(unit_classcount(DC_RECLEN), 2);

	diag_quiet(0);
	diag_line(3);
	unit_err_begin();
	decode(&fixed, &frec, "DAB");
	e = unit_err_end();
	ck_assert_str_eq(e, "cesutg: stdin:3: enregistrement détail de 3 caractères, attendu 20\n");
	free(e);
}
END_TEST

static int
encode(const struct codec *c, const struct recfmt *r, const char *const *v)
{
	size_t len[8], i;

	for (i = 0; i < r->nf; i++)
		len[i] = v[i] ? strlen(v[i]) : 0;
	buf_reset(&b);
	return rec_encode(c, r, v, len, &b);
}

START_TEST(encoding)
{
	const char *d1[] = { "APA", "Léon", "12.5", "2016-02-29", "3.00" };
	const char *d2[] = { "PCH", "X", NULL, NULL, NULL };
	const char *d3[] = { "ABC", NULL, "x", "2016-02-30", NULL };
	const char *f1[] = { NULL, "Léon", "42", "2016-02-29", NULL };
	const char *f2[] = { "ignored", "AB", NULL, NULL, "zz" };
	const char *f3[] = { NULL, "ABCDEF", "12345", NULL, NULL };

	ck_assert_int_eq(encode(&delim, &drec, d1), 0);
	ck_assert_str_eq(b.p, "APA|L\xe9on|12.50|29/02/2016|3.00");
	ck_assert_int_eq(encode(&delim, &drec, d2), 0);
	ck_assert_str_eq(b.p, "PCH|X|||");
	ck_assert_int_eq(encode(&delim, &drec, d3), 4);
	ck_assert_int_eq(encode(&fixed, &frec, f1), 0);
	ck_assert_str_eq(b.p, "DL\xe9on 004220160229  ");
	ck_assert_uint_eq(b.len, frec.width);
	ck_assert_int_eq(encode(&fixed, &frec, f2), 0);
	ck_assert_str_eq(b.p, "DAB                 ");
	ck_assert_int_eq(encode(&fixed, &frec, f3), 2);
}
END_TEST

START_TEST(picking)
{
	static const struct field d2[] = {
		{"1", NULL, "Type", FT_CONST, 2, 0, 0, 0, 1, "DD", 0},
	};
	static const struct recfmt dd = { "DD", "double", d2, 1, 0 };
	const struct recfmt *const fr[] = { &erec, &frec };
	const struct recfmt *const dr[] = { &frec, &dd, &erec };

	ck_assert_ptr_eq(rec_pick(&fixed, fr, 2, "E000000100", 10), &erec);
	ck_assert_ptr_eq(rec_pick(&fixed, fr, 2, "DAB", 3), &frec);
	ck_assert_ptr_null(rec_pick(&fixed, fr, 2, "X", 1));
	ck_assert_ptr_null(rec_pick(&fixed, fr, 2, "", 0));
	/* Delimited: the whole first field is the tag. */
	ck_assert_ptr_eq(rec_pick(&delim, dr, 3, "D|x", 3), &frec);
	ck_assert_ptr_eq(rec_pick(&delim, dr, 3, "DD|x", 4), &dd);
	ck_assert_ptr_eq(rec_pick(&delim, dr, 3, "DD", 2), &dd);
	ck_assert_ptr_eq(rec_pick(&delim, dr, 3, "E", 1), &erec);
	ck_assert_ptr_null(rec_pick(&delim, dr, 3, "DDD|x", 5));
	ck_assert_ptr_null(rec_pick(&delim, dr, 3, "|D", 2));
	ck_assert_ptr_null(rec_pick(&delim, dr, 3, "", 0));
}
END_TEST

static struct row hdr;

static void
header(const char *cols)
{
	const char *p = cols, *c;

	row_reset(&hdr);
	for (;;) {
		c = strchr(p, ',');
		row_push(&hdr, p, c ? (size_t)(c - p) : strlen(p));
		if (!c)
			break;
		p = c + 1;
	}
	row_seal(&hdr);
}

START_TEST(binding)
{
	int map[5];
	char *e;

	ck_assert_uint_eq(rec_ncolumns(&drec), 4);
	ck_assert_uint_eq(rec_ncolumns(&frec), 3);
	ck_assert_int_eq(rec_field(&drec, "quantite"), 2);
	ck_assert_int_eq(rec_field(&drec, "total"), 4);
	ck_assert_int_eq(rec_field(&drec, "absent"), -1);
	ck_assert_int_eq(rec_field(&frec, "type"), 0);

	header("date_debut,extra,nom,quantite,type_aide");
	ck_assert_int_eq(rec_bind(&drec, &hdr, map), 0);
	ck_assert_int_eq(map[0], 4);
	ck_assert_int_eq(map[1], 2);
	ck_assert_int_eq(map[2], 3);
	ck_assert_int_eq(map[3], 0);
	ck_assert_int_eq(map[4], -1);	/* derived: emit recomputes it */

	header("type,nom,nombre,date");
	ck_assert_int_eq(rec_bind(&frec, &hdr, map), 0);
	ck_assert_int_eq(map[0], -1);	/* constant */
	ck_assert_int_eq(map[1], 1);
	ck_assert_int_eq(map[4], -1);	/* filler */

	header("nom,type_aide,date_debut,quantites");
	unit_err_begin();
	ck_assert_int_eq(rec_bind(&drec, &hdr, map), -1);
	e = unit_err_end();
	ck_assert_str_eq(e, "cesutg: colonne «quantite» absente de l'en-tête CSV\n");
	free(e);
	row_free(&hdr);
}
END_TEST

/* What f writes to a file. */
static char *
output(void (*f)(struct out *))
{
	char *dir = unit_tmpdir(), path[4200], *s;
	struct out o;
	int fd;

	snprintf(path, sizeof path, "%s/out", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ne(fd, -1);
	out_init(&o, fd, path);
	f(&o);
	out_flush(&o);
	out_free(&o);
	close(fd);
	s = unit_slurp(path, NULL);
	unlink(path);
	rmdir(dir);
	free(dir);
	return s;
}

static void
schema(struct out *o)
{
	const struct recfmt *const r[] = { &drec, &erec, &frec };

	rec_schema(o, r, 3);
}

START_TEST(schema_output)
{
	char *s = output(schema);

	ck_assert_str_eq(s,
	    "position,name,label,type,length,start,end,required\n"
	    "1,type_aide,Type d'aide,code,3,,,1\n"
	    "2,nom,Nom,texte,10,,,1\n"
	    "3,quantite,Quantité,decimal,5.2,,,0\n"
	    "4,date_debut,Date de début,date,10,,,0\n"
	    "5,,Total,montant,7.2,,,0\n"
	    "ENT.1,,Type d'enregistrement,constante,1,1,1,1\n"
	    "ENT.2,montant,Montant,montant,9,2,10,1\n"
	    "DET.1,,Type d'enregistrement,constante,1,1,1,1\n"
	    "DET.2,nom,Nom,texte,5,2,6,1\n"
	    "DET.3,nombre,Nombre,entier,4,7,10,0\n"
	    "DET.4,date,Date,date,8,11,18,0\n"
	    "DET.5,,Zone libre,filler,2,19,20,0\n");
	free(s);
}
END_TEST

static void
csvrow(struct out *o)
{
	int first = 1;

	rec_csv_header(o, &drec, &first);
	csvout_end(o);
	ck_assert_int_eq(decode(&delim, &drec,
	    "APA|L\xe9o, \"fi\"|12,5|29/02/2016|1"), 0);
	first = 1;
	rec_csv_values(o, &drec, &row, &first);
	csvout_end(o);
	/* Columns of several records on one CSV row. */
	first = 1;
	rec_csv_header(o, &erec, &first);
	rec_csv_header(o, &frec, &first);
	csvout_end(o);
}

START_TEST(csv_columns)
{
	char *s = output(csvrow);

	ck_assert_str_eq(s, "type_aide,nom,quantite,date_debut\n"
	    "APA,\"Léo, \"\"fi\"\"\",12.50,2016-02-29\n"
	    "montant,nom,nombre,date\n");
	free(s);
}
END_TEST

static const struct field tfields[] = {
	{"T.1", "type", "Type d'enregistrement", FT_CONST, 1, 0, 0, 0, 1, "T", 0},
	{"T.2", "nom", "Nom", FT_TEXT, 20, 0, 0, 0, 1, NULL, 0},
	{"T.3", "nombre", "Nombre", FT_INT, 4, 0, 0, 0, 0, NULL, 0},
	{"T.4", "code", "Code", FT_CODE, 2, 0, 0, 0, 0, "A|B,", 0},
};
static const struct recfmt trec = { "T", "tagué", tfields, 4, 0 };

static void
tagged(struct out *o)
{
	int first = 0;

	ck_assert_int_eq(decode(&delim, &trec, "T|L\xe9" "a, \"x\"|12|B,"), 0);
	rec_csv_values(o, &trec, &row, &first);
	csvout_end(o);
	first = 1;
	ck_assert_int_eq(decode(&delim, &trec, "T|plain||A"), 0);
	rec_csv_values(o, &trec, &row, &first);
	csvout_end(o);
	/* A filler at the end: not a run of columns after the tag. */
	ck_assert_int_eq(decode(&fixed, &frec, "DAb\"c 004220160229  "), 0);
	first = 1;
	rec_csv_values(o, &frec, &row, &first);
	csvout_end(o);
}

/* The columns after a leading tag, copied in spans but for quoted ones. */
START_TEST(csv_after_tag)
{
	char *s = output(tagged);

	ck_assert_str_eq(s, ",\"Léa, \"\"x\"\"\",12,\"B,\"\n"
	    "plain,,A\n"
	    "\"Ab\"\"c\",42,2016-02-29\n");
	free(s);
}
END_TEST

/* Separators past the word boundary and beyond max are counted, not cut. */
START_TEST(splitting)
{
	const char *l = "ab;;cdefghij;k;;lmnopqrstuv;w";
	size_t cuts[4] = {0, 0, 0, 0};

	ck_assert_uint_eq(rec_split(l, strlen(l), ';', cuts, 4), 6);
	ck_assert_uint_eq(cuts[1], 3);
	ck_assert_uint_eq(cuts[2], 4);
	ck_assert_uint_eq(cuts[3], 13);
	ck_assert_uint_eq(rec_split("", 0, ';', cuts, 4), 0);
	ck_assert_uint_eq(rec_split("abcdefghijklmnop", 16, ';', cuts, 4), 0);
	ck_assert_uint_eq(rec_split("abcdefg;", 8, ';', cuts, 4), 1);
	ck_assert_uint_eq(cuts[1], 8);
}
END_TEST

/*
 * Lines of every length up to 200 bytes, separators anywhere (the 16-byte
 * and 8-byte blocks, their edges, the tail), bytes that differ from the
 * separator by one bit only: the cuts are those of a plain reading.
 */
START_TEST(splitting_blocks)
{
	static const char bytes[] = "|a|\x7c\xfc|\x00\x7d|\x5c|\xff|";
	char line[200];
	size_t cuts[64], want[64], len, i, n, k;
	uint32_t x = 2463534242u;

	for (len = 0; len <= sizeof line; len++)
		for (k = 0; k < 40; k++) {
			n = 0;
			for (i = 0; i < len; i++) {
				x ^= x << 13;
				x ^= x >> 17;
				x ^= x << 5;
				line[i] = bytes[x % (sizeof bytes - 1)];
				if (line[i] == '|' && ++n < 64)
					want[n] = i + 1;
			}
			ck_assert_uint_eq(rec_split(line, len, '|', cuts, 64), n);
			for (i = 1; i < n && i < 64; i++)
				ck_assert_uint_eq(cuts[i], want[i]);
		}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("rec");
	TCase *t = tcase_create("rec");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, delimited);
	tcase_add_test(t, field_count);
	tcase_add_test(t, instants);
	tcase_add_test(t, swar_exact);
	tcase_add_test(t, fixed_width);
	tcase_add_test(t, encoding);
	tcase_add_test(t, picking);
	tcase_add_test(t, binding);
	tcase_add_test(t, schema_output);
	tcase_add_test(t, csv_columns);
	tcase_add_test(t, splitting);
	tcase_add_test(t, splitting_blocks);
	tcase_add_test(t, csv_after_tag);
	tcase_set_timeout(t, 60);
	suite_add_tcase(s, t);
	return unit_run(s);
}
