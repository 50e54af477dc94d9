/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * check_thread.c - unit tests of the thread life cycle: pmt_init(),
 * pmt_spawn(), pmt_exit(), pmt_join(), pmt_detach() and pmt_self().
 */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "testutil.h"

#define PTR(n) ((void *)(uintptr_t)(n))

/* Shared with the threads; checked by the test bodies afterwards. */
static pmt_t seen_self;
static int seen_rc = -1;

/* Returns its argument. */
static void *
return_arg(void *arg)
{
	test_log('r');
	return arg;
}

/* Records its own id. */
static void *
record_self(void *arg)
{
	seen_self = pmt_self();
	return arg;
}

/* Records its own id and what the spawner's tid variable held. */
static pmt_t seen_tid;

static void *
record_tid(void *arg)
{
	seen_self = pmt_self();
	seen_tid = *(volatile pmt_t *)arg;
	return NULL;
}

/* Yields n times, logging each step. */
static void *
yield_n(void *arg)
{
	int i, n = (int)(uintptr_t)arg;

	for (i = 0; i < n; i++) {
		test_log('y');
		pmt_yield();
	}
	test_log('e');
	return arg;
}

static void
leave_from_inside(int depth)
{
	if (depth == 0) {
		test_log('x');
		pmt_exit(PTR(42));
		test_log('!'); /* never reached */
		return;
	}
	leave_from_inside(depth - 1);
	test_log('!'); /* never reached */
}

/* Calls pmt_exit() from three calls deep. */
static void *
exit_midway(void *arg)
{
	(void)arg;
	test_log('a');
	leave_from_inside(3);
	test_log('!'); /* never reached */
	return PTR(7);
}

/* Detaches itself, then yields once before it ends. */
static void *
detach_self(void *arg)
{
	seen_rc = pmt_detach(pmt_self());
	test_log('d');
	pmt_yield();
	test_log('e');
	return arg;
}

/* ---------------------------------------------------------------- init */

START_TEST(test_init_adopts_caller_at_default_priority)
{
	struct pmt_stats st;
	int prio = -1;

	ck_assert_uint_eq(pmt_self(), PMT_THREAD_NONE);
	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_uint_ne(pmt_self(), PMT_THREAD_NONE);
	ck_assert_pmt_ok(pmt_getprio(pmt_self(), &prio));
	ck_assert_int_eq(prio, PMT_PRIO_DEFAULT);
	ck_assert_pmt_ok(pmt_stats(&st));
	ck_assert_uint_eq(st.threads, 1);
}
END_TEST

START_TEST(test_init_twice_fails_with_ealready)
{
	pmt_t self;
	int prio = -1;

	ck_assert_int_eq(pmt_init(), 0);
	self = pmt_self();
	ck_assert_pmt_ok(pmt_setprio(self, 3));
	ck_assert_pmt_eq(pmt_init(), PMT_EALREADY);
	ck_assert_pmt_eq(pmt_init(), PMT_EALREADY);
	/* Still the same thread, its priority not reset. */
	ck_assert_uint_eq(pmt_self(), self);
	ck_assert_pmt_ok(pmt_getprio(self, &prio));
	ck_assert_int_eq(prio, 3);
}
END_TEST

/* ---------------------------------------------------------------- spawn/join
 */

START_TEST(test_join_returns_exit_value)
{
	pmt_t t;
	void *v = NULL;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(
	    test_spawn(&t, return_arg, PTR(1234), 0, PMT_PRIO_DEFAULT));
	ck_assert_log(""); /* same priority: queued, not run yet */
	ck_assert_pmt_ok(pmt_join(t, &v));
	ck_assert_ptr_eq(v, PTR(1234));
	ck_assert_log("r");
}
END_TEST

START_TEST(test_join_accepts_null_retval)
{
	pmt_t t;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(test_spawn(&t, return_arg, PTR(5), 0, 4));
	ck_assert_pmt_ok(pmt_join(t, NULL));
	ck_assert_log("r");
}
END_TEST

