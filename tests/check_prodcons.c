/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * check_prodcons.c - stress tests of the synchronisation objects: no lost
 * and no doubled wake-ups.  Producers and consumers pass numbered items
 * through bounded buffers (semaphores and a mutex; a mutex and two
 * conditions), with CPU work inside and outside the critical sections,
 * and every item must arrive exactly once; threads incrementing one
 * counter under a mutex lose no update.  The cooperative build yields now
 * and then; the preemptive one runs a 100 us tick.  Loops are bounded by
 * counts, and a run that stalls gives up after GIVE_UP_MS.
 */
#include <stdint.h>
#include <string.h>

#include "syncutil.h"

#define NITEMS 6000 /* divisible by every number of threads used */
#define BUFSIZE 8
#define WORK_IN 4000  /* busy() passes inside a critical section */
#define WORK_OUT 2000 /* and outside */
#define MAXTHREADS 6

/* The buffer. */
static unsigned ring[BUFSIZE];
static unsigned head, tail, count;
static pmt_mutex_t lock = PMT_MUTEX_INITIALIZER;
static pmt_sem_t empty = PMT_SEM_INITIALIZER(BUFSIZE, BUFSIZE);
static pmt_sem_t full = PMT_SEM_INITIALIZER(0, BUFSIZE);
static pmt_cond_t not_full = PMT_COND_INITIALIZER;
static pmt_cond_t not_empty = PMT_COND_INITIALIZER;

/* Accounting: how often each item arrived, the sum of each consumer's
 * items, errors and timeouts seen by the threads. */
static volatile unsigned char seen[NITEMS];
static volatile uint64_t sums[MAXTHREADS];
static volatile unsigned long errors, timeouts, taken, inside_twice;
static volatile int inside;

static int nproducers, nconsumers;

/* Now and then, cooperatively, let the others in. */
static void
maybe_yield(unsigned k)
{
	if (!TEST_TICK && k % 3 == 0)
		pmt_yield();
}

/* Notes that the caller is inside the buffer's critical section. */
static void
enter(void)
{
	if (inside)
		inside_twice++;
	inside = 1;
}

static void
leave(void)
{
	inside = 0;
}

static void
put(unsigned item)
{
	enter();
	ring[head] = item;
	busy(WORK_IN);
	head = (head + 1) % BUFSIZE;
	count++;
	leave();
}

static unsigned
get(void)
{
	unsigned item;

	enter();
	item = ring[tail];
	busy(WORK_IN);
	tail = (tail + 1) % BUFSIZE;
	count--;
	leave();
	return item;
}

/* Records item as arrived at consumer me. */
static void
arrived(int me, unsigned item)
{
	if (item >= NITEMS) {
		errors++;
		return;
	}
	seen[item]++;
	sums[me] += item;
}

/* Every item arrived exactly once, and nothing went wrong. */
static void
assert_exactly_once(void)
{
	uint64_t sum = 0;
	unsigned i, missing = 0, doubled = 0;

	assert_no_give_up();
	for (i = 0; i < NITEMS; i++) {
		if (seen[i] == 0)
			missing++;
		else if (seen[i] > 1)
			doubled++;
	}
	for (i = 0; i < MAXTHREADS; i++)
		sum += sums[i];
	ck_assert_msg(missing == 0 && doubled == 0,
	    "%u items never arrived, %u arrived more than once", missing,
	    doubled);
	ck_assert_uint_eq(sum, (uint64_t)NITEMS * (NITEMS - 1) / 2);
	ck_assert_uint_eq(errors, 0);
	ck_assert_uint_eq(inside_twice, 0);
	ck_assert_uint_eq(count, 0);
}

static pmt_t tids[MAXTHREADS];

/* Spawns producers then consumers (their number as the argument), of the
 * given priorities, from above them so that they all start together, and
 * joins them all from below. */
