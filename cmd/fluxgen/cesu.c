/*
 * CESU: the month's orders (Flux 4), the titles the CRCESU refunds during
 * the month, and the CNCESU's social charges of the month before (Flux 6).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cols.h"
#include "err.h"
#include "field.h"
#include "fluxgen.h"

#define CHARGE_RATE	32262	/* ten-thousandths of € per hour (Flux 6) */

static int64_t
pct_of(int64_t cents, int32_t pct)
{
	return (cents * pct + 5000) / 10000;
}

/* Titles ordered for month y-m: whole hours, prorated to the coverage. */
static int32_t
ordered(const struct world *w, const struct person *p, int y, int m)
{
	int32_t a = day_of(y, m, 1), b = a + days_in_month(y, m) - 1;
	int32_t from = p->debut > a ? p->debut : a, to = p->fin < b ? p->fin : b;

	if (!p->cesu || to < from)
		return 0;
	return (int32_t)((int64_t)hours_in(w, p, y, m) * (to - from + 1) /
	    days_in_month(y, m) / 100);
}

/* Month index of y-m, for streams and title numbers. */
static uint64_t
mindex(int y, int m)
{
	return (uint64_t)(y * 12 + m - 1);
}

/*
 * The titles of month y-m a beneficiary uses, and when each is cashed:
 * day[k] for k < *used. Under-users cash 10 to 40 %, the others 85 to
 * 100 %; a late title is cashed 1 to 20 days after its validity.
 */
static int32_t
usage(const struct world *w, size_t i, int y, int m, int32_t *day, int32_t max)
{
	const struct person *p = &w->p[i];
	int32_t n = ordered(w, p, y, m), used, k, valid, first = day_of(y, m, 1);
	int vy = y, vm = m, md = days_in_month(y, m);
	struct rng r;

	if (n == 0)
		return 0;
	rng_init(&r, w->seed, T_TITRE, (uint64_t)p->key << 20 | mindex(y, m));
	if (p->flags & B_SOUS)
		used = (int32_t)((int64_t)n * rng_range(&r, 10, 40) / 100);
	else
		used = (int32_t)(((int64_t)n * rng_range(&r, 85, 100) + 99) / 100);
	month_add(&vy, &vm, 1);
	valid = day_of(vy, vm, days_in_month(vy, vm));
	for (k = 0; k < used && k < max; k++) {
		day[k] = first + k * md / n + rng_range(&r, 2, 25);
		if (day[k] > valid)
			day[k] = valid;
		if (rng_chance(&r, w->rate[R_TARDIF]))
			day[k] = valid + rng_range(&r, 1, 20);
	}
	return used < max ? used : max;
}

/* A beneficiary's CESU anomaly stream for month y-m, one per purpose. */
enum { F_DOUBLE = 1, F_BLOQUE, F_PLAFOND };

static void
frng(struct rng *r, const struct world *w, const struct person *p, int y,
    int m, int what, int32_t seq)
{
	rng_init(r, w->seed, T_CESU, (uint64_t)p->key << 28 |
	    mindex(y, m) << 13 | (uint64_t)seq << 2 | (uint64_t)what);
}

/* The last day a title of month y-m is valid (the end of the next month). */
static int32_t
valid_of(int y, int m)
{
	month_add(&y, &m, 1);
	return day_of(y, m, days_in_month(y, m));
}

/*
 * The title of month y-m a beneficiary declares stolen on *evt and has
 * re-issued the day after (the title blocked), cashed anyway on *cash: its
 * rank, or 0 when none. Only a title the beneficiary does not use.
 */
static int32_t
bloque(const struct world *w, size_t i, int y, int m, int32_t *evt,
    int32_t *cash)
{
	int32_t day[512], n = ordered(w, &w->p[i], y, m);
	struct rng r;

	if (n < 2 || usage(w, i, y, m, day, 512) >= n)
		return 0;
	frng(&r, w, &w->p[i], y, m, F_BLOQUE, 0);
	if (!rng_chance(&r, w->rate[R_BLOQUE]))
		return 0;
	*evt = day_of(y, m, 1) + rng_range(&r, 1, 4);
	*cash = *evt + rng_range(&r, 3, 20);
	return n;
}

