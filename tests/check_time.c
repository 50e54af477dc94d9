/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * check_time.c - unit tests of the clock and of sleeping: pmt_now(), the
 * time macros, pmt_sleep() and pmt_sleep_until() (their errors, waking no
 * earlier than the deadline and within a bound after it, idling without
 * burning the CPU), pmt_timedjoin() and pmt_getprio_effective()'s errors.
 * Built twice: cooperative, and with the tick running.
 */
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>

#include "syncutil.h"

/*
 * How late a sleeper may wake: two ticks, plus 50 ms for a loaded machine
 * (20 ms was exceeded, on the median of six sleeps, with three test runs
 * sharing two cores).  A bound on a broken implementation (one that
 * misses deadlines while another thread keeps the CPU), not a measure of
 * accuracy; the counts in assert_sleeps_within_bounds() are the finer
 * check.
 */
#define LATE_BOUND (2 * PMT_USEC(TICK_USEC) + PMT_MSEC(50))

static pmt_sem_t go = PMT_SEM_INITIALIZER(0, 10);
static volatile int stop;
static volatile int bad;
static volatile int rc_join = -1;
static pmt_t target;

/* Waits for go, then returns 42. */
static void *
wait_go_return_42(void *arg)
{
	if (pmt_sem_wait(&go) != 0)
		bad++;
	(void)arg;
	return PTR(42);
}

/* ---------------------------------------------------------------- clock */

START_TEST(test_now_works_before_init_on_the_monotonic_clock)
{
	pmt_time_t prev, t;
	uint64_t lo, hi;
	int i;

	/* Before pmt_init(), and on CLOCK_MONOTONIC: between two reads of
	 * it. */
	lo = test_now_ns();
	t = pmt_now();
	hi = test_now_ns();
	ck_assert_uint_ge(t, lo);
	ck_assert_uint_le(t, hi);
	prev = t;
	for (i = 0; i < 10000; i++) {
		t = pmt_now();
		ck_assert_uint_ge(t, prev);
		prev = t;
	}
	sync_init();
	lo = test_now_ns();
	t = pmt_now();
	hi = test_now_ns();
	ck_assert_uint_ge(t, lo);
	ck_assert_uint_le(t, hi);
}
END_TEST

START_TEST(test_time_macros_give_nanoseconds)
{
	ck_assert_uint_eq(sizeof(pmt_time_t), 8);
	ck_assert_uint_eq(PMT_TIME_NEVER, UINT64_MAX);
	ck_assert_uint_eq(PMT_USEC(3), 3000);
	ck_assert_uint_eq(PMT_MSEC(2), 2000000);
	ck_assert_uint_eq(PMT_SEC(5), 5000000000u);
	/* 64-bit arithmetic, whatever the argument's type. */
	ck_assert_uint_eq(PMT_SEC(4000000000u), 4000000000000000000u);
	ck_assert_uint_eq(PMT_MSEC(4000000000u), 4000000000000000u);
	ck_assert_uint_eq(PMT_USEC(1) * 1000, PMT_MSEC(1));
	ck_assert_uint_eq(PMT_MSEC(1) * 1000, PMT_SEC(1));
}
END_TEST

/* ---------------------------------------------------------------- errors */

START_TEST(test_time_calls_fail_with_enoinit_before_init)
{
	int prio = -1;
	void *v = PTR(1);

	ck_assert_pmt_eq(pmt_sleep(PMT_MSEC(1)), PMT_ENOINIT);
	ck_assert_pmt_eq(pmt_sleep(0), PMT_ENOINIT);
	ck_assert_pmt_eq(pmt_sleep_until(pmt_now() + PMT_MSEC(1)), PMT_ENOINIT);
	ck_assert_pmt_eq(pmt_sleep_until(0), PMT_ENOINIT);
	ck_assert_pmt_eq(
	    pmt_timedjoin(32, &v, pmt_now() + PMT_MSEC(1)), PMT_ENOINIT);
	ck_assert_pmt_eq(pmt_getprio_effective(32, &prio), PMT_ENOINIT);
	ck_assert_ptr_eq(v, PTR(1));
	ck_assert_int_eq(prio, -1);
}
END_TEST

