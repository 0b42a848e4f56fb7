/* Line reader over a file descriptor, with bounded memory. */
#ifndef CESUTG_LINES_H
#define CESUTG_LINES_H

#include <stddef.h>

#ifndef LINES_MAX	/* smaller in the fuzz build, to reach its error */
#define LINES_MAX (1024 * 1024)	/* longest accepted line, in bytes */
#endif

struct lines {
	int		 fd;
	const char	*name;	/* for messages */
	char		*buf;
	size_t		 cap;
	size_t		 off;	/* start of unread data */
	size_t		 end;	/* end of valid data */
	int		 eof;
	unsigned long	 lineno;
};

/* What lines_next() found at the end of the line it returns. */
enum eol { EOL_LF, EOL_CRLF, EOL_NONE };

void	lines_init(struct lines *l, int fd, const char *name);
int	lines_next(struct lines *l, const char **line, size_t *len,
	    enum eol *eol);
void	lines_free(struct lines *l);

#endif
