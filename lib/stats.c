/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * stats.c - what the scheduler has done: pmt_stats(), pmt_stack_min().
 */
#include "core.h"

/* Thread context. */
int
pmt_stats(struct pmt_stats *stats)
{
	if (!pmt_core.initialised)
		return PMT_ENOINIT;
	if (stats == NULL)
		return PMT_EINVAL;
	pmt_core_lock();
	*stats = pmt_core.stats;
	stats->threads = pmt_core.alive;
	stats->max_threads = PMT_CONFIG_MAX_THREADS;
	pmt_core_unlock();
	return 0;
}

/* Any context. */
size_t
pmt_stack_min(void)
{
	return pmt_port_stack_min();
}
