/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * check_critical.c - unit tests of what keeps preemptible threads safe:
 * critical sections, the C library wrappers, and pmt_sigmask().
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "busyutil.h"

#define PTR(n) ((void *)(uintptr_t)(n))

/* Busy threads run below main, which waits for them in pmt_join(). */
#define LOW (PMT_PRIO_DEFAULT - 6)
#define HIGH (PMT_PRIO_DEFAULT + 4)

/* Spins until stats.ticks reaches target (or the deadline). */
static void
wait_for_ticks(uint64_t target)
{
	while (ticks_now() < target)
		if (test_expired(deadline)) {
			gave_up = 1;
			return;
		}
}

/* ---------------------------------------------------------------- nesting */

START_TEST(test_disable_and_enable_fail_with_enoinit_before_init)
{
	ck_assert_pmt_eq(pmt_preempt_disable(), PMT_ENOINIT);
	ck_assert_pmt_eq(pmt_preempt_enable(), PMT_ENOINIT);
	ck_assert_int_eq(pmt_init(), 0);
	/* The failed disable left nothing to undo. */
	ck_assert_pmt_eq(pmt_preempt_enable(), PMT_EALREADY);
}
END_TEST

START_TEST(test_enable_without_disable_fails_with_ealready)
{
	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_eq(pmt_preempt_enable(), PMT_EALREADY);
	ck_assert_pmt_ok(pmt_preempt_disable());
	ck_assert_pmt_ok(pmt_preempt_enable());
	ck_assert_pmt_eq(pmt_preempt_enable(), PMT_EALREADY);
}
END_TEST

START_TEST(test_disable_nests_and_each_enable_undoes_one)
{
	int block_ran = 0;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(pmt_preempt_disable());
	ck_assert_pmt_ok(pmt_preempt_disable());
	PMT_NOPREEMPT
	{
		ck_assert_pmt_ok(pmt_preempt_disable());
		ck_assert_pmt_ok(pmt_preempt_enable());
		block_ran++;
	}
	ck_assert_int_eq(block_ran, 1);
	ck_assert_pmt_ok(pmt_preempt_enable());
	ck_assert_pmt_ok(pmt_preempt_enable());
	ck_assert_pmt_eq(pmt_preempt_enable(), PMT_EALREADY);
}
END_TEST

START_TEST(test_disable_nesting_stops_at_65535)
{
	unsigned long i, refused = 0;

	ck_assert_int_eq(pmt_init(), 0);
	for (i = 0; i < 65535; i++)
		refused += pmt_preempt_disable() != 0;
	ck_assert_uint_eq(refused, 0);
	ck_assert_pmt_eq(pmt_preempt_disable(), PMT_EINVAL);
	/* The refused one counted for nothing. */
	for (i = 0; i < 65535; i++)
		refused += pmt_preempt_enable() != 0;
	ck_assert_uint_eq(refused, 0);
	ck_assert_pmt_eq(pmt_preempt_enable(), PMT_EALREADY);
}
END_TEST

/* ---------------------------------------------------------------- deferral */

/*
 * Two busy threads share a level at a 200 us tick.  Thread 0, on one of
 * its turns, enters a section two deep and spins in it while ticks come:
 * thread 1 must not move.  The inner enable must not let it in either;
 * the outer one must, at once: the preemption count grows inside that
 * call, and thread 1 then runs in phase 1, which thread 0 only leaves
 * after its enable returns.  (Thread 1 is resumed in its tick handler,
 * and a tick that came meanwhile may take the CPU from it again on its
 * way out, before it looks at the phase: under Valgrind, which delivers
 * signals late, nearly always.  So the count is what shows where the
 * deferred tick was taken.)
 */
static volatile int phase;
static volatile int first_phase_seen = -1;
static volatile uint64_t preempted_before, preempted_after;
static volatile unsigned long other_spins[3];
static volatile uint64_t ticks_in_section;
static volatile int disable_ret[2] = {-1, -1}, enable_ret[3] = {-1, -1, -1};
static int use_macro;

