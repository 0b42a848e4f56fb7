/*
 * Télégestion: what each SAD sends for the month (Flux 15 clients,
 * intervenants, horodatages, evenements) and the SALSA log of the SADs'
 * invoices for it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cols.h"
#include "fluxgen.h"

static const char *const natures[] = { "clients", "intervenants",
	"horodatages", "evenements" };

/* The DEB columns, the same three first columns in the four kinds. */
static void
deb(const struct world *w, struct tab *t, int sad)
{
	int y = w->year, m = w->month;

	month_add(&y, &m, 1);
	tab_fmt(t, 0, "SAD%s", w->sad[sad].code);
	tab_instant(t, 1, paris_local(day_of(y, m, 1), 3 * 60));
	tab_int(t, 2, (w->year - 2000) * 12 + w->month);
}

typedef void (*sadgen)(const struct world *, struct tab *, int);

static void
per_sad(const struct world *w, struct out *o, const char *kind, sadgen fn)
{
	struct tab t;
	int k;

	tab_open(&t, kind_named(kind), o);
	for (k = 0; k < w->nsad; k++)
		fn(w, &t, k);
	tab_close(&t);
}

static void
per_sad_dir(const struct world *w, const char *dir, int nat, sadgen fn)
{
	struct emit e;
	struct tab t;
	char name[96], arg[32];
	int k, y = w->year, m = w->month;

	month_add(&y, &m, 1);
	snprintf(arg, sizeof arg, "--type=%s", natures[nat]);
	for (k = 0; k < w->nsad; k++) {
		snprintf(name, sizeof name, "F15_SAD%s_%s_%04d%02d01.txt",
		    w->sad[k].code, natures[nat], y, m);
		emit_open(&e, dir, name, "flux15", arg);
		tab_open(&t, kind_named(natures[nat]), &e.o);
		fn(w, &t, k);
		tab_close(&t);
		emit_close(&e);
	}
}

static void
client_rows(const struct world *w, struct tab *t, int sad)
{
	const struct sad *s = &w->sad[sad];
	struct ident id, v;
	char cid[12];
	int k;

	for (k = 0; k < s->nclients; k++) {
		size_t i = (size_t)s->clients[k];
		const struct person *p = &w->p[i];

		ident_of(w, i, &id);
		if (p->sid && (p->flags & B_NOMVAR))
			ident_variant(w, i, &id, &v);
		else
			v = id;
		deb(w, t, sad);
		client_id(p, cid);
		tab_str(t, K_identifiant_client, cid);
		if (p->sid && !(p->flags & B_SANSID))
			tab_int(t, K_identifiant_beneficiaire_salsa, p->sid);
		tab_str(t, K_civilite, v.civ);
		tab_str(t, K_nom, v.nom);
		tab_str(t, K_nom_naissance, v.naissance);
		tab_str(t, K_prenoms, v.prenom);
		tab_date(t, K_date_naissance, p->birth);
		tab_str(t, K_adresse_1, v.rue);
		tab_fmt(t, K_code_postal, "750%02d", p->arr);
		tab_str(t, K_ville, "Paris");
		tab_phone(t, K_telephone_fixe, p->phone, 0);
		tab_phone(t, K_telephone_portable, p->mobile, 1);
		tab_str(t, K_beneficiaire_departement, p->sid ? "1" : "0");
		tab_row(t);
	}
}

struct itv {
	char	statut[4];
	int32_t	debut, fin;
	uint32_t phone;
};

static void
itv_of(const struct world *w, int sad, int k, struct itv *it)
{
	struct rng r;
	int x;

	rng_init(&r, w->seed, T_ITV, (uint64_t)sad << 32 | (uint32_t)k | 1u << 31);
	x = (int)rng_below(&r, 100);
	snprintf(it->statut, sizeof it->statut, "%s", x < 85 ? "SAL" :
	    x < 95 ? "MAN" : "INT");
	/* Temporary staff: a contract to the end of the year. */
	it->debut = day_of(ORIGINE_Y, 1, 1) - rng_range(&r, 30, 3000);
	it->fin = x >= 95 ? day_of(w->year, 12, 31) : 0;
	it->phone = 10000000u + rng_below(&r, 89999999u);
}

