/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * errors.c - pmt_strerror(), generated from the one error list in pmt.h.
 */
#include "core.h"

/* Any context. */
const char *
pmt_strerror(int error)
{
	switch (error) {
	case PMT_OK:
		return "success";
#define PMT_ERROR_TEXT_(name, value, text)                                     \
	case name:                                                             \
		return text;
		PMT_ERRORS(PMT_ERROR_TEXT_)
#undef PMT_ERROR_TEXT_
	default:
		return "unknown error";
	}
}
