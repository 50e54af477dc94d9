/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * context.c - the first frame of a new x86_64 thread.  Freestanding.
 */
#include <stddef.h>
#include <stdint.h>

#include "arch.h"
#include "frame.h"

/* The switch frame as C sees it; frame.h is the authority. */
struct pmt_frame {
	uint32_t mxcsr;
	uint16_t fpucw;
	uint16_t pad;
	uint64_t r15, r14, r13, r12, rbx, rbp;
	uint64_t rip;
};

_Static_assert(offsetof(struct pmt_frame, mxcsr) == PMT_FRAME_MXCSR, "mxcsr");
_Static_assert(offsetof(struct pmt_frame, fpucw) == PMT_FRAME_FPUCW, "fpucw");
_Static_assert(offsetof(struct pmt_frame, r15) == PMT_FRAME_R15, "r15");
_Static_assert(offsetof(struct pmt_frame, r14) == PMT_FRAME_R14, "r14");
_Static_assert(offsetof(struct pmt_frame, r13) == PMT_FRAME_R13, "r13");
_Static_assert(offsetof(struct pmt_frame, r12) == PMT_FRAME_R12, "r12");
_Static_assert(offsetof(struct pmt_frame, rbx) == PMT_FRAME_RBX, "rbx");
_Static_assert(offsetof(struct pmt_frame, rbp) == PMT_FRAME_RBP, "rbp");
_Static_assert(offsetof(struct pmt_frame, rip) == PMT_FRAME_RIP, "rip");
_Static_assert(sizeof(struct pmt_frame) == PMT_FRAME_SIZE, "frame size");

/* switch.S: enters a new thread, PMT_FRAME_ENTRY_PAD bytes in; rbx = entry,
 * r12 = arg. */
PMT_HIDDEN extern char pmt_arch_trampoline[];

/* Thread context. */
void *
pmt_arch_frame_init(void *stack, size_t size, void *(*entry)(void *), void *arg)
{
	uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
	struct pmt_frame *f;
	uint64_t *end;

	/*
	 * The top 16 bytes stay zero: a null return address and frame
	 * pointer for anything that walks past the trampoline.  Below them
	 * the frame, placed so that the trampoline starts with rsp 16-byte
	 * aligned, as its calls require.
	 */
	end = (uint64_t *)(top - 16);
	end[0] = end[1] = 0;
	f = (struct pmt_frame *)(top - 16 - PMT_FRAME_SIZE);
	__asm__ __volatile__("stmxcsr %0" : "=m"(f->mxcsr));
	__asm__ __volatile__("fnstcw %0" : "=m"(f->fpucw));
	f->pad = 0;
	f->r15 = f->r14 = f->r13 = 0;
	f->r12 = (uint64_t)(uintptr_t)arg;
	f->rbx = (uint64_t)(uintptr_t)entry;
	f->rbp = 0;
	f->rip =
	    (uint64_t)(uintptr_t)(pmt_arch_trampoline + PMT_FRAME_ENTRY_PAD);
	return f;
}
