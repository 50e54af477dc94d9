/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * check_sem.c - unit tests of semaphores: every error code, counting
 * without blocking, posts handed straight to waiters by priority then
 * arrival, timed waits, and exact counts after timeouts.  Built twice:
 * cooperative, and with the tick running.
 */
#include <stdint.h>
#include <string.h>

#include "syncutil.h"

static pmt_sem_t s = PMT_SEM_INITIALIZER(0, 10);
static pmt_sem_t smax =
    PMT_SEM_INITIALIZER(PMT_SEM_VALUE_MAX, PMT_SEM_VALUE_MAX);

static volatile int rc_wait = -1;
static volatile unsigned value_seen = 99;
static volatile int bad;

/* The count of s; main only. */
static unsigned
value_of(pmt_sem_t *sem)
{
	unsigned v = 12345;

	ck_assert_pmt_ok(pmt_sem_getvalue(sem, &v));
	return v;
}

/* ---------------------------------------------------------------- threads */

/* Logs 'w', waits on s, logs 'W' and the count it finds. */
static void *
wait_on_s(void *arg)
{
	unsigned v = 99;

	test_log('w');
	rc_wait = pmt_sem_wait(&s);
	test_log('W');
	if (pmt_sem_getvalue(&s, &v) != 0)
		bad++;
	value_seen = v;
	return arg;
}

/* Waits on s and logs its tag (the argument).  It waits inside a
 * critical section, so that once woken it logs before any tick can let
 * an equal woken after it run first: the log shows the order of the
 * wake-ups. */
static void *
wait_log(void *arg)
{
	if (pmt_preempt_disable() != 0 || pmt_sem_wait(&s) != 0)
		bad++;
	test_log((char)(uintptr_t)arg);
	if (pmt_preempt_enable() != 0)
		bad++;
	return NULL;
}

/* Waits on s for 3 ms and logs its tag on a timeout, '!' otherwise. */
static void *
timedwait_log(void *arg)
{
	int rc = pmt_sem_timedwait(&s, pmt_now() + PMT_MSEC(3));

	test_log(rc == PMT_ETIMEDOUT ? (char)(uintptr_t)arg : '!');
	return NULL;
}

/* ---------------------------------------------------------------- errors */

START_TEST(test_sem_calls_fail_with_enoinit_before_init)
{
	pmt_sem_t a;

	memset(&a, 0, sizeof a); /* see syncutil.h */
	ck_assert_pmt_ok(pmt_sem_init(&a, 2, 5));
	/* Initialising and reading the count work before pmt_init(). */
	ck_assert_uint_eq(value_of(&a), 2);
	ck_assert_uint_eq(value_of(&smax), PMT_SEM_VALUE_MAX);
	ck_assert_pmt_eq(pmt_sem_wait(&a), PMT_ENOINIT);
	ck_assert_pmt_eq(pmt_sem_trywait(&a), PMT_ENOINIT);
	ck_assert_pmt_eq(
	    pmt_sem_timedwait(&a, pmt_now() + PMT_MSEC(1)), PMT_ENOINIT);
	ck_assert_pmt_eq(pmt_sem_post(&a), PMT_ENOINIT);
	ck_assert_pmt_eq(pmt_sem_post(NULL), PMT_ENOINIT);
	ck_assert_uint_eq(value_of(&a), 2);
	sync_init();
	ck_assert_pmt_ok(pmt_sem_trywait(&a));
	ck_assert_uint_eq(value_of(&a), 1);
}
END_TEST