static void
itv_rows(const struct world *w, struct tab *t, int sad)
{
	struct itv it;
	char nom[64], prenom[96], ph[12];
	int k;

	for (k = 0; k < w->sad[sad].nitv; k++) {
		itv_of(w, sad, k, &it);
		intervenant_name(w, sad, k, nom, sizeof nom, prenom, sizeof prenom);
		deb(w, t, sad);
		tab_fmt(t, I_identifiant_intervenant, "I%05d", k);
		tab_str(t, I_nom, nom);
		tab_str(t, I_prenom, prenom);
		tab_str(t, I_statut, it.statut);
		tab_date(t, I_date_debut, it.debut);
		if (it.fin)
			tab_date(t, I_date_fin, it.fin);
		phone_str(it.phone, 1, ph);
		tab_str(t, I_telephone_professionnel, ph);
		tab_row(t);
	}
}

/* One visit as the SAD reports it; 0 marks an absent time. */
struct visit {
	int		 sad, client, itv;
	const char	*mode;
	char		 appelant[12];
	int64_t		 arr_b, dep_b, arr_r, dep_r;
	const char	*code;
	int		 minutes;
	int64_t		 quand;
	int32_t		 day;		/* planned day */
	unsigned	 anom;		/* V_* */
};

#define V_DOUBLON	1u
#define V_CHEV		2u
#define V_TEL		4u

typedef void (*visitfn)(void *, const struct visit *);

static const struct {
	int		 rate;
	const char	*code, *motif;
} corr[] = {
	{ R_HOR, "HOR", "Horodatage validé par le responsable de secteur" },
	{ R_MDT, "MDT", "Changement du type d'intervention" },
	{ R_MHO, "MHO", "Appel tardif, horaires du planning" },
	{ R_COA, "COA", "Arrivée non badgée" },
	{ R_COD, "COD", "Départ non badgé, oubli de l'intervenante" },
	{ R_CO2, "CO2", "Aucun badgeage, téléphone du domicile en panne" },
	{ R_CRE, "CRE", "Intervention urgente non planifiée" },
	{ R_SUP, "SUP", "Badgeage par erreur, bénéficiaire absent" },
};

/* Which correction, if any: index in corr[], or -1. */
static int
draw_corr(const struct world *w, struct rng *r, int excessif)
{
	int64_t tot = 0, x;
	size_t k;

	for (k = 0; k < sizeof corr / sizeof corr[0]; k++)
		tot += w->rate[corr[k].rate];
	x = rng_below(r, RATE_ONE);
	/* Above the threshold: the same mix of codes, R_SAD_EXCESSIF in all. */
	if (excessif) {
		if (w->rate[R_SAD_EXCESSIF] == 0)
			return -1;
		x = x * tot / w->rate[R_SAD_EXCESSIF];
	}
	for (k = 0; k < sizeof corr / sizeof corr[0]; k++) {
		if (x < w->rate[corr[k].rate])
			return (int)k;
		x -= w->rate[corr[k].rate];
	}
	return -1;
}

static void
correct(struct rng *r, struct visit *v, int k, int64_t ps, int64_t pe)
{
	const char *c = corr[k].code;

	v->code = c;
	v->quand = v->arr_r - v->arr_r % 86400 + 86400 + 8 * 3600 +
	    rng_range(r, 0, 7200);
	if (strcmp(c, "MHO") == 0) {
		v->arr_b = ps + 60 * rng_range(r, 20, 45);
		v->arr_r = ps;
		v->dep_r = pe;
		if (rng_chance(r, 10000))
			v->minutes = 15;
	} else if (strcmp(c, "COA") == 0) {
		v->arr_b = 0;
		v->arr_r = ps;
	} else if (strcmp(c, "COD") == 0) {
		v->dep_b = 0;
		v->dep_r = pe;
	} else if (strcmp(c, "CO2") == 0 || strcmp(c, "CRE") == 0) {
		v->arr_b = v->dep_b = 0;
		v->arr_r = ps;
		v->dep_r = pe;
		v->mode = "MAN";
		v->appelant[0] = '\0';
	} else if (strcmp(c, "SUP") == 0)
		v->arr_r = v->dep_r = 0;
}

