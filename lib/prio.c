/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * prio.c - giving up the CPU and changing priorities: pmt_yield(),
 * pmt_setprio(), pmt_getprio(), pmt_getprio_effective().
 */
#include "wait.h"

/* Thread context. */
int
pmt_yield(void)
{
	struct pmt_thread *self = pmt_core.current;

	if (!pmt_core.initialised)
		return PMT_ENOINIT;

	pmt_core_lock();
	pmt_core.stats.yields++;
	/* Cooperative threads meet their sleepers' deadlines here. */
	pmt_wait_poll();
	/* Only a ready thread of our level or above may take over. */
	if (__builtin_expect((pmt_core.ready_map >> self->prio) == 0, 0)) {
		pmt_core_unlock();
		return 0;
	}
	pmt_sched_push_tail(self);
	/* Tail position: see pmt_sched_switch_return(). */
	return pmt_sched_switch_return(pmt_sched_pop());
}

/* Thread context. */
int
pmt_setprio(pmt_t tid, int prio)
{
	struct pmt_thread *self = pmt_core.current, *t;

	if (!pmt_core.initialised)
		return PMT_ENOINIT;
	if (prio < PMT_PRIO_MIN || prio > PMT_PRIO_MAX)
		return PMT_EPRIO;

	pmt_core_lock();
	t = pmt_thread_lookup(tid);
	if (t == NULL) {
		pmt_core_unlock();
		return PMT_ESRCH;
	}
	t->base_prio = (uint8_t)prio;
	/* The effective priority follows, but never below what the thread
	 * inherits from its mutexes' waiters; a change moves it in its ready
	 * or wait queue, and along the chain of owners it waits for. */
	pmt_pi_update(t);
	if (t == self && (pmt_core.ready_map >> self->prio) > 1u) {
		/* Lowered below a ready thread: behind its new equals. */
		pmt_sched_push_tail(self);
		pmt_sched_switch(pmt_sched_pop());
	} else {
		/* t, or an owner it made inherit more, may outrank us now. */
		pmt_sched_yield_higher();
	}
	pmt_sched_slice_check();
	pmt_core_unlock();
	return 0;
}

/* Thread context.  The base priority, or the effective one. */
static int
getprio(pmt_t tid, int *prio, int effective)
{
	const struct pmt_thread *t;

	if (!pmt_core.initialised)
		return PMT_ENOINIT;
	if (prio == NULL)
		return PMT_EINVAL;
	pmt_core_lock();
	t = pmt_thread_lookup(tid);
	if (t != NULL)
		*prio = effective ? t->prio : t->base_prio;
	pmt_core_unlock();
	return t != NULL ? 0 : PMT_ESRCH;
}

int
pmt_getprio(pmt_t tid, int *prio)
{
	return getprio(tid, prio, 0);
}

int
pmt_getprio_effective(pmt_t tid, int *prio)
{
	return getprio(tid, prio, 1);
}
