/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * pmt.h - the public interface of libpmt, a preemptive user-space threading
 * library on caller-supplied stacks.  The only installed header; it needs
 * nothing but freestanding headers and compiles as C99 and as C++.
 */
#ifndef PMT_H
#define PMT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PMT_VERSION_MAJOR 0
#define PMT_VERSION_MINOR 1
#define PMT_VERSION_PATCH 0

/*
 * Error codes.  Every call returns 0 or one of these positive values, and
 * pmt_strerror() names each.  The list is the single source of both the
 * enum and the messages; new codes are only ever appended, so the numbers
 * are part of the ABI.
 */
#define PMT_ERRORS(X)                                                          \
	X(PMT_EINVAL, 1, "invalid argument (a null pointer or a bad value)")   \
	X(PMT_ESTACKSIZE, 2,                                                   \
	    "stack smaller than the minimum pmt_stack_min() reports")          \
	X(PMT_EALIGN, 3, "stack not aligned to PMT_STACK_ALIGN bytes")         \
	X(PMT_EPRIO, 4, "priority outside PMT_PRIO_MIN..PMT_PRIO_MAX")         \
	X(PMT_EAGAIN, 5, "no free thread slot (the thread table is full)")     \
	X(PMT_ESRCH, 6,                                                        \
	    "no such thread (never created, or joined or detached and gone)")  \
	X(PMT_EDEADLK, 7,                                                      \
	    "the wait could never end (joining yourself, a join cycle, or "    \
	    "nothing else can run)")                                           \
	X(PMT_EBUSY, 8,                                                        \
	    "in use (the thread already has a joiner, or the stack belongs "   \
	    "to a live thread)")                                               \
	X(PMT_EDETACHED, 9, "the thread is detached and cannot be joined")     \
	X(PMT_ENOINIT, 10, "pmt_init() has not been called")                   \
	X(PMT_EALREADY, 11, "already done (pmt_init() called twice)")          \
	X(PMT_ENOSYS, 12, "not supported by this build or port")

/* clang-format off */
enum pmt_error {
	PMT_OK = 0,
#define PMT_ERROR_ENUM_(name, value, text) name = value,
	PMT_ERRORS(PMT_ERROR_ENUM_)
#undef PMT_ERROR_ENUM_
	/* The highest code: the codes run from 1 without gaps. */
#define PMT_ERROR_COUNT_(name, value, text) + 1
	PMT_ELAST_ = 0 PMT_ERRORS(PMT_ERROR_COUNT_)
#undef PMT_ERROR_COUNT_
};
/* clang-format on */

/*
 * A thread id.  It carries the thread's slot and a generation count, so an
 * id whose thread was joined (or detached and finished) never names the
 * thread that reuses the slot: calls given such a stale id return
 * PMT_ESRCH.  PMT_THREAD_NONE (0) is never a valid id.
 */
typedef uint32_t pmt_t;
#define PMT_THREAD_NONE ((pmt_t)0)

/* Priorities: a higher number runs first; round robin among equals. */
#define PMT_PRIO_MIN 0
#define PMT_PRIO_MAX 31
#define PMT_PRIO_DEFAULT 16

/* Stacks: alignment every stack needs, the compile-time floor of the
 * minimum size (pmt_stack_min() gives this machine's), and a macro that
 * declares a suitably aligned static stack. */
#define PMT_STACK_ALIGN 16
#define PMT_STACK_MIN 16384
#define PMT_STACK_PAGE 4096
#if defined(__GNUC__) || defined(__clang__)
#define PMT_STACK_DEFINE(name, size)                                           \
	static unsigned char name[(size)]                                      \
	    __attribute__((aligned(PMT_STACK_PAGE)))
#else
#define PMT_STACK_DEFINE(name, size)                                           \
	static _Alignas(PMT_STACK_PAGE) unsigned char name[(size)]
#endif

/* Counters since pmt_init(); see pmt_stats(3). */
struct pmt_stats {
	uint64_t switches; /* context switches performed */
	uint64_t yields;   /* calls to pmt_yield() */
	uint64_t spawns;   /* threads created */
	uint64_t exits;    /* threads finished */
	uint64_t ticks;    /* timer ticks taken (0 without preemption) */
	uint64_t
	    preemptions; /* switches forced by a tick (0 without preemption) */
	uint32_t
	    threads; /* threads alive now, the caller of pmt_init() included */
	uint32_t
	    max_threads; /* size of the thread table (--with-max-threads) */
};

int pmt_init(void);
int pmt_spawn(pmt_t *tid, void *(*entry)(void *arg), void *arg, void *stack,
    size_t size, int prio);
int pmt_yield(void);
int pmt_exit(void *retval);
int pmt_join(pmt_t tid, void **retval);
int pmt_detach(pmt_t tid);
pmt_t pmt_self(void);
int pmt_setprio(pmt_t tid, int prio);
int pmt_getprio(pmt_t tid, int *prio);
const char *pmt_strerror(int error);
int pmt_stats(struct pmt_stats *stats);
size_t pmt_stack_min(void);

#ifdef __cplusplus
}
#endif

#endif /* PMT_H */