struct plan {
	int32_t	from, to;		/* visiting window */
	int32_t	abs;			/* a day of absence, or 0 */
	int	dur;			/* minutes */
	int	n;
};

static int
excluded(const struct person *p, const struct plan *pl, int32_t d)
{
	if (d == pl->abs)
		return 1;
	return (p->flags & B_HOSP) && !(p->flags & B_VISHOSP) &&
	    d >= p->hosp_debut && d <= p->hosp_fin;
}

static void
plan_of(const struct world *w, const struct person *p, struct rng *r,
    struct plan *pl)
{
	int mdays = w->last - w->first + 1, avail = 0, mins, x;
	int32_t d;

	pl->from = w->first;
	pl->to = w->last;
	if (p->sid && !(p->flags & (B_HORSDROIT | B_CESUTG))) {
		if (p->debut > pl->from)
			pl->from = p->debut;
		if (p->fin < pl->to)
			pl->to = p->fin;
	}
	pl->abs = rng_chance(r, 3000) ? pl->from + rng_range(r, 0,
	    pl->to - pl->from) : 0;
	x = (int)rng_below(r, 100);
	pl->dur = p->aide == A_PCH ? 120 : p->aide == A_APA ?
	    (x < 30 ? 45 : x < 80 ? 60 : 90) : p->aide == A_AM ? 60 : 90;
	for (d = pl->from; d <= pl->to; d++)
		avail += !excluded(p, pl, d);
	mins = (int)((int64_t)p->hours * 60 / 100 * (pl->to - pl->from + 1) / mdays);
	mins = mins * rng_range(r, 90, 100) / 100;
	if (p->flags & B_SOUSTG)
		mins = mins * rng_range(r, 10, 40) / 100;
	if (avail > 0 && mins > 3 * avail * pl->dur)
		pl->dur = (mins / (3 * avail) + 14) / 15 * 15;
	if (pl->dur > 240)
		pl->dur = 240;
	pl->n = avail > 0 ? mins / pl->dur : 0;
	if (pl->n > 3 * avail)
		pl->n = 3 * avail;
}

/*
 * The intervenant of client k's visit in slot sl of day d. In each slot,
 * k -> (k + sl) % nclients is one-to-one: an intervenant sees one home per
 * slot, three homes a day, and since a visit never leaves its slot, their
 * visits never overlap (intervenants shared at the same hour did: 82 % of
 * a month's visits flagged chevauchement). The replacement (10 % of the
 * pairs' slots) swaps the regular intervenants of clients 2i and 2i+1 for
 * that slot, which keeps the slot one-to-one. Ids from nclients on are
 * floaters, for the injected chevauchement only.
 */
static int
visit_itv(const struct world *w, int sad, int k, int32_t d, int sl)
{
	int nc = w->sad[sad].nclients;
	struct rng q;

	rng_init(&q, w->seed ^ ((uint64_t)sad << 32 | (uint32_t)d), T_REMPL,
	    (uint64_t)(k >> 1) << 2 | (uint64_t)sl);
	if ((k ^ 1) < nc && rng_chance(&q, 10000))
		k ^= 1;
	return (k + sl) % nc;
}

