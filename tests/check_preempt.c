/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * check_preempt.c - unit tests of timer preemption: busy threads that never
 * yield take turns and keep their state, and pmt_preempt_start() and
 * pmt_preempt_stop() arm, stop and clean up the tick as documented.
 */
#include <config.h>

#include <errno.h>
#include <fenv.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/auxv.h>
#endif

#include "busyutil.h"

#define PTR(n) ((void *)(uintptr_t)(n))

/* Busy threads run below main, which waits for them in pmt_join(): a
 * busy thread above or beside a waiting main would never let it look. */
#define LOW (PMT_PRIO_DEFAULT - 6)
#define HIGH (PMT_PRIO_DEFAULT + 4)

/*
 * What Valgrind cannot do, for the tests left out under it.  Its CPU
 * rounds SSE arithmetic to nearest whatever the rounding mode, and it
 * keeps the FP/SIMD registers of a thread preempted in its tick handler
 * elsewhere than in the signal frame, so they do not follow the switch.
 * Its signal return restores the mask it saved itself.
 */
#define VALGRIND_FP                                                            \
	"Valgrind ignores the SSE rounding mode and does not carry FP/SIMD "   \
	"registers across a switch made inside a signal handler"
#define VALGRIND_SIGMASK                                                       \
	"Valgrind's signal return ignores the handler's changes to "           \
	"uc_sigmask, by which preempted threads keep pmt_sigmask() changes"

static struct pmt_stats
stats_now(void)
{
	struct pmt_stats st;

	memset(&st, 0, sizeof st);
	ck_assert_pmt_ok(pmt_stats(&st));
	return st;
}

/* pmt_spawn() on slice i of the pool cut in n (n a power of two). */
static int
spawn_on_slice(
    pmt_t *tid, void *(*entry)(void *), void *arg, int i, int n, int prio)
{
	size_t size = sizeof test_stacks / (size_t)n;

	return pmt_spawn(
	    tid, entry, arg, test_stack_slice((size_t)i, size), size, prio);
}

/* ---------------------------------------------------------------- busy */

/*
 * Busy threads numbered 0..nbusy-1 spin, never yielding, until each has
 * had goal turns; the one that sees it first notes the tick count and
 * stops them all.
 */
static int nbusy;
static unsigned long goal;
static volatile uint64_t ticks_at_goal, rotations_at_goal;

static void *
spin_to_goal(void *arg)
{
	int me = (int)(uintptr_t)arg;
	unsigned long pass = 0;

	while (!stop) {
		spins[me]++;
		if (test_turn(me) && test_min_turns(0, nbusy) >= goal) {
			struct pmt_stats st;

			if (pmt_stats(&st) == 0) {
				ticks_at_goal = st.ticks;
				rotations_at_goal = st.preemptions;
			}
			stop = 1;
		}
		overdue(++pass);
	}
	return NULL;
}

/* Starts n busy threads spinning to turns turns each, below main, and the
 * tick of usec microseconds with flags; test body only. */
static void
start_spinning_to_goal(
    pmt_t *tids, int n, unsigned long turns, unsigned long usec, unsigned flags)
{
	deadline = test_deadline_ms(GIVE_UP_MS);
	nbusy = n;
	goal = turns;
	spawn_all(tids, n, spin_to_goal, LOW);
	ck_assert_pmt_ok(pmt_preempt_start(usec, flags));
}

/* The original library's test: two endless loops, one priority. */
START_TEST(test_two_busy_threads_take_turns_under_1ms_tick)
{
	pmt_t tids[2];
	struct pmt_stats st;

	ck_assert_int_eq(pmt_init(), 0);
	start_spinning_to_goal(tids, 2, 10, 1000, 0);
	join_all(tids, 2);
	ck_assert_pmt_ok(pmt_preempt_stop());
	assert_no_give_up();
	ck_assert_uint_ge(test_turns[0], goal);
	ck_assert_uint_ge(test_turns[1], goal);
	/* Every turn after the first came from a tick. */
	st = stats_now();
	ck_assert_uint_ge(st.preemptions, 2 * goal - 1);
	ck_assert_uint_ge(st.ticks, st.preemptions);
}
END_TEST

/* Round robin: n threads each get goal turns in about n * goal ticks;
 * twice that, plus slack, is the bound.  Under Valgrind most ticks land
 * inside the scheduler lock and fold into one rotation (see the 100 000
 * tick test below), so there the bound is on the rotations. */
START_TEST(test_n_busy_threads_all_progress_within_bounded_ticks)
{
	pmt_t tids[8];
	int n = 4 << _i; /* 4, then 8 */

	ck_assert_int_eq(pmt_init(), 0);
	start_spinning_to_goal(tids, n, 3, 500, 0);
	join_all(tids, n);
	ck_assert_pmt_ok(pmt_preempt_stop());
	assert_no_give_up();
	ck_assert_uint_ge(test_min_turns(0, n), goal);
	ck_assert_uint_gt(ticks_at_goal, 0);
	ck_assert_uint_le(
	    test_on_valgrind() ? rotations_at_goal : ticks_at_goal,
	    2 * (uint64_t)n * goal + 8);
}
END_TEST

/*
 * Two busy threads above main and two below.  While the high ones take
 * turns, ticks come (they share a level) and the low ones never run;
 * when the high ones are done, the low ones take turns.
 */
static volatile int high_done, stop_low;
static volatile unsigned long low_seen_by_high;
static volatile int low_ran_early;
static volatile uint64_t ticks_high_done;

static void *
spin_high(void *arg)
{
	int me = (int)(uintptr_t)arg;
	unsigned long pass = 0;

	while (!stop && !high_done) {
		spins[me]++;
		if (spins[2] + spins[3] != 0)
			low_seen_by_high++;
		if (test_turn(me) && test_min_turns(0, 2) >= 5) {
			ticks_high_done = ticks_now();
			high_done = 1;
		}
		overdue(++pass);
	}
	return NULL;
}

static void *
spin_low(void *arg)
{
	int me = (int)(uintptr_t)arg;
	unsigned long pass = 0;

	if (!high_done)
		low_ran_early = 1;
	while (!stop && !stop_low) {
		spins[me]++;
		if (test_turn(me) && test_min_turns(2, 2) >= 3)
			stop_low = 1;
		overdue(++pass);
	}
	return NULL;
}

START_TEST(test_busy_high_threads_are_never_preempted_by_lower_ones)
{
	pmt_t hi[2], lo[2];

	ck_assert_int_eq(pmt_init(), 0);
	deadline = test_deadline_ms(GIVE_UP_MS);
	/* Above everything while it sets up, so that nothing runs yet. */
	ck_assert_pmt_ok(pmt_setprio(pmt_self(), PMT_PRIO_MAX));
	ck_assert_pmt_ok(test_spawn_big(&hi[0], spin_high, PTR(0), 0, HIGH));
	ck_assert_pmt_ok(test_spawn_big(&hi[1], spin_high, PTR(1), 1, HIGH));
	ck_assert_pmt_ok(test_spawn_big(&lo[0], spin_low, PTR(2), 2, LOW));
	ck_assert_pmt_ok(test_spawn_big(&lo[1], spin_low, PTR(3), 3, LOW));
	ck_assert_pmt_ok(pmt_preempt_start(500, 0));
	ck_assert_pmt_ok(pmt_setprio(pmt_self(), PMT_PRIO_DEFAULT));
	/* The high pair ran and finished inside that call. */
	ck_assert_int_eq(high_done, 1);
	ck_assert_pmt_ok(pmt_join(lo[0], NULL));
	ck_assert_pmt_ok(pmt_join(lo[1], NULL));
	ck_assert_pmt_ok(pmt_join(hi[0], NULL));
	ck_assert_pmt_ok(pmt_join(hi[1], NULL));
	ck_assert_pmt_ok(pmt_preempt_stop());
	assert_no_give_up();
	ck_assert_uint_ge(test_min_turns(0, 2), 5);
	/* Ticks came while the low threads were ready... */
	ck_assert_uint_ge(ticks_high_done, 9);
	/* ...and none of them let a low thread in. */
	ck_assert_uint_eq(low_seen_by_high, 0);
	ck_assert_int_eq(low_ran_early, 0);
	ck_assert_uint_ge(test_min_turns(2, 2), 3);
}
END_TEST

/*
 * pmt_thread_stats() under the tick: three busy threads below main take
 * turns until each has had goal of them, while main sleeps; once they
 * are done, and before they are joined, each was preempted, and the
 * threads' counters add up to the scheduler's.
 */
