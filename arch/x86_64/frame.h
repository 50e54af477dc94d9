/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * frame.h - the x86_64 switch frame: what pmt_arch_switch() leaves on a
 * parked thread's stack, lowest address first.  The one definition of these
 * offsets, read by switch.S and tied to struct pmt_frame in context.c by
 * static assertions.  Part of the ABI between C and assembly: change both
 * sides together.
 */
#ifndef PMT_X86_64_FRAME_H
#define PMT_X86_64_FRAME_H

#define PMT_FRAME_MXCSR 0 /* 32-bit SSE control/status */
#define PMT_FRAME_FPUCW 4 /* 16-bit x87 control word, 2 bytes padding */
#define PMT_FRAME_R15 8
#define PMT_FRAME_R14 16
#define PMT_FRAME_R13 24
#define PMT_FRAME_R12 32
#define PMT_FRAME_RBX 40
#define PMT_FRAME_RBP 48
#define PMT_FRAME_RIP 56 /* where the switch resumes the thread */
#define PMT_FRAME_SIZE 64

/*
 * Where a switch resumes a thread that no call parked (pmt_arch_resume, and
 * pmt_arch_trampoline for a new thread), the function begins with this many
 * bytes of nop, inside its symbol and its CFI, and the switch jumps past
 * them.  A debugger looks up a caller's frame at its return address minus
 * one; for these frames that byte must belong to the function and carry
 * its unwind rules, not the padding before it, or a backtrace taken while
 * the switch loads such a thread runs past it into garbage.
 */
#define PMT_FRAME_ENTRY_PAD 1

#endif /* PMT_X86_64_FRAME_H */
