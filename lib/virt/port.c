/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * port.c - the bare-metal port for QEMU's virt machines, the part both
 * CPUs share: the hooks of lib/port.h, the tick with its catch-up after a
 * stall, pmt_preempt_start() and pmt_preempt_stop(), and console
 * output.  The CPU's part (lib/virt-<cpu>/) gives the timer, the
 * interrupt controller, the console's UART and the trap entry.
 * Freestanding: no C library.
 */
#include <pmt.h>

#include "../core.h"
#include "irq.h"
#include "virt.h"

/* The last ticks taken, for pmt_virt_ticks_since(). */
#define TICK_RING 8

static struct {
	uint64_t hz;      /* counter frequency */
	uint64_t period;  /* the tick interval in counts; 0: not started */
	uint64_t next;    /* counter value of the next tick */
	uint64_t missed;  /* ticks that came too late to be taken */
	uint64_t delayed; /* ticks taken over a quarter period late */
	int armed;        /* the periodic tick runs */
	int running;      /* between pmt_preempt_start() and stop */
	unsigned taken;   /* ticks taken, modulo 2^32 */
	pmt_time_t at[TICK_RING]; /* when: at[taken % TICK_RING] is next */
} tick;

/* ---------------------------------------------------------------- console */

/* Any context. */
void
pmt_virt_write(const char *s, size_t n)
{
	unsigned long key = pmt_virt_irq_save();

	while (n-- > 0) {
		if (*s == '\n')
			pmt_virt_putc('\r');
		pmt_virt_putc(*s++);
	}
	pmt_virt_irq_restore(key);
}

/* Any context. */
void
pmt_virt_puts(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	pmt_virt_write(s, n);
}

