/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * bracket.h - the POSIX port's switch bracket, inline: lib/port.h includes
 * it as PMT_PORT_BRACKET_H, so the core keeps each thread's errno and tick
 * state without two calls on every switch.  Freestanding, like the core
 * that includes it: no libc header.
 */
#ifndef PMT_POSIX_BRACKET_H
#define PMT_POSIX_BRACKET_H

#include "../visibility.h"

/* errno of the kernel thread that runs every libpmt thread: its address
 * is fixed for that thread's life, so pmt_port_init() looks it up once. */
PMT_HIDDEN extern int *pmt_port_errno_ptr;

/*
 * 1 while the running thread is inside the tick handler, where the tick
 * signal is blocked (preempt.c).  A thread that switches away from there
 * unblocks it first, as the next thread must be preemptible; one switched
 * back to there blocks it again, so that no tick lands on its way out of
 * the handler and no second frame is stacked on the first.
 */
PMT_HIDDEN extern volatile int pmt_posix_in_tick;
PMT_HIDDEN void pmt_posix_tick_unblock(void);
PMT_HIDDEN void pmt_posix_tick_block(void);

/*
 * Switch bracket, scheduler locked.  errno and the in-tick state belong to
 * the kernel thread, so each libpmt thread keeps its own in the key, on its
 * stack, across the switch: key = errno << 1 | in_tick.
 */
static inline unsigned long
pmt_port_switch_enter(void)
{
	unsigned long key = (unsigned long)(unsigned)*pmt_port_errno_ptr << 1;

	if (pmt_posix_in_tick) {
		pmt_posix_in_tick = 0;
		pmt_posix_tick_unblock();
		key |= 1;
	}
	return key;
}

static inline void
pmt_port_switch_leave(unsigned long key)
{
	if (key & 1) {
		pmt_posix_tick_block();
		pmt_posix_in_tick = 1;
	}
	*pmt_port_errno_ptr = (int)(unsigned)(key >> 1);
}

#endif /* PMT_POSIX_BRACKET_H */
