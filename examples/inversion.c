/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * inversion.c - priority inversion, and how priority inheritance ends it.
 *
 * In 1997 the Mars Pathfinder lander kept resetting itself on Mars.  A
 * low-priority task held a lock on a shared bus; a high-priority task
 * waited for the lock; and medium-priority tasks, which needed no lock,
 * kept the CPU from the low one, so the lock was never released, the high
 * task missed its deadline, and a watchdog reset the machine.  The fix,
 * sent to Mars, switched on priority inheritance for that lock.
 *
 * Here three threads play it out.  low (priority 2) takes the lock and is
 * then interrupted; high (20) sleeps 20 ms and then wants the lock; medium
 * (10) computes for MEDIUM_MSEC without ever blocking, and without ever
 * yielding when timer preemption runs.
 *
 * 1. The lock is a pmt_mutex_t.  When high waits for it, low, its owner,
 *    inherits high's priority 20, which beats medium's 10: low runs at
 *    once, releases the mutex, which goes straight to high, and drops back
 *    to priority 2.  high has waited for low's short critical section
 *    only, and medium finishes last.  The order of events below is the
 *    same on every run.
 *
 * 2. The lock is a semaphore of one unit instead.  A semaphore has no
 *    owner, so nobody inherits anything: this is what a mutex without
 *    priority inheritance does.  low keeps priority 2, and medium, ready
 *    and above it, keeps the CPU for its whole computation.  Only when
 *    medium is done does low run again and release the lock: high, the
 *    most urgent thread, has waited for medium, a thread that never
 *    touches the lock and could compute for ever.  That is the unbounded
 *    inversion that reset the lander.
 */
#include <stdio.h>
#include <stdlib.h>

#include <pmt.h>

#define LOW_PRIO 2
#define MEDIUM_PRIO 10
#define HIGH_PRIO 20
#define MAIN_PRIO 30
#define HIGH_SLEEP_MSEC 20
#define MEDIUM_MSEC 200
#define MAX_EVENTS 16
/* Generous, so that it is above pmt_stack_min() on any machine. */
#define STACK_SIZE (64 * 1024)

enum { LOW, MEDIUM, HIGH, NTHREADS };

PMT_STACK_DEFINE(stacks[NTHREADS], STACK_SIZE);

static pmt_mutex_t mutex = PMT_MUTEX_INITIALIZER;
static pmt_sem_t sem_lock = PMT_SEM_INITIALIZER(1, 1);
/* low posts it once it holds the lock, to wake main. */
static pmt_sem_t held = PMT_SEM_INITIALIZER(0, 1);
static int use_mutex;  /* part 1: the mutex; part 2: the semaphore */
static int preempting; /* timer preemption runs: medium never yields */

/* The events, in the order they happened; printed by main at the end. */
static const char *events[MAX_EVENTS];
static int prios[MAX_EVENTS]; /* the thread's effective priority */
static int nevents;
/* When low released the lock and when medium finished, as event
 * numbers. */
static int low_released, medium_done, high_got;

/* Reports a failed libpmt call and ends the program. */
static void
check(int error, const char *what)
{
	if (error != 0) {
		fprintf(
		    stderr, "inversion: %s: %s\n", what, pmt_strerror(error));
		exit(1);
	}
}

/* Records an event of the calling thread; returns its number. */
static int
event(const char *what)
{
	int n = -1, prio;

	check(pmt_getprio_effective(pmt_self(), &prio), "pmt_getprio");
	PMT_NOPREEMPT
	{
		if (nevents < MAX_EVENTS) {
			n = nevents++;
			events[n] = what;
			prios[n] = prio;
		}
	}
	return n;
}

static void
take(void)
{
	if (use_mutex)
		check(pmt_mutex_lock(&mutex), "pmt_mutex_lock");
	else
		check(pmt_sem_wait(&sem_lock), "pmt_sem_wait");
}

static void
release(void)
{
	if (use_mutex)
		check(pmt_mutex_unlock(&mutex), "pmt_mutex_unlock");
	else
		check(pmt_sem_post(&sem_lock), "pmt_sem_post");
}

/* low: takes the lock and tells main, which, higher, runs at once and
 * starts the others.  low gets the CPU back only when nothing above its
 * priority (effective priority, with the mutex) is ready. */
