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
#define PMT_VERSION_MINOR 4
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
	    "the wait could never end (a circle of joins or mutexes, a "       \
	    "relock, "                                                         \
	    "or nothing else can run)")                                        \
	X(PMT_EBUSY, 8,                                                        \
	    "busy (the thread already has a joiner, the stack belongs to a "   \
	    "live thread, the object is in use, or a try call would wait)")    \
	X(PMT_EDETACHED, 9, "the thread is detached and cannot be joined")     \
	X(PMT_ENOINIT, 10, "pmt_init() has not been called")                   \
	X(PMT_EALREADY, 11,                                                    \
	    "already done (pmt_init() twice, preemption started or stopped "   \
	    "twice, or enabled more often than disabled)")                     \
	X(PMT_ENOSYS, 12, "not supported by this build or port")               \
	X(PMT_ESYS, 13,                                                        \
	    "the operating system refused a request (timer or signal set-up)") \
	X(PMT_ESTACKOVF, 14,                                                   \
	    "the thread overflowed its stack and was stopped")                 \
	X(PMT_ETIMEDOUT, 15, "the deadline passed before the wait ended")      \
	X(PMT_EPERM, 16, "the caller does not own the mutex")                  \
	X(PMT_EOVERFLOW, 17,                                                   \
	    "a count would exceed its limit (semaphore or recursive mutex)")   \
	X(PMT_EOWNERDEAD, 18,                                                  \
	    "the mutex is yours, but its last owner finished holding it")

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

/* A thread's own counters since it was spawned, and its state now; see
 * pmt_thread_stats(3). */
#define PMT_THREAD_READY 1   /* waiting for the CPU */
#define PMT_THREAD_RUNNING 2 /* running: the caller */
#define PMT_THREAD_BLOCKED 3 /* waiting for a thread, object or deadline */
#define PMT_THREAD_DONE 4    /* finished, not yet joined */

