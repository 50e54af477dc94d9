/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * pmt-bench.c - measures libpmt's thread switch, thread creation and
 * synchronisation against glibc ucontext and POSIX threads in one run,
 * measures what timer preemption costs and how late sleepers wake, and
 * compares the results with libpmt's performance targets.
 *
 * Every measurement is repeated in several rounds; the rounds interleave
 * the measurements, so a slow spell of the machine hits all of them alike,
 * and each result is the median over the rounds.  Before the rounds, each
 * measurement is warmed up and its iteration count calibrated to take
 * about 250 ms (20 ms with --quick).  Times come from
 * clock_gettime(CLOCK_MONOTONIC).  One operation is one switch in one
 * direction, or one create+run+join.
 *
 * Preemption: the time 4 busy threads take for a fixed amount of work with
 * the timer off, at 1 ms and at 100 us, and with an empty signal handler
 * ticking instead at the same intervals (each about 400 ms, 100 ms with
 * --quick, in every round, compared within the round); the time from a
 * tick to the next thread running, pooled over the rounds, and the same
 * gap for an empty signal handler; pmt_yield()
 * with the 1 ms timer running; and the ticks one busy thread alone takes.
 *
 * Synchronisation: uncontended mutex lock+unlock and semaphore post+wait
 * against glibc's; a mutex handed back and forth between two threads, a
 * semaphore ping-pong and a mutex+condition ping-pong, against POSIX
 * threads pinned to one CPU, and in pmt_yield()s; a post that readies a
 * higher-priority waiter, to that waiter running (timed post by post, and
 * as a round trip); and how late pmt_sleep_until() returns after a 1 ms
 * deadline, idle cooperatively, idle with the 1 ms timer running, and
 * with the timer and a busy thread below the sleeper (percentiles pooled
 * over the rounds).
 *
 * --csv prints the summary table as CSV instead of the full report: one
 * row per measurement, times in ns, except the row marked "(count)".
 * --hazards runs only the measurement behind PMT_PREEMPT_SAFEPC: 8 threads
 * at a 100 us tick making unprotected stdio and malloc calls, in child
 * processes, since they may crash.
 *
 * Usage: pmt-bench [--quick] [--csv] | pmt-bench --hazards
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include <pmt.h>

/* Full run and --quick run: rounds, and time per measurement per round. */
#define ROUNDS_FULL 7
#define ROUNDS_QUICK 3
#define TARGET_NS_FULL 250e6
#define TARGET_NS_QUICK 20e6
#define MAX_ROUNDS ROUNDS_FULL

/* Stacks for the 2-thread and create benchmarks, libpmt and ucontext. */
#define STACK_SIZE (64 * 1024)
PMT_STACK_DEFINE(pmt_stack, STACK_SIZE);
PMT_STACK_DEFINE(uc_stack, STACK_SIZE);

/* The targets libpmt is measured against (ns per operation, ratios). */
#define TARGET_YIELD_NS 15.0
#define TARGET_YIELD_VS_UCONTEXT 20.0
#define TARGET_SPAWN_NS 60.0
#define TARGET_FLAT_RATIO 1.5
#define TARGET_PREEMPT_PCT 2.0       /* CPU lost to a 1 ms tick, percent */
#define TARGET_YIELD_TICK_RATIO 1.10 /* pmt_yield, timer on vs off */
#define TARGET_TICKLESS_TICKS 2      /* "about 0" ticks for a lone thread */
#define TARGET_MUTEX_NS 5.0          /* uncontended lock+unlock */
#define TARGET_HANDOFF_YIELDS 2.0    /* contended handoff, in pmt_yield()s */
#define TARGET_WAKE_NS 100.0         /* post to a higher waiter running */

/* Preemption: threads below main's priority, so that main waits for them
 * in pmt_join() and has no equal for a tick to switch to. */
#define WORKER_PRIO (PMT_PRIO_DEFAULT - 1)
#define BUSY_THREADS 4
#define PREEMPT_NS_FULL 400e6 /* busy work per variant per round */
#define PREEMPT_NS_QUICK 100e6
#define LAT_USEC 1000
#define LAT_SAMPLES_FULL 300 /* tick latencies per round */
#define LAT_SAMPLES_QUICK 200
#define TICKLESS_USEC 100
#define TICKLESS_NS 500e6
#define PARTNER_NS 20e6

/* --hazards: threads, tick, and how long each case runs. */
#define HZ_THREADS 8
#define HZ_USEC 100
#define HZ_PRINT_NS 1e9
#define HZ_ALLOC_NS 3e9
#define HZ_SLOTS 32
#define HZ_RUNS 3

/* Stacks of the preemption measurements and of --hazards. */
PMT_STACK_DEFINE(work_stacks[HZ_THREADS], STACK_SIZE);

/* What one run of a measurement did: elapsed time and operations. */
struct sample {
	double ns;
	double ops;
};

struct bench {
	const char *name; /* the operation, as the details list names it */
	struct sample (*run)(long n);
	long iterations;           /* calibrated n */
	double per_op[MAX_ROUNDS]; /* ns per operation, one per round */
	double median, min, max;
};

static int rounds = ROUNDS_FULL;
static double target_ns = TARGET_NS_FULL;
static double preempt_ns = PREEMPT_NS_FULL;
static int lat_per_round = LAT_SAMPLES_FULL;
static int pin_cpu = -1; /* CPU the pthreads run on, -1 if not pinned */

/* ------------------------------------------------------------ helpers */

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* A libpmt call failed: say which and why, and give up. */
static void
pmt_check(int error, const char *what)
{
	if (error != 0) {
		fprintf(
		    stderr, "pmt-bench: %s: %s\n", what, pmt_strerror(error));
		exit(1);
	}
}

/* A C library or pthread call failed with error (an errno value). */
static void
sys_check(int error, const char *what)
{
	if (error != 0) {
		fprintf(stderr, "pmt-bench: %s: %s\n", what, strerror(error));
		exit(1);
	}
}

/* qsort() order of doubles; defined with the driver. */
static int cmp_double(const void *a, const void *b);

static uint64_t
pmt_switches(void)
{
	struct pmt_stats st;

	pmt_check(pmt_stats(&st), "pmt_stats");
	return st.switches;
}

/* ------------------------------------------------------------ libpmt */

/* Tells the partners of the yield benchmarks to finish. */
static volatile int stop;

static void *
yield_partner(void *arg)
{
	while (!stop)
		pmt_check(pmt_yield(), "pmt_yield");
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
		pmt_check(
		    pmt_spawn(&tids[k], yield_partner, NULL,
		        stacks + (size_t)k * size, size, PMT_PRIO_DEFAULT),
		    "pmt_spawn");
	/* Let every partner start, outside the timed part. */
	pmt_check(pmt_yield(), "pmt_yield");
	sw0 = pmt_switches();
	t0 = now_ns();
	for (i = 0; i < n; i++)
		pmt_check(pmt_yield(), "pmt_yield");
	s.ns = now_ns() - t0;
	s.ops = (double)(pmt_switches() - sw0);
	stop = 1;
	for (k = 0; k < nthreads; k++)
		pmt_check(pmt_join(tids[k], NULL), "pmt_join");
	return s;
}

static struct sample
pmt_yield_2(long n)
{
	pmt_t tid;

	return pmt_ring(n, &tid, pmt_stack, sizeof pmt_stack, 1);
}

/* The stacks of the many-thread ring: one thread per free slot. */
static unsigned char *ring_stacks;
static size_t ring_stack_size;
static pmt_t *ring_tids;
static int ring_threads;

static struct sample
pmt_yield_many(long n)
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
static struct sample
pmt_spawn_join(long n)
{
	struct sample s;
	pmt_t tid;
	double t0;
	long i;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		pmt_check(pmt_spawn(&tid, trivial, NULL, pmt_stack,
		              sizeof pmt_stack, PMT_PRIO_DEFAULT),
		    "pmt_spawn");
		pmt_check(pmt_join(tid, NULL), "pmt_join");
	}
	s.ns = now_ns() - t0;
	s.ops = (double)n;
	return s;
}

/* ------------------------------------------------------------ ucontext */

static ucontext_t uc_main, uc_co;

static void
uc_partner(void)
{
	for (;;)
		swapcontext(&uc_co, &uc_main);
}

static void
uc_make(void (*fn)(void), ucontext_t *link)
{
	if (getcontext(&uc_co) != 0)
		sys_check(errno, "getcontext");
	uc_co.uc_stack.ss_sp = uc_stack;
	uc_co.uc_stack.ss_size = sizeof uc_stack;
	uc_co.uc_link = link;
	makecontext(&uc_co, fn, 0);
}

/* Two swapcontext() calls per iteration, one each way.  The partner of
 * the previous run is abandoned parked in its loop; it holds nothing. */
static struct sample
uc_pingpong(long n)
{
	struct sample s;
	double t0;
	long i;

	uc_make(uc_partner, NULL);
	swapcontext(&uc_main, &uc_co);
	t0 = now_ns();
	for (i = 0; i < n; i++)
		swapcontext(&uc_main, &uc_co);
	s.ns = now_ns() - t0;
	s.ops = 2.0 * (double)n;
	return s;
}

static void
uc_trivial(void)
{
}

/* Create a context, run it, and come back through uc_link when its
 * function returns: ucontext's create+run+join. */
static struct sample
uc_create(long n)
{
	struct sample s;
	double t0;
	long i;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		uc_make(uc_trivial, &uc_main);
		swapcontext(&uc_main, &uc_co);
	}
	s.ns = now_ns() - t0;
	s.ops = (double)n;
	return s;
}

/* ------------------------------------------------------------ pthreads */

/* Every pthread of the benchmarks runs on one CPU, as libpmt's threads
 * share one kernel thread. */

