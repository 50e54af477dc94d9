/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * start.S - start-up code of the aarch64 bare-metal port: QEMU virt,
 * -kernel ELF, entered at EL1 (no EL2 or EL3 emulated) on CPU 0 with the
 * MMU off.  Leaves for pmt_virt_start() with interrupts masked, SP_EL1 in
 * use (exceptions taken at EL1 then stay on the interrupted thread's
 * stack), VBAR_EL1 at the vectors of trap.S, the FP/SIMD unit on with
 * FPCR 0, .bss cleared and sp at the top of the boot stack (16-byte
 * aligned, as AAPCS64 wants at all times).
 */
	.section .text.start, "ax", @progbits
	.globl	_start
	.type	_start, @function
_start:
	msr	daifset, #0xf		/* every exception class masked */
	msr	spsel, #1
	adrp	x0, __stack_top
	add	x0, x0, :lo12:__stack_top
	mov	sp, x0
	mov	x0, #(3 << 20)		/* CPACR_EL1.FPEN: no FP/SIMD traps */
	msr	cpacr_el1, x0
	isb
	msr	fpcr, xzr
	msr	fpsr, xzr
	adrp	x0, pmt_virt_vectors
	add	x0, x0, :lo12:pmt_virt_vectors
	msr	vbar_el1, x0
	isb
	msr	daifclr, #0xc		/* debug and SError back; IRQ, FIQ masked */
	adrp	x0, __bss_start
	add	x0, x0, :lo12:__bss_start
	adrp	x1, __bss_end
	add	x1, x1, :lo12:__bss_end
1:	cmp	x0, x1
	b.hs	2f
	str	xzr, [x0], #8
	b	1b
2:	mov	x29, xzr
	mov	x30, xzr
	bl	pmt_virt_start
3:	wfi				/* not reached */
	b	3b
	.size	_start, . - _start

	.section .note.GNU-stack, "", @progbits
