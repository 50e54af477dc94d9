/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * work.c - the threads pmt-demo shows, and the lock three of them share.
 *
 * Busy threads compute and never block: busy-2, busy-3 and those 'b'
 * adds share priority 4, and only the tick takes the CPU from one of them
 * for the next; busy-1, at 6, computes for 30 ms and sleeps for 30 ms,
 * and the threads at 4 run only while it sleeps.
 *
 * Above them, the priority inversion of examples/inversion.c, over and
 * over.  low (12) takes the lock, computes, waits 4 ms for a device (a
 * sleep, holding the lock), computes, and gives the lock back.  high (24)
 * wants the lock every 40 ms, briefly.  medium (16) needs no lock; it
 * computes for 150 ms, then sleeps for 350.  With the mutex, a waiting
 * high lends low its priority, which beats medium: high waits for low's
 * few milliseconds at most.  With the semaphore nobody inherits: while
 * medium computes, low cannot finish, and high waits for medium, a thread
 * that never touches the lock.
 *
 * None of them ends: they end with the process, when main returns.
 */
#include "demo.h"

/* Generous, so that it is above pmt_stack_min() on any machine. */
#define STACK_SIZE (64 * 1024)
/* Iterations of a unit of work: some tens of microseconds. */
#define UNIT_LOOPS 10000

struct demo demo;

PMT_STACK_DEFINE(stacks[MAX_ROWS], STACK_SIZE);

static pmt_mutex_t lock_mutex = PMT_MUTEX_INITIALIZER;
static pmt_sem_t lock_sem = PMT_SEM_INITIALIZER(1, 1);

static const char *const busy_names[BUSY_MAX] = {"busy-1", "busy-2", "busy-3",
    "busy-4", "busy-5", "busy-6", "busy-7", "busy-8", "busy-9"};

/* Volatile, so that the compiler keeps every step of the work. */
static volatile uint32_t sink;

/* Any demo thread.  One unit of work.  Without preemption nothing but a
 * yield (or a block) lets another thread run, so every unit ends in one:
 * equals take turns, and the display thread's sleeps end. */
static void
unit(struct row *self)
{
	int i;

	for (i = 0; i < UNIT_LOOPS; i++)
		sink = sink * 1664525u + 1013904223u;
	self->units++;
	if (!demo.preempting)
		demo_check(pmt_yield(), "pmt_yield");
}

/* About ms milliseconds of computing, by the calibration. */
static void
work_ms(struct row *self, double ms)
{
	uint64_t n = (uint64_t)(demo.units_per_sec * ms / 1000.0) + 1;

	while (n-- > 0)
		unit(self);
}

/* Computes until ms milliseconds have passed, whoever had the CPU. */
static void
work_until(struct row *self, unsigned ms)
{
	pmt_time_t end = pmt_now() + PMT_MSEC(ms);

	while (pmt_now() < end)
		unit(self);
}

static void
sleep_ms(struct row *self, unsigned ms)
{
	self->waits_for = "sleep";
	demo_check(pmt_sleep(PMT_MSEC(ms)), "pmt_sleep");
	self->waits_for = NULL;
}

/* ---------------------------------------------------------------- lock */

static void
acquire(struct row *self, int kind)
{
	self->waits_for = kind == LOCK_MUTEX ? "mutex" : "semaphore";
	if (kind == LOCK_MUTEX)
		demo_check(pmt_mutex_lock(&lock_mutex), "pmt_mutex_lock");
	else
		demo_check(pmt_sem_wait(&lock_sem), "pmt_sem_wait");
	self->waits_for = NULL;
}

static void
release(int kind)
{
	if (kind == LOCK_MUTEX)
		demo_check(pmt_mutex_unlock(&lock_mutex), "pmt_mutex_unlock");
	else
		demo_check(pmt_sem_post(&lock_sem), "pmt_sem_post");
}

