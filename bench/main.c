/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * main.c - pmt-bench: measures libpmt's thread switch, thread creation
 * and synchronisation against glibc's ucontext, POSIX threads, GNU Pth
 * and State Threads (those two when configure found them) in one run;
 * measures what timer preemption costs and how late sleepers wake; and
 * compares the results with libpmt's performance targets.
 *
 * Every row is measured in several rounds.  The rounds interleave the
 * rows, libpmt's and every peer's, in the order of the table and back
 * again in the next round, so that a slow spell of the machine hits all
 * of them alike; each figure is the median over the rounds.  Before the
 * rounds, each row is warmed up and its iteration count calibrated to
 * take about 250 ms (15 ms with --quick).  Times come from
 * clock_gettime(CLOCK_MONOTONIC).  One operation is one switch in one
 * direction (one yield, one hand-over), one create+run+join, or one
 * lock+unlock or post+wait pair.  The rows of GNU Pth and State Threads
 * run each in a child process of its own (bench/child.c).
 *
 * The table goes to standard output; --csv FILE writes every figure as
 * CSV (--csv alone, or --csv -: the CSV on standard output instead of
 * the table), --svg FILE a bar chart of the rows on a log scale.
 * --hazards runs only the measurement behind PMT_PREEMPT_SAFEPC
 * (bench/hazards.c).
 */
#define _GNU_SOURCE

#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pmt.h>

#include "bench.h"

/* The rows of a peer that configure did not find have no run. */
#ifdef HAVE_PTH
#define PTH(x) x
#define PTH_BUILT 1
#else
#define PTH(x) NULL
#define PTH_BUILT 0
#endif
#ifdef HAVE_ST
#define ST(x) x
#define ST_BUILT 1
#else
#define ST(x) NULL
#define ST_BUILT 0
#endif

struct peer peers[NPEER] = {
    [P_LIBPMT] = {"libpmt", NULL, NULL, 1, ""},
    [P_GLIBC] = {"glibc", NULL, NULL, 1, ""},
    [P_PTHREAD] = {"POSIX threads", NULL, NULL, 1, ""},
    [P_PTH] = {"GNU Pth", PTH(version_pth), "libpth-dev", PTH_BUILT, ""},
    [P_ST] = {"State Threads", ST(version_st), "libst-dev", ST_BUILT, ""},
};

const struct group groups[NGROUP] = {
    [G_SWITCH] = {"switch", "switch: one thread hands the CPU to another"},
    [G_CREATE] = {"create", "create+run+join: a thread that returns at once"},
    [G_UNCONTENDED] = {"uncontended",
        "uncontended: a lock+unlock or post+wait pair"},
    [G_HANDOFF] = {"handoff",
        "hand-over through a mutex, semaphore or condition"},
};

/* group, peer, operation, compared with, run, child set-up */
#define ROW(g, p, o, r, fn, init)                                              \
	{                                                                      \
		.group = g, .peer = p, .op = o, .ref = r, .run = fn,           \
		.child_init = init                                             \
	}
