/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * preempt.c - preemption in the core: the tick entry a port calls,
 * deferred rescheduling at the end of critical sections, the public
 * critical sections pmt_preempt_disable() and pmt_preempt_enable(), and
 * the tickless bookkeeping of the port's timer.
 */
#include "wait.h"

/*
 * Scheduler unlocked (lock count 0), need_resched set.  A higher-priority
 * thread that became ready runs now, and the caller resumes before its
 * equals; a tick's slice puts the caller behind its ready equals.  A tick
 * ends the waits whose deadlines have passed, and one that finds no equal
 * ready and no deadline pending stops the timer until it is needed again.
 */
void
pmt_core_resched(void)
{
	struct pmt_thread *self = pmt_core.current;
	unsigned why;

	pmt_core_lock();
	why = pmt_core.need_resched;
	pmt_core.need_resched = 0;
	if ((why & PMT_RESCHED_STACK) != 0)
		pmt_stack_resched(); /* returns unless self is stopped */
	/* A tick also ends the waits whose deadlines have passed. */
	if ((why & PMT_RESCHED_SLICE) != 0)
		pmt_wait_poll();
	if ((pmt_core.ready_map >> self->prio) > 1u) {
		pmt_sched_push_head(self);
		pmt_sched_switch(pmt_sched_pop());
	} else if ((why & PMT_RESCHED_SLICE) != 0 &&
	           ((pmt_core.ready_map >> self->prio) & 1u) != 0) {
		pmt_sched_push_tail(self);
		pmt_core.stats.preemptions++;
		pmt_thread_counts(self)->preemptions++;
		pmt_trace_preempt(self);
		pmt_sched_switch(pmt_sched_pop());
	} else if ((why & PMT_RESCHED_SLICE) != 0 && pmt_core.armed &&
	           pmt_core.timed == NULL) {
		pmt_core.armed = 0;
		pmt_port_tick_disarm();
	}
	pmt_core_unlock();
}

/* Interrupt context (the tick's handler), on the interrupted thread's
 * stack. */
int
pmt_core_tick_begin(const void *sp)
{
	pmt_stack_tick(sp);
	pmt_core.stats.ticks++;
	pmt_trace_tick();
	pmt_core.need_resched |= PMT_RESCHED_SLICE;
	return pmt_core.preempt_count == 0 && pmt_core.fast == 0;
}

/* Thread context, tick handler installed, timer not running. */
void
pmt_core_slicing_start(void)
{
	pmt_core_lock();
	pmt_core.slicing = 1;
	pmt_core.armed = 0;
	pmt_sched_slice_check();
	pmt_core_unlock();
}

/* Thread context. */
void
pmt_core_slicing_stop(void)
{
	pmt_core_lock();
	if (pmt_core.armed)
		pmt_port_tick_disarm();
	pmt_core.armed = 0;
	pmt_core.slicing = 0;
	pmt_core.need_resched &= (uint8_t)~PMT_RESCHED_SLICE;
	pmt_core_unlock();
}

/* Thread context.  The lock rises before the thread's own nesting does,
 * so a tick between the two finds the lock taken and defers. */
int
pmt_preempt_disable(void)
{
	struct pmt_thread *self = pmt_core.current;

	if (!pmt_core.initialised)
		return PMT_ENOINIT;
	if (self->nopreempt == UINT16_MAX)
		return PMT_EINVAL;
	pmt_core_lock();
	self->nopreempt++;
	return 0;
}

/* Thread context.  The outermost enable takes any tick or wake-up that
 * was deferred meanwhile. */
int
pmt_preempt_enable(void)
{
	struct pmt_thread *self = pmt_core.current;

	if (!pmt_core.initialised)
		return PMT_ENOINIT;
	if (self->nopreempt == 0)
		return PMT_EALREADY;
	self->nopreempt--;
	pmt_core_unlock();
	return 0;
}
