/* Reading the compte d'emploi CSV (compteemploi.h). */
#include <string.h>

#include "compteemploi.h"
#include "err.h"
#include "field.h"

const char *const ce_colonnes[CE_NCOL] = {
	"aide", "mois_commande", "titres_emis", "valeur_emise",
	"titres_rembourses", "valeur_remboursee", "titres_perimes",
	"valeur_perimee", "titres_annules", "valeur_annulee",
	"titres_voles_perdus", "valeur_volee_perdue", "titres_non_distribues",
	"valeur_non_distribuee", "titres_bloques", "valeur_bloquee",
	"titres_en_circulation", "valeur_en_circulation", "titres_ecesu",
	"solde_ecesu", "charges_facturees",
};

const char *const ce_libelles[CE_NCOL] = {
	"Aide", "Mois de commande", "Titres émis", "Valeur émise",
	"Titres remboursés", "Valeur remboursée", "Titres périmés",
	"Valeur périmée", "Titres annulés", "Valeur annulée",
	"Titres volés ou perdus", "Valeur volée ou perdue",
	"Titres non distribués", "Valeur non distribuée",
	"Titres bloqués (réémis)", "Valeur bloquée",
	"Titres en circulation", "Valeur en circulation",
	"Titres e-CESU", "Solde e-CESU", "Charges CNCESU facturées",
};

void
ce_ouvrir(struct ce_lecteur *l, int fd, const char *nom)
{
	struct row *r;
	size_t i;

	l->nom = nom;
	csvin_open(&l->in, fd, nom);
	if (!csvin_next(&l->in, &r))
		die(EX_DATAERR, "%s : entrée vide, en-tête attendu", nom);
	for (i = 0; i < CE_NCOL; i++)
		if (i >= r->n || strcmp(r->v[i], ce_colonnes[i]) != 0)
			die(EX_DATAERR, "%s:1: colonne %zu « %s » au lieu de "
			    "« %s » : ce n'est pas la sortie de registre cesu "
			    "compte-emploi", nom, i + 1, i < r->n ? r->v[i] :
			    "", ce_colonnes[i]);
	if (r->n != CE_NCOL)
		die(EX_DATAERR, "%s:1: %zu colonnes au lieu de %d", nom, r->n,
		    CE_NCOL);
}

int
ce_suivante(struct ce_lecteur *l, struct ce_ligne *out)
{
	struct row *r;
	size_t k;

	if (!csvin_next(&l->in, &r))
		return 0;
	if (r->n != CE_NCOL)
		die(EX_DATAERR, "%s:%lu: %zu champs au lieu de %d", l->nom,
		    l->in.line, r->n, CE_NCOL);
	if (r->len[0] == 0 || r->len[0] >= sizeof out->aide ||
	    r->len[1] != 7 || r->v[1][4] != '-')
		die(EX_DATAERR, "%s:%lu: aide « %s » ou mois « %s » invalide",
		    l->nom, l->in.line, r->v[0], r->v[1]);
	memcpy(out->aide, r->v[0], r->len[0] + 1);
	memcpy(out->mois, r->v[1], 8);
	for (k = 0; k < CE_NVAL; k++)
		if (dec_parse(r->v[k + 2], r->len[k + 2], CE_MONTANT(k) ? 2 : 0,
		    &out->v[k]) != 0)
			die(EX_DATAERR, "%s:%lu: %s : « %s » n'est pas un%s",
			    l->nom, l->in.line, ce_colonnes[k + 2], r->v[k + 2],
			    CE_MONTANT(k) ? " montant à deux décimales" :
			    " nombre entier");
	return 1;
}

void
ce_fermer(struct ce_lecteur *l)
{
	csvin_close(&l->in);
}

void
ce_mois_ajouter(struct ce_mois *m, const struct ce_ligne *l)
{
	int i;

	for (i = 0; i < m->n && strcmp(m->mois[i], l->mois) != 0; i++)
		;
	if (i == m->n) {
		if (m->n == CE_NMOIS)
			die(EX_DATAERR, "plus de %d mois de commande", CE_NMOIS);
		memcpy(m->mois[m->n++], l->mois, 8);
		m->emis[i] = m->rembourse[i] = 0;
	}
	m->emis[i] += l->v[CE_EMIS];
	m->rembourse[i] += l->v[CE_REMBOURSE];
}

/* Insertion sort: a few dozen months, nearly in order already. */
void
ce_mois_trier(struct ce_mois *m)
{
	int i, k;

	for (i = 1; i < m->n; i++)
		for (k = i; k > 0 && strcmp(m->mois[k - 1], m->mois[k]) > 0;
		    k--) {
			char t[8];
			int64_t e = m->emis[k], r = m->rembourse[k];

			memcpy(t, m->mois[k], 8);
			memcpy(m->mois[k], m->mois[k - 1], 8);
			memcpy(m->mois[k - 1], t, 8);
			m->emis[k] = m->emis[k - 1];
			m->rembourse[k] = m->rembourse[k - 1];
			m->emis[k - 1] = e;
			m->rembourse[k - 1] = r;
		}
}
