/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * switch.S - the aarch64 context switch and the entry trampoline of new
 * threads.
 *
 * ABI: Procedure Call Standard for the Arm 64-bit Architecture (AAPCS64,
 * Arm IHI 0055, 2024Q3), sections 6.1.1 and 6.1.2 (registers), 6.4.5 (the
 * stack) and 6.4.6 (the frame pointer); LP64.
 *
 * Preserved across the switch: x19-x28 (the callee-saved integer
 * registers), x29 (the frame pointer), sp, the low 64 bits of v8-v15
 * (d8-d15, the callee-saved FP registers) and FPCR (rounding mode,
 * flush-to-zero, default NaN and the other control bits: global state
 * that only "specific support functions" such as fesetround() change, so
 * it belongs to the thread).  x30, the link register, comes back as the
 * address the thread resumes at.  Nothing else needs keeping:
 * pmt_arch_switch() is an ordinary call, so the caller already assumes
 * x0-x18, v0-v7, v16-v31, the upper halves of v8-v15, NZCV and FPSR (the
 * cumulative exception flags, which AAPCS64 lets any call change) are
 * clobbered.  SVE: a call with the base procedure call standard keeps
 * only the low 64 bits of z8-z15, as here, and no predicate register.
 * FPCR is written only when the thread switched to has a different one:
 * MSR FPCR may serialise the pipeline on some cores, and threads rarely
 * differ.  A thread preempted by a signal is parked inside its handler,
 * where the kernel has saved its complete state, SVE included, on its
 * own stack; this switch never sees it.
 *
 * Never touched: x18, the platform register (AAPCS64 6.1.1), and
 * tpidr_el0, the C library's thread pointer: both belong to the kernel
 * thread that runs every libpmt thread.  SME is not supported: a thread
 * must not switch in streaming mode or with ZA live or dormant, as
 * TPIDR2_EL0 (AAPCS64 6.4.3) is not switched either.
 *
 * The stack pointer is 16-byte aligned at every instruction (AAPCS64
 * 6.4.5): the frame is a multiple of 16 bytes (frame.h), and so are the
 * two words that pmt_arch_switch_return() adds above it.
 *
 * Every switch resumes a thread with RET, never BR: in a BTI-guarded
 * page a BR may only land on a BTI J landing pad (or BTI C, from x16 or
 * x17), and the return addresses the switch goes back to follow BL
 * instructions in C code (ours, or the program's after a tail-called
 * pmt_yield()) that carry none.  Measured under qemu-user with a guarded
 * libpmt: a BR there raises SIGILL.  The x86_64 port returns by an
 * indirect jump for the return-stack predictor's sake; this port pays a
 * mispredicted return on each switch instead.
 *
 * BTI: when the compiler targets it (__ARM_FEATURE_BTI_DEFAULT, from
 * -mbranch-protection=bti or standard), the two entry points a call can
 * reach start with BTI C, and a .note.gnu.property marks the object as
 * BTI-compatible.  pmt_arch_resume and pmt_arch_trampoline are reached
 * by RET only, which needs no landing pad.
 *
 * Return-address signing (__ARM_FEATURE_PAC_DEFAULT, from
 * -mbranch-protection=pac-ret or standard): the resume address a parked
 * frame holds is signed, so that an overwritten frame traps when the
 * thread resumes instead of sending it anywhere.  PACIASP uses sp as the
 * modifier, and sp changes in the middle of the switch: the address is
 * signed on the parked thread's stack, with the sp the thread will have
 * again when it is resumed, and authenticated after the switch has
 * popped its frame, with that same sp.  So each thread's frame is signed
 * against its own stack, pmt_arch_frame_init() signs a new thread's with
 * PACIA1716 (context.c), and the property note claims PAC too.  PACIASP
 * and AUTIASP (the B-key forms under pac-ret+b-key) lie in the hint
 * space: nops on a CPU without pointer authentication.
 *
 * No system call, no signal mask: the switch is pure user mode.
 */
#include "frame.h"

#if defined(__ARM_FEATURE_BTI_DEFAULT) && __ARM_FEATURE_BTI_DEFAULT != 0
#define PMT_BTI 1
#define BTI_C hint 34 /* bti c */
#else
#define PMT_BTI 0
#define BTI_C
#endif

