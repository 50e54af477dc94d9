/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * thread.c - the thread life cycle: spawn, exit, join, detach, and the
 * thread table with its generation-counted ids.
 */
#include "mutex.h"

#define MAX_THREADS PMT_CONFIG_MAX_THREADS
/* Largest generation that keeps generation * MAX_THREADS + slot in a pmt_t. */
#define MAX_GENERATION ((UINT32_MAX - (MAX_THREADS - 1)) / MAX_THREADS)

static unsigned
slot_of(const struct pmt_thread *t)
{
	return (unsigned)(t - pmt_core.threads);
}

/* Scheduler locked.  A free slot with a fresh id, or NULL. */
static struct pmt_thread *
slot_take(void)
{
	unsigned w, slot;
	uint32_t gen;
	struct pmt_thread *t;

	for (w = 0; w < PMT_MAP_WORDS; w++) {
		if (pmt_core.used[w] == UINT64_MAX)
			continue;
		slot = w * 64 + pmt_bits_low64(~pmt_core.used[w]);
		if (slot >= MAX_THREADS)
			return NULL;
		pmt_core.used[w] |= (uint64_t)1 << (slot % 64);
		t = &pmt_core.threads[slot];
		gen = t->id / MAX_THREADS + 1;
		if (gen > MAX_GENERATION)
			gen = 1;
		t->id = gen * MAX_THREADS + slot;
		return t;
	}
	return NULL;
}

/* Scheduler locked.  The slot is free for reuse; its id is stale. */
static void
slot_free(struct pmt_thread *t)
{
	unsigned slot = slot_of(t);

	t->state = PMT_FREE;
	if (t->stack_lo != NULL) {
		pmt_stack_release(t);
		pmt_port_stack_deregister(t->stack_handle);
	}
	t->stack_lo = t->stack_hi = NULL;
	pmt_core.used[slot / 64] &= ~((uint64_t)1 << (slot % 64));
}

/* Scheduler locked: slot_free() for stack.h. */
void
pmt_thread_free(struct pmt_thread *t)
{
	slot_free(t);
}

/* Scheduler locked.  Does [lo, hi) overlap the stack of a thread that has
 * not been joined?  Visits only the slots in use. */
static int
stack_in_use(const unsigned char *lo, const unsigned char *hi)
{
	unsigned w;
	uint64_t bits;
	const struct pmt_thread *t;

	for (w = 0; w < PMT_MAP_WORDS; w++) {
		for (bits = pmt_core.used[w]; bits != 0; bits &= bits - 1) {
			t = &pmt_core.threads[w * 64 + pmt_bits_low64(bits)];
			if (lo < t->stack_hi && pmt_stack_base(t) < hi)
				return 1;
		}
	}
	return 0;
}

/* Thread context. */
int
pmt_spawn(pmt_t *tid, void *(*entry)(void *), void *arg, void *stack,
    size_t size, int prio)
{
	const unsigned char *lo = stack;
	struct pmt_thread *t;

	if (!pmt_core.initialised)
		return PMT_ENOINIT;
	if (tid == NULL || entry == NULL || stack == NULL)
		return PMT_EINVAL;
	if ((uintptr_t)stack % PMT_STACK_ALIGN != 0)
		return PMT_EALIGN;
	if (size < pmt_core.stack_min || size > UINTPTR_MAX - (uintptr_t)lo)
		return PMT_ESTACKSIZE;
	if (prio < PMT_PRIO_MIN || prio > PMT_PRIO_MAX)
		return PMT_EPRIO;

	pmt_core_lock();
	if (stack_in_use(lo, lo + size)) {
		pmt_core_unlock();
		return PMT_EBUSY;
	}
	t = slot_take();
	if (t == NULL) {
		pmt_core_unlock();
		return PMT_EAGAIN;
	}
	t->joiner = t->timed = NULL;
	t->wait_obj = NULL;
	t->held = NULL;
	t->deadline = PMT_TIME_NEVER;
	t->wait_kind = PMT_WAIT_NONE;
	t->entry = entry;
	t->value = arg;
	t->name = NULL;
	t->stack_handle = pmt_port_stack_register(stack, size);
	pmt_stack_prepare(t, stack, size);
	t->prio = t->base_prio = (uint8_t)prio;
	t->detached = 0;
	t->nopreempt = 0;
	t->switches = 0;
	pmt_thread_counts(t)->switches_high = 0;
	pmt_thread_counts(t)->preemptions = 0;
	t->sp = pmt_arch_frame_init(stack, size, entry, arg);
	*tid = t->id;
	pmt_core.alive++;
	pmt_core.stats.spawns++;
	pmt_sched_push_tail(t);
	pmt_trace_spawn(t);
	pmt_sched_yield_higher();
	pmt_sched_slice_check();
	pmt_core_unlock();
	return 0;
}

