/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * stack.c - the layers that find a stack overflow (stack.h has the
 * layout): setting a new stack up with its guard value, fill pattern and
 * guard page, the out-of-line halves of the switch and tick checks, and the
 * public calls pmt_stack_info(), pmt_stack_check(), pmt_stack_setflags()
 * and pmt_stack_getflags().
 */
#include "sched.h"

unsigned pmt_stack_newflags;

/*
 * What a tick found, for pmt_core_resched() to act on once the interrupted
 * code holds no lock; the thread is marked PMT_STACK_PENDING.  Until then
 * it runs on; when the port lets a tick pass (PMT_PREEMPT_SAFEPC), or the
 * thread switches first with its stack back in range, the mark stays, and
 * the next tick, pmt_stack_check() or pmt_exit() acts on it.  One record:
 * a thread marked while another still is reports no address.
 */
static struct {
	const struct pmt_thread *t;
	int layer;
	const void *addr;
} pending;

/* Scheduler locked.  PMT_STACK_GUARD needs a page-aligned stack that is
 * still of the minimum size without the page. */
void
pmt_stack_prepare_flags(struct pmt_thread *t, unsigned char *stack, size_t size)
{
	unsigned char *lo = stack;
	size_t guard = pmt_port_guard_size();
	unsigned flags = 0;

	if ((pmt_stack_newflags & PMT_STACK_GUARD) != 0 && guard != 0 &&
	    (uintptr_t)stack % guard == 0 &&
	    size >= guard + pmt_core.stack_min &&
	    pmt_port_guard_set(stack, 1) == 0) {
		lo += guard;
		flags |= PMT_STACK_GUARD;
	}
	*(pmt_stack_word *)(void *)lo = PMT_STACK_CANARY;
	if ((pmt_stack_newflags & PMT_STACK_FILL) != 0) {
		__builtin_memset(lo + PMT_STACK_CANARY_SIZE,
		    PMT_STACK_FILL_BYTE,
		    (size_t)(stack + size - lo) - PMT_STACK_CANARY_SIZE);
		flags |= PMT_STACK_FILL;
	}
	t->stack_lo = lo;
	t->stack_hi = stack + size;
	t->stack_flags = (uint8_t)flags;
}

/* Scheduler locked. */
void
pmt_stack_release_flags(struct pmt_thread *t)
{
	if ((t->stack_flags & PMT_STACK_GUARD) != 0)
		pmt_port_guard_set((void *)(uintptr_t)pmt_stack_base(t), 0);
	if (pending.t == t)
		pending.t = NULL;
	t->stack_flags = 0;
}

/*
 * Any context.  The layer that found t overflowed, with the address to
 * report (the guard value, or the stack pointer sp): a tick's finding if
 * there is one, which is taken.
 */
static int
take_layer(struct pmt_thread *t, const void *sp, const void **addr)
{
	if ((t->stack_flags & PMT_STACK_PENDING) != 0) {
		t->stack_flags &= (uint8_t)~PMT_STACK_PENDING;
		*addr = NULL;
		if (pending.t != t)
			return PMT_OVERFLOW_RANGE;
		pending.t = NULL;
		*addr = pending.addr;
		return pending.layer;
	}
	if (pmt_stack_guard_read((const void *)t->stack_lo) !=
	    PMT_STACK_CANARY) {
		*addr = t->stack_lo;
		return PMT_OVERFLOW_CANARY;
	}
	*addr = sp;
	return PMT_OVERFLOW_RANGE;
}

/* pmt_sched_switch_begin(), scheduler locked, current already next. */
void
pmt_stack_switch_fail(struct pmt_thread *prev, uintptr_t sp)
{
	const void *addr;
	int layer;

	/* pmt_thread_overflowed() switching away from it for good. */
	if ((prev->stack_flags & PMT_STACK_OVERFLOWED) != 0)
		return;
	layer = take_layer(prev, (const void *)sp, &addr);
	(void)pmt_thread_reap(prev, layer, addr);
	/* next runs first, but no longer than the resumed side's unlock if
	 * the joiner, or a waiter of one of prev's mutexes, outranks it. */
	if ((pmt_core.ready_map >> pmt_core.current->prio) > 1u)
		pmt_core.need_resched |= PMT_RESCHED_HIGHER;
}