/* The day a title cashed on day is cashed again, or 0: the same month, in
 * its validity, another CRCESU file. */
static int32_t
double_of(const struct world *w, const struct person *p, int y, int m,
    int32_t seq, int32_t day)
{
	int dy, dm, dd, ey, em, ed;
	int32_t again;
	struct rng r;

	frng(&r, w, p, y, m, F_DOUBLE, seq);
	if (day > valid_of(y, m) || !rng_chance(&r, w->rate[R_DOUBLE_ENC]))
		return 0;
	again = day + rng_range(&r, 1, 10);
	civil(day, &dy, &dm, &dd);
	civil(again, &ey, &em, &ed);
	return again <= valid_of(y, m) && ey == dy && em == dm ? again : 0;
}

/* Extra centi-hours a Flux 6 line of period y-m bills over the hours the
 * Flux 8.2 declared, or 0. */
static int64_t
plafond_depasse(const struct world *w, const struct person *p, int y, int m)
{
	struct rng r;

	frng(&r, w, p, y, m, F_PLAFOND, 0);
	if (!rng_chance(&r, w->rate[R_CHARGES_PLAFOND]))
		return 0;
	return 100 * rng_range(&r, 1, 5);
}

/* Carnet numbers of month y-m: rank within (aid, arrondissement). */
static int32_t *
carnets(const struct world *w, int y, int m)
{
	int32_t *c = xcalloc(w->nbenef + 1, sizeof *c);
	int32_t cnt[2][21] = {{0}};
	size_t i;

	for (i = 0; i < w->nbenef; i++) {
		const struct person *p = &w->p[i];

		if (ordered(w, p, y, m) > 0)
			c[i] = ++cnt[p->aide == A_PCH][p->arr];
	}
	return c;
}

static const char *const aides[] = { "APA", "PCH" };