struct bench benches[NBENCH] = {
    [B_PMT_YIELD] = ROW(G_SWITCH, P_LIBPMT, "pmt_yield (2 threads)",
        B_PMT_YIELD, run_pmt_yield, NULL),
    [B_PMT_YIELD_MANY] = ROW(G_SWITCH, P_LIBPMT, "pmt_yield (all slots)",
        B_PMT_YIELD, run_pmt_yield_many, NULL),
    [B_PMT_YIELD_TICK] = ROW(G_SWITCH, P_LIBPMT, "pmt_yield (1 ms tick on)",
        B_PMT_YIELD, run_pmt_yield_tick, NULL),
    [B_UC_SWAP] =
        ROW(G_SWITCH, P_GLIBC, "swapcontext", B_PMT_YIELD, run_uc_swap, NULL),
    [B_PT_SWITCH] = ROW(G_SWITCH, P_PTHREAD, "sem ping-pong (1 CPU)",
        B_PMT_YIELD, run_pt_pingpong, NULL),
    [B_PTH_YIELD] = ROW(G_SWITCH, P_PTH, "pth_yield (2 threads)", B_PMT_YIELD,
        PTH(run_pth_yield), PTH(init_pth_child)),
    [B_PTH_UCTX] = ROW(G_SWITCH, P_PTH, "pth_uctx_switch (no scheduler)",
        B_PMT_YIELD, PTH(run_pth_uctx), PTH(init_pth_child)),
    [B_ST_COND] = ROW(G_SWITCH, P_ST, "st_cond hand-over (2 threads)",
        B_PMT_YIELD, ST(run_st_cond), ST(init_st_child)),
    [B_ST_USLEEP] = ROW(G_SWITCH, P_ST, "st_usleep(0) (2 threads)", B_PMT_YIELD,
        ST(run_st_usleep), ST(init_st_child)),
    [B_PMT_SPAWN] = ROW(G_CREATE, P_LIBPMT, "pmt_spawn+pmt_join", B_PMT_SPAWN,
        run_pmt_spawn, NULL),
    [B_UC_CREATE] = ROW(G_CREATE, P_GLIBC, "makecontext+swapcontext",
        B_PMT_SPAWN, run_uc_create, NULL),
    [B_PT_CREATE] = ROW(G_CREATE, P_PTHREAD, "pthread_create+pthread_join",
        B_PMT_SPAWN, run_pt_create, NULL),
    [B_PTH_SPAWN] = ROW(G_CREATE, P_PTH, "pth_spawn+pth_join", B_PMT_SPAWN,
        PTH(run_pth_spawn), PTH(init_pth_child)),
    [B_ST_CREATE] = ROW(G_CREATE, P_ST, "st_thread_create+st_thread_join",
        B_PMT_SPAWN, ST(run_st_create), ST(init_st_child)),
    [B_PMT_MUTEX] = ROW(G_UNCONTENDED, P_LIBPMT, "pmt_mutex lock+unlock",
        B_PMT_MUTEX, run_pmt_mutex, NULL),
    [B_PT_MUTEX] = ROW(G_UNCONTENDED, P_GLIBC, "pthread_mutex lock+unlock",
        B_PMT_MUTEX, run_pt_mutex, NULL),
    [B_PMT_SEM] = ROW(G_UNCONTENDED, P_LIBPMT, "pmt_sem post+wait", B_PMT_SEM,
        run_pmt_sem, NULL),
    [B_PT_SEM] = ROW(G_UNCONTENDED, P_GLIBC, "sem_post+sem_wait", B_PMT_SEM,
        run_pt_sem, NULL),
    [B_PMT_COND_PP] = ROW(G_HANDOFF, P_LIBPMT, "mutex+cond ping-pong",
        B_PMT_COND_PP, run_pmt_cond_pingpong, NULL),
    [B_PMT_SEM_PP] = ROW(G_HANDOFF, P_LIBPMT, "sem ping-pong", B_PMT_COND_PP,
        run_pmt_sem_pingpong, NULL),
    [B_PMT_HANDOFF] = ROW(G_HANDOFF, P_LIBPMT, "mutex hand-over", B_PMT_COND_PP,
        run_pmt_handoff, NULL),
    [B_PMT_WAKE] = ROW(G_HANDOFF, P_LIBPMT, "priority wake-up round trip", -1,
        run_pmt_wakeup, NULL),
    [B_PT_COND_PP] = ROW(G_HANDOFF, P_PTHREAD, "mutex+cond ping-pong (1 CPU)",
        B_PMT_COND_PP, run_pt_cond_pingpong, NULL),
    [B_PTH_COND_PP] = ROW(G_HANDOFF, P_PTH, "mutex+cond ping-pong",
        B_PMT_COND_PP, PTH(run_pth_cond_pingpong), PTH(init_pth_child)),
};

/* Full run and --quick run. */
static const struct settings full = {.rounds = 7,
    .target_ns = 250e6,
    .preempt_ns = 400e6,
    .lat_per_round = 300,
    .wake_per_round = 20000,
    .sleep_per_round = 100,
    .tickless_ns = 500e6};
static const struct settings quick = {.rounds = 3,
    .target_ns = 20e6,
    .preempt_ns = 50e6,
    .lat_per_round = 100,
    .wake_per_round = 5000,
    .sleep_per_round = 30,
    .tickless_ns = 200e6};
