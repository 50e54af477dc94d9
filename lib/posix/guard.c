/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * guard.c - stack guard pages in the POSIX port (pmt_stack_setflags(3),
 * PMT_STACK_GUARD): the lowest page of a page-aligned stack is made
 * inaccessible with mprotect(), and a SIGSEGV handler, on an alternate
 * stack as the faulting stack has no room left, names the thread whose
 * guard page was hit and ends the process with SIGSEGV.
 *
 * The handler and the alternate stack are installed while at least one
 * stack has a guard page, and the ones they replaced are put back when the
 * last guarded stack is freed, unless the program has installed its own
 * meanwhile.  A SIGSEGV that is not a guard page hit goes where it would
 * have gone without the library: to the handler installed before, or to
 * the default action.  A program that installs its own SIGSEGV handler
 * while stacks are guarded takes every SIGSEGV, guard page hits included.
 */
#include <config.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pmt.h>

#include "../core.h"
#include "posix.h"

/*
 * The alternate stack: the kernel's signal frame (up to about 11 KB with
 * AMX state) plus the handler and the overflow hook.  Static, as the
 * library allocates nothing; an alternate stack the program has set up
 * already is used instead if it is at least half as large.
 */
#define ALTSTACK_SIZE (64 * 1024)
static unsigned char altstack[ALTSTACK_SIZE] __attribute__((aligned(64)));

static size_t page;           /* the page size, once known */
static unsigned guarded;      /* stacks with a guard page now */
static struct sigaction prev; /* the SIGSEGV action replaced */
static stack_t prev_ss;       /* the alternate stack replaced */
static int own_ss;            /* altstack is installed */

/* Any context (thread context the first time, which is
 * pmt_stack_setflags() or pmt_spawn()). */
size_t
pmt_port_guard_size(void)
{
	long n;

	if (page == 0) {
		n = sysconf(_SC_PAGESIZE);
		page = n > 0 ? (size_t)n : 0;
	}
	return page;
}

/* SIGSEGV handler: the default action, as if the library were not there.
 * The signal stays blocked until the handler returns, and then kills. */
static void
default_action(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	raise(SIGSEGV);
}

/* SIGSEGV handler: a fault that is not the library's goes to the handler
 * installed before, or takes its disposition. */
static void
pass_on(int signo, siginfo_t *info, void *ucontext)
{
	if ((prev.sa_flags & SA_SIGINFO) != 0 && prev.sa_sigaction != NULL) {
		prev.sa_sigaction(signo, info, ucontext);
		return;
	}
	if (prev.sa_handler == SIG_IGN) {
		/* The kernel ignores a SIGSEGV sent by kill(), but not a
		 * fault: that one kills even when ignored. */
		if (info->si_code <= 0)
			return;
		default_action();
		return;
	}
	if (prev.sa_handler != SIG_DFL) {
		prev.sa_handler(signo);
		return;
	}
	default_action();
}

/* The stack pointer of the code a signal interrupted, or NULL where this
 * port does not know where the ucontext keeps it. */
static const void *
interrupted_sp(const void *ucontext)
{
#if defined(__linux__) && defined(__x86_64__)
	const ucontext_t *uc = ucontext;

	return (const void *)uc->uc_mcontext.gregs[REG_RSP];
#elif defined(__linux__) && defined(__riscv)
	const ucontext_t *uc = ucontext;

	return (const void *)uc->uc_mcontext.__gregs[REG_SP];
#elif defined(__linux__) && defined(__aarch64__)
	const ucontext_t *uc = ucontext;

	return (const void *)uc->uc_mcontext.sp;
#else
	(void)ucontext;
	return NULL;
#endif
}

#ifndef SI_KERNEL
#define SI_KERNEL (-1000) /* no such code here: never matches */
#endif

/*
 * SIGSEGV, on the alternate stack, the tick blocked.  A fault in a guard
 * page, or a signal the kernel could not deliver (SI_KERNEL: no room for
 * its frame) to a thread near the bottom of its guarded stack, is a stack
 * overflow: pmt_core_stack_fault() calls the overflow hook, and the
 * process ends with SIGSEGV.
 */
static void
on_segv(int signo, siginfo_t *info, void *ucontext)
{
	int saved_errno = errno;
	const void *addr = NULL, *sp = NULL;

	if (info->si_code == SI_KERNEL)
		sp = interrupted_sp(ucontext);
	else if (info->si_code > 0)
		addr = info->si_addr;
	if ((addr != NULL || sp != NULL) && pmt_core_stack_fault(addr, sp)) {
		default_action();
		return;
	}
	errno = saved_errno;
	pass_on(signo, info, ucontext);
}

/* Scheduler locked: the first guarded stack comes. */
static int
install(void)
{
	struct sigaction sa;
	stack_t ss;

	if (sigaltstack(NULL, &prev_ss) != 0)
		return -1;
	own_ss = 0;
	if ((prev_ss.ss_flags & SS_DISABLE) != 0 ||
	    prev_ss.ss_size < ALTSTACK_SIZE / 2) {
		if ((prev_ss.ss_flags & SS_ONSTACK) != 0)
			return -1;
		ss.ss_sp = altstack;
		ss.ss_size = sizeof altstack;
		ss.ss_flags = 0;
		if (sigaltstack(&ss, NULL) != 0)
			return -1;
		own_ss = 1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGALRM);
	sigaddset(&sa.sa_mask, SIGVTALRM);
	if (sigaction(SIGSEGV, &sa, &prev) != 0) {
		if (own_ss)
			sigaltstack(&prev_ss, NULL);
		own_ss = 0;
		return -1;
	}
	return 0;
}

/* Scheduler locked: the last guarded stack is gone.  What the program
 * installed since is left alone. */
static void
uninstall(void)
{
	struct sigaction cur;
	stack_t ss;

	if (sigaction(SIGSEGV, NULL, &cur) == 0 &&
	    (cur.sa_flags & SA_SIGINFO) != 0 && cur.sa_sigaction == on_segv)
		sigaction(SIGSEGV, &prev, NULL);
	if (own_ss && sigaltstack(NULL, &ss) == 0 && ss.ss_sp == altstack &&
	    (ss.ss_flags & SS_ONSTACK) == 0) {
		if ((prev_ss.ss_flags & SS_DISABLE) != 0) {
			prev_ss.ss_sp = NULL;
			prev_ss.ss_size = 0;
			prev_ss.ss_flags = SS_DISABLE;
		}
		sigaltstack(&prev_ss, NULL);
	}
	own_ss = 0;
}

/* Scheduler locked, thread context. */
int
pmt_port_guard_set(void *lo, int on)
{
	if (!on) {
		mprotect(lo, page, PROT_READ | PROT_WRITE);
		if (--guarded == 0)
			uninstall();
		return 0;
	}
	if (pmt_port_guard_size() == 0 || (guarded == 0 && install() != 0))
		return -1;
	if (mprotect(lo, page, PROT_NONE) != 0) {
		if (guarded == 0)
			uninstall();
		return -1;
	}
	guarded++;
	return 0;
}
