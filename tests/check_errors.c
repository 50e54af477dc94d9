/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * check_errors.c - unit tests of the error returns: every PMT_E* code each
 * call can give, that a failed call changes nothing, and pmt_strerror().
 */
#include <limits.h>
#include <stdint.h>
#include <string.h>
#if defined(__linux__)
#include <sys/auxv.h>
#endif

#include "testutil.h"

#define PTR(n) ((void *)(uintptr_t)(n))
#define SENTINEL_ID ((pmt_t)0xdeadbeef)
#define SENTINEL_PTR PTR(0x5a5a)

static pmt_t main_id;
static pmt_t target;
static int rc_a = -1, rc_b = -1;
static volatile int stop;

static void *
return_arg(void *arg)
{
	return arg;
}

static void *
yield_until_stop(void *arg)
{
	while (!stop)
		pmt_yield();
	return arg;
}

/* Joins target; its result goes to rc_a. */
static void *
join_target_a(void *arg)
{
	rc_a = pmt_join(target, NULL);
	return arg;
}

/* Joins target; its result goes to rc_b. */
static void *
join_target_b(void *arg)
{
	rc_b = pmt_join(target, NULL);
	return arg;
}

/* Joins the main thread; its result goes to rc_b. */
static void *
join_main(void *arg)
{
	rc_b = pmt_join(main_id, NULL);
	return arg;
}

/* Joins itself; its result goes to rc_a. */
static void *
join_self(void *arg)
{
	rc_a = pmt_join(pmt_self(), NULL);
	return arg;
}

/* The counters a failed call must leave alone. */
static void
assert_stats_equal(const struct pmt_stats *a, const struct pmt_stats *b)
{
	ck_assert_uint_eq(a->switches, b->switches);
	ck_assert_uint_eq(a->yields, b->yields);
	ck_assert_uint_eq(a->spawns, b->spawns);
	ck_assert_uint_eq(a->exits, b->exits);
	ck_assert_uint_eq(a->threads, b->threads);
	ck_assert_uint_eq(a->max_threads, b->max_threads);
}

static void
assert_stats_unchanged(const struct pmt_stats *before)
{
	struct pmt_stats now;

	ck_assert_pmt_ok(pmt_stats(&now));
	assert_stats_equal(before, &now);
}

/* Ids that name no thread while the caller of pmt_init() is alone. */
static size_t
invalid_ids(pmt_t *ids)
{
	pmt_t self = pmt_self();
	struct pmt_stats st;
	size_t n = 0;

	ck_assert_pmt_ok(pmt_stats(&st));
	ids[n++] = PMT_THREAD_NONE;
	ids[n++] = 1;
	ids[n++] = 2;
	ids[n++] = 0x7fffffff;
	ids[n++] = UINT32_MAX;
	ids[n++] = self + 1;
	ids[n++] = self - 1;
	ids[n++] = self + st.max_threads; /* the next generation of its slot */
	ids[n++] = self ^ 0x80000000u;
	return n;
}

/* ---------------------------------------------------------------- before init
 */

START_TEST(test_calls_before_init_fail_with_enoinit)
{
	pmt_t tid = SENTINEL_ID;
	void *v = SENTINEL_PTR;
	int prio = -7;
	struct pmt_stats st;
	struct pmt_thread_stats ts;

	memset(&st, 0xa5, sizeof st);
	ck_assert_pmt_eq(test_spawn(&tid, return_arg, NULL, 0, 1), PMT_ENOINIT);
	ck_assert_uint_eq(tid, SENTINEL_ID);
	ck_assert_pmt_eq(pmt_yield(), PMT_ENOINIT);
	ck_assert_pmt_eq(pmt_exit(NULL), PMT_ENOINIT);
	ck_assert_pmt_eq(pmt_join(32, &v), PMT_ENOINIT);
	ck_assert_ptr_eq(v, SENTINEL_PTR);
	ck_assert_pmt_eq(pmt_detach(32), PMT_ENOINIT);
	ck_assert_pmt_eq(pmt_setprio(32, 1), PMT_ENOINIT);
	ck_assert_pmt_eq(pmt_getprio(32, &prio), PMT_ENOINIT);
	ck_assert_int_eq(prio, -7);
	ck_assert_pmt_eq(pmt_stats(&st), PMT_ENOINIT);
	ck_assert_uint_eq(st.threads, 0xa5a5a5a5u);
	memset(&ts, 0xa5, sizeof ts);
	ck_assert_pmt_eq(pmt_thread_stats(32, &ts), PMT_ENOINIT);
	ck_assert_int_eq(ts.state, (int)0xa5a5a5a5u);
	ck_assert_uint_eq(pmt_self(), PMT_THREAD_NONE);
	/* None of them initialised anything. */
	ck_assert_pmt_ok(pmt_init());
	ck_assert_pmt_ok(pmt_stats(&st));
	ck_assert_uint_eq(st.spawns, 0);
	ck_assert_uint_eq(st.threads, 1);
}
END_TEST

