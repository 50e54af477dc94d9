/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * context.c - the first frame of a new aarch64 thread.  Freestanding.
 */
#include <stddef.h>
#include <stdint.h>

#include "arch.h"
#include "frame.h"

/* The switch frame as C sees it; frame.h is the authority. */
struct pmt_frame {
	uint64_t x29, x30;
	uint64_t x19, x20, x21, x22, x23, x24, x25, x26, x27, x28;
	uint64_t d[8]; /* d8-d15 */
	uint64_t fpcr;
	uint64_t pad;
};

_Static_assert(offsetof(struct pmt_frame, x29) == PMT_FRAME_X29, "x29");
_Static_assert(offsetof(struct pmt_frame, x30) == PMT_FRAME_X30, "x30");
_Static_assert(offsetof(struct pmt_frame, x19) == PMT_FRAME_X19, "x19");
_Static_assert(offsetof(struct pmt_frame, x20) == PMT_FRAME_X20, "x20");
_Static_assert(offsetof(struct pmt_frame, x21) == PMT_FRAME_X21, "x21");
_Static_assert(offsetof(struct pmt_frame, x22) == PMT_FRAME_X22, "x22");
_Static_assert(offsetof(struct pmt_frame, x23) == PMT_FRAME_X23, "x23");
_Static_assert(offsetof(struct pmt_frame, x24) == PMT_FRAME_X24, "x24");
_Static_assert(offsetof(struct pmt_frame, x25) == PMT_FRAME_X25, "x25");
_Static_assert(offsetof(struct pmt_frame, x26) == PMT_FRAME_X26, "x26");
_Static_assert(offsetof(struct pmt_frame, x27) == PMT_FRAME_X27, "x27");
_Static_assert(offsetof(struct pmt_frame, x28) == PMT_FRAME_X28, "x28");
_Static_assert(offsetof(struct pmt_frame, d[0]) == PMT_FRAME_D8, "d8");
_Static_assert(offsetof(struct pmt_frame, d[1]) == PMT_FRAME_D9, "d9");
_Static_assert(offsetof(struct pmt_frame, d[2]) == PMT_FRAME_D10, "d10");
_Static_assert(offsetof(struct pmt_frame, d[3]) == PMT_FRAME_D11, "d11");
_Static_assert(offsetof(struct pmt_frame, d[4]) == PMT_FRAME_D12, "d12");
_Static_assert(offsetof(struct pmt_frame, d[5]) == PMT_FRAME_D13, "d13");
_Static_assert(offsetof(struct pmt_frame, d[6]) == PMT_FRAME_D14, "d14");
_Static_assert(offsetof(struct pmt_frame, d[7]) == PMT_FRAME_D15, "d15");
_Static_assert(offsetof(struct pmt_frame, fpcr) == PMT_FRAME_FPCR, "fpcr");
_Static_assert(sizeof(struct pmt_frame) == PMT_FRAME_SIZE, "frame size");
_Static_assert(PMT_FRAME_SIZE % 16 == 0, "frame keeps sp 16-byte aligned");

/* switch.S: enters a new thread, PMT_FRAME_ENTRY_PAD bytes in; x19 = entry,
 * x20 = arg. */
PMT_HIDDEN extern char pmt_arch_trampoline[];

/*
 * The resume address as the switch expects it: under return-address
 * signing (switch.S), signed with the stack pointer the thread will have
 * when the switch authenticates it, just after popping this frame.
 * PACIA1716 (PACIB1716 for the B key) signs x17 with x16 as modifier; it
 * lies in the hint space, a nop where the CPU or the kernel has no pointer
 * authentication, as the switch's AUTIASP is then.
 */
static uint64_t
sign_resume_address(uint64_t addr, uint64_t sp)
{
#if defined(__ARM_FEATURE_PAC_DEFAULT) && __ARM_FEATURE_PAC_DEFAULT != 0
	register uint64_t x17 __asm__("x17") = addr;
	register uint64_t x16 __asm__("x16") = sp;

#if __ARM_FEATURE_PAC_DEFAULT & 2
	__asm__("hint #10" /* pacib1716 */ : "+r"(x17) : "r"(x16));
#else
	__asm__("hint #8" /* pacia1716 */ : "+r"(x17) : "r"(x16));
#endif
	return x17;
#else
	(void)sp;
	return addr;
#endif
}

/* Thread context. */
void *
pmt_arch_frame_init(void *stack, size_t size, void *(*entry)(void *), void *arg)
{
	uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
	struct pmt_frame *f;
	uint64_t *end;
	uint64_t fpcr;
	int i;

	/*
	 * The top 16 bytes stay zero: a null frame record for anything that
	 * walks the frame pointer chain past the trampoline.  Below them the
	 * frame; the trampoline starts with sp at top - 16, 16-byte aligned
	 * as every instruction requires.
	 */
	end = (uint64_t *)(top - 16);
	end[0] = end[1] = 0;
	f = (struct pmt_frame *)(top - 16 - PMT_FRAME_SIZE);
	__asm__ __volatile__("mrs %0, fpcr" : "=r"(fpcr));
	f->fpcr = fpcr;
	f->pad = 0;
	f->x29 = 0; /* ends the frame pointer chain */
	f->x30 = sign_resume_address(
	    (uint64_t)(uintptr_t)(pmt_arch_trampoline + PMT_FRAME_ENTRY_PAD),
	    (uint64_t)(top - 16));
	f->x19 = (uint64_t)(uintptr_t)entry;
	f->x20 = (uint64_t)(uintptr_t)arg;
	f->x21 = f->x22 = f->x23 = f->x24 = 0;
	f->x25 = f->x26 = f->x27 = f->x28 = 0;
	for (i = 0; i < 8; i++)
		f->d[i] = 0;
	return f;
}
