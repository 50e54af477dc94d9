/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * ptyrun.c - runs a program on a pseudo-terminal, as a person at a
 * terminal would: types keys at the times it is told, sends signals,
 * copies everything the program writes to standard output, and says
 * whether the terminal's settings after the program are those it had
 * before.  tests/demo.test drives pmt-demo with it.
 *
 * Usage: ptyrun [-g ROWSxCOLS] [-T SECONDS] [ACTION...] -- PROGRAM [ARG...]
 *
 * The actions, in order:
 *   -w MSEC     wait, copying the output
 *   -k KEYS     type KEYS
 *   -s SIGNAL   send SIGNAL (a number, or TERM, INT, HUP, TSTP, CONT,
 *               KILL) to the program
 * then wait for the program to end, at most -T seconds (default 10) from
 * the start, and kill it after that.
 *
 * On standard error, one line per key typed, saying whether the terminal
 * was in canonical mode and echoed then, the program's end, and
 * "ptyrun: settings as before" or "ptyrun: settings changed".  Exit
 * status: the program's, 128 + N when signal N ended it, 124 when it was
 * killed at the time limit, 77 when this system gives no pseudo-terminal,
 * 99 on any other error.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define MAX_ACTIONS 64

struct action {
	char what; /* 'w', 'k' or 's' */
	const char *arg;
};

static int master = -1;
static pid_t child;
static int child_done, child_status;
static long start_ms;

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
fail(const char *what)
{
	fprintf(stderr, "ptyrun: %s: %s\n", what, strerror(errno));
	if (child > 0 && !child_done)
		kill(child, SIGKILL);
	exit(99);
}

static int
signal_number(const char *s)
{
	static const struct {
		const char *name;
		int sig;
	} names[] = {{"TERM", SIGTERM}, {"INT", SIGINT}, {"HUP", SIGHUP},
	    {"TSTP", SIGTSTP}, {"CONT", SIGCONT}, {"KILL", SIGKILL},
	    {"QUIT", SIGQUIT}};
	size_t i;
	char *end;
	long n = strtol(s, &end, 10);

	if (end != s && *end == '\0' && n > 0 && n < 65)
		return (int)n;
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i].name) == 0)
			return names[i].sig;
	fprintf(stderr, "ptyrun: %s: unknown signal\n", s);
	exit(99);
}

/* Copies what the program writes until the time until (ms), or, once it
 * has ended, until it has written nothing for 100 ms. */
static void
pump(long until)
{
	char buf[4096];
	struct pollfd p;
	long left, quiet_since = -1;
	ssize_t n;
	int r;

	for (;;) {
		if (!child_done &&
		    waitpid(child, &child_status, WNOHANG) == child)
			child_done = 1;
		left = until - now_ms();
		if (child_done) {
			if (quiet_since < 0)
				quiet_since = now_ms();
			if (now_ms() - quiet_since >= 100)
				return;
			left = 20;
		} else if (left <= 0) {
			return;
		} else if (left > 20) {
			left = 20;
		}
		p.fd = master;
		p.events = POLLIN;
		r = poll(&p, 1, (int)left);
		if (r < 0 && errno != EINTR)
			fail("poll");
		if (r <= 0 || (p.revents & POLLIN) == 0)
			continue;
		n = read(master, buf, sizeof buf);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return; /* EIO: nobody has the terminal open */
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			fail("standard output");
		quiet_since = -1;
	}
}

static void
type_keys(int slave, const char *keys)
{
	struct termios t;
	size_t n = strlen(keys);

	if (tcgetattr(slave, &t) != 0)
		fail("tcgetattr");
	fprintf(stderr,
	    "ptyrun: +%ld ms: typing \"%s\" (canonical %s, echo %s)\n",
	    now_ms() - start_ms, keys, (t.c_lflag & ICANON) ? "on" : "off",
	    (t.c_lflag & ECHO) ? "on" : "off");
	if (write(master, keys, n) != (ssize_t)n)
		fail("write");
}

static int
same_settings(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag &&
	       a->c_cflag == b->c_cflag && a->c_lflag == b->c_lflag &&
	       memcmp(a->c_cc, b->c_cc, sizeof a->c_cc) == 0 &&
	       cfgetispeed(a) == cfgetispeed(b) &&
	       cfgetospeed(a) == cfgetospeed(b);
}

