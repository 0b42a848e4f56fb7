/*
 * crcesu: the daily return of the CESU refund centre (CRCESU) to the
 * issuer, one DET record per cashed title (CCTP C10, C11). The CCTP
 * leaves its format to be agreed; this one is ours, in the CNCESU style
 * (fixed width, DEB/DET/FIN, counts and totals), published in crcesu(5).
 */
#include <stdint.h>
#include <string.h>

#include "env.h"

static const struct field deb_f[] = {
	{"DEB.1", "type_enregistrement", "Type d'enregistrement", FT_CONST, 3, 0, 1, 3, 1, "DEB", 0},
	{"DEB.2", "code_application", "Code application", FT_CONST, 4, 0, 4, 7, 1, "RCES", 0},
	{"DEB.3", "code_emetteur", "Code de l'émetteur des CESU", FT_TEXT, 4, 0, 8, 11, 1, NULL, 0},
	{"DEB.4", "date_creation", "Date de création du fichier", FT_DATE, 8, 0, 12, 19, 1, "AAAAMMJJ", 0},
	{"DEB.5", "numero_ordre", "Numéro d'ordre du fichier (séquence)", FT_INT, 5, 0, 20, 24, 1, NULL, 0},
	{"DEB.6", "date_remboursement", "Journée de remboursement couverte", FT_DATE, 8, 0, 25, 32, 1, "AAAAMMJJ", 0},
};

enum { T_VALEUR = 5, T_DATE = 6 };
static const struct field det_f[] = {
	{"DET.1", "type_enregistrement", "Type d'enregistrement", FT_CONST, 3, 0, 1, 3, 1, "DET", 0},
	{"DET.2", "numero_titre", "Numéro du titre CESU", FT_DIGITS, 15, 0, 4, 18, 1, NULL, 0},
	{"DET.3", "reference_commande", "Référence de la commande d'émission", FT_TEXT, 20, 0, 19, 38, 1, NULL, 0},
	{"DET.4", "code_carnet", "Code du carnet", FT_TEXT, 15, 0, 39, 53, 1, NULL, 0},
	{"DET.5", "identifiant_beneficiaire", "Index individu bénéficiaire", FT_TEXT, 15, 0, 54, 68, 1, NULL, 0},
	{"DET.6", "valeur_faciale", "Valeur faciale du titre en centimes", FT_MONEY, 7, 0, 69, 75, 1, NULL, 0},
	{"DET.7", "date_encaissement", "Date d'encaissement", FT_DATE, 8, 0, 76, 83, 1, "AAAAMMJJ", 0},
	{"DET.8", "code_affilie", "Code affilié", FT_DIGITS, 9, 0, 84, 92, 1, NULL, 0},
	{"DET.9", "nom_affilie", "Nom de l'affilié", FT_TEXT, 38, 0, 93, 130, 1, NULL, 0},
	{"DET.10", "type_affilie", "Type d'affilié (E emploi direct, M organisme mandataire, P organisme prestataire)", FT_CODE, 1, 0, 131, 131, 1, "E|M|P", 0},
	{"DET.11", "code_produit", "Code produit", FT_DIGITS, 2, 0, 132, 133, 1, NULL, 0},
};

static const struct field fin_f[] = {
	{"FIN.1", "type_enregistrement", "Type d'enregistrement", FT_CONST, 3, 0, 1, 3, 1, "FIN", 0},
	{"FIN.2", "code_application", "Code application", FT_CONST, 4, 0, 4, 7, 1, "RCES", 0},
	{"FIN.3", "code_emetteur", "Code de l'émetteur des CESU (celui du DEB)", FT_TEXT, 4, 0, 8, 11, 1, NULL, FF_DERIVED},
	{"FIN.4", "date_creation", "Date de création du fichier (celle du DEB)", FT_DATE, 8, 0, 12, 19, 1, "AAAAMMJJ", FF_DERIVED},
	{"FIN.5", "numero_ordre", "Numéro d'ordre (celui du DEB)", FT_INT, 5, 0, 20, 24, 1, NULL, FF_DERIVED},
	{"FIN.6", "nombre_enregistrements", "Nombre d'enregistrements, DEB et FIN compris", FT_INT, 8, 0, 25, 32, 1, NULL, FF_DERIVED},
	{"FIN.7", "nombre_titres", "Nombre de titres (enregistrements DET)", FT_INT, 9, 0, 33, 41, 1, NULL, FF_DERIVED},
	{"FIN.8", "montant_total", "Somme des valeurs faciales en centimes", FT_MONEY, 13, 0, 42, 54, 1, NULL, FF_DERIVED},
};

#define NF(a)	(sizeof a / sizeof a[0])
static const struct recfmt deb = { "DEB", "DEB", deb_f, NF(deb_f), 32 };
static const struct recfmt det = { "DET", "DET", det_f, NF(det_f), 133 };
static const struct recfmt fin = { "FIN", "FIN", fin_f, NF(fin_f), 54 };
static const struct recfmt *const dets[] = { &det };
static const struct recfmt *const recs[] = { &deb, &det, &fin };

static int64_t cents;	/* one file per process */

static void
sum(struct envrun *er, const struct row *v)
{
	int64_t c;

	(void)er;
	if (dec_parse(v->v[T_VALEUR], v->len[T_VALEUR], 2, &c) == 0)
		cents += c;
}

static void
total(struct envrun *er, const struct field *f, struct buf *b)
{
	if (strcmp(f->name, "nombre_titres") == 0)
		buf_addf(b, "%lu", er->ndet);
	else
		dec_format(b, cents, 2, '.');
}

static int
check(struct envrun *er, const struct row *v)
{
	int64_t c;
	int errs = 0;

	if (dec_parse(v->v[T_VALEUR], v->len[T_VALEUR], 2, &c) == 0 && c <= 0) {
		diag_field(DC_REGLE, &det_f[T_VALEUR], v->v[T_VALEUR],
		    v->len[T_VALEUR], "valeur faciale nulle, attendu au moins 1 centime");
		errs++;
	}
	/* Canonical dates sort as text; DEB.4 is the file's creation date. */
	if (strcmp(v->v[T_DATE], er->deb.v[3]) > 0) {
		diag_field(DC_REGLE, &det_f[T_DATE], v->v[T_DATE], v->len[T_DATE],
		    "encaissement postérieur à la création du fichier (%s)",
		    er->deb.v[3]);
		errs++;
	}
	return errs;
}

static const struct env env = {
	.deb = &deb, .fin = &fin, .dets = dets, .ndets = 1, .count = 5,
	.total = total, .sum = sum, .check = check,
};

static const struct flux crcesu = {
	.name = "crcesu",
	.summary = "Retour journalier du CRCESU, titres CESU encaissés (CRCESU -> opérateur),\nlargeur fixe.",
	.charset = "ASCII",
	.sep = 0,
	.recs = recs,
	.nrecs = NF(recs),
	.parse = env_flux_parse,
	.emit = env_flux_emit,
	.arg = &env,
};

int
main(int argc, char **argv)
{
	cents = 0;	/* the fuzz target calls main once per input */
	return flux_main(&crcesu, argc, argv);
}
