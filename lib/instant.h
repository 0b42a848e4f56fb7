/*
 * Instants as ISO 8601 with a UTC offset (DESIGN §4), turned into seconds
 * since the epoch so that elapsed times are right across DST changes.
 */
#ifndef CESUTG_INSTANT_H
#define CESUTG_INSTANT_H

#include <stddef.h>
#include <stdint.h>

int	instant_parse(const char *s, size_t n, int64_t *t);
int	instant_elapsed(const char *a, size_t an, const char *b, size_t bn,
	    int64_t *secs);

#endif
