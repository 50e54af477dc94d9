/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * check_trace.c - unit tests of the scheduling trace: the exact events of a
 * known cooperative schedule, the ring's two ways of filling up, reading
 * in pieces, names and priorities, waits, the tick's events under
 * preemption, and the error codes of pmt_trace_start(), pmt_trace_stop(),
 * pmt_trace_info(), pmt_trace_read() and pmt_trace_write_json().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

#define RING 4096
static struct pmt_trace_event ring[RING];

/* The events held, read out in order into got[0..ngot-1]. */
static struct pmt_trace_event got[RING];
static size_t ngot;

static void
read_all(void)
{
	uint64_t seq = 0;
	size_t n;

	ngot = 0;
	do {
		ck_assert_pmt_ok(pmt_trace_read(&seq, got + ngot, 7, &n));
		ngot += n;
	} while (n > 0 && ngot + 7 <= RING);
}

/* Event i is kind about thread, with other and detail. */
static void
expect(size_t i, unsigned kind, pmt_t thread, pmt_t other, unsigned detail)
{
	ck_assert_msg(i < ngot, "event %zu missing: only %zu held", i, ngot);
	ck_assert_msg(got[i].kind == kind && got[i].thread == thread &&
	                  got[i].other == other && got[i].detail == detail,
	    "event %zu is kind %u thread %u other %u detail %u; expected "
	    "kind %u thread %u other %u detail %u",
	    i, got[i].kind, got[i].thread, got[i].other, got[i].detail, kind,
	    thread, other, detail);
}

/* Times never decrease along the ring. */
static void
expect_monotonic(void)
{
	size_t i;

	for (i = 1; i < ngot; i++)
		ck_assert_msg(got[i].time >= got[i - 1].time,
		    "event %zu (kind %u) is earlier than event %zu (kind %u)",
		    i, got[i].kind, i - 1, got[i - 1].kind);
}

/* ---------------------------------------------------------------- errors */

START_TEST(test_write_json_rejects_a_negative_fd)
{
	ck_assert_pmt_ok(pmt_init());
	ck_assert_pmt_eq(pmt_trace_write_json(-1), PMT_EINVAL);
}
END_TEST

/* A descriptor that refuses writes gives PMT_ESYS; one that takes them
 * gets the JSON object, whole. */
START_TEST(test_write_json_reports_a_failed_write)
{
	static char json[65536];
	size_t len = 0;
	ssize_t n;
	int fds[2];

	ck_assert_pmt_ok(pmt_init());
	ck_assert_pmt_ok(pmt_trace_start(ring, 64, 0));
	ck_assert_pmt_ok(pmt_yield());
	ck_assert_pmt_ok(pmt_trace_stop());
	ck_assert_int_eq(pipe(fds), 0);
	/* A pipe's read end: write() fails with EBADF. */
	ck_assert_pmt_eq(pmt_trace_write_json(fds[0]), PMT_ESYS);
	ck_assert_pmt_ok(pmt_trace_write_json(fds[1]));
	ck_assert_int_eq(close(fds[1]), 0);
	while ((n = read(fds[0], json + len, sizeof json - 1 - len)) > 0)
		len += (size_t)n;
	json[len] = '\0';
	ck_assert_int_eq(close(fds[0]), 0);
	ck_assert_msg(strncmp(json, "{\"traceEvents\":[", 16) == 0,
	    "the JSON begins with %.40s", json);
	ck_assert_msg(len > 2 && json[len - 2] == '}' && json[len - 1] == '\n',
	    "the JSON does not end with }: %zu bytes", len);
}
END_TEST

START_TEST(test_start_rejects_bad_arguments)
{
	ck_assert_pmt_eq(pmt_trace_start(NULL, RING, 0), PMT_EINVAL);
	ck_assert_pmt_eq(pmt_trace_start(ring, 0, 0), PMT_EINVAL);
	ck_assert_pmt_eq(pmt_trace_start(ring, RING, 0x80), PMT_EINVAL);
	ck_assert_pmt_ok(pmt_init());
	ck_assert_pmt_eq(pmt_trace_start(NULL, RING, 0), PMT_EINVAL);
	ck_assert_pmt_eq(
	    pmt_trace_start(ring, RING, ~PMT_TRACE_NOWRAP), PMT_EINVAL);
}
END_TEST

