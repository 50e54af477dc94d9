/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * check_cond.c - unit tests of condition variables: every error code, the
 * mutex released and taken back (at its recursive depth) whatever ends
 * the wait, signal and broadcast by priority then arrival, timeouts, and
 * the rare errors of taking the mutex back.  Built twice: cooperative,
 * and with the tick running.
 */
#include <stdint.h>
#include <string.h>

#include "syncutil.h"

static pmt_mutex_t m = PMT_MUTEX_INITIALIZER;
static pmt_mutex_t m2 = PMT_MUTEX_INITIALIZER;
static pmt_mutex_t rm = PMT_MUTEX_RECURSIVE_INITIALIZER;
static pmt_cond_t c = PMT_COND_INITIALIZER;
static pmt_sem_t go = PMT_SEM_INITIALIZER(0, 10);
static pmt_sem_t never = PMT_SEM_INITIALIZER(0, 10);
static pmt_sem_t done = PMT_SEM_INITIALIZER(0, 10);

static volatile int rc_wait = -1, rc_try = -1, rc_unlock = -1;
static volatile int bad;

/* ---------------------------------------------------------------- threads */

/* Locks m, logs 'w', waits on c, logs 'W', records whether it holds m,
 * unlocks. */
static void *
wait_on_c(void *arg)
{
	if (pmt_mutex_lock(&m) != 0)
		bad++;
	test_log('w');
	rc_wait = pmt_cond_wait(&c, &m);
	test_log('W');
	rc_try = pmt_mutex_trylock(&m);
	rc_unlock = pmt_mutex_unlock(&m);
	return arg;
}

/* Locks m, waits on c, logs its tag (the argument), unlocks.  It waits
 * inside a critical section, so that once woken it takes m back before
 * any tick can let an equal woken after it run first: the log shows
 * the order of the wake-ups. */
static void *
wait_log_unlock(void *arg)
{
	if (pmt_mutex_lock(&m) != 0 || pmt_preempt_disable() != 0)
		bad++;
	if (pmt_cond_wait(&c, &m) != 0)
		bad++;
	test_log((char)(uintptr_t)arg);
	if (pmt_preempt_enable() != 0 || pmt_mutex_unlock(&m) != 0)
		bad++;
	return NULL;
}

/* Like wait_log_unlock, with a 3 ms deadline: logs its tag on a
 * timeout, '!' if woken. */
static void *
timedwait_log_unlock(void *arg)
{
	int rc;

	if (pmt_mutex_lock(&m) != 0)
		bad++;
	rc = pmt_cond_timedwait(&c, &m, pmt_now() + PMT_MSEC(3));
	test_log(rc == PMT_ETIMEDOUT ? (char)(uintptr_t)arg : '!');
	if (pmt_mutex_unlock(&m) != 0)
		bad++;
	return NULL;
}

/* Locks m and waits for go, then unlocks. */
static void *
hold_m_until_go(void *arg)
{
	if (pmt_mutex_lock(&m) != 0)
		bad++;
	if (pmt_sem_wait(&go) != 0)
		bad++;
	if (pmt_mutex_unlock(&m) != 0)
		bad++;
	return arg;
}

/* ---------------------------------------------------------------- errors */

START_TEST(test_cond_calls_fail_with_enoinit_before_init)
{
	pmt_cond_t a;

	memset(&a, 0, sizeof a); /* see syncutil.h */
	ck_assert_pmt_ok(pmt_cond_init(&a));
	ck_assert_pmt_eq(pmt_cond_wait(&a, &m), PMT_ENOINIT);
	ck_assert_pmt_eq(
	    pmt_cond_timedwait(&a, &m, pmt_now() + PMT_MSEC(1)), PMT_ENOINIT);
	ck_assert_pmt_eq(pmt_cond_signal(&a), PMT_ENOINIT);
	ck_assert_pmt_eq(pmt_cond_broadcast(&a), PMT_ENOINIT);
	ck_assert_pmt_eq(pmt_cond_signal(&c), PMT_ENOINIT);
	ck_assert_pmt_eq(pmt_cond_broadcast(NULL), PMT_ENOINIT);
	sync_init();
	ck_assert_pmt_ok(pmt_cond_signal(&a));
	ck_assert_pmt_ok(pmt_mutex_lock(&m));
	ck_assert_pmt_eq(pmt_cond_timedwait(&a, &m, 0), PMT_ETIMEDOUT);
	ck_assert_pmt_ok(pmt_mutex_unlock(&m));
}
END_TEST

