/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * producer_consumer.c - a bounded buffer shared by three producers and
 * three consumers under timer preemption: a mutex guards it, and two
 * condition variables let producers wait for room and consumers for
 * items.  Every item must reach exactly one consumer, in the order its
 * producer made it; the program checks that and prints a summary that is
 * the same on every run.
 */
#include <stdio.h>
#include <stdlib.h>

#include <pmt.h>

#define NPRODUCERS 3
#define NCONSUMERS 3
#define ITEMS 3000 /* per producer */
#define TOTAL (NPRODUCERS * ITEMS)
#define SLOTS 8 /* the buffer's capacity */
/* A short tick, so that many land inside the critical sections too. */
#define TICK_USEC 100
#define WORK_PRIO (PMT_PRIO_DEFAULT - 8)
/* Generous, so that it is above pmt_stack_min() on any machine. */
#define STACK_SIZE (64 * 1024)

PMT_STACK_DEFINE(stacks[NPRODUCERS + NCONSUMERS], STACK_SIZE);

/* The buffer: a ring of SLOTS items, all guarded by lock. */
static pmt_mutex_t lock = PMT_MUTEX_INITIALIZER;
static pmt_cond_t not_full = PMT_COND_INITIALIZER;
static pmt_cond_t not_empty = PMT_COND_INITIALIZER;
static int ring[SLOTS];
static int head, count; /* first full slot, full slots */
static int taken;       /* items consumers have taken so far */

/*
 * What the consumers saw, also guarded by lock: how often each item was
 * delivered, the last item number taken from each producer, and the
 * count that the buffer held at most; items seen twice, and items that
 * came before an earlier one of their producer.
 */
static unsigned char delivered[TOTAL];
static int last_seen[NPRODUCERS];
static int max_count;
static int twice, out_of_order;

/* Each thread's count of items, written by that thread only. */
static int made[NPRODUCERS], eaten[NCONSUMERS];

