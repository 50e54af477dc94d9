/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * check_stress.c - unit tests that push the thread table and the scheduler:
 * many threads on minimal stacks, a full table, thousands of spawn/join
 * cycles and detached threads outnumbering the table.
 */
#include <stdint.h>
#include <stdlib.h>

#include "testutil.h"

#define PTR(n) ((void *)(uintptr_t)(n))

/* ---------------------------------------------------------------- yielding */

#define NYIELDERS 10
#define NYIELDS 2000

static unsigned long counter[NYIELDERS];
static unsigned long step;        /* turns taken, all threads together */
static unsigned long out_of_turn; /* turns not taken in round-robin order */

/* Takes NYIELDS turns; on each, checks it is its turn, and counts. */
static void *
yielder(void *arg)
{
	unsigned long i, me = (unsigned long)(uintptr_t)arg;

	for (i = 0; i < NYIELDS; i++) {
		if (step != i * NYIELDERS + me)
			out_of_turn++;
		step++;
		counter[me]++;
		pmt_yield();
	}
	return PTR(me + 100);
}

START_TEST(test_threads_on_minimal_stacks_take_many_turns)
{
	pmt_t tids[NYIELDERS];
	size_t min = pmt_stack_min();
	void *v;
	unsigned long i;
	struct pmt_stats st;

	ck_assert_int_eq(pmt_init(), 0);
	for (i = 0; i < NYIELDERS; i++) {
		ck_assert_ptr_nonnull(test_stack_slice(i, min));
		ck_assert_pmt_ok(pmt_spawn(&tids[i], yielder, PTR(i),
		    test_stack_slice(i, min), min, PMT_PRIO_DEFAULT - 1));
	}
	for (i = 0; i < NYIELDERS; i++) {
		v = NULL;
		ck_assert_pmt_ok(pmt_join(tids[i], &v));
		ck_assert_ptr_eq(v, PTR(i + 100));
	}
	for (i = 0; i < NYIELDERS; i++)
		ck_assert_uint_eq(counter[i], NYIELDS);
	ck_assert_uint_eq(step, (unsigned long)NYIELDERS * NYIELDS);
	ck_assert_uint_eq(out_of_turn, 0);
	ck_assert_pmt_ok(pmt_stats(&st));
	ck_assert_uint_eq(st.yields, (uint64_t)NYIELDERS * NYIELDS);
	ck_assert_uint_eq(st.exits, NYIELDERS);
	ck_assert_uint_eq(st.threads, 1);
}
END_TEST

/* ---------------------------------------------------------------- table */

static unsigned long ran;

static void *
count_run(void *arg)
{
	ran++;
	return arg;
}

START_TEST(test_table_holds_max_threads_then_refuses)
{
	pmt_t tids[512], extra = PMT_THREAD_NONE;
	struct pmt_stats st;
	size_t min = pmt_stack_min(), n, i;
	void *v;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(pmt_stats(&st));
	ck_assert_uint_ge(st.max_threads, 2);
	n = st.max_threads - 1; /* main holds one slot */
	ck_assert_uint_le(n, sizeof tids / sizeof tids[0]);
	ck_assert_ptr_nonnull(test_stack_slice(n, min));
	for (i = 0; i < n; i++)
		ck_assert_pmt_ok(pmt_spawn(&tids[i], count_run, PTR(i),
		    test_stack_slice(i, min), min, PMT_PRIO_MIN));
	ck_assert_pmt_ok(pmt_stats(&st));
	ck_assert_uint_eq(st.threads, st.max_threads);
	ck_assert_pmt_eq(pmt_spawn(&extra, count_run, NULL,
	                     test_stack_slice(n, min), min, PMT_PRIO_MIN),
	    PMT_EAGAIN);
	ck_assert_uint_eq(extra, PMT_THREAD_NONE);
	/* Threads that finished but are not joined still hold their slots. */
	ck_assert_pmt_ok(pmt_setprio(pmt_self(), PMT_PRIO_MIN));
	ck_assert_pmt_ok(pmt_yield());
	ck_assert_uint_eq(ran, n);
	ck_assert_pmt_eq(pmt_spawn(&extra, count_run, NULL,
	                     test_stack_slice(n, min), min, PMT_PRIO_MIN),
	    PMT_EAGAIN);
	for (i = 0; i < n; i++) {
		v = NULL;
		ck_assert_pmt_ok(pmt_join(tids[i], &v));
		ck_assert_ptr_eq(v, PTR(i));
	}
	/* All free again: the whole table can be filled once more. */
	for (i = 0; i < n; i++)
		ck_assert_pmt_ok(pmt_spawn(&tids[i], count_run, PTR(i),
		    test_stack_slice(i, min), min, PMT_PRIO_MIN));
	for (i = 0; i < n; i++)
		ck_assert_pmt_ok(pmt_join(tids[i], NULL));
	ck_assert_uint_eq(ran, 2 * n);
}
END_TEST

