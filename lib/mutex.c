/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * mutex.c - mutexes with priority inheritance: error-checking or
 * recursive, handed to waiters by priority then arrival; see mutex.h for
 * the lock word.
 */
#include "mutex.h"

/* Scheduler locked. */
struct pmt_thread *
pmt_mutex_owner(const pmt_mutex_t *mutex)
{
	struct pmt_thread *t = pmt_thread_lookup(pmt_mutex_owner_id(mutex));

	return t != NULL && t->state != PMT_DONE ? t : NULL;
}

/* Scheduler locked.  Onto the front of t's held list. */
static void
held_add(struct pmt_thread *t, pmt_mutex_t *mutex)
{
	mutex->next_held_ = t->held;
	t->held = mutex;
}

/* Scheduler locked.  Off t's held list. */
static void
held_remove(struct pmt_thread *t, pmt_mutex_t *mutex)
{
	pmt_mutex_t **link = &t->held;

	while (*link != mutex) {
		if (*link == NULL)
			pmt_port_panic(
			    "libpmt: a mutex with waiters is missing "
			    "from its owner's list (mutex memory "
			    "overwritten?)");
		link = &(*link)->next_held_;
	}
	*link = mutex->next_held_;
	mutex->next_held_ = NULL;
}

/* Scheduler locked. */
void
pmt_mutex_waiters_changed(pmt_mutex_t *mutex)
{
	struct pmt_thread *owner = pmt_mutex_owner(mutex);
	int flagged = (mutex->lock_ & PMT_MUTEX_WAITERS_) != 0;

	if (owner == NULL)
		return;
	if (mutex->waiters_ != NULL && !flagged) {
		mutex->lock_ |= PMT_MUTEX_WAITERS_;
		held_add(owner, mutex);
	} else if (mutex->waiters_ == NULL && flagged) {
		mutex->lock_ &= ~PMT_MUTEX_WAITERS_;
		held_remove(owner, mutex);
	}
	pmt_pi_update(owner);
}

/* What acquire_now() returns when the caller must wait. */
#define MUST_WAIT (-1)

/* Scheduler locked.  Takes the mutex if the caller may without waiting:
 * a result of pmt_mutex_acquire(), or MUST_WAIT. */
static int
acquire_now(pmt_mutex_t *mutex, int trying)
{
	struct pmt_thread *self = pmt_core.current, *owner;
	pmt_t id = pmt_mutex_owner_id(mutex);

	if (id == self->id) {
		if (mutex->type_ != PMT_MUTEX_RECURSIVE)
			return PMT_EDEADLK;
		if (mutex->count_ == UINT32_MAX)
			return PMT_EOVERFLOW;
		mutex->count_++;
		return 0;
	}
	owner = pmt_mutex_owner(mutex);
	if (owner == NULL) {
		/* Free, or its owner finished holding it (and so without
		 * waiters: thread exit hands those over). */
		mutex->lock_ = self->id;
		mutex->count_ = 1;
		return id == 0 ? 0 : PMT_EOWNERDEAD;
	}
	if (trying)
		return PMT_EBUSY;
	if (pmt_wait_cycle(owner))
		return PMT_EDEADLK;
	/* The unlocking thread hands the mutex over: when the wait ends
	 * with 0 or PMT_EOWNERDEAD, the caller owns it. */
	return MUST_WAIT;
}

/* Scheduler locked. */
int
pmt_mutex_acquire(pmt_mutex_t *mutex, pmt_time_t deadline, int trying)
{
	int error = acquire_now(mutex, trying);

	if (error != MUST_WAIT)
		return error;
	return pmt_wait_block(
	    PMT_WAIT_MUTEX, mutex, &mutex->waiters_, deadline);
}

