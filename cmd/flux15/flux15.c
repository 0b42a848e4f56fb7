/*
 * flux15: what a SAD's télégestion system sends the opérateur every day
 * (CCTP annex 2, B2, B4, B11, F4). The CCTP leaves its format to be
 * agreed; this one is ours, published in flux15(5): a DEB header naming
 * the kind of the file, DET records of that kind, a FIN trailer.
 */
#include <string.h>

#include "env.h"
#include "err.h"

#define D	"AAAA-MM-JJ"
#define DC_TEL		"telephone"
#define DC_DUREE	"duree_excessive"
#define DC_CORR		"correction"

static const struct field deb_f[] = {
	{"DEB.1", "type_enregistrement", "Type d'enregistrement", FT_CONST, 3, 0, 0, 0, 1, "DEB", 0},
	{"DEB.2", "code_application", "Code application", FT_CONST, 3, 0, 0, 0, 1, "F15", 0},
	{"DEB.3", "version", "Version du format", FT_CONST, 1, 0, 0, 0, 1, "1", 0},
	{"DEB.4", "nature", "Nature du fichier", FT_CODE, 12, 0, 0, 0, 1, "clients|intervenants|horodatages|evenements", FF_DERIVED},
	{"DEB.5", "code_sad", "Code du SAD attribué par le Département", FT_TEXT, 20, 0, 0, 0, 1, NULL, 0},
	{"DEB.6", "instant_creation", "Date et heure de création du fichier", FT_INSTANT, 25, 0, 0, 0, 1, NULL, 0},
	{"DEB.7", "numero_sequence", "Numéro de séquence du fichier", FT_INT, 9, 0, 0, 0, 1, NULL, 0},
};

static const struct field fin_f[] = {
	{"FIN.1", "type_enregistrement", "Type d'enregistrement", FT_CONST, 3, 0, 0, 0, 1, "FIN", 0},
	{"FIN.2", "nombre_enregistrements", "Nombre d'enregistrements, DEB et FIN compris", FT_INT, 9, 0, 0, 0, 1, NULL, FF_DERIVED},
};

enum { C_TEL = 12, C_PORT = 13 };
static const struct field cli_f[] = {
	{"clients.1", "type_enregistrement", "Type d'enregistrement", FT_CONST, 3, 0, 0, 0, 1, "DET", 0},
	{"clients.2", "identifiant_client", "Identifiant du client dans le logiciel du SAD", FT_TEXT, 30, 0, 0, 0, 1, NULL, 0},
	{"clients.3", "identifiant_beneficiaire_salsa", "Identifiant Bénéficiaire Salsa, s'il est connu", FT_TEXT, 6, 0, 0, 0, 0, NULL, 0},
	{"clients.4", "civilite", "Civilité", FT_CODE, 3, 0, 0, 0, 0, "M|MME", 0},
	{"clients.5", "nom", "Nom d'usage", FT_TEXT, 50, 0, 0, 0, 1, NULL, 0},
	{"clients.6", "nom_naissance", "Nom de naissance", FT_TEXT, 50, 0, 0, 0, 0, NULL, 0},
	{"clients.7", "prenoms", "Prénoms", FT_TEXT, 100, 0, 0, 0, 1, NULL, 0},
	{"clients.8", "date_naissance", "Date de naissance", FT_DATE, 10, 0, 0, 0, 1, D, 0},
	{"clients.9", "adresse_1", "Adresse, ligne 1", FT_TEXT, 50, 0, 0, 0, 0, NULL, 0},
	{"clients.10", "adresse_2", "Adresse, ligne 2", FT_TEXT, 50, 0, 0, 0, 0, NULL, 0},
	{"clients.11", "code_postal", "Code postal", FT_DIGITS, 5, 0, 0, 0, 0, NULL, 0},
	{"clients.12", "ville", "Ville", FT_TEXT, 50, 0, 0, 0, 0, NULL, 0},
	{"clients.13", "telephone_fixe", "Téléphone fixe du domicile", FT_TEXT, 16, 0, 0, 0, 0, NULL, 0},
	{"clients.14", "telephone_portable", "Téléphone portable", FT_TEXT, 16, 0, 0, 0, 0, NULL, 0},
	{"clients.15", "beneficiaire_departement", "Bénéficiaire d'une aide du Département (1) ou autre client (0)", FT_BOOL, 1, 0, 0, 0, 1, NULL, 0},
};