static void
run(void *(*producer)(void *), void *(*consumer)(void *), const int *prio)
{
	int i, n = nproducers + nconsumers;

	give_up_start();
	ck_assert_pmt_ok(pmt_setprio(main_id, PMT_PRIO_MAX));
	for (i = 0; i < nproducers; i++)
		ck_assert_pmt_ok(
		    test_spawn_big(&tids[i], producer, PTR(i), i, prio[i]));
	for (i = 0; i < nconsumers; i++)
		ck_assert_pmt_ok(test_spawn_big(&tids[nproducers + i], consumer,
		    PTR(i), nproducers + i, prio[nproducers + i]));
	observe();
	for (i = 0; i < n; i++)
		ck_assert_pmt_ok(pmt_join(tids[i], NULL));
}

/* Priorities: all equal (_i 0), or all different (_i 1). */
static const int *
prios(int which)
{
	static const int equal[MAXTHREADS] = {10, 10, 10, 10, 10, 10};
	static const int mixed[MAXTHREADS] = {8, 12, 6, 14, 10, 11};

	return which == 0 ? equal : mixed;
}

/* ---------------------------------------------------------------- sem */

static void *
sem_producer(void *arg)
{
	unsigned me = (unsigned)(uintptr_t)arg, k;
	unsigned share = NITEMS / (unsigned)nproducers;

	for (k = 0; k < share && !overdue(); k++) {
		if (pmt_sem_wait(&empty) != 0 || pmt_mutex_lock(&lock) != 0) {
			errors++;
			break;
		}
		put(me * share + k);
		if (pmt_mutex_unlock(&lock) != 0 || pmt_sem_post(&full) != 0)
			errors++;
		busy(WORK_OUT);
		maybe_yield(k);
	}
	return NULL;
}

static void *
sem_consumer(void *arg)
{
	int me = (int)(uintptr_t)arg;
	unsigned k, item;
	unsigned quota = NITEMS / (unsigned)nconsumers;

	for (k = 0; k < quota && !overdue(); k++) {
		if (pmt_sem_wait(&full) != 0 || pmt_mutex_lock(&lock) != 0) {
			errors++;
			break;
		}
		item = get();
		if (pmt_mutex_unlock(&lock) != 0 || pmt_sem_post(&empty) != 0)
			errors++;
		arrived(me, item);
		busy(WORK_OUT);
		maybe_yield(k);
	}
	return NULL;
}

/* Two producers, three consumers, a semaphore for each side. */
START_TEST(test_sem_buffer_passes_every_item_exactly_once)
{
	unsigned v = 99;

	sync_init_tick(FAST_TICK_USEC);
	nproducers = 2;
	nconsumers = 3;
	run(sem_producer, sem_consumer, prios(_i));
	assert_exactly_once();
	ck_assert_pmt_ok(pmt_sem_getvalue(&empty, &v));
	ck_assert_uint_eq(v, BUFSIZE);
	ck_assert_pmt_ok(pmt_sem_getvalue(&full, &v));
	ck_assert_uint_eq(v, 0);
}
END_TEST

/* Waits on sem with deadlines 50 us away, again after each timeout
 * (counted), until it has a unit; 0, or the error. */
static int
wait_retrying(pmt_sem_t *sem)
{
	int rc;

	while ((rc = pmt_sem_timedwait(sem, pmt_now() + PMT_USEC(50))) ==
	       PMT_ETIMEDOUT) {
		timeouts++;
		if (overdue())
			break;
	}
	return rc;
}

/* One producer that sleeps 1 ms after every 32 items. */
static void *
sleepy_producer(void *arg)
{
	unsigned k;

	for (k = 0; k < NITEMS && !overdue(); k++) {
		if (wait_retrying(&empty) != 0 || pmt_mutex_lock(&lock) != 0) {
			errors++;
			break;
		}
		put(k);
		if (pmt_mutex_unlock(&lock) != 0 || pmt_sem_post(&full) != 0)
			errors++;
		busy(WORK_OUT);
		if (k % 32 == 31 && pmt_sleep(PMT_MSEC(1)) != 0)
			errors++;
	}
	return arg;
}

