/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * sleep.c - how late pmt_sleep_until() returns after a 1 ms deadline,
 * idle, idle with the 1 ms timer running, and with the timer and a busy
 * thread below the sleeper.  Called on main.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include <pmt.h>

#include "bench.h"

/*
 * pmt_sleep() wake-up: main sleeps 1 ms again and again, each time until
 * a deadline 1 ms after its clock reading, and records how late it runs
 * again.  Three ways: cooperatively with nothing else ready, when the
 * port idles the kernel thread until the deadline (clock_nanosleep); the
 * same with the 1 ms timer running; and with the 1 ms timer and a busy
 * thread below main, when the tick that finds the deadline passed ends
 * the sleep and main, higher, takes the CPU at once.
 */
#define SLEEP_NS PMT_MSEC(1)

const char *const sl_names[NSL] = {
    "cooperative, idle",
    "1 ms tick, idle",
    "1 ms tick, busy thread below",
};
static double *sl_samples[NSL];
static volatile int stop; /* tells the busy thread to finish */
static volatile uint64_t sink;
static long sl_count[NSL];

static void *
sl_busy(void *arg)
{
	while (!stop)
		sink = sink * 6364136223846793005u + 1;
	return arg;
}

static void
sleep_run(int way)
{
	pmt_time_t deadline, woke;
	pmt_t tid;
	long i;

	stop = 0;
	if (way != SL_IDLE)
		preempt_start(1000, 0);
	if (way == SL_BUSY_TICK)
		check_pmt(pmt_spawn(&tid, sl_busy, NULL, work_stacks[0],
		              sizeof work_stacks[0], WORKER_PRIO),
		    "pmt_spawn");
	for (i = 0; i < set.sleep_per_round; i++) {
		deadline = pmt_now() + SLEEP_NS;
		check_pmt(pmt_sleep_until(deadline), "pmt_sleep_until");
		woke = pmt_now();
		sl_samples[way][sl_count[way]++] = (double)(woke - deadline);
	}
	stop = 1;
	if (way == SL_BUSY_TICK)
		check_pmt(pmt_join(tid, NULL), "pmt_join");
	if (way != SL_IDLE)
		preempt_stop();
}

void
sleep_round(int r)
{
	int k;

	for (k = 0; k < NSL; k++)
		sleep_run(r % 2 ? NSL - 1 - k : k);
}

/* Room for every round's samples. */
void
sleep_setup(void)
{
	int k;

	for (k = 0; k < NSL; k++)
		if ((sl_samples[k] = calloc(
		         (size_t)set.rounds * (size_t)set.sleep_per_round,
		         sizeof sl_samples[k][0])) == NULL)
			check_sys(ENOMEM, "sleep_setup");
}

/* Percentiles of the samples pooled over the rounds. */
struct percentiles sl_pct[NSL];

void
sleep_summarise(void)
{
	int k;

	for (k = 0; k < NSL; k++)
		percentiles_of(sl_samples[k], sl_count[k], &sl_pct[k]);
}
