/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * cond.c - condition variables: waiters woken by priority then arrival,
 * each taking its mutex back before it returns.
 */
#include "mutex.h"

static int
cond_valid(const pmt_cond_t *cond)
{
	return cond != NULL && cond->magic_ == PMT_COND_MAGIC_;
}

/* Thread context. */
int
pmt_cond_init(pmt_cond_t *cond)
{
	if (cond == NULL)
		return PMT_EINVAL;
	if (cond_valid(cond) && cond->waiters_ != NULL)
		return PMT_EBUSY;
	cond->magic_ = PMT_COND_MAGIC_;
	cond->waiters_ = NULL;
	cond->mutex_ = NULL;
	return 0;
}

/* Thread context. */
static int
wait(pmt_cond_t *cond, pmt_mutex_t *mutex, pmt_time_t deadline)
{
	struct pmt_thread *self = pmt_core.current;
	uint32_t depth;
	int error, relock;

	if (!pmt_core.initialised)
		return PMT_ENOINIT;
	if (!cond_valid(cond) || !pmt_mutex_valid(mutex))
		return PMT_EINVAL;
	pmt_core_lock();
	if (pmt_mutex_owner_id(mutex) != self->id) {
		pmt_core_unlock();
		return PMT_EPERM;
	}
	/* All waiters of a condition wait with the same mutex. */
	if (cond->waiters_ != NULL && cond->mutex_ != mutex) {
		pmt_core_unlock();
		return PMT_EINVAL;
	}
	/* A deadline already passed: the caller keeps the mutex. */
	if (deadline != PMT_TIME_NEVER && deadline <= pmt_port_now()) {
		pmt_core_unlock();
		return PMT_ETIMEDOUT;
	}
	depth = mutex->count_;
	pmt_mutex_release(mutex, self, 0);
	cond->mutex_ = mutex;
	error = pmt_wait_block(PMT_WAIT_COND, cond, &cond->waiters_, deadline);
	if (cond->waiters_ == NULL)
		cond->mutex_ = NULL;
	/* Back with the mutex, however the wait ended: a wait that could
	 * never end found it free, as no thread could have taken it. */
	relock = pmt_mutex_acquire(mutex, PMT_TIME_NEVER, 0);
	if (relock == 0 || relock == PMT_EOWNERDEAD)
		mutex->count_ = depth;
	pmt_core_unlock();
	return relock != 0 ? relock : error;
}

int
pmt_cond_wait(pmt_cond_t *cond, pmt_mutex_t *mutex)
{
	return wait(cond, mutex, PMT_TIME_NEVER);
}

int
pmt_cond_timedwait(pmt_cond_t *cond, pmt_mutex_t *mutex, pmt_time_t deadline)
{
	return wait(cond, mutex, deadline);
}

/* Thread context.  Wakes one waiter, or all. */
static int
wake(pmt_cond_t *cond, int all)
{
	struct pmt_thread *t;

	if (!pmt_core.initialised)
		return PMT_ENOINIT;
	if (!cond_valid(cond))
		return PMT_EINVAL;
	pmt_core_lock();
	while ((t = pmt_waitq_pop(&cond->waiters_)) != NULL) {
		pmt_wait_wake(t, 0);
		if (!all)
			break;
	}
	if (cond->waiters_ == NULL)
		cond->mutex_ = NULL;
	pmt_sched_yield_higher();
	pmt_core_unlock();
	return 0;
}

int
pmt_cond_signal(pmt_cond_t *cond)
{
	return wake(cond, 0);
}

int
pmt_cond_broadcast(pmt_cond_t *cond)
{
	return wake(cond, 1);
}
