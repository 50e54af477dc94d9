/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * check_context.c - unit tests of the per-thread execution context kept
 * across switches: errno, on x86_64 the rounding mode, the MXCSR control
 * bits and the x87 control word, on aarch64 FPCR and the callee-saved
 * registers, on riscv64 fcsr and the callee-saved registers, and in a
 * build with AddressSanitizer its idea of the running thread's stack.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#if defined(__x86_64__)
#include <fenv.h>
#endif
#if defined(__riscv)
#include <fenv.h>
#endif

#include "testutil.h"

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

#if defined(__x86_64__)
/* ---------------------------------------------------------------- x86_64 FP */

/* MXCSR: bits 0-5 are sticky status flags, the rest control. */
#define MXCSR_CONTROL 0xffc0u
#define MXCSR_DAZ 0x0040u /* denormals are zero */
#define MXCSR_ZM 0x0200u  /* divide-by-zero masked */
#define MXCSR_RC_UP 0x4000u
#define MXCSR_FTZ 0x8000u /* flush to zero */
/* x87 control word: precision control (bits 8-9), rounding (10-11). */
#define X87_PC_MASK 0x0300u
#define X87_PC_SINGLE 0x0000u
#define X87_PC_DOUBLE 0x0200u
#define X87_RC_MASK 0x0c00u
#define X87_RC_DOWN 0x0400u
#define X87_RC_ZERO 0x0c00u

static unsigned
get_mxcsr(void)
{
	unsigned v;

	__asm__ __volatile__("stmxcsr %0" : "=m"(v));
	return v;
}

static void
set_mxcsr(unsigned v)
{
	__asm__ __volatile__("ldmxcsr %0" : : "m"(v));
}

static unsigned
get_x87cw(void)
{
	unsigned short v;

	__asm__ __volatile__("fnstcw %0" : "=m"(v));
	return v;
}

static void
set_x87cw(unsigned v)
{
	unsigned short cw = (unsigned short)v;

	__asm__ __volatile__("fldcw %0" : : "m"(cw));
}

/*
 * Three quotients that tell the four rounding modes apart: to nearest,
 * 1/3 and -1/3 round down in magnitude and 1/10 rounds up.  The operands are
 * volatile so that the divisions happen at run time, under the mode in
 * force.
 */
static volatile double one = 1.0, three = 3.0, ten = 10.0;

struct quotients {
	double third, tenth, minus_third;
};

static struct quotients
divide(void)
{
	struct quotients q;
	volatile double r;

	r = one / three;
	q.third = r;
	r = one / ten;
	q.tenth = r;
	r = -one / three;
	q.minus_third = r;
	return q;
}

static int
same_quotients(struct quotients a, struct quotients b)
{
	return a.third == b.third && a.tenth == b.tenth &&
	       a.minus_third == b.minus_third;
}