START_TEST(test_strerror_and_stack_min_work_before_init)
{
	size_t min = pmt_stack_min();

	ck_assert_str_eq(pmt_strerror(0), "success");
	ck_assert_str_eq(
	    pmt_strerror(PMT_ENOINIT), "pmt_init() has not been called");
	ck_assert_uint_ge(min, PMT_STACK_MIN);
	ck_assert_uint_eq(min % PMT_STACK_ALIGN, 0);
	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_uint_eq(pmt_stack_min(), min);
}
END_TEST

/* The POSIX port's minimum: twice the kernel's signal frame plus 4 KiB,
 * rounded up to PMT_STACK_ALIGN, never below PMT_STACK_MIN.  Checked
 * exactly where the kernel reports its frame size. */
START_TEST(test_stack_min_covers_two_signal_frames)
{
	size_t min = pmt_stack_min(), want = PMT_STACK_MIN;
	unsigned long frame = 0;

#if defined(__linux__) && defined(AT_MINSIGSTKSZ)
	frame = getauxval(AT_MINSIGSTKSZ);
#endif
	if (frame != 0) {
		size_t need = (2 * frame + 4096 + PMT_STACK_ALIGN - 1) /
		              PMT_STACK_ALIGN * PMT_STACK_ALIGN;

		if (need > want)
			want = need;
		ck_assert_uint_eq(min, want);
	}
	ck_assert_uint_ge(min, PMT_STACK_MIN);
	ck_assert_uint_ge(min, 2 * frame + 4096);
	ck_assert_uint_eq(min % PMT_STACK_ALIGN, 0);
}
END_TEST

/* ---------------------------------------------------------------- init */

START_TEST(test_init_twice_fails_with_ealready_and_changes_nothing)
{
	pmt_t t;
	void *v = NULL;
	struct pmt_stats before;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(test_spawn(&t, return_arg, PTR(6), 0, 10));
	ck_assert_pmt_ok(pmt_stats(&before));
	ck_assert_pmt_eq(pmt_init(), PMT_EALREADY);
	assert_stats_unchanged(&before);
	ck_assert_pmt_ok(pmt_join(t, &v));
	ck_assert_ptr_eq(v, PTR(6));
}
END_TEST

/* ---------------------------------------------------------------- spawn */

START_TEST(test_spawn_rejects_null_pointers)
{
	pmt_t tid = SENTINEL_ID;
	struct pmt_stats before;
	size_t min = pmt_stack_min();

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(pmt_stats(&before));
	ck_assert_pmt_eq(
	    pmt_spawn(NULL, return_arg, NULL, test_stacks[0], min, 1),
	    PMT_EINVAL);
	ck_assert_pmt_eq(
	    pmt_spawn(&tid, NULL, NULL, test_stacks[0], min, 1), PMT_EINVAL);
	ck_assert_pmt_eq(
	    pmt_spawn(&tid, return_arg, NULL, NULL, min, 1), PMT_EINVAL);
	ck_assert_uint_eq(tid, SENTINEL_ID);
	assert_stats_unchanged(&before);
}
END_TEST

