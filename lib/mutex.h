/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * mutex.h - the mutex operations that condition variables and thread exit
 * share with pmt_mutex_*().  Scheduler locked, calling thread's context.
 */
#ifndef PMT_MUTEX_H
#define PMT_MUTEX_H

#include "wait.h"

/* mutex is a pmt_mutex_t the calls accept. */
static inline int
pmt_mutex_valid(const pmt_mutex_t *mutex)
{
	return mutex != NULL && mutex->magic_ == PMT_MUTEX_MAGIC_;
}

/*
 * Takes the mutex for the caller, waiting until deadline when it is owned
 * by another thread (never when trying): 0, PMT_EOWNERDEAD (taken, after
 * an owner that finished holding it), PMT_EDEADLK, PMT_EBUSY,
 * PMT_EOVERFLOW or PMT_ETIMEDOUT.
 */
PMT_HIDDEN int pmt_mutex_acquire(
    pmt_mutex_t *mutex, pmt_time_t deadline, int trying);

/*
 * The caller owns the mutex: gives it up whatever its depth, to the first
 * waiter if any (who wakes with result), and drops what the caller
 * inherited through it.  Does not switch: the caller decides.
 */
PMT_HIDDEN void pmt_mutex_release(pmt_mutex_t *mutex, int result);

#endif /* PMT_MUTEX_H */