START_TEST(test_sem_calls_reject_null_and_uninitialised_with_einval)
{
	pmt_sem_t zero, junk, *bads[3];
	unsigned v = 7;
	int i;

	sync_init();
	memset(&zero, 0, sizeof zero);
	memset(&junk, 0xc3, sizeof junk);
	bads[0] = NULL;
	bads[1] = &zero;
	bads[2] = &junk;
	for (i = 0; i < 3; i++) {
		ck_assert_pmt_eq(pmt_sem_wait(bads[i]), PMT_EINVAL);
		ck_assert_pmt_eq(pmt_sem_trywait(bads[i]), PMT_EINVAL);
		ck_assert_pmt_eq(
		    pmt_sem_timedwait(bads[i], pmt_now() + PMT_MSEC(1)),
		    PMT_EINVAL);
		ck_assert_pmt_eq(pmt_sem_post(bads[i]), PMT_EINVAL);
		ck_assert_pmt_eq(pmt_sem_getvalue(bads[i], &v), PMT_EINVAL);
	}
	ck_assert_uint_eq(v, 7);
	ck_assert_pmt_eq(pmt_sem_getvalue(&s, NULL), PMT_EINVAL);
	ck_assert_pmt_eq(pmt_sem_init(NULL, 0, 1), PMT_EINVAL);
	ck_assert_pmt_eq(pmt_sem_init(&zero, 0, 0), PMT_EINVAL);
	ck_assert_pmt_eq(pmt_sem_init(&zero, 2, 1), PMT_EINVAL);
	ck_assert_pmt_eq(pmt_sem_init(&zero, PMT_SEM_VALUE_MAX, 1), PMT_EINVAL);
	/* A failed init leaves the object uninitialised. */
	ck_assert_pmt_eq(pmt_sem_post(&zero), PMT_EINVAL);
}
END_TEST

START_TEST(test_trywait_at_zero_fails_with_ebusy)
{
	sync_init();
	ck_assert_pmt_eq(pmt_sem_trywait(&s), PMT_EBUSY);
	ck_assert_uint_eq(value_of(&s), 0);
	ck_assert_pmt_ok(pmt_sem_post(&s));
	ck_assert_pmt_ok(pmt_sem_trywait(&s));
	ck_assert_pmt_eq(pmt_sem_trywait(&s), PMT_EBUSY);
}
END_TEST

START_TEST(test_sem_init_with_waiters_fails_with_ebusy)
{
	pmt_t w;

	sync_init();
	/* Without waiters init may be done again, and resets the count. */
	ck_assert_pmt_ok(pmt_sem_post(&s));
	ck_assert_pmt_ok(pmt_sem_init(&s, 5, 5));
	ck_assert_uint_eq(value_of(&s), 5);
	ck_assert_pmt_ok(pmt_sem_init(&s, 0, 3));
	ck_assert_pmt_ok(
	    test_spawn(&w, wait_on_s, NULL, 0, PMT_PRIO_DEFAULT + 4));
	ck_assert_pmt_eq(pmt_sem_init(&s, 1, 1), PMT_EBUSY);
	/* Unchanged: the waiter gets the next post. */
	ck_assert_pmt_ok(pmt_sem_post(&s));
	ck_assert_log("wW");
	ck_assert_pmt_ok(pmt_join(w, NULL));
	ck_assert_pmt_eq(rc_wait, 0);
	ck_assert_pmt_ok(pmt_sem_post(&s));
	ck_assert_pmt_ok(pmt_sem_post(&s));
	ck_assert_pmt_ok(pmt_sem_post(&s));
	ck_assert_pmt_eq(pmt_sem_post(&s), PMT_EOVERFLOW); /* max 3 kept */
}
END_TEST

START_TEST(test_post_at_max_fails_with_eoverflow_and_keeps_count)
{
	pmt_sem_t one, three;
	int i;

	sync_init();
	memset(&one, 0, sizeof one); /* see syncutil.h */
	memset(&three, 0, sizeof three);
	ck_assert_pmt_ok(pmt_sem_init(&one, 1, 1));
	ck_assert_pmt_eq(pmt_sem_post(&one), PMT_EOVERFLOW);
	ck_assert_uint_eq(value_of(&one), 1);
	ck_assert_pmt_ok(pmt_sem_init(&three, 0, 3));
	for (i = 0; i < 3; i++)
		ck_assert_pmt_ok(pmt_sem_post(&three));
	ck_assert_pmt_eq(pmt_sem_post(&three), PMT_EOVERFLOW);
	ck_assert_pmt_eq(pmt_sem_post(&three), PMT_EOVERFLOW);
	ck_assert_uint_eq(value_of(&three), 3);
	ck_assert_pmt_ok(pmt_sem_trywait(&three));
	ck_assert_pmt_ok(pmt_sem_post(&three));
	ck_assert_uint_eq(value_of(&three), 3);
}
END_TEST

