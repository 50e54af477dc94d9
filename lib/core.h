/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * core.h - the core's shared state: the thread table, the ready queues and
 * the scheduler lock.  Private to lib/; freestanding (no libc, no errno, no
 * config.h).
 */
#ifndef PMT_CORE_H
#define PMT_CORE_H

#include <stdint.h>

#include <pmt.h>

#include "arch.h"
#include "bits.h"
#include "knobs.h"
#include "port.h"
#include "visibility.h"

#define PMT_NLEVELS (PMT_PRIO_MAX + 1)
#define PMT_MAP_WORDS ((PMT_CONFIG_MAX_THREADS + 63) / 64)

enum pmt_state {
	PMT_FREE = 0, /* slot unused */
	PMT_READY,    /* in a ready queue */
	PMT_RUNNING,  /* the current thread */
	PMT_BLOCKED,  /* waiting: wait_kind says for what */
	PMT_DONE      /* finished, waiting to be joined */
};

/* pmt_thread_stats() reports the state as it is. */
_Static_assert(
    PMT_READY == PMT_THREAD_READY && PMT_RUNNING == PMT_THREAD_RUNNING &&
        PMT_BLOCKED == PMT_THREAD_BLOCKED && PMT_DONE == PMT_THREAD_DONE,
    "enum pmt_state and the PMT_THREAD_* states of pmt.h differ");

/* What a BLOCKED thread waits for, and what its wait_obj points at. */
enum pmt_wait_kind {
	PMT_WAIT_NONE = 0,
	PMT_WAIT_JOIN,  /* a thread to finish: the struct pmt_thread */
	PMT_WAIT_MUTEX, /* a mutex: the pmt_mutex_t, whose waiters_ hold us */
	PMT_WAIT_COND,  /* a condition: the pmt_cond_t */
	PMT_WAIT_SEM,   /* a semaphore: the pmt_sem_t */
	PMT_WAIT_SLEEP  /* only a deadline: NULL */
};

/* A thread control block.  Nothing outside lib/ sees it. */
struct pmt_thread {
	void *sp; /* saved stack pointer while parked */
	/* Link in a ready queue while READY, in a wait queue (a mutex's,
	 * condition's or semaphore's waiters_) while BLOCKED there. */
	struct pmt_thread *next;
	struct pmt_thread *joiner; /* thread waiting in pmt_join() for us */
	struct pmt_thread *timed;  /* link in pmt_core.timed, by deadline */
	void *(*entry)(void *);    /* entry function, kept for debuggers */
	void *value;               /* entry's argument, then the exit value */
	const unsigned char *stack_lo; /* its guard value (stack.h); both */
	const unsigned char *stack_hi; /*   NULL for the pmt_init() thread */
	void *wait_obj;                /* what a BLOCKED thread waits on */
	struct pmt_mutex *held;        /* mutexes owned, latest first */
	pmt_time_t deadline;           /* of the wait; PMT_TIME_NEVER if none */
	pmt_t id;                      /* generation * MAX_THREADS + slot */
	unsigned stack_handle;         /* from pmt_port_stack_register() */
	uint8_t state;                 /* enum pmt_state */
	/* Effective priority, which the scheduler uses: the base priority
	 * raised to the highest waiter of any mutex the thread owns. */
	uint8_t prio;
	uint8_t base_prio;   /* set by pmt_spawn() and pmt_setprio() */
	uint8_t detached;    /* freed when done, cannot be joined */
	uint8_t wait_kind;   /* enum pmt_wait_kind while BLOCKED */
	uint8_t wait_result; /* 0 or the PMT_E* code the wait ends with */
	/* pmt_preempt_disable() nesting; while the thread runs it is also
	 * part of pmt_core.preempt_count. */
	uint16_t nopreempt;
	uint8_t stack_flags; /* PMT_STACK_* of this stack (stack.h) */
	/* Times switched to, modulo 2^32: pmt_thread_counts() has the
	 * wraps.  In the padding before name, on the switch's cache line. */
	uint32_t switches;
	const char *name; /* pmt_setname(): the caller's string, or NULL */
#ifdef PMT_SANITIZE_ADDRESS
	void *fiber_fake_stack; /* AddressSanitizer's, while parked (fiber.h) */
#endif
};

