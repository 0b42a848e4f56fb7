/*
 * plans: the weekly Flux 1 snapshot taken on the first day after the
 * cycle's month, one line per plan decided by then and not ended more than
 * 300 days before (A4), CESU and télégestion.
 */
#include <stdio.h>
#include <string.h>

#include "cols.h"
#include "fluxgen.h"

static int64_t
pct_of(int64_t cents, int32_t pct)
{
	return (cents * pct + 5000) / 10000;
}

static const char *const modalites[] = {
	"Aide au lever et à la toilette, préparation des repas",
	"Passages du matin et du soir, aide à l'habillage",
	"Entretien du logement, courses et accompagnement",
	"Aide à la prise des repas ; présence rassurante l'après-midi",
	"Aide au coucher, surveillance de nuit un jour sur deux",
};

static void
tuteur(struct tab *t, const struct person *p, const struct ident *id)
{
	if (!(p->flags & B_TUTEUR))
		return;
	tab_fmt(t, P_identifiant_tuteur, "T%s", plan_index(p->sid - 100000) + 1);
	tab_str(t, P_civilite_tuteur, id->tut_civ);
	tab_str(t, P_nom_tuteur, id->tut_nom);
	tab_str(t, P_prenom_tuteur, id->tut_prenom);
	tab_fmt(t, P_telephone_tuteur, "014%07u", p->sid % 10000000);
	tab_str(t, P_adresse_1_tuteur, id->tut_org[0] ? "12 rue de la Tutelle" :
	    id->rue);
	tab_fmt(t, P_code_postal_tuteur, "750%02d", id->tut_org[0] ? 11 : p->arr);
	tab_str(t, P_ville_tuteur, "PARIS");
	tab_str(t, P_code_type_tutelle, id->tut_org[0] ? "TU" : "CU");
	if (id->tut_org[0])
		tab_str(t, P_interlocuteur_tutelle, "Mme Aïcha Benoît, déléguée mandataire");
}

/* The SAD a TG plan names: the client's own, or the next one (fault). */
const char *
plan_sad(const struct world *w, const struct person *p)
{
	if (p->sad < 0 || p->cesu)
		return NULL;
	if ((p->flags & B_AUTRESAD) && w->nsad > 1)
		return w->sad[(p->sad + 1) % w->nsad].code;
	return w->sad[p->sad].code;
}