static void
usage(void)
{
	fprintf(stderr, "usage: ptyrun [-g ROWSxCOLS] [-T SECONDS] "
	                "[-w MSEC | -k KEYS | -s SIGNAL]... -- PROGRAM "
	                "[ARG...]\n");
	exit(99);
}

int
main(int argc, char **argv)
{
	struct action actions[MAX_ACTIONS];
	struct termios before, after;
	struct winsize ws = {30, 100, 0, 0};
	int nactions = 0, i, slave, status;
	long limit_ms = 10000;
	char *name;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i += 2) {
		if (i + 1 >= argc || argv[i][0] != '-' || argv[i][1] == '\0' ||
		    argv[i][2] != '\0')
			usage();
		switch (argv[i][1]) {
		case 'g':
			if (sscanf(argv[i + 1], "%hux%hu", &ws.ws_row,
			        &ws.ws_col) != 2)
				usage();
			break;
		case 'T':
			limit_ms = atol(argv[i + 1]) * 1000;
			break;
		case 'w':
		case 'k':
		case 's':
			if (nactions == MAX_ACTIONS)
				usage();
			actions[nactions].what = argv[i][1];
			actions[nactions].arg = argv[i + 1];
			if (argv[i][1] == 's')
				signal_number(argv[i + 1]);
			nactions++;
			break;
		default:
			usage();
		}
	}
	if (i + 1 >= argc)
		usage();
	argv += i + 1;

	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0 ||
	    (name = ptsname(master)) == NULL) {
		fprintf(
		    stderr, "SKIP: no pseudo-terminal: %s\n", strerror(errno));
		return 77;
	}
	/* Kept open here, so that the settings outlive the program. */
	slave = open(name, O_RDWR | O_NOCTTY);
	if (slave < 0)
		fail(name);
	if (ioctl(slave, TIOCSWINSZ, &ws) != 0)
		fail("TIOCSWINSZ");
	if (tcgetattr(slave, &before) != 0)
		fail("tcgetattr");
	fflush(stdout);

	start_ms = now_ms();
	child = fork();
	if (child < 0)
		fail("fork");
	if (child == 0) {
		/* A session of its own, the terminal its controlling one. */
		if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) != 0 ||
		    dup2(slave, 0) < 0 || dup2(slave, 1) < 0 ||
		    dup2(slave, 2) < 0)
			_exit(126);
		close(master);
		if (slave > 2)
			close(slave);
		execvp(argv[0], argv);
		_exit(127);
	}

	for (i = 0; i < nactions && !child_done; i++) {
		switch (actions[i].what) {
		case 'w':
			pump(now_ms() + atol(actions[i].arg));
			break;
		case 'k':
			type_keys(slave, actions[i].arg);
			break;
		case 's':
			fprintf(stderr, "ptyrun: +%ld ms: signal %s\n",
			    now_ms() - start_ms, actions[i].arg);
			kill(child, signal_number(actions[i].arg));
			break;
		}
	}
	while (!child_done && now_ms() < start_ms + limit_ms)
		pump(start_ms + limit_ms);
	if (!child_done) {
		fprintf(stderr, "ptyrun: still running after %ld s: killed\n",
		    limit_ms / 1000);
		kill(child, SIGKILL);
		waitpid(child, &child_status, 0);
		child_done = 1;
		pump(now_ms());
		status = 124;
	} else if (WIFEXITED(child_status)) {
		status = WEXITSTATUS(child_status);
		fprintf(stderr, "ptyrun: exit status %d\n", status);
	} else {
		status = 128 + WTERMSIG(child_status);
		fprintf(stderr, "ptyrun: killed by signal %d\n",
		    WTERMSIG(child_status));
	}
	fflush(stdout);

	if (tcgetattr(slave, &after) != 0)
		fail("tcgetattr");
	if (same_settings(&before, &after))
		fprintf(stderr, "ptyrun: settings as before\n");
	else
		fprintf(stderr,
		    "ptyrun: settings changed: lflag %#lx, was %#lx; iflag "
		    "%#lx, was %#lx\n",
		    (unsigned long)after.c_lflag, (unsigned long)before.c_lflag,
		    (unsigned long)after.c_iflag,
		    (unsigned long)before.c_iflag);
	return status;
}