#define NSTATS 3

START_TEST(test_thread_stats_count_preemptions_of_busy_threads)
{
	pmt_t tids[NSTATS];
	struct pmt_thread_stats ts[NSTATS], mine;
	struct pmt_stats st;
	uint64_t switches = 0, preemptions = 0;
	int i, done = 0;

	ck_assert_int_eq(pmt_init(), 0);
	start_spinning_to_goal(tids, NSTATS, 10, 500, 0);
	/* Long sleeps: main's wake-ups take the CPU from a busy thread
	 * without a preemption, and should be few. */
	while (!done && !test_expired(deadline)) {
		ck_assert_pmt_ok(pmt_sleep(PMT_MSEC(50)));
		for (done = 1, i = 0; i < NSTATS; i++) {
			ck_assert_pmt_ok(pmt_thread_stats(tids[i], &ts[i]));
			if (ts[i].state != PMT_THREAD_DONE)
				done = 0;
		}
	}
	ck_assert_pmt_ok(pmt_preempt_stop());
	ck_assert_pmt_ok(pmt_thread_stats(pmt_self(), &mine));
	st = stats_now();
	join_all(tids, NSTATS);
	assert_no_give_up();
	ck_assert_int_eq(done, 1);
	ck_assert_int_eq(mine.state, PMT_THREAD_RUNNING);
	ck_assert_uint_eq(mine.preemptions, 0); /* alone at its level */
	switches = mine.switches;
	for (i = 0; i < NSTATS; i++) {
		ck_assert_uint_ge(ts[i].switches, goal);
		ck_assert_uint_gt(ts[i].preemptions, 0);
		/* Its last turn ended in its return, not in a preemption. */
		ck_assert_uint_lt(ts[i].preemptions, ts[i].switches);
		switches += ts[i].switches;
		preemptions += ts[i].preemptions;
	}
	ck_assert_uint_eq(switches, st.switches);
	ck_assert_uint_eq(preemptions, st.preemptions);
	ck_assert_uint_gt(st.preemptions, 0);
}
END_TEST

/* ---------------------------------------------------------------- many */

/*
 * Two busy threads at the shortest interval until 100 000 ticks have
 * come, then until each has had 5 more turns.  Under Valgrind, which
 * delivers far fewer ticks a second, 10 000.
 */
#define MANY_TICKS (test_on_valgrind() ? 10000u : 100000u)
#define MANY_GIVE_UP_MS (40000 * TEST_SLOWDOWN)
static volatile int many_reached;
static volatile unsigned long turns_at_many[2];

static void *
spin_many(void *arg)
{
	int me = (int)(uintptr_t)arg;
	unsigned long pass = 0;

	while (!stop) {
		pass++;
		if (test_turn(me) && many_reached &&
		    test_turns[0] >= turns_at_many[0] + 5 &&
		    test_turns[1] >= turns_at_many[1] + 5)
			stop = 1;
		if ((pass & 1023) == 0 && !many_reached &&
		    ticks_now() >= MANY_TICKS) {
			turns_at_many[0] = test_turns[0];
			turns_at_many[1] = test_turns[1];
			many_reached = 1;
		}
		overdue(pass);
	}
	return NULL;
}

START_TEST(test_preemption_still_works_after_100000_ticks)
{
	pmt_t tids[2];
	struct pmt_stats st;

	ck_assert_int_eq(pmt_init(), 0);
	deadline = test_deadline_ms(MANY_GIVE_UP_MS);
	spawn_all(tids, 2, spin_many, LOW);
	ck_assert_pmt_ok(pmt_preempt_start(PMT_PREEMPT_MIN_USEC, 0));
	join_all(tids, 2);
	ck_assert_pmt_ok(pmt_preempt_stop());
	st = stats_now();
	ck_assert_msg(
	    !gave_up, "gave up after %" PRIu64 " ticks", (uint64_t)st.ticks);
	ck_assert_int_eq(many_reached, 1);
	ck_assert_uint_ge(st.ticks, MANY_TICKS);
	ck_assert_uint_ge(test_turns[0], turns_at_many[0] + 5);
	ck_assert_uint_ge(test_turns[1], turns_at_many[1] + 5);
	/*
	 * Nearly every tick rotated the pair.  Not so under Valgrind, which
	 * delivers a signal only at a system call or between blocks of
	 * translated code: most ticks land at the system calls a switch
	 * makes under the scheduler lock (measured: 78% of the ticks came
	 * with the lock held, against 2% natively), and the ticks a lock
	 * defers fold into the one rotation its end makes.
	 */
	if (!test_on_valgrind())
		ck_assert_uint_ge(st.preemptions, MANY_TICKS / 2);
}
END_TEST

/* ---------------------------------------------------------------- starts */

/*
 * Threads preempted as they start, again and again: four at a time at
 * the shortest interval, each calling functions with locals from its
 * first line, and a new one in the place of each that finishes, until
 * STARTS have run.  Each returns a value that depends on all its locals.
 * Under AddressSanitizer looking for use after return, as make check
 * runs it, a thread's locals live on a fake stack of its own: one made
 * when the thread first needs it would be half made when a tick switched
 * away in the middle, and the thread would crash in ASan when it
 * resumed (lib/fiber.c).
 */
#define STARTS 2000
#define STARTERS 4
#define START_WORDS 16

static __attribute__((noinline)) unsigned long
sum_of_locals(unsigned long seed)
{
	volatile unsigned long w[START_WORDS];
	unsigned long sum = 0;
	int i;

	for (i = 0; i < START_WORDS; i++)
		w[i] = seed + (unsigned long)i;
	for (i = 0; i < START_WORDS; i++)
		sum += w[i];
	return sum;
}

/* What starter(arg) returns. */
static unsigned long
starter_value(unsigned long n)
{
	unsigned long sum = 0, i;

	for (i = 0; i < 64; i++)
		sum += sum_of_locals(n + i);
	return sum;
}

static void *
starter(void *arg)
{
	return PTR(starter_value((unsigned long)(uintptr_t)arg));
}

START_TEST(test_threads_preempted_as_they_start_run_to_the_end)
{
	pmt_t tids[STARTERS];
	unsigned long wrong = 0, n;
	void *v;
	int i;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(pmt_preempt_start(PMT_PREEMPT_MIN_USEC, 0));
	for (i = 0; i < STARTERS; i++)
		ck_assert_pmt_ok(test_spawn(&tids[i], starter, PTR(i), i, LOW));
	for (n = STARTERS; n < STARTS + STARTERS; n++) {
		i = (int)(n % STARTERS);
		ck_assert_pmt_ok(pmt_join(tids[i], &v));
		if ((uintptr_t)v != starter_value(n - STARTERS))
			wrong++;
		if (n < STARTS)
			ck_assert_pmt_ok(
			    test_spawn(&tids[i], starter, PTR(n), i, LOW));
	}
	ck_assert_pmt_ok(pmt_preempt_stop());
	ck_assert_uint_eq(wrong, 0);
	ck_assert_uint_gt(stats_now().ticks, 0);
}
END_TEST

/* ---------------------------------------------------------------- resume */

/*
 * Every way of leaving the CPU (a tick, a yield) followed by every way of
 * getting it back (resumed from a tick's handler, from a yield, or started
 * afresh).  Each worker keeps twelve values in registers, mixes them on
 * every step, and fills a stack array; the test body replays the steps
 * alone and compares, so one register or local lost in any of those
 * switches shows.  A worker's turns end alternately by a yield after a few
 * steps and by spinning until the tick.
 */
#define NWORKERS 8
#define WORKER_TURNS 24
enum { LEFT_TICK, LEFT_YIELD, LEFT_OTHER, NLEFT };
enum { CAME_NEW, CAME_TICK, CAME_YIELD, NCAME };
static const char *const left_name[NLEFT] = {"tick", "yield", "other"};
static const char *const came_name[NCAME] = {"new", "tick", "yield"};

static volatile int left_by = LEFT_OTHER; /* how the last runner left */
static unsigned long resumes[NLEFT][NCAME];
static volatile int workers_done;

struct work {
	unsigned long steps;
	uint64_t digest;
	unsigned long stack_wrong;
};
static struct work results[NWORKERS];

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