struct settings set;

_Alignas(PMT_STACK_PAGE) unsigned char work_stacks[WORK_THREADS][STACK_SIZE];

/* ------------------------------------------------------------ helpers */

double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* A libpmt call failed: say which and why, and give up. */
void
check_pmt(int error, const char *what)
{
	if (error != 0) {
		fprintf(
		    stderr, "pmt-bench: %s: %s\n", what, pmt_strerror(error));
		exit(1);
	}
}

/* A C library call failed with error (an errno value). */
void
check_sys(int error, const char *what)
{
	if (error != 0) {
		fprintf(stderr, "pmt-bench: %s: %s\n", what, strerror(error));
		exit(1);
	}
}

/* qsort() order of doubles. */
int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of v[0..n), n <= MAX_ROUNDS. */
double
median_of(const double *v, int n)
{
	double w[MAX_ROUNDS];

	memcpy(w, v, (size_t)n * sizeof w[0]);
	qsort(w, (size_t)n, sizeof w[0], cmp_double);
	return n % 2 ? w[n / 2] : (w[n / 2 - 1] + w[n / 2]) / 2;
}

/* The value below which a fraction q of the sorted v[0..n) lies. */
static double
percentile(const double *v, long n, double q)
{
	return v[(long)(q * (double)(n - 1) + 0.5)];
}

void
percentiles_of(double *v, long n, struct percentiles *p)
{
	memset(p, 0, sizeof *p);
	p->count = n;
	if (n == 0)
		return;
	qsort(v, (size_t)n, sizeof v[0], cmp_double);
	p->min = v[0];
	p->p50 = percentile(v, n, 0.50);
	p->p90 = percentile(v, n, 0.90);
	p->p99 = percentile(v, n, 0.99);
	p->max = v[n - 1];
}

/* ------------------------------------------------------------ driver */

long calibrate_run(struct sample (*run)(long n))
{
	struct sample s;
	double n = 16;

	for (;;) {
		s = run((long)n);
		if (s.ns >= set.target_ns / 20 || n >= 1e9) {
			/* Once more: a run the kernel took the CPU from
			 * would set too small a count. */
			s.ns = fmin(s.ns, run((long)n).ns);
			break;
		}
		n *= 4;
	}
	n = n * set.target_ns / (s.ns > 1 ? s.ns : 1);
	return n < 1 ? 1 : (long)n;
}

/* A peer's row that failed says so on standard error at once. */
static void
failed(struct bench *b)
{
	b->measured = 0;
	fprintf(stderr, "pmt-bench: %s %s: not measured: %s\n",
	    peers[b->peer].name, b->op, b->why);
}

static void
calibrate(struct bench *b)
{
	if (b->child_init != NULL) {
		if (child_measure(b, &b->iterations, 1, NULL) != 0)
			failed(b);
		return;
	}
	b->iterations = calibrate_run(b->run);
	/* One warm-up run at the final size. */
	(void)b->run(b->iterations);
}

static void
measure(struct bench *b, int r)
{
	struct sample s;

	if (!b->measured)
		return;
	if (b->child_init != NULL) {
		if (child_measure(b, &b->iterations, 0, &s) != 0) {
			failed(b);
			return;
		}
	} else {
		s = b->run(b->iterations);
	}
	b->per_op[r] = s.ns / s.ops;
}

static void
summarise(struct bench *b)
{
	double v[MAX_ROUNDS];

	if (!b->measured)
		return;
	memcpy(v, b->per_op, sizeof v);
	qsort(v, (size_t)set.rounds, sizeof v[0], cmp_double);
	b->min = v[0];
	b->max = v[set.rounds - 1];
	b->median = median_of(b->per_op, set.rounds);
}

/* Why a peer that is not linked in was left out. */
static void
peers_missing(void)
{
	int p;

	for (p = 0; p < NPEER; p++) {
		if (peers[p].built)
			continue;
		snprintf(peers[p].why, sizeof peers[p].why,
		    "configure found no %s; install it and re-run configure",
		    peers[p].package);
	}
#ifdef PMT_BENCH_WITHOUT_PTH
	snprintf(peers[P_PTH].why, sizeof peers[P_PTH].why,
	    "configure ran with --without-pth");
#endif
#ifdef PMT_BENCH_WITHOUT_ST
	snprintf(peers[P_ST].why, sizeof peers[P_ST].why,
	    "configure ran with --without-st");
#endif
}