static void *
section_holder(void *arg)
{
	unsigned long pass = 0, other_turns;
	uint64_t t0;

	(void)arg;
	/* Start on a fresh turn of ours, once both have run. */
	while (!stop) {
		if (test_turn(0) && test_min_turns(0, 2) >= 2)
			break;
		overdue(++pass);
	}
	if (stop)
		return NULL;
	if (use_macro) {
		PMT_NOPREEMPT
		{
			t0 = ticks_now();
			other_spins[0] = spins[1];
			wait_for_ticks(t0 + 15);
			other_spins[1] = other_spins[2] = spins[1];
			ticks_in_section = ticks_now() - t0;
			phase = 1;
			preempted_before = preemptions_now();
		}
	} else {
		disable_ret[0] = pmt_preempt_disable();
		disable_ret[1] = pmt_preempt_disable();
		t0 = ticks_now();
		other_spins[0] = spins[1];
		wait_for_ticks(t0 + 10);
		other_spins[1] = spins[1];
		enable_ret[0] = pmt_preempt_enable();
		wait_for_ticks(t0 + 15);
		other_spins[2] = spins[1];
		ticks_in_section = ticks_now() - t0;
		phase = 1;
		preempted_before = preemptions_now();
		enable_ret[1] = pmt_preempt_enable();
	}
	preempted_after = preemptions_now();
	phase = 2;
	if (!use_macro)
		enable_ret[2] = pmt_preempt_enable();
	/* Let thread 1 have another turn, then end. */
	other_turns = test_turns[1];
	while (!stop) {
		test_turn(0);
		if (test_turns[1] >= other_turns + 2)
			stop = 1;
		overdue(++pass);
	}
	return NULL;
}

static void *
phase_watcher(void *arg)
{
	unsigned long pass = 0;

	(void)arg;
	while (!stop) {
		spins[1]++;
		test_turn(1);
		if (phase != 0 && first_phase_seen < 0)
			first_phase_seen = phase;
		overdue(++pass);
	}
	return NULL;
}

static void
run_section_holder(int macro)
{
	pmt_t a, b;

	use_macro = macro;
	ck_assert_int_eq(pmt_init(), 0);
	deadline = test_deadline_ms(GIVE_UP_MS);
	ck_assert_pmt_ok(test_spawn_big(&a, section_holder, NULL, 0, LOW));
	ck_assert_pmt_ok(test_spawn_big(&b, phase_watcher, NULL, 1, LOW));
	ck_assert_pmt_ok(pmt_preempt_start(200, 0));
	ck_assert_pmt_ok(pmt_join(a, NULL));
	ck_assert_pmt_ok(pmt_join(b, NULL));
	ck_assert_pmt_ok(pmt_preempt_stop());
	assert_no_give_up();
	ck_assert_int_eq(phase, 2);
	ck_assert_uint_ge(ticks_in_section, 15);
	ck_assert_msg(other_spins[1] == other_spins[0] &&
	                  other_spins[2] == other_spins[0],
	    "thread 1 ran inside thread 0's section (%lu, %lu, %lu spins)",
	    other_spins[0], other_spins[1], other_spins[2]);
	ck_assert_msg(preempted_after > preempted_before,
	    "the tick deferred by the section was not honoured at the "
	    "outermost enable (thread 1 first saw phase %d)",
	    first_phase_seen);
	ck_assert_msg(first_phase_seen >= 1,
	    "thread 1 never ran after the section (phase %d)",
	    first_phase_seen);
}

START_TEST(test_busy_thread_in_section_is_preempted_only_at_outermost_enable)
{
	run_section_holder(0);
	ck_assert_pmt_ok(disable_ret[0]);
	ck_assert_pmt_ok(disable_ret[1]);
	ck_assert_pmt_ok(enable_ret[0]);
	ck_assert_pmt_ok(enable_ret[1]);
	ck_assert_pmt_eq(enable_ret[2], PMT_EALREADY);
}
END_TEST

START_TEST(test_nopreempt_block_defers_ticks_to_its_end)
{
	run_section_holder(1);
}
END_TEST

/*
 * Thread 0 enters a section and then yields in a loop; threads 1 and 2
 * spin.  The section is thread 0's alone: thread 1 finds nothing to
 * enable, and ticks go on rotating 1 and 2 (a thread that inherited the
 * section would spin forever).  Thread 0 still has its section at the end.
 */
static volatile int yielder_in_section;
static volatile unsigned long yields_in_section;
static volatile int yielder_disable = -1, yielder_enable[2] = {-1, -1};
static volatile int other_enable = -1;

static void *
yield_in_section(void *arg)
{
	(void)arg;
	yielder_disable = pmt_preempt_disable();
	yielder_in_section = 1;
	while (!stop) {
		pmt_yield();
		yields_in_section++;
		overdue(1024);
	}
	yielder_enable[0] = pmt_preempt_enable();
	yielder_enable[1] = pmt_preempt_enable();
	return NULL;
}

