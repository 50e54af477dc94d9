/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * libpmt.c - pmt-bench's libpmt rows: pmt_yield between 2 threads and
 * among all the slots, with the 1 ms timer running, spawn+run+join,
 * uncontended mutex and semaphore, the hand-overs through a mutex, a
 * semaphore and a condition, and the priority wake-up.  Everything here
 * runs on main, a libpmt thread, and on the threads it spawns.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <pmt.h>

#include "bench.h"

PMT_STACK_DEFINE(pmt_stack, STACK_SIZE);

static uint64_t
pmt_switches(void)
{
	struct pmt_stats st;

	check_pmt(pmt_stats(&st), "pmt_stats");
	return st.switches;
}

/* Tells the partners of the yield benchmarks to finish. */
static volatile int stop;

static void *
yield_partner(void *arg)
{
	while (!stop)
		check_pmt(pmt_yield(), "pmt_yield");
	return arg;
}

/*
 * main yields n times to nthreads partners of its own priority; every
 * yield passes through all of them before main runs again.  The switch
 * count comes from pmt_stats(), so it is exact.
 */
static struct sample
pmt_ring(long n, pmt_t *tids, unsigned char *stacks, size_t size, int nthreads)
{
	struct sample s;
	uint64_t sw0;
	double t0;
	long i;
	int k;

	stop = 0;
	for (k = 0; k < nthreads; k++)
		check_pmt(
		    pmt_spawn(&tids[k], yield_partner, NULL,
		        stacks + (size_t)k * size, size, PMT_PRIO_DEFAULT),
		    "pmt_spawn");
	/* Let every partner start, outside the timed part. */
	check_pmt(pmt_yield(), "pmt_yield");
	sw0 = pmt_switches();
	t0 = now_ns();
	for (i = 0; i < n; i++)
		check_pmt(pmt_yield(), "pmt_yield");
	s.ns = now_ns() - t0;
	s.ops = (double)(pmt_switches() - sw0);
	stop = 1;
	for (k = 0; k < nthreads; k++)
		check_pmt(pmt_join(tids[k], NULL), "pmt_join");
	return s;
}

struct sample
run_pmt_yield(long n)
{
	pmt_t tid;

	return pmt_ring(n, &tid, pmt_stack, sizeof pmt_stack, 1);
}

/* The stacks of the many-thread ring: one thread per free slot. */
static unsigned char *ring_stacks;
static size_t ring_stack_size;
static pmt_t *ring_tids;
int ring_threads;

struct sample
run_pmt_yield_many(long n)
{
	return pmt_ring(
	    n, ring_tids, ring_stacks, ring_stack_size, ring_threads);
}

static void *
trivial(void *arg)
{
	return arg;
}

/* The new thread has main's priority: it runs when main joins it. */
struct sample
run_pmt_spawn(long n)
{
	struct sample s;
	pmt_t tid;
	double t0;
	long i;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		check_pmt(pmt_spawn(&tid, trivial, NULL, pmt_stack,
		              sizeof pmt_stack, PMT_PRIO_DEFAULT),
		    "pmt_spawn");
		check_pmt(pmt_join(tid, NULL), "pmt_join");
	}
	s.ns = now_ns() - t0;
	s.ops = (double)n;
	return s;
}

/* pmt_yield between two threads, as run_pmt_yield, with the 1 ms timer
 * running: the two share a priority, so it stays armed, but a tick
 * lands only once in some 50 000 yields.  ticks_on_yield sums its ticks
 * over every run. */
uint64_t ticks_on_yield;

struct sample
run_pmt_yield_tick(long n)
{
	struct pmt_stats s0, s1;
	struct sample s;
	pmt_t tid;

	preempt_start(1000, 0);
	check_pmt(pmt_stats(&s0), "pmt_stats");
	s = pmt_ring(n, &tid, pmt_stack, sizeof pmt_stack, 1);
	check_pmt(pmt_stats(&s1), "pmt_stats");
	preempt_stop();
	ticks_on_yield += s1.ticks - s0.ticks;
	return s;
}

