/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * stack.h - stack overflow detection in the core.  Every stack the library
 * is given holds a guard value in its lowest word; the guard value and the
 * stack pointer are checked at every switch (pmt_sched_switch_begin()) and
 * every tick (pmt_core_tick_begin()), inline here so that the switch pays
 * a few instructions.  On option, a fill pattern (high-water mark) and a
 * guard page below the guard value (stack.c).  What happens to a thread
 * found overflowed is overflow.c's.  Private to lib/; freestanding.
 *
 * Layout of a stack [base, base + size) given to pmt_spawn(), lowest
 * address first:
 *   guard page   PMT_STACK_GUARD, base page-aligned: pmt_port_guard_size()
 *                bytes made inaccessible by the port
 *   guard value  8 bytes, PMT_STACK_CANARY; t->stack_lo points here
 *   free space   PMT_STACK_FILL: PMT_STACK_FILL_BYTE up to the deepest
 *                word the thread ever wrote
 *   frames       up to t->stack_hi = base + size
 */
#ifndef PMT_STACK_H
#define PMT_STACK_H

#include "core.h"
#include "memcheck.h"

/* The guard value: no pointer, no small number, no fill. */
#define PMT_STACK_CANARY UINT64_C(0x5ca1ab1e0ddba115)
#define PMT_STACK_CANARY_SIZE 8
/* The fill pattern, one byte repeated (FreeRTOS's, for familiarity). */
#define PMT_STACK_FILL_BYTE 0xa5
#define PMT_STACK_FILL_WORD UINT64_C(0xa5a5a5a5a5a5a5a5)
/*
 * The range check: where a switch or a tick checks a thread, its stack
 * pointer must lie at least this far above the guard value, as the switch
 * (or the tick's rescheduling) still pushes its frames below that point.
 */
#define PMT_STACK_SLACK 256

/*
 * How deep the caller's stack is in use: the address of local, a variable
 * in the caller's frame, which costs nothing.  AddressSanitizer looking
 * for use after return (./configure --enable-sanitizers, as make check
 * runs it) keeps such locals on a fake stack of its own, far from the
 * thread's, where the range check would never see an overflow: in that
 * build, the caller's frame address (it keeps frame pointers).
 */
#ifdef PMT_SANITIZE_ADDRESS
#define PMT_STACK_DEPTH(local)                                                 \
	((void)(local), (uintptr_t)__builtin_frame_address(0))
#else
#define PMT_STACK_DEPTH(local) ((uintptr_t)(local))
#endif

/* A word of stack memory, which the caller declared as bytes. */
typedef uint64_t __attribute__((may_alias)) pmt_stack_word;

/* t->stack_flags: PMT_STACK_FILL and PMT_STACK_GUARD when this stack has
 * them, PMT_STACK_OVERFLOWED once an overflow was found (the thread is
 * finished then, or is being switched away from for good), and: */
#define PMT_STACK_PENDING 0x80u /* a tick found it overflowed (stack.c) */

/* stack.c: the flags pmt_stack_setflags() set, for new stacks. */
PMT_HIDDEN extern unsigned pmt_stack_newflags;

/*
 * The guard value at lo as it is now.  After an overflow memcheck holds
 * it inaccessible or undefined, as a stack pointer went below it; it is
 * the library's word all the same (memcheck.h).  Any context.
 */
static inline uint64_t
pmt_stack_guard_read(const pmt_stack_word *lo)
{
	if (pmt_memcheck_running())
		return pmt_memcheck_read_word(lo);
	return *lo;
}

/*
 * Any context.  Is t's stack overflowed, judging by its guard value and by
 * sp, an address in its current frames (UINTPTR_MAX: none known)?  The
 * pmt_init() thread runs on a stack the library does not know: never.
 */
static inline int
pmt_stack_broken(const struct pmt_thread *t, uintptr_t sp)
{
	const pmt_stack_word *lo = (const void *)t->stack_lo;

	return lo != NULL && ((pmt_stack_guard_read(lo) != PMT_STACK_CANARY) |
	                         (sp < (uintptr_t)lo + PMT_STACK_SLACK));
}

/* stack.c: sets up a new thread's stack [stack, stack + size) when a flag
 * is on; the inline fast path below does it when none is.  Scheduler
 * locked. */
PMT_HIDDEN void pmt_stack_prepare_flags(
    struct pmt_thread *t, unsigned char *stack, size_t size);