static void
commande_rows(const struct world *w, struct tab *t, int aide)
{
	int y = w->year, m = w->month, py = y, pm = m, vy = y, vm = m, arr;
	int32_t *c = carnets(w, y, m);
	struct ident id;
	char ref[24];
	size_t i;

	month_add(&py, &pm, -1);
	month_add(&vy, &vm, 1);
	snprintf(ref, sizeof ref, "%s %02d/%04d", aides[aide], m, y);
	for (arr = 1; arr <= 20; arr++)
		for (i = 0; i < w->nbenef; i++) {
			const struct person *p = &w->p[i];
			int32_t n = ordered(w, p, y, m), chunk;

			if (n == 0 || p->arr != arr || (p->aide == A_PCH) != aide)
				continue;
			ident_of(w, i, &id);
			for (chunk = 0; n > 0; n -= chunk) {
				chunk = n > 99 ? 99 : n;
				tab_date(t, C_date_commande, day_of(py, pm, 20));
				tab_str(t, C_origine_fichier, "SALSA");
				tab_fmt(t, C_code_client, "750%d0", aide + 1);
				tab_str(t, C_raison_sociale, "DEPARTEMENT DE PARIS");
				tab_str(t, C_reference_commande_externe, ref);
				tab_str(t, C_type_commande, "01");
				tab_fmt(t, C_code_succursale, "%03d", arr);
				tab_fmt(t, C_code_carnet, "%04d", c[i] % 10000);
				tab_int(t, C_nombre_carnets, (ordered(w, p, y, m) + 19) / 20);
				tab_int(t, C_matricule_salarie, p->sid);
				tab_str(t, C_civilite, p->flags & B_FEMME ? "2" : "1");
				tab_str(t, C_nom_beneficiaire, id.nom);
				tab_str(t, C_prenom_beneficiaire, id.prenom);
				tab_date(t, C_date_naissance, p->birth);
				tab_str(t, C_nom_voie, id.rue);
				tab_fmt(t, C_code_postal, "750%02d", arr);
				tab_str(t, C_bureau_distributeur, "PARIS");
				tab_fmt(t, C_code_insee, "751%02d", arr);
				tab_str(t, C_nom_commune, "PARIS");
				if (p->flags & B_TUTEUR) {
					tab_str(t, C_civilite_tuteur,
					    id.tut_org[0] ? NULL :
					    strcmp(id.tut_civ, "MME") == 0 ? "2" : "1");
					tab_str(t, C_nom_tuteur, id.tut_nom);
					tab_str(t, C_prenom_tuteur, id.tut_prenom);
					tab_str(t, C_nom_voie_tuteur, id.tut_org[0] ?
					    "12 rue de la Tutelle" : id.rue);
					tab_fmt(t, C_code_postal_tuteur, "750%02d",
					    id.tut_org[0] ? 11 : arr);
					tab_str(t, C_bureau_distributeur_tuteur, "PARIS");
				}
				tab_date(t, C_date_debut_prise_en_charge, p->debut);
				tab_date(t, C_date_fin_prise_en_charge, p->fin_ligne);
				tab_str(t, C_titre_dematerialise,
				    p->flags & B_DEMAT ? "O" : "N");
				tab_fmt(t, C_reference_ligne_commande_externe,
				    "%s", plan_index(p->sid - 100000));
				tab_int(t, C_nombre_titres, chunk);
				tab_dec(t, C_valeur_unitaire, p->tarif);
				tab_dec(t, C_part_financier_unitaire,
				    p->tarif - pct_of(p->tarif, p->pct));
				tab_date(t, C_date_validite,
				    day_of(vy, vm, days_in_month(vy, vm)));
				tab_str(t, C_mention_libre, p->aide == A_PCH ?
				    "CESU PCH Paris" : "CESU APA Paris");
				tab_month(t, C_mois_reference, y, m);
				tab_row(t);
			}
		}
	free(c);
}

void
gen_commandes(const struct world *w, struct out *o)
{
	struct tab t;

	tab_open(&t, kind_named("commandes"), o);
	commande_rows(w, &t, 0);
	commande_rows(w, &t, 1);
	tab_close(&t);
}

void
dir_commandes(const struct world *w, const char *dir)
{
	struct emit e;
	struct tab t;
	char name[64];
	int a;

	for (a = 0; a < 2; a++) {
		snprintf(name, sizeof name, "COMMANDE_CESU_%s_%04d%02d.txt",
		    aides[a], w->year, w->month);
		emit_open(&e, dir, name, "flux4", NULL);
		tab_open(&t, kind_named("commandes"), &e.o);
		commande_rows(w, &t, a);
		tab_close(&t);
		emit_close(&e);
	}
}

/* A title cashed during the month. */
struct cash {
	int32_t		day;
	int32_t		who;
	int16_t		month;		/* 0: two months back, 2: this one */
	int16_t		seq;
	int		kind;		/* C_* */
};

enum { C_NORMAL, C_DOUBLE, C_BLOQUE };

static int
cash_cmp(const void *a, const void *b)
{
	const struct cash *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->who != y->who)
		return x->who < y->who ? -1 : 1;
	if (x->month != y->month)
		return x->month - y->month;
	if (x->seq != y->seq)
		return x->seq - y->seq;
	return x->kind - y->kind;
}

struct cashes {
	struct cash	*c;
	size_t		 n;
	int32_t		*carnet[3];
	int		 y[3], m[3];
};

static void
cash_add(struct cashes *cs, size_t *cap, struct cash c)
{
	if (cs->n == *cap)
		cs->c = xrealloc(cs->c, (*cap *= 2) * sizeof *cs->c);
	cs->c[cs->n++] = c;
}