START_TEST(test_post_at_sem_value_max_fails_with_eoverflow)
{
	pmt_sem_t big;

	sync_init();
	ck_assert_pmt_eq(pmt_sem_post(&smax), PMT_EOVERFLOW);
	ck_assert_uint_eq(value_of(&smax), PMT_SEM_VALUE_MAX);
	memset(&big, 0, sizeof big); /* see syncutil.h */
	ck_assert_pmt_ok(
	    pmt_sem_init(&big, PMT_SEM_VALUE_MAX - 1, PMT_SEM_VALUE_MAX));
	ck_assert_pmt_ok(pmt_sem_post(&big));
	ck_assert_uint_eq(value_of(&big), PMT_SEM_VALUE_MAX);
	ck_assert_pmt_eq(pmt_sem_post(&big), PMT_EOVERFLOW);
	ck_assert_pmt_ok(pmt_sem_wait(&big));
	ck_assert_uint_eq(value_of(&big), PMT_SEM_VALUE_MAX - 1);
}
END_TEST

/* ---------------------------------------------------------------- paths */

/* Counting down and up without blocking never switches (the lower
 * ready thread would run if main ever blocked). */
START_TEST(test_uncontended_calls_never_switch)
{
	pmt_sem_t a;
	pmt_t low;
	uint64_t before;
	int i;

	sync_init();
	memset(&a, 0, sizeof a); /* see syncutil.h */
	ck_assert_pmt_ok(pmt_sem_init(&a, 3, 10));
	ck_assert_pmt_ok(test_spawn(&low, log_tag, PTR('L'), 0, 5));
	before = switches_now();
	for (i = 0; i < 1000; i++) {
		ck_assert_int_eq(pmt_sem_wait(&a), 0);
		ck_assert_int_eq(pmt_sem_trywait(&a), 0);
		ck_assert_int_eq(
		    pmt_sem_timedwait(&a, pmt_now() + PMT_SEC(1)), 0);
		ck_assert_int_eq(pmt_sem_trywait(&a), PMT_EBUSY);
		ck_assert_int_eq(pmt_sem_post(&a), 0);
		ck_assert_int_eq(pmt_sem_post(&a), 0);
		ck_assert_int_eq(pmt_sem_post(&a), 0);
		/* A past deadline does not matter while the count is up. */
		ck_assert_int_eq(pmt_sem_timedwait(&a, 0), 0);
		ck_assert_int_eq(pmt_sem_post(&a), 0);
	}
	ck_assert_uint_eq(switches_now(), before);
	ck_assert_uint_eq(value_of(&a), 3);
	ck_assert_log("");
	ck_assert_pmt_ok(pmt_join(low, NULL));
}
END_TEST

/* A post wakes a higher waiter, which runs at once; its unit went to it
 * directly, so the count stays 0. */
START_TEST(test_post_hands_unit_to_higher_waiter_which_runs_at_once)
{
	pmt_t w;

	sync_init();
	ck_assert_pmt_ok(
	    test_spawn(&w, wait_on_s, NULL, 0, PMT_PRIO_DEFAULT + 4));
	ck_assert_log("w");
	test_log('p');
	ck_assert_pmt_ok(pmt_sem_post(&s));
	test_log('m');
	ck_assert_log("wpWm");
	ck_assert_uint_eq(value_seen, 0);
	ck_assert_uint_eq(value_of(&s), 0);
	ck_assert_pmt_ok(pmt_join(w, NULL));
	ck_assert_pmt_eq(rc_wait, 0);
}
END_TEST

/* The unit goes to the waiter even when it is lower and does not run
 * yet: the poster cannot take it back. */
START_TEST(test_post_hands_unit_to_lower_waiter_without_barging)
{
	pmt_t w;

	sync_init();
	ck_assert_pmt_ok(test_spawn(&w, wait_on_s, NULL, 0, 10));
	ck_assert_pmt_ok(pmt_setprio(main_id, 5)); /* w runs and blocks */
	ck_assert_log("w");
	ck_assert_pmt_ok(pmt_setprio(main_id, 20));
	ck_assert_pmt_ok(pmt_sem_post(&s));
	ck_assert_log("w");
	ck_assert_uint_eq(value_of(&s), 0);
	ck_assert_pmt_eq(pmt_sem_trywait(&s), PMT_EBUSY);
	ck_assert_pmt_ok(pmt_join(w, NULL));
	ck_assert_log("wW");
	ck_assert_pmt_eq(rc_wait, 0);
	ck_assert_uint_eq(value_of(&s), 0);
}
END_TEST

