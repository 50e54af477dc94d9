/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * testutil.h - helpers shared by the Check unit tests: assertions that name
 * libpmt errors, a pool of thread stacks, an event log that threads write
 * and test bodies check, deadlines and turn counters for the preemption
 * tests, and the suite runner.
 */
#ifndef PMT_TESTUTIL_H
#define PMT_TESTUTIL_H

#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>
#ifdef HAVE_VALGRIND_VALGRIND_H
#include <valgrind/valgrind.h>
#include <valgrind/memcheck.h>
#endif

/* TEST_ASAN: built with AddressSanitizer (./configure --enable-sanitizers). */
#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif
#ifdef TEST_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/lsan_interface.h>
#else
#define TEST_ASAN 0
#endif

#include <pmt.h>

/* expr returns 0; on failure the message names the error. */
#define ck_assert_pmt_ok(expr) ck_assert_pmt_eq((expr), 0)

/* expr returns the libpmt code want (0 or a PMT_E* value). */
#define ck_assert_pmt_eq(expr, want)                                           \
	do {                                                                   \
		int ck_pmt_got_ = (expr), ck_pmt_want_ = (want);               \
		ck_assert_msg(ck_pmt_got_ == ck_pmt_want_,                     \
		    "%s returned %d (%s), expected %d (%s)", #expr,            \
		    ck_pmt_got_, pmt_strerror(ck_pmt_got_), ck_pmt_want_,      \
		    pmt_strerror(ck_pmt_want_));                               \
	} while (0)

/*
 * Stacks.  TEST_NSTACKS stacks of TEST_STACK_SIZE bytes, room to spare over
 * pmt_stack_min() on machines with large signal frames.  Tests that need
 * many or exactly minimal stacks cut the pool into slices with
 * test_stack_slice() instead.
 */
#define TEST_STACK_SIZE (16384 * 4)
#define TEST_NSTACKS 32
PMT_STACK_DEFINE(test_stacks[TEST_NSTACKS], TEST_STACK_SIZE);

/* Slice i of the pool when it is cut into pieces of size bytes (a multiple
 * of PMT_STACK_ALIGN), or NULL when the pool has no slice i. */
static inline void *
test_stack_slice(size_t i, size_t size)
{
	if (size == 0 || i >= sizeof test_stacks / size)
		return NULL;
	return (unsigned char *)test_stacks + i * size;
}

/* pmt_spawn() on stack i of the pool. */
static inline int
test_spawn(pmt_t *tid, void *(*entry)(void *), void *arg, int stack, int prio)
{
	return pmt_spawn(tid, entry, arg, test_stacks[stack],
	    sizeof test_stacks[stack], prio);
}

/*
 * pmt_spawn() on slice i (0..7) of the pool cut in eight, 256 KiB each:
 * for threads under a fast tick, where a stack may have to hold many
 * signal frames at once.
 */
#define TEST_BIG_STACKS 8
static inline int
test_spawn_big(pmt_t *tid, void *(*entry)(void *), void *arg, int i, int prio)
{
	size_t size = sizeof test_stacks / TEST_BIG_STACKS;

	return pmt_spawn(
	    tid, entry, arg, test_stack_slice((size_t)i, size), size, prio);
}

/*
 * Event log.  Threads append one character per event; the test body
 * compares the whole string once the threads are done, so a wrong order
 * shows in the failure message.  Ints 0..9 are logged as digits.
 */
#define TEST_LOG_MAX 4096
static char test_log_buf[TEST_LOG_MAX + 1];
static size_t test_log_len;

static inline void
test_log(char c)
{
	/* Overflow shows as a '!' at the end, which no expected log has. */
	if (test_log_len < TEST_LOG_MAX)
		test_log_buf[test_log_len++] = c;
	else
		test_log_buf[TEST_LOG_MAX - 1] = '!';
}

static inline void
test_log_int(int n)
{
	test_log(n >= 0 && n <= 9 ? (char)('0' + n) : '?');
}

#define ck_assert_log(expected) ck_assert_str_eq(test_log_buf, (expected))

/*
 * Deadlines.  A thread that waits for something preemption should bring
 * about (a spinner waiting for its turn) never waits forever: it checks a
 * deadline on the monotonic clock now and then, gives up, and records the
 * failure for the test body.  The deadline only bounds a broken run; no
 * test measures time with it.
 */
static inline uint64_t
test_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The deadline ms milliseconds from now. */
static inline uint64_t
test_deadline_ms(unsigned long ms)
{
	return test_now_ns() + (uint64_t)ms * 1000000u;
}

static inline int
test_expired(uint64_t deadline)
{
	return test_now_ns() >= deadline;
}

/*
 * Turns.  Busy threads never yield, so the only sign that preemption
 * works is that they take turns: each calls test_turn() with its own
 * number (0..TEST_MAX_TURNERS-1) on every pass of its loop, and a pass
 * that finds another thread's number in test_runner starts a new turn.
 */
#define TEST_MAX_TURNERS 16
static volatile int test_runner = -1;
static volatile unsigned long test_turns[TEST_MAX_TURNERS];

/* Records that thread me runs; 1 when this starts a new turn of it. */
static inline int
test_turn(int me)
{
	if (test_runner == me)
		return 0;
	test_runner = me;
	test_turns[me]++;
	return 1;
}

/* The fewest turns any of threads first..first+n-1 has had. */
static inline unsigned long
test_min_turns(int first, int n)
{
	unsigned long min = (unsigned long)-1;
	int i;

	for (i = first; i < first + n; i++)
		if (test_turns[i] < min)
			min = test_turns[i];
	return min;
}

