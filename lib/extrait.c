#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "csvio.h"
#include "err.h"
#include "extrait.h"
#include "field.h"

const char *const extrait_colonnes[EX_NCOLS] = {
	"numero_facture", "nature", "facture_origine", "etat", "mois",
	"date_emission", "date_debut_periode", "date_fin_periode",
	"code_financeur", "code_sad", "nom_sad", "adresse_sad", "courriels_sad",
	"nom_departement", "adresse_departement",
	"identifiant_beneficiaire_salsa", "nom_beneficiaire",
	"prenom_beneficiaire", "code_prestation", "libelle_prestation",
	"mois_prestation", "quantite", "montant_unitaire", "montant",
	"etat_ligne", "motif_rejet",
};

/* Where the reading is, for messages. */
struct lecture {
	const char	*name;
	unsigned long	 line;
	int		 pos[EX_NCOLS];	/* column c is the row's value pos[c] */
	size_t		 ncsv;
};

static _Noreturn void
faute(const struct lecture *L, int c, const char *quoi, const char *v)
{
	die(EX_DATAERR, "%s:%lu: champ %d (%s): %s «%s»", L->name, L->line,
	    L->pos[c] + 1, extrait_colonnes[c], quoi, v);
}

static void
entete(struct lecture *L, const struct row *r)
{
	size_t i;
	int c;

	L->ncsv = r->n;
	for (c = 0; c < EX_NCOLS; c++) {
		L->pos[c] = -1;
		for (i = 0; i < r->n; i++)
			if (strcmp(r->v[i], extrait_colonnes[c]) == 0) {
				L->pos[c] = (int)i;
				break;
			}
		if (L->pos[c] == -1)
			die(EX_DATAERR, "%s:%lu: colonne «%s» absente de l'en-tête "
			    "(extrait de facture de registre attendu)",
			    L->name, L->line, extrait_colonnes[c]);
	}
}

static int
code(const char *v, const char *const *codes)
{
	for (; *codes; codes++)
		if (strcmp(v, *codes) == 0)
			return 1;
	return 0;
}

/* YYYY-MM-DD (jour 1) or YYYY-MM (jour 0). */
static int
date_ok(const char *v, int jour)
{
	int y, m, d = 1;
	char fin;

	if (strlen(v) != (jour ? 10u : 7u))
		return 0;
	if (jour ? sscanf(v, "%4d-%2d-%2d%c", &y, &m, &d, &fin) != 3 :
	    sscanf(v, "%4d-%2d%c", &y, &m, &fin) != 2)
		return 0;
	return v[4] == '-' && (!jour || v[7] == '-') && date_valid(y, m, d);
}

static int64_t
decimal(const struct lecture *L, int c, const char *v)
{
	int64_t x;

	if (dec_parse(v, strlen(v), 2, &x) != 0)
		faute(L, c, "nombre à deux décimales attendu (10.25)", v);
	return x;
}

static const char *const natures[] = {"originale", "complementaire", NULL};
static const char *const etats[] = {"emise", "integree", "rejetee", "partielle", NULL};
static const char *const etats_ligne[] = {"emise", "integree", "rejetee", NULL};

static void
facture(const struct lecture *L, struct extrait *e, const struct row *r)
{
	const char *v;
	int c;

	for (c = 0; c < EX_NFACTURE; c++)
		e->v[c] = xstrdup(r->v[L->pos[c]]);
	v = e->v[EX_NUMERO];
	if (*v == '\0' || utf8_nchars(v, strlen(v)) > 15)
		faute(L, EX_NUMERO, "numéro de facture de 1 à 15 caractères attendu", v);
	if (!code(e->v[EX_NATURE], natures))
		faute(L, EX_NATURE, "originale ou complementaire attendu", e->v[EX_NATURE]);
	if (!code(e->v[EX_ETAT], etats))
		faute(L, EX_ETAT, "emise, integree, rejetee ou partielle attendu",
		    e->v[EX_ETAT]);
	if (!date_ok(e->v[EX_MOIS], 0))
		faute(L, EX_MOIS, "mois AAAA-MM attendu", e->v[EX_MOIS]);
	for (c = EX_EMISSION; c <= EX_FIN; c++)
		if (!date_ok(e->v[c], 1))
			faute(L, c, "date AAAA-MM-JJ attendue", e->v[c]);
	if (*e->v[EX_NOM_SAD] == '\0')
		faute(L, EX_NOM_SAD, "nom du SAD attendu", "");
}

