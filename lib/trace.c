/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * trace.c - the scheduling trace: pmt_trace_start(), pmt_trace_stop(),
 * pmt_trace_info(), pmt_trace_read(), and the recordings behind the hooks
 * of trace.h.
 *
 * The ring lives in the caller's buffer.  Event number s, counted from 0
 * at pmt_trace_start(), goes to events[s % size].  A full ring overwrites
 * its oldest event, and so holds the latest size events; with
 * PMT_TRACE_NOWRAP it keeps the first size and counts the others as lost.
 *
 * Every recording but the tick's runs with the scheduler locked, so
 * recordings do not interleave, except that a tick may come in the middle
 * of one.  A tick that finds the lock free interrupted no recording and
 * records itself, holding the lock meanwhile in case ticks nest on the
 * port.  One that finds the lock held only notes its time in a short
 * queue of pending ticks; the next recording moves the pending ticks
 * stamped up to its own time into the ring before its own event, so that
 * times never decrease along the ring (a tick that came after the
 * recording read the clock waits for the next one).
 */
#include "mutex.h"
#include "trace.h"

#if PMT_CONFIG_TRACE

/* The public numbers are the core's own. */
_Static_assert(PMT_TRACE_STATE_READY == PMT_READY &&
                   PMT_TRACE_STATE_RUNNING == PMT_RUNNING &&
                   PMT_TRACE_STATE_BLOCKED == PMT_BLOCKED &&
                   PMT_TRACE_STATE_DONE == PMT_DONE,
    "trace states differ from enum pmt_state");
_Static_assert(PMT_TRACE_WAIT_JOIN == PMT_WAIT_JOIN &&
                   PMT_TRACE_WAIT_MUTEX == PMT_WAIT_MUTEX &&
                   PMT_TRACE_WAIT_COND == PMT_WAIT_COND &&
                   PMT_TRACE_WAIT_SEM == PMT_WAIT_SEM &&
                   PMT_TRACE_WAIT_SLEEP == PMT_WAIT_SLEEP,
    "trace wait kinds differ from enum pmt_wait_kind");
/* Part of the ABI: a reader of a saved ring relies on it. */
_Static_assert(sizeof(struct pmt_trace_event) == 24,
    "struct pmt_trace_event is not 24 bytes");

/* Ticks pending at once; more are lost (and counted). */
#define NPEND 8u

struct pending {
	pmt_time_t time;
	pmt_t thread;
	uint8_t prio;
};

static struct {
	struct pmt_trace_event *events; /* the ring, size events long */
	size_t size;
	size_t pos;         /* where the next event goes */
	uint64_t recorded;  /* events since the start, held or not */
	uint64_t missed;    /* ticks the pending queue had no room for */
	pmt_time_t started; /* pmt_port_now() at the start */
	pmt_time_t stopped; /* at the stop; 0 while running */
	unsigned flags;     /* PMT_TRACE_NOWRAP */
	uint8_t reason;     /* the next switch's, when a tick chose it */
	/* Pending ticks: the tick adds at in, a recording takes at out. */
	volatile unsigned pend_in, pend_out;
	struct pending pend[NPEND];
} tr;

/* Scheduler locked.  Event number tr.recorded, held unless the ring is
 * full and keeps its first events. */
static void
put(pmt_time_t time, unsigned kind, pmt_t thread, unsigned detail,
    unsigned prio, pmt_t other, uint32_t arg)
{
	struct pmt_trace_event *e;

	if (tr.recorded++ >= tr.size && (tr.flags & PMT_TRACE_NOWRAP) != 0)
		return;
	e = &tr.events[tr.pos];
	if (++tr.pos == tr.size)
		tr.pos = 0;
	e->time = time;
	e->thread = thread;
	e->other = other;
	e->arg = arg;
	e->kind = (uint8_t)kind;
	e->detail = (uint8_t)detail;
	e->prio = (uint8_t)prio;
	e->reserved_ = 0;
}

/* Scheduler locked.  The pending ticks that came at or before now go
 * into the ring, oldest first. */
static void
drain(pmt_time_t now)
{
	const struct pending *p;
	unsigned out;

	while ((out = tr.pend_out) != tr.pend_in) {
		p = &tr.pend[out % NPEND];
		if (p->time > now)
			break;
		put(p->time, PMT_TRACE_TICK, p->thread, 1, p->prio,
		    PMT_THREAD_NONE, 0);
		pmt_barrier();
		tr.pend_out = out + 1;
	}
}

/* Scheduler locked.  The time of an event about to be put, after the
 * pending ticks that came before it. */
static pmt_time_t
stamp(void)
{
	pmt_time_t now = pmt_port_now();

	if (tr.pend_in != tr.pend_out)
		drain(now);
	return now;
}

/* Scheduler locked. */
static void
record(unsigned kind, const struct pmt_thread *t, unsigned detail, pmt_t other,
    uint32_t arg)
{
	pmt_time_t now = stamp();

	put(now, kind, t->id, detail, t->prio, other, arg);
}