START_TEST(test_return_from_entry_is_pmt_exit)
{
	pmt_t t1, t2;
	void *v1 = NULL, *v2 = NULL;
	struct pmt_stats st;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(test_spawn(&t1, return_arg, PTR(11), 0, 10));
	ck_assert_pmt_ok(test_spawn(&t2, exit_midway, NULL, 1, 10));
	ck_assert_pmt_ok(pmt_join(t1, &v1));
	ck_assert_pmt_ok(pmt_join(t2, &v2));
	ck_assert_ptr_eq(v1, PTR(11));
	ck_assert_ptr_eq(v2, PTR(42));
	ck_assert_pmt_ok(pmt_stats(&st));
	ck_assert_uint_eq(st.exits, 2);
	ck_assert_uint_eq(st.threads, 1);
}
END_TEST

START_TEST(test_exit_midway_skips_rest_of_thread)
{
	pmt_t t;
	void *v = NULL;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(test_spawn(&t, exit_midway, NULL, 0, 20));
	/* Higher priority: it ran to its pmt_exit() inside pmt_spawn(). */
	ck_assert_log("ax");
	ck_assert_pmt_ok(pmt_join(t, &v));
	ck_assert_ptr_eq(v, PTR(42));
	ck_assert_log("ax");
}
END_TEST

START_TEST(test_spawn_passes_arg_and_stores_tid)
{
	pmt_t t = PMT_THREAD_NONE;
	void *v = NULL;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(test_spawn(&t, record_self, PTR(99), 0, 20));
	ck_assert_uint_ne(t, PMT_THREAD_NONE);
	ck_assert_uint_ne(t, pmt_self());
	ck_assert_uint_eq(seen_self, t);
	ck_assert_pmt_ok(pmt_join(t, &v));
	ck_assert_ptr_eq(v, PTR(99));
}
END_TEST

