/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * fiber.h - tells AddressSanitizer of every switch between thread stacks.
 * ASan keeps the bounds of the stack it believes the program runs on, and,
 * when it looks for use after return, a fake stack of locals per stack; a
 * switch it was not told of looks to it like a wild stack pointer, and it
 * reports false errors.  Compiles to nothing unless the build defines
 * PMT_SANITIZE_ADDRESS (./configure --enable-sanitizers).  Private to
 * lib/; freestanding.
 */
#ifndef PMT_FIBER_H
#define PMT_FIBER_H

#include "core.h"

#ifdef PMT_SANITIZE_ADDRESS
/*
 * Just before the switch from prev, the running thread, to next, with
 * prev's new state set; scheduler locked.  A finished prev (PMT_DONE, or
 * PMT_FREE when detached) is never resumed, and ASan frees its fake
 * stack.
 */
PMT_HIDDEN void pmt_fiber_leave(
    struct pmt_thread *prev, const struct pmt_thread *next);

/* First thing a parked thread does when it is switched back to, self
 * being that thread; scheduler locked. */
PMT_HIDDEN void pmt_fiber_arrive(struct pmt_thread *self);

/* First thing a new thread does; scheduler locked. */
PMT_HIDDEN void pmt_fiber_begin(void);

/* pmt_init(), thread context, before any tick can come: the same for the
 * thread pmt_init() adopts as pmt_fiber_begin() does for a new one. */
PMT_HIDDEN void pmt_fiber_init(void);
#else
static inline void
pmt_fiber_leave(struct pmt_thread *prev, const struct pmt_thread *next)
{
	(void)prev;
	(void)next;
}

static inline void
pmt_fiber_arrive(struct pmt_thread *self)
{
	(void)self;
}

static inline void
pmt_fiber_begin(void)
{
}

static inline void
pmt_fiber_init(void)
{
}
#endif /* PMT_SANITIZE_ADDRESS */

#endif /* PMT_FIBER_H */