static void *
spin_beside_section(void *arg)
{
	int me = (int)(uintptr_t)arg;
	unsigned long pass = 0;

	if (me == 1)
		other_enable = pmt_preempt_enable();
	while (!stop) {
		spins[me]++;
		if (test_turn(me) && test_min_turns(1, 2) >= 10)
			stop = 1;
		overdue(++pass);
	}
	return NULL;
}

START_TEST(test_section_of_thread_that_yields_does_not_pass_to_next_thread)
{
	pmt_t tids[3];

	ck_assert_int_eq(pmt_init(), 0);
	deadline = test_deadline_ms(GIVE_UP_MS);
	ck_assert_pmt_ok(
	    test_spawn_big(&tids[0], yield_in_section, NULL, 0, LOW));
	ck_assert_pmt_ok(
	    test_spawn_big(&tids[1], spin_beside_section, PTR(1), 1, LOW));
	ck_assert_pmt_ok(
	    test_spawn_big(&tids[2], spin_beside_section, PTR(2), 2, LOW));
	ck_assert_pmt_ok(pmt_preempt_start(200, 0));
	ck_assert_pmt_ok(pmt_join(tids[0], NULL));
	ck_assert_pmt_ok(pmt_join(tids[1], NULL));
	ck_assert_pmt_ok(pmt_join(tids[2], NULL));
	ck_assert_pmt_ok(pmt_preempt_stop());
	assert_no_give_up();
	ck_assert_int_eq(yielder_in_section, 1);
	ck_assert_pmt_ok(yielder_disable);
	ck_assert_pmt_eq(other_enable, PMT_EALREADY);
	ck_assert_uint_ge(test_min_turns(1, 2), 10);
	ck_assert_uint_ge(yields_in_section, 5);
	/* Thread 1 and 2 only ever lost the CPU to a tick. */
	ck_assert_uint_ge(preemptions_now(), 19);
	ck_assert_pmt_ok(yielder_enable[0]);
	ck_assert_pmt_eq(yielder_enable[1], PMT_EALREADY);
}
END_TEST

/* ---------------------------------------------------------------- higher */

/* Logs its letter once. */
static void *
log_once(void *arg)
{
	test_log((char)(uintptr_t)arg);
	return NULL;
}

