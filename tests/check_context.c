/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * check_context.c - unit tests of the per-thread execution context kept
 * across switches: errno, on x86_64 the rounding mode, the MXCSR control
 * bits and the x87 control word, and in a build with AddressSanitizer
 * its idea of the running thread's stack.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#if defined(__x86_64__)
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
