/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * main.c - pmt-demo: libpmt threads of different priorities under timer
 * preemption, live.  main becomes the display thread, above every other:
 * it sleeps between frames, and while it sleeps the others run.  Each
 * frame shows what the library says of each thread, and the keys change
 * the tick, add busy threads, and switch priority inheritance and
 * preemption on and off.  pmt-demo(1) tells the story.
 *
 * Usage: pmt-demo [--duration SECONDS] [--frames N] [--plain]
 *                 [--rate HZ] [--tick USEC]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "demo.h"

/* Keys are read this often, frames drawn every 1/rate seconds. */
#define KEY_POLL_MSEC 20
#define RATE_DEFAULT 10
#define RATE_MAX 50
/* Without a terminal for keys, and no --duration or --frames. */
#define DURATION_DEFAULT 5.0
/* What a key did shows this long. */
#define NOTE_SEC 3

/* The intervals + and - step through, in microseconds. */
static const unsigned long tick_steps[] = {
    100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000};
#define NSTEPS (sizeof tick_steps / sizeof tick_steps[0])

/* Standard output's buffer: a frame goes out in one write. */
static char out_buffer[32768];

static void
usage(FILE *f)
{
	fprintf(f, "usage: pmt-demo [--duration SECONDS] [--frames N] "
	           "[--plain] [--rate HZ]\n"
	           "                [--tick USEC]\n"
	           "keys: + - tick, b busy thread, i inheritance, "
	           "p preemption, q quit\n");
}

/* Any libpmt thread. */
void
demo_check(int error, const char *what)
{
	if (error == 0)
		return;
	/* No tick during exit(): it runs on this thread's stack. */
	pmt_preempt_stop();
	pmt_fflush(stdout);
	term_restore();
	pmt_fprintf(stderr, "pmt-demo: %s: %s\n", what, pmt_strerror(error));
	exit(1);
}

/*
 * The processor time the process has used, in nanoseconds.  All libpmt
 * threads share its one kernel thread, and no other runs while the
 * display thread works: what the clock advances by meanwhile is the
 * display thread's own, without the time other programs had the CPU.
 */
static pmt_time_t
cpu_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
		return 0;
	return (pmt_time_t)ts.tv_sec * 1000000000u + (pmt_time_t)ts.tv_nsec;
}

/* Display thread: standard output failed (a terminal hung up, say). */
static void
write_failed(void)
{
	pmt_preempt_stop();
	term_restore();
	pmt_fprintf(stderr, "pmt-demo: cannot write to standard output\n");
	exit(1);
}

/* An option's number, within [min, max], or the program ends. */
static double
number(const char *arg, const char *option, double min, double max)
{
	char *end;
	double v = strtod(arg, &end);

	if (end == arg || *end != '\0' || !(v >= min && v <= max)) {
		fprintf(stderr,
		    "pmt-demo: %s: %s is not a number from %g to %g\n", option,
		    arg, min, max);
		exit(2);
	}
	return v;
}

/* Display thread.  Preemption on or off, or at a new interval. */
static void
set_preemption(int on, unsigned long usec)
{
	if (demo.preempting)
		demo_check(pmt_preempt_stop(), "pmt_preempt_stop");
	demo.preempting = 0;
	demo.tick_usec = usec;
	if (on) {
		demo_check(pmt_preempt_start(usec, 0), "pmt_preempt_start");
		demo.preempting = 1;
	}
}