/* Two cache lines at most, whatever the CPU (x86_64: 120 bytes, 128 with
 * AddressSanitizer). */
_Static_assert(sizeof(struct pmt_thread) <= 128,
    "struct pmt_thread grew beyond 128 bytes");

struct pmt_queue {
	struct pmt_thread *head, *tail;
};

/*
 * The rest of a thread's counters for pmt_thread_stats(), by slot, cleared
 * by pmt_spawn().  Beside the thread table, as struct pmt_thread has no
 * room for two more 64-bit counters within its two cache lines (with
 * AddressSanitizer's field): it keeps the low half of its switch count,
 * which every switch increments, and the rare carry lands here.
 */
struct pmt_thread_counts {
	uint32_t switches_high; /* times pmt_thread.switches wrapped */
	uint64_t preemptions;   /* times a tick gave its CPU to an equal */
};

struct pmt_core {
	struct pmt_thread *current; /* the running thread */
	uint32_t ready_map;         /* bit p set: ready[p] is not empty */
	/*
	 * Scheduler lock: a counter, not a signal mask.  Raised around every
	 * change to the structures here, and by pmt_preempt_disable().  A
	 * tick that finds it raised only sets need_resched, and the
	 * outermost unlock acts on that.  Across every switch it is exactly
	 * 1: the leaving thread's pmt_preempt_disable() nesting stays in its
	 * own nopreempt, and the resumed side adds its own back.
	 */
	volatile unsigned preempt_count;
	volatile uint8_t need_resched; /* PMT_RESCHED_* reasons pending */
	/* In a fast section (pmt_core_fast_begin()): ticks defer as under
	 * the lock. */
	volatile uint8_t fast;
	uint8_t slicing; /* preemption started: ticks slice */
	uint8_t armed;   /* the port's tick timer is running */
	uint8_t tracing; /* pmt_trace_start() is recording (trace.h) */
	uint32_t alive;  /* threads not yet finished */
	/* Threads with a deadline, earliest first (linked by timed). */
	struct pmt_thread *timed;
	uint8_t initialised;
	size_t stack_min; /* pmt_port_stack_min(), cached */
	struct pmt_stats stats;
	uint64_t used[PMT_MAP_WORDS]; /* bit n set: threads[n] not FREE */
	struct pmt_queue ready[PMT_NLEVELS];
	struct pmt_thread threads[PMT_CONFIG_MAX_THREADS];
	struct pmt_thread_counts counts[PMT_CONFIG_MAX_THREADS];
};

PMT_HIDDEN extern struct pmt_core pmt_core;

#define pmt_barrier() __asm__ __volatile__("" ::: "memory")

static inline void
pmt_core_lock(void)
{
	pmt_core.preempt_count++;
	pmt_barrier();
}

/* need_resched reasons. */
#define PMT_RESCHED_SLICE 1u  /* a tick came: rotate among equals */
#define PMT_RESCHED_HIGHER 2u /* a higher-priority thread is ready */
#define PMT_RESCHED_STACK 4u  /* a tick found the stack overflowed */

/* preempt.c: acts on need_resched; scheduler unlocked.  Thread context,
 * or a port's tick after pmt_core_tick_begin() returned 1. */
PMT_HIDDEN void pmt_core_resched(void);

static inline void
pmt_core_unlock(void)
{
	pmt_barrier();
	pmt_core.preempt_count--;
	pmt_barrier();
	/* A tick that came while the lock was held is taken now; one that
	 * comes after this test finds the lock free and acts itself. */
	if (pmt_core.need_resched != 0 && pmt_core.preempt_count == 0)
		pmt_core_resched();
}

/*
 * A fast section: a few loads and stores that must not be split by a
 * switch, on a path too hot for the lock (an uncontended mutex).  Two
 * plain stores where the lock costs two dependent read-modify-writes of
 * the count.  A tick inside defers exactly as under the lock.  Fast
 * sections do not nest, take no lock and never switch.
 */
static inline void
pmt_core_fast_begin(void)
{
	pmt_core.fast = 1;
	pmt_barrier();
}

static inline void
pmt_core_fast_end(void)
{
	pmt_barrier();
	pmt_core.fast = 0;
	pmt_barrier();
	if (__builtin_expect(pmt_core.need_resched != 0, 0) &&
	    pmt_core.preempt_count == 0)
		pmt_core_resched();
}

