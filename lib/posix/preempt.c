/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * preempt.c - timer preemption in the POSIX port: pmt_preempt_start(),
 * pmt_preempt_stop(), the tick signal's handler and the timer behind it.
 *
 * The handler switches threads inside itself: a preempted thread stays
 * parked in its own signal frame, on its own stack, where the kernel saved
 * its whole state, and returns from the handler when it is picked again.
 * No SA_ONSTACK: an alternate stack is one per kernel thread, and every
 * parked thread needs its frame on its own stack.
 *
 * The tick stays blocked while the kernel delivers it and while its
 * handler runs (no SA_NODEFER), and a thread that switches away from the
 * handler unblocks it first, in the switch bracket (bracket.h); one that
 * is switched back to the handler blocks it again until its sigreturn.
 * So a thread holds at most the one frame it was preempted in.  With
 * SA_NODEFER a tick whose delivery came later than one interval (a busy
 * or virtualised host) let the kernel stack the next before the handler
 * ran an instruction, and ticks landed again on the way out of handlers:
 * measured 10 to 40 frames, 15 to 60 KB, at a 50 us tick, overflowing
 * 64 KiB stacks.  The unblock before switching is what SA_NODEFER was
 * for: the thread switched to must not run with the tick blocked.
 */
#include <config.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#ifdef PMT_HAVE_SIGEV_THREAD_ID
#include <sys/syscall.h>
#endif
#ifdef HAVE_DL_ITERATE_PHDR
#include <link.h>
#endif

#include <pmt.h>

#include "../core.h"
#include "../stack.h"
#include "posix.h"

#if defined(PMT_HAVE_TIMER_CREATE) && defined(PMT_HAVE_SIGEV_THREAD_ID)
#define THREAD_TIMER 1
#endif

static struct {
	int running;          /* between start and stop */
	int signo;            /* SIGALRM, or SIGVTALRM for CPU time */
	int which;            /* setitimer()'s timer when !use_timer */
	int use_timer;        /* a timer_create() timer */
	int safepc;           /* PMT_PREEMPT_SAFEPC */
	sigset_t set;         /* just signo */
	unsigned long usec;   /* the interval */
	struct sigaction old; /* the handler we replaced */
#ifdef THREAD_TIMER
	pid_t tid; /* the kernel thread to tick */
	timer_t timer;
#endif
} tick;

/* Thread context, once. */
void
pmt_posix_tick_init(void)
{
#ifdef THREAD_TIMER
	tick.tid = (pid_t)syscall(SYS_gettid);
#endif
}

#ifdef PMT_HAVE_PREEMPTION
/*
 * PMT_PREEMPT_SAFEPC: the program's own text, found once at start from
 * the program headers of the main executable (the first object the
 * dynamic linker reports; PIE or not, libpmt shared or static), and the
 * interrupted program counter, which only a CPU-specific field of the
 * ucontext holds.
 */
static const char *text_lo, *text_hi;

#ifdef HAVE_DL_ITERATE_PHDR
/* dl_iterate_phdr() callback: the executable segments of the first
 * object, which is the program itself. */
static int
find_text(struct dl_phdr_info *info, size_t size, void *data)
{
	const char *lo = NULL, *hi = NULL, *s;
	int i;

	(void)size;
	(void)data;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		s = (const char *)(info->dlpi_addr + ph->p_vaddr);
		if (lo == NULL || s < lo)
			lo = s;
		if (hi == NULL || s + ph->p_memsz > hi)
			hi = s + ph->p_memsz;
	}
	text_lo = lo;
	text_hi = hi;
	return 1; /* the first object is enough */
}
#endif

/* Thread context: can ticks be told apart by where they land? */
static int
safepc_init(void)
{
#if defined(HAVE_DL_ITERATE_PHDR) && defined(__linux__) &&                     \
    (defined(__x86_64__) || defined(__riscv) || defined(__aarch64__))
	if (text_lo == NULL)
		dl_iterate_phdr(find_text, NULL);
	return text_lo != NULL && text_lo < text_hi;
#else
	return 0;
#endif
}

