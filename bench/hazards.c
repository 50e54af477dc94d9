/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * hazards.c - pmt-bench --hazards: what the C library suffers when the
 * tick preempts its calls, without PMT_PREEMPT_SAFEPC and the pmt_
 * wrappers, and with them.  Called on main before pmt_init().
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pmt.h>

#include "bench.h"

/* Threads, tick, and how long each case runs. */
#define HZ_THREADS WORK_THREADS
#define HZ_USEC 100
#define HZ_PRINT_NS 1e9
#define HZ_ALLOC_NS 3e9
#define HZ_SLOTS 32
#define HZ_RUNS 3

/*
 * --hazards: what PMT_PREEMPT_SAFEPC is for.  glibc's stdio and malloc
 * locks belong to the kernel thread (and a process without a second
 * pthread skips them altogether), so they do not keep libpmt threads
 * apart: a tick inside fprintf() or malloc() lets another thread into the
 * same stream or heap.  Each case runs in a child process that may well
 * crash: HZ_THREADS threads at an HZ_USEC tick write fixed-format lines
 * to one temporary file for HZ_PRINT_NS (the parent then counts the lines
 * that are not intact), or malloc and free random sizes for HZ_ALLOC_NS;
 * with flags 0, with PMT_PREEMPT_SAFEPC, and with the wrappers
 * (pmt_fprintf, pmt_malloc, pmt_free) and flags 0.  The parent must not
 * call pmt_init(): each child does, after fork().
 */
enum { HZ_PRINT, HZ_ALLOC };
enum { HZ_PLAIN, HZ_SAFEPC, HZ_WRAPPED, HZ_NMODES };

/* What a child reports, in memory it shares with the parent, so that the
 * progress counts survive the child's death. */
struct hz_shared {
	volatile long progress[HZ_THREADS]; /* lines written, allocations */
	volatile int finished;              /* the child got to the end */
	struct pmt_stats st;                /* then: its counters */
};

static struct hz_shared *hz;
static int hz_mode;
static FILE *hz_stream;
static double hz_end;

#define HZ_TEXT "the quick brown fox jumps over the lazy dog"
#define HZ_FORMAT "t%d %09ld " HZ_TEXT "\n"

static void *
hz_print(void *arg)
{
	int me = (int)(uintptr_t)arg;
	long i;

	for (i = 0; (i & 63) != 0 || now_ns() < hz_end; i++) {
		if (hz_mode == HZ_WRAPPED)
			pmt_fprintf(hz_stream, HZ_FORMAT, me, i);
		else
			fprintf(hz_stream, HZ_FORMAT, me, i);
		hz->progress[me] = i + 1;
	}
	return NULL;
}

static void *
hz_alloc(void *arg)
{
	int me = (int)(uintptr_t)arg, k;
	uint64_t x = 0x9e3779b97f4a7c15u * (uint64_t)(me + 1);
	void *slot[HZ_SLOTS] = {NULL};
	size_t size;
	long i;

	for (i = 0; (i & 63) != 0 || now_ns() < hz_end; i++) {
		x ^= x << 13; /* xorshift64 */
		x ^= x >> 7;
		x ^= x << 17;
		k = (int)(x % HZ_SLOTS);
		/* Mostly small blocks, one in four up to 16 KiB. */
		size = 1 + (size_t)(x >> 32) % ((x & 0x300) ? 256 : 16384);
		if (hz_mode == HZ_WRAPPED) {
			pmt_free(slot[k]);
			slot[k] = pmt_malloc(size);
		} else {
			free(slot[k]);
			slot[k] = malloc(size);
		}
		if (slot[k] != NULL)
			memset(slot[k], me, size);
		hz->progress[me] = i + 1;
	}
	for (k = 0; k < HZ_SLOTS; k++)
		if (hz_mode == HZ_WRAPPED)
			pmt_free(slot[k]);
		else
			free(slot[k]);
	return NULL;
}

