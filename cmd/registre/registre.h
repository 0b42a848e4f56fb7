/* registre: the PostgreSQL ledger. Shared declarations of its modules. */
#ifndef REGISTRE_H
#define REGISTRE_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Who a command connects as when the embedded cluster is used. */
enum db_who {
	DB_ADMIN,	/* the cluster's superuser: migrate, role, import */
	DB_LOADER	/* cesutg_loader: neither owner nor superuser */
};

extern const char *opt_db;
extern PGconn *db_cur;

const char *reg_home(void);
PGconn	*db_connect(enum db_who who, int check_version);
void	 db_exec(PGconn *c, const char *sql);
PGresult *db_essai(PGconn *c, const char *sql);
PGresult *db_query(PGconn *c, const char *sql, int nparams,
	    const char *const *params);
_Noreturn void db_fail(PGconn *c, PGresult *r, const char *what);
int	 db_sysexit(const char *sqlstate, const char **what);
const char *msg_net(const char *s);
void	 db_finish(PGconn *c);
void	 db_query_deux(PGconn *const c[2], const char *sql, int nparams,
	    const char *const *const p[2], PGresult *res[2], const char *tolere);
void	 db_envoyer(PGconn *c, const char *sql, int nparams,
	    const char *const *p);
PGresult *db_resultat(PGconn *c, const char *tolere);
char	*db_ident(PGconn *c, const char *s);
void	 db_copy_out(PGconn *c, const char *sql,
	    void (*sink)(void *, const char *, size_t), void *arg);
/* A db_copy_out sink writing to the struct afile given as arg. */
void	 to_afile(void *arg, const char *p, size_t n);
void	 db_copy_in(PGconn *c, const char *sql);
void	 db_copy_put(PGconn *c, const char *p, size_t n);
void	 db_copy_done(PGconn *c, const char *what);
void	 db_copy_file(PGconn *c, const char *sql, FILE *f, const char *what);

/* Migrations shipped in the binary. */
int	 mig_count(void);
const char *mig_sql(int version);
int	 regle_count(void);
const char *regle_nom(int i);
const char *regle_sql(int i);
void	 mig_check(PGconn *c);
int	 cmd_migrate(int argc, char **argv);

int	 cmd_db(int argc, char **argv);
int	 cmd_load(int argc, char **argv);
int	 cmd_reprendre(int argc, char **argv);
_Noreturn void reg_usage(const char *cmd, int code);
_Noreturn void reg_badopt(const char *cmd, const char *arg);
int	 cmd_ingestions(int argc, char **argv);
int	 cmd_param(int argc, char **argv);
int	 cmd_role(int argc, char **argv);
int	 cmd_sad(int argc, char **argv);
int	 cmd_rapprochement(int argc, char **argv);
void	 print_csv(PGconn *c, const char *sql);
int	 cmd_audit(int argc, char **argv);
int	 cmd_controler(int argc, char **argv);
int	 cmd_controles(int argc, char **argv);
int	 cmd_taux_correction(int argc, char **argv);
int	 cmd_derogation(int argc, char **argv);
int	 cmd_minutes(int argc, char **argv);
int	 cmd_prefacture(int argc, char **argv);
int	 mois_ok(const char *s);
int	 date_ok(const char *s, size_t n, int64_t *days);
void	 mois_check(const char *cmd, const char *s);
void	 print_month(PGconn *c, const char *fmt, const char *mois);
char	*mois_courant(PGconn *c, int which);
void	 require_agent_tg(PGconn *c, const char *what);
int	 cmd_export(int argc, char **argv);
int	 cmd_import(int argc, char **argv);
int	 cmd_cesu(int argc, char **argv);
int	 cesu_suivi(int argc, char **argv);
int	 cmd_extrait(int argc, char **argv);
int	 cmd_tableau(int argc, char **argv);
int	 cmd_alertes(int argc, char **argv);
int	 cmd_factures(int argc, char **argv);

struct afile;

void	 sha256_hex(const unsigned char *md, char hex[65]);

#endif
