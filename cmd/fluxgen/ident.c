/*
 * Fictitious French identities: accents, hyphens, apostrophes, birth
 * names, two first names, tutors. Derived from the person's index only.
 */
#include <stdio.h>
#include <string.h>

#include "charset.h"
#include "fluxgen.h"

#define N(a)	(sizeof a / sizeof a[0])

static const char *const noms[] = {
	"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit",
	"Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel",
	"Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel",
	"Girard", "André", "Lefebvre", "Mercier", "Dupont", "Lambert",
	"Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure",
	"Rousseau", "Blanc", "Guérin", "Müller", "Henry", "Roussel", "Nicolas",
	"Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont",
	"Lopez", "Fontaine", "Chevalier", "Robin", "N'Diaye", "D'Almeida",
	"Le Goff", "Le Gall", "De La Tour", "Bénard", "Léger", "Garçon",
	"Éluard", "Cœur", "Chévremont", "Hébert", "Pérez", "Bouchard",
	"Benoît", "Lévêque", "Brûlé", "Ménard", "Ségala", "Traoré", "Nguyen",
	"Benali", "Haddad", "O'Neill", "Dell'Acqua", "Saint-Cyr", "Lefrançois",
	"Béranger", "Évrard", "Jégou", "Kerbœuf", "Lacôte", "Thibault",
};

static const char *const femmes[] = {
	"Marie", "Jeanne", "Françoise", "Monique", "Hélène", "Geneviève",
	"Cécile", "Agnès", "Renée", "Thérèse", "Zoé", "Anaïs", "Bérénice",
	"Élise", "Madeleine", "Odette", "Simone", "Colette", "Josette",
	"Marie-Thérèse", "Anne-Sophie", "Jacqueline", "Nicole", "Suzanne",
	"Lucienne", "Paulette", "Aïcha", "Fatoumata", "Ginette", "Mélanie",
	"Noémie", "Éliane", "Irène", "Léonie", "Maëlle", "Chloé",
};

static const char *const hommes[] = {
	"Jean", "Pierre", "Michel", "André", "Jacques", "René", "Louis",
	"François", "Bernard", "Raymond", "Noël", "Jérôme", "Loïc", "José",
	"Raphaël", "Frédéric", "Hervé", "Gérard", "Jean-Pierre",
	"Jean-Claude", "Marcel", "Lucien", "Moussa", "Mohamed", "Stéphane",
	"Benoît", "Joël", "Gaëtan", "Éric", "Émile", "Théo", "Anatole",
};

static const char *const rues[] = {
	"rue de l'Église", "boulevard Saint-Michel", "rue des Écoles",
	"avenue de Clichy", "rue Beaubourg", "place d'Italie",
	"rue du Fg Saint-Antoine", "quai de la Gare", "rue de Ménilmontant",
	"rue Mouffetard", "avenue d'Ivry", "rue de Vaugirard",
	"boulevard de Belleville", "rue de la Roquette", "rue d'Alésia",
	"avenue Jean-Jaurès", "rue Lecourbe", "rue de Charenton",
	"rue Championnet", "rue des Pyrénées", "rue Saint-Honoré",
	"rue du Château-d'Eau", "rue Oberkampf", "avenue de Saint-Ouen",
};

static const char *const orgs[] = {
	"UDAF de Paris", "Tutélaire de l'Île-de-France",
	"ATFPO Paris", "Mandataire judiciaire St-Éloi",
	"Association Œuvre Falret", "APOGEI 94 - mandataire",
};

static const char *
nom_of(struct rng *r, char *buf, size_t n)
{
	const char *a = noms[rng_below(r, N(noms))];

	if (rng_chance(r, 6000)) {
		snprintf(buf, n, "%s-%s", a, noms[rng_below(r, N(noms))]);
		return buf;
	}
	snprintf(buf, n, "%s", a);
	return buf;
}

static void
prenom_of(struct rng *r, int femme, char *buf, size_t n)
{
	const char *const *l = femme ? femmes : hommes;
	size_t k = femme ? N(femmes) : N(hommes);
	const char *a = l[rng_below(r, (uint32_t)k)];

	if (rng_chance(r, 15000))
		snprintf(buf, n, "%s %s", a, l[rng_below(r, (uint32_t)k)]);
	else
		snprintf(buf, n, "%s", a);
}

