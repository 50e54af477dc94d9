/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * basic.c - the first libpmt program to read: three threads take turns
 * with pmt_yield(), and main joins them and prints their exit values.
 */
#include <stdio.h>
#include <stdlib.h>

#include <pmt.h>

#define NWORKERS 3
#define NSTEPS 3
/* Generous, so that it is above pmt_stack_min() on any machine. */
#define STACK_SIZE (64 * 1024)

/* The caller supplies every stack; libpmt never allocates memory. */
PMT_STACK_DEFINE(stacks[NWORKERS], STACK_SIZE);

struct worker {
	const char *name;
	char result[32]; /* what the thread hands back to its joiner */
};

static struct worker workers[NWORKERS] = {{"A", ""}, {"B", ""}, {"C", ""}};

/* Reports a failed libpmt call and ends the program. */
static void
check(int error, const char *what)
{
	if (error != 0) {
		fprintf(stderr, "basic: %s: %s\n", what, pmt_strerror(error));
		exit(1);
	}
}

/* The body of each thread: a few steps, giving way to the others after
 * each.  The return value becomes the thread's exit value. */
static void *
run(void *arg)
{
	struct worker *w = arg;
	int step;

	for (step = 1; step <= NSTEPS; step++) {
		printf("thread %s: step %d\n", w->name, step);
		/* Let the other threads of this priority run. */
		check(pmt_yield(), "pmt_yield");
	}
	snprintf(
	    w->result, sizeof w->result, "%s did %d steps", w->name, NSTEPS);
	return w->result;
}

int
main(void)
{
	pmt_t tids[NWORKERS];
	void *value;
	int i;

	if (pmt_stack_min() > STACK_SIZE) {
		fprintf(stderr,
		    "basic: stacks of %d bytes are below this "
		    "machine's minimum of %zu\n",
		    STACK_SIZE, pmt_stack_min());
		return 1;
	}

	/* main becomes a libpmt thread of priority PMT_PRIO_DEFAULT. */
	check(pmt_init(), "pmt_init");

	/*
	 * The workers get main's priority, so none runs yet: each waits at
	 * the tail of the ready queue until main gives up the CPU.
	 */
	for (i = 0; i < NWORKERS; i++)
		check(pmt_spawn(&tids[i], run, &workers[i], stacks[i],
		          sizeof stacks[i], PMT_PRIO_DEFAULT),
		    "pmt_spawn");

	/*
	 * The first join blocks main; A, B and C then run in turn, one step
	 * each, until all have finished.
	 */
	for (i = 0; i < NWORKERS; i++) {
		check(pmt_join(tids[i], &value), "pmt_join");
		printf("main: joined thread %s: \"%s\"\n", workers[i].name,
		    (const char *)value);
	}
	return 0;
}
