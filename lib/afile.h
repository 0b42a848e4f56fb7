/*
 * Atomic file output: bytes go to a temporary name in the target's
 * directory; afile_commit() fsyncs, renames and fsyncs the directory, so a
 * crash never leaves a half-written file under the final name. A target
 * that exists and is not a regular file (a device, a FIFO) is written
 * directly: renaming over it would replace /dev/null with a file.
 * Temporaries still open when die() runs are removed.
 */
#ifndef CESUTG_AFILE_H
#define CESUTG_AFILE_H

#include <sys/types.h>

#include "out.h"

struct afile {
	char		*path;
	char		*tmp;	/* NULL: the target itself is written */
	struct out	 o;
	struct afile	*next;	/* the open ones, for die() */
};

#define AFILE_PRIVATE	0600	/* files holding personal data */

void	afile_open(struct afile *a, const char *path, mode_t mode);
void	afile_commit(struct afile *a);
void	afile_abort(struct afile *a);
void	afile_cleanup(void);

#endif