/* Any context.  The counters of t (pmt_thread_stats()). */
static inline struct pmt_thread_counts *
pmt_thread_counts(const struct pmt_thread *t)
{
	return &pmt_core.counts[t->id % PMT_CONFIG_MAX_THREADS];
}

/* stats.c: t's 32-bit switch count wrapped: carries into its counts.
 * Scheduler locked.  Out of line: the switch path keeps no register for
 * it. */
PMT_HIDDEN __attribute__((cold)) void pmt_thread_switches_wrapped(
    const struct pmt_thread *t);

/* sched.c: reports a switch made without the lock held exactly once. */
PMT_HIDDEN _Noreturn void pmt_core_panic_lock(void);

/* Scheduler locked.  The thread an id names, or NULL when the id is
 * invalid or stale (its thread was joined or freed since). */
static inline struct pmt_thread *
pmt_thread_lookup(pmt_t id)
{
	struct pmt_thread *t = &pmt_core.threads[id % PMT_CONFIG_MAX_THREADS];

	if (id == PMT_THREAD_NONE || t->id != id || t->state == PMT_FREE)
		return NULL;
	return t;
}

/* name.c: reports through pmt_port_panic() that t (named as every
 * message names a thread: `thread ID "NAME"') broke an invariant, what
 * says how.  Any context.  Does not return. */
PMT_HIDDEN _Noreturn void pmt_thread_panic(
    const struct pmt_thread *t, const char *what);

/*
 * The port's tick, from the timer signal handler or interrupt: checks the
 * running thread's stack (its guard value, and sp, the lowest stack
 * address the port knows the interrupted thread to be using: the
 * interrupted stack pointer, or the handler's own frame when the handler
 * runs on that stack; NULL when it knows none), counts the tick and asks
 * for a slice.  Returns 1 when the interrupted code held no lock, so the
 * port may act on it now by calling pmt_core_resched() (which may switch:
 * the interrupted thread then stays parked inside the handler until it is
 * picked again), after making itself ready for the next tick; returns 0
 * when the slice is left to the end of the critical section the tick
 * interrupted, or the port chooses not to act (PMT_PREEMPT_SAFEPC), in
 * which case the next unlock or the next tick takes it.  Interrupt
 * context, on the interrupted thread's stack.
 */
PMT_HIDDEN int pmt_core_tick_begin(const void *sp);

/*
 * The port's memory fault handler (POSIX: SIGSEGV, on an alternate stack):
 * was the fault at addr a stack overflow into a guard page?  sp, when not
 * NULL, is the stack pointer of a thread the system could not push a
 * signal frame for (addr is then unknown, NULL): an overflow when it lies
 * near the bottom of the running thread's guarded stack.  Returns 1 when
 * it was an overflow, after calling the overflow hook; the port then ends
 * the process.  Returns 0 for any other fault, which the port handles as
 * if the library were not there.  Any context.
 */
PMT_HIDDEN int pmt_core_stack_fault(const void *addr, const void *sp);

/*
 * The port's pmt_preempt_start() and pmt_preempt_stop() call these, with
 * the tick handler installed and the timer created but not running: from
 * then on the core arms and disarms the timer through pmt_port_tick_arm()
 * and pmt_port_tick_disarm() (tickless: it runs only while the running
 * thread has a ready equal to share the CPU with).  Thread context.
 */
PMT_HIDDEN void pmt_core_slicing_start(void);
PMT_HIDDEN void pmt_core_slicing_stop(void);

/*
 * First C code a new thread runs, called by the arch entry trampoline
 * before entry(arg): drops the scheduler lock it inherited from the switch
 * that started it.
 */
PMT_HIDDEN void pmt_core_thread_begin(void);

/*
 * First C code a thread parked by pmt_arch_switch_return() runs when it is
 * resumed, called by the arch resume stub with the key of its switch
 * bracket: ends the bracket and drops the scheduler lock the switch
 * carried in.  Its return value is what pmt_arch_switch_return() returns.
 */
PMT_HIDDEN int pmt_core_switch_resume(unsigned long key);

#endif /* PMT_CORE_H */
