/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * wait.h - blocking and waking, shared by joins, mutexes, conditions,
 * semaphores and sleeps: wait queues ordered by priority, the list of
 * deadlines, idling, deadlock refusal, and priority inheritance.  Every
 * function here wants the scheduler locked.
 */
#ifndef PMT_WAIT_H
#define PMT_WAIT_H

#include "sched.h"

/* Wait queues: singly linked through next, highest effective priority
 * first and FIFO among equals. */
PMT_HIDDEN void pmt_waitq_insert(
    struct pmt_thread **queue, struct pmt_thread *t);
PMT_HIDDEN void pmt_waitq_remove(
    struct pmt_thread **queue, struct pmt_thread *t);

static inline struct pmt_thread *
pmt_waitq_pop(struct pmt_thread **queue)
{
	struct pmt_thread *t = *queue;

	if (t != NULL)
		*queue = t->next;
	return t;
}

/*
 * Blocks the calling thread until a waker or its deadline ends the wait,
 * and returns the wait's result: 0 when woken, PMT_ETIMEDOUT when the
 * deadline passed, PMT_EDEADLK when the wait was cancelled because
 * nothing else could ever run, or what the waker chose.  kind and obj say
 * what it waits on (enum pmt_wait_kind); queue, when not NULL, is the wait
 * queue it joins.  Returns at once, without blocking, with PMT_ETIMEDOUT
 * when the deadline has already passed and with PMT_EDEADLK when the wait
 * could never end: no thread is ready and no deadline is pending, so
 * nothing could ever wake it.  The caller has already refused waits on
 * itself (pmt_wait_cycle()).
 */
PMT_HIDDEN int pmt_wait_block(
    unsigned kind, void *obj, struct pmt_thread **queue, pmt_time_t deadline);

/*
 * The first half of pmt_wait_block(): makes the caller wait and returns
 * the thread to switch to (perhaps the caller, woken while idle), or NULL
 * when the wait ended at once, with its result in the caller's
 * wait_result.
 */
PMT_HIDDEN struct pmt_thread *pmt_wait_enter(
    unsigned kind, void *obj, struct pmt_thread **queue, pmt_time_t deadline);

/*
 * pmt_wait_block() then pmt_core_unlock(), for a public call with nothing
 * left to do after the wait: `return pmt_wait_block_return(...);' makes
 * the switch a tail call, as pmt_yield() does (see
 * pmt_sched_switch_return()); the wait's result comes back through
 * pmt_core_switch_resume().
 */
static inline int
pmt_wait_block_return(
    unsigned kind, void *obj, struct pmt_thread **queue, pmt_time_t deadline)
{
	struct pmt_thread *next = pmt_wait_enter(kind, obj, queue, deadline);

	return pmt_sched_switch_return(next != NULL ? next : pmt_core.current);
}

/* t leaves the list of deadlines. */
PMT_HIDDEN void pmt_wait_timed_remove(struct pmt_thread *t);

/* Ends t's wait with result: out of the list of deadlines, into the ready
 * queue (after its equals).  t is already off its wait queue.  The caller
 * decides whether t runs now (pmt_sched_yield_higher()).  Inline: every
 * hand-over runs it. */
static inline void
pmt_wait_wake(struct pmt_thread *t, int result)
{
	if (t->deadline != PMT_TIME_NEVER) {
		pmt_wait_timed_remove(t);
		t->deadline = PMT_TIME_NEVER;
	}
	t->wait_kind = PMT_WAIT_NONE;
	t->wait_obj = NULL;
	t->wait_result = (uint8_t)result;
	pmt_trace_wake(t, result);
	pmt_sched_push_tail(t);
	/* An equal of the running thread: the tick must share the CPU. */
	pmt_sched_slice_check();
}

/* Takes a BLOCKED t off whatever it waits on (its wait queue, a joined
 * thread, the list of deadlines), updating inherited priorities; t stays
 * BLOCKED, on no queue. */
PMT_HIDDEN void pmt_wait_unlink(struct pmt_thread *t);

/* Ends t's wait from outside (timeout, deadlock): pmt_wait_unlink(), then
 * pmt_wait_wake(). */
PMT_HIDDEN void pmt_wait_cancel(struct pmt_thread *t, int result);

/* Wakes every waiter whose deadline is at or before now. */
PMT_HIDDEN void pmt_wait_expire(pmt_time_t now);

/* Deadlines are pending and may have passed: pmt_wait_expire(now).  One
 * load when none is pending, so the yield path can afford it. */
static inline void
pmt_wait_poll(void)
{
	if (pmt_core.timed != NULL)
		pmt_wait_expire(pmt_port_now());
}

/*
 * The next thread to run when the caller stops running: the first ready
 * one, after idling until the earliest deadline when none is ready.  NULL
 * when no thread is ready and no deadline is pending.
 */
PMT_HIDDEN struct pmt_thread *pmt_wait_next(void);

/*
 * Would waiting for t (a thread to join, a mutex's owner) close a circle
 * back to the caller?  Follows joins and mutex owners from t.
 */
PMT_HIDDEN int pmt_wait_cycle(const struct pmt_thread *t);

/* Nothing is ready and no deadline is pending, yet threads are blocked:
 * ends the wait of the blocked thread with the highest priority with
 * PMT_EDEADLK.  Returns 0, or -1 when no thread is blocked. */
PMT_HIDDEN int pmt_wait_break_deadlock(void);

/*
 * Priority inheritance.  t's effective priority becomes the highest of its
 * base priority and the first waiter of each mutex it owns; when that
 * changes while t itself waits for a mutex, its owner is updated in turn,
 * along the whole chain.
 */
PMT_HIDDEN void pmt_pi_update(struct pmt_thread *t);

/* t's effective priority becomes prio: it moves to its new place in the
 * ready queue or wait queue it is on. */
PMT_HIDDEN void pmt_prio_move(struct pmt_thread *t, unsigned prio);

#endif /* PMT_WAIT_H */