/* Scheduler locked. */
void
pmt_mutex_release(pmt_mutex_t *mutex, struct pmt_thread *self, int result)
{
	struct pmt_thread *next = pmt_waitq_pop(&mutex->waiters_);

	if (next == NULL) {
		mutex->lock_ = 0;
		return;
	}
	held_remove(self, mutex);
	mutex->lock_ = next->id;
	mutex->count_ = 1;
	pmt_wait_wake(next, result);
	/* The new owner inherits from the waiters left behind; the old one,
	 * if it inherited at all, no longer from any of them. */
	if (mutex->waiters_ != NULL) {
		mutex->lock_ |= PMT_MUTEX_WAITERS_;
		held_add(next, mutex);
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
	/* In use: owned by a live thread, or waited for.  A mutex whose
	 * owner finished may be made new.  Needs pmt_init() only to look
	 * the owner up. */
	if (pmt_mutex_valid(mutex) &&
	    (mutex->waiters_ != NULL ||
	        (mutex->lock_ != 0 &&
	            (!pmt_core.initialised || pmt_mutex_owner(mutex) != NULL))))
		return PMT_EBUSY;
	mutex->magic_ = PMT_MUTEX_MAGIC_;
	mutex->count_ = 0;
	mutex->lock_ = 0;
	mutex->waiters_ = NULL;
	mutex->next_held_ = NULL;
	mutex->type_ = (uint8_t)type;
	return 0;
}

/* Thread context.  The lock when the fast path in lock() could not take
 * it: out of line, so the fast path needs no stack frame. */
static __attribute__((noinline)) int
lock_slow(pmt_mutex_t *mutex, pmt_time_t deadline, int trying)
{
	int error;

	if (!pmt_core.initialised)
		return PMT_ENOINIT;
	if (!pmt_mutex_valid(mutex))
		return PMT_EINVAL;
	pmt_core_lock();
	error = acquire_now(mutex, trying);
	if (error != MUST_WAIT) {
		pmt_core_unlock();
		return error;
	}
	/* Tail position: see pmt_wait_block_return(). */
	return pmt_wait_block_return(
	    PMT_WAIT_MUTEX, mutex, &mutex->waiters_, deadline);
}

/* Thread context.  A free mutex is taken in a fast section, without the
 * lock. */
static inline int
lock(pmt_mutex_t *mutex, pmt_time_t deadline, int trying)
{
	if (__builtin_expect(
	        pmt_core.initialised && pmt_mutex_valid(mutex), 1)) {
		pmt_core_fast_begin();
		if (mutex->lock_ == 0) {
			mutex->lock_ = pmt_core.current->id;
			mutex->count_ = 1;
			pmt_core_fast_end();
			return 0;
		}
		pmt_core_fast_end();
	}
	return lock_slow(mutex, deadline, trying);
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

/* Thread context.  The unlock when the fast path could not do it. */
static __attribute__((noinline)) int
unlock_slow(pmt_mutex_t *mutex)
{
	struct pmt_thread *self = pmt_core.current;
	int error = 0;

	if (!pmt_core.initialised)
		return PMT_ENOINIT;
	if (!pmt_mutex_valid(mutex))
		return PMT_EINVAL;
	pmt_core_lock();
	if (pmt_mutex_owner_id(mutex) != self->id) {
		error = PMT_EPERM;
	} else if (mutex->count_ > 1) {
		mutex->count_--;
	} else {
		pmt_mutex_release(mutex, self, 0);
		pmt_sched_yield_higher();
	}
	pmt_core_unlock();
	return error;
}

/* Thread context.  Owned once by the caller and nobody waits: released in
 * a fast section.  Nobody inherits through it, so no priority moves. */
int
pmt_mutex_unlock(pmt_mutex_t *mutex)
{
	if (__builtin_expect(
	        pmt_core.initialised && pmt_mutex_valid(mutex), 1)) {
		pmt_core_fast_begin();
		if (mutex->lock_ == pmt_core.current->id &&
		    mutex->count_ == 1) {
			mutex->lock_ = 0;
			pmt_core_fast_end();
			return 0;
		}
		pmt_core_fast_end();
	}
	return unlock_slow(mutex);
}
