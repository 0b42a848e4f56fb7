/*
 * The world of fluxgen: random streams, calendar, rates, beneficiaries,
 * SADs and their clients. Integer arithmetic only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "field.h"
#include "fluxgen.h"

static uint64_t
mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
rng_init(struct rng *r, uint64_t seed, uint64_t tag, uint64_t id)
{
	r->s = mix(mix(seed + 0x9e3779b97f4a7c15ULL) ^ mix(tag << 40 ^ id));
}

uint64_t
rng_next(struct rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return mix(r->s);
}

uint32_t
rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * n) >> 32);
}

int
rng_range(struct rng *r, int lo, int hi)
{
	return hi <= lo ? lo : lo + (int)rng_below(r, (uint32_t)(hi - lo + 1));
}

int
rng_chance(struct rng *r, int32_t rate)
{
	return (int32_t)rng_below(r, RATE_ONE) < rate;
}

/* H. Hinnant's days_from_civil and civil_from_days. */
int32_t
day_of(int y, int m, int d)
{
	int yy = y - (m <= 2);
	int era = (yy >= 0 ? yy : yy - 399) / 400;
	int yoe = yy - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void
civil(int32_t z, int *y, int *m, int *d)
{
	int era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

void
month_add(int *y, int *m, int k)
{
	int t = *y * 12 + (*m - 1) + k;

	*y = t / 12;
	*m = t % 12 + 1;
}

/* The last Sunday of a month, as a day number (1970-01-01 was a Thursday). */
static int32_t
last_sunday(int y, int m)
{
	int32_t d = day_of(y, m, days_in_month(y, m));

	return d - (int32_t)((d % 7 + 11) % 7);
}

/* European summer time: last Sunday of March to that of October, 01:00 UTC. */
int
paris_offset(int64_t t)
{
	int y, m, d;
	int64_t a, b;

	civil((int32_t)(t / 86400), &y, &m, &d);
	a = (int64_t)last_sunday(y, 3) * 86400 + 3600;
	b = (int64_t)last_sunday(y, 10) * 86400 + 3600;
	return t >= a && t < b ? 7200 : 3600;
}

int64_t
paris_local(int32_t day, int minute)
{
	int64_t t = (int64_t)day * 86400 + (int64_t)minute * 60;

	/* The offset at noon: visits never start between 02:00 and 03:00. */
	return t - paris_offset((int64_t)day * 86400 + 43200);
}

const struct rate rates[R_N] = {
	[R_HOR] = { "hor", 1000, "visites avec le code de correction HOR" },
	[R_MDT] = { "mdt", 500, "visites avec le code de correction MDT" },
	[R_MHO] = { "mho", 2500, "visites aux horaires modifiés (MHO)" },
	[R_COA] = { "coa", 1000, "arrivées oubliées, corrigées (COA)" },
	[R_COD] = { "cod", 2000, "départs oubliés, corrigés (COD)" },
	[R_CO2] = { "co2", 500, "arrivée et départ oubliés (CO2)" },
	[R_CRE] = { "cre", 1000, "visites créées sans horodatage (CRE)" },
	[R_SUP] = { "sup", 500, "visites supprimées (SUP)" },
	[R_SAD_EXCESSIF] = { "sad-excessif", 35000, "visites corrigées chez un SAD au-dessus du seuil" },
	[R_DOUBLON] = { "doublon", 500, "visites envoyées deux fois" },
	[R_CHEVAUCHEMENT] = { "chevauchement", 500, "visites chevauchant une autre visite du client" },
	[R_VISITE_HOSP] = { "visite-hospitalisation", 20000, "bénéficiaires hospitalisés visités pendant le séjour" },
	[R_HORS_DROITS] = { "hors-droits", 20000, "bénéficiaires aux droits partiels visités hors droits" },
	[R_NOM_DIFFERENT] = { "nom-different", 5000, "clients au nom écrit autrement que dans SALSA" },
	[R_TEL_ETRANGER] = { "telephone-etranger", 2000, "appels d'un autre téléphone que celui du client" },
	[R_TARDIF] = { "encaissement-tardif", 1000, "titres CESU encaissés après leur validité" },
	[R_SOUS_CONSO] = { "sous-consommation", 8000, "bénéficiaires CESU consommant moins de 50 %" },
	[R_CESU_ET_TG] = { "cesu-et-tg", 1000, "bénéficiaires CESU aussi clients d'un SAD en TG" },
	[R_HOSP] = { "hospitalisation", 2500, "bénéficiaires entrant à l'hôpital dans le mois" },
	[R_PLANS_FINS] = { "plans-fins", 200, "prises en charge finissant dans la semaine (puis remplacées)" },
	[R_PLANS_REVISES] = { "plans-revises", 150, "plans révisés dans la semaine (heures)" },
	[R_SANS_ID] = { "sans-identifiant", 10000, "clients financés sans identifiant SALSA chez le SAD" },
	[R_PRIVES] = { "clients-prives", 25000, "clients non financés, en proportion des financés" },
	[R_TUTEUR] = { "tuteur", 8000, "bénéficiaires sous tutelle" },
	[R_FACTURE_KO] = { "facture-ko", 10000, "factures rejetées par SALSA" },
	[R_REGUL] = { "regularisation", 1000, "régularisations CNCESU (natures 2 et 3)" },
	[R_SOUS_TG] = { "sous-consommation-tg", 3000, "bénéficiaires TG réalisant 10 à 40 % de leurs heures" },
	[R_SAD_HORS_PLAN] = { "sad-hors-plan", 3000, "bénéficiaires TG dont le plan nomme un autre SAD que le leur" },
	[R_DOUBLE_ENC] = { "double-encaissement", 0, "titres CESU encaissés une seconde fois dans le mois" },
	[R_BLOQUE] = { "titre-bloque", 1000, "bénéficiaires CESU dont un titre volé, bloqué par une réémission, est encaissé" },
	[R_CHARGES_PLAFOND] = { "charges-plafond", 1000, "charges CNCESU au-dessus du plafond du Flux 8.2" },
	[R_MODE_INCOHERENT] = { "mode-incoherent", 2000, "bénéficiaires CESU dont les titres sont encaissés par un affilié contraire au mode du plan" },
};

/* Paris 2015 (CCTP §2.2): beneficiaries by aid and payment. */
static const struct {
	int	aide, cesu, n;
} paris[] = {
	{ A_APA, 1, 8542 }, { A_APA, 0, 6691 }, { A_PCH, 1, 691 },
	{ A_PCH, 0, 428 }, { A_AM, 0, 1692 },
};

/* Population by arrondissement, thousands (INSEE 2015, rounded). */
static const int arrpop[20] = { 17, 21, 35, 27, 59, 41, 52, 37, 60, 91,
	147, 142, 182, 137, 235, 166, 167, 196, 187, 195 };

static int64_t
scaled(const struct world *w, int64_t n)
{
	return (n * w->scale + 5000) / 10000;
}

static int
pick_arr(struct rng *r)
{
	int k, x = (int)rng_below(r, 2295);

	for (k = 0; k < 19 && x >= arrpop[k]; k++)
		x -= arrpop[k];
	return k + 1;
}

/* Hours per month (centi-hours, quarter hours) by aid and GIR. */
static int32_t
hours_of(struct rng *r, const struct person *p)
{
	static const int gir[5][2] = { {0, 0}, {50, 70}, {40, 60}, {25, 45},
		{10, 30} };
	int lo, hi;

	if (p->aide == A_APA) {
		lo = gir[p->gir][0];
		hi = gir[p->gir][1];
	} else if (p->aide == A_PCH) {
		lo = 30;
		hi = rng_chance(r, 10000) ? 300 : 150;
	} else if (p->aide == A_AM) {
		lo = 8;
		hi = 30;
	} else {
		lo = 6;
		hi = 40;
	}
	return rng_range(r, lo * 4, hi * 4) * 25;
}

static int
apa_gir(struct rng *r)
{
	int x = (int)rng_below(r, 100);

	return x < 3 ? 1 : x < 20 ? 2 : x < 40 ? 3 : 4;
}

/* Cents per hour. */
static int32_t
tarif_of(const struct person *p)
{
	if (p->aide == A_APA)
		return p->mode == 'P' ? 2200 : p->mode == 'M' ? 1460 : 1270;
	if (p->aide == A_PCH)
		return p->mode == 'P' ? 1777 : p->mode == 'M' ? 1497 : 1361;
	return 2050;
}

/*
 * Powers q^(2^k) of a weekly survival q = 1 - rate, in 2^32 fixed point,
 * for geom(): integer only, so every machine draws the same weeks.
 */
static void
powers(uint32_t *pw, int32_t rate)
{
	uint64_t q = ((uint64_t)(RATE_ONE - rate) << 32) / RATE_ONE;
	int k;

	if (q > 0xffffffffULL)
		q = 0xffffffffULL;
	for (k = 0; k < 22; k++) {
		pw[k] = (uint32_t)q;
		q = q * q >> 32;
	}
}

/* Whole weeks before an event of weekly probability rate: geometric. */
static int32_t
geom(const uint32_t *pw, struct rng *r)
{
	uint64_t cur = 0xffffffffULL, u = rng_next(r) >> 32, c;
	int32_t n = 0;
	int k;

	for (k = 21; k >= 0; k--)
		if ((c = cur * pw[k] >> 32) > u) {
			cur = c;
			n += (int32_t)1 << k;
		}
	return n;
}

static int32_t
origine(void)
{
	return day_of(ORIGINE_Y, 1, 5);	/* a Monday */
}

/*
 * The k-th occupant of a slot: start, end and the day its plan was
 * decided. The slot's first occupant is there at the origin; its
 * remaining time is geometric (memoryless), like every later occupant's.
 */
struct epis {
	int32_t		s, e, dec;
	uint32_t	slot;
	uint16_t	k;
};

static void
episode(const struct world *w, uint64_t slot, int k, int32_t prev, struct epis *x)
{
	struct rng r;

	rng_init(&r, w->seed, T_EPIS, slot << 16 | (uint64_t)k);
	if (k == 0) {
		x->s = origine() - rng_range(&r, 30, 2000);
		x->e = origine() + 7 * geom(w->pwfin, &r) + rng_range(&r, 0, 6);
	} else {
		x->s = prev + rng_range(&r, 7, 56);
		x->e = x->s + 28 + 7 * geom(w->pwfin, &r) + rng_range(&r, 0, 6);
	}
	x->dec = x->s - rng_range(&r, 15, 45);
	x->slot = (uint32_t)slot;
	x->k = (uint16_t)k;
}

static int32_t
month_first(int32_t day, int k)
{
	int y, m, d;

	civil(day, &y, &m, &d);
	month_add(&y, &m, k);
	return day_of(y, m, 1);
}

/*
 * Hours revised at weekly rate plans-revises, each revision in force from
 * the first of the next month: the hours of M-2, M-1, M, and of the
 * snapshot.
 */
static void
revisions(struct world *w, struct person *p)
{
	int32_t cp[4], t, eff;
	struct rng r;
	int j;

	cp[3] = w->snap;
	for (j = 0; j < 3; j++)
		cp[j] = month_first(w->first, j - 2);
	for (j = 0; j < 3; j++)
		p->hm[j] = p->hours;
	p->hplan = p->hours;
	rng_init(&r, w->seed, T_REVIS, p->key);
	for (t = p->debut + 7 * geom(w->pwrev, &r) + rng_range(&r, 0, 6);
	    t <= w->snap && t < p->fin; t += 7 + 7 * geom(w->pwrev, &r)) {
		int32_t h = hours_of(&r, p);

		eff = month_first(t, 1);
		for (j = 0; j < 3; j++)
			if (eff <= cp[j])
				p->hm[j] = h;
		p->hplan = h;
		if (t > p->decision)
			p->decision = t;
	}
	p->hours = p->hm[2];
}

/*
 * Rights of 4 to 8 years, renewed (REN) 15 to 60 days before their term
 * while the person stays; an end before the term is known 14 days before
 * to 14 days after it. What the snapshot says of them.
 */
static void
droits(struct world *w, struct person *p, struct rng *r0)
{
	int32_t term, rdec, edec;
	struct rng r;

	rng_init(&r, w->seed, T_RENOUV, p->key);
	p->droit_debut = p->debut - (rng_chance(r0, 20000) ? rng_range(r0, 1, 60) : 0);
	term = p->debut + rng_range(&r, 1461, 2922) - 1;
	while (p->fin > term) {
		rdec = term - rng_range(&r, 15, 60);
		if (rdec > w->snap)
			break;
		p->droit_debut = term + 1;
		term += rng_range(&r, 1461, 2922);
		p->renouv = 1;
		if (rdec > p->decision)
			p->decision = rdec;
	}
	p->droit_fin = p->fin_ligne = term;
	edec = p->fin + rng_range(&r, -14, 14);
	if (p->fin < term && edec <= w->snap) {
		p->droit_fin = p->fin_ligne = p->fin;
		if (edec > p->decision)
			p->decision = edec;
	}
}

/* Month index of a day: y * 12 + m - 1. */
static int
mois_of(int32_t day)
{
	int y, m, d;

	civil(day, &y, &m, &d);
	return y * 12 + m - 1;
}

/* A hospital stay starting in month mi, drawn at rate hospitalisation. */
static int
stay(const struct world *w, const struct person *p, int mi, int32_t *a,
    int32_t *b, int *vis)
{
	struct rng r;
	int32_t first = day_of(mi / 12, mi % 12 + 1, 1);

	rng_init(&r, w->seed, T_HOSP, (uint64_t)p->key << 16 | (uint64_t)mi);
	if (!rng_chance(&r, w->rate[R_HOSP]))
		return 0;
	*a = first + rng_range(&r, 0, days_in_month(mi / 12, mi % 12 + 1) - 1);
	*b = *a + rng_range(&r, 7, 21);
	*vis = rng_chance(&r, w->rate[R_VISITE_HOSP]);
	return 1;
}

/*
 * The stay touching the cycle's month (one starting in it, else one of
 * the month before running into it), and the latest stay begun by the
 * snapshot, which Flux 1 carries.
 */
static void
stays(struct world *w, struct person *p)
{
	int m = w->year * 12 + w->month - 1, mi, vis = 0;
	int32_t a, b;

	if (stay(w, p, m, &a, &b, &vis) ||
	    (stay(w, p, m - 1, &a, &b, &vis) && b >= w->first)) {
		p->flags |= B_HOSP;
		p->hosp_debut = a;
		p->hosp_fin = b;
		if (!p->cesu && vis)
			p->flags |= B_VISHOSP;
	}
	for (mi = m; mi >= mois_of(p->debut); mi--)
		if (stay(w, p, mi, &a, &b, &vis)) {
			p->evt_debut = a;
			p->evt_fin = b;
			p->evt_mois = mi;
			break;
		}
}

static void
person_of(struct world *w, size_t i, int aide, int cesu, uint32_t sid,
    const struct epis *x)
{
	struct person *p = &w->p[i];
	struct rng r;
	int age, y, m, d;

	memset(p, 0, sizeof *p);
	p->key = p->sid = sid;
	rng_init(&r, w->seed, T_WORLD, p->key);
	p->aide = (uint8_t)aide;
	p->cesu = (uint8_t)cesu;
	p->sad = -1;
	p->debut = x->s;
	p->fin = x->e;
	p->decision = x->dec;
	p->arr = (uint8_t)pick_arr(&r);
	if (aide == A_PCH) {
		age = rng_chance(&r, 10000) ? rng_range(&r, 3, 19) :
		    rng_range(&r, 20, 59);
		if (age < 20)
			p->flags |= B_ENFANT;
	} else if (aide == A_AM && rng_chance(&r, 20000))
		age = rng_range(&r, 20, 59);
	else
		age = 65 + (rng_range(&r, 0, 35) + rng_range(&r, 0, 35)) / 2;
	if (rng_chance(&r, aide == A_PCH ? 50000 : 70000))
		p->flags |= B_FEMME;
	if ((p->flags & B_FEMME) && age >= 25 && rng_chance(&r, 60000))
		p->flags |= B_NAISS;
	civil(p->debut, &y, &m, &d);
	p->birth = day_of(y - age, 1, 1) + rng_range(&r, 0, 364);
	if (aide == A_APA)
		p->gir = (uint8_t)apa_gir(&r);
	else if (aide == A_AM && age >= 60)
		p->gir = (uint8_t)rng_range(&r, 5, 6);
	p->mode = cesu ? (rng_chance(&r, 75000) ? 'E' : 'M') : 'P';
	p->hours = hours_of(&r, p);
	p->tarif = tarif_of(p);
	if (aide == A_APA)
		p->pct = rng_chance(&r, 45000) ? 0 : rng_range(&r, 50, 9000);
	else
		p->pct = rng_chance(&r, 80000) ? 0 : 1000;
	droits(w, p, &r);
	revisions(w, p);
	if (rng_chance(&r, 85000))
		p->phone = 40000000u + rng_below(&r, 59999999u);
	if (p->phone == 0 || rng_chance(&r, 40000))
		p->mobile = 10000000u + rng_below(&r, 89999999u);
	if (rng_chance(&r, w->rate[R_TUTEUR]))
		p->flags |= B_TUTEUR;
	if (cesu && rng_chance(&r, 30000))
		p->flags |= B_DEMAT;
	stays(w, p);
	/* Every draw made whatever the month: a person keeps its faults. */
	rng_init(&r, w->seed, T_FAULT, p->key);
	if (rng_chance(&r, w->rate[R_HORS_DROITS]) && !cesu &&
	    (p->debut > w->first || p->fin < w->last))
		p->flags |= B_HORSDROIT;
	if (rng_chance(&r, w->rate[R_CESU_ET_TG]) && cesu)
		p->flags |= B_CESUTG;
	if (rng_chance(&r, w->rate[R_SOUS_CONSO]) && cesu)
		p->flags |= B_SOUS;
	if (rng_chance(&r, w->rate[R_NOM_DIFFERENT]))
		p->flags |= B_NOMVAR;
	if (rng_chance(&r, w->rate[R_SANS_ID]) && !(p->flags & B_CESUTG))
		p->flags |= B_SANSID;
	if (rng_chance(&r, w->rate[R_SOUS_TG]) && !cesu)
		p->flags |= B_SOUSTG;
	if (rng_chance(&r, w->rate[R_SAD_HORS_PLAN]) && !cesu)
		p->flags |= B_AUTRESAD;
}

static const char *const sadpre[] = { "Aide à domicile", "Services",
	"Les Jardins d'", "Âge d'Or", "Présence", "Domicile Services",
	"Famille et Maison", "Entraide", "Côté Séniors", "Le Relais" };
static const char *const sadlieu[] = { "Étoile", "Saint-Éloi", "Alésia",
	"Belleville", "Ménilmontant", "Montsouris", "Bercy", "Batignolles",
	"Plaisance", "Buttes-Chaumont", "Maubert", "Gobelins", "Ternes",
	"Auteuil", "Épinettes", "Mouffetard", "Faubourg", "Charonne" };

static void
sads_build(struct world *w, struct rng *r)
{
	int k, ncasvp, j;

	w->nsad = (int)scaled(w, 36);
	if (w->nsad < 2)
		w->nsad = 2;
	ncasvp = (int)scaled(w, 6);
	if (ncasvp < 1)
		ncasvp = 1;
	w->sad = xcalloc((size_t)w->nsad, sizeof *w->sad);
	for (k = 0; k < w->nsad; k++) {
		struct sad *s = &w->sad[k];

		snprintf(s->code, sizeof s->code, "%06d", (10000 + k * 7) % 1000000);
		if (k < ncasvp) {
			s->casvp = 1;
			snprintf(s->name, sizeof s->name,
			    "CASVP section %d%s", 1 + k % 20, k % 20 ? "e" : "er");
		} else {
			const char *a = sadpre[k % 10];

			snprintf(s->name, sizeof s->name, "%s%s%s", a,
			    a[strlen(a) - 1] == '\'' ? "" : " ",
			    sadlieu[(k / 10 * 7 + k) % 18]);
		}
	}
	/* The SADs correcting too much: ordinary ones, drawn from the seed. */
	for (j = 0; j < w->nexcessif && j < w->nsad - ncasvp; j++) {
		do
			k = ncasvp + (int)rng_below(r, (uint32_t)(w->nsad - ncasvp));
		while (w->sad[k].excessif);
		w->sad[k].excessif = 1;
	}
}

/* A SAD by weight: CASVP entities large, the others decreasing. */
static int
pick_sad(const struct world *w, struct rng *r)
{
	uint32_t tot = 0, x;
	int k;

	for (k = 0; k < w->nsad; k++)
		tot += w->sad[k].casvp ? 400 : 4000 / (uint32_t)(k % 36 + 4);
	x = rng_below(r, tot);
	for (k = 0; k < w->nsad - 1; k++) {
		uint32_t wk = w->sad[k].casvp ? 400 : 4000 / (uint32_t)(k % 36 + 4);

		if (x < wk)
			break;
		x -= wk;
	}
	return k;
}

/* Present in the cycle's month. */
int
in_month(const struct world *w, const struct person *p)
{
	return p->debut <= w->last && p->fin >= w->first;
}

/* The clients of the SADs in the month: funded ones, then private ones. */
static void
clients_build(struct world *w)
{
	size_t i;
	int k;
	struct rng r;

	for (i = 0; i < w->np; i++) {
		struct person *p = &w->p[i];

		/* Its SAD whatever the month: the plan names it. */
		if (i < w->nbenef) {
			if (p->cesu && !(p->flags & B_CESUTG))
				continue;
			rng_init(&r, w->seed, T_SAD, p->key);
			p->sad = pick_sad(w, &r);
		}
		if (in_month(w, p))
			w->sad[p->sad].nclients++;
	}
	for (k = 0; k < w->nsad; k++) {
		w->sad[k].clients = xcalloc((size_t)w->sad[k].nclients + 1,
		    sizeof (int32_t));
		/* One regular intervenant per client and slot (tg.c,
		 * visit_itv), then floaters. */
		w->sad[k].nitv = w->sad[k].nclients + w->sad[k].nclients / 4 + 2;
		w->sad[k].nclients = 0;
	}
	for (i = 0; i < w->np; i++) {
		struct person *p = &w->p[i];
		struct sad *s;

		if (p->sad < 0 || !in_month(w, p))
			continue;
		s = &w->sad[p->sad];
		p->pos = s->nclients;
		s->clients[s->nclients++] = (int32_t)i;
	}
}

static int
epis_cmp(const void *a, const void *b)
{
	const struct epis *x = a, *y = b;

	if (x->s != y->s)
		return x->s < y->s ? -1 : 1;
	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

struct episodes {
	struct epis	*v;
	size_t		 n, cap;
};

static void
epis_add(struct episodes *l, const struct epis *x)
{
	if (l->n == l->cap)
		l->v = xrealloc(l->v, (l->cap = l->cap * 2 + 256) * sizeof *l->v);
	l->v[l->n++] = *x;
}

/*
 * Every occupant of every slot up to a little after the snapshot: the
 * first ones (at the origin) in x0, one per slot, the later ones in xn,
 * sorted by start. Those later ones are numbered in that order, so that
 * an occupant keeps its number whatever the month asked for.
 */
static void
occupants(struct world *w, uint32_t nslot, uint64_t base, struct epis *x0,
    struct episodes *xn)
{
	int32_t cutoff = w->snap + 60;
	struct epis x;
	uint32_t c;
	int k;

	for (c = 0; c < nslot; c++) {
		episode(w, base + c, 0, 0, &x0[c]);
		for (k = 1, x = x0[c]; x.e < cutoff && k < 65535; k++) {
			episode(w, base + c, k, x.e, &x);
			if (x.s > cutoff)
				break;
			epis_add(xn, &x);
		}
	}
	if (xn->n > 0)	/* v is NULL while empty: qsort wants a pointer */
		qsort(xn->v, xn->n, sizeof *xn->v, epis_cmp);
}

/* In the snapshot's window: decided by then, ended 300 days before at most. */
static int
wanted(const struct world *w, const struct epis *x)
{
	return x->dec <= w->snap && x->e >= w->snap - ANTERIORITE - 31;
}

/* The category (aid, CESU) of a slot. */
static int
categorie(const struct world *w, uint32_t c)
{
	size_t k;
	uint32_t n;

	for (k = 0; k + 1 < sizeof paris / sizeof paris[0]; k++) {
		n = (uint32_t)scaled(w, paris[k].n);
		if (c < n)
			break;
		c -= n;
	}
	return (int)k;
}

/*
 * Private clients: slots drawn to SADs, their occupants numbered by slot
 * and rank, present when the month sees them.
 */
static void
prives_build(struct world *w, size_t ntg)
{
	uint32_t n = (uint32_t)((ntg * (size_t)w->rate[R_PRIVES] + RATE_ONE / 2) /
	    RATE_ONE), c;
	struct epis x;
	struct rng r;
	int k;
	size_t cap = w->np + n + 1;
	struct person *p;

	w->p = xrealloc(w->p, cap * sizeof *w->p);
	for (c = 0; c < n; c++) {
		for (k = 0, x.e = 0; k < 65535; k++) {
			episode(w, (uint64_t)1 << 40 | c, k, x.e, &x);
			if (x.s > w->last)
				break;
			if (x.e < w->first)
				continue;
			if (w->np + 1 >= cap)
				w->p = xrealloc(w->p, (cap *= 2) * sizeof *w->p);
			p = &w->p[w->np++];
			memset(p, 0, sizeof *p);
			p->key = 0x80000000u | (uint32_t)k << 20 | c;
			rng_init(&r, w->seed, T_PRIVE, p->key);
			p->aide = A_PRIVE;
			p->mode = 'P';
			p->sad = pick_sad(w, &r);
			p->arr = (uint8_t)pick_arr(&r);
			if (rng_chance(&r, 65000))
				p->flags |= B_FEMME;
			p->birth = day_of(w->year - rng_range(&r, 55, 98), 1, 1) +
			    rng_range(&r, 0, 364);
			p->hours = hours_of(&r, p);
			p->tarif = 2400;
			p->debut = x.s;
			p->fin = x.e;
			if (rng_chance(&r, 80000))
				p->phone = 40000000u + rng_below(&r, 59999999u);
			else
				p->mobile = 10000000u + rng_below(&r, 89999999u);
		}
	}
}

void
world_build(struct world *w)
{
	size_t k, n = 0, ntg = 0, cap;
	uint32_t c;
	struct episodes xn = { NULL, 0, 0 };
	struct epis *x0;
	struct rng r;

	w->first = day_of(w->year, w->month, 1);
	w->last = w->first + days_in_month(w->year, w->month) - 1;
	w->snap = w->last + 1;
	powers(w->pwfin, w->rate[R_PLANS_FINS]);
	powers(w->pwrev, w->rate[R_PLANS_REVISES]);
	for (k = 0; k < sizeof paris / sizeof paris[0]; k++) {
		n += (size_t)scaled(w, paris[k].n);
		if (!paris[k].cesu)
			ntg += (size_t)scaled(w, paris[k].n);
	}
	x0 = xcalloc(n + 1, sizeof *x0);
	occupants(w, (uint32_t)n, 0, x0, &xn);
	if (100000 + n + xn.n > 999999)
		die(EX_USAGE, "--scale, --month: plus de 900 000 bénéficiaires depuis %d, les identifiants SALSA à six chiffres ne suffisent plus",
		    ORIGINE_Y);
	cap = n + xn.n + 1;
	w->p = xcalloc(cap, sizeof *w->p);
	w->nbenef = 0;
	for (c = 0; c < n; c++)
		if (wanted(w, &x0[c])) {
			k = (size_t)categorie(w, c);
			person_of(w, w->nbenef++, paris[k].aide, paris[k].cesu,
			    100000 + c, &x0[c]);
		}
	for (k = 0; k < xn.n; k++)
		if (wanted(w, &xn.v[k])) {
			size_t cat = (size_t)categorie(w, xn.v[k].slot);

			person_of(w, w->nbenef++, paris[cat].aide, paris[cat].cesu,
			    (uint32_t)(100000 + n + k), &xn.v[k]);
		}
	free(x0);
	free(xn.v);
	w->np = w->nbenef;
	rng_init(&r, w->seed, T_SAD, ~0ULL);
	sads_build(w, &r);
	prives_build(w, ntg);
	clients_build(w);
}

void
world_free(struct world *w)
{
	int k;

	for (k = 0; k < w->nsad; k++)
		free(w->sad[k].clients);
	free(w->sad);
	free(w->p);
}

int
active_in(const struct person *p, int y, int m)
{
	int32_t a = day_of(y, m, 1), b = a + days_in_month(y, m) - 1;

	return p->debut <= b && p->fin >= a;
}

/* Hours in force in month y-m, one of M-2, M-1, M. */
int32_t
hours_in(const struct world *w, const struct person *p, int y, int m)
{
	int k = (y * 12 + m) - (w->year * 12 + w->month) + 2;

	return k >= 0 && k < 3 ? p->hm[k] : p->hours;
}

/* A client's number at its SAD: a bijection of its identity. */
void
client_id(const struct person *p, char *out)
{
	snprintf(out, 10, "C%08X", p->key * 0x9e3779b1u + 0x7f4a7c15u);
}

int32_t
cesu_titres(const struct person *p)
{
	return p->hours / 100;
}

const char *
code_prestation(const struct person *p)
{
	static const char *const c[4][3] = {
		{ "AD1", "CM1", "CE1" }, { "PH1", "PM1", "PE1" },
		{ "AM1", "AM1", "AM1" }, { "PRV", "PRV", "PRV" },
	};

	if ((p->flags & B_CESUTG) && p->aide != A_PRIVE)
		return p->aide == A_PCH ? "PH1" : "AD1";
	return c[p->aide][p->mode == 'P' ? 0 : p->mode == 'M' ? 1 : 2];
}

const char *
code_financier(const struct person *p)
{
	return p->aide == A_APA ? "APA75" : p->aide == A_PCH ?
	    (p->flags & B_ENFANT ? "PCHE75" : "PCH75") : "AM75";
}

void
phone_str(uint32_t n, int mobile, char *out)
{
	snprintf(out, 11, "0%d%08u", mobile ? 6 + (int)(n % 2) : 1,
	    n % 100000000u);
}

/* Index prestation SALSA: P and five base-36 digits, unique per plan. */
const char *
plan_index(size_t i)
{
	static const char d[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	static char s[8];
	uint32_t v = (uint32_t)i;
	int k;

	s[0] = 'P';
	for (k = 5; k >= 1; k--) {
		s[k] = d[v % 36];
		v /= 36;
	}
	s[6] = '\0';
	return s;
}