/* Display thread.  Acts on key c; returns a note to show, or NULL. */
static const char *
key(int c, const char **end)
{
	size_t i;

	switch (c) {
	case 'q':
	case 'Q':
		*end = "quit (q)";
		return NULL;
	case '+':
	case '=':
		for (i = 0; i < NSTEPS && tick_steps[i] <= demo.tick_usec; i++)
			;
		if (i == NSTEPS)
			return "the tick is at its longest";
		set_preemption(demo.preempting, tick_steps[i]);
		return "longer tick: fewer switches among equals";
	case '-':
	case '_':
		for (i = NSTEPS; i > 0 && tick_steps[i - 1] >= demo.tick_usec;
		     i--)
			;
		if (i == 0)
			return "the tick is at its shortest";
		set_preemption(demo.preempting, tick_steps[i - 1]);
		return "shorter tick: more switches among equals";
	case 'b':
	case 'B':
		if (work_add_busy() != 0)
			return "no more busy threads";
		return "one more busy thread at priority 4";
	case 'i':
	case 'I':
		demo.lock_wanted =
		    demo.lock_wanted == LOCK_MUTEX ? LOCK_SEM : LOCK_MUTEX;
		return demo.lock_wanted == LOCK_MUTEX
		           ? "the lock becomes a mutex: inheritance on"
		           : "the lock becomes a semaphore: inheritance off";
	case 'p':
	case 'P':
		if (!demo.can_preempt)
			return "this libpmt was built without preemption";
		set_preemption(!demo.preempting, demo.tick_usec);
		return demo.preempting
		           ? "preemption on: the tick shares the CPU"
		           : "preemption off: threads yield after each unit";
	case 'L' & 0x1f: /* ^L */
		term.redraw = 1;
		return NULL;
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
	    {"duration", required_argument, NULL, 'd'},
	    {"frames", required_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},
	    {"plain", no_argument, NULL, 'p'},
	    {"rate", required_argument, NULL, 'r'},
	    {"tick", required_argument, NULL, 't'},
	    {NULL, 0, NULL, 0},
	};
	double duration = -1, rate = RATE_DEFAULT;
	unsigned long frames = 0, tick = PMT_PREEMPT_DEFAULT_USEC;
	int plain = 0, c, error;
	struct frame_info info = {0};
	pmt_time_t period, next, t0, until, note_until = 0, cpu;
	const char *note = NULL;

	while (
	    (c = getopt_long(argc, argv, "d:n:hpr:t:", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			duration = number(optarg, "--duration", 0, 86400);
			break;
		case 'n':
			frames =
			    (unsigned long)number(optarg, "--frames", 1, 1e9);
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'p':
			plain = 1;
			break;
		case 'r':
			rate = number(optarg, "--rate", 1, RATE_MAX);
			break;
		case 't':
			tick = (unsigned long)number(optarg, "--tick",
			    PMT_PREEMPT_MIN_USEC, PMT_PREEMPT_MAX_USEC);
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	term_init(plain);
	if (!term.keys && duration < 0 && frames == 0)
		duration = DURATION_DEFAULT;
	setvbuf(stdout, out_buffer, _IOFBF, sizeof out_buffer);

	demo_check(pmt_init(), "pmt_init");
	demo_check(pmt_setprio(pmt_self(), PRIO_DISPLAY), "pmt_setprio");
	work_calibrate();
	demo.lock = demo.lock_wanted = LOCK_MUTEX;
	demo.tick_usec = tick;
	error = pmt_preempt_start(tick, 0);
	if (error != PMT_ENOSYS)
		demo_check(error, "pmt_preempt_start");
	demo.can_preempt = demo.preempting = error == 0;
	work_start();
	term_start();

	period = (pmt_time_t)(1e9 / rate);
	info.start = next = pmt_now();
	for (;;) {
		t0 = pmt_now();
		cpu = cpu_now();
		while (info.end == NULL && (c = term_key()) >= 0) {
			note = key(c, &info.end);
			note_until = t0 + PMT_SEC(NOTE_SEC);
			next = t0; /* show what the key did now */
		}
		if (t0 >= note_until)
			note = NULL;
		if (info.end == NULL && duration >= 0 &&
		    t0 - info.start >= (pmt_time_t)(duration * 1e9))
			info.end = "end of --duration";
		if (info.end == NULL && frames != 0 && info.count + 1 >= frames)
			info.end = "end of --frames";
		if (t0 >= next || info.end != NULL) {
			info.now = t0;
			info.note = note;
			if (view_frame(&info) != 0)
				write_failed();
			info.count++;
			next += period;
			if (next <= t0)
				next = t0 + period;
		}
		info.busy += cpu_now() - cpu;
		if (info.end != NULL)
			break;
		until = t0 + PMT_MSEC(KEY_POLL_MSEC);
		demo_check(pmt_sleep_until(until < next ? until : next),
		    "pmt_sleep_until");
	}

	/* The other threads end with the process. */
	if (demo.preempting)
		demo_check(pmt_preempt_stop(), "pmt_preempt_stop");
	term_restore();
	return 0;
}
