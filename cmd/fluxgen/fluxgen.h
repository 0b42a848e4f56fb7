/*
 * fluxgen: one coherent, entirely fictitious département (see fluxgen(1)).
 * The world (beneficiaries, plans, SADs, clients, intervenants) is the
 * state, at the cycle's month, of a process that starts at a fixed origin
 * and depends on the seed and the scale only: consecutive months chain.
 * Every kind is then derived from it with random streams of its own, keyed
 * by each person's identity, so that a kind generated alone gives the same
 * bytes as the same kind generated with every other.
 */
#ifndef FLUXGEN_H
#define FLUXGEN_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "out.h"

/* Random streams: splitmix64, one per (seed, purpose, entity). */
struct rng {
	uint64_t	s;
};

void		rng_init(struct rng *r, uint64_t seed, uint64_t tag, uint64_t id);
uint64_t	rng_next(struct rng *r);
uint32_t	rng_below(struct rng *r, uint32_t n);
int		rng_range(struct rng *r, int lo, int hi);	/* lo..hi */
int		rng_chance(struct rng *r, int32_t rate);	/* rate in RATE_ONE */

#define RATE_ONE	100000		/* 100 %: rates are in thousandths of % */

/* Stream purposes. */
enum {
	T_WORLD = 1, T_NAME, T_PLAN, T_SAD, T_CLIENT, T_PRIVE, T_ITV,
	T_VISIT, T_EVT, T_CMD, T_TITRE, T_CHARGE, T_LOG, T_FAULT,
	T_EPIS, T_REVIS, T_RENOUV, T_HOSP,
	T_CESU, T_MODE, T_REMPL
};

/* Calendar, integer only: days since 1970-01-01, seconds since the epoch. */
int32_t	day_of(int y, int m, int d);
void	civil(int32_t day, int *y, int *m, int *d);
int	paris_offset(int64_t t);	/* seconds east of UTC at instant t */
int64_t	paris_local(int32_t day, int minute);	/* local wall time -> epoch */

/* Fault and distribution rates, adjustable with --taux NAME=PERCENT. */
enum {
	R_HOR, R_MDT, R_MHO, R_COA, R_COD, R_CO2, R_CRE, R_SUP,
	R_SAD_EXCESSIF, R_DOUBLON, R_CHEVAUCHEMENT, R_VISITE_HOSP,
	R_HORS_DROITS, R_NOM_DIFFERENT, R_TEL_ETRANGER, R_TARDIF,
	R_SOUS_CONSO, R_CESU_ET_TG, R_HOSP, R_PLANS_FINS, R_PLANS_REVISES,
	R_SANS_ID, R_PRIVES, R_TUTEUR, R_FACTURE_KO, R_REGUL,
	R_SOUS_TG, R_SAD_HORS_PLAN,
	R_DOUBLE_ENC, R_BLOQUE, R_CHARGES_PLAFOND, R_MODE_INCOHERENT,
	R_N
};

struct rate {
	const char	*name;
	int32_t		 def;		/* default, RATE_ONE = 100 % */
	const char	*what;		/* French, for --help */
};

extern const struct rate rates[R_N];

enum aide { A_APA, A_PCH, A_AM, A_PRIVE };

#define B_TUTEUR	0x0001
#define B_HOSP		0x0002	/* hospitalised during the month */
#define B_VISHOSP	0x0004	/* fault: visits go on during the stay */
#define B_HORSDROIT	0x0008	/* fault: visits outside coverage */
#define B_CESUTG	0x0010	/* fault: CESU beneficiary also a TG client */
#define B_SOUS		0x0020	/* fault: under-used CESU */
#define B_NOMVAR	0x0040	/* fault: the SAD spells the name otherwise */
#define B_SANSID	0x0080	/* the SAD does not know the SALSA id */
#define B_FEMME		0x0100
#define B_NAISS		0x0200	/* has a birth name of her own */
#define B_ENFANT	0x0400	/* PCH enfant */
#define B_DEMAT		0x0800	/* dematerialised CESU */
#define B_SOUSTG	0x4000	/* fault: TG hours under-used */
#define B_AUTRESAD	0x8000	/* fault: the plan names another SAD */

/* A beneficiary of the département, or a client it does not fund. */
struct person {
	uint32_t	key;		/* identity: the SALSA id, or a private's */
	uint32_t	sid;		/* SALSA id; 0 for a private client */
	uint8_t		aide;		/* enum aide */
	uint8_t		cesu;		/* 1 CESU, 0 télégestion */
	char		mode;		/* 'P', 'M' or 'E' */
	uint8_t		gir;		/* 0 when none */
	uint8_t		arr;		/* arrondissement 1-20 */
	uint16_t	flags;
	int32_t		sad;		/* SAD index, -1 if none */
	int32_t		pos;		/* rank among its SAD's clients */
	int32_t		hours;		/* centi-hours per month */
	int32_t		tarif;		/* cents per hour */
	int32_t		pct;		/* participation, hundredths of % */
	int32_t		debut, fin;	/* real coverage (days) */
	int32_t		droit_debut, droit_fin;	/* as the snapshot says */
	int32_t		fin_ligne;	/* end of coverage the snapshot says */
	int32_t		decision;	/* last decision known at the snapshot */
	int32_t		hplan;		/* hours the snapshot says */
	int32_t		hm[3];		/* hours in force in M-2, M-1, M */
	uint8_t		renouv;		/* renewed at least once */
	int32_t		hosp_debut, hosp_fin;	/* when B_HOSP */
	int32_t		evt_debut, evt_fin;	/* latest stay, 0 if none */
	int32_t		evt_mois;	/* its month index */
	int32_t		birth;
	uint32_t	phone;		/* 01 + 8 digits, 0 if none */
	uint32_t	mobile;		/* 06 + 8 digits, 0 if none */
};

