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

/* Stores the callee-saved registers and the FP control state of the
 * thread leaving in the frame at rsp, and parks it: *rdi = rsp. */
/* Opens a function that a switch jumps to rather than returns to:
 * PMT_FRAME_ENTRY_PAD bytes of nop, covered by the function's symbol and
 * CFI (frame.h says why), then the entry point itself, the local label
 * given, which is where the switch resumes the thread. */
.macro	PMT_ENTRY_PAD name, entry
	nop
\entry:
	.if	\entry - \name - PMT_FRAME_ENTRY_PAD
	.error	"PMT_FRAME_ENTRY_PAD does not match the pad in switch.S"
	.endif
.endm

.macro	PMT_FRAME_SAVE
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
.endm

/* Takes the stack in rsi and resumes the thread parked there: pops its
 * frame and jumps to its PMT_FRAME_RIP. */
.macro	PMT_FRAME_LOAD
	movq	%rsi, %rsp
	/* Its frame is a plain one whatever kind of switch parked it (see
	 * pmt_arch_switch_return), so this CFI describes it: the CFA, and
	 * where each register is kept, relative to that CFA (the rules the
	 * save half left hold for the leaving thread's CFA, which is 16
	 * bytes higher in pmt_arch_switch_return). */
	.cfi_def_cfa_offset PMT_FRAME_SIZE
	.cfi_rel_offset %rbp, PMT_FRAME_RBP
	.cfi_rel_offset %rbx, PMT_FRAME_RBX
	.cfi_rel_offset %r12, PMT_FRAME_R12
	.cfi_rel_offset %r13, PMT_FRAME_R13
	.cfi_rel_offset %r14, PMT_FRAME_R14
	.cfi_rel_offset %r15, PMT_FRAME_R15
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
	/* Return through a jump rather than ret: the return-stack
	 * predictor holds the leaving thread's return addresses, not the
	 * resumed one's, while the indirect-branch predictor tells the two
	 * threads apart by branch history.  rcx is caller-saved, so it is
	 * free here. */
	movq	PMT_FRAME_RIP(%rsp), %rcx
	.cfi_register %rip, %rcx
	addq	$PMT_FRAME_SIZE, %rsp
	.cfi_adjust_cfa_offset -PMT_FRAME_SIZE
	jmp	*%rcx
.endm

/*
 * void pmt_arch_switch(void **save_sp, void *load_sp);
 *                            rdi            rsi
 *
 * Entry: rsp + 8 is 16-byte aligned (just after a call); (rsp) holds the
 * return address, which becomes the frame's PMT_FRAME_RIP slot.
 * Exit: on the stack load_sp names, with that thread's frame popped;
 * execution goes on at its saved PMT_FRAME_RIP: the return address of
 * its own pmt_arch_switch() call, pmt_arch_resume's entry point for a
 * thread parked by pmt_arch_switch_return(), or pmt_arch_trampoline's
 * for a new thread (each PMT_FRAME_ENTRY_PAD bytes past the symbol).
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
	PMT_FRAME_SAVE
	PMT_FRAME_LOAD
	.cfi_endproc
	.size	pmt_arch_switch, . - pmt_arch_switch

/*
 * int pmt_arch_switch_return(void **save_sp, void *load_sp,
 *                                   rdi            rsi
 *     unsigned long key);
 *                   rdx
 *
 * Entry: as pmt_arch_switch(), usually reached by a jump from a C caller
 * in tail position, so (rsp) is the return address into the caller's
 * caller.  Parks a plain frame whose PMT_FRAME_RIP is pmt_arch_resume's
 * entry point, with key and then that return address above it:
 *   rsp + PMT_FRAME_SIZE      key
 *   rsp + PMT_FRAME_SIZE + 8  return address (already there at entry)
 * The frame stays 16-byte aligned, as a plain one is.
 */
	.globl	pmt_arch_switch_return
	.hidden	pmt_arch_switch_return
	.type	pmt_arch_switch_return, @function
	.p2align 4
pmt_arch_switch_return:
	.cfi_startproc
	ENDBR
	pushq	%rdx
	.cfi_adjust_cfa_offset 8
	leaq	.Lresume(%rip), %rax
	pushq	%rax
	.cfi_adjust_cfa_offset 8
	subq	$(PMT_FRAME_SIZE - 8), %rsp
	.cfi_adjust_cfa_offset PMT_FRAME_SIZE - 8
	PMT_FRAME_SAVE
	PMT_FRAME_LOAD
	.cfi_endproc
	.size	pmt_arch_switch_return, . - pmt_arch_switch_return

/*
 * Where a thread parked by pmt_arch_switch_return() resumes, entered
 * (past the pad) by the jump that ends a switch, its callee-saved registers and FP control
 * state already back, rsp 16-byte aligned and pointing at key, with the
 * return address above it.  Calls pmt_core_switch_resume(key) (ends the
 * switch bracket, drops the scheduler lock), then returns its value
 * through that address, again by a jump.
 */
	.globl	pmt_arch_resume
	.hidden	pmt_arch_resume
	.type	pmt_arch_resume, @function
	.p2align 4
pmt_arch_resume:
	.cfi_startproc
	.cfi_def_cfa_offset 16
	PMT_ENTRY_PAD pmt_arch_resume, .Lresume
	ENDBR
	movq	(%rsp), %rdi		/* key */
	call	pmt_core_switch_resume
	movq	8(%rsp), %rcx		/* return address */
	.cfi_register %rip, %rcx
	addq	$16, %rsp
	.cfi_def_cfa_offset 0
	jmp	*%rcx
	.cfi_endproc
	.size	pmt_arch_resume, . - pmt_arch_resume

/*
 * The first code of every new thread, entered (past the pad) by
 * pmt_arch_switch() on a frame built by pmt_arch_frame_init():
 *   rbx = void *(*entry)(void *), r12 = void *arg, rbp = 0,
 *   rsp 16-byte aligned, with 16 zero bytes above it.
 * Calls pmt_core_thread_begin() (drops the scheduler lock the switch
 * carried in), then entry(arg), then pmt_exit() with entry's return value.
 * pmt_exit() does not return here; ud2 traps if it ever did.
 * The return address is marked undefined, so debuggers end a thread's
 * backtrace at this frame, from the pad on: a backtrace taken while the
 * switch loads a new thread ends here too.
 */
	.globl	pmt_arch_trampoline
	.hidden	pmt_arch_trampoline
	.type	pmt_arch_trampoline, @function
	.p2align 4
pmt_arch_trampoline:
	.cfi_startproc
	.cfi_undefined %rip
	PMT_ENTRY_PAD pmt_arch_trampoline, .Ltrampoline
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
