/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * bracket.h - the POSIX port's switch bracket, inline: lib/port.h includes
 * it when the build defines PMT_PORT_BRACKET_H as "posix/bracket.h", so the
 * core saves and restores errno without two calls on every switch.
 * Freestanding, like the core that includes it: no libc header, only the
 * address of errno that pmt_port_init() looked up.
 */
#ifndef PMT_POSIX_BRACKET_H
#define PMT_POSIX_BRACKET_H

#include "../visibility.h"

/* errno of the kernel thread that runs every libpmt thread: its address
 * is fixed for that thread's life, so pmt_port_init() looks it up once. */
PMT_HIDDEN extern int *pmt_port_errno_ptr;

/* Switch bracket, scheduler locked: errno belongs to the kernel thread,
 * so each libpmt thread keeps its own on its stack across the switch. */
static inline unsigned long
pmt_port_switch_enter(void)
{
	return (unsigned long)(unsigned)*pmt_port_errno_ptr;
}

static inline void
pmt_port_switch_leave(unsigned long key)
{
	*pmt_port_errno_ptr = (int)(unsigned)key;
}

#endif /* PMT_POSIX_BRACKET_H */