/* Every visit of a client, in time order, through fn. */
static void
client_visits(const struct world *w, int sad, int k, uint32_t *seq,
    visitfn fn, void *ctx)
{
	/* Three slots a day, 4 h at most each: visits never meet by chance. */
	static const int slot[3] = { 7 * 60, 12 * 60, 17 * 60 };
	const struct sad *s = &w->sad[sad];
	size_t i = (size_t)s->clients[k];
	const struct person *p = &w->p[i];
	struct plan pl;
	struct rng r;
	struct visit v;
	int32_t d, days[31];
	int nd = 0, j, used[31] = {0}, c, sup, kk = (int)(p->key % 65521u);
	uint32_t itvphone;
	struct itv it;

	rng_init(&r, w->seed, T_VISIT, p->key);
	plan_of(w, p, &r, &pl);
	for (d = pl.from; d <= pl.to; d++)
		if (!excluded(p, &pl, d))
			days[nd++] = d;
	for (j = 0; j < pl.n; j++) {
		int di = (int)((int64_t)j * nd / pl.n), sl = used[di]++;
		int start = slot[sl % 3] + 15 * rng_range(&r, 0, 2);
		int64_t ps = paris_local(days[di], start), pe = ps + 60 * pl.dur;

		memset(&v, 0, sizeof v);
		v.sad = sad;
		v.client = k;
		v.day = days[di];
		v.itv = visit_itv(w, sad, k, v.day, sl % 3);
		/* Drawn as before: the other draws, hence the times, stay. */
		(void)rng_chance(&r, 10000);
		itv_of(w, sad, v.itv, &it);
		itvphone = it.phone;
		v.arr_b = v.arr_r = ps + rng_range(&r, -300, 600);
		v.dep_b = v.dep_r = pe + rng_range(&r, -300, 600);
		if (p->phone && rng_chance(&r, 85000)) {
			v.mode = "TEL";
			if (rng_chance(&r, w->rate[R_TEL_ETRANGER])) {
				phone_str(itvphone, 1, v.appelant);
				v.anom |= V_TEL;
			} else
				phone_str(p->phone, 0, v.appelant);
		} else if (rng_chance(&r, 60000)) {
			v.mode = "APP";
			phone_str(itvphone, 1, v.appelant);
		} else
			v.mode = "NFC";
		if ((c = draw_corr(w, &r, s->excessif)) >= 0)
			correct(&r, &v, c, ps, pe);
		(*seq)++;
		fn(ctx, &v);
		sup = v.code && strcmp(v.code, "SUP") == 0;
		if (rng_chance(&r, w->rate[R_DOUBLON]) && !sup) {
			struct visit dup = v;

			dup.anom |= V_DOUBLON;
			(*seq)++;
			fn(ctx, &dup);
		}
		if (rng_chance(&r, w->rate[R_CHEVAUCHEMENT]) && !sup) {
			struct visit o = v;

			/* A floater, busy nowhere else: only the client's two
			 * visits meet, not another home's. */
			o.itv = s->nclients + kk % (s->nitv - s->nclients);
			o.code = NULL;
			o.anom = V_CHEV;
			o.minutes = 0;
			o.quand = 0;
			/* Ends by pe + 15 min: never into the next slot. */
			o.arr_b = o.arr_r = pe - 1800 + rng_range(&r, 0, 300);
			o.dep_b = o.dep_r = pe + rng_range(&r, 0, 900);
			if (strcmp(o.mode, "MAN") == 0)
				o.mode = "NFC";
			if (strcmp(o.mode, "NFC") == 0)
				o.appelant[0] = '\0';
			else if (strcmp(o.mode, "TEL") == 0)
				o.anom |= v.anom & V_TEL;
			(*seq)++;
			fn(ctx, &o);
		}
	}
}

struct hctx {
	const struct world	*w;
	struct tab		*t;
	uint32_t		*seq;
};

static void
visit_row(void *ctx, const struct visit *v)
{
	struct hctx *h = ctx;
	struct tab *t = h->t;
	const struct sad *s = &h->w->sad[v->sad];
	const struct person *p = &h->w->p[s->clients[v->client]];
	char cid[12];

	deb(h->w, t, v->sad);
	tab_fmt(t, H_identifiant_intervention, "V%04d%02d%07u", h->w->year,
	    h->w->month, *h->seq);
	client_id(p, cid);
	tab_str(t, H_identifiant_client, cid);
	tab_fmt(t, H_identifiant_intervenant, "I%05d", v->itv);
	tab_str(t, H_code_prestation, code_prestation(p));
	tab_str(t, H_mode_saisie, v->mode);
	tab_str(t, H_numero_appelant, v->appelant);
	if (v->arr_b)
		tab_instant(t, H_arrivee_brute, v->arr_b);
	if (v->dep_b)
		tab_instant(t, H_depart_brut, v->dep_b);
	if (v->arr_r)
		tab_instant(t, H_arrivee_retenue, v->arr_r);
	if (v->dep_r)
		tab_instant(t, H_depart_retenu, v->dep_r);
	if (v->minutes)
		tab_int(t, H_minutes_ajoutees, v->minutes);
	if (v->code) {
		size_t k;

		for (k = 0; strcmp(corr[k].code, v->code) != 0; k++)
			;
		tab_str(t, H_code_correction, v->code);
		tab_str(t, H_motif_correction, corr[k].motif);
		tab_str(t, H_auteur_correction, s->casvp ? "casvp.gestion" :
		    "m.durand");
		tab_instant(t, H_instant_correction, v->quand);
	}
	if (v->arr_r && v->dep_r)
		tab_int(t, H_duree_retenue_secondes, v->dep_r - v->arr_r);
	tab_row(t);
}