static void
ligne(const struct lecture *L, struct extrait *e, const struct row *r)
{
	struct extrait_ligne *l;
	const char *v;
	char quoi[128];
	int c;

	for (c = 0; c < EX_NFACTURE; c++) {
		if (strcmp(r->v[L->pos[c]], e->v[c]) == 0)
			continue;
		if (c == EX_NUMERO) {
			snprintf(quoi, sizeof quoi, "une seule facture par "
			    "extrait, «%s» attendu", e->v[EX_NUMERO]);
			faute(L, c, quoi, r->v[L->pos[c]]);
		}
		faute(L, c, "valeur différente des lignes précédentes de la "
		    "même facture", r->v[L->pos[c]]);
	}
	if (e->n % 64 == 0)
		e->lignes = xrealloc(e->lignes, (e->n + 64) * sizeof *e->lignes);
	l = &e->lignes[e->n++];
	memset(l, 0, sizeof *l);
	for (c = EX_NFACTURE; c < EX_NCOLS; c++)
		l->v[c - EX_NFACTURE] = xstrdup(r->v[L->pos[c]]);
	if (*extrait_val(l, EX_ID) == '\0')
		faute(L, EX_ID, "identifiant du bénéficiaire attendu", "");
	v = extrait_val(l, EX_MOIS_PRESTATION);
	if (!date_ok(v, 0))
		faute(L, EX_MOIS_PRESTATION, "mois AAAA-MM attendu", v);
	l->quantite = decimal(L, EX_QUANTITE, extrait_val(l, EX_QUANTITE));
	l->unitaire = decimal(L, EX_UNITAIRE, extrait_val(l, EX_UNITAIRE));
	l->montant = decimal(L, EX_MONTANT, extrait_val(l, EX_MONTANT));
	v = extrait_val(l, EX_ETAT_LIGNE);
	if (!code(v, etats_ligne))
		faute(L, EX_ETAT_LIGNE, "emise, integree ou rejetee attendu", v);
	l->rejetee = strcmp(v, "rejetee") == 0;
	if (!l->rejetee && *extrait_val(l, EX_MOTIF) != '\0')
		faute(L, EX_MOTIF, "motif de rejet sur une ligne non rejetée",
		    extrait_val(l, EX_MOTIF));
	/* sums of int64 cents: refuse what would overflow */
	if ((l->montant > 0 && e->total > INT64_MAX - l->montant) ||
	    (l->montant < 0 && e->total < INT64_MIN - l->montant))
		faute(L, EX_MONTANT, "total de la facture hors limites",
		    extrait_val(l, EX_MONTANT));
	e->total += l->montant;
	if (l->rejetee) {
		e->rejete += l->montant;
		e->nrejetees++;
	}
}

/* " (name)" of the row's value i when it is one of the extract's columns. */
static const char *
nom_colonne(const struct lecture *L, size_t i)
{
	static char t[64];
	int c;

	for (c = 0; c < EX_NCOLS; c++)
		if (L->pos[c] == (int)i) {
			snprintf(t, sizeof t, " (%s)", extrait_colonnes[c]);
			return t;
		}
	return "";
}

void
extrait_lire(struct extrait *e, int fd, const char *name)
{
	struct lecture L = {name, 1, {0}, 0};
	struct csvin in;
	struct row *r;
	size_t i, bad;

	memset(e, 0, sizeof *e);
	csvin_open(&in, fd, name);
	if (!csvin_next(&in, &r))
		die(EX_DATAERR, "%s: entrée vide, extrait de facture attendu", name);
	entete(&L, r);
	while (csvin_next(&in, &r)) {
		L.line = in.line;
		if (r->n == 1 && r->len[0] == 0)
			continue;
		if (r->n != L.ncsv)
			die(EX_DATAERR, "%s:%lu: %zu champs au lieu de %zu", name,
			    L.line, r->n, L.ncsv);
		for (i = 0; i < r->n; i++)
			if (utf8_valid(r->v[i], r->len[i], &bad) == -1)
				die(EX_DATAERR, "%s:%lu: champ %zu%s: UTF-8 invalide "
				    "(octet %zu)", name, L.line, i + 1,
				    nom_colonne(&L, i), bad + 1);
		if (e->n == 0)
			facture(&L, e, r);
		ligne(&L, e, r);
	}
	csvin_close(&in);
	if (e->n == 0)
		die(EX_DATAERR, "%s: aucune ligne de facture", name);
}

void
extrait_liberer(struct extrait *e)
{
	size_t i;
	int c;

	for (c = 0; c < EX_NFACTURE; c++)
		free(e->v[c]);
	for (i = 0; i < e->n; i++)
		for (c = 0; c < EX_NCOLS - EX_NFACTURE; c++)
			free(e->lignes[i].v[c]);
	free(e->lignes);
	memset(e, 0, sizeof *e);
}

int
extrait_date_valide(const char *iso)
{
	return date_ok(iso, 1);
}

char *
extrait_date(const char *iso, char *buf, size_t n)
{
	if (date_ok(iso, 1))
		snprintf(buf, n, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
	else
		snprintf(buf, n, "%s", iso);
	return buf;
}

static const char *const mois[] = {
	"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
	"août", "septembre", "octobre", "novembre", "décembre"
};

char *
extrait_mois(const char *iso, int long_, char *buf, size_t n)
{
	if (!date_ok(iso, 0))
		snprintf(buf, n, "%s", iso);
	else if (long_)
		snprintf(buf, n, "%s %.4s", mois[atoi(iso + 5) - 1], iso);
	else
		snprintf(buf, n, "%.2s/%.4s", iso + 5, iso);
	return buf;
}

char *
extrait_decimal(int64_t v, char *buf, size_t n)
{
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	snprintf(buf, n, "%s%llu,%02llu", v < 0 ? "-" : "",
	    (unsigned long long)(u / 100), (unsigned long long)(u % 100));
	return buf;
}
