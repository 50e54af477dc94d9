/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * child.c - runs a peer's row in a child process and passes the result
 * back through a pipe.  GNU Pth and State Threads each own process-wide
 * state (a main thread of their own, an idle thread, a signal pipe, the
 * signal mask they restore), and each child gives one of them a process
 * in which neither libpmt nor the other peer has run: libpmt's threads
 * are not touched in the child, its timer is off (and a timer does not
 * survive fork() anyway).  Called on main, with preemption off.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

/* What the child writes: ok, and then the count or the sample, or the
 * reason it failed. */
struct answer {
	int ok;
	long n;
	struct sample s;
	char why[160];
};

static void
child(struct bench *b, long n, int calibrate, int fd)
{
	struct answer a;

	memset(&a, 0, sizeof a);
	if (b->child_init(a.why, sizeof a.why) == 0) {
		a.ok = 1;
		if (calibrate) {
			a.n = calibrate_run(b->run);
		} else {
			/* A short warm-up: the process is new. */
			(void)b->run(n / 10 + 1);
			a.n = n;
			a.s = b->run(n);
		}
	}
	if (write(fd, &a, sizeof a) != (ssize_t)sizeof a)
		_exit(1);
	_exit(0);
}

/* Reads the answer, waiting at most timeout_ms: 0, or -1 when the child
 * closed the pipe first, -2 when the time ran out. */
static int
read_answer(int fd, struct answer *a, int timeout_ms)
{
	struct pollfd p = {fd, POLLIN, 0};
	size_t got = 0;
	ssize_t r;
	int ready;

	while (got < sizeof *a) {
		while ((ready = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR)
			;
		if (ready == 0)
			return -2;
		if (ready < 0)
			return -1;
		r = read(fd, (char *)a + got, sizeof *a - got);
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

int
child_measure(struct bench *b, long *n, int calibrate, struct sample *s)
{
	/* Generous: a calibration takes a few target times. */
	int timeout_ms = (int)(set.target_ns * 40 / 1e6) + 30000, fds[2];
	int status = 0, got;
	struct answer a;
	pid_t pid;

	if (pipe(fds) != 0)
		check_sys(errno, "pipe");
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		check_sys(errno, "fork");
	if (pid == 0) {
		close(fds[0]);
		child(b, *n, calibrate, fds[1]);
	}
	close(fds[1]);
	got = read_answer(fds[0], &a, timeout_ms);
	close(fds[0]);
	if (got != 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			check_sys(errno, "waitpid");
	if (got == 0 && a.ok) {
		if (calibrate)
			*n = a.n;
		else
			*s = a.s;
		return 0;
	}
	if (got == 0)
		snprintf(b->why, sizeof b->why, "%s", a.why);
	else if (got == -2)
		snprintf(b->why, sizeof b->why,
		    "its child gave no answer in %d s", timeout_ms / 1000);
	else if (WIFSIGNALED(status))
		snprintf(b->why, sizeof b->why, "its child died (%s)",
		    strsignal(WTERMSIG(status)));
	else
		snprintf(b->why, sizeof b->why,
		    "its child gave no answer (status %d)",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return -1;
}
