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
void
pmt_memcheck_make_defined(const void *p, size_t n)
{
	(void)VALGRIND_MAKE_MEM_DEFINED(p, n);
}
#endif /* PMT_VALGRIND */