START_TEST(test_higher_thread_spawned_in_section_runs_at_outermost_enable)
{
	pmt_t h, e;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(
	    test_spawn_big(&e, log_once, PTR('E'), 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_preempt_disable());
	ck_assert_pmt_ok(pmt_preempt_disable());
	ck_assert_pmt_ok(test_spawn_big(&h, log_once, PTR('H'), 1, HIGH));
	test_log('a');
	ck_assert_pmt_ok(pmt_preempt_enable());
	test_log('b');
	ck_assert_pmt_ok(pmt_preempt_enable());
	/* H ran inside that enable; then the caller came back before E,
	 * which waited longer at its level. */
	test_log('c');
	ck_assert_pmt_ok(pmt_yield());
	test_log('d');
	ck_assert_log("abHcEd");
	ck_assert_pmt_ok(pmt_join(h, NULL));
	ck_assert_pmt_ok(pmt_join(e, NULL));
}
END_TEST

START_TEST(test_thread_raised_in_section_runs_at_outermost_enable)
{
	pmt_t t;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(test_spawn_big(&t, log_once, PTR('T'), 0, LOW));
	PMT_NOPREEMPT
	{
		ck_assert_pmt_ok(pmt_setprio(t, HIGH));
		test_log('a');
	}
	test_log('b');
	ck_assert_log("aTb");
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

/* The same under a running tick, with a busy equal that the deferred
 * ticks would otherwise have run. */
START_TEST(test_higher_thread_spawned_in_section_waits_despite_ticks)
{
	pmt_t h, e;
	unsigned long e_spins;
	uint64_t t0, deferred;

	ck_assert_int_eq(pmt_init(), 0);
	deadline = test_deadline_ms(GIVE_UP_MS);
	ck_assert_pmt_ok(test_spawn_big(
	    &e, spin_until_stopped, PTR(0), 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_preempt_start(100, 0));
	ck_assert_pmt_ok(pmt_preempt_disable());
	ck_assert_pmt_ok(pmt_preempt_disable());
	ck_assert_pmt_ok(test_spawn_big(&h, log_once, PTR('H'), 1, HIGH));
	test_log('a');
	t0 = ticks_now();
	e_spins = spins[0];
	wait_for_ticks(t0 + 5);
	deferred = ticks_now() - t0;
	e_spins = spins[0] - e_spins;
	ck_assert_pmt_ok(pmt_preempt_enable());
	test_log('b');
	ck_assert_pmt_ok(pmt_preempt_enable());
	test_log('c');
	stop = 1;
	ck_assert_pmt_ok(pmt_join(e, NULL));
	ck_assert_pmt_ok(pmt_join(h, NULL));
	ck_assert_pmt_ok(pmt_preempt_stop());
	assert_no_give_up();
	ck_assert_uint_ge(deferred, 5);
	ck_assert_uint_eq(e_spins, 0);
	ck_assert_log("abHc");
}
END_TEST

/* ---------------------------------------------------------------- wrappers */

/* pmt_vfprintf() through a variadic caller. */
static int call_vfprintf(FILE *f, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static int
call_vfprintf(FILE *f, const char *format, ...)
{
	va_list ap;
	int n;

	va_start(ap, format);
	n = pmt_vfprintf(f, format, ap);
	va_end(ap);
	return n;
}

/* The whole contents of f, from its start, as a string in buf. */
static void
read_back(FILE *f, char *buf, size_t size)
{
	size_t n;

	ck_assert_int_eq(fflush(f), 0);
	rewind(f);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
}

/* Standard output goes to a temporary file between these two calls. */
static FILE *captured;
static int saved_stdout = -1;

static void
capture_stdout(void)
{
	ck_assert_int_eq(fflush(stdout), 0);
	captured = tmpfile();
	ck_assert_ptr_nonnull(captured);
	saved_stdout = dup(STDOUT_FILENO);
	ck_assert_int_ge(saved_stdout, 0);
	ck_assert_int_ge(dup2(fileno(captured), STDOUT_FILENO), 0);
}

static void
release_stdout(char *buf, size_t size)
{
	ck_assert_int_eq(fflush(stdout), 0);
	ck_assert_int_ge(dup2(saved_stdout, STDOUT_FILENO), 0);
	close(saved_stdout);
	read_back(captured, buf, size);
	fclose(captured);
}

/* Every wrapper does what its C library call does.  After pmt_init(),
 * each also leaves the caller outside any section. */
static void
exercise_wrappers(int initialised)
{
	unsigned char *p, *q;
	char buf[256];
	FILE *f;
	size_t i;

	p = pmt_malloc(4096);
	ck_assert_ptr_nonnull(p);
	memset(p, 0xff, 4096);
	pmt_free(p);
	p = pmt_calloc(1024, 4);
	ck_assert_ptr_nonnull(p);
	for (i = 0; i < 4096; i++)
		ck_assert_uint_eq(p[i], 0);
	for (i = 0; i < 4096; i++)
		p[i] = (unsigned char)i;
	q = pmt_realloc(p, 1 << 20);
	ck_assert_ptr_nonnull(q);
	for (i = 0; i < 4096; i++)
		ck_assert_uint_eq(q[i], (unsigned char)i);
	pmt_free(q);
	p = pmt_realloc(NULL, 100);
	ck_assert_ptr_nonnull(p);
	pmt_free(p);
	pmt_free(NULL);
	errno = 0;
	ck_assert_ptr_null(pmt_malloc(SIZE_MAX / 2));
	ck_assert_int_eq(errno, ENOMEM);
	errno = 0;
	ck_assert_ptr_null(pmt_calloc(SIZE_MAX / 2, 4));
	/* Valgrind's calloc() leaves errno alone when the size overflows. */
	if (!test_on_valgrind())
		ck_assert_int_eq(errno, ENOMEM);
	if (initialised)
		ck_assert_pmt_eq(pmt_preempt_enable(), PMT_EALREADY);

	f = tmpfile();
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(pmt_fprintf(f, "%s=%d;", "one", 1), 6);
	ck_assert_int_eq(call_vfprintf(f, "%c%03d;", 'v', 7), 5);
	ck_assert_int_ge(pmt_fputs("fputs;", f), 0);
	ck_assert_int_eq(pmt_fflush(f), 0);
	read_back(f, buf, sizeof buf);
	ck_assert_str_eq(buf, "one=1;v007;fputs;");
	fclose(f);

	capture_stdout();
	ck_assert_int_eq(pmt_printf("%s %d\n", "printf", 2), 9);
	ck_assert_int_ge(pmt_puts("puts"), 0);
	ck_assert_int_eq(pmt_fflush(stdout), 0);
	release_stdout(buf, sizeof buf);
	ck_assert_str_eq(buf, "printf 2\nputs\n");
	if (initialised)
		ck_assert_pmt_eq(pmt_preempt_enable(), PMT_EALREADY);
}

START_TEST(test_wrappers_are_plain_calls_before_init)
{
	exercise_wrappers(0);
	ck_assert_uint_eq(pmt_self(), PMT_THREAD_NONE);
	ck_assert_pmt_eq(pmt_preempt_enable(), PMT_ENOINIT);
}
END_TEST

START_TEST(test_wrappers_behave_like_libc_and_leave_no_section)
{
	ck_assert_int_eq(pmt_init(), 0);
	exercise_wrappers(1);
	/* Also inside a caller's section, which they leave as it was. */
	ck_assert_pmt_ok(pmt_preempt_disable());
	exercise_wrappers(0);
	ck_assert_pmt_ok(pmt_preempt_enable());
	ck_assert_pmt_eq(pmt_preempt_enable(), PMT_EALREADY);
}
END_TEST

/*
 * Six threads allocate, fill, check, grow and free blocks for a fixed
 * time under a 100 us tick.  A corrupted heap makes glibc abort (the test
 * dies); a block handed out twice shows as a wrong fill.
 */
#define NHEAP 6
#define HEAP_SLOTS 64
#define HEAP_MS 1500
static uint64_t heap_end;
static volatile unsigned long heap_wrong[NHEAP], heap_ops[NHEAP],
    heap_null[NHEAP];

static int
filled_with(const unsigned char *p, size_t n, unsigned char c)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != c)
			return 0;
	return 1;
}

static void *
heap_thread(void *arg)
{
	int me = (int)(uintptr_t)arg, j;
	unsigned char *slot[HEAP_SLOTS], fill[HEAP_SLOTS], *p;
	size_t len[HEAP_SLOTS], n;
	uint32_t rng = 2463534242u + (uint32_t)me * 7919u;
	unsigned long ops = 0;

	memset(slot, 0, sizeof slot);
	while (!stop) {
		rng ^= rng << 13;
		rng ^= rng >> 17;
		rng ^= rng << 5;
		j = (int)(rng % HEAP_SLOTS);
		n = 1 + (rng >> 8) % 4096;
		if ((rng >> 28) == 0)
			n = 100000 + (rng >> 8) % 200000; /* mmap sized */
		if (slot[j] != NULL) {
			if (!filled_with(slot[j], len[j], fill[j]))
				heap_wrong[me]++;
			if ((rng >> 24) % 4 == 0) {
				p = pmt_realloc(slot[j], n);
				if (p == NULL) {
					heap_null[me]++;
					continue;
				}
				if (!filled_with(
				        p, n < len[j] ? n : len[j], fill[j]))
					heap_wrong[me]++;
				memset(p, fill[j], n);
				slot[j] = p;
				len[j] = n;
			} else {
				pmt_free(slot[j]);
				slot[j] = NULL;
			}
		} else {
			fill[j] = (unsigned char)(me * 41 + (int)ops);
			if ((rng >> 24) % 3 == 0) {
				p = pmt_calloc(1, n);
				if (p != NULL && !filled_with(p, n, 0))
					heap_wrong[me]++;
			} else {
				p = pmt_malloc(n);
			}
			if (p == NULL) {
				heap_null[me]++;
				continue;
			}
			memset(p, fill[j], n);
			slot[j] = p;
			len[j] = n;
		}
		ops++;
		heap_ops[me] = ops;
		test_turn(me);
		if ((ops & 63) == 0 && test_now_ns() >= heap_end)
			stop = 1;
	}
	for (j = 0; j < HEAP_SLOTS; j++)
		if (slot[j] != NULL) {
			if (!filled_with(slot[j], len[j], fill[j]))
				heap_wrong[me]++;
			pmt_free(slot[j]);
		}
	return NULL;
}

START_TEST(test_allocation_wrappers_keep_heap_intact_under_100us_tick)
{
	pmt_t tids[NHEAP];
	int i;

	ck_assert_int_eq(pmt_init(), 0);
	heap_end = test_deadline_ms(HEAP_MS);
	for (i = 0; i < NHEAP; i++)
		ck_assert_pmt_ok(
		    test_spawn_big(&tids[i], heap_thread, PTR(i), i, LOW));
	ck_assert_pmt_ok(pmt_preempt_start(100, 0));
	for (i = 0; i < NHEAP; i++)
		ck_assert_pmt_ok(pmt_join(tids[i], NULL));
	ck_assert_pmt_ok(pmt_preempt_stop());
	for (i = 0; i < NHEAP; i++) {
		ck_assert_msg(heap_wrong[i] == 0,
		    "thread %d found %lu blocks overwritten (%lu operations)",
		    i, heap_wrong[i], heap_ops[i]);
		ck_assert_uint_eq(heap_null[i], 0);
		ck_assert_uint_ge(test_turns[i], 3);
	}
	ck_assert_uint_ge(preemptions_now(), 100);
}
END_TEST

/*
 * Six threads write numbered lines to one stream, alternately with
 * pmt_fprintf() and pmt_fputs(), under a 100 us tick.  Every line must
 * come out whole, each thread's in order, none missing.
 */
#define NPRINT 6
#define LINES 5000
#define PAYLOAD 48
static FILE *shared_stream;
static char payloads[26][PAYLOAD + 1];
static volatile unsigned long print_failed[NPRINT];

static void
format_line(char *buf, size_t size, int t, int i)
{
	snprintf(buf, size, "T%d %05d %s\n", t, i, payloads[(t + i) % 26]);
}

static void *
print_thread(void *arg)
{
	int me = (int)(uintptr_t)arg, i;
	char line[128];

	for (i = 0; i < LINES && !stop; i++) {
		if (i % 2 == 0) {
			if (pmt_fprintf(shared_stream, "T%d %05d %s\n", me, i,
			        payloads[(me + i) % 26]) < 0)
				print_failed[me]++;
		} else {
			format_line(line, sizeof line, me, i);
			if (pmt_fputs(line, shared_stream) < 0)
				print_failed[me]++;
		}
		test_turn(me);
		overdue((unsigned long)i);
	}
	return NULL;
}

START_TEST(test_stdio_wrappers_never_splice_lines_under_100us_tick)
{
	pmt_t tids[NPRINT];
	int i, t, n, next[NPRINT];
	unsigned long lines = 0, bad = 0;
	char got[128], want[128], first_bad[128] = "";

	for (i = 0; i < 26; i++) {
		memset(payloads[i], 'a' + i, PAYLOAD);
		payloads[i][PAYLOAD] = '\0';
	}
	shared_stream = tmpfile();
	ck_assert_ptr_nonnull(shared_stream);
	ck_assert_int_eq(pmt_init(), 0);
	deadline = test_deadline_ms(GIVE_UP_MS * 2);
	for (i = 0; i < NPRINT; i++)
		ck_assert_pmt_ok(
		    test_spawn_big(&tids[i], print_thread, PTR(i), i, LOW));
	ck_assert_pmt_ok(pmt_preempt_start(100, 0));
	for (i = 0; i < NPRINT; i++)
		ck_assert_pmt_ok(pmt_join(tids[i], NULL));
	ck_assert_pmt_ok(pmt_preempt_stop());
	assert_no_give_up();
	ck_assert_uint_ge(preemptions_now(), 20);
	for (i = 0; i < NPRINT; i++) {
		ck_assert_uint_eq(print_failed[i], 0);
		ck_assert_uint_ge(test_turns[i], 3);
		next[i] = 0;
	}

	ck_assert_int_eq(fflush(shared_stream), 0);
	rewind(shared_stream);
	while (fgets(got, sizeof got, shared_stream) != NULL) {
		lines++;
		if (sscanf(got, "T%d %d", &t, &n) != 2 || t < 0 ||
		    t >= NPRINT || n != next[t]) {
			t = -1;
		} else {
			format_line(want, sizeof want, t, n);
			if (strcmp(got, want) != 0)
				t = -1;
			else
				next[t]++;
		}
		if (t < 0 && bad++ == 0)
			memcpy(first_bad, got, sizeof first_bad);
	}
	fclose(shared_stream);
	ck_assert_msg(bad == 0, "%lu lines spliced or out of order, first: %s",
	    bad, first_bad);
	ck_assert_uint_eq(lines, (unsigned long)NPRINT * LINES);
	for (i = 0; i < NPRINT; i++)
		ck_assert_int_eq(next[i], LINES);
}
END_TEST

/* ---------------------------------------------------------------- sigmask */

/* A set holding just sig. */
static sigset_t
just(int sig)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	return set;
}

static int
kernel_mask_has(int sig)
{
	sigset_t cur;

	ck_assert_int_eq(sigprocmask(SIG_SETMASK, NULL, &cur), 0);
	return sigismember(&cur, sig);
}

/* Fills a set with a byte pattern no call would produce. */
static void
poison(sigset_t *set)
{
	memset(set, 0x5a, sizeof *set);
}

static int
poisoned(const sigset_t *set)
{
	sigset_t p;

	poison(&p);
	return memcmp(set, &p, sizeof p) == 0;
}

START_TEST(test_sigmask_fails_with_enoinit_before_init)
{
	sigset_t usr1 = just(SIGUSR1), old;

	poison(&old);
	ck_assert_pmt_eq(pmt_sigmask(SIG_BLOCK, &usr1, &old), PMT_ENOINIT);
	ck_assert_pmt_eq(pmt_sigmask(SIG_SETMASK, NULL, &old), PMT_ENOINIT);
	ck_assert(poisoned(&old));
	ck_assert_int_eq(kernel_mask_has(SIGUSR1), 0);
}
END_TEST

START_TEST(test_sigmask_rejects_bad_how_with_einval)
{
	static const int bad[] = {-1, 3, 12345};
	sigset_t usr1 = just(SIGUSR1), old;
	size_t i;

	ck_assert_int_eq(pmt_init(), 0);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		poison(&old);
		ck_assert_pmt_eq(pmt_sigmask(bad[i], &usr1, &old), PMT_EINVAL);
		ck_assert_pmt_eq(pmt_sigmask(bad[i], NULL, &old), PMT_EINVAL);
		ck_assert(poisoned(&old));
		ck_assert_int_eq(kernel_mask_has(SIGUSR1), 0);
	}
}
END_TEST