/* Scheduler locked.  t's name in pieces of eight bytes, packed into other
 * and arg from their lowest byte up; detail is the offset of the piece,
 * with PMT_TRACE_NAME_LAST on the last.  No name is one empty piece. */
static void
put_name(pmt_time_t now, const struct pmt_thread *t)
{
	const char *name = t->name != NULL ? t->name : "";
	unsigned len = 0, off, i;
	uint32_t w[2];

	while (len < PMT_NAME_MAX - 1 && name[len] != '\0')
		len++;
	for (off = 0;; off += 8) {
		w[0] = w[1] = 0;
		for (i = 0; i < 8 && off + i < len; i++)
			w[i / 4] |= (uint32_t)(unsigned char)name[off + i]
			            << (8 * (i % 4));
		if (off + 8 >= len) {
			put(now, PMT_TRACE_NAME, t->id,
			    off | PMT_TRACE_NAME_LAST, t->prio, w[0], w[1]);
			return;
		}
		put(now, PMT_TRACE_NAME, t->id, off, t->prio, w[0], w[1]);
	}
}

/* Scheduler locked.  The thread a BLOCKED t waits for, if any. */
static pmt_t
waits_for(const struct pmt_thread *t)
{
	if (t->wait_kind == PMT_WAIT_JOIN)
		return ((const struct pmt_thread *)t->wait_obj)->id;
	if (t->wait_kind == PMT_WAIT_MUTEX)
		return pmt_mutex_owner_id(t->wait_obj);
	return PMT_THREAD_NONE;
}

/* Scheduler locked.  Every thread in the table, as the trace starts. */
static void
snapshot(void)
{
	const struct pmt_thread *t;
	pmt_time_t now = pmt_port_now();
	unsigned w;
	uint64_t bits;

	tr.started = now;
	for (w = 0; w < PMT_MAP_WORDS; w++) {
		for (bits = pmt_core.used[w]; bits != 0; bits &= bits - 1) {
			t = &pmt_core.threads[w * 64 + pmt_bits_low64(bits)];
			if (t->state == PMT_BLOCKED)
				put(now, PMT_TRACE_THREAD, t->id, t->state,
				    t->prio, waits_for(t), t->wait_kind);
			else
				put(now, PMT_TRACE_THREAD, t->id, t->state,
				    t->prio, PMT_THREAD_NONE, 0);
			if (t->name != NULL)
				put_name(now, t);
		}
	}
}

/* Scheduler locked, or pmt_init() (trace.h): the hooks of trace.h. */
void
pmt_trace_do_spawn(const struct pmt_thread *t)
{
	const struct pmt_thread *by = pmt_core.current;

	record(PMT_TRACE_SPAWN, t, t->state,
	    by != NULL && by != t ? by->id : PMT_THREAD_NONE, 0);
}

/* Scheduler locked. */
void
pmt_trace_do_exit(const struct pmt_thread *t, unsigned how)
{
	record(PMT_TRACE_EXIT, t, how, PMT_THREAD_NONE, 0);
}

/* Scheduler locked. */
void
pmt_trace_do_switch(
    const struct pmt_thread *prev, const struct pmt_thread *next)
{
	unsigned why;

	if (prev->state == PMT_BLOCKED)
		why = PMT_TRACE_SWITCH_BLOCK;
	else if (prev->state != PMT_READY) /* DONE; FREE when detached */
		why = PMT_TRACE_SWITCH_EXIT;
	else if (tr.reason != 0)
		why = tr.reason;
	else if (next->prio > prev->prio)
		why = PMT_TRACE_SWITCH_HIGHER;
	else
		why = PMT_TRACE_SWITCH_YIELD;
	tr.reason = 0;
	record(PMT_TRACE_SWITCH, prev, why, next->id, next->prio);
}

/* Scheduler locked. */
void
pmt_trace_do_block(const struct pmt_thread *t)
{
	record(PMT_TRACE_BLOCK, t, t->wait_kind, waits_for(t),
	    t->deadline != PMT_TIME_NEVER);
}

/* Scheduler locked. */
void
pmt_trace_do_wake(const struct pmt_thread *t, int result)
{
	const struct pmt_thread *by = pmt_core.current;

	record(PMT_TRACE_WAKE, t, (unsigned)result,
	    by != NULL ? by->id : PMT_THREAD_NONE, 0);
}

/* Scheduler locked. */
void
pmt_trace_do_preempt(const struct pmt_thread *t)
{
	record(PMT_TRACE_PREEMPT, t, 0, PMT_THREAD_NONE, 0);
	/* The switch that follows at once is the tick's. */
	tr.reason = PMT_TRACE_SWITCH_TICK;
}

/* Scheduler locked. */
void
pmt_trace_do_prio(const struct pmt_thread *t, unsigned prio)
{
	pmt_time_t now;

	if (prio == t->prio)
		return;
	now = stamp();
	put(now, PMT_TRACE_PRIO, t->id, 0, prio, PMT_THREAD_NONE, t->prio);
}

