/*
 * libFuzzer target for a whole converter: linked with one cmd/NAME/NAME.c
 * (its main renamed fuzz_cmd_main) and built once for each of FUZZ_MODE
 * "parse" and "emit". Each input is the converter's standard input; its
 * standard output is a memory file (run with -close_fd_mask=2 to silence
 * its standard error), and --rejects and --report go to /dev/null so that
 * their code runs too.
 * die() ends in exit(), wrapped (-Wl,--wrap=exit) to jump back here once
 * the converter's own clean-up has run; what a run left behind (its
 * diagnostics, the descriptors of a run cut short) is reset so that each
 * input is treated as by a fresh process, without a file per input.
 * Build and run with `make fuzz`.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "diag.h"
#include "err.h"

#ifndef FUZZ_MODE
#define FUZZ_MODE "parse"
#endif

int	fuzz_cmd_main(int argc, char **argv);
int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void	__real_exit(int code) __attribute__((noreturn));
void	__wrap_exit(int code) __attribute__((noreturn));

#define FDMAX	64

static jmp_buf back;
static int running, above;

void
__wrap_exit(int code)
{
	if (running)
		longjmp(back, 1);
	__real_exit(code);
}

static void
onto(int fd, int target)
{
	if (fd == -1 || dup2(fd, target) == -1)
		abort();
	close(fd);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	onto(memfd_create("entree", 0), 0);
	onto(memfd_create("sortie", 0), 1);
	/* Messages go to /dev/null (-close_fd_mask=2): not one write each. */
	setvbuf(stderr, NULL, _IOFBF, 1 << 16);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char name[] = "fuzz", mode[] = FUZZ_MODE, rej[] = "--rejects",
	    rep[] = "--report", null[] = "/dev/null";
	char *argv[] = { name, mode, rej, null, rep, null, NULL };
	int fd;

	/* The descriptors of libFuzzer, once: a run's own come above. */
	if (above == 0)
		for (fd = above = 3; fd < FDMAX; fd++)
			if (fcntl(fd, F_GETFD) != -1)
				above = fd + 1;
	if (ftruncate(0, 0) != 0 || pwrite(0, data, size, 0) != (ssize_t)size ||
	    lseek(0, 0, SEEK_SET) != 0 || ftruncate(1, 0) != 0 ||
	    lseek(1, 0, SEEK_SET) != 0)
		abort();
	optind = 0;	/* getopt starts afresh */
	diag_reset();
	running = 1;
	if (setjmp(back) == 0)
		fuzz_cmd_main(6, argv);
	running = 0;
	err_rearm();
	close_range((unsigned)above, ~0U, 0);	/* what a run cut short left */
	return 0;
}