START_TEST(test_cond_calls_reject_null_and_uninitialised_with_einval)
{
	pmt_cond_t zc, jc, *badc[3];
	pmt_mutex_t zm, jm, *badm[3];
	int i;

	sync_init();
	memset(&zc, 0, sizeof zc);
	memset(&jc, 0x5a, sizeof jc);
	memset(&zm, 0, sizeof zm);
	memset(&jm, 0x5a, sizeof jm);
	badc[0] = NULL;
	badc[1] = &zc;
	badc[2] = &jc;
	badm[0] = NULL;
	badm[1] = &zm;
	badm[2] = &jm;
	ck_assert_pmt_ok(pmt_mutex_lock(&m));
	for (i = 0; i < 3; i++) {
		ck_assert_pmt_eq(pmt_cond_wait(badc[i], &m), PMT_EINVAL);
		ck_assert_pmt_eq(
		    pmt_cond_timedwait(badc[i], &m, pmt_now() + PMT_MSEC(1)),
		    PMT_EINVAL);
		ck_assert_pmt_eq(pmt_cond_signal(badc[i]), PMT_EINVAL);
		ck_assert_pmt_eq(pmt_cond_broadcast(badc[i]), PMT_EINVAL);
		ck_assert_pmt_eq(pmt_cond_wait(&c, badm[i]), PMT_EINVAL);
		ck_assert_pmt_eq(
		    pmt_cond_timedwait(&c, badm[i], pmt_now() + PMT_MSEC(1)),
		    PMT_EINVAL);
	}
	ck_assert_pmt_eq(pmt_cond_init(NULL), PMT_EINVAL);
	/* None of it touched m. */
	ck_assert_pmt_eq(pmt_mutex_trylock(&m), PMT_EDEADLK);
	ck_assert_pmt_ok(pmt_mutex_unlock(&m));
}
END_TEST