static void
cashes_build(const struct world *w, struct cashes *cs)
{
	int32_t day[512], again, evt, fraude;
	size_t cap = 1024, i;
	int k, j, n, seq;

	memset(cs, 0, sizeof *cs);
	cs->c = xcalloc(cap, sizeof *cs->c);
	for (k = 0; k < 3; k++) {
		cs->y[k] = w->year;
		cs->m[k] = w->month;
		month_add(&cs->y[k], &cs->m[k], k - 2);
		cs->carnet[k] = carnets(w, cs->y[k], cs->m[k]);
	}
	for (i = 0; i < w->nbenef; i++) {
		if (!w->p[i].cesu)
			continue;
		for (k = 0; k < 3; k++) {
			n = usage(w, i, cs->y[k], cs->m[k], day, 512);
			for (j = 0; j < n; j++) {
				if (day[j] < w->first || day[j] > w->last)
					continue;
				cash_add(cs, &cap, (struct cash){ day[j],
				    (int32_t)i, (int16_t)k, (int16_t)(j + 1),
				    C_NORMAL });
				again = double_of(w, &w->p[i], cs->y[k],
				    cs->m[k], j + 1, day[j]);
				if (again != 0)
					cash_add(cs, &cap, (struct cash){ again,
					    (int32_t)i, (int16_t)k,
					    (int16_t)(j + 1), C_DOUBLE });
			}
		}
		seq = (int)bloque(w, i, w->year, w->month, &evt, &fraude);
		if (seq > 0 && fraude <= w->last)
			cash_add(cs, &cap, (struct cash){ fraude, (int32_t)i, 2,
			    (int16_t)seq, C_BLOQUE });
	}
	if (cs->n > 0)	/* c is NULL while empty */
		qsort(cs->c, cs->n, sizeof *cs->c, cash_cmp);
}

static void
cashes_free(struct cashes *cs)
{
	int k;

	for (k = 0; k < 3; k++)
		free(cs->carnet[k]);
	free(cs->c);
}

/*
 * Fault mode-incoherent (F12 of cesutg-alertes(7)): a beneficiary in
 * emploi direct whose titles a provider cashes, or one under a mandataire
 * whose titles an employee cashes. Drawn once for the person, on a stream
 * of its own: every other draw stays as it was.
 */
static int
mode_incoherent(const struct world *w, const struct person *p)
{
	struct rng r;

	if (!p->cesu || (p->mode != 'E' && p->mode != 'M'))
		return 0;
	rng_init(&r, w->seed, T_MODE, p->key);
	return rng_chance(&r, w->rate[R_MODE_INCOHERENT]);
}

/* Who cashed a beneficiary's titles: an employee, or its mandataire; the
 * other way round under mode-incoherent (a provider for emploi direct). */
static void
affilie(const struct world *w, size_t i, int j, struct tab *t)
{
	const struct person *p = &w->p[i];
	char nom[64], prenom[96], s[160];
	const char *type = p->mode == 'M' ? "M" : "E";
	int sad;

	if (mode_incoherent(w, p))
		type = p->mode == 'M' ? "E" : "P";
	if (*type != 'E') {
		sad = (int)(p->sid % (uint32_t)w->nsad);
		tab_fmt(t, RB_code_affilie, "3%08d", sad);
		ascii_upper(w->sad[sad].name, s, 39);
		tab_str(t, RB_nom_affilie, s);
		tab_str(t, RB_type_affilie, type);
		return;
	}
	j = (int)(p->sid % 3 == 0) & j;
	intervenant_name(w, -1, (int)p->sid * 2 + j, nom, sizeof nom, prenom,
	    sizeof prenom);
	tab_fmt(t, RB_code_affilie, "2%08u", (p->sid * 2 + (uint32_t)j) % 100000000u);
	snprintf(s, sizeof s, "%s %s", nom, prenom);
	ascii_upper(s, s, 39);
	tab_str(t, RB_nom_affilie, s);
	tab_str(t, RB_type_affilie, "E");
}

