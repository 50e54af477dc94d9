/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * demo.h - the parts of pmt-demo, a live view of libpmt threads under
 * preemption: the threads it runs and the lock they share (work.c), the
 * terminal (term.c), the screen (view.c), and main.c, which reads the
 * keys and draws the frames.
 */
#ifndef PMT_DEMO_H
#define PMT_DEMO_H

#include <stdint.h>

#include <pmt.h>

/* Priorities.  The display thread (main) is above all, so that a frame is
 * drawn on time whatever the others do; then the three threads of the
 * priority inversion story; then the busy threads. */
#define PRIO_DISPLAY 31
#define PRIO_HIGH 24
#define PRIO_MEDIUM 16
#define PRIO_LOW 12
#define PRIO_BUSY_BURST 6
#define PRIO_BUSY 4

/* Busy threads at start, and at most ('b' adds one). */
#define BUSY_START 3
#define BUSY_MAX 9
/* Rows: display, high, medium, low and the busy threads. */
#define MAX_ROWS (4 + BUSY_MAX)

/* Which object the shared resource is locked with. */
enum lock_kind {
	LOCK_MUTEX, /* pmt_mutex_t: its owner inherits its waiters' priority */
	LOCK_SEM,   /* pmt_sem_t of one unit: no owner, no inheritance */
	NLOCKS
};

/* One row of the screen: a thread the demo started, or main. */
struct row {
	pmt_t tid;
	const char *name;
	/* What the thread blocks on, set by the thread itself before it
	 * blocks ("sleep", "mutex", "semaphore"); the display reads it
	 * when the library says the thread is blocked. */
	const char *volatile waits_for;
	/* Work units done, written by the thread only. */
	volatile uint64_t units;
};

/* High's waits for the lock, by lock kind, in nanoseconds. */
struct waits {
	uint64_t count;
	pmt_time_t last;
	pmt_time_t worst;
};

/*
 * What the threads share with the display.  All the demo's threads run
 * on one kernel thread, and the display thread outranks the others, so
 * nothing here needs more than volatile: a tick may switch between any
 * two instructions of a lower thread, never in the middle of the
 * display thread's work.
 */
struct demo {
	struct row rows[MAX_ROWS];
	volatile int nrows;
	volatile int nbusy;
	/* Timer preemption runs; when it does not, the threads yield after
	 * each unit of work, or nothing else would ever run. */
	volatile int preempting;
	int can_preempt; /* pmt_preempt_start() did not say PMT_ENOSYS */
	unsigned long tick_usec;
	/* The lock in use, and the one the display asked for: the thread
	 * that releases the lock in use makes the switch (work.c). */
	volatile int lock;
	volatile int lock_wanted;
	struct waits waits[NLOCKS];
	/* Work units one thread does in a second with the CPU to itself. */
	double units_per_sec;
};

extern struct demo demo;

/* main.c: reports a failed libpmt call, restores the terminal and ends
 * the program with status 1.  Any libpmt thread. */
void demo_check(int error, const char *what);

/* work.c.  Display thread only. */
void work_calibrate(void);
void work_start(void);
int work_add_busy(void);

/* term.c.  Display thread only, but term_restore(), which any path out
 * of the program calls, and which signal handlers call too. */
struct term {
	int keys;   /* standard input is a terminal, in raw mode */
	int cursor; /* standard output takes cursor control sequences */
	int colour; /* ... and colour ones */
	volatile int redraw; /* the screen must be drawn anew */
};

extern struct term term;

void term_init(int plain);
void term_start(void);
void term_restore(void);
int term_key(void);
void term_size(int *rows, int *cols);

/* What the display thread tells view.c about itself. */
struct frame_info {
	pmt_time_t now;      /* pmt_now() as the frame is drawn */
	pmt_time_t start;    /* when the first frame was drawn */
	unsigned long count; /* frames drawn before this one */
	/* Processor time the display thread has used, drawing frames and
	 * reading keys, since the start. */
	pmt_time_t busy;
	const char *note; /* what the last key did, or NULL */
	const char *end;  /* the last frame: why the program ends */
};

/* view.c.  Display thread only: draws a frame on standard output;
 * returns 0, or -1 when it could not be written. */
int view_frame(const struct frame_info *info);

#endif /* PMT_DEMO_H */
