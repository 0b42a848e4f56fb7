/*
 * fluxgen: a coherent, entirely fictitious département for tests, the
 * demo, the benchmarks and the dry-run exchange cycle (CCTP annex 1 §2 d,
 * annex 4 U2). See fluxgen(1).
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cols.h"
#include "err.h"
#include "field.h"
#include "fluxgen.h"

#define STR(n)	#n,
static const char *const plans_cols[] = { PLANS_COLS(STR) };
static const char *const commandes_cols[] = { COMMANDES_COLS(STR) };
static const char *const clients_cols[] = { CLIENTS_COLS(STR) };
static const char *const intervenants_cols[] = { INTERVENANTS_COLS(STR) };
static const char *const horodatages_cols[] = { HORODATAGES_COLS(STR) };
static const char *const evenements_cols[] = { EVENEMENTS_COLS(STR) };
static const char *const remboursements_cols[] = { REMBOURSEMENTS_COLS(STR) };
static const char *const charges_cols[] = { CHARGES_COLS(STR) };
static const char *const log_cols[] = { LOG_COLS(STR) };

#define K(name, conv, c, g, d) \
	{ name, conv, c, sizeof c / sizeof c[0], g, d }
const struct kind kinds[] = {
	K("plans", "flux1", plans_cols, gen_plans, dir_plans),
	K("commandes", "flux4", commandes_cols, gen_commandes, dir_commandes),
	K("clients", "flux15", clients_cols, gen_clients, dir_clients),
	K("intervenants", "flux15", intervenants_cols, gen_intervenants,
	    dir_intervenants),
	K("horodatages", "flux15", horodatages_cols, gen_horodatages,
	    dir_horodatages),
	K("evenements", "flux15", evenements_cols, gen_evenements,
	    dir_evenements),
	K("remboursements", "crcesu", remboursements_cols, gen_remboursements,
	    dir_remboursements),
	K("charges", "flux6", charges_cols, gen_charges, dir_charges),
	K("log-factures", "sadlog", log_cols, gen_log, dir_log),
};
const size_t nkinds = sizeof kinds / sizeof kinds[0];

const struct kind *
kind_named(const char *name)
{
	size_t i;

	for (i = 0; i < nkinds; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

static void
usage(FILE *fp, int full)
{
	size_t i;

	fprintf(fp,
	    "usage: fluxgen [--seed N] [--scale X] [--month AAAA-MM] [--taux NOM=POURCENTAGE]...\n"
	    "               [--sad-excessifs N] NATURE\n"
	    "       fluxgen [options] [--verite] --dir RÉPERTOIRE [NATURE...]\n"
	    "       fluxgen [options] [--verite] --months AAAA-MM..AAAA-MM --dir RÉPERTOIRE\n"
	    "               [NATURE...]\n");
	if (!full) {
		fprintf(fp, "«fluxgen --help» pour les natures et les taux.\n");
		return;
	}
	fprintf(fp, "\nGénère un département fictif cohérent : le CSV canonique d'une nature sur\n"
	    "la sortie standard, ou avec --dir les fichiers d'un cycle, passés par\n"
	    "«CONVERTISSEUR emit» (trouvé dans le PATH).\n\n"
	    "  --seed N            graine (défaut 1)\n"
	    "  --scale X           taille, 1 = Paris en 2015 (défaut 1, au plus 40)\n"
	    "  --month AAAA-MM     mois du cycle (défaut 2016-05)\n"
	    "  --months A..B       les cycles des mois A à B, un sous-répertoire chacun,\n"
	    "                      et les commandes de A-2 et A-1 dans «reprise»\n"
	    "  --verite            écrit aussi la vérité du cycle (VERITE_*.csv)\n"
	    "  --taux NOM=P        taux NOM en %% (voir plus bas), répétable\n"
	    "  --sad-excessifs N   SAD au-dessus du seuil de correction (défaut 1)\n"
	    "  --dir RÉPERTOIRE    écrit les fichiers d'un cycle\n"
	    "  -h, --help          cette aide\n"
	    "  --version           version\n\n"
	    "Natures :");
	for (i = 0; i < nkinds; i++)
		fprintf(fp, " %s", kinds[i].name);
	fprintf(fp, "\n\nTaux (en %%, défaut entre parenthèses) :\n");
	for (i = 0; i < R_N; i++)
		fprintf(fp, "  %-24s %s (%d.%03d)\n", rates[i].name,
		    rates[i].what, rates[i].def / 1000, rates[i].def % 1000);
	fprintf(fp, "\nSorties : 0 succès, 64 usage, 69 convertisseur introuvable,\n"
	    "70 CSV refusé par un convertisseur, 73 sortie impossible à créer,\n"
	    "74 erreur d'entrée-sortie. Voir fluxgen(1).\n");
}

static int64_t
decimal_opt(const char *opt, const char *s, int scale, int64_t max)
{
	int64_t v;

	if (dec_parse(s, strlen(s), scale, &v) != 0 || v < 0 || v > max)
		die(EX_USAGE, "%s %s: attendu un nombre positif d'au plus %d décimales, dans les limites de fluxgen(1)",
		    opt, s, scale);
	return v;
}

static void
rate_opt(struct world *w, const char *arg)
{
	const char *eq = strchr(arg, '=');
	int64_t v;
	size_t i;

	for (i = 0; eq && i < R_N; i++)
		if (strlen(rates[i].name) == (size_t)(eq - arg) &&
		    strncmp(rates[i].name, arg, (size_t)(eq - arg)) == 0) {
			if (dec_parse(eq + 1, strlen(eq + 1), 3, &v) != 0 ||
			    v < 0 || v > RATE_ONE)
				die(EX_USAGE, "--taux %s: attendu un pourcentage de 0 à 100, 3 décimales au plus",
				    arg);
			w->rate[i] = (int32_t)v;
			return;
		}
	die(EX_USAGE, "--taux %s: attendu NOM=POURCENTAGE, NOM parmi ceux de «fluxgen --help»",
	    arg);
}

static void
month_opt(struct world *w, const char *s, const char *opt)
{
	if (strlen(s) != 7 || sscanf(s, "%4d-%2d", &w->year, &w->month) != 2 ||
	    w->month < 1 || w->month > 12 || w->year < ORIGINE_Y || w->year > 2099)
		die(EX_USAGE, "%s %s: attendu AAAA-MM, de %d-01 à 2099-12", opt,
		    s, ORIGINE_Y);
}

/* --months A..B: the first and the number of months. */
static int
months_opt(struct world *w, const char *s)
{
	const char *dots = strstr(s, "..");
	struct world b;
	char a[8];
	int n;

	if (dots == NULL || dots - s != 7)
		die(EX_USAGE, "--months %s: attendu AAAA-MM..AAAA-MM", s);
	memcpy(a, s, 7);
	a[7] = '\0';
	month_opt(w, a, "--months");
	month_opt(&b, dots + 2, "--months");
	n = (b.year * 12 + b.month) - (w->year * 12 + w->month) + 1;
	if (n < 1 || n > 120)
		die(EX_USAGE, "--months %s: attendu de 1 à 120 mois, le premier d'abord", s);
	return n;
}

