/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * switch.S - the riscv64 context switch and the entry trampoline of new
 * threads.
 *
 * ABI: RISC-V ABIs Specification 1.0 (riscv-elf-psabi-doc), LP64D; chapter
 * "RISC-V Calling Conventions", sections "Register Convention" (what a
 * call preserves, fcsr, gp and tp) and "Integer Calling Convention" (the
 * stack pointer is 16-byte aligned at procedure entry and throughout).
 *
 * Preserved across the switch: s0-s11 (the callee-saved integer
 * registers), fs0-fs11 (the callee-saved FP registers, all 64 bits of
 * each), sp, and fcsr.  ra, the caller's return address, is where the
 * switch resumes the thread.  The psABI gives fcsr thread storage
 * duration, as C11 7.6 gives the floating-point environment, so all of it
 * is per thread: the dynamic rounding mode (frm) and the accrued
 * exception flags (fflags) alike; fetestexcept() in a thread sees the
 * exceptions that thread raised, not another's.  Nothing else needs
 * keeping: pmt_arch_switch() is an ordinary call, so the caller already
 * assumes t0-t6, a0-a7, ft0-ft11 and fa0-fa7 clobbered, and the standard
 * calling convention preserves no vector state.  gp and tp are never
 * touched: the psABI makes them unallocatable, and both belong to the
 * process and its kernel thread (the global pointer, and the thread
 * pointer behind errno and every other thread-local variable), which are
 * the same for every libpmt thread.  A thread preempted by a signal is
 * parked inside its handler, where the kernel has saved its complete state
 * on its own stack; this switch never sees it.
 *
 * No system call, no signal mask: the switch is pure user mode.
 *
 * A thread resumes by a jump through t1 (x6): a jalr through ra or t0
 * (x1, x5) is a return to the return-address-stack predictor, which holds
 * the leaving thread's return addresses, not the resumed one's.
 *
 * Control-flow integrity: no landing pads (Zicfilp) and no shadow stack
 * (Zicfiss), and no .note.gnu.property claims either: the switch changes
 * stacks and returns by an indirect jump, which a shadow stack does not
 * allow yet.
 */
#include "frame.h"

	.text

/* Opens a function that a switch jumps to rather than returns to:
 * PMT_FRAME_ENTRY_PAD bytes of nop, covered by the function's symbol and
 * CFI (frame.h says why), then the entry point itself, the local label
 * given, which is where the switch resumes the thread.  The nop is the
 * 4-byte one even where the compressed instructions are in use. */
.macro	PMT_ENTRY_PAD name, entry
	.option	push
	.option	norvc
	nop
	.option	pop
\entry:
	.if	\entry - \name - PMT_FRAME_ENTRY_PAD
	.error	"PMT_FRAME_ENTRY_PAD does not match the pad in switch.S"
	.endif
.endm

/* Stores the callee-saved registers and fcsr of the thread leaving in the
 * frame at sp (its PMT_FRAME_PC slot is the caller's to fill), and parks
 * it: *a0 = sp.  No CFI: each register keeps its value until the load,
 * so the unwinder's rule for it (same value) stays true. */
.macro	PMT_FRAME_SAVE
	sd	s0, PMT_FRAME_S0(sp)
	sd	s1, PMT_FRAME_S1(sp)
	sd	s2, PMT_FRAME_S2(sp)
	sd	s3, PMT_FRAME_S3(sp)
	sd	s4, PMT_FRAME_S4(sp)
	sd	s5, PMT_FRAME_S5(sp)
	sd	s6, PMT_FRAME_S6(sp)
	sd	s7, PMT_FRAME_S7(sp)
	sd	s8, PMT_FRAME_S8(sp)
	sd	s9, PMT_FRAME_S9(sp)
	sd	s10, PMT_FRAME_S10(sp)
	sd	s11, PMT_FRAME_S11(sp)
	fsd	fs0, PMT_FRAME_FS0(sp)
	fsd	fs1, PMT_FRAME_FS1(sp)
	fsd	fs2, PMT_FRAME_FS2(sp)
	fsd	fs3, PMT_FRAME_FS3(sp)
	fsd	fs4, PMT_FRAME_FS4(sp)
	fsd	fs5, PMT_FRAME_FS5(sp)
	fsd	fs6, PMT_FRAME_FS6(sp)
	fsd	fs7, PMT_FRAME_FS7(sp)
	fsd	fs8, PMT_FRAME_FS8(sp)
	fsd	fs9, PMT_FRAME_FS9(sp)
	fsd	fs10, PMT_FRAME_FS10(sp)
	fsd	fs11, PMT_FRAME_FS11(sp)
	/* Its FP environment: rounding mode and accrued flags. */
	frcsr	t0
	sw	t0, PMT_FRAME_FCSR(sp)
	/* Park it: *save_sp = sp. */
	sd	sp, 0(a0)
.endm

