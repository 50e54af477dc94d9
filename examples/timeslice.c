/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * timeslice.c - who gets the CPU under timer preemption: every second two
 * busy high-priority threads share it for half a second, and only when
 * they are done do the low-priority ones run; the program prints each
 * second what every thread did.
 *
 * Usage: timeslice [seconds]   (default 3)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <pmt.h>

#define HIGH_PRIO 10
#define LOW_PRIO 5
#define MAX_SECONDS 60
/* Generous, so that it is above pmt_stack_min() on any machine. */
#define STACK_SIZE (64 * 1024)

enum { A, B, C, CLOCK, NWORKERS };

PMT_STACK_DEFINE(stacks[NWORKERS], STACK_SIZE);

struct worker {
	const char *name;
	int prio;
	/* Written by the worker only; main reads them at the end of each
	 * second and prints the differences. */
	volatile unsigned long loops;  /* iterations of its busy loop */
	volatile unsigned long slices; /* times it got the CPU */
};

static struct worker workers[NWORKERS] = {
    [A] = {"A", HIGH_PRIO, 0, 0},
    [B] = {"B", HIGH_PRIO, 0, 0},
    [C] = {"C", LOW_PRIO, 0, 0},
    [CLOCK] = {"clock", LOW_PRIO, 0, 0},
};

/* Shared; volatile, because a tick may switch threads between any two
 * instructions, so each read must really load the variable. */
static volatile int last_runner = -1;  /* worker that ran last */
static volatile int high_phase;        /* A and B are alive */
static volatile int stop;              /* C must end */
static volatile unsigned long c_early; /* C's loops while A or B lived */
static double half_time, end_time;     /* of the current second */
static double give_up_time;            /* a second after the last one */

