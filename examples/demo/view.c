/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * view.c - pmt-demo's screen: one frame, from what the library says of
 * each thread (pmt_thread_stats(), pmt_getprio_effective(), pmt_stats())
 * and what the threads did, drawn in place with colour on a terminal and
 * appended as plain text elsewhere.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "demo.h"

/* One frame: a few thousand bytes, sent in one write. */
#define FRAME_MAX 16384
#define LINE_MAX_COLS 512

/* SGR codes. */
#define BOLD "1"
#define DIM "2"
#define REVERSE "7"
#define RED "31"
#define GREEN "32"
#define YELLOW "33"
#define BLUE "34"
#define MAGENTA "35"
#define CYAN "36"

/* A row as this frame found it. */
struct sample {
	struct pmt_thread_stats st;
	int prio, effective;
	const char *waits_for;
	double cpu; /* share of the CPU since the last frame, 0..1 */
};

static char frame[FRAME_MAX];
static size_t len;   /* bytes in frame */
static int col;      /* visible columns on the current line */
static int cols;     /* the terminal's width: lines are cut there */
static int lines;    /* lines in the frame so far */
static int max_rows; /* lines that fit: no more, or the terminal scrolls */
static int last_rows, last_cols; /* the size the last frame was drawn at */

/* Since the last frame. */
static uint64_t units_before[MAX_ROWS];
static pmt_time_t busy_before, time_before;

static void
append(const char *s, size_t n)
{
	if (n > FRAME_MAX - 1 - len)
		n = FRAME_MAX - 1 - len;
	memcpy(frame + len, s, n);
	len += n;
}

/* Visible text, cut at the terminal's width. */
static void
put(const char *s)
{
	size_t n = strlen(s);

	if (lines >= max_rows)
		return;
	if (n > (size_t)(cols - 1 - col))
		n = col < cols - 1 ? (size_t)(cols - 1 - col) : 0;
	append(s, n);
	col += (int)n;
}

#if defined(__GNUC__) || defined(__clang__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

static void putf(const char *format, ...) PRINTF_LIKE(1, 2);

static void
putf(const char *format, ...)
{
	char buf[LINE_MAX_COLS];
	va_list ap;

	va_start(ap, format);
	vsnprintf(buf, sizeof buf, format, ap);
	va_end(ap);
	put(buf);
}

/* An SGR attribute, or none without colour; sgr(NULL) ends them. */
static void
sgr(const char *code)
{
	if (!term.colour || lines >= max_rows)
		return;
	append("\033[", 2);
	append(code != NULL ? code : "0", code != NULL ? strlen(code) : 1);
	append("m", 1);
}

/* Text in an attribute. */
static void
put_in(const char *code, const char *s)
{
	if (*s == '\0')
		return;
	sgr(code);
	put(s);
	sgr(NULL);
}

static void
end_line(void)
{
	if (lines >= max_rows)
		return;
	if (term.cursor)
		append("\033[K", 3); /* what the last frame left beyond */
	append("\n", 1);
	col = 0;
	lines++;
}

static const char *
state_name(int state)
{
	switch (state) {
	case PMT_THREAD_READY:
		return "ready";
	case PMT_THREAD_RUNNING:
		return "running";
	case PMT_THREAD_BLOCKED:
		return "blocked";
	case PMT_THREAD_DONE:
		return "done";
	}
	return "?";
}

static void
sample_rows(const struct frame_info *info, struct sample *s, int n)
{
	double seconds = (double)(info->now - time_before) / 1e9;
	uint64_t units, total = 0;
	int i;

	/* The calibration ran while the machine may have been busier:
	 * what all the threads did together is at most all the CPU. */
	for (i = 1; i < n && seconds > 0; i++)
		total += demo.rows[i].units - units_before[i];
	if (seconds > 0 && (double)total / seconds > demo.units_per_sec)
		demo.units_per_sec = (double)total / seconds;

	for (i = 0; i < n; i++) {
		const struct row *r = &demo.rows[i];

		demo_check(
		    pmt_thread_stats(r->tid, &s[i].st), "pmt_thread_stats");
		demo_check(pmt_getprio(r->tid, &s[i].prio), "pmt_getprio");
		demo_check(pmt_getprio_effective(r->tid, &s[i].effective),
		    "pmt_getprio_effective");
		s[i].waits_for = r->waits_for;
		units = r->units;
		s[i].cpu = 0;
		if (i == 0 && info->now > time_before)
			s[i].cpu = (double)(info->busy - busy_before) /
			           (double)(info->now - time_before);
		else if (i > 0 && seconds > 0 && demo.units_per_sec > 0)
			s[i].cpu = (double)(units - units_before[i]) /
			           (demo.units_per_sec * seconds);
		if (s[i].cpu > 1)
			s[i].cpu = 1;
		units_before[i] = units;
	}
	busy_before = info->busy;
	time_before = info->now;
}

static void
draw_header(const struct frame_info *info, const struct pmt_stats *st)
{
	double up = (double)(info->now - info->start) / 1e9;

	put_in(BOLD, "pmt-demo");
	putf("  libpmt %d.%d.%d, %d threads, up %.1f s, frame %lu",
	    PMT_VERSION_MAJOR, PMT_VERSION_MINOR, PMT_VERSION_PATCH, demo.nrows,
	    up, info->count + 1);
	if (info->count > 0 && info->busy > 0)
		putf(", %.0f us of CPU each",
		    (double)info->busy / 1e3 / (double)info->count);
	end_line();

	put("preemption ");
	if (!demo.can_preempt)
		put_in(RED, "unavailable");
	else if (demo.preempting)
		put_in(GREEN, "on");
	else
		put_in(RED, "off");
	putf(", tick %lu us", demo.tick_usec);
	put("   lock ");
	put_in(demo.lock == LOCK_MUTEX ? GREEN : RED,
	    demo.lock == LOCK_MUTEX ? "pmt_mutex_t, inheritance on"
	                            : "pmt_sem_t, inheritance off");
	if (demo.lock_wanted != demo.lock)
		put(" (switching)");
	end_line();

	putf("ticks %llu   switches %llu   preemptions %llu",
	    (unsigned long long)st->ticks, (unsigned long long)st->switches,
	    (unsigned long long)st->preemptions);
	end_line();
	end_line();
}