/* ------------------------------------------------------------ sync */

/*
 * libpmt's mutexes, semaphores and conditions, and their glibc peers.
 * One operation is a lock+unlock or post+wait pair when uncontended, and
 * one hand-over of the CPU from one thread to the other (one switch, as
 * for pmt_yield) when two threads take turns.
 */

static pmt_mutex_t bench_mutex = PMT_MUTEX_INITIALIZER;
static pmt_sem_t bench_sem = PMT_SEM_INITIALIZER(0, PMT_SEM_VALUE_MAX);

/* One thread, nobody else wants the mutex: no switch, no system call. */
struct sample
run_pmt_mutex(long n)
{
	struct sample s;
	double t0;
	long i;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		check_pmt(pmt_mutex_lock(&bench_mutex), "pmt_mutex_lock");
		check_pmt(pmt_mutex_unlock(&bench_mutex), "pmt_mutex_unlock");
	}
	s.ns = now_ns() - t0;
	s.ops = (double)n;
	return s;
}

struct sample
run_pmt_sem(long n)
{
	struct sample s;
	double t0;
	long i;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		check_pmt(pmt_sem_post(&bench_sem), "pmt_sem_post");
		check_pmt(pmt_sem_wait(&bench_sem), "pmt_sem_wait");
	}
	s.ns = now_ns() - t0;
	s.ops = (double)n;
	return s;
}

/*
 * Contended mutex: main and a partner of its priority pass the mutex back
 * and forth.  An unlock hands it straight to the waiting partner, which
 * becomes ready (an equal does not run at once); the lock that follows
 * finds it owned and blocks, which switches to the partner, whose unlock
 * and lock do the same the other way.  One unlock+lock is one switch.
 */
static void *
handoff_partner(void *arg)
{
	check_pmt(pmt_mutex_lock(&bench_mutex), "pmt_mutex_lock");
	while (!stop) {
		check_pmt(pmt_mutex_unlock(&bench_mutex), "pmt_mutex_unlock");
		check_pmt(pmt_mutex_lock(&bench_mutex), "pmt_mutex_lock");
	}
	check_pmt(pmt_mutex_unlock(&bench_mutex), "pmt_mutex_unlock");
	return arg;
}

struct sample
run_pmt_handoff(long n)
{
	struct sample s;
	uint64_t sw0;
	pmt_t tid;
	double t0;
	long i;

	stop = 0;
	check_pmt(pmt_mutex_lock(&bench_mutex), "pmt_mutex_lock");
	check_pmt(pmt_spawn(&tid, handoff_partner, NULL, pmt_stack,
	              sizeof pmt_stack, PMT_PRIO_DEFAULT),
	    "pmt_spawn");
	/* The partner starts and waits for the mutex. */
	check_pmt(pmt_yield(), "pmt_yield");
	sw0 = pmt_switches();
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		check_pmt(pmt_mutex_unlock(&bench_mutex), "pmt_mutex_unlock");
		check_pmt(pmt_mutex_lock(&bench_mutex), "pmt_mutex_lock");
	}
	s.ns = now_ns() - t0;
	s.ops = (double)(pmt_switches() - sw0);
	/* The partner gets the mutex, sees stop and gives it back. */
	stop = 1;
	check_pmt(pmt_mutex_unlock(&bench_mutex), "pmt_mutex_unlock");
	check_pmt(pmt_join(tid, NULL), "pmt_join");
	return s;
}

/* Semaphore ping-pong: each post hands its unit to the partner waiting
 * for it, and the wait that follows blocks and switches to it. */
static pmt_sem_t sem_ping = PMT_SEM_INITIALIZER(0, 1);
static pmt_sem_t sem_pong = PMT_SEM_INITIALIZER(0, 1);

