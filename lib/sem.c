/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * sem.c - counting semaphores with a limit: a post hands its unit straight
 * to the first waiter (by priority then arrival), so no wake-up is lost
 * or taken twice.
 */
#include "wait.h"

static int
sem_valid(const pmt_sem_t *sem)
{
	return sem != NULL && sem->magic_ == PMT_SEM_MAGIC_;
}

/* Thread context. */
int
pmt_sem_init(pmt_sem_t *sem, unsigned value, unsigned max)
{
	if (sem == NULL || max == 0 || value > max)
		return PMT_EINVAL;
	if (sem_valid(sem) && sem->waiters_ != NULL)
		return PMT_EBUSY;
	sem->magic_ = PMT_SEM_MAGIC_;
	sem->count_ = value;
	sem->max_ = max;
	sem->waiters_ = NULL;
	return 0;
}

/* Thread context. */
static int
take(pmt_sem_t *sem, pmt_time_t deadline, int trying)
{
	if (!pmt_core.initialised)
		return PMT_ENOINIT;
	if (!sem_valid(sem))
		return PMT_EINVAL;
	pmt_core_lock();
	if (sem->count_ > 0 || trying) {
		int error = sem->count_ > 0 ? 0 : PMT_EBUSY;

		if (error == 0)
			sem->count_--;
		pmt_core_unlock();
		return error;
	}
	/* A post hands its unit over: a wait that ends with 0 has it.  Tail
	 * position: see pmt_wait_block_return(). */
	return pmt_wait_block_return(
	    PMT_WAIT_SEM, sem, &sem->waiters_, deadline);
}

int
pmt_sem_wait(pmt_sem_t *sem)
{
	return take(sem, PMT_TIME_NEVER, 0);
}

int
pmt_sem_trywait(pmt_sem_t *sem)
{
	return take(sem, PMT_TIME_NEVER, 1);
}

int
pmt_sem_timedwait(pmt_sem_t *sem, pmt_time_t deadline)
{
	return take(sem, deadline, 0);
}

/* Thread context. */
int
pmt_sem_post(pmt_sem_t *sem)
{
	struct pmt_thread *t;
	int error = 0;

	if (!pmt_core.initialised)
		return PMT_ENOINIT;
	if (!sem_valid(sem))
		return PMT_EINVAL;
	pmt_core_lock();
	t = pmt_waitq_pop(&sem->waiters_);
	if (t != NULL) {
		pmt_wait_wake(t, 0);
		pmt_sched_yield_higher();
	} else if (sem->count_ >= sem->max_) {
		error = PMT_EOVERFLOW;
	} else {
		sem->count_++;
	}
	pmt_core_unlock();
	return error;
}

/* Thread context. */
int
pmt_sem_getvalue(pmt_sem_t *sem, unsigned *value)
{
	if (!sem_valid(sem) || value == NULL)
		return PMT_EINVAL;
	*value = sem->count_;
	return 0;
}