struct pingpong {
	sem_t ping, pong;
	pthread_barrier_t start;
	long n;
	double ns;
};

static void
pin_self(void)
{
	cpu_set_t set;

	if (pin_cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(pin_cpu, &set);
	sys_check(pthread_setaffinity_np(pthread_self(), sizeof set, &set),
	    "pthread_setaffinity_np");
}

static void
sem_wait_check(sem_t *sem)
{
	while (sem_wait(sem) != 0)
		if (errno != EINTR)
			sys_check(errno, "sem_wait");
}

/* Both ping-pong threads: pin to CPU 0, then start together. */
static void
pingpong_start(struct pingpong *pp)
{
	int error;

	pin_self();
	error = pthread_barrier_wait(&pp->start);
	if (error != PTHREAD_BARRIER_SERIAL_THREAD)
		sys_check(error, "pthread_barrier_wait");
}

static void *
ping_thread(void *arg)
{
	struct pingpong *pp = arg;
	double t0;
	long i;

	pingpong_start(pp);
	t0 = now_ns();
	for (i = 0; i < pp->n; i++) {
		sem_post(&pp->pong);
		sem_wait_check(&pp->ping);
	}
	pp->ns = now_ns() - t0;
	return NULL;
}

static void *
pong_thread(void *arg)
{
	struct pingpong *pp = arg;
	long i;

	pingpong_start(pp);
	for (i = 0; i < pp->n; i++) {
		sem_wait_check(&pp->pong);
		sem_post(&pp->ping);
	}
	return NULL;
}

/* Two threads on one CPU hand a token back and forth through two
 * semaphores: every hand-over is a kernel thread switch. */
static struct sample
pthread_pingpong(long n)
{
	struct pingpong pp;
	struct sample s;
	pthread_t a, b;

	pp.n = n;
	if (sem_init(&pp.ping, 0, 0) != 0 || sem_init(&pp.pong, 0, 0) != 0)
		sys_check(errno, "sem_init");
	sys_check(
	    pthread_barrier_init(&pp.start, NULL, 2), "pthread_barrier_init");
	sys_check(pthread_create(&a, NULL, ping_thread, &pp), "pthread_create");
	sys_check(pthread_create(&b, NULL, pong_thread, &pp), "pthread_create");
	sys_check(pthread_join(a, NULL), "pthread_join");
	sys_check(pthread_join(b, NULL), "pthread_join");
	pthread_barrier_destroy(&pp.start);
	sem_destroy(&pp.ping);
	sem_destroy(&pp.pong);
	s.ns = pp.ns;
	s.ops = 2.0 * (double)n;
	return s;
}

struct createjoin {
	long n;
	double ns;
};

/* Runs on the pinned CPU, so the threads it creates start there too:
 * the same conditions as the ping-pong, and no cross-CPU wake-ups. */
static void *
create_driver(void *arg)
{
	struct createjoin *cj = arg;
	pthread_t t;
	double t0;
	long i;

	pin_self();
	t0 = now_ns();
	for (i = 0; i < cj->n; i++) {
		sys_check(
		    pthread_create(&t, NULL, trivial, NULL), "pthread_create");
		sys_check(pthread_join(t, NULL), "pthread_join");
	}
	cj->ns = now_ns() - t0;
	return NULL;
}

static struct sample
pthread_create_join(long n)
{
	struct createjoin cj;
	struct sample s;
	pthread_t driver;

	cj.n = n;
	sys_check(pthread_create(&driver, NULL, create_driver, &cj),
	    "pthread_create");
	sys_check(pthread_join(driver, NULL), "pthread_join");
	s.ns = cj.ns;
	s.ops = (double)n;
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
static struct sample
pmt_mutex_uncontended(long n)
{
	struct sample s;
	double t0;
	long i;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		pmt_check(pmt_mutex_lock(&bench_mutex), "pmt_mutex_lock");
		pmt_check(pmt_mutex_unlock(&bench_mutex), "pmt_mutex_unlock");
	}
	s.ns = now_ns() - t0;
	s.ops = (double)n;
	return s;
}

static struct sample
pmt_sem_uncontended(long n)
{
	struct sample s;
	double t0;
	long i;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		pmt_check(pmt_sem_post(&bench_sem), "pmt_sem_post");
		pmt_check(pmt_sem_wait(&bench_sem), "pmt_sem_wait");
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
	pmt_check(pmt_mutex_lock(&bench_mutex), "pmt_mutex_lock");
	while (!stop) {
		pmt_check(pmt_mutex_unlock(&bench_mutex), "pmt_mutex_unlock");
		pmt_check(pmt_mutex_lock(&bench_mutex), "pmt_mutex_lock");
	}
	pmt_check(pmt_mutex_unlock(&bench_mutex), "pmt_mutex_unlock");
	return arg;
}

static struct sample
pmt_mutex_handoff(long n)
{
	struct sample s;
	uint64_t sw0;
	pmt_t tid;
	double t0;
	long i;

	stop = 0;
	pmt_check(pmt_mutex_lock(&bench_mutex), "pmt_mutex_lock");
	pmt_check(pmt_spawn(&tid, handoff_partner, NULL, pmt_stack,
	              sizeof pmt_stack, PMT_PRIO_DEFAULT),
	    "pmt_spawn");
	/* The partner starts and waits for the mutex. */
	pmt_check(pmt_yield(), "pmt_yield");
	sw0 = pmt_switches();
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		pmt_check(pmt_mutex_unlock(&bench_mutex), "pmt_mutex_unlock");
		pmt_check(pmt_mutex_lock(&bench_mutex), "pmt_mutex_lock");
	}
	s.ns = now_ns() - t0;
	s.ops = (double)(pmt_switches() - sw0);
	/* The partner gets the mutex, sees stop and gives it back. */
	stop = 1;
	pmt_check(pmt_mutex_unlock(&bench_mutex), "pmt_mutex_unlock");
	pmt_check(pmt_join(tid, NULL), "pmt_join");
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
		pmt_check(pmt_sem_wait(&sem_pong), "pmt_sem_wait");
		if (stop)
			break;
		pmt_check(pmt_sem_post(&sem_ping), "pmt_sem_post");
	}
	return arg;
}

static struct sample
pmt_sem_pingpong(long n)
{
	struct sample s;
	uint64_t sw0;
	pmt_t tid;
	double t0;
	long i;

	stop = 0;
	pmt_check(pmt_spawn(&tid, sem_partner, NULL, pmt_stack,
	              sizeof pmt_stack, PMT_PRIO_DEFAULT),
	    "pmt_spawn");
	pmt_check(pmt_yield(), "pmt_yield");
	sw0 = pmt_switches();
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		pmt_check(pmt_sem_post(&sem_pong), "pmt_sem_post");
		pmt_check(pmt_sem_wait(&sem_ping), "pmt_sem_wait");
	}
	s.ns = now_ns() - t0;
	s.ops = (double)(pmt_switches() - sw0);
	stop = 1;
	pmt_check(pmt_sem_post(&sem_pong), "pmt_sem_post");
	pmt_check(pmt_join(tid, NULL), "pmt_join");
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
	pmt_check(pmt_mutex_lock(&cond_mutex), "pmt_mutex_lock");
	for (;;) {
		while (cond_turn != 1 && !stop)
			pmt_check(pmt_cond_wait(&cond_partner, &cond_mutex),
			    "pmt_cond_wait");
		if (stop)
			break;
		cond_turn = 0;
		pmt_check(pmt_cond_signal(&cond_main), "pmt_cond_signal");
	}
	pmt_check(pmt_mutex_unlock(&cond_mutex), "pmt_mutex_unlock");
	return arg;
}

static struct sample
pmt_cond_pingpong(long n)
{
	struct sample s;
	uint64_t sw0;
	pmt_t tid;
	double t0;
	long i;

	stop = 0;
	cond_turn = 0;
	pmt_check(pmt_spawn(&tid, cond_partner_thread, NULL, pmt_stack,
	              sizeof pmt_stack, PMT_PRIO_DEFAULT),
	    "pmt_spawn");
	pmt_check(pmt_yield(), "pmt_yield");
	pmt_check(pmt_mutex_lock(&cond_mutex), "pmt_mutex_lock");
	sw0 = pmt_switches();
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		cond_turn = 1;
		pmt_check(pmt_cond_signal(&cond_partner), "pmt_cond_signal");
		while (cond_turn != 0)
			pmt_check(pmt_cond_wait(&cond_main, &cond_mutex),
			    "pmt_cond_wait");
	}
	s.ns = now_ns() - t0;
	s.ops = (double)(pmt_switches() - sw0);
	stop = 1;
	pmt_check(pmt_cond_signal(&cond_partner), "pmt_cond_signal");
	pmt_check(pmt_mutex_unlock(&cond_mutex), "pmt_mutex_unlock");
	pmt_check(pmt_join(tid, NULL), "pmt_join");
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
		pmt_check(pmt_sem_wait(&wake_sem), "pmt_sem_wait");
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
	pmt_check(pmt_spawn(&tid, wake_partner, NULL, pmt_stack,
	              sizeof pmt_stack, PMT_PRIO_DEFAULT + 1),
	    "pmt_spawn");
	t0 = now_ns();
	if (timed) {
		for (i = 0; i < n; i++) {
			wake_t0 = now_ns();
			pmt_check(pmt_sem_post(&wake_sem), "pmt_sem_post");
		}
	} else {
		for (i = 0; i < n; i++)
			pmt_check(pmt_sem_post(&wake_sem), "pmt_sem_post");
	}
	s.ns = now_ns() - t0;
	s.ops = (double)n;
	stop = 1;
	pmt_check(pmt_sem_post(&wake_sem), "pmt_sem_post");
	pmt_check(pmt_join(tid, NULL), "pmt_join");
	return s;
}

static struct sample
pmt_prio_wakeup(long n)
{
	return wake_run(n, 0);
}

