/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * check_deadlock.c - unit tests of the deadlock reports (PMT_EDEADLK): a
 * wait that could never end is refused at once, circles of mutex owners
 * and joins are refused even while other threads could run, and when the
 * last ready thread finishes, the highest blocked thread's wait ends.
 * Built twice: cooperative, and with the tick running.
 */
#include <stdint.h>
#include <string.h>

#include "syncutil.h"

/* The kinds of wait the loop tests go through. */
enum { KIND_SEM, KIND_COND, KIND_LOCK, KIND_JOIN, NKINDS };

static pmt_mutex_t m = PMT_MUTEX_INITIALIZER;
static pmt_mutex_t m1 = PMT_MUTEX_INITIALIZER;
static pmt_mutex_t m2 = PMT_MUTEX_INITIALIZER;
static pmt_mutex_t m3 = PMT_MUTEX_INITIALIZER;
static pmt_cond_t c = PMT_COND_INITIALIZER;
static pmt_sem_t sem = PMT_SEM_INITIALIZER(0, 10);
static pmt_sem_t never = PMT_SEM_INITIALIZER(0, 10);
static pmt_sem_t go_a = PMT_SEM_INITIALIZER(0, 10);

static volatile int rc_a = -1, rc_b = -1, rc_c = -1, rc_d = -1;
static volatile int bad;
static pmt_t target; /* whom a thread joins */

/* ---------------------------------------------------------------- threads */

/* Locks m2 and waits on never (until the test posts it). */
static void *
hold_m2_wait_never(void *arg)
{
	if (pmt_mutex_lock(&m2) != 0)
		bad++;
	if (pmt_sem_wait(&never) != 0)
		bad++;
	if (pmt_mutex_unlock(&m2) != 0)
		bad++;
	return arg;
}

/* Sleeps 5 ms, then does what ends main's wait of kind arg. */
static void *
sleep_then_release(void *arg)
{
	int kind = (int)(uintptr_t)arg;

	if (kind == KIND_LOCK && pmt_mutex_lock(&m2) != 0)
		bad++;
	if (pmt_sleep(PMT_MSEC(5)) != 0)
		bad++;
	test_log('S');
	switch (kind) {
	case KIND_SEM:
		if (pmt_sem_post(&sem) != 0)
			bad++;
		break;
	case KIND_COND:
		if (pmt_mutex_lock(&m) != 0 || pmt_cond_signal(&c) != 0 ||
		    pmt_mutex_unlock(&m) != 0)
			bad++;
		break;
	case KIND_LOCK:
		if (pmt_mutex_unlock(&m2) != 0)
			bad++;
		break;
	default:
		break;
	}
	return arg;
}

/* ---------------------------------------------------------------- never */

/*
 * Main waits without a deadline while no other thread is ready and none
 * has a deadline: the wait is refused at once.  The lock and the join
 * name a thread (b) that itself waits for a post nobody will make.
 */