/*
 * 1 where the POSIX port reads the interrupted program counter from the
 * tick's ucontext, so PMT_PREEMPT_SAFEPC works (lib/posix/preempt.c).
 */
#if defined(__linux__) &&                                                      \
    (defined(__x86_64__) || defined(__aarch64__) || defined(__riscv))
#define TEST_SAFEPC 1
#endif
#ifndef TEST_SAFEPC
#define TEST_SAFEPC 0
#endif

/* 1 when the library was built with preemption (make check says so). */
#ifndef PMT_TEST_PREEMPTION
#define PMT_TEST_PREEMPTION 1
#endif

/*
 * For a suite that needs the tick, in a build without preemption: the
 * calls must say PMT_ENOSYS, and then the suite is skipped (status 77).
 */
static inline int
test_skip_without_preemption(void)
{
	if (pmt_init() != 0 ||
	    pmt_preempt_start(PMT_PREEMPT_DEFAULT_USEC, 0) != PMT_ENOSYS ||
	    pmt_preempt_stop() != PMT_ENOSYS) {
		printf("FAIL: a build without preemption must answer "
		       "PMT_ENOSYS\n");
		return EXIT_FAILURE;
	}
	printf("SKIP: built without preemption (PMT_ENOSYS)\n");
	return 77;
}

/*
 * Valgrind (make check-valgrind).  memcheck runs the program on an
 * emulated CPU and delivers signals itself, and a few things some tests
 * check are beyond its emulation; those tests are left out under it, each
 * with a line that says why.  Tests that run until a fixed number of
 * events have come use fewer events under it (it delivers ticks at a few
 * hundred to a few thousand a second), and the deadlines that bound a
 * broken run are longer; what they assert stays the same.
 */
static inline int
test_on_valgrind(void)
{
#ifdef HAVE_VALGRIND_VALGRIND_H
	return RUNNING_ON_VALGRIND != 0;
#else
	return 0;
#endif
}

/* How many times slower than native a run may be: deadlines that bound
 * a broken run are this much longer. */
#define TEST_SLOWDOWN (test_on_valgrind() ? 4 : 1)

/* why, when under Valgrind; NULL otherwise: for test_add_unless(). */
#define TEST_UNDER_VALGRIND(why) (test_on_valgrind() ? (why) : NULL)

/*
 * tcase_add_test(tc, tf), unless why is a reason not to run tf here
 * (not NULL): then a line "SKIP: tf: why" says so.  Called while the
 * suite is built, before any test forks.
 */
#define test_add_unless(tc, tf, why)                                           \
	do {                                                                   \
		const char *test_why_ = (why);                                 \
		if (test_why_ == NULL) {                                       \
			tcase_add_test((tc), tf);                              \
		} else {                                                       \
			printf("SKIP: %s: %s\n", #tf, test_why_);              \
			fflush(stdout);                                        \
		}                                                              \
	} while (0)

/*
 * The memory of stack [lo, lo + size), whose thread has been joined, is
 * the test's to read again.  Valgrind marks the part of a stack that a
 * thread's frames used and left as inaccessible (below the stack
 * pointer); a test that reads a stack back to see how deep it was written
 * says first that it does so on purpose.  Nothing outside Valgrind.
 */
static inline void
test_stack_reclaim(const void *lo, size_t size)
{
	/* Unused where valgrind.h compiles its requests to nothing, on a CPU
	 * Valgrind does not run on (riscv64 in Valgrind 3.19). */
	(void)lo;
	(void)size;
#ifdef HAVE_VALGRIND_VALGRIND_H
	VALGRIND_MAKE_MEM_DEFINED(lo, size);
#endif
}

/*
 * AddressSanitizer's leak check now, rather than at exit, for a test whose
 * main thread ends with pmt_exit().  The check at exit scans the stack of
 * the thread that ends the process, not the main thread's, which is where
 * Check keeps what it allocated; a finished thread's stack is dead to it,
 * as it is to the program.  Nothing outside a sanitized build.
 */
static inline void
test_leak_check_now(void)
{
#if TEST_ASAN
	__lsan_do_leak_check();
#endif
}

#if TEST_ASAN
/*
 * Does AddressSanitizer know the stack the caller runs on (lib/fiber.h)?
 * Before a call that does not return, ASan clears its marks from the
 * stack pointer to the top of the stack it believes the program is on;
 * with a wrong idea of that stack it clears nothing, or the wrong memory.
 * This marks a word of the caller's frame (its saved frame pointer, which
 * no checked access reads), has ASan prepare for such a call, and
 * reports whether the mark went; it removes the mark either way.
 */
static inline int
test_asan_cleared(void *mark)
{
	int poisoned;

	__asan_poison_memory_region(mark, sizeof(void *));
	__asan_handle_no_return();
	poisoned = __asan_address_is_poisoned(mark);
	__asan_unpoison_memory_region(mark, sizeof(void *));
	return !poisoned;
}

#define test_asan_knows_my_stack() test_asan_cleared(__builtin_frame_address(0))
#endif

/*
 * Suite runner for main(): fork mode, so that every test gets a fresh
 * process (and a fresh scheduler), unless CK_FORK=no asks otherwise, to
 * debug one test case in gdb (HACKING).
 */
static inline int
test_run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_set_fork_status(sr, CK_FORK_GETENV);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif /* PMT_TESTUTIL_H */
