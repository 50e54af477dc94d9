/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * check_mutex.c - unit tests of mutexes: every error code, the uncontended
 * and the contended paths, recursion, direct hand-over to waiters by
 * priority then arrival, timed locks, and owners that finish holding a
 * mutex.  Built twice: cooperative, and with the tick running.
 */
#include <stdint.h>
#include <string.h>

#include "syncutil.h"

static pmt_mutex_t m = PMT_MUTEX_INITIALIZER;
static pmt_mutex_t m2 = PMT_MUTEX_INITIALIZER;
static pmt_mutex_t rm = PMT_MUTEX_RECURSIVE_INITIALIZER;
static pmt_sem_t go = PMT_SEM_INITIALIZER(0, 100);

/* Results the threads record for the test body. */
static volatile int rc_lock = -1, rc_try = -1, rc_unlock = -1, rc_more = -1;
static volatile int bad; /* calls that returned what they should not */

/* ---------------------------------------------------------------- threads */

/* Locks m, waits for a post of go, unlocks m. */
static void *
hold_m_until_go(void *arg)
{
	rc_lock = pmt_mutex_lock(&m);
	if (pmt_sem_wait(&go) != 0)
		bad++;
	test_log('O');
	rc_unlock = pmt_mutex_unlock(&m);
	return arg;
}

/* Locks m and finishes holding it. */
static void *
lock_m_and_exit(void *arg)
{
	rc_lock = pmt_mutex_lock(&m);
	return arg;
}

/* Locks m, waits for a post of go, finishes holding m. */
static void *
lock_m_wait_go_and_exit(void *arg)
{
	rc_lock = pmt_mutex_lock(&m);
	if (pmt_sem_wait(&go) != 0)
		bad++;
	return arg;
}

/* Locks rm three times and finishes holding it. */
static void *
lock_rm_thrice_and_exit(void *arg)
{
	if (pmt_mutex_lock(&rm) != 0 || pmt_mutex_lock(&rm) != 0 ||
	    pmt_mutex_lock(&rm) != 0)
		bad++;
	return arg;
}

/* Logs 'w', locks m, logs 'W' once it has it, shows it owns m (a relock
 * fails with PMT_EDEADLK), unlocks. */
static void *
wait_for_m(void *arg)
{
	test_log('w');
	rc_lock = pmt_mutex_lock(&m);
	test_log('W');
	rc_try = pmt_mutex_trylock(&m);
	rc_unlock = pmt_mutex_unlock(&m);
	return arg;
}

/* Locks m, logs its tag (the argument), unlocks. */
static void *
lock_log_unlock(void *arg)
{
	if (pmt_mutex_lock(&m) != 0)
		bad++;
	test_log((char)(uintptr_t)arg);
	if (pmt_mutex_unlock(&m) != 0)
		bad++;
	return NULL;
}

/* Locks rm, logs its tag (the argument), unlocks. */
static void *
lock_rm_log_unlock(void *arg)
{
	if (pmt_mutex_lock(&rm) != 0)
		bad++;
	test_log((char)(uintptr_t)arg);
	if (pmt_mutex_unlock(&rm) != 0)
		bad++;
	return NULL;
}

/* Tries m for 3 ms; records the result. */
static void *
timedlock_m_3ms(void *arg)
{
	rc_more = pmt_mutex_timedlock(&m, pmt_now() + PMT_MSEC(3));
	test_log('T');
	return arg;
}

/* ---------------------------------------------------------------- errors */

START_TEST(test_mutex_calls_fail_with_enoinit_before_init)
{
	pmt_mutex_t a, z;

	memset(&a, 0, sizeof a); /* see syncutil.h */
	memset(&z, 0, sizeof z);
	/* Initialising works before pmt_init(). */
	ck_assert_pmt_ok(pmt_mutex_init(&a, PMT_MUTEX_NORMAL));
	ck_assert_pmt_ok(pmt_mutex_init(&z, PMT_MUTEX_RECURSIVE));
	ck_assert_pmt_eq(pmt_mutex_lock(&a), PMT_ENOINIT);
	ck_assert_pmt_eq(pmt_mutex_trylock(&a), PMT_ENOINIT);
	ck_assert_pmt_eq(
	    pmt_mutex_timedlock(&a, pmt_now() + PMT_MSEC(1)), PMT_ENOINIT);
	ck_assert_pmt_eq(pmt_mutex_unlock(&a), PMT_ENOINIT);
	ck_assert_pmt_eq(pmt_mutex_lock(&m), PMT_ENOINIT);
	ck_assert_pmt_eq(pmt_mutex_lock(&rm), PMT_ENOINIT);
	ck_assert_pmt_eq(pmt_mutex_unlock(&rm), PMT_ENOINIT);
	ck_assert_pmt_eq(pmt_mutex_lock(NULL), PMT_ENOINIT);
	/* The failed calls changed nothing. */
	sync_init();
	ck_assert_pmt_eq(pmt_mutex_unlock(&a), PMT_EPERM);
	ck_assert_pmt_ok(pmt_mutex_lock(&a));
	ck_assert_pmt_eq(pmt_mutex_lock(&a), PMT_EDEADLK);
	ck_assert_pmt_ok(pmt_mutex_unlock(&a));
	ck_assert_pmt_ok(pmt_mutex_lock(&z));
	ck_assert_pmt_ok(pmt_mutex_lock(&z));
	ck_assert_pmt_ok(pmt_mutex_unlock(&z));
	ck_assert_pmt_ok(pmt_mutex_unlock(&z));
	ck_assert_pmt_eq(pmt_mutex_unlock(&rm), PMT_EPERM);
}
END_TEST

