/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * port.c - the POSIX host port: the hooks of lib/port.h for a hosted
 * program on Linux or another POSIX system.  The only part of libpmt that
 * calls the C library.
 */
#include <config.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef HAVE_SYS_AUXV_H
#include <sys/auxv.h>
#endif
#ifdef HAVE_VALGRIND_VALGRIND_H
#include <valgrind/memcheck.h>
#include <valgrind/valgrind.h>
#endif
#ifdef PMT_SANITIZE_ADDRESS
#include <sanitizer/asan_interface.h>
#endif

#include <pmt.h>

#ifndef PMT_PORT_BRACKET_H
/* The POSIX port's switch bracket is posix/bracket.h. */
#error "define PMT_PORT_BRACKET_H as \"posix/bracket.h\""
#endif
#include "../port.h"
#include "posix.h"

/* errno of the kernel thread that runs every libpmt thread: its address
 * is fixed for that thread's life, so it is looked up once.  Also read by
 * the inline switch bracket of bracket.h. */
PMT_HIDDEN int *pmt_port_errno_ptr;

/* Thread context, once. */
int
pmt_port_init(void)
{
	pmt_port_errno_ptr = &errno;
	pmt_posix_mask_init();
	pmt_posix_tick_init();
	pmt_posix_trace_init();
	return 0;
}

/* The kernel's signal frame size, as it reports it; 0 when unknown
 * (older kernels, and qemu-user, report nothing). */
static size_t
signal_frame_size(void)
{
#if defined(HAVE_GETAUXVAL) && defined(AT_MINSIGSTKSZ)
	return (size_t)getauxval(AT_MINSIGSTKSZ);
#else
	return 0;
#endif
}

/*
 * The C frames of a preempted thread: the handler's and the scheduler's.
 * AddressSanitizer's red zones and its interceptors (of sigprocmask() in
 * the switch bracket) make them deeper: measured on x86_64, about 6 KiB
 * against 1.6 KiB without it.
 */
#ifdef PMT_SANITIZE_ADDRESS
#define C_FRAMES (2 * 4096)
#else
#define C_FRAMES 4096
#endif

/*
 * Any context.  A preempted thread holds a kernel signal frame plus the
 * handler's and the scheduler's frames.  The tick is blocked while its
 * handler runs, so ticks do not stack frames; twice the frame leaves room
 * for a user's own signal handler interrupted by a tick.  Plus 4 KiB for
 * the C frames (8 KiB in a sanitized build), never below PMT_STACK_MIN.
 */
size_t
pmt_port_stack_min(void)
{
	size_t frame = signal_frame_size(), min;

#ifdef MINSIGSTKSZ
	if (frame == 0)
		frame = MINSIGSTKSZ;
#endif
	min = 2 * frame + C_FRAMES;
	min = (min + PMT_STACK_ALIGN - 1) / PMT_STACK_ALIGN * PMT_STACK_ALIGN;
	return min < PMT_STACK_MIN ? PMT_STACK_MIN : min;
}

/* Scheduler locked.  Valgrind's client requests cost a few instructions
 * when the program does not run under Valgrind. */
unsigned
pmt_port_stack_register(void *lo, size_t size)
{
	/* Unused where valgrind.h compiles its requests to nothing, on a CPU
	 * Valgrind does not run on (riscv64 in Valgrind 3.19). */
	(void)lo;
	(void)size;
#ifdef PMT_SANITIZE_ADDRESS
	/*
	 * A stack used before may keep the poisoned red zones of frames its
	 * last thread never returned from (pmt_exit() called deep down): the
	 * new thread's frames would look like overflows into them.
	 */
	__asan_unpoison_memory_region(lo, size);
#endif
#ifdef HAVE_VALGRIND_VALGRIND_H
	/*
	 * The same for memcheck, which holds inaccessible what a stack
	 * pointer left below it: a stack used before has such parts where
	 * the frames of its last thread were, below its guard value too if
	 * that thread overflowed, and the new thread's guard value and fill
	 * pattern go there.  A new stack is accessible, and undefined until
	 * written.
	 */
	(void)VALGRIND_MAKE_MEM_UNDEFINED(lo, size);
	return VALGRIND_STACK_REGISTER(lo, (char *)lo + size);
#else
	return 0;
#endif
}

void
pmt_port_stack_deregister(unsigned handle)
{
	(void)handle; /* as in pmt_port_stack_register() */
#ifdef HAVE_VALGRIND_VALGRIND_H
	VALGRIND_STACK_DEREGISTER(handle);
#endif
}

/* New thread, scheduler locked: it starts with errno 0, as a new POSIX
 * thread does. */
void
pmt_port_thread_begin(void)
{
	*pmt_port_errno_ptr = 0;
}

/* Last thread finished, scheduler locked. */
void
pmt_port_exit(void)
{
	exit(0);
}

/* Any context: one write(), so that the line is not split. */
void
pmt_port_report(const char *msg)
{
	char line[512];
	size_t n = strlen(msg);
	ssize_t w;

	if (n > sizeof line - 1)
		n = sizeof line - 1;
	memcpy(line, msg, n);
	line[n++] = '\n';
	w = write(STDERR_FILENO, line, n);
	(void)w;
}

/* Any context: async-signal-safe output, then abort(). */
void
pmt_port_panic(const char *msg)
{
	ssize_t n = write(STDERR_FILENO, msg, strlen(msg));

	n = write(STDERR_FILENO, "\n", 1);
	(void)n;
	abort();
}