START_TEST(test_sleep_without_end_fails_with_einval)
{
	pmt_t low;
	uint64_t before;

	sync_init();
	ck_assert_pmt_ok(test_spawn(&low, log_tag, PTR('L'), 0, 5));
	before = switches_now();
	ck_assert_pmt_eq(pmt_sleep_until(PMT_TIME_NEVER), PMT_EINVAL);
	ck_assert_pmt_eq(pmt_sleep(PMT_TIME_NEVER), PMT_EINVAL);
	/* Relative sleeps that would reach PMT_TIME_NEVER. */
	ck_assert_pmt_eq(pmt_sleep(PMT_TIME_NEVER - pmt_now()), PMT_EINVAL);
	ck_assert_pmt_eq(pmt_sleep(PMT_TIME_NEVER - 1), PMT_EINVAL);
	ck_assert_uint_eq(switches_now(), before);
	ck_assert_log("");
	ck_assert_pmt_ok(pmt_join(low, NULL));
}
END_TEST

START_TEST(test_getprio_effective_rejects_bad_arguments)
{
	pmt_t t;
	int prio = -1;

	sync_init();
	ck_assert_pmt_eq(pmt_getprio_effective(main_id, NULL), PMT_EINVAL);
	ck_assert_pmt_eq(
	    pmt_getprio_effective(PMT_THREAD_NONE, &prio), PMT_ESRCH);
	ck_assert_pmt_eq(pmt_getprio_effective(0xdeadbeef, &prio), PMT_ESRCH);
	ck_assert_pmt_ok(test_spawn(&t, log_tag, PTR('t'), 0, 7));
	ck_assert_pmt_ok(pmt_getprio_effective(t, &prio));
	ck_assert_int_eq(prio, 7);
	ck_assert_pmt_ok(pmt_join(t, NULL));
	prio = -1;
	ck_assert_pmt_eq(pmt_getprio_effective(t, &prio), PMT_ESRCH);
	ck_assert_int_eq(prio, -1);
	ck_assert_int_eq(effprio(main_id), PMT_PRIO_DEFAULT);
}
END_TEST

/* ---------------------------------------------------------------- sleep */

/* Sleeping for nothing, or until a deadline that has passed, returns at
 * once without switching (the lower ready thread never runs). */
START_TEST(test_sleep_of_zero_or_until_past_returns_at_once)
{
	pmt_t low;
	uint64_t before;

	sync_init();
	ck_assert_pmt_ok(test_spawn(&low, log_tag, PTR('L'), 0, 5));
	before = switches_now();
	ck_assert_pmt_ok(pmt_sleep(0));
	ck_assert_pmt_ok(pmt_sleep_until(0));
	ck_assert_pmt_ok(pmt_sleep_until(1));
	ck_assert_pmt_ok(pmt_sleep_until(pmt_now() - 1));
	ck_assert_pmt_ok(pmt_sleep_until(pmt_now()));
	ck_assert_uint_eq(switches_now(), before);
	ck_assert_log("");
	ck_assert_pmt_ok(pmt_join(low, NULL));
}
END_TEST

START_TEST(test_sleep_lasts_at_least_its_time)
{
	pmt_time_t start, deadline;

	sync_init();
	start = pmt_now();
	ck_assert_pmt_ok(pmt_sleep(PMT_MSEC(3)));
	ck_assert_uint_ge(pmt_now(), start + PMT_MSEC(3));
	deadline = pmt_now() + PMT_MSEC(2);
	ck_assert_pmt_ok(pmt_sleep_until(deadline));
	ck_assert_uint_ge(pmt_now(), deadline);
	ck_assert_uint_ge(test_now_ns(), deadline);
}
END_TEST

/* A sleep inside pmt_preempt_disable() blocks all the same, lets other
 * threads run, and the section is in force again when it returns. */
