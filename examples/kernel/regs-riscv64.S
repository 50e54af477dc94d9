/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * regs-riscv64.S - the register check of the bare-metal demo kernel
 * (demo.c), riscv64 LP64D.
 *
 * unsigned long pmt_demo_regs(unsigned long seed, volatile int *stop);
 *                                           a0                a1
 *
 * Puts seed + i in the i-th of 27 integer registers (ra, t0-t5, s0-s11,
 * a0-a7: all but zero, sp, gp, tp and the scratch t6) and the bits of
 * seed + 100 + j in fj, for all 32 FP registers, then checks them over
 * and over, with t6 as the only scratch, until *stop is nonzero.  A
 * preemption in the loop parks the thread in its trap frame and resumes
 * it later: every register must come back.  Returns 0, or 1 at the first
 * register found changed.  Saves and restores the callee-saved registers
 * it uses, as any function must.
 */
	.text
	.globl	pmt_demo_regs
	.type	pmt_demo_regs, @function
	.p2align 2
pmt_demo_regs:
	addi	sp, sp, -128
	sd	ra, 0(sp)
	sd	s0, 8(sp)
	sd	s1, 16(sp)
	sd	s2, 24(sp)
	sd	s3, 32(sp)
	sd	s4, 40(sp)
	sd	s5, 48(sp)
	sd	s6, 56(sp)
	sd	s7, 64(sp)
	sd	s8, 72(sp)
	sd	s9, 80(sp)
	sd	s10, 88(sp)
	sd	s11, 96(sp)
	sd	a1, 104(sp)		/* stop */
	sd	a0, 112(sp)		/* seed */
	/* fs0-fs11 are callee-saved too: kept in the loop's own frame. */
	addi	sp, sp, -96
	fsd	fs0, 0(sp)
	fsd	fs1, 8(sp)
	fsd	fs2, 16(sp)
	fsd	fs3, 24(sp)
	fsd	fs4, 32(sp)
	fsd	fs5, 40(sp)
	fsd	fs6, 48(sp)
	fsd	fs7, 56(sp)
	fsd	fs8, 64(sp)
	fsd	fs9, 72(sp)
	fsd	fs10, 80(sp)
	fsd	fs11, 88(sp)

	/* The pattern: ra = seed, then each next register one more. */
	mv	ra, a0
	.irp	fr, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	addi	t6, ra, 100 + \fr
	fmv.d.x	f\fr, t6
	.endr
	addi	t0, ra, 1
	addi	t1, t0, 1
	addi	t2, t1, 1
	addi	s0, t2, 1
	addi	s1, s0, 1
	addi	a0, s1, 1
	addi	a1, a0, 1
	addi	a2, a1, 1
	addi	a3, a2, 1
	addi	a4, a3, 1
	addi	a5, a4, 1
	addi	a6, a5, 1
	addi	a7, a6, 1
	addi	s2, a7, 1
	addi	s3, s2, 1
	addi	s4, s3, 1
	addi	s5, s4, 1
	addi	s6, s5, 1
	addi	s7, s6, 1
	addi	s8, s7, 1
	addi	s9, s8, 1
	addi	s10, s9, 1
	addi	s11, s10, 1
	addi	t3, s11, 1
	addi	t4, t3, 1
	addi	t5, t4, 1

/* Fails unless reg == prev + 1. */
.macro	NEXT prev, reg
	sub	t6, \reg, \prev
	addi	t6, t6, -1
	bnez	t6, 9f
.endm

1:	ld	t6, 96 + 104(sp)	/* stop */
	lw	t6, 0(t6)
	bnez	t6, 8f
	NEXT	ra, t0
	NEXT	t0, t1
	NEXT	t1, t2
	NEXT	t2, s0
	NEXT	s0, s1
	NEXT	s1, a0
	NEXT	a0, a1
	NEXT	a1, a2
	NEXT	a2, a3
	NEXT	a3, a4
	NEXT	a4, a5
	NEXT	a5, a6
	NEXT	a6, a7
	NEXT	a7, s2
	NEXT	s2, s3
	NEXT	s3, s4
	NEXT	s4, s5
	NEXT	s5, s6
	NEXT	s6, s7
	NEXT	s7, s8
	NEXT	s8, s9
	NEXT	s9, s10
	NEXT	s10, s11
	NEXT	s11, t3
	NEXT	t3, t4
	NEXT	t4, t5
	.irp	fr, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fmv.x.d	t6, f\fr
	sub	t6, t6, ra
	addi	t6, t6, -(100 + \fr)
	bnez	t6, 9f
	.endr
	/* The checks above are relative to ra: ra itself against the seed
	 * kept on the stack. */
	ld	t6, 96 + 112(sp)
	bne	t6, ra, 9f
	j	1b

8:	li	a0, 0
	j	7f
9:	li	a0, 1
7:	fld	fs0, 0(sp)
	fld	fs1, 8(sp)
	fld	fs2, 16(sp)
	fld	fs3, 24(sp)
	fld	fs4, 32(sp)
	fld	fs5, 40(sp)
	fld	fs6, 48(sp)
	fld	fs7, 56(sp)
	fld	fs8, 64(sp)
	fld	fs9, 72(sp)
	fld	fs10, 80(sp)
	fld	fs11, 88(sp)
	addi	sp, sp, 96
	ld	ra, 0(sp)
	ld	s0, 8(sp)
	ld	s1, 16(sp)
	ld	s2, 24(sp)
	ld	s3, 32(sp)
	ld	s4, 40(sp)
	ld	s5, 48(sp)
	ld	s6, 56(sp)
	ld	s7, 64(sp)
	ld	s8, 72(sp)
	ld	s9, 80(sp)
	ld	s10, 88(sp)
	ld	s11, 96(sp)
	addi	sp, sp, 128
	ret
	.size	pmt_demo_regs, . - pmt_demo_regs

	.section .note.GNU-stack, "", @progbits