/* Any context. */
void
pmt_virt_putu(uint64_t n)
{
	char buf[24];
	size_t i = sizeof buf;

	do {
		buf[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n != 0);
	pmt_virt_write(buf + i, sizeof buf - i);
}

/* ---------------------------------------------------------------- interrupts
 */

/* Any context. */
unsigned long
pmt_virt_irq_lock(void)
{
	return pmt_virt_irq_save();
}

void
pmt_virt_irq_unlock(unsigned long key)
{
	pmt_virt_irq_restore(key);
}

int
pmt_virt_irq_enabled(void)
{
	unsigned long key = pmt_virt_irq_save();

	pmt_virt_irq_restore(key);
	return pmt_virt_irq_was_on(key);
}

/* ---------------------------------------------------------------- hooks */

/* Thread context, once, interrupts masked: they are enabled here, as the
 * first libpmt thread runs with them on. */
int
pmt_port_init(void)
{
	tick.hz = pmt_virt_counter_hz();
	pmt_virt_timer_off();
	pmt_virt_cpu_init();
	pmt_virt_irq_enable();
	return 0;
}

/*
 * Any context.  A preempted thread holds one trap frame (well under 1 KiB:
 * the interrupt does not nest) and the C frames of the tick handler and
 * the scheduler above it; PMT_STACK_MIN, the library's floor, is several
 * times that.
 */
size_t
pmt_port_stack_min(void)
{
	return PMT_STACK_MIN;
}

/* New thread, scheduler locked: it starts with interrupts enabled, as
 * every thread runs. */
void
pmt_port_thread_begin(void)
{
	pmt_virt_irq_enable();
}

/* Scheduler locked: no tool watches memory here. */
unsigned
pmt_port_stack_register(void *lo, size_t size)
{
	(void)lo;
	(void)size;
	return 0;
}

void
pmt_port_stack_deregister(unsigned handle)
{
	(void)handle;
}

/* Any context: no memory protection (the MMU and PMP stay off). */
size_t
pmt_port_guard_size(void)
{
	return 0;
}

int
pmt_port_guard_set(void *lo, int on)
{
	(void)lo;
	(void)on;
	return 1;
}

/* Any context. */
void
pmt_port_report(const char *msg)
{
	unsigned long key = pmt_virt_irq_save();

	pmt_virt_puts(msg);
	pmt_virt_puts("\n");
	pmt_virt_irq_restore(key);
}

/* Last thread finished, scheduler locked. */
void
pmt_port_exit(void)
{
	pmt_virt_exit(0);
}

/* Any context. */
void
pmt_port_panic(const char *msg)
{
	pmt_virt_irq_save();
	pmt_virt_puts("panic: ");
	pmt_virt_puts(msg);
	pmt_virt_puts("\n");
	pmt_virt_exit(2);
}

/* ---------------------------------------------------------------- time */

/* Any context: counts to nanoseconds, without overflow for centuries. */
pmt_time_t
pmt_port_now(void)
{
	uint64_t c = pmt_virt_counter(), hz = tick.hz;

	if (hz == 0)
		hz = pmt_virt_counter_hz();
	return (pmt_time_t)(c / hz * 1000000000u + c % hz * 1000000000u / hz);
}

/* Any context: the counter value at or just after time t. */
static uint64_t
to_counter(pmt_time_t t)
{
	uint64_t hz = tick.hz;

	return t / 1000000000u * hz +
	       ((t % 1000000000u) * hz + 999999999u) / 1000000000u;
}

/*
 * Scheduler locked, periodic tick disarmed: sleep until deadline or an
 * interrupt.  Interrupts are masked around the wait, so one that comes
 * between the decision to wait and the wfi still ends it (a pending
 * interrupt ends wfi whether or not it is masked), and none is taken: the
 * core looks again on return.  The timer is set for the deadline and
 * switched off again before interrupts come back.
 */
void
pmt_port_idle(pmt_time_t deadline)
{
	unsigned long key = pmt_virt_irq_save();

	if (!tick.armed) {
		pmt_virt_timer_set(to_counter(deadline));
		pmt_virt_wait();
		pmt_virt_timer_off();
	} else {
		pmt_virt_wait();
	}
	pmt_virt_irq_restore(key);
}

/* Scheduler locked (interrupts may be on: mask them so that the tick's
 * own update of next does not race). */
void
pmt_port_tick_arm(void)
{
	unsigned long key = pmt_virt_irq_save();

	tick.armed = 1;
	tick.next = pmt_virt_counter() + tick.period;
	pmt_virt_timer_set(tick.next);
	pmt_virt_irq_restore(key);
}

void
pmt_port_tick_disarm(void)
{
	unsigned long key = pmt_virt_irq_save();

	tick.armed = 0;
	pmt_virt_timer_off();
	pmt_virt_irq_restore(key);
}

/* Any context. */
uint64_t
pmt_virt_ticks_missed(void)
{
	return tick.missed;
}

/* Any context. */
uint64_t
pmt_virt_ticks_delayed(void)
{
	return tick.delayed;
}

/* Any context. */
unsigned
pmt_virt_ticks_since(pmt_time_t t)
{
	unsigned long key = pmt_virt_irq_save();
	unsigned n = 0;

	while (n < TICK_RING && n < tick.taken &&
	       tick.at[(tick.taken - 1 - n) % TICK_RING] >= t)
		n++;
	pmt_virt_irq_restore(key);
	return n;
}

/*
 * The timer interrupt, acknowledged, interrupts masked, on the interrupted
 * thread's stack.  The next tick is one period after the last one was
 * due, not after now, so the rate does not drift; after a stall (a
 * critical section with interrupts masked, an emulator that was not
 * scheduled) it is the first period boundary still ahead, and the ticks
 * skipped are counted rather than delivered in a burst.
 */
void
pmt_virt_tick(const void *frame)
{
	uint64_t now, late;

	if (!tick.armed) {
		/* The idle deadline's, or stale: nothing to slice. */
		pmt_virt_timer_off();
		return;
	}
	now = pmt_virt_counter();
	if (now - tick.next > tick.period / 4)
		tick.delayed++;
	tick.next += tick.period;
	if (tick.next <= now) {
		late = (now - tick.next) / tick.period + 1;
		tick.missed += late;
		tick.next += late * tick.period;
	}
	pmt_virt_timer_set(tick.next);
	tick.at[tick.taken++ % TICK_RING] = pmt_port_now();
	if (pmt_core_tick_begin(frame))
		pmt_core_resched();
}

/* ---------------------------------------------------------------- preemption
 */

/* Thread context. */
int
pmt_preempt_start(unsigned long usec, unsigned flags)
{
	if (pmt_self() == PMT_THREAD_NONE)
		return PMT_ENOINIT;
	if (tick.running)
		return PMT_EALREADY;
	if ((flags & ~(PMT_PREEMPT_CPUTIME | PMT_PREEMPT_SAFEPC)) != 0 ||
	    usec < PMT_PREEMPT_MIN_USEC || usec > PMT_PREEMPT_MAX_USEC)
		return PMT_EINVAL;
	/* No CPU-time clock apart from the one real one, and no program
	 * text to tell apart from a C library's. */
	if (flags != 0)
		return PMT_ENOSYS;
	tick.period = usec * tick.hz / 1000000u;
	if (tick.period == 0)
		tick.period = 1;
	tick.running = 1;
	pmt_core_slicing_start();
	return 0;
}

/* Thread context. */
int
pmt_preempt_stop(void)
{
	if (pmt_self() == PMT_THREAD_NONE)
		return PMT_ENOINIT;
	if (!tick.running)
		return PMT_EALREADY;
	pmt_core_slicing_stop();
	tick.running = 0;
	return 0;
}