/* Adds wake_per_round timed wake-ups to wake_samples. */
#define WAKE_SAMPLES_FULL 20000
#define WAKE_SAMPLES_QUICK 5000
static long wake_per_round = WAKE_SAMPLES_FULL;

static void
wake_round(void)
{
	wake_goal = wake_count + wake_per_round;
	(void)wake_run(wake_per_round, 1);
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

/* glibc's peers: the same loops on one kernel thread. */
static pthread_mutex_t pt_mutex = PTHREAD_MUTEX_INITIALIZER;

static struct sample
pthread_mutex_uncontended(long n)
{
	struct sample s;
	double t0;
	long i;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		sys_check(pthread_mutex_lock(&pt_mutex), "pthread_mutex_lock");
		sys_check(
		    pthread_mutex_unlock(&pt_mutex), "pthread_mutex_unlock");
	}
	s.ns = now_ns() - t0;
	s.ops = (double)n;
	return s;
}

static struct sample
posix_sem_uncontended(long n)
{
	struct sample s;
	sem_t sem;
	double t0;
	long i;

	if (sem_init(&sem, 0, 0) != 0)
		sys_check(errno, "sem_init");
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		sem_post(&sem);
		sem_wait_check(&sem);
	}
	s.ns = now_ns() - t0;
	s.ops = (double)n;
	sem_destroy(&sem);
	return s;
}

/* Mutex and condition ping-pong between two pthreads on one CPU. */
struct condpong {
	pthread_mutex_t mutex;
	pthread_cond_t cond[2]; /* each side waits on its own */
	int turn;
	pthread_barrier_t start;
	long n;
	double ns;
};

static void
condpong_side(struct condpong *cp, int me)
{
	double t0;
	long i;
	int error;

	pin_self();
	error = pthread_barrier_wait(&cp->start);
	if (error != PTHREAD_BARRIER_SERIAL_THREAD)
		sys_check(error, "pthread_barrier_wait");
	t0 = now_ns();
	sys_check(pthread_mutex_lock(&cp->mutex), "pthread_mutex_lock");
	for (i = 0; i < cp->n; i++) {
		while (cp->turn != me)
			sys_check(pthread_cond_wait(&cp->cond[me], &cp->mutex),
			    "pthread_cond_wait");
		cp->turn = !me;
		sys_check(
		    pthread_cond_signal(&cp->cond[!me]), "pthread_cond_signal");
	}
	sys_check(pthread_mutex_unlock(&cp->mutex), "pthread_mutex_unlock");
	if (me == 0)
		cp->ns = now_ns() - t0;
}

static void *
condpong_thread(void *arg)
{
	struct condpong *cp = arg;

	condpong_side(cp, 1);
	return NULL;
}

static void *
condpong_main(void *arg)
{
	struct condpong *cp = arg;

	condpong_side(cp, 0);
	return NULL;
}

static struct sample
pthread_cond_pingpong(long n)
{
	struct condpong cp;
	struct sample s;
	pthread_t a, b;

	cp.n = n;
	cp.turn = 0;
	sys_check(pthread_mutex_init(&cp.mutex, NULL), "pthread_mutex_init");
	sys_check(pthread_cond_init(&cp.cond[0], NULL), "pthread_cond_init");
	sys_check(pthread_cond_init(&cp.cond[1], NULL), "pthread_cond_init");
	sys_check(
	    pthread_barrier_init(&cp.start, NULL, 2), "pthread_barrier_init");
	sys_check(
	    pthread_create(&a, NULL, condpong_main, &cp), "pthread_create");
	sys_check(
	    pthread_create(&b, NULL, condpong_thread, &cp), "pthread_create");
	sys_check(pthread_join(a, NULL), "pthread_join");
	sys_check(pthread_join(b, NULL), "pthread_join");
	pthread_barrier_destroy(&cp.start);
	pthread_cond_destroy(&cp.cond[0]);
	pthread_cond_destroy(&cp.cond[1]);
	pthread_mutex_destroy(&cp.mutex);
	s.ns = cp.ns;
	/* Each side hands the turn over n times. */
	s.ops = 2.0 * (double)n;
	return s;
}

/* ------------------------------------------------------------ preemption */

static void
preempt_start(unsigned long usec, unsigned flags)
{
	pmt_check(pmt_preempt_start(usec, flags), "pmt_preempt_start");
}

static void
preempt_stop(void)
{
	pmt_check(pmt_preempt_stop(), "pmt_preempt_stop");
}

/* pmt_yield between two threads, as pmt_yield_2, with the 1 ms timer
 * running: the two share a priority, so it stays armed, but a tick
 * lands only once in some 50 000 yields.  ticks_on_yield sums its ticks
 * over every run. */
static uint64_t ticks_on_yield;

static struct sample
pmt_yield_2_tick(long n)
{
	struct pmt_stats s0, s1;
	struct sample s;
	pmt_t tid;

	preempt_start(1000, 0);
	pmt_check(pmt_stats(&s0), "pmt_stats");
	s = pmt_ring(n, &tid, pmt_stack, sizeof pmt_stack, 1);
	pmt_check(pmt_stats(&s1), "pmt_stats");
	preempt_stop();
	ticks_on_yield += s1.ticks - s0.ticks;
	return s;
}

/*
 * CPU overhead.  BUSY_THREADS threads do busy_n steps of arithmetic each
 * while main waits in pmt_join().  Without the timer they run one after
 * the other; with it they take turns every tick.  The work is the same,
 * so the extra time is what the ticks cost: timer interrupt, signal
 * delivery, handler, switch and sigreturn.  The "bare" variants tick an
 * empty signal handler instead, with libpmt's preemption off: the part of
 * the cost that is the kernel's (and, here, the hypervisor's).
 */
enum { OV_OFF, OV_1MS, OV_100US, OV_BARE_1MS, OV_BARE_100US, NOV };

static const unsigned long ov_usec[NOV] = {0, 1000, 100, 1000, 100};
static long busy_n;
static double ov_ns[NOV][MAX_ROUNDS];
static uint64_t ov_ticks[NOV][MAX_ROUNDS], ov_preempts[NOV][MAX_ROUNDS];
static volatile uint64_t sink;

static void *
busy_worker(void *arg)
{
	uint64_t x = (uint64_t)(uintptr_t)arg;
	long i;

	for (i = 0; i < busy_n; i++)
		x = x * 6364136223846793005u + 1442695040888963407u;
	sink = x;
	return NULL;
}

/* The bare tick: a timer aimed at this kernel thread, as libpmt's is
 * where it can, and a handler installed with the same flags. */
#if defined(__linux__) && defined(SIGEV_THREAD_ID)
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif
#define BARE_THREAD_TIMER 1
static timer_t bare_timer;
#endif
static struct sigaction bare_old;
static volatile uint64_t bare_ticks;

static void
bare_handler(int signo, siginfo_t *info, void *uc)
{
	(void)signo;
	(void)info;
	(void)uc;
	bare_ticks++;
}

static void
bare_set(unsigned long usec)
{
	time_t sec = (time_t)(usec / 1000000);
	long nsec = (long)(usec % 1000000) * 1000;
#ifdef BARE_THREAD_TIMER
	struct itimerspec its = {{sec, nsec}, {sec, nsec}};

	if (timer_settime(bare_timer, 0, &its, NULL) != 0)
		sys_check(errno, "timer_settime");
#else
	struct itimerval itv = {{sec, nsec / 1000}, {sec, nsec / 1000}};

	if (setitimer(ITIMER_REAL, &itv, NULL) != 0)
		sys_check(errno, "setitimer");
#endif
}

static void
bare_start(unsigned long usec)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = bare_handler;
	sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, &bare_old) != 0)
		sys_check(errno, "sigaction");
#ifdef BARE_THREAD_TIMER
	{
		struct sigevent sev;

		memset(&sev, 0, sizeof sev);
		sev.sigev_notify = SIGEV_THREAD_ID;
		sev.sigev_signo = SIGALRM;
		sev.sigev_notify_thread_id = gettid();
		if (timer_create(CLOCK_MONOTONIC, &sev, &bare_timer) != 0)
			sys_check(errno, "timer_create");
	}
#endif
	bare_set(usec);
}

static void
bare_stop(void)
{
	bare_set(0);
#ifdef BARE_THREAD_TIMER
	timer_delete(bare_timer);
#endif
	sigaction(SIGALRM, &bare_old, NULL);
}

/* One run of variant v, into round r. */
static void
busy_run(int v, int r)
{
	struct pmt_stats s0, s1;
	pmt_t tids[BUSY_THREADS];
	int bare = v == OV_BARE_1MS || v == OV_BARE_100US, k;
	uint64_t b0 = bare_ticks;
	double t0;

	if (bare)
		bare_start(ov_usec[v]);
	else if (ov_usec[v] != 0)
		preempt_start(ov_usec[v], 0);
	for (k = 0; k < BUSY_THREADS; k++)
		pmt_check(
		    pmt_spawn(&tids[k], busy_worker, &tids[k], work_stacks[k],
		        sizeof work_stacks[k], WORKER_PRIO),
		    "pmt_spawn");
	pmt_check(pmt_stats(&s0), "pmt_stats");
	t0 = now_ns();
	for (k = 0; k < BUSY_THREADS; k++)
		pmt_check(pmt_join(tids[k], NULL), "pmt_join");
	ov_ns[v][r] = now_ns() - t0;
	pmt_check(pmt_stats(&s1), "pmt_stats");
	if (bare)
		bare_stop();
	else if (ov_usec[v] != 0)
		preempt_stop();
	ov_ticks[v][r] = bare ? bare_ticks - b0 : s1.ticks - s0.ticks;
	ov_preempts[v][r] = s1.preemptions - s0.preemptions;
}

