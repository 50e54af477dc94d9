/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * syncutil.h - helpers shared by the suites of the synchronisation and time
 * calls (mutexes, conditions, semaphores, sleeps, priority inheritance,
 * deadlock reports).  Each such suite is built twice from one source: with
 * TEST_TICK 0 its tests run cooperatively, and with TEST_TICK 1 (the
 * _preempt binaries) every test runs with the tick started, so that each
 * behaviour is shown both ways.
 */
#ifndef PMT_SYNCUTIL_H
#define PMT_SYNCUTIL_H

#include "testutil.h"

#ifndef TEST_TICK
#error "build with -DTEST_TICK=0 (cooperative) or -DTEST_TICK=1 (preemptive)"
#endif

#define PTR(n) ((void *)(uintptr_t)(n))

/*
 * Objects on a test's stack are zeroed before their init call: the init
 * reads the object to refuse one that is in use (PMT_EBUSY), and
 * Memcheck reports that read of memory never written (make
 * check-valgrind).
 */

/* The tick of the preemptive builds, and the fast one of the stress
 * tests, in microseconds. */
#define TICK_USEC 1000
#define FAST_TICK_USEC 100

/* Check's limit for one test, in seconds; far above what any takes. */
#define TIMEOUT 30

/*
 * Main watches from the lowest level (OBSERVER) in most tests: the threads
 * it spawns run at once, up to the point where they block, and main runs
 * again only when every other thread is blocked or finished.  That makes
 * the order of events the same cooperatively and under the tick, without
 * sleeping to let threads "get there".
 */
#define OBSERVER PMT_PRIO_MIN

static pmt_t main_id;

/* pmt_init(), then the tick at usec in the preemptive build. */
static inline void
sync_init_tick(unsigned long usec)
{
	ck_assert_pmt_ok(pmt_init());
	main_id = pmt_self();
	if (TEST_TICK)
		ck_assert_pmt_ok(pmt_preempt_start(usec, 0));
}

static inline void
sync_init(void)
{
	sync_init_tick(TICK_USEC);
}

/* Main becomes the observer (above). */
static inline void
observe(void)
{
	ck_assert_pmt_ok(pmt_setprio(pmt_self(), OBSERVER));
}

static inline uint64_t
switches_now(void)
{
	struct pmt_stats st;

	memset(&st, 0, sizeof st);
	ck_assert_pmt_ok(pmt_stats(&st));
	return st.switches;
}

/* stats.ticks, from any libpmt thread. */
static inline uint64_t
sync_ticks_now(void)
{
	struct pmt_stats st;

	if (pmt_stats(&st) != 0)
		return 0;
	return st.ticks;
}

/* The effective and the base priority of t; main only. */
static inline int
effprio(pmt_t t)
{
	int prio = -1;

	ck_assert_pmt_ok(pmt_getprio_effective(t, &prio));
	return prio;
}

static inline int
baseprio(pmt_t t)
{
	int prio = -1;

	ck_assert_pmt_ok(pmt_getprio(t, &prio));
	return prio;
}

/* Effective priority of the caller, from any libpmt thread (-1 on
 * error, which the expected values never are). */
static inline int
my_effprio(void)
{
	int prio = -1;

	if (pmt_getprio_effective(pmt_self(), &prio) != 0)
		return -1;
	return prio;
}

/* CPU work that the compiler cannot drop. */
static inline void
busy(unsigned n)
{
	volatile unsigned x = 0;

	while (n-- > 0)
		x++;
}

/*
 * Give-up deadline of spinning threads: a run that a bug stalls (a
 * spinner that would never be stopped) ends after GIVE_UP_MS and says
 * so, instead of hanging until Check's timeout (longer under Valgrind:
 * TEST_SLOWDOWN).  It only bounds a broken run; no test measures time
 * with it.
 */
#define GIVE_UP_MS 5000
static uint64_t give_up_at;
static volatile int gave_up;

static inline void
give_up_start(void)
{
	give_up_at = test_deadline_ms(GIVE_UP_MS * TEST_SLOWDOWN);
}

/* Past the give-up deadline?  Then records it. */
static inline int
overdue(void)
{
	if (!test_expired(give_up_at))
		return 0;
	gave_up = 1;
	return 1;
}

/* Keeps the CPU, busy (and yielding now and then when there is no tick),
 * until *flag is set or the give-up deadline has passed. */
static inline void
spin_until(const volatile int *flag)
{
	while (!*flag && !overdue()) {
		busy(100);
		if (!TEST_TICK)
			pmt_yield();
	}
}

static inline void
assert_no_give_up(void)
{
	ck_assert_msg(!gave_up,
	    "a thread waited %d ms in vain for what should have happened",
	    GIVE_UP_MS);
}

/* Thread entry: logs its tag (the argument). */
static inline void *
log_tag(void *arg)
{
	test_log((char)(uintptr_t)arg);
	return NULL;
}

/* Suite runner: the preemptive build of a library without preemption
 * skips (status 77). */
static inline int
sync_main(Suite *(*make_suite)(void))
{
	if (TEST_TICK && !PMT_TEST_PREEMPTION)
		return test_skip_without_preemption();
	return test_run_suite(make_suite());
}

#endif /* PMT_SYNCUTIL_H */