START_TEST(test_sigmask_blocks_unblocks_and_sets_with_oldset)
{
	sigset_t usr1 = just(SIGUSR1), usr2 = just(SIGUSR2), old, start;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(pmt_sigmask(SIG_BLOCK, NULL, &start));
	ck_assert_int_eq(sigismember(&start, SIGUSR1), 0);

	ck_assert_pmt_ok(pmt_sigmask(SIG_BLOCK, &usr1, &old));
	ck_assert_int_eq(sigismember(&old, SIGUSR1), 0);
	ck_assert_int_eq(kernel_mask_has(SIGUSR1), 1);

	ck_assert_pmt_ok(pmt_sigmask(SIG_SETMASK, &usr2, &old));
	ck_assert_int_eq(sigismember(&old, SIGUSR1), 1);
	ck_assert_int_eq(sigismember(&old, SIGUSR2), 0);
	ck_assert_int_eq(kernel_mask_has(SIGUSR1), 0);
	ck_assert_int_eq(kernel_mask_has(SIGUSR2), 1);

	ck_assert_pmt_ok(pmt_sigmask(SIG_UNBLOCK, &usr2, &old));
	ck_assert_int_eq(sigismember(&old, SIGUSR2), 1);
	ck_assert_int_eq(kernel_mask_has(SIGUSR2), 0);

	/* A NULL set only reports, whatever how says. */
	ck_assert_pmt_ok(pmt_sigmask(SIG_BLOCK, &usr1, NULL));
	ck_assert_pmt_ok(pmt_sigmask(SIG_UNBLOCK, NULL, &old));
	ck_assert_int_eq(sigismember(&old, SIGUSR1), 1);
	ck_assert_int_eq(kernel_mask_has(SIGUSR1), 1);

	ck_assert_pmt_ok(pmt_sigmask(SIG_SETMASK, &start, &old));
	ck_assert_int_eq(sigismember(&old, SIGUSR1), 1);
	ck_assert_int_eq(kernel_mask_has(SIGUSR1), 0);
	ck_assert_int_eq(kernel_mask_has(SIGUSR2), 0);
}
END_TEST