static int
pc_in_program(const ucontext_t *uc)
{
#if defined(__linux__) && defined(__x86_64__)
	const char *pc = (const char *)uc->uc_mcontext.gregs[REG_RIP];

	return pc >= text_lo && pc < text_hi;
#elif defined(__linux__) && defined(__riscv)
	const char *pc = (const char *)uc->uc_mcontext.__gregs[REG_PC];

	return pc >= text_lo && pc < text_hi;
#elif defined(__linux__) && defined(__aarch64__)
	const char *pc = (const char *)uc->uc_mcontext.pc;

	return pc >= text_lo && pc < text_hi;
#else
	(void)uc;
	return 1;
#endif
}

/*
 * The tick, entered with the tick signal blocked, which it stays until the
 * return (bracket.h unblocks it for the threads switched to meanwhile).
 * errno is the interrupted code's and is given back.  The signal mask the
 * return restores is brought up to date, as pmt_sigmask() may have
 * changed it while this thread was parked here: on every return, which
 * costs less than keeping a record of when that is needed.
 */
static void
on_tick(int signo, siginfo_t *info, void *ucontext)
{
	int saved_errno = errno;
	ucontext_t *uc = ucontext;

	/* The handler runs on the interrupted thread's stack, below the
	 * signal frame: how deep the stack is in use now, for its check.
	 * Unknown if the tick interrupted a handler on an alternate stack. */
	const void *sp = (const void *)PMT_STACK_DEPTH(&saved_errno);

	(void)signo;
	(void)info;
	if ((uc->uc_stack.ss_flags & SS_ONSTACK) != 0)
		sp = NULL;
	pmt_posix_in_tick = 1;
	if (pmt_core_tick_begin(sp) && (!tick.safepc || pc_in_program(uc)))
		pmt_core_resched();
	/* Blocked still (or again, if this thread was switched back to):
	 * the return below unblocks it. */
	pmt_posix_in_tick = 0;
	pmt_posix_mask_apply(&uc->uc_sigmask);
	errno = saved_errno;
}

/* Switch bracket, scheduler locked: see bracket.h. */
PMT_HIDDEN volatile int pmt_posix_in_tick;

void
pmt_posix_tick_unblock(void)
{
	sigprocmask(SIG_UNBLOCK, &tick.set, NULL);
}

void
pmt_posix_tick_block(void)
{
	sigprocmask(SIG_BLOCK, &tick.set, NULL);
}

/* Scheduler locked, or the tick handler: run the periodic timer at the
 * interval (usec), or stop it (0). */
static void
timer_set(unsigned long usec)
{
#ifdef THREAD_TIMER
	if (tick.use_timer) {
		struct itimerspec its;

		its.it_interval.tv_sec = (time_t)(usec / 1000000);
		its.it_interval.tv_nsec = (long)(usec % 1000000) * 1000;
		its.it_value = its.it_interval;
		timer_settime(tick.timer, 0, &its, NULL);
		return;
	}
#endif
	struct itimerval itv;

	itv.it_interval.tv_sec = (time_t)(usec / 1000000);
	itv.it_interval.tv_usec = (suseconds_t)(usec % 1000000);
	itv.it_value = itv.it_interval;
	setitimer(tick.which, &itv, NULL);
}

void
pmt_port_tick_arm(void)
{
	timer_set(tick.usec);
}

void
pmt_port_tick_disarm(void)
{
	timer_set(0);
}

/* Thread context: the timer stopped, takes a tick that was already on
 * its way, so that the handler restored next does not receive it. */
static void
drain_pending(int signo)
{
	sigset_t set, pending, saved;
	struct timespec zero = {0, 0};

	sigemptyset(&set);
	sigaddset(&set, signo);
	sigprocmask(SIG_BLOCK, &set, &saved);
	while (sigpending(&pending) == 0 && sigismember(&pending, signo) == 1)
		if (sigtimedwait(&set, NULL, &zero) < 0 && errno != EINTR)
			break;
	sigprocmask(SIG_SETMASK, &saved, NULL);
}

