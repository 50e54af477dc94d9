/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * bits.h - the bit scans of the ready map and the thread table.  Where the
 * CPU has the instructions they are the compiler's builtins.  On riscv64
 * without the Zbb extension those builtins call __clzdi2 and __ctzdi2 of
 * the compiler's runtime, which a kernel may not link; there, and with
 * PMT_CONFIG_SOFT_BITSCAN, a multiply by a de Bruijn constant and a table
 * lookup do the same in a few instructions, without a branch.
 * Freestanding.
 */
#ifndef PMT_BITS_H
#define PMT_BITS_H

#include <stdint.h>

#if (defined(__riscv) && !defined(__riscv_zbb)) ||                             \
    (defined(PMT_CONFIG_SOFT_BITSCAN) && PMT_CONFIG_SOFT_BITSCAN)
#define PMT_BITS_SOFT 1
#endif

/* The index of the highest set bit of x, which must not be 0.  Any
 * context. */
static inline unsigned
pmt_bits_high32(uint32_t x)
{
#ifdef PMT_BITS_SOFT
	/* x smeared to 2^(n+1) - 1: the product's top five bits differ for
	 * each n. */
	static const uint8_t index[32] = {0, 9, 1, 10, 13, 21, 2, 29, 11, 14,
	    16, 18, 22, 25, 3, 30, 8, 12, 20, 28, 15, 17, 24, 7, 19, 27, 23, 6,
	    26, 5, 4, 31};

	x |= x >> 1;
	x |= x >> 2;
	x |= x >> 4;
	x |= x >> 8;
	x |= x >> 16;
	return index[(uint32_t)(x * UINT32_C(0x07c4acdd)) >> 27];
#else
	return 31u - (unsigned)__builtin_clz(x);
#endif
}

/* The index of the lowest set bit of x, which must not be 0.  Any
 * context. */
static inline unsigned
pmt_bits_low64(uint64_t x)
{
#ifdef PMT_BITS_SOFT
	/* The lowest bit alone, 2^n: the product's top six bits differ for
	 * each n. */
	static const uint8_t index[64] = {0, 1, 48, 2, 57, 49, 28, 3, 61, 58,
	    50, 42, 38, 29, 17, 4, 62, 55, 59, 36, 53, 51, 43, 22, 45, 39, 33,
	    30, 24, 18, 12, 5, 63, 47, 56, 27, 60, 41, 37, 16, 54, 35, 52, 21,
	    44, 32, 23, 11, 46, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19, 9, 13,
	    8, 7, 6};

	return index[((x & (~x + 1)) * UINT64_C(0x03f79d71b4cb0a89)) >> 58];
#else
	return (unsigned)__builtin_ctzll(x);
#endif
}

#endif /* PMT_BITS_H */