/* Sets busy_n so that a run without the timer takes about preempt_ns. */
static void
busy_calibrate(void)
{
	double n = 1e5;

	for (;;) {
		busy_n = (long)n;
		busy_run(OV_OFF, 0);
		if (ov_ns[OV_OFF][0] >= preempt_ns / 10)
			break;
		n *= 4;
	}
	busy_n = (long)(n * preempt_ns / ov_ns[OV_OFF][0]);
	busy_run(OV_OFF, 0);
	busy_run(OV_1MS, 0);
	busy_run(OV_BARE_1MS, 0);
}

/* Round r: the variants, in an order that alternates between
 * rounds so that a drift of the machine's speed does not favour one. */
static void
busy_round(int r)
{
	int k;

	for (k = 0; k < NOV; k++)
		busy_run(r % 2 ? NOV - 1 - k : k, r);
}

/*
 * Tick-to-next-thread latency.  Two threads of one priority spin reading
 * the clock, each storing its last reading.  A thread that finds another
 * ran since its own last iteration was switched in: the gap from the
 * other's last reading to its own is the tick's latency (timer interrupt,
 * signal delivery, handler, switch, and the sigreturn of the thread that
 * resumes), give or take one loop iteration.
 */
static double *lat_samples;
static volatile long lat_count, lat_goal, lat_skip;
static volatile int lat_owner;
static volatile double lat_last[2];
static long lat_lost; /* a second tick right after a switch */

static void *
lat_worker(void *arg)
{
	int me = (int)(uintptr_t)arg, prev;
	double t;

	for (;;) {
		t = now_ns();
		if (lat_owner != me) {
			prev = lat_owner;
			lat_owner = me;
			if (lat_count >= lat_goal)
				break;
			/* The reading above may predate the switch (a tick
			 * inside clock_gettime() after it read the clock):
			 * read again. */
			t = now_ns();
			if (lat_owner != me)
				lat_lost++; /* another tick came meanwhile */
			else if (prev >= 0 && lat_skip > 0)
				lat_skip--; /* b's start: not a resume */
			else if (prev >= 0)
				lat_samples[lat_count++] = t - lat_last[prev];
		}
		lat_last[me] = t;
	}
	return NULL;
}

/* Adds lat_per_round samples to lat_samples. */
static void
lat_round(void)
{
	pmt_t a, b;

	lat_goal = lat_count + lat_per_round;
	lat_owner = -1;
	lat_skip = 1;
	preempt_start(LAT_USEC, 0);
	pmt_check(pmt_spawn(&a, lat_worker, (void *)(uintptr_t)0,
	              work_stacks[0], sizeof work_stacks[0], WORKER_PRIO),
	    "pmt_spawn");
	pmt_check(pmt_spawn(&b, lat_worker, (void *)(uintptr_t)1,
	              work_stacks[1], sizeof work_stacks[1], WORKER_PRIO),
	    "pmt_spawn");
	pmt_check(pmt_join(a, NULL), "pmt_join");
	pmt_check(pmt_join(b, NULL), "pmt_join");
	preempt_stop();
}

/*
 * The same gap for an empty signal handler, libpmt's timer off: one
 * thread reads the clock; the reading after the handler counted a tick,
 * less the one before, is the kernel's share of the latency.
 */
static double *bare_samples;
static long bare_count;

static void
bare_lat_round(void)
{
	long goal = bare_count + lat_per_round, skip = 1;
	uint64_t seen;
	double t, last;

	bare_start(LAT_USEC);
	seen = bare_ticks;
	last = now_ns();
	while (bare_count < goal) {
		t = now_ns();
		if (bare_ticks != seen) {
			seen = bare_ticks;
			/* The reading above may predate the signal. */
			t = now_ns();
			if (skip > 0)
				skip--;
			else
				bare_samples[bare_count++] = t - last;
		}
		last = t;
	}
	bare_stop();
}

/*
 * Tickless: one busy thread alone under a 100 us tick should take no
 * tick, as the timer runs only while it has a ready equal.  With a
 * partner for the first PARTNER_NS, the ticks after the partner left show
 * how soon the timer stops (the one tick that finds no equal).
 */
static double spin_end, partner_end;
static uint64_t partner_left_ticks;

/* The lone thread, or (arg not NULL) its partner. */
static void *
spinner(void *arg)
{
	struct pmt_stats st;

	while (now_ns() < (arg != NULL ? partner_end : spin_end))
		;
	if (arg != NULL) {
		pmt_check(pmt_stats(&st), "pmt_stats");
		partner_left_ticks = st.ticks;
	}
	return NULL;
}

static uint64_t tickless_alone, tickless_with, tickless_after;

static void
tickless(void)
{
	struct pmt_stats s0, s1;
	pmt_t a, b;
	int partner;
	double t0;

	for (partner = 0; partner < 2; partner++) {
		preempt_start(TICKLESS_USEC, 0);
		pmt_check(pmt_stats(&s0), "pmt_stats");
		t0 = now_ns();
		spin_end = t0 + TICKLESS_NS;
		partner_end = t0 + PARTNER_NS;
		pmt_check(pmt_spawn(&a, spinner, NULL, work_stacks[0],
		              sizeof work_stacks[0], WORKER_PRIO),
		    "pmt_spawn");
		if (partner)
			pmt_check(pmt_spawn(&b, spinner, (void *)(uintptr_t)1,
			              work_stacks[1], sizeof work_stacks[1],
			              WORKER_PRIO),
			    "pmt_spawn");
		pmt_check(pmt_join(a, NULL), "pmt_join");
		if (partner)
			pmt_check(pmt_join(b, NULL), "pmt_join");
		pmt_check(pmt_stats(&s1), "pmt_stats");
		preempt_stop();
		if (partner) {
			tickless_with = s1.ticks - s0.ticks;
			tickless_after = s1.ticks - partner_left_ticks;
		} else {
			tickless_alone = s1.ticks - s0.ticks;
		}
	}
}

/* ------------------------------------------------------------ sleeps */

/*
 * pmt_sleep() wake-up: main sleeps 1 ms again and again, each time until
 * a deadline 1 ms after its clock reading, and records how late it runs
 * again.  Three ways: cooperatively with nothing else ready, when the
 * port idles the kernel thread until the deadline (clock_nanosleep); the
 * same with the 1 ms timer running; and with the 1 ms timer and a busy
 * thread below main, when the tick that finds the deadline passed ends
 * the sleep and main, higher, takes the CPU at once.
 */
enum { SL_IDLE, SL_IDLE_TICK, SL_BUSY_TICK, NSL };

#define SLEEP_NS PMT_MSEC(1)
#define SLEEP_SAMPLES_FULL 100 /* per round and way */
#define SLEEP_SAMPLES_QUICK 30

static const char *const sl_names[NSL] = {
    "cooperative, idle",
    "1 ms tick, idle",
    "1 ms tick, busy thread below",
};
static double *sl_samples[NSL];
static long sl_count[NSL];
static long sl_per_round = SLEEP_SAMPLES_FULL;
static double sl_p50[NSL], sl_p99[NSL], sl_max[NSL];

static void *
sl_busy(void *arg)
{
	while (!stop)
		sink = sink * 6364136223846793005u + 1;
	return arg;
}

static void
sleep_run(int way)
{
	pmt_time_t deadline, woke;
	pmt_t tid;
	long i;

	stop = 0;
	if (way != SL_IDLE)
		preempt_start(1000, 0);
	if (way == SL_BUSY_TICK)
		pmt_check(pmt_spawn(&tid, sl_busy, NULL, work_stacks[0],
		              sizeof work_stacks[0], WORKER_PRIO),
		    "pmt_spawn");
	for (i = 0; i < sl_per_round; i++) {
		deadline = pmt_now() + SLEEP_NS;
		pmt_check(pmt_sleep_until(deadline), "pmt_sleep_until");
		woke = pmt_now();
		sl_samples[way][sl_count[way]++] = (double)(woke - deadline);
	}
	stop = 1;
	if (way == SL_BUSY_TICK)
		pmt_check(pmt_join(tid, NULL), "pmt_join");
	if (way != SL_IDLE)
		preempt_stop();
}

static void
sleep_round(int r)
{
	int k;

	for (k = 0; k < NSL; k++)
		sleep_run(r % 2 ? NSL - 1 - k : k);
}

/* ------------------------------------------------------------ hazards */

/*
 * --hazards: what PMT_PREEMPT_SAFEPC is for.  glibc's stdio and malloc
 * locks belong to the kernel thread (and a process without a second
 * pthread skips them altogether), so they do not keep libpmt threads
 * apart: a tick inside fprintf() or malloc() lets another thread into the
 * same stream or heap.  Each case runs in a child process that may well
 * crash: HZ_THREADS threads at an HZ_USEC tick write fixed-format lines
 * to one temporary file for HZ_PRINT_NS (the parent then counts the lines
 * that are not intact), or malloc and free random sizes for HZ_ALLOC_NS;
 * with flags 0, with PMT_PREEMPT_SAFEPC, and with the wrappers
 * (pmt_fprintf, pmt_malloc, pmt_free) and flags 0.  The parent must not
 * call pmt_init(): each child does, after fork().
 */
enum { HZ_PRINT, HZ_ALLOC };
enum { HZ_PLAIN, HZ_SAFEPC, HZ_WRAPPED, HZ_NMODES };

/* What a child reports, in memory it shares with the parent, so that the
 * progress counts survive the child's death. */
struct hz_shared {
	volatile long progress[HZ_THREADS]; /* lines written, allocations */
	volatile int finished;              /* the child got to the end */
	struct pmt_stats st;                /* then: its counters */
};

static struct hz_shared *hz;
static int hz_mode;
static FILE *hz_stream;
static double hz_end;

#define HZ_TEXT "the quick brown fox jumps over the lazy dog"
#define HZ_FORMAT "t%d %09ld " HZ_TEXT "\n"