START_TEST(test_mutex_calls_reject_null_and_uninitialised_with_einval)
{
	pmt_mutex_t zero, junk, *bad_mutex[3];
	int i;

	sync_init();
	memset(&zero, 0, sizeof zero);
	memset(&junk, 0xa5, sizeof junk);
	bad_mutex[0] = NULL;
	bad_mutex[1] = &zero;
	bad_mutex[2] = &junk;
	for (i = 0; i < 3; i++) {
		ck_assert_pmt_eq(pmt_mutex_lock(bad_mutex[i]), PMT_EINVAL);
		ck_assert_pmt_eq(pmt_mutex_trylock(bad_mutex[i]), PMT_EINVAL);
		ck_assert_pmt_eq(
		    pmt_mutex_timedlock(bad_mutex[i], pmt_now() + PMT_MSEC(1)),
		    PMT_EINVAL);
		ck_assert_pmt_eq(
		    pmt_mutex_timedlock(bad_mutex[i], 0), PMT_EINVAL);
		ck_assert_pmt_eq(pmt_mutex_unlock(bad_mutex[i]), PMT_EINVAL);
	}
	ck_assert_pmt_eq(pmt_mutex_init(NULL, PMT_MUTEX_NORMAL), PMT_EINVAL);
	ck_assert_pmt_eq(pmt_mutex_init(&zero, 2), PMT_EINVAL);
	ck_assert_pmt_eq(pmt_mutex_init(&zero, -1), PMT_EINVAL);
	/* A failed init leaves the object uninitialised. */
	ck_assert_pmt_eq(pmt_mutex_lock(&zero), PMT_EINVAL);
}
END_TEST

START_TEST(test_mutex_init_sets_the_type_of_an_idle_mutex)
{
	pmt_mutex_t a;

	sync_init();
	memset(&a, 0, sizeof a);
	ck_assert_pmt_ok(pmt_mutex_init(&a, PMT_MUTEX_RECURSIVE));
	ck_assert_pmt_ok(pmt_mutex_lock(&a));
	ck_assert_pmt_ok(pmt_mutex_lock(&a));
	ck_assert_pmt_ok(pmt_mutex_unlock(&a));
	ck_assert_pmt_ok(pmt_mutex_unlock(&a));
	/* Unlocked and without waiters: init may change the type. */
	ck_assert_pmt_ok(pmt_mutex_init(&a, PMT_MUTEX_NORMAL));
	ck_assert_pmt_ok(pmt_mutex_lock(&a));
	ck_assert_pmt_eq(pmt_mutex_lock(&a), PMT_EDEADLK);
	ck_assert_pmt_ok(pmt_mutex_unlock(&a));
	ck_assert_pmt_eq(pmt_mutex_unlock(&a), PMT_EPERM);
}
END_TEST

START_TEST(test_mutex_init_of_locked_mutex_fails_with_ebusy)
{
	pmt_t w;

	sync_init();
	ck_assert_pmt_ok(pmt_mutex_lock(&m));
	ck_assert_pmt_eq(pmt_mutex_init(&m, PMT_MUTEX_NORMAL), PMT_EBUSY);
	ck_assert_pmt_eq(pmt_mutex_init(&m, PMT_MUTEX_RECURSIVE), PMT_EBUSY);
	/* Still locked by main, still error-checking. */
	ck_assert_pmt_eq(pmt_mutex_lock(&m), PMT_EDEADLK);
	/* With a waiter too. */
	ck_assert_pmt_ok(
	    test_spawn(&w, wait_for_m, NULL, 0, PMT_PRIO_DEFAULT + 4));
	ck_assert_log("w");
	ck_assert_pmt_eq(pmt_mutex_init(&m, PMT_MUTEX_NORMAL), PMT_EBUSY);
	/* The waiter still gets the mutex at the unlock. */
	ck_assert_pmt_ok(pmt_mutex_unlock(&m));
	ck_assert_log("wW");
	ck_assert_pmt_ok(pmt_join(w, NULL));
	ck_assert_pmt_eq(rc_lock, 0);
	ck_assert_pmt_eq(rc_unlock, 0);
	ck_assert_pmt_ok(pmt_mutex_init(&m, PMT_MUTEX_RECURSIVE));
	ck_assert_pmt_ok(pmt_mutex_lock(&m));
	ck_assert_pmt_ok(pmt_mutex_lock(&m));
}
END_TEST