/* The child: never returns. */
static void
hz_child(int test)
{
	pmt_t tids[HZ_THREADS];
	unsigned flags = hz_mode == HZ_SAFEPC ? PMT_PREEMPT_SAFEPC : 0;
	int k;

	check_pmt(pmt_init(), "pmt_init");
	preempt_start(HZ_USEC, flags);
	hz_end = now_ns() + (test == HZ_PRINT ? HZ_PRINT_NS : HZ_ALLOC_NS);
	for (k = 0; k < HZ_THREADS; k++)
		check_pmt(
		    pmt_spawn(&tids[k], test == HZ_PRINT ? hz_print : hz_alloc,
		        (void *)(uintptr_t)k, work_stacks[k],
		        sizeof work_stacks[k], WORKER_PRIO),
		    "pmt_spawn");
	for (k = 0; k < HZ_THREADS; k++)
		check_pmt(pmt_join(tids[k], NULL), "pmt_join");
	preempt_stop();
	if (test == HZ_PRINT && fclose(hz_stream) != 0) {
		perror("pmt-bench: fclose");
		_exit(1);
	}
	check_pmt(pmt_stats(&hz->st), "pmt_stats");
	hz->finished = 1;
	_exit(0);
}

/* Sorts the lines of the file at fd: *good get the intact lines (each
 * line written counted once), *dups intact lines seen before, *bad the
 * rest: spliced, torn, or never written. */
static void
hz_count_lines(int fd, long *good, long *dups, long *bad)
{
	unsigned char *seen[HZ_THREADS];
	char *line = NULL, want[128];
	size_t cap = 0;
	long num;
	int id, k;
	FILE *f;

	*good = *dups = *bad = 0;
	for (k = 0; k < HZ_THREADS; k++)
		if ((seen[k] = calloc((size_t)hz->progress[k] / 8 + 1, 1)) ==
		    NULL)
			check_sys(ENOMEM, "calloc");
	lseek(fd, 0, SEEK_SET);
	f = fdopen(dup(fd), "r");
	if (f == NULL)
		check_sys(errno, "fdopen");
	while (getline(&line, &cap, f) > 0) {
		if (sscanf(line, "t%d %ld", &id, &num) == 2 && id >= 0 &&
		    id < HZ_THREADS && num >= 0 && num < hz->progress[id]) {
			snprintf(want, sizeof want, HZ_FORMAT, id, num);
			if (strcmp(line, want) == 0) {
				unsigned char bit =
				    (unsigned char)(1u << num % 8);

				if (seen[id][num / 8] & bit) {
					(*dups)++;
				} else {
					seen[id][num / 8] |= bit;
					(*good)++;
				}
				continue;
			}
		}
		(*bad)++;
	}
	free(line);
	fclose(f);
	for (k = 0; k < HZ_THREADS; k++)
		free(seen[k]);
}

/* What the kernel says process pid is doing: its state and, when it
 * sleeps, where. */
static void
hz_state(pid_t pid, char *buf, size_t size)
{
	char path[64], stat[512], wchan[64] = "";
	const char *p;
	ssize_t n;
	int fd;

	snprintf(buf, size, "state unknown");
	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY)) < 0)
		return;
	n = read(fd, stat, sizeof stat - 1);
	close(fd);
	stat[n > 0 ? n : 0] = '\0';
	/* The state follows the command's closing parenthesis. */
	if ((p = strrchr(stat, ')')) == NULL || p[1] == '\0')
		return;
	snprintf(path, sizeof path, "/proc/%ld/wchan", (long)pid);
	if ((fd = open(path, O_RDONLY)) >= 0) {
		n = read(fd, wchan, sizeof wchan - 1);
		close(fd);
		wchan[n > 0 ? n : 0] = '\0';
	}
	snprintf(buf, size, "state %c%s%s", p[2],
	    *wchan != '\0' && strcmp(wchan, "0") != 0 ? " in " : "",
	    strcmp(wchan, "0") != 0 ? wchan : "");
}

