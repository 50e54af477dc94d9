/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * frame.h - the aarch64 switch frame: what pmt_arch_switch() leaves on a
 * parked thread's stack, lowest address first.  The one definition of these
 * offsets, read by switch.S and tied to struct pmt_frame in context.c by
 * static assertions.  Part of the ABI between C and assembly: change both
 * sides together.  The frame is a multiple of 16 bytes, so the stack pointer
 * stays 16-byte aligned at every instruction of the switch (AAPCS64 6.4.5).
 */
#ifndef PMT_AARCH64_FRAME_H
#define PMT_AARCH64_FRAME_H

/* A frame record, as AAPCS64 6.4.6 lays one out: the frame pointer, then
 * the return address, where the switch resumes the thread (signed under
 * return-address signing; switch.S says how). */
#define PMT_FRAME_X29 0
#define PMT_FRAME_X30 8
#define PMT_FRAME_X19 16
#define PMT_FRAME_X20 24
#define PMT_FRAME_X21 32
#define PMT_FRAME_X22 40
#define PMT_FRAME_X23 48
#define PMT_FRAME_X24 56
#define PMT_FRAME_X25 64
#define PMT_FRAME_X26 72
#define PMT_FRAME_X27 80
#define PMT_FRAME_X28 88
#define PMT_FRAME_D8 96 /* the low 64 bits of v8-v15, d8 to d15 in order */
#define PMT_FRAME_D9 104
#define PMT_FRAME_D10 112
#define PMT_FRAME_D11 120
#define PMT_FRAME_D12 128
#define PMT_FRAME_D13 136
#define PMT_FRAME_D14 144
#define PMT_FRAME_D15 152
#define PMT_FRAME_FPCR 160 /* 64-bit FP control register, then 8 bytes pad */
#define PMT_FRAME_SIZE 176

/*
 * Where a switch resumes a thread that no call parked (pmt_arch_resume, and
 * pmt_arch_trampoline for a new thread), the function begins with this many
 * bytes of nop (one instruction), inside its symbol and its CFI, and the
 * switch returns past them.  A debugger looks up a caller's frame at its
 * return address minus one; for these frames that byte must belong to the
 * function and carry its unwind rules, not the padding before it, or a
 * backtrace taken while the switch loads such a thread runs past it into
 * garbage.
 */
#define PMT_FRAME_ENTRY_PAD 4

#endif /* PMT_AARCH64_FRAME_H */
