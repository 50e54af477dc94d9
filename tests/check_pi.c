/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * check_pi.c - unit tests of priority inheritance: the bounded priority
 * inversion it exists for, chains of owners, unlocks in any order,
 * priority changes of waiters and owners, timed-out waiters, and the
 * scheduling that follows a change of effective priority.  Built twice:
 * cooperative, and with the tick running.
 */
#include <stdint.h>
#include <string.h>

#include "syncutil.h"

/* The inversion test allows this many ticks from the high thread's lock
 * to its getting the mutex (inheritance makes it about none). */
#define INVERSION_TICKS 10

static pmt_mutex_t m1 = PMT_MUTEX_INITIALIZER;
static pmt_mutex_t m2 = PMT_MUTEX_INITIALIZER;
static pmt_sem_t go_a = PMT_SEM_INITIALIZER(0, 10);
static pmt_sem_t go_b = PMT_SEM_INITIALIZER(0, 10);
static pmt_sem_t go_c = PMT_SEM_INITIALIZER(0, 10);

static volatile int bad;
/* Effective priorities the threads saw, for the test body. */
static volatile int seen_a = -1, seen_b1 = -1, seen_b2 = -1, seen_b3 = -1,
                    seen_c = -1, seen_x1 = -1, seen_x2 = -1;

/* ---------------------------------------------------------------- basic */

/* Locks m1 and waits for go_c; unlocks m1; notes its priority. */
static void *
hold_m1_until_go(void *arg)
{
	if (pmt_mutex_lock(&m1) != 0)
		bad++;
	if (pmt_sem_wait(&go_c) != 0)
		bad++;
	test_log('O');
	if (pmt_mutex_unlock(&m1) != 0)
		bad++;
	seen_c = my_effprio();
	return arg;
}

/* Locks m1, logs its tag (the argument), unlocks. */
static void *
lock_m1_log(void *arg)
{
	if (pmt_mutex_lock(&m1) != 0)
		bad++;
	test_log((char)(uintptr_t)arg);
	if (pmt_mutex_unlock(&m1) != 0)
		bad++;
	return NULL;
}

/* Locks m2, logs its tag (the argument), unlocks. */
static void *
lock_m2_log(void *arg)
{
	if (pmt_mutex_lock(&m2) != 0)
		bad++;
	test_log((char)(uintptr_t)arg);
	if (pmt_mutex_unlock(&m2) != 0)
		bad++;
	return NULL;
}

