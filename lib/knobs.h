/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * knobs.h - compile-time knobs of the core (PMT_CONFIG_*), each with its
 * default.  configure passes its choices as -D options; a kernel that builds
 * the core by hand sets them the same way.
 */
#ifndef PMT_KNOBS_H
#define PMT_KNOBS_H

/* Size of the thread table; the caller of pmt_init() takes one slot. */
#ifndef PMT_CONFIG_MAX_THREADS
#define PMT_CONFIG_MAX_THREADS 32
#endif

#if PMT_CONFIG_MAX_THREADS < 2 || PMT_CONFIG_MAX_THREADS > 4096
#error "PMT_CONFIG_MAX_THREADS must be between 2 and 4096"
#endif

/* The scheduling trace (trace.h): 1 compiles it in, off until
 * pmt_trace_start(); 0 leaves it out, and its calls answer PMT_ENOSYS
 * (configure --disable-trace). */
#ifndef PMT_CONFIG_TRACE
#define PMT_CONFIG_TRACE 1
#endif

#endif /* PMT_KNOBS_H */