static void *
hz_print(void *arg)
{
	int me = (int)(uintptr_t)arg;
	long i;

	for (i = 0; (i & 63) != 0 || now_ns() < hz_end; i++) {
		if (hz_mode == HZ_WRAPPED)
			pmt_fprintf(hz_stream, HZ_FORMAT, me, i);
		else
			fprintf(hz_stream, HZ_FORMAT, me, i);
		hz->progress[me] = i + 1;
	}
	return NULL;
}

static void *
hz_alloc(void *arg)
{
	int me = (int)(uintptr_t)arg, k;
	uint64_t x = 0x9e3779b97f4a7c15u * (uint64_t)(me + 1);
	void *slot[HZ_SLOTS] = {NULL};
	size_t size;
	long i;

	for (i = 0; (i & 63) != 0 || now_ns() < hz_end; i++) {
		x ^= x << 13; /* xorshift64 */
		x ^= x >> 7;
		x ^= x << 17;
		k = (int)(x % HZ_SLOTS);
		/* Mostly small blocks, one in four up to 16 KiB. */
		size = 1 + (size_t)(x >> 32) % ((x & 0x300) ? 256 : 16384);
		if (hz_mode == HZ_WRAPPED) {
			pmt_free(slot[k]);
			slot[k] = pmt_malloc(size);
		} else {
			free(slot[k]);
			slot[k] = malloc(size);
		}
		if (slot[k] != NULL)
			memset(slot[k], me, size);
		hz->progress[me] = i + 1;
	}
	for (k = 0; k < HZ_SLOTS; k++)
		if (hz_mode == HZ_WRAPPED)
			pmt_free(slot[k]);
		else
			free(slot[k]);
	return NULL;
}

/* The child: never returns. */
static void
hz_child(int test)
{
	pmt_t tids[HZ_THREADS];
	unsigned flags = hz_mode == HZ_SAFEPC ? PMT_PREEMPT_SAFEPC : 0;
	int k;

	pmt_check(pmt_init(), "pmt_init");
	preempt_start(HZ_USEC, flags);
	hz_end = now_ns() + (test == HZ_PRINT ? HZ_PRINT_NS : HZ_ALLOC_NS);
	for (k = 0; k < HZ_THREADS; k++)
		pmt_check(
		    pmt_spawn(&tids[k], test == HZ_PRINT ? hz_print : hz_alloc,
		        (void *)(uintptr_t)k, work_stacks[k],
		        sizeof work_stacks[k], WORKER_PRIO),
		    "pmt_spawn");
	for (k = 0; k < HZ_THREADS; k++)
		pmt_check(pmt_join(tids[k], NULL), "pmt_join");
	preempt_stop();
	if (test == HZ_PRINT && fclose(hz_stream) != 0) {
		perror("pmt-bench: fclose");
		_exit(1);
	}
	pmt_check(pmt_stats(&hz->st), "pmt_stats");
	hz->finished = 1;
	_exit(0);
}

/* Sorts the lines of the file at fd: *good get the intact lines (each
 * line written counted once), *dups intact lines seen before, *bad the
 * rest: spliced, torn, or never written. */
static void
hz_count_lines(int fd, long *good, long *dups, long *bad)
{
	unsigned char *seen[HZ_THREADS];
	char *line = NULL, want[128];
	size_t cap = 0;
	long num;
	int id, k;
	FILE *f;

	*good = *dups = *bad = 0;
	for (k = 0; k < HZ_THREADS; k++)
		if ((seen[k] = calloc((size_t)hz->progress[k] / 8 + 1, 1)) ==
		    NULL)
			sys_check(ENOMEM, "calloc");
	lseek(fd, 0, SEEK_SET);
	f = fdopen(dup(fd), "r");
	if (f == NULL)
		sys_check(errno, "fdopen");
	while (getline(&line, &cap, f) > 0) {
		if (sscanf(line, "t%d %ld", &id, &num) == 2 && id >= 0 &&
		    id < HZ_THREADS && num >= 0 && num < hz->progress[id]) {
			snprintf(want, sizeof want, HZ_FORMAT, id, num);
			if (strcmp(line, want) == 0) {
				unsigned char bit =
				    (unsigned char)(1u << num % 8);

				if (seen[id][num / 8] & bit) {
					(*dups)++;
				} else {
					seen[id][num / 8] |= bit;
					(*good)++;
				}
				continue;
			}
		}
		(*bad)++;
	}
	free(line);
	fclose(f);
	for (k = 0; k < HZ_THREADS; k++)
		free(seen[k]);
}

/* What the kernel says process pid is doing: its state and, when it
 * sleeps, where. */
static void
hz_state(pid_t pid, char *buf, size_t size)
{
	char path[64], stat[512], wchan[64] = "";
	const char *p;
	ssize_t n;
	int fd;

	snprintf(buf, size, "state unknown");
	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY)) < 0)
		return;
	n = read(fd, stat, sizeof stat - 1);
	close(fd);
	stat[n > 0 ? n : 0] = '\0';
	/* The state follows the command's closing parenthesis. */
	if ((p = strrchr(stat, ')')) == NULL || p[1] == '\0')
		return;
	snprintf(path, sizeof path, "/proc/%ld/wchan", (long)pid);
	if ((fd = open(path, O_RDONLY)) >= 0) {
		n = read(fd, wchan, sizeof wchan - 1);
		close(fd);
		wchan[n > 0 ? n : 0] = '\0';
	}
	snprintf(buf, size, "state %c%s%s", p[2],
	    *wchan != '\0' && strcmp(wchan, "0") != 0 ? " in " : "",
	    strcmp(wchan, "0") != 0 ? wchan : "");
}

