/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * port.h - what the core asks of its environment.  A port (lib/posix/ for
 * hosted POSIX systems, a kernel for bare metal) defines every function
 * declared here; they are the only symbols the core leaves undefined.  Each
 * hook states its calling context.
 */
#ifndef PMT_PORT_H
#define PMT_PORT_H

#include <stddef.h>

#include <pmt.h>

#include "visibility.h"

/*
 * Called once by pmt_init(), on the thread that becomes the first libpmt
 * thread.  Returns 0 or a PMT_E* code, which pmt_init() passes on.
 */
PMT_HIDDEN int pmt_port_init(void);

/*
 * The smallest stack, in bytes, a thread may be given on this port: enough
 * for the deepest frame the port can push onto a running thread (a signal
 * frame, a trap frame), twice when ticks nest.  A multiple of
 * PMT_STACK_ALIGN and never below PMT_STACK_MIN.  Any context.
 */
PMT_HIDDEN size_t pmt_port_stack_min(void);

/*
 * The switch bracket.  The core calls pmt_port_switch_enter() just before
 * and pmt_port_switch_leave() just after its one call of pmt_arch_switch(),
 * with the scheduler locked.  The key travels on the switching thread's own
 * stack, so per-thread state of the execution context (errno on POSIX, the
 * interrupt-enable bit on bare metal) follows the thread rather than the
 * CPU.  A new thread does not return through a bracket; it starts with
 * pmt_port_thread_begin() instead.
 *
 * They run on every switch, and a call costs more there than its few
 * instructions suggest (see pmt_sched_switch_return()), so a port may
 * define the pair inline in a freestanding header of its own, named by the
 * build as PMT_PORT_BRACKET_H (a string, e.g. "posix/bracket.h").
 */
#ifdef PMT_PORT_BRACKET_H
#include PMT_PORT_BRACKET_H
#else
PMT_HIDDEN unsigned long pmt_port_switch_enter(void);
PMT_HIDDEN void pmt_port_switch_leave(unsigned long key);
#endif
PMT_HIDDEN void pmt_port_thread_begin(void);

/*
 * A thread's stack comes into use (register) and goes out of use
 * (deregister, given register's handle), for tools that watch memory:
 * Valgrind must know each stack to tell a switch from a huge stack frame.
 * Scheduler locked.  Ports without such tools return 0 and do nothing.
 */
PMT_HIDDEN unsigned pmt_port_stack_register(void *lo, size_t size);
PMT_HIDDEN void pmt_port_stack_deregister(unsigned handle);

/*
 * Guard pages, for pmt_stack_setflags(PMT_STACK_GUARD).
 * pmt_port_guard_size() is the size of one, the port's page size, or 0
 * when the port cannot protect memory.  Any context.
 * pmt_port_guard_set(lo, 1) makes [lo, lo + pmt_port_guard_size()) of a
 * new thread's stack inaccessible, so that running off the stack faults
 * there; lo is a multiple of the size.  The port then reports a fault in
 * it through pmt_core_stack_fault() (POSIX: a SIGSEGV handler on an
 * alternate stack, installed while some stack is guarded).  Returns 0, or
 * nonzero when the system refused (the stack goes unguarded).
 * pmt_port_guard_set(lo, 0) makes the page readable and writable again
 * when the thread's slot is freed, and returns 0.  Scheduler locked,
 * thread context.
 */
PMT_HIDDEN size_t pmt_port_guard_size(void);
PMT_HIDDEN int pmt_port_guard_set(void *lo, int on);

/*
 * A one-line diagnostic for a person, without the newline (POSIX: to
 * standard error); the default overflow hook's output.  Any context,
 * signal handlers included.
 */
PMT_HIDDEN void pmt_port_report(const char *msg);

/*
 * Start and stop the periodic tick that calls pmt_core_tick_begin(), at
 * the interval pmt_preempt_start() was given.  Called only between
 * pmt_core_slicing_start() and pmt_core_slicing_stop(), scheduler locked;
 * never twice in a row the same.
 */
PMT_HIDDEN void pmt_port_tick_arm(void);
PMT_HIDDEN void pmt_port_tick_disarm(void);

/*
 * The monotonic clock behind pmt_now(): nanoseconds from an arbitrary
 * origin, never going back.  Any context, the tick's included, before
 * pmt_init() too.
 */
PMT_HIDDEN pmt_time_t pmt_port_now(void);

/*
 * No thread is ready and the earliest deadline is `deadline': wait,
 * without spinning, until then or until an interrupt or signal comes,
 * whichever is first, and return (early returns are harmless: the core
 * looks again).  Called with the scheduler locked, on the stack of the
 * thread that found nothing to run; a tick that comes meanwhile only
 * records itself.
 */
PMT_HIDDEN void pmt_port_idle(pmt_time_t deadline);

/*
 * The last thread has finished and none is left.  Ends the program
 * (POSIX: exit(0)).  Called on the finishing thread's stack, scheduler
 * locked.  Does not return.
 */
PMT_HIDDEN _Noreturn void pmt_port_exit(void);

/*
 * A broken invariant: report msg, which names what broke, and stop.  Any
 * context.  Does not return.
 */
PMT_HIDDEN _Noreturn void pmt_port_panic(const char *msg);

#endif /* PMT_PORT_H */
