/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * context-aarch64.S - a helper of tests/check_context.c that holds values
 * in every callee-saved register across a call that switches threads.
 *
 * ABI: AAPCS64 (Arm IHI 0055, 2024Q3), sections 6.1.1 and 6.1.2: x19-x29
 * and the low 64 bits of v8-v15 (d8-d15) are callee-saved.
 *
 * unsigned long test_hold_registers(uint64_t seed, void (*fn)(void *),
 *                                   x0             x1
 *     void *arg);
 *           x2
 *
 * Loads x19-x28 with seed + 19 to seed + 28 and d8-d15 with the bits of
 * seed + 108 to seed + 115, calls fn(arg), and returns in x0 a mask of
 * those that came back different: bit r - 19 for xr, bit r + 2 for dr,
 * and bit 18 if x29 no longer addresses this function's frame record.
 * fn switches threads: a switch that loses a register, or gives a thread
 * another's, shows here.  The function keeps
 * the registers for its own caller, in its 176-byte frame:
 *   sp + 0    x29, x30 (the frame record)
 *   sp + 16   x19-x28
 *   sp + 96   d8-d15
 *   sp + 160  seed, 8 bytes pad
 * Entry and exit: sp 16-byte aligned.
 */
#if defined(__ARM_FEATURE_BTI_DEFAULT) && __ARM_FEATURE_BTI_DEFAULT != 0
#define BTI_C hint 34 /* bti c */
#define BTI_NOTE 1
#else
#define BTI_C
#define BTI_NOTE 0
#endif

/* x\r = seed + \r; x0 is the seed. */
.macro	HOLD_X r
	add	x\r, x0, #\r
.endm

/* d\r = the bits of seed + \r + 100. */
.macro	HOLD_D r
	add	x11, x0, #(\r + 100)
	fmov	d\r, x11
.endm

/* Bit r - 19 of x0 = (x\r != seed + \r); x10 is the seed. */
.macro	CHECK_X r
	add	x11, x10, #\r
	cmp	x\r, x11
	cset	x12, ne
	orr	x0, x0, x12, lsl #(\r - 19)
.endm

/* Bit r + 2 of x0 = (d\r != the bits of seed + \r + 100). */
.macro	CHECK_D r
	add	x11, x10, #(\r + 100)
	fmov	x12, d\r
	cmp	x12, x11
	cset	x12, ne
	orr	x0, x0, x12, lsl #(\r + 2)
.endm

	.text
	.globl	test_hold_registers
	.hidden	test_hold_registers
	.type	test_hold_registers, %function
	.p2align 2
test_hold_registers:
	.cfi_startproc
	BTI_C
	/* Keep the caller's registers and the seed. */
	stp	x29, x30, [sp, #-176]!
	.cfi_def_cfa_offset 176
	.cfi_offset x29, -176
	.cfi_offset x30, -168
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	stp	d8, d9, [sp, #96]
	stp	d10, d11, [sp, #112]
	stp	d12, d13, [sp, #128]
	stp	d14, d15, [sp, #144]
	str	x0, [sp, #160]
	/* Load the patterns. */
	.irp	r, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28
	HOLD_X	\r
	.endr
	.irp	r, 8, 9, 10, 11, 12, 13, 14, 15
	HOLD_D	\r
	.endr
	/* fn(arg): the switches happen in here. */
	mov	x0, x2
	blr	x1
	/* Count what came back wrong. */
	ldr	x10, [sp, #160]
	mov	x0, #0
	.irp	r, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28
	CHECK_X	\r
	.endr
	.irp	r, 8, 9, 10, 11, 12, 13, 14, 15
	CHECK_D	\r
	.endr
	mov	x11, sp
	cmp	x29, x11
	cset	x12, ne
	orr	x0, x0, x12, lsl #18
	/* Give the caller its registers back. */
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	d8, d9, [sp, #96]
	ldp	d10, d11, [sp, #112]
	ldp	d12, d13, [sp, #128]
	ldp	d14, d15, [sp, #144]
	ldp	x29, x30, [sp], #176
	.cfi_def_cfa_offset 0
	.cfi_restore x29
	.cfi_restore x30
	ret
	.cfi_endproc
	.size	test_hold_registers, . - test_hold_registers

#if BTI_NOTE
	/* GNU property note: BTI-compatible (GNU_PROPERTY_AARCH64_FEATURE_1_AND,
	 * _BTI); no return address is signed here. */
	.pushsection .note.gnu.property, "a"
	.p2align 3
	.word	4
	.word	16
	.word	5
	.asciz	"GNU"
	.word	0xc0000000
	.word	4
	.word	1
	.word	0
	.popsection
#endif

	.section .note.GNU-stack, "", %progbits