START_TEST(test_spawn_rejects_misaligned_stack)
{
	pmt_t tid = SENTINEL_ID;
	struct pmt_stats before;
	size_t min = pmt_stack_min();
	unsigned char *base = test_stacks[0];
	size_t off;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(pmt_stats(&before));
	for (off = 1; off < PMT_STACK_ALIGN; off++)
		ck_assert_pmt_eq(
		    pmt_spawn(&tid, return_arg, NULL, base + off, min, 1),
		    PMT_EALIGN);
	ck_assert_uint_eq(tid, SENTINEL_ID);
	assert_stats_unchanged(&before);
	/* One alignment step further on is fine. */
	ck_assert_pmt_ok(
	    pmt_spawn(&tid, return_arg, NULL, base + PMT_STACK_ALIGN, min, 1));
	ck_assert_pmt_ok(pmt_join(tid, NULL));
}
END_TEST

START_TEST(test_spawn_rejects_stack_too_small)
{
	pmt_t tid = SENTINEL_ID;
	struct pmt_stats before;
	size_t min = pmt_stack_min();

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(pmt_stats(&before));
	ck_assert_pmt_eq(
	    pmt_spawn(&tid, return_arg, NULL, test_stacks[0], min - 16, 1),
	    PMT_ESTACKSIZE);
	ck_assert_pmt_eq(
	    pmt_spawn(&tid, return_arg, NULL, test_stacks[0], min - 1, 1),
	    PMT_ESTACKSIZE);
	ck_assert_pmt_eq(
	    pmt_spawn(&tid, return_arg, NULL, test_stacks[0], 0, 1),
	    PMT_ESTACKSIZE);
	ck_assert_uint_eq(tid, SENTINEL_ID);
	assert_stats_unchanged(&before);
}
END_TEST

START_TEST(test_spawn_accepts_stack_of_exactly_minimum_size)
{
	pmt_t tid = SENTINEL_ID;
	void *v = NULL;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(pmt_spawn(
	    &tid, return_arg, PTR(17), test_stacks[0], pmt_stack_min(), 20));
	ck_assert_uint_ne(tid, SENTINEL_ID);
	ck_assert_pmt_ok(pmt_join(tid, &v));
	ck_assert_ptr_eq(v, PTR(17));
}
END_TEST

START_TEST(test_spawn_rejects_priority_out_of_range)
{
	static const int bad[] = {-1, PMT_PRIO_MAX + 1, INT_MIN, INT_MAX};
	pmt_t tid = SENTINEL_ID;
	struct pmt_stats before;
	size_t i;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(pmt_stats(&before));
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_pmt_eq(
		    test_spawn(&tid, return_arg, NULL, 0, bad[i]), PMT_EPRIO);
	ck_assert_uint_eq(tid, SENTINEL_ID);
	assert_stats_unchanged(&before);
}
END_TEST

START_TEST(test_spawn_accepts_priority_bounds)
{
	pmt_t lo, hi;
	int prio = -1;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(test_spawn(&lo, return_arg, NULL, 0, PMT_PRIO_MIN));
	ck_assert_pmt_ok(pmt_getprio(lo, &prio));
	ck_assert_int_eq(prio, PMT_PRIO_MIN);
	ck_assert_pmt_ok(test_spawn(&hi, return_arg, NULL, 1, PMT_PRIO_MAX));
	ck_assert_pmt_ok(pmt_getprio(hi, &prio));
	ck_assert_int_eq(prio, PMT_PRIO_MAX);
	ck_assert_pmt_ok(pmt_join(lo, NULL));
	ck_assert_pmt_ok(pmt_join(hi, NULL));
}
END_TEST

START_TEST(test_spawn_fails_with_eagain_when_table_full)
{
	pmt_t tids[512], tid = SENTINEL_ID;
	struct pmt_stats before;
	size_t min = pmt_stack_min(), n, i;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(pmt_stats(&before));
	n = before.max_threads - 1;
	ck_assert_uint_le(n, sizeof tids / sizeof tids[0]);
	ck_assert_ptr_nonnull(test_stack_slice(n, min));
	for (i = 0; i < n; i++)
		ck_assert_pmt_ok(pmt_spawn(&tids[i], return_arg, NULL,
		    test_stack_slice(i, min), min, 1));
	ck_assert_pmt_ok(pmt_stats(&before));
	ck_assert_uint_eq(before.threads, before.max_threads);
	ck_assert_pmt_eq(
	    pmt_spawn(&tid, return_arg, NULL, test_stack_slice(n, min), min, 1),
	    PMT_EAGAIN);
	ck_assert_uint_eq(tid, SENTINEL_ID);
	assert_stats_unchanged(&before);
	/* A join frees a slot. */
	ck_assert_pmt_ok(pmt_join(tids[0], NULL));
	ck_assert_pmt_ok(pmt_spawn(
	    &tid, return_arg, NULL, test_stack_slice(n, min), min, 1));
	ck_assert_pmt_ok(pmt_join(tid, NULL));
	for (i = 1; i < n; i++)
		ck_assert_pmt_ok(pmt_join(tids[i], NULL));
}
END_TEST

