/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * virt.h - the bare-metal ports for QEMU's virt machines (lib/virt-riscv64/,
 * lib/virt-aarch64/): what a kernel built on them calls (console, exit
 * status, FP rounding, interrupt state), and the few hooks each CPU's part
 * gives the shared part (lib/virt/port.c).  Freestanding.
 */
#ifndef PMT_VIRT_H
#define PMT_VIRT_H

#include <stddef.h>
#include <stdint.h>

#include <pmt.h>

#include "../visibility.h"

/* ---------------------------------------------------------- for kernels */

/*
 * The kernel's own entry, called by the start-up code on the boot stack
 * with interrupts masked, .bss cleared and the FP unit on.  Its return
 * value is the exit status (0 for success).
 */
int pmt_virt_main(void);

/* Writes n bytes to the emulated console, in one piece: interrupts are
 * masked meanwhile, so lines from threads do not interleave.  Any
 * context. */
void pmt_virt_write(const char *s, size_t n);

/* A NUL-terminated string, and an unsigned number in decimal.  Any
 * context. */
void pmt_virt_puts(const char *s);
void pmt_virt_putu(uint64_t n);

/* Ends the emulation with status (0: success; the low 8 bits count).
 * Any context.  Does not return. */
_Noreturn void pmt_virt_exit(int status);

/* The calling thread's FP rounding mode, as the C library's FE_* names
 * would: PMT_VIRT_ROUND_*.  Thread context. */
#define PMT_VIRT_ROUND_NEAREST 0
#define PMT_VIRT_ROUND_ZERO 1
#define PMT_VIRT_ROUND_DOWN 2
#define PMT_VIRT_ROUND_UP 3
void pmt_virt_round_set(int mode);
int pmt_virt_round_get(void);

/* Nonzero when the CPU takes interrupts now.  Any context. */
int pmt_virt_irq_enabled(void);

/* Masks interrupts and returns the key that pmt_virt_irq_unlock() takes to
 * put the previous state back; pairs nest.  Any context. */
unsigned long pmt_virt_irq_lock(void);
void pmt_virt_irq_unlock(unsigned long key);

/* The timer's counts since reset, its frequency in Hz, and the ticks that
 * came too late to be taken one by one (the tick caught up instead).  Any
 * context. */
uint64_t pmt_virt_counter(void);
uint64_t pmt_virt_counter_hz(void);
uint64_t pmt_virt_ticks_missed(void);

/* Ticks taken more than a quarter of a period after they were due: held
 * up by a section with interrupts masked, or by an emulator's host that
 * did not run it.  Any context. */
uint64_t pmt_virt_ticks_delayed(void);

/* How many of the last few (up to 8) ticks were taken at time t or later
 * (pmt_now()'s time).  Any context. */
unsigned pmt_virt_ticks_since(pmt_time_t t);

/* ------------------------------------------- between the CPU's part and
 * lib/virt/port.c */

/* The timer: compare value (an interrupt when the counter reaches it),
 * or off.  Interrupts masked. */
PMT_HIDDEN void pmt_virt_timer_set(uint64_t when);
PMT_HIDDEN void pmt_virt_timer_off(void);

/* Waits for an interrupt (it need not be taken: they are masked).
 * Interrupts masked. */
PMT_HIDDEN void pmt_virt_wait(void);

/* Console: one byte out.  Interrupts masked. */
PMT_HIDDEN void pmt_virt_putc(char c);

/* The CPU's part of pmt_port_init(): the interrupt controller and the
 * timer's interrupt enabled, interrupts still masked.  Thread context,
 * once. */
PMT_HIDDEN void pmt_virt_cpu_init(void);

/*
 * The timer interrupt, from the CPU's trap handler after it has
 * acknowledged it: interrupts masked, on the interrupted thread's stack,
 * frame the lowest address of the trap frame saved there.  May switch
 * threads (the interrupted one stays parked in its trap frame).
 */
PMT_HIDDEN void pmt_virt_tick(const void *frame);

#endif /* PMT_VIRT_H */
