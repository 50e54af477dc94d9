/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * check_context.c - unit tests of the per-thread execution context kept
 * across switches: errno, the FP control state (on x86_64 the MXCSR
 * control bits and the x87 control word, on aarch64 FPCR, on riscv64
 * fcsr), the callee-saved registers (aarch64, riscv64), and in a build
 * with AddressSanitizer its idea of the running thread's stack.  The FP
 * and register tests are generic, over a few hooks of each CPU.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__riscv)
#include <fenv.h>
#endif

#include "busyutil.h"

#define PTR(n) ((void *)(uintptr_t)(n))
#define NTURNS 500

/* The threads of a test really took turns: nthreads threads that each
 * yielded NTURNS times switched at least that often, or the test proved
 * nothing. */
static void
assert_took_turns(unsigned nthreads)
{
	struct pmt_stats st;

	ck_assert_pmt_ok(pmt_stats(&st));
	ck_assert_uint_ge(st.switches, (uint64_t)nthreads * NTURNS);
}

/* ---------------------------------------------------------------- errno */

#define NERRNO 3

static unsigned long errno_wrong[NERRNO + 1];
static int errno_at_start = -1;

/* Sets errno to its own value, then checks it on every turn. */
static void *
keep_errno(void *arg)
{
	int me = (int)(uintptr_t)arg, i;

	errno = 100 + me;
	for (i = 0; i < NTURNS; i++) {
		pmt_yield();
		if (errno != 100 + me)
			errno_wrong[me]++;
	}
	return NULL;
}

static void *
record_errno(void *arg)
{
	errno_at_start = errno;
	return arg;
}

START_TEST(test_errno_is_kept_per_thread_across_yields)
{
	pmt_t tids[NERRNO];
	int i, e;

	ck_assert_int_eq(pmt_init(), 0);
	for (i = 0; i < NERRNO; i++)
		ck_assert_pmt_ok(test_spawn(
		    &tids[i], keep_errno, PTR(i), i, PMT_PRIO_DEFAULT));
	/* main takes turns with them, with an errno of its own. */
	errno = 100 + NERRNO;
	for (i = 0; i < NTURNS; i++) {
		pmt_yield();
		if (errno != 100 + NERRNO)
			errno_wrong[NERRNO]++;
	}
	e = errno;
	for (i = 0; i < NERRNO; i++)
		ck_assert_pmt_ok(pmt_join(tids[i], NULL));
	ck_assert_int_eq(e, 100 + NERRNO);
	assert_took_turns(NERRNO + 1);
	for (i = 0; i <= NERRNO; i++)
		ck_assert_msg(errno_wrong[i] == 0,
		    "thread %d saw a foreign errno %lu times", i,
		    errno_wrong[i]);
}
END_TEST