/* Loads register reg of the thread being resumed from offset off of its
 * frame; from then on the register itself holds the value its caller
 * left there. */
.macro	LOAD_REG op, reg, off
	\op	\reg, \off(sp)
	.cfi_restore \reg
.endm

/* Takes the stack in a1 and resumes the thread parked there: pops its
 * frame and jumps to its PMT_FRAME_PC. */
.macro	PMT_FRAME_LOAD
	mv	sp, a1
	/* Its frame is a plain one whatever kind of switch parked it (see
	 * pmt_arch_switch_return), so this CFI describes it: where the
	 * thread's registers are until each is loaded. */
	.cfi_def_cfa_offset PMT_FRAME_SIZE
	.cfi_rel_offset ra, PMT_FRAME_PC
	.cfi_rel_offset s0, PMT_FRAME_S0
	.cfi_rel_offset s1, PMT_FRAME_S1
	.cfi_rel_offset s2, PMT_FRAME_S2
	.cfi_rel_offset s3, PMT_FRAME_S3
	.cfi_rel_offset s4, PMT_FRAME_S4
	.cfi_rel_offset s5, PMT_FRAME_S5
	.cfi_rel_offset s6, PMT_FRAME_S6
	.cfi_rel_offset s7, PMT_FRAME_S7
	.cfi_rel_offset s8, PMT_FRAME_S8
	.cfi_rel_offset s9, PMT_FRAME_S9
	.cfi_rel_offset s10, PMT_FRAME_S10
	.cfi_rel_offset s11, PMT_FRAME_S11
	.cfi_rel_offset fs0, PMT_FRAME_FS0
	.cfi_rel_offset fs1, PMT_FRAME_FS1
	.cfi_rel_offset fs2, PMT_FRAME_FS2
	.cfi_rel_offset fs3, PMT_FRAME_FS3
	.cfi_rel_offset fs4, PMT_FRAME_FS4
	.cfi_rel_offset fs5, PMT_FRAME_FS5
	.cfi_rel_offset fs6, PMT_FRAME_FS6
	.cfi_rel_offset fs7, PMT_FRAME_FS7
	.cfi_rel_offset fs8, PMT_FRAME_FS8
	.cfi_rel_offset fs9, PMT_FRAME_FS9
	.cfi_rel_offset fs10, PMT_FRAME_FS10
	.cfi_rel_offset fs11, PMT_FRAME_FS11
	/* Its FP environment. */
	lw	t0, PMT_FRAME_FCSR(sp)
	fscsr	t0
	/* Its callee-saved registers. */
	LOAD_REG fld, fs0, PMT_FRAME_FS0
	LOAD_REG fld, fs1, PMT_FRAME_FS1
	LOAD_REG fld, fs2, PMT_FRAME_FS2
	LOAD_REG fld, fs3, PMT_FRAME_FS3
	LOAD_REG fld, fs4, PMT_FRAME_FS4
	LOAD_REG fld, fs5, PMT_FRAME_FS5
	LOAD_REG fld, fs6, PMT_FRAME_FS6
	LOAD_REG fld, fs7, PMT_FRAME_FS7
	LOAD_REG fld, fs8, PMT_FRAME_FS8
	LOAD_REG fld, fs9, PMT_FRAME_FS9
	LOAD_REG fld, fs10, PMT_FRAME_FS10
	LOAD_REG fld, fs11, PMT_FRAME_FS11
	LOAD_REG ld, s0, PMT_FRAME_S0
	LOAD_REG ld, s1, PMT_FRAME_S1
	LOAD_REG ld, s2, PMT_FRAME_S2
	LOAD_REG ld, s3, PMT_FRAME_S3
	LOAD_REG ld, s4, PMT_FRAME_S4
	LOAD_REG ld, s5, PMT_FRAME_S5
	LOAD_REG ld, s6, PMT_FRAME_S6
	LOAD_REG ld, s7, PMT_FRAME_S7
	LOAD_REG ld, s8, PMT_FRAME_S8
	LOAD_REG ld, s9, PMT_FRAME_S9
	LOAD_REG ld, s10, PMT_FRAME_S10
	LOAD_REG ld, s11, PMT_FRAME_S11
	/* ra as the call being returned from left it, and the same address
	 * in t1 for the jump (see the header: not a jalr through ra). */
	LOAD_REG ld, ra, PMT_FRAME_PC
	ld	t1, PMT_FRAME_PC(sp)
	addi	sp, sp, PMT_FRAME_SIZE
	.cfi_def_cfa_offset 0
	jr	t1
.endm

