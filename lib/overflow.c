/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * overflow.c - what happens to a thread whose stack overflowed: it never
 * runs again, its joiner gets PMT_ESTACKOVF, and the overflow hook is
 * called (pmt_set_overflow_hook(); by default one line through the port).
 */
#include "fmt.h"
#include "mutex.h"

/* Any context: the message the default hook gives the port. */
static void
default_hook(const struct pmt_overflow *ov)
{
	char buf[256];
	struct pmt_fmt f;

	pmt_fmt_init(&f, buf, sizeof buf);
	pmt_fmt_str(&f, "libpmt: stack overflow in ");
	pmt_fmt_thread(&f, ov->tid, ov->name);
	pmt_fmt_str(&f, " (");
	pmt_fmt_dec(&f, ov->size);
	pmt_fmt_str(&f, "-byte stack at ");
	pmt_fmt_hex(&f, (uintptr_t)ov->stack);
	pmt_fmt_str(&f, "): ");
	switch (ov->layer) {
	case PMT_OVERFLOW_CANARY:
		pmt_fmt_str(&f, "guard value at ");
		pmt_fmt_hex(&f, (uintptr_t)ov->addr);
		pmt_fmt_str(&f, " overwritten; thread stopped");
		break;
	case PMT_OVERFLOW_RANGE:
		pmt_fmt_str(&f, "stack pointer ");
		pmt_fmt_hex(&f, (uintptr_t)ov->addr);
		pmt_fmt_str(&f, " past the stack's low end, or within ");
		pmt_fmt_dec(&f, PMT_STACK_SLACK);
		pmt_fmt_str(&f, " bytes of it; thread stopped");
		break;
	default:
		if ((uintptr_t)ov->addr - (uintptr_t)ov->stack >=
		    pmt_port_guard_size()) {
			/* pmt_core_stack_fault()'s stack pointer */
			pmt_fmt_str(&f, "no room for a signal frame below "
			                "stack pointer ");
			pmt_fmt_hex(&f, (uintptr_t)ov->addr);
			pmt_fmt_str(&f, ", above its guard page; terminating");
			break;
		}
		pmt_fmt_str(&f, "fault at ");
		pmt_fmt_hex(&f, (uintptr_t)ov->addr);
		pmt_fmt_str(&f, " in its guard page; terminating");
		break;
	}
	pmt_port_report(buf);
}

/* Read by signal handlers: one aligned pointer, stored whole. */
static pmt_overflow_hook_t volatile hook = default_hook;

/* Any context. */
pmt_overflow_hook_t
pmt_set_overflow_hook(pmt_overflow_hook_t h)
{
	pmt_overflow_hook_t old = hook;

	hook = h != NULL ? h : default_hook;
	return old;
}

/* Any context.  The hook sees the thread still in place, before its slot
 * can be freed. */
void
pmt_stack_report(const struct pmt_thread *t, int layer, const void *addr)
{
	struct pmt_overflow ov;
	const unsigned char *base = pmt_stack_base(t);

	ov.tid = t->id;
	ov.name = t->name;
	ov.stack = (void *)(uintptr_t)base;
	ov.size = (size_t)(t->stack_hi - base);
	ov.addr = addr;
	ov.layer = layer;
	hook(&ov);
}

/* Scheduler locked. */
struct pmt_thread *
pmt_thread_reap(struct pmt_thread *t, int layer, const void *addr)
{
	struct pmt_thread *joiner = NULL;

	t->stack_flags |= PMT_STACK_OVERFLOWED;
	switch (t->state) {
	case PMT_READY:
		pmt_sched_remove(t);
		break;
	case PMT_BLOCKED:
		pmt_wait_unlink(t);
		break;
	default: /* RUNNING, being switched away from; or DONE already */
		break;
	}
	if (t->state != PMT_DONE) {
		pmt_trace_exit(t, PMT_TRACE_EXIT_OVERFLOW);
		/* Its mutexes with waiters go on, as when a thread exits. */
		while (t->held != NULL)
			pmt_mutex_release(t->held, t, PMT_EOWNERDEAD);
		t->state = PMT_DONE;
		t->value = NULL;
		pmt_core.alive--;
		pmt_core.stats.exits++;
		joiner = t->joiner;
		if (joiner != NULL)
			pmt_wait_wake(joiner, 0);
	}
	pmt_stack_report(t, layer, addr);
	if (t->detached)
		pmt_thread_free(t);
	return joiner;
}

/* Scheduler locked once, plus the running thread's own nesting. */
void
pmt_thread_overflowed(struct pmt_thread *t, int layer, const void *addr)
{
	struct pmt_thread *next;

	if (t != pmt_core.current) {
		/* Its joiner, or a waiter of one of its mutexes, may
		 * outrank the caller. */
		(void)pmt_thread_reap(t, layer, addr);
		pmt_sched_yield_higher();
		return;
	}
	/* Still on t's stack until the switch below; its slot, if freed,
	 * cannot be reused before then, as the lock is held. */
	pmt_thread_reap(t, layer, addr);
	while ((next = pmt_wait_next()) == NULL) {
		if (pmt_core.alive == 0)
			pmt_thread_panic(t, "overflowed its stack, "
			                    "and no thread is left to run");
		/* Every thread left is blocked and nothing can wake one. */
		if (pmt_wait_break_deadlock() != 0)
			pmt_thread_panic(t, "overflowed its stack, and no "
			                    "other thread is ready or blocked");
	}
	pmt_sched_switch(next);
	pmt_thread_panic(t, "was resumed after its stack overflowed "
	                    "(scheduler state corrupted)");
}
