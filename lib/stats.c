/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * stats.c - what the scheduler has done: pmt_stats(), pmt_thread_stats(),
 * pmt_stack_min().
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

/* Thread context. */
int
pmt_thread_stats(pmt_t tid, struct pmt_thread_stats *stats)
{
	const struct pmt_thread *t;
	const struct pmt_thread_counts *c;

	if (!pmt_core.initialised)
		return PMT_ENOINIT;
	if (stats == NULL)
		return PMT_EINVAL;
	pmt_core_lock();
	t = pmt_thread_lookup(tid);
	if (t != NULL) {
		c = pmt_thread_counts(t);
		stats->switches =
		    (uint64_t)c->switches_high << 32 | t->switches;
		stats->preemptions = c->preemptions;
		stats->state = t->state;
	}
	pmt_core_unlock();
	return t != NULL ? 0 : PMT_ESRCH;
}

/* Scheduler locked. */
void
pmt_thread_switches_wrapped(const struct pmt_thread *t)
{
	pmt_thread_counts(t)->switches_high++;
}

/* Any context. */
size_t
pmt_stack_min(void)
{
	return pmt_port_stack_min();
}