/*
 * void pmt_arch_switch(void **save_sp, void *load_sp);
 *                            a0             a1
 *
 * Entry: sp 16-byte aligned, ra the return address, which becomes the
 * frame's PMT_FRAME_PC slot.
 * Exit: on the stack load_sp names, with that thread's frame popped and
 * ra loaded from its PMT_FRAME_PC; execution goes on there: the return
 * address of its own pmt_arch_switch() call, pmt_arch_resume's entry
 * point for a thread parked by pmt_arch_switch_return(), or
 * pmt_arch_trampoline's for a new thread (each PMT_FRAME_ENTRY_PAD bytes
 * past the symbol).
 */
	.globl	pmt_arch_switch
	.hidden	pmt_arch_switch
	.type	pmt_arch_switch, @function
	.p2align 2
pmt_arch_switch:
	.cfi_startproc
	/* Make room for the frame; sp stays 16-byte aligned. */
	addi	sp, sp, -PMT_FRAME_SIZE
	.cfi_def_cfa_offset PMT_FRAME_SIZE
	sd	ra, PMT_FRAME_PC(sp)
	PMT_FRAME_SAVE
	PMT_FRAME_LOAD
	.cfi_endproc
	.size	pmt_arch_switch, . - pmt_arch_switch

/*
 * int pmt_arch_switch_return(void **save_sp, void *load_sp,
 *                                   a0             a1
 *     unsigned long key);
 *                   a2
 *
 * Entry: as pmt_arch_switch(), usually reached by a tail call from a C
 * caller, so ra is the return address into the caller's caller.  Parks a
 * plain frame whose PMT_FRAME_PC is pmt_arch_resume's entry point, with
 * key and then that return address above it:
 *   sp + PMT_FRAME_SIZE      key
 *   sp + PMT_FRAME_SIZE + 8  return address
 * 16 bytes, so the frame stays 16-byte aligned, as a plain one is.
 */
	.globl	pmt_arch_switch_return
	.hidden	pmt_arch_switch_return
	.type	pmt_arch_switch_return, @function
	.p2align 2
pmt_arch_switch_return:
	.cfi_startproc
	addi	sp, sp, -(PMT_FRAME_SIZE + 16)
	.cfi_def_cfa_offset PMT_FRAME_SIZE + 16
	sd	a2, PMT_FRAME_SIZE(sp)
	sd	ra, PMT_FRAME_SIZE + 8(sp)
	lla	t0, pmt_arch_resume + PMT_FRAME_ENTRY_PAD
	sd	t0, PMT_FRAME_PC(sp)
	PMT_FRAME_SAVE
	PMT_FRAME_LOAD
	.cfi_endproc
	.size	pmt_arch_switch_return, . - pmt_arch_switch_return

/*
 * Where a thread parked by pmt_arch_switch_return() resumes, entered
 * (past the pad) by the jump that ends a switch, its callee-saved
 * registers and fcsr already back, sp 16-byte aligned and pointing at
 * key, with the return address above it.  Calls
 * pmt_core_switch_resume(key) (ends the switch bracket, drops the
 * scheduler lock), then returns its value through that address, again by
 * a jump.
 */
	.globl	pmt_arch_resume
	.hidden	pmt_arch_resume
	.type	pmt_arch_resume, @function
	.p2align 2
pmt_arch_resume:
	.cfi_startproc
	.cfi_def_cfa_offset 16
	.cfi_offset ra, -8
	PMT_ENTRY_PAD pmt_arch_resume, .Lresume
	ld	a0, 0(sp)		/* key */
	call	pmt_core_switch_resume
	ld	t1, 8(sp)		/* return address */
	.cfi_register ra, t1
	addi	sp, sp, 16
	.cfi_def_cfa_offset 0
	jr	t1
	.cfi_endproc
	.size	pmt_arch_resume, . - pmt_arch_resume

/*
 * The first code of every new thread, entered (past the pad) by
 * pmt_arch_switch() on a frame built by pmt_arch_frame_init():
 *   s1 = void *(*entry)(void *), s2 = void *arg, s0 = 0,
 *   sp 16-byte aligned, with 16 zero bytes above it.
 * Calls pmt_core_thread_begin() (drops the scheduler lock the switch
 * carried in), then entry(arg), then pmt_exit() with entry's return value.
 * pmt_exit() does not return here; unimp traps if it ever did.
 * The return address is marked undefined, so debuggers end a thread's
 * backtrace at this frame, from the pad on: a backtrace taken while the
 * switch loads a new thread ends here too.
 */
	.globl	pmt_arch_trampoline
	.hidden	pmt_arch_trampoline
	.type	pmt_arch_trampoline, @function
	.p2align 2
pmt_arch_trampoline:
	.cfi_startproc
	.cfi_undefined ra
	PMT_ENTRY_PAD pmt_arch_trampoline, .Ltrampoline
	call	pmt_core_thread_begin
	mv	a0, s2			/* arg */
	jalr	s1			/* entry(arg) */
	call	pmt_exit@plt		/* a0: its return value */
	unimp
	.cfi_endproc
	.size	pmt_arch_trampoline, . - pmt_arch_trampoline

	.section .note.GNU-stack, "", @progbits