START_TEST(test_effective_priority_is_base_priority_without_waiters)
{
	pmt_t t;

	sync_init();
	ck_assert_pmt_ok(test_spawn(&t, log_tag, PTR('t'), 0, 7));
	ck_assert_int_eq(effprio(t), 7);
	ck_assert_pmt_ok(pmt_setprio(t, 9));
	ck_assert_int_eq(effprio(t), 9);
	ck_assert_int_eq(baseprio(t), 9);
	/* Owning a mutex without waiters changes nothing. */
	ck_assert_pmt_ok(pmt_mutex_lock(&m1));
	ck_assert_int_eq(effprio(main_id), PMT_PRIO_DEFAULT);
	ck_assert_pmt_ok(pmt_mutex_unlock(&m1));
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

START_TEST(test_owner_inherits_waiter_priority_until_unlock)
{
	pmt_t o, w;

	sync_init();
	observe();
	ck_assert_pmt_ok(test_spawn(&o, hold_m1_until_go, NULL, 0, 5));
	ck_assert_int_eq(effprio(o), 5);
	ck_assert_pmt_ok(test_spawn(&w, lock_m1_log, PTR('w'), 1, 20));
	ck_assert_int_eq(effprio(o), 20);
	ck_assert_int_eq(baseprio(o), 5);
	ck_assert_int_eq(effprio(w), 20);
	ck_assert_pmt_ok(pmt_sem_post(&go_c));
	ck_assert_log("Ow");
	ck_assert_int_eq(seen_c, 5);
	ck_assert_pmt_ok(pmt_join(o, NULL));
	ck_assert_pmt_ok(pmt_join(w, NULL));
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* ---------------------------------------------------------------- inversion */

static pmt_sem_t locked = PMT_SEM_INITIALIZER(0, 10);
static volatile int h_waiting, h_done;
static volatile int h_rc = -1;
static volatile uint64_t h_ticks_before, h_ticks_after;
static volatile unsigned long m_passes_while_h_waits;

/* Low: takes the mutex, and keeps it until high waits for it. */
static void *
inversion_low(void *arg)
{
	if (pmt_mutex_lock(&m1) != 0)
		bad++;
	if (pmt_sem_post(&locked) != 0)
		bad++;
	while (!h_waiting && !overdue())
		busy(100);
	seen_x1 = my_effprio();
	if (pmt_mutex_unlock(&m1) != 0)
		bad++;
	return arg;
}

/* Medium: spins, never yielding under the tick (yielding cooperatively,
 * which lets only equal or higher threads in), until high is done;
 * counts the passes it makes while high waits for the mutex. */
static void *
inversion_medium(void *arg)
{
	while (!h_done && !overdue()) {
		/* In this order: a tick between the two reads cannot make
		 * a pass begun before high waited count. */
		if (h_waiting && !h_done)
			m_passes_while_h_waits++;
		busy(100);
		if (!TEST_TICK)
			pmt_yield();
	}
	return arg;
}

/* High: sleeps, so that medium gets going, then wants the mutex. */
static void *
inversion_high(void *arg)
{
	if (pmt_sleep(PMT_MSEC(2)) != 0)
		bad++;
	h_ticks_before = sync_ticks_now();
	h_waiting = 1;
	h_rc = pmt_mutex_lock(&m1);
	h_ticks_after = sync_ticks_now();
	h_done = 1;
	if (h_rc == 0 && pmt_mutex_unlock(&m1) != 0)
		bad++;
	return arg;
}

/*
 * Low (5) holds the mutex, medium (10) spins, high (20) wakes and waits
 * for the mutex.  Without inheritance medium would keep low, and so high,
 * off the CPU for good; with it, low runs at high's priority at once,
 * unlocks, and high has the mutex: medium makes no pass meanwhile, and
 * fewer than INVERSION_TICKS ticks pass.
 */
START_TEST(test_priority_inversion_is_bounded_by_inheritance)
{
	pmt_t lo, mid, hi;

	sync_init();
	give_up_start();
	ck_assert_pmt_ok(pmt_setprio(main_id, PMT_PRIO_MAX - 1));
	ck_assert_pmt_ok(test_spawn_big(&lo, inversion_low, NULL, 0, 5));
	ck_assert_pmt_ok(pmt_sem_wait(&locked)); /* low has the mutex */
	ck_assert_pmt_ok(test_spawn_big(&mid, inversion_medium, NULL, 1, 10));
	ck_assert_pmt_ok(test_spawn_big(&hi, inversion_high, NULL, 2, 20));
	ck_assert_pmt_ok(pmt_join(hi, NULL));
	ck_assert_pmt_ok(pmt_join(mid, NULL));
	ck_assert_pmt_ok(pmt_join(lo, NULL));
	assert_no_give_up();
	ck_assert_pmt_eq(h_rc, 0);
	ck_assert_int_eq(seen_x1, 20);
	ck_assert_uint_eq(m_passes_while_h_waits, 0);
	ck_assert_uint_lt(h_ticks_after - h_ticks_before, INVERSION_TICKS);
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* ---------------------------------------------------------------- chains */

/* c (5): holds m2 until go_c, notes its priority after the unlock. */
static void *
chain_c(void *arg)
{
	if (pmt_mutex_lock(&m2) != 0)
		bad++;
	if (pmt_sem_wait(&go_c) != 0)
		bad++;
	test_log('C');
	if (pmt_mutex_unlock(&m2) != 0)
		bad++;
	seen_c = my_effprio();
	return arg;
}

/* b (10): holds m1, waits for m2; once it has m2, waits for go_b, then
 * unlocks m2 and m1, noting its priority at each step. */
static void *
chain_b(void *arg)
{
	if (pmt_mutex_lock(&m1) != 0 || pmt_mutex_lock(&m2) != 0)
		bad++;
	test_log('B');
	seen_b1 = my_effprio();
	if (pmt_sem_wait(&go_b) != 0)
		bad++;
	if (pmt_mutex_unlock(&m2) != 0)
		bad++;
	seen_b2 = my_effprio();
	if (pmt_mutex_unlock(&m1) != 0)
		bad++;
	seen_b3 = my_effprio();
	test_log('b');
	return arg;
}

/* a (20): waits for m1. */
static void *
chain_a(void *arg)
{
	if (pmt_mutex_lock(&m1) != 0)
		bad++;
	test_log('A');
	seen_a = my_effprio();
	if (pmt_mutex_unlock(&m1) != 0)
		bad++;
	return arg;
}

/* Sets up the chain: a waits for m1 owned by b, b waits for m2 owned by
 * c, which waits for go_c.  Main is the observer. */
static void
spawn_chain(pmt_t *a, pmt_t *b, pmt_t *c)
{
	ck_assert_pmt_ok(test_spawn(c, chain_c, NULL, 0, 5));
	ck_assert_pmt_ok(test_spawn(b, chain_b, NULL, 1, 10));
	ck_assert_pmt_ok(test_spawn(a, chain_a, NULL, 2, 20));
	ck_assert_log("");
}

/* Lets the chain unwind, and joins it. */
static void
finish_chain(pmt_t a, pmt_t b, pmt_t c)
{
	ck_assert_pmt_ok(pmt_sem_post(&go_c));
	ck_assert_pmt_ok(pmt_sem_post(&go_b));
	ck_assert_pmt_ok(pmt_join(a, NULL));
	ck_assert_pmt_ok(pmt_join(b, NULL));
	ck_assert_pmt_ok(pmt_join(c, NULL));
	ck_assert_int_eq(bad, 0);
}

/*
 * a waits for m1 owned by b; b waits for m2 owned by c: c runs at a's
 * priority.  As c and then b unlock, each drops back to its base, while
 * b keeps a's priority as long as a waits for its m1.
 */
START_TEST(test_inheritance_follows_chain_of_owners_and_unwinds)
{
	pmt_t a, b, c;

	sync_init();
	observe();
	spawn_chain(&a, &b, &c);
	ck_assert_int_eq(effprio(c), 20);
	ck_assert_int_eq(effprio(b), 20);
	ck_assert_int_eq(effprio(a), 20);
	ck_assert_int_eq(baseprio(c), 5);
	ck_assert_int_eq(baseprio(b), 10);
	/* c unlocks m2: b has it, and runs at once at a's priority. */
	ck_assert_pmt_ok(pmt_sem_post(&go_c));
	ck_assert_log("CB");
	ck_assert_int_eq(seen_b1, 20);
	ck_assert_int_eq(seen_c, 5);
	ck_assert_int_eq(effprio(b), 20);
	/* b unlocks m2 (keeps a's priority), then m1 (drops to 10). */
	ck_assert_pmt_ok(pmt_sem_post(&go_b));
	ck_assert_log("CBAb");
	ck_assert_int_eq(seen_b2, 20);
	ck_assert_int_eq(seen_b3, 10);
	ck_assert_int_eq(seen_a, 20);
	ck_assert_pmt_ok(pmt_join(a, NULL));
	ck_assert_pmt_ok(pmt_join(b, NULL));
	ck_assert_pmt_ok(pmt_join(c, NULL));
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* A change to a waiter's priority travels along the chain, both ways. */
START_TEST(test_setprio_of_waiter_propagates_along_chain)
{
	pmt_t a, b, c;

	sync_init();
	observe();
	spawn_chain(&a, &b, &c);
	ck_assert_pmt_ok(pmt_setprio(a, 25));
	ck_assert_int_eq(effprio(a), 25);
	ck_assert_int_eq(effprio(b), 25);
	ck_assert_int_eq(effprio(c), 25);
	ck_assert_pmt_ok(pmt_setprio(a, 3));
	ck_assert_int_eq(effprio(a), 3);
	ck_assert_int_eq(effprio(b), 10);
	ck_assert_int_eq(effprio(c), 10);
	ck_assert_pmt_ok(pmt_setprio(a, 12));
	ck_assert_int_eq(effprio(b), 12);
	ck_assert_int_eq(effprio(c), 12);
	/* The middle of the chain too. */
	ck_assert_pmt_ok(pmt_setprio(b, 14));
	ck_assert_int_eq(effprio(b), 14);
	ck_assert_int_eq(effprio(c), 14);
	ck_assert_pmt_ok(pmt_setprio(b, 1));
	ck_assert_int_eq(effprio(b), 12);
	ck_assert_int_eq(baseprio(b), 1);
	ck_assert_int_eq(effprio(c), 12);
	finish_chain(a, b, c);
}
END_TEST

/* An owner's base priority changes, but its effective one never drops
 * below what it inherits. */
START_TEST(test_setprio_of_owner_keeps_what_it_inherits)
{
	pmt_t a, b, c;

	sync_init();
	observe();
	spawn_chain(&a, &b, &c);
	ck_assert_pmt_ok(pmt_setprio(c, 28));
	ck_assert_int_eq(effprio(c), 28);
	ck_assert_int_eq(baseprio(c), 28);
	ck_assert_pmt_ok(pmt_setprio(c, 2));
	ck_assert_int_eq(effprio(c), 20);
	ck_assert_int_eq(baseprio(c), 2);
	ck_assert_int_eq(baseprio(a), 20);
	finish_chain(a, b, c);
}
END_TEST

static volatile int a_timed_rc = -1;

/* Tries m1 for 3 ms. */
static void *
chain_a_timed(void *arg)
{
	int rc = pmt_mutex_timedlock(&m1, pmt_now() + PMT_MSEC(3));

	a_timed_rc = rc;
	test_log(rc == PMT_ETIMEDOUT ? 'T' : '!');
	if (rc == 0 && pmt_mutex_unlock(&m1) != 0)
		bad++;
	return arg;
}

/* A waiter whose deadline passes takes its priority away from the owner
 * and the whole chain. */
START_TEST(test_timed_out_waiter_priority_leaves_owners)
{
	pmt_t a, b, c;
	int waiting, prio_b, prio_c;

	sync_init();
	observe();
	ck_assert_pmt_ok(test_spawn(&c, chain_c, NULL, 0, 5));
	ck_assert_pmt_ok(test_spawn(&b, chain_b, NULL, 1, 10));
	ck_assert_pmt_ok(test_spawn(&a, chain_a_timed, NULL, 2, 20));
	/* While a still waits (a loaded machine may have let its deadline
	 * pass already), b and c inherit its priority.  In a section, so
	 * that no tick ends a's wait between the reads. */
	ck_assert_pmt_ok(pmt_preempt_disable());
	waiting = a_timed_rc == -1;
	prio_b = effprio(b);
	prio_c = effprio(c);
	ck_assert_pmt_ok(pmt_preempt_enable());
	ck_assert_int_eq(prio_b, waiting ? 20 : 10);
	ck_assert_int_eq(prio_c, waiting ? 20 : 10);
	ck_assert_pmt_ok(pmt_join(a, NULL));
	ck_assert_log("T");
	ck_assert_int_eq(effprio(b), 10);
	ck_assert_int_eq(effprio(c), 10);
	ck_assert_pmt_ok(pmt_sem_post(&go_c));
	ck_assert_pmt_ok(pmt_sem_post(&go_b));
	ck_assert_pmt_ok(pmt_join(b, NULL));
	ck_assert_pmt_ok(pmt_join(c, NULL));
	ck_assert_int_eq(seen_b3, 10);
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* ---------------------------------------------------------------- order */

/* x (5): holds m1 and m2 until go_a; unlocks them in the order its
 * argument says (0: m1 first, not the reverse of locking; 1: m2 first),
 * noting its priority after each. */
static void *
hold_two(void *arg)
{
	int m2_first = (int)(uintptr_t)arg;

	if (pmt_mutex_lock(&m1) != 0 || pmt_mutex_lock(&m2) != 0)
		bad++;
	if (pmt_sem_wait(&go_a) != 0)
		bad++;
	if (pmt_mutex_unlock(m2_first ? &m2 : &m1) != 0)
		bad++;
	seen_x1 = my_effprio();
	if (pmt_mutex_unlock(m2_first ? &m1 : &m2) != 0)
		bad++;
	seen_x2 = my_effprio();
	return arg;
}

/*
 * x holds m1 and m2, waited for by '1' and '2'.  Whatever order x unlocks
 * them in, its effective priority after the first unlock is that of the
 * waiter left (or its own base), and its base after the second; the
 * waiters run by priority.  _i: bit 0, m2 first; bit 1, '2' is higher.
 */
START_TEST(test_unlocks_in_any_order_restore_the_right_priority)
{
	int m2_first = _i & 1, two_higher = (_i >> 1) & 1;
	int p1 = two_higher ? 15 : 20, p2 = two_higher ? 20 : 15;
	int after_first = m2_first ? p1 : p2;
	pmt_t x, w1, w2;

	sync_init();
	observe();
	ck_assert_pmt_ok(test_spawn(&x, hold_two, PTR(m2_first), 0, 5));
	ck_assert_pmt_ok(test_spawn(&w1, lock_m1_log, PTR('1'), 1, p1));
	ck_assert_pmt_ok(test_spawn(&w2, lock_m2_log, PTR('2'), 2, p2));
	ck_assert_int_eq(effprio(x), 20);
	ck_assert_pmt_ok(pmt_sem_post(&go_a));
	ck_assert_pmt_ok(pmt_join(x, NULL));
	ck_assert_pmt_ok(pmt_join(w1, NULL));
	ck_assert_pmt_ok(pmt_join(w2, NULL));
	ck_assert_int_eq(seen_x1, after_first);
	ck_assert_int_eq(seen_x2, 5);
	ck_assert_log(two_higher ? "21" : "12");
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* A waiter whose priority changes moves in the mutex's queue. */
START_TEST(test_waiter_priority_change_reorders_the_queue)
{
	pmt_t o, a, b;

	sync_init();
	observe();
	ck_assert_pmt_ok(test_spawn(&o, hold_m1_until_go, NULL, 0, 3));
	ck_assert_pmt_ok(test_spawn(&a, lock_m1_log, PTR('a'), 1, 5));
	ck_assert_pmt_ok(test_spawn(&b, lock_m1_log, PTR('b'), 2, 9));
	ck_assert_pmt_ok(pmt_setprio(a, 12));
	ck_assert_int_eq(effprio(o), 12);
	if (_i == 1)
		ck_assert_pmt_ok(pmt_setprio(b, 14));
	ck_assert_pmt_ok(pmt_sem_post(&go_c));
	ck_assert_log(_i == 1 ? "Oba" : "Oab");
	ck_assert_pmt_ok(pmt_join(o, NULL));
	ck_assert_pmt_ok(pmt_join(a, NULL));
	ck_assert_pmt_ok(pmt_join(b, NULL));
	ck_assert_int_eq(bad, 0);
}
END_TEST

static pmt_cond_t c = PMT_COND_INITIALIZER;
static pmt_t main_tid;

/* Locks m1, notes main's effective priority, signals c, unlocks. */
static void *
lock_m1_see_main(void *arg)
{
	int prio = -1;

	if (pmt_mutex_lock(&m1) != 0)
		bad++;
	if (pmt_getprio_effective(main_tid, &prio) != 0)
		bad++;
	seen_a = prio;
	if (pmt_cond_signal(&c) != 0 || pmt_mutex_unlock(&m1) != 0)
		bad++;
	return arg;
}

/* A condition wait releases its mutex as an unlock does: the waiter
 * that gets it no longer lends the caller its priority. */
START_TEST(test_cond_wait_gives_up_priority_inherited_through_its_mutex)
{
	pmt_t w;

	sync_init();
	main_tid = main_id;
	ck_assert_pmt_ok(pmt_setprio(main_id, 5));
	ck_assert_pmt_ok(pmt_mutex_lock(&m1));
	ck_assert_pmt_ok(test_spawn(&w, lock_m1_see_main, NULL, 0, 20));
	ck_assert_int_eq(effprio(main_id), 20);
	ck_assert_pmt_ok(pmt_cond_wait(&c, &m1));
	ck_assert_int_eq(seen_a, 5);
	ck_assert_int_eq(effprio(main_id), 5);
	ck_assert_pmt_ok(pmt_mutex_unlock(&m1));
	ck_assert_pmt_ok(pmt_join(w, NULL));
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* ---------------------------------------------------------------- sched */

static volatile int owner_ran;

/* Locks m1, waits for go_a, says it ran, unlocks. */
static void *
owner_flags_when_run(void *arg)
{
	if (pmt_mutex_lock(&m1) != 0)
		bad++;
	if (pmt_sem_wait(&go_a) != 0)
		bad++;
	owner_ran = 1;
	if (pmt_mutex_unlock(&m1) != 0)
		bad++;
	return arg;
}

/*
 * The owner l (10, ready, holding m1 that w waits for) is below main
 * (16).  Raising w above main raises l above main too: like any thread
 * that comes to outrank the running one, l runs at once.
 */
START_TEST(test_ready_owner_raised_above_caller_by_waiter_runs_at_once)
{
	pmt_t l, w;

	sync_init();
	ck_assert_pmt_ok(pmt_setprio(main_id, 1));
	ck_assert_pmt_ok(test_spawn(&l, owner_flags_when_run, NULL, 0, 10));
	ck_assert_pmt_ok(test_spawn(&w, lock_m1_log, PTR('w'), 1, 12));
	ck_assert_pmt_ok(pmt_setprio(main_id, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_sem_post(&go_a));
	/* l is ready at 12, below main. */
	ck_assert_int_eq(effprio(l), 12);
	ck_assert_int_eq(owner_ran, 0);
	ck_assert_pmt_ok(pmt_setprio(w, 20));
	ck_assert_int_eq(owner_ran, 1);
	ck_assert_log("w");
	ck_assert_pmt_ok(pmt_join(l, NULL));
	ck_assert_pmt_ok(pmt_join(w, NULL));
	ck_assert_int_eq(bad, 0);
}
END_TEST

/*
 * Main (base 5) owns m1, waited for by w (20), and r (15) is ready.
 * Lowering w to 1 drops main to 5, below r: r runs at once.
 */
START_TEST(test_owner_lowered_below_ready_thread_by_waiter_yields_at_once)
{
	pmt_t w, r;

	sync_init();
	ck_assert_pmt_ok(pmt_setprio(main_id, 5));
	ck_assert_pmt_ok(pmt_mutex_lock(&m1));
	ck_assert_pmt_ok(test_spawn(&w, lock_m1_log, PTR('w'), 0, 20));
	ck_assert_int_eq(effprio(main_id), 20);
	ck_assert_pmt_ok(test_spawn(&r, log_tag, PTR('r'), 1, 15));
	ck_assert_log("");
	ck_assert_pmt_ok(pmt_setprio(w, 1));
	ck_assert_int_eq(effprio(main_id), 5);
	ck_assert_log("r");
	ck_assert_pmt_ok(pmt_mutex_unlock(&m1));
	ck_assert_pmt_ok(pmt_join(w, NULL));
	ck_assert_pmt_ok(pmt_join(r, NULL));
	ck_assert_log("rw");
	ck_assert_int_eq(bad, 0);
}
END_TEST

static Suite *
pi_suite(void)
{
	Suite *s = suite_create(TEST_TICK ? "pi_preempt" : "pi");
	TCase *tc;

	tc = tcase_create("basic");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(
	    tc, test_effective_priority_is_base_priority_without_waiters);
	tcase_add_test(tc, test_owner_inherits_waiter_priority_until_unlock);
	tcase_add_test(tc, test_priority_inversion_is_bounded_by_inheritance);
	suite_add_tcase(s, tc);

	tc = tcase_create("chains");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(
	    tc, test_inheritance_follows_chain_of_owners_and_unwinds);
	tcase_add_test(tc, test_setprio_of_waiter_propagates_along_chain);
	tcase_add_test(tc, test_setprio_of_owner_keeps_what_it_inherits);
	tcase_add_test(tc, test_timed_out_waiter_priority_leaves_owners);
	tcase_add_test(
	    tc, test_cond_wait_gives_up_priority_inherited_through_its_mutex);
	suite_add_tcase(s, tc);

	tc = tcase_create("order");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(
	    tc, test_unlocks_in_any_order_restore_the_right_priority, 0, 4);
	tcase_add_loop_test(
	    tc, test_waiter_priority_change_reorders_the_queue, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("sched");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(
	    tc, test_ready_owner_raised_above_caller_by_waiter_runs_at_once);
	tcase_add_test(
	    tc, test_owner_lowered_below_ready_thread_by_waiter_yields_at_once);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return sync_main(pi_suite);
}
