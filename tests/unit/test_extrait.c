/* Unit tests of lib/extrait: one invoice read from its extract. */
#include "extrait.h"
#include "unit.h"

#define ENTETE "numero_facture,nature,facture_origine,etat,mois,date_emission," \
	"date_debut_periode,date_fin_periode,code_financeur,code_sad,nom_sad," \
	"adresse_sad,courriels_sad,nom_departement,adresse_departement," \
	"identifiant_beneficiaire_salsa,nom_beneficiaire,prenom_beneficiaire," \
	"code_prestation,libelle_prestation,mois_prestation,quantite," \
	"montant_unitaire,montant,etat_ligne,motif_rejet\n"
#define SUITE ",originale,,partielle,2026-11,2026-12-02,2026-11-01," \
	"2026-11-30,APA,T1,SAD Un,\"1 rue\nParis\",a@b.example,Dép,\"quai\n75012\""
#define FACTURE "F1" SUITE

/* Reads text as an extract from a pipe (die() leaves the child). */
static void
lire(struct extrait *e, const char *text)
{
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(write(p[1], text, strlen(text)), (ssize_t)strlen(text));
	close(p[1]);
	extrait_lire(e, p[0], "f.csv");
	close(p[0]);
}

START_TEST(lecture)
{
	struct extrait e;

	lire(&e, ENTETE
	    FACTURE ",100,DUPONT,Zoé,APA01,Aide,2026-11,10.25,22.50,230.63,integree,\n"
	    FACTURE ",100,DUPONT,Zoé,APA02,,2026-10,1.5,28.13,42.20,rejetee,Inconnu\n"
	    FACTURE ",200,MARTIN,Léa,APA01,Aide,2026-11,2,22.50,45.00,rejetee,\n");
	ck_assert_uint_eq(e.n, 3);
	ck_assert_str_eq(e.v[EX_NUMERO], "F1");
	ck_assert_str_eq(e.v[EX_ADRESSE_SAD], "1 rue\nParis");
	ck_assert_str_eq(extrait_val(&e.lignes[1], EX_PRESTATION), "APA02");
	ck_assert_str_eq(extrait_val(&e.lignes[1], EX_MOTIF), "Inconnu");
	ck_assert_int_eq(e.lignes[0].quantite, 1025);
	ck_assert_int_eq(e.lignes[1].quantite, 150);
	ck_assert_int_eq(e.lignes[0].unitaire, 2250);
	ck_assert_int_eq(e.total, 23063 + 4220 + 4500);
	ck_assert_int_eq(e.rejete, 4220 + 4500);
	ck_assert_uint_eq(e.nrejetees, 2);
	ck_assert(!e.lignes[0].rejetee && e.lignes[1].rejetee);
	extrait_liberer(&e);
}
END_TEST

/* The columns are found by name; one more is ignored. */
START_TEST(colonnes_deplacees)
{
	struct extrait e;

	lire(&e, "autre,numero_facture,nature,facture_origine,etat,mois,"
	    "date_emission,date_debut_periode,date_fin_periode,code_financeur,"
	    "code_sad,nom_sad,adresse_sad,courriels_sad,nom_departement,"
	    "adresse_departement,identifiant_beneficiaire_salsa,nom_beneficiaire,"
	    "prenom_beneficiaire,code_prestation,libelle_prestation,"
	    "mois_prestation,quantite,montant_unitaire,montant,etat_ligne,"
	    "motif_rejet\nx," FACTURE ",100,A,B,P,,2026-11,1.00,2.00,2.00,emise,\n");
	ck_assert_uint_eq(e.n, 1);
	ck_assert_str_eq(e.v[EX_CODE_SAD], "T1");
	ck_assert_int_eq(e.total, 200);
	extrait_liberer(&e);
}
END_TEST

static void
lire_tout(void *text)
{
	struct extrait e;

	lire(&e, text);
}

START_TEST(fautes)
{
	unit_dies(lire_tout, "", 65,
	    "cesutg: f.csv: entrée vide, extrait de facture attendu\n");
	unit_dies(lire_tout, ENTETE, 65, "cesutg: f.csv: aucune ligne de facture\n");
	unit_dies(lire_tout, "numero_facture\nF1\n", 65,
	    "cesutg: f.csv:1: colonne «nature» absente de l'en-tête (extrait de "
	    "facture de registre attendu)\n");
	unit_dies(lire_tout, ENTETE FACTURE ",1,A,B,P,,2026-11,1,2,2,emise,\n"
	    "F2" SUITE ",1,A,B,P,,2026-11,1,2,2,emise,\n", 65,
	    "cesutg: f.csv:5: champ 1 (numero_facture): une seule facture par "
	    "extrait, «F1» attendu «F2»\n");
	unit_dies(lire_tout, ENTETE FACTURE ",1,A,B,P,,2026-11,1.234,2,2,emise,\n", 65,
	    "cesutg: f.csv:2: champ 22 (quantite): nombre à deux décimales "
	    "attendu (10.25) «1.234»\n");
	unit_dies(lire_tout, ENTETE FACTURE ",1,A,B,P,,2026-13,1,2,2,emise,\n", 65,
	    "cesutg: f.csv:2: champ 21 (mois_prestation): mois AAAA-MM attendu "
	    "«2026-13»\n");
	unit_dies(lire_tout, ENTETE FACTURE ",1,A,B,P,,2026-11,1,2,2,emise\n", 65,
	    "cesutg: f.csv:2: 25 champs au lieu de 26\n");
	unit_dies(lire_tout, ENTETE FACTURE ",1,A,B,P,,2026-11,1,2,"
	    "92233720368547758.07,emise,\n" FACTURE ",1,A,B,P,,2026-11,1,2,0.01,emise,\n",
	    65, "cesutg: f.csv:5: champ 24 (montant): total de la facture hors "
	    "limites «0.01»\n");
}
END_TEST

START_TEST(formes)
{
	char b[32];

	ck_assert_str_eq(extrait_date("2026-12-05", b, sizeof b), "05/12/2026");
	ck_assert_str_eq(extrait_date("2026-02-30", b, sizeof b), "2026-02-30");
	ck_assert_str_eq(extrait_mois("2026-08", 1, b, sizeof b), "août 2026");
	ck_assert_str_eq(extrait_mois("2026-08", 0, b, sizeof b), "08/2026");
	ck_assert_str_eq(extrait_decimal(1025, b, sizeof b), "10,25");
	ck_assert_str_eq(extrait_decimal(-5, b, sizeof b), "-0,05");
	ck_assert(extrait_date_valide("2024-02-29"));
	ck_assert(!extrait_date_valide("2023-02-29"));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("extrait");
	TCase *tc = tcase_create("extrait");

	tcase_add_test(tc, lecture);
	tcase_add_test(tc, colonnes_deplacees);
	tcase_add_test(tc, fautes);
	tcase_add_test(tc, formes);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
