/*
 * Amounts of money for documents: in figures with French typography, and
 * in words (traditional spelling: "quatre-vingts", "deux cents", "vingt et
 * un"; the 1990 reform's hyphens everywhere are not used). No cairo here.
 */
#ifndef CESUTG_LETTRES_H
#define CESUTG_LETTRES_H

#include <stddef.h>

/* "1 234,56 €" (narrow no-break space thousands separator) into buf; returns buf. */
char	*montant_affiche(long long cents, char *buf, size_t n);
/* "mille deux cent trente-quatre euros et cinquante-six centimes" (1990 spelling reform
 * not used: traditional French, "quatre-vingts", "cent" rules); returns buf. */
char	*montant_en_lettres(long long cents, char *buf, size_t n);

/* A whole number in words ("deux cent mille"), as montant_en_lettres spells it. */
char	*nombre_en_lettres(unsigned long long v, char *buf, size_t n);

#endif