static void *
low(void *arg)
{
	(void)arg;
	take();
	event("low: has the lock");
	check(pmt_sem_post(&held), "pmt_sem_post");
	event("low: runs again, finishes its critical section");
	low_released = event("low: releases the lock");
	release();
	event("low: done");
	return NULL;
}

/* high: sleeps, then wants the lock low holds. */
static void *
high(void *arg)
{
	(void)arg;
	event("high: sleeps");
	check(pmt_sleep(PMT_MSEC(HIGH_SLEEP_MSEC)), "pmt_sleep");
	event("high: wakes up, waits for the lock");
	take();
	high_got = event("high: has the lock");
	release();
	event("high: done");
	return NULL;
}

/* medium: computes for MEDIUM_MSEC and needs no lock.  Under preemption
 * it never yields: only a higher priority thread becoming ready (high,
 * woken by the tick that ends its sleep) takes the CPU from it.  Without
 * preemption it yields, which is where a cooperative libpmt meets the
 * sleepers' deadlines; a yield gives way only to its equals and above,
 * never to low. */
static void *
medium(void *arg)
{
	pmt_time_t end;

	(void)arg;
	event("medium: computes");
	end = pmt_now() + PMT_MSEC(MEDIUM_MSEC);
	while (pmt_now() < end)
		if (!preempting)
			check(pmt_yield(), "pmt_yield");
	medium_done = event("medium: done");
	return NULL;
}

static void
spawn(pmt_t *tid, void *(*entry)(void *), int k, int prio)
{
	check(pmt_spawn(tid, entry, NULL, stacks[k], sizeof stacks[k], prio),
	    "pmt_spawn");
}

/* One run of the story; returns whether high got the lock before medium
 * finished. */
static int
run(void)
{
	pmt_t tids[NTHREADS];
	int k;

	nevents = 0;
	low_released = medium_done = high_got = -1;
	/* main (priority 30) waits until low holds the lock; then it starts
	 * high and medium, which run only once main waits in pmt_join(). */
	spawn(&tids[LOW], low, LOW, LOW_PRIO);
	check(pmt_sem_wait(&held), "pmt_sem_wait");
	spawn(&tids[HIGH], high, HIGH, HIGH_PRIO);
	spawn(&tids[MEDIUM], medium, MEDIUM, MEDIUM_PRIO);
	check(pmt_join(tids[HIGH], NULL), "pmt_join");
	check(pmt_join(tids[MEDIUM], NULL), "pmt_join");
	check(pmt_join(tids[LOW], NULL), "pmt_join");

	for (k = 0; k < nevents; k++)
		printf("  %-48s (priority %d)\n", events[k], prios[k]);
	return high_got >= 0 && high_got < medium_done;
}

int
main(void)
{
	int error, with_pi, without_pi;

	if (pmt_stack_min() > STACK_SIZE) {
		fprintf(stderr,
		    "inversion: stacks of %d bytes are below this "
		    "machine's minimum of %zu\n",
		    STACK_SIZE, pmt_stack_min());
		return 1;
	}
	check(pmt_init(), "pmt_init");
	check(pmt_setprio(pmt_self(), MAIN_PRIO), "pmt_setprio");
	/* The tick ends high's sleep while medium computes.  Without it,
	 * medium's yields do; the events are the same. */
	error = pmt_preempt_start(PMT_PREEMPT_DEFAULT_USEC, 0);
	if (error != PMT_ENOSYS)
		check(error, "pmt_preempt_start");
	preempting = error == 0;

	printf("1. a mutex: its owner inherits the priority of its waiter\n");
	use_mutex = 1;
	with_pi = run();
	printf("low released the lock before medium finished: %s\n",
	    low_released < medium_done ? "yes" : "no");
	printf("high got the lock before medium finished: %s\n",
	    with_pi ? "yes" : "no");

	printf("2. a semaphore: no owner, no inheritance\n");
	use_mutex = 0;
	without_pi = run();
	printf("low released the lock before medium finished: %s\n",
	    low_released < medium_done ? "yes" : "no");
	printf("high got the lock before medium finished: %s\n",
	    without_pi ? "yes" : "no");

	if (preempting)
		check(pmt_preempt_stop(), "pmt_preempt_stop");
	if (!with_pi || without_pi) {
		printf("inversion: FAILED\n");
		return 1;
	}
	printf("inversion: ok\n");
	return 0;
}