START_TEST(test_sigmask_refuses_to_block_tick_signal_while_preemption_runs)
{
	sigset_t alrm = just(SIGALRM), both = just(SIGALRM), old;
	sigset_t setmask;

	sigaddset(&both, SIGUSR1);
	ck_assert_int_eq(sigprocmask(SIG_SETMASK, NULL, &setmask), 0);
	sigaddset(&setmask, SIGALRM);
	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(pmt_preempt_start(1000, 0));

	poison(&old);
	ck_assert_pmt_eq(pmt_sigmask(SIG_BLOCK, &alrm, &old), PMT_EINVAL);
	ck_assert_pmt_eq(pmt_sigmask(SIG_BLOCK, &both, &old), PMT_EINVAL);
	ck_assert_pmt_eq(pmt_sigmask(SIG_SETMASK, &setmask, &old), PMT_EINVAL);
	ck_assert(poisoned(&old));
	/* Nothing changed, SIGUSR1 included. */
	ck_assert_int_eq(kernel_mask_has(SIGALRM), 0);
	ck_assert_int_eq(kernel_mask_has(SIGUSR1), 0);
	/* Unblocking it is harmless, and allowed. */
	ck_assert_pmt_ok(pmt_sigmask(SIG_UNBLOCK, &alrm, NULL));
	ck_assert_pmt_ok(pmt_preempt_stop());
}
END_TEST