/* A temporary file, unlinked at once: its descriptor. */
static int
hz_tmpfile(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	snprintf(path, sizeof path, "%s/pmt-bench-XXXXXX",
	    dir != NULL && *dir != '\0' ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		sys_check(errno, "mkstemp");
	unlink(path);
	return fd;
}

static const char *const hz_calls[2][HZ_NMODES] = {
    {"fprintf", "fprintf", "pmt_fprintf"},
    {"malloc/free", "malloc/free", "pmt_malloc/pmt_free"},
};
static const char *const hz_flags[HZ_NMODES] = {"0", "SAFEPC", "0"};

/* Runs one case in a child and prints its row. */
static void
hz_case(int test)
{
	double limit = (test == HZ_PRINT ? HZ_PRINT_NS : HZ_ALLOC_NS) + 10e9;
	long total = 0, lo = -1, hi = 0, now_total, last_total = -1;
	long good, dups, bad;
	int out = -1, err = hz_tmpfile(), status = 0, hung = 0, k;
	char msg[160] = "", outcome[256], state[64] = "";
	double t0, t_progress, secs;
	ssize_t len;
	pid_t pid;

	if (test == HZ_PRINT)
		out = hz_tmpfile();
	memset(hz, 0, sizeof *hz);
	fflush(stdout);
	fflush(stderr);
	t0 = t_progress = now_ns();
	pid = fork();
	if (pid < 0)
		sys_check(errno, "fork");
	if (pid == 0) {
		dup2(err, STDERR_FILENO);
		if (test == HZ_PRINT && (hz_stream = fdopen(out, "w")) == NULL)
			_exit(1);
		hz_child(test);
	}
	/* A child whose threads all stopped making progress for 2 s is
	 * stuck (in a stdio or malloc loop gone round, say): kill it. */
	while (waitpid(pid, &status, WNOHANG) == 0) {
		for (now_total = 0, k = 0; k < HZ_THREADS; k++)
			now_total += hz->progress[k];
		if (now_total != last_total) {
			last_total = now_total;
			t_progress = now_ns();
		}
		if (!hung &&
		    (now_ns() - t_progress > 2e9 || now_ns() - t0 > limit)) {
			hz_state(pid, state, sizeof state);
			kill(pid, SIGKILL);
			hung = 1;
		}
		usleep(10000);
	}
	secs = (now_ns() - t0) / 1e9;

	for (k = 0; k < HZ_THREADS; k++) {
		total += hz->progress[k];
		if (lo < 0 || hz->progress[k] < lo)
			lo = hz->progress[k];
		if (hz->progress[k] > hi)
			hi = hz->progress[k];
	}
	/* The first line the child wrote to stderr (glibc's abort message,
	 * say). */
	len = pread(err, msg, sizeof msg - 1, 0);
	msg[len > 0 ? len : 0] = '\0';
	msg[strcspn(msg, "\n")] = '\0';
	close(err);

	if (hung)
		snprintf(outcome, sizeof outcome,
		    "hung (%s), killed after %.1f s", state, secs);
	else if (WIFSIGNALED(status))
		snprintf(outcome, sizeof outcome, "died (%s) after %.2f s",
		    strsignal(WTERMSIG(status)), secs);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	         !hz->finished)
		snprintf(outcome, sizeof outcome, "failed (status %d)",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	else
		snprintf(outcome, sizeof outcome, "survived");
	if (test == HZ_PRINT) {
		hz_count_lines(out, &good, &dups, &bad);
		close(out);
		snprintf(outcome + strlen(outcome),
		    sizeof outcome - strlen(outcome),
		    ": %ld corrupt, %ld duplicated, %ld lost lines", bad, dups,
		    total - good);
	}
	printf("%-19s %-6s %10ld %9ld %9ld", hz_calls[test][hz_mode],
	    hz_flags[hz_mode], total, lo, hi);
	if (hz->finished)
		printf(" %6llu %8llu", (unsigned long long)hz->st.ticks,
		    (unsigned long long)hz->st.preemptions);
	else
		printf(" %6s %8s", "-", "-");
	printf("  %s\n", outcome);
	if (*msg != '\0')
		printf("    stderr: %.150s\n", msg);
}

static int
hazards(void)
{
	int test, run;

	hz = mmap(NULL, sizeof *hz, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (hz == MAP_FAILED)
		sys_check(errno, "mmap");
	printf("PMT_PREEMPT_SAFEPC hazards: %d threads at a %d us tick, each "
	       "case in a child\nprocess: fprintf of fixed lines to one file "
	       "for %.0f s, malloc/free of random\nsizes for %.0f s; "
	       "%d runs each (progress: lines or allocations, total and\n"
	       "per thread)\n\n",
	    HZ_THREADS, HZ_USEC, HZ_PRINT_NS / 1e9, HZ_ALLOC_NS / 1e9, HZ_RUNS);
	printf("%-19s %-6s %10s %9s %9s %6s %8s  %s\n", "calls", "flags",
	    "progress", "min", "max", "ticks", "preempts", "outcome");
	for (test = HZ_PRINT; test <= HZ_ALLOC; test++)
		for (hz_mode = 0; hz_mode < HZ_NMODES; hz_mode++)
			for (run = 0; run < HZ_RUNS; run++)
				hz_case(test);
	munmap(hz, sizeof *hz);
	return 0;
}

/* ------------------------------------------------------------ driver */

enum {
	B_PMT_YIELD,
	B_PMT_YIELD_TICK,
	B_PMT_YIELD_MANY,
	B_PMT_SPAWN,
	B_UC_SWAP,
	B_UC_CREATE,
	B_PT_SWITCH,
	B_PT_CREATE,
	B_PMT_MUTEX,
	B_PT_MUTEX,
	B_PMT_SEM,
	B_PT_SEM,
	B_PMT_HANDOFF,
	B_PMT_SEM_PP,
	B_PMT_COND_PP,
	B_PT_COND_PP,
	B_PMT_WAKE,
	NBENCH
};

static struct bench benches[NBENCH] = {
    [B_PMT_YIELD] = {"pmt_yield (2 threads)", pmt_yield_2, 0, {0}, 0, 0, 0},
    [B_PMT_YIELD_TICK] = {"pmt_yield, 1 ms tick on", pmt_yield_2_tick, 0, {0},
        0, 0, 0},
    [B_PMT_YIELD_MANY] = {"pmt_yield (all slots)", pmt_yield_many, 0, {0}, 0, 0,
        0},
    [B_PMT_SPAWN] = {"pmt_spawn+pmt_join", pmt_spawn_join, 0, {0}, 0, 0, 0},
    [B_UC_SWAP] = {"swapcontext ping-pong", uc_pingpong, 0, {0}, 0, 0, 0},
    [B_UC_CREATE] = {"makecontext+swapcontext", uc_create, 0, {0}, 0, 0, 0},
    [B_PT_SWITCH] = {"sem ping-pong (1 CPU)", pthread_pingpong, 0, {0}, 0, 0,
        0},
    [B_PT_CREATE] = {"pthread_create+join", pthread_create_join, 0, {0}, 0, 0,
        0},
    [B_PMT_MUTEX] = {"pmt_mutex lock+unlock", pmt_mutex_uncontended, 0, {0}, 0,
        0, 0},
    [B_PT_MUTEX] = {"pthread_mutex lock+unlock", pthread_mutex_uncontended, 0,
        {0}, 0, 0, 0},
    [B_PMT_SEM] = {"pmt_sem post+wait", pmt_sem_uncontended, 0, {0}, 0, 0, 0},
    [B_PT_SEM] = {"sem_post+sem_wait", posix_sem_uncontended, 0, {0}, 0, 0, 0},
    [B_PMT_HANDOFF] = {"pmt_mutex handoff", pmt_mutex_handoff, 0, {0}, 0, 0, 0},
    [B_PMT_SEM_PP] = {"pmt_sem ping-pong", pmt_sem_pingpong, 0, {0}, 0, 0, 0},
    [B_PMT_COND_PP] = {"pmt mutex+cond ping-pong", pmt_cond_pingpong, 0, {0}, 0,
        0, 0},
    [B_PT_COND_PP] = {"pthread mutex+cond (1 CPU)", pthread_cond_pingpong, 0,
        {0}, 0, 0, 0},
    [B_PMT_WAKE] = {"priority wake-up round trip", pmt_prio_wakeup, 0, {0}, 0,
        0, 0},
};

/*
 * Runs b with growing n until one run takes a noticeable time, then sets
 * the n that takes about target_ns.  The runs also warm up caches,
 * branch predictors and the allocator's thread caches.
 */
static void
calibrate(struct bench *b)
{
	struct sample s;
	double n = 16;

	for (;;) {
		s = b->run((long)n);
		if (s.ns >= target_ns / 20 || n >= 1e9)
			break;
		n *= 4;
	}
	n = n * target_ns / (s.ns > 1 ? s.ns : 1);
	b->iterations = n < 1 ? 1 : (long)n;
	/* One warm-up run at the final size. */
	(void)b->run(b->iterations);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
summarise(struct bench *b)
{
	double v[MAX_ROUNDS];

	memcpy(v, b->per_op, sizeof v);
	qsort(v, (size_t)rounds, sizeof v[0], cmp_double);
	b->min = v[0];
	b->max = v[rounds - 1];
	b->median = rounds % 2 ? v[rounds / 2]
	                       : (v[rounds / 2 - 1] + v[rounds / 2]) / 2;
}

/* The median of v[0..n), n <= MAX_ROUNDS. */
static double
median_of(const double *v, int n)
{
	double w[MAX_ROUNDS];

	memcpy(w, v, (size_t)n * sizeof w[0]);
	qsort(w, (size_t)n, sizeof w[0], cmp_double);
	return n % 2 ? w[n / 2] : (w[n / 2 - 1] + w[n / 2]) / 2;
}

/* Preemption results, from the rounds: per timer variant the median time
 * of the busy work, overhead against the same round's run without the
 * timer (percent), ticks, preemptions, and CPU time per tick; and the
 * tick latency percentiles. */
static double ov_med_ns[NOV], ov_pct[NOV], ov_tick_ns[NOV];
static double ov_med_ticks[NOV], ov_med_preempts[NOV];
static double lat_p50, lat_p90, lat_p99, lat_max, lat_min;
static double bare_p50, bare_p90, bare_p99, bare_max, bare_min;

/* The value below which a fraction q of the sorted v[0..n) lies. */
static double
percentile(const double *v, long n, double q)
{
	return v[(long)(q * (double)(n - 1) + 0.5)];
}

static void
summarise_preempt(void)
{
	double pct[MAX_ROUNDS], per_tick[MAX_ROUNDS], ticks[MAX_ROUNDS],
	    pre[MAX_ROUNDS];
	int v, r;

	for (v = 0; v < NOV; v++) {
		for (r = 0; r < rounds; r++) {
			pct[r] = (ov_ns[v][r] / ov_ns[OV_OFF][r] - 1) * 100;
			per_tick[r] = ov_ticks[v][r] == 0
			                  ? 0
			                  : (ov_ns[v][r] - ov_ns[OV_OFF][r]) /
			                        (double)ov_ticks[v][r];
			ticks[r] = (double)ov_ticks[v][r];
			pre[r] = (double)ov_preempts[v][r];
		}
		ov_med_ns[v] = median_of(ov_ns[v], rounds);
		ov_pct[v] = median_of(pct, rounds);
		ov_tick_ns[v] = median_of(per_tick, rounds);
		ov_med_ticks[v] = median_of(ticks, rounds);
		ov_med_preempts[v] = median_of(pre, rounds);
	}
	if (lat_count > 0) {
		qsort(lat_samples, (size_t)lat_count, sizeof lat_samples[0],
		    cmp_double);
		lat_min = lat_samples[0];
		lat_p50 = percentile(lat_samples, lat_count, 0.50);
		lat_p90 = percentile(lat_samples, lat_count, 0.90);
		lat_p99 = percentile(lat_samples, lat_count, 0.99);
		lat_max = lat_samples[lat_count - 1];
	}
	if (bare_count > 0) {
		qsort(bare_samples, (size_t)bare_count, sizeof bare_samples[0],
		    cmp_double);
		bare_min = bare_samples[0];
		bare_p50 = percentile(bare_samples, bare_count, 0.50);
		bare_p90 = percentile(bare_samples, bare_count, 0.90);
		bare_p99 = percentile(bare_samples, bare_count, 0.99);
		bare_max = bare_samples[bare_count - 1];
	}
}

/* Timed wake-ups and sleeps: percentiles of the pooled samples; the
 * wake-up's less what a clock read adds to it. */
static double wake_p50, wake_p99, clock_ns, wake_net;

static void
summarise_sync(void)
{
	int k;

	clock_ns = clock_read_ns();
	if (wake_count > 0) {
		qsort(wake_samples, (size_t)wake_count, sizeof wake_samples[0],
		    cmp_double);
		wake_p50 = percentile(wake_samples, wake_count, 0.50);
		wake_p99 = percentile(wake_samples, wake_count, 0.99);
		wake_net = wake_p50 - clock_ns;
	}
	for (k = 0; k < NSL; k++) {
		if (sl_count[k] == 0)
			continue;
		qsort(sl_samples[k], (size_t)sl_count[k],
		    sizeof sl_samples[k][0], cmp_double);
		sl_p50[k] = percentile(sl_samples[k], sl_count[k], 0.50);
		sl_p99[k] = percentile(sl_samples[k], sl_count[k], 0.99);
		sl_max[k] = sl_samples[k][sl_count[k] - 1];
	}
}

/* The first CPU this process may run on, CPU 0 on most machines, or -1
 * when the affinity cannot be read. */
static int
first_cpu(void)
{
	cpu_set_t set;
	int cpu;

	if (sched_getaffinity(0, sizeof set, &set) != 0)
		return -1;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &set))
			return cpu;
	return -1;
}

/* The CPU's model name from /proc/cpuinfo, or "unknown". */
static void
cpu_model(char *buf, size_t size)
{
	char line[256], *p;
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(buf, size, "unknown");
	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "model name", 10) != 0)
			continue;
		p = strchr(line, ':');
		if (p == NULL)
			continue;
		for (p++; *p == ' ' || *p == '\t'; p++)
			;
		p[strcspn(p, "\n")] = '\0';
		snprintf(buf, size, "%s", p);
		break;
	}
	fclose(f);
}

