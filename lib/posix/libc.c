/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * libc.c - C library calls made safe for preemptible threads.  The C
 * library's own locks belong to the kernel thread, which every libpmt
 * thread shares, so they do not keep two libpmt threads apart: a tick
 * inside malloc() or fprintf() lets another thread into the same heap or
 * stream (measured: heap corruption within seconds, and spliced lines, at
 * a 100 us tick).  Each wrapper makes its call with preemption disabled.
 * Before pmt_init() they are the plain calls.
 */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <pmt.h>

/* Thread context: disable preemption if the library is running, and say
 * whether it did, for leave(). */
static int
enter(void)
{
	return pmt_preempt_disable() == 0;
}

static void
leave(int entered)
{
	if (entered)
		pmt_preempt_enable();
}

void *
pmt_malloc(size_t size)
{
	int e = enter();
	void *p = malloc(size);

	leave(e);
	return p;
}

void *
pmt_calloc(size_t nmemb, size_t size)
{
	int e = enter();
	void *p = calloc(nmemb, size);

	leave(e);
	return p;
}

void *
pmt_realloc(void *ptr, size_t size)
{
	int e = enter();
	void *p = realloc(ptr, size);

	leave(e);
	return p;
}

void
pmt_free(void *ptr)
{
	int e = enter();

	free(ptr);
	leave(e);
}

int
pmt_vfprintf(FILE *stream, const char *format, va_list ap)
{
	int e = enter();
	int n = vfprintf(stream, format, ap);

	leave(e);
	return n;
}

int
pmt_fprintf(FILE *stream, const char *format, ...)
{
	va_list ap;
	int n;

	va_start(ap, format);
	n = pmt_vfprintf(stream, format, ap);
	va_end(ap);
	return n;
}

int
pmt_printf(const char *format, ...)
{
	va_list ap;
	int n;

	va_start(ap, format);
	n = pmt_vfprintf(stdout, format, ap);
	va_end(ap);
	return n;
}

int
pmt_fputs(const char *s, FILE *stream)
{
	int e = enter();
	int n = fputs(s, stream);

	leave(e);
	return n;
}

int
pmt_puts(const char *s)
{
	int e = enter();
	int n = puts(s);

	leave(e);
	return n;
}

int
pmt_fflush(FILE *stream)
{
	int e = enter();
	int n = fflush(stream);

	leave(e);
	return n;
}
