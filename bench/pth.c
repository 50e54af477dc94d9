/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * pth.c - pmt-bench's GNU Pth rows: pth_yield between two threads,
 * pth_uctx_switch (Pth's bare context switch, no scheduler), pth_spawn
 * with pth_join, and a mutex+condition ping-pong.  Each runs in a child
 * process of its own (bench/child.c), which calls init_pth_child() first:
 * Pth's scheduler owns process-wide state (its main thread, a signal
 * pipe, the signal mask it restores) that libpmt must not meet.  Built
 * only when configure found Pth.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <pth.h>

#include "bench.h"

const char version_pth[] = PTH_VERSION_STR;

/* In the child, before any row: Pth's set-up. */
int
init_pth_child(char *buf, size_t size)
{
	if (!pth_init()) {
		snprintf(buf, size, "pth_init: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void
check_pth(int ok, const char *what)
{
	if (!ok)
		check_sys(errno != 0 ? errno : EINVAL, what);
}

/* Tells the partners to finish; counts the partner's operations. */
static volatile int stop;
static volatile long partner_ops;

static void *
yield_partner(void *arg)
{
	while (!stop) {
		check_pth(pth_yield(NULL), "pth_yield");
		partner_ops++;
	}
	return arg;
}

/* main and a partner yield to each other; one operation is one
 * pth_yield of either, a pass through Pth's scheduler to the other. */
struct sample
run_pth_yield(long n)
{
	struct sample s;
	long i, ops0;
	double t0;
	pth_t tid;

	stop = 0;
	partner_ops = 0;
	tid = pth_spawn(PTH_ATTR_DEFAULT, yield_partner, NULL);
	check_pth(tid != NULL, "pth_spawn");
	check_pth(pth_yield(NULL), "pth_yield");
	ops0 = partner_ops;
	t0 = now_ns();
	for (i = 0; i < n; i++)
		check_pth(pth_yield(NULL), "pth_yield");
	s.ns = now_ns() - t0;
	s.ops = (double)n + (double)(partner_ops - ops0);
	stop = 1;
	check_pth(pth_join(tid, NULL), "pth_join");
	return s;
}

/* Pth's user-space contexts without its scheduler: two switches per
 * iteration, one each way, like the swapcontext row. */
static pth_uctx_t uc_main, uc_co;
static char uc_stack[STACK_SIZE];

static void
uctx_partner(void *arg)
{
	(void)arg;
	for (;;)
		pth_uctx_switch(uc_co, uc_main);
}

struct sample
run_pth_uctx(long n)
{
	struct sample s;
	double t0;
	long i;

	if (uc_main == NULL) {
		check_pth(pth_uctx_create(&uc_main), "pth_uctx_create");
		check_pth(pth_uctx_create(&uc_co), "pth_uctx_create");
		check_pth(pth_uctx_make(uc_co, uc_stack, sizeof uc_stack, NULL,
		              uctx_partner, NULL, NULL),
		    "pth_uctx_make");
	}
	check_pth(pth_uctx_switch(uc_main, uc_co), "pth_uctx_switch");
	t0 = now_ns();
	for (i = 0; i < n; i++)
		pth_uctx_switch(uc_main, uc_co);
	s.ns = now_ns() - t0;
	s.ops = 2.0 * (double)n;
	return s;
}

static void *
trivial(void *arg)
{
	return arg;
}

/* A joinable thread (Pth's default attributes, its stack from the heap)
 * that returns at once, joined: Pth's create+run+join. */
struct sample
run_pth_spawn(long n)
{
	struct sample s;
	double t0;
	pth_t tid;
	long i;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		tid = pth_spawn(PTH_ATTR_DEFAULT, trivial, NULL);
		check_pth(tid != NULL, "pth_spawn");
		check_pth(pth_join(tid, NULL), "pth_join");
	}
	s.ns = now_ns() - t0;
	s.ops = (double)n;
	return s;
}

/* Mutex and condition ping-pong, as libpmt's: a turn under the mutex, a
 * condition for each side.  One operation is one hand-over of the turn. */
static pth_mutex_t mutex = PTH_MUTEX_INIT;
static pth_cond_t cond[2] = {PTH_COND_INIT, PTH_COND_INIT};
static volatile int turn;

static void *
cond_partner(void *arg)
{
	check_pth(pth_mutex_acquire(&mutex, 0, NULL), "pth_mutex_acquire");
	for (;;) {
		while (turn != 1 && !stop)
			check_pth(pth_cond_await(&cond[1], &mutex, NULL),
			    "pth_cond_await");
		if (stop)
			break;
		turn = 0;
		check_pth(pth_cond_notify(&cond[0], 0), "pth_cond_notify");
	}
	check_pth(pth_mutex_release(&mutex), "pth_mutex_release");
	return arg;
}

struct sample
run_pth_cond_pingpong(long n)
{
	struct sample s;
	double t0;
	pth_t tid;
	long i;

	stop = 0;
	turn = 0;
	tid = pth_spawn(PTH_ATTR_DEFAULT, cond_partner, NULL);
	check_pth(tid != NULL, "pth_spawn");
	check_pth(pth_yield(NULL), "pth_yield");
	check_pth(pth_mutex_acquire(&mutex, 0, NULL), "pth_mutex_acquire");
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		turn = 1;
		check_pth(pth_cond_notify(&cond[1], 0), "pth_cond_notify");
		while (turn != 0)
			check_pth(pth_cond_await(&cond[0], &mutex, NULL),
			    "pth_cond_await");
	}
	s.ns = now_ns() - t0;
	s.ops = 2.0 * (double)n;
	stop = 1;
	check_pth(pth_cond_notify(&cond[1], 0), "pth_cond_notify");
	check_pth(pth_mutex_release(&mutex), "pth_mutex_release");
	check_pth(pth_join(tid, NULL), "pth_join");
	return s;
}