#define WORK_SEED(me, a, b, c, d, e, f, g, h, p, q, r, s)                      \
	do {                                                                   \
		a = 0x0123456789abcdefu * (uint64_t)((me) + 1);                \
		b = a ^ 0x1111111111111111u;                                   \
		c = a + 0x2222222222222222u;                                   \
		d = rotl(a, 17);                                               \
		e = ~a;                                                        \
		f = a * 3;                                                     \
		g = a ^ 0x5555555555555555u;                                   \
		h = (uint64_t)(me) << 40;                                      \
		p = 1.0 + (me);                                                \
		q = 0.5;                                                       \
		r = 0.25 * (me);                                               \
		s = 3.0;                                                       \
	} while (0)

#define WORK_STEP(a, b, c, d, e, f, g, h, p, q, r, s)                          \
	do {                                                                   \
		a += b ^ (c >> 3);                                             \
		b ^= rotl(c, 7) + d;                                           \
		c += d ^ (e << 5);                                             \
		d ^= e + f;                                                    \
		e += rotl(f, 11) ^ g;                                          \
		f ^= g + h;                                                    \
		g += h ^ (a >> 7);                                             \
		h ^= a + 0x9e3779b97f4a7c15u;                                  \
		p = p * 0.75 + q * 0.125 + (double)(a & 0xff);                 \
		q = q * 0.5 + r;                                               \
		r = r * 0.25 + s;                                              \
		s = s * 0.875 + 1.0 / (double)((h & 0xffff) + 1);              \
	} while (0)

static uint64_t
bits_of(double x)
{
	uint64_t u;

	memcpy(&u, &x, sizeof u);
	return u;
}

static uint64_t
work_digest(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
    uint64_t f, uint64_t g, uint64_t h, double p, double q, double r, double s)
{
	return a ^ rotl(b, 5) ^ rotl(c, 10) ^ rotl(d, 15) ^ rotl(e, 20) ^
	       rotl(f, 25) ^ rotl(g, 30) ^ rotl(h, 35) ^ rotl(bits_of(p), 40) ^
	       rotl(bits_of(q), 45) ^ rotl(bits_of(r), 50) ^
	       rotl(bits_of(s), 55);
}

/* The digest of worker me after steps steps, computed alone. */
static uint64_t
work_replay(int me, unsigned long steps)
{
	uint64_t a, b, c, d, e, f, g, h;
	double p, q, r, s;
	unsigned long i;

	WORK_SEED(me, a, b, c, d, e, f, g, h, p, q, r, s);
	for (i = 0; i < steps; i++)
		WORK_STEP(a, b, c, d, e, f, g, h, p, q, r, s);
	return work_digest(a, b, c, d, e, f, g, h, p, q, r, s);
}

static uint64_t
stack_pattern(int me, int i)
{
	return 0xa5a5000000000000u ^ ((uint64_t)me << 32) ^ (uint64_t)i;
}

static void *
worker(void *arg)
{
	int me = (int)(uintptr_t)arg, i, came = CAME_NEW, yield_turn = 0;
	uint64_t a, b, c, d, e, f, g, h;
	double p, q, r, s;
	volatile uint64_t pattern[16];
	unsigned long steps = 0, turn = 0, turn_start = 0;

	WORK_SEED(me, a, b, c, d, e, f, g, h, p, q, r, s);
	for (i = 0; i < 16; i++)
		pattern[i] = stack_pattern(me, i);
	while (workers_done < NWORKERS - 1) {
		if (test_turn(me)) {
			resumes[left_by][came]++;
			came = CAME_TICK;
			if (++turn > WORKER_TURNS)
				break;
			yield_turn = (int)((turn + (unsigned long)me) & 1);
			turn_start = steps;
		}
		left_by = LEFT_TICK;
		WORK_STEP(a, b, c, d, e, f, g, h, p, q, r, s);
		steps++;
		if (yield_turn && steps - turn_start >= 8) {
			left_by = LEFT_YIELD;
			pmt_yield();
			came = CAME_YIELD;
		}
		if (overdue(steps))
			break;
	}
	left_by = LEFT_OTHER;
	for (i = 0; i < 16; i++)
		if (pattern[i] != stack_pattern(me, i))
			results[me].stack_wrong++;
	results[me].steps = steps;
	results[me].digest = work_digest(a, b, c, d, e, f, g, h, p, q, r, s);
	workers_done++;
	return NULL;
}

START_TEST(test_threads_parked_by_tick_or_yield_and_new_ones_resume_intact)
{
	pmt_t tids[NWORKERS];
	int i, l, c;

	ck_assert_int_eq(pmt_init(), 0);
	deadline = test_deadline_ms(GIVE_UP_MS);
	spawn_all(tids, NWORKERS, worker, LOW);
	ck_assert_pmt_ok(pmt_preempt_start(500, 0));
	join_all(tids, NWORKERS);
	ck_assert_pmt_ok(pmt_preempt_stop());
	assert_no_give_up();
	for (i = 0; i < NWORKERS; i++) {
		ck_assert_msg(results[i].stack_wrong == 0,
		    "worker %d lost %lu stack words", i,
		    results[i].stack_wrong);
		ck_assert_msg(
		    results[i].digest == work_replay(i, results[i].steps),
		    "worker %d: registers changed across a switch (%lu steps)",
		    i, results[i].steps);
	}
	/* Each way out followed by each way back in happened. */
	for (l = LEFT_TICK; l <= LEFT_YIELD; l++)
		for (c = 0; c < NCAME; c++)
			ck_assert_msg(resumes[l][c] > 0,
			    "no thread left by %s and then one resumed as %s",
			    left_name[l], came_name[c]);
}
END_TEST

/* ---------------------------------------------------------------- fp */

/*
 * Four threads, each in its own rounding mode, repeat one computation in
 * double (SSE) and long double (x87) arithmetic under a 100 us tick and
 * compare each result with the one main computed beforehand, alone, in
 * that mode.  The kernel's signal frame carries the FP state of a thread
 * parked by a tick, the switch that of one parked by a yield; the threads
 * do both.
 */