#define NMODES 4
static const int modes[NMODES] = {
    FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
static struct quotients expected_q[NMODES];
static unsigned long fp_wrong[NMODES];

/* Works out the quotients of every mode on the calling thread, and checks
 * they differ pairwise, or the test could not tell modes apart. */
static void
compute_expected_quotients(void)
{
	int i, j, saved = fegetround();

	for (i = 0; i < NMODES; i++) {
		ck_assert_int_eq(fesetround(modes[i]), 0);
		expected_q[i] = divide();
	}
	ck_assert_int_eq(fesetround(saved), 0);
	for (i = 0; i < NMODES; i++)
		for (j = 0; j < i; j++)
			ck_assert_msg(
			    !same_quotients(expected_q[i], expected_q[j]),
			    "rounding modes %d and %d give "
			    "the same quotients: the FPU (or an emulator "
			    "such as Valgrind) ignores the rounding mode",
			    modes[j], modes[i]);
}

/* Takes turns under rounding mode modes[n], checking the mode and the
 * quotients on each. */
static void
round_in_mode(int n)
{
	int i;

	if (fesetround(modes[n]) != 0)
		fp_wrong[n]++;
	for (i = 0; i < NTURNS; i++) {
		pmt_yield();
		if (fegetround() != modes[n] ||
		    !same_quotients(divide(), expected_q[n]))
			fp_wrong[n]++;
	}
}

static void *
round_thread(void *arg)
{
	round_in_mode((int)(uintptr_t)arg);
	return NULL;
}

START_TEST(test_rounding_mode_is_kept_per_thread_across_yields)
{
	pmt_t tids[NMODES - 1];
	fenv_t env;
	int i;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_int_eq(fegetenv(&env), 0);
	compute_expected_quotients();
	for (i = 1; i < NMODES; i++)
		ck_assert_pmt_ok(test_spawn(
		    &tids[i - 1], round_thread, PTR(i), i, PMT_PRIO_DEFAULT));
	round_in_mode(0); /* main rounds to nearest */
	for (i = 1; i < NMODES; i++)
		ck_assert_pmt_ok(pmt_join(tids[i - 1], NULL));
	ck_assert_int_eq(fesetenv(&env), 0);
	assert_took_turns(NMODES);
	for (i = 0; i < NMODES; i++)
		ck_assert_msg(fp_wrong[i] == 0,
		    "rounding mode %d was wrong %lu times", modes[i],
		    fp_wrong[i]);
}
END_TEST

/* Control state set by each thread, and its mismatches. */
struct fp_control {
	unsigned mxcsr; /* MXCSR control bits */
	unsigned x87cw; /* x87 control word */
	unsigned long wrong;
};

static struct fp_control control[3];

static void
hold_control(struct fp_control *c)
{
	int i;

	set_mxcsr(c->mxcsr);
	set_x87cw(c->x87cw);
	for (i = 0; i < NTURNS; i++) {
		pmt_yield();
		if ((get_mxcsr() & MXCSR_CONTROL) != c->mxcsr ||
		    get_x87cw() != c->x87cw)
			c->wrong++;
	}
}

static void *
control_thread(void *arg)
{
	hold_control(arg);
	return NULL;
}

START_TEST(test_mxcsr_and_x87_control_word_are_kept_per_thread)
{
	pmt_t t1, t2;
	unsigned mxcsr0, cw0;
	int i;

	ck_assert_int_eq(pmt_init(), 0);
	mxcsr0 = get_mxcsr() & MXCSR_CONTROL;
	cw0 = get_x87cw();
	/* main: a changed x87 rounding and precision, MXCSR as it was. */
	control[0].mxcsr = mxcsr0;
	control[0].x87cw =
	    (cw0 & ~(X87_PC_MASK | X87_RC_MASK)) | X87_PC_DOUBLE | X87_RC_ZERO;
	/* t1: flush-to-zero and denormals-are-zero, rounding up. */
	control[1].mxcsr = mxcsr0 | MXCSR_FTZ | MXCSR_DAZ | MXCSR_RC_UP;
	control[1].x87cw = (cw0 & ~X87_PC_MASK) | X87_PC_SINGLE;
	/* t2: divide-by-zero unmasked (nothing here divides by zero). */
	control[2].mxcsr = mxcsr0 & ~MXCSR_ZM;
	control[2].x87cw = (cw0 & ~X87_RC_MASK) | X87_RC_DOWN;
	for (i = 0; i < 3; i++)
		ck_assert_uint_eq(control[i].mxcsr & ~MXCSR_CONTROL, 0);
	ck_assert_uint_ne(control[0].mxcsr, control[1].mxcsr);
	ck_assert_uint_ne(control[0].mxcsr, control[2].mxcsr);
	ck_assert_uint_ne(control[0].x87cw, cw0);

	ck_assert_pmt_ok(
	    test_spawn(&t1, control_thread, &control[1], 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(
	    test_spawn(&t2, control_thread, &control[2], 1, PMT_PRIO_DEFAULT));
	hold_control(&control[0]);
	ck_assert_pmt_ok(pmt_join(t1, NULL));
	ck_assert_pmt_ok(pmt_join(t2, NULL));
	ck_assert_uint_eq(get_mxcsr() & MXCSR_CONTROL, control[0].mxcsr);
	ck_assert_uint_eq(get_x87cw(), control[0].x87cw);
	set_x87cw(cw0);
	assert_took_turns(3);
	for (i = 0; i < 3; i++)
		ck_assert_msg(control[i].wrong == 0,
		    "thread %d: FP control state wrong %lu times", i,
		    control[i].wrong);
}
END_TEST

/* What a new thread found on entry. */
static int seen_round = -1;
static unsigned seen_mxcsr, seen_x87cw;

static void *
record_fp_state(void *arg)
{
	seen_round = fegetround();
	seen_mxcsr = get_mxcsr() & MXCSR_CONTROL;
	seen_x87cw = get_x87cw();
	return arg;
}

START_TEST(test_new_thread_inherits_creator_fp_control_state)
{
	pmt_t t;
	fenv_t env;
	unsigned mxcsr, cw;
	int rc;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_int_eq(fegetenv(&env), 0);
	ck_assert_int_eq(fesetround(FE_UPWARD), 0);
	set_mxcsr(get_mxcsr() | MXCSR_FTZ);
	set_x87cw((get_x87cw() & ~X87_PC_MASK) | X87_PC_DOUBLE);
	mxcsr = get_mxcsr() & MXCSR_CONTROL;
	cw = get_x87cw();
	rc = test_spawn(&t, record_fp_state, NULL, 0, PMT_PRIO_DEFAULT + 1);
	ck_assert_int_eq(fesetenv(&env), 0);
	ck_assert_pmt_ok(rc);
	ck_assert_int_eq(seen_round, FE_UPWARD);
	ck_assert_uint_eq(seen_mxcsr, mxcsr);
	ck_assert_uint_eq(seen_x87cw, cw);
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

/* The state is the creator's at the time of pmt_spawn(), as with
 * pthread_create(): a change the creator makes before the new thread first
 * runs is its own. */
START_TEST(test_new_thread_inherits_fp_state_of_spawn_time)
{
	pmt_t t;
	fenv_t env;
	int rc, mode;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_int_eq(fegetenv(&env), 0);
	ck_assert_int_eq(fesetround(FE_DOWNWARD), 0);
	rc = test_spawn(&t, record_fp_state, NULL, 0, PMT_PRIO_DEFAULT);
	ck_assert_int_eq(fesetround(FE_UPWARD), 0);
	if (rc == 0)
		rc = pmt_yield();
	mode = fegetround();
	ck_assert_int_eq(fesetenv(&env), 0);
	ck_assert_pmt_ok(rc);
	ck_assert_int_eq(seen_round, FE_DOWNWARD);
	ck_assert_int_eq(mode, FE_UPWARD);
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST
#endif /* __x86_64__ */

#if defined(__riscv)
/* ---------------------------------------------------------------- riscv64 */

/*
 * The psABI gives fcsr thread storage duration: each thread keeps its own
 * dynamic rounding mode (frm, bits 5-7) and accrued exception flags
 * (fflags, bits 0-4), across yields and ticks, and a new thread starts
 * with its creator's.  The switch also keeps s0-s11 and fs0-fs11.
 */
#define FCSR_FRM_SHIFT 5
#define FFLAGS_NV 0x10u /* invalid operation */
#define FFLAGS_DZ 0x08u /* divide by zero */
#define FFLAGS_OF 0x04u /* overflow */
#define FFLAGS_UF 0x02u /* underflow */
#define FFLAGS_NX 0x01u /* inexact */

static unsigned
get_fcsr(void)
{
	unsigned long v;

	__asm__ __volatile__("frcsr %0" : "=r"(v) : : "memory");
	return (unsigned)v;
}

static void
set_fcsr(unsigned v)
{
	__asm__ __volatile__("fscsr %0" : : "r"((unsigned long)v) : "memory");
}

/*
 * The five rounding modes, to nearest (ties to even), toward zero, down,
 * up, and to nearest with ties away from zero (RMM, which <fenv.h> does
 * not name), each with accrued flags of its own.
 */
#define RV_NMODES 5
static const unsigned rv_fcsr[RV_NMODES] = {
    (0u << FCSR_FRM_SHIFT),
    (1u << FCSR_FRM_SHIFT) | FFLAGS_NV | FFLAGS_NX,
    (2u << FCSR_FRM_SHIFT) | FFLAGS_DZ | FFLAGS_UF,
    (3u << FCSR_FRM_SHIFT) | FFLAGS_OF,
    (4u << FCSR_FRM_SHIFT) | FFLAGS_NV | FFLAGS_DZ | FFLAGS_OF | FFLAGS_UF |
        FFLAGS_NX,
};

/*
 * Results that tell the five modes apart: the three quotients tell the
 * directed modes from the nearest ones, and 1 + 2^-53, halfway between 1
 * and the next double, tells ties to even (1) from ties away (1 + 2^-52).
 * Volatile operands, so that the arithmetic happens at run time under the
 * dynamic rounding mode.
 */
static volatile double rv_one = 1.0, rv_three = 3.0, rv_ten = 10.0;
static volatile double rv_half_ulp = 0x1p-53;

struct rv_results {
	double third, tenth, minus_third, tie;
};

static struct rv_results
rv_compute(void)
{
	struct rv_results q;
	volatile double r;

	r = rv_one / rv_three;
	q.third = r;
	r = rv_one / rv_ten;
	q.tenth = r;
	r = -rv_one / rv_three;
	q.minus_third = r;
	r = rv_one + rv_half_ulp;
	q.tie = r;
	return q;
}

static int
rv_same(struct rv_results a, struct rv_results b)
{
	return a.third == b.third && a.tenth == b.tenth &&
	       a.minus_third == b.minus_third && a.tie == b.tie;
}

static struct rv_results rv_expected[RV_NMODES];
static volatile unsigned long rv_fcsr_wrong[RV_NMODES];
static volatile unsigned long rv_result_wrong[RV_NMODES];

/* Works out the results of every mode on the calling thread, and checks
 * they differ pairwise, or the tests could not tell modes apart.  Leaves
 * fcsr as it found it. */
static void
rv_compute_expected(void)
{
	unsigned saved = get_fcsr();
	int i, j;

	for (i = 0; i < RV_NMODES; i++) {
		set_fcsr(rv_fcsr[i]);
		rv_expected[i] = rv_compute();
	}
	set_fcsr(saved);
	for (i = 0; i < RV_NMODES; i++)
		for (j = 0; j < i; j++)
			ck_assert_msg(!rv_same(rv_expected[i], rv_expected[j]),
			    "fcsr %#x and %#x give the same results: the FPU "
			    "ignores the rounding mode",
			    rv_fcsr[j], rv_fcsr[i]);
}

/* Takes turns with fcsr rv_fcsr[n], checking it and the arithmetic on
 * each; the arithmetic raises the inexact flag, so fcsr is set again
 * before each yield. */
static void
rv_hold_fcsr(int n)
{
	int i;

	for (i = 0; i < NTURNS; i++) {
		set_fcsr(rv_fcsr[n]);
		pmt_yield();
		if (get_fcsr() != rv_fcsr[n])
			rv_fcsr_wrong[n]++;
		if (!rv_same(rv_compute(), rv_expected[n]))
			rv_result_wrong[n]++;
	}
}

static void *
rv_fcsr_thread(void *arg)
{
	rv_hold_fcsr((int)(uintptr_t)arg);
	return NULL;
}

static void
rv_assert_fcsr_kept(void)
{
	int i;

	for (i = 0; i < RV_NMODES; i++) {
		ck_assert_msg(rv_fcsr_wrong[i] == 0,
		    "thread %d: fcsr was not %#x %lu times", i, rv_fcsr[i],
		    rv_fcsr_wrong[i]);
		ck_assert_msg(rv_result_wrong[i] == 0,
		    "thread %d: arithmetic under fcsr %#x was wrong %lu times",
		    i, rv_fcsr[i], rv_result_wrong[i]);
	}
}

START_TEST(test_fcsr_rounding_mode_and_flags_are_kept_per_thread_across_yields)
{
	pmt_t tids[RV_NMODES - 1];
	unsigned fcsr0;
	int i;

	ck_assert_int_eq(pmt_init(), 0);
	fcsr0 = get_fcsr();
	rv_compute_expected();
	for (i = 1; i < RV_NMODES; i++)
		ck_assert_pmt_ok(test_spawn(
		    &tids[i - 1], rv_fcsr_thread, PTR(i), i, PMT_PRIO_DEFAULT));
	rv_hold_fcsr(0); /* main: to nearest, no flags */
	for (i = 1; i < RV_NMODES; i++)
		ck_assert_pmt_ok(pmt_join(tids[i - 1], NULL));
	set_fcsr(fcsr0);
	assert_took_turns(RV_NMODES);
	rv_assert_fcsr_kept();
}
END_TEST

/*
 * Flags raised by arithmetic, as <fenv.h> sees them: each of three
 * threads raises its own exception and finds exactly that one raised
 * after every yield, the others' never.
 */
static volatile double rv_zero = 0.0, rv_huge = 0x1p1000;
static const int raised_by[3] = {FE_DIVBYZERO, FE_INVALID, FE_OVERFLOW};
static volatile unsigned long flags_wrong[3];

static void
raise_and_keep(int n)
{
	volatile double r;
	int i;

	feclearexcept(FE_ALL_EXCEPT);
	if (raised_by[n] == FE_DIVBYZERO)
		r = rv_one / rv_zero;
	else if (raised_by[n] == FE_INVALID)
		r = rv_zero / rv_zero;
	else
		r = rv_huge * rv_huge; /* overflow, and inexact */
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
	unsigned fcsr0;
	int i;

	ck_assert_int_eq(pmt_init(), 0);
	fcsr0 = get_fcsr();
	ck_assert_pmt_ok(
	    test_spawn(&t1, raise_thread, PTR(1), 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(
	    test_spawn(&t2, raise_thread, PTR(2), 1, PMT_PRIO_DEFAULT));
	raise_and_keep(0);
	ck_assert_pmt_ok(pmt_join(t1, NULL));
	ck_assert_pmt_ok(pmt_join(t2, NULL));
	set_fcsr(fcsr0);
	assert_took_turns(3);
	for (i = 0; i < 3; i++)
		ck_assert_msg(flags_wrong[i] == 0,
		    "thread %d: raised exceptions other than its own %lu "
		    "times",
		    i, flags_wrong[i]);
}
END_TEST

/*
 * unsigned long hold_callee_saved(unsigned long seed, int (*yield)(void));
 *
 * Loads s0-s11 with seed + n and fs0-fs11 with the bits of seed + 16 + n,
 * calls yield, and returns which of them lost their value: bit n for sn,
 * bit 12 + n for fsn.  An ordinary function otherwise: it keeps its
 * caller's values of them.
 */
unsigned long hold_callee_saved(unsigned long seed, int (*yield)(void));
__asm__(".pushsection .text\n"
        ".globl hold_callee_saved\n"
        ".hidden hold_callee_saved\n"
        ".type hold_callee_saved, @function\n"
        ".p2align 2\n"
        "hold_callee_saved:\n"
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
        ".size hold_callee_saved, . - hold_callee_saved\n"
        ".popsection\n");

#define NHOLD 4
static unsigned long regs_lost[NHOLD];

/* Takes turns holding its own patterns in every callee-saved register. */
static void
hold_registers(int n)
{
	unsigned long seed = 0x5a5a000000000000ul + 0x10000ul * (unsigned)n;
	int i;

	for (i = 0; i < NTURNS; i++)
		regs_lost[n] |= hold_callee_saved(seed, pmt_yield);
}

static void *
hold_thread(void *arg)
{
	hold_registers((int)(uintptr_t)arg);
	return NULL;
}

START_TEST(test_callee_saved_registers_are_kept_across_switches)
{
	pmt_t tids[NHOLD - 1];
	int i;

	ck_assert_int_eq(pmt_init(), 0);
	/* The helper itself: a yield that switches nowhere. */
	ck_assert_uint_eq(hold_callee_saved(0x1234ul, pmt_yield), 0);
	for (i = 1; i < NHOLD; i++)
		ck_assert_pmt_ok(test_spawn(
		    &tids[i - 1], hold_thread, PTR(i), i, PMT_PRIO_DEFAULT));
	hold_registers(0);
	for (i = 1; i < NHOLD; i++)
		ck_assert_pmt_ok(pmt_join(tids[i - 1], NULL));
	assert_took_turns(NHOLD);
	for (i = 0; i < NHOLD; i++)
		ck_assert_msg(regs_lost[i] == 0,
		    "thread %d lost registers across switches: s0-s11 mask "
		    "%#lx, fs0-fs11 mask %#lx",
		    i, regs_lost[i] & 0xfff, regs_lost[i] >> 12);
}
END_TEST

/* What a new thread found on entry. */
static unsigned seen_fcsr = ~0u;

static void *
record_fcsr(void *arg)
{
	seen_fcsr = get_fcsr();
	return arg;
}

START_TEST(test_new_thread_inherits_creator_fcsr)
{
	unsigned fcsr0, want = rv_fcsr[3];
	pmt_t t;
	int rc;

	ck_assert_int_eq(pmt_init(), 0);
	fcsr0 = get_fcsr();
	set_fcsr(want);
	/* Started at once, inside pmt_spawn(). */
	rc = test_spawn(&t, record_fcsr, NULL, 0, PMT_PRIO_DEFAULT + 1);
	set_fcsr(fcsr0);
	ck_assert_pmt_ok(rc);
	ck_assert_uint_eq(seen_fcsr, want);
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

/* The fcsr is the creator's at the time of pmt_spawn(), as with
 * pthread_create(): a change the creator makes before the new thread first
 * runs is its own. */
START_TEST(test_new_thread_inherits_fcsr_of_spawn_time)
{
	unsigned fcsr0, now;
	pmt_t t;
	int rc;

	ck_assert_int_eq(pmt_init(), 0);
	fcsr0 = get_fcsr();
	set_fcsr(rv_fcsr[2]);
	rc = test_spawn(&t, record_fcsr, NULL, 0, PMT_PRIO_DEFAULT);
	set_fcsr(rv_fcsr[4]);
	if (rc == 0)
		rc = pmt_yield();
	now = get_fcsr();
	set_fcsr(fcsr0);
	ck_assert_pmt_ok(rc);
	ck_assert_uint_eq(seen_fcsr, rv_fcsr[2]);
	ck_assert_uint_eq(now, rv_fcsr[4]);
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

/*
 * Under a 100 us tick: busy threads, one per mode, check fcsr and their
 * arithmetic on every pass, and now and then yield, so that threads
 * parked by a tick (whose fcsr the kernel keeps in the signal frame) and
 * by a yield (whose fcsr the switch keeps) resume each other.  They run
 * until each has had 20 turns and 20 ticks have switched threads, or
 * give up after RV_GIVE_UP_MS.
 */
#define RV_GIVE_UP_MS 5000
#define RV_TIMEOUT 30
static volatile int rv_stop, rv_gave_up;
static uint64_t rv_deadline;

static uint64_t
preemptions_now(void)
{
	struct pmt_stats st;

	if (pmt_stats(&st) != 0)
		return 0;
	return st.preemptions;
}

static void *
fcsr_spinner(void *arg)
{
	int n = (int)(uintptr_t)arg;
	unsigned long pass = 0;

	set_fcsr(rv_fcsr[n]);
	while (!rv_stop) {
		if (get_fcsr() != rv_fcsr[n])
			rv_fcsr_wrong[n]++;
		if (!rv_same(rv_compute(), rv_expected[n]))
			rv_result_wrong[n]++;
		set_fcsr(rv_fcsr[n]); /* without the inexact flag again */
		if (++pass % 256 == 0) {
			pmt_yield();
			if (get_fcsr() != rv_fcsr[n])
				rv_fcsr_wrong[n]++;
		}
		if (test_turn(n) && test_min_turns(0, RV_NMODES) >= 20 &&
		    preemptions_now() >= 20)
			rv_stop = 1;
		if (pass % 1024 == 0 && test_expired(rv_deadline)) {
			rv_gave_up = 1;
			rv_stop = 1;
		}
	}
	return NULL;
}

START_TEST(test_fcsr_is_kept_per_thread_under_preemption)
{
	pmt_t tids[RV_NMODES];
	unsigned fcsr0;
	int i;

	ck_assert_int_eq(pmt_init(), 0);
	fcsr0 = get_fcsr();
	rv_compute_expected();
	rv_deadline = test_deadline_ms(RV_GIVE_UP_MS * TEST_SLOWDOWN);
	for (i = 0; i < RV_NMODES; i++)
		ck_assert_pmt_ok(test_spawn(
		    &tids[i], fcsr_spinner, PTR(i), i, PMT_PRIO_DEFAULT - 1));
	ck_assert_pmt_ok(pmt_preempt_start(100, 0));
	for (i = 0; i < RV_NMODES; i++)
		ck_assert_pmt_ok(pmt_join(tids[i], NULL));
	ck_assert_pmt_ok(pmt_preempt_stop());
	ck_assert_uint_eq(get_fcsr(), fcsr0);
	ck_assert_msg(!rv_gave_up,
	    "the threads did not take 20 turns each and 20 preemptions in "
	    "%d ms",
	    RV_GIVE_UP_MS);
	ck_assert_uint_ge(preemptions_now(), 20);
	rv_assert_fcsr_kept();
}
END_TEST
#endif /* __riscv */

#if defined(__aarch64__)
/* ---------------------------------------------------------------- aarch64 */

/* FPCR fields (Arm Architecture Reference Manual, FPCR): the rounding mode
 * in bits 22-23, flush-to-zero in 24, default NaN in 25. */
#define FPCR_RMODE (UINT64_C(3) << 22)
#define FPCR_RN (UINT64_C(0) << 22) /* to nearest */
#define FPCR_RP (UINT64_C(1) << 22) /* toward plus infinity */
#define FPCR_RM (UINT64_C(2) << 22) /* toward minus infinity */
#define FPCR_RZ (UINT64_C(3) << 22) /* toward zero */
#define FPCR_FZ (UINT64_C(1) << 24)
#define FPCR_DN (UINT64_C(1) << 25)

static uint64_t
get_fpcr(void)
{
	uint64_t v;

	__asm__ __volatile__("mrs %0, fpcr" : "=r"(v) : : "memory");
	return v;
}

static void
set_fpcr(uint64_t v)
{
	__asm__ __volatile__("msr fpcr, %0" : : "r"(v) : "memory");
}

/* The FPCR of the thread, with the rounding mode, FZ and DN replaced. */
static uint64_t
fpcr_with(uint64_t bits)
{
	return (get_fpcr() & ~(FPCR_RMODE | FPCR_FZ | FPCR_DN)) | bits;
}

/*
 * What the FPCR does to arithmetic, worked out at run time under the
 * FPCR in force (the operands are volatile): three quotients that tell
 * the four rounding modes apart (to nearest, 1/3 and -1/3 round down in
 * magnitude and 1/10 rounds up), the smallest normal number over 4,
 * which flush-to-zero makes 0, and the bits of a NaN with a payload plus
 * 1, which default NaN makes the default NaN.
 */
static volatile double a64_one = 1.0, a64_three = 3.0, a64_ten = 10.0;
static volatile double a64_four = 4.0, a64_min_normal = 0x1p-1022;
static volatile uint64_t a64_payload_nan = UINT64_C(0x7ff8000000000123);

struct fp_effect {
	double third, tenth, minus_third, tiny;
	uint64_t nan;
};

static struct fp_effect
fp_effect(void)
{
	struct fp_effect e;
	volatile double r;
	uint64_t bits = a64_payload_nan;
	double d;

	r = a64_one / a64_three;
	e.third = r;
	r = a64_one / a64_ten;
	e.tenth = r;
	r = -a64_one / a64_three;
	e.minus_third = r;
	r = a64_min_normal / a64_four;
	e.tiny = r;
	memcpy(&d, &bits, sizeof d);
	r = d + a64_one;
	d = r;
	memcpy(&e.nan, &d, sizeof e.nan);
	return e;
}

static int
same_effect(struct fp_effect a, struct fp_effect b)
{
	return a.third == b.third && a.tenth == b.tenth &&
	       a.minus_third == b.minus_third && a.tiny == b.tiny &&
	       a.nan == b.nan;
}

/* A thread's FPCR, what it does, and the turns it found either wrong. */
#define NFPCR 4
struct fpcr_holder {
	uint64_t fpcr;
	struct fp_effect effect;
	unsigned long wrong, passes;
};

static struct fpcr_holder fpcr_holders[NFPCR];

/*
 * Gives each of NFPCR threads an FPCR of its own, every rounding mode and
 * FZ and DN both on and off among them, and works out on the calling
 * thread what each does; checks that each reads back as written and that
 * they differ pairwise in effect, or the test could not tell them apart.
 */
static void
prepare_fpcr_holders(void)
{
	static const uint64_t bits[NFPCR] = {FPCR_RZ, FPCR_RP | FPCR_FZ,
	    FPCR_RM | FPCR_DN, FPCR_RN | FPCR_FZ | FPCR_DN};
	uint64_t saved = get_fpcr();
	int i, j;

	for (i = 0; i < NFPCR; i++) {
		fpcr_holders[i].fpcr = fpcr_with(bits[i]);
		set_fpcr(fpcr_holders[i].fpcr);
		ck_assert_uint_eq(get_fpcr(), fpcr_holders[i].fpcr);
		fpcr_holders[i].effect = fp_effect();
	}
	set_fpcr(saved);
	for (i = 0; i < NFPCR; i++)
		for (j = 0; j < i; j++)
			ck_assert_msg(!same_effect(fpcr_holders[i].effect,
			                  fpcr_holders[j].effect),
			    "FPCR 0x%lx and 0x%lx compute alike: the CPU (or "
			    "its emulator) ignores FPCR bits",
			    (unsigned long)fpcr_holders[j].fpcr,
			    (unsigned long)fpcr_holders[i].fpcr);
}

/* 1 when the FPCR and the arithmetic are holder h's. */
static int
fpcr_is(const struct fpcr_holder *h)
{
	return get_fpcr() == h->fpcr && same_effect(fp_effect(), h->effect);
}

static void
assert_fpcr_holders_never_wrong(void)
{
	int i;

	for (i = 0; i < NFPCR; i++)
		ck_assert_msg(fpcr_holders[i].wrong == 0,
		    "thread %d: FPCR 0x%lx wrong %lu of %lu times", i,
		    (unsigned long)fpcr_holders[i].fpcr, fpcr_holders[i].wrong,
		    fpcr_holders[i].passes);
}

/* Sets its FPCR, then checks it on every turn. */
static void
hold_fpcr(struct fpcr_holder *h)
{
	int i;

	set_fpcr(h->fpcr);
	for (i = 0; i < NTURNS; i++) {
		pmt_yield();
		h->passes++;
		if (!fpcr_is(h))
			h->wrong++;
	}
}

static void *
fpcr_thread(void *arg)
{
	hold_fpcr(arg);
	return NULL;
}

START_TEST(test_fpcr_is_kept_per_thread_across_yields)
{
	pmt_t tids[NFPCR - 1];
	uint64_t fpcr0;
	int i;

	ck_assert_int_eq(pmt_init(), 0);
	fpcr0 = get_fpcr();
	prepare_fpcr_holders();
	for (i = 1; i < NFPCR; i++)
		ck_assert_pmt_ok(test_spawn(&tids[i - 1], fpcr_thread,
		    &fpcr_holders[i], i, PMT_PRIO_DEFAULT));
	hold_fpcr(&fpcr_holders[0]); /* main rounds toward zero */
	for (i = 1; i < NFPCR; i++)
		ck_assert_pmt_ok(pmt_join(tids[i - 1], NULL));
	ck_assert_uint_eq(get_fpcr(), fpcr_holders[0].fpcr);
	set_fpcr(fpcr0);
	assert_took_turns(NFPCR);
	assert_fpcr_holders_never_wrong();
}
END_TEST

/*
 * The same under a 100 us tick, the threads busy: a tick parks a thread
 * inside its handler, where the kernel's signal frame holds its FPCR, and
 * a yield now and then parks it in the switch, which holds it; threads
 * parked either way resume each other.  They run until each has had 20
 * turns and the tick has preempted threads 20 times.
 */
#define FPCR_TICK_TURNS 20
#define FPCR_GIVE_UP_MS 5000
static volatile int fpcr_stop, fpcr_gave_up;
static uint64_t fpcr_deadline;

static uint64_t
preemptions_now(void)
{
	struct pmt_stats st;

	if (pmt_stats(&st) != 0)
		return 0;
	return st.preemptions;
}

static void *
fpcr_busy_thread(void *arg)
{
	int me = (int)(uintptr_t)arg;
	struct fpcr_holder *h = &fpcr_holders[me];

	set_fpcr(h->fpcr);
	while (!fpcr_stop) {
		h->passes++;
		if (!fpcr_is(h))
			h->wrong++;
		if (h->passes % 64 == 0) {
			pmt_yield();
			if (!fpcr_is(h))
				h->wrong++;
		}
		if (test_turn(me) &&
		    test_min_turns(0, NFPCR) >= FPCR_TICK_TURNS &&
		    preemptions_now() >= FPCR_TICK_TURNS)
			fpcr_stop = 1;
		if (h->passes % 1024 == 0 && test_expired(fpcr_deadline)) {
			fpcr_gave_up = 1;
			fpcr_stop = 1;
		}
	}
	return NULL;
}

START_TEST(test_fpcr_is_kept_per_thread_under_the_tick)
{
	pmt_t tids[NFPCR];
	int i;

	ck_assert_int_eq(pmt_init(), 0);
	prepare_fpcr_holders();
	fpcr_deadline = test_deadline_ms(FPCR_GIVE_UP_MS);
	for (i = 0; i < NFPCR; i++)
		ck_assert_pmt_ok(test_spawn(&tids[i], fpcr_busy_thread, PTR(i),
		    i, PMT_PRIO_DEFAULT - 1));
	ck_assert_pmt_ok(pmt_preempt_start(100, 0));
	for (i = 0; i < NFPCR; i++)
		ck_assert_pmt_ok(pmt_join(tids[i], NULL));
	ck_assert_pmt_ok(pmt_preempt_stop());
	ck_assert_msg(!fpcr_gave_up,
	    "the threads did not take %d turns each in %d ms", FPCR_TICK_TURNS,
	    FPCR_GIVE_UP_MS);
	ck_assert_uint_ge(test_min_turns(0, NFPCR), FPCR_TICK_TURNS);
	ck_assert_uint_ge(preemptions_now(), FPCR_TICK_TURNS);
	assert_fpcr_holders_never_wrong();
}
END_TEST

/* What a new thread found on entry. */
static uint64_t seen_fpcr;

static void *
record_fpcr(void *arg)
{
	seen_fpcr = get_fpcr();
	return arg;
}

START_TEST(test_new_thread_inherits_creator_fpcr)
{
	pmt_t t;
	uint64_t fpcr0, mine;
	int rc;

	ck_assert_int_eq(pmt_init(), 0);
	fpcr0 = get_fpcr();
	mine = fpcr_with(FPCR_RP | FPCR_FZ | FPCR_DN);
	set_fpcr(mine);
	rc = test_spawn(&t, record_fpcr, NULL, 0, PMT_PRIO_DEFAULT + 1);
	set_fpcr(fpcr0);
	ck_assert_pmt_ok(rc);
	ck_assert_uint_eq(seen_fpcr, mine);
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

/* The FPCR is the creator's at the time of pmt_spawn(), as with
 * pthread_create(): a change the creator makes before the new thread
 * first runs is its own. */
START_TEST(test_new_thread_inherits_fpcr_of_spawn_time)
{
	pmt_t t;
	uint64_t fpcr0, at_spawn, after, mine;
	int rc;

	ck_assert_int_eq(pmt_init(), 0);
	fpcr0 = get_fpcr();
	at_spawn = fpcr_with(FPCR_RM);
	after = fpcr_with(FPCR_RP | FPCR_DN);
	set_fpcr(at_spawn);
	rc = test_spawn(&t, record_fpcr, NULL, 0, PMT_PRIO_DEFAULT);
	set_fpcr(after);
	if (rc == 0)
		rc = pmt_yield();
	mine = get_fpcr();
	set_fpcr(fpcr0);
	ck_assert_pmt_ok(rc);
	ck_assert_uint_eq(seen_fpcr, at_spawn);
	ck_assert_uint_eq(mine, after);
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

/* tests/context-aarch64.S: loads x19-x28 and d8-d15 with values made
 * from seed, calls fn(arg), and returns how many came back different
 * (x29 included). */
unsigned long test_hold_registers(uint64_t seed, void (*fn)(void *), void *arg);

/* A seed of its own for each thread and call: thread n's values differ
 * from every other thread's in bits 40 and up, each call's in bits 8-39. */
static uint64_t
reg_seed(int thread, int call)
{
	return ((uint64_t)(thread + 1) << 40) | ((uint64_t)call << 8);
}

#define NREGS 4
static unsigned long regs_wrong[NREGS];

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
		regs_wrong[me] +=
		    test_hold_registers(reg_seed(me, i), yield_in, NULL);
}

static void *
regs_yield_thread(void *arg)
{
	hold_registers_yielding((int)(uintptr_t)arg);
	return NULL;
}

static void
assert_registers_never_wrong(void)
{
	int i;

	for (i = 0; i < NREGS; i++)
		ck_assert_msg(regs_wrong[i] == 0,
		    "thread %d: %lu callee-saved registers came back wrong", i,
		    regs_wrong[i]);
}

/* pmt_yield() switches by pmt_arch_switch_return(); the threads start
 * through the trampoline, each with its registers free to hold. */
START_TEST(test_callee_saved_registers_are_kept_across_yields)
{
	pmt_t tids[NREGS - 1];
	int i;

	ck_assert_int_eq(pmt_init(), 0);
	for (i = 1; i < NREGS; i++)
		ck_assert_pmt_ok(test_spawn(&tids[i - 1], regs_yield_thread,
		    PTR(i), i, PMT_PRIO_DEFAULT));
	hold_registers_yielding(0);
	for (i = 1; i < NREGS; i++)
		ck_assert_pmt_ok(pmt_join(tids[i - 1], NULL));
	assert_took_turns(NREGS);
	assert_registers_never_wrong();
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
		regs_wrong[me] +=
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
	regs_wrong[0] =
	    test_hold_registers(reg_seed(0, 0), join_relay_in, NULL);
	ck_assert_pmt_ok(relay_join_error);
	assert_took_turns(NREGS - 1);
	assert_registers_never_wrong();
}
END_TEST
#endif /* __aarch64__ */

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

#if defined(__x86_64__)
	tc = tcase_create("fp_x86_64");
	/* Valgrind's CPU computes as if these were not set. */
	test_add_unless(tc, test_rounding_mode_is_kept_per_thread_across_yields,
	    TEST_UNDER_VALGRIND("Valgrind rounds SSE arithmetic to nearest "
	                        "whatever the rounding mode"));
	test_add_unless(tc, test_mxcsr_and_x87_control_word_are_kept_per_thread,
	    TEST_UNDER_VALGRIND("Valgrind keeps neither the x87 precision "
	                        "control nor MXCSR's flush-to-zero and "
	                        "denormals-are-zero bits"));
	tcase_add_test(tc, test_new_thread_inherits_creator_fp_control_state);
	tcase_add_test(tc, test_new_thread_inherits_fp_state_of_spawn_time);
	suite_add_tcase(s, tc);
#endif

#if defined(__riscv)
	tc = tcase_create("fp_riscv64");
	tcase_add_test(tc,
	    test_fcsr_rounding_mode_and_flags_are_kept_per_thread_across_yields);
	tcase_add_test(
	    tc, test_exception_flags_stay_with_the_thread_that_raised_them);
	tcase_add_test(tc, test_new_thread_inherits_creator_fcsr);
	tcase_add_test(tc, test_new_thread_inherits_fcsr_of_spawn_time);
	suite_add_tcase(s, tc);

	tc = tcase_create("regs_riscv64");
	tcase_add_test(
	    tc, test_callee_saved_registers_are_kept_across_switches);
	suite_add_tcase(s, tc);

	if (PMT_TEST_PREEMPTION) {
		tc = tcase_create("fp_riscv64_tick");
		tcase_set_timeout(tc, RV_TIMEOUT * TEST_SLOWDOWN);
		tcase_add_test(
		    tc, test_fcsr_is_kept_per_thread_under_preemption);
		suite_add_tcase(s, tc);
	}
#endif
#if defined(__aarch64__)
	tc = tcase_create("fp_aarch64");
	tcase_add_test(tc, test_fpcr_is_kept_per_thread_across_yields);
	tcase_add_test(tc, test_new_thread_inherits_creator_fpcr);
	tcase_add_test(tc, test_new_thread_inherits_fpcr_of_spawn_time);
	suite_add_tcase(s, tc);

	if (PMT_TEST_PREEMPTION) {
		tc = tcase_create("fp_aarch64_tick");
		tcase_set_timeout(tc, 30);
		tcase_add_test(tc, test_fpcr_is_kept_per_thread_under_the_tick);
		suite_add_tcase(s, tc);
	}

	tc = tcase_create("registers_aarch64");
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
