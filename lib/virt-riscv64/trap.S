/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * trap.S - the trap entry of the riscv64 bare-metal port (machine mode,
 * mtvec direct).
 *
 * ABI: RISC-V ABIs Specification 1.0, LP64D, "Register Convention": a C
 * call may clobber ra, t0-t6, a0-a7, ft0-ft11, fa0-fa7 and the fcsr
 * fields it changes, and preserves the rest.  The Privileged
 * Specification 1.12, "Machine-Mode Privileged Instructions" (mret) and
 * "Machine Status Registers": a trap masks interrupts (MIE moves to MPIE)
 * and leaves the interrupted PC in mepc; mret undoes both.
 *
 * The trap frame goes on the interrupted thread's own stack (sp is
 * 16-byte aligned everywhere in LP64D code, so it stays aligned): every
 * register a C call may clobber, fcsr, mepc and mstatus.  Then the C
 * handler pmt_virt_trap(mcause, frame) runs; the tick may switch threads
 * in it, and the interrupted thread stays parked here, below its trap
 * frame, under the switch frame of pmt_arch_switch(), until it is picked
 * again.  The callee-saved registers need no slot: the C code preserves
 * them, and the switch keeps them per thread.  gp and tp are never
 * touched.  Interrupts stay masked from entry to mret (no nesting: see
 * PORTING), mstatus is restored with MIE clear and mret sets MIE from
 * the restored MPIE, so the thread resumes as it was interrupted.
 *
 * PMT_VIRT_BREAK_TRAP_FRAME builds a broken entry that leaves t1 out of
 * the frame, for the test that proves the demo kernel notices
 * (tests/baremetal.sh).
 */
#define TF_RA 0
#define TF_T0 8
#define TF_T1 16
#define TF_T2 24
#define TF_T3 32
#define TF_T4 40
#define TF_T5 48
#define TF_T6 56
#define TF_A0 64
#define TF_A1 72
#define TF_A2 80
#define TF_A3 88
#define TF_A4 96
#define TF_A5 104
#define TF_A6 112
#define TF_A7 120
#define TF_FT0 128 /* ft0-ft11, then fa0-fa7: 20 slots */
#define TF_FA0 (TF_FT0 + 12 * 8)
#define TF_FCSR 288
#define TF_MEPC 296
#define TF_MSTATUS 304
#define TF_SIZE 320 /* 39 slots, rounded up to 16 bytes */

	.text
	.globl	pmt_virt_trap_entry
	.hidden	pmt_virt_trap_entry
	.type	pmt_virt_trap_entry, @function
	.p2align 2
pmt_virt_trap_entry:
	.cfi_startproc
	.cfi_signal_frame
	addi	sp, sp, -TF_SIZE
	.cfi_def_cfa_offset TF_SIZE
	sd	ra, TF_RA(sp)
	sd	t0, TF_T0(sp)
#ifndef PMT_VIRT_BREAK_TRAP_FRAME
	sd	t1, TF_T1(sp)
#endif
	sd	t2, TF_T2(sp)
	sd	t3, TF_T3(sp)
	sd	t4, TF_T4(sp)
	sd	t5, TF_T5(sp)
	sd	t6, TF_T6(sp)
	sd	a0, TF_A0(sp)
	sd	a1, TF_A1(sp)
	sd	a2, TF_A2(sp)
	sd	a3, TF_A3(sp)
	sd	a4, TF_A4(sp)
	sd	a5, TF_A5(sp)
	sd	a6, TF_A6(sp)
	sd	a7, TF_A7(sp)
	fsd	ft0, TF_FT0 + 0(sp)
	fsd	ft1, TF_FT0 + 8(sp)
	fsd	ft2, TF_FT0 + 16(sp)
	fsd	ft3, TF_FT0 + 24(sp)
	fsd	ft4, TF_FT0 + 32(sp)
	fsd	ft5, TF_FT0 + 40(sp)
	fsd	ft6, TF_FT0 + 48(sp)
	fsd	ft7, TF_FT0 + 56(sp)
	fsd	ft8, TF_FT0 + 64(sp)
	fsd	ft9, TF_FT0 + 72(sp)
	fsd	ft10, TF_FT0 + 80(sp)
	fsd	ft11, TF_FT0 + 88(sp)
	fsd	fa0, TF_FA0 + 0(sp)
	fsd	fa1, TF_FA0 + 8(sp)
	fsd	fa2, TF_FA0 + 16(sp)
	fsd	fa3, TF_FA0 + 24(sp)
	fsd	fa4, TF_FA0 + 32(sp)
	fsd	fa5, TF_FA0 + 40(sp)
	fsd	fa6, TF_FA0 + 48(sp)
	fsd	fa7, TF_FA0 + 56(sp)
	frcsr	t0
	sd	t0, TF_FCSR(sp)
	csrr	t0, mepc
	sd	t0, TF_MEPC(sp)
	csrr	t0, mstatus
	sd	t0, TF_MSTATUS(sp)
	.cfi_offset ra, TF_RA - TF_SIZE
	csrr	a0, mcause
	mv	a1, sp
	call	pmt_virt_trap
	/* Back, perhaps much later, on the same thread: its state again. */
	ld	t0, TF_MSTATUS(sp)
	csrw	mstatus, t0		/* MIE clear in it: still masked */
	ld	t0, TF_MEPC(sp)
	csrw	mepc, t0
	ld	t0, TF_FCSR(sp)
	fscsr	t0
	fld	ft0, TF_FT0 + 0(sp)
	fld	ft1, TF_FT0 + 8(sp)
	fld	ft2, TF_FT0 + 16(sp)
	fld	ft3, TF_FT0 + 24(sp)
	fld	ft4, TF_FT0 + 32(sp)
	fld	ft5, TF_FT0 + 40(sp)
	fld	ft6, TF_FT0 + 48(sp)
	fld	ft7, TF_FT0 + 56(sp)
	fld	ft8, TF_FT0 + 64(sp)
	fld	ft9, TF_FT0 + 72(sp)
	fld	ft10, TF_FT0 + 80(sp)
	fld	ft11, TF_FT0 + 88(sp)
	fld	fa0, TF_FA0 + 0(sp)
	fld	fa1, TF_FA0 + 8(sp)
	fld	fa2, TF_FA0 + 16(sp)
	fld	fa3, TF_FA0 + 24(sp)
	fld	fa4, TF_FA0 + 32(sp)
	fld	fa5, TF_FA0 + 40(sp)
	fld	fa6, TF_FA0 + 48(sp)
	fld	fa7, TF_FA0 + 56(sp)
	ld	ra, TF_RA(sp)
	ld	t0, TF_T0(sp)
#ifndef PMT_VIRT_BREAK_TRAP_FRAME
	ld	t1, TF_T1(sp)
#endif
	ld	t2, TF_T2(sp)
	ld	t3, TF_T3(sp)
	ld	t4, TF_T4(sp)
	ld	t5, TF_T5(sp)
	ld	t6, TF_T6(sp)
	ld	a0, TF_A0(sp)
	ld	a1, TF_A1(sp)
	ld	a2, TF_A2(sp)
	ld	a3, TF_A3(sp)
	ld	a4, TF_A4(sp)
	ld	a5, TF_A5(sp)
	ld	a6, TF_A6(sp)
	ld	a7, TF_A7(sp)
	addi	sp, sp, TF_SIZE
	mret
	.cfi_endproc
	.size	pmt_virt_trap_entry, . - pmt_virt_trap_entry

	.section .note.GNU-stack, "", @progbits