static void
usage(void)
{
	fprintf(stderr, "usage: pmt-bench [--quick] [--rounds N] [--time MS] "
	                "[--csv [FILE]]\n"
	                "                 [--svg FILE] [--note TEXT]\n"
	                "       pmt-bench --hazards\n");
	exit(2);
}

/* A count from an option: at least 1, at most max. */
static long
number(const char *arg, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < 1 || v > max)
		usage();
	return v;
}

/* Takes the settings of --quick or a full run, a number of rounds, and a
 * time per row, which scales the rest in proportion. */
static void
settings(int is_quick, long nrounds, long ms)
{
	double f;

	set = is_quick ? quick : full;
	if (nrounds > 0)
		set.rounds = (int)nrounds;
	if (ms <= 0)
		return;
	f = (double)ms * 1e6 / set.target_ns;
	set.target_ns = (double)ms * 1e6;
#define SCALE(field, least)                                                    \
	set.field = set.field * f < (least) ? (least) : set.field * f
	SCALE(preempt_ns, 5e6);
	SCALE(lat_per_round, 10);
	SCALE(wake_per_round, 100);
	SCALE(sleep_per_round, 5);
	SCALE(tickless_ns, 20e6);
#undef SCALE
}

int
main(int argc, char **argv)
{
	const char *csv = NULL, *svg = NULL;
	int is_quick = 0, hz = 0, i, r, k;
	long nrounds = 0, ms = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0) {
			is_quick = 1;
		} else if (strcmp(argv[i], "--hazards") == 0) {
			hz = 1;
		} else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
			nrounds = number(argv[++i], MAX_ROUNDS);
		} else if (strcmp(argv[i], "--time") == 0 && i + 1 < argc) {
			ms = number(argv[++i], 100000);
		} else if (strcmp(argv[i], "--csv") == 0) {
			/* An argument that is not an option is the file. */
			if (i + 1 < argc && argv[i + 1][0] != '-')
				csv = argv[++i];
			else
				csv = "-";
		} else if (strncmp(argv[i], "--csv=", 6) == 0) {
			csv = argv[i] + 6;
		} else if (strcmp(argv[i], "--svg") == 0 && i + 1 < argc) {
			svg = argv[++i];
		} else if (strcmp(argv[i], "--note") == 0 && i + 1 < argc) {
			machine.note = argv[++i];
		} else {
			usage();
		}
	}
	/* Before pmt_init(): its children call it themselves. */
	if (hz)
		return hazards();
	settings(is_quick, nrounds, ms);
	machine_probe();
	machine_load(0);
	peers_missing();

	check_pmt(pmt_init(), "pmt_init");
	libpmt_setup();
	preempt_setup();
	sleep_setup();
	pthread_setup();

	for (k = 0; k < NBENCH; k++) {
		benches[k].measured = benches[k].run != NULL;
		if (benches[k].measured)
			calibrate(&benches[k]);
	}
	busy_calibrate();
	for (r = 0; r < set.rounds; r++) {
		for (k = 0; k < NBENCH; k++)
			measure(&benches[r % 2 ? NBENCH - 1 - k : k], r);
		busy_round(r);
		lat_round();
		bare_lat_round();
		wake_round();
		sleep_round(r);
	}
	tickless();
	machine_load(1);
	for (k = 0; k < NBENCH; k++)
		summarise(&benches[k]);
	preempt_summarise();
	wake_summarise();
	sleep_summarise();

	if (csv == NULL || strcmp(csv, "-") != 0) {
		print_header();
		print_table();
		print_details();
		print_targets();
	}
	if (csv != NULL && write_csv(csv) != 0) {
		fprintf(stderr, "pmt-bench: %s: %s\n", csv, strerror(errno));
		return 1;
	}
	if (svg != NULL && write_svg(svg) != 0) {
		fprintf(stderr, "pmt-bench: %s: %s\n", svg, strerror(errno));
		return 1;
	}
	return 0;
}