static void *
timed_consumer(void *arg)
{
	int me = (int)(uintptr_t)arg;
	unsigned k, item;
	unsigned quota = NITEMS / (unsigned)nconsumers;

	for (k = 0; k < quota && !overdue(); k++) {
		if (wait_retrying(&full) != 0 || pmt_mutex_lock(&lock) != 0) {
			errors++;
			break;
		}
		item = get();
		if (pmt_mutex_unlock(&lock) != 0 || pmt_sem_post(&empty) != 0)
			errors++;
		arrived(me, item);
		busy(WORK_OUT);
		maybe_yield(k);
	}
	return NULL;
}

/*
 * Timed waits that expire all the time (consumers wait 50 us at a time
 * while the producer sleeps 1 ms every 32 items): a unit is never both
 * handed to a waiter and lost to its timeout, and never given twice.
 */
START_TEST(test_sem_timed_waits_that_expire_lose_no_unit)
{
	unsigned v = 99;

	sync_init_tick(FAST_TICK_USEC);
	nproducers = 1;
	nconsumers = 3;
	run(sleepy_producer, timed_consumer, prios(_i));
	assert_exactly_once();
	ck_assert_uint_gt(timeouts, 0);
	ck_assert_pmt_ok(pmt_sem_getvalue(&empty, &v));
	ck_assert_uint_eq(v, BUFSIZE);
	ck_assert_pmt_ok(pmt_sem_getvalue(&full, &v));
	ck_assert_uint_eq(v, 0);
}
END_TEST

/* ---------------------------------------------------------------- cond */

static int use_broadcast;

/* Wakes one waiter, or all. */
static void
wake(pmt_cond_t *c)
{
	if ((use_broadcast ? pmt_cond_broadcast(c) : pmt_cond_signal(c)) != 0)
		errors++;
}

/* Waits on c; consumer and producer 1 wait with a 100 us deadline (a
 * timeout only means looking again).  0, or the error. */
static int
cond_wait_maybe_timed(pmt_cond_t *c, int timed)
{
	int rc;

	if (!timed)
		return pmt_cond_wait(c, &lock);
	rc = pmt_cond_timedwait(c, &lock, pmt_now() + PMT_USEC(100));
	if (rc == PMT_ETIMEDOUT) {
		timeouts++;
		rc = 0;
	}
	return rc;
}

static void *
cond_producer(void *arg)
{
	unsigned me = (unsigned)(uintptr_t)arg, k;
	unsigned share = NITEMS / (unsigned)nproducers;
	int rc = 0;

	for (k = 0; k < share && rc == 0 && !overdue(); k++) {
		if (pmt_mutex_lock(&lock) != 0) {
			errors++;
			break;
		}
		while (count == BUFSIZE && rc == 0 && !overdue())
			rc = cond_wait_maybe_timed(&not_full, me == 1);
		if (rc == 0) {
			put(me * share + k);
			wake(&not_empty);
		} else {
			errors++;
		}
		if (pmt_mutex_unlock(&lock) != 0)
			errors++;
		busy(WORK_OUT);
		maybe_yield(k);
	}
	return NULL;
}

/* Takes items until all NITEMS are taken. */
static void *
cond_consumer(void *arg)
{
	int me = (int)(uintptr_t)arg, rc = 0;
	unsigned item, k;

	for (k = 0; rc == 0 && !overdue(); k++) {
		if (pmt_mutex_lock(&lock) != 0) {
			errors++;
			break;
		}
		while (count == 0 && taken < NITEMS && rc == 0 && !overdue())
			rc = cond_wait_maybe_timed(&not_empty, me == 1);
		if (rc != 0 || taken == NITEMS || count == 0) {
			if (rc != 0)
				errors++;
			if (pmt_mutex_unlock(&lock) != 0)
				errors++;
			break;
		}
		item = get();
		if (++taken == NITEMS)
			/* The others may all be waiting: let them go. */
			if (pmt_cond_broadcast(&not_empty) != 0)
				errors++;
		wake(&not_full);
		if (pmt_mutex_unlock(&lock) != 0)
			errors++;
		arrived(me, item);
		busy(WORK_OUT);
		maybe_yield(k);
	}
	return NULL;
}

