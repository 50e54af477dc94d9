/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * bracket.h - the switch bracket of the bare-metal virt ports, inline:
 * lib/port.h includes it as PMT_PORT_BRACKET_H.  The CPU's irq.h, found
 * on the include path (lib/virt-<cpu>/), gives the two inline functions
 * that read-and-mask and restore the interrupt-enable bit.  Freestanding.
 *
 * Interrupt enable belongs to the CPU, not to a thread, so each thread
 * keeps its own in the key, on its own stack, across the switch.  A thread
 * that switches from inside the timer interrupt has them masked (the trap
 * masked them); the thread it switches to may have parked in an ordinary
 * call, with them enabled, and must get them back, or it runs on with
 * interrupts off and preemption stops for good.  One switched back to the
 * trap handler masks them again until its return from the trap restores
 * the interrupted state from its frame.  A new thread enables them in
 * pmt_port_thread_begin().
 */
#ifndef PMT_VIRT_BRACKET_H
#define PMT_VIRT_BRACKET_H

#include "irq.h"

/* Scheduler locked: the leaving thread's interrupt state. */
static inline unsigned long
pmt_port_switch_enter(void)
{
#ifdef PMT_VIRT_BREAK_BRACKET
	/* A deliberately broken build (tests/baremetal.sh): no bracket. */
	return 0;
#else
	return pmt_virt_irq_save();
#endif
}

/* Scheduler locked: the resumed thread's interrupt state back. */
static inline void
pmt_port_switch_leave(unsigned long key)
{
#ifdef PMT_VIRT_BREAK_BRACKET
	(void)key;
#else
	pmt_virt_irq_restore(key);
#endif
}

#endif /* PMT_VIRT_BRACKET_H */
