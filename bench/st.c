/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * st.c - pmt-bench's State Threads rows: a condition hand-over between
 * two threads (State Threads' fastest switch: it has no yield, and no
 * need of a mutex, as its threads never preempt one another),
 * st_usleep(0) between two threads (its nearest thing to a yield, a pass
 * through its scheduler and idle loop), and st_thread_create with
 * st_thread_join.  Each runs in a child process of its own
 * (bench/child.c), which calls init_st_child() first: st_init() makes the
 * calling thread State Threads' primordial thread and starts its idle
 * thread, process-wide state that libpmt must not meet.  Built only when
 * configure found State Threads.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <st.h>

#include "bench.h"

const char version_st[] = ST_VERSION;

/* In the child, before any row: State Threads' set-up. */
int
init_st_child(char *buf, size_t size)
{
	if (st_init() != 0) {
		snprintf(buf, size, "st_init: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void
check_st(int error, const char *what)
{
	if (error != 0)
		check_sys(errno != 0 ? errno : EINVAL, what);
}

/* Tells the partners to finish; counts the partner's operations. */
static volatile int stop;
static volatile long partner_ops;

/* The hand-over: a turn, and a condition for each side to wait on until
 * the turn is its own.  A signal readies the waiter; the wait that
 * follows switches to it.  One operation is one hand-over. */
static st_cond_t cond[2];
static volatile int turn;

static void *
cond_partner(void *arg)
{
	for (;;) {
		while (turn != 1 && !stop)
			check_st(st_cond_wait(cond[1]), "st_cond_wait");
		if (stop)
			break;
		turn = 0;
		check_st(st_cond_signal(cond[0]), "st_cond_signal");
	}
	return arg;
}

struct sample
run_st_cond(long n)
{
	struct sample s;
	st_thread_t tid;
	double t0;
	long i;

	if (cond[0] == NULL && ((cond[0] = st_cond_new()) == NULL ||
	                           (cond[1] = st_cond_new()) == NULL))
		check_sys(errno, "st_cond_new");
	stop = 0;
	turn = 0;
	tid = st_thread_create(cond_partner, NULL, 1, 0);
	if (tid == NULL)
		check_sys(errno, "st_thread_create");
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		turn = 1;
		check_st(st_cond_signal(cond[1]), "st_cond_signal");
		while (turn != 0)
			check_st(st_cond_wait(cond[0]), "st_cond_wait");
	}
	s.ns = now_ns() - t0;
	s.ops = 2.0 * (double)n;
	stop = 1;
	check_st(st_cond_signal(cond[1]), "st_cond_signal");
	check_st(st_thread_join(tid, NULL), "st_thread_join");
	return s;
}

static void *
usleep_partner(void *arg)
{
	while (!stop) {
		check_st(st_usleep(0), "st_usleep");
		partner_ops++;
	}
	return arg;
}

/* main and a partner each call st_usleep(0) in turn; one operation is
 * one call of either. */
struct sample
run_st_usleep(long n)
{
	struct sample s;
	st_thread_t tid;
	long i, ops0;
	double t0;

	stop = 0;
	partner_ops = 0;
	tid = st_thread_create(usleep_partner, NULL, 1, 0);
	if (tid == NULL)
		check_sys(errno, "st_thread_create");
	check_st(st_usleep(0), "st_usleep");
	ops0 = partner_ops;
	t0 = now_ns();
	for (i = 0; i < n; i++)
		check_st(st_usleep(0), "st_usleep");
	s.ns = now_ns() - t0;
	s.ops = (double)n + (double)(partner_ops - ops0);
	stop = 1;
	check_st(st_thread_join(tid, NULL), "st_thread_join");
	return s;
}

static void *
trivial(void *arg)
{
	return arg;
}

/* A joinable thread on a stack of the default size (State Threads keeps
 * freed stacks for the next thread) that returns at once, joined. */
struct sample
run_st_create(long n)
{
	struct sample s;
	st_thread_t tid;
	double t0;
	long i;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		tid = st_thread_create(trivial, NULL, 1, 0);
		if (tid == NULL)
			check_sys(errno, "st_thread_create");
		check_st(st_thread_join(tid, NULL), "st_thread_join");
	}
	s.ns = now_ns() - t0;
	s.ops = (double)n;
	return s;
}