static void
cash_row(const struct world *w, const struct cashes *cs, const struct cash *c,
    struct tab *t)
{
	const struct person *p = &w->p[c->who];
	int y = cs->y[c->month], m = cs->m[c->month], cd;
	int32_t carnet = cs->carnet[c->month][c->who];
	int dy, dm, dd;

	civil(c->day, &dy, &dm, &dd);
	cd = c->day - day_of(dy, 1, 1) + 1;
	tab_str(t, RB_code_emetteur, "OP75");
	tab_date(t, RB_date_creation, c->day + 1);
	tab_int(t, RB_numero_ordre, cd);
	tab_date(t, RB_date_remboursement, c->day);
	tab_fmt(t, RB_numero_titre, "%02d%02d%06u%05d", y % 100, m, p->sid,
	    c->seq);
	tab_fmt(t, RB_reference_commande, "%s %02d/%04d",
	    aides[p->aide == A_PCH], m, y);
	tab_fmt(t, RB_code_carnet, "%03d%04d", p->arr, carnet % 10000);
	tab_int(t, RB_identifiant_beneficiaire, p->sid);
	tab_dec(t, RB_valeur_faciale, p->tarif);
	tab_date(t, RB_date_encaissement, c->day);
	affilie(w, (size_t)c->who, c->seq % 5 == 0, t);
	tab_str(t, RB_code_produit, p->flags & B_DEMAT ? "02" : "01");
	tab_row(t);
}

void
gen_remboursements(const struct world *w, struct out *o)
{
	struct cashes cs;
	struct tab t;
	size_t i;

	cashes_build(w, &cs);
	tab_open(&t, kind_named("remboursements"), o);
	for (i = 0; i < cs.n; i++)
		cash_row(w, &cs, &cs.c[i], &t);
	tab_close(&t);
	cashes_free(&cs);
}

/* Title events (evenements-titres(5)), for registre cesu evenements. */
static const char *const evt_cols[] = { "numero_titre", "nature",
	"date_evenement", "motif", "titre_remplacant" };
static const struct kind evt_kind = { "evenements-titres", NULL, evt_cols,
	5, NULL, NULL };

static void
evt_row(struct tab *t, const struct world *w, const struct person *p,
    int32_t seq, const char *nature, int32_t day, const char *motif)
{
	tab_fmt(t, 0, "%02d%02d%06u%05d", w->year % 100, w->month, p->sid,
	    seq);
	tab_str(t, 1, nature);
	tab_date(t, 2, day);
	tab_str(t, 3, motif);
	tab_row(t);
}

/* The month's events on its own titles: those stolen and re-issued. */
static void
dir_evenements_titres(const struct world *w, const char *dir)
{
	struct emit e;
	struct tab t;
	char name[64];
	int32_t seq, evt, cash;
	size_t i;

	snprintf(name, sizeof name, "EVENEMENTS_CESU_%04d%02d.csv", w->year,
	    w->month);
	emit_open(&e, dir, name, NULL, NULL);
	tab_open(&t, &evt_kind, &e.o);
	emit_begin(&e);
	for (i = 0; i < w->nbenef; i++)
		if (w->p[i].cesu && (seq = bloque(w, i, w->year, w->month,
		    &evt, &cash)) > 0) {
			evt_row(&t, w, &w->p[i], seq, "vole", evt,
			    "déclaration de vol du bénéficiaire");
			evt_row(&t, w, &w->p[i], seq, "reemission", evt + 1,
			    "réémission urgente (C7)");
		}
	tab_close(&t);
	emit_close(&e);
}

void
dir_remboursements(const struct world *w, const char *dir)
{
	struct cashes cs;
	struct emit e;
	struct tab t;
	char name[64];
	size_t i, j;
	int y, m, d;

	cashes_build(w, &cs);
	for (i = 0; i < cs.n; i = j) {
		civil(cs.c[i].day, &y, &m, &d);
		snprintf(name, sizeof name, "CRCESU_%04d%02d%02d.txt", y, m, d);
		emit_open(&e, dir, name, "crcesu", NULL);
		tab_open(&t, kind_named("remboursements"), &e.o);
		for (j = i; j < cs.n && cs.c[j].day == cs.c[i].day; j++)
			cash_row(w, &cs, &cs.c[j], &t);
		tab_close(&t);
		emit_close(&e);
	}
	cashes_free(&cs);
	dir_evenements_titres(w, dir);
}

