/* Eight bytes at a time in a 64-bit word ("SIMD within a register"). */
#ifndef CESUTG_SWAR_H
#define CESUTG_SWAR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL

/* Bytes of w equal to c, as their high bits. */
static inline uint64_t
eqbytes(uint64_t w, uint64_t c)
{
	uint64_t x = w ^ (c * ONES);

	/* Exact per byte (no borrow between bytes), unlike (x - ONES) & ~x. */
	return ~(((x & ~HIGHS) + ~HIGHS) | x) & HIGHS;
}

/*
 * Copies s[0..n) to o with fixed-size moves, which the compiler inlines:
 * most values are short, and a memcpy() call costs more than the copy.
 * The two moves overlap rather than read past s + n.
 */
static inline void
copyshort(char *o, const char *s, size_t n)
{
	if (n >= 8 && n <= 16) {
		memcpy(o, s, 8);
		memcpy(o + n - 8, s + n - 8, 8);
	} else if (n > 16 && n <= 32) {
		memcpy(o, s, 16);
		memcpy(o + n - 16, s + n - 16, 16);
	} else if (n >= 4 && n < 8) {
		memcpy(o, s, 4);
		memcpy(o + n - 4, s + n - 4, 4);
	} else if (n < 4) {
		if (n > 0)
			o[0] = s[0];
		if (n > 1)
			o[1] = s[1];
		if (n > 2)
			o[2] = s[2];
	} else
		memcpy(o, s, n);
}

#endif