static void
draw_bar(double share, int width)
{
	char bar[LINE_MAX_COLS];
	int full = (int)(share * width + 0.5), i;

	put("|");
	for (i = 0; i < full; i++)
		bar[i] = '#';
	bar[full] = '\0';
	put_in(GREEN, bar);
	for (i = 0; i < width - full; i++)
		bar[i] = '.';
	bar[width - full] = '\0';
	put_in(DIM, bar);
	put("|");
}

static void
draw_row(const struct row *r, const struct sample *s, int bar_width)
{
	char prio[16], state[32];
	const char *colour;

	putf("%-9s", r->name);
	if (s->effective != s->prio) {
		snprintf(prio, sizeof prio, "%d>%d", s->prio, s->effective);
		putf("%*s", 6 - (int)strlen(prio), "");
		put_in(BOLD ";" MAGENTA, prio);
	} else {
		putf("%6d", s->prio);
	}
	put("  ");
	snprintf(state, sizeof state, "%s", state_name(s->st.state));
	colour = s->st.state == PMT_THREAD_RUNNING ? GREEN
	         : s->st.state == PMT_THREAD_READY ? YELLOW
	                                           : DIM;
	if (s->st.state == PMT_THREAD_BLOCKED && s->waits_for != NULL) {
		snprintf(state, sizeof state, "waits: %s", s->waits_for);
		colour = strcmp(s->waits_for, "sleep") == 0 ? BLUE : RED;
	}
	sgr(colour);
	putf("%-16s", state);
	sgr(NULL);
	putf("%10llu %10llu %4.0f%%  ", (unsigned long long)s->st.switches,
	    (unsigned long long)s->st.preemptions, s->cpu * 100);
	draw_bar(s->cpu, bar_width);
	putf(" %llu", (unsigned long long)r->units);
	end_line();
}

static void
draw_waits(void)
{
	static const char *const names[NLOCKS] = {"mutex", "semaphore"};
	const struct waits *w;
	int k;

	end_line();
	put("high's waits for the lock:");
	end_line();
	for (k = 0; k < NLOCKS; k++) {
		w = &demo.waits[k];
		putf("  with the %-9s ", names[k]);
		if (w->count == 0) {
			put("-");
		} else {
			putf("%6llu times, last %7.1f ms, worst ",
			    (unsigned long long)w->count,
			    (double)w->last / 1e6);
			sgr(k == LOCK_MUTEX ? GREEN : RED);
			putf("%7.1f ms", (double)w->worst / 1e6);
			sgr(NULL);
		}
		end_line();
	}
}

/* Display thread.  Draws the frame in place (cursor control) or after
 * the last one, and sends it. */
int
view_frame(const struct frame_info *info)
{
	struct sample s[MAX_ROWS];
	struct pmt_stats st;
	int n = demo.nrows, rows, i, bar_width;

	demo_check(pmt_stats(&st), "pmt_stats");
	sample_rows(info, s, n);
	term_size(&rows, &cols);
	if (cols > LINE_MAX_COLS)
		cols = LINE_MAX_COLS;
	bar_width = cols - 75; /* the rest of a row takes 73 */
	if (bar_width > 40)
		bar_width = 40;
	if (bar_width < 6)
		bar_width = 6;

	/* vsnprintf() may take the C library's locks, and allocate: it runs
	 * with preemption disabled, as pmt_printf(3) says.  The display
	 * thread outranks every other, but that is this program's choice. */
	PMT_NOPREEMPT
	{
		len = 0;
		col = 0;
		lines = 0;
		max_rows = term.cursor ? rows - 1 : 1000;
		if (term.cursor) {
			if (term.redraw || rows != last_rows ||
			    cols != last_cols)
				append("\033[2J", 4);
			append("\033[H", 3);
			term.redraw = 0;
			last_rows = rows;
			last_cols = cols;
		}
		draw_header(info, &st);
		sgr(REVERSE);
		putf("%-9s%6s  %-16s%10s %10s %5s  %-*s", "THREAD", "PRIO",
		    "STATE", "SWITCHES", "PREEMPTED", "CPU", bar_width + 2,
		    "SHARE");
		put(" WORK");
		sgr(NULL);
		end_line();
		for (i = 0; i < n; i++)
			draw_row(&demo.rows[i], &s[i], bar_width);
		draw_waits();
		end_line();
		if (info->end != NULL) {
			put_in(BOLD, "pmt-demo: ");
			put(info->end);
		} else if (info->note != NULL) {
			put_in(BOLD, info->note);
		} else if (term.keys) {
			put("keys: + - tick   b busy thread   i inheritance   "
			    "p preemption   q quit");
		}
		if (col > 0 || term.cursor)
			end_line();
		if (term.cursor)
			append("\033[J", 3); /* the rest of the screen */
		frame[len] = '\0';
	}
	if (pmt_fputs(frame, stdout) < 0 || pmt_fflush(stdout) != 0)
		return -1;
	return 0;
}