static void
visit_rows(const struct world *w, struct tab *t, int sad)
{
	uint32_t seq = 0;
	struct hctx h = { w, t, &seq };
	int k;

	for (k = 0; k < w->sad[sad].nclients; k++)
		client_visits(w, sad, k, &seq, visit_row, &h);
}

/* The first columns of an event: declared once, in the month it is. */
static void
event_head(const struct world *w, struct tab *t, int sad, uint32_t *n,
    const struct person *p, const char *type)
{
	char cid[12];

	deb(w, t, sad);
	tab_fmt(t, E_identifiant_evenement, "E%04d%02d%06u", w->year, w->month,
	    ++*n);
	client_id(p, cid);
	tab_str(t, E_identifiant_client, cid);
	tab_str(t, E_type_evenement, type);
}

static void
event_rows(const struct world *w, struct tab *t, int sad)
{
	const struct sad *s = &w->sad[sad];
	int mi = w->year * 12 + w->month - 1;
	uint32_t n = 0;
	int k;

	for (k = 0; k < s->nclients; k++) {
		const struct person *p = &w->p[s->clients[k]];
		struct plan pl;
		struct rng r;

		rng_init(&r, w->seed, T_VISIT, p->key);
		plan_of(w, p, &r, &pl);
		if (p->flags & B_HOSP && p->hosp_debut >= w->first) {
			event_head(w, t, sad, &n, p, "HOS");
			tab_date(t, E_date_debut, p->hosp_debut);
			tab_date(t, E_date_fin, p->hosp_fin);
			tab_str(t, E_commentaire, "Hospitalisation, retour prévu à la date de fin");
			tab_instant(t, E_instant_declaration,
			    paris_local(p->hosp_debut, 10 * 60 + 15));
			tab_row(t);
		}
		if (pl.abs) {
			event_head(w, t, sad, &n, p, "ABS");
			tab_date(t, E_date_debut, pl.abs);
			tab_date(t, E_date_fin, pl.abs);
			tab_str(t, E_commentaire, "Absente, chez sa fille");
			tab_instant(t, E_instant_declaration,
			    paris_local(pl.abs, 9 * 60));
			tab_row(t);
		}
		if (p->sid && p->fin >= w->first && p->fin < w->last) {
			event_head(w, t, sad, &n, p, "FPR");
			tab_date(t, E_date_debut, p->fin + 1);
			tab_str(t, E_commentaire, "Fin de prise en charge");
			tab_instant(t, E_instant_declaration,
			    paris_local(p->fin, 16 * 60));
			tab_row(t);
		}
		if ((p->key + (uint32_t)mi) % 200 == 7 && s->nitv > 1) {
			event_head(w, t, sad, &n, p, "REF");
			tab_date(t, E_date_debut, w->first + 9);
			tab_fmt(t, E_identifiant_intervenant, "I%05d",
			    (int)((p->key + 1) % (uint32_t)s->nitv));
			tab_str(t, E_commentaire, "Refuse l'intervenant remplaçant");
			tab_instant(t, E_instant_declaration,
			    paris_local(w->first + 9, 18 * 60 + 45));
			tab_row(t);
		}
	}
}