static void
plan_line(const struct world *w, struct tab *t, size_t i, unsigned long line)
{
	const struct person *p = &w->p[i];
	static const char *const module[] = { "APA", "PCH", "AM" };
	struct ident id;
	int64_t cout = ((int64_t)p->hplan * p->tarif + 50) / 100;
	size_t c = p->sid - 100000;
	int64_t fin = cout - pct_of(cout, p->pct);

	ident_of(w, i, &id);
	tab_str(t, P_code_tiers_salsa, plan_sad(w, p));
	tab_str(t, P_code_financier, code_financier(p));
	tab_fmt(t, P_identifiant_beneficiaire_portail, "75%013u", p->sid);
	tab_int(t, P_identifiant_beneficiaire_salsa, p->sid);
	tab_str(t, P_module, module[p->aide]);
	tab_fmt(t, P_index_demande_salsa, "D%s", plan_index(c) + 1);
	tab_str(t, P_index_prestation_salsa, plan_index(c));
	tab_date(t, P_date_debut_droit, p->droit_debut);
	tab_date(t, P_date_fin_droit, p->droit_fin);
	tab_date(t, P_date_debut_prise_en_charge, p->debut);
	tab_date(t, P_date_fin_prise_en_charge, p->fin_ligne);
	tab_dec(t, P_quantite_prise_en_charge, p->hplan);
	tab_dec(t, P_quantite_totale, p->hplan);
	tab_dec(t, P_montant_participation, cout - fin);
	tab_dec(t, P_pourcentage_ticket, p->pct);
	tab_str(t, P_derogation, "0");
	tab_dec(t, P_montant_financier, fin);
	tab_dec(t, P_cout_total_prestation, cout);
	tab_str(t, P_code_nomenclature, code_prestation(p));
	tab_str(t, P_periodicite, "ME");
	tab_fmt(t, P_mode_gestion, "%c", p->mode);
	tab_str(t, P_civilite_beneficiaire, id.civ);
	tab_str(t, P_nom_beneficiaire, id.nom);
	tab_str(t, P_prenom_beneficiaire, id.prenom);
	tab_date(t, P_date_naissance_beneficiaire, p->birth);
	if (p->gir)
		tab_int(t, P_gir, p->gir);
	tab_str(t, P_adresse_1, id.rue);
	if (p->sid % 7 == 0)
		tab_str(t, P_adresse_2, "Bâtiment B, 3e étage");
	tab_fmt(t, P_code_postal, "750%02d", p->arr);
	tab_str(t, P_ville, "PARIS");
	tab_fmt(t, P_numero_dossier, "%06u", (p->sid * 7u) % 1000000u);
	tab_phone(t, P_telephone, p->phone, 0);
	tab_phone(t, P_telephone_portable, p->mobile, 1);
	tab_str(t, P_type_attributaire_paiement, !p->cesu ? "P" :
	    p->flags & B_TUTEUR ? "T" : "B");
	if (p->evt_debut) {
		tab_fmt(t, P_identifiant_evenement, "%06u", 100000 +
		    (p->sid * 131u + (uint32_t)p->evt_mois) % 900000u);
		tab_str(t, P_type_evenement, "01");
		tab_date(t, P_date_debut_evenement, p->evt_debut);
		tab_date(t, P_date_fin_evenement, p->evt_fin);
	}
	tuteur(t, p, &id);
	tab_str(t, P_code_mode_reglement, "001");
	tab_date(t, P_date_decision, p->decision);
	tab_dec(t, P_montant_unitaire_cd, p->tarif - pct_of(p->tarif, p->pct));
	tab_dec(t, P_montant_unitaire_beneficiaire, pct_of(p->tarif, p->pct));
	tab_dec(t, P_quantite_sans_depassement, p->hplan);
	tab_date(t, P_date_notification, p->decision + 3);
	tab_str(t, P_code_type_demande, module[p->aide]);
	tab_str(t, P_code_nature_demande, p->renouv ? "REN" : "INI");
	tab_str(t, P_code_tiers_tarif, plan_sad(w, p));
	tab_str(t, P_modalite_plan_aide, modalites[p->sid % 5]);
	tab_fmt(t, P_code_secteur_1, "S%03d", p->arr);
	tab_str(t, P_code_contexte_familial, p->sid % 3 ? "01" : "02");
	tab_str(t, P_code_situation_familiale, p->flags & B_NAISS ? "03" : "01");
	tab_str(t, P_nom_naissance_beneficiaire, id.naissance);
	tab_str(t, P_travailleur_social, p->sid % 2 ? "Mme Bérénice Durand" :
	    "M. Noé Lévêque");
	tab_str(t, P_instructeur, p->sid % 3 ? "Mme Éliane Hébert" :
	    "M. Jean-Loup D'Almeida");
	tab_int(t, P_numero_ligne, (int64_t)line);
	tab_row(t);
}

void
gen_plans(const struct world *w, struct out *o)
{
	struct tab t;
	unsigned long line = 0;
	size_t i;

	tab_open(&t, kind_named("plans"), o);
	for (i = 0; i < w->nbenef; i++)
		if (w->p[i].fin_ligne >= w->snap - ANTERIORITE)
			plan_line(w, &t, i, ++line);
	tab_close(&t);
}

void
dir_plans(const struct world *w, const char *dir)
{
	struct emit e;
	char name[64];
	int y, m, d;

	civil(w->snap, &y, &m, &d);
	snprintf(name, sizeof name, "PLANS_%04d%02d%02d.txt", y, m, d);
	emit_open(&e, dir, name, "flux1", NULL);
	gen_plans(w, &e.o);
	emit_close(&e);
}
