/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * clock.c - the POSIX port's clock and idle: CLOCK_MONOTONIC, and a sleep
 * of the kernel thread until the earliest deadline when no libpmt thread
 * can run.
 */
#include <config.h>

#include <errno.h>
#include <time.h>

#include <pmt.h>

#include "../port.h"

/* Any context: clock_gettime() is async-signal-safe. */
pmt_time_t
pmt_port_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (pmt_time_t)ts.tv_sec * 1000000000u + (pmt_time_t)ts.tv_nsec;
}

/*
 * Scheduler locked, on the stack of the thread that found nothing to run,
 * whose errno this is.  A tick or another signal cuts the sleep short
 * (EINTR), which the core allows for.
 */
void
pmt_port_idle(pmt_time_t deadline)
{
	int saved = errno;
	struct timespec ts;

#ifdef HAVE_CLOCK_NANOSLEEP
	ts.tv_sec = (time_t)(deadline / 1000000000u);
	ts.tv_nsec = (long)(deadline % 1000000000u);
	(void)clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
#else
	pmt_time_t now = pmt_port_now();

	if (deadline > now) {
		deadline -= now;
		ts.tv_sec = (time_t)(deadline / 1000000000u);
		ts.tv_nsec = (long)(deadline % 1000000000u);
		(void)nanosleep(&ts, NULL);
	}
#endif
	errno = saved;
}