enum { I_DEBUT = 5, I_FIN = 6, I_TEL = 7 };
static const struct field itv_f[] = {
	{"intervenants.1", "type_enregistrement", "Type d'enregistrement", FT_CONST, 3, 0, 0, 0, 1, "DET", 0},
	{"intervenants.2", "identifiant_intervenant", "Identifiant de l'intervenant dans le logiciel du SAD", FT_TEXT, 30, 0, 0, 0, 1, NULL, 0},
	{"intervenants.3", "nom", "Nom", FT_TEXT, 50, 0, 0, 0, 1, NULL, 0},
	{"intervenants.4", "prenom", "Prénom", FT_TEXT, 50, 0, 0, 0, 1, NULL, 0},
	{"intervenants.5", "statut", "Statut (SAL salarié du SAD, MAN salarié en mode mandataire, INT intérimaire ou mis à disposition)", FT_CODE, 3, 0, 0, 0, 1, "SAL|MAN|INT", 0},
	{"intervenants.6", "date_debut", "Date d'entrée au SAD", FT_DATE, 10, 0, 0, 0, 1, D, 0},
	{"intervenants.7", "date_fin", "Date de sortie du SAD", FT_DATE, 10, 0, 0, 0, 0, D, 0},
	{"intervenants.8", "telephone_professionnel", "Téléphone professionnel (application mobile)", FT_TEXT, 16, 0, 0, 0, 0, NULL, 0},
};

enum { H_MODE = 5, H_APPELANT, H_ARR_B, H_DEP_B, H_ARR_R, H_DEP_R, H_MINUTES,
	H_CODE, H_MOTIF, H_AUTEUR, H_QUAND };
static const struct field hor_f[] = {
	{"horodatages.1", "type_enregistrement", "Type d'enregistrement", FT_CONST, 3, 0, 0, 0, 1, "DET", 0},
	{"horodatages.2", "identifiant_intervention", "Identifiant de l'intervention dans le logiciel du SAD", FT_TEXT, 30, 0, 0, 0, 1, NULL, 0},
	{"horodatages.3", "identifiant_client", "Identifiant du client (fichier clients)", FT_TEXT, 30, 0, 0, 0, 1, NULL, 0},
	{"horodatages.4", "identifiant_intervenant", "Identifiant de l'intervenant (fichier intervenants)", FT_TEXT, 30, 0, 0, 0, 1, NULL, 0},
	{"horodatages.5", "code_prestation", "Code nomenclature de la prestation (Flux 1, champ 20)", FT_TEXT, 3, 0, 0, 0, 1, NULL, 0},
	{"horodatages.6", "mode_saisie", "Mode de saisie (TEL, APP, NFC, MAN)", FT_CODE, 3, 0, 0, 0, 1, "TEL|APP|NFC|MAN", 0},
	{"horodatages.7", "numero_appelant", "Numéro de téléphone appelant", FT_TEXT, 16, 0, 0, 0, 0, NULL, 0},
	{"horodatages.8", "arrivee_brute", "Arrivée brute, telle que captée", FT_INSTANT, 25, 0, 0, 0, 0, NULL, 0},
	{"horodatages.9", "depart_brut", "Départ brut, tel que capté", FT_INSTANT, 25, 0, 0, 0, 0, NULL, 0},
	{"horodatages.10", "arrivee_retenue", "Arrivée retenue après correction", FT_INSTANT, 25, 0, 0, 0, 0, NULL, 0},
	{"horodatages.11", "depart_retenu", "Départ retenu après correction", FT_INSTANT, 25, 0, 0, 0, 0, NULL, 0},
	{"horodatages.12", "minutes_ajoutees", "Minutes supplémentaires ajoutées (possibilité contrôlée)", FT_INT, 3, 0, 0, 0, 0, NULL, 0},
	{"horodatages.13", "code_correction", "Code de correction", FT_CODE, 3, 0, 0, 0, 0, "HOR|MDT|MHO|COA|COD|CO2|CRE|SUP", 0},
	{"horodatages.14", "motif_correction", "Motif de la correction", FT_TEXT, 200, 0, 0, 0, 0, NULL, 0},
	{"horodatages.15", "auteur_correction", "Auteur de la correction", FT_TEXT, 50, 0, 0, 0, 0, NULL, 0},
	{"horodatages.16", "instant_correction", "Date et heure de la correction", FT_INSTANT, 25, 0, 0, 0, 0, NULL, 0},
};