START_TEST(test_wait_that_could_never_end_fails_at_once)
{
	pmt_t b;
	unsigned v = 99;

	sync_init();
	ck_assert_pmt_ok(
	    test_spawn(&b, hold_m2_wait_never, NULL, 0, PMT_PRIO_DEFAULT + 4));
	switch (_i) {
	case KIND_SEM:
		ck_assert_pmt_eq(pmt_sem_wait(&sem), PMT_EDEADLK);
		ck_assert_pmt_ok(pmt_sem_getvalue(&sem, &v));
		ck_assert_uint_eq(v, 0);
		break;
	case KIND_COND:
		ck_assert_pmt_ok(pmt_mutex_lock(&m));
		ck_assert_pmt_eq(pmt_cond_wait(&c, &m), PMT_EDEADLK);
		/* Refused with the mutex held. */
		ck_assert_pmt_eq(pmt_mutex_trylock(&m), PMT_EDEADLK);
		ck_assert_pmt_ok(pmt_mutex_unlock(&m));
		break;
	case KIND_LOCK:
		ck_assert_pmt_eq(pmt_mutex_lock(&m2), PMT_EDEADLK);
		ck_assert_pmt_eq(pmt_mutex_unlock(&m2), PMT_EPERM);
		break;
	case KIND_JOIN:
		ck_assert_pmt_eq(pmt_join(b, NULL), PMT_EDEADLK);
		break;
	}
	/* Nothing changed: b ends normally once posted, and can be joined. */
	ck_assert_pmt_ok(pmt_sem_post(&never));
	ck_assert_pmt_ok(pmt_join(b, NULL));
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* A timed call given PMT_TIME_NEVER has no deadline: it is refused the
 * same way. */
START_TEST(test_timed_wait_without_deadline_that_could_never_end_fails)
{
	pmt_t b;

	sync_init();
	ck_assert_pmt_ok(
	    test_spawn(&b, hold_m2_wait_never, NULL, 0, PMT_PRIO_DEFAULT + 4));
	switch (_i) {
	case KIND_SEM:
		ck_assert_pmt_eq(
		    pmt_sem_timedwait(&sem, PMT_TIME_NEVER), PMT_EDEADLK);
		break;
	case KIND_COND:
		ck_assert_pmt_ok(pmt_mutex_lock(&m));
		ck_assert_pmt_eq(
		    pmt_cond_timedwait(&c, &m, PMT_TIME_NEVER), PMT_EDEADLK);
		ck_assert_pmt_eq(pmt_mutex_trylock(&m), PMT_EDEADLK);
		ck_assert_pmt_ok(pmt_mutex_unlock(&m));
		break;
	case KIND_LOCK:
		ck_assert_pmt_eq(
		    pmt_mutex_timedlock(&m2, PMT_TIME_NEVER), PMT_EDEADLK);
		break;
	case KIND_JOIN:
		ck_assert_pmt_eq(
		    pmt_timedjoin(b, NULL, PMT_TIME_NEVER), PMT_EDEADLK);
		break;
	}
	ck_assert_pmt_ok(pmt_sem_post(&never));
	ck_assert_pmt_ok(pmt_join(b, NULL));
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* The same waits with a deadline wait until it passes instead. */
START_TEST(test_timed_wait_that_could_never_end_times_out)
{
	pmt_t b;
	pmt_time_t deadline;
	int rc = -1;

	sync_init();
	ck_assert_pmt_ok(
	    test_spawn(&b, hold_m2_wait_never, NULL, 0, PMT_PRIO_DEFAULT + 4));
	deadline = pmt_now() + PMT_MSEC(3);
	switch (_i) {
	case KIND_SEM:
		rc = pmt_sem_timedwait(&sem, deadline);
		break;
	case KIND_COND:
		ck_assert_pmt_ok(pmt_mutex_lock(&m));
		rc = pmt_cond_timedwait(&c, &m, deadline);
		ck_assert_pmt_eq(pmt_mutex_trylock(&m), PMT_EDEADLK);
		ck_assert_pmt_ok(pmt_mutex_unlock(&m));
		break;
	case KIND_LOCK:
		rc = pmt_mutex_timedlock(&m2, deadline);
		break;
	case KIND_JOIN:
		rc = pmt_timedjoin(b, NULL, deadline);
		break;
	}
	ck_assert_pmt_eq(rc, PMT_ETIMEDOUT);
	ck_assert_uint_ge(pmt_now(), deadline);
	ck_assert_pmt_ok(pmt_sem_post(&never));
	ck_assert_pmt_ok(pmt_join(b, NULL));
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* A sleeping thread could still end the wait: main blocks, and the
 * sleeper ends the wait when it wakes. */
START_TEST(test_wait_blocks_while_another_thread_sleeps)
{
	pmt_t t;

	sync_init();
	if (_i == KIND_COND)
		ck_assert_pmt_ok(pmt_mutex_lock(&m));
	ck_assert_pmt_ok(test_spawn(
	    &t, sleep_then_release, PTR(_i), 0, PMT_PRIO_DEFAULT + 4));
	switch (_i) {
	case KIND_SEM:
		ck_assert_pmt_ok(pmt_sem_wait(&sem));
		break;
	case KIND_COND:
		ck_assert_pmt_ok(pmt_cond_wait(&c, &m));
		ck_assert_pmt_ok(pmt_mutex_unlock(&m));
		break;
	case KIND_LOCK:
		ck_assert_pmt_ok(pmt_mutex_lock(&m2));
		ck_assert_pmt_ok(pmt_mutex_unlock(&m2));
		break;
	case KIND_JOIN:
		ck_assert_pmt_ok(pmt_join(t, NULL));
		break;
	}
	ck_assert_log("S");
	if (_i != KIND_JOIN)
		ck_assert_pmt_ok(pmt_join(t, NULL));
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* ---------------------------------------------------------------- circles */

/* Locks m1, waits for go_a, then locks m2 (into rc_a), unlocks both. */
static void *
circle_a(void *arg)
{
	if (pmt_mutex_lock(&m1) != 0)
		bad++;
	if (pmt_sem_wait(&go_a) != 0)
		bad++;
	rc_a = pmt_mutex_lock(arg);
	test_log('A');
	if (rc_a == 0 && pmt_mutex_unlock(arg) != 0)
		bad++;
	if (pmt_mutex_unlock(&m1) != 0)
		bad++;
	return NULL;
}

/* Locks m2, then m1 (into rc_b); unlocks both. */
static void *
circle_b(void *arg)
{
	if (pmt_mutex_lock(&m2) != 0)
		bad++;
	rc_b = pmt_mutex_lock(&m1);
	test_log('B');
	if (rc_b == 0 && pmt_mutex_unlock(&m1) != 0)
		bad++;
	if (pmt_mutex_unlock(&m2) != 0)
		bad++;
	return arg;
}

/* Locks m3, then m2 (into rc_c); unlocks both. */
static void *
circle_c(void *arg)
{
	if (pmt_mutex_lock(&m3) != 0)
		bad++;
	rc_c = pmt_mutex_lock(&m2);
	test_log('C');
	if (rc_c == 0 && pmt_mutex_unlock(&m2) != 0)
		bad++;
	if (pmt_mutex_unlock(&m3) != 0)
		bad++;
	return arg;
}

/*
 * a holds m1 and b holds m2 and waits for m1; a then locks m2 and is
 * refused at once, although main is ready.  When a gives up m1, b goes
 * on.
 */
START_TEST(test_mutex_circle_of_two_threads_fails_with_edeadlk)
{
	pmt_t a, b;

	sync_init();
	observe();
	ck_assert_pmt_ok(test_spawn(&a, circle_a, &m2, 0, 20));
	ck_assert_pmt_ok(test_spawn(&b, circle_b, NULL, 1, 20));
	ck_assert_log("");
	ck_assert_pmt_ok(pmt_sem_post(&go_a));
	ck_assert_log("AB");
	ck_assert_pmt_eq(rc_a, PMT_EDEADLK);
	ck_assert_pmt_eq(rc_b, 0);
	ck_assert_pmt_ok(pmt_join(a, NULL));
	ck_assert_pmt_ok(pmt_join(b, NULL));
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* a holds m1; b holds m2, waits for m1; c holds m3, waits for m2; a
 * locking m3 closes the circle. */
START_TEST(test_mutex_circle_of_three_threads_fails_with_edeadlk)
{
	pmt_t a, b, cc;

	sync_init();
	observe();
	ck_assert_pmt_ok(test_spawn(&a, circle_a, &m3, 0, 20));
	ck_assert_pmt_ok(test_spawn(&b, circle_b, NULL, 1, 20));
	ck_assert_pmt_ok(test_spawn(&cc, circle_c, NULL, 2, 20));
	ck_assert_pmt_ok(pmt_sem_post(&go_a));
	ck_assert_log("ABC");
	ck_assert_pmt_eq(rc_a, PMT_EDEADLK);
	ck_assert_pmt_eq(rc_b, 0);
	ck_assert_pmt_eq(rc_c, 0);
	ck_assert_pmt_ok(pmt_join(a, NULL));
	ck_assert_pmt_ok(pmt_join(b, NULL));
	ck_assert_pmt_ok(pmt_join(cc, NULL));
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* Locks m, then joins target (into rc_a). */
static void *
lock_m_join_target(void *arg)
{
	if (pmt_mutex_lock(&m) != 0)
		bad++;
	rc_a = pmt_join(target, NULL);
	return arg;
}

/* Locks m (into rc_b), unlocks it. */
static void *
lock_m(void *arg)
{
	rc_b = pmt_mutex_lock(&m);
	test_log('L');
	if (rc_b == 0 && pmt_mutex_unlock(&m) != 0)
		bad++;
	return arg;
}

/* Locks m2, joins target (into rc_c), unlocks m2. */
static void *
lock_m2_join_target(void *arg)
{
	if (pmt_mutex_lock(&m2) != 0)
		bad++;
	rc_c = pmt_join(target, NULL);
	test_log('J');
	if (pmt_mutex_unlock(&m2) != 0)
		bad++;
	return arg;
}

/* t holds m and joins main: main locking m is refused, timed or not.  (t
 * is left waiting for main when the test ends.) */
START_TEST(test_lock_of_mutex_whose_owner_joins_caller_fails_with_edeadlk)
{
	pmt_t t;

	sync_init();
	target = main_id;
	ck_assert_pmt_ok(
	    test_spawn(&t, lock_m_join_target, NULL, 0, PMT_PRIO_DEFAULT + 4));
	ck_assert_pmt_eq(pmt_mutex_lock(&m), PMT_EDEADLK);
	ck_assert_pmt_eq(
	    pmt_mutex_timedlock(&m, pmt_now() + PMT_MSEC(5)), PMT_EDEADLK);
	ck_assert_pmt_eq(pmt_mutex_trylock(&m), PMT_EBUSY);
	ck_assert_int_eq(rc_a, -1);
}
END_TEST

/* t waits for main's mutex: main joining t is refused, timed or not;
 * once main unlocks, t finishes and the join succeeds. */
START_TEST(test_join_of_thread_waiting_for_callers_mutex_fails_with_edeadlk)
{
	pmt_t t;

	sync_init();
	ck_assert_pmt_ok(pmt_mutex_lock(&m));
	ck_assert_pmt_ok(test_spawn(&t, lock_m, NULL, 0, PMT_PRIO_DEFAULT + 4));
	ck_assert_pmt_eq(pmt_join(t, NULL), PMT_EDEADLK);
	ck_assert_pmt_eq(
	    pmt_timedjoin(t, NULL, pmt_now() + PMT_MSEC(5)), PMT_EDEADLK);
	ck_assert_log("");
	ck_assert_pmt_ok(pmt_mutex_unlock(&m));
	ck_assert_log("L");
	ck_assert_pmt_ok(pmt_join(t, NULL));
	ck_assert_pmt_eq(rc_b, 0);
}
END_TEST

/*
 * A longer mixed circle: b waits for main's mutex m, a holds m2 and joins
 * b.  Main joining a, or locking m2, would wait for itself.
 */
START_TEST(test_mixed_circle_of_joins_and_mutexes_fails_with_edeadlk)
{
	pmt_t a, b;

	sync_init();
	ck_assert_pmt_ok(pmt_mutex_lock(&m));
	ck_assert_pmt_ok(test_spawn(&b, lock_m, NULL, 0, PMT_PRIO_DEFAULT + 4));
	target = b;
	/* Above main, which inherits b's priority. */
	ck_assert_pmt_ok(
	    test_spawn(&a, lock_m2_join_target, NULL, 1, PMT_PRIO_DEFAULT + 6));
	ck_assert_pmt_eq(pmt_join(a, NULL), PMT_EDEADLK);
	ck_assert_pmt_eq(pmt_mutex_lock(&m2), PMT_EDEADLK);
	ck_assert_pmt_eq(
	    pmt_mutex_timedlock(&m2, pmt_now() + PMT_MSEC(5)), PMT_EDEADLK);
	ck_assert_log("");
	/* Unlocking m lets b finish, which ends a's join. */
	ck_assert_pmt_ok(pmt_mutex_unlock(&m));
	ck_assert_log("LJ");
	ck_assert_pmt_ok(pmt_join(a, NULL));
	ck_assert_pmt_eq(rc_b, 0);
	ck_assert_pmt_eq(rc_c, 0);
	ck_assert_pmt_ok(pmt_mutex_lock(&m2));
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* ---------------------------------------------------------------- last */

static pmt_sem_t never_v = PMT_SEM_INITIALIZER(0, 10);
static pmt_sem_t never_w = PMT_SEM_INITIALIZER(0, 10);
static pmt_sem_t never_b = PMT_SEM_INITIALIZER(0, 10);

/* Waits on never_b. */
static void *
wait_never_b(void *arg)
{
	if (pmt_sem_wait(&never_b) != 0)
		bad++;
	return arg;
}

/* The victim: waits, by the kind in its argument, for what never comes;
 * records the result in rc_a, and for a condition whether it holds m. */
static void *
victim(void *arg)
{
	switch ((int)(uintptr_t)arg) {
	case KIND_SEM:
		rc_a = pmt_sem_wait(&never_v);
		break;
	case KIND_COND:
		if (pmt_mutex_lock(&m) != 0)
			bad++;
		rc_a = pmt_cond_wait(&c, &m);
		rc_d = pmt_mutex_trylock(&m);
		if (pmt_mutex_unlock(&m) != 0)
			bad++;
		break;
	case KIND_JOIN:
		rc_a = pmt_join(target, NULL);
		break;
	}
	test_log('V');
	return arg;
}

/* The last ready thread: logs 'X' and finishes. */
static void *
log_tag_x(void *arg)
{
	test_log('X');
	return arg;
}

/* The second victim. */
static void *
victim_w(void *arg)
{
	rc_b = pmt_sem_wait(&never_w);
	test_log('W');
	return arg;
}

/*
 * v (priority 20) and w (18) wait for what never comes, main (16) joins
 * w, and x (10), the last ready thread, finishes: v's wait ends with
 * PMT_EDEADLK; when v has finished in turn, w's does; then main's join
 * of w returns.  v waits on a semaphore, a condition, or a join.
 */
START_TEST(test_last_ready_thread_exit_ends_highest_wait_with_edeadlk)
{
	static const int kinds[] = {KIND_SEM, KIND_COND, KIND_JOIN};
	int kind = kinds[_i];
	pmt_t b = PMT_THREAD_NONE, v, w, x;

	sync_init();
	if (kind == KIND_JOIN) {
		/* b blocks at once, then drops below everybody. */
		ck_assert_pmt_ok(test_spawn(&b, wait_never_b, NULL, 3, 25));
		ck_assert_pmt_ok(pmt_setprio(b, 5));
		target = b;
	}
	ck_assert_pmt_ok(test_spawn(&v, victim, PTR(kind), 0, 20));
	ck_assert_pmt_ok(test_spawn(&w, victim_w, NULL, 1, 18));
	ck_assert_pmt_ok(test_spawn(&x, log_tag_x, NULL, 2, 10));
	ck_assert_pmt_ok(pmt_join(w, NULL));
	ck_assert_log("XVW");
	ck_assert_pmt_eq(rc_a, PMT_EDEADLK);
	ck_assert_pmt_eq(rc_b, PMT_EDEADLK);
	if (kind == KIND_COND)
		ck_assert_pmt_eq(rc_d, PMT_EDEADLK); /* it held m */
	ck_assert_pmt_ok(pmt_join(v, NULL));
	ck_assert_pmt_ok(pmt_join(x, NULL));
	if (kind == KIND_JOIN) {
		/* b was not the one chosen, and is still joinable. */
		ck_assert_pmt_ok(pmt_sem_post(&never_b));
		ck_assert_pmt_ok(pmt_join(b, NULL));
	}
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* The owner: locks m, waits on never_b (into rc_c), unlocks m. */
static void *
owner_waits_never(void *arg)
{
	if (pmt_mutex_lock(&m) != 0)
		bad++;
	rc_c = pmt_sem_wait(&never_b);
	test_log('B');
	if (pmt_mutex_unlock(&m) != 0)
		bad++;
	return arg;
}

/* Waits for m (into rc_a). */
static void *
lock_m_victim(void *arg)
{
	rc_a = pmt_mutex_lock(&m);
	test_log('V');
	if (rc_a == 0 && pmt_mutex_unlock(&m) != 0)
		bad++;
	return arg;
}

/*
 * v waits for m, owned by b (base 5), which waits for good; main joins v;
 * x, the last ready thread, finishes.  b inherits v's priority, so the
 * two are the highest blocked threads, and the rules do not say which of
 * equals is chosen: either b's wait ends (b unlocks, and v gets m), or
 * v's lock fails, and b no longer inherits.  Either way the program goes
 * on.
 */
START_TEST(test_last_ready_thread_exit_ends_a_mutex_wait_or_its_owners)
{
	pmt_t b, v, x;

	sync_init();
	ck_assert_pmt_ok(test_spawn(&b, owner_waits_never, NULL, 0, 25));
	ck_assert_pmt_ok(pmt_setprio(b, 5));
	ck_assert_pmt_ok(test_spawn(&v, lock_m_victim, NULL, 1, 20));
	ck_assert_int_eq(effprio(b), 20);
	ck_assert_pmt_ok(test_spawn(&x, log_tag_x, NULL, 2, 10));
	ck_assert_pmt_ok(pmt_join(v, NULL));
	if (rc_c == PMT_EDEADLK) {
		ck_assert_log("XBV");
		ck_assert_pmt_eq(rc_a, 0);
	} else {
		ck_assert_log("XV");
		ck_assert_pmt_eq(rc_a, PMT_EDEADLK);
		ck_assert_int_eq(rc_c, -1);
		ck_assert_int_eq(effprio(b), 5);
		ck_assert_pmt_ok(pmt_sem_post(&never_b));
	}
	ck_assert_pmt_ok(pmt_join(b, NULL));
	ck_assert_pmt_ok(pmt_join(x, NULL));
	ck_assert_int_eq(bad, 0);
}
END_TEST

static Suite *
deadlock_suite(void)
{
	Suite *s = suite_create(TEST_TICK ? "deadlock_preempt" : "deadlock");
	TCase *tc;

	tc = tcase_create("never");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(
	    tc, test_wait_that_could_never_end_fails_at_once, 0, NKINDS);
	tcase_add_loop_test(tc,
	    test_timed_wait_without_deadline_that_could_never_end_fails, 0,
	    NKINDS);
	tcase_add_loop_test(
	    tc, test_timed_wait_that_could_never_end_times_out, 0, NKINDS);
	tcase_add_loop_test(
	    tc, test_wait_blocks_while_another_thread_sleeps, 0, NKINDS);
	suite_add_tcase(s, tc);

	tc = tcase_create("circle");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_mutex_circle_of_two_threads_fails_with_edeadlk);
	tcase_add_test(
	    tc, test_mutex_circle_of_three_threads_fails_with_edeadlk);
	tcase_add_test(
	    tc, test_lock_of_mutex_whose_owner_joins_caller_fails_with_edeadlk);
	tcase_add_test(tc,
	    test_join_of_thread_waiting_for_callers_mutex_fails_with_edeadlk);
	tcase_add_test(
	    tc, test_mixed_circle_of_joins_and_mutexes_fails_with_edeadlk);
	suite_add_tcase(s, tc);

	tc = tcase_create("last_exit");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc,
	    test_last_ready_thread_exit_ends_highest_wait_with_edeadlk, 0, 3);
	tcase_add_test(
	    tc, test_last_ready_thread_exit_ends_a_mutex_wait_or_its_owners);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return sync_main(deadlock_suite);
}
