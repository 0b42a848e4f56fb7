/*
 * The compte d'emploi CSV of `registre cesu compte-emploi` (one row per
 * aid and order month), read for the XLSX and PDF filters: header checked
 * column by column, counts and amounts as int64 (amounts in cents).
 */
#ifndef CESUTG_COMPTEEMPLOI_H
#define CESUTG_COMPTEEMPLOI_H

#include <stdint.h>

#include "csvio.h"

#define CE_NCOL		21	/* aide, mois_commande, then CE_NVAL values */
#define CE_NVAL		19
#define CE_NMOIS	600	/* order months held for the chart */

/* Value k (0..CE_NVAL-1) is column k + 2: even k a count, odd k and the
 * last (charges_facturees) an amount in cents. */
#define CE_MONTANT(k)	((k) % 2 == 1 || (k) == CE_NVAL - 1)
#define CE_EMIS		1	/* valeur_emise */
#define CE_REMBOURSE	3	/* valeur_remboursee */

extern const char *const ce_colonnes[CE_NCOL];
extern const char *const ce_libelles[CE_NCOL];	/* French, for readers */

struct ce_ligne {
	char	 aide[32];
	char	 mois[8];
	int64_t	 v[CE_NVAL];
};

struct ce_lecteur {
	struct csvin	 in;
	const char	*nom;
};

/* Opens and checks the header; dies 65 (file:line: why) when it is not. */
void	ce_ouvrir(struct ce_lecteur *l, int fd, const char *nom);
/* The next row into *out: 1, or 0 at the end; dies 65 on a bad value. */
int	ce_suivante(struct ce_lecteur *l, struct ce_ligne *out);
void	ce_fermer(struct ce_lecteur *l);

/* Per order month, across aids, for the issued vs refunded chart. */
struct ce_mois {
	int	 n;
	char	 mois[CE_NMOIS][8];
	int64_t	 emis[CE_NMOIS], rembourse[CE_NMOIS];
};

void	ce_mois_ajouter(struct ce_mois *m, const struct ce_ligne *l);
void	ce_mois_trier(struct ce_mois *m);	/* in month order */

#endif