enum { E_TYPE = 3, E_DEBUT, E_FIN, E_INTERVENANT };
static const struct field evt_f[] = {
	{"evenements.1", "type_enregistrement", "Type d'enregistrement", FT_CONST, 3, 0, 0, 0, 1, "DET", 0},
	{"evenements.2", "identifiant_evenement", "Identifiant de l'événement dans le logiciel du SAD", FT_TEXT, 30, 0, 0, 0, 1, NULL, 0},
	{"evenements.3", "identifiant_client", "Identifiant du client (fichier clients)", FT_TEXT, 30, 0, 0, 0, 1, NULL, 0},
	{"evenements.4", "type_evenement", "Type d'événement (ABS, HOS, FPR, REF)", FT_CODE, 3, 0, 0, 0, 1, "ABS|HOS|FPR|REF", 0},
	{"evenements.5", "date_debut", "Date de début", FT_DATE, 10, 0, 0, 0, 1, D, 0},
	{"evenements.6", "date_fin", "Date de fin", FT_DATE, 10, 0, 0, 0, 0, D, 0},
	{"evenements.7", "identifiant_intervenant", "Intervenant refusé (REF)", FT_TEXT, 30, 0, 0, 0, 0, NULL, 0},
	{"evenements.8", "commentaire", "Commentaire", FT_TEXT, 200, 0, 0, 0, 0, NULL, 0},
	{"evenements.9", "instant_declaration", "Date et heure de la déclaration", FT_INSTANT, 25, 0, 0, 0, 1, NULL, 0},
};

#define NF(a)	(sizeof a / sizeof a[0])
static const struct recfmt deb = { "DEB", "DEB", deb_f, NF(deb_f), 0 };
static const struct recfmt fin = { "FIN", "FIN", fin_f, NF(fin_f), 0 };
static const struct recfmt cli = { "DET", "clients", cli_f, NF(cli_f), 0 };
static const struct recfmt itv = { "DET", "intervenants", itv_f, NF(itv_f), 0 };
static const struct recfmt hor = { "DET", "horodatages", hor_f, NF(hor_f), 0 };
static const struct recfmt evt = { "DET", "evenements", evt_f, NF(evt_f), 0 };
static const struct recfmt *const dets[] = { &cli, &itv, &hor, &evt };
static const struct recfmt *const recs[] = { &deb, &cli, &itv, &hor, &evt,
	&fin };

static const struct recfmt *want;

static int64_t duree = -1;	/* retained elapsed seconds, -1 if none */

/* 0 then nine digits, or + then 8 to 15 digits; no spaces or dots. */
static int
phone(const struct row *v, const struct field *f, int i)
{
	const char *s = v->v[i];
	size_t n = v->len[i], k;

	if (n == 0)
		return 0;
	for (k = 1; k < n; k++)
		if (s[k] < '0' || s[k] > '9')
			break;
	if (k == n && ((s[0] == '0' && n == 10 && s[1] != '0') ||
	    (s[0] == '+' && n >= 9 && n <= 16)))
		return 0;
	diag_field(DC_TEL, f, s, n,
	    "numéro invalide, attendu 10 chiffres commençant par 0 ou + suivi de 8 à 15 chiffres, sans espace");
	return 1;
}

static int
has(const struct row *v, int i)
{
	return v->len[i] > 0;
}

/* Whether value i is the code c (three letters, or empty). */
static int
is(const struct row *v, int i, const char *c)
{
	const char *s = v->v[i];

	return c[0] == '\0' ? v->len[i] == 0 : v->len[i] == 3 &&
	    s[0] == c[0] && s[1] == c[1] && s[2] == c[2];
}