static void
make_dir(const char *dir)
{
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		die(EX_CANTCREAT, "%s: %s", dir, strerror(errno));
}

/* Every converter needed, before anything is written; 1 if commandes is. */
static int
check_kinds(char **names, int n)
{
	const struct kind *k;
	int i, cmd = n == 0;

	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < n; i++)
		if ((k = kind_named(names[i])) == NULL)
			die(EX_USAGE, "%s: nature inconnue (voir fluxgen --help)",
			    names[i]);
		else {
			emit_check(k->conv);
			cmd |= strcmp(k->name, "commandes") == 0;
		}
	for (i = 0; n == 0 && i < (int)nkinds; i++)
		emit_check(kinds[i].conv);
	return cmd;
}

static void
run_dir(const struct world *w, const char *dir, char **names, int n,
    int verite)
{
	int i;

	make_dir(dir);
	for (i = 0; n == 0 && i < (int)nkinds; i++)
		kinds[i].dir(w, dir);
	for (i = 0; i < n; i++)
		kind_named(names[i])->dir(w, dir);
	if (verite) {
		dir_verite(w, dir);
		dir_verite_cesu(w, dir);
	}
}

/*
 * Consecutive cycles, each as --month would write it, in DIR/AAAA-MM;
 * the orders of the two months before the first in DIR/reprise, so that
 * the first month's refunds find their titles.
 */
