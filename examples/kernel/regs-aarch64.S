/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * regs-aarch64.S - the register check of the bare-metal demo kernel
 * (demo.c), aarch64 AAPCS64.
 *
 * unsigned long pmt_demo_regs(unsigned long seed, volatile int *stop);
 *                                           x0                x1
 *
 * Puts seed + i in the i-th of 29 integer registers (x0-x16, x19-x30: all
 * but sp, the platform register x18 and the scratch x17) and seed + 100 +
 * j and seed + 200 + j in the low and high halves of vj, for all 32 SIMD
 * registers, 128 bits each, then checks them over and over, with x17 as
 * the only scratch, until *stop is nonzero.  A preemption in the loop
 * parks the thread in its trap frame and resumes it later: every register
 * must come back whole.  Returns 0, or 1 at the first register found
 * changed.  Saves and restores the callee-saved registers it uses, as any
 * function must.
 */
	.text
	.globl	pmt_demo_regs
	.type	pmt_demo_regs, @function
	.p2align 2
pmt_demo_regs:
	hint	34			/* bti c, where BTI is on */
	sub	sp, sp, #176
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	stp	d8, d9, [sp, #96]
	stp	d10, d11, [sp, #112]
	stp	d12, d13, [sp, #128]
	stp	d14, d15, [sp, #144]
	stp	x0, x1, [sp, #160]	/* seed, stop */

	/* The SIMD pattern, from the seed in x0. */
	add	x17, x0, #100
	fmov	d0, x17
	add	x17, x0, #200
	mov	v0.d[1], x17
	add	x17, x0, #101
	fmov	d1, x17
	add	x17, x0, #201
	mov	v1.d[1], x17
	add	x17, x0, #102
	fmov	d2, x17
	add	x17, x0, #202
	mov	v2.d[1], x17
	add	x17, x0, #103
	fmov	d3, x17
	add	x17, x0, #203
	mov	v3.d[1], x17
	add	x17, x0, #104
	fmov	d4, x17
	add	x17, x0, #204
	mov	v4.d[1], x17
	add	x17, x0, #105
	fmov	d5, x17
	add	x17, x0, #205
	mov	v5.d[1], x17
	add	x17, x0, #106
	fmov	d6, x17
	add	x17, x0, #206
	mov	v6.d[1], x17
	add	x17, x0, #107
	fmov	d7, x17
	add	x17, x0, #207
	mov	v7.d[1], x17
	add	x17, x0, #108
	fmov	d8, x17
	add	x17, x0, #208
	mov	v8.d[1], x17
	add	x17, x0, #109
	fmov	d9, x17
	add	x17, x0, #209
	mov	v9.d[1], x17
	add	x17, x0, #110
	fmov	d10, x17
	add	x17, x0, #210
	mov	v10.d[1], x17
	add	x17, x0, #111
	fmov	d11, x17
	add	x17, x0, #211
	mov	v11.d[1], x17
	add	x17, x0, #112
	fmov	d12, x17
	add	x17, x0, #212
	mov	v12.d[1], x17
	add	x17, x0, #113
	fmov	d13, x17
	add	x17, x0, #213
	mov	v13.d[1], x17
	add	x17, x0, #114
	fmov	d14, x17
	add	x17, x0, #214
	mov	v14.d[1], x17
	add	x17, x0, #115
	fmov	d15, x17
	add	x17, x0, #215
	mov	v15.d[1], x17
	add	x17, x0, #116
	fmov	d16, x17
	add	x17, x0, #216
	mov	v16.d[1], x17
	add	x17, x0, #117
	fmov	d17, x17
	add	x17, x0, #217
	mov	v17.d[1], x17
	add	x17, x0, #118
	fmov	d18, x17
	add	x17, x0, #218
	mov	v18.d[1], x17
	add	x17, x0, #119
	fmov	d19, x17
	add	x17, x0, #219
	mov	v19.d[1], x17
	add	x17, x0, #120
	fmov	d20, x17
	add	x17, x0, #220
	mov	v20.d[1], x17
	add	x17, x0, #121
	fmov	d21, x17
	add	x17, x0, #221
	mov	v21.d[1], x17
	add	x17, x0, #122
	fmov	d22, x17
	add	x17, x0, #222
	mov	v22.d[1], x17
	add	x17, x0, #123
	fmov	d23, x17
	add	x17, x0, #223
	mov	v23.d[1], x17
	add	x17, x0, #124
	fmov	d24, x17
	add	x17, x0, #224
	mov	v24.d[1], x17
	add	x17, x0, #125
	fmov	d25, x17
	add	x17, x0, #225
	mov	v25.d[1], x17
	add	x17, x0, #126
	fmov	d26, x17
	add	x17, x0, #226
	mov	v26.d[1], x17
	add	x17, x0, #127
	fmov	d27, x17
	add	x17, x0, #227
	mov	v27.d[1], x17
	add	x17, x0, #128
	fmov	d28, x17
	add	x17, x0, #228
	mov	v28.d[1], x17
	add	x17, x0, #129
	fmov	d29, x17
	add	x17, x0, #229
	mov	v29.d[1], x17
	add	x17, x0, #130
	fmov	d30, x17
	add	x17, x0, #230
	mov	v30.d[1], x17
	add	x17, x0, #131
	fmov	d31, x17
	add	x17, x0, #231
	mov	v31.d[1], x17
	/* The integer pattern: x0 = seed, then each next register one more. */
	add	x1, x0, #1
	add	x2, x1, #1
	add	x3, x2, #1
	add	x4, x3, #1
	add	x5, x4, #1
	add	x6, x5, #1
	add	x7, x6, #1
	add	x8, x7, #1
	add	x9, x8, #1
	add	x10, x9, #1
	add	x11, x10, #1
	add	x12, x11, #1
	add	x13, x12, #1
	add	x14, x13, #1
	add	x15, x14, #1
	add	x16, x15, #1
	add	x19, x16, #1
	add	x20, x19, #1
	add	x21, x20, #1
	add	x22, x21, #1
	add	x23, x22, #1
	add	x24, x23, #1
	add	x25, x24, #1
	add	x26, x25, #1
	add	x27, x26, #1
	add	x28, x27, #1
	add	x29, x28, #1
	add	x30, x29, #1

/* Fails unless reg == prev + 1. */
.macro	NEXT prev, reg
	sub	x17, \reg, \prev
	cmp	x17, #1
	b.ne	9f
.endm

1:	ldr	x17, [sp, #168]		/* stop */
	ldr	w17, [x17]
	cbnz	w17, 8f
	NEXT	x0, x1
	NEXT	x1, x2
	NEXT	x2, x3
	NEXT	x3, x4
	NEXT	x4, x5
	NEXT	x5, x6
	NEXT	x6, x7
	NEXT	x7, x8
	NEXT	x8, x9
	NEXT	x9, x10
	NEXT	x10, x11
	NEXT	x11, x12
	NEXT	x12, x13
	NEXT	x13, x14
	NEXT	x14, x15
	NEXT	x15, x16
	NEXT	x16, x19
	NEXT	x19, x20
	NEXT	x20, x21
	NEXT	x21, x22
	NEXT	x22, x23
	NEXT	x23, x24
	NEXT	x24, x25
	NEXT	x25, x26
	NEXT	x26, x27
	NEXT	x27, x28
	NEXT	x28, x29
	NEXT	x29, x30
	fmov	x17, d0
	sub	x17, x17, x0
	cmp	x17, #100
	b.ne	9f
	mov	x17, v0.d[1]
	sub	x17, x17, x0
	cmp	x17, #200
	b.ne	9f
	fmov	x17, d1
	sub	x17, x17, x0
	cmp	x17, #101
	b.ne	9f
	mov	x17, v1.d[1]
	sub	x17, x17, x0
	cmp	x17, #201
	b.ne	9f
	fmov	x17, d2
	sub	x17, x17, x0
	cmp	x17, #102
	b.ne	9f
	mov	x17, v2.d[1]
	sub	x17, x17, x0
	cmp	x17, #202
	b.ne	9f
	fmov	x17, d3
	sub	x17, x17, x0
	cmp	x17, #103
	b.ne	9f
	mov	x17, v3.d[1]
	sub	x17, x17, x0
	cmp	x17, #203
	b.ne	9f
	fmov	x17, d4
	sub	x17, x17, x0
	cmp	x17, #104
	b.ne	9f
	mov	x17, v4.d[1]
	sub	x17, x17, x0
	cmp	x17, #204
	b.ne	9f
	fmov	x17, d5
	sub	x17, x17, x0
	cmp	x17, #105
	b.ne	9f
	mov	x17, v5.d[1]
	sub	x17, x17, x0
	cmp	x17, #205
	b.ne	9f
	fmov	x17, d6
	sub	x17, x17, x0
	cmp	x17, #106
	b.ne	9f
	mov	x17, v6.d[1]
	sub	x17, x17, x0
	cmp	x17, #206
	b.ne	9f
	fmov	x17, d7
	sub	x17, x17, x0
	cmp	x17, #107
	b.ne	9f
	mov	x17, v7.d[1]
	sub	x17, x17, x0
	cmp	x17, #207
	b.ne	9f
	fmov	x17, d8
	sub	x17, x17, x0
	cmp	x17, #108
	b.ne	9f
	mov	x17, v8.d[1]
	sub	x17, x17, x0
	cmp	x17, #208
	b.ne	9f
	fmov	x17, d9
	sub	x17, x17, x0
	cmp	x17, #109
	b.ne	9f
	mov	x17, v9.d[1]
	sub	x17, x17, x0
	cmp	x17, #209
	b.ne	9f
	fmov	x17, d10
	sub	x17, x17, x0
	cmp	x17, #110
	b.ne	9f
	mov	x17, v10.d[1]
	sub	x17, x17, x0
	cmp	x17, #210
	b.ne	9f
	fmov	x17, d11
	sub	x17, x17, x0
	cmp	x17, #111
	b.ne	9f
	mov	x17, v11.d[1]
	sub	x17, x17, x0
	cmp	x17, #211
	b.ne	9f
	fmov	x17, d12
	sub	x17, x17, x0
	cmp	x17, #112
	b.ne	9f
	mov	x17, v12.d[1]
	sub	x17, x17, x0
	cmp	x17, #212
	b.ne	9f
	fmov	x17, d13
	sub	x17, x17, x0
	cmp	x17, #113
	b.ne	9f
	mov	x17, v13.d[1]
	sub	x17, x17, x0
	cmp	x17, #213
	b.ne	9f
	fmov	x17, d14
	sub	x17, x17, x0
	cmp	x17, #114
	b.ne	9f
	mov	x17, v14.d[1]
	sub	x17, x17, x0
	cmp	x17, #214
	b.ne	9f
	fmov	x17, d15
	sub	x17, x17, x0
	cmp	x17, #115
	b.ne	9f
	mov	x17, v15.d[1]
	sub	x17, x17, x0
	cmp	x17, #215
	b.ne	9f
	fmov	x17, d16
	sub	x17, x17, x0
	cmp	x17, #116
	b.ne	9f
	mov	x17, v16.d[1]
	sub	x17, x17, x0
	cmp	x17, #216
	b.ne	9f
	fmov	x17, d17
	sub	x17, x17, x0
	cmp	x17, #117
	b.ne	9f
	mov	x17, v17.d[1]
	sub	x17, x17, x0
	cmp	x17, #217
	b.ne	9f
	fmov	x17, d18
	sub	x17, x17, x0
	cmp	x17, #118
	b.ne	9f
	mov	x17, v18.d[1]
	sub	x17, x17, x0
	cmp	x17, #218
	b.ne	9f
	fmov	x17, d19
	sub	x17, x17, x0
	cmp	x17, #119
	b.ne	9f
	mov	x17, v19.d[1]
	sub	x17, x17, x0
	cmp	x17, #219
	b.ne	9f
	fmov	x17, d20
	sub	x17, x17, x0
	cmp	x17, #120
	b.ne	9f
	mov	x17, v20.d[1]
	sub	x17, x17, x0
	cmp	x17, #220
	b.ne	9f
	fmov	x17, d21
	sub	x17, x17, x0
	cmp	x17, #121
	b.ne	9f
	mov	x17, v21.d[1]
	sub	x17, x17, x0
	cmp	x17, #221
	b.ne	9f
	fmov	x17, d22
	sub	x17, x17, x0
	cmp	x17, #122
	b.ne	9f
	mov	x17, v22.d[1]
	sub	x17, x17, x0
	cmp	x17, #222
	b.ne	9f
	fmov	x17, d23
	sub	x17, x17, x0
	cmp	x17, #123
	b.ne	9f
	mov	x17, v23.d[1]
	sub	x17, x17, x0
	cmp	x17, #223
	b.ne	9f
	fmov	x17, d24
	sub	x17, x17, x0
	cmp	x17, #124
	b.ne	9f
	mov	x17, v24.d[1]
	sub	x17, x17, x0
	cmp	x17, #224
	b.ne	9f
	fmov	x17, d25
	sub	x17, x17, x0
	cmp	x17, #125
	b.ne	9f
	mov	x17, v25.d[1]
	sub	x17, x17, x0
	cmp	x17, #225
	b.ne	9f
	fmov	x17, d26
	sub	x17, x17, x0
	cmp	x17, #126
	b.ne	9f
	mov	x17, v26.d[1]
	sub	x17, x17, x0
	cmp	x17, #226
	b.ne	9f
	fmov	x17, d27
	sub	x17, x17, x0
	cmp	x17, #127
	b.ne	9f
	mov	x17, v27.d[1]
	sub	x17, x17, x0
	cmp	x17, #227
	b.ne	9f
	fmov	x17, d28
	sub	x17, x17, x0
	cmp	x17, #128
	b.ne	9f
	mov	x17, v28.d[1]
	sub	x17, x17, x0
	cmp	x17, #228
	b.ne	9f
	fmov	x17, d29
	sub	x17, x17, x0
	cmp	x17, #129
	b.ne	9f
	mov	x17, v29.d[1]
	sub	x17, x17, x0
	cmp	x17, #229
	b.ne	9f
	fmov	x17, d30
	sub	x17, x17, x0
	cmp	x17, #130
	b.ne	9f
	mov	x17, v30.d[1]
	sub	x17, x17, x0
	cmp	x17, #230
	b.ne	9f
	fmov	x17, d31
	sub	x17, x17, x0
	cmp	x17, #131
	b.ne	9f
	mov	x17, v31.d[1]
	sub	x17, x17, x0
	cmp	x17, #231
	b.ne	9f
	/* The checks above are relative to x0: x0 itself against the seed
	 * kept on the stack. */
	ldr	x17, [sp, #160]
	cmp	x17, x0
	b.ne	9f
	b	1b

8:	mov	x0, #0
	b	7f
9:	mov	x0, #1
7:	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	ldp	d8, d9, [sp, #96]
	ldp	d10, d11, [sp, #112]
	ldp	d12, d13, [sp, #128]
	ldp	d14, d15, [sp, #144]
	add	sp, sp, #176
	ret
	.size	pmt_demo_regs, . - pmt_demo_regs

	.section .note.GNU-stack, "", @progbits