START_TEST(test_relock_of_error_checking_mutex_fails_with_edeadlk)
{
	pmt_mutex_t dyn, *mx = &m;

	sync_init();
	if (_i == 1) {
		memset(&dyn, 0, sizeof dyn); /* see syncutil.h */
		ck_assert_pmt_ok(pmt_mutex_init(&dyn, PMT_MUTEX_NORMAL));
		mx = &dyn;
	}
	ck_assert_pmt_ok(pmt_mutex_lock(mx));
	ck_assert_pmt_eq(pmt_mutex_lock(mx), PMT_EDEADLK);
	ck_assert_pmt_eq(pmt_mutex_trylock(mx), PMT_EDEADLK);
	ck_assert_pmt_eq(
	    pmt_mutex_timedlock(mx, pmt_now() + PMT_MSEC(1)), PMT_EDEADLK);
	ck_assert_pmt_eq(pmt_mutex_timedlock(mx, 0), PMT_EDEADLK);
	/* Locked once: one unlock frees it. */
	ck_assert_pmt_ok(pmt_mutex_unlock(mx));
	ck_assert_pmt_eq(pmt_mutex_unlock(mx), PMT_EPERM);
}
END_TEST

START_TEST(test_unlock_of_unlocked_mutex_fails_with_eperm)
{
	sync_init();
	ck_assert_pmt_eq(pmt_mutex_unlock(&m), PMT_EPERM);
	ck_assert_pmt_eq(pmt_mutex_unlock(&rm), PMT_EPERM);
	ck_assert_pmt_ok(pmt_mutex_lock(&m));
	ck_assert_pmt_ok(pmt_mutex_unlock(&m));
	ck_assert_pmt_eq(pmt_mutex_unlock(&m), PMT_EPERM);
}
END_TEST

START_TEST(test_mutex_of_other_thread_refuses_unlock_and_trylock)
{
	pmt_t o;

	sync_init();
	/* o locks m and waits for go. */
	ck_assert_pmt_ok(
	    test_spawn(&o, hold_m_until_go, NULL, 0, PMT_PRIO_DEFAULT + 4));
	ck_assert_pmt_eq(rc_lock, 0);
	ck_assert_pmt_eq(pmt_mutex_unlock(&m), PMT_EPERM);
	ck_assert_pmt_eq(pmt_mutex_trylock(&m), PMT_EBUSY);
	/* Neither took the mutex from o: o unlocks it fine. */
	ck_assert_pmt_ok(pmt_sem_post(&go));
	ck_assert_log("O");
	ck_assert_pmt_eq(rc_unlock, 0);
	ck_assert_pmt_ok(pmt_mutex_trylock(&m));
	ck_assert_pmt_ok(pmt_mutex_unlock(&m));
	ck_assert_pmt_ok(pmt_join(o, NULL));
	ck_assert_int_eq(bad, 0);
}
END_TEST

START_TEST(test_recursive_mutex_counts_its_depth)
{
	pmt_t o;
	unsigned i;

	sync_init();
	ck_assert_pmt_ok(pmt_mutex_lock(&rm));
	ck_assert_pmt_ok(pmt_mutex_trylock(&rm));
	ck_assert_pmt_ok(pmt_mutex_timedlock(&rm, pmt_now() + PMT_MSEC(1)));
	ck_assert_pmt_ok(pmt_mutex_timedlock(&rm, 0));
	for (i = 0; i < 100000; i++)
		ck_assert_int_eq(pmt_mutex_lock(&rm), 0);
	for (i = 0; i < 100003; i++)
		ck_assert_int_eq(pmt_mutex_unlock(&rm), 0);
	/* Depth 1 left: a higher thread blocks on it... */
	ck_assert_pmt_ok(test_spawn(
	    &o, lock_rm_log_unlock, PTR('o'), 0, PMT_PRIO_DEFAULT + 4));
	ck_assert_log("");
	/* ...until the last unlock hands it over, and o runs at once. */
	ck_assert_pmt_ok(pmt_mutex_unlock(&rm));
	ck_assert_log("o");
	ck_assert_pmt_eq(pmt_mutex_unlock(&rm), PMT_EPERM);
	ck_assert_pmt_ok(pmt_join(o, NULL));
	ck_assert_int_eq(bad, 0);
}
END_TEST

/*
 * Four thousand million locks would take most of a minute, so the test
 * starts near the limit: count_ is the owner's depth (a private member;
 * the test sets it only while main owns the mutex).
 */
