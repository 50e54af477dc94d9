/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * mutex.h - the mutex operations that blocking, condition variables and
 * thread exit share with pmt_mutex_*().  Scheduler locked.
 *
 * The lock word holds the owner's id, so a thread takes a free mutex, and
 * releases one nobody waits for, in a fast section (core.h) without the
 * scheduler lock.  Everything else happens with the scheduler locked, which
 * keeps every other thread (and so every other fast path) off the CPU.  A
 * mutex with waiters has PMT_MUTEX_WAITERS_ set, which sends its owner's
 * unlock to the slow path, and is on its owner's held list, which priority
 * inheritance and thread exit walk.  A mutex without waiters is on no list:
 * if its owner finishes, the lock word keeps a dead id, and the next
 * locker finds out (PMT_EOWNERDEAD).
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

/* The id in the lock word: the owner, or 0. */
static inline pmt_t
pmt_mutex_owner_id(const pmt_mutex_t *mutex)
{
	return (pmt_t)mutex->lock_;
}

/* The owner, or NULL when the mutex is unlocked or its owner finished. */
PMT_HIDDEN struct pmt_thread *pmt_mutex_owner(const pmt_mutex_t *mutex);

/*
 * Takes the mutex for the caller, waiting until deadline when another
 * thread owns it (never when trying): 0, PMT_EOWNERDEAD (taken, after an
 * owner that finished holding it), PMT_EDEADLK, PMT_EBUSY, PMT_EOVERFLOW
 * or PMT_ETIMEDOUT.
 */
PMT_HIDDEN int pmt_mutex_acquire(
    pmt_mutex_t *mutex, pmt_time_t deadline, int trying);

/*
 * owner (the caller, or a thread stopped for a stack overflow) owns the
 * mutex: gives it up whatever its depth, to the first waiter if any (who
 * wakes with result), and drops what owner inherited through it.  Does
 * not switch: the caller decides.
 */
PMT_HIDDEN void pmt_mutex_release(
    pmt_mutex_t *mutex, struct pmt_thread *owner, int result);

/* A waiter joined (the first) or left (the last) the mutex's queue: the
 * waiters flag and the owner's held list follow, then the owner's
 * inherited priority. */
PMT_HIDDEN void pmt_mutex_waiters_changed(pmt_mutex_t *mutex);

#endif /* PMT_MUTEX_H */