START_TEST(test_start_twice_is_ealready)
{
	ck_assert_pmt_ok(pmt_init());
	ck_assert_pmt_ok(pmt_trace_start(ring, RING, 0));
	ck_assert_pmt_eq(pmt_trace_start(ring, RING, 0), PMT_EALREADY);
	ck_assert_pmt_ok(pmt_trace_stop());
	/* A new start after a stop is a new trace. */
	ck_assert_pmt_ok(pmt_trace_start(ring, RING, PMT_TRACE_NOWRAP));
	ck_assert_pmt_ok(pmt_trace_stop());
}
END_TEST

START_TEST(test_stop_when_not_started_is_ealready)
{
	ck_assert_pmt_eq(pmt_trace_stop(), PMT_EALREADY);
	ck_assert_pmt_ok(pmt_init());
	ck_assert_pmt_eq(pmt_trace_stop(), PMT_EALREADY);
	ck_assert_pmt_ok(pmt_trace_start(ring, RING, 0));
	ck_assert_pmt_ok(pmt_trace_stop());
	ck_assert_pmt_eq(pmt_trace_stop(), PMT_EALREADY);
}
END_TEST

START_TEST(test_info_and_read_reject_null_pointers)
{
	struct pmt_trace_event e;
	uint64_t seq = 0;
	size_t n;

	ck_assert_pmt_ok(pmt_init());
	ck_assert_pmt_eq(pmt_trace_info(NULL), PMT_EINVAL);
	ck_assert_pmt_eq(pmt_trace_read(NULL, &e, 1, &n), PMT_EINVAL);
	ck_assert_pmt_eq(pmt_trace_read(&seq, NULL, 1, &n), PMT_EINVAL);
	ck_assert_pmt_eq(pmt_trace_read(&seq, &e, 1, NULL), PMT_EINVAL);
	/* Nothing to copy: no buffer needed. */
	ck_assert_pmt_ok(pmt_trace_read(&seq, NULL, 0, &n));
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(test_nothing_held_before_any_start)
{
	struct pmt_trace_info info;
	struct pmt_trace_event e;
	uint64_t seq = 0;
	size_t n = 99;

	ck_assert_pmt_ok(pmt_init());
	ck_assert_pmt_ok(pmt_trace_info(&info));
	ck_assert_ptr_null(info.events);
	ck_assert_uint_eq(info.recorded, 0);
	ck_assert_uint_eq(info.count, 0);
	ck_assert_int_eq(info.running, 0);
	ck_assert_pmt_ok(pmt_trace_read(&seq, &e, 1, &n));
	ck_assert_uint_eq(n, 0);
}
END_TEST

/* ---------------------------------------------------------------- schedule */

static pmt_mutex_t lock = PMT_MUTEX_INITIALIZER;

static void *
yield_once(void *arg)
{
	(void)arg;
	pmt_yield();
	return NULL;
}

static void *
lock_unlock(void *arg)
{
	(void)arg;
	pmt_mutex_lock(&lock);
	pmt_mutex_unlock(&lock);
	return NULL;
}

START_TEST(test_cooperative_schedule_gives_exact_events)
{
	struct pmt_trace_info info;
	pmt_t m, a, b;
	size_t i;

	ck_assert_pmt_ok(pmt_init());
	m = pmt_self();
	ck_assert_pmt_ok(pmt_trace_start(ring, RING, 0));
	ck_assert_pmt_ok(pmt_mutex_lock(&lock));
	ck_assert_pmt_ok(test_spawn(&a, yield_once, NULL, 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(
	    test_spawn(&b, lock_unlock, NULL, 1, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_yield());             /* A yields to B, B blocks */
	ck_assert_pmt_ok(pmt_mutex_unlock(&lock)); /* hands it to B */
	ck_assert_pmt_ok(pmt_join(a, NULL));
	ck_assert_pmt_ok(pmt_join(b, NULL)); /* finished already */
	ck_assert_pmt_ok(pmt_trace_stop());

	read_all();
	expect(
	    0, PMT_TRACE_THREAD, m, PMT_THREAD_NONE, PMT_TRACE_STATE_RUNNING);
	expect(1, PMT_TRACE_SPAWN, a, m, PMT_TRACE_STATE_READY);
	expect(2, PMT_TRACE_SPAWN, b, m, PMT_TRACE_STATE_READY);
	expect(3, PMT_TRACE_SWITCH, m, a, PMT_TRACE_SWITCH_YIELD);
	expect(4, PMT_TRACE_SWITCH, a, b, PMT_TRACE_SWITCH_YIELD);
	expect(5, PMT_TRACE_BLOCK, b, m, PMT_TRACE_WAIT_MUTEX);
	expect(6, PMT_TRACE_SWITCH, b, m, PMT_TRACE_SWITCH_BLOCK);
	expect(7, PMT_TRACE_WAKE, b, m, 0);
	expect(8, PMT_TRACE_BLOCK, m, a, PMT_TRACE_WAIT_JOIN);
	expect(9, PMT_TRACE_SWITCH, m, a, PMT_TRACE_SWITCH_BLOCK);
	expect(10, PMT_TRACE_EXIT, a, PMT_THREAD_NONE, 0);
	expect(11, PMT_TRACE_WAKE, m, a, 0);
	expect(12, PMT_TRACE_SWITCH, a, b, PMT_TRACE_SWITCH_EXIT);
	expect(13, PMT_TRACE_EXIT, b, PMT_THREAD_NONE, 0);
	expect(14, PMT_TRACE_SWITCH, b, m, PMT_TRACE_SWITCH_EXIT);
	ck_assert_uint_eq(ngot, 15);
	expect_monotonic();
	for (i = 0; i < ngot; i++) {
		ck_assert_uint_eq(got[i].prio, PMT_PRIO_DEFAULT);
		if (got[i].kind == PMT_TRACE_SWITCH)
			ck_assert_uint_eq(got[i].arg, PMT_PRIO_DEFAULT);
		else if (got[i].kind == PMT_TRACE_BLOCK)
			ck_assert_uint_eq(got[i].arg, 0); /* no deadline */
	}
	ck_assert_pmt_ok(pmt_trace_info(&info));
	ck_assert_ptr_eq(info.events, ring);
	ck_assert_uint_eq(info.size, RING);
	ck_assert_uint_eq(info.recorded, 15);
	ck_assert_uint_eq(info.first, 0);
	ck_assert_uint_eq(info.count, 15);
	ck_assert_uint_eq(info.lost, 0);
	ck_assert_int_eq(info.running, 0);
	ck_assert_uint_le(info.started, got[0].time);
	ck_assert_uint_ge(info.stopped, got[14].time);
	/* The ring is the caller's buffer, in order from slot 0. */
	ck_assert_mem_eq(ring, got, 15 * sizeof ring[0]);
}
END_TEST

static void *
nothing(void *arg)
{
	return arg;
}

START_TEST(test_start_before_init_records_the_first_thread)
{
	pmt_t t;

	ck_assert_pmt_ok(pmt_trace_start(ring, RING, 0));
	ck_assert_pmt_ok(pmt_init());
	ck_assert_pmt_ok(test_spawn(&t, nothing, NULL, 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_join(t, NULL));
	ck_assert_pmt_ok(pmt_trace_stop());
	read_all();
	expect(0, PMT_TRACE_SPAWN, pmt_self(), PMT_THREAD_NONE,
	    PMT_TRACE_STATE_RUNNING);
	expect(1, PMT_TRACE_SPAWN, t, pmt_self(), PMT_TRACE_STATE_READY);
	expect(2, PMT_TRACE_BLOCK, pmt_self(), t, PMT_TRACE_WAIT_JOIN);
	expect(3, PMT_TRACE_SWITCH, pmt_self(), t, PMT_TRACE_SWITCH_BLOCK);
}
END_TEST

START_TEST(test_higher_priority_spawn_switches_with_reason_higher)
{
	pmt_t t;

	ck_assert_pmt_ok(pmt_init());
	ck_assert_pmt_ok(pmt_trace_start(ring, RING, 0));
	ck_assert_pmt_ok(
	    test_spawn(&t, nothing, NULL, 0, PMT_PRIO_DEFAULT + 1));
	ck_assert_pmt_ok(pmt_trace_stop());
	read_all();
	expect(1, PMT_TRACE_SPAWN, t, pmt_self(), PMT_TRACE_STATE_READY);
	expect(2, PMT_TRACE_SWITCH, pmt_self(), t, PMT_TRACE_SWITCH_HIGHER);
	ck_assert_uint_eq(got[2].arg, PMT_PRIO_DEFAULT + 1);
	expect(3, PMT_TRACE_EXIT, t, PMT_THREAD_NONE, 0);
	expect(4, PMT_TRACE_SWITCH, t, pmt_self(), PMT_TRACE_SWITCH_EXIT);
	ck_assert_uint_eq(ngot, 5);
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

START_TEST(test_sleep_alone_blocks_and_wakes_without_a_switch)
{
	pmt_time_t deadline;

	ck_assert_pmt_ok(pmt_init());
	ck_assert_pmt_ok(pmt_trace_start(ring, RING, 0));
	/* Far enough for the wait to begin before it, under Valgrind too. */
	deadline = pmt_now() + PMT_MSEC(20);
	ck_assert_pmt_ok(pmt_sleep_until(deadline));
	ck_assert_pmt_ok(pmt_trace_stop());
	read_all();
	expect(1, PMT_TRACE_BLOCK, pmt_self(), PMT_THREAD_NONE,
	    PMT_TRACE_WAIT_SLEEP);
	ck_assert_uint_eq(got[1].arg, 1); /* a deadline */
	/* It woke itself, idle, when the deadline passed. */
	expect(2, PMT_TRACE_WAKE, pmt_self(), pmt_self(), PMT_ETIMEDOUT);
	ck_assert_uint_ge(got[2].time, deadline);
	ck_assert_uint_eq(ngot, 3);
}
END_TEST

START_TEST(test_detached_thread_exit_switches_with_reason_exit)
{
	pmt_t t;

	ck_assert_pmt_ok(pmt_init());
	ck_assert_pmt_ok(test_spawn(&t, nothing, NULL, 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_detach(t));
	ck_assert_pmt_ok(pmt_trace_start(ring, RING, 0));
	ck_assert_pmt_ok(pmt_yield());
	ck_assert_pmt_ok(pmt_trace_stop());
	read_all();
	/* The snapshot: both threads, in slot order. */
	expect(0, PMT_TRACE_THREAD, pmt_self(), PMT_THREAD_NONE,
	    PMT_TRACE_STATE_RUNNING);
	expect(1, PMT_TRACE_THREAD, t, PMT_THREAD_NONE, PMT_TRACE_STATE_READY);
	expect(2, PMT_TRACE_SWITCH, pmt_self(), t, PMT_TRACE_SWITCH_YIELD);
	expect(3, PMT_TRACE_EXIT, t, PMT_THREAD_NONE, 0);
	expect(4, PMT_TRACE_SWITCH, t, pmt_self(), PMT_TRACE_SWITCH_EXIT);
	ck_assert_uint_eq(ngot, 5);
}
END_TEST

/* ---------------------------------------------------------------- ring */

#define ROUNDS 20

static void *
yield_rounds(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < ROUNDS; i++)
		pmt_yield();
	return NULL;
}

/* A deterministic run: main and a peer yield to each other ROUNDS
 * times, traced into buf[size] with flags; the events held go to got. */
static void
run_rounds(struct pmt_trace_event *buf, size_t size, unsigned flags,
    struct pmt_trace_info *info)
{
	pmt_t t;
	int i;

	ck_assert_pmt_ok(
	    test_spawn(&t, yield_rounds, NULL, 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_trace_start(buf, size, flags));
	for (i = 0; i < ROUNDS; i++)
		ck_assert_pmt_ok(pmt_yield());
	ck_assert_pmt_ok(pmt_join(t, NULL));
	ck_assert_pmt_ok(pmt_trace_stop());
	ck_assert_pmt_ok(pmt_trace_info(info));
	read_all();
}

/* A thread of a run_rounds() trace: main, or the peer of that run. */
static int
role(pmt_t t)
{
	return t == pmt_self() ? 0 : t == PMT_THREAD_NONE ? 1 : 2;
}

/* Same kinds and details, about the same roles: the peers of two runs
 * differ in id. */
static int
same_event(const struct pmt_trace_event *x, const struct pmt_trace_event *y)
{
	return x->kind == y->kind && role(x->thread) == role(y->thread) &&
	       role(x->other) == role(y->other) && x->detail == y->detail;
}

static struct pmt_trace_event all[RING];

START_TEST(test_full_ring_keeps_the_latest_events)
{
	static struct pmt_trace_event small[8];
	struct pmt_trace_info info;
	size_t nall, i;

	ck_assert_pmt_ok(pmt_init());
	run_rounds(ring, RING, 0, &info);
	nall = ngot;
	ck_assert_uint_gt(nall, 2 * 8);
	ck_assert_uint_eq(info.lost, 0);
	memcpy(all, got, nall * sizeof all[0]);

	run_rounds(small, 8, 0, &info);
	ck_assert_uint_eq(info.recorded, nall);
	ck_assert_uint_eq(info.count, 8);
	ck_assert_uint_eq(info.first, nall - 8);
	ck_assert_uint_eq(info.lost, nall - 8);
	ck_assert_uint_eq(ngot, 8);
	for (i = 0; i < 8; i++)
		ck_assert_msg(same_event(&got[i], &all[nall - 8 + i]),
		    "event %zu of the small ring differs from event %zu of "
		    "the whole trace",
		    i, nall - 8 + i);
	expect_monotonic();
	/* Event s is in small[s % 8]. */
	for (i = 0; i < 8; i++)
		ck_assert_mem_eq(
		    &small[(info.first + i) % 8], &got[i], sizeof got[i]);
}
END_TEST

START_TEST(test_nowrap_ring_keeps_the_first_events)
{
	static struct pmt_trace_event small[8];
	struct pmt_trace_info info;
	size_t nall, i;

	ck_assert_pmt_ok(pmt_init());
	run_rounds(ring, RING, 0, &info);
	nall = ngot;
	memcpy(all, got, nall * sizeof all[0]);

	run_rounds(small, 8, PMT_TRACE_NOWRAP, &info);
	ck_assert_uint_eq(info.recorded, nall);
	ck_assert_uint_eq(info.count, 8);
	ck_assert_uint_eq(info.first, 0);
	ck_assert_uint_eq(info.lost, nall - 8);
	ck_assert_uint_eq(info.flags, PMT_TRACE_NOWRAP);
	ck_assert_uint_eq(ngot, 8);
	for (i = 0; i < 8; i++)
		ck_assert_msg(same_event(&got[i], &all[i]),
		    "event %zu differs from the whole trace's", i);
}
END_TEST

START_TEST(test_read_skips_events_overwritten_since_the_last_read)
{
	static struct pmt_trace_event small[4];
	struct pmt_trace_event e[4];
	struct pmt_trace_info info;
	uint64_t seq = 0;
	size_t n;
	pmt_t t;
	int i;

	ck_assert_pmt_ok(pmt_init());
	ck_assert_pmt_ok(
	    test_spawn(&t, yield_rounds, NULL, 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_trace_start(small, 4, 0));
	ck_assert_pmt_ok(pmt_trace_read(&seq, e, 1, &n));
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(seq, 1);
	for (i = 0; i < ROUNDS; i++)
		ck_assert_pmt_ok(pmt_yield());
	ck_assert_pmt_ok(pmt_join(t, NULL));
	ck_assert_pmt_ok(pmt_trace_stop());
	ck_assert_pmt_ok(pmt_trace_info(&info));
	ck_assert_uint_gt(info.first, 1);
	/* Read on: it goes on from the oldest event held. */
	ck_assert_pmt_ok(pmt_trace_read(&seq, e, 4, &n));
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(seq, info.first + 4);
	ck_assert_uint_eq(seq, info.recorded);
	ck_assert_pmt_ok(pmt_trace_read(&seq, e, 4, &n));
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(seq, info.recorded);
}
END_TEST

START_TEST(test_no_events_while_stopped)
{
	struct pmt_trace_info before, after;
	pmt_t t;
	int i;

	ck_assert_pmt_ok(pmt_init());
	ck_assert_pmt_ok(pmt_trace_start(ring, RING, 0));
	ck_assert_pmt_ok(pmt_trace_stop());
	ck_assert_pmt_ok(pmt_trace_info(&before));
	ck_assert_pmt_ok(
	    test_spawn(&t, yield_rounds, NULL, 0, PMT_PRIO_DEFAULT));
	for (i = 0; i < ROUNDS; i++)
		ck_assert_pmt_ok(pmt_yield());
	ck_assert_pmt_ok(pmt_join(t, NULL));
	ck_assert_pmt_ok(pmt_trace_info(&after));
	ck_assert_uint_eq(after.recorded, before.recorded);
	ck_assert_uint_eq(after.recorded, 1); /* main, at the start */
}
END_TEST

/* ---------------------------------------------------------------- names */

/* The name thread's NAME events from got[from] spell, into buf. */
static void
decode_name(size_t from, pmt_t thread, char *buf, size_t size)
{
	size_t i, j, off;
	int last = 0;

	memset(buf, 0, size);
	for (i = from; i < ngot && !last; i++) {
		if (got[i].kind != PMT_TRACE_NAME || got[i].thread != thread)
			continue;
		off = got[i].detail & ~PMT_TRACE_NAME_LAST & 0xffu;
		for (j = 0; j < 8 && off + j < size - 1; j++)
			buf[off + j] =
			    (char)((j < 4 ? got[i].other : got[i].arg) >>
			           (8 * (j % 4)));
		last = (got[i].detail & PMT_TRACE_NAME_LAST) != 0;
	}
	ck_assert_msg(last, "no last NAME piece for thread %u", thread);
}

START_TEST(test_names_are_recorded_in_pieces)
{
	static const char long_name[] = "a name of thirty-one bytes ....";
	char buf[PMT_NAME_MAX];
	size_t i, pieces = 0;
	pmt_t t;

	ck_assert_uint_eq(sizeof long_name, PMT_NAME_MAX);
	ck_assert_pmt_ok(pmt_init());
	ck_assert_pmt_ok(pmt_setname(pmt_self(), "main"));
	ck_assert_pmt_ok(test_spawn(&t, nothing, NULL, 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_trace_start(ring, RING, 0));
	ck_assert_pmt_ok(pmt_setname(t, long_name));
	ck_assert_pmt_ok(pmt_setname(pmt_self(), "exactly8"));
	ck_assert_pmt_ok(pmt_setname(pmt_self(), NULL));
	ck_assert_pmt_ok(pmt_trace_stop());
	read_all();
	/* The snapshot names main. */
	expect(0, PMT_TRACE_THREAD, pmt_self(), PMT_THREAD_NONE,
	    PMT_TRACE_STATE_RUNNING);
	expect(1, PMT_TRACE_NAME, pmt_self(), 0x6e69616du /* "main" */,
	    PMT_TRACE_NAME_LAST);
	expect(2, PMT_TRACE_THREAD, t, PMT_THREAD_NONE, PMT_TRACE_STATE_READY);
	decode_name(1, pmt_self(), buf, sizeof buf);
	ck_assert_str_eq(buf, "main");
	/* Thirty-one bytes: four pieces. */
	for (i = 3; i < ngot; i++)
		if (got[i].kind == PMT_TRACE_NAME && got[i].thread == t)
			ck_assert_uint_eq(got[i].detail & 0x7fu, 8 * pieces++);
	ck_assert_uint_eq(pieces, 4);
	decode_name(3, t, buf, sizeof buf);
	ck_assert_str_eq(buf, long_name);
	/* Eight bytes: one piece; no name: one empty piece. */
	expect(7, PMT_TRACE_NAME, pmt_self(), 0x63617865u /* "exac" */,
	    PMT_TRACE_NAME_LAST);
	decode_name(7, pmt_self(), buf, sizeof buf);
	ck_assert_str_eq(buf, "exactly8");
	expect(8, PMT_TRACE_NAME, pmt_self(), 0, PMT_TRACE_NAME_LAST);
	ck_assert_uint_eq(got[8].arg, 0);
	ck_assert_uint_eq(ngot, 9);
	ck_assert_pmt_ok(pmt_join(t, NULL));
}
END_TEST

/* ---------------------------------------------------------------- prio */

static pmt_mutex_t pi_lock = PMT_MUTEX_INITIALIZER;

static void *
lock_pi(void *arg)
{
	(void)arg;
	pmt_mutex_lock(&pi_lock);
	pmt_mutex_unlock(&pi_lock);
	return NULL;
}

START_TEST(test_priority_changes_are_recorded)
{
	pmt_t low, high;
	size_t i;
	int raised = 0, dropped = 0;

	ck_assert_pmt_ok(pmt_init());
	ck_assert_pmt_ok(test_spawn(&low, nothing, NULL, 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_trace_start(ring, RING, 0));
	/* A ready thread's new priority. */
	ck_assert_pmt_ok(pmt_setprio(low, PMT_PRIO_DEFAULT - 2));
	/* Inheritance: main holds the lock a higher thread waits for. */
	ck_assert_pmt_ok(pmt_mutex_lock(&pi_lock));
	ck_assert_pmt_ok(
	    test_spawn(&high, lock_pi, NULL, 1, PMT_PRIO_DEFAULT + 3));
	ck_assert_pmt_ok(pmt_mutex_unlock(&pi_lock));
	ck_assert_pmt_ok(pmt_join(high, NULL));
	ck_assert_pmt_ok(pmt_join(low, NULL));
	ck_assert_pmt_ok(pmt_trace_stop());
	read_all();
	/* After the snapshot of main and low. */
	expect(2, PMT_TRACE_PRIO, low, PMT_THREAD_NONE, 0);
	ck_assert_uint_eq(got[2].prio, PMT_PRIO_DEFAULT - 2);
	ck_assert_uint_eq(got[2].arg, PMT_PRIO_DEFAULT);
	for (i = 3; i < ngot; i++) {
		if (got[i].kind != PMT_TRACE_PRIO)
			continue;
		ck_assert_uint_eq(got[i].thread, pmt_self());
		if (got[i].prio == PMT_PRIO_DEFAULT + 3 &&
		    got[i].arg == PMT_PRIO_DEFAULT)
			raised++;
		else if (got[i].prio == PMT_PRIO_DEFAULT &&
		         got[i].arg == PMT_PRIO_DEFAULT + 3 && raised)
			dropped++;
	}
	ck_assert_int_eq(raised, 1);
	ck_assert_int_eq(dropped, 1);
}
END_TEST

/* ---------------------------------------------------------------- ticks */

static volatile int spin_failed;

/* Busy until both spinners have had several turns, or the deadline. */
static void *
spin(void *arg)
{
	int me = (int)(intptr_t)arg;
	uint64_t deadline = test_deadline_ms(5000 * TEST_SLOWDOWN);

	while (test_min_turns(0, 2) < 4) {
		test_turn(me);
		if (test_expired(deadline)) {
			spin_failed = 1;
			break;
		}
	}
	return NULL;
}

START_TEST(test_ticks_and_preemptions_are_recorded)
{
	static struct pmt_trace_event big[65536];
	struct pmt_trace_info info;
	uint64_t seq = 0;
	size_t n, i, j, ticks = 0, preempts = 0;
	pmt_t s0, s1;

	ck_assert_pmt_ok(pmt_init());
	ck_assert_pmt_ok(pmt_trace_start(big, 65536, 0));
	ck_assert_pmt_ok(pmt_preempt_start(PMT_PREEMPT_DEFAULT_USEC, 0));
	ck_assert_pmt_ok(
	    test_spawn_big(&s0, spin, (void *)0, 0, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(
	    test_spawn_big(&s1, spin, (void *)1, 1, PMT_PRIO_DEFAULT));
	ck_assert_pmt_ok(pmt_join(s0, NULL));
	ck_assert_pmt_ok(pmt_join(s1, NULL));
	ck_assert_pmt_ok(pmt_preempt_stop());
	ck_assert_pmt_ok(pmt_trace_stop());
	ck_assert_int_eq(spin_failed, 0);
	ck_assert_pmt_ok(pmt_trace_info(&info));
	ck_assert_uint_eq(info.lost, 0);

	/* The events, read into big itself, whose order they keep. */
	ck_assert_pmt_ok(pmt_trace_read(&seq, big, 65536, &n));
	ck_assert_uint_eq(n, info.count);
	for (i = 1; i < n; i++)
		ck_assert_msg(big[i].time >= big[i - 1].time,
		    "event %zu (kind %u) is earlier than the one before", i,
		    big[i].kind);
	for (i = 0; i < n; i++) {
		if (big[i].kind == PMT_TRACE_TICK) {
			ticks++;
			ck_assert(big[i].thread == s0 || big[i].thread == s1 ||
			          big[i].thread == pmt_self());
		}
		if (big[i].kind != PMT_TRACE_PREEMPT)
			continue;
		preempts++;
		/* Its switch follows, perhaps after pending ticks. */
		for (j = i + 1; j < n && big[j].kind == PMT_TRACE_TICK; j++)
			;
		ck_assert_msg(j < n && big[j].kind == PMT_TRACE_SWITCH &&
		                  big[j].thread == big[i].thread &&
		                  big[j].detail == PMT_TRACE_SWITCH_TICK,
		    "preempt event %zu is not followed by its switch", i);
	}
	/* Four turns each take at least three slices that a tick ended. */
	ck_assert_uint_ge(preempts, 3);
	ck_assert_uint_ge(ticks, preempts);
}
END_TEST

static Suite *
trace_suite(void)
{
	Suite *s = suite_create("trace");
	TCase *tc;

	tc = tcase_create("errors");
	tcase_add_test(tc, test_start_rejects_bad_arguments);
	tcase_add_test(tc, test_write_json_rejects_a_negative_fd);
	tcase_add_test(tc, test_write_json_reports_a_failed_write);
	tcase_add_test(tc, test_start_twice_is_ealready);
	tcase_add_test(tc, test_stop_when_not_started_is_ealready);
	tcase_add_test(tc, test_info_and_read_reject_null_pointers);
	tcase_add_test(tc, test_nothing_held_before_any_start);
	suite_add_tcase(s, tc);

	tc = tcase_create("schedule");
	tcase_add_test(tc, test_cooperative_schedule_gives_exact_events);
	tcase_add_test(tc, test_start_before_init_records_the_first_thread);
	tcase_add_test(
	    tc, test_higher_priority_spawn_switches_with_reason_higher);
	tcase_add_test(tc, test_sleep_alone_blocks_and_wakes_without_a_switch);
	tcase_add_test(tc, test_detached_thread_exit_switches_with_reason_exit);
	suite_add_tcase(s, tc);

	tc = tcase_create("ring");
	tcase_add_test(tc, test_full_ring_keeps_the_latest_events);
	tcase_add_test(tc, test_nowrap_ring_keeps_the_first_events);
	tcase_add_test(
	    tc, test_read_skips_events_overwritten_since_the_last_read);
	tcase_add_test(tc, test_no_events_while_stopped);
	suite_add_tcase(s, tc);

	tc = tcase_create("names_prio");
	tcase_add_test(tc, test_names_are_recorded_in_pieces);
	tcase_add_test(tc, test_priority_changes_are_recorded);
	suite_add_tcase(s, tc);

	if (PMT_TEST_PREEMPTION) {
		tc = tcase_create("ticks");
		tcase_set_timeout(tc, 30);
		tcase_add_test(tc, test_ticks_and_preemptions_are_recorded);
		suite_add_tcase(s, tc);
	}
	return s;
}

/*
 * A build without the trace (configure --disable-trace): every call must
 * answer PMT_ENOSYS, and then the suite is skipped.
 */
static int
skip_without_trace(void)
{
	struct pmt_trace_info info;
	uint64_t seq = 0;
	size_t n;

	if (pmt_trace_stop() != PMT_ENOSYS ||
	    pmt_trace_info(&info) != PMT_ENOSYS ||
	    pmt_trace_read(&seq, ring, 1, &n) != PMT_ENOSYS ||
	    pmt_trace_write_json(1) != PMT_ENOSYS) {
		printf("FAIL: a build without the trace must answer "
		       "PMT_ENOSYS\n");
		return EXIT_FAILURE;
	}
	printf("SKIP: built without the trace (PMT_ENOSYS)\n");
	return 77;
}

int
main(void)
{
	struct pmt_trace_info info;

	/* Asked in the parent, whose trace the tests' processes inherit:
	 * a question that leaves it as it is. */
	if (pmt_trace_info(&info) == PMT_ENOSYS)
		return skip_without_trace();
	return test_run_suite(trace_suite());
}