START_TEST(test_new_thread_starts_with_errno_zero)
{
	pmt_t t;
	int rc, e;

	ck_assert_int_eq(pmt_init(), 0);
	/* Started at once, inside pmt_spawn(). */
	errno = 77;
	rc = test_spawn(&t, record_errno, NULL, 0, PMT_PRIO_DEFAULT + 1);
	e = errno;
	ck_assert_pmt_ok(rc);
	ck_assert_int_eq(errno_at_start, 0);
	ck_assert_int_eq(e, 77);
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

START_TEST(test_thread_started_later_begins_with_errno_zero)
{
	pmt_t t;
	int rc, e;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(
	    test_spawn(&t, record_errno, NULL, 0, PMT_PRIO_DEFAULT));
	/* Started by the switch out of pmt_yield(). */
	errno = 55;
	rc = pmt_yield();
	e = errno;
	ck_assert_pmt_ok(rc);
	ck_assert_int_eq(errno_at_start, 0);
	ck_assert_int_eq(e, 55);
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

/*
 * ---------------------------------------------------------------- per CPU
 *
 * The FP control state each thread keeps, and the callee-saved registers
 * the switch keeps, are tested by the generic tests further down; each CPU
 * gives them a few hooks:
 *
 *   FP_NAME            what the state is called, for messages
 *   fp_get(), fp_set() read and write the state, as one uint64_t
 *   FP_KEPT            the bits of fp_get() that each thread keeps
 *   FP_VARIED          the bits the tests set; the others stay the creator's
 *   FP_NMODES, fp_modes[]  values of the FP_VARIED bits, each one thread's;
 *                      the arithmetic probe must tell them apart
 *   FP_VALGRIND_WHY    why the tests that hold the modes cannot run under
 *                      Valgrind, or NULL
 *   FP_FLAGS_KEPT      1 when the accrued exception flags are kept too
 *
 *   NREG_NAMES, reg_names[]  the registers test_hold_registers() holds,
 *                      one name per bit of its result (absent: no test)
 */
#if defined(__x86_64__)
/*
 * x86_64: the MXCSR control bits (bits 6-15; 0-5 are sticky status flags,
 * which are not kept) in bits 0-15, the x87 control word in bits 16-31.
 * SSE does the arithmetic of the probe; the x87 precision and rounding
 * control are checked as bits only.
 */
#define FP_NAME "MXCSR and x87 control word"
#define MXCSR_CONTROL 0xffc0u
#define MXCSR_DAZ 0x0040u /* denormals are zero */
#define MXCSR_ZM 0x0200u  /* divide-by-zero masked */
#define MXCSR_RC_MASK 0x6000u
#define MXCSR_RC_DOWN 0x2000u
#define MXCSR_RC_UP 0x4000u
#define MXCSR_RC_ZERO 0x6000u
#define MXCSR_FTZ 0x8000u /* flush to zero */
/* x87 control word: precision control (bits 8-9), rounding (10-11). */
#define X87(cw) ((uint64_t)(cw) << 16)
#define X87_PC_MASK 0x0300u
#define X87_PC_SINGLE 0x0000u
#define X87_PC_DOUBLE 0x0200u
#define X87_PC_EXTENDED 0x0300u
#define X87_RC_MASK 0x0c00u
#define X87_RC_DOWN 0x0400u
#define X87_RC_UP 0x0800u
#define X87_RC_ZERO 0x0c00u

#define FP_KEPT (MXCSR_CONTROL | X87(0xffffu))
#define FP_VARIED                                                              \
	(MXCSR_RC_MASK | MXCSR_FTZ | MXCSR_DAZ | MXCSR_ZM |                    \
	    X87(X87_PC_MASK | X87_RC_MASK))
/* The four SSE rounding modes (to nearest first, with x87 rounding toward
 * zero), flush-to-zero and denormals-are-zero, divide-by-zero unmasked
 * (nothing here divides by zero), and x87 precision and rounding unlike
 * the SSE ones. */
#define FP_NMODES 4
static const uint64_t fp_modes[FP_NMODES] = {
    MXCSR_ZM | X87(X87_PC_DOUBLE | X87_RC_ZERO),
    MXCSR_RC_UP | MXCSR_FTZ | MXCSR_DAZ | MXCSR_ZM | X87(X87_PC_SINGLE),
    MXCSR_RC_DOWN | X87(X87_PC_EXTENDED | X87_RC_DOWN),
    MXCSR_RC_ZERO | MXCSR_ZM | X87(X87_PC_EXTENDED | X87_RC_UP),
};
/* Valgrind's CPU computes as if these were not set. */
#define FP_VALGRIND_WHY                                                        \
	TEST_UNDER_VALGRIND("Valgrind rounds SSE arithmetic to nearest "       \
	                    "whatever the rounding mode, and keeps neither "   \
	                    "the x87 precision control nor MXCSR's "           \
	                    "flush-to-zero and denormals-are-zero bits")
#define FP_FLAGS_KEPT 0

static uint64_t
fp_get(void)
{
	unsigned mxcsr;
	unsigned short cw;

	__asm__ __volatile__("stmxcsr %0" : "=m"(mxcsr));
	__asm__ __volatile__("fnstcw %0" : "=m"(cw));
	return mxcsr | X87(cw);
}

static void
fp_set(uint64_t v)
{
	unsigned mxcsr = (unsigned)(v & 0xffffu);
	unsigned short cw = (unsigned short)(v >> 16);

	__asm__ __volatile__("ldmxcsr %0" : : "m"(mxcsr));
	__asm__ __volatile__("fldcw %0" : : "m"(cw));
}
#endif /* __x86_64__ */

#if defined(__riscv)
/*
 * riscv64: the psABI gives fcsr thread storage duration, so each thread
 * keeps its own dynamic rounding mode (frm, bits 5-7) and accrued
 * exception flags (fflags, bits 0-4).  The switch also keeps s0-s11 and
 * fs0-fs11.
 */
#define FP_NAME "fcsr"
#define FCSR_FRM_SHIFT 5
#define FFLAGS_NV 0x10u /* invalid operation */
#define FFLAGS_DZ 0x08u /* divide by zero */
#define FFLAGS_OF 0x04u /* overflow */
#define FFLAGS_UF 0x02u /* underflow */
#define FFLAGS_NX 0x01u /* inexact */

#define FP_KEPT 0xffu
#define FP_VARIED 0xffu
/* The five rounding modes, to nearest (ties to even), toward zero, down,
 * up, and to nearest with ties away from zero (RMM, which <fenv.h> does
 * not name), each with accrued flags of its own. */
#define FP_NMODES 5
static const uint64_t fp_modes[FP_NMODES] = {
    (0u << FCSR_FRM_SHIFT),
    (1u << FCSR_FRM_SHIFT) | FFLAGS_NV | FFLAGS_NX,
    (2u << FCSR_FRM_SHIFT) | FFLAGS_DZ | FFLAGS_UF,
    (3u << FCSR_FRM_SHIFT) | FFLAGS_OF,
    (4u << FCSR_FRM_SHIFT) | FFLAGS_NV | FFLAGS_DZ | FFLAGS_OF | FFLAGS_UF |
        FFLAGS_NX,
};
#define FP_VALGRIND_WHY NULL
#define FP_FLAGS_KEPT 1

static uint64_t
fp_get(void)
{
	unsigned long v;

	__asm__ __volatile__("frcsr %0" : "=r"(v) : : "memory");
	return v;
}

static void
fp_set(uint64_t v)
{
	__asm__ __volatile__("fscsr %0" : : "r"((unsigned long)v) : "memory");
}

/*
 * unsigned long test_hold_registers(uint64_t seed, void (*fn)(void *),
 *                                   a0             a1
 *     void *arg);
 *           a2
 *
 * Loads s0-s11 with seed + n and fs0-fs11 with the bits of seed + 16 + n,
 * calls fn(arg), and returns which of them lost their value: bit n for
 * sn, bit 12 + n for fsn.  An ordinary function otherwise: it keeps its
 * caller's values of them.
 */
__asm__(".pushsection .text\n"
        ".globl test_hold_registers\n"
        ".hidden test_hold_registers\n"
        ".type test_hold_registers, @function\n"
        ".p2align 2\n"
        "test_hold_registers:\n"
        "	addi sp, sp, -208\n"
        "	sd a0, 0(sp)\n"
        "	sd ra, 8(sp)\n"
        "	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11\n"
        "	sd s\\n, 16 + 8 * \\n(sp)\n"
        "	fsd fs\\n, 112 + 8 * \\n(sp)\n"
        "	addi s\\n, a0, \\n\n"
        "	addi t0, a0, 16 + \\n\n"
        "	fmv.d.x fs\\n, t0\n"
        "	.endr\n"
        "	mv a0, a2\n"
        "	jalr a1\n"
        "	ld t2, 0(sp)\n"
        "	li a0, 0\n"
        "	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11\n"
        "	addi t0, t2, \\n\n"
        "	beq s\\n, t0, 1f\n"
        "	li t1, 1 << \\n\n"
        "	or a0, a0, t1\n"
        "1:\n"
        "	fmv.x.d t1, fs\\n\n"
        "	addi t0, t2, 16 + \\n\n"
        "	beq t1, t0, 2f\n"
        "	li t1, 1 << (12 + \\n)\n"
        "	or a0, a0, t1\n"
        "2:\n"
        "	ld s\\n, 16 + 8 * \\n(sp)\n"
        "	fld fs\\n, 112 + 8 * \\n(sp)\n"
        "	.endr\n"
        "	ld ra, 8(sp)\n"
        "	addi sp, sp, 208\n"
        "	ret\n"
        ".size test_hold_registers, . - test_hold_registers\n"
        ".popsection\n");

#define NREG_NAMES 24
static const char *const reg_names[NREG_NAMES] = {"s0", "s1", "s2", "s3", "s4",
    "s5", "s6", "s7", "s8", "s9", "s10", "s11", "fs0", "fs1", "fs2", "fs3",
    "fs4", "fs5", "fs6", "fs7", "fs8", "fs9", "fs10", "fs11"};
#endif /* __riscv */

#if defined(__aarch64__)
/*
 * aarch64: FPCR, whose fields (Arm Architecture Reference Manual, FPCR)
 * include the rounding mode in bits 22-23, flush-to-zero in 24 and default
 * NaN in 25.  FPSR, the flags, is not kept (AAPCS64 6.1.2).  The switch
 * also keeps x19-x29 and d8-d15.
 */
#define FP_NAME "FPCR"
#define FPCR_RMODE (UINT64_C(3) << 22)
#define FPCR_RN (UINT64_C(0) << 22) /* to nearest */
#define FPCR_RP (UINT64_C(1) << 22) /* toward plus infinity */
#define FPCR_RM (UINT64_C(2) << 22) /* toward minus infinity */
#define FPCR_RZ (UINT64_C(3) << 22) /* toward zero */
#define FPCR_FZ (UINT64_C(1) << 24)
#define FPCR_DN (UINT64_C(1) << 25)

#define FP_KEPT (~UINT64_C(0))
#define FP_VARIED (FPCR_RMODE | FPCR_FZ | FPCR_DN)
/* Every rounding mode, and FZ and DN both on and off among them. */
#define FP_NMODES 4
static const uint64_t fp_modes[FP_NMODES] = {
    FPCR_RZ, FPCR_RP | FPCR_FZ, FPCR_RM | FPCR_DN, FPCR_RN | FPCR_FZ | FPCR_DN};
#define FP_VALGRIND_WHY NULL
#define FP_FLAGS_KEPT 0

static uint64_t
fp_get(void)
{
	uint64_t v;

	__asm__ __volatile__("mrs %0, fpcr" : "=r"(v) : : "memory");
	return v;
}

static void
fp_set(uint64_t v)
{
	__asm__ __volatile__("msr fpcr, %0" : : "r"(v) : "memory");
}

/* test_hold_registers() is in tests/context-aarch64.S. */
#define NREG_NAMES 19
static const char *const reg_names[NREG_NAMES] = {"x19", "x20", "x21", "x22",
    "x23", "x24", "x25", "x26", "x27", "x28", "d8", "d9", "d10", "d11", "d12",
    "d13", "d14", "d15", "x29"};
#endif /* __aarch64__ */

#if defined(FP_NMODES)
/* ---------------------------------------------------------------- FP */

/*
 * The probe: arithmetic whose results tell the modes apart, worked out
 * at run time under the state in force (the operands are volatile).  Three
 * quotients tell the directed rounding modes from to nearest (which rounds
 * 1/3 and -1/3 down in magnitude and 1/10 up); 1 + 2^-53, halfway between
 * 1 and the next double, tells ties to even (1) from ties away (1 +
 * 2^-52); the smallest normal number over 4 is 0 under flush-to-zero; and
 * a NaN with a payload plus 1 is the default NaN under default NaN.  The
 * results are compared bit for bit.
 */
#define NPROBE 6
static volatile double fp_one = 1.0, fp_three = 3.0, fp_ten = 10.0;
static volatile double fp_four = 4.0, fp_half_ulp = 0x1p-53;
static volatile double fp_min_normal = 0x1p-1022;
static volatile uint64_t fp_payload_nan = UINT64_C(0x7ff8000000000123);

struct fp_probe {
	uint64_t bits[NPROBE];
};

static uint64_t
bits_of(double d)
{
	uint64_t b;

	memcpy(&b, &d, sizeof b);
	return b;
}

static struct fp_probe
fp_probe(void)
{
	struct fp_probe p;
	volatile double r;
	uint64_t nan_bits = fp_payload_nan;
	double nan;

	r = fp_one / fp_three;
	p.bits[0] = bits_of(r);
	r = fp_one / fp_ten;
	p.bits[1] = bits_of(r);
	r = -fp_one / fp_three;
	p.bits[2] = bits_of(r);
	r = fp_one + fp_half_ulp;
	p.bits[3] = bits_of(r);
	r = fp_min_normal / fp_four;
	p.bits[4] = bits_of(r);
	memcpy(&nan, &nan_bits, sizeof nan);
	r = nan + fp_one;
	p.bits[5] = bits_of(r);
	return p;
}

static int
same_probe(struct fp_probe a, struct fp_probe b)
{
	return memcmp(a.bits, b.bits, sizeof a.bits) == 0;
}

/* Thread n's state, what its probe gives, and its turns that found
 * either wrong. */
static uint64_t fp_value[FP_NMODES];
static struct fp_probe fp_expected[FP_NMODES];
static volatile unsigned long fp_state_wrong[FP_NMODES];
static volatile unsigned long fp_probe_wrong[FP_NMODES];

/* fp_value[]: the calling thread's state with mode n's bits. */
static void
fp_values(void)
{
	uint64_t now = fp_get();
	int n;

	for (n = 0; n < FP_NMODES; n++)
		fp_value[n] = (now & FP_KEPT & ~FP_VARIED) | fp_modes[n];
}

/* 1 when the calling thread's state is fp_value[n], in the kept bits. */
static int
fp_state_is(int n)
{
	return (fp_get() & FP_KEPT) == (fp_value[n] & FP_KEPT);
}

/*
 * fp_value[] and fp_expected[], worked out on the calling thread, which
 * keeps its state; checks that each state reads back as written and that
 * the probes differ pairwise, or the tests could not tell modes apart.
 */
static void
fp_prepare(void)
{
	uint64_t saved = fp_get();
	int i, j;

	fp_values();
	for (i = 0; i < FP_NMODES; i++) {
		fp_set(fp_value[i]);
		ck_assert_msg(fp_state_is(i),
		    FP_NAME " 0x%llx reads back as 0x%llx",
		    (unsigned long long)fp_value[i],
		    (unsigned long long)fp_get());
		fp_expected[i] = fp_probe();
	}
	fp_set(saved);
	for (i = 0; i < FP_NMODES; i++)
		for (j = 0; j < i; j++)
			ck_assert_msg(
			    !same_probe(fp_expected[i], fp_expected[j]),
			    FP_NAME
			    " 0x%llx and 0x%llx compute alike: the CPU "
			    "(or its emulator) ignores the rounding mode",
			    (unsigned long long)fp_value[j],
			    (unsigned long long)fp_value[i]);
}

/* One turn of thread n: its state and its arithmetic are its own.  Sets
 * the state again, as the probe may have raised flags (which riscv64
 * keeps in fcsr). */
static void
fp_check(int n)
{
	if (!fp_state_is(n))
		fp_state_wrong[n]++;
	if (!same_probe(fp_probe(), fp_expected[n]))
		fp_probe_wrong[n]++;
	fp_set(fp_value[n]);
}

static void
assert_fp_never_wrong(void)
{
	int i;

	for (i = 0; i < FP_NMODES; i++) {
		ck_assert_msg(fp_state_wrong[i] == 0,
		    "thread %d: " FP_NAME " was not 0x%llx %lu times", i,
		    (unsigned long long)fp_value[i], fp_state_wrong[i]);
		ck_assert_msg(fp_probe_wrong[i] == 0,
		    "thread %d: arithmetic under " FP_NAME
		    " 0x%llx was wrong %lu times",
		    i, (unsigned long long)fp_value[i], fp_probe_wrong[i]);
	}
}

/* Takes turns in mode n, checking it on each. */
static void
fp_hold_yielding(int n)
{
	int i;

	fp_set(fp_value[n]);
	for (i = 0; i < NTURNS; i++) {
		pmt_yield();
		fp_check(n);
	}
}

static void *
fp_yield_thread(void *arg)
{
	fp_hold_yielding((int)(uintptr_t)arg);
	return NULL;
}

START_TEST(test_fp_control_is_kept_per_thread_across_yields)
{
	pmt_t tids[FP_NMODES - 1];
	uint64_t fp0;
	int i;

	ck_assert_int_eq(pmt_init(), 0);
	fp0 = fp_get();
	fp_prepare();
	for (i = 1; i < FP_NMODES; i++)
		ck_assert_pmt_ok(test_spawn(&tids[i - 1], fp_yield_thread,
		    PTR(i), i, PMT_PRIO_DEFAULT));
	fp_hold_yielding(0);
	for (i = 1; i < FP_NMODES; i++)
		ck_assert_pmt_ok(pmt_join(tids[i - 1], NULL));
	ck_assert(fp_state_is(0));
	fp_set(fp0);
	assert_took_turns(FP_NMODES);
	assert_fp_never_wrong();
}
END_TEST

/*
 * The same under a 100 us tick: busy threads, one per mode, check their
 * state and arithmetic on every pass and yield now and then, so that
 * threads parked by a tick (whose state the kernel keeps in the signal
 * frame) and by a yield (whose state the switch keeps) resume each other.
 * They run until each has had FP_TICK_TURNS turns and the tick has
 * preempted threads that often, or give up after GIVE_UP_MS.
 */
#define FP_TICK_TURNS 20

static void *
fp_busy_thread(void *arg)
{
	int me = (int)(uintptr_t)arg;
	unsigned long pass = 0;

	fp_set(fp_value[me]);
	while (!stop) {
		fp_check(me);
		if (++pass % 64 == 0) {
			pmt_yield();
			fp_check(me);
		}
		if (test_turn(me) &&
		    test_min_turns(0, FP_NMODES) >= FP_TICK_TURNS &&
		    preemptions_now() >= FP_TICK_TURNS)
			stop = 1;
		overdue(pass);
	}
	return NULL;
}

START_TEST(test_fp_control_is_kept_per_thread_under_the_tick)
{
	pmt_t tids[FP_NMODES];
	uint64_t fp0;

	ck_assert_int_eq(pmt_init(), 0);
	fp0 = fp_get();
	fp_prepare();
	deadline = test_deadline_ms(GIVE_UP_MS);
	spawn_all(tids, FP_NMODES, fp_busy_thread, PMT_PRIO_DEFAULT - 1);
	ck_assert_pmt_ok(pmt_preempt_start(100, 0));
	join_all(tids, FP_NMODES);
	ck_assert_pmt_ok(pmt_preempt_stop());
	ck_assert_uint_eq(fp_get() & FP_KEPT, fp0 & FP_KEPT);
	assert_no_give_up();
	ck_assert_uint_ge(test_min_turns(0, FP_NMODES), FP_TICK_TURNS);
	ck_assert_uint_ge(preemptions_now(), FP_TICK_TURNS);
	assert_fp_never_wrong();
}
END_TEST

/* What a new thread found on entry. */
static uint64_t seen_fp;

static void *
record_fp(void *arg)
{
	seen_fp = fp_get();
	return arg;
}

START_TEST(test_new_thread_inherits_creator_fp_control)
{
	uint64_t fp0, want, seen;
	pmt_t t;
	int rc;

	ck_assert_int_eq(pmt_init(), 0);
	fp0 = fp_get();
	fp_values();
	fp_set(fp_value[FP_NMODES - 1]);
	want = fp_get() & FP_KEPT;
	/* Started at once, inside pmt_spawn(). */
	rc = test_spawn(&t, record_fp, NULL, 0, PMT_PRIO_DEFAULT + 1);
	fp_set(fp0);
	ck_assert_pmt_ok(rc);
	seen = seen_fp & FP_KEPT;
	ck_assert_uint_ne(want, fp0 & FP_KEPT);
	ck_assert_uint_eq(seen, want);
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

/* The state is the creator's at the time of pmt_spawn(), as with
 * pthread_create(): a change the creator makes before the new thread
 * first runs is its own. */
START_TEST(test_new_thread_inherits_fp_control_of_spawn_time)
{
	uint64_t fp0, at_spawn, after, mine, seen;
	pmt_t t;
	int rc;

	ck_assert_int_eq(pmt_init(), 0);
	fp0 = fp_get();
	fp_values();
	fp_set(fp_value[1]);
	at_spawn = fp_get() & FP_KEPT;
	rc = test_spawn(&t, record_fp, NULL, 0, PMT_PRIO_DEFAULT);
	fp_set(fp_value[2]);
	after = fp_get() & FP_KEPT;
	if (rc == 0)
		rc = pmt_yield();
	mine = fp_get() & FP_KEPT;
	fp_set(fp0);
	ck_assert_pmt_ok(rc);
	seen = seen_fp & FP_KEPT;
	ck_assert_uint_ne(at_spawn, after);
	ck_assert_uint_eq(seen, at_spawn);
	ck_assert_uint_eq(mine, after);
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

#if FP_FLAGS_KEPT
/*
 * Flags raised by arithmetic, as <fenv.h> sees them: each of three
 * threads raises its own exception and finds exactly that one raised
 * after every yield, the others' never.
 */
static volatile double fp_zero = 0.0, fp_huge = 0x1p1000;
static const int raised_by[3] = {FE_DIVBYZERO, FE_INVALID, FE_OVERFLOW};
static volatile unsigned long flags_wrong[3];

static void
raise_and_keep(int n)
{
	volatile double r;
	int i;

	feclearexcept(FE_ALL_EXCEPT);
	if (raised_by[n] == FE_DIVBYZERO)
		r = fp_one / fp_zero;
	else if (raised_by[n] == FE_INVALID)
		r = fp_zero / fp_zero;
	else
		r = fp_huge * fp_huge; /* overflow, and inexact */
	(void)r;
	for (i = 0; i < NTURNS; i++) {
		pmt_yield();
		if (fetestexcept(FE_ALL_EXCEPT & ~FE_INEXACT) != raised_by[n])
			flags_wrong[n]++;
	}
}

static void *
raise_thread(void *arg)
{
	raise_and_keep((int)(uintptr_t)arg);
	return NULL;
}

START_TEST(test_exception_flags_stay_with_the_thread_that_raised_them)
{
	pmt_t t1, t2;
	uint64_t fp0;
	int i;

	ck_assert_int_eq(pmt_init(), 0);
	fp0 = fp_get();
	ck_assert_pmt_ok(
	    test_spawn(&t1, raise_thread, PTR(1), 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(
	    test_spawn(&t2, raise_thread, PTR(2), 1, PMT_PRIO_DEFAULT));
	raise_and_keep(0);
	ck_assert_pmt_ok(pmt_join(t1, NULL));
	ck_assert_pmt_ok(pmt_join(t2, NULL));
	fp_set(fp0);
	assert_took_turns(3);
	for (i = 0; i < 3; i++)
		ck_assert_msg(flags_wrong[i] == 0,
		    "thread %d: raised exceptions other than its own %lu "
		    "times",
		    i, flags_wrong[i]);
}
END_TEST
#endif /* FP_FLAGS_KEPT */
#endif /* FP_NMODES */

#if defined(NREG_NAMES)
/* ---------------------------------------------------------------- registers */

/*
 * The per-CPU helper: loads every callee-saved register with a value
 * made from seed, calls fn(arg), and returns a mask of the registers
 * that came back different, bit n for reg_names[n].  fn switches threads:
 * a switch that loses a register, or gives a thread another's, shows
 * here.
 */
unsigned long test_hold_registers(uint64_t seed, void (*fn)(void *), void *arg);

/* A seed of its own for each thread and call: thread n's values differ
 * from every other thread's in bits 40 and up, each call's in bits 8-39. */
static uint64_t
reg_seed(int thread, int call)
{
	return ((uint64_t)(thread + 1) << 40) | ((uint64_t)call << 8);
}

#define NREGS 4
static unsigned long regs_lost[NREGS];

static void
assert_registers_kept(void)
{
	char names[NREG_NAMES * 6 + 1];
	int i, b;

	for (i = 0; i < NREGS; i++) {
		names[0] = '\0';
		for (b = 0; b < NREG_NAMES; b++)
			if (regs_lost[i] & (1ul << b)) {
				strcat(names, " ");
				strcat(names, reg_names[b]);
			}
		ck_assert_msg(regs_lost[i] == 0,
		    "thread %d: callee-saved registers came back changed:%s", i,
		    names);
	}
}

static void
yield_in(void *arg)
{
	(void)arg;
	pmt_yield();
}

/* Holds its registers across NTURNS yields, one in each call. */
static void
hold_registers_yielding(int me)
{
	int i;

	for (i = 0; i < NTURNS; i++)
		regs_lost[me] |=
		    test_hold_registers(reg_seed(me, i), yield_in, NULL);
}

static void *
regs_yield_thread(void *arg)
{
	hold_registers_yielding((int)(uintptr_t)arg);
	return NULL;
}

/* pmt_yield() switches by pmt_arch_switch_return(); the threads start
 * through the trampoline, each with its registers free to hold. */
START_TEST(test_callee_saved_registers_are_kept_across_yields)
{
	pmt_t tids[NREGS - 1];
	int i;

	ck_assert_int_eq(pmt_init(), 0);
	/* The helper itself: a yield that switches nowhere. */
	ck_assert_uint_eq(
	    test_hold_registers(reg_seed(0, 0), yield_in, NULL), 0);
	for (i = 1; i < NREGS; i++)
		ck_assert_pmt_ok(test_spawn(&tids[i - 1], regs_yield_thread,
		    PTR(i), i, PMT_PRIO_DEFAULT));
	hold_registers_yielding(0);
	for (i = 1; i < NREGS; i++)
		ck_assert_pmt_ok(pmt_join(tids[i - 1], NULL));
	assert_took_turns(NREGS);
	assert_registers_kept();
}
END_TEST

/*
 * The threads hand a turn round on a condition variable; a condition
 * wait blocks through pmt_arch_switch(), the plain switch, and so does
 * main's pmt_join(), which it calls holding its registers too.
 */
static pmt_mutex_t relay_mutex = PMT_MUTEX_INITIALIZER;
static pmt_cond_t relay_cond = PMT_COND_INITIALIZER;
static int relay_next = 1;

static void
take_turn_in(void *arg)
{
	int me = (int)(uintptr_t)arg;

	pmt_mutex_lock(&relay_mutex);
	while (relay_next != me)
		pmt_cond_wait(&relay_cond, &relay_mutex);
	relay_next = me % (NREGS - 1) + 1;
	pmt_cond_broadcast(&relay_cond);
	pmt_mutex_unlock(&relay_mutex);
}

static void *
regs_relay_thread(void *arg)
{
	int me = (int)(uintptr_t)arg, i;

	for (i = 0; i < NTURNS; i++)
		regs_lost[me] |=
		    test_hold_registers(reg_seed(me, i), take_turn_in, arg);
	return NULL;
}

static pmt_t relay_tids[NREGS - 1];
static int relay_join_error;

static void
join_relay_in(void *arg)
{
	int i, rc;

	(void)arg;
	for (i = 0; i < NREGS - 1; i++)
		if ((rc = pmt_join(relay_tids[i], NULL)) != 0)
			relay_join_error = rc;
}

START_TEST(test_callee_saved_registers_are_kept_across_blocking_waits)
{
	int i;

	ck_assert_int_eq(pmt_init(), 0);
	for (i = 1; i < NREGS; i++)
		ck_assert_pmt_ok(test_spawn(&relay_tids[i - 1],
		    regs_relay_thread, PTR(i), i, PMT_PRIO_DEFAULT));
	regs_lost[0] = test_hold_registers(reg_seed(0, 0), join_relay_in, NULL);
	ck_assert_pmt_ok(relay_join_error);
	assert_took_turns(NREGS - 1);
	assert_registers_kept();
}
END_TEST
#endif /* NREG_NAMES */

#if TEST_ASAN
/* ---------------------------------------------------------------- ASan */

/*
 * In a build with AddressSanitizer: it is told of every switch
 * (lib/fiber.h), so it knows the stack of whichever thread runs, and it
 * keeps each thread's fake stack (where locals live when it looks for use
 * after return, as make check asks) apart.  Two threads, on the lowest
 * stacks of the pool, keep a local array across many yields; after each
 * yield they check that ASan knows their stack and then call functions
 * with locals of their own.  A call that does not return, which that
 * check prepares for, lets ASan reclaim the fake frames of locals below
 * the stack pointer: with one fake stack for all threads, those of the
 * thread parked lower down would go, and its array with them.
 */
#define NASAN 2
#define ASAN_TURNS 50
#define ASAN_WORDS 32

static unsigned long asan_blind[NASAN + 1], asan_lost[NASAN];

static void __attribute__((noinline))
fill_words(volatile unsigned long *w, unsigned long seed)
{
	int i;

	for (i = 0; i < ASAN_WORDS; i++)
		w[i] = seed + (unsigned long)i;
}

/* How many of the words lost their value. */
static unsigned long __attribute__((noinline))
lost_words(const volatile unsigned long *w, unsigned long seed)
{
	unsigned long lost = 0;
	int i;

	for (i = 0; i < ASAN_WORDS; i++)
		if (w[i] != seed + (unsigned long)i)
			lost++;
	return lost;
}

/* Takes fake frames of the size the threads' arrays take. */
static unsigned long __attribute__((noinline))
use_fake_frames(unsigned long seed)
{
	volatile unsigned long w[ASAN_WORDS];

	fill_words(w, seed);
	return lost_words(w, seed);
}

static void *
keep_locals(void *arg)
{
	int me = (int)(uintptr_t)arg, i;
	unsigned long seed = 1000u * (unsigned long)(me + 1);
	volatile unsigned long words[ASAN_WORDS];

	if (!test_asan_knows_my_stack())
		asan_blind[me]++;
	fill_words(words, seed);
	for (i = 0; i < ASAN_TURNS; i++) {
		pmt_yield();
		if (!test_asan_knows_my_stack())
			asan_blind[me]++;
		asan_lost[me] += use_fake_frames(seed + 7);
		asan_lost[me] += lost_words(words, seed);
	}
	return NULL;
}

START_TEST(test_asan_knows_each_thread_stack_and_keeps_its_locals)
{
	pmt_t tids[NASAN];
	int i;

	ck_assert_int_eq(pmt_init(), 0);
	/* main: as the process started, then after switches away and back
	 * (a yield, and a join that waits). */
	ck_assert(test_asan_knows_my_stack());
	for (i = 0; i < NASAN; i++)
		ck_assert_pmt_ok(test_spawn(
		    &tids[i], keep_locals, PTR(i), i, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_yield());
	if (!test_asan_knows_my_stack())
		asan_blind[NASAN]++;
	for (i = 0; i < NASAN; i++)
		ck_assert_pmt_ok(pmt_join(tids[i], NULL));
	if (!test_asan_knows_my_stack())
		asan_blind[NASAN]++;
	for (i = 0; i <= NASAN; i++)
		ck_assert_msg(asan_blind[i] == 0,
		    "thread %d: ASan did not know its stack %lu times", i,
		    asan_blind[i]);
	for (i = 0; i < NASAN; i++)
		ck_assert_msg(asan_lost[i] == 0,
		    "thread %d: %lu words of its locals lost", i, asan_lost[i]);
}
END_TEST
#endif /* TEST_ASAN */

static Suite *
context_suite(void)
{
	Suite *s = suite_create("context");
	TCase *tc;

	tc = tcase_create("errno");
	tcase_add_test(tc, test_errno_is_kept_per_thread_across_yields);
	tcase_add_test(tc, test_new_thread_starts_with_errno_zero);
	tcase_add_test(tc, test_thread_started_later_begins_with_errno_zero);
	suite_add_tcase(s, tc);

#if defined(FP_NMODES)
	tc = tcase_create("fp");
	test_add_unless(tc, test_fp_control_is_kept_per_thread_across_yields,
	    FP_VALGRIND_WHY);
	tcase_add_test(tc, test_new_thread_inherits_creator_fp_control);
	tcase_add_test(tc, test_new_thread_inherits_fp_control_of_spawn_time);
#if FP_FLAGS_KEPT
	tcase_add_test(
	    tc, test_exception_flags_stay_with_the_thread_that_raised_them);
#endif
	suite_add_tcase(s, tc);

	if (PMT_TEST_PREEMPTION) {
		tc = tcase_create("fp_tick");
		tcase_set_timeout(tc, TIMEOUT);
		test_add_unless(tc,
		    test_fp_control_is_kept_per_thread_under_the_tick,
		    FP_VALGRIND_WHY);
		suite_add_tcase(s, tc);
	}
#endif

#if defined(NREG_NAMES)
	tc = tcase_create("registers");
	tcase_add_test(tc, test_callee_saved_registers_are_kept_across_yields);
	tcase_add_test(
	    tc, test_callee_saved_registers_are_kept_across_blocking_waits);
	suite_add_tcase(s, tc);
#endif

#if TEST_ASAN
	tc = tcase_create("asan");
	tcase_add_test(
	    tc, test_asan_knows_each_thread_stack_and_keeps_its_locals);
	suite_add_tcase(s, tc);
#endif

	return s;
}

int
main(void)
{
	return test_run_suite(context_suite());
}