START_TEST(test_spawn_stores_tid_before_thread_runs)
{
	static pmt_t t = PMT_THREAD_NONE;

	ck_assert_int_eq(pmt_init(), 0);
	/* Higher priority: it runs before pmt_spawn() returns. */
	ck_assert_pmt_ok(test_spawn(&t, record_tid, &t, 0, 20));
	ck_assert_uint_ne(seen_self, PMT_THREAD_NONE);
	ck_assert_uint_eq(seen_tid, seen_self);
	ck_assert_uint_eq(t, seen_self);
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

START_TEST(test_join_of_finished_thread_does_not_switch)
{
	pmt_t t;
	void *v = NULL;
	struct pmt_stats before, after;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(
	    test_spawn(&t, return_arg, PTR(3), 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_yield()); /* t runs and finishes */
	ck_assert_log("r");
	ck_assert_pmt_ok(pmt_stats(&before));
	ck_assert_uint_eq(before.exits, 1);
	ck_assert_pmt_ok(pmt_join(t, &v));
	ck_assert_pmt_ok(pmt_stats(&after));
	ck_assert_ptr_eq(v, PTR(3));
	ck_assert_uint_eq(after.switches, before.switches);
}
END_TEST

START_TEST(test_join_waits_for_running_thread)
{
	pmt_t t;
	void *v = NULL;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(test_spawn(&t, yield_n, PTR(3), 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_yield());
	ck_assert_log("y"); /* started, not finished */
	test_log('m');
	ck_assert_pmt_ok(pmt_join(t, &v));
	test_log('j');
	ck_assert_ptr_eq(v, PTR(3));
	ck_assert_log("ymyyej");
}
END_TEST

START_TEST(test_finished_thread_is_kept_until_joined)
{
	pmt_t t;
	int prio = -1;
	void *v = NULL;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(test_spawn(&t, return_arg, PTR(8), 0, 20));
	ck_assert_log("r");
	/* Finished but not joined: the id still names it. */
	ck_assert_pmt_ok(pmt_getprio(t, &prio));
	ck_assert_int_eq(prio, 20);
	ck_assert_pmt_ok(pmt_setprio(t, 2));
	ck_assert_pmt_ok(pmt_getprio(t, &prio));
	ck_assert_int_eq(prio, 2);
	ck_assert_pmt_ok(pmt_join(t, &v));
	ck_assert_ptr_eq(v, PTR(8));
}
END_TEST

/* ---------------------------------------------------------------- self */

START_TEST(test_self_names_each_thread)
{
	pmt_t main_id, t1, t2, t1_self;

	ck_assert_int_eq(pmt_init(), 0);
	main_id = pmt_self();
	ck_assert_uint_ne(main_id, PMT_THREAD_NONE);
	ck_assert_pmt_ok(test_spawn(&t1, record_self, NULL, 0, 20));
	t1_self = seen_self;
	ck_assert_pmt_ok(test_spawn(&t2, record_self, NULL, 1, 20));
	ck_assert_uint_eq(t1_self, t1);
	ck_assert_uint_eq(seen_self, t2);
	ck_assert_uint_ne(t1, t2);
	ck_assert_uint_ne(t1, main_id);
	ck_assert_uint_ne(t2, main_id);
	ck_assert_uint_eq(pmt_self(), main_id);
	ck_assert_pmt_ok(pmt_join(t1, NULL));
	ck_assert_pmt_ok(pmt_join(t2, NULL));
}
END_TEST

/* ---------------------------------------------------------------- stale ids */

START_TEST(test_joined_id_is_stale)
{
	pmt_t t, t2;
	int prio = -1;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(test_spawn(&t, return_arg, NULL, 0, 20));
	ck_assert_pmt_ok(pmt_join(t, NULL));
	ck_assert_pmt_eq(pmt_join(t, NULL), PMT_ESRCH);
	ck_assert_pmt_eq(pmt_detach(t), PMT_ESRCH);
	ck_assert_pmt_eq(pmt_setprio(t, 5), PMT_ESRCH);
	ck_assert_pmt_eq(pmt_getprio(t, &prio), PMT_ESRCH);
	ck_assert_int_eq(prio, -1);
	/* A new thread takes the slot, but the old id stays stale. */
	ck_assert_pmt_ok(test_spawn(&t2, return_arg, NULL, 0, 9));
	ck_assert_uint_ne(t2, t);
	ck_assert_pmt_eq(pmt_join(t, NULL), PMT_ESRCH);
	ck_assert_pmt_eq(pmt_detach(t), PMT_ESRCH);
	ck_assert_pmt_eq(pmt_setprio(t, 5), PMT_ESRCH);
	ck_assert_pmt_eq(pmt_getprio(t, &prio), PMT_ESRCH);
	ck_assert_pmt_ok(pmt_getprio(t2, &prio));
	ck_assert_int_eq(prio, 9);
	ck_assert_pmt_ok(pmt_join(t2, NULL));
}
END_TEST

/* ---------------------------------------------------------------- detach */

START_TEST(test_detach_of_started_thread_frees_slot_when_it_ends)
{
	pmt_t t, t2;
	struct pmt_stats st;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(test_spawn(&t, yield_n, PTR(2), 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_yield());
	ck_assert_log("y"); /* t is mid-function */
	ck_assert_pmt_ok(pmt_detach(t));
	/* Not finished yet: still there, and its stack still in use. */
	ck_assert_pmt_eq(pmt_setprio(t, PMT_PRIO_DEFAULT), 0);
	ck_assert_pmt_eq(test_spawn(&t2, return_arg, NULL, 0, 1), PMT_EBUSY);
	ck_assert_pmt_ok(pmt_yield());
	ck_assert_pmt_ok(pmt_yield());
	ck_assert_log("yye");
	ck_assert_pmt_ok(pmt_stats(&st));
	ck_assert_uint_eq(st.threads, 1);
	ck_assert_uint_eq(st.exits, 1);
	/* Its slot and stack are free: the id is stale, the stack usable. */
	ck_assert_pmt_eq(pmt_join(t, NULL), PMT_ESRCH);
	ck_assert_pmt_eq(pmt_setprio(t, 3), PMT_ESRCH);
	ck_assert_pmt_ok(test_spawn(&t2, return_arg, NULL, 0, 1));
	ck_assert_pmt_ok(pmt_join(t2, NULL));
}
END_TEST

START_TEST(test_detach_of_finished_thread_frees_slot_at_once)
{
	pmt_t t, t2;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(test_spawn(&t, return_arg, NULL, 0, 20));
	ck_assert_log("r");
	/* Finished, not joined: the stack still belongs to it. */
	ck_assert_pmt_eq(test_spawn(&t2, return_arg, NULL, 0, 1), PMT_EBUSY);
	ck_assert_pmt_ok(pmt_detach(t));
	ck_assert_pmt_eq(pmt_join(t, NULL), PMT_ESRCH);
	ck_assert_pmt_eq(pmt_detach(t), PMT_ESRCH);
	ck_assert_pmt_ok(test_spawn(&t2, return_arg, NULL, 0, 1));
	ck_assert_pmt_ok(pmt_join(t2, NULL));
}
END_TEST

START_TEST(test_thread_can_detach_itself)
{
	pmt_t t, t2;
	int prio = -1;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(
	    test_spawn(&t, detach_self, NULL, 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_yield());
	ck_assert_log("d");
	ck_assert_int_eq(seen_rc, 0);
	/* Detached but alive: not joinable, still known. */
	ck_assert_pmt_eq(pmt_join(t, NULL), PMT_EDETACHED);
	ck_assert_pmt_ok(pmt_getprio(t, &prio));
	ck_assert_pmt_ok(pmt_yield());
	ck_assert_log("de");
	ck_assert_pmt_eq(pmt_getprio(t, &prio), PMT_ESRCH);
	ck_assert_pmt_ok(test_spawn(&t2, return_arg, NULL, 0, 1));
	ck_assert_pmt_ok(pmt_join(t2, NULL));
}
END_TEST

/* ---------------------------------------------------------------- main exits
 */

/*
 * The main thread calls pmt_exit() while two threads still run; they take
 * turns until both finish, and the last one to end (the detached one)
 * exits the process with status 0.  An
 * atexit handler turns a process that ends too early (before both threads
 * finished, or while main's pmt_exit() returned) into status 4.
 */
static void
check_threads_finished(void)
{
	if (strcmp(test_log_buf, "Myyyyyee") != 0)
		_exit(4);
}

START_TEST(test_main_exit_leaves_others_running)
{
	pmt_t t1, t2;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_int_eq(atexit(check_threads_finished), 0);
	ck_assert_pmt_ok(test_spawn(&t1, yield_n, PTR(3), 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(test_spawn(&t2, yield_n, PTR(2), 1, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_detach(t1));
	test_log('M');
	test_leak_check_now();
	pmt_exit(NULL);
	ck_abort_msg("pmt_exit() returned on the main thread");
}
END_TEST

/*
 * As above, with the order checked by the atexit handler: it runs only if
 * the library ends the process with exit() after the last thread, and
 * reports status 3 when it saw main leave first and the thread finish.
 */
static void
report_order(void)
{
	_exit(strcmp(test_log_buf, "Mye") == 0 ? 3 : 4);
}

START_TEST(test_process_exits_after_last_thread_with_atexit_handlers)
{
	pmt_t t;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_int_eq(atexit(report_order), 0);
	ck_assert_pmt_ok(test_spawn(&t, yield_n, PTR(1), 0, 1));
	test_log('M');
	test_leak_check_now();
	pmt_exit(NULL);
	ck_abort_msg("pmt_exit() returned on the main thread");
}
END_TEST

static Suite *
thread_suite(void)
{
	Suite *s = suite_create("thread");
	TCase *tc;

	tc = tcase_create("init");
	tcase_add_test(tc, test_init_adopts_caller_at_default_priority);
	tcase_add_test(tc, test_init_twice_fails_with_ealready);
	suite_add_tcase(s, tc);

	tc = tcase_create("spawn_join");
	tcase_add_test(tc, test_join_returns_exit_value);
	tcase_add_test(tc, test_join_accepts_null_retval);
	tcase_add_test(tc, test_return_from_entry_is_pmt_exit);
	tcase_add_test(tc, test_exit_midway_skips_rest_of_thread);
	tcase_add_test(tc, test_spawn_passes_arg_and_stores_tid);
	tcase_add_test(tc, test_spawn_stores_tid_before_thread_runs);
	tcase_add_test(tc, test_join_of_finished_thread_does_not_switch);
	tcase_add_test(tc, test_join_waits_for_running_thread);
	tcase_add_test(tc, test_finished_thread_is_kept_until_joined);
	suite_add_tcase(s, tc);

	tc = tcase_create("ids");
	tcase_add_test(tc, test_self_names_each_thread);
	tcase_add_test(tc, test_joined_id_is_stale);
	suite_add_tcase(s, tc);

	tc = tcase_create("detach");
	tcase_add_test(
	    tc, test_detach_of_started_thread_frees_slot_when_it_ends);
	tcase_add_test(tc, test_detach_of_finished_thread_frees_slot_at_once);
	tcase_add_test(tc, test_thread_can_detach_itself);
	suite_add_tcase(s, tc);

	tc = tcase_create("main_exit");
	tcase_add_exit_test(tc, test_main_exit_leaves_others_running, 0);
	tcase_add_exit_test(
	    tc, test_process_exits_after_last_thread_with_atexit_handlers, 3);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return test_run_suite(thread_suite());
}
