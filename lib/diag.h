/*
 * Record- and file-level diagnostics (DESIGN §6):
 *   prog: file:line: champ N (name): what is wrong «value»
 * Every message is counted by class; the first examples of each class feed
 * the integration report (A5/A6) written by diag_report().
 */
#ifndef CESUTG_DIAG_H
#define CESUTG_DIAG_H

#include <stddef.h>

struct field;

/* Error classes shared by every flux; a flux may use its own too. */
#define DC_NCHAMPS	"nombre_champs"
#define DC_OBLIG	"champ_obligatoire"
#define DC_LONG		"valeur_trop_longue"
#define DC_FMTDATE	"format_date"
#define DC_DATE		"date_impossible"
#define DC_NOMBRE	"nombre_invalide"
#define DC_CODE		"code_inconnu"
#define DC_CHARSET	"octet_invalide"
#define DC_CONST	"constante"
#define DC_RECLEN	"longueur_enregistrement"
#define DC_RECTYPE	"type_enregistrement"
#define DC_ORDRE	"ordre_enregistrements"
#define DC_TOTAL	"total"
#define DC_TRONQUE	"fichier_tronque"
#define DC_VIDE		"fichier_vide"
#define DC_REGLE	"regle_metier"
#define DC_CSV		"csv"
#define DC_FATAL	"erreur_fatale"	/* processing stopped: output void */

struct diag_counts {
	unsigned long	lues;
	unsigned long	acceptees;
	unsigned long	rejetees;
};

void	diag_file(const char *name);
void	diag_line(unsigned long line);
unsigned long diag_lineno(void);
void	diag_field(const char *cls, const struct field *f, const char *value,
	    size_t vlen, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
void	diag_record(const char *cls, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	diag_fatal(const char *cls, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
unsigned long diag_count(void);
void	diag_quiet(int on);
void	diag_summary(void);
void	diag_reset(void);
void	diag_note(const char *cls, const char *msg);
void	diag_report(const char *path, const struct diag_counts *c,
	    int file_rejected);

#endif
