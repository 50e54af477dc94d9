/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * fmt.c - the library's message builder: strings, decimal and hexadecimal
 * numbers and thread names into a fixed buffer.  Async-signal-safe.
 */
#include "fmt.h"

void
pmt_fmt_init(struct pmt_fmt *f, char *buf, size_t cap)
{
	f->text = buf;
	f->len = 0;
	f->cap = cap;
	buf[0] = '\0';
}

static void
put(struct pmt_fmt *f, char c)
{
	if (f->len + 1 < f->cap) {
		f->text[f->len++] = c;
		f->text[f->len] = '\0';
	}
}

void
pmt_fmt_str(struct pmt_fmt *f, const char *s)
{
	while (*s != '\0')
		put(f, *s++);
}

void
pmt_fmt_dec(struct pmt_fmt *f, uintmax_t n)
{
	char digits[24];
	int i = 0;

	do {
		digits[i++] = (char)('0' + n % 10);
		n /= 10;
	} while (n != 0);
	while (i > 0)
		put(f, digits[--i]);
}

void
pmt_fmt_hex(struct pmt_fmt *f, uintptr_t n)
{
	char digits[2 * sizeof n];
	int i = 0;

	do {
		digits[i++] = "0123456789abcdef"[n % 16];
		n /= 16;
	} while (n != 0);
	pmt_fmt_str(f, "0x");
	while (i > 0)
		put(f, digits[--i]);
}

void
pmt_fmt_thread(struct pmt_fmt *f, pmt_t id, const char *name)
{
	size_t i;

	pmt_fmt_str(f, "thread ");
	pmt_fmt_dec(f, id);
	if (name == NULL)
		return;
	pmt_fmt_str(f, " \"");
	for (i = 0; i < PMT_NAME_MAX - 1 && name[i] != '\0'; i++) {
		unsigned char c = (unsigned char)name[i];

		put(f, c < 0x20 || c == 0x7f || c == '"' ? '?' : (char)c);
	}
	put(f, '"');
}