#define NMODES 4
#define FP_STEPS 1000
static const int modes[NMODES] = {
    FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
static volatile double fp_seed = 1.0, fp_divisor = 3.0;

struct fp_result {
	double d[2];
	long double ld[2];
};
static struct fp_result fp_expected[NMODES];
static volatile unsigned long fp_wrong[NMODES], fp_mode_wrong[NMODES],
    fp_reps[NMODES];

/* Sums of positive and of negative results: upward and toward zero round
 * the first apart, downward and toward zero the second. */
static __attribute__((noinline)) void
fp_work(struct fp_result *out)
{
	double x = fp_seed, k = fp_divisor, y = 0.0, z = 0.0;
	long double lx = fp_seed, lk = fp_divisor, ly = 0.0L, lz = 0.0L;
	int i;

	for (i = 0; i < FP_STEPS; i++) {
		x = 0.1 + x / k;
		y = y + x;
		z = z - x / 7.0;
		lx = 0.1L + lx / lk;
		ly = ly + lx;
		lz = lz - lx / 7.0L;
	}
	out->d[0] = y;
	out->d[1] = z;
	out->ld[0] = ly;
	out->ld[1] = lz;
}

static int
fp_same(const struct fp_result *a, const struct fp_result *b, int x87)
{
	if (x87)
		return a->ld[0] == b->ld[0] && a->ld[1] == b->ld[1];
	return a->d[0] == b->d[0] && a->d[1] == b->d[1];
}

static void *
fp_thread(void *arg)
{
	int me = (int)(uintptr_t)arg;
	struct fp_result got;
	unsigned long pass = 0;

	if (fesetround(modes[me]) != 0)
		fp_mode_wrong[me]++;
	while (!stop) {
		fp_work(&got);
		if (!fp_same(&got, &fp_expected[me], 0) ||
		    !fp_same(&got, &fp_expected[me], 1))
			fp_wrong[me]++;
		if (fegetround() != modes[me])
			fp_mode_wrong[me]++;
		/* Now and then a yield, so that threads parked by a yield
		 * and by a tick resume each other. */
		if (++fp_reps[me] % 4 == 0) {
			pmt_yield();
			if (fegetround() != modes[me])
				fp_mode_wrong[me]++;
		}
		if (test_turn(me) && test_min_turns(0, NMODES) >= 20)
			stop = 1;
		overdue(++pass * 1024);
	}
	return NULL;
}

START_TEST(test_rounding_modes_stay_per_thread_and_exact_under_100us_tick)
{
	pmt_t tids[NMODES];
	int i, j;

	ck_assert_int_eq(pmt_init(), 0);
	for (i = 0; i < NMODES; i++) {
		ck_assert_int_eq(fesetround(modes[i]), 0);
		fp_work(&fp_expected[i]);
	}
	ck_assert_int_eq(fesetround(FE_TONEAREST), 0);
	/* The modes give different results, or the test would prove
	 * nothing. */
	for (i = 0; i < NMODES; i++)
		for (j = i + 1; j < NMODES; j++) {
			ck_assert(
			    !fp_same(&fp_expected[i], &fp_expected[j], 0));
			ck_assert(
			    !fp_same(&fp_expected[i], &fp_expected[j], 1));
		}
	deadline = test_deadline_ms(GIVE_UP_MS);
	spawn_all(tids, NMODES, fp_thread, LOW);
	ck_assert_pmt_ok(pmt_preempt_start(100, 0));
	join_all(tids, NMODES);
	ck_assert_pmt_ok(pmt_preempt_stop());
	assert_no_give_up();
	ck_assert_int_eq(fegetround(), FE_TONEAREST);
	for (i = 0; i < NMODES; i++) {
		ck_assert_msg(fp_wrong[i] == 0,
		    "mode %d: %lu of %lu results differ", i, fp_wrong[i],
		    fp_reps[i]);
		ck_assert_msg(fp_mode_wrong[i] == 0,
		    "mode %d: fegetround() was wrong %lu times", i,
		    fp_mode_wrong[i]);
		ck_assert_uint_ge(test_turns[i], 20);
	}
	ck_assert_uint_ge(stats_now().preemptions, 20);
}
END_TEST

/* ---------------------------------------------------------------- errno */

#define NERRNO 4
static volatile unsigned long errno_wrong[NERRNO], errno_checks[NERRNO];

/*
 * Sets errno to a value of its own on every pass and checks it on the
 * next.  Now and then it yields, so that threads parked by a tick and by
 * a yield resume each other: the tick handler keeps errno for the first,
 * the switch for the second.
 */
static void *
errno_spinner(void *arg)
{
	int me = (int)(uintptr_t)arg, want = 1000 * (me + 1);
	volatile int *ep = &errno;
	unsigned long pass = 0;

	*ep = want;
	while (!stop) {
		if (*ep != want)
			errno_wrong[me]++;
		errno_checks[me]++;
		pass++;
		if (test_turn(me) && test_min_turns(0, NERRNO) >= 20)
			stop = 1;
		overdue(pass);
		want = 1000 * (me + 1) + (int)(pass % 997);
		*ep = want;
		if (pass % 50000 == 0) {
			pmt_yield();
			if (*ep != want)
				errno_wrong[me]++;
		}
	}
	return NULL;
}

START_TEST(test_errno_is_kept_per_thread_under_preemption)
{
	pmt_t tids[NERRNO];
	int i, main_errno;

	ck_assert_int_eq(pmt_init(), 0);
	deadline = test_deadline_ms(GIVE_UP_MS);
	spawn_all(tids, NERRNO, errno_spinner, LOW);
	errno = 7;
	ck_assert_pmt_ok(pmt_preempt_start(200, 0));
	join_all(tids, NERRNO);
	main_errno = errno;
	ck_assert_pmt_ok(pmt_preempt_stop());
	assert_no_give_up();
	for (i = 0; i < NERRNO; i++) {
		ck_assert_msg(errno_wrong[i] == 0,
		    "thread %d found a wrong errno %lu times of %lu", i,
		    errno_wrong[i], errno_checks[i]);
		ck_assert_uint_ge(test_turns[i], 20);
	}
	/* Main, parked in pmt_join(), kept its own too. */
	ck_assert_int_eq(main_errno, 7);
}
END_TEST

/* ---------------------------------------------------------------- sigmask */

/*
 * Four busy threads.  When all have been preempted a few times (so the
 * other three are parked inside the tick handler), thread 0 blocks
 * SIGUSR1 with pmt_sigmask(); then every thread checks the kernel's mask
 * on every pass for many more turns.  A parked thread that restored the
 * mask it was preempted with would unblock SIGUSR1.
 */
#define NMASK 4
static volatile int masked, mask_result = -1, mask_old_had_usr1 = -1;
static volatile unsigned long turns_at_mask[NMASK];
static volatile unsigned long mask_checks[NMASK], mask_wrong[NMASK];

static int
usr1_blocked(void)
{
	sigset_t cur;

	if (sigprocmask(SIG_SETMASK, NULL, &cur) != 0)
		return -1;
	return sigismember(&cur, SIGUSR1);
}

static void
block_usr1(void)
{
	sigset_t set, old;
	int i;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigfillset(&old);
	mask_result = pmt_sigmask(SIG_BLOCK, &set, &old);
	mask_old_had_usr1 = sigismember(&old, SIGUSR1);
	for (i = 0; i < NMASK; i++)
		turns_at_mask[i] = test_turns[i];
	masked = 1;
}

static int
all_turned_since_mask(void)
{
	int i;

	for (i = 0; i < NMASK; i++)
		if (test_turns[i] < turns_at_mask[i] + 10)
			return 0;
	return 1;
}

static void *
mask_spinner(void *arg)
{
	int me = (int)(uintptr_t)arg;
	unsigned long pass = 0;

	while (!stop) {
		int turned = test_turn(me);

		pass++;
		if (masked) {
			mask_checks[me]++;
			if (usr1_blocked() != 1)
				mask_wrong[me]++;
			if (turned && all_turned_since_mask())
				stop = 1;
		} else if (me == 0 && turned && test_min_turns(0, NMASK) >= 3) {
			block_usr1();
		}
		overdue(pass);
	}
	return NULL;
}

START_TEST(test_sigmask_change_survives_threads_parked_in_tick_handler)
{
	pmt_t tids[NMASK];
	sigset_t cur;
	int i;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_int_eq(usr1_blocked(), 0);
	deadline = test_deadline_ms(GIVE_UP_MS);
	spawn_all(tids, NMASK, mask_spinner, LOW);
	ck_assert_pmt_ok(pmt_preempt_start(200, 0));
	join_all(tids, NMASK);
	ck_assert_pmt_ok(pmt_preempt_stop());
	assert_no_give_up();
	ck_assert_int_eq(masked, 1);
	ck_assert_pmt_ok(mask_result);
	ck_assert_int_eq(mask_old_had_usr1, 0);
	for (i = 0; i < NMASK; i++) {
		ck_assert_msg(mask_wrong[i] == 0,
		    "thread %d found SIGUSR1 unblocked %lu times of %lu", i,
		    mask_wrong[i], mask_checks[i]);
		ck_assert_uint_gt(mask_checks[i], 0);
	}
	ck_assert_int_eq(usr1_blocked(), 1);
	ck_assert_pmt_ok(pmt_sigmask(SIG_BLOCK, NULL, &cur));
	ck_assert_int_eq(sigismember(&cur, SIGUSR1), 1);
}
END_TEST

/*
 * Ticks nested in the tick handler.  When a second tick is delivered at
 * the very start of the handler (before it could read anything) or at its
 * very end (after it fixed its ucontext's mask, before sigreturn), the
 * nested handler can switch away, another thread can change the mask
 * with pmt_sigmask(), and the outer frame would then return with a stale
 * mask.  The handler therefore fixes the mask on every return and blocks
 * the tick until its sigreturn.  Ticks that land on the way out of system
 * calls make such nesting frequent at the shortest interval.
 *
 * Two threads check, inside a section, that the kernel's mask is the one
 * last set; between their checks they make system calls.  A third flips
 * SIGUSR1 once per turn of its own.  For a bounded time, at 50 us.
 */
#define RACE_MS 3000
#define NRACE 2 /* checkers; the flipper is thread NRACE */
static volatile int race_blocked;
static volatile unsigned long race_checks[NRACE], race_wrong[NRACE], race_flips;
static uint64_t race_end;

static void *
mask_checker(void *arg)
{
	int me = (int)(uintptr_t)arg, i;
	sigset_t cur;

	while (!stop) {
		test_turn(me);
		for (i = 0; i < 20; i++)
			(void)getppid();
		PMT_NOPREEMPT
		{
			if (sigprocmask(SIG_SETMASK, NULL, &cur) != 0 ||
			    sigismember(&cur, SIGUSR1) != race_blocked) {
				race_wrong[me]++;
				stop = 1;
			}
			race_checks[me]++;
		}
	}
	return NULL;
}

static void *
mask_flipper(void *arg)
{
	sigset_t usr1;
	unsigned long pass = 0;

	(void)arg;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	while (!stop) {
		if (test_turn(NRACE)) {
			PMT_NOPREEMPT
			{
				int block = !race_blocked;

				if (pmt_sigmask(block ? SIG_BLOCK : SIG_UNBLOCK,
				        &usr1, NULL) == 0)
					race_blocked = block;
				race_flips++;
			}
		}
		if ((++pass & 1023) == 0 && test_now_ns() >= race_end)
			stop = 1;
	}
	return NULL;
}

START_TEST(test_sigmask_change_survives_ticks_nested_in_the_tick_handler)
{
	pmt_t tids[NRACE + 1];
	int i;

	ck_assert_int_eq(pmt_init(), 0);
	race_end = test_deadline_ms(RACE_MS);
	/* 512 KiB stacks: at this interval ticks pile up (see below). */
	for (i = 0; i < NRACE; i++)
		ck_assert_pmt_ok(
		    spawn_on_slice(&tids[i], mask_checker, PTR(i), i, 4, LOW));
	ck_assert_pmt_ok(
	    spawn_on_slice(&tids[NRACE], mask_flipper, NULL, NRACE, 4, LOW));
	ck_assert_pmt_ok(pmt_preempt_start(PMT_PREEMPT_MIN_USEC, 0));
	join_all(tids, NRACE + 1);
	ck_assert_pmt_ok(pmt_preempt_stop());
	for (i = 0; i < NRACE; i++)
		ck_assert_msg(race_wrong[i] == 0,
		    "stale mask restored by a handler return: thread %d found "
		    "SIGUSR1 %s after %lu mask changes",
		    i, race_blocked ? "unblocked" : "blocked", race_flips);
	ck_assert_uint_ge(race_flips, 1000);
}
END_TEST

/*
 * Ticks must not pile up on a preempted thread's stack.  pmt_stack_min()
 * budgets two signal frames for preemption.  With SA_NODEFER nothing
 * blocks the tick while the kernel delivers it, so when one delivery
 * comes late by about an interval (a busy or virtualised host), the next
 * tick is stacked before the handler has run a single instruction, and
 * again: measured 10 to 40 frames (15 to 60 KB) at 50 us, overflowing
 * 64 KiB stacks.  The handler therefore keeps the tick blocked during
 * delivery and unblocks it only to switch.
 *
 * Two busy threads that make system calls, on stacks filled with a
 * pattern, 3 s at the shortest interval: no stack may have been written
 * deeper than two frames plus the 4 KiB of C frames pmt_stack_min()
 * counts.
 */
#define PILE_MS 3000
#define PILE_FILL 0xa5
static uint64_t pile_end;

static void *
spin_until_pile_end(void *arg)
{
	unsigned long pass = 0;

	(void)arg;
	while (!stop) {
		(void)getppid();
		if ((++pass & 63) == 0 && test_now_ns() >= pile_end)
			stop = 1;
	}
	return NULL;
}

/* How deep the stack [lo, lo + size) was written below its top; its
 * lowest 8 bytes hold the library's guard value (pmt_stack_info(3)). */
static size_t
stack_used(const unsigned char *lo, size_t size)
{
	size_t i = 8;

	while (i < size && lo[i] == PILE_FILL)
		i++;
	return size - i;
}

/* The two signal frames and 4 KiB (8 KiB with AddressSanitizer) that
 * pmt_stack_min() is made of, before its PMT_STACK_MIN floor. */
static size_t
tick_frames_budget(void)
{
	size_t frame = 0;

#if defined(__linux__) && defined(AT_MINSIGSTKSZ)
	frame = (size_t)getauxval(AT_MINSIGSTKSZ);
#endif
#ifdef MINSIGSTKSZ
	if (frame == 0)
		frame = MINSIGSTKSZ;
#endif
	return 2 * frame + (TEST_ASAN ? 2 * 4096 : 4096);
}

START_TEST(test_ticks_never_pile_up_beyond_two_frames)
{
	size_t size = sizeof test_stacks / 4, used[2];
	size_t budget = tick_frames_budget();
	pmt_t tids[2];
	int i;

	ck_assert_int_eq(pmt_init(), 0);
	/* 512 KiB each, so that a pile of frames shows as a depth here
	 * rather than as a crash. */
	memset(test_stack_slice(0, size), PILE_FILL, 2 * size);
	pile_end = test_deadline_ms(PILE_MS);
	for (i = 0; i < 2; i++)
		ck_assert_pmt_ok(spawn_on_slice(
		    &tids[i], spin_until_pile_end, NULL, i, 4, LOW));
	ck_assert_pmt_ok(pmt_preempt_start(PMT_PREEMPT_MIN_USEC, 0));
	join_all(tids, 2);
	ck_assert_pmt_ok(pmt_preempt_stop());
	for (i = 0; i < 2; i++) {
		test_stack_reclaim(test_stack_slice((size_t)i, size), size);
		used[i] = stack_used(test_stack_slice((size_t)i, size), size);
	}
	for (i = 0; i < 2; i++) {
		ck_assert_uint_gt(used[i], 0);
		ck_assert_msg(used[i] <= budget,
		    "ticks piled up: thread %d's "
		    "stack was written %zu bytes deep; pmt_stack_min() counts "
		    "on %zu",
		    i, used[i], budget);
	}
}
END_TEST

#if TEST_ASAN
/* ---------------------------------------------------------------- asan */

/*
 * In a build with AddressSanitizer: it knows the stack of a thread that a
 * tick switched to inside its handler (lib/fiber.h).  Two busy threads
 * check on each turn after their first, which a tick gave them.
 */
#define NLOOK 2
static volatile unsigned long look_checks[NLOOK], look_blind[NLOOK];

static void *
spin_and_look(void *arg)
{
	int me = (int)(uintptr_t)arg;
	unsigned long pass = 0;

	while (!stop) {
		if (test_turn(me) && test_turns[me] > 1) {
			look_checks[me]++;
			if (!test_asan_knows_my_stack())
				look_blind[me]++;
			if (test_min_turns(0, NLOOK) >= 10)
				stop = 1;
		}
		overdue(++pass);
	}
	return NULL;
}

START_TEST(test_asan_knows_the_stack_of_threads_resumed_by_a_tick)
{
	pmt_t tids[NLOOK];
	int i;

	ck_assert_int_eq(pmt_init(), 0);
	deadline = test_deadline_ms(GIVE_UP_MS);
	spawn_all(tids, NLOOK, spin_and_look, LOW);
	ck_assert_pmt_ok(pmt_preempt_start(500, 0));
	join_all(tids, NLOOK);
	ck_assert_pmt_ok(pmt_preempt_stop());
	assert_no_give_up();
	for (i = 0; i < NLOOK; i++) {
		ck_assert_uint_ge(look_checks[i], 9);
		ck_assert_msg(look_blind[i] == 0,
		    "thread %d: ASan did not know its stack %lu times of %lu",
		    i, look_blind[i], look_checks[i]);
	}
}
END_TEST
#endif /* TEST_ASAN */

/* ---------------------------------------------------------------- read */

/*
 * A reader blocks in read() on an empty pipe while two busy threads of its
 * priority run.  Once both have had 10 turns since the reader went in,
 * one of them writes; the reader, restarted after each tick, gets it.
 */
static const char pipe_msg[] = "preempted reads restart";
static int pipe_fd[2];
static volatile int reader_in, written;
static char read_buf[64];
static volatile ssize_t read_ret = -2;
static volatile int read_errno;

static void *
pipe_reader(void *arg)
{
	ssize_t n;

	(void)arg;
	reader_in = 1;
	n = read(pipe_fd[0], read_buf, sizeof read_buf);
	read_errno = errno;
	read_ret = n;
	stop = 1;
	return NULL;
}

static void *
pipe_spinner(void *arg)
{
	int me = (int)(uintptr_t)arg;
	unsigned long pass = 0;

	while (!stop) {
		pass++;
		if (reader_in && test_turn(me) && !written &&
		    test_min_turns(1, 2) >= 10) {
			written = 1;
			if (write(pipe_fd[1], pipe_msg, sizeof pipe_msg) < 0)
				written = -1;
		}
		if (overdue(pass) && !written) {
			/* Let the reader out, with the wrong data. */
			written = -1;
			if (write(pipe_fd[1], "!", 1) < 0)
				written = -2;
		}
	}
	return NULL;
}

START_TEST(test_blocked_read_lets_others_run_and_restarts_after_ticks)
{
	pmt_t tids[3];
	struct pmt_stats st;

	ck_assert_int_eq(pipe(pipe_fd), 0);
	ck_assert_int_eq(pmt_init(), 0);
	deadline = test_deadline_ms(GIVE_UP_MS);
	ck_assert_pmt_ok(test_spawn_big(&tids[0], pipe_reader, NULL, 0, LOW));
	ck_assert_pmt_ok(
	    test_spawn_big(&tids[1], pipe_spinner, PTR(1), 1, LOW));
	ck_assert_pmt_ok(
	    test_spawn_big(&tids[2], pipe_spinner, PTR(2), 2, LOW));
	ck_assert_pmt_ok(pmt_preempt_start(500, 0));
	join_all(tids, 3);
	ck_assert_pmt_ok(pmt_preempt_stop());
	st = stats_now();
	assert_no_give_up();
	ck_assert_int_eq(written, 1);
	ck_assert_msg(read_ret == (ssize_t)sizeof pipe_msg,
	    "read() returned %zd (errno %d)", (ssize_t)read_ret, read_errno);
	ck_assert_mem_eq(read_buf, pipe_msg, sizeof pipe_msg);
	ck_assert_uint_ge(test_min_turns(1, 2), 10);
	/* The reader was among the threads the ticks rotated. */
	ck_assert_uint_ge(st.preemptions, 20);
}
END_TEST

/* ---------------------------------------------------------------- cycles */

/*
 * Main and two busy threads share a level.  Three times: start, wait for
 * both threads to take turns (main spins too, and is preempted with
 * them), stop, then spin alone: no tick comes and neither thread moves.
 */
#define CYCLES 3

START_TEST(test_start_stop_cycles_tick_only_while_started)
{
	pmt_t tids[2];
	uint64_t before[CYCLES], started[CYCLES], stopped[CYCLES],
	    later[CYCLES];
	unsigned long moved[CYCLES], turns[CYCLES];
	int cycle, i;

	ck_assert_int_eq(pmt_init(), 0);
	deadline = test_deadline_ms(GIVE_UP_MS);
	for (cycle = 0; cycle < CYCLES; cycle++) {
		unsigned long spins_stopped;
		uint64_t until;

		stop = 0;
		test_runner = -1;
		test_turns[0] = test_turns[1] = 0;
		before[cycle] = ticks_now();
		ck_assert_pmt_ok(pmt_preempt_start(500, 0));
		spawn_all(tids, 2, spin_until_stopped, PMT_PRIO_DEFAULT);
		while (test_min_turns(0, 2) < 5 && !test_expired(deadline))
			;
		turns[cycle] = test_min_turns(0, 2);
		started[cycle] = ticks_now();
		ck_assert_pmt_ok(pmt_preempt_stop());
		stopped[cycle] = ticks_now();
		spins_stopped = spins[0] + spins[1];
		until = test_now_ns() + 20000000u;
		while (test_now_ns() < until)
			;
		later[cycle] = ticks_now();
		moved[cycle] = spins[0] + spins[1] - spins_stopped;
		stop = 1;
		join_all(tids, 2);
	}
	ck_assert_pmt_eq(pmt_preempt_stop(), PMT_EALREADY);
	assert_no_give_up();
	for (i = 0; i < CYCLES; i++) {
		ck_assert_uint_ge(turns[i], 5);
		ck_assert_uint_gt(started[i], before[i]);
		ck_assert_msg(later[i] == stopped[i],
		    "cycle %d: %" PRIu64 " ticks after pmt_preempt_stop()", i,
		    later[i] - stopped[i]);
		ck_assert_uint_eq(moved[i], 0);
	}
}
END_TEST

/* ---------------------------------------------------------------- tickless */

/*
 * One busy thread alone takes (nearly) no tick at 100 us: the timer runs
 * only while the running thread has an equal to share with.  With an
 * equal, ticks come; alone again, they stop.
 */
static uint64_t
ticks_while_spinning_alone(uint64_t ns)
{
	uint64_t t0 = ticks_now(), until = test_now_ns() + ns;

	while (test_now_ns() < until)
		;
	return ticks_now() - t0;
}

START_TEST(test_lone_busy_thread_takes_almost_no_ticks)
{
	pmt_t tid;
	uint64_t alone, shared_from, shared = 0, alone_again;

	ck_assert_int_eq(pmt_init(), 0);
	deadline = test_deadline_ms(GIVE_UP_MS);
	ck_assert_pmt_ok(pmt_preempt_start(100, 0));
	alone = ticks_while_spinning_alone(200000000u);

	ck_assert_pmt_ok(test_spawn_big(
	    &tid, spin_until_stopped, PTR(0), 0, PMT_PRIO_DEFAULT));
	shared_from = ticks_now();
	while (!test_expired(deadline)) {
		test_turn(1);
		shared = ticks_now() - shared_from;
		if (shared >= 100 && test_turns[0] >= 5)
			break;
	}
	stop = 1;
	ck_assert_pmt_ok(pmt_join(tid, NULL));

	alone_again = ticks_while_spinning_alone(100000000u);
	ck_assert_pmt_ok(pmt_preempt_stop());
	ck_assert_uint_le(alone, 5);
	ck_assert_uint_ge(shared, 100);
	ck_assert_uint_ge(test_turns[0], 5);
	ck_assert_uint_le(alone_again, 5);
}
END_TEST

/* ---------------------------------------------------------------- cputime */

START_TEST(test_cputime_ticks_preempt_busy_threads)
{
	pmt_t tids[2];
	struct sigaction alrm_before, vt_before, cur;

	ck_assert_int_eq(sigaction(SIGALRM, NULL, &alrm_before), 0);
	ck_assert_int_eq(sigaction(SIGVTALRM, NULL, &vt_before), 0);
	ck_assert_int_eq(pmt_init(), 0);
	start_spinning_to_goal(tids, 2, 3, 4000, PMT_PREEMPT_CPUTIME);
	/* The tick is SIGVTALRM; SIGALRM is left alone. */
	ck_assert_int_eq(sigaction(SIGVTALRM, NULL, &cur), 0);
	ck_assert(cur.sa_sigaction != vt_before.sa_sigaction);
	ck_assert(cur.sa_handler != SIG_DFL);
	ck_assert_int_eq(sigaction(SIGALRM, NULL, &cur), 0);
	ck_assert(cur.sa_handler == alrm_before.sa_handler);
	join_all(tids, 2);
	ck_assert_pmt_ok(pmt_preempt_stop());
	assert_no_give_up();
	ck_assert_uint_ge(test_min_turns(0, 2), goal);
	ck_assert_uint_ge(stats_now().preemptions, 2 * goal - 1);
	ck_assert_int_eq(sigaction(SIGVTALRM, NULL, &cur), 0);
	ck_assert(cur.sa_handler == vt_before.sa_handler);
}
END_TEST

/* ---------------------------------------------------------------- safepc */

#if TEST_SAFEPC
/* Busy threads spinning in the program's own code are preempted. */
START_TEST(test_safepc_preempts_busy_threads_in_program_code)
{
	pmt_t tids[2];

	ck_assert_int_eq(pmt_init(), 0);
	start_spinning_to_goal(tids, 2, 5, 200, PMT_PREEMPT_SAFEPC);
	join_all(tids, 2);
	ck_assert_pmt_ok(pmt_preempt_stop());
	assert_no_give_up();
	ck_assert_uint_ge(test_min_turns(0, 2), goal);
}
END_TEST

/*
 * Thread 0 spends most of its time inside one long memset() of the C
 * library; thread 1 spins in the program.  Under SAFEPC a tick that lands
 * in memset() waits until thread 0 is back in the program, so thread 1
 * (nearly) never starts a turn while thread 0 is inside.  Nearly: a tick
 * can land in the few instructions between the flag and the call.
 */
#define LIBC_BUF_SIZE (8u << 20)
static unsigned char libc_buf[LIBC_BUF_SIZE];
static void *(*volatile memset_fn)(void *, int, size_t) = memset;
static volatile int in_libc;
static volatile unsigned long turns_begun_in_libc;
static volatile uint64_t ticks_around_libc;

static void *
libc_dweller(void *arg)
{
	unsigned long calls = 0;

	(void)arg;
	while (!stop) {
		uint64_t t0 = ticks_now();

		test_turn(0);
		in_libc = 1;
		memset_fn(libc_buf, (int)calls, sizeof libc_buf);
		in_libc = 0;
		ticks_around_libc += ticks_now() - t0;
		calls++;
		if (ticks_around_libc >= 50 && test_turns[1] >= 10)
			stop = 1;
		overdue(calls * 1024);
	}
	return NULL;
}

static void *
program_spinner(void *arg)
{
	unsigned long pass = 0;

	(void)arg;
	while (!stop) {
		if (test_turn(1) && in_libc)
			turns_begun_in_libc++;
		overdue(++pass);
	}
	return NULL;
}

START_TEST(test_safepc_defers_ticks_inside_the_c_library)
{
	pmt_t tids[2];

	ck_assert_int_eq(pmt_init(), 0);
	deadline = test_deadline_ms(GIVE_UP_MS);
	ck_assert_pmt_ok(test_spawn_big(&tids[0], libc_dweller, NULL, 0, LOW));
	ck_assert_pmt_ok(
	    test_spawn_big(&tids[1], program_spinner, NULL, 1, LOW));
	ck_assert_pmt_ok(pmt_preempt_start(100, PMT_PREEMPT_SAFEPC));
	join_all(tids, 2);
	ck_assert_pmt_ok(pmt_preempt_stop());
	assert_no_give_up();
	ck_assert_uint_ge(ticks_around_libc, 50);
	ck_assert_uint_ge(test_turns[1], 10);
	ck_assert_msg(turns_begun_in_libc <= 2,
	    "thread 1 began %lu of %lu turns while thread 0 was in memset()",
	    turns_begun_in_libc, test_turns[1]);
}
END_TEST
#endif

/* ---------------------------------------------------------------- handler */

static volatile sig_atomic_t own_alarms;

static void
own_alarm_handler(int signo)
{
	(void)signo;
	own_alarms++;
}

START_TEST(test_stop_restores_previous_sigalrm_handler)
{
	struct sigaction sa, cur;
	int cycle;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = own_alarm_handler;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	sa.sa_flags = SA_RESTART;
	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
	ck_assert_int_eq(pmt_init(), 0);
	for (cycle = 0; cycle < 2; cycle++) {
		ck_assert_pmt_ok(pmt_preempt_start(1000, 0));
		ck_assert_int_eq(sigaction(SIGALRM, NULL, &cur), 0);
		ck_assert(cur.sa_handler != own_alarm_handler);
		ck_assert_pmt_ok(pmt_preempt_stop());
		ck_assert_int_eq(sigaction(SIGALRM, NULL, &cur), 0);
		ck_assert(cur.sa_handler == own_alarm_handler);
		ck_assert_int_eq(cur.sa_flags & (SA_SIGINFO | SA_NODEFER), 0);
		ck_assert_int_ne(cur.sa_flags & SA_RESTART, 0);
		ck_assert_int_eq(sigismember(&cur.sa_mask, SIGUSR2), 1);
	}
	ck_assert_int_eq(raise(SIGALRM), 0);
	ck_assert_int_eq(own_alarms, 1);
}
END_TEST

/*
 * What the contract promises the handler is installed with: SA_SIGINFO
 * and SA_RESTART, the tick blocked during its delivery and nothing else
 * (the handler unblocks it itself before it switches; see the tick_frames
 * test for why not SA_NODEFER), and no alternate stack.
 */
START_TEST(test_tick_handler_has_restart_blocks_only_the_tick_no_altstack)
{
	struct sigaction cur;
	int sig;

	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(pmt_preempt_start(1000, 0));
	ck_assert_int_eq(sigaction(SIGALRM, NULL, &cur), 0);
	ck_assert_pmt_ok(pmt_preempt_stop());
	ck_assert_int_eq(cur.sa_flags & (SA_SIGINFO | SA_RESTART | SA_NODEFER),
	    SA_SIGINFO | SA_RESTART);
	ck_assert_int_eq(cur.sa_flags & SA_ONSTACK, 0);
	for (sig = 1; sig < SIGRTMIN; sig++)
		ck_assert_msg(
		    sigismember(&cur.sa_mask, sig) == (sig == SIGALRM),
		    "signal %d: wrong in the tick handler's sa_mask", sig);
}
END_TEST

/* ---------------------------------------------------------------- errors */

START_TEST(test_start_and_stop_fail_with_enoinit_before_init)
{
	struct sigaction before, after;

	ck_assert_int_eq(sigaction(SIGALRM, NULL, &before), 0);
	ck_assert_pmt_eq(pmt_preempt_start(1000, 0), PMT_ENOINIT);
	ck_assert_pmt_eq(pmt_preempt_start(0, ~0u), PMT_ENOINIT);
	ck_assert_pmt_eq(pmt_preempt_stop(), PMT_ENOINIT);
	ck_assert_int_eq(sigaction(SIGALRM, NULL, &after), 0);
	ck_assert(after.sa_handler == before.sa_handler);
	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_eq(pmt_preempt_stop(), PMT_EALREADY);
}
END_TEST

/* Preemption is not running: no tick signal handler of ours, and
 * pmt_sigmask() lets the caller block SIGALRM. */
static void
assert_not_running(const struct sigaction *alrm_before)
{
	struct sigaction cur;
	sigset_t set;

	ck_assert_pmt_eq(pmt_preempt_stop(), PMT_EALREADY);
	ck_assert_int_eq(sigaction(SIGALRM, NULL, &cur), 0);
	ck_assert(cur.sa_handler == alrm_before->sa_handler);
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	ck_assert_pmt_ok(pmt_sigmask(SIG_BLOCK, &set, NULL));
	ck_assert_pmt_ok(pmt_sigmask(SIG_UNBLOCK, &set, NULL));
}

START_TEST(test_start_twice_fails_with_ealready_and_keeps_first_timer)
{
	struct sigaction vt_before, alrm_before, cur;
	sigset_t set;

	ck_assert_int_eq(sigaction(SIGALRM, NULL, &alrm_before), 0);
	ck_assert_int_eq(sigaction(SIGVTALRM, NULL, &vt_before), 0);
	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_ok(pmt_preempt_start(1000, 0));
	ck_assert_pmt_eq(pmt_preempt_start(1000, 0), PMT_EALREADY);
	ck_assert_pmt_eq(
	    pmt_preempt_start(4000, PMT_PREEMPT_CPUTIME), PMT_EALREADY);
	/* Still the SIGALRM timer: SIGVTALRM untouched and blockable,
	 * SIGALRM still refused. */
	ck_assert_int_eq(sigaction(SIGVTALRM, NULL, &cur), 0);
	ck_assert(cur.sa_handler == vt_before.sa_handler);
	sigemptyset(&set);
	sigaddset(&set, SIGVTALRM);
	ck_assert_pmt_ok(pmt_sigmask(SIG_BLOCK, &set, NULL));
	ck_assert_pmt_ok(pmt_sigmask(SIG_UNBLOCK, &set, NULL));
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	ck_assert_pmt_eq(pmt_sigmask(SIG_BLOCK, &set, NULL), PMT_EINVAL);
	ck_assert_pmt_ok(pmt_preempt_stop());
	assert_not_running(&alrm_before);
}
END_TEST

START_TEST(test_stop_when_stopped_fails_with_ealready)
{
	struct sigaction alrm_before;

	ck_assert_int_eq(sigaction(SIGALRM, NULL, &alrm_before), 0);
	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_eq(pmt_preempt_stop(), PMT_EALREADY);
	ck_assert_pmt_ok(pmt_preempt_start(1000, 0));
	ck_assert_pmt_ok(pmt_preempt_stop());
	ck_assert_pmt_eq(pmt_preempt_stop(), PMT_EALREADY);
	assert_not_running(&alrm_before);
}
END_TEST

START_TEST(test_start_rejects_interval_out_of_range_and_changes_nothing)
{
	static const unsigned long bad[] = {
	    0, PMT_PREEMPT_MIN_USEC - 1, PMT_PREEMPT_MAX_USEC + 1, ULONG_MAX};
	struct sigaction alrm_before;
	size_t i;

	ck_assert_int_eq(sigaction(SIGALRM, NULL, &alrm_before), 0);
	ck_assert_int_eq(pmt_init(), 0);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_pmt_eq(pmt_preempt_start(bad[i], 0), PMT_EINVAL);
		ck_assert_pmt_eq(
		    pmt_preempt_start(bad[i], PMT_PREEMPT_CPUTIME), PMT_EINVAL);
		assert_not_running(&alrm_before);
	}
	/* The bounds themselves are accepted. */
	ck_assert_pmt_ok(pmt_preempt_start(PMT_PREEMPT_MIN_USEC, 0));
	ck_assert_pmt_ok(pmt_preempt_stop());
	ck_assert_pmt_ok(pmt_preempt_start(PMT_PREEMPT_MAX_USEC, 0));
	ck_assert_pmt_ok(pmt_preempt_stop());
	assert_not_running(&alrm_before);
}
END_TEST