START_TEST(test_recursive_depth_stops_at_uint32_max_with_eoverflow)
{
	sync_init();
	ck_assert_pmt_ok(pmt_mutex_lock(&rm));
	rm.count_ = UINT32_MAX - 1;
	ck_assert_pmt_ok(pmt_mutex_lock(&rm));
	ck_assert_pmt_eq(pmt_mutex_lock(&rm), PMT_EOVERFLOW);
	ck_assert_pmt_eq(pmt_mutex_trylock(&rm), PMT_EOVERFLOW);
	ck_assert_pmt_eq(
	    pmt_mutex_timedlock(&rm, pmt_now() + PMT_MSEC(1)), PMT_EOVERFLOW);
	ck_assert_uint_eq(rm.count_, UINT32_MAX);
	/* The failed locks counted nothing: one unlock, and a lock fits. */
	ck_assert_pmt_ok(pmt_mutex_unlock(&rm));
	ck_assert_pmt_ok(pmt_mutex_lock(&rm));
	ck_assert_pmt_eq(pmt_mutex_lock(&rm), PMT_EOVERFLOW);
	rm.count_ = 2;
	ck_assert_pmt_ok(pmt_mutex_unlock(&rm));
	ck_assert_pmt_ok(pmt_mutex_unlock(&rm));
	ck_assert_pmt_eq(pmt_mutex_unlock(&rm), PMT_EPERM);
}
END_TEST

/* ---------------------------------------------------------------- paths */

/*
 * The uncontended path never switches: with a lower thread ready (which
 * would run if main ever blocked), a thousand rounds of every call on a
 * free mutex leave the switch count and the log alone.
 */
START_TEST(test_uncontended_calls_never_switch)
{
	pmt_t low;
	uint64_t before;
	int i;

	sync_init();
	ck_assert_pmt_ok(test_spawn(&low, log_tag, PTR('L'), 0, 5));
	before = switches_now();
	for (i = 0; i < 1000; i++) {
		ck_assert_int_eq(pmt_mutex_lock(&m), 0);
		ck_assert_int_eq(pmt_mutex_unlock(&m), 0);
		ck_assert_int_eq(pmt_mutex_trylock(&m), 0);
		ck_assert_int_eq(pmt_mutex_unlock(&m), 0);
		ck_assert_int_eq(
		    pmt_mutex_timedlock(&m, pmt_now() + PMT_SEC(1)), 0);
		ck_assert_int_eq(pmt_mutex_unlock(&m), 0);
		ck_assert_int_eq(pmt_mutex_lock(&rm), 0);
		ck_assert_int_eq(pmt_mutex_lock(&rm), 0);
		ck_assert_int_eq(pmt_mutex_unlock(&rm), 0);
		ck_assert_int_eq(pmt_mutex_unlock(&rm), 0);
	}
	ck_assert_uint_eq(switches_now(), before);
	ck_assert_log("");
	ck_assert_pmt_ok(pmt_join(low, NULL));
	ck_assert_log("L");
}
END_TEST

/* A waiter blocks; the unlock hands it the mutex and, being higher, it
 * runs at once, owning it. */
START_TEST(test_lock_waits_until_the_owner_unlocks)
{
	pmt_t w;

	sync_init();
	ck_assert_pmt_ok(pmt_mutex_lock(&m));
	ck_assert_pmt_ok(
	    test_spawn(&w, wait_for_m, NULL, 0, PMT_PRIO_DEFAULT + 4));
	ck_assert_log("w");
	test_log('u');
	ck_assert_pmt_ok(pmt_mutex_unlock(&m));
	test_log('m');
	ck_assert_log("wuWm");
	ck_assert_pmt_ok(pmt_join(w, NULL));
	ck_assert_pmt_eq(rc_lock, 0);
	ck_assert_pmt_eq(rc_try, PMT_EDEADLK); /* it owned m */
	ck_assert_pmt_eq(rc_unlock, 0);
	ck_assert_pmt_ok(pmt_mutex_trylock(&m));
}
END_TEST

/*
 * The unlock hands the mutex to the waiter even when the waiter is lower
 * and does not run yet: the unlocker cannot take it back (no barging).
 */
START_TEST(test_unlock_hands_mutex_to_lower_waiter_without_barging)
{
	pmt_t w;

	sync_init();
	ck_assert_pmt_ok(pmt_mutex_lock(&m));
	ck_assert_pmt_ok(test_spawn(&w, wait_for_m, NULL, 0, 10));
	/* Main steps below w, so w runs and blocks on m; main inherits. */
	ck_assert_pmt_ok(pmt_setprio(main_id, 5));
	ck_assert_log("w");
	ck_assert_int_eq(effprio(main_id), 10);
	ck_assert_pmt_ok(pmt_setprio(main_id, 20));
	ck_assert_pmt_ok(pmt_mutex_unlock(&m));
	ck_assert_log("w"); /* w is lower: not run yet... */
	ck_assert_pmt_eq(pmt_mutex_trylock(&m), PMT_EBUSY); /* ...owns m */
	ck_assert_pmt_eq(pmt_mutex_unlock(&m), PMT_EPERM);
	ck_assert_pmt_ok(pmt_join(w, NULL));
	ck_assert_log("wW");
	ck_assert_pmt_eq(rc_lock, 0);
	ck_assert_pmt_eq(rc_try, PMT_EDEADLK);
	ck_assert_pmt_eq(rc_unlock, 0);
}
END_TEST