START_TEST(test_sigmask_may_block_sigalrm_when_preemption_is_not_running)
{
	sigset_t alrm = just(SIGALRM), old;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(pmt_sigmask(SIG_BLOCK, &alrm, &old));
	ck_assert_int_eq(sigismember(&old, SIGALRM), 0);
	ck_assert_int_eq(kernel_mask_has(SIGALRM), 1);
	/* Blocked, it keeps preemption from starting. */
	ck_assert_pmt_eq(pmt_preempt_start(1000, 0), PMT_EBUSY);
	ck_assert_pmt_ok(pmt_sigmask(SIG_UNBLOCK, &alrm, NULL));
	/* Once preemption has stopped, allowed again. */
	ck_assert_pmt_ok(pmt_preempt_start(1000, 0));
	ck_assert_pmt_eq(pmt_sigmask(SIG_BLOCK, &alrm, NULL), PMT_EINVAL);
	ck_assert_pmt_ok(pmt_preempt_stop());
	ck_assert_pmt_ok(pmt_sigmask(SIG_BLOCK, &alrm, NULL));
	ck_assert_int_eq(kernel_mask_has(SIGALRM), 1);
}
END_TEST

/* Under PMT_PREEMPT_CPUTIME the tick is SIGVTALRM: that one is refused,
 * SIGALRM is the caller's. */