/* Reports a failed libpmt call and ends the program. */
static void
check(int error, const char *what)
{
	if (error != 0) {
		fprintf(
		    stderr, "timeslice: %s: %s\n", what, pmt_strerror(error));
		exit(1);
	}
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

/* One iteration of worker w's busy loop, the same work in every worker:
 * read the clock, count the iteration, and count a new time slice when
 * another thread ran since w's last iteration.  Returns the time. */
static double
busy(struct worker *w)
{
	int me = (int)(w - workers);

	if (last_runner != me) {
		last_runner = me;
		w->slices++;
	}
	w->loops++;
	return now();
}

/* A and B: busy until the middle of the second, then they end.  They
 * never yield; the ticks make them take turns. */
static void *
high(void *arg)
{
	while (busy(arg) < half_time)
		;
	return NULL;
}

/* C: busy for the whole program.  Being lower, it runs only while no
 * thread of HIGH_PRIO (or main's) is ready.  It never yields either: were
 * the ticks to fail, only its give-up time would end it. */
static void *
low(void *arg)
{
	while (!stop) {
		if (high_phase)
			c_early++;
		if (busy(arg) > give_up_time)
			break;
	}
	return NULL;
}

/* The clock: ends at the end of the second, which wakes main.  It yields
 * to C each time it finds the second not over yet; C never yields, so
 * the clock runs again only when a tick takes the CPU from C. */
static void *
clock_thread(void *arg)
{
	while (busy(arg) < end_time)
		check(pmt_yield(), "pmt_yield");
	return NULL;
}

/* Spawns worker k, running entry. */
static pmt_t
start(int k, void *(*entry)(void *))
{
	pmt_t tid;

	check(pmt_spawn(&tid, entry, &workers[k], stacks[k], sizeof stacks[k],
	          workers[k].prio),
	    "pmt_spawn");
	return tid;
}

int
main(int argc, char **argv)
{
	unsigned long loops[NWORKERS], slices[NWORKERS], total;
	struct pmt_stats st, st0;
	pmt_t a, b, clk, c;
	double t0;
	long seconds = 3;
	char *end;
	int k, sec, ok = 1, error;

	if (argc > 2 ||
	    (argc == 2 && ((seconds = strtol(argv[1], &end, 10)) < 1 ||
	                      seconds > MAX_SECONDS || *end != '\0'))) {
		fprintf(stderr, "usage: timeslice [seconds (1 to %d)]\n",
		    MAX_SECONDS);
		return 1;
	}
	if (pmt_stack_min() > STACK_SIZE) {
		fprintf(stderr,
		    "timeslice: stacks of %d bytes are below this "
		    "machine's minimum of %zu\n",
		    STACK_SIZE, pmt_stack_min());
		return 1;
	}
	/* main runs at PMT_PRIO_DEFAULT (16), above every worker. */
	check(pmt_init(), "pmt_init");
	error = pmt_preempt_start(PMT_PREEMPT_DEFAULT_USEC, 0);
	if (error == PMT_ENOSYS) {
		/* Built with --enable-preemption=no, or no SIGALRM here. */
		printf("timeslice: skipped: %s\n", pmt_strerror(error));
		return 77;
	}
	check(error, "pmt_preempt_start");
	c = start(C, low);
	pmt_printf("timeslice: A and B at priority %d, busy for the first "
	           "half of each second;\n"
	           "C and the clock at priority %d; a tick every %d us\n",
	    HIGH_PRIO, LOW_PRIO, PMT_PREEMPT_DEFAULT_USEC);

	t0 = now();
	give_up_time = t0 + (double)seconds + 1;
	for (sec = 1; sec <= seconds; sec++) {
		half_time = t0 + sec - 0.5;
		end_time = t0 + sec;
		for (k = 0; k < NWORKERS; k++) {
			loops[k] = workers[k].loops;
			slices[k] = workers[k].slices;
		}
		check(pmt_stats(&st0), "pmt_stats");

		/* Nothing runs before main blocks in pmt_join(): all are
		 * below main.  Then A and B share the CPU until they end;
		 * the clock and C, though ready, wait until then. */
		high_phase = 1;
		a = start(A, high);
		b = start(B, high);
		clk = start(CLOCK, clock_thread);
		check(pmt_join(a, NULL), "pmt_join");
		check(pmt_join(b, NULL), "pmt_join");
		high_phase = 0;
		/* Now C and the clock share it until the second is over. */
		check(pmt_join(clk, NULL), "pmt_join");
		check(pmt_stats(&st), "pmt_stats");

		/*
		 * main has no equal, so no tick ever switches away from it,
		 * and C is parked at a tick, outside any stdio call.  Still,
		 * pmt_printf() is the habit to keep: it is printf() with
		 * preemption disabled, safe in any thread.
		 */
		pmt_printf("second %d: %llu ticks, %llu preemptions\n", sec,
		    (unsigned long long)(st.ticks - st0.ticks),
		    (unsigned long long)(st.preemptions - st0.preemptions));
		total = 0;
		for (k = 0; k < NWORKERS; k++) {
			loops[k] = workers[k].loops - loops[k];
			slices[k] = workers[k].slices - slices[k];
			total += loops[k];
		}
		/* Every loop does the same work, so a thread's share of the
		 * loops is its share of the CPU. */
		for (k = 0; k < NWORKERS; k++)
			pmt_printf("  %-5s (priority %2d): %3.0f%% of the "
			           "loops, %4lu time slices\n",
			    workers[k].name, workers[k].prio,
			    100.0 * (double)loops[k] / (double)total,
			    slices[k]);
		/* A and B took turns, and C ran once they were done. */
		if (slices[A] < 2 || slices[B] < 2 || loops[C] == 0)
			ok = 0;
	}

	stop = 1;
	check(pmt_join(c, NULL), "pmt_join");
	check(pmt_preempt_stop(), "pmt_preempt_stop");
	if (c_early != 0) {
		pmt_printf("C ran while A or B was ready: %lu loops\n",
		    (unsigned long)c_early);
		ok = 0;
	}
	pmt_printf("timeslice: %s\n", ok ? "ok" : "FAILED");
	return ok ? 0 : 1;
}