START_TEST(test_higher_waiter_runs_at_end_of_nopreempt_section)
{
	pmt_t w;

	sync_init();
	ck_assert_pmt_ok(
	    test_spawn(&w, wait_on_s, NULL, 0, PMT_PRIO_DEFAULT + 4));
	ck_assert_pmt_ok(pmt_preempt_disable());
	ck_assert_pmt_ok(pmt_sem_post(&s));
	test_log('p');
	ck_assert_pmt_ok(pmt_preempt_enable());
	test_log('e');
	ck_assert_log("wpWe");
	ck_assert_pmt_ok(pmt_join(w, NULL));
}
END_TEST

/* ---------------------------------------------------------------- timed */

START_TEST(test_timedwait_fails_with_etimedout_after_deadline)
{
	pmt_time_t deadline;

	sync_init();
	deadline = pmt_now() + PMT_MSEC(3);
	ck_assert_pmt_eq(pmt_sem_timedwait(&s, deadline), PMT_ETIMEDOUT);
	ck_assert_uint_ge(pmt_now(), deadline);
	ck_assert_uint_eq(value_of(&s), 0);
	/* The timed-out wait left nothing behind: a post counts. */
	ck_assert_pmt_ok(pmt_sem_post(&s));
	ck_assert_uint_eq(value_of(&s), 1);
}
END_TEST

START_TEST(test_timedwait_with_past_deadline_fails_at_once)
{
	pmt_t low;
	uint64_t before;

	sync_init();
	ck_assert_pmt_ok(test_spawn(&low, log_tag, PTR('L'), 0, 5));
	before = switches_now();
	ck_assert_pmt_eq(pmt_sem_timedwait(&s, 0), PMT_ETIMEDOUT);
	ck_assert_pmt_eq(pmt_sem_timedwait(&s, pmt_now()), PMT_ETIMEDOUT);
	ck_assert_uint_eq(switches_now(), before);
	ck_assert_log("");
	ck_assert_pmt_ok(pmt_join(low, NULL));
}
END_TEST

/*
 * A waiter whose deadline passed leaves the queue cleanly: t (priority
 * 20) times out; the next post goes to w (10), which t would have
 * outranked, and the count stays exact.
 */
