/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * busyutil.h - busy threads for the preemption tests: threads that spin
 * without yielding, and give up after a deadline rather than hang when
 * preemption does not move them along.  Each test binary that includes
 * it has one copy of its state.
 */
#ifndef PMT_BUSYUTIL_H
#define PMT_BUSYUTIL_H

#include "testutil.h"

/* A run that preemption does not move along gives up after this long and
 * says so; the tcase timeouts are far above it.  Both are longer under
 * Valgrind. */
#define GIVE_UP_MS (5000 * TEST_SLOWDOWN)
#define TIMEOUT (30 * TEST_SLOWDOWN)

static volatile int stop;    /* busy threads: leave the loop */
static volatile int gave_up; /* a thread reached the deadline */
static uint64_t deadline;
static volatile unsigned long spins[TEST_MAX_TURNERS];

/* Every 1024 passes of a busy loop: past the deadline?  Then record it
 * and stop every busy thread. */
static inline int
overdue(unsigned long pass)
{
	if ((pass & 1023) != 0 || !test_expired(deadline))
		return 0;
	gave_up = 1;
	stop = 1;
	return 1;
}

/* stats.ticks now, from any libpmt thread. */
static inline uint64_t
ticks_now(void)
{
	struct pmt_stats st;

	if (pmt_stats(&st) != 0)
		return 0;
	return st.ticks;
}

/* stats.preemptions now, from any libpmt thread. */
static inline uint64_t
preemptions_now(void)
{
	struct pmt_stats st;

	if (pmt_stats(&st) != 0)
		return 0;
	return st.preemptions;
}

/* Spawns threads 0..n-1 on the big stacks (n at most TEST_BIG_STACKS),
 * each with its number as argument; test body only. */
static inline void
spawn_all(pmt_t *tids, int n, void *(*entry)(void *), int prio)
{
	int i;

	for (i = 0; i < n; i++)
		ck_assert_pmt_ok(test_spawn_big(
		    &tids[i], entry, (void *)(uintptr_t)i, i, prio));
}

/* Joins them; test body only. */
static inline void
join_all(const pmt_t *tids, int n)
{
	int i;

	for (i = 0; i < n; i++)
		ck_assert_pmt_ok(pmt_join(tids[i], NULL));
}

static inline void
assert_no_give_up(void)
{
	ck_assert_msg(!gave_up,
	    "a busy thread waited %d ms in vain: preemption did not move the "
	    "threads along",
	    GIVE_UP_MS);
}

/* Spins until told to stop, counting its turns. */
static inline void *
spin_until_stopped(void *arg)
{
	int me = (int)(uintptr_t)arg;
	unsigned long pass = 0;

	while (!stop) {
		spins[me]++;
		test_turn(me);
		overdue(++pass);
	}
	return NULL;
}

#endif /* PMT_BUSYUTIL_H */