START_TEST(test_start_rejects_unknown_flags_and_changes_nothing)
{
	static const unsigned bad[] = {
	    0x4u, 0x80000000u, PMT_PREEMPT_CPUTIME | 0x100u, ~0u};
	struct sigaction alrm_before;
	size_t i;

	ck_assert_int_eq(sigaction(SIGALRM, NULL, &alrm_before), 0);
	ck_assert_int_eq(pmt_init(), 0);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_pmt_eq(pmt_preempt_start(1000, bad[i]), PMT_EINVAL);
		assert_not_running(&alrm_before);
	}
#if TEST_SAFEPC
	ck_assert_pmt_ok(
	    pmt_preempt_start(1000, PMT_PREEMPT_CPUTIME | PMT_PREEMPT_SAFEPC));
	ck_assert_pmt_ok(pmt_preempt_stop());
#endif
}
END_TEST

START_TEST(test_start_fails_with_ebusy_while_tick_signal_is_blocked)
{
	struct sigaction alrm_before;
	sigset_t alrm, vtalrm;

	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	sigemptyset(&vtalrm);
	sigaddset(&vtalrm, SIGVTALRM);
	ck_assert_int_eq(sigaction(SIGALRM, NULL, &alrm_before), 0);
	/* Blocked before pmt_init()... */
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &alrm, NULL), 0);
	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_pmt_eq(pmt_preempt_start(1000, 0), PMT_EBUSY);
	ck_assert_pmt_eq(pmt_preempt_stop(), PMT_EALREADY);
	/* ...only the tick signal counts... */
	ck_assert_pmt_ok(pmt_preempt_start(4000, PMT_PREEMPT_CPUTIME));
	ck_assert_pmt_ok(pmt_preempt_stop());
	ck_assert_pmt_ok(pmt_sigmask(SIG_UNBLOCK, &alrm, NULL));
	assert_not_running(&alrm_before);
	/* ...and blocked with pmt_sigmask() while stopped. */
	ck_assert_pmt_ok(pmt_sigmask(SIG_BLOCK, &vtalrm, NULL));
	ck_assert_pmt_eq(
	    pmt_preempt_start(4000, PMT_PREEMPT_CPUTIME), PMT_EBUSY);
	ck_assert_pmt_eq(pmt_preempt_stop(), PMT_EALREADY);
	ck_assert_pmt_ok(pmt_sigmask(SIG_UNBLOCK, &vtalrm, NULL));
	ck_assert_pmt_ok(pmt_preempt_start(1000, 0));
	ck_assert_pmt_ok(pmt_preempt_stop());
}
END_TEST