static void
run_months(const struct world *base, int nmonths, const char *dir,
    char **names, int n, int verite)
{
	struct world w;
	char *sub = xmalloc(strlen(dir) + 16);
	int k, cmd = check_kinds(names, n);

	make_dir(dir);
	for (k = -2; k < nmonths; k++) {
		w = *base;
		month_add(&w.year, &w.month, k);
		world_build(&w);
		if (k < 0 && cmd) {
			sprintf(sub, "%s/reprise", dir);
			make_dir(sub);
			dir_commandes(&w, sub);
		} else if (k >= 0) {
			sprintf(sub, "%s/%04d-%02d", dir, w.year, w.month);
			run_dir(&w, sub, names, n, verite);
		}
		world_free(&w);
	}
	free(sub);
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "scale", required_argument, NULL, 'x' },
		{ "month", required_argument, NULL, 'm' },
		{ "months", required_argument, NULL, 'M' },
		{ "verite", no_argument, NULL, 'v' },
		{ "dir", required_argument, NULL, 'd' },
		{ "taux", required_argument, NULL, 't' },
		{ "sad-excessifs", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct world w = { .seed = 1, .scale = 10000, .year = 2016, .month = 5,
		.nexcessif = 1 };
	const struct kind *k;
	const char *dir = NULL;
	struct out o;
	char *end;
	int ch, nmonths = 0, verite = 0, month = 0;
	size_t i;

	err_setprog(argv[0]);
	opterr = 0;	/* our own message, in French */
	for (i = 0; i < R_N; i++)
		w.rate[i] = rates[i].def;
	while ((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (ch) {
		case 's':
			errno = 0;
			w.seed = strtoull(optarg, &end, 10);
			if (errno || *end || !*optarg || *optarg == '-')
				die(EX_USAGE, "--seed %s: attendu un entier positif", optarg);
			break;
		case 'x':
			w.scale = decimal_opt("--scale", optarg, 4, 400000);
			if (w.scale == 0)
				die(EX_USAGE, "--scale 0: un département a au moins un bénéficiaire, attendu au moins 0.0001");
			break;
		case 'm':
			month_opt(&w, optarg, "--month");
			month = 1;
			break;
		case 'M':
			nmonths = months_opt(&w, optarg);
			break;
		case 'v':
			verite = 1;
			break;
		case 'd':
			dir = optarg;
			break;
		case 't':
			rate_opt(&w, optarg);
			break;
		case 'e':
			w.nexcessif = (int)decimal_opt("--sad-excessifs", optarg, 0, 1000);
			break;
		case 'h':
			usage(stdout, 1);
			return 0;
		case 'V':
			printf("fluxgen (cesutg) %s\n", CESUTG_VERSION);
			return 0;
		default:
			warnx_("option inconnue, ou sans sa valeur: «%s»",
			    argv[optind - 1]);
			usage(stderr, 0);
			return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (month && nmonths)
		die(EX_USAGE, "--month et --months: l'un ou l'autre");
	if (dir == NULL && (argc != 1 || nmonths || verite)) {
		if (nmonths || verite)
			warnx_("--months et --verite vont avec --dir");
		usage(stderr, 0);
		return EX_USAGE;
	}
	if (dir == NULL && (k = kind_named(argv[0])) == NULL)
		die(EX_USAGE, "%s: nature inconnue (voir fluxgen --help)", argv[0]);
	if (nmonths)
		run_months(&w, nmonths, dir, argv, argc, verite);
	else {
		if (dir != NULL)
			check_kinds(argv, argc);
		world_build(&w);
		if (dir != NULL)
			run_dir(&w, dir, argv, argc, verite);
		else {
			out_init(&o, 1, "la sortie standard");
			k->gen(&w, &o);
			out_flush(&o);
			out_free(&o);
		}
		world_free(&w);
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		die(EX_IOERR, "la sortie standard: %s", strerror(errno));
	return 0;
}
