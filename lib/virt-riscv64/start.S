/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * start.S - start-up code of the riscv64 bare-metal port: QEMU virt,
 * -bios none, machine mode, hart 0 alone.  Entered at the image's start
 * (link.ld puts it at the start of RAM, where QEMU's reset vector jumps)
 * with nothing set up.  Leaves for pmt_virt_start() with interrupts
 * masked, mtvec at the trap entry, the FP unit on with fcsr 0, gp set,
 * .bss cleared and sp at the top of the boot stack (16-byte aligned, as
 * the LP64D psABI wants).
 */
	.section .text.start, "ax", @progbits
	.globl	_start
	.type	_start, @function
_start:
	.cfi_startproc
	.cfi_undefined ra
	csrw	mie, zero		/* no interrupt source enabled */
	csrci	mstatus, 0x8		/* MIE: interrupts masked */
	/* mret returns to machine mode (MPP = 3); the FP unit on (FS =
	 * Initial), so that FP instructions do not trap. */
	li	t0, 0x1800 | 0x2000
	csrs	mstatus, t0
	fscsr	zero
	.option	push
	.option	norelax
	lla	gp, __global_pointer$
	.option	pop
	lla	sp, __stack_top
	lla	t0, __bss_start
	lla	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	lla	t0, pmt_virt_trap_entry	/* direct mode: 4-byte aligned */
	csrw	mtvec, t0
	call	pmt_virt_start
3:	wfi				/* not reached */
	j	3b
	.cfi_endproc
	.size	_start, . - _start

	.section .note.GNU-stack, "", @progbits