static void *
sem_partner(void *arg)
{
	for (;;) {
		check_pmt(pmt_sem_wait(&sem_pong), "pmt_sem_wait");
		if (stop)
			break;
		check_pmt(pmt_sem_post(&sem_ping), "pmt_sem_post");
	}
	return arg;
}

struct sample
run_pmt_sem_pingpong(long n)
{
	struct sample s;
	uint64_t sw0;
	pmt_t tid;
	double t0;
	long i;

	stop = 0;
	check_pmt(pmt_spawn(&tid, sem_partner, NULL, pmt_stack,
	              sizeof pmt_stack, PMT_PRIO_DEFAULT),
	    "pmt_spawn");
	check_pmt(pmt_yield(), "pmt_yield");
	sw0 = pmt_switches();
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		check_pmt(pmt_sem_post(&sem_pong), "pmt_sem_post");
		check_pmt(pmt_sem_wait(&sem_ping), "pmt_sem_wait");
	}
	s.ns = now_ns() - t0;
	s.ops = (double)(pmt_switches() - sw0);
	stop = 1;
	check_pmt(pmt_sem_post(&sem_pong), "pmt_sem_post");
	check_pmt(pmt_join(tid, NULL), "pmt_join");
	return s;
}

/* Mutex and condition ping-pong: a turn variable under the mutex, and a
 * condition for each side to wait on until the turn is its own. */
static pmt_mutex_t cond_mutex = PMT_MUTEX_INITIALIZER;
static pmt_cond_t cond_main = PMT_COND_INITIALIZER;
static pmt_cond_t cond_partner = PMT_COND_INITIALIZER;
static int cond_turn; /* 0: main's, 1: the partner's */

static void *
cond_partner_thread(void *arg)
{
	check_pmt(pmt_mutex_lock(&cond_mutex), "pmt_mutex_lock");
	for (;;) {
		while (cond_turn != 1 && !stop)
			check_pmt(pmt_cond_wait(&cond_partner, &cond_mutex),
			    "pmt_cond_wait");
		if (stop)
			break;
		cond_turn = 0;
		check_pmt(pmt_cond_signal(&cond_main), "pmt_cond_signal");
	}
	check_pmt(pmt_mutex_unlock(&cond_mutex), "pmt_mutex_unlock");
	return arg;
}

struct sample
run_pmt_cond_pingpong(long n)
{
	struct sample s;
	uint64_t sw0;
	pmt_t tid;
	double t0;
	long i;

	stop = 0;
	cond_turn = 0;
	check_pmt(pmt_spawn(&tid, cond_partner_thread, NULL, pmt_stack,
	              sizeof pmt_stack, PMT_PRIO_DEFAULT),
	    "pmt_spawn");
	check_pmt(pmt_yield(), "pmt_yield");
	check_pmt(pmt_mutex_lock(&cond_mutex), "pmt_mutex_lock");
	sw0 = pmt_switches();
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		cond_turn = 1;
		check_pmt(pmt_cond_signal(&cond_partner), "pmt_cond_signal");
		while (cond_turn != 0)
			check_pmt(pmt_cond_wait(&cond_main, &cond_mutex),
			    "pmt_cond_wait");
	}
	s.ns = now_ns() - t0;
	s.ops = (double)(pmt_switches() - sw0);
	stop = 1;
	check_pmt(pmt_cond_signal(&cond_partner), "pmt_cond_signal");
	check_pmt(pmt_mutex_unlock(&cond_mutex), "pmt_mutex_unlock");
	check_pmt(pmt_join(tid, NULL), "pmt_join");
	return s;
}

/*
 * Priority wake-up: a partner one priority above main waits on a
 * semaphore; each post of main's readies it, and it runs before the post
 * returns.  Its wait then blocks again and main resumes.  One operation
 * is that round trip; wake_samples also collects, for each post, the time
 * from just before the post to the partner's first instruction after its
 * wait, on the same clock.
 */
