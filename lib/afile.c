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

static struct afile *opened;

static void
forget(struct afile *a)
{
	struct afile **p;

	for (p = &opened; *p; p = &(*p)->next)
		if (*p == a) {
			*p = a->next;
			break;
		}
}

/* die() removes the temporaries of the files not committed. */
void
afile_cleanup(void)
{
	struct afile *a;

	for (a = opened; a; a = a->next) {
		close(a->o.fd);
		if (a->tmp)
			unlink(a->tmp);
	}
	opened = NULL;
}

/* An existing target that is not a regular file, opened for writing. */
static int
special(const char *path)
{
	struct stat st;
	int fd;

	if (stat(path, &st) == -1 || S_ISREG(st.st_mode))
		return -1;
	if (S_ISDIR(st.st_mode))
		die(EX_CANTCREAT, "%s est un répertoire", path);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		die(EX_CANTCREAT, "ouverture de %s impossible: %s", path,
		    strerror(errno));
	return fd;
}

void
afile_open(struct afile *a, const char *path, mode_t mode)
{
	struct buf t = {0};
	int fd;

	err_onfatal(afile_cleanup);
	a->path = xstrdup(path);
	a->tmp = NULL;
	if ((fd = special(path)) == -1) {
		buf_addf(&t, "%s.tmpXXXXXX", path);
		if ((fd = mkstemp(t.p)) == -1)
			die(EX_CANTCREAT, "création de %s impossible: %s", path,
			    strerror(errno));
		a->tmp = t.p;
	}
	a->next = opened;
	opened = a;
	if (a->tmp && fchmod(fd, mode) == -1)
		die(EX_CANTCREAT, "droits de %s: %s", t.p, strerror(errno));
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
	if ((a->tmp && fsync(a->o.fd) == -1) || close(a->o.fd) == -1)
		die(EX_IOERR, "écriture de %s impossible: %s", a->path,
		    strerror(errno));
	if (a->tmp && rename(a->tmp, a->path) == -1)
		die(EX_CANTCREAT, "renommage vers %s impossible: %s", a->path,
		    strerror(errno));
	forget(a);
	if (a->tmp)
		syncdir(a->path);
	out_free(&a->o);
	free(a->tmp);
	free(a->path);
}

void
afile_abort(struct afile *a)
{
	forget(a);
	close(a->o.fd);
	if (a->tmp)
		unlink(a->tmp);
	out_free(&a->o);
	free(a->tmp);
	free(a->path);
}
