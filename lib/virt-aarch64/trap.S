/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * trap.S - the exception vectors of the aarch64 bare-metal port (EL1,
 * SP_EL1 in use).
 *
 * ABI: Procedure Call Standard for the Arm 64-bit Architecture (AAPCS64),
 * "General-purpose Registers" and "SIMD and Floating-Point Registers": a
 * call may clobber x0-x18 and x30, all of v0-v7 and v16-v31, and the
 * upper 64 bits of v8-v15 (only their low halves, d8-d15, are preserved),
 * and the FPSR flags.  Arm ARM, "Exception entry" and ERET: an IRQ masks
 * interrupts (PSTATE.I) and leaves the interrupted PC and PSTATE in
 * ELR_EL1 and SPSR_EL1; eret restores both.
 *
 * The IRQ entry puts the trap frame on the interrupted thread's own stack
 * (sp is 16-byte aligned at all times under AAPCS64): x0-x18, x30, ELR,
 * SPSR, FPSR, FPCR and all 32 SIMD registers in full, 128 bits each.  Then
 * the C handler pmt_virt_irq(frame) runs; the tick may switch threads in
 * it, and the interrupted thread stays parked below its trap frame until
 * it is picked again.  x19-x29 need no slot: the C code preserves them,
 * and the switch keeps them per thread.  Interrupts stay masked from
 * entry to eret (no nesting); eret restores the interrupted PSTATE, I bit
 * included.
 *
 * PMT_VIRT_BREAK_TRAP_FRAME builds a broken entry that leaves x9 out of
 * the frame, for the test that proves the demo kernel notices
 * (tests/baremetal.sh).
 */
#define TF_X0 0    /* x0-x17 in pairs, then x18 and x30 */
#define TF_X18 144
#define TF_ELR 160 /* ELR_EL1, SPSR_EL1 */
#define TF_FPSR 176 /* FPSR, FPCR */
#define TF_Q0 192  /* q0-q31, 16 bytes each */
#define TF_SIZE (TF_Q0 + 32 * 16)

/* A pair of SIMD registers to and from the frame: all 128 bits of each.
 * PMT_VIRT_BREAK_SIMD_FRAME builds a broken entry that keeps only their
 * low halves (d0-d31), as an entry written for the FP registers alone
 * would, for the test that proves the demo kernel notices. */
#ifdef PMT_VIRT_BREAK_SIMD_FRAME
#define SIMD d
#else
#define SIMD q
#endif
.macro	SAVE_Q a, b, off
	stp	SIMD\a, SIMD\b, [x0, #\off]
.endm
.macro	LOAD_Q a, b, off
	ldp	SIMD\a, SIMD\b, [x0, #\off]
.endm

	.text
/* Everything but an IRQ from EL1 is a bug: report it and stop. */
.macro	FAULT
	.p2align 7
	b	pmt_virt_fault
.endm

	.p2align 11
	.globl	pmt_virt_vectors
	.hidden	pmt_virt_vectors
pmt_virt_vectors:
	FAULT			/* current EL, SP_EL0: synchronous */
	FAULT			/* IRQ */
	FAULT			/* FIQ */
	FAULT			/* SError */
	FAULT			/* current EL, SP_ELx: synchronous */
	.p2align 7		/* IRQ: the tick */
	b	irq_entry
	FAULT			/* FIQ */
	FAULT			/* SError */
	FAULT			/* lower EL, AArch64 */
	FAULT
	FAULT
	FAULT
	FAULT			/* lower EL, AArch32 */
	FAULT
	FAULT
	FAULT

	.p2align 2
	.type	irq_entry, @function
irq_entry:
	sub	sp, sp, #TF_SIZE
	stp	x0, x1, [sp, #TF_X0 + 0]
	stp	x2, x3, [sp, #TF_X0 + 16]
	stp	x4, x5, [sp, #TF_X0 + 32]
	stp	x6, x7, [sp, #TF_X0 + 48]
#ifdef PMT_VIRT_BREAK_TRAP_FRAME
	str	x8, [sp, #TF_X0 + 64]
#else
	stp	x8, x9, [sp, #TF_X0 + 64]
#endif
	stp	x10, x11, [sp, #TF_X0 + 80]
	stp	x12, x13, [sp, #TF_X0 + 96]
	stp	x14, x15, [sp, #TF_X0 + 112]
	stp	x16, x17, [sp, #TF_X0 + 128]
	stp	x18, x30, [sp, #TF_X18]
	mrs	x0, elr_el1
	mrs	x1, spsr_el1
	stp	x0, x1, [sp, #TF_ELR]
	mrs	x0, fpsr
	mrs	x1, fpcr
	stp	x0, x1, [sp, #TF_FPSR]
	add	x0, sp, #TF_Q0
	SAVE_Q	0, 1, 0
	SAVE_Q	2, 3, 32
	SAVE_Q	4, 5, 64
	SAVE_Q	6, 7, 96
	SAVE_Q	8, 9, 128
	SAVE_Q	10, 11, 160
	SAVE_Q	12, 13, 192
	SAVE_Q	14, 15, 224
	SAVE_Q	16, 17, 256
	SAVE_Q	18, 19, 288
	SAVE_Q	20, 21, 320
	SAVE_Q	22, 23, 352
	SAVE_Q	24, 25, 384
	SAVE_Q	26, 27, 416
	SAVE_Q	28, 29, 448
	SAVE_Q	30, 31, 480
	mov	x0, sp
	bl	pmt_virt_irq
	/* Back, perhaps much later, on the same thread: its state again. */
	add	x0, sp, #TF_Q0
	LOAD_Q	0, 1, 0
	LOAD_Q	2, 3, 32
	LOAD_Q	4, 5, 64
	LOAD_Q	6, 7, 96
	LOAD_Q	8, 9, 128
	LOAD_Q	10, 11, 160
	LOAD_Q	12, 13, 192
	LOAD_Q	14, 15, 224
	LOAD_Q	16, 17, 256
	LOAD_Q	18, 19, 288
	LOAD_Q	20, 21, 320
	LOAD_Q	22, 23, 352
	LOAD_Q	24, 25, 384
	LOAD_Q	26, 27, 416
	LOAD_Q	28, 29, 448
	LOAD_Q	30, 31, 480
	ldp	x0, x1, [sp, #TF_FPSR]
	msr	fpsr, x0
	msr	fpcr, x1
	ldp	x0, x1, [sp, #TF_ELR]
	msr	elr_el1, x0
	msr	spsr_el1, x1
	ldp	x0, x1, [sp, #TF_X0 + 0]
	ldp	x2, x3, [sp, #TF_X0 + 16]
	ldp	x4, x5, [sp, #TF_X0 + 32]
	ldp	x6, x7, [sp, #TF_X0 + 48]
#ifdef PMT_VIRT_BREAK_TRAP_FRAME
	ldr	x8, [sp, #TF_X0 + 64]
#else
	ldp	x8, x9, [sp, #TF_X0 + 64]
#endif
	ldp	x10, x11, [sp, #TF_X0 + 80]
	ldp	x12, x13, [sp, #TF_X0 + 96]
	ldp	x14, x15, [sp, #TF_X0 + 112]
	ldp	x16, x17, [sp, #TF_X0 + 128]
	ldp	x18, x30, [sp, #TF_X18]
	add	sp, sp, #TF_SIZE
	eret
	.size	irq_entry, . - irq_entry

	.section .note.GNU-stack, "", @progbits
