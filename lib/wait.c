/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * wait.c - blocking, waking, deadlines and idling; see wait.h.
 */
#include "mutex.h"

/* Scheduler locked.  After the waiters of t's priority or above. */
void
pmt_waitq_insert(struct pmt_thread **queue, struct pmt_thread *t)
{
	while (*queue != NULL && (*queue)->prio >= t->prio)
		queue = &(*queue)->next;
	t->next = *queue;
	*queue = t;
}

/* Scheduler locked. */
void
pmt_waitq_remove(struct pmt_thread **queue, struct pmt_thread *t)
{
	while (*queue != t) {
		if (*queue == NULL)
			pmt_port_panic(
			    "libpmt: a waiting thread is missing from "
			    "its wait queue (scheduler state "
			    "corrupted)");
		queue = &(*queue)->next;
	}
	*queue = t->next;
	t->next = NULL;
}

/* Scheduler locked.  Into pmt_core.timed, after earlier or equal
 * deadlines. */
static void
timed_insert(struct pmt_thread *t)
{
	struct pmt_thread **link = &pmt_core.timed;

	while (*link != NULL && (*link)->deadline <= t->deadline)
		link = &(*link)->timed;
	t->timed = *link;
	*link = t;
}

/* Scheduler locked. */
void
pmt_wait_timed_remove(struct pmt_thread *t)
{
	struct pmt_thread **link = &pmt_core.timed;

	while (*link != t) {
		if (*link == NULL)
			pmt_port_panic("libpmt: a timed wait is missing from "
			               "the deadline list (scheduler state "
			               "corrupted)");
		link = &(*link)->timed;
	}
	*link = t->timed;
	t->timed = NULL;
}

/* Scheduler locked.  The queue a BLOCKED thread sits on, or NULL. */
static struct pmt_thread **
queue_of(const struct pmt_thread *t)
{
	switch (t->wait_kind) {
	case PMT_WAIT_MUTEX:
		return &((pmt_mutex_t *)t->wait_obj)->waiters_;
	case PMT_WAIT_COND:
		return &((pmt_cond_t *)t->wait_obj)->waiters_;
	case PMT_WAIT_SEM:
		return &((pmt_sem_t *)t->wait_obj)->waiters_;
	default:
		return NULL;
	}
}

/* Scheduler locked. */
void
pmt_wait_unlink(struct pmt_thread *t)
{
	struct pmt_thread **queue = queue_of(t);
	unsigned kind = t->wait_kind;
	void *obj = t->wait_obj;

	if (queue != NULL)
		pmt_waitq_remove(queue, t);
	if (kind == PMT_WAIT_JOIN)
		((struct pmt_thread *)obj)->joiner = NULL;
	if (t->deadline != PMT_TIME_NEVER) {
		pmt_wait_timed_remove(t);
		t->deadline = PMT_TIME_NEVER;
	}
	t->wait_kind = PMT_WAIT_NONE;
	t->wait_obj = NULL;
	/* One waiter fewer: the owner may inherit less now. */
	if (kind == PMT_WAIT_MUTEX)
		pmt_mutex_waiters_changed(obj);
}

/* Scheduler locked. */
void
pmt_wait_cancel(struct pmt_thread *t, int result)
{
	pmt_wait_unlink(t);
	pmt_wait_wake(t, result);
}

/* Scheduler locked. */
void
pmt_wait_expire(pmt_time_t now)
{
	struct pmt_thread *t;

	while ((t = pmt_core.timed) != NULL && t->deadline <= now)
		pmt_wait_cancel(t, PMT_ETIMEDOUT);
}

/* Scheduler locked. */
struct pmt_thread *
pmt_wait_next(void)
{
	struct pmt_thread *t;
	pmt_time_t now;

	while ((t = pmt_sched_pop()) == NULL) {
		if (pmt_core.timed == NULL)
			return NULL;
		now = pmt_port_now();
		if (pmt_core.timed->deadline > now) {
			/* No tick while idle: the port wakes at the
			 * deadline by itself. */
			if (pmt_core.armed) {
				pmt_core.armed = 0;
				pmt_port_tick_disarm();
			}
			pmt_port_idle(pmt_core.timed->deadline);
			now = pmt_port_now();
		}
		pmt_wait_expire(now);
	}
	return t;
}

