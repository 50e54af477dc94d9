/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * preempt.c - what timer preemption costs: the CPU that ticks take from
 * busy threads, against an empty signal handler ticking at the same
 * intervals; how long from a tick to the next thread running; and how
 * many ticks one busy thread alone takes (tickless).  Called on main.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <pmt.h>

#include "bench.h"

void
preempt_start(unsigned long usec, unsigned flags)
{
	check_pmt(pmt_preempt_start(usec, flags), "pmt_preempt_start");
}

void
preempt_stop(void)
{
	check_pmt(pmt_preempt_stop(), "pmt_preempt_stop");
}

/*
 * CPU overhead.  BUSY_THREADS threads do busy_n steps of arithmetic each
 * while main waits in pmt_join().  Without the timer they run one after
 * the other; with it they take turns every tick.  The work is the same,
 * so the extra time is what the ticks cost: timer interrupt, signal
 * delivery, handler, switch and sigreturn.  The "bare" variants tick an
 * empty signal handler instead, with libpmt's preemption off: the part of
 * the cost that is the kernel's (and, here, the hypervisor's).
 */
const unsigned long ov_usec[NOV] = {0, 1000, 100, 1000, 100};
long busy_n;
static double ov_ns[NOV][MAX_ROUNDS];
static uint64_t ov_ticks[NOV][MAX_ROUNDS], ov_preempts[NOV][MAX_ROUNDS];
static volatile uint64_t sink;

static void *
busy_worker(void *arg)
{
	uint64_t x = (uint64_t)(uintptr_t)arg;
	long i;

	for (i = 0; i < busy_n; i++)
		x = x * 6364136223846793005u + 1442695040888963407u;
	sink = x;
	return NULL;
}

/* The bare tick: a timer aimed at this kernel thread, as libpmt's is
 * where it can, and a handler installed with the same flags. */
#if defined(__linux__) && defined(SIGEV_THREAD_ID)
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif
#define BARE_THREAD_TIMER 1
static timer_t bare_timer;
#endif
static struct sigaction bare_old;
static volatile uint64_t bare_ticks;

static void
bare_handler(int signo, siginfo_t *info, void *uc)
{
	(void)signo;
	(void)info;
	(void)uc;
	bare_ticks++;
}

static void
bare_set(unsigned long usec)
{
	time_t sec = (time_t)(usec / 1000000);
	long nsec = (long)(usec % 1000000) * 1000;
#ifdef BARE_THREAD_TIMER
	struct itimerspec its = {{sec, nsec}, {sec, nsec}};

	if (timer_settime(bare_timer, 0, &its, NULL) != 0)
		check_sys(errno, "timer_settime");
#else
	struct itimerval itv = {{sec, nsec / 1000}, {sec, nsec / 1000}};

	if (setitimer(ITIMER_REAL, &itv, NULL) != 0)
		check_sys(errno, "setitimer");
#endif
}

static void
bare_start(unsigned long usec)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = bare_handler;
	sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, &bare_old) != 0)
		check_sys(errno, "sigaction");
#ifdef BARE_THREAD_TIMER
	{
		struct sigevent sev;

		memset(&sev, 0, sizeof sev);
		sev.sigev_notify = SIGEV_THREAD_ID;
		sev.sigev_signo = SIGALRM;
		sev.sigev_notify_thread_id = gettid();
		if (timer_create(CLOCK_MONOTONIC, &sev, &bare_timer) != 0)
			check_sys(errno, "timer_create");
	}
#endif
	bare_set(usec);
}

static void
bare_stop(void)
{
	bare_set(0);
#ifdef BARE_THREAD_TIMER
	timer_delete(bare_timer);
#endif
	sigaction(SIGALRM, &bare_old, NULL);
}