/*
 * pmt_spawn(), scheduler locked, before the arch frame is built: lays out
 * the stack (guard page, guard value, fill) and sets t's stack fields.
 */
static inline void
pmt_stack_prepare(struct pmt_thread *t, unsigned char *stack, size_t size)
{
	if (pmt_stack_newflags != 0) {
		pmt_stack_prepare_flags(t, stack, size);
		return;
	}
	*(pmt_stack_word *)(void *)stack = PMT_STACK_CANARY;
	t->stack_lo = stack;
	t->stack_hi = stack + size;
	t->stack_flags = 0;
}

/* The lowest address of t's stack as the caller gave it, guard page
 * included; NULL for the pmt_init() thread.  Any context. */
static inline const unsigned char *
pmt_stack_base(const struct pmt_thread *t)
{
	if ((t->stack_flags & PMT_STACK_GUARD) != 0)
		return t->stack_lo - pmt_port_guard_size();
	return t->stack_lo;
}

/* stack.c: pmt_stack_release() when t's stack has a flag. */
PMT_HIDDEN void pmt_stack_release_flags(struct pmt_thread *t);

/* The slot is being freed: gives the guard page back to the caller's use
 * and forgets what was found.  Scheduler locked. */
static inline void
pmt_stack_release(struct pmt_thread *t)
{
	if (t->stack_flags != 0)
		pmt_stack_release_flags(t);
}

/*
 * stack.c: the out-of-line halves of the checks.  From
 * pmt_sched_switch_begin(), after current became next, when
 * pmt_stack_broken(prev, sp) said so: stops prev (overflow.c), which has
 * already been put where it waits; the switch goes on.
 */
PMT_HIDDEN __attribute__((cold)) void pmt_stack_switch_fail(
    struct pmt_thread *prev, uintptr_t sp);
/* From pmt_core_tick_begin(), interrupt context: checks the running
 * thread, sp as that function has it.  A thread found overflowed is
 * recorded and PMT_RESCHED_STACK asked for. */
PMT_HIDDEN void pmt_stack_tick(const void *sp);
/* pmt_core_resched() with PMT_RESCHED_STACK, scheduler locked: stops the
 * running thread if a tick found it overflowed.  May not return. */
PMT_HIDDEN void pmt_stack_resched(void);
/* stack.c: pmt_stack_exit_check()'s check. */
PMT_HIDDEN void pmt_stack_exit_check_now(void);

/*
 * pmt_exit(), scheduler locked: stops the calling thread if its stack is
 * found overflowed (then does not return).  The switch at the end of
 * pmt_exit() checks the thread anyway, unless it is detached (its slot is
 * freed before that switch) or a tick's finding waits for it.
 */
static inline void
pmt_stack_exit_check(void)
{
	const struct pmt_thread *self = pmt_core.current;

	if (self->detached || (self->stack_flags & PMT_STACK_PENDING) != 0)
		pmt_stack_exit_check_now();
}

/*
 * overflow.c: the one place that stops a thread whose stack overflowed,
 * whatever it was doing.  Takes t out of wherever it is (a ready queue, a
 * wait), marks it finished with the overflow recorded, so that pmt_join()
 * returns PMT_ESTACKOVF (a detached thread is freed), and calls the
 * overflow hook with layer (PMT_OVERFLOW_*) and addr.  When t is the
 * running thread, it is then switched away from for good: the call does
 * not return.  A woken joiner that outranks the running thread runs at
 * once.  Scheduler locked once (plus the running thread's own
 * pmt_preempt_disable() nesting), thread context or pmt_core_resched().
 */
PMT_HIDDEN void pmt_thread_overflowed(
    struct pmt_thread *t, int layer, const void *addr);

/*
 * overflow.c: pmt_thread_overflowed() without the switch, for a thread that
 * is not running or is being switched away from: the caller switches.
 * Returns the joiner it made ready, or NULL.  Scheduler locked.
 */
PMT_HIDDEN struct pmt_thread *pmt_thread_reap(
    struct pmt_thread *t, int layer, const void *addr);

/* overflow.c: calls the overflow hook for t.  Any context. */
PMT_HIDDEN void pmt_stack_report(
    const struct pmt_thread *t, int layer, const void *addr);

/* thread.c: frees the slot of a finished thread (its id goes stale).
 * Scheduler locked. */
PMT_HIDDEN void pmt_thread_free(struct pmt_thread *t);

#endif /* PMT_STACK_H */
