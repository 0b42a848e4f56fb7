#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "afile.h"
#include "buf.h"
#include "err.h"

void
afile_open(struct afile *a, const char *path, mode_t mode)
{
	struct buf t = {0};
	int fd;

	buf_addf(&t, "%s.tmpXXXXXX", path);
	if ((fd = mkstemp(t.p)) == -1)
		die(EX_CANTCREAT, "création de %s impossible: %s", path,
		    strerror(errno));
	if (fchmod(fd, mode) == -1)
		die(EX_CANTCREAT, "droits de %s: %s", t.p, strerror(errno));
	a->path = xstrdup(path);
	a->tmp = t.p;
	out_init(&a->o, fd, a->path);
}

static void
syncdir(const char *path)
{
	char *d = xstrdup(path), *slash = strrchr(d, '/');
	int fd;

	if (slash == d)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		strcpy(d, ".");
	if ((fd = open(d, O_RDONLY | O_DIRECTORY)) != -1) {
		fsync(fd);
		close(fd);
	}
	free(d);
}

void
afile_commit(struct afile *a)
{
	out_flush(&a->o);
	if (fsync(a->o.fd) == -1 || close(a->o.fd) == -1) {
		unlink(a->tmp);
		die(EX_IOERR, "écriture de %s impossible: %s", a->path,
		    strerror(errno));
	}
	if (rename(a->tmp, a->path) == -1) {
		unlink(a->tmp);
		die(EX_CANTCREAT, "renommage vers %s impossible: %s", a->path,
		    strerror(errno));
	}
	syncdir(a->path);
	out_free(&a->o);
	free(a->tmp);
	free(a->path);
}

void
afile_abort(struct afile *a)
{
	close(a->o.fd);
	unlink(a->tmp);
	out_free(&a->o);
	free(a->tmp);
	free(a->path);
}