/* Reports a failed libpmt call and ends the program. */
static void
check(int error, const char *what)
{
	if (error != 0) {
		fprintf(stderr, "producer_consumer: %s: %s\n", what,
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

/* Busy work of a length that varies with x, so that the threads drift
 * apart and the ticks land at ever different places.  Returns a new x. */
static unsigned
work(unsigned x, int base)
{
	volatile unsigned sink = x;
	int i, n = base + (int)(x % (unsigned)base);

	for (i = 0; i < n; i++)
		sink = sink * 1664525u + 1013904223u;
	return sink;
}

/* Producer p: makes items p * ITEMS + 0, 1, ..., ITEMS - 1. */
static void *
producer(void *arg)
{
	int p = (int)(long)arg, i;
	unsigned x = (unsigned)p + 1;

	for (i = 0; i < ITEMS; i++) {
		x = work(x, 600); /* "making" the item, outside the lock */
		check(pmt_mutex_lock(&lock), "pmt_mutex_lock");
		/* A loop, as always with conditions: the room a signal
		 * announced may be gone by the time this thread runs. */
		while (count == SLOTS)
			check(pmt_cond_wait(&not_full, &lock), "pmt_cond_wait");
		x = work(x, 50); /* a tick here finds the lock held */
		ring[(head + count) % SLOTS] = p * ITEMS + i;
		count++;
		if (count > max_count)
			max_count = count;
		check(pmt_cond_signal(&not_empty), "pmt_cond_signal");
		check(pmt_mutex_unlock(&lock), "pmt_mutex_unlock");
		made[p]++;
	}
	return NULL;
}

/* Consumer c: takes items until all TOTAL have been taken. */
static void *
consumer(void *arg)
{
	int c = (int)(long)arg, item;
	unsigned x = (unsigned)c + 101;

	for (;;) {
		check(pmt_mutex_lock(&lock), "pmt_mutex_lock");
		while (count == 0 && taken < TOTAL)
			check(
			    pmt_cond_wait(&not_empty, &lock), "pmt_cond_wait");
		if (taken == TOTAL) {
			check(pmt_mutex_unlock(&lock), "pmt_mutex_unlock");
			break;
		}
		item = ring[head];
		head = (head + 1) % SLOTS;
		count--;
		taken++;
		x = work(x, 50);
		/* Exactly once, and each producer's items in order. */
		if (delivered[item]++ != 0)
			twice++;
		if (item % ITEMS <= last_seen[item / ITEMS])
			out_of_order++;
		last_seen[item / ITEMS] = item % ITEMS;
		check(pmt_cond_signal(&not_full), "pmt_cond_signal");
		/* The last item: the consumers still waiting must stop. */
		if (taken == TOTAL)
			check(pmt_cond_broadcast(&not_empty),
			    "pmt_cond_broadcast");
		check(pmt_mutex_unlock(&lock), "pmt_mutex_unlock");
		eaten[c]++;
		x = work(x, 600); /* "using" the item */
	}
	return NULL;
}

int
main(void)
{
	pmt_t tids[NPRODUCERS + NCONSUMERS];
	struct pmt_stats st;
	int k, n, sum = 0, once = 1, error, ok;

	if (pmt_stack_min() > STACK_SIZE) {
		fprintf(stderr,
		    "producer_consumer: stacks of %d bytes are below "
		    "this machine's minimum of %zu\n",
		    STACK_SIZE, pmt_stack_min());
		return 1;
	}
	check(pmt_init(), "pmt_init");
	printf("producer_consumer: %d producers and %d consumers at priority "
	       "%d, a buffer of %d slots\n",
	    NPRODUCERS, NCONSUMERS, WORK_PRIO, SLOTS);
	error = pmt_preempt_start(TICK_USEC, 0);
	if (error == PMT_ENOSYS) {
		/* Built with --enable-preemption=no, or no SIGALRM here. */
		printf("producer_consumer: skipped: %s\n", pmt_strerror(error));
		return 77;
	}
	check(error, "pmt_preempt_start");

	for (k = 0; k < NPRODUCERS + NCONSUMERS; k++) {
		int producing = k < NPRODUCERS;

		last_seen[k % NPRODUCERS] = -1;
		check(pmt_spawn(&tids[k], producing ? producer : consumer,
		          (void *)(long)(producing ? k : k - NPRODUCERS),
		          stacks[k], sizeof stacks[k], WORK_PRIO),
		    "pmt_spawn");
	}
	/* main, above them all, waits here; the ticks rotate the others. */
	for (k = 0; k < NPRODUCERS + NCONSUMERS; k++)
		check(pmt_join(tids[k], NULL), "pmt_join");
	check(pmt_preempt_stop(), "pmt_preempt_stop");
	check(pmt_stats(&st), "pmt_stats");

	for (k = 0; k < NPRODUCERS; k++)
		printf("producer %d: made %d items\n", k, made[k]);
	for (k = 0; k < NCONSUMERS; k++)
		sum += eaten[k];
	for (n = 0; n < TOTAL; n++)
		if (delivered[n] != 1)
			once = 0;
	printf("consumers: took %d items between them\n", sum);
	printf(
	    "every item delivered exactly once: %s\n", yes(once && twice == 0));
	printf("each producer's items arrived in order: %s\n",
	    yes(out_of_order == 0));
	printf("the buffer never held more than %d items: %s\n", SLOTS,
	    yes(max_count <= SLOTS));
	printf("ticks forced switches: %s\n", yes(st.preemptions > 0));
	ok = once && twice == 0 && out_of_order == 0 && sum == TOTAL &&
	     max_count <= SLOTS && st.preemptions > 0;
	for (k = 0; k < NPRODUCERS; k++)
		ok = ok && made[k] == ITEMS;
	printf("producer_consumer: %s\n", ok ? "ok" : "FAILED");
	return ok ? 0 : 1;
}