/* Retained times: present unless deleted, in order, 24 h at most. */
static int
retained(const struct row *v, int sup)
{
	const struct field *fd = &hor_f[H_DEP_R];
	int64_t s;

	duree = -1;
	if (!has(v, H_ARR_R) || !has(v, H_DEP_R)) {
		if (sup && !has(v, H_ARR_R) && !has(v, H_DEP_R))
			return 0;
		fd = &hor_f[has(v, H_ARR_R) ? H_DEP_R : H_ARR_R];
		diag_field(DC_OBLIG, fd, NULL, 0, sup ?
		    "arrivée et départ retenus vont ensemble" :
		    "horaire retenu obligatoire, sauf intervention supprimée (SUP)");
		return 1;
	}
	duree = s = v->t[H_DEP_R] - v->t[H_ARR_R];
	if (s <= 0) {
		diag_field(DC_REGLE, fd, v->v[H_DEP_R], v->len[H_DEP_R],
		    "départ retenu pas après l'arrivée retenue %s",
		    v->v[H_ARR_R]);
		return 1;
	}
	if (s > 86400) {
		diag_field(DC_DUREE, fd, v->v[H_DEP_R], v->len[H_DEP_R],
		    "intervention de %lld h %02lld min réelles depuis l'arrivée retenue %s, au plus 24 h",
		    (long long)(s / 3600), (long long)(s / 60 % 60),
		    v->v[H_ARR_R]);
		return 1;
	}
	return 0;
}

static int
sametime(const struct row *v, int a, int b)
{
	return has(v, a) && has(v, b) && v->t[a] == v->t[b];
}

/* Which raw times each code requires: 1 present, 0 absent, -1 either. */
static const struct {
	const char	*code;
	int		 arr, dep, same;
	const char	*what;
} corr[] = {
	{ "", 1, 1, 1, "sans code de correction, les horaires bruts doivent être présents et retenus tels quels" },
	{ "HOR", 1, 1, 1, "HOR: horaires bruts présents et retenus tels quels" },
	{ "MDT", 1, 1, 1, "MDT ne modifie pas les horaires: bruts présents et retenus tels quels" },
	{ "MHO", 1, 1, 0, "MHO: horaires bruts présents, au moins un retenu différent" },
	{ "COA", 0, 1, -1, "COA: arrivée brute absente, départ brut présent" },
	{ "COD", 1, 0, -1, "COD: arrivée brute présente, départ brut absent" },
	{ "CO2", 0, 0, -1, "CO2: arrivée et départ bruts absents" },
	{ "CRE", 0, 0, -1, "CRE: intervention créée sans horodatage, bruts absents" },
	{ "SUP", -1, -1, -1, "" },
};

static int
correction(const struct row *v)
{
	const struct field *f = &hor_f[H_CODE];
	size_t i;
	int same, errs = 0;

	for (i = 0; !is(v, H_CODE, corr[i].code); i++)
		;
	same = sametime(v, H_ARR_B, H_ARR_R) && sametime(v, H_DEP_B, H_DEP_R);
	if ((corr[i].arr >= 0 && corr[i].arr != has(v, H_ARR_B)) ||
	    (corr[i].dep >= 0 && corr[i].dep != has(v, H_DEP_B)) ||
	    (corr[i].same >= 0 && corr[i].same != same)) {
		diag_field(DC_CORR, f, v->v[H_CODE], v->len[H_CODE],
		    "code de correction incohérent avec les horaires (%s)",
		    corr[i].what);
		errs++;
	}
	if (i == 0 && (has(v, H_MOTIF) || has(v, H_AUTEUR) || has(v, H_QUAND))) {
		diag_field(DC_CORR, f, NULL, 0,
		    "motif, auteur ou date de correction renseignés sans code de correction");
		errs++;
	}
	if (i >= 2)
		for (int k = H_MOTIF; k <= H_QUAND; k++)
			if (!has(v, k)) {
				diag_field(DC_CORR, &hor_f[k], NULL, 0,
				    "obligatoire avec le code de correction %s (traçabilité)",
				    v->v[H_CODE]);
				errs++;
			}
	return errs;
}