/* ---------------------------------------------------------------- reuse */

#define NCYCLES 10000

static int
cmp_id(const void *a, const void *b)
{
	pmt_t x = *(const pmt_t *)a, y = *(const pmt_t *)b;

	return x < y ? -1 : x > y;
}

START_TEST(test_spawn_join_cycles_never_repeat_ids)
{
	static pmt_t ids[NCYCLES];
	pmt_t prev = PMT_THREAD_NONE;
	int prio;
	void *v;
	size_t i;
	unsigned long stale_found = 0, wrong_value = 0;
	struct pmt_stats st;

	ck_assert_int_eq(pmt_init(), 0);
	for (i = 0; i < NCYCLES; i++) {
		ck_assert_pmt_ok(test_spawn(&ids[i], count_run, PTR(i),
		    (int)(i % 2), (int)(i % (PMT_PRIO_MAX + 1))));
		/* The previous cycle's id stays stale now that its slot is
		 * taken again. */
		if (prev != PMT_THREAD_NONE &&
		    (pmt_getprio(prev, &prio) != PMT_ESRCH ||
		        pmt_join(prev, NULL) != PMT_ESRCH ||
		        pmt_detach(prev) != PMT_ESRCH ||
		        pmt_setprio(prev, 1) != PMT_ESRCH))
			stale_found++;
		v = NULL;
		ck_assert_pmt_ok(pmt_join(ids[i], &v));
		if (v != PTR(i))
			wrong_value++;
		if (pmt_getprio(ids[i], &prio) != PMT_ESRCH)
			stale_found++;
		prev = ids[i];
	}
	ck_assert_uint_eq(stale_found, 0);
	ck_assert_uint_eq(wrong_value, 0);
	ck_assert_uint_eq(ran, NCYCLES);
	ck_assert_pmt_ok(pmt_stats(&st));
	ck_assert_uint_eq(st.spawns, NCYCLES);
	ck_assert_uint_eq(st.exits, NCYCLES);
	ck_assert_uint_eq(st.threads, 1);
	/* No id came up twice. */
	qsort(ids, NCYCLES, sizeof ids[0], cmp_id);
	for (i = 1; i < NCYCLES; i++)
		ck_assert_uint_ne(ids[i - 1], ids[i]);
	ck_assert_uint_ne(ids[0], PMT_THREAD_NONE);
}
END_TEST

/* ---------------------------------------------------------------- detached */

#define NBATCHES 40

static void *
detach_self_and_count(void *arg)
{
	if (pmt_detach(pmt_self()) == 0)
		ran++;
	return arg;
}

START_TEST(test_detached_threads_free_their_slots)
{
	pmt_t t;
	struct pmt_stats st;
	size_t min = pmt_stack_min(), n, b, i;
	unsigned long spawned = 0;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(pmt_stats(&st));
	n = st.max_threads - 1;
	ck_assert_ptr_nonnull(test_stack_slice(n - 1, min));
	/*
	 * Batches that fill the table, on the same stacks every time: each
	 * batch can only start if every thread of the one before freed its
	 * slot and its stack.  Odd batches are detached by main before they
	 * run, even ones detach themselves.
	 */
	for (b = 0; b < NBATCHES; b++) {
		for (i = 0; i < n; i++) {
			ck_assert_pmt_ok(pmt_spawn(&t,
			    b % 2 ? count_run : detach_self_and_count, NULL,
			    test_stack_slice(i, min), min, PMT_PRIO_DEFAULT));
			if (b % 2)
				ck_assert_pmt_ok(pmt_detach(t));
			spawned++;
		}
		ck_assert_pmt_ok(pmt_yield());
		ck_assert_uint_eq(ran, spawned);
		ck_assert_pmt_ok(pmt_stats(&st));
		ck_assert_uint_eq(st.threads, 1);
	}
	ck_assert_uint_eq(st.spawns, spawned);
	ck_assert_uint_eq(st.exits, spawned);
	ck_assert_uint_gt(spawned, 10 * st.max_threads);
}
END_TEST

static Suite *
stress_suite(void)
{
	Suite *s = suite_create("stress");
	TCase *tc;

	tc = tcase_create("yield");
	tcase_add_test(tc, test_threads_on_minimal_stacks_take_many_turns);
	suite_add_tcase(s, tc);

	tc = tcase_create("table");
	tcase_add_test(tc, test_table_holds_max_threads_then_refuses);
	tcase_add_test(tc, test_spawn_join_cycles_never_repeat_ids);
	tcase_add_test(tc, test_detached_threads_free_their_slots);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return test_run_suite(stress_suite());
}
