/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * sched.c - the scheduler's state and its rarely used operations; the
 * hot ones are inline in sched.h.
 */
#include "sched.h"

PMT_HIDDEN struct pmt_core pmt_core;

/* Scheduler locked. */
void
pmt_sched_remove(struct pmt_thread *t)
{
	struct pmt_queue *q = &pmt_core.ready[t->prio];
	struct pmt_thread **link = &q->head, *prev = NULL;

	while (*link != t) {
		if (*link == NULL)
			pmt_thread_panic(t, "is ready but missing from its "
			                    "ready queue (scheduler state "
			                    "corrupted)");
		prev = *link;
		link = &prev->next;
	}
	*link = t->next;
	if (q->tail == t)
		q->tail = prev;
	if (q->head == NULL)
		pmt_core.ready_map &= ~((uint32_t)1 << t->prio);
	t->next = NULL;
}

/* Any context, scheduler locked: out of line, so the check in
 * pmt_sched_switch_begin() costs one compare. */
void
pmt_core_panic_lock(void)
{
	pmt_port_panic("libpmt: switch with the scheduler lock not held "
	               "exactly once (scheduler state corrupted, or a switch "
	               "from a tick inside a critical section)");
}

/* Thread resumed in pmt_arch_switch_return(), scheduler locked by the
 * switch that resumed it. */
int
pmt_core_switch_resume(unsigned long key)
{
	struct pmt_thread *self = pmt_core.current;
	unsigned own;
	int result;

	pmt_fiber_arrive(pmt_core.current);
	pmt_port_switch_leave(key);
	/*
	 * pmt_sched_switch_end() and pmt_core_unlock() in one store: the lock
	 * is 1 here, and becomes the thread's own nesting.  This path runs
	 * on every yield, and each dependent load and store of the volatile
	 * count on it costs time.
	 */
	own = self->nopreempt;
	/* What ended the thread's wait, if it waited: its call returns it. */
	result = self->wait_result;
	self->wait_result = 0;
	pmt_barrier();
	pmt_core.preempt_count = own;
	pmt_barrier();
	if (pmt_core.need_resched != 0 && own == 0)
		pmt_core_resched();
	return result;
}

/* New thread, scheduler locked by the switch that started it. */
void
pmt_core_thread_begin(void)
{
	pmt_fiber_begin();
	pmt_port_thread_begin();
	pmt_core_unlock();
}