/*
 * Takes the shared resource by the lock in use, and returns which that
 * was, for give().  The lock in use changes only in give(), by the thread
 * that holds it: so a thread that finds, once it has its lock, that the
 * other is in use now gives its own back and queues for the other, and
 * no two threads ever hold the resource at once.
 */
static int
take(struct row *self)
{
	int kind;

	for (;;) {
		kind = demo.lock;
		acquire(self, kind);
		if (kind == demo.lock)
			return kind;
		release(kind);
	}
}

/* Gives the resource back; the holder makes the switch the display asked
 * for ('i'), while nobody else can hold either lock. */
static void
give(int kind)
{
	if (kind == demo.lock)
		demo.lock = demo.lock_wanted;
	release(kind);
}

/* ---------------------------------------------------------------- threads */

static void *
high(void *arg)
{
	struct row *self = arg;
	struct waits *w;
	pmt_time_t asked, waited;
	int kind;

	for (;;) {
		sleep_ms(self, 40);
		asked = pmt_now();
		kind = take(self);
		waited = pmt_now() - asked;
		w = &demo.waits[kind];
		w->count++;
		w->last = waited;
		if (waited > w->worst)
			w->worst = waited;
		work_ms(self, 0.1);
		give(kind);
	}
	return NULL;
}

static void *
medium(void *arg)
{
	struct row *self = arg;

	for (;;) {
		work_until(self, 150);
		sleep_ms(self, 350);
	}
	return NULL;
}

static void *
low(void *arg)
{
	struct row *self = arg;
	int kind;

	for (;;) {
		kind = take(self);
		work_ms(self, 1);
		sleep_ms(self, 4); /* the device, lock held */
		work_ms(self, 1);
		give(kind);
		sleep_ms(self, 2);
	}
	return NULL;
}

static void *
busy(void *arg)
{
	struct row *self = arg;

	for (;;)
		unit(self);
	return NULL;
}

static void *
busy_bursts(void *arg)
{
	struct row *self = arg;

	for (;;) {
		work_until(self, 30);
		sleep_ms(self, 30);
	}
	return NULL;
}

/* ---------------------------------------------------------------- start */

/* Display thread, before any other thread exists: how many units one
 * thread does in a second with the CPU to itself. */
void
work_calibrate(void)
{
	struct row probe = {0};
	pmt_time_t start = pmt_now(), elapsed;

	do
		unit(&probe);
	while ((elapsed = pmt_now() - start) < PMT_MSEC(50));
	demo.units_per_sec = (double)probe.units * 1e9 / (double)elapsed;
}

/* Display thread.  A new row and its thread, which runs once the display
 * thread sleeps. */
static void
spawn(const char *name, void *(*entry)(void *), int prio)
{
	int n = demo.nrows;
	struct row *r = &demo.rows[n];

	r->name = name;
	demo_check(
	    pmt_spawn(&r->tid, entry, r, stacks[n], sizeof stacks[n], prio),
	    "pmt_spawn");
	demo_check(pmt_setname(r->tid, name), "pmt_setname");
	demo.nrows = n + 1;
}

/* Display thread, which is the first row. */
void
work_start(void)
{
	demo.rows[0].tid = pmt_self();
	demo.rows[0].name = "display";
	demo_check(pmt_setname(pmt_self(), "display"), "pmt_setname");
	demo.nrows = 1;
	spawn("high", high, PRIO_HIGH);
	spawn("medium", medium, PRIO_MEDIUM);
	spawn("low", low, PRIO_LOW);
	spawn(busy_names[0], busy_bursts, PRIO_BUSY_BURST);
	demo.nbusy = 1;
	while (demo.nbusy < BUSY_START)
		work_add_busy();
}

/* Display thread.  Another busy thread at priority 4; 0, or -1 when there
 * are BUSY_MAX already. */
int
work_add_busy(void)
{
	if (demo.nbusy == BUSY_MAX)
		return -1;
	spawn(busy_names[demo.nbusy], busy, PRIO_BUSY);
	demo.nbusy++;
	return 0;
}
