/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * memcheck.c - whether the program runs under Valgrind, for memcheck.h;
 * nothing in a build without valgrind/valgrind.h.
 */
#include "memcheck.h"

#ifdef PMT_VALGRIND
uint8_t pmt_memcheck_on;

/* Thread context, pmt_init(). */
void
pmt_memcheck_init(void)
{
	pmt_memcheck_on = RUNNING_ON_VALGRIND != 0;
}

/* Any context. */
uint64_t
pmt_memcheck_read_word(const void *p)
{
	typedef uint64_t __attribute__((may_alias)) word;

	/* The request clobbers memory: the read comes after it. */
	(void)VALGRIND_MAKE_MEM_DEFINED(p, sizeof(word));
	return *(const word *)p;
}
#endif /* PMT_VALGRIND */
