/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * time.c - the clock and sleeps: pmt_now(), pmt_sleep(), pmt_sleep_until().
 */
#include "wait.h"

/* Any context. */
pmt_time_t
pmt_now(void)
{
	return pmt_port_now();
}

/* Thread context. */
int
pmt_sleep_until(pmt_time_t deadline)
{
	int error;

	if (!pmt_core.initialised)
		return PMT_ENOINIT;
	if (deadline == PMT_TIME_NEVER)
		return PMT_EINVAL;
	pmt_core_lock();
	error = pmt_wait_block(PMT_WAIT_SLEEP, NULL, NULL, deadline);
	pmt_core_unlock();
	/* The deadline passing is how a sleep ends. */
	return error == PMT_ETIMEDOUT ? 0 : error;
}

/* Thread context. */
int
pmt_sleep(pmt_time_t nsec)
{
	pmt_time_t now = pmt_port_now();

	if (!pmt_core.initialised)
		return PMT_ENOINIT;
	if (nsec >= PMT_TIME_NEVER - now)
		return PMT_EINVAL;
	return pmt_sleep_until(now + nsec);
}
