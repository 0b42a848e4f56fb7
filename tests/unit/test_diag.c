/* Unit tests of lib/diag: message format, counting, the report. */
#include <sys/stat.h>

#include "diag.h"
#include "field.h"
#include "unit.h"

static const struct field named = { "12", "quantite", "Quantité", FT_DEC,
	5, 2, 0, 0, 1, NULL, 0 };
static const struct field unnamed = { "DET.5", NULL, "Zone libre",
	FT_FILLER, 2, 0, 19, 20, 0, NULL, 0 };

static void
setup(void)
{
	prog_name = "fluxtest";
	diag_file("plans.txt");
	diag_line(0);
}

START_TEST(format)
{
	char *e;

	unit_err_begin();
	diag_line(4);
	diag_field(DC_NOMBRE, &named, "1,234", 5, "trop de décimales: %d", 3);
	diag_field(DC_CONST, &unnamed, "xy", 2, "zone non vide");
	diag_field(DC_OBLIG, &named, NULL, 0, "champ obligatoire absent");
	diag_field(DC_OBLIG, &named, "", 0, "vide");
	diag_record(DC_NCHAMPS, "%d champs, attendu %d", 3, 74);
	diag_fatal(DC_TRONQUE, "fichier tronqué");
	diag_line(0);
	diag_fatal(DC_VIDE, "fichier vide");
	diag_file("stdin");
	diag_record(DC_RECLEN, "ligne zéro");
	e = unit_err_end();
	ck_assert_str_eq(e,
	    "fluxtest: plans.txt:4: champ 12 (quantite): trop de décimales: 3 «1,234»\n"
	    "fluxtest: plans.txt:4: champ DET.5 (Zone libre): zone non vide «xy»\n"
	    "fluxtest: plans.txt:4: champ 12 (quantite): champ obligatoire absent\n"
	    "fluxtest: plans.txt:4: champ 12 (quantite): vide\n"
	    "fluxtest: plans.txt:4: 3 champs, attendu 74\n"
	    "fluxtest: plans.txt:4: fichier tronqué\n"
	    "fluxtest: plans.txt: fichier vide\n"
	    "fluxtest: stdin:0: ligne zéro\n");
	free(e);
	ck_assert_uint_eq(diag_count(), 8);
	ck_assert_uint_eq(diag_lineno(), 0);
}
END_TEST

/* Values are shown printable and bounded. */
START_TEST(values)
{
	char v[200], *e;

	memset(v, 'a', sizeof v);
	unit_err_begin();
	diag_line(1);
	diag_field(DC_CHARSET, &named, "a\tb\x7f", 4, "m");
	diag_field(DC_CHARSET, &named, "\xe9t\xe9", 3, "m");
	diag_field(DC_CHARSET, &named, "été", strlen("été"), "m");
	diag_field(DC_CHARSET, &named, "\xc3(\xe2\x82", 4, "m");
	diag_field(DC_CHARSET, &named, v, 80, "m");
	diag_field(DC_CHARSET, &named, v, 81, "m");
	diag_field(DC_CHARSET, &named, "dit «non»", strlen("dit «non»"), "m");
	e = unit_err_end();
	ck_assert_str_eq(e,
	    "fluxtest: plans.txt:1: champ 12 (quantite): m «a\\x09b\\x7F»\n"
	    "fluxtest: plans.txt:1: champ 12 (quantite): m «\\xE9t\\xE9»\n"
	    "fluxtest: plans.txt:1: champ 12 (quantite): m «été»\n"
	    "fluxtest: plans.txt:1: champ 12 (quantite): m «\\xC3(\\xE2\\x82»\n"
	    "fluxtest: plans.txt:1: champ 12 (quantite): m «aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa»\n"
	    "fluxtest: plans.txt:1: champ 12 (quantite): m «aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…»\n"
	    "fluxtest: plans.txt:1: champ 12 (quantite): m «dit «non»»\n");
	free(e);
}
END_TEST

START_TEST(quiet)
{
	char *e;

	unit_err_begin();
	diag_quiet(1);
	diag_field(DC_CODE, &named, "X", 1, "code inconnu");
	diag_record(DC_NCHAMPS, "n");
	diag_fatal(DC_VIDE, "vide");
	diag_quiet(0);
	diag_record(DC_NCHAMPS, "bruyant");
	e = unit_err_end();
	ck_assert_str_eq(e, "fluxtest: plans.txt:0: bruyant\n");
	free(e);
	ck_assert_uint_eq(diag_count(), 4);
	ck_assert_uint_eq(unit_classcount(DC_CODE), 1);
	ck_assert_uint_eq(unit_classcount(DC_NCHAMPS), 2);
	ck_assert_uint_eq(unit_classcount(DC_VIDE), 1);
	ck_assert_uint_eq(unit_classcount(DC_DATE), 0);
}
END_TEST

