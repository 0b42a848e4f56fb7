/*
 * One invoice read from its extract, the canonical CSV of `registre
 * factures extrait NUMERO`: one row per invoice line, the invoice's own
 * columns repeated on every row. Read whole (an invoice is a few hundred
 * lines) and checked: one invoice only, every column there, dates,
 * months and decimals well formed. Any fault is fatal (exit 65): a
 * document is never made from half an invoice.
 */
#ifndef CESUTG_EXTRAIT_H
#define CESUTG_EXTRAIT_H

#include <stddef.h>
#include <stdint.h>

/* The columns, in the extract's order. */
enum {
	EX_NUMERO, EX_NATURE, EX_ORIGINE, EX_ETAT, EX_MOIS, EX_EMISSION,
	EX_DEBUT, EX_FIN, EX_FINANCEUR, EX_CODE_SAD, EX_NOM_SAD, EX_ADRESSE_SAD,
	EX_COURRIELS, EX_NOM_DEP, EX_ADRESSE_DEP,
	EX_NFACTURE,	/* the columns above are the invoice's */
	EX_ID = EX_NFACTURE, EX_NOM, EX_PRENOM, EX_PRESTATION, EX_LIBELLE,
	EX_MOIS_PRESTATION, EX_QUANTITE, EX_UNITAIRE, EX_MONTANT, EX_ETAT_LIGNE,
	EX_MOTIF,
	EX_NCOLS
};

extern const char *const extrait_colonnes[EX_NCOLS];

struct extrait_ligne {
	char		*v[EX_NCOLS - EX_NFACTURE];	/* index EX_x - EX_NFACTURE */
	int64_t		 quantite;	/* centi-hours */
	int64_t		 unitaire;	/* cents */
	int64_t		 montant;	/* cents */
	int		 rejetee;
};

struct extrait {
	char		*v[EX_NFACTURE];	/* the invoice's columns */
	struct extrait_ligne *lignes;
	size_t		 n;
	int64_t		 total;		/* all lines, rejected ones included */
	int64_t		 rejete;	/* the rejected lines */
	size_t		 nrejetees;
};

/* Reads the extract from fd (name for messages); dies 65 on bad data. */
void	extrait_lire(struct extrait *e, int fd, const char *name);
void	extrait_liberer(struct extrait *e);
/* A line's column c (EX_ID .. EX_MOTIF). */
static inline const char *
extrait_val(const struct extrait_ligne *l, int c)
{
	return l->v[c - EX_NFACTURE];
}

/* Whether iso is a valid date YYYY-MM-DD. */
int	extrait_date_valide(const char *iso);
/* "2016-03-31" as "31/03/2016"; "2016-03" as "mars 2016" (long) or
 * "03/2016". Returns buf; a value not of that shape is copied. */
char	*extrait_date(const char *iso, char *buf, size_t n);
char	*extrait_mois(const char *iso, int long_, char *buf, size_t n);
/* Centi-units as "10,25" (French decimal comma). */
char	*extrait_decimal(int64_t v, char *buf, size_t n);

#endif
