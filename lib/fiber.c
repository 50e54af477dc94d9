/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * fiber.c - AddressSanitizer's view of the switches (fiber.h), in a
 * sanitized build; nothing otherwise.
 */
#include "fiber.h"

#ifdef PMT_SANITIZE_ADDRESS
/* Comes with the compiler, and needs only freestanding headers. */
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

/* Scheduler locked. */
void
pmt_fiber_begin(void)
{
	arrive(NULL);
}
#endif /* PMT_SANITIZE_ADDRESS */