/* Inside pmt_preempt_disable() the higher waiter runs at the enable. */
START_TEST(test_higher_waiter_runs_at_end_of_nopreempt_section)
{
	pmt_t w;

	sync_init();
	ck_assert_pmt_ok(pmt_mutex_lock(&m));
	ck_assert_pmt_ok(
	    test_spawn(&w, wait_for_m, NULL, 0, PMT_PRIO_DEFAULT + 4));
	ck_assert_pmt_ok(pmt_preempt_disable());
	ck_assert_pmt_ok(pmt_mutex_unlock(&m));
	test_log('u');
	ck_assert_pmt_eq(pmt_mutex_trylock(&m), PMT_EBUSY);
	ck_assert_pmt_ok(pmt_preempt_enable());
	test_log('e');
	ck_assert_log("wuWe");
	ck_assert_pmt_ok(pmt_join(w, NULL));
	ck_assert_pmt_eq(rc_lock, 0);
}
END_TEST

/*
 * Waiters of priorities 5, 9, 5, 12, 9, 12 (a..f, in that order of
 * arrival) get the mutex by priority, then arrival: d f b e a c.
 */
START_TEST(test_waiters_get_mutex_by_priority_then_arrival)
{
	static const int prio[6] = {5, 9, 5, 12, 9, 12};
	pmt_t o, w[6];
	int i;

	sync_init();
	observe();
	ck_assert_pmt_ok(test_spawn(&o, hold_m_until_go, NULL, 0, 1));
	for (i = 0; i < 6; i++)
		ck_assert_pmt_ok(test_spawn(
		    &w[i], lock_log_unlock, PTR('a' + i), 1 + i, prio[i]));
	ck_assert_log("");
	ck_assert_pmt_ok(pmt_sem_post(&go));
	ck_assert_log("Odfbeac");
	ck_assert_pmt_ok(pmt_join(o, NULL));
	for (i = 0; i < 6; i++)
		ck_assert_pmt_ok(pmt_join(w[i], NULL));
	ck_assert_int_eq(bad, 0);
	ck_assert_pmt_eq(rc_unlock, 0);
}
END_TEST

/* ---------------------------------------------------------------- timed */

START_TEST(test_timedlock_fails_with_etimedout_when_owner_keeps_it)
{
	pmt_t o;
	pmt_time_t deadline;

	sync_init();
	ck_assert_pmt_ok(
	    test_spawn(&o, hold_m_until_go, NULL, 0, PMT_PRIO_DEFAULT + 4));
	deadline = pmt_now() + PMT_MSEC(3);
	ck_assert_pmt_eq(pmt_mutex_timedlock(&m, deadline), PMT_ETIMEDOUT);
	ck_assert_uint_ge(pmt_now(), deadline);
	/* Main did not get it; o still has it. */
	ck_assert_pmt_eq(pmt_mutex_unlock(&m), PMT_EPERM);
	ck_assert_pmt_ok(pmt_sem_post(&go));
	ck_assert_pmt_eq(rc_unlock, 0);
	ck_assert_pmt_ok(pmt_mutex_timedlock(&m, pmt_now() + PMT_MSEC(3)));
	ck_assert_pmt_ok(pmt_mutex_unlock(&m));
	ck_assert_pmt_ok(pmt_join(o, NULL));
}
END_TEST

/*
 * A deadline already past: a free mutex is still taken; an owned one
 * fails at once, without blocking (the lower ready thread never runs).
 */
START_TEST(test_timedlock_with_past_deadline_takes_free_mutex_or_fails_at_once)
{
	pmt_t o, low;
	uint64_t before;

	sync_init();
	ck_assert_pmt_ok(pmt_mutex_timedlock(&m2, 0));
	ck_assert_pmt_ok(pmt_mutex_unlock(&m2));
	ck_assert_pmt_ok(pmt_mutex_timedlock(&m2, pmt_now() - 1));
	ck_assert_pmt_ok(pmt_mutex_unlock(&m2));
	ck_assert_pmt_ok(
	    test_spawn(&o, hold_m_until_go, NULL, 0, PMT_PRIO_DEFAULT + 4));
	ck_assert_pmt_ok(test_spawn(&low, log_tag, PTR('L'), 1, 5));
	before = switches_now();
	ck_assert_pmt_eq(pmt_mutex_timedlock(&m, 0), PMT_ETIMEDOUT);
	ck_assert_pmt_eq(pmt_mutex_timedlock(&m, pmt_now()), PMT_ETIMEDOUT);
	ck_assert_uint_eq(switches_now(), before);
	ck_assert_log("");
	ck_assert_pmt_ok(pmt_sem_post(&go));
	ck_assert_pmt_ok(pmt_join(o, NULL));
	ck_assert_pmt_ok(pmt_join(low, NULL));
	ck_assert_log("OL");
}
END_TEST