START_TEST(test_sleep_blocks_inside_nopreempt_section_and_keeps_it)
{
	pmt_t low;

	sync_init();
	ck_assert_pmt_ok(test_spawn(&low, log_tag, PTR('L'), 0, 5));
	ck_assert_pmt_ok(pmt_preempt_disable());
	/* Long enough for low to run to its end first, even on Valgrind's
	 * slow first pass through its code: a tick after the deadline would
	 * give the CPU back to this thread, which outranks low. */
	ck_assert_pmt_ok(pmt_sleep(PMT_MSEC(20 * TEST_SLOWDOWN)));
	ck_assert_log("L");
	ck_assert_pmt_ok(pmt_preempt_enable());
	ck_assert_pmt_eq(pmt_preempt_enable(), PMT_EALREADY);
	ck_assert_pmt_ok(pmt_join(low, NULL));
}
END_TEST

/* Sleeps until sleep_base plus 10 ms times the number in its argument
 * (times TEST_SLOWDOWN, for a start that is slow under Valgrind), then
 * logs the number. */
static pmt_time_t sleep_base;

static void *
sleep_tens_log(void *arg)
{
	int n = (int)(uintptr_t)arg;

	/* From one base for all, so that a loaded machine that delays a
	 * thread's start does not reorder the deadlines; in a section, so
	 * that no tick lets an equal that woke at the same time log
	 * first. */
	if (pmt_preempt_disable() != 0 ||
	    pmt_sleep_until(sleep_base + PMT_MSEC(10 * n * TEST_SLOWDOWN)) != 0)
		bad++;
	test_log_int(n);
	if (pmt_preempt_enable() != 0)
		bad++;
	return NULL;
}

START_TEST(test_sleepers_wake_in_deadline_order)
{
	pmt_t t[3];

	sync_init();
	observe();
	sleep_base = pmt_now();
	ck_assert_pmt_ok(test_spawn(&t[0], sleep_tens_log, PTR(3), 0, 10));
	ck_assert_pmt_ok(test_spawn(&t[1], sleep_tens_log, PTR(1), 1, 10));
	ck_assert_pmt_ok(test_spawn(&t[2], sleep_tens_log, PTR(2), 2, 10));
	ck_assert_pmt_ok(pmt_join(t[0], NULL));
	ck_assert_log("123");
	ck_assert_pmt_ok(pmt_join(t[1], NULL));
	ck_assert_pmt_ok(pmt_join(t[2], NULL));
	ck_assert_int_eq(bad, 0);
}
END_TEST

/*
 * The sleeps of the bound tests: NSLEEPS sleeps of 5 ms, by pmt_sleep()
 * and by pmt_sleep_until() in turn.  Each wakes at or after its deadline.  The
 * time bound applies to the median lateness: a loaded machine may hold the
 * whole process off the CPU for a while (measured: over 20 ms with three test
 * runs on two cores), which no library can help, while a sleeper that is not
 * woken in time is late every time.  The tests add per-sleep bounds that are
 * counts.
 */
#define NSLEEPS 6
static volatile pmt_time_t sleep_deadline = PMT_TIME_NEVER;
static volatile unsigned long yields_past_deadline;

/* Main's priority, shared with a busy thread: it spins under the tick,
 * and yields in a loop cooperatively, counting the yields it makes once
 * the sleeper's deadline has passed. */
static void *
busy_until_stopped(void *arg)
{
	while (!stop && !overdue()) {
		busy(100);
		if (!TEST_TICK) {
			if (pmt_now() >= sleep_deadline)
				yields_past_deadline++;
			pmt_yield();
		}
	}
	return arg;
}

static int
by_value(const void *a, const void *b)
{
	pmt_time_t x = *(const pmt_time_t *)a, y = *(const pmt_time_t *)b;

	return x < y ? -1 : x > y;
}

/* The NSLEEPS sleeps.  Beside the busy thread, under the tick, each lasts
 * at most three ticks more than the five its 5 ms take (a late process
 * gets fewer ticks, not more); cooperatively, the busy thread's first
 * yield past a pmt_sleep_until() deadline wakes the sleeper. */
