/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * arch.h - what the core asks of the CPU port in arch/<cpu>/.  No OS
 * knowledge lives behind these calls.
 */
#ifndef PMT_ARCH_H
#define PMT_ARCH_H

#include <stddef.h>

#include "visibility.h"

/*
 * Saves the caller's callee-saved registers and per-thread FP control state
 * on its stack, stores the stack pointer in *save_sp, loads load_sp and
 * resumes the thread parked there (or starts a new one).  Returns when some
 * thread switches back to the caller.  Scheduler locked.  Assembly.
 */
PMT_HIDDEN void pmt_arch_switch(void **save_sp, void *load_sp);

/*
 * pmt_arch_switch() for a caller in tail position, one that returns
 * whatever this returns and has nothing left to do after the switch.
 * key is kept in the parked frame.  When some thread switches back, the
 * parked thread calls pmt_core_switch_resume(key) and returns its value
 * to the caller's caller (when tail-called).  How a port returns is its
 * own choice: x86_64 and riscv64 jump, so that no return-stack prediction
 * is involved; aarch64 returns with ret, the one branch that may land on
 * a return address without a BTI landing pad.  Either kind of switch
 * resumes either kind of parked thread.  Scheduler locked.  Assembly.
 */
PMT_HIDDEN int pmt_arch_switch_return(
    void **save_sp, void *load_sp, unsigned long key);

/*
 * Builds the first frame of a new thread on stack[0..size) so that
 * pmt_arch_switch() to the returned stack pointer enters the entry
 * trampoline, which calls pmt_core_thread_begin(), then entry(arg), then
 * pmt_exit() with entry's return value.  The FP control state is copied
 * from the caller.  stack is PMT_STACK_ALIGN-aligned and size at least
 * pmt_port_stack_min().  Thread context.
 */
PMT_HIDDEN void *pmt_arch_frame_init(
    void *stack, size_t size, void *(*entry)(void *), void *arg);

#endif /* PMT_ARCH_H */