/* One run of variant v, into round r. */
static void
busy_run(int v, int r)
{
	struct pmt_stats s0, s1;
	pmt_t tids[BUSY_THREADS];
	int bare = v == OV_BARE_1MS || v == OV_BARE_100US, k;
	uint64_t b0 = bare_ticks;
	double t0;

	if (bare)
		bare_start(ov_usec[v]);
	else if (ov_usec[v] != 0)
		preempt_start(ov_usec[v], 0);
	for (k = 0; k < BUSY_THREADS; k++)
		check_pmt(
		    pmt_spawn(&tids[k], busy_worker, &tids[k], work_stacks[k],
		        sizeof work_stacks[k], WORKER_PRIO),
		    "pmt_spawn");
	check_pmt(pmt_stats(&s0), "pmt_stats");
	t0 = now_ns();
	for (k = 0; k < BUSY_THREADS; k++)
		check_pmt(pmt_join(tids[k], NULL), "pmt_join");
	ov_ns[v][r] = now_ns() - t0;
	check_pmt(pmt_stats(&s1), "pmt_stats");
	if (bare)
		bare_stop();
	else if (ov_usec[v] != 0)
		preempt_stop();
	ov_ticks[v][r] = bare ? bare_ticks - b0 : s1.ticks - s0.ticks;
	ov_preempts[v][r] = s1.preemptions - s0.preemptions;
}

/* Sets busy_n so that a run without the timer takes about set.preempt_ns. */
void
busy_calibrate(void)
{
	double n = 1e5;

	for (;;) {
		busy_n = (long)n;
		busy_run(OV_OFF, 0);
		if (ov_ns[OV_OFF][0] >= set.preempt_ns / 10)
			break;
		n *= 4;
	}
	busy_n = (long)(n * set.preempt_ns / ov_ns[OV_OFF][0]);
	busy_run(OV_OFF, 0);
	busy_run(OV_1MS, 0);
	busy_run(OV_BARE_1MS, 0);
}

/* Round r: the variants, in an order that alternates between
 * rounds so that a drift of the machine's speed does not favour one. */
void
busy_round(int r)
{
	int k;

	for (k = 0; k < NOV; k++)
		busy_run(r % 2 ? NOV - 1 - k : k, r);
}

/*
 * Tick-to-next-thread latency.  Two threads of one priority spin reading
 * the clock, each storing its last reading.  A thread that finds another
 * ran since its own last iteration was switched in: the gap from the
 * other's last reading to its own is the tick's latency (timer interrupt,
 * signal delivery, handler, switch, and the sigreturn of the thread that
 * resumes), give or take one loop iteration.
 */
static double *lat_samples;
static volatile long lat_count, lat_goal, lat_skip;
static volatile int lat_owner;
static volatile double lat_last[2];
long lat_lost; /* a second tick right after a switch */

static void *
lat_worker(void *arg)
{
	int me = (int)(uintptr_t)arg, prev;
	double t;

	for (;;) {
		t = now_ns();
		if (lat_owner != me) {
			prev = lat_owner;
			lat_owner = me;
			if (lat_count >= lat_goal)
				break;
			/* The reading above may predate the switch (a tick
			 * inside clock_gettime() after it read the clock):
			 * read again. */
			t = now_ns();
			if (lat_owner != me)
				lat_lost++; /* another tick came meanwhile */
			else if (prev >= 0 && lat_skip > 0)
				lat_skip--; /* b's start: not a resume */
			else if (prev >= 0)
				lat_samples[lat_count++] = t - lat_last[prev];
		}
		lat_last[me] = t;
	}
	return NULL;
}

/* Adds set.lat_per_round samples to lat_samples. */
void
lat_round(void)
{
	pmt_t a, b;

	lat_goal = lat_count + set.lat_per_round;
	lat_owner = -1;
	lat_skip = 1;
	preempt_start(LAT_USEC, 0);
	check_pmt(pmt_spawn(&a, lat_worker, (void *)(uintptr_t)0,
	              work_stacks[0], sizeof work_stacks[0], WORKER_PRIO),
	    "pmt_spawn");
	check_pmt(pmt_spawn(&b, lat_worker, (void *)(uintptr_t)1,
	              work_stacks[1], sizeof work_stacks[1], WORKER_PRIO),
	    "pmt_spawn");
	check_pmt(pmt_join(a, NULL), "pmt_join");
	check_pmt(pmt_join(b, NULL), "pmt_join");
	preempt_stop();
}

/*
 * The same gap for an empty signal handler, libpmt's timer off: one
 * thread reads the clock; the reading after the handler counted a tick,
 * less the one before, is the kernel's share of the latency.
 */
static double *bare_samples;
static long bare_count;

