/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * check_sched.c - unit tests of the scheduler: the exact order in which
 * threads run under pmt_yield(), priorities, pmt_setprio() and pmt_spawn(),
 * and the counters pmt_stats() and pmt_thread_stats() report.
 */
#include <stdint.h>
#include <stdlib.h>

#include "testutil.h"

#define PTR(n) ((void *)(uintptr_t)(n))

/* Loops this many times: logs its letter (the argument) and a digit for
 * the round, then yields. */
#define ROUNDS 3

static void *
take_turns(void *arg)
{
	char name = (char)(uintptr_t)arg;
	int i;

	for (i = 1; i <= ROUNDS; i++) {
		test_log(name);
		test_log_int(i);
		pmt_yield();
	}
	return NULL;
}

/* Logs its letter once. */
static void *
log_once(void *arg)
{
	test_log((char)(uintptr_t)arg);
	return NULL;
}

/* Logs its letter, yields once, logs it again. */
static void *
log_yield_log(void *arg)
{
	test_log((char)(uintptr_t)arg);
	pmt_yield();
	test_log((char)(uintptr_t)arg);
	return NULL;
}

/* ---------------------------------------------------------------- yield */

START_TEST(test_equal_threads_take_turns_in_fifo_order)
{
	pmt_t a, b, c;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(
	    test_spawn(&a, take_turns, PTR('A'), 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(
	    test_spawn(&b, take_turns, PTR('B'), 1, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(
	    test_spawn(&c, take_turns, PTR('C'), 2, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_join(a, NULL));
	ck_assert_pmt_ok(pmt_join(b, NULL));
	ck_assert_pmt_ok(pmt_join(c, NULL));
	ck_assert_log("A1B1C1A2B2C2A3B3C3");
}
END_TEST

START_TEST(test_yield_takes_turns_with_the_caller)
{
	pmt_t a, b;
	int i;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(
	    test_spawn(&a, take_turns, PTR('A'), 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(
	    test_spawn(&b, take_turns, PTR('B'), 1, PMT_PRIO_DEFAULT));
	for (i = 1; i <= ROUNDS; i++) {
		test_log('m');
		ck_assert_pmt_ok(pmt_yield());
	}
	test_log('m');
	ck_assert_pmt_ok(pmt_join(a, NULL));
	ck_assert_pmt_ok(pmt_join(b, NULL));
	ck_assert_log("mA1B1mA2B2mA3B3m");
}
END_TEST

START_TEST(test_yield_alone_returns_without_switch)
{
	struct pmt_stats before, after;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(pmt_stats(&before));
	ck_assert_pmt_ok(pmt_yield());
	ck_assert_pmt_ok(pmt_yield());
	ck_assert_pmt_ok(pmt_stats(&after));
	ck_assert_uint_eq(after.switches, before.switches);
	ck_assert_uint_eq(after.yields, before.yields + 2);
}
END_TEST

START_TEST(test_yield_does_not_run_lower_priority_thread)
{
	pmt_t t;
	struct pmt_stats before, after;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(
	    test_spawn(&t, log_once, PTR('L'), 0, PMT_PRIO_DEFAULT - 1));
	ck_assert_pmt_ok(pmt_stats(&before));
	ck_assert_pmt_ok(pmt_yield());
	ck_assert_pmt_ok(pmt_yield());
	ck_assert_pmt_ok(pmt_stats(&after));
	ck_assert_log("");
	ck_assert_uint_eq(after.switches, before.switches);
	ck_assert_pmt_ok(pmt_join(t, NULL));
	ck_assert_log("L");
}
END_TEST

/* ---------------------------------------------------------------- priority */

START_TEST(test_higher_priority_runs_first)
{
	pmt_t lo, hi, mid;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(test_spawn(&lo, log_once, PTR('1'), 0, 1));
	ck_assert_pmt_ok(test_spawn(&hi, log_once, PTR('X'), 1, 10));
	ck_assert_pmt_ok(test_spawn(&mid, log_once, PTR('5'), 2, 5));
	/* All below main: none has run yet. */
	ck_assert_log("");
	ck_assert_pmt_ok(pmt_join(lo, NULL));
	ck_assert_log("X51");
	ck_assert_pmt_ok(pmt_join(hi, NULL));
	ck_assert_pmt_ok(pmt_join(mid, NULL));
}
END_TEST

START_TEST(test_round_robin_within_level_before_lower_level)
{
	pmt_t a, b, low;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(test_spawn(&low, take_turns, PTR('L'), 0, 5));
	ck_assert_pmt_ok(test_spawn(&a, take_turns, PTR('A'), 1, 10));
	ck_assert_pmt_ok(test_spawn(&b, take_turns, PTR('B'), 2, 10));
	ck_assert_pmt_ok(pmt_join(low, NULL));
	ck_assert_log("A1B1A2B2A3B3L1L2L3");
	ck_assert_pmt_ok(pmt_join(a, NULL));
	ck_assert_pmt_ok(pmt_join(b, NULL));
}
END_TEST

START_TEST(test_spawn_of_higher_priority_runs_it_before_return)
{
	pmt_t t;

	ck_assert_int_eq(pmt_init(), 0);
	test_log('a');
	ck_assert_pmt_ok(
	    test_spawn(&t, log_yield_log, PTR('T'), 0, PMT_PRIO_DEFAULT + 1));
	test_log('b');
	/* Alone on its level, its yield returned at once. */
	ck_assert_log("aTTb");
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

START_TEST(test_spawn_of_equal_priority_queues_it)
{
	pmt_t t;

	ck_assert_int_eq(pmt_init(), 0);
	test_log('a');
	ck_assert_pmt_ok(
	    test_spawn(&t, log_once, PTR('T'), 0, PMT_PRIO_DEFAULT));
	test_log('b');
	ck_assert_pmt_ok(pmt_yield());
	test_log('c');
	ck_assert_log("abTc");
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

START_TEST(test_setprio_raising_ready_thread_runs_it_at_once)
{
	pmt_t t;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(test_spawn(&t, log_once, PTR('T'), 0, 10));
	test_log('a');
	ck_assert_pmt_ok(pmt_setprio(t, PMT_PRIO_DEFAULT + 1));
	test_log('b');
	ck_assert_log("aTb");
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

START_TEST(test_setprio_to_caller_level_does_not_switch)
{
	pmt_t t;
	struct pmt_stats before, after;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(test_spawn(&t, log_once, PTR('T'), 0, 10));
	ck_assert_pmt_ok(pmt_stats(&before));
	ck_assert_pmt_ok(pmt_setprio(t, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_stats(&after));
	ck_assert_log("");
	ck_assert_uint_eq(after.switches, before.switches);
	ck_assert_pmt_ok(pmt_yield());
	ck_assert_log("T");
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

START_TEST(test_setprio_moves_ready_thread_to_tail_of_new_level)
{
	pmt_t a, b, c;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(test_spawn(&a, log_once, PTR('A'), 0, 10));
	ck_assert_pmt_ok(test_spawn(&b, log_once, PTR('B'), 1, 12));
	ck_assert_pmt_ok(test_spawn(&c, log_once, PTR('C'), 2, 12));
	ck_assert_pmt_ok(pmt_setprio(a, 12));
	ck_assert_pmt_ok(pmt_join(a, NULL));
	ck_assert_log("BCA");
	ck_assert_pmt_ok(pmt_join(b, NULL));
	ck_assert_pmt_ok(pmt_join(c, NULL));
}
END_TEST

START_TEST(test_lowering_self_below_ready_thread_switches)
{
	pmt_t t;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(test_spawn(&t, log_once, PTR('T'), 0, 10));
	test_log('a');
	ck_assert_pmt_ok(pmt_setprio(pmt_self(), 9));
	test_log('b');
	ck_assert_log("aTb");
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

START_TEST(test_lowering_self_to_ready_thread_level_does_not_switch)
{
	pmt_t t;
	struct pmt_stats before, after;
	int prio = -1;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(test_spawn(&t, log_once, PTR('T'), 0, 10));
	ck_assert_pmt_ok(pmt_stats(&before));
	ck_assert_pmt_ok(pmt_setprio(pmt_self(), 10));
	ck_assert_pmt_ok(pmt_stats(&after));
	ck_assert_log("");
	ck_assert_uint_eq(after.switches, before.switches);
	ck_assert_pmt_ok(pmt_getprio(pmt_self(), &prio));
	ck_assert_int_eq(prio, 10);
	ck_assert_pmt_ok(pmt_yield());
	ck_assert_log("T");
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

START_TEST(test_lowering_self_goes_to_tail_of_new_level)
{
	pmt_t hi, eq;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(test_spawn(&eq, log_once, PTR('E'), 0, 5));
	ck_assert_pmt_ok(test_spawn(&hi, log_once, PTR('H'), 1, 10));
	ck_assert_pmt_ok(pmt_setprio(pmt_self(), 5));
	test_log('m');
	/* The thread already waiting at 5 runs before the caller. */
	ck_assert_log("HEm");
	ck_assert_pmt_ok(pmt_join(eq, NULL));
	ck_assert_pmt_ok(pmt_join(hi, NULL));
}
END_TEST

START_TEST(test_raising_self_does_not_switch)
{
	pmt_t t;
	struct pmt_stats before, after;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(
	    test_spawn(&t, log_once, PTR('T'), 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_stats(&before));
	ck_assert_pmt_ok(pmt_setprio(pmt_self(), PMT_PRIO_MAX));
	ck_assert_pmt_ok(pmt_yield());
	ck_assert_pmt_ok(pmt_stats(&after));
	ck_assert_log("");
	ck_assert_uint_eq(after.switches, before.switches);
	ck_assert_pmt_ok(pmt_join(t, NULL));
	ck_assert_log("T");
}
END_TEST

/*
 * A thread that loses the CPU because a thread of higher priority became
 * ready (pmt_spawn() of a higher-priority thread, or pmt_setprio() raising
 * a ready thread above it) goes back to the head of its level: it runs
 * again before the threads of its level that were already waiting, as if
 * it had not been interrupted.  A thread that gives the CPU up itself
 * (pmt_yield(), lowering its own priority) goes to the tail instead.
 */
START_TEST(test_caller_preempted_by_spawn_resumes_at_head_of_level)
{
	pmt_t eq, hi;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(
	    test_spawn(&eq, log_once, PTR('E'), 0, PMT_PRIO_DEFAULT));
	/* hi runs at once and yields to nobody but the level below... */
	ck_assert_pmt_ok(
	    test_spawn(&hi, log_yield_log, PTR('H'), 1, PMT_PRIO_DEFAULT + 4));
	/* ...then the caller comes back before eq, which waited longer. */
	test_log('m');
	ck_assert_pmt_ok(pmt_yield());
	test_log('m');
	ck_assert_log("HHmEm");
	ck_assert_pmt_ok(pmt_join(eq, NULL));
	ck_assert_pmt_ok(pmt_join(hi, NULL));
}
END_TEST

START_TEST(test_caller_preempted_by_setprio_resumes_at_head_of_level)
{
	pmt_t e1, e2, t;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(
	    test_spawn(&e1, log_once, PTR('E'), 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(
	    test_spawn(&e2, log_once, PTR('F'), 1, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(test_spawn(&t, log_yield_log, PTR('T'), 2, 3));
	ck_assert_pmt_ok(pmt_setprio(t, PMT_PRIO_MAX));
	test_log('m');
	ck_assert_pmt_ok(pmt_yield());
	test_log('m');
	ck_assert_log("TTmEFm");
	ck_assert_pmt_ok(pmt_join(e1, NULL));
	ck_assert_pmt_ok(pmt_join(e2, NULL));
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

/* Spawned at a higher priority, a thread preempts its creator (another
 * thread), and the creator resumes before its equals. */
static pmt_t inner;

static void *
spawn_high(void *arg)
{
	(void)arg;
	test_log('S');
	if (test_spawn(&inner, log_once, PTR('H'), 3, PMT_PRIO_MAX) != 0)
		test_log('!');
	test_log('S');
	pmt_yield();
	test_log('S');
	return NULL;
}

START_TEST(test_thread_preempted_by_spawn_resumes_before_equals)
{
	pmt_t s, e;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(test_spawn(&s, spawn_high, NULL, 0, 10));
	ck_assert_pmt_ok(test_spawn(&e, log_once, PTR('E'), 1, 10));
	ck_assert_pmt_ok(pmt_join(e, NULL));
	ck_assert_pmt_ok(pmt_join(s, NULL));
	ck_assert_log("SHSES");
	ck_assert_pmt_ok(pmt_join(inner, NULL));
}
END_TEST

/* ---------------------------------------------------------------- stats */

/*
 * The table size: make check exports the configured one as
 * PMT_MAX_THREADS.  Run by hand, only its lower bound is known; the
 * stress tests check that the size reported is the size that fills.
 */
static void
assert_table_size(uint32_t max_threads)
{
	const char *s = getenv("PMT_MAX_THREADS");

	if (s != NULL && *s != '\0')
		ck_assert_uint_eq(max_threads, strtoul(s, NULL, 10));
	else
		ck_assert_uint_ge(max_threads, 2);
}

START_TEST(test_stats_start_at_zero)
{
	struct pmt_stats st;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(pmt_stats(&st));
	ck_assert_uint_eq(st.switches, 0);
	ck_assert_uint_eq(st.yields, 0);
	ck_assert_uint_eq(st.spawns, 0);
	ck_assert_uint_eq(st.exits, 0);
	ck_assert_uint_eq(st.ticks, 0);
	ck_assert_uint_eq(st.preemptions, 0);
	ck_assert_uint_eq(st.threads, 1);
	assert_table_size(st.max_threads);
}
END_TEST

START_TEST(test_stats_count_switches_yields_spawns_exits)
{
	pmt_t a, b;
	struct pmt_stats st;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(
	    test_spawn(&a, log_yield_log, PTR('A'), 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(
	    test_spawn(&b, log_yield_log, PTR('B'), 1, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_stats(&st));
	ck_assert_uint_eq(st.spawns, 2);
	ck_assert_uint_eq(st.threads, 3);
	ck_assert_uint_eq(st.switches, 0);
	/*
	 * main -> A (join), A -> B (yield), B -> A (yield), A -> B (A ends,
	 * main queued behind B), B -> main (B ends): 5 switches, 2 yields.
	 */
	ck_assert_pmt_ok(pmt_join(a, NULL));
	ck_assert_log("ABAB");
	ck_assert_pmt_ok(pmt_stats(&st));
	ck_assert_uint_eq(st.switches, 5);
	ck_assert_uint_eq(st.yields, 2);
	ck_assert_uint_eq(st.exits, 2);
	ck_assert_uint_eq(st.threads, 1);
	/* Joining a finished thread and a lone yield switch nothing. */
	ck_assert_pmt_ok(pmt_join(b, NULL));
	ck_assert_pmt_ok(pmt_yield());
	ck_assert_pmt_ok(pmt_stats(&st));
	ck_assert_uint_eq(st.switches, 5);
	ck_assert_uint_eq(st.yields, 3);
	ck_assert_uint_eq(st.spawns, 2);
	ck_assert_uint_eq(st.exits, 2);
	ck_assert_uint_eq(st.threads, 1);
	ck_assert_uint_eq(st.ticks, 0);
	ck_assert_uint_eq(st.preemptions, 0);
	assert_table_size(st.max_threads);
}
END_TEST

START_TEST(test_stats_count_switches_of_priority_preemption)
{
	pmt_t t;
	struct pmt_stats st;

	ck_assert_int_eq(pmt_init(), 0);
	/* main -> t at spawn, t -> main when t ends. */
	ck_assert_pmt_ok(test_spawn(&t, log_once, PTR('T'), 0, 30));
	ck_assert_pmt_ok(pmt_stats(&st));
	ck_assert_uint_eq(st.switches, 2);
	ck_assert_uint_eq(st.yields, 0);
	ck_assert_uint_eq(st.spawns, 1);
	ck_assert_uint_eq(st.exits, 1);
	ck_assert_uint_eq(st.threads, 1);
	ck_assert_uint_eq(st.preemptions, 0);
	ck_assert_pmt_ok(pmt_join(t, NULL));
	ck_assert_pmt_ok(pmt_stats(&st));
	ck_assert_uint_eq(st.switches, 2);
}
END_TEST

/* pmt_thread_stats() of tid, which must succeed. */
static struct pmt_thread_stats
thread_stats(pmt_t tid)
{
	struct pmt_thread_stats ts;

	memset(&ts, 0xa5, sizeof ts);
	ck_assert_pmt_ok(pmt_thread_stats(tid, &ts));
	return ts;
}

#define ck_assert_thread_stats(tid, nswitches, npreemptions, st)               \
	do {                                                                   \
		struct pmt_thread_stats ck_ts_ = thread_stats(tid);            \
		ck_assert_uint_eq(ck_ts_.switches, (nswitches));               \
		ck_assert_uint_eq(ck_ts_.preemptions, (npreemptions));         \
		ck_assert_int_eq(ck_ts_.state, (st));                          \
	} while (0)

START_TEST(test_thread_stats_count_switches_of_each_thread)
{
	pmt_t a, b, self;
	struct pmt_stats st;

	ck_assert_int_eq(pmt_init(), 0);
	self = pmt_self();
	ck_assert_thread_stats(self, 0, 0, PMT_THREAD_RUNNING);
	ck_assert_pmt_ok(
	    test_spawn(&a, log_yield_log, PTR('A'), 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(
	    test_spawn(&b, log_yield_log, PTR('B'), 1, PMT_PRIO_DEFAULT));
	ck_assert_thread_stats(a, 0, 0, PMT_THREAD_READY);
	ck_assert_thread_stats(b, 0, 0, PMT_THREAD_READY);
	/*
	 * main -> A (join), A -> B (yield), B -> A (yield), A -> B (A ends),
	 * B -> main (B ends): A and B are switched to twice each, main once.
	 */
	ck_assert_pmt_ok(pmt_join(a, NULL));
	ck_assert_log("ABAB");
	ck_assert_thread_stats(self, 1, 0, PMT_THREAD_RUNNING);
	ck_assert_thread_stats(b, 2, 0, PMT_THREAD_DONE);
	ck_assert_pmt_ok(pmt_stats(&st));
	ck_assert_uint_eq(st.switches, 5);
	/* A joined thread's id is stale: its counters went with it. */
	ck_assert_pmt_eq(
	    pmt_thread_stats(a, &(struct pmt_thread_stats){0}), PMT_ESRCH);
	ck_assert_pmt_ok(pmt_join(b, NULL));
	/* A lone yield switches nothing. */
	ck_assert_pmt_ok(pmt_yield());
	ck_assert_thread_stats(self, 1, 0, PMT_THREAD_RUNNING);
}
END_TEST

/* Waits on the semaphore arg once. */
static void *
wait_sem(void *arg)
{
	test_log('W');
	pmt_sem_wait(arg);
	test_log('w');
	return NULL;
}

START_TEST(test_thread_stats_report_each_state)
{
	pmt_sem_t sem = PMT_SEM_INITIALIZER(0, 1);
	pmt_t w, r, self;

	ck_assert_int_eq(pmt_init(), 0);
	self = pmt_self();
	/* w, above main, runs at spawn and blocks: main is switched back. */
	ck_assert_pmt_ok(test_spawn(&w, wait_sem, &sem, 0, 30));
	ck_assert_pmt_ok(
	    test_spawn(&r, log_once, PTR('R'), 1, PMT_PRIO_DEFAULT));
	ck_assert_log("W");
	ck_assert_thread_stats(w, 1, 0, PMT_THREAD_BLOCKED);
	ck_assert_thread_stats(r, 0, 0, PMT_THREAD_READY);
	ck_assert_thread_stats(self, 1, 0, PMT_THREAD_RUNNING);
	/* The post runs w at once, to its end; then main again. */
	ck_assert_pmt_ok(pmt_sem_post(&sem));
	ck_assert_log("Ww");
	ck_assert_thread_stats(w, 2, 0, PMT_THREAD_DONE);
	ck_assert_thread_stats(self, 2, 0, PMT_THREAD_RUNNING);
	ck_assert_pmt_ok(pmt_join(r, NULL));
	ck_assert_log("WwR");
	ck_assert_pmt_ok(pmt_join(w, NULL));
	ck_assert_thread_stats(self, 3, 0, PMT_THREAD_RUNNING);
}
END_TEST

START_TEST(test_thread_stats_start_at_zero_in_a_reused_slot)
{
	pmt_t a, b;
	struct pmt_stats st;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(pmt_stats(&st));
	ck_assert_pmt_ok(
	    test_spawn(&a, log_yield_log, PTR('A'), 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_join(a, NULL));
	ck_assert_uint_eq(thread_stats(pmt_self()).switches, 1);
	/* The table's first free slot again (an id is generation *
	 * max_threads + slot): a's, with a new id. */
	ck_assert_pmt_ok(
	    test_spawn(&b, log_once, PTR('B'), 0, PMT_PRIO_DEFAULT));
	ck_assert_uint_ne(a, b);
	ck_assert_uint_eq(a % st.max_threads, b % st.max_threads);
	ck_assert_thread_stats(b, 0, 0, PMT_THREAD_READY);
	ck_assert_pmt_ok(pmt_join(b, NULL));
	ck_assert_log("AAB");
}
END_TEST

static Suite *
sched_suite(void)
{
	Suite *s = suite_create("sched");
	TCase *tc;

	tc = tcase_create("yield");
	tcase_add_test(tc, test_equal_threads_take_turns_in_fifo_order);
	tcase_add_test(tc, test_yield_takes_turns_with_the_caller);
	tcase_add_test(tc, test_yield_alone_returns_without_switch);
	tcase_add_test(tc, test_yield_does_not_run_lower_priority_thread);
	suite_add_tcase(s, tc);

	tc = tcase_create("priority");
	tcase_add_test(tc, test_higher_priority_runs_first);
	tcase_add_test(tc, test_round_robin_within_level_before_lower_level);
	tcase_add_test(tc, test_spawn_of_higher_priority_runs_it_before_return);
	tcase_add_test(tc, test_spawn_of_equal_priority_queues_it);
	suite_add_tcase(s, tc);

	tc = tcase_create("setprio");
	tcase_add_test(tc, test_setprio_raising_ready_thread_runs_it_at_once);
	tcase_add_test(tc, test_setprio_to_caller_level_does_not_switch);
	tcase_add_test(
	    tc, test_setprio_moves_ready_thread_to_tail_of_new_level);
	tcase_add_test(tc, test_lowering_self_below_ready_thread_switches);
	tcase_add_test(
	    tc, test_lowering_self_to_ready_thread_level_does_not_switch);
	tcase_add_test(tc, test_lowering_self_goes_to_tail_of_new_level);
	tcase_add_test(tc, test_raising_self_does_not_switch);
	suite_add_tcase(s, tc);

	tc = tcase_create("preempted_head");
	tcase_add_test(
	    tc, test_caller_preempted_by_spawn_resumes_at_head_of_level);
	tcase_add_test(
	    tc, test_caller_preempted_by_setprio_resumes_at_head_of_level);
	tcase_add_test(
	    tc, test_thread_preempted_by_spawn_resumes_before_equals);
	suite_add_tcase(s, tc);

	tc = tcase_create("stats");
	tcase_add_test(tc, test_stats_start_at_zero);
	tcase_add_test(tc, test_stats_count_switches_yields_spawns_exits);
	tcase_add_test(tc, test_stats_count_switches_of_priority_preemption);
	tcase_add_test(tc, test_thread_stats_count_switches_of_each_thread);
	tcase_add_test(tc, test_thread_stats_report_each_state);
	tcase_add_test(tc, test_thread_stats_start_at_zero_in_a_reused_slot);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return test_run_suite(sched_suite());
}