/*
 * Interrupt context (the tick), on the running thread's stack unless the
 * port says otherwise (sp NULL).  Where the interrupted code holds the
 * lock, the running thread and the stack in use may differ (a switch in
 * progress): then the guard value alone is checked.  A finding is recorded
 * and left to pmt_core_resched(): stopping a thread in the middle of
 * whatever it was doing is for a point where it holds no lock.
 */
void
pmt_stack_tick(const void *sp)
{
	struct pmt_thread *t = pmt_core.current;
	uintptr_t s = (uintptr_t)sp;

	if (sp == NULL || pmt_core.preempt_count != 0)
		s = UINTPTR_MAX;
	if ((t->stack_flags & PMT_STACK_OVERFLOWED) != 0)
		return;
	if ((t->stack_flags & PMT_STACK_PENDING) == 0) {
		if (!pmt_stack_broken(t, s))
			return;
		pending.layer = take_layer(t, sp, &pending.addr);
		pending.t = t;
		t->stack_flags |= PMT_STACK_PENDING;
	}
	pmt_core.need_resched |= PMT_RESCHED_STACK;
}

/* pmt_core_resched() with PMT_RESCHED_STACK, scheduler locked once, no
 * pmt_preempt_disable() nesting. */
void
pmt_stack_resched(void)
{
	struct pmt_thread *self = pmt_core.current;
	const void *addr;
	int layer;

	if ((self->stack_flags & PMT_STACK_PENDING) == 0)
		return;
	layer = take_layer(self, NULL, &addr);
	pmt_thread_overflowed(self, layer, addr);
}

/* pmt_exit(), scheduler locked. */
void
pmt_stack_exit_check_now(void)
{
	struct pmt_thread *self = pmt_core.current;
	unsigned char here;
	uintptr_t sp = PMT_STACK_DEPTH(&here);
	const void *addr;
	int layer;

	if ((self->stack_flags & PMT_STACK_PENDING) == 0 &&
	    !pmt_stack_broken(self, sp))
		return;
	layer = take_layer(self, (const void *)sp, &addr);
	pmt_thread_overflowed(self, layer, addr);
}

/* Any context, scheduler locked or not (a signal handler): the fault
 * handler of the port. */
int
pmt_core_stack_fault(const void *addr, const void *sp)
{
	size_t guard = pmt_port_guard_size();
	uintptr_t a = (uintptr_t)addr, s = (uintptr_t)sp;
	const struct pmt_thread *t, *hit = NULL;
	unsigned w;
	uint64_t bits;

	if (!pmt_core.initialised || guard == 0)
		return 0;
	for (w = 0; w < PMT_MAP_WORDS && hit == NULL; w++) {
		for (bits = pmt_core.used[w]; bits != 0; bits &= bits - 1) {
			t = &pmt_core.threads[w * 64 + pmt_bits_low64(bits)];
			if ((t->stack_flags & PMT_STACK_GUARD) != 0 &&
			    addr != NULL &&
			    a >= (uintptr_t)t->stack_lo - guard &&
			    a < (uintptr_t)t->stack_lo) {
				hit = t;
				break;
			}
		}
	}
	/* No room left for a signal frame near the bottom of the stack. */
	t = pmt_core.current;
	if (hit == NULL && sp != NULL && t != NULL &&
	    (t->stack_flags & PMT_STACK_GUARD) != 0 &&
	    s >= (uintptr_t)t->stack_lo - guard &&
	    s < (uintptr_t)t->stack_lo + pmt_core.stack_min) {
		hit = t;
		addr = sp;
	}
	if (hit == NULL)
		return 0;
	pmt_stack_report(hit, PMT_OVERFLOW_GUARDPAGE, addr);
	return 1;
}

/*
 * Scheduler locked.  The high-water mark of a filled stack: the bytes
 * below its top that are not the fill pattern any more.  It reads what
 * lies below t's stack pointer, which memcheck holds inaccessible once
 * frames have left it (memcheck.h).
 */
