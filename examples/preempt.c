/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * preempt.c - timer preemption: three threads spin in busy loops that
 * never yield, yet the timer tick gives each of them the CPU in turn.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <pmt.h>

#define NSPINNERS 3
/* The spinners and the stopper share a priority below main's. */
#define SPIN_PRIO (PMT_PRIO_DEFAULT - 8)
/* Time slices each spinner must get for the test to pass. */
#define TURNS 5
/* Only a broken tick takes this long: then the threads give up.  Ample
 * for a loaded machine, or one that runs the program under Valgrind. */
#define DEADLINE_SEC 10.0
/* Generous, so that it is above pmt_stack_min() on any machine. */
#define STACK_SIZE (64 * 1024)

PMT_STACK_DEFINE(stacks[NSPINNERS + 1], STACK_SIZE);

struct spinner {
	const char *name;
	volatile unsigned long loops; /* iterations of its busy loop */
	volatile int turns;           /* time slices it has had */
};

static struct spinner spinners[NSPINNERS] = {
    {"A", 0, 0}, {"B", 0, 0}, {"C", 0, 0}};
static volatile int stopper_turns;

/*
 * Shared by the threads.  volatile, because a tick may switch threads
 * between any two instructions: each read must really load the variable.
 */
static volatile int last_runner = -1; /* thread that ran last */
static volatile int stop;             /* set by the stopper: all done */
static double deadline;

/* Reports a failed libpmt call and ends the program. */
static void
check(int error, const char *what)
{
	if (error != 0) {
		fprintf(stderr, "preempt: %s: %s\n", what, pmt_strerror(error));
		exit(1);
	}
}

/* "yes" or "NO". */
static const char *
yes(int cond)
{
	return cond ? "yes" : "NO";
}

/* Monotonic time in seconds.  clock_gettime() keeps no hidden state, so
 * it is safe for a thread that a tick may interrupt anywhere. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Called on every iteration of a busy loop by thread me: when another
 * thread ran since me's last iteration, a tick took the CPU away from me
 * and gave it back, so me is in a new time slice. */
static void
count_turn(int me, volatile int *turns)
{
	if (last_runner != me) {
		last_runner = me;
		(*turns)++;
	}
}

/* A spinner: a busy loop with no pmt_yield() and no blocking call, so
 * only a tick can take the CPU away from it.  The deadline matters only
 * if preemption fails, when it keeps the program from spinning forever. */
static void *
spin(void *arg)
{
	struct spinner *s = arg;
	int me = (int)(s - spinners);

	while (!stop && now() < deadline) {
		count_turn(me, &s->turns);
		s->loops++;
	}
	return NULL;
}

/* The stopper: spins as well, and so gets its time slice between the
 * spinners' ones; it ends once every spinner has had TURNS slices. */
static void *
stopper(void *arg)
{
	int done = 0, k;

	(void)arg;
	while (!done && now() < deadline) {
		count_turn(NSPINNERS, &stopper_turns);
		done = 1;
		for (k = 0; k < NSPINNERS; k++)
			if (spinners[k].turns < TURNS)
				done = 0;
	}
	stop = 1;
	return NULL;
}

int
main(void)
{
	struct pmt_stats st;
	pmt_t tids[NSPINNERS], stop_tid;
	int k, ok = 1, error;

	if (pmt_stack_min() > STACK_SIZE) {
		fprintf(stderr,
		    "preempt: stacks of %d bytes are below this "
		    "machine's minimum of %zu\n",
		    STACK_SIZE, pmt_stack_min());
		return 1;
	}
	check(pmt_init(), "pmt_init");

	/* Below main's priority, none of them runs until main blocks. */
	for (k = 0; k < NSPINNERS; k++)
		check(pmt_spawn(&tids[k], spin, &spinners[k], stacks[k],
		          sizeof stacks[k], SPIN_PRIO),
		    "pmt_spawn");
	check(pmt_spawn(&stop_tid, stopper, NULL, stacks[NSPINNERS],
	          sizeof stacks[NSPINNERS], SPIN_PRIO),
	    "pmt_spawn");
	printf("preempt: %d spinners and a stopper at priority %d, "
	       "main at %d\n",
	    NSPINNERS, SPIN_PRIO, PMT_PRIO_DEFAULT);

	/*
	 * A tick every PMT_PREEMPT_DEFAULT_USEC (1 ms) moves the running
	 * thread behind its equals.  main has no equal, so the ticks never
	 * take the CPU from main; they only rotate the spinners.
	 */
	deadline = now() + DEADLINE_SEC;
	error = pmt_preempt_start(PMT_PREEMPT_DEFAULT_USEC, 0);
	if (error == PMT_ENOSYS) {
		/* Built with --enable-preemption=no, or no SIGALRM here. */
		printf("preempt: skipped: %s\n", pmt_strerror(error));
		return 77;
	}
	check(error, "pmt_preempt_start");

	/* main blocks here, without spinning; the stopper's end wakes it,
	 * and main, the higher priority, runs again at once. */
	check(pmt_join(stop_tid, NULL), "pmt_join");
	check(pmt_preempt_stop(), "pmt_preempt_stop");
	check(pmt_stats(&st), "pmt_stats");

	/* Each spinner sees stop as soon as it runs again, and ends. */
	for (k = 0; k < NSPINNERS; k++)
		check(pmt_join(tids[k], NULL), "pmt_join");

	for (k = 0; k < NSPINNERS; k++) {
		int progressed = spinners[k].turns >= TURNS;

		printf("spinner %s: made progress in %d time slices or "
		       "more: %s\n",
		    spinners[k].name, TURNS, yes(progressed));
		ok = ok && progressed;
	}
	printf(
	    "stopper: ran between the spinners: %s\n", yes(stopper_turns >= 2));
	printf("ticks forced switches: %s\n", yes(st.preemptions > 0));
	ok = ok && stopper_turns >= 2 && st.preemptions > 0;
	printf("preempt: %s\n", ok ? "ok" : "FAILED");
	if (!ok)
		fprintf(stderr,
		    "preempt: the spinners did not all run "
		    "within %.0f s: preemption does not work\n",
		    DEADLINE_SEC);
	return ok ? 0 : 1;
}
