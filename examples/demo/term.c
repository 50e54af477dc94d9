/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * term.c - pmt-demo's terminal: whether to draw with colour and cursor
 * control, single keys in raw mode, and the terminal put back as it was
 * on every way out of the program: a normal end, exit() on an error, and
 * the signals that end or stop it.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "demo.h"

struct term term;

/* Sent when drawing starts: hide the cursor (the first frame clears the
 * screen). */
#define SEQ_START "\033[?25l"
/* Sent on the way out, last: attributes off, cursor shown. */
#define SEQ_RESTORE "\033[0m\033[?25h"

static struct termios saved; /* standard input's settings before */
/* What term_restore() must undo; signal handlers read them. */
static volatile sig_atomic_t raw, hidden;
static int keys_open = 1; /* standard input has not ended */

/* Signals whose default action ends the program: their handler puts the
 * terminal back and raises them again. */
static const int fatal_signals[] = {
    SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE, SIGABRT};

/* Any context: async-signal-safe. */
static void
write_all(const char *s, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(STDOUT_FILENO, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* Any context: async-signal-safe.  Raw mode and the hidden cursor. */
static void
enter(void)
{
	struct termios t;

	if (term.keys) {
		t = saved;
		t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		t.c_cc[VMIN] = 0;
		t.c_cc[VTIME] = 0;
		/* Set first: a signal between the two still restores. */
		raw = 1;
		tcsetattr(STDIN_FILENO, TCSANOW, &t);
	}
	if (term.cursor) {
		hidden = 1;
		write_all(SEQ_START, sizeof SEQ_START - 1);
	}
}

/* Any context, signal handlers included: async-signal-safe, and a second
 * call does nothing. */
void
term_restore(void)
{
	int saved_errno = errno;

	/* The settings first: the write may raise SIGPIPE. */
	if (raw) {
		raw = 0;
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	}
	if (hidden) {
		hidden = 0;
		write_all(SEQ_RESTORE, sizeof SEQ_RESTORE - 1);
	}
	errno = saved_errno;
}

/* At exit(), from any path: what standard output holds goes out before
 * the sequences that end it.  Not from a signal handler. */
static void
restore_at_exit(void)
{
	fflush(stdout);
	term_restore();
}

static void
install(int sig, void (*handler)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = flags;
	sigaction(sig, &sa, NULL);
}

/* Signal handler.  SA_RESETHAND made the action the default again, and
 * SA_NODEFER left the signal unblocked: raise() ends the program at once,
 * with the status the signal gives. */
static void
on_fatal(int sig)
{
	term_restore();
	raise(sig);
}

/* Signal handler for ^Z: the terminal as it was while stopped, raw again
 * when continued, and the screen drawn anew. */
static void
on_stop(int sig)
{
	int saved_errno = errno;

	term_restore();
	install(sig, SIG_DFL, 0);
	raise(sig); /* stops here (SA_NODEFER: not blocked) */
	install(sig, on_stop, SA_NODEFER | SA_RESTART);
	enter();
	term.redraw = 1;
	errno = saved_errno;
}

/* Display thread, before term_start(). */
void
term_init(int plain)
{
	const char *t = getenv("TERM"), *no_colour = getenv("NO_COLOR");

	term.keys = isatty(STDIN_FILENO);
	term.cursor = !plain && isatty(STDOUT_FILENO) && t != NULL &&
	              *t != '\0' && strcmp(t, "dumb") != 0;
	/* https://no-color.org: set and not empty means no colour. */
	term.colour = term.cursor && (no_colour == NULL || *no_colour == '\0');
}

/*
 * Display thread.  The handlers come first, so that no signal finds the
 * terminal changed and nothing to put it back; then raw mode, if standard
 * input is a terminal, and the cursor hidden, if standard output takes
 * cursor control.
 */
void
term_start(void)
{
	size_t i;

	for (i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++)
		install(fatal_signals[i], on_fatal, SA_RESETHAND | SA_NODEFER);
	if (term.keys && tcgetattr(STDIN_FILENO, &saved) != 0)
		term.keys = 0;
	if (term.keys)
		install(SIGTSTP, on_stop, SA_NODEFER | SA_RESTART);
	atexit(restore_at_exit);
	enter();
}

/*
 * Display thread.  The next key, or -1 when none is waiting: never
 * blocks, as a read that blocked would stop every libpmt thread, the
 * kernel thread they share being asleep in it.  In raw mode a key comes
 * as it is typed; from a pipe or a file, the bytes in turn until the end.
 */
int
term_key(void)
{
	struct pollfd p = {STDIN_FILENO, POLLIN, 0};
	unsigned char c;
	ssize_t n;

	if (!keys_open || poll(&p, 1, 0) <= 0)
		return -1;
	if ((p.revents & (POLLIN | POLLHUP)) == 0) {
		keys_open = 0; /* POLLNVAL or POLLERR: no input at all */
		return -1;
	}
	n = read(STDIN_FILENO, &c, 1);
	if (n == 1)
		return c;
	if (n == 0 || (errno != EINTR && errno != EAGAIN))
		keys_open = 0;
	return -1;
}

/* Display thread.  The size of the terminal on standard output, or 24
 * lines of 80 columns when it has none. */
void
term_size(int *rows, int *cols)
{
	struct winsize ws;

	*rows = 24;
	*cols = 80;
	if (term.cursor && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_row > 0 && ws.ws_col > 0) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
}