void gen_clients(const struct world *w, struct out *o) { per_sad(w, o, "clients", client_rows); }
void gen_intervenants(const struct world *w, struct out *o) { per_sad(w, o, "intervenants", itv_rows); }
void gen_horodatages(const struct world *w, struct out *o) { per_sad(w, o, "horodatages", visit_rows); }
void gen_evenements(const struct world *w, struct out *o) { per_sad(w, o, "evenements", event_rows); }
void dir_clients(const struct world *w, const char *d) { per_sad_dir(w, d, 0, client_rows); }
void dir_intervenants(const struct world *w, const char *d) { per_sad_dir(w, d, 1, itv_rows); }
void dir_horodatages(const struct world *w, const char *d) { per_sad_dir(w, d, 2, visit_rows); }
void dir_evenements(const struct world *w, const char *d) { per_sad_dir(w, d, 3, event_rows); }

/* Retained seconds of a client's visits, what its SAD invoices. */
static void
add_secs(void *ctx, const struct visit *v)
{
	if (v->arr_r && v->dep_r)
		*(int64_t *)ctx += v->dep_r - v->arr_r;
}

static const char *const motifs[] = {
	"Période non couverte par le plan d'aide",
	"Heures facturées pendant une hospitalisation",
	"Quantité facturée supérieure au plan d'aide",
};

static void
log_reject(const struct world *w, struct tab *t, const char *num, int sad,
    int k, const char *aide)
{
	const struct person *p = &w->p[w->sad[sad].clients[k]];
	struct ident id;
	uint32_t seq = 0;
	int64_t secs = 0, h, plan;
	int mo = p->flags & B_HORSDROIT ? 0 : p->flags & B_VISHOSP ? 1 : 2;

	client_visits(w, sad, k, &seq, add_secs, &secs);
	ident_of(w, (size_t)w->sad[sad].clients[k], &id);
	h = (secs + 18) / 36;
	plan = h < p->hours ? h : p->hours;
	tab_str(t, L_type_enregistrement, "2");
	tab_str(t, L_numero_facture, num);
	tab_str(t, L_libelle_tiers, w->sad[sad].name);
	tab_str(t, L_type_aide, aide);
	tab_int(t, L_identifiant_beneficiaire_salsa, p->sid);
	tab_str(t, L_nom_beneficiaire, id.nom);
	tab_str(t, L_prenom_beneficiaire, id.prenom);
	tab_str(t, L_motif_rejet, motifs[mo]);
	tab_dec(t, L_nombre_heures, h);
	tab_dec(t, L_montant_facture, (h * p->tarif + 50) / 100);
	if (mo == 2)
		tab_dec(t, L_montant_salsa_attendu, (plan * p->tarif + 50) / 100);
	tab_row(t);
}

static void
log_invoice(const struct world *w, struct tab *t, int sad, int aide)
{
	static const char *const aides[] = { "APA75", "PCH75", "AM75" };
	const struct sad *s = &w->sad[sad];
	char num[32];
	struct rng r;
	int k, n = 0, ko, any = -1;
	int y = w->year, m = w->month;

	for (k = 0; k < s->nclients; k++) {
		const struct person *p = &w->p[s->clients[k]];

		if (p->sid && !p->cesu && p->aide == aide) {
			n++;
			if (any < 0)
				any = k;
		}
	}
	if (n == 0)
		return;
	rng_init(&r, w->seed, T_LOG, (uint64_t)sad * 3 + (uint64_t)aide);
	ko = rng_chance(&r, w->rate[R_FACTURE_KO]);
	snprintf(num, sizeof num, "F%.6s-%02d%02d%c", s->code, w->year % 100,
	    w->month, "APM"[aide]);
	month_add(&y, &m, 1);
	tab_str(t, L_type_enregistrement, "1");
	tab_date(t, L_date_integration, day_of(y, m, 6));
	tab_date(t, L_date_edition, day_of(y, m, 5));
	tab_str(t, L_numero_facture, num);
	tab_str(t, L_libelle_tiers, s->name);
	tab_date(t, L_date_debut_facturation, w->first);
	tab_date(t, L_date_fin_facturation, w->last);
	tab_str(t, L_type_aide, aides[aide]);
	tab_str(t, L_facture_integree, ko ? "KO" : "OK");
	tab_row(t);
	if (!ko)
		return;
	n = 0;
	for (k = 0; k < s->nclients; k++) {
		const struct person *p = &w->p[s->clients[k]];

		if (p->sid && !p->cesu && p->aide == aide &&
		    p->flags & (B_HORSDROIT | B_VISHOSP)) {
			log_reject(w, t, num, sad, k, aides[aide]);
			n++;
		}
	}
	if (n == 0)
		log_reject(w, t, num, sad, any, aides[aide]);
}

