/*
 * What the test-data generators share (header only: the Makefile builds each
 * generator as one file): a deterministic xorshift generator,
 * so that a given seed always writes the same file, and fictitious names.
 */
#ifndef CESUTG_GEN_H
#define CESUTG_GEN_H

#include <stdint.h>
#include <stdlib.h>

static uint64_t rs = 88172645463325252ULL;

/* A number in [0, n). */
static inline uint32_t
rnd(uint32_t n)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)(rs % n);
}

/* -s SEED: another file, as deterministic. */
static inline void
gen_seed(const char *s)
{
	rs ^= strtoull(s, NULL, 10) * 2654435761ULL;
}

/* UTF-8 names with the accents and ligatures a codec must survive. */
static const char *const gen_noms[16] = { "Lefèvre", "Müller", "Dupont",
	"Martin", "N'Diaye", "Bénard-Léger", "Garçon", "Éluard", "Rousseau",
	"Cœur", "Lambert", "Fournier", "Girard", "Morel", "Mercier",
	"Chévremont" };
static const char *const gen_prenoms[16] = { "Hélène", "José",
	"Marie-Thérèse", "François", "Zoé", "Noël", "Jérôme", "Agnès", "Renée",
	"Loïc", "Anaïs", "Jean", "Geneviève", "André", "Cécile", "Raphaël" };

#endif
