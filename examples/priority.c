/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * priority.c - how priorities order threads: the highest ready priority
 * runs first, equal priorities take turns, and raising a waiting thread
 * above the caller with pmt_setprio() runs it at once.
 */
#include <stdio.h>
#include <stdlib.h>

#include <pmt.h>

#define NSTACKS 3
/* Generous, so that it is above pmt_stack_min() on any machine. */
#define STACK_SIZE (64 * 1024)

PMT_STACK_DEFINE(stacks[NSTACKS], STACK_SIZE);

struct task {
	const char *name;
	int steps; /* lines to print, with a pmt_yield() between them */
	int ran;   /* set once the thread has started */
	int first; /* sequence numbers of its first and last lines */
	int last;
};

/* Lines printed by threads so far, to check the order they came in. */
static int seq;
/* Set when something did not happen in the order the contract says. */
static int failed;

/* Reports a failed libpmt call and ends the program. */
static void
check(int error, const char *what)
{
	if (error != 0) {
		fprintf(
		    stderr, "priority: %s: %s\n", what, pmt_strerror(error));
		exit(1);
	}
}

/* "yes" when cond holds; otherwise "NO", and the program fails. */
static const char *
yes(int cond)
{
	if (!cond)
		failed = 1;
	return cond ? "yes" : "NO";
}

/* The calling thread's priority. */
static int
my_prio(void)
{
	int prio;

	check(pmt_getprio(pmt_self(), &prio), "pmt_getprio");
	return prio;
}

/* The body of every thread here: print a few steps, yielding between
 * them.  A yield gives way only to threads of the same or a higher
 * priority; with none ready it returns at once. */
static void *
run(void *arg)
{
	struct task *t = arg;
	int step;

	t->ran = 1;
	for (step = 1; step <= t->steps; step++) {
		if (step > 1)
			check(pmt_yield(), "pmt_yield");
		printf(
		    "  %s (priority %d): step %d\n", t->name, my_prio(), step);
		if (step == 1)
			t->first = seq;
		t->last = seq++;
	}
	return NULL;
}

/* Starts task t at priority prio on stack number n. */
static pmt_t
start(struct task *t, int prio, int n)
{
	pmt_t tid;

	check(pmt_spawn(&tid, run, t, stacks[n], sizeof stacks[n], prio),
	    "pmt_spawn");
	return tid;
}

/* Part 1: three threads below main's priority wait until main blocks,
 * then run one after the other, highest priority first. */
static void
by_priority(void)
{
	struct task low = {"low", 2, 0, 0, 0}, high = {"high", 2, 0, 0, 0},
	            mid = {"mid", 2, 0, 0, 0};
	pmt_t tids[3];
	int i;

	printf("1. highest priority first\n");
	tids[0] = start(&low, 1, 0);
	tids[1] = start(&high, 10, 1);
	tids[2] = start(&mid, 5, 2);
	printf("main (priority %d): spawned low (1), high (10), mid (5); "
	       "none has run yet: %s\n",
	    my_prio(), yes(low.ran + high.ran + mid.ran == 0));
	/* Joining low blocks main, so the ready threads get the CPU. */
	for (i = 0; i < 3; i++)
		check(pmt_join(tids[i], NULL), "pmt_join");
	printf("main: joined all three; high, then mid, then low: %s\n",
	    yes(high.last < mid.first && mid.last < low.first));
}

/* Part 2: two threads of equal priority alternate at every yield. */
static void
round_robin(void)
{
	struct task ping = {"ping", 3, 0, 0, 0}, pong = {"pong", 3, 0, 0, 0};
	pmt_t a, b;

	printf("2. round robin among equals\n");
	a = start(&ping, 8, 0);
	b = start(&pong, 8, 1);
	check(pmt_join(a, NULL), "pmt_join");
	check(pmt_join(b, NULL), "pmt_join");
	/* Alternating, ping's lines are every other one, pong's between. */
	printf("main: joined ping and pong; they alternated: %s\n",
	    yes(pong.first == ping.first + 1 && pong.last == ping.last + 1 &&
	        ping.last - ping.first == 2 * (ping.steps - 1)));
}

/* Part 3: a ready thread of low priority waits for as long as main runs,
 * even across a yield; raising it above main runs it before pmt_setprio()
 * returns. */
static void
raise_waiting(void)
{
	struct task w = {"waiter", 1, 0, 0, 0};
	pmt_t tid;

	printf("3. pmt_setprio raises a waiting thread\n");
	tid = start(&w, 2, 0);
	check(pmt_yield(), "pmt_yield");
	printf("main: waiter (priority 2) still waits after main's yield: "
	       "%s\n",
	    yes(w.ran == 0));
	printf("main: raising waiter to priority 20\n");
	check(pmt_setprio(tid, 20), "pmt_setprio");
	printf("main: back from pmt_setprio; waiter has run: %s\n", yes(w.ran));
	check(pmt_join(tid, NULL), "pmt_join");
}

/* Part 4: a thread spawned above the caller's priority runs before
 * pmt_spawn() returns. */
static void
spawn_higher(void)
{
	struct task urgent = {"urgent", 2, 0, 0, 0};
	pmt_t tid;

	printf("4. a higher-priority thread runs at once\n");
	printf("main: spawning urgent at priority 24\n");
	tid = start(&urgent, 24, 0);
	printf(
	    "main: back from pmt_spawn; urgent has run: %s\n", yes(urgent.ran));
	check(pmt_join(tid, NULL), "pmt_join");
}

int
main(void)
{
	if (pmt_stack_min() > STACK_SIZE) {
		fprintf(stderr,
		    "priority: stacks of %d bytes are below this "
		    "machine's minimum of %zu\n",
		    STACK_SIZE, pmt_stack_min());
		return 1;
	}
	/* main runs at PMT_PRIO_DEFAULT (16). */
	check(pmt_init(), "pmt_init");
	by_priority();
	round_robin();
	raise_waiting();
	spawn_higher();
	if (failed)
		fprintf(stderr, "priority: the order above is not the one "
		                "libpmt promises\n");
	return failed;
}