void
gen_log(const struct world *w, struct out *o)
{
	struct tab t;
	int k, a;

	tab_open(&t, kind_named("log-factures"), o);
	for (k = 0; k < w->nsad; k++)
		for (a = A_APA; a <= A_AM; a++)
			log_invoice(w, &t, k, a);
	tab_close(&t);
}

void
dir_log(const struct world *w, const char *dir)
{
	struct emit e;
	char name[64];
	int y = w->year, m = w->month;

	month_add(&y, &m, 1);
	snprintf(name, sizeof name, "LOG_FACTURES_%04d%02d06.csv", y, m);
	emit_open(&e, dir, name, "sadlog", NULL);
	gen_log(w, &e.o);
	emit_close(&e);
}

/*
 * The truth behind a cycle (fluxgen(1), VÉRITÉ): who each SAD client
 * really is, and what was injected into each visit.
 */
static const char *const vclients_cols[] = { "code_sad",
	"identifiant_client", "identifiant_beneficiaire_salsa", "anomalies" };
static const char *const vvisites_cols[] = { "code_sad",
	"identifiant_intervention", "identifiant_client", "anomalies" };
static const struct kind vclients = { "verite-clients", NULL, vclients_cols,
	4, NULL, NULL };
static const struct kind vvisites = { "verite-visites", NULL, vvisites_cols,
	4, NULL, NULL };
static const char *const vbenef_cols[] = { "identifiant_beneficiaire_salsa",
	"code_sad", "anomalies" };
static const struct kind vbenef = { "verite-beneficiaires", NULL, vbenef_cols,
	3, NULL, NULL };

/* Horizons of the plan alerts: registre's defaults (cesutg-alertes(7)). */
#define ECHEANCE_JOURS	90
#define REVISION_JOURS	30

/* A client's own anomalies, ';'-separated, appended to b. */
static void
client_anoms(const struct person *p, struct buf *b)
{
	if (p->sid && (p->flags & B_NOMVAR))
		buf_adds(b, ";nom-different");
	if (p->sid && (p->flags & B_SANSID))
		buf_adds(b, ";sans-identifiant");
	if (p->flags & B_CESUTG)
		buf_adds(b, ";cesu-et-tg");
	if (p->sid && (p->flags & B_SOUSTG))
		buf_adds(b, ";sous-consommation-tg");
	if (p->sid && (p->flags & B_AUTRESAD))
		buf_adds(b, ";sad-hors-plan");
}

/* One truth row: SAD, two identifiers, the anomalies gathered in b. */
static void
verite_row(struct tab *t, const struct sad *s, const char *a, const char *z,
    struct buf *b)
{
	tab_fmt(t, 0, "SAD%s", s->code);
	tab_str(t, 1, a);
	tab_str(t, 2, z);
	tab_str(t, 3, b->len ? b->p + 1 : NULL);
	tab_row(t);
	buf_reset(b);
}

struct vctx {
	const struct world	*w;
	struct tab		*t;
	uint32_t		*seq;
	struct buf		 b;
};