/* A temporary file, unlinked at once: its descriptor. */
static int
hz_tmpfile(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	snprintf(path, sizeof path, "%s/pmt-bench-XXXXXX",
	    dir != NULL && *dir != '\0' ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		check_sys(errno, "mkstemp");
	unlink(path);
	return fd;
}

static const char *const hz_calls[2][HZ_NMODES] = {
    {"fprintf", "fprintf", "pmt_fprintf"},
    {"malloc/free", "malloc/free", "pmt_malloc/pmt_free"},
};
static const char *const hz_flags[HZ_NMODES] = {"0", "SAFEPC", "0"};

/* Runs one case in a child and prints its row. */
static void
hz_case(int test)
{
	double limit = (test == HZ_PRINT ? HZ_PRINT_NS : HZ_ALLOC_NS) + 10e9;
	long total = 0, lo = -1, hi = 0, now_total, last_total = -1;
	long good, dups, bad;
	int out = -1, err = hz_tmpfile(), status = 0, hung = 0, k;
	char msg[160] = "", outcome[256], state[64] = "";
	double t0, t_progress, secs;
	ssize_t len;
	pid_t pid;

	if (test == HZ_PRINT)
		out = hz_tmpfile();
	memset(hz, 0, sizeof *hz);
	fflush(stdout);
	fflush(stderr);
	t0 = t_progress = now_ns();
	pid = fork();
	if (pid < 0)
		check_sys(errno, "fork");
	if (pid == 0) {
		dup2(err, STDERR_FILENO);
		if (test == HZ_PRINT && (hz_stream = fdopen(out, "w")) == NULL)
			_exit(1);
		hz_child(test);
	}
	/* A child whose threads all stopped making progress for 2 s is
	 * stuck (in a stdio or malloc loop gone round, say): kill it. */
	while (waitpid(pid, &status, WNOHANG) == 0) {
		for (now_total = 0, k = 0; k < HZ_THREADS; k++)
			now_total += hz->progress[k];
		if (now_total != last_total) {
			last_total = now_total;
			t_progress = now_ns();
		}
		if (!hung &&
		    (now_ns() - t_progress > 2e9 || now_ns() - t0 > limit)) {
			hz_state(pid, state, sizeof state);
			kill(pid, SIGKILL);
			hung = 1;
		}
		usleep(10000);
	}
	secs = (now_ns() - t0) / 1e9;

	for (k = 0; k < HZ_THREADS; k++) {
		total += hz->progress[k];
		if (lo < 0 || hz->progress[k] < lo)
			lo = hz->progress[k];
		if (hz->progress[k] > hi)
			hi = hz->progress[k];
	}
	/* The first line the child wrote to stderr (glibc's abort message,
	 * say). */
	len = pread(err, msg, sizeof msg - 1, 0);
	msg[len > 0 ? len : 0] = '\0';
	msg[strcspn(msg, "\n")] = '\0';
	close(err);

	if (hung)
		snprintf(outcome, sizeof outcome,
		    "hung (%s), killed after %.1f s", state, secs);
	else if (WIFSIGNALED(status))
		snprintf(outcome, sizeof outcome, "died (%s) after %.2f s",
		    strsignal(WTERMSIG(status)), secs);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	         !hz->finished)
		snprintf(outcome, sizeof outcome, "failed (status %d)",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	else
		snprintf(outcome, sizeof outcome, "survived");
	if (test == HZ_PRINT) {
		hz_count_lines(out, &good, &dups, &bad);
		close(out);
		snprintf(outcome + strlen(outcome),
		    sizeof outcome - strlen(outcome),
		    ": %ld corrupt, %ld duplicated, %ld lost lines", bad, dups,
		    total - good);
	}
	printf("%-19s %-6s %10ld %9ld %9ld", hz_calls[test][hz_mode],
	    hz_flags[hz_mode], total, lo, hi);
	if (hz->finished)
		printf(" %6llu %8llu", (unsigned long long)hz->st.ticks,
		    (unsigned long long)hz->st.preemptions);
	else
		printf(" %6s %8s", "-", "-");
	printf("  %s\n", outcome);
	if (*msg != '\0')
		printf("    stderr: %.150s\n", msg);
}

int
hazards(void)
{
	int test, run;

	hz = mmap(NULL, sizeof *hz, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (hz == MAP_FAILED)
		check_sys(errno, "mmap");
	printf("PMT_PREEMPT_SAFEPC hazards: %d threads at a %d us tick, each "
	       "case in a child\nprocess: fprintf of fixed lines to one file "
	       "for %.0f s, malloc/free of random\nsizes for %.0f s; "
	       "%d runs each (progress: lines or allocations, total and\n"
	       "per thread)\n\n",
	    HZ_THREADS, HZ_USEC, HZ_PRINT_NS / 1e9, HZ_ALLOC_NS / 1e9, HZ_RUNS);
	printf("%-19s %-6s %10s %9s %9s %6s %8s  %s\n", "calls", "flags",
	    "progress", "min", "max", "ticks", "preempts", "outcome");
	for (test = HZ_PRINT; test <= HZ_ALLOC; test++)
		for (hz_mode = 0; hz_mode < HZ_NMODES; hz_mode++)
			for (run = 0; run < HZ_RUNS; run++)
				hz_case(test);
	munmap(hz, sizeof *hz);
	return 0;
}