static int
check_hor(const struct row *v)
{
	int errs = 0;

	if (is(v, H_MODE, "TEL") && !has(v, H_APPELANT)) {
		diag_field(DC_TEL, &hor_f[H_APPELANT], NULL, 0,
		    "numéro appelant obligatoire en mode de saisie TEL");
		errs++;
	} else
		errs += phone(v, &hor_f[H_APPELANT], H_APPELANT);
	if (has(v, H_MINUTES) && v->v[H_MINUTES][0] == '-') {
		diag_field(DC_NOMBRE, &hor_f[H_MINUTES], v->v[H_MINUTES],
		    v->len[H_MINUTES], "nombre de minutes négatif");
		errs++;
	}
	errs += retained(v, is(v, H_CODE, "SUP"));
	return errs + correction(v);
}

static int
check(struct envrun *er, const struct row *v)
{
	if (er->det == &cli)
		return phone(v, &cli_f[C_TEL], C_TEL) +
		    phone(v, &cli_f[C_PORT], C_PORT);
	if (er->det == &itv)
		return rec_period(&itv, v, I_DEBUT, I_FIN) +
		    phone(v, &itv_f[I_TEL], I_TEL);
	if (er->det == &hor)
		return check_hor(v);
	if (is(v, E_TYPE, "REF") && !has(v, E_INTERVENANT)) {
		diag_field(DC_OBLIG, &evt_f[E_INTERVENANT], NULL, 0,
		    "obligatoire pour un refus d'intervenant (REF)");
		return 1;
	}
	return rec_period(&evt, v, E_DEBUT, E_FIN);
}

static const char *
xname(const struct recfmt *det, size_t i)
{
	return det == &hor && i == 0 ? "duree_retenue_secondes" : NULL;
}

/*
 * The real elapsed time of the retained times, across any UTC offsets,
 * as check_hor() found it for this very record.
 */
static void
xcsv(struct envrun *er, const struct row *v, struct out *o)
{
	char n[24], *p = n + sizeof n;
	int64_t s = duree;

	(void)er;
	(void)v;
	if (s >= 0)
		do {
			*--p = (char)('0' + s % 10);
			s /= 10;
		} while (s > 0);
	/* Digits need no quotes. */
	*--p = ',';
	out_write(o, p, (size_t)(n + sizeof n - p));
}

static const struct env env = {
	.deb = &deb, .fin = &fin, .dets = dets, .ndets = NF(dets),
	.kindfield = 3, .count = 1, .check = check, .xname = xname,
	.xcsv = xcsv,
};

static int
parse(struct fluxrun *r)
{
	return env_parse(r, &env, want);
}

static int
emit(struct fluxrun *r)
{
	return env_emit(r, &env, want);
}

enum { OPT_TYPE = 300 };
static const struct option xopts[] = {
	{ "type", required_argument, NULL, OPT_TYPE },
	{ NULL, 0, NULL, 0 },
};

static int
xopt(struct fluxrun *r, int ch, const char *arg)
{
	(void)r;
	if (ch != OPT_TYPE)
		return -1;
	if ((want = env_kind(&env, arg)) == NULL) {
		warnx_("--type %s: nature inconnue, attendu clients, intervenants, horodatages ou evenements",
		    arg);
		return -1;
	}
	return 0;
}

static const struct flux flux15 = {
	.name = "flux15",
	.summary = "Flux 15, télégestion des SAD (clients, intervenants, horodatages,\névénements -> opérateur), séparateur |.",
	.charset = "UTF-8",
	.sep = '|',
	.recs = recs,
	.nrecs = NF(recs),
	.parse = parse,
	.emit = emit,
	.xopts = xopts,
	.xopt = xopt,
	.xusage = "  --type NATURE      clients, intervenants, horodatages ou evenements :\n"
	    "                     emit : nature du fichier (défaut : déduite des colonnes) ;\n"
	    "                     parse : rejette un fichier d'une autre nature\n",
};

int
main(int argc, char **argv)
{
	return flux_main(&flux15, argc, argv);
}