static pmt_sem_t wake_sem = PMT_SEM_INITIALIZER(0, 1);
static volatile double wake_t0;
static double *wake_samples;
static long wake_count, wake_goal;

static void *
wake_partner(void *arg)
{
	for (;;) {
		check_pmt(pmt_sem_wait(&wake_sem), "pmt_sem_wait");
		if (wake_count < wake_goal)
			wake_samples[wake_count++] = now_ns() - wake_t0;
		if (stop)
			break;
	}
	return arg;
}

/* Runs the partner for n posts; with timed, each post is timed. */
static struct sample
wake_run(long n, int timed)
{
	struct sample s;
	pmt_t tid;
	double t0;
	long i;

	stop = 0;
	/* Higher than main: it runs at once, and waits. */
	check_pmt(pmt_spawn(&tid, wake_partner, NULL, pmt_stack,
	              sizeof pmt_stack, PMT_PRIO_DEFAULT + 1),
	    "pmt_spawn");
	t0 = now_ns();
	if (timed) {
		for (i = 0; i < n; i++) {
			wake_t0 = now_ns();
			check_pmt(pmt_sem_post(&wake_sem), "pmt_sem_post");
		}
	} else {
		for (i = 0; i < n; i++)
			check_pmt(pmt_sem_post(&wake_sem), "pmt_sem_post");
	}
	s.ns = now_ns() - t0;
	s.ops = (double)n;
	stop = 1;
	check_pmt(pmt_sem_post(&wake_sem), "pmt_sem_post");
	check_pmt(pmt_join(tid, NULL), "pmt_join");
	return s;
}

struct sample
run_pmt_wakeup(long n)
{
	return wake_run(n, 0);
}

/* Adds set.wake_per_round timed wake-ups to wake_samples. */
void
wake_round(void)
{
	wake_goal = wake_count + set.wake_per_round;
	(void)wake_run(set.wake_per_round, 1);
}

/* What one clock read adds to a timed interval: the median gap between
 * two reads in a row. */
static double
clock_read_ns(void)
{
	double v[1001], t;
	int i;

	for (i = 0; i < 1001; i++) {
		t = now_ns();
		v[i] = now_ns() - t;
	}
	qsort(v, 1001, sizeof v[0], cmp_double);
	return v[500];
}

/* The timed wake-ups' percentiles, and the p50 less a clock read. */
struct percentiles wake_pct;
double clock_ns, wake_net;

void
wake_summarise(void)
{
	clock_ns = clock_read_ns();
	percentiles_of(wake_samples, wake_count, &wake_pct);
	wake_net = wake_pct.p50 - clock_ns;
}

/*
 * Before the first row: the ring fills every free slot of the thread
 * table, each partner on a stack of pmt_stack_min() rounded up to a
 * page; and room for every round's timed wake-ups.
 */
void
libpmt_setup(void)
{
	struct pmt_stats st;

	if (pmt_stack_min() > STACK_SIZE) {
		fprintf(stderr,
		    "pmt-bench: pmt_stack_min() is %zu bytes, "
		    "more than the %d of the static stacks\n",
		    pmt_stack_min(), STACK_SIZE);
		exit(1);
	}
	check_pmt(pmt_stats(&st), "pmt_stats");
	ring_threads = (int)st.max_threads - 1;
	ring_stack_size = (pmt_stack_min() + PMT_STACK_PAGE - 1) /
	                  PMT_STACK_PAGE * PMT_STACK_PAGE;
	ring_stacks = aligned_alloc(
	    PMT_STACK_PAGE, (size_t)ring_threads * ring_stack_size);
	ring_tids = calloc((size_t)ring_threads, sizeof ring_tids[0]);
	wake_samples = calloc((size_t)set.rounds * (size_t)set.wake_per_round,
	    sizeof wake_samples[0]);
	if (ring_stacks == NULL || ring_tids == NULL || wake_samples == NULL)
		check_sys(ENOMEM, "libpmt_setup");
}