struct pmt_thread_stats {
	uint64_t switches;    /* times switched to (its first run included) */
	uint64_t preemptions; /* times a tick gave its CPU to an equal */
	int state;            /* PMT_THREAD_READY, ..._RUNNING, and so on */
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
int pmt_thread_stats(pmt_t tid, struct pmt_thread_stats *stats);
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

/*
 * Time: a monotonic clock in nanoseconds from an arbitrary origin, from
 * the port (CLOCK_MONOTONIC on POSIX).  Timed calls take an absolute
 * deadline on this clock: pmt_now() + PMT_MSEC(5) is five milliseconds from
 * now.  See pmt_now(3).
 */
typedef uint64_t pmt_time_t;
#define PMT_TIME_NEVER UINT64_MAX
#define PMT_USEC(n) ((pmt_time_t)(n)*1000u)
#define PMT_MSEC(n) ((pmt_time_t)(n)*1000000u)
#define PMT_SEC(n) ((pmt_time_t)(n)*1000000000u)

pmt_time_t pmt_now(void);
int pmt_sleep(pmt_time_t nsec);
int pmt_sleep_until(pmt_time_t deadline);
int pmt_timedjoin(pmt_t tid, void **retval, pmt_time_t deadline);
int pmt_getprio_effective(pmt_t tid, int *prio);

/*
 * The scheduling trace; see pmt_trace_start(3).  Off until started; then
 * each event below goes into a ring of events in memory the caller
 * supplies, stamped with pmt_now().  Each event is about one thread; what
 * other, arg and detail hold depends on its kind.  Kinds, wait kinds and
 * reasons are only ever appended.  A build configured with
 * --disable-trace answers PMT_ENOSYS.
 */
struct pmt_trace_event {
	pmt_time_t time; /* pmt_now() when it happened */
	pmt_t thread;    /* the thread it is about */
	pmt_t other;     /* another thread it involves, or PMT_THREAD_NONE */
	uint32_t arg;    /* a number, by kind */
	uint8_t kind;    /* PMT_TRACE_SPAWN, ... */
	uint8_t detail;  /* a state, reason, wait kind or result, by kind */
	uint8_t prio;    /* thread's effective priority then */
	uint8_t reserved_;
};

/*
 * Kinds, and what the members hold for each:
 * THREAD   thread existed when the trace started; detail: its state; when
 *          it waits, arg: the wait kind, other: the thread it waits for
 * NAME     eight bytes of thread's name, in other and arg (see
 *          pmt_trace_start(3)); detail: their offset, PMT_TRACE_NAME_LAST
 * SPAWN    thread was created; other: by whom; detail: its state
 * EXIT     thread finished; detail: 0, or PMT_TRACE_EXIT_OVERFLOW
 * SWITCH   thread left the CPU to other, of priority arg; detail: why
 * BLOCK    thread began to wait; detail: the wait kind; other: the
 *          thread it waits for; arg: 1 when it has a deadline
 * WAKE     thread's wait ended; other: the running thread; detail: the
 *          wait's result, 0 or a PMT_E* code
 * PREEMPT  a tick ended thread's slice
 * TICK     a tick came while thread ran; detail: 1 inside a critical
 *          section
 * PRIO     thread's effective priority became prio; arg: the old one
 */
#define PMT_TRACE_THREAD 1
#define PMT_TRACE_NAME 2
#define PMT_TRACE_SPAWN 3
#define PMT_TRACE_EXIT 4
#define PMT_TRACE_SWITCH 5
#define PMT_TRACE_BLOCK 6
#define PMT_TRACE_WAKE 7
#define PMT_TRACE_PREEMPT 8
#define PMT_TRACE_TICK 9
#define PMT_TRACE_PRIO 10

/* States, of THREAD and SPAWN. */
#define PMT_TRACE_STATE_READY 1
#define PMT_TRACE_STATE_RUNNING 2
#define PMT_TRACE_STATE_BLOCKED 3
#define PMT_TRACE_STATE_DONE 4

/* Why a thread left the CPU, in SWITCH. */
#define PMT_TRACE_SWITCH_YIELD 1  /* pmt_yield() */
#define PMT_TRACE_SWITCH_TICK 2   /* preempted: its slice ended */
#define PMT_TRACE_SWITCH_HIGHER 3 /* a higher priority took the CPU */
#define PMT_TRACE_SWITCH_BLOCK 4  /* it waits */
#define PMT_TRACE_SWITCH_EXIT 5   /* it finished */

/* What a thread waits for, in BLOCK and THREAD. */
#define PMT_TRACE_WAIT_JOIN 1
#define PMT_TRACE_WAIT_MUTEX 2
#define PMT_TRACE_WAIT_COND 3
#define PMT_TRACE_WAIT_SEM 4
#define PMT_TRACE_WAIT_SLEEP 5

#define PMT_TRACE_EXIT_OVERFLOW 1 /* stopped for a stack overflow */
#define PMT_TRACE_NAME_LAST 0x80u /* in NAME's detail: the last piece */

/* Flag of pmt_trace_start(): keep the first events, not the latest. */
#define PMT_TRACE_NOWRAP 0x1u

/* The state of the trace; see pmt_trace_info(3). */
struct pmt_trace_info {
	struct pmt_trace_event *events; /* as given to pmt_trace_start() */
	size_t size;                    /* its length in events */
	uint64_t recorded;  /* events since pmt_trace_start(), held or not */
	uint64_t first;     /* sequence number of the oldest event held */
	uint64_t count;     /* events held: first .. first + count - 1 */
	uint64_t lost;      /* events recorded but not held */
	pmt_time_t started; /* pmt_now() at pmt_trace_start() */
	pmt_time_t stopped; /* at pmt_trace_stop(); 0 while running */
	unsigned flags;     /* as given to pmt_trace_start() */
	int running;        /* between pmt_trace_start() and pmt_trace_stop() */
};

int pmt_trace_start(
    struct pmt_trace_event *events, size_t size, unsigned flags);
int pmt_trace_stop(void);
int pmt_trace_info(struct pmt_trace_info *info);
int pmt_trace_read(
    uint64_t *seq, struct pmt_trace_event *events, size_t max, size_t *count);

/*
 * Synchronisation objects.  Their members are private: use the calls and
 * the initialisers only.  Each object lives wherever the caller puts it
 * (static, on a stack, inside a structure); no call allocates memory.
 */
struct pmt_thread;

/* Mutex types: error-checking (a relock by the owner fails with
 * PMT_EDEADLK) or recursive (the owner may lock it again). */
#define PMT_MUTEX_NORMAL 0
#define PMT_MUTEX_RECURSIVE 1

/* Value of the magic_ member of an initialised object ("pmtM", "pmtC",
 * "pmtS"): a call given anything else returns PMT_EINVAL. */
#define PMT_MUTEX_MAGIC_ 0x706d744du
#define PMT_COND_MAGIC_ 0x706d7443u
#define PMT_SEM_MAGIC_ 0x706d7453u

typedef struct pmt_mutex {
	uint32_t magic_;
	uint32_t count_; /* lock depth of the owner */
	/* The owner's id, 0 when unlocked, and PMT_MUTEX_WAITERS_ while
	 * threads wait; a thread may take or release it without the
	 * scheduler while it is unlocked or has no waiters. */
	uint64_t lock_;
	struct pmt_thread *waiters_;  /* highest priority first, then FIFO */
	struct pmt_mutex *next_held_; /* the owner's others with waiters */
	uint8_t type_;                /* PMT_MUTEX_NORMAL or _RECURSIVE */
} pmt_mutex_t;

#define PMT_MUTEX_WAITERS_ ((uint64_t)1 << 32)

#define PMT_MUTEX_INITIALIZER                                                  \
	{                                                                      \
		PMT_MUTEX_MAGIC_, 0, 0, NULL, NULL, PMT_MUTEX_NORMAL           \
	}
#define PMT_MUTEX_RECURSIVE_INITIALIZER                                        \
	{                                                                      \
		PMT_MUTEX_MAGIC_, 0, 0, NULL, NULL, PMT_MUTEX_RECURSIVE        \
	}

int pmt_mutex_init(pmt_mutex_t *mutex, int type);
int pmt_mutex_lock(pmt_mutex_t *mutex);
int pmt_mutex_trylock(pmt_mutex_t *mutex);
int pmt_mutex_timedlock(pmt_mutex_t *mutex, pmt_time_t deadline);
int pmt_mutex_unlock(pmt_mutex_t *mutex);

typedef struct pmt_cond {
	uint32_t magic_;
	struct pmt_thread *waiters_; /* highest priority first, then FIFO */
	pmt_mutex_t *mutex_;         /* the waiters' mutex, while any wait */
} pmt_cond_t;

#define PMT_COND_INITIALIZER                                                   \
	{                                                                      \
		PMT_COND_MAGIC_, NULL, NULL                                    \
	}

int pmt_cond_init(pmt_cond_t *cond);
int pmt_cond_wait(pmt_cond_t *cond, pmt_mutex_t *mutex);
int pmt_cond_timedwait(
    pmt_cond_t *cond, pmt_mutex_t *mutex, pmt_time_t deadline);
int pmt_cond_signal(pmt_cond_t *cond);
int pmt_cond_broadcast(pmt_cond_t *cond);

/* Largest count a semaphore can be given. */
#define PMT_SEM_VALUE_MAX UINT32_MAX

typedef struct pmt_sem {
	uint32_t magic_;
	uint32_t count_;
	uint32_t max_;               /* post fails with PMT_EOVERFLOW above */
	struct pmt_thread *waiters_; /* highest priority first, then FIFO */
} pmt_sem_t;

#define PMT_SEM_INITIALIZER(value, max)                                        \
	{                                                                      \
		PMT_SEM_MAGIC_, (value), (max), NULL                           \
	}

int pmt_sem_init(pmt_sem_t *sem, unsigned value, unsigned max);
int pmt_sem_wait(pmt_sem_t *sem);
int pmt_sem_trywait(pmt_sem_t *sem);
int pmt_sem_timedwait(pmt_sem_t *sem, pmt_time_t deadline);
int pmt_sem_post(pmt_sem_t *sem);
int pmt_sem_getvalue(pmt_sem_t *sem, unsigned *value);

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

/* The trace as Chrome Trace Event JSON, for Perfetto and chrome://tracing;
 * see pmt_trace_write_json(3). */
int pmt_trace_write_json(int fd);
#endif /* hosted */

#ifdef __cplusplus
}
#endif

#endif /* PMT_H */