START_TEST(test_cond_wait_without_the_mutex_fails_with_eperm)
{
	pmt_t o;

	sync_init();
	ck_assert_pmt_eq(pmt_cond_wait(&c, &m), PMT_EPERM);
	ck_assert_pmt_eq(
	    pmt_cond_timedwait(&c, &m, pmt_now() + PMT_MSEC(1)), PMT_EPERM);
	ck_assert_pmt_eq(pmt_cond_timedwait(&c, &rm, 0), PMT_EPERM);
	/* Owned by another thread. */
	ck_assert_pmt_ok(
	    test_spawn(&o, hold_m_until_go, NULL, 0, PMT_PRIO_DEFAULT + 4));
	ck_assert_pmt_eq(pmt_cond_wait(&c, &m), PMT_EPERM);
	ck_assert_pmt_eq(
	    pmt_cond_timedwait(&c, &m, pmt_now() + PMT_MSEC(1)), PMT_EPERM);
	ck_assert_pmt_ok(pmt_sem_post(&go));
	ck_assert_pmt_ok(pmt_join(o, NULL));
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* While w waits on c with m, waiting on c with m2 is refused; once c
 * has no waiter, any mutex will do. */
START_TEST(test_cond_wait_with_another_mutex_than_waiters_fails_with_einval)
{
	pmt_t w;

	sync_init();
	ck_assert_pmt_ok(
	    test_spawn(&w, wait_on_c, NULL, 0, PMT_PRIO_DEFAULT + 4));
	ck_assert_log("w");
	ck_assert_pmt_ok(pmt_mutex_lock(&m2));
	ck_assert_pmt_eq(pmt_cond_wait(&c, &m2), PMT_EINVAL);
	ck_assert_pmt_eq(
	    pmt_cond_timedwait(&c, &m2, pmt_now() + PMT_MSEC(1)), PMT_EINVAL);
	ck_assert_pmt_eq(pmt_mutex_trylock(&m2), PMT_EDEADLK); /* held */
	ck_assert_pmt_ok(pmt_cond_signal(&c));
	ck_assert_log("wW");
	ck_assert_pmt_ok(pmt_join(w, NULL));
	ck_assert_pmt_eq(pmt_cond_timedwait(&c, &m2, pmt_now() + PMT_MSEC(1)),
	    PMT_ETIMEDOUT);
	ck_assert_pmt_ok(pmt_mutex_unlock(&m2));
	ck_assert_pmt_eq(rc_wait, 0);
}
END_TEST

START_TEST(test_cond_init_with_waiters_fails_with_ebusy)
{
	pmt_cond_t a;
	pmt_t w;

	sync_init();
	memset(&a, 0, sizeof a);
	ck_assert_pmt_ok(pmt_cond_init(&a));
	ck_assert_pmt_ok(pmt_cond_init(&a)); /* idle: may be done again */
	ck_assert_pmt_ok(
	    test_spawn(&w, wait_on_c, NULL, 0, PMT_PRIO_DEFAULT + 4));
	ck_assert_pmt_eq(pmt_cond_init(&c), PMT_EBUSY);
	/* The waiter is still there to be woken. */
	ck_assert_pmt_ok(pmt_cond_signal(&c));
	ck_assert_log("wW");
	ck_assert_pmt_ok(pmt_join(w, NULL));
	ck_assert_pmt_ok(pmt_cond_init(&c));
}
END_TEST

START_TEST(test_signal_and_broadcast_without_waiters_are_forgotten)
{
	sync_init();
	ck_assert_pmt_ok(pmt_cond_signal(&c));
	ck_assert_pmt_ok(pmt_cond_broadcast(&c));
	ck_assert_pmt_ok(pmt_mutex_lock(&m));
	ck_assert_pmt_eq(
	    pmt_cond_timedwait(&c, &m, pmt_now() + PMT_MSEC(2)), PMT_ETIMEDOUT);
	ck_assert_pmt_ok(pmt_mutex_unlock(&m));
}
END_TEST

/* ---------------------------------------------------------------- wait */

static pmt_mutex_t *the_mutex;

/* A lower thread: finds the mutex free while main waits, takes it,
 * signals, logs, unlocks. */
static void *
try_then_signal(void *arg)
{
	rc_try = pmt_mutex_trylock(the_mutex);
	if (rc_try == 0 && pmt_mutex_unlock(the_mutex) != 0)
		bad++;
	if (pmt_mutex_lock(the_mutex) != 0 || pmt_cond_signal(&c) != 0)
		bad++;
	test_log('T');
	if (pmt_mutex_unlock(the_mutex) != 0)
		bad++;
	return arg;
}

/* Locks the_mutex depth times. */
static void
lock_depth(int depth)
{
	int i;

	for (i = 0; i < depth; i++)
		ck_assert_pmt_ok(pmt_mutex_lock(the_mutex));
}

/* Main holds the_mutex exactly depth times: depth unlocks, then EPERM. */
static void
assert_held_at_depth(int depth)
{
	int i;

	for (i = 0; i < depth; i++)
		ck_assert_pmt_ok(pmt_mutex_unlock(the_mutex));
	ck_assert_pmt_eq(pmt_mutex_unlock(the_mutex), PMT_EPERM);
}

/*
 * The wait releases the mutex completely (a lower thread takes it), and
 * takes it back, at its depth, before returning: an error-checking mutex
 * (_i 0) and a recursive one locked three times (_i 1).
 */
START_TEST(test_cond_wait_releases_mutex_and_takes_it_back_at_its_depth)
{
	int depth = _i == 0 ? 1 : 3;
	pmt_t t;

	sync_init();
	the_mutex = _i == 0 ? &m : &rm;
	lock_depth(depth);
	ck_assert_pmt_ok(test_spawn(&t, try_then_signal, NULL, 0, 10));
	ck_assert_pmt_ok(pmt_cond_wait(&c, the_mutex));
	ck_assert_log("T");
	ck_assert_pmt_eq(rc_try, 0);
	assert_held_at_depth(depth);
	ck_assert_pmt_ok(pmt_join(t, NULL));
	ck_assert_int_eq(bad, 0);
}
END_TEST

START_TEST(test_cond_timedwait_times_out_holding_mutex_at_its_depth)
{
	int depth = _i == 0 ? 1 : 3;
	pmt_time_t deadline;

	sync_init();
	the_mutex = _i == 0 ? &m : &rm;
	lock_depth(depth);
	deadline = pmt_now() + PMT_MSEC(3);
	ck_assert_pmt_eq(
	    pmt_cond_timedwait(&c, the_mutex, deadline), PMT_ETIMEDOUT);
	ck_assert_uint_ge(pmt_now(), deadline);
	assert_held_at_depth(depth);
}
END_TEST

/* A deadline already past: PMT_ETIMEDOUT at once, without blocking (the
 * lower ready thread never runs), the mutex held. */
START_TEST(test_cond_timedwait_with_past_deadline_fails_at_once)
{
	int depth = _i == 0 ? 1 : 3;
	uint64_t before;
	pmt_t low;

	sync_init();
	the_mutex = _i == 0 ? &m : &rm;
	ck_assert_pmt_ok(test_spawn(&low, log_tag, PTR('L'), 0, 5));
	lock_depth(depth);
	before = switches_now();
	ck_assert_pmt_eq(pmt_cond_timedwait(&c, the_mutex, 0), PMT_ETIMEDOUT);
	ck_assert_pmt_eq(
	    pmt_cond_timedwait(&c, the_mutex, pmt_now()), PMT_ETIMEDOUT);
	ck_assert_uint_eq(switches_now(), before);
	ck_assert_log("");
	assert_held_at_depth(depth);
	ck_assert_pmt_ok(pmt_join(low, NULL));
}
END_TEST

/* Locks m (it waits, as main holds it), logs 'L', unlocks. */
static void *
lock_m_log(void *arg)
{
	if (pmt_mutex_lock(&m) != 0)
		bad++;
	test_log('L');
	if (pmt_mutex_unlock(&m) != 0)
		bad++;
	return arg;
}

/* A deadline already past does not even release the mutex: a thread
 * waiting for it does not get it. */
START_TEST(test_cond_timedwait_with_past_deadline_keeps_the_mutex)
{
	pmt_t l;

	sync_init();
	ck_assert_pmt_ok(pmt_mutex_lock(&m));
	ck_assert_pmt_ok(test_spawn(&l, lock_m_log, NULL, 0, 10));
	ck_assert_pmt_ok(pmt_setprio(main_id, 5)); /* l runs and waits */
	ck_assert_int_eq(effprio(main_id), 10);
	ck_assert_pmt_ok(pmt_setprio(main_id, PMT_PRIO_DEFAULT));
	ck_assert_pmt_eq(pmt_cond_timedwait(&c, &m, 0), PMT_ETIMEDOUT);
	ck_assert_pmt_eq(pmt_cond_timedwait(&c, &m, pmt_now()), PMT_ETIMEDOUT);
	ck_assert_pmt_eq(pmt_mutex_trylock(&m), PMT_EDEADLK); /* main's */
	ck_assert_int_eq(effprio(main_id), PMT_PRIO_DEFAULT);
	ck_assert_pmt_ok(pmt_mutex_unlock(&m));
	ck_assert_log("");
	ck_assert_pmt_ok(pmt_join(l, NULL));
	ck_assert_log("L");
	ck_assert_int_eq(bad, 0);
}
END_TEST

/*
 * A signalled waiter above the signaller runs at once and contends for
 * the mutex: while main holds it, w blocks on it; main's unlock hands
 * it over.
 */
START_TEST(test_signalled_higher_waiter_runs_at_once_and_contends_for_mutex)
{
	pmt_t w;

	sync_init();
	ck_assert_pmt_ok(
	    test_spawn(&w, wait_on_c, NULL, 0, PMT_PRIO_DEFAULT + 4));
	ck_assert_pmt_ok(pmt_mutex_lock(&m));
	ck_assert_pmt_ok(pmt_cond_signal(&c));
	/* w ran, and now waits for m: main inherits its priority. */
	ck_assert_int_eq(effprio(main_id), PMT_PRIO_DEFAULT + 4);
	ck_assert_log("w");
	ck_assert_pmt_ok(pmt_mutex_unlock(&m));
	ck_assert_log("wW");
	ck_assert_pmt_ok(pmt_join(w, NULL));
	ck_assert_pmt_eq(rc_wait, 0);
	ck_assert_pmt_eq(rc_try, PMT_EDEADLK);
	ck_assert_pmt_eq(rc_unlock, 0);
}
END_TEST

/* ---------------------------------------------------------------- order */

static const int order_prio[6] = {5, 9, 5, 12, 9, 12};

/* Waiters a..f of priorities 5, 9, 5, 12, 9, 12, in that order. */
static void
spawn_six_waiters(pmt_t *w)
{
	int i;

	for (i = 0; i < 6; i++)
		ck_assert_pmt_ok(test_spawn(
		    &w[i], wait_log_unlock, PTR('a' + i), i, order_prio[i]));
	ck_assert_log("");
}

START_TEST(test_signal_wakes_one_waiter_by_priority_then_arrival)
{
	static const char *const expect[6] = {
	    "d", "df", "dfb", "dfbe", "dfbea", "dfbeac"};
	pmt_t w[6];
	int i;

	sync_init();
	observe();
	spawn_six_waiters(w);
	for (i = 0; i < 6; i++) {
		ck_assert_pmt_ok(pmt_cond_signal(&c));
		ck_assert_log(expect[i]);
	}
	ck_assert_pmt_ok(pmt_cond_signal(&c));
	ck_assert_log("dfbeac");
	for (i = 0; i < 6; i++)
		ck_assert_pmt_ok(pmt_join(w[i], NULL));
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* One broadcast wakes all six, who run by priority then arrival; with
 * main holding the mutex (_i 1), they queue on it in that order. */
START_TEST(test_broadcast_wakes_all_by_priority_then_arrival)
{
	pmt_t w[6];
	int i;

	sync_init();
	observe();
	spawn_six_waiters(w);
	if (_i == 1)
		ck_assert_pmt_ok(pmt_mutex_lock(&m));
	ck_assert_pmt_ok(pmt_cond_broadcast(&c));
	if (_i == 1) {
		ck_assert_log("");
		ck_assert_int_eq(effprio(main_id), 12);
		ck_assert_pmt_ok(pmt_mutex_unlock(&m));
	}
	ck_assert_log("dfbeac");
	ck_assert_pmt_ok(pmt_cond_broadcast(&c));
	for (i = 0; i < 6; i++)
		ck_assert_pmt_ok(pmt_join(w[i], NULL));
	ck_assert_int_eq(bad, 0);
}
END_TEST

/*
 * A waiter whose deadline passed leaves the queue cleanly: t (priority
 * 20) times out; the next signal wakes w (10), which t would have
 * outranked; a further signal finds nobody.
 */
START_TEST(test_timed_out_cond_waiter_leaves_the_queue_cleanly)
{
	pmt_t t, w;

	sync_init();
	observe();
	ck_assert_pmt_ok(test_spawn(&t, timedwait_log_unlock, PTR('t'), 0, 20));
	ck_assert_pmt_ok(test_spawn(&w, wait_log_unlock, PTR('w'), 1, 10));
	ck_assert_pmt_ok(pmt_join(t, NULL));
	ck_assert_log("t");
	ck_assert_pmt_ok(pmt_cond_signal(&c));
	ck_assert_log("tw");
	ck_assert_pmt_ok(pmt_cond_signal(&c));
	ck_assert_pmt_ok(pmt_join(w, NULL));
	ck_assert_log("tw");
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* ---------------------------------------------------------------- retake */

/* Locks m, signals c, and finishes holding m. */
static void *
signal_and_exit_holding_m(void *arg)
{
	if (pmt_mutex_lock(&m) != 0 || pmt_cond_signal(&c) != 0)
		bad++;
	return arg;
}

/* The waiter takes the mutex back from an owner that died: its wait
 * returns PMT_EOWNERDEAD with the mutex held.  A waiter above the owner
 * (_i 0) runs at the signal and waits for the mutex, which the owner's
 * death hands to it; one below (_i 1) runs after the death and finds
 * the mutex marked. */
START_TEST(test_cond_wait_retaking_mutex_of_dead_owner_gets_eownerdead)
{
	pmt_t w, t;

	sync_init();
	observe();
	ck_assert_pmt_ok(test_spawn(&w, wait_on_c, NULL, 0, _i == 0 ? 20 : 5));
	ck_assert_pmt_ok(
	    test_spawn(&t, signal_and_exit_holding_m, NULL, 1, 10));
	ck_assert_pmt_ok(pmt_join(t, NULL));
	ck_assert_pmt_ok(pmt_join(w, NULL));
	ck_assert_log("wW");
	ck_assert_pmt_eq(rc_wait, PMT_EOWNERDEAD);
	ck_assert_pmt_eq(rc_try, PMT_EDEADLK); /* it held m */
	ck_assert_pmt_eq(rc_unlock, 0);
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* Waits on c with m; records the result and whether it holds m, then
 * posts done. */
static void *
wait_then_report(void *arg)
{
	if (pmt_mutex_lock(&m) != 0)
		bad++;
	rc_wait = pmt_cond_wait(&c, &m);
	rc_try = pmt_mutex_trylock(&m);
	rc_unlock = pmt_mutex_unlock(&m);
	if (pmt_sem_post(&done) != 0)
		bad++;
	return arg;
}

/* Locks m and waits on never (for good). */
static void *
hold_m_forever(void *arg)
{
	if (pmt_mutex_lock(&m) != 0)
		bad++;
	(void)pmt_sem_wait(&never);
	return arg;
}

static pmt_sem_t never2 = PMT_SEM_INITIALIZER(0, 10);

/* Signals c inside a critical section, and blocks for good before the
 * woken waiter can run. */
static void *
signal_then_block(void *arg)
{
	if (pmt_preempt_disable() != 0 || pmt_cond_signal(&c) != 0)
		bad++;
	(void)pmt_sem_wait(&never2);
	return arg;
}

/*
 * The rare case: w is signalled, but m is held by t, which waits for
 * good; the signaller blocks for good too, and main waits for w.  Taking
 * m back could never succeed, so w's wait returns PMT_EDEADLK, and w
 * does NOT hold m.
 */
START_TEST(test_cond_wait_whose_retake_could_never_succeed_fails_without_m)
{
	pmt_t w, t, x;

	sync_init();
	observe();
	ck_assert_pmt_ok(test_spawn(&w, wait_then_report, NULL, 0, 20));
	ck_assert_pmt_ok(test_spawn(&t, hold_m_forever, NULL, 1, 10));
	/* x runs only once main waits. */
	ck_assert_pmt_ok(pmt_setprio(main_id, PMT_PRIO_MAX));
	ck_assert_pmt_ok(test_spawn(&x, signal_then_block, NULL, 2, 5));
	ck_assert_pmt_ok(pmt_sem_wait(&done));
	ck_assert_pmt_eq(rc_wait, PMT_EDEADLK);
	ck_assert_pmt_eq(rc_try, PMT_EBUSY); /* t still owns m */
	ck_assert_pmt_eq(rc_unlock, PMT_EPERM);
	ck_assert_pmt_ok(pmt_join(w, NULL));
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* ---------------------------------------------------------------- slice */

static volatile int waiter_ran;

/* Waits on c, then says it ran. */
static void *
wait_then_flag(void *arg)
{
	if (pmt_mutex_lock(&m) != 0 || pmt_cond_wait(&c, &m) != 0)
		bad++;
	waiter_ran = 1;
	if (pmt_mutex_unlock(&m) != 0)
		bad++;
	return arg;
}

/* Signals c (or broadcasts, as its argument says), then keeps the CPU
 * (under the tick; yielding cooperatively) until the waiter has run. */
static void *
signal_then_spin(void *arg)
{
	if ((arg != NULL ? pmt_cond_broadcast(&c) : pmt_cond_signal(&c)) != 0)
		bad++;
	spin_until(&waiter_ran);
	return arg;
}

/* A signal (_i 0) or broadcast (_i 1) that wakes a waiter of the
 * signaller's priority makes it a ready equal: under the tick it gets
 * its turn although the signaller never yields. */
START_TEST(test_woken_equal_cond_waiter_gets_its_turn)
{
	pmt_t w, t;

	sync_init();
	give_up_start();
	observe();
	ck_assert_pmt_ok(test_spawn_big(&w, wait_then_flag, NULL, 0, 10));
	ck_assert_pmt_ok(
	    test_spawn_big(&t, signal_then_spin, _i ? PTR(1) : NULL, 1, 10));
	ck_assert_pmt_ok(pmt_join(t, NULL));
	ck_assert_pmt_ok(pmt_join(w, NULL));
	assert_no_give_up();
	ck_assert_int_eq(waiter_ran, 1);
	ck_assert_int_eq(bad, 0);
}
END_TEST

static Suite *
cond_suite(void)
{
	Suite *s = suite_create(TEST_TICK ? "cond_preempt" : "cond");
	TCase *tc;

	tc = tcase_create("errors");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_cond_calls_fail_with_enoinit_before_init);
	tcase_add_test(
	    tc, test_cond_calls_reject_null_and_uninitialised_with_einval);
	tcase_add_test(tc, test_cond_wait_without_the_mutex_fails_with_eperm);
	tcase_add_test(tc,
	    test_cond_wait_with_another_mutex_than_waiters_fails_with_einval);
	tcase_add_test(tc, test_cond_init_with_waiters_fails_with_ebusy);
	tcase_add_test(
	    tc, test_signal_and_broadcast_without_waiters_are_forgotten);
	suite_add_tcase(s, tc);

	tc = tcase_create("wait");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc,
	    test_cond_wait_releases_mutex_and_takes_it_back_at_its_depth, 0, 2);
	tcase_add_loop_test(
	    tc, test_cond_timedwait_times_out_holding_mutex_at_its_depth, 0, 2);
	tcase_add_loop_test(
	    tc, test_cond_timedwait_with_past_deadline_fails_at_once, 0, 2);
	tcase_add_test(
	    tc, test_cond_timedwait_with_past_deadline_keeps_the_mutex);
	tcase_add_test(tc,
	    test_signalled_higher_waiter_runs_at_once_and_contends_for_mutex);
	suite_add_tcase(s, tc);

	tc = tcase_create("slice");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(
	    tc, test_woken_equal_cond_waiter_gets_its_turn, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("order");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(
	    tc, test_signal_wakes_one_waiter_by_priority_then_arrival);
	tcase_add_loop_test(
	    tc, test_broadcast_wakes_all_by_priority_then_arrival, 0, 2);
	tcase_add_test(tc, test_timed_out_cond_waiter_leaves_the_queue_cleanly);
	suite_add_tcase(s, tc);

	tc = tcase_create("retake");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc,
	    test_cond_wait_retaking_mutex_of_dead_owner_gets_eownerdead, 0, 2);
	tcase_add_test(tc,
	    test_cond_wait_whose_retake_could_never_succeed_fails_without_m);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return sync_main(cond_suite);
}
