/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * ucontext.c - pmt-bench's glibc ucontext rows: a swapcontext() ping-pong
 * and makecontext+swapcontext as create+run+join.  Called on main.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <ucontext.h>

#include <pmt.h>

#include "bench.h"

PMT_STACK_DEFINE(uc_stack, STACK_SIZE);

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
		check_sys(errno, "getcontext");
	uc_co.uc_stack.ss_sp = uc_stack;
	uc_co.uc_stack.ss_size = sizeof uc_stack;
	uc_co.uc_link = link;
	makecontext(&uc_co, fn, 0);
}

/* Two swapcontext() calls per iteration, one each way.  The partner of
 * the previous run is abandoned parked in its loop; it holds nothing. */
struct sample
run_uc_swap(long n)
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
struct sample
run_uc_create(long n)
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
