/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * check_stack.c - unit tests of stack overflow detection and thread names:
 * each layer (guard value, stack pointer range check at switches and
 * ticks, guard page), what happens to a thread found overflowed (its join
 * result, its joiner, a detached one, the hook), pmt_stack_check(),
 * pmt_stack_info() and its high-water mark, pmt_stack_setflags(), and
 * pmt_setname()/pmt_getname() with every error code.
 *
 * Stacks: the pool's 64 KiB stacks are contiguous, so stack i + 1 lies
 * right above stack i; a thread that overflows stack OVF runs into stack
 * BELOW, which no thread uses and which the tests fill with a pattern to
 * see what was written there.  Crash cases (guard pages) run in a child
 * process whose standard error and exit status the test reads, or as
 * Check's signal tests.
 */
#include <config.h>

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "busyutil.h"

#if TEST_ASAN
/*
 * AddressSanitizer's defaults for this program (ASAN_OPTIONS overrides
 * them): no SIGSEGV handler and no alternate signal stack of its own, so
 * that the guard page tests meet the SIGSEGV disposition and the
 * alternate stack of a program without ASan.  Its handler would take
 * every fault the library passes on, and report it; a stack overflow is
 * this suite's to find.
 */
const char *__asan_default_options(void);

const char *
__asan_default_options(void)
{
	return "handle_segv=0:use_sigaltstack=0";
}
#endif

#define PTR(n) ((void *)(uintptr_t)(n))
#define BELOW 2 /* the stack below the one that overflows */
#define OVF 3   /* the stack that overflows */
#define PAGE 4096
#define NEIGHBOUR_FILL 0x3c

/* ---------------------------------------------------------------- helpers */

/* The hook's record of every call. */
#define MAX_SEEN 8
static struct pmt_overflow seen[MAX_SEEN];
static char seen_name[MAX_SEEN][PMT_NAME_MAX];
static int nseen;

static void
record_hook(const struct pmt_overflow *ov)
{
	if (nseen < MAX_SEEN) {
		seen[nseen] = *ov;
		if (ov->name != NULL)
			snprintf(
			    seen_name[nseen], PMT_NAME_MAX, "%s", ov->name);
	}
	nseen++;
}

/* The calling thread's guard value: the lowest word it may use. */
static volatile uint64_t *
my_guard_value(void)
{
	struct pmt_stack_info in;
	unsigned char *guard;

	if (pmt_stack_info(pmt_self(), &in) != 0)
		return NULL;
	guard = (unsigned char *)in.base;
	if ((in.flags & PMT_STACK_GUARD) != 0)
		guard += PAGE;
	return (volatile uint64_t *)(void *)guard;
}