static size_t
used_of(const struct pmt_thread *t)
{
	const pmt_stack_word *p =
	    (const void *)(t->stack_lo + PMT_STACK_CANARY_SIZE);
	const pmt_stack_word *end = (const void *)t->stack_hi;
	const uint64_t w = PMT_STACK_FILL_WORD;

	pmt_memcheck_quiet_begin();
	/* Four words at a time over the untouched part: a third of the
	 * time of a word at a time. */
	while (end - p >= 4 &&
	       ((p[0] ^ w) | (p[1] ^ w) | (p[2] ^ w) | (p[3] ^ w)) == 0)
		p += 4;
	while (p < end && *p == w)
		p++;
	pmt_memcheck_quiet_end();
	return (size_t)(t->stack_hi - (const unsigned char *)p);
}

/* Thread context. */
int
pmt_stack_info(pmt_t tid, struct pmt_stack_info *info)
{
	const struct pmt_thread *t;
	size_t room;

	if (!pmt_core.initialised)
		return PMT_ENOINIT;
	if (info == NULL)
		return PMT_EINVAL;
	pmt_core_lock();
	t = pmt_thread_lookup(tid);
	if (t == NULL) {
		pmt_core_unlock();
		return PMT_ESRCH;
	}
	info->base = (void *)(uintptr_t)pmt_stack_base(t);
	info->size =
	    t->stack_lo == NULL ? 0 : (size_t)(t->stack_hi - pmt_stack_base(t));
	info->flags = t->stack_flags &
	              (PMT_STACK_FILL | PMT_STACK_GUARD | PMT_STACK_OVERFLOWED);
	info->used = info->free = 0;
	if ((t->stack_flags & PMT_STACK_FILL) != 0) {
		room =
		    (size_t)(t->stack_hi - t->stack_lo) - PMT_STACK_CANARY_SIZE;
		info->used = used_of(t);
		info->free = room - info->used;
	}
	pmt_core_unlock();
	return 0;
}

/* Thread context. */
int
pmt_stack_check(pmt_t tid)
{
	struct pmt_thread *t;
	unsigned char here;
	uintptr_t sp = UINTPTR_MAX;
	const void *addr;
	int broken, layer;

	if (!pmt_core.initialised)
		return PMT_ENOINIT;
	pmt_core_lock();
	t = pmt_thread_lookup(tid);
	if (t == NULL) {
		pmt_core_unlock();
		return PMT_ESRCH;
	}
	if ((t->stack_flags & PMT_STACK_OVERFLOWED) != 0) {
		pmt_core_unlock();
		return PMT_ESTACKOVF;
	}
	if (t == pmt_core.current) {
		sp = PMT_STACK_DEPTH(&here);
		broken = pmt_stack_broken(t, sp);
	} else if (t->state == PMT_DONE || t->stack_lo == NULL) {
		broken = pmt_stack_broken(t, UINTPTR_MAX);
	} else {
		/* Parked: its saved stack pointer is below its switch frame
		 * already, and must only stay above the guard value. */
		sp = (uintptr_t)t->sp;
		broken = pmt_stack_broken(t, UINTPTR_MAX) ||
		         sp < (uintptr_t)t->stack_lo + PMT_STACK_CANARY_SIZE;
	}
	if (!broken && (t->stack_flags & PMT_STACK_PENDING) == 0) {
		pmt_core_unlock();
		return 0;
	}
	layer = take_layer(t, (const void *)sp, &addr);
	pmt_thread_overflowed(t, layer, addr); /* returns if t is not us */
	pmt_core_unlock();
	return PMT_ESTACKOVF;
}

/* Any context. */
int
pmt_stack_setflags(unsigned flags)
{
	if ((flags & ~(PMT_STACK_FILL | PMT_STACK_GUARD)) != 0)
		return PMT_EINVAL;
	if ((flags & PMT_STACK_GUARD) != 0 && pmt_port_guard_size() == 0)
		return PMT_ENOSYS;
	pmt_stack_newflags = flags;
	return 0;
}

/* Any context. */
unsigned
pmt_stack_getflags(void)
{
	return pmt_stack_newflags;
}
