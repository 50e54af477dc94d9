/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * fiber.c - AddressSanitizer's view of the switches (fiber.h), in a
 * sanitized build; nothing otherwise.
 */
#include "fiber.h"

#ifdef PMT_SANITIZE_ADDRESS
/* Come with the compiler, and need only freestanding headers. */
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>

/*
 * The stack of the pmt_init() thread: its caller's, whose bounds the core
 * is not given (its stack_lo is NULL).  ASan knows them, and tells them at
 * the end of the first switch, which is always one away from that thread,
 * as every other thread starts later.
 */
static const void *init_bottom;
static size_t init_size;

/* Scheduler locked. */
void
pmt_fiber_leave(struct pmt_thread *prev, const struct pmt_thread *next)
{
	const void *bottom = init_bottom;
	size_t size = init_size;
	void **fake_stack = &prev->fiber_fake_stack;

	if (next->stack_lo != NULL) {
		bottom = next->stack_lo;
		size = (size_t)(next->stack_hi - next->stack_lo);
	}
	if (prev->state == PMT_DONE || prev->state == PMT_FREE)
		fake_stack = NULL;
	__sanitizer_start_switch_fiber(fake_stack, bottom, size);
}

/* Scheduler locked: the end of a switch, on the stack switched to, with
 * the fake stack saved when this thread left (NULL: a new thread). */
static void
arrive(void *fake_stack)
{
	const void *bottom;
	size_t size;

	__sanitizer_finish_switch_fiber(fake_stack, &bottom, &size);
	if (init_size == 0) {
		init_bottom = bottom;
		init_size = size;
	}
}

/* Scheduler locked. */
void
pmt_fiber_arrive(struct pmt_thread *self)
{
	arrive(self->fiber_fake_stack);
}

/*
 * The calling thread's fake stack, made now if it has none yet.  ASan
 * makes a thread's fake stack when the thread first needs one, and marks
 * it "being made" meanwhile: a switch then would save that mark as the
 * thread's fake stack, and give it back when the thread resumes, and ASan
 * would take the mark for a fake stack at its next frame (a SEGV inside
 * __asan_stack_malloc_N).  A tick can switch at almost any point of a
 * thread's run, so each thread gets its fake stack while nothing can
 * switch it: a new thread in pmt_fiber_begin(), under the lock, and the
 * pmt_init() thread before preemption can be started.  Without
 * detect_stack_use_after_return, nothing is made.
 */
static void
make_fake_stack(void)
{
	(void)__asan_get_current_fake_stack();
}

/* Scheduler locked. */
void
pmt_fiber_begin(void)
{
	arrive(NULL);
	make_fake_stack();
}

/* Thread context, pmt_init(). */
void
pmt_fiber_init(void)
{
	make_fake_stack();
}
#endif /* PMT_SANITIZE_ADDRESS */