#if defined(PMT_HAVE_TIMER_CREATE) && defined(PMT_HAVE_SIGEV_THREAD_ID)
/*
 * With no pending signal allowed, timer_create() fails (EAGAIN).  Only the
 * soft limit drops, and only around the call: Check itself needs a timer
 * after the test.
 */
START_TEST(test_start_fails_with_esys_when_timer_cannot_be_created)
{
	struct rlimit saved, none;
	struct sigaction alrm_before;
	int error;

	ck_assert_int_eq(sigaction(SIGALRM, NULL, &alrm_before), 0);
	ck_assert_int_eq(pmt_init(), 0);
	ck_assert_int_eq(getrlimit(RLIMIT_SIGPENDING, &saved), 0);
	none = saved;
	none.rlim_cur = 0;
	ck_assert_int_eq(setrlimit(RLIMIT_SIGPENDING, &none), 0);
	error = pmt_preempt_start(1000, 0);
	ck_assert_int_eq(setrlimit(RLIMIT_SIGPENDING, &saved), 0);
	ck_assert_pmt_eq(error, PMT_ESYS);
	assert_not_running(&alrm_before);
	/* Nothing was left half done: the next start works. */
	ck_assert_pmt_ok(pmt_preempt_start(1000, 0));
	ck_assert_pmt_ok(pmt_preempt_stop());
}
END_TEST
#endif

