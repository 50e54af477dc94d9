/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * demo.c - a bare-metal kernel on libpmt, the same on every CPU of the
 * virt ports (lib/virt-<cpu>/): threads of different priorities under a
 * 1 ms timer tick, each checking one thing the port must get right, and a
 * report on the console.  Exits 0 when every check passed.
 *
 *   busy    two threads that only count, never yield or block: both count
 *           only if the tick preempts them.
 *   fp      four threads, one per rounding mode, each computing the same
 *           sum over and over and comparing it bit for bit with the first
 *           result, which it computed with preemption disabled.
 *   regs    two threads that hold every integer and FP register in a
 *           pattern and check it while they are preempted (regs-<cpu>.S):
 *           the trap frame and the switch must keep every one.
 *   sleeper a higher-priority thread that sleeps 3 ms again and again and
 *           wakes at the first tick after its deadline (a second is
 *           allowed for an emulator's stall), with interrupts enabled;
 *           once it masks interrupts for five ticks, and the tick must
 *           count the ticks it missed and catch up instead of firing
 *           them in a burst.
 *   main    sleeps at the top priority while they run, then stops and
 *           joins them all.
 *
 * Under QEMU's -icount the output is the same on every run, byte for byte.
 */
#include <stddef.h>
#include <stdint.h>

#include <pmt.h>

#include "virt.h"

#define TICK_USEC 1000u /* the tick: 1 ms */
#define RUN_MSEC 200u   /* how long the workers run */
#define SLEEP_MSEC 3u   /* the sleeper's nap */
#define STALL_TICKS 5u  /* interrupts masked this long, once */
#define STACK_SIZE PMT_STACK_MIN

/* regs-<cpu>.S: fills the registers from seed, checks them until *stop,
 * returns 0, or 1 as soon as one changed. */
unsigned long pmt_demo_regs(unsigned long seed, volatile int *stop);

static volatile int stop;
/* Threads that found interrupts masked in thread context. */
static volatile unsigned irq_off;

PMT_STACK_DEFINE(stack_busy0, STACK_SIZE);
PMT_STACK_DEFINE(stack_busy1, STACK_SIZE);
PMT_STACK_DEFINE(stack_fp0, STACK_SIZE);
PMT_STACK_DEFINE(stack_fp1, STACK_SIZE);
PMT_STACK_DEFINE(stack_fp2, STACK_SIZE);
PMT_STACK_DEFINE(stack_fp3, STACK_SIZE);
PMT_STACK_DEFINE(stack_regs0, STACK_SIZE);
PMT_STACK_DEFINE(stack_regs1, STACK_SIZE);
PMT_STACK_DEFINE(stack_sleeper, STACK_SIZE);

static void
check_irq(void)
{
	if (!pmt_virt_irq_enabled())
		irq_off++;
}

/* ---------------------------------------------------------------- busy */

struct busy {
	volatile uint64_t loops;
};

static struct busy busy[2];

static void *
busy_main(void *arg)
{
	struct busy *b = arg;

	while (!stop) {
		b->loops++;
		if ((b->loops & 0xffff) == 0)
			check_irq();
	}
	return NULL;
}

/* ---------------------------------------------------------------- fp */

struct fp {
	int mode;
	const char *name;
	uint64_t reference; /* the sum's bits, computed without preemption */
	uint64_t rounds;
	uint64_t mismatches;
	uint64_t mode_lost; /* the rounding mode found changed */
};

static struct fp fp[4] = {
    {PMT_VIRT_ROUND_NEAREST, "nearest", 0, 0, 0, 0},
    {PMT_VIRT_ROUND_ZERO, "zero", 0, 0, 0, 0},
    {PMT_VIRT_ROUND_DOWN, "down", 0, 0, 0, 0},
    {PMT_VIRT_ROUND_UP, "up", 0, 0, 0, 0},
};

/* Read at run time, so that nothing is folded at compile time in the
 * default rounding mode. */
static volatile double fp_seed = 1.0 / 3.0;

/* A long chain of inexact operations of both signs: each rounding mode
 * gives a different result. */
static uint64_t
fp_sum(void)
{
	double x = fp_seed, y = -fp_seed, s = 0.0;
	uint64_t bits;
	int i;

	for (i = 0; i < 500; i++) {
		x = x * 1.000000119 + 0.1;
		y = y / 1.3 - 0.7;
		s += x / 7.0 + y * 3.1;
	}
	__builtin_memcpy(&bits, &s, sizeof bits);
	return bits;
}

static void *
fp_main(void *arg)
{
	struct fp *f = arg;

	pmt_virt_round_set(f->mode);
	pmt_preempt_disable();
	f->reference = fp_sum();
	pmt_preempt_enable();
	while (!stop) {
		if (fp_sum() != f->reference)
			f->mismatches++;
		if (pmt_virt_round_get() != f->mode)
			f->mode_lost++;
		f->rounds++;
	}
	check_irq();
	return NULL;
}

/* ---------------------------------------------------------------- regs */

struct regs {
	unsigned long seed;
	unsigned long result;
};

static struct regs regs[2] = {{0x1000, 0}, {0x7000000, 0}};

static void *
regs_main(void *arg)
{
	struct regs *r = arg;

	r->result = pmt_demo_regs(r->seed, &stop);
	return NULL;
}

/* ---------------------------------------------------------------- sleeper */

static struct {
	unsigned wakes;
	unsigned late;          /* woken after two ticks past the deadline */
	unsigned excused;       /* so, but the host held a tick up */
	pmt_time_t worst;       /* the latest wake after its deadline */
	uint64_t stall_missed;  /* ticks missed during the stall */
	uint64_t stall_ticks;   /* ticks taken in the five after it */
	uint64_t stall_periods; /* periods those took, rounded up */
	int stalled;
	int stall_late; /* the run had ended before the stall's end */
} sleeper;

/* Interrupts masked for n tick periods: the ticks due meanwhile cannot be
 * taken. */
static void
stall(unsigned n)
{
	uint64_t hz = pmt_virt_counter_hz(), until;
	unsigned long key = pmt_virt_irq_lock();

	until = pmt_virt_counter() + n * hz * TICK_USEC / 1000000u;
	while (pmt_virt_counter() < until)
		;
	pmt_virt_irq_unlock(key);
}

static void *
sleeper_main(void *arg)
{
	pmt_time_t deadline, now;
	uint64_t missed, delayed;
	unsigned ticks;
	struct pmt_stats st0, st1;

	(void)arg;
	while (!stop) {
		delayed = pmt_virt_ticks_delayed();
		deadline = pmt_now() + PMT_MSEC(SLEEP_MSEC);
		pmt_sleep_until(deadline);
		/*
		 * The first tick at or after the deadline wakes this thread,
		 * which outranks the busy ones, so it runs at once.  Counted
		 * in ticks, not in time, and one more allowed: the host of an
		 * emulator running in real time may stop it for milliseconds
		 * anywhere, between that tick and this line too.  A longer
		 * stop shows as a delayed tick, and excuses the wake.
		 */
		ticks = pmt_virt_ticks_since(deadline);
		now = pmt_now();
		check_irq();
		sleeper.wakes++;
		if (now < deadline)
			sleeper.late++;
		else if (ticks > 2 && pmt_virt_ticks_delayed() != delayed)
			sleeper.excused++;
		else if (ticks > 2)
			sleeper.late++;
		if (now - deadline > sleeper.worst)
			sleeper.worst = now - deadline;
		if (sleeper.wakes == 5 && !sleeper.stalled) {
			/*
			 * Once, early: a stall, then five ticks' time, in
			 * which a burst of the ticks held up would show as
			 * more ticks than periods gone by (measured, as a
			 * host may stretch the sleep).
			 */
			missed = pmt_virt_ticks_missed();
			stall(STALL_TICKS);
			pmt_stats(&st0);
			now = pmt_now();
			sleeper.stall_missed = pmt_virt_ticks_missed() - missed;
			pmt_sleep(PMT_USEC(STALL_TICKS * TICK_USEC));
			pmt_stats(&st1);
			sleeper.stall_ticks = st1.ticks - st0.ticks;
			sleeper.stall_periods =
			    (pmt_now() - now) / PMT_USEC(TICK_USEC) + 1;
			sleeper.stall_late = stop;
			sleeper.stalled = 1;
		}
	}
	return NULL;
}

/* ---------------------------------------------------------------- main */

static int failures;

static void
line_begin(int ok)
{
	if (!ok)
		failures++;
	pmt_virt_puts(ok ? "ok   " : "FAIL ");
}

static void
say(const char *s)
{
	pmt_virt_puts(s);
}

static void
sayu(uint64_t n)
{
	pmt_virt_putu(n);
}

int
pmt_virt_main(void)
{
	struct {
		pmt_t tid;
		void *(*entry)(void *);
		void *arg;
		unsigned char *stack;
		int prio;
		const char *name;
	} t[] = {
	    {0, busy_main, &busy[0], stack_busy0, 4, "busy0"},
	    {0, busy_main, &busy[1], stack_busy1, 4, "busy1"},
	    {0, fp_main, &fp[0], stack_fp0, 4, "fp-nearest"},
	    {0, fp_main, &fp[1], stack_fp1, 4, "fp-zero"},
	    {0, fp_main, &fp[2], stack_fp2, 4, "fp-down"},
	    {0, fp_main, &fp[3], stack_fp3, 4, "fp-up"},
	    {0, regs_main, &regs[0], stack_regs0, 4, "regs0"},
	    {0, regs_main, &regs[1], stack_regs1, 4, "regs1"},
	    {0, sleeper_main, NULL, stack_sleeper, 12, "sleeper"},
	};
	const size_t n = sizeof t / sizeof t[0];
	struct pmt_thread_stats ts[sizeof t / sizeof t[0]];
	struct pmt_stats st;
	unsigned joined = 0;
	size_t i;
	int error, distinct;

	say("libpmt bare-metal demo on " PMT_DEMO_CPU "\n");
	if ((error = pmt_init()) != 0 ||
	    (error = pmt_setprio(pmt_self(), 20)) != 0 ||
	    (error = pmt_preempt_start(TICK_USEC, 0)) != 0) {
		say("FAIL start: ");
		say(pmt_strerror(error));
		say("\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		error = pmt_spawn(&t[i].tid, t[i].entry, t[i].arg, t[i].stack,
		    STACK_SIZE, t[i].prio);
		if (error == 0)
			error = pmt_setname(t[i].tid, t[i].name);
		if (error != 0) {
			say("FAIL spawn: ");
			say(pmt_strerror(error));
			say("\n");
			return 1;
		}
	}
	pmt_sleep(PMT_MSEC(RUN_MSEC));
	check_irq();
	for (i = 0; i < n; i++)
		pmt_thread_stats(t[i].tid, &ts[i]);
	stop = 1;
	for (i = 0; i < n; i++)
		if (pmt_join(t[i].tid, NULL) == 0)
			joined++;
	check_irq();
	pmt_preempt_stop();
	pmt_stats(&st);

	for (i = 0; i < 2; i++) {
		line_begin(busy[i].loops > 0 && ts[i].preemptions > 0);
		say("busy");
		sayu(i);
		say(": ");
		sayu(busy[i].loops);
		say(" loops, preempted ");
		sayu(ts[i].preemptions);
		say(" times\n");
	}
	for (i = 0; i < 4; i++) {
		line_begin(fp[i].rounds > 0 && fp[i].mismatches == 0 &&
		           fp[i].mode_lost == 0);
		say("fp ");
		say(fp[i].name);
		say(": ");
		sayu(fp[i].rounds);
		say(" sums, ");
		sayu(fp[i].mismatches);
		say(" differ, mode lost ");
		sayu(fp[i].mode_lost);
		say(" times\n");
	}
	distinct = 1;
	for (i = 0; i < 4; i++)
		for (size_t j = i + 1; j < 4; j++)
			if (fp[i].reference == fp[j].reference)
				distinct = 0;
	line_begin(distinct);
	say("fp: the four rounding modes give four different sums\n");
	for (i = 0; i < 2; i++) {
		line_begin(regs[i].result == 0);
		say("regs");
		sayu(i);
		say(": ");
		say(regs[i].result == 0 ? "every register kept\n"
		                        : "a register changed\n");
	}
	line_begin(sleeper.wakes >= 10 && sleeper.late == 0);
	say("sleeper: ");
	sayu(sleeper.wakes);
	say(" wakes, ");
	sayu(sleeper.late);
	say(" late (");
	sayu(sleeper.excused);
	say(" excused: a tick delayed by the host), worst ");
	sayu(sleeper.worst / 1000);
	say(" us after the deadline\n");
	/*
	 * In real time, a host that hardly runs the emulator can let the
	 * whole run go by (the clock goes on) before the sleeper's fifth
	 * wake; the tick stops when the threads do, and the stall proves
	 * nothing then.  Under -icount that never happens, and
	 * tests/baremetal.sh insists on the measured line there.
	 */
	if (sleeper.stalled && sleeper.stall_late) {
		line_begin(1);
		say("stall: not measured, the run ended first\n");
	} else {
		line_begin(sleeper.stalled &&
		           sleeper.stall_missed >= STALL_TICKS - 1 &&
		           sleeper.stall_ticks <= sleeper.stall_periods + 1);
		say("stall: ");
		sayu(sleeper.stall_missed);
		say(" ticks missed and counted, then ");
		sayu(sleeper.stall_ticks);
		say(" ticks in ");
		sayu(sleeper.stall_periods);
		say(" periods\n");
	}
	line_begin(irq_off == 0);
	say("interrupts found masked in threads: ");
	sayu(irq_off);
	say("\n");
	line_begin(joined == n);
	say("joined ");
	sayu(joined);
	say(" of ");
	sayu(n);
	say(" threads\n");
	line_begin(st.ticks > 0 && st.preemptions > 0);
	say("ticks ");
	sayu(st.ticks);
	say(", switches ");
	sayu(st.switches);
	say(", preemptions ");
	sayu(st.preemptions);
	say(", missed ");
	sayu(pmt_virt_ticks_missed());
	say("\n");
	say(failures == 0 ? "PASS\n" : "FAIL\n");
	return failures == 0 ? 0 : 1;
}
