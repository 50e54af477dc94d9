/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * trace.h - the scheduling trace's hooks in the core.  Each is one
 * predicted-not-taken test of pmt_core.tracing where the scheduler does
 * the thing it records; the recording itself is out of line in trace.c,
 * and reads the clock only then.  Built with PMT_CONFIG_TRACE 0 the hooks
 * are empty.  Private to lib/; freestanding.
 *
 * Every hook but pmt_trace_tick() runs with the scheduler locked (before
 * pmt_init() has finished no tick can come, which stands in for the lock
 * there).  trace.c relies on it: the tick is the only thing that can come
 * in the middle of a recording.
 */
#ifndef PMT_TRACE_H
#define PMT_TRACE_H

#include "core.h"

#if PMT_CONFIG_TRACE

#define PMT_TRACE_ON() __builtin_expect(pmt_core.tracing != 0, 0)

/* trace.c: the recordings behind the hooks below, same contexts. */
PMT_HIDDEN void pmt_trace_do_spawn(const struct pmt_thread *t);
PMT_HIDDEN void pmt_trace_do_exit(const struct pmt_thread *t, unsigned how);
PMT_HIDDEN void pmt_trace_do_switch(
    const struct pmt_thread *prev, const struct pmt_thread *next);
PMT_HIDDEN void pmt_trace_do_block(const struct pmt_thread *t);
PMT_HIDDEN void pmt_trace_do_wake(const struct pmt_thread *t, int result);
PMT_HIDDEN void pmt_trace_do_preempt(const struct pmt_thread *t);
PMT_HIDDEN void pmt_trace_do_tick(void);
PMT_HIDDEN void pmt_trace_do_prio(const struct pmt_thread *t, unsigned prio);
PMT_HIDDEN void pmt_trace_do_name(const struct pmt_thread *t);

/* t was created, by pmt_spawn() or, for the caller, pmt_init(); its state
 * is set. */
static inline void
pmt_trace_spawn(const struct pmt_thread *t)
{
	if (PMT_TRACE_ON())
		pmt_trace_do_spawn(t);
}

/* t finishes: how is 0, or PMT_TRACE_EXIT_OVERFLOW. */
static inline void
pmt_trace_exit(const struct pmt_thread *t, unsigned how)
{
	if (PMT_TRACE_ON())
		pmt_trace_do_exit(t, how);
}

/* prev leaves the CPU to next (pmt_sched_switch_begin()); prev's state
 * says why: READY, BLOCKED, or finished. */
static inline void
pmt_trace_switch(const struct pmt_thread *prev, const struct pmt_thread *next)
{
	if (PMT_TRACE_ON())
		pmt_trace_do_switch(prev, next);
}

/* The running thread t starts to wait: its wait_kind, wait_obj and
 * deadline are set. */
static inline void
pmt_trace_block(const struct pmt_thread *t)
{
	if (PMT_TRACE_ON())
		pmt_trace_do_block(t);
}

/* t's wait ends with result. */
static inline void
pmt_trace_wake(const struct pmt_thread *t, int result)
{
	if (PMT_TRACE_ON())
		pmt_trace_do_wake(t, result);
}

/* A tick ends the slice of the running thread t, which switches next. */
static inline void
pmt_trace_preempt(const struct pmt_thread *t)
{
	if (PMT_TRACE_ON())
		pmt_trace_do_preempt(t);
}

/* A tick came (pmt_core_tick_begin()).  Interrupt context. */
static inline void
pmt_trace_tick(void)
{
	if (PMT_TRACE_ON())
		pmt_trace_do_tick();
}

/* t's effective priority becomes prio. */
static inline void
pmt_trace_prio(const struct pmt_thread *t, unsigned prio)
{
	if (PMT_TRACE_ON())
		pmt_trace_do_prio(t, prio);
}

/* t's name was set. */
static inline void
pmt_trace_name(const struct pmt_thread *t)
{
	if (PMT_TRACE_ON())
		pmt_trace_do_name(t);
}

#else /* !PMT_CONFIG_TRACE */

static inline void
pmt_trace_spawn(const struct pmt_thread *t)
{
	(void)t;
}

static inline void
pmt_trace_exit(const struct pmt_thread *t, unsigned how)
{
	(void)t;
	(void)how;
}

static inline void
pmt_trace_switch(const struct pmt_thread *prev, const struct pmt_thread *next)
{
	(void)prev;
	(void)next;
}

static inline void
pmt_trace_block(const struct pmt_thread *t)
{
	(void)t;
}

static inline void
pmt_trace_wake(const struct pmt_thread *t, int result)
{
	(void)t;
	(void)result;
}

static inline void
pmt_trace_preempt(const struct pmt_thread *t)
{
	(void)t;
}

static inline void
pmt_trace_tick(void)
{
}

static inline void
pmt_trace_prio(const struct pmt_thread *t, unsigned prio)
{
	(void)t;
	(void)prio;
}

static inline void
pmt_trace_name(const struct pmt_thread *t)
{
	(void)t;
}

#endif /* PMT_CONFIG_TRACE */

#endif /* PMT_TRACE_H */