static Suite *
preempt_suite(void)
{
	Suite *s = suite_create("preempt");
	TCase *tc;

	tc = tcase_create("busy");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_two_busy_threads_take_turns_under_1ms_tick);
	tcase_add_loop_test(
	    tc, test_n_busy_threads_all_progress_within_bounded_ticks, 0, 2);
	tcase_add_test(
	    tc, test_busy_high_threads_are_never_preempted_by_lower_ones);
	tcase_add_test(tc, test_thread_stats_count_preemptions_of_busy_threads);
	suite_add_tcase(s, tc);

	tc = tcase_create("many_ticks");
	tcase_set_timeout(tc, MANY_GIVE_UP_MS / 1000 + TIMEOUT);
	tcase_add_test(tc, test_preemption_still_works_after_100000_ticks);
	suite_add_tcase(s, tc);

	tc = tcase_create("starts");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_threads_preempted_as_they_start_run_to_the_end);
	suite_add_tcase(s, tc);

	tc = tcase_create("state");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc,
	    test_threads_parked_by_tick_or_yield_and_new_ones_resume_intact);
	test_add_unless(tc,
	    test_rounding_modes_stay_per_thread_and_exact_under_100us_tick,
	    TEST_UNDER_VALGRIND(VALGRIND_FP));
	tcase_add_test(tc, test_errno_is_kept_per_thread_under_preemption);
	test_add_unless(tc,
	    test_sigmask_change_survives_threads_parked_in_tick_handler,
	    TEST_UNDER_VALGRIND(VALGRIND_SIGMASK));
	tcase_add_test(
	    tc, test_blocked_read_lets_others_run_and_restarts_after_ticks);