/*
 * The same with a mutex and two conditions: signals (_i 0, 1) or
 * broadcasts (_i 2, 3), equal or mixed priorities; one producer and one
 * consumer wait with deadlines.
 */
START_TEST(test_cond_buffer_passes_every_item_exactly_once)
{
	sync_init_tick(FAST_TICK_USEC);
	nproducers = 2;
	nconsumers = 3;
	use_broadcast = _i >= 2;
	run(cond_producer, cond_consumer, prios(_i & 1));
	assert_exactly_once();
	ck_assert_uint_eq(taken, NITEMS);
}
END_TEST

/* ---------------------------------------------------------------- mutex */

#define INCREMENTS 3000
static pmt_mutex_t rlock = PMT_MUTEX_RECURSIVE_INITIALIZER;
static volatile unsigned long counter;

/* Adds INCREMENTS to counter, a read and a write apart, under lock (or
 * under rlock taken twice, when the argument is odd); sleeps 200 us
 * after every 50. */
static void *
increment(void *arg)
{
	int recursive = (int)(uintptr_t)arg & 1;
	pmt_mutex_t *mx = recursive ? &rlock : &lock;
	unsigned long v;
	unsigned k;

	for (k = 0; k < INCREMENTS && !overdue(); k++) {
		if (pmt_mutex_lock(mx) != 0 ||
		    (recursive && pmt_mutex_lock(mx) != 0)) {
			errors++;
			break;
		}
		enter();
		v = counter;
		busy(WORK_IN);
		/* Cooperatively, others run while the mutex is held. */
		maybe_yield(k);
		counter = v + 1;
		leave();
		if ((recursive && pmt_mutex_unlock(mx) != 0) ||
		    pmt_mutex_unlock(mx) != 0)
			errors++;
		busy(WORK_OUT);
		maybe_yield(k + 1);
		/* Now and then a sleep, so that lower threads get the mutex
		 * and higher ones wake to find it taken. */
		if (k % 50 == 49 && pmt_sleep(PMT_USEC(200)) != 0)
			errors++;
	}
	return NULL;
}

/* Four threads, equal or mixed priorities, on one mutex (_i 0, 1) or on
 * a recursive one taken twice (_i 2, 3): no update is lost. */
START_TEST(test_mutex_keeps_every_increment)
{
	const int *prio = prios(_i & 1);
	pmt_t t[4];
	int i;

	sync_init_tick(FAST_TICK_USEC);
	give_up_start();
	ck_assert_pmt_ok(pmt_setprio(main_id, PMT_PRIO_MAX));
	for (i = 0; i < 4; i++)
		ck_assert_pmt_ok(test_spawn_big(
		    &t[i], increment, PTR(_i >= 2 ? 1 : 0), i, prio[i]));
	observe();
	for (i = 0; i < 4; i++)
		ck_assert_pmt_ok(pmt_join(t[i], NULL));
	assert_no_give_up();
	ck_assert_uint_eq(errors, 0);
	ck_assert_uint_eq(inside_twice, 0);
	ck_assert_uint_eq(counter, 4 * INCREMENTS);
	ck_assert_pmt_ok(pmt_mutex_trylock(_i >= 2 ? &rlock : &lock));
}
END_TEST

static Suite *
prodcons_suite(void)
{
	Suite *s = suite_create(TEST_TICK ? "prodcons_preempt" : "prodcons");
	TCase *tc;

	tc = tcase_create("sem");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(
	    tc, test_sem_buffer_passes_every_item_exactly_once, 0, 2);
	tcase_add_loop_test(
	    tc, test_sem_timed_waits_that_expire_lose_no_unit, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("cond");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(
	    tc, test_cond_buffer_passes_every_item_exactly_once, 0, 4);
	suite_add_tcase(s, tc);

	tc = tcase_create("mutex");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_mutex_keeps_every_increment, 0, 4);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return sync_main(prodcons_suite);
}
