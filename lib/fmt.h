/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * fmt.h - builds the library's one-line messages in a caller's buffer,
 * without the C library: the core has none, and the messages are also made
 * in signal handlers.  Private to lib/; freestanding.
 */
#ifndef PMT_FMT_H
#define PMT_FMT_H

#include <stddef.h>
#include <stdint.h>

#include <pmt.h>

#include "visibility.h"

/* A message being built: text is always NUL-terminated, and what does not
 * fit is cut off. */
struct pmt_fmt {
	char *text;
	size_t len, cap;
};

/* Any context.  cap is the buffer's size, at least 1. */
PMT_HIDDEN void pmt_fmt_init(struct pmt_fmt *f, char *buf, size_t cap);
PMT_HIDDEN void pmt_fmt_str(struct pmt_fmt *f, const char *s);
PMT_HIDDEN void pmt_fmt_dec(struct pmt_fmt *f, uintmax_t n);
PMT_HIDDEN void pmt_fmt_hex(struct pmt_fmt *f, uintptr_t n);
/* `thread ID "NAME"', or `thread ID' when name is NULL: how every message
 * names a thread.  At most PMT_NAME_MAX - 1 bytes of the name, control
 * characters and quotes shown as '?'. */
PMT_HIDDEN void pmt_fmt_thread(struct pmt_fmt *f, pmt_t id, const char *name);

#endif /* PMT_FMT_H */