static void
assert_sleeps_within_bounds(int busy_beside)
{
	pmt_time_t start, woke, late[NSLEEPS];
	uint64_t ticks;
	int i;

	for (i = 0; i < NSLEEPS; i++) {
		start = pmt_now();
		yields_past_deadline = 0;
		ticks = sync_ticks_now();
		if (i % 2 == 0) {
			ck_assert_pmt_ok(pmt_sleep(PMT_MSEC(5)));
		} else {
			/* The exact deadline, for the busy thread to see. */
			sleep_deadline = start + PMT_MSEC(5);
			ck_assert_pmt_ok(pmt_sleep_until(start + PMT_MSEC(5)));
		}
		woke = pmt_now();
		ticks = sync_ticks_now() - ticks;
		sleep_deadline = PMT_TIME_NEVER;
		ck_assert_uint_ge(woke, start + PMT_MSEC(5));
		late[i] = woke - (start + PMT_MSEC(5));
		/* Under Valgrind, which delivers the tick late and in bursts,
		 * the slack scales with its slowdown. */
		if (busy_beside && TEST_TICK)
			ck_assert_uint_le(ticks, 5 + 3 * TEST_SLOWDOWN);
		if (busy_beside && !TEST_TICK)
			ck_assert_uint_le(yields_past_deadline, 1);
	}
	qsort(late, NSLEEPS, sizeof late[0], by_value);
	ck_assert_msg(late[NSLEEPS / 2] <= LATE_BOUND,
	    "5 ms sleeps woke %llu ns after their deadlines (median; the "
	    "bound is %llu)",
	    (unsigned long long)late[NSLEEPS / 2],
	    (unsigned long long)LATE_BOUND);
}

/*
 * With an equal thread that keeps the CPU (it spins under the tick, or
 * yields in a loop cooperatively), a sleeper still wakes within bounds.
 */
START_TEST(test_sleep_wakes_within_bounds_beside_busy_equal_thread)
{
	pmt_t b;

	sync_init();
	give_up_start();
	ck_assert_pmt_ok(
	    test_spawn_big(&b, busy_until_stopped, NULL, 0, PMT_PRIO_DEFAULT));
	assert_sleeps_within_bounds(1);
	stop = 1;
	ck_assert_pmt_ok(pmt_join(b, NULL));
	assert_no_give_up();
}
END_TEST

/* With nothing else to run, the process idles until the deadline. */
START_TEST(test_sleep_wakes_within_bounds_when_all_threads_sleep)
{
	pmt_t t;

	sync_init();
	sleep_base = pmt_now();
	ck_assert_pmt_ok(test_spawn(&t, sleep_tens_log, PTR(3), 0, 10));
	assert_sleeps_within_bounds(0);
	ck_assert_pmt_ok(pmt_join(t, NULL));
	ck_assert_log("3");
}
END_TEST

/* Sleeps 10 ms twenty times. */
static void *
sleep_200ms(void *arg)
{
	int i;

	for (i = 0; i < 20; i++)
		if (pmt_sleep(PMT_MSEC(10)) != 0)
			bad++;
	return arg;
}

static uint64_t
cpu_ns(void)
{
	struct rusage ru;

	ck_assert_int_eq(getrusage(RUSAGE_SELF, &ru), 0);
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) *
	           1000000000u +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000u;
}

/* While every thread sleeps, the process sleeps too: over 200 ms it uses
 * less than half that in CPU time (a busy loop would use all of it). */
