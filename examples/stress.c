/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * stress.c - ten threads on the smallest stacks this machine allows each
 * do many rounds of work and pmt_yield(); the program checks that every
 * round was done, in strict round-robin order, with the right results.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pmt.h>

#define NTHREADS 10
#define NITERS 10000
/*
 * Room reserved for each stack.  Each thread is given only
 * pmt_stack_min() bytes of it, the least libpmt accepts; that minimum
 * depends on the machine's signal frame size, so it is checked at run
 * time against this bound.
 */
#define STACK_ROOM (64 * 1024)

PMT_STACK_DEFINE(stacks[NTHREADS], STACK_ROOM);

struct worker {
	int index;
	long iterations;   /* rounds done */
	long out_of_turn;  /* rounds that did not come in round-robin order */
	uint32_t checksum; /* result of the work */
};

static struct worker workers[NTHREADS];
/* Rounds done by all threads together; tells each thread whose turn it
 * should be. */
static long turn;

/* Reports a failed libpmt call and ends the program. */
static void
check(int error, const char *what)
{
	if (error != 0) {
		fprintf(stderr, "stress: %s: %s\n", what, pmt_strerror(error));
		exit(1);
	}
}

/* One round of work: fill a buffer on the thread's own stack and fold it
 * into the checksum (FNV-1a). */
static uint32_t
work(uint32_t sum, int index, long iteration)
{
	unsigned char buf[512];
	size_t i;

	memset(buf, (int)((iteration + index) & 0xff), sizeof buf);
	buf[0] = (unsigned char)index;
	for (i = 0; i < sizeof buf; i++)
		sum = (sum ^ buf[i]) * 16777619u;
	return sum;
}

static void *
run(void *arg)
{
	struct worker *w = arg;
	long i;

	for (i = 0; i < NITERS; i++) {
		/* Equal priorities take strict turns: thread k does its
		 * round i as the (i * NTHREADS + k)-th round overall. */
		if (turn != i * NTHREADS + w->index)
			w->out_of_turn++;
		turn++;
		w->checksum = work(w->checksum, w->index, i);
		w->iterations++;
		check(pmt_yield(), "pmt_yield");
	}
	return w;
}

int
main(void)
{
	struct pmt_stats st;
	pmt_t tids[NTHREADS];
	size_t size = pmt_stack_min();
	long total = 0, expected = (long)NTHREADS * NITERS, i;
	uint32_t sum;
	void *value;
	int k, failed = 0;

	if (size > STACK_ROOM) {
		fprintf(stderr,
		    "stress: pmt_stack_min() is %zu bytes here, "
		    "more than the %d reserved per stack\n",
		    size, STACK_ROOM);
		return 1;
	}
	check(pmt_init(), "pmt_init");

	for (k = 0; k < NTHREADS; k++) {
		workers[k].index = k;
		workers[k].checksum = 2166136261u;
		check(pmt_spawn(&tids[k], run, &workers[k], stacks[k], size,
		          PMT_PRIO_DEFAULT),
		    "pmt_spawn");
	}

	/* The threads run while main waits for the first of them. */
	for (k = 0; k < NTHREADS; k++) {
		check(pmt_join(tids[k], &value), "pmt_join");
		if (value != &workers[k]) {
			printf("thread %d: wrong exit value\n", k);
			failed = 1;
		}
	}

	for (k = 0; k < NTHREADS; k++) {
		const struct worker *w = &workers[k];

		/* The same work done here, without threads, must agree. */
		sum = 2166136261u;
		for (i = 0; i < NITERS; i++)
			sum = work(sum, k, i);
		printf("thread %d: %ld iterations, %ld out of turn, "
		       "checksum %08lx (%s)\n",
		    k, w->iterations, w->out_of_turn,
		    (unsigned long)w->checksum,
		    w->checksum == sum ? "ok" : "WRONG");
		if (w->iterations != NITERS || w->out_of_turn != 0 ||
		    w->checksum != sum)
			failed = 1;
		total += w->iterations;
	}
	printf("total: %ld iterations (expected %ld)\n", total, expected);
	if (total != expected)
		failed = 1;

	check(pmt_stats(&st), "pmt_stats");
	printf("pmt_stats: %llu spawns, %llu exits, %llu yields, "
	       "threads alive: %lu\n",
	    (unsigned long long)st.spawns, (unsigned long long)st.exits,
	    (unsigned long long)st.yields, (unsigned long)st.threads);
	if (st.spawns != NTHREADS || st.exits != NTHREADS ||
	    st.yields != (uint64_t)expected || st.threads != 1)
		failed = 1;

	printf("%s\n", failed ? "stress: FAILED" : "stress: ok");
	return failed;
}
