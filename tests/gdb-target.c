/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * gdb-target.c - the program tests/gdb.test debugs: it parks threads of
 * several priorities in every way a thread can be parked, calls
 * gdb_target_break() for the debugger to look at them, then lets them all
 * finish and exits with status 0.
 *
 * At the breakpoint, main (priority 31) runs, and:
 *   yielder  prio 4   READY, in pmt_yield()         (ids.yield_lo)
 *   done     prio 12  DONE, not yet joined           (ids.done)
 *   joiner   prio 12  BLOCKED, in pmt_join(yield_lo) (ids.joiner)
 *   yielder  prio 20  READY, in pmt_yield()          (ids.yield_a, yield_b)
 *   busy     prio 24  READY, preempted by the tick   (ids.busy; only when
 *                     preemption is built: preempted = 1)
 *   idle     prio 2   READY, never started           (ids.idle)
 * With the argument "cputime" the tick counts CPU time (SIGVTALRM).
 * The order is deterministic: each priority level is filled in a round of
 * its own, lowest first, that ends when a finisher at that level, last in
 * its queue, exits and wakes main, which waits for it in pmt_join().
 */
#include <stdio.h>
#include <string.h>

#include <pmt.h>

#define STACK_SIZE (64 * 1024)

PMT_STACK_DEFINE(stacks[8], STACK_SIZE);

/* The ids, for the debugger. */
struct target_ids {
	pmt_t main, yield_lo, done, joiner, yield_a, yield_b, busy, idle;
};
struct target_ids ids;
/* 1 when the busy thread was parked by the tick (preemption built). */
volatile int preempted;

static volatile int stop;
static volatile int busy_spinning;

/* The debugger's breakpoint: kept out of line and called. */
__attribute__((noinline)) void gdb_target_break(void);

void
gdb_target_break(void)
{
	__asm__ __volatile__("" ::: "memory");
}

static void *
yielder_entry(void *arg)
{
	while (!stop)
		pmt_yield();
	return arg;
}

static void *
done_entry(void *arg)
{
	return arg;
}

static void *
joiner_entry(void *arg)
{
	pmt_t *tid = arg;

	return (void *)(long)pmt_join(*tid, NULL);
}

/* Never calls the library once it spins: only a tick, inside its
 * handler, takes the CPU from it. */
static void *
busy_entry(void *arg)
{
	busy_spinning = 1;
	while (!stop)
		;
	return arg;
}

/* Last of its level: ends a round.  At the busy level it waits until the
 * busy thread spins, so the busy thread is parked by a tick, in the
 * handler, and not by a tick deferred to the end of its start-up. */
static void *
finisher_entry(void *arg)
{
	if (arg != NULL)
		while (!busy_spinning)
			pmt_yield();
	return NULL;
}

static void *
idle_entry(void *arg)
{
	return arg;
}

static int
spawn(pmt_t *tid, void *(*entry)(void *), void *arg, int stack, int prio)
{
	int error = pmt_spawn(
	    tid, entry, arg, stacks[stack], sizeof stacks[stack], prio);

	if (error != 0)
		fprintf(
		    stderr, "gdb-target: pmt_spawn: %s\n", pmt_strerror(error));
	return error;
}

/* Fills a level: the threads already spawned there run until each is
 * parked, then the finisher exits and main, waiting for it, runs on. */
static int
round_end(int prio, void *arg)
{
	pmt_t fin;
	int error = spawn(&fin, finisher_entry, arg, 7, prio);

	if (error == 0)
		error = pmt_join(fin, NULL);
	return error;
}

int
main(int argc, char **argv)
{
	unsigned flags = 0;
	int error;

	if ((error = pmt_init()) != 0 ||
	    (error = pmt_setprio(pmt_self(), PMT_PRIO_MAX)) != 0) {
		fprintf(stderr, "gdb-target: %s\n", pmt_strerror(error));
		return 1;
	}
	if (argc > 1 && strcmp(argv[1], "cputime") == 0)
		flags = PMT_PREEMPT_CPUTIME;
	ids.main = pmt_self();
	if (spawn(&ids.yield_lo, yielder_entry, NULL, 0, 4) != 0 ||
	    round_end(4, NULL) != 0)
		return 1;
	if (spawn(&ids.done, done_entry, NULL, 1, 12) != 0 ||
	    spawn(&ids.joiner, joiner_entry, &ids.yield_lo, 2, 12) != 0 ||
	    round_end(12, NULL) != 0)
		return 1;
	if (spawn(&ids.yield_a, yielder_entry, NULL, 3, 20) != 0 ||
	    spawn(&ids.yield_b, yielder_entry, NULL, 4, 20) != 0 ||
	    round_end(20, NULL) != 0)
		return 1;
	error = pmt_preempt_start(PMT_PREEMPT_DEFAULT_USEC, flags);
	if (error == 0) {
		if (spawn(&ids.busy, busy_entry, NULL, 5, 24) != 0 ||
		    round_end(24, &ids.busy) != 0)
			return 1;
		preempted = 1;
	} else if (error != PMT_ENOSYS) {
		fprintf(stderr, "gdb-target: pmt_preempt_start: %s\n",
		    pmt_strerror(error));
		return 1;
	}
	if (spawn(&ids.idle, idle_entry, NULL, 6, 2) != 0)
		return 1;

	gdb_target_break();

	/* No more ticks: the debugger may step through every switch from
	 * here on, and a tick taken while it does so would preempt each
	 * thread resumed before it can see stop. */
	if (preempted && pmt_preempt_stop() != 0)
		return 1;
	stop = 1;
	/* The joiner waits for yield_lo; all others are waited for here. */
	if (pmt_join(ids.joiner, NULL) != 0 ||
	    pmt_join(ids.yield_a, NULL) != 0 ||
	    pmt_join(ids.yield_b, NULL) != 0 ||
	    (preempted && pmt_join(ids.busy, NULL) != 0) ||
	    pmt_join(ids.done, NULL) != 0 || pmt_join(ids.idle, NULL) != 0) {
		fprintf(stderr, "gdb-target: a join failed\n");
		return 1;
	}
	printf("gdb-target: ok\n");
	return 0;
}