static const char *
verdict(int met)
{
	return met ? "met" : "missed";
}

static void
print_header(void)
{
	char model[128];

	cpu_model(model, sizeof model);
	printf("libpmt %d.%d.%d benchmark\n", PMT_VERSION_MAJOR,
	    PMT_VERSION_MINOR, PMT_VERSION_PATCH);
	printf("cpu: %s, %ld online\n", model, sysconf(_SC_NPROCESSORS_ONLN));
#if defined(__clang__)
	printf("compiler: clang %s\n", __VERSION__);
#elif defined(__GNUC__)
	printf("compiler: gcc %s\n", __VERSION__);
#else
	printf("compiler: %s\n", __VERSION__);
#endif
	printf("rounds: %d, interleaved, medians reported\n", rounds);
	printf("iterations: %ld pmt_yield, %ld pmt_spawn+pmt_join, ... per "
	       "round,\n    calibrated to about %.0f ms per measurement "
	       "(all listed below)\n",
	    benches[B_PMT_YIELD].iterations, benches[B_PMT_SPAWN].iterations,
	    target_ns / 1e6);
	printf("preemption: %ld steps of busy work per thread, about %.0f ms "
	       "per run;\n    %d tick latencies per round\n",
	    busy_n, preempt_ns / 1e6, lat_per_round);
	if (pin_cpu >= 0)
		printf("pthreads: all pinned to CPU %d\n", pin_cpu);
	else
		printf("pthreads: not pinned (affinity unknown)\n");
	printf("\n");
}

/* Formats v, a time or a ratio, into buf; "-" when v < 0 (no peer). */
static void
cell(char *buf, size_t size, double v, int ratio)
{
	if (v < 0)
		snprintf(buf, size, "-");
	else if (ratio)
		snprintf(buf, size, "%.1fx", v);
	else
		snprintf(buf, size, "%.1f", v);
}

/* One row of the table; a peer benchmark < 0 is absent. */
static void
print_row(int csv, const char *op, int pmt, int uc, int pt)
{
	double p = benches[pmt].median;
	double u = uc >= 0 ? benches[uc].median : -1;
	double t = pt >= 0 ? benches[pt].median : -1;
	char ub[32], tb[32], ur[32], tr[32];

	if (csv) {
		printf("%s,%.2f,", op, p);
		if (u >= 0)
			printf("%.2f", u);
		printf(",");
		if (t >= 0)
			printf("%.2f", t);
		printf(",");
		if (u >= 0)
			printf("%.2f", u / p);
		printf(",");
		if (t >= 0)
			printf("%.2f", t / p);
		printf("\n");
		return;
	}
	cell(ub, sizeof ub, u, 0);
	cell(tb, sizeof tb, t, 0);
	cell(ur, sizeof ur, u < 0 ? -1 : u / p, 1);
	cell(tr, sizeof tr, t < 0 ? -1 : t / p, 1);
	printf("%-22s %10.1f %11s %11s %10s %10s\n", op, p, ub, tb, ur, tr);
}

/* A row with libpmt's figure only: a time in ns, or a count. */
static void
print_value_row(int csv, const char *op, double v)
{
	if (csv)
		printf("%s,%.2f,,,,\n", op, v);
	else
		printf("%-22s %10.1f %11s %11s %10s %10s\n", op, v, "-", "-",
		    "-", "-");
}

static void
print_table(int csv)
{
	char many[64];

	snprintf(many, sizeof many, "switch (%d threads)", ring_threads + 1);
	if (csv) {
		printf("operation,libpmt_ns,ucontext_ns,pthread_ns,"
		       "ucontext_per_libpmt,pthread_per_libpmt\n");
	} else {
		printf("%-22s %10s %11s %11s %10s %10s\n", "operation",
		    "libpmt ns", "ucontext ns", "pthread ns", "uc/libpmt",
		    "pt/libpmt");
		printf("%-22s %10s %11s %11s %10s %10s\n", "---------",
		    "---------", "-----------", "----------", "---------",
		    "---------");
	}
	print_row(
	    csv, "switch (2 threads)", B_PMT_YIELD, B_UC_SWAP, B_PT_SWITCH);
	print_row(csv, many, B_PMT_YIELD_MANY, -1, -1);
	print_row(
	    csv, "create+run+join", B_PMT_SPAWN, B_UC_CREATE, B_PT_CREATE);
	print_row(csv, "switch (1 ms tick on)", B_PMT_YIELD_TICK, -1, -1);
	print_value_row(csv, "CPU per tick (1 ms)", ov_tick_ns[OV_1MS]);
	print_value_row(csv, "CPU per tick (100 us)", ov_tick_ns[OV_100US]);
	print_value_row(csv, "bare tick CPU (1 ms)", ov_tick_ns[OV_BARE_1MS]);
	print_value_row(
	    csv, "bare tick CPU (100 us)", ov_tick_ns[OV_BARE_100US]);
	print_value_row(csv, "tick to thread p50", lat_p50);
	print_value_row(csv, "tick to thread p90", lat_p90);
	print_value_row(csv, "tick to thread p99", lat_p99);
	print_value_row(csv, "tick to thread max", lat_max);
	print_value_row(csv, "bare tick gap p50", bare_p50);
	print_value_row(csv, "bare tick gap p90", bare_p90);
	print_value_row(csv, "bare tick gap p99", bare_p99);
	print_value_row(csv, "bare tick gap max", bare_max);
	print_value_row(csv, "ticks alone (count)", (double)tickless_alone);
	print_row(csv, "mutex lock+unlock", B_PMT_MUTEX, -1, B_PT_MUTEX);
	print_row(csv, "sem post+wait", B_PMT_SEM, -1, B_PT_SEM);
	print_row(csv, "mutex handoff", B_PMT_HANDOFF, -1, -1);
	print_row(csv, "sem ping-pong", B_PMT_SEM_PP, -1, B_PT_SWITCH);
	print_row(csv, "mutex+cond ping-pong", B_PMT_COND_PP, -1, B_PT_COND_PP);
	print_value_row(csv, "priority wake-up p50", wake_p50);
	print_row(csv, "prio wake round trip", B_PMT_WAKE, -1, -1);
	print_value_row(csv, "sleep late p50 idle", sl_p50[SL_IDLE]);
	print_value_row(csv, "sleep late p99 idle", sl_p99[SL_IDLE]);
	print_value_row(csv, "sleep late p50 tick", sl_p50[SL_IDLE_TICK]);
	print_value_row(csv, "sleep late p99 tick", sl_p99[SL_IDLE_TICK]);
	print_value_row(csv, "sleep late p50 busy", sl_p50[SL_BUSY_TICK]);
	print_value_row(csv, "sleep late p99 busy", sl_p99[SL_BUSY_TICK]);
}