/* Scheduler locked. */
void
pmt_trace_do_name(const struct pmt_thread *t)
{
	put_name(stamp(), t);
}

/* Interrupt context, on the interrupted thread's stack. */
void
pmt_trace_do_tick(void)
{
	const struct pmt_thread *t = pmt_core.current;
	pmt_time_t now = pmt_port_now();
	unsigned in;

	if (pmt_core.preempt_count == 0) {
		/* No recording is under way. */
		pmt_core.preempt_count++;
		pmt_barrier();
		if (tr.pend_in != tr.pend_out)
			drain(now);
		put(now, PMT_TRACE_TICK, t->id, pmt_core.fast != 0, t->prio,
		    PMT_THREAD_NONE, 0);
		pmt_barrier();
		pmt_core.preempt_count--;
		return;
	}
	in = tr.pend_in;
	if (in - tr.pend_out >= NPEND) {
		tr.missed++;
		return;
	}
	tr.pend[in % NPEND].time = now;
	tr.pend[in % NPEND].thread = t->id;
	tr.pend[in % NPEND].prio = t->prio;
	pmt_barrier();
	tr.pend_in = in + 1;
}

/* Thread context, or before pmt_init(). */
int
pmt_trace_start(struct pmt_trace_event *events, size_t size, unsigned flags)
{
	if (events == NULL || size == 0 || (flags & ~PMT_TRACE_NOWRAP) != 0)
		return PMT_EINVAL;
	pmt_core_lock();
	if (pmt_core.tracing) {
		pmt_core_unlock();
		return PMT_EALREADY;
	}
	tr.events = events;
	tr.size = size;
	tr.pos = 0;
	tr.recorded = 0;
	tr.missed = 0;
	tr.stopped = 0;
	tr.flags = flags;
	tr.reason = 0;
	tr.pend_out = tr.pend_in;
	snapshot();
	/* A tick records only once the ring is set up. */
	pmt_barrier();
	pmt_core.tracing = 1;
	pmt_core_unlock();
	return 0;
}

/* Thread context, or before pmt_init(). */
int
pmt_trace_stop(void)
{
	pmt_core_lock();
	if (!pmt_core.tracing) {
		pmt_core_unlock();
		return PMT_EALREADY;
	}
	pmt_core.tracing = 0;
	pmt_barrier();
	tr.stopped = stamp();
	tr.reason = 0;
	pmt_core_unlock();
	return 0;
}

/* Scheduler locked.  Events held: first is the sequence number of the
 * oldest. */
static uint64_t
held(uint64_t *first)
{
	uint64_t n = tr.recorded < tr.size ? tr.recorded : tr.size;

	*first = (tr.flags & PMT_TRACE_NOWRAP) != 0 ? 0 : tr.recorded - n;
	return n;
}

/* Thread context, or before pmt_init(). */
int
pmt_trace_info(struct pmt_trace_info *info)
{
	uint64_t first, n;

	if (info == NULL)
		return PMT_EINVAL;
	pmt_core_lock();
	if (pmt_core.tracing)
		(void)stamp();
	n = held(&first);
	info->events = tr.events;
	info->size = tr.size;
	info->recorded = tr.recorded;
	info->first = first;
	info->count = n;
	info->lost = tr.recorded - n + tr.missed;
	info->flags = tr.flags;
	info->running = pmt_core.tracing;
	info->started = tr.started;
	info->stopped = tr.stopped;
	pmt_core_unlock();
	return 0;
}

/* Thread context, or before pmt_init(). */
int
pmt_trace_read(
    uint64_t *seq, struct pmt_trace_event *events, size_t max, size_t *count)
{
	uint64_t first, end, s;
	size_t n = 0;

	if (seq == NULL || count == NULL || (events == NULL && max != 0))
		return PMT_EINVAL;
	pmt_core_lock();
	if (pmt_core.tracing)
		(void)stamp();
	end = held(&first);
	end += first;
	/* Overwritten since the caller's last read: go on from the oldest. */
	s = *seq < first ? first : *seq;
	for (; n < max && s < end; n++, s++)
		events[n] = tr.events[s % tr.size];
	pmt_core_unlock();
	*seq = s;
	*count = n;
	return 0;
}

#else /* !PMT_CONFIG_TRACE */

int
pmt_trace_start(struct pmt_trace_event *events, size_t size, unsigned flags)
{
	(void)events;
	(void)size;
	(void)flags;
	return PMT_ENOSYS;
}

int
pmt_trace_stop(void)
{
	return PMT_ENOSYS;
}

int
pmt_trace_info(struct pmt_trace_info *info)
{
	(void)info;
	return PMT_ENOSYS;
}

int
pmt_trace_read(
    uint64_t *seq, struct pmt_trace_event *events, size_t max, size_t *count)
{
	(void)seq;
	(void)events;
	(void)max;
	(void)count;
	return PMT_ENOSYS;
}

#endif /* PMT_CONFIG_TRACE */