START_TEST(test_timed_out_sem_waiter_leaves_the_queue_cleanly)
{
	pmt_t t, w;

	sync_init();
	observe();
	ck_assert_pmt_ok(test_spawn(&t, timedwait_log, PTR('t'), 0, 20));
	ck_assert_pmt_ok(test_spawn(&w, wait_log, PTR('w'), 1, 10));
	ck_assert_pmt_ok(pmt_join(t, NULL));
	ck_assert_log("t");
	ck_assert_pmt_ok(pmt_sem_post(&s));
	ck_assert_log("tw");
	ck_assert_uint_eq(value_of(&s), 0);
	ck_assert_pmt_ok(pmt_sem_post(&s));
	ck_assert_uint_eq(value_of(&s), 1);
	ck_assert_pmt_ok(pmt_join(w, NULL));
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* ---------------------------------------------------------------- order */

/*
 * Waiters a..f of priorities 5, 9, 5, 12, 9, 12 get the posts by
 * priority, then arrival: d f b e a c.  Main posts one at a time from
 * below them (_i 0), or twice from above them (_i 1): the two units go
 * to the first two waiters, and only those run when main steps down.
 */
START_TEST(test_posts_go_to_waiters_by_priority_then_arrival)
{
	static const int prio[6] = {5, 9, 5, 12, 9, 12};
	static const char *const expect[6] = {
	    "d", "df", "dfb", "dfbe", "dfbea", "dfbeac"};
	pmt_t w[6];
	int i;

	sync_init();
	observe();
	for (i = 0; i < 6; i++)
		ck_assert_pmt_ok(
		    test_spawn(&w[i], wait_log, PTR('a' + i), i, prio[i]));
	ck_assert_log("");
	i = 0;
	if (_i == 1) {
		ck_assert_pmt_ok(pmt_setprio(main_id, PMT_PRIO_MAX));
		ck_assert_pmt_ok(pmt_sem_post(&s));
		ck_assert_pmt_ok(pmt_sem_post(&s));
		ck_assert_log("");
		ck_assert_pmt_ok(pmt_setprio(main_id, OBSERVER));
		ck_assert_log("df");
		i = 2;
	}
	for (; i < 6; i++) {
		ck_assert_pmt_ok(pmt_sem_post(&s));
		ck_assert_log(expect[i]);
	}
	ck_assert_uint_eq(value_of(&s), 0);
	for (i = 0; i < 6; i++)
		ck_assert_pmt_ok(pmt_join(w[i], NULL));
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* ---------------------------------------------------------------- slice */

static volatile int waiter_ran;

/* Waits on s, then says it ran. */
static void *
wait_then_flag(void *arg)
{
	if (pmt_sem_wait(&s) != 0)
		bad++;
	waiter_ran = 1;
	return arg;
}

/* Posts s, then keeps the CPU (under the tick; yielding cooperatively)
 * until the waiter it woke has run. */
static void *
post_then_spin(void *arg)
{
	if (pmt_sem_post(&s) != 0)
		bad++;
	spin_until(&waiter_ran);
	return arg;
}

/*
 * A post that wakes a waiter of the poster's own priority makes it a
 * ready equal: under the tick it gets its turn although the poster never
 * yields (cooperatively, at the poster's next yield).
 */
START_TEST(test_woken_equal_waiter_gets_its_turn)
{
	pmt_t w, p;

	sync_init();
	give_up_start();
	observe();
	ck_assert_pmt_ok(test_spawn_big(&w, wait_then_flag, NULL, 0, 10));
	ck_assert_pmt_ok(test_spawn_big(&p, post_then_spin, NULL, 1, 10));
	ck_assert_pmt_ok(pmt_join(p, NULL));
	ck_assert_pmt_ok(pmt_join(w, NULL));
	assert_no_give_up();
	ck_assert_int_eq(waiter_ran, 1);
	ck_assert_int_eq(bad, 0);
}
END_TEST

static Suite *
sem_suite(void)
{
	Suite *su = suite_create(TEST_TICK ? "sem_preempt" : "sem");
	TCase *tc;

	tc = tcase_create("errors");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_sem_calls_fail_with_enoinit_before_init);
	tcase_add_test(
	    tc, test_sem_calls_reject_null_and_uninitialised_with_einval);
	tcase_add_test(tc, test_trywait_at_zero_fails_with_ebusy);
	tcase_add_test(tc, test_sem_init_with_waiters_fails_with_ebusy);
	tcase_add_test(
	    tc, test_post_at_max_fails_with_eoverflow_and_keeps_count);
	tcase_add_test(tc, test_post_at_sem_value_max_fails_with_eoverflow);
	suite_add_tcase(su, tc);

	tc = tcase_create("paths");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_uncontended_calls_never_switch);
	tcase_add_test(
	    tc, test_post_hands_unit_to_higher_waiter_which_runs_at_once);
	tcase_add_test(
	    tc, test_post_hands_unit_to_lower_waiter_without_barging);
	tcase_add_test(tc, test_higher_waiter_runs_at_end_of_nopreempt_section);
	suite_add_tcase(su, tc);

	tc = tcase_create("slice");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_woken_equal_waiter_gets_its_turn);
	suite_add_tcase(su, tc);

	tc = tcase_create("timed");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_timedwait_fails_with_etimedout_after_deadline);
	tcase_add_test(tc, test_timedwait_with_past_deadline_fails_at_once);
	tcase_add_test(tc, test_timed_out_sem_waiter_leaves_the_queue_cleanly);
	suite_add_tcase(su, tc);

	tc = tcase_create("order");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(
	    tc, test_posts_go_to_waiters_by_priority_then_arrival, 0, 2);
	suite_add_tcase(su, tc);

	return su;
}

int
main(void)
{
	return sync_main(sem_suite);
}