void
ident_of(const struct world *w, size_t i, struct ident *id)
{
	const struct person *p = &w->p[i];
	struct rng r;
	int femme = (p->flags & B_FEMME) != 0;

	rng_init(&r, w->seed, T_NAME, p->key);
	memset(id, 0, sizeof *id);
	snprintf(id->civ, sizeof id->civ, "%s", femme ? "MME" : "M");
	nom_of(&r, id->nom, sizeof id->nom);
	if (p->flags & B_NAISS) {
		do
			nom_of(&r, id->naissance, sizeof id->naissance);
		while (strcmp(id->naissance, id->nom) == 0);
	}
	prenom_of(&r, femme, id->prenom, sizeof id->prenom);
	snprintf(id->rue, sizeof id->rue, "%d %s", rng_range(&r, 1, 180),
	    rues[rng_below(&r, N(rues))]);
	if (!(p->flags & B_TUTEUR))
		return;
	if (rng_chance(&r, 60000)) {
		snprintf(id->tut_org, sizeof id->tut_org, "%s",
		    orgs[rng_below(&r, N(orgs))]);
		snprintf(id->tut_nom, sizeof id->tut_nom, "%s", id->tut_org);
		return;
	}
	femme = rng_chance(&r, 55000);
	snprintf(id->tut_civ, sizeof id->tut_civ, "%s", femme ? "MME" : "M");
	snprintf(id->tut_nom, sizeof id->tut_nom, "%s", id->naissance[0] &&
	    rng_chance(&r, 50000) ? id->naissance : id->nom);
	prenom_of(&r, femme, id->tut_prenom, sizeof id->tut_prenom);
}

/* Doubles the first consonant after the first letter: "Martin" "Marrtin". */
static void
typo(char *s, size_t n)
{
	size_t k, len = strlen(s);

	if (len + 2 > n)
		return;
	for (k = 1; k < len; k++)
		if (strchr("bcdfglmnprst", s[k]))
			break;
	if (k >= len)
		k = len - 1;
	memmove(s + k + 1, s + k, len - k + 1);
}

/* How the SAD spells a beneficiary whose name it got wrong. */
void
ident_variant(const struct world *w, size_t i, const struct ident *in,
    struct ident *out)
{
	struct rng r;
	struct buf b = {0};
	char *sp;

	*out = *in;
	rng_init(&r, w->seed, T_NAME, w->p[i].key ^ 0x5a5a5a5aULL);
	switch (rng_below(&r, 4)) {
	case 0:		/* capitals without accents */
		translit_ascii_upper(in->nom, strlen(in->nom), &b);
		snprintf(out->nom, sizeof out->nom, "%s", b.p);
		break;
	case 1:		/* the birth name as usage name */
		if (in->naissance[0]) {
			snprintf(out->nom, sizeof out->nom, "%s", in->naissance);
			out->naissance[0] = '\0';
		}
		break;
	case 2:		/* one first name only, or the hyphen dropped */
		if ((sp = strchr(out->prenom, ' ')) != NULL)
			*sp = '\0';
		else if ((sp = strchr(out->prenom, '-')) != NULL)
			*sp = ' ';
		break;
	default:
		break;
	}
	if (strcmp(out->nom, in->nom) == 0 && strcmp(out->prenom, in->prenom) == 0)
		typo(out->nom, sizeof out->nom);
	buf_free(&b);
}

void
intervenant_name(const struct world *w, int sad, int k, char *nom, size_t nn,
    char *prenom, size_t pn)
{
	struct rng r;

	rng_init(&r, w->seed, T_ITV, (uint64_t)sad << 32 | (uint32_t)k);
	nom_of(&r, nom, nn);
	prenom_of(&r, rng_chance(&r, 85000), prenom, pn);
}

void
ascii_upper(const char *s, char *out, size_t n)
{
	struct buf b = {0};

	translit_ascii_upper(s, strlen(s), &b);
	snprintf(out, n, "%s", b.p ? b.p : "");
	buf_free(&b);
}
