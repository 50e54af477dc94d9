/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * memcheck.h - tells Valgrind's memcheck of the stack memory the core
 * reads on purpose where memcheck holds it off limits.  memcheck follows
 * the stack pointer: what a thread's frames leave below it becomes
 * inaccessible, and what it moves over becomes undefined until written.
 * A thread that overflows takes its stack pointer below its guard value
 * (stack.h), which the checks then read, and the high-water scan reads
 * the part of a stack below the stack pointer.  Both are the library's
 * business, not a program's error.  Compiles to nothing unless the build
 * defines PMT_VALGRIND (configure found valgrind/valgrind.h); the client
 * requests on the switch path are made only under Valgrind, the others
 * cost a few instructions without it.  Private to lib/; freestanding
 * (valgrind.h needs only <stdarg.h>, and its requests are inline code).
 */
#ifndef PMT_MEMCHECK_H
#define PMT_MEMCHECK_H

#include "core.h"

#ifdef PMT_VALGRIND
#include <valgrind/memcheck.h>

/* memcheck.c: 1 when the program runs under Valgrind, from pmt_init(). */
PMT_HIDDEN extern uint8_t pmt_memcheck_on;

/* memcheck.c: pmt_init(), thread context. */
PMT_HIDDEN void pmt_memcheck_init(void);

/* Does the program run under Valgrind?  Any context. */
static inline int
pmt_memcheck_running(void)
{
	return __builtin_expect(pmt_memcheck_on, 0);
}

/*
 * memcheck.c, under Valgrind: the 8 bytes at p, which hold what the
 * library put there (the guard value), read after telling memcheck that
 * they are accessible and defined, whatever a stack pointer that went
 * below them made of them.  Any context.  The request and the read are
 * made in one frame, out of line: inline, the request's argument array
 * (a local whose address is taken) kept the compiler from making the
 * switch at the end of pmt_yield() a jump (sched.h), about 10 ns a
 * switch; and a call between the request and the read moves the stack
 * pointer over p again when p lies where the caller's own frames are (a
 * tick's handler on a thread whose stack pointer went below its guard
 * value).
 */
PMT_HIDDEN __attribute__((cold)) uint64_t pmt_memcheck_read_word(const void *p);

/*
 * Around a read of stack memory below a stack pointer (the high-water
 * scan): no errors reported for the calling kernel thread in between.
 * Not VALGRIND_MAKE_MEM_DEFINED, which would keep memcheck from seeing a
 * program read that memory afterwards, or read the undefined parts of
 * the frames above.  Nested pairs are fine; scheduler locked.
 */
static inline void
pmt_memcheck_quiet_begin(void)
{
	if (pmt_memcheck_on)
		VALGRIND_DISABLE_ERROR_REPORTING;
}

static inline void
pmt_memcheck_quiet_end(void)
{
	if (pmt_memcheck_on)
		VALGRIND_ENABLE_ERROR_REPORTING;
}
#else
static inline void
pmt_memcheck_init(void)
{
}

static inline int
pmt_memcheck_running(void)
{
	return 0;
}

/* Never called: pmt_memcheck_running() is 0. */
static inline uint64_t
pmt_memcheck_read_word(const void *p)
{
	(void)p;
	return 0;
}

static inline void
pmt_memcheck_quiet_begin(void)
{
}

static inline void
pmt_memcheck_quiet_end(void)
{
}
#endif /* PMT_VALGRIND */

#endif /* PMT_MEMCHECK_H */
