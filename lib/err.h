/* Program name, fatal errors, allocation that cannot fail silently. */
#ifndef CESUTG_ERR_H
#define CESUTG_ERR_H

#include <stddef.h>
#include <sysexits.h>

extern const char *prog_name;

void	 err_setprog(const char *argv0);
void	 err_onfatal(void (*fn)(void));
void	 err_rearm(void);
const char *err_last(void);
void	 warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void die(int code, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	*xmalloc(size_t n);
void	*xcalloc(size_t n, size_t size);
void	*xrealloc(void *p, size_t n);
char	*xstrdup(const char *s);
int	 err_stdout(void);

#endif
