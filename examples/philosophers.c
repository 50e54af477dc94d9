/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * philosophers.c - the dining philosophers.  Five philosophers sit at a
 * round table with a fork between each two; a philosopher eats with both
 * forks beside him.  Each fork is a mutex.
 *
 * Part 1, under timer preemption: every philosopher picks up the
 * lower-numbered of his two forks first.  All locks are then taken in one
 * global order, so no circle of philosophers each holding one fork and
 * waiting for the next can form: no deadlock, whatever the ticks do.
 * Each eats MEALS times; the program checks that no two neighbours ever
 * ate at once.
 *
 * Part 2, cooperative: every philosopher picks up his left fork first,
 * and they take turns so that each holds his left fork when he reaches
 * for his right one: the classic deadlock.  libpmt refuses the one lock
 * that would close the circle with PMT_EDEADLK (see pmt_mutex_lock(3));
 * that philosopher puts his fork down and tries again in the safe order,
 * and all five eat.  With POSIX mutexes of the default type the five
 * threads would wait for each other forever.
 */
#include <stdio.h>
#include <stdlib.h>

#include <pmt.h>

#define NPHIL 5
#define MEALS 200
#define TICK_USEC 200
#define PHIL_PRIO (PMT_PRIO_DEFAULT - 8)
/* Generous, so that it is above pmt_stack_min() on any machine. */
#define STACK_SIZE (64 * 1024)

PMT_STACK_DEFINE(stacks[NPHIL], STACK_SIZE);

static pmt_mutex_t forks[NPHIL] = {PMT_MUTEX_INITIALIZER, PMT_MUTEX_INITIALIZER,
    PMT_MUTEX_INITIALIZER, PMT_MUTEX_INITIALIZER, PMT_MUTEX_INITIALIZER};

/* Who is eating now; written by each philosopher while he holds both his
 * forks, so a neighbour found eating means the forks failed. */
static volatile int eating[NPHIL];
static volatile int clashes;
static int meals[NPHIL];

/* Part 2: the order in which they ate, and who was refused. */
static int order[NPHIL], norder;
static int refused = -1, refused_fork = -1, refused_error;

/* Reports a failed libpmt call and ends the program. */
static void
check(int error, const char *what)
{
	if (error != 0) {
		fprintf(stderr, "philosophers: %s: %s\n", what,
		    pmt_strerror(error));
		exit(1);
	}
}

/* "yes" or "NO". */
static const char *
yes(int cond)
{
	return cond ? "yes" : "NO";
}

static int
left(int k)
{
	return k;
}

static int
right(int k)
{
	return (k + 1) % NPHIL;
}

/* Busy work whose length varies with x; returns a new x. */
static unsigned
work(unsigned x, int base)
{
	volatile unsigned sink = x;
	int i, n = base + (int)(x % (unsigned)base);

	for (i = 0; i < n; i++)
		sink = sink * 1664525u + 1013904223u;
	return sink;
}

/* Philosopher k eats, both forks in hand. */
static unsigned
eat(int k, unsigned x)
{
	eating[k] = 1;
	if (eating[(k + NPHIL - 1) % NPHIL] || eating[(k + 1) % NPHIL])
		clashes++;
	x = work(x, 2000);
	eating[k] = 0;
	meals[k]++;
	return x;
}

/* Takes both forks of philosopher k, the lower-numbered first. */
static void
pick_up_in_order(int k)
{
	int a = left(k) < right(k) ? left(k) : right(k);
	int b = left(k) < right(k) ? right(k) : left(k);

	check(pmt_mutex_lock(&forks[a]), "pmt_mutex_lock");
	check(pmt_mutex_lock(&forks[b]), "pmt_mutex_lock");
}

static void
put_down(int k)
{
	check(pmt_mutex_unlock(&forks[left(k)]), "pmt_mutex_unlock");
	check(pmt_mutex_unlock(&forks[right(k)]), "pmt_mutex_unlock");
}

