/* Unit tests of lib/lettres: amounts in figures and in words. */
#include "lettres.h"
#include "unit.h"

static const char *
lettres(long long cents)
{
	static char b[512];

	return montant_en_lettres(cents, b, sizeof b);
}

START_TEST(petits)
{
	ck_assert_str_eq(lettres(0), "zéro euro");
	ck_assert_str_eq(lettres(1), "un centime");
	ck_assert_str_eq(lettres(2), "deux centimes");
	ck_assert_str_eq(lettres(100), "un euro");
	ck_assert_str_eq(lettres(101), "un euro et un centime");
	ck_assert_str_eq(lettres(1600), "seize euros");
	ck_assert_str_eq(lettres(1700), "dix-sept euros");
	ck_assert_str_eq(lettres(2000), "vingt euros");
	ck_assert_str_eq(lettres(2100), "vingt et un euros");
	ck_assert_str_eq(lettres(2200), "vingt-deux euros");
	ck_assert_str_eq(lettres(3100), "trente et un euros");
	ck_assert_str_eq(lettres(6100), "soixante et un euros");
	ck_assert_str_eq(lettres(7000), "soixante-dix euros");
	ck_assert_str_eq(lettres(7100), "soixante et onze euros");
	ck_assert_str_eq(lettres(7700), "soixante-dix-sept euros");
	ck_assert_str_eq(lettres(8000), "quatre-vingts euros");
	ck_assert_str_eq(lettres(8100), "quatre-vingt-un euros");
	ck_assert_str_eq(lettres(9000), "quatre-vingt-dix euros");
	ck_assert_str_eq(lettres(9100), "quatre-vingt-onze euros");
	ck_assert_str_eq(lettres(9900), "quatre-vingt-dix-neuf euros");
	ck_assert_str_eq(lettres(180), "un euro et quatre-vingts centimes");
	ck_assert_str_eq(lettres(21), "vingt et un centimes");
}
END_TEST

START_TEST(centaines)
{
	ck_assert_str_eq(lettres(10000), "cent euros");
	ck_assert_str_eq(lettres(10100), "cent un euros");
	ck_assert_str_eq(lettres(18000), "cent quatre-vingts euros");
	ck_assert_str_eq(lettres(20000), "deux cents euros");
	ck_assert_str_eq(lettres(20100), "deux cent un euros");
	ck_assert_str_eq(lettres(28000), "deux cent quatre-vingts euros");
	ck_assert_str_eq(lettres(99999),
	    "neuf cent quatre-vingt-dix-neuf euros et quatre-vingt-dix-neuf centimes");
}
END_TEST

START_TEST(milliers)
{
	ck_assert_str_eq(lettres(100000), "mille euros");
	ck_assert_str_eq(lettres(100100), "mille un euros");
	ck_assert_str_eq(lettres(200000), "deux mille euros");
	ck_assert_str_eq(lettres(8000000), "quatre-vingt mille euros");
	ck_assert_str_eq(lettres(20000000), "deux cent mille euros");
	ck_assert_str_eq(lettres(123456),
	    "mille deux cent trente-quatre euros et cinquante-six centimes");
	ck_assert_str_eq(lettres(100000000), "un million d'euros");
	ck_assert_str_eq(lettres(200000000), "deux millions d'euros");
	ck_assert_str_eq(lettres(100000100), "un million un euros");
	ck_assert_str_eq(lettres(123456789),
	    "un million deux cent trente-quatre mille cinq cent soixante-sept euros"
	    " et quatre-vingt-neuf centimes");
	ck_assert_str_eq(lettres(20000000000LL), "deux cents millions d'euros");
	ck_assert_str_eq(lettres(8000000000LL), "quatre-vingts millions d'euros");
	ck_assert_str_eq(lettres(100000000000LL), "un milliard d'euros");
	ck_assert_str_eq(lettres(300100000000LL), "trois milliards un million d'euros");
}
END_TEST

/* A credit (negative amount) is written, not refused; the extremes fit. */
START_TEST(negatifs)
{
	char b[600];

	ck_assert_str_eq(lettres(-150), "moins un euro et cinquante centimes");
	montant_en_lettres(-9223372036854775807LL - 1, b, sizeof b);
	ck_assert(strncmp(b, "moins quatre-vingt-douze billiards", 34) == 0);
	ck_assert(strstr(b, "et huit centimes") != NULL);
	montant_affiche(-9223372036854775807LL - 1, b, sizeof b);
	ck_assert_str_eq(b, "-92\u202f233\u202f720\u202f368\u202f547\u202f758,08\u00a0€");
}
END_TEST

START_TEST(chiffres)
{
	char b[64];

	ck_assert_str_eq(montant_affiche(0, b, sizeof b), "0,00\u00a0€");
	ck_assert_str_eq(montant_affiche(1, b, sizeof b), "0,01\u00a0€");
	ck_assert_str_eq(montant_affiche(100, b, sizeof b), "1,00\u00a0€");
	ck_assert_str_eq(montant_affiche(99999, b, sizeof b), "999,99\u00a0€");
	ck_assert_str_eq(montant_affiche(100000, b, sizeof b), "1\u202f000,00\u00a0€");
	ck_assert_str_eq(montant_affiche(123456789, b, sizeof b),
	    "1\u202f234\u202f567,89\u00a0€");
	ck_assert_str_eq(montant_affiche(-123456, b, sizeof b), "-1\u202f234,56\u00a0€");
}
END_TEST

/* A short buffer gets a cut, NUL-terminated prefix; size 0 is left alone. */
START_TEST(tampon_court)
{
	char b[8], z = 'z';

	montant_en_lettres(123456, b, sizeof b);
	ck_assert_str_eq(b, "mille d");
	montant_affiche(123456, b, sizeof b);
	ck_assert_uint_lt(strlen(b), sizeof b);
	montant_en_lettres(1, &z, 0);
	ck_assert_int_eq(z, 'z');
	ck_assert_str_eq(nombre_en_lettres(71, b, sizeof b), "soixant");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("lettres");
	TCase *tc = tcase_create("lettres");

	tcase_add_test(tc, petits);
	tcase_add_test(tc, centaines);
	tcase_add_test(tc, milliers);
	tcase_add_test(tc, negatifs);
	tcase_add_test(tc, chiffres);
	tcase_add_test(tc, tampon_court);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
