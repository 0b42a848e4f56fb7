/* Eight bytes at a time in a 64-bit word ("SIMD within a register"). */
#ifndef CESUTG_SWAR_H
#define CESUTG_SWAR_H

#include <stdint.h>

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

#endif
