/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * sigmask.c - pmt_sigmask(): the kernel thread's signal mask, changed so
 * that threads resumed from the tick handler keep the change.
 *
 * The mask belongs to the kernel thread, which every libpmt thread shares.
 * A thread parked inside the tick handler carries the mask of the moment
 * it was interrupted in its ucontext, and the handler's return would
 * restore it, undoing any change made meanwhile.  So pmt_sigmask() keeps a
 * canonical copy, which is the truth for every signal it has been asked
 * about, and the handler writes those signals' bits into its ucontext on
 * every return (pmt_posix_mask_apply()).  Signals pmt_sigmask() never
 * named keep the ucontext's bits: those a user's own handler blocked, say.
 */
#include <config.h>

#include <signal.h>

#include <pmt.h>

#include "posix.h"

#ifdef NSIG
#define MAX_SIGNAL (NSIG - 1)
#else
#define MAX_SIGNAL 64
#endif

PMT_HIDDEN volatile sig_atomic_t pmt_posix_tick_signal;

static sigset_t canonical;
/* The signals pmt_sigmask() manages: all of them after a SIG_SETMASK,
 * else those named so far. */
static int managed[MAX_SIGNAL];
static volatile sig_atomic_t nmanaged, all_managed;

/* Thread context, once. */
void
pmt_posix_mask_init(void)
{
	sigprocmask(SIG_SETMASK, NULL, &canonical);
}

/* Tick handler, on return, with the tick blocked until that return: the
 * canonical bits of the managed signals. */
void
pmt_posix_mask_apply(sigset_t *mask)
{
	int i, n = nmanaged;

	if (all_managed) {
		*mask = canonical;
		return;
	}
	for (i = 0; i < n; i++) {
		if (sigismember(&canonical, managed[i]) == 1)
			sigaddset(mask, managed[i]);
		else
			sigdelset(mask, managed[i]);
	}
}

/* Scheduler locked: add the signals of set to the managed ones. */
static void
manage(int how, const sigset_t *set)
{
	int s, i;

	if (how == SIG_SETMASK) {
		all_managed = 1;
		return;
	}
	for (s = 1; s <= MAX_SIGNAL; s++) {
		if (sigismember(set, s) != 1)
			continue;
		for (i = 0; i < nmanaged && managed[i] != s; i++)
			;
		if (i == nmanaged && nmanaged < MAX_SIGNAL) {
			managed[nmanaged] = s;
			nmanaged = nmanaged + 1;
		}
	}
}

/* Scheduler locked: the mask how and set make of cur. */
static void
compose(int how, const sigset_t *set, sigset_t *cur)
{
	int s;

	if (how == SIG_SETMASK) {
		*cur = *set;
		return;
	}
	for (s = 1; s <= MAX_SIGNAL; s++) {
		if (sigismember(set, s) != 1)
			continue;
		if (how == SIG_BLOCK)
			sigaddset(cur, s);
		else
			sigdelset(cur, s);
	}
}

/* Thread context. */
int
pmt_sigmask(int how, const sigset_t *set, sigset_t *oldset)
{
	sigset_t old, next;
	int error = 0;

	if (pmt_self() == PMT_THREAD_NONE)
		return PMT_ENOINIT;
	if (how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
		return PMT_EINVAL;

	/* No switch while the copy and the real mask differ. */
	pmt_preempt_disable();
	sigprocmask(SIG_SETMASK, NULL, &old);
	if (set != NULL && how != SIG_UNBLOCK && pmt_posix_tick_signal != 0 &&
	    sigismember(set, pmt_posix_tick_signal) == 1) {
		error = PMT_EINVAL;
	} else if (set != NULL) {
		next = old;
		compose(how, set, &next);
		/*
		 * The copy first: a tick between the two writes returns
		 * through the handler, which then already restores the new
		 * mask, and the real change follows.
		 */
		manage(how, set);
		canonical = next;
		sigprocmask(SIG_SETMASK, &next, NULL);
	}
	pmt_preempt_enable();
	if (error == 0 && oldset != NULL)
		*oldset = old;
	return error;
}