#if defined(__ARM_FEATURE_PAC_DEFAULT) && __ARM_FEATURE_PAC_DEFAULT != 0
#define PMT_PAC 2
#if __ARM_FEATURE_PAC_DEFAULT & 2
#define SIGN_LR hint 27 /* pacibsp */
#define AUTH_LR hint 31 /* autibsp */
#define CFI_KEY .cfi_b_key_frame
#else
#define SIGN_LR hint 25 /* paciasp */
#define AUTH_LR hint 29 /* autiasp */
#define CFI_KEY
#endif
/* Tells unwinders whether x30, where the CFI finds it, is signed. */
#define CFI_SIGNED .cfi_negate_ra_state
#else
#define PMT_PAC 0
#define SIGN_LR
#define AUTH_LR
#define CFI_KEY
#define CFI_SIGNED
#endif

	.text

/* Opens a function that a switch returns to though no call was made
 * there: PMT_FRAME_ENTRY_PAD bytes of nop, covered by the function's
 * symbol and CFI (frame.h says why), then the entry point itself, the
 * local label given, which is where the switch resumes the thread. */
.macro	PMT_ENTRY_PAD name, entry
	nop
\entry:
	.if	\entry - \name - PMT_FRAME_ENTRY_PAD
	.error	"PMT_FRAME_ENTRY_PAD does not match the pad in switch.S"
	.endif
.endm

/* Stores the callee-saved registers (x29 and x30 excepted, already in
 * the frame) and the FP control state of the thread leaving in the frame
 * at sp, and parks it: *x0 = sp.  They keep their values in the
 * registers meanwhile, so no CFI is needed for them yet.  x9 is a
 * temporary register (AAPCS64 6.1.1), free here. */
