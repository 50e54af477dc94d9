/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * posix.h - state shared between the files of the POSIX port: the tick
 * signal, the canonical signal mask, and the trace PMT_TRACE starts.
 */
#ifndef PMT_POSIX_H
#define PMT_POSIX_H

#include <signal.h>

#include "../visibility.h"

/*
 * The signal mask belongs to the kernel thread, not to a libpmt thread; a
 * thread parked inside the tick handler carries an old copy in its
 * ucontext.  sigmask.c: the tick handler calls this on every return, to
 * put the bits pmt_sigmask() manages into that ucontext, so that the
 * handler's return does not undo a change made meanwhile.  Interrupt
 * context, the tick blocked.
 */
PMT_HIDDEN void pmt_posix_mask_apply(sigset_t *mask);

/* The tick signal while preemption runs (SIGALRM or SIGVTALRM), else 0.
 * pmt_sigmask() refuses to block it. */
PMT_HIDDEN extern volatile sig_atomic_t pmt_posix_tick_signal;

/* sigmask.c: records the mask the kernel thread starts with.  Thread
 * context, from pmt_port_init(). */
PMT_HIDDEN void pmt_posix_mask_init(void);

/* preempt.c: records the kernel thread that runs every libpmt thread,
 * for a timer aimed at it.  Thread context, from pmt_port_init(). */
PMT_HIDDEN void pmt_posix_tick_init(void);

/* trace.c: starts the trace PMT_TRACE asks for, written at exit.  Thread
 * context, from pmt_port_init(), before the core has set up its first
 * thread. */
PMT_HIDDEN void pmt_posix_trace_init(void);

#endif /* PMT_POSIX_H */