static void
verite_visit(void *ctx, const struct visit *v)
{
	struct vctx *c = ctx;
	const struct sad *s = &c->w->sad[v->sad];
	const struct person *p = &c->w->p[s->clients[v->client]];
	char id[24], cid[12], lc[8];
	size_t k;

	if (v->code) {
		for (k = 0; v->code[k] && k < sizeof lc - 1; k++)
			lc[k] = (char)(v->code[k] | 0x20);
		lc[k] = '\0';
		buf_addc(&c->b, ';');
		buf_adds(&c->b, lc);
		if (s->excessif)
			buf_adds(&c->b, ";sad-excessif");
	}
	if (v->anom & V_DOUBLON)
		buf_adds(&c->b, ";doublon");
	if (v->anom & V_CHEV)
		buf_adds(&c->b, ";chevauchement");
	if (v->anom & V_TEL)
		buf_adds(&c->b, ";telephone-etranger");
	if ((p->flags & B_VISHOSP) && v->day >= p->hosp_debut &&
	    v->day <= p->hosp_fin)
		buf_adds(&c->b, ";visite-hospitalisation");
	if (p->sid && !p->cesu && (v->day < p->debut || v->day > p->fin))
		buf_adds(&c->b, ";hors-droits");
	client_anoms(p, &c->b);
	if (c->b.len == 0)
		return;
	snprintf(id, sizeof id, "V%04d%02d%07u", c->w->year, c->w->month,
	    *c->seq);
	client_id(p, cid);
	verite_row(c->t, s, id, cid, &c->b);
}

/*
 * One row per beneficiary of the plans snapshot that an alert should
 * find: care ending within ECHEANCE_JOURS of the snapshot, a decision or
 * its notification (3 days later) within REVISION_JOURS before it, and
 * the person's faults.
 */
static void
verite_beneficiaires(const struct world *w, const char *dir, struct buf *b)
{
	struct emit e;
	struct tab t;
	char name[64];
	size_t i;

	snprintf(name, sizeof name, "VERITE_BENEFICIAIRES_%04d%02d.csv",
	    w->year, w->month);
	emit_open(&e, dir, name, NULL, NULL);
	tab_open(&t, &vbenef, &e.o);
	emit_begin(&e);
	for (i = 0; i < w->nbenef; i++) {
		const struct person *p = &w->p[i];
		int32_t d = p->decision, s = w->snap;

		if (p->fin_ligne < s - ANTERIORITE)
			continue;
		if (p->fin_ligne >= s && p->fin_ligne <= s + ECHEANCE_JOURS)
			buf_adds(b, ";echeance");
		if ((d >= s - REVISION_JOURS && d <= s) ||
		    (d + 3 >= s - REVISION_JOURS && d + 3 <= s))
			buf_adds(b, ";revision");
		if (p->flags & B_SOUS)
			buf_adds(b, ";sous-consommation");
		client_anoms(p, b);
		if (b->len == 0)
			continue;
		tab_int(&t, 0, p->sid);
		tab_str(&t, 1, plan_sad(w, p));
		tab_str(&t, 2, b->p + 1);
		tab_row(&t);
		buf_reset(b);
	}
	tab_close(&t);
	emit_close(&e);
}

void
dir_verite(const struct world *w, const char *dir)
{
	struct emit e;
	struct tab t;
	struct vctx c = { w, &t, NULL, { 0 } };
	char name[64], cid[12], sid[12];
	uint32_t seq;
	int k, j;

	snprintf(name, sizeof name, "VERITE_CLIENTS_%04d%02d.csv", w->year,
	    w->month);
	emit_open(&e, dir, name, NULL, NULL);
	tab_open(&t, &vclients, &e.o);
	emit_begin(&e);
	for (k = 0; k < w->nsad; k++)
		for (j = 0; j < w->sad[k].nclients; j++) {
			const struct person *p = &w->p[w->sad[k].clients[j]];

			client_id(p, cid);
			snprintf(sid, sizeof sid, "%u", p->sid);
			client_anoms(p, &c.b);
			verite_row(&t, &w->sad[k], cid, p->sid ? sid : NULL,
			    &c.b);
		}
	tab_close(&t);
	emit_close(&e);
	snprintf(name, sizeof name, "VERITE_VISITES_%04d%02d.csv", w->year,
	    w->month);
	emit_open(&e, dir, name, NULL, NULL);
	tab_open(&t, &vvisites, &e.o);
	emit_begin(&e);
	for (k = 0; k < w->nsad; k++) {
		seq = 0;
		c.seq = &seq;
		for (j = 0; j < w->sad[k].nclients; j++)
			client_visits(w, k, j, &seq, verite_visit, &c);
	}
	tab_close(&t);
	emit_close(&e);
	verite_beneficiaires(w, dir, &c.b);
	buf_free(&c.b);
}
