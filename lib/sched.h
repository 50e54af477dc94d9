/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * sched.h - the ready queues (one FIFO per priority and a bitmap of the
 * non-empty ones, so picking the next thread is one count-leading-zeros)
 * and the one place the core switches threads.  Inline: these run on
 * every yield.  Every function here wants the scheduler locked.
 */
#ifndef PMT_SCHED_H
#define PMT_SCHED_H

#include "core.h"
#include "fiber.h"
#include "stack.h"
#include "trace.h"

static inline void
pmt_sched_mark(unsigned prio)
{
	pmt_core.ready_map |= (uint32_t)1 << prio;
}

/* t becomes READY, after its equals. */
static inline void
pmt_sched_push_tail(struct pmt_thread *t)
{
	struct pmt_queue *q = &pmt_core.ready[t->prio];

	t->state = PMT_READY;
	t->next = NULL;
	if (q->tail != NULL)
		q->tail->next = t;
	else
		q->head = t;
	q->tail = t;
	pmt_sched_mark(t->prio);
}

/* t becomes READY, before its equals: for a thread that lost the CPU to a
 * higher priority one, so it resumes as if it had not been interrupted. */
static inline void
pmt_sched_push_head(struct pmt_thread *t)
{
	struct pmt_queue *q = &pmt_core.ready[t->prio];

	t->state = PMT_READY;
	t->next = q->head;
	if (q->head == NULL)
		q->tail = t;
	q->head = t;
	pmt_sched_mark(t->prio);
}

/* Takes the first thread of the highest non-empty level, or returns NULL
 * when no thread is ready. */
static inline struct pmt_thread *
pmt_sched_pop(void)
{
	uint32_t map = pmt_core.ready_map;
	struct pmt_queue *q;
	struct pmt_thread *t;
	unsigned prio;

	if (map == 0)
		return NULL;
	prio = pmt_bits_high32(map);
	q = &pmt_core.ready[prio];
	t = q->head;
	q->head = t->next;
	if (q->head == NULL) {
		q->tail = NULL;
		pmt_core.ready_map = map & ~((uint32_t)1 << prio);
	}
	return t;
}

/*
 * Tickless preemption: the tick timer runs only while the running thread
 * has a ready equal to share the CPU with, or a deadline is pending (the
 * tick ends timed waits).  Arms it when either has appeared;
 * pmt_core_resched() disarms it when a tick finds neither.
 */
static inline void
pmt_sched_slice_check(void)
{
	if (pmt_core.slicing && !pmt_core.armed &&
	    (((pmt_core.ready_map >> pmt_core.current->prio) & 1u) != 0 ||
	        pmt_core.timed != NULL)) {
		pmt_core.armed = 1;
		pmt_port_tick_arm();
	}
}

/*
 * The first half of every switch.  Makes next the running thread and
 * returns the one leaving, or NULL when next is the caller itself.  The
 * caller has already put the current thread where it belongs (a ready
 * queue, a wait, or nowhere when it has finished) and set its state.
 * Scheduler locked once by the library, plus the leaving thread's
 * pmt_preempt_disable() nesting, which stays in its nopreempt: the lock is
 * exactly 1 across the switch.  The leaving thread's stack is checked
 * here (stack.h); one found overflowed is stopped for good, and the
 * switch goes on.
 */
static inline struct pmt_thread *
pmt_sched_switch_begin(struct pmt_thread *next)
{
	struct pmt_thread *prev = pmt_core.current;
	unsigned char here; /* its address: where prev's stack is in use */

	next->state = PMT_RUNNING;
	if (next == prev)
		return NULL;
	if (pmt_core.preempt_count != 1u + prev->nopreempt)
		pmt_core_panic_lock();
	pmt_core.preempt_count = 1;
	pmt_core.current = next;
	/* A pending slice or wake-up was for the thread leaving. */
	pmt_core.need_resched = 0;
	if (__builtin_expect(pmt_stack_broken(prev, PMT_STACK_DEPTH(&here)), 0))
		pmt_stack_switch_fail(prev, PMT_STACK_DEPTH(&here));
	pmt_trace_switch(prev, next);
	pmt_core.stats.switches++;
	if (__builtin_expect(++next->switches == 0, 0))
		pmt_thread_switches_wrapped(next);
	pmt_sched_slice_check();
	return prev;
}

/* The resumed side of a switch, lock at 1: the thread's own
 * pmt_preempt_disable() nesting joins the lock again. */
static inline void
pmt_sched_switch_end(void)
{
	pmt_core.preempt_count += pmt_core.current->nopreempt;
}

/* Scheduler locked.  Switches to next; returns when the caller is
 * switched back to.  Always inline: a call would return by a ret after
 * the switch, which the return-stack predictor gets wrong. */
static inline __attribute__((always_inline)) void
pmt_sched_switch(struct pmt_thread *next)
{
	struct pmt_thread *prev = pmt_sched_switch_begin(next);
	unsigned long key;

	if (prev == NULL)
		return;
	key = pmt_port_switch_enter();
	pmt_fiber_leave(prev, next);
	pmt_arch_switch(&prev->sp, next->sp);
	pmt_fiber_arrive(prev);
	pmt_port_switch_leave(key);
	pmt_sched_switch_end();
}

/*
 * pmt_sched_switch() then pmt_core_unlock(), for a public entry point that
 * has nothing left to do after the switch: `return
 * pmt_sched_switch_return(next);' returns, once the caller is resumed, the
 * result its wait left in wait_result (0 after a yield), and clears it.
 * In tail position the compiler makes the switch a jump, so the resumed
 * thread goes straight back to whoever called the entry point by the
 * switch's indirect jump (predicted by branch history) instead of a ret
 * the return-stack predictor gets wrong on every switch (its entries
 * belong to the thread that left).  The switch bracket is kept: the key
 * travels in the parked frame and pmt_core_switch_resume() hands it to
 * pmt_port_switch_leave() on the resumed thread before the unlock.
 */
static inline int
pmt_sched_switch_return(struct pmt_thread *next)
{
	struct pmt_thread *prev = pmt_sched_switch_begin(next);
	unsigned long key;

	if (prev == NULL) {
		int result = next->wait_result;

		next->wait_result = 0;
		pmt_core_unlock();
		return result;
	}
	key = pmt_port_switch_enter();
	pmt_fiber_leave(prev, next);
	return pmt_arch_switch_return(&prev->sp, next->sp, key);
}

/*
 * A thread of higher priority than the caller is ready (woken, spawned,
 * or the caller's own priority dropped): it runs now, and the caller
 * resumes first among its equals; inside a pmt_preempt_disable() section,
 * at its end.
 */
static inline void
pmt_sched_yield_higher(void)
{
	struct pmt_thread *self = pmt_core.current;

	if ((pmt_core.ready_map >> self->prio) <= 1u)
		return;
	if (self->nopreempt != 0) {
		pmt_core.need_resched |= PMT_RESCHED_HIGHER;
		return;
	}
	pmt_sched_push_head(self);
	pmt_sched_switch(pmt_sched_pop());
}

/* t is READY: takes it out of its queue.  Linear in the length of t's
 * level; only priority changes call it. */
PMT_HIDDEN void pmt_sched_remove(struct pmt_thread *t);

#endif /* PMT_SCHED_H */
