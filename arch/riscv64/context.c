/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * context.c - the first frame of a new riscv64 thread.  Freestanding.
 */
#include <stddef.h>
#include <stdint.h>

#include "arch.h"
#include "frame.h"

/* The switch frame as C sees it; frame.h is the authority. */
struct pmt_frame {
	uint32_t fcsr;
	uint32_t pad;
	uint64_t fs0, fs1, fs2, fs3, fs4, fs5, fs6, fs7, fs8, fs9, fs10, fs11;
	uint64_t s11, s10, s9, s8, s7, s6, s5, s4, s3, s2, s1, s0;
	uint64_t pc;
};

#define FRAME_SLOT(field, name)                                                \
	_Static_assert(                                                        \
	    offsetof(struct pmt_frame, field) == PMT_FRAME_##name, #field)
FRAME_SLOT(fcsr, FCSR);
FRAME_SLOT(fs0, FS0);
FRAME_SLOT(fs1, FS1);
FRAME_SLOT(fs2, FS2);
FRAME_SLOT(fs3, FS3);
FRAME_SLOT(fs4, FS4);
FRAME_SLOT(fs5, FS5);
FRAME_SLOT(fs6, FS6);
FRAME_SLOT(fs7, FS7);
FRAME_SLOT(fs8, FS8);
FRAME_SLOT(fs9, FS9);
FRAME_SLOT(fs10, FS10);
FRAME_SLOT(fs11, FS11);
FRAME_SLOT(s11, S11);
FRAME_SLOT(s10, S10);
FRAME_SLOT(s9, S9);
FRAME_SLOT(s8, S8);
FRAME_SLOT(s7, S7);
FRAME_SLOT(s6, S6);
FRAME_SLOT(s5, S5);
FRAME_SLOT(s4, S4);
FRAME_SLOT(s3, S3);
FRAME_SLOT(s2, S2);
FRAME_SLOT(s1, S1);
FRAME_SLOT(s0, S0);
FRAME_SLOT(pc, PC);
_Static_assert(sizeof(struct pmt_frame) == PMT_FRAME_SIZE, "frame size");
_Static_assert(PMT_FRAME_SIZE % 16 == 0, "frame keeps sp 16-byte aligned");

/* switch.S: enters a new thread, PMT_FRAME_ENTRY_PAD bytes in; s1 = entry,
 * s2 = arg. */
PMT_HIDDEN extern char pmt_arch_trampoline[];

/* Thread context. */
void *
pmt_arch_frame_init(void *stack, size_t size, void *(*entry)(void *), void *arg)
{
	uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
	struct pmt_frame *f;
	uint64_t *end;
	unsigned long fcsr;

	/*
	 * The top 16 bytes stay zero: a null frame record (return address
	 * and frame pointer) for anything that walks past the trampoline.
	 * Below them the frame, placed so that the trampoline starts with sp
	 * 16-byte aligned, as the psABI requires at every call.
	 */
	end = (uint64_t *)(top - 16);
	end[0] = end[1] = 0;
	f = (struct pmt_frame *)(top - 16 - PMT_FRAME_SIZE);
	/* The creator's whole fcsr, rounding mode and accrued exception
	 * flags: the FP environment a new thread starts with (C11 7.6). */
	__asm__ __volatile__("frcsr %0" : "=r"(fcsr));
	f->fcsr = (uint32_t)fcsr;
	f->pad = 0;
	f->fs0 = f->fs1 = f->fs2 = f->fs3 = f->fs4 = f->fs5 = 0;
	f->fs6 = f->fs7 = f->fs8 = f->fs9 = f->fs10 = f->fs11 = 0;
	f->s11 = f->s10 = f->s9 = f->s8 = f->s7 = f->s6 = 0;
	f->s5 = f->s4 = f->s3 = 0;
	f->s2 = (uint64_t)(uintptr_t)arg;
	f->s1 = (uint64_t)(uintptr_t)entry;
	f->s0 = 0;
	f->pc =
	    (uint64_t)(uintptr_t)(pmt_arch_trampoline + PMT_FRAME_ENTRY_PAD);
	return f;
}