.macro	PMT_FRAME_SAVE
	stp	x19, x20, [sp, #PMT_FRAME_X19]
	stp	x21, x22, [sp, #PMT_FRAME_X21]
	stp	x23, x24, [sp, #PMT_FRAME_X23]
	stp	x25, x26, [sp, #PMT_FRAME_X25]
	stp	x27, x28, [sp, #PMT_FRAME_X27]
	stp	d8, d9, [sp, #PMT_FRAME_D8]
	stp	d10, d11, [sp, #PMT_FRAME_D10]
	stp	d12, d13, [sp, #PMT_FRAME_D12]
	stp	d14, d15, [sp, #PMT_FRAME_D14]
	/* Its FP control state. */
	mrs	x9, fpcr
	str	x9, [sp, #PMT_FRAME_FPCR]
	/* Park it: *save_sp = sp. */
	mov	x9, sp
	str	x9, [x0]
.endm

/* Takes the stack in x1 and resumes the thread parked there: pops its
 * frame and returns to its PMT_FRAME_X30. */
.macro	PMT_FRAME_LOAD
	mov	sp, x1
	/* Its frame is a plain one whatever kind of switch parked it (see
	 * pmt_arch_switch_return), so this CFI describes it, and the
	 * backtrace of the thread being resumed.  The DWARF numbers of
	 * d8-d15 are 72-79. */
	.cfi_def_cfa_offset PMT_FRAME_SIZE
	.cfi_offset x29, PMT_FRAME_X29 - PMT_FRAME_SIZE
	.cfi_offset x30, PMT_FRAME_X30 - PMT_FRAME_SIZE
	.cfi_offset x19, PMT_FRAME_X19 - PMT_FRAME_SIZE
	.cfi_offset x20, PMT_FRAME_X20 - PMT_FRAME_SIZE
	.cfi_offset x21, PMT_FRAME_X21 - PMT_FRAME_SIZE
	.cfi_offset x22, PMT_FRAME_X22 - PMT_FRAME_SIZE
	.cfi_offset x23, PMT_FRAME_X23 - PMT_FRAME_SIZE
	.cfi_offset x24, PMT_FRAME_X24 - PMT_FRAME_SIZE
	.cfi_offset x25, PMT_FRAME_X25 - PMT_FRAME_SIZE
	.cfi_offset x26, PMT_FRAME_X26 - PMT_FRAME_SIZE
	.cfi_offset x27, PMT_FRAME_X27 - PMT_FRAME_SIZE
	.cfi_offset x28, PMT_FRAME_X28 - PMT_FRAME_SIZE
	.cfi_offset 72, PMT_FRAME_D8 - PMT_FRAME_SIZE
	.cfi_offset 73, PMT_FRAME_D9 - PMT_FRAME_SIZE
	.cfi_offset 74, PMT_FRAME_D10 - PMT_FRAME_SIZE
	.cfi_offset 75, PMT_FRAME_D11 - PMT_FRAME_SIZE
	.cfi_offset 76, PMT_FRAME_D12 - PMT_FRAME_SIZE
	.cfi_offset 77, PMT_FRAME_D13 - PMT_FRAME_SIZE
	.cfi_offset 78, PMT_FRAME_D14 - PMT_FRAME_SIZE
	.cfi_offset 79, PMT_FRAME_D15 - PMT_FRAME_SIZE
	/* Its FP control state, written only when it differs. */
	ldr	x10, [sp, #PMT_FRAME_FPCR]
	mrs	x9, fpcr
	cmp	x9, x10
	b.eq	1f
	msr	fpcr, x10
1:
	/* Its callee-saved registers. */
	ldp	x19, x20, [sp, #PMT_FRAME_X19]
	ldp	x21, x22, [sp, #PMT_FRAME_X21]
	ldp	x23, x24, [sp, #PMT_FRAME_X23]
	ldp	x25, x26, [sp, #PMT_FRAME_X25]
	ldp	x27, x28, [sp, #PMT_FRAME_X27]
	ldp	d8, d9, [sp, #PMT_FRAME_D8]
	ldp	d10, d11, [sp, #PMT_FRAME_D10]
	ldp	d12, d13, [sp, #PMT_FRAME_D12]
	ldp	d14, d15, [sp, #PMT_FRAME_D14]
	/* Its frame pointer and resume address; pop the frame. */
	ldp	x29, x30, [sp], #PMT_FRAME_SIZE
	.cfi_def_cfa_offset 0
	.cfi_restore x29
	.cfi_restore x30
	.cfi_restore x19
	.cfi_restore x20
	.cfi_restore x21
	.cfi_restore x22
	.cfi_restore x23
	.cfi_restore x24
	.cfi_restore x25
	.cfi_restore x26
	.cfi_restore x27
	.cfi_restore x28
	.cfi_restore 72
	.cfi_restore 73
	.cfi_restore 74
	.cfi_restore 75
	.cfi_restore 76
	.cfi_restore 77
	.cfi_restore 78
	.cfi_restore 79
	/* sp is now what it was when the resume address was signed. */
	AUTH_LR
	CFI_SIGNED
	ret
.endm

/*
 * void pmt_arch_switch(void **save_sp, void *load_sp);
 *                            x0             x1
 *
 * Entry: sp 16-byte aligned, x30 the return address, which becomes the
 * frame's PMT_FRAME_X30 slot.
 * Exit: on the stack load_sp names, with that thread's frame popped and
 * x30 its PMT_FRAME_X30, where execution goes on (by RET): the return
 * address of its own pmt_arch_switch() call, pmt_arch_resume's entry
 * point for a thread parked by pmt_arch_switch_return(), or
 * pmt_arch_trampoline's for a new thread (each PMT_FRAME_ENTRY_PAD bytes
 * past the symbol).
 */
	.globl	pmt_arch_switch
	.hidden	pmt_arch_switch
	.type	pmt_arch_switch, %function
	.p2align 4
pmt_arch_switch:
	.cfi_startproc
	CFI_KEY
	BTI_C
	/* Sign the return address against sp, the caller's. */
	SIGN_LR
	CFI_SIGNED
	/* Make room for the frame and store the frame record in it. */
	stp	x29, x30, [sp, #-PMT_FRAME_SIZE]!
	.cfi_def_cfa_offset PMT_FRAME_SIZE
	.cfi_offset x29, PMT_FRAME_X29 - PMT_FRAME_SIZE
	.cfi_offset x30, PMT_FRAME_X30 - PMT_FRAME_SIZE
	PMT_FRAME_SAVE
	PMT_FRAME_LOAD
	.cfi_endproc
	.size	pmt_arch_switch, . - pmt_arch_switch

/*
 * int pmt_arch_switch_return(void **save_sp, void *load_sp,
 *                                   x0             x1
 *     unsigned long key);
 *                   x2
 *
 * Entry: as pmt_arch_switch(), usually reached by a branch from a C
 * caller in tail position, so x30 is the return address into the
 * caller's caller.  Parks a plain frame whose PMT_FRAME_X30 is
 * pmt_arch_resume's entry point, with key and then that return address
 * above it:
 *   sp + PMT_FRAME_SIZE      key
 *   sp + PMT_FRAME_SIZE + 8  return address
 * The frame stays 16-byte aligned, as a plain one is.  Under
 * return-address signing both addresses are signed, each against the sp
 * it will be authenticated with: the return address against the entry
 * sp, the resume address against the entry sp minus 16.
 */
	.globl	pmt_arch_switch_return
	.hidden	pmt_arch_switch_return
	.type	pmt_arch_switch_return, %function
	.p2align 4
pmt_arch_switch_return:
	.cfi_startproc
	CFI_KEY
	BTI_C
	SIGN_LR
	CFI_SIGNED
	stp	x2, x30, [sp, #-16]!
	.cfi_def_cfa_offset 16
	.cfi_offset x30, -8
	adr	x30, .Lresume
	SIGN_LR
	stp	x29, x30, [sp, #-PMT_FRAME_SIZE]!
	.cfi_def_cfa_offset PMT_FRAME_SIZE + 16
	.cfi_offset x29, PMT_FRAME_X29 - PMT_FRAME_SIZE - 16
	PMT_FRAME_SAVE
	PMT_FRAME_LOAD
	.cfi_endproc
	.size	pmt_arch_switch_return, . - pmt_arch_switch_return

/*
 * Where a thread parked by pmt_arch_switch_return() resumes, entered
 * (past the pad) by the RET that ends a switch, its callee-saved
 * registers and FP control state already back, sp 16-byte aligned and
 * pointing at key, with the return address above it.  Calls
 * pmt_core_switch_resume(key) (ends the switch bracket, drops the
 * scheduler lock), then returns its value through that address.
 */
	.globl	pmt_arch_resume
	.hidden	pmt_arch_resume
	.type	pmt_arch_resume, %function
	.p2align 4
pmt_arch_resume:
	.cfi_startproc
	CFI_KEY
	.cfi_def_cfa_offset 16
	.cfi_offset x30, -8
	CFI_SIGNED
	PMT_ENTRY_PAD pmt_arch_resume, .Lresume
	ldr	x0, [sp]		/* key */
	bl	pmt_core_switch_resume	/* its int result stays in w0 */
	ldr	x30, [sp, #8]		/* return address */
	add	sp, sp, #16
	.cfi_def_cfa_offset 0
	.cfi_restore x30
	AUTH_LR
	CFI_SIGNED
	ret
	.cfi_endproc
	.size	pmt_arch_resume, . - pmt_arch_resume

/*
 * The first code of every new thread, entered (past the pad) by the RET
 * of pmt_arch_switch() on a frame built by pmt_arch_frame_init():
 *   x19 = void *(*entry)(void *), x20 = void *arg, x29 = 0,
 *   sp 16-byte aligned, with 16 zero bytes above it (a null frame record).
 * Calls pmt_core_thread_begin() (drops the scheduler lock the switch
 * carried in), then entry(arg), then pmt_exit() with entry's return value.
 * pmt_exit() does not return here; BRK traps if it ever did.
 * The return address is marked undefined, so debuggers end a thread's
 * backtrace at this frame, from the pad on: a backtrace taken while the
 * switch loads a new thread ends here too.
 */
	.globl	pmt_arch_trampoline
	.hidden	pmt_arch_trampoline
	.type	pmt_arch_trampoline, %function
	.p2align 4
pmt_arch_trampoline:
	.cfi_startproc
	.cfi_undefined x30
	PMT_ENTRY_PAD pmt_arch_trampoline, .Ltrampoline
	bl	pmt_core_thread_begin
	mov	x0, x20			/* arg */
	blr	x19			/* entry(arg) */
	bl	pmt_exit		/* its return value, still in x0 */
	brk	#0x3e8
	.cfi_endproc
	.size	pmt_arch_trampoline, . - pmt_arch_trampoline

/*
 * The GNU property note that tells the linker and the dynamic loader
 * what this object is compatible with: BTI (its indirect-branch targets
 * have landing pads) and PAC (it signs return addresses), each only when
 * the compiler targets it.  The linker keeps a feature for the output
 * only when every input has it.
 */
#define PMT_FEATURES (PMT_BTI | PMT_PAC)
#if PMT_FEATURES != 0
	.pushsection .note.gnu.property, "a"
	.p2align 3
	.word	4			/* n_namesz: "GNU\0" */
	.word	16			/* n_descsz */
	.word	5			/* n_type: NT_GNU_PROPERTY_TYPE_0 */
	.asciz	"GNU"
	.word	0xc0000000		/* GNU_PROPERTY_AARCH64_FEATURE_1_AND */
	.word	4			/* pr_datasz */
	.word	PMT_FEATURES		/* _BTI (1) and _PAC (2) */
	.word	0			/* pad to 8 bytes */
	.popsection
#endif

	.section .note.GNU-stack, "", %progbits