START_TEST(report)
{
	struct diag_counts c = { 9, 2, 7 };
	char *dir = unit_tmpdir(), path[4200], *s;
	struct stat st;
	int i;

	diag_quiet(1);
	for (i = 1; i <= 7; i++) {
		diag_line((unsigned long)i + 1);
		diag_field(DC_DATE, &named, "31/02/2016", 10, "date impossible");
	}
	diag_line(3);
	diag_field(DC_CODE, &unnamed, "a,\"b\"", 5, "valeur, avec virgule");
	diag_line(0);
	diag_fatal(DC_TRONQUE, "fichier tronqué");
	snprintf(path, sizeof path, "%s/bilan.csv", dir);
	diag_report(path, &c, 1);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	s = unit_slurp(path, NULL);
	/* Counts per class, then at most five examples of each. */
	ck_assert_str_eq(s,
	    "rubrique,classe,nombre,ligne,champ,valeur,message\n"
	    "total,lues,9,,,,\n"
	    "total,acceptees,2,,,,\n"
	    "total,rejetees,7,,,,\n"
	    "total,fichier_rejete,1,,,,\n"
	    "classe,date_impossible,7,,,,\n"
	    "classe,code_inconnu,1,,,,\n"
	    "classe,fichier_tronque,1,,,,\n"
	    "exemple,date_impossible,,2,12 (quantite),31/02/2016,date impossible\n"
	    "exemple,date_impossible,,3,12 (quantite),31/02/2016,date impossible\n"
	    "exemple,date_impossible,,4,12 (quantite),31/02/2016,date impossible\n"
	    "exemple,date_impossible,,5,12 (quantite),31/02/2016,date impossible\n"
	    "exemple,date_impossible,,6,12 (quantite),31/02/2016,date impossible\n"
	    "exemple,code_inconnu,,3,DET.5 (Zone libre),\"a,\"\"b\"\"\",\"valeur, avec virgule\"\n"
	    "exemple,fichier_tronque,,,,,fichier tronqué\n");
	free(s);
	unlink(path);
	rmdir(dir);
	free(dir);
}
END_TEST

/* The report written for c, as text. */
static char *
report_of(const struct diag_counts *c)
{
	char *dir = unit_tmpdir(), path[4200], *s;

	snprintf(path, sizeof path, "%s/bilan.csv", dir);
	diag_report(path, c, 0);
	s = unit_slurp(path, NULL);
	unlink(path);
	rmdir(dir);
	free(dir);
	return s;
}

START_TEST(report_empty)
{
	struct diag_counts c = { 3, 3, 0 };
	char *s = report_of(&c);

	ck_assert_str_eq(s,
	    "rubrique,classe,nombre,ligne,champ,valeur,message\n"
	    "total,lues,3,,,,\n"
	    "total,acceptees,3,,,,\n"
	    "total,rejetees,0,,,,\n"
	    "total,fichier_rejete,0,,,,\n");
	free(s);
}
END_TEST

static const struct field nir = { "DET.15", "nir", "NIR", FT_TEXT, 15, 0,
	232, 246, 0, NULL, 0 };
static const struct field naissance = { "DET.13", "date_naissance",
	"Date de naissance", FT_DATE, 8, 0, 194, 201, 1, NULL, 0 };
static const struct field prenom = { "DET.12", "prenom", "Prénom", FT_TEXT,
	30, 0, 164, 193, 1, NULL, 0 };
static const struct field nomenclature = { "20", "code_nomenclature",
	"Code", FT_TEXT, 3, 0, 0, 0, 1, NULL, 0 };