START_TEST(test_sigmask_refuses_the_cputime_tick_signal_only)
{
	sigset_t alrm = just(SIGALRM), vtalrm = just(SIGVTALRM);

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(pmt_preempt_start(4000, PMT_PREEMPT_CPUTIME));
	ck_assert_pmt_eq(pmt_sigmask(SIG_BLOCK, &vtalrm, NULL), PMT_EINVAL);
	ck_assert_int_eq(kernel_mask_has(SIGVTALRM), 0);
	ck_assert_pmt_ok(pmt_sigmask(SIG_BLOCK, &alrm, NULL));
	ck_assert_int_eq(kernel_mask_has(SIGALRM), 1);
	ck_assert_pmt_ok(pmt_preempt_stop());
}
END_TEST

static Suite *
critical_suite(void)
{
	Suite *s = suite_create("critical");
	TCase *tc;

	tc = tcase_create("nesting");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(
	    tc, test_disable_and_enable_fail_with_enoinit_before_init);
	tcase_add_test(tc, test_enable_without_disable_fails_with_ealready);
	tcase_add_test(tc, test_disable_nests_and_each_enable_undoes_one);
	tcase_add_test(tc, test_disable_nesting_stops_at_65535);
	suite_add_tcase(s, tc);

	tc = tcase_create("deferral");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc,
	    test_busy_thread_in_section_is_preempted_only_at_outermost_enable);
	tcase_add_test(tc, test_nopreempt_block_defers_ticks_to_its_end);
	tcase_add_test(tc,
	    test_section_of_thread_that_yields_does_not_pass_to_next_thread);
	tcase_add_test(
	    tc, test_higher_thread_spawned_in_section_runs_at_outermost_enable);
	tcase_add_test(
	    tc, test_thread_raised_in_section_runs_at_outermost_enable);
	tcase_add_test(
	    tc, test_higher_thread_spawned_in_section_waits_despite_ticks);
	suite_add_tcase(s, tc);

	tc = tcase_create("wrappers");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_wrappers_are_plain_calls_before_init);
	tcase_add_test(tc, test_wrappers_behave_like_libc_and_leave_no_section);
	tcase_add_test(
	    tc, test_allocation_wrappers_keep_heap_intact_under_100us_tick);
	tcase_add_test(
	    tc, test_stdio_wrappers_never_splice_lines_under_100us_tick);
	suite_add_tcase(s, tc);

	tc = tcase_create("sigmask");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_sigmask_fails_with_enoinit_before_init);
	tcase_add_test(tc, test_sigmask_rejects_bad_how_with_einval);
	tcase_add_test(tc, test_sigmask_blocks_unblocks_and_sets_with_oldset);
	tcase_add_test(tc,
	    test_sigmask_refuses_to_block_tick_signal_while_preemption_runs);
	tcase_add_test(
	    tc, test_sigmask_may_block_sigalrm_when_preemption_is_not_running);
	tcase_add_test(tc, test_sigmask_refuses_the_cputime_tick_signal_only);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	if (!PMT_TEST_PREEMPTION)
		return test_skip_without_preemption();
	return test_run_suite(critical_suite());
}