static int64_t
charge_of(int64_t centih)
{
	return (centih * CHARGE_RATE + 5000) / 10000;
}

static void
charge_row(const struct world *w, struct tab *t, size_t i, int y, int m,
    int64_t plan, int64_t imp, int nature)
{
	const struct person *p = &w->p[i];
	int fy = w->year, fm = w->month;

	month_add(&fy, &fm, 1);
	tab_str(t, G_code_conseil_departemental, "CG75");
	tab_date(t, G_date_creation_fichier, day_of(fy, fm, 5));
	tab_int(t, G_numero_ordre, (w->year - 2000) * 12 + w->month);
	tab_int(t, G_identifiant_beneficiaire, p->sid);
	tab_str(t, G_index_prestation, plan_index(p->sid - 100000));
	tab_fmt(t, G_numero_employeur, "E75%09u", p->sid);
	tab_str(t, G_type_prestation, p->aide == A_APA ? "1" :
	    p->flags & B_ENFANT ? "3" : "2");
	tab_month(t, G_periode_emploi, y, m);
	tab_dec(t, G_heures_plan_aide_cg, plan);
	tab_dec(t, G_montant_prise_en_charge_cotisations, charge_of(plan));
	tab_dec(t, G_heures_impactees, imp);
	tab_dec(t, G_montant_prise_en_charge_impactee, charge_of(imp));
	tab_int(t, G_nature_mouvement, nature);
	tab_month(t, G_mois_facturation, w->year, w->month);
	tab_date(t, G_date_limite_virement, day_of(fy, fm,
	    p->aide == A_APA ? 25 : 28));
	tab_row(t);
}

/* Charges of the month before the cycle's, billed in the cycle's month. */
void
gen_charges(const struct world *w, struct out *o)
{
	int32_t day[512];
	struct tab t;
	struct rng r;
	size_t i;
	int y = w->year, m = w->month, ry, rm;
	int64_t plan, used, extra;

	month_add(&y, &m, -1);
	tab_open(&t, kind_named("charges"), o);
	for (i = 0; i < w->nbenef; i++) {
		const struct person *p = &w->p[i];

		if ((plan = ordered(w, p, y, m)) == 0)
			continue;
		used = usage(w, i, y, m, day, 512);
		extra = plafond_depasse(w, p, y, m);
		charge_row(w, &t, i, y, m, plan * 100, extra > 0 ?
		    plan * 100 + extra : used * 100, 1);
		rng_init(&r, w->seed, T_CHARGE, (uint64_t)p->key << 20 | mindex(y, m));
		if (rng_chance(&r, w->rate[R_REGUL])) {
			ry = y;
			rm = m;
			month_add(&ry, &rm, -rng_range(&r, 1, 3));
			charge_row(w, &t, i, ry, rm, plan * 100,
			    100 * rng_range(&r, 1, 5), rng_range(&r, 2, 3));
		}
	}
	tab_close(&t);
}

void
dir_charges(const struct world *w, const char *dir)
{
	struct emit e;
	char name[64];

	snprintf(name, sizeof name, "FLUX6_CG75_%04d%02d.txt", w->year,
	    w->month);
	emit_open(&e, dir, name, "flux6", NULL);
	gen_charges(w, &e.o);
	emit_close(&e);
}

/*
 * The CESU anomalies injected into the cycle (fluxgen(1), VÉRITÉ): late
 * and double cashings and blocked titles cashed in the month's CRCESU
 * files, under-consuming beneficiaries of the month's order, Flux 6 lines
 * billing more hours than ordered.
 */