/* Personal data masked, control characters escaped (cesutg(7)). */
START_TEST(masked)
{
	char *e;

	unit_err_begin();
	diag_line(2);
	diag_field(DC_LONG, &nir, "1850775123456789", 16, "m");
	diag_field(DC_DATE, &naissance, "1931-02-30", 10, "m");
	diag_field(DC_LONG, &prenom, "Hélène-Zoé", strlen("Hélène-Zoé"), "m");
	diag_field(DC_CHARSET, &prenom, "Ab\x1b[2J", 6, "m");
	diag_field(DC_LONG, &nomenclature, "AD12", 4, "m");
	diag_field(DC_CHARSET, &nomenclature, "A\xc2\x85\xe2\x80\xae", 6,
	    "m");
	diag_record(DC_RECTYPE, "type «%s»", "\x1b]0;x\x07");
	e = unit_err_end();
	ck_assert_str_eq(e,
	    "fluxtest: plans.txt:2: champ DET.15 (nir): m «1*************89»\n"
	    "fluxtest: plans.txt:2: champ DET.13 (date_naissance): m «1***-**-**»\n"
	    "fluxtest: plans.txt:2: champ DET.12 (prenom): m «H*****-***»\n"
	    "fluxtest: plans.txt:2: champ DET.12 (prenom): m «A*\\x1B[**»\n"
	    "fluxtest: plans.txt:2: champ 20 (code_nomenclature): m «AD12»\n"
	    "fluxtest: plans.txt:2: champ 20 (code_nomenclature): m «A\\xC2\\x85\\xE2\\x80\\xAE»\n"
	    "fluxtest: plans.txt:2: type «\\x1B]0;x\\x07»\n");
	free(e);
}
END_TEST

/* After DIAG_PRINTMAX messages of a class, only a count. */
START_TEST(capped)
{
	char *e, *p;
	int i, n = 0;

	unit_err_begin();
	for (i = 0; i < 250; i++) {
		diag_line((unsigned long)i + 1);
		diag_record(DC_NCHAMPS, "m");
	}
	diag_record(DC_RECLEN, "autre");
	diag_summary();
	e = unit_err_end();
	for (p = e; (p = strchr(p, '\n')) != NULL; p++)
		n++;
	ck_assert_int_eq(n, 102);
	ck_assert_ptr_nonnull(strstr(e, "plans.txt:100: m\n"));
	ck_assert_ptr_null(strstr(e, "plans.txt:101: m\n"));
	ck_assert_ptr_nonnull(strstr(e, "plans.txt:250: autre\n"
	    "fluxtest: 150 autres messages «nombre_champs» non affichés (le bilan --report les compte)\n"));
	ck_assert_uint_eq(diag_count(), 251);
	free(e);
}
END_TEST

/* After diag_reset(), counts, examples and the summary start afresh. */
START_TEST(reset)
{
	struct diag_counts c = { 1, 0, 1 };
	char *e, *s;
	int i;

	diag_quiet(1);
	for (i = 0; i < 150; i++)
		diag_record(DC_NCHAMPS, "avant");
	diag_quiet(0);
	unit_err_begin();
	diag_summary();
	diag_reset();
	diag_file("plans.txt");
	diag_line(7);
	diag_record(DC_NCHAMPS, "après");
	diag_summary();
	e = unit_err_end();
	ck_assert_str_eq(e,
	    "fluxtest: 50 autres messages «nombre_champs» non affichés (le bilan --report les compte)\n"
	    "fluxtest: plans.txt:7: après\n");
	ck_assert_uint_eq(diag_count(), 1);
	s = report_of(&c);
	ck_assert_ptr_nonnull(strstr(s, "classe,nombre_champs,1,,,,\n"
	    "exemple,nombre_champs,,7,,,après\n"));
	ck_assert_ptr_null(strstr(s, "avant"));
	free(e);
	free(s);
}
END_TEST

/* A report value a spreadsheet would read as a formula starts with '. */
START_TEST(report_formula)
{
	struct diag_counts c = { 2, 0, 2 };
	char *s;

	diag_quiet(1);
	diag_line(3);
	diag_field(DC_LONG, &nomenclature, "=1+2", 4, "m");
	diag_field(DC_LONG, &nomenclature, "@SOMME(A1)", 10, "-m");
	diag_quiet(0);
	s = report_of(&c);
	ck_assert_ptr_nonnull(strstr(s,
	    "exemple,valeur_trop_longue,,3,20 (code_nomenclature),'=1+2,m\n"
	    "exemple,valeur_trop_longue,,3,20 (code_nomenclature),'@SOMME(A1),'-m\n"));
	free(s);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("diag");
	TCase *t = tcase_create("diag");

	tcase_add_checked_fixture(t, setup, NULL);
	tcase_add_test(t, format);
	tcase_add_test(t, values);
	tcase_add_test(t, quiet);
	tcase_add_test(t, report);
	tcase_add_test(t, report_empty);
	tcase_add_test(t, masked);
	tcase_add_test(t, capped);
	tcase_add_test(t, report_formula);
	tcase_add_test(t, reset);
	suite_add_tcase(s, t);
	return unit_run(s);
}
