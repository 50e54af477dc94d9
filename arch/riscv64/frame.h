/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * frame.h - the riscv64 switch frame: what pmt_arch_switch() leaves on a
 * parked thread's stack, lowest address first.  The one definition of these
 * offsets, read by switch.S and tied to struct pmt_frame in context.c by
 * static assertions.  Part of the ABI between C and assembly: change both
 * sides together.
 *
 * The top two slots are laid out as a frame record of the psABI's frame
 * pointer convention: the resume address (ra) just below the caller's
 * stack pointer, s0 below it.  26 slots of 8 bytes, a multiple of 16, so
 * the stack pointer stays 16-byte aligned while a thread is parked.
 */
#ifndef PMT_RISCV64_FRAME_H
#define PMT_RISCV64_FRAME_H

#if !defined(__riscv) || __riscv_xlen != 64 ||                                 \
    !defined(__riscv_float_abi_double)
#error "arch/riscv64 is for the LP64D ABI: RV64 with the D extension"
#endif

#define PMT_FRAME_FCSR 0 /* 32-bit frm and fflags, 4 bytes padding */
#define PMT_FRAME_FS0 8  /* fs0-fs11: the callee-saved FP registers */
#define PMT_FRAME_FS1 16
#define PMT_FRAME_FS2 24
#define PMT_FRAME_FS3 32
#define PMT_FRAME_FS4 40
#define PMT_FRAME_FS5 48
#define PMT_FRAME_FS6 56
#define PMT_FRAME_FS7 64
#define PMT_FRAME_FS8 72
#define PMT_FRAME_FS9 80
#define PMT_FRAME_FS10 88
#define PMT_FRAME_FS11 96
#define PMT_FRAME_S11 104 /* s1-s11: the callee-saved integer registers */
#define PMT_FRAME_S10 112
#define PMT_FRAME_S9 120
#define PMT_FRAME_S8 128
#define PMT_FRAME_S7 136
#define PMT_FRAME_S6 144
#define PMT_FRAME_S5 152
#define PMT_FRAME_S4 160
#define PMT_FRAME_S3 168
#define PMT_FRAME_S2 176
#define PMT_FRAME_S1 184
#define PMT_FRAME_S0 192 /* s0, the frame pointer when there is one */
#define PMT_FRAME_PC 200 /* where the switch resumes the thread; ra too */
#define PMT_FRAME_SIZE 208

/*
 * Where a switch resumes a thread that no call parked (pmt_arch_resume, and
 * pmt_arch_trampoline for a new thread), the function begins with this many
 * bytes of nop, inside its symbol and its CFI, and the switch jumps past
 * them.  A debugger looks up a caller's frame at its return address minus
 * one; for these frames that byte must belong to the function and carry
 * its unwind rules, not the padding before it, or a backtrace taken while
 * the switch loads such a thread runs past it into garbage.  One
 * uncompressed nop: four bytes whether or not the compressed instructions
 * (C extension) are in use, which keeps the entry point 4-byte aligned, as
 * a CPU without them requires of a jump target.
 */
#define PMT_FRAME_ENTRY_PAD 4

#endif /* PMT_RISCV64_FRAME_H */