#if TEST_ASAN
	tcase_add_test(
	    tc, test_asan_knows_the_stack_of_threads_resumed_by_a_tick);
#endif
	suite_add_tcase(s, tc);

	tc = tcase_create("mask_race");
	tcase_set_timeout(tc, TIMEOUT);
	test_add_unless(tc,
	    test_sigmask_change_survives_ticks_nested_in_the_tick_handler,
	    TEST_UNDER_VALGRIND(VALGRIND_SIGMASK));
	suite_add_tcase(s, tc);

	/* KNOWN LIBRARY BUG: fails until ticks stop piling up (see above). */
	tc = tcase_create("tick_frames");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_ticks_never_pile_up_beyond_two_frames);
	suite_add_tcase(s, tc);

	tc = tcase_create("timer");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_start_stop_cycles_tick_only_while_started);
	tcase_add_test(tc, test_lone_busy_thread_takes_almost_no_ticks);
	tcase_add_test(tc, test_cputime_ticks_preempt_busy_threads);
#if TEST_SAFEPC
	tcase_add_test(tc, test_safepc_preempts_busy_threads_in_program_code);
	tcase_add_test(tc, test_safepc_defers_ticks_inside_the_c_library);
#endif
	tcase_add_test(tc, test_stop_restores_previous_sigalrm_handler);
	tcase_add_test(
	    tc, test_tick_handler_has_restart_blocks_only_the_tick_no_altstack);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_start_and_stop_fail_with_enoinit_before_init);
	tcase_add_test(
	    tc, test_start_twice_fails_with_ealready_and_keeps_first_timer);
	tcase_add_test(tc, test_stop_when_stopped_fails_with_ealready);
	tcase_add_test(
	    tc, test_start_rejects_interval_out_of_range_and_changes_nothing);
	tcase_add_test(
	    tc, test_start_rejects_unknown_flags_and_changes_nothing);
	tcase_add_test(
	    tc, test_start_fails_with_ebusy_while_tick_signal_is_blocked);
#if defined(PMT_HAVE_TIMER_CREATE) && defined(PMT_HAVE_SIGEV_THREAD_ID)
	tcase_add_test(
	    tc, test_start_fails_with_esys_when_timer_cannot_be_created);
#endif
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	if (!PMT_TEST_PREEMPTION)
		return test_skip_without_preemption();
	return test_run_suite(preempt_suite());
}
