/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * mutex.c - mutexes with priority inheritance: error-checking or
 * recursive, handed to waiters by priority then arrival.
 */
#include "mutex.h"

/* Scheduler locked.  t owns the mutex now. */
static void
take(pmt_mutex_t *mutex, struct pmt_thread *t)
{
	mutex->owner_ = t;
	mutex->count_ = 1;
	mutex->next_held_ = t->held;
	t->held = mutex;
}

/* Scheduler locked.  Off its owner's list of held mutexes. */
static void
held_remove(pmt_mutex_t *mutex)
{
	pmt_mutex_t **link = &mutex->owner_->held;

	while (*link != mutex) {
		if (*link == NULL)
			pmt_port_panic("libpmt: an owned mutex is missing from "
			               "its owner's list (mutex memory "
			               "overwritten?)");
		link = &(*link)->next_held_;
	}
	*link = mutex->next_held_;
	mutex->next_held_ = NULL;
}

/* Scheduler locked. */
int
pmt_mutex_acquire(pmt_mutex_t *mutex, pmt_time_t deadline, int trying)
{
	struct pmt_thread *self = pmt_core.current;

	if (mutex->owner_ == NULL) {
		take(mutex, self);
		if (mutex->ownerdead_) {
			mutex->ownerdead_ = 0;
			return PMT_EOWNERDEAD;
		}
		return 0;
	}
	if (mutex->owner_ == self) {
		if (mutex->type_ != PMT_MUTEX_RECURSIVE)
			return PMT_EDEADLK;
		if (mutex->count_ == UINT32_MAX)
			return PMT_EOVERFLOW;
		mutex->count_++;
		return 0;
	}
	if (trying)
		return PMT_EBUSY;
	if (pmt_wait_cycle(mutex->owner_))
		return PMT_EDEADLK;
	/* The unlocking thread hands the mutex over: when the wait ends
	 * with 0 or PMT_EOWNERDEAD, the caller owns it. */
	return pmt_wait_block(PMT_WAIT_MUTEX, mutex, &mutex->waiters_, deadline);
}

/* Scheduler locked. */
void
pmt_mutex_release(pmt_mutex_t *mutex, int result)
{
	struct pmt_thread *self = mutex->owner_, *next;

	held_remove(mutex);
	next = pmt_waitq_pop(&mutex->waiters_);
	if (next == NULL) {
		mutex->owner_ = NULL;
		mutex->count_ = 0;
	} else {
		take(mutex, next);
		pmt_wait_wake(next, result);
		/* The new owner inherits from the waiters left behind. */
		pmt_pi_update(next);
	}
	if (self->prio != self->base_prio)
		pmt_pi_update(self);
}

/* Thread context. */
int
pmt_mutex_init(pmt_mutex_t *mutex, int type)
{
	if (mutex == NULL ||
	    (type != PMT_MUTEX_NORMAL && type != PMT_MUTEX_RECURSIVE))
		return PMT_EINVAL;
	if (pmt_mutex_valid(mutex) &&
	    (mutex->owner_ != NULL || mutex->waiters_ != NULL))
		return PMT_EBUSY;
	mutex->magic_ = PMT_MUTEX_MAGIC_;
	mutex->type_ = (uint8_t)type;
	mutex->ownerdead_ = 0;
	mutex->count_ = 0;
	mutex->owner_ = NULL;
	mutex->waiters_ = NULL;
	mutex->next_held_ = NULL;
	return 0;
}

/* Thread context. */
static int
lock(pmt_mutex_t *mutex, pmt_time_t deadline, int trying)
{
	int error;

	if (!pmt_core.initialised)
		return PMT_ENOINIT;
	if (!pmt_mutex_valid(mutex))
		return PMT_EINVAL;
	pmt_core_lock();
	error = pmt_mutex_acquire(mutex, deadline, trying);
	pmt_core_unlock();
	return error;
}

int
pmt_mutex_lock(pmt_mutex_t *mutex)
{
	return lock(mutex, PMT_TIME_NEVER, 0);
}

int
pmt_mutex_trylock(pmt_mutex_t *mutex)
{
	return lock(mutex, PMT_TIME_NEVER, 1);
}

int
pmt_mutex_timedlock(pmt_mutex_t *mutex, pmt_time_t deadline)
{
	return lock(mutex, deadline, 0);
}

/* Thread context. */
int
pmt_mutex_unlock(pmt_mutex_t *mutex)
{
	if (!pmt_core.initialised)
		return PMT_ENOINIT;
	if (!pmt_mutex_valid(mutex))
		return PMT_EINVAL;
	pmt_core_lock();
	if (mutex->owner_ != pmt_core.current) {
		pmt_core_unlock();
		return PMT_EPERM;
	}
	if (mutex->count_ > 1) {
		mutex->count_--;
	} else {
		pmt_mutex_release(mutex, 0);
		pmt_sched_yield_higher();
	}
	pmt_core_unlock();
	return 0;
}