void
bare_lat_round(void)
{
	long goal = bare_count + set.lat_per_round, skip = 1;
	uint64_t seen;
	double t, last;

	bare_start(LAT_USEC);
	seen = bare_ticks;
	last = now_ns();
	while (bare_count < goal) {
		t = now_ns();
		if (bare_ticks != seen) {
			seen = bare_ticks;
			/* The reading above may predate the signal. */
			t = now_ns();
			if (skip > 0)
				skip--;
			else
				bare_samples[bare_count++] = t - last;
		}
		last = t;
	}
	bare_stop();
}

/*
 * Tickless: one busy thread alone under a 100 us tick should take no
 * tick, as the timer runs only while it has a ready equal.  With a
 * partner for the first PARTNER_NS, the ticks after the partner left show
 * how soon the timer stops (the one tick that finds no equal).
 */
static double spin_end, partner_end;
static uint64_t partner_left_ticks;

/* The lone thread, or (arg not NULL) its partner. */
static void *
spinner(void *arg)
{
	struct pmt_stats st;

	while (now_ns() < (arg != NULL ? partner_end : spin_end))
		;
	if (arg != NULL) {
		check_pmt(pmt_stats(&st), "pmt_stats");
		partner_left_ticks = st.ticks;
	}
	return NULL;
}

uint64_t tickless_alone, tickless_with, tickless_after;

void
tickless(void)
{
	struct pmt_stats s0, s1;
	pmt_t a, b;
	int partner;
	double t0;

	for (partner = 0; partner < 2; partner++) {
		preempt_start(TICKLESS_USEC, 0);
		check_pmt(pmt_stats(&s0), "pmt_stats");
		t0 = now_ns();
		spin_end = t0 + set.tickless_ns;
		partner_end = t0 + PARTNER_NS;
		check_pmt(pmt_spawn(&a, spinner, NULL, work_stacks[0],
		              sizeof work_stacks[0], WORKER_PRIO),
		    "pmt_spawn");
		if (partner)
			check_pmt(pmt_spawn(&b, spinner, (void *)(uintptr_t)1,
			              work_stacks[1], sizeof work_stacks[1],
			              WORKER_PRIO),
			    "pmt_spawn");
		check_pmt(pmt_join(a, NULL), "pmt_join");
		if (partner)
			check_pmt(pmt_join(b, NULL), "pmt_join");
		check_pmt(pmt_stats(&s1), "pmt_stats");
		preempt_stop();
		if (partner) {
			tickless_with = s1.ticks - s0.ticks;
			tickless_after = s1.ticks - partner_left_ticks;
		} else {
			tickless_alone = s1.ticks - s0.ticks;
		}
	}
}

/* Results, medians over the rounds. */
double ov_med_ns[NOV], ov_pct[NOV], ov_tick_ns[NOV];
double ov_med_ticks[NOV], ov_med_preempts[NOV];
struct percentiles lat_pct, bare_pct;

void
preempt_summarise(void)
{
	double pct[MAX_ROUNDS], per_tick[MAX_ROUNDS], ticks[MAX_ROUNDS],
	    pre[MAX_ROUNDS];
	int v, r;

	for (v = 0; v < NOV; v++) {
		for (r = 0; r < set.rounds; r++) {
			pct[r] = (ov_ns[v][r] / ov_ns[OV_OFF][r] - 1) * 100;
			per_tick[r] = ov_ticks[v][r] == 0
			                  ? 0
			                  : (ov_ns[v][r] - ov_ns[OV_OFF][r]) /
			                        (double)ov_ticks[v][r];
			ticks[r] = (double)ov_ticks[v][r];
			pre[r] = (double)ov_preempts[v][r];
		}
		ov_med_ns[v] = median_of(ov_ns[v], set.rounds);
		ov_pct[v] = median_of(pct, set.rounds);
		ov_tick_ns[v] = median_of(per_tick, set.rounds);
		ov_med_ticks[v] = median_of(ticks, set.rounds);
		ov_med_preempts[v] = median_of(pre, set.rounds);
	}
	percentiles_of(lat_samples, lat_count, &lat_pct);
	percentiles_of(bare_samples, bare_count, &bare_pct);
}

/* Room for every round's tick latencies. */
void
preempt_setup(void)
{
	size_t n = (size_t)set.rounds * (size_t)set.lat_per_round;

	lat_samples = calloc(n, sizeof lat_samples[0]);
	bare_samples = calloc(n, sizeof bare_samples[0]);
	if (lat_samples == NULL || bare_samples == NULL)
		check_sys(ENOMEM, "preempt_setup");
}
