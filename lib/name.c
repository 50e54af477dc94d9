/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * name.c - thread names: pmt_setname(), pmt_getname(), and the panic that
 * names the thread it is about.
 */
#include "core.h"
#include "fmt.h"
#include "trace.h"

/* Thread context. */
int
pmt_setname(pmt_t tid, const char *name)
{
	struct pmt_thread *t;
	size_t n = 0;

	if (!pmt_core.initialised)
		return PMT_ENOINIT;
	while (name != NULL && n < PMT_NAME_MAX && name[n] != '\0')
		n++;
	if (n == PMT_NAME_MAX)
		return PMT_EINVAL;
	pmt_core_lock();
	t = pmt_thread_lookup(tid);
	if (t != NULL) {
		t->name = name;
		pmt_trace_name(t);
	}
	pmt_core_unlock();
	return t != NULL ? 0 : PMT_ESRCH;
}

/* Thread context. */
int
pmt_getname(pmt_t tid, const char **name)
{
	const struct pmt_thread *t;

	if (!pmt_core.initialised)
		return PMT_ENOINIT;
	if (name == NULL)
		return PMT_EINVAL;
	pmt_core_lock();
	t = pmt_thread_lookup(tid);
	if (t != NULL)
		*name = t->name;
	pmt_core_unlock();
	return t != NULL ? 0 : PMT_ESRCH;
}

/* Any context. */
void
pmt_thread_panic(const struct pmt_thread *t, const char *what)
{
	static char buf[256];
	struct pmt_fmt f;

	pmt_fmt_init(&f, buf, sizeof buf);
	pmt_fmt_str(&f, "libpmt: ");
	pmt_fmt_thread(&f, t->id, t->name);
	pmt_fmt_str(&f, " ");
	pmt_fmt_str(&f, what);
	pmt_port_panic(buf);
}