/*
 * A timed-out waiter leaves the queue cleanly: t (priority 25) gives up,
 * and the unlock goes to the next waiter (22), not to t; the owner no
 * longer inherits t's priority.
 */
START_TEST(test_timed_out_waiter_leaves_the_queue_cleanly)
{
	pmt_t o, t, w;
	int waiting, prio;

	sync_init();
	observe();
	ck_assert_pmt_ok(test_spawn(&o, hold_m_until_go, NULL, 0, 20));
	ck_assert_pmt_ok(test_spawn(&t, timedlock_m_3ms, NULL, 1, 25));
	ck_assert_pmt_ok(test_spawn(&w, lock_log_unlock, PTR('w'), 2, 22));
	/* While t still waits (a loaded machine may have let its deadline
	 * pass already), o inherits its priority.  In a section, so that no
	 * tick ends t's wait between the two reads. */
	ck_assert_pmt_ok(pmt_preempt_disable());
	waiting = rc_more == -1;
	prio = effprio(o);
	ck_assert_pmt_ok(pmt_preempt_enable());
	ck_assert_int_eq(prio, waiting ? 25 : 22);
	/* Main waits for t, whose deadline passes. */
	ck_assert_pmt_ok(pmt_join(t, NULL));
	ck_assert_pmt_eq(rc_more, PMT_ETIMEDOUT);
	ck_assert_log("T");
	ck_assert_int_eq(effprio(o), 22);
	ck_assert_pmt_ok(pmt_sem_post(&go));
	ck_assert_log("TOw");
	ck_assert_pmt_ok(pmt_join(o, NULL));
	ck_assert_pmt_ok(pmt_join(w, NULL));
	/* Nobody holds it now. */
	ck_assert_pmt_ok(pmt_mutex_trylock(&m));
	ck_assert_pmt_ok(pmt_mutex_unlock(&m));
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* ---------------------------------------------------------------- dead */

START_TEST(test_lock_after_owner_died_returns_eownerdead_once)
{
	pmt_t o;
	int (*how)(pmt_mutex_t *) =
	    _i == 0 ? pmt_mutex_lock : pmt_mutex_trylock;

	sync_init();
	ck_assert_pmt_ok(test_spawn(&o, lock_m_and_exit, NULL, 0, 20));
	ck_assert_pmt_ok(pmt_join(o, NULL));
	ck_assert_pmt_eq(rc_lock, 0);
	if (_i == 2)
		ck_assert_pmt_eq(
		    pmt_mutex_timedlock(&m, pmt_now()), PMT_EOWNERDEAD);
	else
		ck_assert_pmt_eq(how(&m), PMT_EOWNERDEAD);
	/* Main owns it now. */
	ck_assert_pmt_eq(pmt_mutex_trylock(&m), PMT_EDEADLK);
	ck_assert_pmt_ok(pmt_mutex_unlock(&m));
	/* Once only. */
	ck_assert_pmt_ok(pmt_mutex_lock(&m));
	ck_assert_pmt_ok(pmt_mutex_unlock(&m));
}
END_TEST

START_TEST(test_waiter_of_owner_that_died_gets_eownerdead_and_the_mutex)
{
	pmt_t o, w;

	sync_init();
	observe();
	ck_assert_pmt_ok(test_spawn(&o, lock_m_wait_go_and_exit, NULL, 0, 5));
	ck_assert_pmt_ok(test_spawn(&w, wait_for_m, NULL, 1, 10));
	ck_assert_log("w");
	ck_assert_pmt_ok(pmt_sem_post(&go));
	ck_assert_log("wW");
	ck_assert_pmt_ok(pmt_join(o, NULL));
	ck_assert_pmt_ok(pmt_join(w, NULL));
	ck_assert_pmt_eq(rc_lock, PMT_EOWNERDEAD);
	ck_assert_pmt_eq(rc_try, PMT_EDEADLK); /* w owned it */
	ck_assert_pmt_eq(rc_unlock, 0);
	/* The waiter had the news: the next lock is a plain one. */
	ck_assert_pmt_ok(pmt_mutex_lock(&m));
	ck_assert_pmt_ok(pmt_mutex_unlock(&m));
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* A recursive mutex passes on at depth one, whatever the dead owner's. */
START_TEST(test_recursive_mutex_of_owner_that_died_passes_at_depth_one)
{
	pmt_t o;

	sync_init();
	ck_assert_pmt_ok(test_spawn(&o, lock_rm_thrice_and_exit, NULL, 0, 20));
	ck_assert_pmt_ok(pmt_join(o, NULL));
	ck_assert_pmt_eq(pmt_mutex_lock(&rm), PMT_EOWNERDEAD);
	ck_assert_pmt_ok(pmt_mutex_unlock(&rm));
	ck_assert_pmt_eq(pmt_mutex_unlock(&rm), PMT_EPERM);
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* Holds m and m2; a waiter waits for m only. */
static void *
lock_both_wait_go_and_exit(void *arg)
{
	if (pmt_mutex_lock(&m) != 0 || pmt_mutex_lock(&m2) != 0)
		bad++;
	if (pmt_sem_wait(&go) != 0)
		bad++;
	return arg;
}

START_TEST(test_owner_that_died_holding_two_mutexes_passes_both_on)
{
	pmt_t o, w;

	sync_init();
	observe();
	ck_assert_pmt_ok(
	    test_spawn(&o, lock_both_wait_go_and_exit, NULL, 0, 5));
	ck_assert_pmt_ok(test_spawn(&w, wait_for_m, NULL, 1, 10));
	ck_assert_pmt_ok(pmt_sem_post(&go));
	ck_assert_pmt_ok(pmt_join(o, NULL));
	ck_assert_pmt_ok(pmt_join(w, NULL));
	ck_assert_pmt_eq(rc_lock, PMT_EOWNERDEAD);
	ck_assert_pmt_eq(rc_unlock, 0);
	ck_assert_pmt_eq(pmt_mutex_lock(&m2), PMT_EOWNERDEAD);
	ck_assert_pmt_ok(pmt_mutex_unlock(&m2));
	ck_assert_pmt_ok(pmt_mutex_lock(&m));
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* ---------------------------------------------------------------- slice */

static volatile int waiter_ran;

/* Locks m, then says it ran. */
static void *
lock_then_flag(void *arg)
{
	if (pmt_mutex_lock(&m) != 0)
		bad++;
	waiter_ran = 1;
	if (pmt_mutex_unlock(&m) != 0)
		bad++;
	return arg;
}

/* Holds m until go; unlocks, then keeps the CPU (under the tick;
 * yielding cooperatively) until the waiter it handed m to has run. */
static void *
unlock_then_spin(void *arg)
{
	if (pmt_mutex_lock(&m) != 0)
		bad++;
	if (pmt_sem_wait(&go) != 0)
		bad++;
	if (pmt_mutex_unlock(&m) != 0)
		bad++;
	spin_until(&waiter_ran);
	return arg;
}

/* An unlock that hands the mutex to a waiter of the unlocker's priority
 * makes it a ready equal: under the tick it gets its turn although the
 * unlocker never yields. */
START_TEST(test_waiter_handed_the_mutex_by_equal_gets_its_turn)
{
	pmt_t u, w;

	sync_init();
	give_up_start();
	observe();
	ck_assert_pmt_ok(test_spawn_big(&u, unlock_then_spin, NULL, 0, 10));
	ck_assert_pmt_ok(test_spawn_big(&w, lock_then_flag, NULL, 1, 10));
	ck_assert_pmt_ok(pmt_sem_post(&go));
	ck_assert_pmt_ok(pmt_join(u, NULL));
	ck_assert_pmt_ok(pmt_join(w, NULL));
	assert_no_give_up();
	ck_assert_int_eq(waiter_ran, 1);
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* Detaches itself, locks m and finishes holding it. */
static void *
lock_and_exit_detached(void *arg)
{
	if (pmt_detach(pmt_self()) != 0)
		bad++;
	rc_lock = pmt_mutex_lock(&m);
	return arg;
}

/*
 * The owner that died is gone for good: its slot is reused by a new
 * thread (a new id), and a detached owner's slot is freed at once; the
 * next locker, the new thread included, still gets PMT_EOWNERDEAD.
 */
START_TEST(test_owner_death_is_seen_after_its_slot_is_reused)
{
	pmt_t o, n;

	sync_init();
	if (_i == 0) {
		ck_assert_pmt_ok(test_spawn(&o, lock_m_and_exit, NULL, 0, 20));
		ck_assert_pmt_ok(pmt_join(o, NULL));
	} else {
		ck_assert_pmt_ok(
		    test_spawn(&o, lock_and_exit_detached, NULL, 0, 20));
	}
	ck_assert_pmt_eq(rc_lock, 0);
	/* The new thread takes the slot just freed, and tries m. */
	ck_assert_pmt_ok(test_spawn(&n, wait_for_m, NULL, 1, 20));
	ck_assert_uint_ne(n, o);
	ck_assert_log("wW");
	ck_assert_pmt_eq(rc_lock, PMT_EOWNERDEAD);
	ck_assert_pmt_eq(rc_try, PMT_EDEADLK);
	ck_assert_pmt_eq(rc_unlock, 0);
	ck_assert_pmt_ok(pmt_join(n, NULL));
	ck_assert_pmt_ok(pmt_mutex_lock(&m));
}
END_TEST

/* pmt_mutex_init() accepts a mutex whose owner died without waiters (it
 * is unlocked, only marked) and clears the mark. */
START_TEST(test_mutex_init_clears_the_mark_of_an_owner_that_died)
{
	pmt_t o;

	sync_init();
	ck_assert_pmt_ok(test_spawn(&o, lock_m_and_exit, NULL, 0, 20));
	ck_assert_pmt_ok(pmt_join(o, NULL));
	ck_assert_pmt_ok(pmt_mutex_init(&m, PMT_MUTEX_NORMAL));
	ck_assert_pmt_ok(pmt_mutex_lock(&m));
	ck_assert_pmt_ok(pmt_mutex_unlock(&m));
}
END_TEST

/* A lock that blocks inside pmt_preempt_disable() lets other threads run,
 * and the section is in force again when it returns. */
START_TEST(test_lock_blocks_inside_nopreempt_section_and_keeps_it)
{
	pmt_t o;

	sync_init();
	ck_assert_pmt_ok(
	    test_spawn(&o, hold_m_until_go, NULL, 0, PMT_PRIO_DEFAULT + 4));
	ck_assert_pmt_ok(pmt_preempt_disable());
	/* o is ready, but the section keeps it off the CPU... */
	ck_assert_pmt_ok(pmt_sem_post(&go));
	ck_assert_log("");
	/* ...until main blocks: o unlocks m, handing it to main. */
	ck_assert_pmt_ok(pmt_mutex_lock(&m));
	ck_assert_log("O");
	ck_assert_pmt_ok(pmt_preempt_enable());
	ck_assert_pmt_eq(pmt_preempt_enable(), PMT_EALREADY);
	ck_assert_pmt_ok(pmt_mutex_unlock(&m));
	ck_assert_pmt_ok(pmt_join(o, NULL));
	ck_assert_pmt_eq(rc_unlock, 0);
}
END_TEST

static Suite *
mutex_suite(void)
{
	Suite *s = suite_create(TEST_TICK ? "mutex_preempt" : "mutex");
	TCase *tc;

	tc = tcase_create("errors");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_mutex_calls_fail_with_enoinit_before_init);
	tcase_add_test(
	    tc, test_mutex_calls_reject_null_and_uninitialised_with_einval);
	tcase_add_test(tc, test_mutex_init_sets_the_type_of_an_idle_mutex);
	tcase_add_test(tc, test_mutex_init_of_locked_mutex_fails_with_ebusy);
	tcase_add_loop_test(
	    tc, test_relock_of_error_checking_mutex_fails_with_edeadlk, 0, 2);
	tcase_add_test(tc, test_unlock_of_unlocked_mutex_fails_with_eperm);
	tcase_add_test(
	    tc, test_mutex_of_other_thread_refuses_unlock_and_trylock);
	tcase_add_test(tc, test_recursive_mutex_counts_its_depth);
	tcase_add_test(
	    tc, test_recursive_depth_stops_at_uint32_max_with_eoverflow);
	suite_add_tcase(s, tc);

	tc = tcase_create("paths");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_uncontended_calls_never_switch);
	tcase_add_test(tc, test_lock_waits_until_the_owner_unlocks);
	tcase_add_test(
	    tc, test_unlock_hands_mutex_to_lower_waiter_without_barging);
	tcase_add_test(tc, test_higher_waiter_runs_at_end_of_nopreempt_section);
	tcase_add_test(
	    tc, test_lock_blocks_inside_nopreempt_section_and_keeps_it);
	tcase_add_test(tc, test_waiters_get_mutex_by_priority_then_arrival);
	suite_add_tcase(s, tc);

	tc = tcase_create("slice");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_waiter_handed_the_mutex_by_equal_gets_its_turn);
	suite_add_tcase(s, tc);

	tc = tcase_create("timed");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(
	    tc, test_timedlock_fails_with_etimedout_when_owner_keeps_it);
	tcase_add_test(tc,
	    test_timedlock_with_past_deadline_takes_free_mutex_or_fails_at_once);
	tcase_add_test(tc, test_timed_out_waiter_leaves_the_queue_cleanly);
	suite_add_tcase(s, tc);

	tc = tcase_create("ownerdead");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(
	    tc, test_lock_after_owner_died_returns_eownerdead_once, 0, 3);
	tcase_add_test(
	    tc, test_waiter_of_owner_that_died_gets_eownerdead_and_the_mutex);
	tcase_add_test(
	    tc, test_recursive_mutex_of_owner_that_died_passes_at_depth_one);
	tcase_add_test(
	    tc, test_owner_that_died_holding_two_mutexes_passes_both_on);
	tcase_add_loop_test(
	    tc, test_owner_death_is_seen_after_its_slot_is_reused, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("ownerdead_init");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(
	    tc, test_mutex_init_clears_the_mark_of_an_owner_that_died);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return sync_main(mutex_suite);
}