START_TEST(test_spawn_rejects_stack_overlapping_live_thread)
{
	pmt_t t, tid = SENTINEL_ID, below, above;
	struct pmt_stats before;
	size_t min = pmt_stack_min();
	unsigned char *s;

	ck_assert_int_eq(pmt_init(), 0);
	s = test_stack_slice(1, min);
	ck_assert_pmt_ok(pmt_spawn(&t, return_arg, NULL, s, min, 1));
	ck_assert_pmt_ok(pmt_stats(&before));
	/* The same stack, one starting inside it, one ending inside it. */
	ck_assert_pmt_eq(
	    pmt_spawn(&tid, return_arg, NULL, s, min, 1), PMT_EBUSY);
	ck_assert_pmt_eq(
	    pmt_spawn(&tid, return_arg, NULL, s + min - 16, min, 1), PMT_EBUSY);
	ck_assert_pmt_eq(
	    pmt_spawn(&tid, return_arg, NULL, s - min + 16, min, 1), PMT_EBUSY);
	/* One enclosing it. */
	ck_assert_pmt_eq(
	    pmt_spawn(&tid, return_arg, NULL, s - min, 3 * min, 1), PMT_EBUSY);
	ck_assert_uint_eq(tid, SENTINEL_ID);
	assert_stats_unchanged(&before);
	/* Stacks that only touch it are fine. */
	ck_assert_pmt_ok(pmt_spawn(&below, return_arg, NULL, s - min, min, 1));
	ck_assert_pmt_ok(pmt_spawn(&above, return_arg, NULL, s + min, min, 1));
	ck_assert_pmt_ok(pmt_join(below, NULL));
	ck_assert_pmt_ok(pmt_join(above, NULL));
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

START_TEST(test_spawn_accepts_stack_again_only_after_join)
{
	pmt_t t, tid = SENTINEL_ID;
	size_t min = pmt_stack_min();

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(
	    pmt_spawn(&t, return_arg, NULL, test_stacks[0], min, 20));
	/* Finished but not joined: the stack is still its. */
	ck_assert_pmt_eq(
	    pmt_spawn(&tid, return_arg, NULL, test_stacks[0], min, 1),
	    PMT_EBUSY);
	ck_assert_uint_eq(tid, SENTINEL_ID);
	ck_assert_pmt_ok(pmt_join(t, NULL));
	ck_assert_pmt_ok(
	    pmt_spawn(&tid, return_arg, NULL, test_stacks[0], min, 1));
	ck_assert_pmt_ok(pmt_join(tid, NULL));
}
END_TEST

/* ---------------------------------------------------------------- join */

START_TEST(test_join_rejects_self_with_edeadlk)
{
	pmt_t t;
	void *v = SENTINEL_PTR;
	struct pmt_stats before;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(pmt_stats(&before));
	ck_assert_pmt_eq(pmt_join(pmt_self(), &v), PMT_EDEADLK);
	ck_assert_ptr_eq(v, SENTINEL_PTR);
	assert_stats_unchanged(&before);
	/* Another thread joining itself. */
	ck_assert_pmt_ok(test_spawn(&t, join_self, NULL, 0, 20));
	ck_assert_int_eq(rc_a, PMT_EDEADLK);
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

/*
 * The join cycle tests run twice: alone (_i == 0), and with a bystander,
 * a thread of the lowest priority that stays ready throughout (_i == 1),
 * so that the cycle must be found by following the chain of joins rather
 * than by noticing that nothing else could run.
 */
static pmt_t
spawn_bystander(int with)
{
	pmt_t t = PMT_THREAD_NONE;

	if (with)
		ck_assert_pmt_ok(
		    test_spawn(&t, return_arg, NULL, 5, PMT_PRIO_MIN));
	return t;
}

static void
join_bystander(pmt_t t)
{
	if (t != PMT_THREAD_NONE)
		ck_assert_pmt_ok(pmt_join(t, NULL));
}

START_TEST(test_join_cycle_fails_with_edeadlk)
{
	pmt_t a, by;
	void *v = NULL;

	ck_assert_int_eq(pmt_init(), 0);
	main_id = pmt_self();
	by = spawn_bystander(_i);
	/* main waits for a; a then tries to wait for main. */
	ck_assert_pmt_ok(
	    test_spawn(&a, join_main, PTR(4), 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_join(a, &v));
	ck_assert_int_eq(rc_b, PMT_EDEADLK);
	ck_assert_ptr_eq(v, PTR(4));
	join_bystander(by);
}
END_TEST

START_TEST(test_join_of_thread_waiting_for_caller_fails_with_edeadlk)
{
	pmt_t a, by;
	void *v = SENTINEL_PTR;
	struct pmt_stats before;

	ck_assert_int_eq(pmt_init(), 0);
	main_id = pmt_self();
	by = spawn_bystander(_i);
	ck_assert_pmt_ok(test_spawn(&a, join_main, NULL, 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_yield()); /* a now waits for main */
	ck_assert_pmt_ok(pmt_stats(&before));
	ck_assert_pmt_eq(pmt_join(a, &v), PMT_EDEADLK);
	ck_assert_ptr_eq(v, SENTINEL_PTR);
	assert_stats_unchanged(&before);
	join_bystander(by);
	ck_assert_int_eq(rc_b, -1); /* a still waits */
}
END_TEST

START_TEST(test_join_chain_cycle_fails_with_edeadlk)
{
	pmt_t a, b, by;

	ck_assert_int_eq(pmt_init(), 0);
	main_id = pmt_self();
	by = spawn_bystander(_i);
	/* main waits for a, a for b, b tries main. */
	ck_assert_pmt_ok(
	    test_spawn(&a, join_target_a, NULL, 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(test_spawn(&b, join_main, NULL, 1, PMT_PRIO_DEFAULT));
	target = b;
	ck_assert_pmt_ok(pmt_join(a, NULL));
	ck_assert_int_eq(rc_a, 0);
	ck_assert_int_eq(rc_b, PMT_EDEADLK);
	join_bystander(by);
}
END_TEST

/*
 * The third PMT_EDEADLK case, "no other thread is ready to run", cannot be
 * built apart from a cycle in 0.1, where pmt_join() is the only way to
 * block: a target that has not finished is either ready itself (so some
 * thread is ready) or waits in a chain of joins whose far end is a ready
 * thread or the caller (a cycle, as in the tests above without a
 * bystander, where both conditions hold).  What can be checked is that a
 * join is not refused when the chain does end in a ready thread.
 */
START_TEST(test_join_through_chain_to_ready_thread_waits)
{
	pmt_t a, b;
	void *v = NULL;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(
	    test_spawn(&b, yield_until_stop, PTR(9), 1, PMT_PRIO_DEFAULT));
	target = b;
	ck_assert_pmt_ok(
	    test_spawn(&a, join_target_a, PTR(8), 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_yield()); /* b yields, a blocks joining b */
	stop = 1;
	ck_assert_pmt_ok(pmt_join(a, &v));
	ck_assert_ptr_eq(v, PTR(8));
	ck_assert_int_eq(rc_a, 0);
}
END_TEST

START_TEST(test_join_of_detached_thread_fails_with_edetached)
{
	pmt_t t;
	void *v = SENTINEL_PTR;
	struct pmt_stats before;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(test_spawn(&t, return_arg, NULL, 0, 10));
	ck_assert_pmt_ok(pmt_detach(t));
	ck_assert_pmt_ok(pmt_stats(&before));
	ck_assert_pmt_eq(pmt_join(t, &v), PMT_EDETACHED);
	ck_assert_ptr_eq(v, SENTINEL_PTR);
	assert_stats_unchanged(&before);
}
END_TEST

START_TEST(test_second_joiner_fails_with_ebusy)
{
	pmt_t t, a, b;
	struct pmt_stats before;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(
	    test_spawn(&t, yield_until_stop, PTR(5), 0, PMT_PRIO_DEFAULT));
	target = t;
	ck_assert_pmt_ok(
	    test_spawn(&a, join_target_a, NULL, 1, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_yield()); /* t yields, a blocks joining t */
	ck_assert_int_eq(rc_a, -1);
	/* A second joiner, from another thread and from main. */
	ck_assert_pmt_ok(test_spawn(&b, join_target_b, NULL, 2, 20));
	ck_assert_int_eq(rc_b, PMT_EBUSY);
	ck_assert_pmt_ok(pmt_stats(&before));
	ck_assert_pmt_eq(pmt_join(t, NULL), PMT_EBUSY);
	assert_stats_unchanged(&before);
	/* The first join still completes. */
	stop = 1;
	ck_assert_pmt_ok(pmt_join(a, NULL));
	ck_assert_int_eq(rc_a, 0);
	ck_assert_pmt_eq(pmt_join(t, NULL), PMT_ESRCH);
	ck_assert_pmt_ok(pmt_join(b, NULL));
}
END_TEST

START_TEST(test_join_rejects_invalid_ids_with_esrch)
{
	pmt_t ids[16];
	void *v = SENTINEL_PTR;
	size_t i, n;
	struct pmt_stats before;

	ck_assert_int_eq(pmt_init(), 0);
	n = invalid_ids(ids);
	ck_assert_pmt_ok(pmt_stats(&before));
	for (i = 0; i < n; i++)
		ck_assert_pmt_eq(pmt_join(ids[i], &v), PMT_ESRCH);
	ck_assert_ptr_eq(v, SENTINEL_PTR);
	assert_stats_unchanged(&before);
}
END_TEST

/* ---------------------------------------------------------------- detach */

START_TEST(test_detach_twice_fails_with_edetached)
{
	pmt_t t;
	struct pmt_stats before;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(test_spawn(&t, return_arg, NULL, 0, 10));
	ck_assert_pmt_ok(pmt_detach(t));
	ck_assert_pmt_ok(pmt_stats(&before));
	ck_assert_pmt_eq(pmt_detach(t), PMT_EDETACHED);
	assert_stats_unchanged(&before);
}
END_TEST

START_TEST(test_detach_of_joined_thread_fails_with_ebusy)
{
	pmt_t t, a;
	void *v = NULL;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(
	    test_spawn(&t, yield_until_stop, PTR(12), 0, PMT_PRIO_DEFAULT));
	target = t;
	ck_assert_pmt_ok(
	    test_spawn(&a, join_target_a, NULL, 1, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_yield()); /* a blocks joining t */
	ck_assert_pmt_eq(pmt_detach(t), PMT_EBUSY);
	/* Still joinable by a, which gets its value. */
	stop = 1;
	ck_assert_pmt_ok(pmt_join(a, &v));
	ck_assert_int_eq(rc_a, 0);
	ck_assert_pmt_eq(pmt_detach(t), PMT_ESRCH);
}
END_TEST

START_TEST(test_detach_rejects_invalid_ids_with_esrch)
{
	pmt_t ids[16];
	size_t i, n;

	ck_assert_int_eq(pmt_init(), 0);
	n = invalid_ids(ids);
	for (i = 0; i < n; i++)
		ck_assert_pmt_eq(pmt_detach(ids[i]), PMT_ESRCH);
	/* The main thread was not detached by any of them. */
	ck_assert_pmt_ok(pmt_detach(pmt_self()));
}
END_TEST

/* ---------------------------------------------------------------- priorities
 */

START_TEST(test_setprio_rejects_priority_out_of_range)
{
	static const int bad[] = {-1, PMT_PRIO_MAX + 1, INT_MIN, INT_MAX};
	pmt_t t;
	int prio = -1;
	size_t i;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(test_spawn(&t, return_arg, NULL, 0, 7));
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_pmt_eq(pmt_setprio(t, bad[i]), PMT_EPRIO);
		ck_assert_pmt_eq(pmt_setprio(pmt_self(), bad[i]), PMT_EPRIO);
	}
	ck_assert_pmt_ok(pmt_getprio(t, &prio));
	ck_assert_int_eq(prio, 7);
	ck_assert_pmt_ok(pmt_getprio(pmt_self(), &prio));
	ck_assert_int_eq(prio, PMT_PRIO_DEFAULT);
	ck_assert_pmt_ok(pmt_setprio(t, PMT_PRIO_MIN));
	ck_assert_pmt_ok(pmt_setprio(pmt_self(), PMT_PRIO_MAX));
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

START_TEST(test_setprio_rejects_invalid_ids_with_esrch)
{
	pmt_t ids[16];
	size_t i, n;
	int prio = -1;

	ck_assert_int_eq(pmt_init(), 0);
	n = invalid_ids(ids);
	for (i = 0; i < n; i++)
		ck_assert_pmt_eq(pmt_setprio(ids[i], 3), PMT_ESRCH);
	ck_assert_pmt_ok(pmt_getprio(pmt_self(), &prio));
	ck_assert_int_eq(prio, PMT_PRIO_DEFAULT);
}
END_TEST

START_TEST(test_getprio_rejects_null_with_einval)
{
	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_eq(pmt_getprio(pmt_self(), NULL), PMT_EINVAL);
}
END_TEST

START_TEST(test_getprio_rejects_invalid_ids_with_esrch)
{
	pmt_t ids[16];
	size_t i, n;
	int prio = -7;

	ck_assert_int_eq(pmt_init(), 0);
	n = invalid_ids(ids);
	for (i = 0; i < n; i++)
		ck_assert_pmt_eq(pmt_getprio(ids[i], &prio), PMT_ESRCH);
	ck_assert_int_eq(prio, -7);
}
END_TEST

/* ---------------------------------------------------------------- stats */

START_TEST(test_stats_rejects_null_with_einval)
{
	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_eq(pmt_stats(NULL), PMT_EINVAL);
}
END_TEST

START_TEST(test_thread_stats_rejects_null_with_einval)
{
	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_eq(pmt_thread_stats(pmt_self(), NULL), PMT_EINVAL);
}
END_TEST

START_TEST(test_thread_stats_rejects_invalid_ids_with_esrch)
{
	pmt_t ids[16], t;
	struct pmt_thread_stats ts;
	size_t i, n;

	ck_assert_int_eq(pmt_init(), 0);
	n = invalid_ids(ids);
	memset(&ts, 0xa5, sizeof ts);
	for (i = 0; i < n; i++)
		ck_assert_pmt_eq(pmt_thread_stats(ids[i], &ts), PMT_ESRCH);
	ck_assert_int_eq(ts.state, (int)0xa5a5a5a5u);
	/* A joined thread, and a detached one that finished. */
	ck_assert_pmt_ok(test_spawn(&t, return_arg, NULL, 0, 20));
	ck_assert_pmt_ok(pmt_thread_stats(t, &ts));
	ck_assert_int_eq(ts.state, PMT_THREAD_DONE);
	ck_assert_pmt_ok(pmt_join(t, NULL));
	ck_assert_pmt_eq(pmt_thread_stats(t, &ts), PMT_ESRCH);
	ck_assert_pmt_ok(test_spawn(&t, return_arg, NULL, 0, 10));
	ck_assert_pmt_ok(pmt_detach(t));
	ck_assert_pmt_ok(pmt_thread_stats(t, &ts));
	ck_assert_int_eq(ts.state, PMT_THREAD_READY);
	ck_assert_pmt_ok(pmt_setprio(pmt_self(), 5)); /* t runs and is freed */
	ck_assert_pmt_eq(pmt_thread_stats(t, &ts), PMT_ESRCH);
}
END_TEST

/* ---------------------------------------------------------------- strerror */

START_TEST(test_strerror_names_every_code_distinctly)
{
	const char *msg[PMT_ELAST_ + 1];
	int i, j;

	for (i = 0; i <= PMT_ELAST_; i++) {
		msg[i] = pmt_strerror(i);
		ck_assert_ptr_nonnull(msg[i]);
		ck_assert_uint_gt(strlen(msg[i]), 0);
		if (i != 0) {
			ck_assert_str_ne(msg[i], "unknown error");
			ck_assert_str_ne(msg[i], "success");
		}
		for (j = 0; j < i; j++)
			ck_assert_msg(strcmp(msg[i], msg[j]) != 0,
			    "codes %d and %d share the message \"%s\"", j, i,
			    msg[i]);
	}
	ck_assert_str_eq(pmt_strerror(0), "success");
	ck_assert_str_eq(pmt_strerror(PMT_EDEADLK),
	    "the wait could never end (a circle of joins or mutexes, a "
	    "relock, or nothing else can run)");
}
END_TEST

START_TEST(test_strerror_of_unknown_code_is_unknown_error)
{
	static const int bad[] = {-1, PMT_ELAST_ + 1, 9999, INT_MIN, INT_MAX};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_str_eq(pmt_strerror(bad[i]), "unknown error");
}
END_TEST

static Suite *
errors_suite(void)
{
	Suite *s = suite_create("errors");
	TCase *tc;

	tc = tcase_create("before_init");
	tcase_add_test(tc, test_calls_before_init_fail_with_enoinit);
	tcase_add_test(tc, test_strerror_and_stack_min_work_before_init);
	tcase_add_test(tc, test_stack_min_covers_two_signal_frames);
	suite_add_tcase(s, tc);

	tc = tcase_create("init");
	tcase_add_test(
	    tc, test_init_twice_fails_with_ealready_and_changes_nothing);
	suite_add_tcase(s, tc);

	tc = tcase_create("spawn");
	tcase_add_test(tc, test_spawn_rejects_null_pointers);
	tcase_add_test(tc, test_spawn_rejects_misaligned_stack);
	tcase_add_test(tc, test_spawn_rejects_stack_too_small);
	tcase_add_test(tc, test_spawn_accepts_stack_of_exactly_minimum_size);
	tcase_add_test(tc, test_spawn_rejects_priority_out_of_range);
	tcase_add_test(tc, test_spawn_accepts_priority_bounds);
	tcase_add_test(tc, test_spawn_fails_with_eagain_when_table_full);
	tcase_add_test(tc, test_spawn_rejects_stack_overlapping_live_thread);
	tcase_add_test(tc, test_spawn_accepts_stack_again_only_after_join);
	suite_add_tcase(s, tc);

	tc = tcase_create("join");
	tcase_add_test(tc, test_join_rejects_self_with_edeadlk);
	tcase_add_loop_test(tc, test_join_cycle_fails_with_edeadlk, 0, 2);
	tcase_add_loop_test(tc,
	    test_join_of_thread_waiting_for_caller_fails_with_edeadlk, 0, 2);
	tcase_add_loop_test(tc, test_join_chain_cycle_fails_with_edeadlk, 0, 2);
	tcase_add_test(tc, test_join_through_chain_to_ready_thread_waits);
	tcase_add_test(tc, test_join_of_detached_thread_fails_with_edetached);
	tcase_add_test(tc, test_second_joiner_fails_with_ebusy);
	tcase_add_test(tc, test_join_rejects_invalid_ids_with_esrch);
	suite_add_tcase(s, tc);

	tc = tcase_create("detach");
	tcase_add_test(tc, test_detach_twice_fails_with_edetached);
	tcase_add_test(tc, test_detach_of_joined_thread_fails_with_ebusy);
	tcase_add_test(tc, test_detach_rejects_invalid_ids_with_esrch);
	suite_add_tcase(s, tc);

	tc = tcase_create("priority");
	tcase_add_test(tc, test_setprio_rejects_priority_out_of_range);
	tcase_add_test(tc, test_setprio_rejects_invalid_ids_with_esrch);
	tcase_add_test(tc, test_getprio_rejects_null_with_einval);
	tcase_add_test(tc, test_getprio_rejects_invalid_ids_with_esrch);
	suite_add_tcase(s, tc);

	tc = tcase_create("stats");
	tcase_add_test(tc, test_stats_rejects_null_with_einval);
	tcase_add_test(tc, test_thread_stats_rejects_null_with_einval);
	tcase_add_test(tc, test_thread_stats_rejects_invalid_ids_with_esrch);
	suite_add_tcase(s, tc);

	tc = tcase_create("strerror");
	tcase_add_test(tc, test_strerror_names_every_code_distinctly);
	tcase_add_test(tc, test_strerror_of_unknown_code_is_unknown_error);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return test_run_suite(errors_suite());
}