static void
print_details(void)
{
	int k;

	printf("\nns per operation over %d rounds:\n", rounds);
	printf("  %-26s %10s %10s %10s %12s\n", "measurement", "median", "min",
	    "max", "iterations");
	for (k = 0; k < NBENCH; k++)
		printf("  %-26s %10.1f %10.1f %10.1f %12ld\n", benches[k].name,
		    benches[k].median, benches[k].min, benches[k].max,
		    benches[k].iterations);

	printf("\npreemption: %d busy threads below main, a fixed amount of "
	       "work; medians over\n%d rounds (overhead and CPU per tick "
	       "against the same round's run without\nthe timer; bare: an "
	       "empty signal handler, libpmt's timer off):\n",
	    BUSY_THREADS, rounds);
	printf("  %-12s %9s %9s %7s %12s %13s\n", "timer", "time ms",
	    "overhead", "ticks", "preemptions", "CPU per tick");
	for (k = 0; k < NOV; k++) {
		char name[16], pct[16], per_tick[16];

		if (k == OV_OFF) {
			snprintf(name, sizeof name, "off");
			snprintf(pct, sizeof pct, "-");
			snprintf(per_tick, sizeof per_tick, "-");
		} else {
			snprintf(name, sizeof name, "%s%lu us",
			    k >= OV_BARE_1MS ? "bare " : "", ov_usec[k]);
			snprintf(pct, sizeof pct, "%+.2f%%", ov_pct[k]);
			snprintf(per_tick, sizeof per_tick, "%.1f us",
			    ov_tick_ns[k] / 1e3);
		}
		printf("  %-12s %9.1f %9s %7.0f %12.0f %13s\n", name,
		    ov_med_ns[k] / 1e6, pct, ov_med_ticks[k],
		    ov_med_preempts[k], per_tick);
	}
	printf("tick to next thread, 2 busy threads at a %d us tick, %ld "
	       "samples (%ld lost):\n  p50 %.1f us, p90 %.1f us, p99 "
	       "%.1f us, max %.1f us (min %.1f us)\n",
	    LAT_USEC, (long)lat_count, lat_lost, lat_p50 / 1e3, lat_p90 / 1e3,
	    lat_p99 / 1e3, lat_max / 1e3, lat_min / 1e3);
	printf("the same gap for an empty signal handler (no switch), %ld "
	       "samples:\n  p50 %.1f us, p90 %.1f us, p99 %.1f us, max "
	       "%.1f us (min %.1f us)\n",
	    bare_count, bare_p50 / 1e3, bare_p90 / 1e3, bare_p99 / 1e3,
	    bare_max / 1e3, bare_min / 1e3);
	printf("pmt_yield, 2 threads: %.1f ns with the 1 ms timer running, "
	       "%.1f ns without:\n  %.3fx (%llu ticks over all its runs)\n",
	    benches[B_PMT_YIELD_TICK].median, benches[B_PMT_YIELD].median,
	    benches[B_PMT_YIELD_TICK].median / benches[B_PMT_YIELD].median,
	    (unsigned long long)ticks_on_yield);
	printf("tickless, a %d us tick: one busy thread alone for %.0f ms: "
	       "%llu ticks (%.0f without\n  tickless); with a partner for "
	       "its first %.0f ms: %llu ticks, %llu of them after\n  the "
	       "partner left\n",
	    TICKLESS_USEC, TICKLESS_NS / 1e6,
	    (unsigned long long)tickless_alone,
	    TICKLESS_NS / 1e3 / TICKLESS_USEC, PARTNER_NS / 1e6,
	    (unsigned long long)tickless_with,
	    (unsigned long long)tickless_after);
	printf("synchronisation, one operation: a lock+unlock or post+wait "
	       "pair uncontended;\n  one hand-over of the CPU between two "
	       "threads of one priority otherwise\n  (the pthread peers on "
	       "one CPU); in pmt_yield()s of %.1f ns:\n",
	    benches[B_PMT_YIELD].median);
	printf("  mutex handoff %.2f, sem ping-pong %.2f, mutex+cond ping-pong "
	       "%.2f yields\n",
	    benches[B_PMT_HANDOFF].median / benches[B_PMT_YIELD].median,
	    benches[B_PMT_SEM_PP].median / benches[B_PMT_YIELD].median,
	    benches[B_PMT_COND_PP].median / benches[B_PMT_YIELD].median);
	printf("priority wake-up, a post readying a waiter one priority "
	       "above, to the waiter\n  running: %ld samples, p50 %.1f ns, "
	       "p99 %.1f ns, a clock read (%.1f ns) included;\n  "
	       "without it about %.1f ns; the round trip (post, waiter runs, "
	       "waits,\n  poster runs) %.1f ns\n",
	    wake_count, wake_p50, wake_p99, clock_ns, wake_net,
	    benches[B_PMT_WAKE].median);
	printf("pmt_sleep_until(now + 1 ms), time from the deadline to the "
	       "sleeper running,\n  %ld samples each:\n",
	    sl_count[SL_IDLE]);
	for (k = 0; k < NSL; k++)
		printf("  %-30s p50 %7.1f us, p99 %7.1f us, max %7.1f us\n",
		    sl_names[k], sl_p50[k] / 1e3, sl_p99[k] / 1e3,
		    sl_max[k] / 1e3);
}

static void
print_targets(void)
{
	double yield = benches[B_PMT_YIELD].median;
	double many = benches[B_PMT_YIELD_MANY].median;
	double spawn = benches[B_PMT_SPAWN].median;
	double uc = benches[B_UC_SWAP].median;
	double ytick = benches[B_PMT_YIELD_TICK].median / yield;
	double mutex = benches[B_PMT_MUTEX].median;
	double handoff = benches[B_PMT_HANDOFF].median;

	printf("\ntargets (for a 2 vCPU AMD EPYC Zen 3 VM; benchmarks, not "
	       "tests):\n");
	printf("  pmt_yield: %.1f ns (target <= %.0f ns): %s\n", yield,
	    TARGET_YIELD_NS, verdict(yield <= TARGET_YIELD_NS));
	printf("  pmt_yield vs swapcontext: %.1fx faster (target >= %.0fx): "
	       "%s\n",
	    uc / yield, TARGET_YIELD_VS_UCONTEXT,
	    verdict(uc / yield >= TARGET_YIELD_VS_UCONTEXT));
	printf("  pmt_yield, %d threads vs 2: %.2fx the cost (target: "
	       "independent\n    of the thread count, here within %.1fx): %s\n",
	    ring_threads + 1, many / yield, TARGET_FLAT_RATIO,
	    verdict(many / yield <= TARGET_FLAT_RATIO));
	printf("  pmt_spawn+run+pmt_join: %.1f ns (target < %.0f ns): %s\n",
	    spawn, TARGET_SPAWN_NS, verdict(spawn < TARGET_SPAWN_NS));
	printf("  preemption overhead at a 1 ms tick: %.2f%% (target <= "
	       "%.0f%%): %s\n    (an empty signal handler at 1 ms: %.2f%%)\n",
	    ov_pct[OV_1MS], TARGET_PREEMPT_PCT,
	    verdict(ov_pct[OV_1MS] <= TARGET_PREEMPT_PCT), ov_pct[OV_BARE_1MS]);
	printf("  pmt_yield with the timer running: %.3fx the cost without "
	       "(target within\n    %.0f%%): %s\n",
	    ytick, (TARGET_YIELD_TICK_RATIO - 1) * 100,
	    verdict(ytick <= TARGET_YIELD_TICK_RATIO));
	printf("  tickless: %llu ticks for one busy thread alone (target "
	       "about 0, here <= %d):\n    %s\n",
	    (unsigned long long)tickless_alone, TARGET_TICKLESS_TICKS,
	    verdict(tickless_alone <= TARGET_TICKLESS_TICKS));
	printf("  pmt_mutex_lock+unlock, uncontended: %.1f ns (target < %.0f "
	       "ns): %s\n",
	    mutex, TARGET_MUTEX_NS, verdict(mutex < TARGET_MUTEX_NS));
	printf("  mutex handoff between two threads: %.1f ns, %.2f yields "
	       "(target <= %.0f):\n    %s\n",
	    handoff, handoff / yield, TARGET_HANDOFF_YIELDS,
	    verdict(handoff / yield <= TARGET_HANDOFF_YIELDS));
	printf(
	    "  priority wake-up, post to the higher waiter running: p50 %.1f "
	    "ns, a clock\n    read included (target < %.0f ns): %s\n",
	    wake_p50, TARGET_WAKE_NS, verdict(wake_p50 < TARGET_WAKE_NS));
	printf("  not measured here: pmt_yield against GNU Pth and State "
	       "Threads (not linked);\n    thread control block size (not "
	       "visible through pmt.h)\n");
}

static void
usage(void)
{
	fprintf(stderr, "usage: pmt-bench [--quick] [--csv] | pmt-bench "
	                "--hazards\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct pmt_stats st;
	int csv = 0, i, r, k;

	/* Before pmt_init(): its children call it themselves. */
	if (argc == 2 && strcmp(argv[1], "--hazards") == 0)
		return hazards();
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0) {
			rounds = ROUNDS_QUICK;
			target_ns = TARGET_NS_QUICK;
			preempt_ns = PREEMPT_NS_QUICK;
			lat_per_round = LAT_SAMPLES_QUICK;
			wake_per_round = WAKE_SAMPLES_QUICK;
			sl_per_round = SLEEP_SAMPLES_QUICK;
		} else if (strcmp(argv[i], "--csv") == 0) {
			csv = 1;
		} else {
			usage();
		}
	}

	pmt_check(pmt_init(), "pmt_init");
	if (pmt_stack_min() > STACK_SIZE) {
		fprintf(stderr,
		    "pmt-bench: pmt_stack_min() is %zu bytes, "
		    "more than the %d of the static stacks\n",
		    pmt_stack_min(), STACK_SIZE);
		return 1;
	}

	/* The ring fills every free slot of the thread table. */
	pmt_check(pmt_stats(&st), "pmt_stats");
	ring_threads = (int)st.max_threads - 1;
	ring_stack_size = (pmt_stack_min() + PMT_STACK_PAGE - 1) /
	                  PMT_STACK_PAGE * PMT_STACK_PAGE;
	ring_stacks = aligned_alloc(
	    PMT_STACK_PAGE, (size_t)ring_threads * ring_stack_size);
	ring_tids = calloc((size_t)ring_threads, sizeof ring_tids[0]);
	lat_samples = calloc(
	    (size_t)rounds * (size_t)lat_per_round, sizeof lat_samples[0]);
	bare_samples = calloc(
	    (size_t)rounds * (size_t)lat_per_round, sizeof bare_samples[0]);
	wake_samples = calloc(
	    (size_t)rounds * (size_t)wake_per_round, sizeof wake_samples[0]);
	for (k = 0; k < NSL; k++)
		if ((sl_samples[k] =
		            calloc((size_t)rounds * (size_t)sl_per_round,
		                sizeof sl_samples[k][0])) == NULL)
			sys_check(ENOMEM, "calloc");
	if (ring_stacks == NULL || ring_tids == NULL || lat_samples == NULL ||
	    bare_samples == NULL || wake_samples == NULL) {
		fprintf(stderr, "pmt-bench: out of memory for %d stacks\n",
		    ring_threads);
		return 1;
	}

	pin_cpu = first_cpu();

	for (k = 0; k < NBENCH; k++)
		calibrate(&benches[k]);
	busy_calibrate();
	for (r = 0; r < rounds; r++) {
		for (k = 0; k < NBENCH; k++) {
			struct sample s = benches[k].run(benches[k].iterations);

			benches[k].per_op[r] = s.ns / s.ops;
		}
		busy_round(r);
		lat_round();
		bare_lat_round();
		wake_round();
		sleep_round(r);
	}
	tickless();
	for (k = 0; k < NBENCH; k++)
		summarise(&benches[k]);
	summarise_preempt();
	summarise_sync();

	if (csv) {
		print_table(1);
	} else {
		print_header();
		print_table(0);
		print_details();
		print_targets();
	}
	free(ring_stacks);
	free(ring_tids);
	free(lat_samples);
	free(bare_samples);
	free(wake_samples);
	for (k = 0; k < NSL; k++)
		free(sl_samples[k]);
	return 0;
}
