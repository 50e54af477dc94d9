/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * switch.S - the x86_64 context switch and the entry trampoline of new
 * threads.
 *
 * ABI: System V AMD64 psABI (x86-64 psABI 1.0), section 3.2.
 *
 * Preserved across the switch: rbx, rbp, r12-r15 (the callee-saved
 * integer registers), rsp, the MXCSR control bits and the x87 control
 * word (the psABI makes both callee-saved).  Nothing else needs keeping:
 * pmt_arch_switch() is an ordinary call, so the caller already assumes
 * every other register, the status flags included, is clobbered, and the
 * psABI has no callee-saved vector registers.  rflags is not saved
 * (pushfq/popfq would double the cost and buys nothing at a call); the
 * direction flag is clear at every call, as the psABI requires.  A thread
 * preempted by a signal is parked inside its handler, where the kernel has
 * saved its complete state on its own stack; this switch never sees it.
 *
 * No system call, no signal mask: the switch is pure user mode.
 *
 * CET: entry points start with endbr64 when the compiler targets IBT, but
 * no .note.gnu.property claims IBT or SHSTK: the switch returns with an
 * indirect jmp and changes stacks, which neither feature allows yet.
 */
#include "frame.h"

#if defined(__CET__) && (__CET__ & 1)
#define ENDBR endbr64
#else
#define ENDBR
#endif

	.text

/*
 * void pmt_arch_switch(void **save_sp, void *load_sp);
 *                            rdi            rsi
 *
 * Entry: rsp + 8 is 16-byte aligned (just after a call); (rsp) holds the
 * return address, which becomes the frame's PMT_FRAME_RIP slot.
 * Exit: on the stack load_sp names, with that thread's frame popped;
 * execution goes on at its saved PMT_FRAME_RIP: the return address of
 * its own pmt_arch_switch() call, or pmt_arch_trampoline for a new thread.
 */
	.globl	pmt_arch_switch
	.hidden	pmt_arch_switch
	.type	pmt_arch_switch, @function
	.p2align 4
pmt_arch_switch:
	.cfi_startproc
	ENDBR
	/* Make room for the frame below the return address. */
	subq	$(PMT_FRAME_SIZE - 8), %rsp
	.cfi_adjust_cfa_offset PMT_FRAME_SIZE - 8
	/* Store the callee-saved registers of the thread leaving. */
	movq	%rbp, PMT_FRAME_RBP(%rsp)
	.cfi_rel_offset %rbp, PMT_FRAME_RBP
	movq	%rbx, PMT_FRAME_RBX(%rsp)
	.cfi_rel_offset %rbx, PMT_FRAME_RBX
	movq	%r12, PMT_FRAME_R12(%rsp)
	.cfi_rel_offset %r12, PMT_FRAME_R12
	movq	%r13, PMT_FRAME_R13(%rsp)
	.cfi_rel_offset %r13, PMT_FRAME_R13
	movq	%r14, PMT_FRAME_R14(%rsp)
	.cfi_rel_offset %r14, PMT_FRAME_R14
	movq	%r15, PMT_FRAME_R15(%rsp)
	.cfi_rel_offset %r15, PMT_FRAME_R15
	/* Its FP control state: rounding modes and exception masks. */
	stmxcsr	PMT_FRAME_MXCSR(%rsp)
	fnstcw	PMT_FRAME_FPUCW(%rsp)
	/* Park it: *save_sp = rsp. */
	movq	%rsp, (%rdi)
	/* Take the other stack.  Its frame has the same layout, so the CFI
	 * above describes it as well. */
	movq	%rsi, %rsp
	/* Its FP control state. */
	ldmxcsr	PMT_FRAME_MXCSR(%rsp)
	fldcw	PMT_FRAME_FPUCW(%rsp)
	/* Its callee-saved registers. */
	movq	PMT_FRAME_R15(%rsp), %r15
	movq	PMT_FRAME_R14(%rsp), %r14
	movq	PMT_FRAME_R13(%rsp), %r13
	movq	PMT_FRAME_R12(%rsp), %r12
	movq	PMT_FRAME_RBX(%rsp), %rbx
	movq	PMT_FRAME_RBP(%rsp), %rbp
	/* Return through a jump rather than ret: in a ping-pong between two
	 * threads the return-stack predictor would guess wrong every time.
	 * rcx is caller-saved, so it is free here. */
	movq	PMT_FRAME_RIP(%rsp), %rcx
	.cfi_register %rip, %rcx
	addq	$PMT_FRAME_SIZE, %rsp
	.cfi_adjust_cfa_offset -PMT_FRAME_SIZE
	jmp	*%rcx
	.cfi_endproc
	.size	pmt_arch_switch, . - pmt_arch_switch

/*
 * The first code of every new thread, entered by pmt_arch_switch() on a
 * frame built by pmt_arch_frame_init():
 *   rbx = void *(*entry)(void *), r12 = void *arg, rbp = 0,
 *   rsp 16-byte aligned, with 16 zero bytes above it.
 * Calls pmt_core_thread_begin() (drops the scheduler lock the switch
 * carried in), then entry(arg), then pmt_exit() with entry's return value.
 * pmt_exit() does not return here; ud2 traps if it ever did.
 * The return address is marked undefined, so debuggers end a thread's
 * backtrace at this frame.
 */
	.globl	pmt_arch_trampoline
	.hidden	pmt_arch_trampoline
	.type	pmt_arch_trampoline, @function
	.p2align 4
pmt_arch_trampoline:
	.cfi_startproc
	.cfi_undefined %rip
	ENDBR
	call	pmt_core_thread_begin
	movq	%r12, %rdi		/* arg */
	call	*%rbx			/* entry(arg) */
	movq	%rax, %rdi		/* its return value */
	call	pmt_exit@PLT
	ud2
	.cfi_endproc
	.size	pmt_arch_trampoline, . - pmt_arch_trampoline

	.section .note.GNU-stack, "", @progbits