/* Thread context. */
static int
tick_create(unsigned flags)
{
	tick.use_timer = 0;
	tick.which =
	    (flags & PMT_PREEMPT_CPUTIME) ? ITIMER_VIRTUAL : ITIMER_REAL;
#ifdef THREAD_TIMER
	if (!(flags & PMT_PREEMPT_CPUTIME)) {
		struct sigevent sev;

		memset(&sev, 0, sizeof sev);
		sev.sigev_notify = SIGEV_THREAD_ID;
		sev.sigev_signo = tick.signo;
		sev.PMT_SIGEV_TID_MEMBER = tick.tid;
		if (timer_create(CLOCK_MONOTONIC, &sev, &tick.timer) != 0)
			return PMT_ESYS;
		tick.use_timer = 1;
	}
#endif
	return 0;
}
#else
/* Never called: without preemption the core never starts slicing, and
 * no thread is ever inside a tick handler. */
void
pmt_port_tick_arm(void)
{
}

void
pmt_port_tick_disarm(void)
{
}

PMT_HIDDEN volatile int pmt_posix_in_tick;

void
pmt_posix_tick_unblock(void)
{
}

void
pmt_posix_tick_block(void)
{
}
#endif /* PMT_HAVE_PREEMPTION */

/* Thread context. */
int
pmt_preempt_start(unsigned long usec, unsigned flags)
{
	if (pmt_self() == PMT_THREAD_NONE)
		return PMT_ENOINIT;
#ifndef PMT_HAVE_PREEMPTION
	(void)usec;
	(void)flags;
	return PMT_ENOSYS;
#else
	struct sigaction sa;
	sigset_t mask;
	int error;

	if (tick.running)
		return PMT_EALREADY;
	if ((flags & ~(PMT_PREEMPT_CPUTIME | PMT_PREEMPT_SAFEPC)) != 0 ||
	    usec < PMT_PREEMPT_MIN_USEC || usec > PMT_PREEMPT_MAX_USEC)
		return PMT_EINVAL;
	if ((flags & PMT_PREEMPT_SAFEPC) && !safepc_init())
		return PMT_ENOSYS;
	tick.safepc = (flags & PMT_PREEMPT_SAFEPC) != 0;
	tick.signo = (flags & PMT_PREEMPT_CPUTIME) ? SIGVTALRM : SIGALRM;
	sigemptyset(&tick.set);
	sigaddset(&tick.set, tick.signo);
	sigprocmask(SIG_SETMASK, NULL, &mask);
	if (sigismember(&mask, tick.signo) == 1)
		return PMT_EBUSY;
	tick.usec = usec;
	error = tick_create(flags);
	if (error != 0)
		return error;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_tick;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sa.sa_mask = tick.set;
	if (sigaction(tick.signo, &sa, &tick.old) != 0) {
#ifdef THREAD_TIMER
		if (tick.use_timer)
			timer_delete(tick.timer);
#endif
		return PMT_ESYS;
	}
	tick.running = 1;
	pmt_posix_tick_signal = tick.signo;
	pmt_core_slicing_start();
	return 0;
#endif
}

/* Thread context. */
int
pmt_preempt_stop(void)
{
	if (pmt_self() == PMT_THREAD_NONE)
		return PMT_ENOINIT;
#ifndef PMT_HAVE_PREEMPTION
	return PMT_ENOSYS;
#else
	if (!tick.running)
		return PMT_EALREADY;
	pmt_core_slicing_stop();
#ifdef THREAD_TIMER
	if (tick.use_timer)
		timer_delete(tick.timer);
#endif
	drain_pending(tick.signo);
	sigaction(tick.signo, &tick.old, NULL);
	pmt_posix_tick_signal = 0;
	tick.running = 0;
	return 0;
#endif
}