START_TEST(test_process_idles_while_all_threads_sleep)
{
	pmt_t t[2];
	uint64_t cpu0, wall0, cpu, wall;

	sync_init();
	cpu0 = cpu_ns();
	wall0 = test_now_ns();
	ck_assert_pmt_ok(test_spawn(&t[0], sleep_200ms, NULL, 0, 20));
	ck_assert_pmt_ok(test_spawn(&t[1], sleep_200ms, NULL, 1, 10));
	(void)sleep_200ms(NULL);
	ck_assert_pmt_ok(pmt_join(t[0], NULL));
	ck_assert_pmt_ok(pmt_join(t[1], NULL));
	cpu = cpu_ns() - cpu0;
	wall = test_now_ns() - wall0;
	ck_assert_uint_ge(wall, PMT_MSEC(200));
	ck_assert_msg(cpu < wall / 2,
	    "sleeping threads used %llu ns of CPU in %llu ns",
	    (unsigned long long)cpu, (unsigned long long)wall);
	ck_assert_int_eq(bad, 0);
}
END_TEST

static volatile int high_woke;

/* Sleeps 3 ms, then says it ran. */
static void *
sleep_then_flag(void *arg)
{
	if (pmt_sleep(PMT_MSEC(3)) != 0)
		bad++;
	high_woke = 1;
	return arg;
}

/*
 * A sleeper above the running thread takes the CPU when it wakes, though
 * the running thread never blocks: it spins under the tick, or yields
 * cooperatively (a yield lets only equal or higher threads in).
 */
START_TEST(test_woken_sleeper_above_running_thread_takes_the_cpu)
{
	pmt_t h;

	sync_init();
	give_up_start();
	ck_assert_pmt_ok(test_spawn(&h, sleep_then_flag, NULL, 0, 20));
	while (!high_woke && !overdue())
		if (!TEST_TICK)
			pmt_yield();
	assert_no_give_up();
	ck_assert_pmt_ok(pmt_join(h, NULL));
}
END_TEST

/* ---------------------------------------------------------------- join */

