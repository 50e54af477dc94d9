/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * pthread.c - pmt-bench's POSIX threads rows: a semaphore ping-pong and a
 * mutex+condition ping-pong between two kernel threads, and
 * pthread_create+pthread_join, all on one CPU; and glibc's uncontended
 * mutex and semaphore on main's kernel thread.  Called on main.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>

#include "bench.h"

/* Every pthread of the benchmarks runs on one CPU, as libpmt's threads
 * share one kernel thread. */
int pin_cpu = -1;

/* The first CPU this process may run on, CPU 0 on most machines, or -1
 * when the affinity cannot be read. */
static int
first_cpu(void)
{
	cpu_set_t cpus;
	int cpu;

	if (sched_getaffinity(0, sizeof cpus, &cpus) != 0)
		return -1;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &cpus))
			return cpu;
	return -1;
}

void
pthread_setup(void)
{
	pin_cpu = first_cpu();
}

static void *
trivial(void *arg)
{
	return arg;
}

struct pingpong {
	sem_t ping, pong;
	pthread_barrier_t start;
	long n;
	double ns;
};

static void
pin_self(void)
{
	cpu_set_t cpus;

	if (pin_cpu < 0)
		return;
	CPU_ZERO(&cpus);
	CPU_SET(pin_cpu, &cpus);
	check_sys(pthread_setaffinity_np(pthread_self(), sizeof cpus, &cpus),
	    "pthread_setaffinity_np");
}

static void
sem_wait_check(sem_t *sem)
{
	while (sem_wait(sem) != 0)
		if (errno != EINTR)
			check_sys(errno, "sem_wait");
}

/* Both ping-pong threads: pin to CPU 0, then start together. */
static void
pingpong_start(struct pingpong *pp)
{
	int error;

	pin_self();
	error = pthread_barrier_wait(&pp->start);
	if (error != PTHREAD_BARRIER_SERIAL_THREAD)
		check_sys(error, "pthread_barrier_wait");
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
struct sample
run_pt_pingpong(long n)
{
	struct pingpong pp;
	struct sample s;
	pthread_t a, b;

	pp.n = n;
	if (sem_init(&pp.ping, 0, 0) != 0 || sem_init(&pp.pong, 0, 0) != 0)
		check_sys(errno, "sem_init");
	check_sys(
	    pthread_barrier_init(&pp.start, NULL, 2), "pthread_barrier_init");
	check_sys(pthread_create(&a, NULL, ping_thread, &pp), "pthread_create");
	check_sys(pthread_create(&b, NULL, pong_thread, &pp), "pthread_create");
	check_sys(pthread_join(a, NULL), "pthread_join");
	check_sys(pthread_join(b, NULL), "pthread_join");
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
		check_sys(
		    pthread_create(&t, NULL, trivial, NULL), "pthread_create");
		check_sys(pthread_join(t, NULL), "pthread_join");
	}
	cj->ns = now_ns() - t0;
	return NULL;
}

struct sample
run_pt_create(long n)
{
	struct createjoin cj;
	struct sample s;
	pthread_t driver;

	cj.n = n;
	check_sys(pthread_create(&driver, NULL, create_driver, &cj),
	    "pthread_create");
	check_sys(pthread_join(driver, NULL), "pthread_join");
	s.ns = cj.ns;
	s.ops = (double)n;
	return s;
}

/* glibc's peers of libpmt's uncontended rows: the same loops on one
 * kernel thread. */
static pthread_mutex_t pt_mutex = PTHREAD_MUTEX_INITIALIZER;

struct sample
run_pt_mutex(long n)
{
	struct sample s;
	double t0;
	long i;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		check_sys(pthread_mutex_lock(&pt_mutex), "pthread_mutex_lock");
		check_sys(
		    pthread_mutex_unlock(&pt_mutex), "pthread_mutex_unlock");
	}
	s.ns = now_ns() - t0;
	s.ops = (double)n;
	return s;
}

struct sample
run_pt_sem(long n)
{
	struct sample s;
	sem_t sem;
	double t0;
	long i;

	if (sem_init(&sem, 0, 0) != 0)
		check_sys(errno, "sem_init");
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
		check_sys(error, "pthread_barrier_wait");
	t0 = now_ns();
	check_sys(pthread_mutex_lock(&cp->mutex), "pthread_mutex_lock");
	for (i = 0; i < cp->n; i++) {
		while (cp->turn != me)
			check_sys(pthread_cond_wait(&cp->cond[me], &cp->mutex),
			    "pthread_cond_wait");
		cp->turn = !me;
		check_sys(
		    pthread_cond_signal(&cp->cond[!me]), "pthread_cond_signal");
	}
	check_sys(pthread_mutex_unlock(&cp->mutex), "pthread_mutex_unlock");
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

struct sample
run_pt_cond_pingpong(long n)
{
	struct condpong cp;
	struct sample s;
	pthread_t a, b;

	cp.n = n;
	cp.turn = 0;
	check_sys(pthread_mutex_init(&cp.mutex, NULL), "pthread_mutex_init");
	check_sys(pthread_cond_init(&cp.cond[0], NULL), "pthread_cond_init");
	check_sys(pthread_cond_init(&cp.cond[1], NULL), "pthread_cond_init");
	check_sys(
	    pthread_barrier_init(&cp.start, NULL, 2), "pthread_barrier_init");
	check_sys(
	    pthread_create(&a, NULL, condpong_main, &cp), "pthread_create");
	check_sys(
	    pthread_create(&b, NULL, condpong_thread, &cp), "pthread_create");
	check_sys(pthread_join(a, NULL), "pthread_join");
	check_sys(pthread_join(b, NULL), "pthread_join");
	pthread_barrier_destroy(&cp.start);
	pthread_cond_destroy(&cp.cond[0]);
	pthread_cond_destroy(&cp.cond[1]);
	pthread_mutex_destroy(&cp.mutex);
	s.ns = cp.ns;
	/* Each side hands the turn over n times. */
	s.ops = 2.0 * (double)n;
	return s;
}