/* Part 1: think, eat, MEALS times; the ticks interleave them. */
static void *
ordered(void *arg)
{
	int k = (int)(long)arg, i;
	unsigned x = (unsigned)k * 7919u + 1;

	for (i = 0; i < MEALS; i++) {
		x = work(x, 2000); /* thinking */
		pick_up_in_order(k);
		x = eat(k, x);
		put_down(k);
	}
	return NULL;
}

/* Part 2: the left fork first, and a yield between the two forks, so
 * that every philosopher holds one fork when the first reaches for his
 * second. */
static void *
naive(void *arg)
{
	int k = (int)(long)arg, error;

	check(pmt_mutex_lock(&forks[left(k)]), "pmt_mutex_lock");
	check(pmt_yield(), "pmt_yield");
	error = pmt_mutex_lock(&forks[right(k)]);
	if (error == PMT_EDEADLK) {
		/* Waiting would close the circle: give the left fork up
		 * (to the neighbour who waits for it) and start over in
		 * the safe order. */
		refused = k;
		refused_fork = right(k);
		refused_error = error;
		check(pmt_mutex_unlock(&forks[left(k)]), "pmt_mutex_unlock");
		pick_up_in_order(k);
	} else {
		check(error, "pmt_mutex_lock");
	}
	(void)eat(k, 1);
	order[norder++] = k;
	put_down(k);
	return NULL;
}

/* Spawns the philosophers running body and waits for them all. */
static void
dine(void *(*body)(void *))
{
	pmt_t tids[NPHIL];
	int k;

	for (k = 0; k < NPHIL; k++)
		check(pmt_spawn(&tids[k], body, (void *)(long)k, stacks[k],
		          sizeof stacks[k], PHIL_PRIO),
		    "pmt_spawn");
	for (k = 0; k < NPHIL; k++)
		check(pmt_join(tids[k], NULL), "pmt_join");
}

int
main(void)
{
	struct pmt_stats st;
	int k, ok = 1, error;

	if (pmt_stack_min() > STACK_SIZE) {
		fprintf(stderr,
		    "philosophers: stacks of %d bytes are below this "
		    "machine's minimum of %zu\n",
		    STACK_SIZE, pmt_stack_min());
		return 1;
	}
	check(pmt_init(), "pmt_init");
	error = pmt_preempt_start(TICK_USEC, 0);
	if (error == PMT_ENOSYS) {
		/* Built with --enable-preemption=no, or no SIGALRM here. */
		printf("philosophers: skipped: %s\n", pmt_strerror(error));
		return 77;
	}
	check(error, "pmt_preempt_start");

	printf("1. lower-numbered fork first, under preemption\n");
	dine(ordered);
	check(pmt_preempt_stop(), "pmt_preempt_stop");
	check(pmt_stats(&st), "pmt_stats");
	for (k = 0; k < NPHIL; k++) {
		printf("philosopher %d: ate %d times\n", k, meals[k]);
		ok = ok && meals[k] == MEALS;
	}
	printf(
	    "neighbours never ate at the same time: %s\n", yes(clashes == 0));
	printf("ticks forced switches: %s\n", yes(st.preemptions > 0));
	ok = ok && clashes == 0 && st.preemptions > 0;

	printf("2. left fork first, cooperatively\n");
	for (k = 0; k < NPHIL; k++)
		meals[k] = 0;
	dine(naive);
	if (refused >= 0)
		printf("philosopher %d: taking fork %d would close the circle: "
		       "%s\n",
		    refused, refused_fork,
		    refused_error == PMT_EDEADLK ? "PMT_EDEADLK"
		                                 : pmt_strerror(refused_error));
	printf("they ate in the order:");
	for (k = 0; k < norder; k++)
		printf(" %d", order[k]);
	printf("\n");
	for (k = 0; k < NPHIL; k++)
		ok = ok && meals[k] == 1;
	printf("all ate once, none deadlocked: %s\n",
	    yes(norder == NPHIL && clashes == 0));
	ok = ok && norder == NPHIL && clashes == 0 && refused == NPHIL - 1;
	printf("philosophers: %s\n", ok ? "ok" : "FAILED");
	return ok ? 0 : 1;
}