static const char *const vcesu_cols[] = { "anomalie",
	"identifiant_beneficiaire", "numero_titre", "mois", "detail" };
static const struct kind vcesu = { "verite-cesu", NULL, vcesu_cols, 5,
	NULL, NULL };

static void
vcesu_row(struct tab *t, const char *what, const struct person *p, int y,
    int m, int32_t seq, const char *detail)
{
	tab_str(t, 0, what);
	tab_int(t, 1, p->sid);
	if (seq > 0)
		tab_fmt(t, 2, "%02d%02d%06u%05d", y % 100, m, p->sid, seq);
	tab_month(t, 3, y, m);
	tab_str(t, 4, detail);
	tab_row(t);
}

void
dir_verite_cesu(const struct world *w, const char *dir)
{
	static const char *const what[] = { "encaissement_tardif",
	    "double_encaissement", "titre_bloque_encaisse" };
	struct cashes cs;
	struct emit e;
	struct tab t;
	char name[64], d[96];
	int32_t day[512], n, used, *nmode;
	int64_t extra;
	size_t i;
	int y = w->year, m = w->month, dy, dm, dd;

	snprintf(name, sizeof name, "VERITE_CESU_%04d%02d.csv", w->year,
	    w->month);
	emit_open(&e, dir, name, NULL, NULL);
	tab_open(&t, &vcesu, &e.o);
	emit_begin(&e);
	cashes_build(w, &cs);
	for (i = 0; i < cs.n; i++) {
		const struct cash *c = &cs.c[i];
		int k = c->kind == C_NORMAL ? 0 : c->kind == C_DOUBLE ? 1 : 2;

		if (c->kind == C_NORMAL && c->day <= valid_of(cs.y[c->month],
		    cs.m[c->month]))
			continue;
		civil(c->day, &dy, &dm, &dd);
		snprintf(d, sizeof d, "encaissé le %04d-%02d-%02d", dy, dm, dd);
		vcesu_row(&t, what[k], &w->p[c->who], cs.y[c->month],
		    cs.m[c->month], c->seq, d);
	}
	/* The cashings the CRCESU accepts, per beneficiary, for F12. */
	nmode = xcalloc(w->nbenef + 1, sizeof *nmode);
	for (i = 0; i < cs.n; i++)
		if (cs.c[i].kind == C_NORMAL)
			nmode[cs.c[i].who]++;
	cashes_free(&cs);
	for (i = 0; i < w->nbenef; i++) {
		const struct person *p = &w->p[i];

		if (!p->cesu || !(p->flags & B_SOUS) ||
		    (n = ordered(w, p, y, m)) == 0)
			continue;
		used = usage(w, i, y, m, day, 512);
		snprintf(d, sizeof d, "%d titres utilisés sur %d", used, n);
		vcesu_row(&t, "sous_consommation", p, y, m, 0, d);
	}
	month_add(&y, &m, -1);
	for (i = 0; i < w->nbenef; i++) {
		const struct person *p = &w->p[i];

		if (ordered(w, p, y, m) == 0 ||
		    (extra = plafond_depasse(w, p, y, m)) == 0)
			continue;
		snprintf(d, sizeof d, "%d.%02d heures de plus que commandées",
		    (int)(extra / 100), (int)(extra % 100));
		vcesu_row(&t, "charges_plafond", p, y, m, 0, d);
	}
	/* F12: each beneficiary of mode-incoherent refunded in the month. */
	for (i = 0; i < w->nbenef; i++) {
		const struct person *p = &w->p[i];

		if (nmode[i] == 0 || !mode_incoherent(w, p))
			continue;
		snprintf(d, sizeof d, "%d titres encaissés par un affilié %s, "
		    "plan en mode %c", nmode[i], p->mode == 'M' ? "E" : "P",
		    p->mode);
		vcesu_row(&t, "mode_incoherent", p, w->year, w->month, 0, d);
	}
	free(nmode);
	tab_close(&t);
	emit_close(&e);
}
