/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * visibility.h - PMT_HIDDEN marks symbols shared between the library's own
 * files, so that a shared libpmt exports only the public pmt_* calls.
 */
#ifndef PMT_VISIBILITY_H
#define PMT_VISIBILITY_H

#if defined(__GNUC__) || defined(__clang__)
#define PMT_HIDDEN __attribute__((visibility("hidden")))
#else
#define PMT_HIDDEN
#endif

#endif /* PMT_VISIBILITY_H */