/* Scheduler locked. */
struct pmt_thread *
pmt_wait_enter(
    unsigned kind, void *obj, struct pmt_thread **queue, pmt_time_t deadline)
{
	struct pmt_thread *self = pmt_core.current, *next;

	if (deadline != PMT_TIME_NEVER && deadline <= pmt_port_now()) {
		self->wait_result = PMT_ETIMEDOUT;
		return NULL;
	}
	if (deadline == PMT_TIME_NEVER && pmt_core.ready_map == 0 &&
	    pmt_core.timed == NULL) {
		self->wait_result = PMT_EDEADLK;
		return NULL;
	}

	self->state = PMT_BLOCKED;
	self->wait_kind = (uint8_t)kind;
	self->wait_obj = obj;
	self->wait_result = 0;
	self->deadline = deadline;
	pmt_trace_block(self);
	if (deadline != PMT_TIME_NEVER)
		timed_insert(self);
	if (queue != NULL)
		pmt_waitq_insert(queue, self);
	if (kind == PMT_WAIT_MUTEX)
		pmt_mutex_waiters_changed(obj);
	/* Not NULL: a thread is ready or a deadline is pending. */
	next = pmt_wait_next();
	/* When it is the caller itself, no switch re-arms the tick. */
	if (next == self)
		pmt_sched_slice_check();
	return next;
}

/* Scheduler locked. */
int
pmt_wait_block(
    unsigned kind, void *obj, struct pmt_thread **queue, pmt_time_t deadline)
{
	struct pmt_thread *self = pmt_core.current;
	struct pmt_thread *next = pmt_wait_enter(kind, obj, queue, deadline);
	int result;

	if (next != NULL)
		pmt_sched_switch(next);
	result = self->wait_result;
	self->wait_result = 0;
	return result;
}

/* Scheduler locked.  The thread a BLOCKED thread waits for, if any. */
static const struct pmt_thread *
waits_for(const struct pmt_thread *t)
{
	if (t->state != PMT_BLOCKED)
		return NULL;
	if (t->wait_kind == PMT_WAIT_JOIN)
		return t->wait_obj;
	if (t->wait_kind == PMT_WAIT_MUTEX)
		return pmt_mutex_owner(t->wait_obj);
	return NULL;
}

/* Scheduler locked.  Each thread waits for at most one other, so a walk
 * longer than the table has found a circle that was refused earlier
 * (impossible) and stops rather than spin. */
int
pmt_wait_cycle(const struct pmt_thread *t)
{
	unsigned n;

	for (n = 0; t != NULL && n <= PMT_CONFIG_MAX_THREADS; n++) {
		if (t == pmt_core.current)
			return 1;
		t = waits_for(t);
	}
	return 0;
}

/* Scheduler locked. */
int
pmt_wait_break_deadlock(void)
{
	struct pmt_thread *t, *victim = NULL;
	unsigned w;
	uint64_t bits;

	for (w = 0; w < PMT_MAP_WORDS; w++) {
		for (bits = pmt_core.used[w]; bits != 0; bits &= bits - 1) {
			t = &pmt_core.threads[w * 64 + pmt_bits_low64(bits)];
			if (t->state == PMT_BLOCKED &&
			    (victim == NULL || t->prio > victim->prio))
				victim = t;
		}
	}
	if (victim == NULL)
		return -1;
	pmt_wait_cancel(victim, PMT_EDEADLK);
	return 0;
}

/* Scheduler locked. */
void
pmt_prio_move(struct pmt_thread *t, unsigned prio)
{
	struct pmt_thread **queue;

	pmt_trace_prio(t, prio);
	if (t->state == PMT_READY) {
		pmt_sched_remove(t);
		t->prio = (uint8_t)prio;
		pmt_sched_push_tail(t);
	} else if (t->state == PMT_BLOCKED && (queue = queue_of(t)) != NULL) {
		pmt_waitq_remove(queue, t);
		t->prio = (uint8_t)prio;
		pmt_waitq_insert(queue, t);
	} else {
		t->prio = (uint8_t)prio;
	}
}

/* Scheduler locked.  Bounded like pmt_wait_cycle(). */
void
pmt_pi_update(struct pmt_thread *t)
{
	const pmt_mutex_t *m;
	unsigned prio, n;

	for (n = 0; t != NULL && n <= PMT_CONFIG_MAX_THREADS; n++) {
		prio = t->base_prio;
		for (m = t->held; m != NULL; m = m->next_held_)
			if (m->waiters_ != NULL && m->waiters_->prio > prio)
				prio = m->waiters_->prio;
		if (prio == t->prio)
			return;
		pmt_prio_move(t, prio);
		if (t->state != PMT_BLOCKED || t->wait_kind != PMT_WAIT_MUTEX)
			return;
		t = pmt_mutex_owner(t->wait_obj);
	}
}