/* Keeps p, and what it points to, in the compiler's eyes. */
static void
escape(void *p)
{
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

static void
fill_below(void)
{
	memset(test_stacks[BELOW], NEIGHBOUR_FILL, TEST_STACK_SIZE);
}

/* How many bytes of stack BELOW are no longer the fill.  An overflow's
 * frames may have been there, which the test reads on purpose. */
static size_t
below_written(void)
{
	size_t i, n = 0;

	test_stack_reclaim(test_stacks[BELOW], TEST_STACK_SIZE);
	for (i = 0; i < TEST_STACK_SIZE; i++)
		n += test_stacks[BELOW][i] != NEIGHBOUR_FILL;
	return n;
}

static void
no_core_dumps(void)
{
	struct rlimit none = {0, 0};

	setrlimit(RLIMIT_CORE, &none);
}

/*
 * Under an emulator (a cross build's TEST_WRAPPER), qemu-user itself
 * writes a line to standard error when a signal kills the program it
 * runs, "qemu: uncaught target signal 11 (Segmentation fault) - core
 * dumped", even with core dumps off: the emulator's words, not the
 * program's, so they are taken out of what the program wrote.
 */
#define EMULATOR_KILL_NOTE "qemu: uncaught target signal "

static void
drop_emulator_note(char *out)
{
	const char *wrapper = getenv("TEST_WRAPPER");
	char *p = out, *end;

	if (wrapper == NULL || *wrapper == '\0')
		return;
	while ((p = strstr(p, EMULATOR_KILL_NOTE)) != NULL) {
		if (p != out && p[-1] != '\n') {
			p++;
			continue;
		}
		end = strchr(p, '\n');
		end = end != NULL ? end + 1 : p + strlen(p);
		memmove(p, end, strlen(end) + 1);
	}
}

/*
 * Runs fn in a child process with its standard output and error going to
 * out (NUL-terminated, cut at cap); returns the wait status.
 */
static int
run_child(void (*fn)(void), char *out, size_t cap)
{
	int fd[2], status = 0;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(pipe(fd), 0);
	fflush(NULL);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fd[0]);
		dup2(fd[1], STDOUT_FILENO);
		dup2(fd[1], STDERR_FILENO);
		no_core_dumps();
		fn();
		fflush(NULL);
		_exit(0);
	}
	close(fd[1]);
	while (len + 1 < cap && (n = read(fd[0], out + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(fd[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	drop_emulator_note(out);
	return status;
}

#define ck_assert_killed_by(status, sig)                                       \
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == (sig),        \
	    "child status %#x, expected death by signal %d", (status), (sig))

/* ---------------------------------------------------------------- threads */

static volatile int reached; /* a thread got past where it must stop */

static void *
return_arg_fn(void *arg)
{
	return arg;
}

/* Overwrites its own guard value, as a stray write would, then yields. */
static void *
smash_guard_then_yield(void *arg)
{
	*my_guard_value() = 0;
	pmt_yield();
	reached = 1;
	return arg;
}

/* Recurses with frames it fills until it is limit bytes past its stack's
 * end; returns how deep it went. */
static int
dig(uintptr_t limit, int depth)
{
	volatile uintptr_t words[16];
	int i, n = depth;

	for (i = 0; i < 16; i++)
		words[i] = (uintptr_t)depth;
	if ((uintptr_t)words > limit)
		n = dig(limit, depth + 1);
	escape((void *)words);
	return n + (int)(words[0] != (uintptr_t)depth);
}

/* Overwrites its own guard value and returns: pmt_exit() finds it. */
static void *
smash_then_return(void *arg)
{
	*my_guard_value() = 0;
	return arg;
}

/* The guard value at g now, read on purpose after the thread's stack
 * pointer went below it. */
static uint64_t
guard_now(volatile uint64_t *g)
{
	test_stack_reclaim((const void *)g, sizeof *g);
	return *g;
}

/* dig(), its frames moved shift bytes down. */
static __attribute__((noinline)) int
dig_shifted(uintptr_t limit, size_t shift)
{
	char *p = __builtin_alloca(shift + 1);

	escape(p);
	return dig(limit, 0);
}

/*
 * Deep recursion that runs 256 bytes past its stack's end, comes back and
 * yields: the switch finds the guard value overwritten.  The compiler may
 * leave a word of padding in a frame unwritten; if that word is the guard
 * value's, the recursion is run again with its frames moved, as a guard
 * value one word wide may be missed (pmt_stack_info(3)).
 */
static void *
recurse_past_end_then_yield(void *arg)
{
	volatile uint64_t *guard = my_guard_value();
	uint64_t intact = *guard;
	size_t shift;

	for (shift = 0; shift < 512 && guard_now(guard) == intact; shift += 16)
		reached = dig_shifted((uintptr_t)guard - 256, shift) < 0;
	pmt_yield();
	reached = 2;
	return arg;
}

/*
 * How far the calling function's frame lies above addr, an address below
 * it on the same stack.  The frame address, not a local's: under
 * AddressSanitizer's use-after-return check, locals live on a fake stack
 * elsewhere.
 */
#define FRAME_ABOVE(addr)                                                      \
	((size_t)((uintptr_t)__builtin_frame_address(0) - (addr)))

/* A frame larger than the room left: the stack pointer jumps past the
 * guard value without writing it, and the thread yields from down there. */
static uintptr_t range_sp;

static void *
jump_past_end_then_yield(void *arg)
{
	uintptr_t guard = (uintptr_t)my_guard_value();
	size_t n = FRAME_ABOVE(guard) + 1024;
	char *p = __builtin_alloca(n);

	range_sp = (uintptr_t)p;
	escape(p);
	pmt_yield();
	reached = 1;
	return arg;
}

/* Logs 'b' and finishes. */
static void *
log_b(void *arg)
{
	test_log('b');
	return arg;
}

/* Yields until stop; logs 'b' on its first run. */
static void *
yield_until_stop(void *arg)
{
	test_log('b');
	while (!stop)
		pmt_yield();
	return arg;
}

/* Busy recursion that never yields: each level spins a while, so that
 * ticks land at every depth.  It stops digging 16 KiB past its stack's
 * end, within stack BELOW, and spins there until it is stopped or gives
 * up. */
static uintptr_t busy_floor;

static void
busy_dig(unsigned long pass)
{
	volatile char buf[96];
	unsigned long i;

	memset((char *)buf, 1, sizeof buf);
	for (i = 0; i < 20000 && !stop; i++)
		buf[i % sizeof buf]++;
	if ((uintptr_t)buf > busy_floor && !stop)
		busy_dig(pass + 1);
	while (!stop && !overdue(++pass))
		;
	escape((void *)buf);
}

static void *
busy_recursion(void *arg)
{
	busy_floor = (uintptr_t)my_guard_value() - 16384;
	busy_dig(1);
	reached = 1;
	return arg;
}

/* Unbounded recursion with filled frames, never yielding (the limit
 * only keeps the compiler from calling it infinite). */
static volatile int plunge_limit = INT32_MAX;

static int
plunge(int depth)
{
	volatile char buf[256];

	memset((char *)buf, depth & 0xff, sizeof buf);
	if (depth >= plunge_limit)
		return 0;
	return plunge(depth + 1) + buf[depth % sizeof buf];
}

static void *
plunge_thread(void *arg)
{
	(void)arg;
	return PTR(plunge(0));
}

/*
 * A thread of the caller's priority that yields until stop, so that the
 * threads under test really switch when they yield (a yield with nobody
 * else ready does not switch, and so checks nothing).
 */
static pmt_t companion;

static void
start_companion(void)
{
	ck_assert_pmt_ok(test_spawn(
	    &companion, yield_until_stop, NULL, 0, PMT_PRIO_DEFAULT));
}

static void
stop_companion(void)
{
	stop = 1;
	ck_assert_pmt_ok(pmt_join(companion, NULL));
}

/* ---------------------------------------------------------------- canary */

START_TEST(test_switch_finds_overwritten_guard_value)
{
	pmt_t t;
	void *v = PTR(77);
	struct pmt_stack_info in;

	ck_assert_int_eq(pmt_init(), 0);
	pmt_set_overflow_hook(record_hook);
	ck_assert_pmt_ok(test_spawn(
	    &t, smash_guard_then_yield, PTR(5), OVF, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_setname(t, "smasher"));
	ck_assert_pmt_ok(pmt_stack_info(t, &in));
	start_companion();
	ck_assert_pmt_eq(pmt_join(t, &v), PMT_ESTACKOVF);
	stop_companion();
	ck_assert_int_eq(reached, 0);
	ck_assert_ptr_eq(v, PTR(77)); /* not written */
	ck_assert_int_eq(nseen, 1);
	ck_assert_uint_eq(seen[0].tid, t);
	ck_assert_str_eq(seen_name[0], "smasher");
	ck_assert_int_eq(seen[0].layer, PMT_OVERFLOW_CANARY);
	ck_assert_ptr_eq(seen[0].stack, test_stacks[OVF]);
	ck_assert_uint_eq(seen[0].size, TEST_STACK_SIZE);
	ck_assert_ptr_eq(seen[0].addr, test_stacks[OVF]);
	ck_assert_ptr_eq(in.base, test_stacks[OVF]);
	/* The join freed it. */
	ck_assert_pmt_eq(pmt_stack_check(t), PMT_ESRCH);
}
END_TEST

START_TEST(test_deep_recursion_found_by_guard_value_at_next_switch)
{
	struct pmt_stats st;
	pmt_t t;

	ck_assert_int_eq(pmt_init(), 0);
	pmt_set_overflow_hook(record_hook);
	fill_below();
	ck_assert_pmt_ok(test_spawn(
	    &t, recurse_past_end_then_yield, NULL, OVF, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_setname(t, "deep"));
	start_companion();
	ck_assert_pmt_eq(pmt_join(t, NULL), PMT_ESTACKOVF);
	stop_companion();
	ck_assert_int_eq(reached, 0);
	ck_assert_int_eq(nseen, 1);
	ck_assert_int_eq(seen[0].layer, PMT_OVERFLOW_CANARY);
	ck_assert_str_eq(seen_name[0], "deep");
	/* After the fact: it wrote past its stack, into the one below. */
	ck_assert_uint_gt(below_written(), 0);
	ck_assert_pmt_ok(pmt_stats(&st));
	ck_assert_uint_eq(st.threads, 1);
	ck_assert_uint_eq(st.exits, 2); /* it and the companion */
}
END_TEST

/* ---------------------------------------------------------------- range */

START_TEST(test_switch_finds_stack_pointer_past_the_end)
{
	pmt_t t;

	ck_assert_int_eq(pmt_init(), 0);
	pmt_set_overflow_hook(record_hook);
	ck_assert_pmt_ok(test_spawn(
	    &t, jump_past_end_then_yield, NULL, OVF, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_setname(t, "jumper"));
	start_companion();
	ck_assert_pmt_eq(pmt_join(t, NULL), PMT_ESTACKOVF);
	stop_companion();
	ck_assert_int_eq(reached, 0);
	ck_assert_int_eq(nseen, 1);
	ck_assert_int_eq(seen[0].layer, PMT_OVERFLOW_RANGE);
	ck_assert_str_eq(seen_name[0], "jumper");
	/* The stack pointer it had: below its stack, near the frame. */
	ck_assert_uint_lt((uintptr_t)seen[0].addr, (uintptr_t)test_stacks[OVF]);
	ck_assert_uint_lt(range_sp - (uintptr_t)seen[0].addr, 512);
	/* The guard value was jumped over, not written. */
	ck_assert_uint_eq(
	    *(uint64_t *)(void *)test_stacks[OVF], 0x5ca1ab1e0ddba115u);
}
END_TEST

/* ---------------------------------------------------------------- tick */

START_TEST(test_tick_finds_busy_recursion_that_never_yields)
{
	pmt_t t, other;

	ck_assert_int_eq(pmt_init(), 0);
	pmt_set_overflow_hook(record_hook);
	deadline = test_deadline_ms(GIVE_UP_MS);
	/* Below main, equals of each other: main waits in pmt_join(), and
	 * the tick shares the CPU between the two. */
	ck_assert_pmt_ok(test_spawn(&t, busy_recursion, NULL, OVF, 10));
	ck_assert_pmt_ok(pmt_setname(t, "busy"));
	ck_assert_pmt_ok(test_spawn(&other, spin_until_stopped, PTR(0), 0, 10));
	ck_assert_pmt_ok(pmt_preempt_start(100, 0));
	ck_assert_pmt_eq(pmt_join(t, NULL), PMT_ESTACKOVF);
	stop = 1;
	ck_assert_pmt_ok(pmt_join(other, NULL));
	ck_assert_pmt_ok(pmt_preempt_stop());
	assert_no_give_up();
	ck_assert_int_eq(reached, 0);
	ck_assert_int_eq(nseen, 1);
	ck_assert_str_eq(seen_name[0], "busy");
	ck_assert(seen[0].layer == PMT_OVERFLOW_RANGE ||
	          seen[0].layer == PMT_OVERFLOW_CANARY);
	ck_assert_uint_gt(ticks_now(), 0);
}
END_TEST

#if TEST_SAFEPC
/*
 * Only a tick sees this one: a frame far past the stack's end, and, while
 * it is there, one long memset() in the C library, where the port lets
 * every tick pass without a switch (PMT_PREEMPT_SAFEPC); then the thread
 * returns, its guard value intact, and no switch check would find
 * anything.  The tick's finding stops it where it next releases the
 * library's lock.
 */
#define LONG_MEMSET (64u << 20)
static unsigned char long_memset_buf[LONG_MEMSET];
static volatile int memset_done;

static __attribute__((noinline)) void
deep_frame_long_memset(uintptr_t guard, int c)
{
	size_t n = FRAME_ABOVE(guard) + 1024;
	char *p = __builtin_alloca(n);

	escape(p);
	memset(long_memset_buf, c, sizeof long_memset_buf);
	escape(long_memset_buf); /* or Clang drops the memset */
}

/* Stopped at its first unlock after the memset (in pmt_stats()). */
static void *
deep_while_in_libc(void *arg)
{
	uintptr_t guard = (uintptr_t)my_guard_value();

	/* Out of range only from the alloca to the memset's return. */
	deep_frame_long_memset(guard, 0x11);
	memset_done = 1;
	(void)ticks_now();
	reached = 1;
	return arg;
}

/*
 * A tick that comes as the memset ends may be taken only after its
 * return, in the program's own text, while the thread is still out of
 * range: that tick rightly stops the thread there, before it got back
 * in range, and the scenario runs again, up to TRIES times in all
 * (measured: 1 run in 100 stopped early natively, 7 under ASan).
 */
#define TRIES 5

START_TEST(test_tick_finding_stops_thread_that_got_back_in_range)
{
	pmt_t t, other;
	int tries;

	ck_assert_int_eq(pmt_init(), 0);
	pmt_set_overflow_hook(record_hook);
	deadline = test_deadline_ms(GIVE_UP_MS);
	ck_assert_pmt_ok(test_spawn(&other, spin_until_stopped, PTR(0), 0, 10));
	ck_assert_pmt_ok(pmt_preempt_start(100, PMT_PREEMPT_SAFEPC));
	for (tries = 0; tries < TRIES && !memset_done; tries++) {
		nseen = 0;
		ck_assert_pmt_ok(
		    test_spawn(&t, deep_while_in_libc, NULL, OVF, 10));
		ck_assert_pmt_eq(pmt_join(t, NULL), PMT_ESTACKOVF);
		ck_assert_int_eq(reached, 0);
		ck_assert_int_eq(nseen, 1);
		ck_assert_int_eq(seen[0].layer, PMT_OVERFLOW_RANGE);
		ck_assert_uint_lt(
		    (uintptr_t)seen[0].addr, (uintptr_t)test_stacks[OVF]);
	}
	stop = 1;
	ck_assert_pmt_ok(pmt_join(other, NULL));
	ck_assert_pmt_ok(pmt_preempt_stop());
	ck_assert_uint_gt(ticks_now(), 0);
	ck_assert_int_eq(memset_done, 1); /* it got back in range */
}
END_TEST
#endif

/* ---------------------------------------------------------------- guard page
 */

/* In the SIGSEGV handler: stack BELOW still holds its fill, the overflow
 * hook says so on standard output, then hands over to the default one. */
static pmt_overflow_hook_t default_hook;

static void
check_neighbour_hook(const struct pmt_overflow *ov)
{
	static const char yes[] = "neighbour intact\n",
	                  no[] = "neighbour hit\n";
	ssize_t n;

	n = below_written() == 0 ? write(STDOUT_FILENO, yes, sizeof yes - 1)
	                         : write(STDOUT_FILENO, no, sizeof no - 1);
	(void)n;
	default_hook(ov);
}

/* Child: unbounded recursion on a guarded stack. */
static pmt_t guard_tid;

static void
guard_scenario(void)
{
	if (pmt_init() != 0 || pmt_stack_setflags(PMT_STACK_GUARD) != 0)
		_exit(90);
	fill_below();
	default_hook = pmt_set_overflow_hook(check_neighbour_hook);
	if (test_spawn(&guard_tid, plunge_thread, NULL, OVF, PMT_PRIO_DEFAULT))
		_exit(91);
	pmt_setname(guard_tid, "plunger");
	printf("tid %u\n", (unsigned)guard_tid);
	fflush(stdout);
	pmt_join(guard_tid, NULL);
	_exit(92); /* never: the guard page ends the process */
}

START_TEST(test_guard_page_hit_names_thread_and_ends_with_sigsegv)
{
	char out[2048], want[128];
	unsigned tid = 0;
	int status;

	status = run_child(guard_scenario, out, sizeof out);
	ck_assert_killed_by(status, SIGSEGV);
	ck_assert_int_eq(sscanf(out, "tid %u", &tid), 1);
	ck_assert_ptr_nonnull(strstr(out, "neighbour intact\n"));
	snprintf(want, sizeof want,
	    "libpmt: stack overflow in thread %u \"plunger\" (65536-byte "
	    "stack at %p): fault at 0x",
	    tid, (void *)test_stacks[OVF]);
	ck_assert_msg(strstr(out, want) != NULL, "no '%s' in '%s'", want, out);
	ck_assert_ptr_nonnull(strstr(out, " in its guard page; terminating\n"));
}
END_TEST

START_TEST(test_guard_page_hit_is_a_sigsegv)
{
	pmt_t t;

	no_core_dumps();
	ck_assert_int_eq(pmt_init(), 0);
	pmt_set_overflow_hook(record_hook); /* quiet */
	ck_assert_pmt_ok(pmt_stack_setflags(PMT_STACK_GUARD));
	ck_assert_pmt_ok(
	    test_spawn(&t, plunge_thread, NULL, OVF, PMT_PRIO_DEFAULT));
	pmt_join(t, NULL);
	ck_abort_msg("the thread ran through its guard page");
}
END_TEST

/* Child: busy recursion on a guarded stack under a 50 us tick: the
 * fault comes from the recursion or from a tick's signal frame. */
static void
guard_tick_scenario(void)
{
	pmt_t t, other;

	if (pmt_init() != 0 || pmt_stack_setflags(PMT_STACK_GUARD) != 0)
		_exit(90);
	deadline = test_deadline_ms(GIVE_UP_MS);
	busy_floor = 0;
	if (test_spawn(&t, plunge_thread, NULL, OVF, 10) != 0 ||
	    test_spawn(&other, spin_until_stopped, PTR(0), 0, 10) != 0 ||
	    pmt_setname(t, "ticked") != 0 ||
	    pmt_preempt_start(PMT_PREEMPT_MIN_USEC, 0) != 0)
		_exit(91);
	pmt_join(t, NULL);
	_exit(92);
}

START_TEST(test_guard_page_hit_under_preemption_names_thread)
{
	char out[2048];
	int status;

	status = run_child(guard_tick_scenario, out, sizeof out);
	ck_assert_killed_by(status, SIGSEGV);
	/*
	 * Under qemu-aarch64 about 1 run in 12 ends here without the
	 * library's message: the emulator kills the program before its
	 * handler runs, which the native kernel never did in hundreds of
	 * runs.  There the kill by SIGSEGV is all this test can ask.
	 */
	if (out[0] == '\0' && getenv("TEST_WRAPPER") != NULL &&
	    *getenv("TEST_WRAPPER") != '\0')
		return;
	/* The recursion faults in the guard page, or a tick's signal frame
	 * finds no room above it. */
	ck_assert_msg(strstr(out, "\"ticked\" (65536-byte stack at ") != NULL &&
	                  (strstr(out, "in its guard page; terminating\n") ||
	                      strstr(out, "above its guard page; "
	                                  "terminating\n")),
	    "output: '%s'", out);
}
END_TEST

/*
 * A write to an address in the first page, which nothing maps, and not a
 * guard page: a SIGSEGV that is not the library's.  Not to the null
 * pointer, which UndefinedBehaviorSanitizer would stop first; and memcheck
 * is told that the test may write there, as the fault is the point.
 */
static volatile uintptr_t wild_address = 64;

static void
wild_write(void)
{
	volatile int *p = (volatile int *)wild_address;

#ifdef HAVE_VALGRIND_VALGRIND_H
	VALGRIND_MAKE_MEM_DEFINED(p, sizeof *p);
#endif
	*p = 1;
}

/* Child: guarded stacks exist, and main writes to a wild address. */
static void
wild_fault_scenario(void)
{
	pmt_t t;

	if (pmt_init() != 0 || pmt_stack_setflags(PMT_STACK_GUARD) != 0 ||
	    test_spawn(&t, plunge_thread, NULL, OVF, PMT_PRIO_DEFAULT) != 0)
		_exit(90);
	wild_write();
	_exit(92);
}

START_TEST(test_other_sigsegv_takes_default_action_without_message)
{
	char out[2048];
	int status;

	status = run_child(wild_fault_scenario, out, sizeof out);
	ck_assert_killed_by(status, SIGSEGV);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_other_sigsegv_is_a_sigsegv_while_stacks_are_guarded)
{
	pmt_t t;

	no_core_dumps();
	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(pmt_stack_setflags(PMT_STACK_GUARD));
	ck_assert_pmt_ok(
	    test_spawn(&t, plunge_thread, NULL, OVF, PMT_PRIO_DEFAULT));
	wild_write();
	ck_abort_msg("no fault");
}
END_TEST

/* A program's own SIGSEGV handler: exits with status 40 + how it was
 * reached. */
static volatile int own_code;

static void
own_segv(int signo, siginfo_t *info, void *uc)
{
	(void)signo;
	(void)info;
	(void)uc;
	_exit(own_code);
}

static void
install_own_segv(int code)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = own_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	own_code = code;
	if (sigaction(SIGSEGV, &sa, NULL) != 0)
		_exit(89);
}

/* Child: its handler first, then guarded stacks, then a fault elsewhere. */
static void
own_handler_before_scenario(void)
{
	pmt_t t;

	install_own_segv(41);
	if (pmt_init() != 0 || pmt_stack_setflags(PMT_STACK_GUARD) != 0 ||
	    test_spawn(&t, plunge_thread, NULL, OVF, PMT_PRIO_DEFAULT) != 0)
		_exit(90);
	wild_write();
	_exit(92);
}

/* Child: guarded stacks, then its handler, then a guard page hit. */
static void
own_handler_after_scenario(void)
{
	pmt_t t;

	if (pmt_init() != 0 || pmt_stack_setflags(PMT_STACK_GUARD) != 0 ||
	    test_spawn(&t, plunge_thread, NULL, OVF, PMT_PRIO_DEFAULT) != 0)
		_exit(90);
	install_own_segv(42);
	pmt_join(t, NULL);
	_exit(92);
}

START_TEST(test_other_sigsegv_goes_to_handler_installed_before)
{
	char out[2048];
	int status;

	status = run_child(own_handler_before_scenario, out, sizeof out);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 41);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_handler_installed_after_takes_guard_page_hits)
{
	char out[2048];
	int status;

	status = run_child(own_handler_after_scenario, out, sizeof out);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 42);
	ck_assert_str_eq(out, "");
}
END_TEST

/* The SIGSEGV action and the alternate stack, to compare. */
struct segv_state {
	struct sigaction sa;
	stack_t ss;
};

static void
get_segv_state(struct segv_state *st)
{
	ck_assert_int_eq(sigaction(SIGSEGV, NULL, &st->sa), 0);
	ck_assert_int_eq(sigaltstack(NULL, &st->ss), 0);
}

static void
own_plain_segv(int signo)
{
	(void)signo;
}

START_TEST(test_guard_handler_installed_only_while_stacks_are_guarded)
{
	struct segv_state before, during, after;
	struct sigaction own;
	pmt_t t1, t2;
	size_t i;

	ck_assert_int_eq(pmt_init(), 0);
	memset(&own, 0, sizeof own);
	own.sa_handler = own_plain_segv;
	sigemptyset(&own.sa_mask);
	ck_assert_int_eq(sigaction(SIGSEGV, &own, NULL), 0);
	get_segv_state(&before);
	ck_assert_ptr_eq(before.sa.sa_handler, own_plain_segv);
	ck_assert(before.ss.ss_flags & SS_DISABLE);

	ck_assert_pmt_ok(pmt_stack_setflags(PMT_STACK_GUARD));
	ck_assert_uint_eq(pmt_stack_getflags(), PMT_STACK_GUARD);
	ck_assert_pmt_ok(
	    test_spawn(&t1, return_arg_fn, PTR(1), 4, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(
	    test_spawn(&t2, return_arg_fn, PTR(2), 6, PMT_PRIO_DEFAULT));
	get_segv_state(&during);
	ck_assert(during.sa.sa_flags & SA_SIGINFO);
	ck_assert(during.sa.sa_flags & SA_ONSTACK);
	ck_assert(sigismember(&during.sa.sa_mask, SIGALRM));
	ck_assert(!(during.ss.ss_flags & SS_DISABLE));
	ck_assert_uint_ge(during.ss.ss_size, 32768);
	ck_assert_pmt_ok(pmt_join(t1, NULL));
	/* One guarded stack left: still installed. */
	get_segv_state(&after);
	ck_assert_ptr_eq(after.sa.sa_sigaction, during.sa.sa_sigaction);
	ck_assert_pmt_ok(pmt_join(t2, NULL));
	get_segv_state(&after);
	ck_assert_ptr_eq(after.sa.sa_handler, own_plain_segv);
	ck_assert(after.ss.ss_flags & SS_DISABLE);
	/* The guard pages are the caller's memory again. */
	for (i = 0; i < PAGE; i++)
		test_stacks[4][i] = test_stacks[6][i] = 1;
	ck_assert_int_eq(test_stacks[4][PAGE - 1] + test_stacks[6][0], 2);
}
END_TEST

START_TEST(test_guard_page_only_on_aligned_stacks_with_room)
{
	struct pmt_stack_info in;
	size_t min = pmt_stack_min();
	pmt_t t;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(pmt_stack_setflags(PMT_STACK_GUARD | PMT_STACK_FILL));
	/* Aligned, with room: guarded, the page counted in base and size. */
	ck_assert_pmt_ok(
	    test_spawn(&t, return_arg_fn, NULL, 4, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_stack_info(t, &in));
	ck_assert_uint_eq(in.flags, PMT_STACK_GUARD | PMT_STACK_FILL);
	ck_assert_ptr_eq(in.base, test_stacks[4]);
	ck_assert_uint_eq(in.size, TEST_STACK_SIZE);
	ck_assert_uint_eq(in.used + in.free, TEST_STACK_SIZE - PAGE - 8);
	ck_assert_pmt_ok(pmt_join(t, NULL));
	/* Not page-aligned: no guard page. */
	ck_assert_pmt_ok(pmt_spawn(&t, return_arg_fn, NULL, test_stacks[4] + 16,
	    TEST_STACK_SIZE - 16, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_stack_info(t, &in));
	ck_assert_uint_eq(in.flags, PMT_STACK_FILL);
	ck_assert_uint_eq(in.used + in.free, TEST_STACK_SIZE - 16 - 8);
	ck_assert_pmt_ok(pmt_join(t, NULL));
	/* No room for the page on top of the minimum: none. */
	ck_assert_pmt_ok(pmt_spawn(
	    &t, return_arg_fn, NULL, test_stacks[4], min, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_stack_info(t, &in));
	ck_assert_uint_eq(in.flags, PMT_STACK_FILL);
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

/* ---------------------------------------------------------------- stopping
 */

/* Joins the thread arg names; logs 'j' and the result's last digit. */
static volatile int inner_join_rc = -1;

static void *
join_arg(void *arg)
{
	inner_join_rc = pmt_join((pmt_t)(uintptr_t)arg, NULL);
	test_log('j');
	return NULL;
}

START_TEST(test_detached_overflowed_thread_is_freed)
{
	struct pmt_stats st;
	pmt_t t;

	ck_assert_int_eq(pmt_init(), 0);
	pmt_set_overflow_hook(record_hook);
	ck_assert_pmt_ok(test_spawn(
	    &t, smash_guard_then_yield, NULL, OVF, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_detach(t));
	ck_assert_pmt_ok(pmt_yield()); /* it runs, and is stopped */
	ck_assert_int_eq(nseen, 1);
	ck_assert_uint_eq(seen[0].tid, t);
	ck_assert_pmt_eq(pmt_stack_check(t), PMT_ESRCH);
	ck_assert_pmt_ok(pmt_stats(&st));
	ck_assert_uint_eq(st.threads, 1);
	/* Its stack is free for a new thread. */
	ck_assert_pmt_ok(
	    test_spawn(&t, return_arg_fn, PTR(3), OVF, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

/*
 * The thread that overflows is waited for by a higher-priority thread;
 * the switch that finds it goes to an equal, and the waiter, woken with
 * PMT_ESTACKOVF, takes over before that equal does anything.
 */
START_TEST(test_woken_joiner_of_higher_priority_runs_first)
{
	pmt_t t, b, w;

	ck_assert_int_eq(pmt_init(), 0);
	pmt_set_overflow_hook(record_hook);
	ck_assert_pmt_ok(pmt_setprio(pmt_self(), 5));
	ck_assert_pmt_ok(test_spawn(&t, smash_guard_then_yield, NULL, OVF, 3));
	ck_assert_pmt_ok(test_spawn(&b, log_b, NULL, 0, 3));
	ck_assert_pmt_ok(test_spawn(&w, join_arg, PTR(t), 1, 4));
	/* Below them all: w waits for t, t runs and is stopped at its
	 * yield, and w, woken, comes before b. */
	ck_assert_pmt_ok(pmt_setprio(pmt_self(), 1));
	ck_assert_log("jb");
	ck_assert_pmt_eq(inner_join_rc, PMT_ESTACKOVF);
	ck_assert_pmt_ok(pmt_join(b, NULL));
	ck_assert_pmt_ok(pmt_join(w, NULL));
}
END_TEST

/* Overwrites its guard value inside a critical section, then yields. */
static void *
smash_in_critical_section(void *arg)
{
	PMT_NOPREEMPT
	{
		*my_guard_value() = 0;
		pmt_yield();
		reached = 1;
	}
	return arg;
}

START_TEST(test_thread_stopped_inside_critical_section_leaves_lock_free)
{
	pmt_t t, u;

	ck_assert_int_eq(pmt_init(), 0);
	pmt_set_overflow_hook(record_hook);
	ck_assert_pmt_ok(test_spawn(
	    &t, smash_in_critical_section, NULL, OVF, PMT_PRIO_DEFAULT));
	start_companion();
	ck_assert_pmt_eq(pmt_join(t, NULL), PMT_ESTACKOVF);
	stop_companion();
	ck_assert_int_eq(reached, 0);
	/* The lock is free: critical sections and switches work on. */
	ck_assert_pmt_eq(pmt_preempt_enable(), PMT_EALREADY);
	ck_assert_pmt_ok(pmt_preempt_disable());
	ck_assert_pmt_ok(pmt_preempt_enable());
	stop = 0;
	ck_assert_pmt_ok(
	    test_spawn(&u, yield_until_stop, NULL, 1, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_yield());
	stop = 1;
	ck_assert_pmt_ok(pmt_join(u, NULL));
	ck_assert_log("bb");
}
END_TEST

/* Last thread: detached, main gone; its own check stops it. */
static void *
smash_then_check_self(void *arg)
{
	*my_guard_value() = 0;
	pmt_stack_check(pmt_self());
	return arg;
}

static void
last_thread_scenario(void)
{
	pmt_t t;

	if (pmt_init() != 0 ||
	    test_spawn(&t, smash_then_check_self, NULL, OVF, 1) != 0 ||
	    pmt_setname(t, "last") != 0 || pmt_detach(t) != 0)
		_exit(90);
	pmt_exit(NULL);
	_exit(91);
}

START_TEST(test_last_thread_overflowing_ends_process_with_message)
{
	char out[2048];
	int status;

	status = run_child(last_thread_scenario, out, sizeof out);
	ck_assert_killed_by(status, SIGABRT);
	ck_assert_msg(strstr(out, "libpmt: stack overflow in thread ") &&
	                  strstr(out, " \"last\" (65536-byte stack at ") &&
	                  strstr(out, "guard value at ") &&
	                  strstr(out, "\"last\" overflowed its stack, and no "
	                              "thread is left to run\n"),
	    "output: '%s'", out);
}
END_TEST

/* ---------------------------------------------------------------- check */

START_TEST(test_check_finds_ready_thread_overwritten_and_stops_it)
{
	pmt_t t;

	ck_assert_int_eq(pmt_init(), 0);
	pmt_set_overflow_hook(record_hook);
	ck_assert_pmt_ok(
	    test_spawn(&t, yield_until_stop, NULL, OVF, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_stack_check(t));
	ck_assert_pmt_ok(pmt_stack_check(pmt_self()));
	ck_assert_int_eq(nseen, 0);
	/* A stray write, by another thread or a device, hits its guard. */
	*(volatile uint64_t *)(void *)test_stacks[OVF] = 0;
	ck_assert_pmt_eq(pmt_stack_check(t), PMT_ESTACKOVF);
	ck_assert_pmt_eq(pmt_stack_check(t), PMT_ESTACKOVF);
	ck_assert_int_eq(nseen, 1);
	ck_assert_int_eq(seen[0].layer, PMT_OVERFLOW_CANARY);
	/* Taken out of the ready queue: it never runs. */
	ck_assert_pmt_ok(pmt_yield());
	ck_assert_log("");
	ck_assert_pmt_eq(pmt_join(t, NULL), PMT_ESTACKOVF);
}
END_TEST

START_TEST(test_check_unlinks_overwritten_thread_blocked_in_join)
{
	pmt_t t, j;

	ck_assert_int_eq(pmt_init(), 0);
	pmt_set_overflow_hook(record_hook);
	ck_assert_pmt_ok(
	    test_spawn(&t, yield_until_stop, NULL, 1, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(test_spawn(&j, join_arg, PTR(t), OVF, 20));
	ck_assert_pmt_eq(pmt_join(t, NULL), PMT_EBUSY); /* j waits */
	*(volatile uint64_t *)(void *)test_stacks[OVF] = 0;
	ck_assert_pmt_eq(pmt_stack_check(j), PMT_ESTACKOVF);
	ck_assert_pmt_eq(pmt_join(j, NULL), PMT_ESTACKOVF);
	/* j no longer waits for t: t can be joined, and j never ran on. */
	stop = 1;
	ck_assert_pmt_ok(pmt_join(t, NULL));
	ck_assert_log("b");
	ck_assert_int_eq(inner_join_rc, -1);
}
END_TEST

START_TEST(test_check_finds_finished_thread_overwritten_after_exit)
{
	pmt_t t;
	void *v = PTR(1);

	ck_assert_int_eq(pmt_init(), 0);
	pmt_set_overflow_hook(record_hook);
	ck_assert_pmt_ok(test_spawn(&t, return_arg_fn, PTR(9), OVF, 20));
	*(volatile uint64_t *)(void *)test_stacks[OVF] = 0;
	ck_assert_pmt_eq(pmt_stack_check(t), PMT_ESTACKOVF);
	ck_assert_pmt_eq(pmt_join(t, &v), PMT_ESTACKOVF);
	ck_assert_ptr_eq(v, PTR(1));
	ck_assert_int_eq(nseen, 1);
}
END_TEST

static volatile int self_check_rc = -1;

static void *
smash_then_check_self_logged(void *arg)
{
	self_check_rc = pmt_stack_check(pmt_self());
	*my_guard_value() = 0;
	pmt_stack_check(pmt_self());
	reached = 1;
	return arg;
}

START_TEST(test_check_of_self_stops_caller)
{
	pmt_t t;

	ck_assert_int_eq(pmt_init(), 0);
	pmt_set_overflow_hook(record_hook);
	ck_assert_pmt_ok(test_spawn(
	    &t, smash_then_check_self_logged, NULL, OVF, PMT_PRIO_DEFAULT));
	ck_assert_pmt_eq(pmt_join(t, NULL), PMT_ESTACKOVF);
	ck_assert_pmt_eq(self_check_rc, 0);
	ck_assert_int_eq(reached, 0);
	ck_assert_int_eq(nseen, 1);
}
END_TEST

START_TEST(test_exit_finds_overwritten_guard_value)
{
	pmt_t t;

	ck_assert_int_eq(pmt_init(), 0);
	pmt_set_overflow_hook(record_hook);
	/* Higher priority: it runs, smashes and returns inside the spawn;
	 * its pmt_exit() finds the guard value gone. */
	ck_assert_pmt_ok(test_spawn(&t, smash_then_return, NULL, OVF, 20));
	ck_assert_int_eq(nseen, 1);
	ck_assert_pmt_eq(pmt_join(t, NULL), PMT_ESTACKOVF);
}
END_TEST

START_TEST(test_check_and_info_of_init_thread_know_no_stack)
{
	struct pmt_stack_info in;

	ck_assert_int_eq(pmt_init(), 0);
	memset(&in, 0xa5, sizeof in);
	ck_assert_pmt_ok(pmt_stack_info(pmt_self(), &in));
	ck_assert_ptr_null(in.base);
	ck_assert_uint_eq(in.size, 0);
	ck_assert_uint_eq(in.used, 0);
	ck_assert_uint_eq(in.free, 0);
	ck_assert_uint_eq(in.flags, 0);
	ck_assert_pmt_ok(pmt_stack_check(pmt_self()));
}
END_TEST

/* ---------------------------------------------------------------- info */

/* Writes one byte arg bytes below its frame and finishes. */
static void *
touch_depth(void *arg)
{
	size_t n = (size_t)(uintptr_t)arg;
	volatile char *p = __builtin_alloca(n);

	p[0] = 1;
	escape((void *)p);
	return NULL;
}

START_TEST(test_high_water_mark_within_a_page)
{
	static const size_t depth[] = {1000, 8192, 20000, 50000};
	struct pmt_stack_info in;
	size_t n = depth[_i];
	pmt_t t;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(pmt_stack_setflags(PMT_STACK_FILL));
	/* The stack was used before: the fill hides that. */
	memset(test_stacks[OVF], 0, TEST_STACK_SIZE);
	ck_assert_pmt_ok(test_spawn(&t, touch_depth, PTR(n), OVF, 20));
	ck_assert_pmt_ok(pmt_stack_info(t, &in)); /* finished, not joined */
	ck_assert_uint_eq(in.flags, PMT_STACK_FILL);
	ck_assert_ptr_eq(in.base, test_stacks[OVF]);
	ck_assert_uint_eq(in.size, TEST_STACK_SIZE);
	ck_assert_msg(in.used >= n && in.used <= n + PAGE,
	    "touched %zu bytes deep, high-water mark %zu", n, in.used);
	ck_assert_uint_eq(in.used + in.free, TEST_STACK_SIZE - 8);
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

/*
 * A stack used before, by a thread that went deeper and has been joined:
 * the new thread's fill hides that use, and its guard value and fill go
 * where the old frames were (memcheck held that memory inaccessible after
 * they left it: make check-valgrind fails if the library writes there
 * without saying the stack is new).
 */
START_TEST(test_high_water_mark_of_reused_stack_is_the_new_thread_s)
{
	struct pmt_stack_info in;
	pmt_t t;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(test_spawn(&t, touch_depth, PTR(50000), OVF, 20));
	ck_assert_pmt_ok(pmt_join(t, NULL));
	ck_assert_pmt_ok(pmt_stack_setflags(PMT_STACK_FILL));
	ck_assert_pmt_ok(test_spawn(&t, touch_depth, PTR(1000), OVF, 20));
	ck_assert_pmt_ok(pmt_stack_info(t, &in));
	ck_assert_uint_eq(in.flags, PMT_STACK_FILL);
	ck_assert_msg(in.used >= 1000 && in.used <= 1000 + PAGE,
	    "touched 1000 bytes deep, high-water mark %zu", in.used);
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

START_TEST(test_info_without_fill_reports_no_mark)
{
	struct pmt_stack_info in;
	pmt_t t;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_uint_eq(pmt_stack_getflags(), 0);
	ck_assert_pmt_ok(test_spawn(&t, touch_depth, PTR(4096), OVF, 20));
	ck_assert_pmt_ok(pmt_stack_info(t, &in));
	ck_assert_uint_eq(in.flags, 0);
	ck_assert_uint_eq(in.used, 0);
	ck_assert_uint_eq(in.free, 0);
	ck_assert_ptr_eq(in.base, test_stacks[OVF]);
	ck_assert_uint_eq(in.size, TEST_STACK_SIZE);
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

START_TEST(test_info_of_new_thread_shows_only_its_first_frame)
{
	struct pmt_stack_info in;
	pmt_t t;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(pmt_stack_setflags(PMT_STACK_FILL));
	ck_assert_pmt_ok(
	    test_spawn(&t, return_arg_fn, NULL, OVF, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_stack_info(t, &in));
	ck_assert_uint_gt(in.used, 0);
	ck_assert_uint_le(in.used, 256);
	/* Flags apply to stacks set up afterwards. */
	ck_assert_pmt_ok(pmt_stack_setflags(0));
	ck_assert_pmt_ok(pmt_stack_info(t, &in));
	ck_assert_uint_eq(in.flags, PMT_STACK_FILL);
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

/* ---------------------------------------------------------------- hook */

static void
other_hook(const struct pmt_overflow *ov)
{
	(void)ov;
}

START_TEST(test_set_overflow_hook_returns_previous_and_null_restores)
{
	pmt_overflow_hook_t def = pmt_set_overflow_hook(record_hook);

	ck_assert_ptr_nonnull(def);
	ck_assert_ptr_eq(pmt_set_overflow_hook(other_hook), record_hook);
	ck_assert_ptr_eq(pmt_set_overflow_hook(NULL), other_hook);
	ck_assert_ptr_eq(pmt_set_overflow_hook(NULL), def);
	ck_assert_ptr_eq(pmt_set_overflow_hook(def), def);
}
END_TEST

/* Child: the default hook's line for a guard value overwritten. */
static pmt_t default_tid;

static void
default_message_scenario(void)
{
	if (pmt_init() != 0 || test_spawn(&default_tid, smash_guard_then_yield,
	                           NULL, OVF, 20) != 0)
		_exit(90);
	printf("tid %u\n", (unsigned)default_tid);
}

START_TEST(test_default_hook_prints_one_line_naming_thread)
{
	char out[2048], want[256];
	unsigned tid;
	int status;

	status = run_child(default_message_scenario, out, sizeof out);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(
	    sscanf(out, "libpmt: stack overflow in thread %u", &tid), 1);
	/* Unnamed: the id alone. */
	snprintf(want, sizeof want,
	    "libpmt: stack overflow in thread %u (65536-byte stack at %p): "
	    "guard value at %p overwritten; thread stopped\ntid %u\n",
	    tid, (void *)test_stacks[OVF], (void *)test_stacks[OVF], tid);
	ck_assert_str_eq(out, want);
}
END_TEST

/* ---------------------------------------------------------------- flags */

START_TEST(test_setflags_rejects_unknown_flags_with_einval)
{
	ck_assert_uint_eq(pmt_stack_getflags(), 0);
	ck_assert_pmt_eq(pmt_stack_setflags(PMT_STACK_OVERFLOWED), PMT_EINVAL);
	ck_assert_pmt_eq(pmt_stack_setflags(0x100), PMT_EINVAL);
	ck_assert_pmt_eq(
	    pmt_stack_setflags(PMT_STACK_FILL | 0x80000000u), PMT_EINVAL);
	ck_assert_uint_eq(pmt_stack_getflags(), 0);
	ck_assert_pmt_ok(pmt_stack_setflags(PMT_STACK_FILL));
	ck_assert_uint_eq(pmt_stack_getflags(), PMT_STACK_FILL);
	ck_assert_pmt_ok(pmt_stack_setflags(PMT_STACK_FILL | PMT_STACK_GUARD));
	ck_assert_uint_eq(
	    pmt_stack_getflags(), PMT_STACK_FILL | PMT_STACK_GUARD);
	ck_assert_pmt_ok(pmt_stack_setflags(0));
	ck_assert_uint_eq(pmt_stack_getflags(), 0);
}
END_TEST

/* ---------------------------------------------------------------- names */

START_TEST(test_setname_and_getname)
{
	static const char name[] = "worker";
	const char *got = "x";
	pmt_t t;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(pmt_getname(pmt_self(), &got));
	ck_assert_ptr_null(got);
	ck_assert_pmt_ok(pmt_setname(pmt_self(), "main"));
	ck_assert_pmt_ok(pmt_getname(pmt_self(), &got));
	ck_assert_str_eq(got, "main");
	ck_assert_pmt_ok(test_spawn(&t, return_arg_fn, NULL, 0, 20));
	ck_assert_pmt_ok(pmt_getname(t, &got));
	ck_assert_ptr_null(got);
	ck_assert_pmt_ok(pmt_setname(t, name));
	ck_assert_pmt_ok(pmt_getname(t, &got));
	ck_assert_ptr_eq(got, name); /* the pointer, not a copy */
	ck_assert_pmt_ok(pmt_setname(t, NULL));
	ck_assert_pmt_ok(pmt_getname(t, &got));
	ck_assert_ptr_null(got);
	ck_assert_pmt_ok(pmt_join(t, NULL));
	/* A new thread in the slot starts without one. */
	ck_assert_pmt_ok(pmt_setname(pmt_self(), NULL));
	ck_assert_pmt_ok(test_spawn(&t, return_arg_fn, NULL, 0, 20));
	got = "x";
	ck_assert_pmt_ok(pmt_getname(t, &got));
	ck_assert_ptr_null(got);
}
END_TEST

START_TEST(test_setname_rejects_names_of_name_max_bytes_with_einval)
{
	char name[PMT_NAME_MAX + 1];
	const char *got = NULL;

	ck_assert_int_eq(pmt_init(), 0);
	memset(name, 'n', sizeof name);
	name[PMT_NAME_MAX] = '\0';
	ck_assert_pmt_eq(pmt_setname(pmt_self(), name), PMT_EINVAL);
	ck_assert_pmt_ok(pmt_getname(pmt_self(), &got));
	ck_assert_ptr_null(got);
	name[PMT_NAME_MAX - 1] = '\0'; /* 31 bytes and the NUL */
	ck_assert_pmt_ok(pmt_setname(pmt_self(), name));
	ck_assert_pmt_ok(pmt_getname(pmt_self(), &got));
	ck_assert_ptr_eq(got, name);
	ck_assert_pmt_ok(pmt_setname(pmt_self(), ""));
}
END_TEST

/* ---------------------------------------------------------------- errors */

START_TEST(test_calls_before_init_fail_with_enoinit)
{
	struct pmt_stack_info in;
	const char *name = "x";

	ck_assert_pmt_eq(pmt_setname(32, "a"), PMT_ENOINIT);
	ck_assert_pmt_eq(pmt_getname(32, &name), PMT_ENOINIT);
	ck_assert_str_eq(name, "x");
	ck_assert_pmt_eq(pmt_stack_info(32, &in), PMT_ENOINIT);
	ck_assert_pmt_eq(pmt_stack_check(32), PMT_ENOINIT);
	/* These need no pmt_init(). */
	ck_assert_pmt_ok(pmt_stack_setflags(0));
	ck_assert_uint_eq(pmt_stack_getflags(), 0);
	ck_assert_ptr_nonnull(pmt_set_overflow_hook(NULL));
}
END_TEST

START_TEST(test_bad_ids_fail_with_esrch)
{
	static const pmt_t bad[] = {PMT_THREAD_NONE, 1, 0x7fffffff, UINT32_MAX};
	struct pmt_stack_info in;
	const char *name = "x";
	size_t i;
	pmt_t t;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(test_spawn(&t, return_arg_fn, NULL, 0, 20));
	ck_assert_pmt_ok(pmt_join(t, NULL)); /* t is stale now */
	for (i = 0; i <= sizeof bad / sizeof bad[0]; i++) {
		pmt_t id = i < sizeof bad / sizeof bad[0] ? bad[i] : t;

		ck_assert_pmt_eq(pmt_setname(id, "a"), PMT_ESRCH);
		ck_assert_pmt_eq(pmt_getname(id, &name), PMT_ESRCH);
		ck_assert_pmt_eq(pmt_stack_info(id, &in), PMT_ESRCH);
		ck_assert_pmt_eq(pmt_stack_check(id), PMT_ESRCH);
	}
	ck_assert_str_eq(name, "x");
}
END_TEST

START_TEST(test_null_pointers_fail_with_einval)
{
	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_eq(pmt_getname(pmt_self(), NULL), PMT_EINVAL);
	ck_assert_pmt_eq(pmt_stack_info(pmt_self(), NULL), PMT_EINVAL);
}
END_TEST

START_TEST(test_estackovf_has_its_message)
{
	ck_assert_int_eq(PMT_ESTACKOVF, 14);
	ck_assert_str_eq(pmt_strerror(PMT_ESTACKOVF),
	    "the thread overflowed its stack and was stopped");
}
END_TEST

/* ---------------------------------------------------------------- suite */

static Suite *
stack_suite(void)
{
	Suite *s = suite_create("stack");
	TCase *tc;

	tc = tcase_create("canary");
	tcase_add_test(tc, test_switch_finds_overwritten_guard_value);
	tcase_add_test(
	    tc, test_deep_recursion_found_by_guard_value_at_next_switch);
	tcase_add_test(tc, test_exit_finds_overwritten_guard_value);
	suite_add_tcase(s, tc);

	tc = tcase_create("range");
	tcase_add_test(tc, test_switch_finds_stack_pointer_past_the_end);
	suite_add_tcase(s, tc);

	if (PMT_TEST_PREEMPTION) {
		tc = tcase_create("tick");
		tcase_set_timeout(tc, TIMEOUT);
		tcase_add_test(
		    tc, test_tick_finds_busy_recursion_that_never_yields);
#if TEST_SAFEPC
		tcase_add_test(
		    tc, test_tick_finding_stops_thread_that_got_back_in_range);
#endif
		suite_add_tcase(s, tc);
	}

	tc = tcase_create("guard_page");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(
	    tc, test_guard_page_hit_names_thread_and_ends_with_sigsegv);
	tcase_add_test_raise_signal(
	    tc, test_guard_page_hit_is_a_sigsegv, SIGSEGV);
	if (PMT_TEST_PREEMPTION)
		tcase_add_test(
		    tc, test_guard_page_hit_under_preemption_names_thread);
	tcase_add_test(
	    tc, test_other_sigsegv_takes_default_action_without_message);
	tcase_add_test_raise_signal(tc,
	    test_other_sigsegv_is_a_sigsegv_while_stacks_are_guarded, SIGSEGV);
	tcase_add_test(tc, test_other_sigsegv_goes_to_handler_installed_before);
	tcase_add_test(tc, test_handler_installed_after_takes_guard_page_hits);
	tcase_add_test(
	    tc, test_guard_handler_installed_only_while_stacks_are_guarded);
	tcase_add_test(tc, test_guard_page_only_on_aligned_stacks_with_room);
	suite_add_tcase(s, tc);

	tc = tcase_create("stopping");
	tcase_add_test(tc, test_detached_overflowed_thread_is_freed);
	tcase_add_test(tc, test_woken_joiner_of_higher_priority_runs_first);
	tcase_add_test(
	    tc, test_thread_stopped_inside_critical_section_leaves_lock_free);
	tcase_add_test(
	    tc, test_last_thread_overflowing_ends_process_with_message);
	suite_add_tcase(s, tc);

	tc = tcase_create("check");
	tcase_add_test(
	    tc, test_check_finds_ready_thread_overwritten_and_stops_it);
	tcase_add_test(
	    tc, test_check_unlinks_overwritten_thread_blocked_in_join);
	tcase_add_test(
	    tc, test_check_finds_finished_thread_overwritten_after_exit);
	tcase_add_test(tc, test_check_of_self_stops_caller);
	tcase_add_test(tc, test_check_and_info_of_init_thread_know_no_stack);
	suite_add_tcase(s, tc);

	tc = tcase_create("info");
	tcase_add_loop_test(tc, test_high_water_mark_within_a_page, 0, 4);
	tcase_add_test(
	    tc, test_high_water_mark_of_reused_stack_is_the_new_thread_s);
	tcase_add_test(tc, test_info_without_fill_reports_no_mark);
	tcase_add_test(tc, test_info_of_new_thread_shows_only_its_first_frame);
	suite_add_tcase(s, tc);

	tc = tcase_create("hook");
	tcase_add_test(
	    tc, test_set_overflow_hook_returns_previous_and_null_restores);
	tcase_add_test(tc, test_default_hook_prints_one_line_naming_thread);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_test(tc, test_setname_and_getname);
	tcase_add_test(
	    tc, test_setname_rejects_names_of_name_max_bytes_with_einval);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, test_setflags_rejects_unknown_flags_with_einval);
	tcase_add_test(tc, test_calls_before_init_fail_with_enoinit);
	tcase_add_test(tc, test_bad_ids_fail_with_esrch);
	tcase_add_test(tc, test_null_pointers_fail_with_einval);
	tcase_add_test(tc, test_estackovf_has_its_message);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return test_run_suite(stack_suite());
}
