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
#define PMT_VERSION_MINOR 2
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
	X(PMT_EALREADY, 11,                                                    \
	    "already done (pmt_init() twice, preemption started or stopped "   \
	    "twice, or enabled more often than disabled)")                     \
	X(PMT_ENOSYS, 12, "not supported by this build or port")               \
	X(PMT_ESYS, 13,                                                        \
	    "the operating system refused a request (timer or signal set-up)") \
	X(PMT_ESTACKOVF, 14, "the thread overflowed its stack and was stopped")

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
	uint64_t switches;    /* context switches performed */
	uint64_t yields;      /* calls to pmt_yield() */
	uint64_t spawns;      /* threads created */
	uint64_t exits;       /* threads finished */
	uint64_t ticks;       /* timer ticks taken */
	uint64_t preemptions; /* switches forced by a tick */
	/* Threads alive now, the caller of pmt_init() included. */
	uint32_t threads;
	/* Size of the thread table (configure --with-max-threads). */
	uint32_t max_threads;
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

/*
 * Thread names, for messages and debuggers: the library keeps the pointer,
 * not a copy, so the string must outlive the thread (or the next
 * pmt_setname()).  At most PMT_NAME_MAX bytes with the terminating NUL.
 */
#define PMT_NAME_MAX 32
int pmt_setname(pmt_t tid, const char *name);
int pmt_getname(pmt_t tid, const char **name);

/*
 * Stack checks; see pmt_stack_info(3).  Every stack gets a guard value at
 * its low end and a stack pointer range check, at every switch and tick.
 * The flags of pmt_stack_setflags() add, for threads spawned afterwards:
 * PMT_STACK_FILL, a fill pattern, so that pmt_stack_info() reports the
 * high-water mark (it costs a memset of the stack at each spawn), and
 * PMT_STACK_GUARD, a guard page at the low end of page-aligned stacks
 * where the port can protect memory (two mprotect calls per thread on
 * POSIX).  pmt_stack_info() also reports PMT_STACK_OVERFLOWED.
 */
#define PMT_STACK_FILL 0x1u
#define PMT_STACK_GUARD 0x2u
#define PMT_STACK_OVERFLOWED 0x4u

struct pmt_stack_info {
	void *base;     /* lowest address, as given to pmt_spawn() */
	size_t size;    /* bytes, as given to pmt_spawn() */
	size_t used;    /* high-water mark: bytes ever written below the top
	                   (PMT_STACK_FILL), else 0 */
	size_t free;    /* bytes never written (PMT_STACK_FILL), else 0 */
	unsigned flags; /* PMT_STACK_FILL, PMT_STACK_GUARD, ..._OVERFLOWED */
};

int pmt_stack_info(pmt_t tid, struct pmt_stack_info *info);
int pmt_stack_check(pmt_t tid);
int pmt_stack_setflags(unsigned flags);
unsigned pmt_stack_getflags(void);

/*
 * A detected stack overflow: the thread never runs again, pmt_join()
 * returns PMT_ESTACKOVF for it, and the overflow hook is called with what
 * was found; see pmt_set_overflow_hook(3).
 */
#define PMT_OVERFLOW_CANARY 1    /* the guard value was overwritten */
#define PMT_OVERFLOW_RANGE 2     /* the stack pointer left the stack */
#define PMT_OVERFLOW_GUARDPAGE 3 /* a fault in the guard page (fatal) */

struct pmt_overflow {
	pmt_t tid;        /* the thread whose stack overflowed */
	const char *name; /* its name, or NULL */
	void *stack;      /* its stack, as given to pmt_spawn() */
	size_t size;
	const void *addr; /* the guard value, the stack pointer, or the
	                     faulting address, by layer */
	int layer;        /* PMT_OVERFLOW_CANARY, _RANGE or _GUARDPAGE */
};

typedef void (*pmt_overflow_hook_t)(const struct pmt_overflow *overflow);
pmt_overflow_hook_t pmt_set_overflow_hook(pmt_overflow_hook_t hook);

/*
 * Preemption: a timer tick gives the CPU to the next ready thread of the
 * running thread's priority.  The interval is in microseconds, within
 * PMT_PREEMPT_MIN_USEC..PMT_PREEMPT_MAX_USEC; see pmt_preempt_start(3).
 */
#define PMT_PREEMPT_MIN_USEC 50
#define PMT_PREEMPT_MAX_USEC 10000000
#define PMT_PREEMPT_DEFAULT_USEC 1000
/* Flag of pmt_preempt_start(): tick on the CPU time the process uses
 * (ITIMER_VIRTUAL on POSIX) instead of on real time. */
#define PMT_PREEMPT_CPUTIME 0x1u
/* Flag of pmt_preempt_start(): defer a tick while the interrupted code
 * lies outside the program's own text (in the C library, say); see
 * pmt_preempt_start(3) for what it costs. */
#define PMT_PREEMPT_SAFEPC 0x2u

int pmt_preempt_start(unsigned long usec, unsigned flags);
int pmt_preempt_stop(void);
int pmt_preempt_disable(void);
int pmt_preempt_enable(void);

/*
 * PMT_NOPREEMPT { ... } runs the block with preemption disabled.  Leave it
 * only at its end: break, return or goto out of it would skip the enable.
 */
#define PMT_NOPREEMPT                                                          \
	for (int pmt_np_once_ = (pmt_preempt_disable(), 1); pmt_np_once_;      \
	     pmt_np_once_ = (pmt_preempt_enable(), 0))

#if defined(__STDC_HOSTED__) && __STDC_HOSTED__ && !defined(PMT_FREESTANDING)
/*
 * The POSIX port's part of the interface, for hosted programs: the signal
 * mask, and the C library calls that preemption corrupts, each made with
 * preemption disabled.  A freestanding build (a kernel) does not see it.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>

/* Only where <signal.h> shows POSIX (not under a strict -std=c99). */
#ifdef SIG_BLOCK
int pmt_sigmask(int how, const sigset_t *set, sigset_t *oldset);
#endif

void *pmt_malloc(size_t size);
void *pmt_calloc(size_t nmemb, size_t size);
void *pmt_realloc(void *ptr, size_t size);
void pmt_free(void *ptr);

#if defined(__GNUC__) || defined(__clang__)
#define PMT_PRINTF_(f, a) __attribute__((format(printf, f, a)))
#else
#define PMT_PRINTF_(f, a)
#endif
int pmt_printf(const char *format, ...) PMT_PRINTF_(1, 2);
int pmt_fprintf(FILE *stream, const char *format, ...) PMT_PRINTF_(2, 3);
int pmt_vfprintf(FILE *stream, const char *format, va_list ap)
    PMT_PRINTF_(2, 0);
int pmt_puts(const char *s);
int pmt_fputs(const char *s, FILE *stream);
int pmt_fflush(FILE *stream);
#endif /* hosted */

#ifdef __cplusplus
}
#endif

#endif /* PMT_H */