struct sad {
	char		 code[12];	/* code tiers SALSA, 6 digits */
	char		 name[48];
	int		 casvp;
	int		 excessif;	/* corrects above the threshold */
	int		 nclients;
	int		 nitv;
	int32_t		*clients;	/* person indexes, in rank order */
};

struct world {
	uint64_t	 seed;
	int64_t		 scale;		/* ten-thousandths */
	int		 year, month;	/* the cycle's month */
	int32_t		 first, last;	/* its first and last days */
	int32_t		 snap;		/* the Flux 1 snapshot: first day of M+1 */
	uint32_t	 pwfin[22], pwrev[22];	/* survival powers, see geom */
	int32_t		 rate[R_N];
	int		 nexcessif;
	struct person	*p;
	size_t		 np, nbenef;	/* beneficiaries first, then private */
	struct sad	*sad;
	int		 nsad;
};

void	world_build(struct world *w);
void	world_free(struct world *w);

/* Names and addresses, derived from the person's index. */
struct ident {
	char	civ[4];			/* "M" or "MME" */
	char	nom[64];
	char	naissance[64];		/* birth name, empty when the same */
	char	prenom[96];
	char	rue[64];
	char	tut_civ[4];
	char	tut_nom[64];
	char	tut_prenom[48];
	char	tut_org[64];
};

void	ident_of(const struct world *w, size_t i, struct ident *id);
void	ident_variant(const struct world *w, size_t i, const struct ident *in,
	    struct ident *out);
void	intervenant_name(const struct world *w, int sad, int k, char *nom,
	    size_t nn, char *prenom, size_t pn);
void	ascii_upper(const char *s, char *out, size_t n);

/* One table per kind: its canonical CSV columns, in the converter's order. */
struct kind {
	const char		*name;
	const char		*conv;		/* converter on PATH */
	const char *const	*cols;
	size_t			 ncols;
	void	(*gen)(const struct world *, struct out *);
	void	(*dir)(const struct world *, const char *);
};

extern const struct kind kinds[];
extern const size_t nkinds;

/* A CSV row being built: values set by column, written in column order. */
struct tab {
	const struct kind *k;
	struct out	*o;
	struct buf	 b;
	long		 off[96];
	size_t		 len[96];
};

void	tab_open(struct tab *t, const struct kind *k, struct out *o);
void	tab_close(struct tab *t);
void	tab_str(struct tab *t, int col, const char *s);
void	tab_fmt(struct tab *t, int col, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	tab_int(struct tab *t, int col, int64_t v);
void	tab_dec(struct tab *t, int col, int64_t v);	/* two decimals */
void	tab_phone(struct tab *t, int col, uint32_t n, int mobile);
void	tab_date(struct tab *t, int col, int32_t day);
void	tab_month(struct tab *t, int col, int y, int m);
void	tab_instant(struct tab *t, int col, int64_t epoch);
void	tab_row(struct tab *t);

/* --dir: a CSV piped through "CONV emit ARGS", written atomically as PATH. */
struct emit {
	struct out	 o;		/* first: fd -1 until the first row */
	int		 pid;
	int		 fd;
	char		*tmp;
	char		*path;
	const char	*conv;
	const char	*arg;
};

void	emit_open(struct emit *e, const char *dir, const char *name,
	    const char *conv, const char *arg);
void	emit_begin(struct emit *e);
void	emit_close(struct emit *e);
void	emit_check(const char *conv);

/* The kinds. */
void	gen_plans(const struct world *, struct out *);
void	gen_commandes(const struct world *, struct out *);
void	gen_clients(const struct world *, struct out *);
void	gen_intervenants(const struct world *, struct out *);
void	gen_horodatages(const struct world *, struct out *);
void	gen_evenements(const struct world *, struct out *);
void	gen_remboursements(const struct world *, struct out *);
void	gen_charges(const struct world *, struct out *);
void	gen_log(const struct world *, struct out *);
void	dir_plans(const struct world *, const char *);
void	dir_commandes(const struct world *, const char *);
void	dir_clients(const struct world *, const char *);
void	dir_intervenants(const struct world *, const char *);
void	dir_horodatages(const struct world *, const char *);
void	dir_evenements(const struct world *, const char *);
void	dir_remboursements(const struct world *, const char *);
void	dir_charges(const struct world *, const char *);
void	dir_log(const struct world *, const char *);
void	dir_verite(const struct world *, const char *);
void	dir_verite_cesu(const struct world *, const char *);

const struct kind *kind_named(const char *name);

/* Shared facts of the cycle. */
const char	*code_prestation(const struct person *p);
const char	*code_financier(const struct person *p);
const char	*plan_index(size_t i);
const char	*plan_sad(const struct world *w, const struct person *p);
void		 phone_str(uint32_t n, int mobile, char *out);
int32_t		 cesu_titres(const struct person *p);	/* whole hours */
int		 active_in(const struct person *p, int y, int m);
int32_t		 hours_in(const struct world *w, const struct person *p, int y,
		    int m);
void		 client_id(const struct person *p, char *out);	/* 10 bytes */
int		 in_month(const struct world *w, const struct person *p);

#define ORIGINE_Y	2015	/* the département's process starts here */
#define ANTERIORITE	300	/* days a plan stays in Flux 1 after its end */
void		 month_add(int *y, int *m, int k);

#endif