/*
 * Scheduler locked.  The finishing caller's mutexes that have waiters go
 * to their first waiters, whose locks return PMT_EOWNERDEAD; the others
 * keep the caller's id, and their next locker gets PMT_EOWNERDEAD.
 */
static void
abandon_mutexes(struct pmt_thread *self)
{
	while (self->held != NULL)
		pmt_mutex_release(self->held, self, PMT_EOWNERDEAD);
}

/* Thread context; returns only on failure. */
int
pmt_exit(void *retval)
{
	struct pmt_thread *self = pmt_core.current, *next;

	if (!pmt_core.initialised)
		return PMT_ENOINIT;

	pmt_core_lock();
	pmt_stack_exit_check();
	pmt_trace_exit(self, 0);
	abandon_mutexes(self);
	self->value = retval;
	self->state = PMT_DONE;
	pmt_core.alive--;
	pmt_core.stats.exits++;
	if (self->joiner != NULL)
		pmt_wait_wake(self->joiner, 0);
	/* Still on this thread's stack until the switch below; nothing can
	 * reuse the slot before then, as the lock is held. */
	if (self->detached)
		slot_free(self);
	while ((next = pmt_wait_next()) == NULL) {
		if (pmt_core.alive == 0)
			pmt_port_exit();
		/* Every thread left is blocked and nothing can wake one. */
		if (pmt_wait_break_deadlock() != 0)
			pmt_thread_panic(self,
			    "finished while threads are alive but none is "
			    "ready or blocked (scheduler state corrupted)");
	}
	pmt_sched_switch(next);
	pmt_thread_panic(self, "was resumed after it finished "
	                       "(scheduler state corrupted)");
}

/* Scheduler locked.  Finds the thread tid names for pmt_join() or
 * pmt_detach(): one that is neither detached nor waited for already. */
static int
lookup_joinable(pmt_t tid, struct pmt_thread **tp)
{
	struct pmt_thread *t = pmt_thread_lookup(tid);

	if (t == NULL)
		return PMT_ESRCH;
	if (t->detached)
		return PMT_EDETACHED;
	if (t->joiner != NULL)
		return PMT_EBUSY;
	*tp = t;
	return 0;
}

/* Thread context. */
int
pmt_timedjoin(pmt_t tid, void **retval, pmt_time_t deadline)
{
	struct pmt_thread *self = pmt_core.current, *t = NULL;
	int error;

	if (!pmt_core.initialised)
		return PMT_ENOINIT;

	pmt_core_lock();
	error = lookup_joinable(tid, &t);
	if (error == 0 && t->state != PMT_DONE) {
		if (pmt_wait_cycle(t)) {
			error = PMT_EDEADLK;
		} else {
			t->joiner = self;
			error =
			    pmt_wait_block(PMT_WAIT_JOIN, t, NULL, deadline);
			/* Woken by t's pmt_exit(), or the wait was ended
			 * (deadline, deadlock) and t no longer has a
			 * joiner. */
			if (error != 0)
				t->joiner = NULL;
		}
	}
	if (error != 0) {
		pmt_core_unlock();
		return error;
	}
	/* A thread stopped for a stack overflow has no value. */
	error = (t->stack_flags & PMT_STACK_OVERFLOWED) ? PMT_ESTACKOVF : 0;
	if (retval != NULL && error == 0)
		*retval = t->value;
	slot_free(t);
	pmt_core_unlock();
	return error;
}

/* Thread context. */
int
pmt_join(pmt_t tid, void **retval)
{
	return pmt_timedjoin(tid, retval, PMT_TIME_NEVER);
}

/* Thread context. */
int
pmt_detach(pmt_t tid)
{
	struct pmt_thread *t = NULL;
	int error;

	if (!pmt_core.initialised)
		return PMT_ENOINIT;

	pmt_core_lock();
	error = lookup_joinable(tid, &t);
	if (error == 0 && t->state == PMT_DONE)
		slot_free(t);
	else if (error == 0)
		t->detached = 1;
	pmt_core_unlock();
	return error;
}

/* Thread context. */
pmt_t
pmt_self(void)
{
	if (!pmt_core.initialised)
		return PMT_THREAD_NONE;
	return pmt_core.current->id;
}

/* Thread context. */
int
pmt_init(void)
{
	struct pmt_thread *self;
	int error;

	if (pmt_core.initialised)
		return PMT_EALREADY;
	error = pmt_port_init();
	if (error != 0)
		return error;
	pmt_core.stack_min = pmt_port_stack_min();
	pmt_fiber_init();
	pmt_memcheck_init();
	self = slot_take();
	self->prio = self->base_prio = PMT_PRIO_DEFAULT;
	self->deadline = PMT_TIME_NEVER;
	self->state = PMT_RUNNING;
	pmt_core.current = self;
	pmt_core.alive = 1;
	pmt_core.initialised = 1;
	pmt_trace_spawn(self);
	return 0;
}