/* A timed join that times out leaves the thread joinable. */
START_TEST(test_timedjoin_times_out_then_join_succeeds)
{
	pmt_t t;
	pmt_time_t deadline;
	void *v = PTR(7);

	sync_init();
	ck_assert_pmt_ok(
	    test_spawn(&t, wait_go_return_42, NULL, 0, PMT_PRIO_DEFAULT + 4));
	deadline = pmt_now() + PMT_MSEC(3);
	ck_assert_pmt_eq(pmt_timedjoin(t, &v, deadline), PMT_ETIMEDOUT);
	ck_assert_uint_ge(pmt_now(), deadline);
	ck_assert_ptr_eq(v, PTR(7));
	ck_assert_pmt_eq(
	    pmt_timedjoin(t, &v, pmt_now() + PMT_MSEC(1)), PMT_ETIMEDOUT);
	ck_assert_pmt_ok(pmt_sem_post(&go));
	ck_assert_pmt_ok(pmt_timedjoin(t, &v, pmt_now() + PMT_SEC(10)));
	ck_assert_ptr_eq(v, PTR(42));
	ck_assert_pmt_eq(pmt_timedjoin(t, &v, pmt_now()), PMT_ESRCH);
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* Returns 42 at once. */
static void *
return_42(void *arg)
{
	(void)arg;
	return PTR(42);
}

/* A past deadline: a finished thread is joined; a live one is not, and
 * the call returns at once (the lower thread does not run). */
START_TEST(test_timedjoin_with_past_deadline_joins_only_finished_thread)
{
	pmt_t done, low;
	uint64_t before;
	void *v = NULL;

	sync_init();
	ck_assert_pmt_ok(
	    test_spawn(&done, return_42, NULL, 0, PMT_PRIO_DEFAULT + 4));
	ck_assert_pmt_ok(pmt_timedjoin(done, &v, 0));
	ck_assert_ptr_eq(v, PTR(42));
	ck_assert_pmt_ok(test_spawn(&low, return_42, NULL, 1, 5));
	before = switches_now();
	v = NULL;
	ck_assert_pmt_eq(pmt_timedjoin(low, &v, 0), PMT_ETIMEDOUT);
	ck_assert_pmt_eq(pmt_timedjoin(low, &v, pmt_now()), PMT_ETIMEDOUT);
	ck_assert_uint_eq(switches_now(), before);
	ck_assert_ptr_null(v);
	ck_assert_pmt_ok(pmt_join(low, &v));
	ck_assert_ptr_eq(v, PTR(42));
}
END_TEST

/* Joins target, with a deadline far away; the result goes to rc_join. */
static void *
timedjoin_target(void *arg)
{
	void *v = NULL;

	rc_join = pmt_timedjoin(target, &v, pmt_now() + PMT_SEC(60));
	if (v != PTR(42))
		bad++;
	return arg;
}

START_TEST(test_timedjoin_fails_like_join)
{
	pmt_t t, j, d;

	sync_init();
	ck_assert_pmt_eq(
	    pmt_timedjoin(main_id, NULL, pmt_now() + PMT_MSEC(1)), PMT_EDEADLK);
	ck_assert_pmt_eq(
	    pmt_timedjoin(PMT_THREAD_NONE, NULL, PMT_TIME_NEVER), PMT_ESRCH);
	ck_assert_pmt_ok(test_spawn(&d, return_42, NULL, 2, 5));
	ck_assert_pmt_ok(pmt_detach(d));
	ck_assert_pmt_eq(
	    pmt_timedjoin(d, NULL, pmt_now() + PMT_MSEC(1)), PMT_EDETACHED);
	/* A second joiner, while a timed one waits. */
	ck_assert_pmt_ok(test_spawn(&t, wait_go_return_42, NULL, 0, 25));
	target = t;
	ck_assert_pmt_ok(test_spawn(&j, timedjoin_target, NULL, 1, 20));
	ck_assert_pmt_eq(
	    pmt_timedjoin(t, NULL, pmt_now() + PMT_MSEC(1)), PMT_EBUSY);
	ck_assert_pmt_eq(pmt_timedjoin(t, NULL, 0), PMT_EBUSY);
	ck_assert_pmt_eq(pmt_join(t, NULL), PMT_EBUSY);
	/* The timed joiner gets the thread when it finishes. */
	ck_assert_pmt_ok(pmt_sem_post(&go));
	ck_assert_pmt_ok(pmt_join(j, NULL));
	ck_assert_pmt_eq(rc_join, 0);
	ck_assert_pmt_eq(pmt_timedjoin(t, NULL, PMT_TIME_NEVER), PMT_ESRCH);
	ck_assert_int_eq(bad, 0);
}
END_TEST

static Suite *
time_suite(void)
{
	Suite *s = suite_create(TEST_TICK ? "time_preempt" : "time");
	TCase *tc;

	tc = tcase_create("clock");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_now_works_before_init_on_the_monotonic_clock);
	tcase_add_test(tc, test_time_macros_give_nanoseconds);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_time_calls_fail_with_enoinit_before_init);
	tcase_add_test(tc, test_sleep_without_end_fails_with_einval);
	tcase_add_test(tc, test_getprio_effective_rejects_bad_arguments);
	suite_add_tcase(s, tc);

	tc = tcase_create("sleep");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_sleep_of_zero_or_until_past_returns_at_once);
	tcase_add_test(tc, test_sleep_lasts_at_least_its_time);
	tcase_add_test(tc, test_sleepers_wake_in_deadline_order);
	tcase_add_test(
	    tc, test_sleep_blocks_inside_nopreempt_section_and_keeps_it);
	tcase_add_test(
	    tc, test_sleep_wakes_within_bounds_beside_busy_equal_thread);
	tcase_add_test(
	    tc, test_sleep_wakes_within_bounds_when_all_threads_sleep);
	tcase_add_test(tc, test_process_idles_while_all_threads_sleep);
	tcase_add_test(
	    tc, test_woken_sleeper_above_running_thread_takes_the_cpu);
	suite_add_tcase(s, tc);

	tc = tcase_create("timedjoin");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_timedjoin_times_out_then_join_succeeds);
	tcase_add_test(
	    tc, test_timedjoin_with_past_deadline_joins_only_finished_thread);
	tcase_add_test(tc, test_timedjoin_fails_like_join);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return sync_main(time_suite);
}
