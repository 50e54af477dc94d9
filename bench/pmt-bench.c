/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * pmt-bench.c - measures libpmt's thread switch and thread creation
 * against glibc ucontext and POSIX threads in one run, and compares the
 * results with libpmt's performance targets.
 *
 * Every measurement is repeated in several rounds; the rounds interleave
 * the measurements, so a slow spell of the machine hits all of them alike,
 * and each result is the median over the rounds.  Before the rounds, each
 * measurement is warmed up and its iteration count calibrated to take
 * about 250 ms (20 ms with --quick).  Times come from
 * clock_gettime(CLOCK_MONOTONIC).  One operation is one switch in one
 * direction, or one create+run+join.  --csv prints the summary table as
 * CSV instead of the full report.
 *
 * Usage: pmt-bench [--quick] [--csv]
 */
#define _GNU_SOURCE

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include <pmt.h>

/* Full run and --quick run: rounds, and time per measurement per round. */
#define ROUNDS_FULL 7
#define ROUNDS_QUICK 3
#define TARGET_NS_FULL 250e6
#define TARGET_NS_QUICK 20e6
#define MAX_ROUNDS ROUNDS_FULL

/* Stacks for the 2-thread and create benchmarks, libpmt and ucontext. */
#define STACK_SIZE (64 * 1024)
PMT_STACK_DEFINE(pmt_stack, STACK_SIZE);
PMT_STACK_DEFINE(uc_stack, STACK_SIZE);

/* The targets libpmt is measured against (ns per operation, ratios). */
#define TARGET_YIELD_NS 15.0
#define TARGET_YIELD_VS_UCONTEXT 20.0
#define TARGET_SPAWN_NS 60.0
#define TARGET_FLAT_RATIO 1.5

/* What one run of a measurement did: elapsed time and operations. */
struct sample {
	double ns;
	double ops;
};

struct bench {
	const char *name; /* the operation, as the details list names it */
	struct sample (*run)(long n);
	long iterations;           /* calibrated n */
	double per_op[MAX_ROUNDS]; /* ns per operation, one per round */
	double median, min, max;
};

static int rounds = ROUNDS_FULL;
static double target_ns = TARGET_NS_FULL;
static int pin_cpu = -1; /* CPU the pthreads run on, -1 if not pinned */

/* ------------------------------------------------------------ helpers */

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* A libpmt call failed: say which and why, and give up. */
static void
pmt_check(int error, const char *what)
{
	if (error != 0) {
		fprintf(
		    stderr, "pmt-bench: %s: %s\n", what, pmt_strerror(error));
		exit(1);
	}
}

/* A C library or pthread call failed with error (an errno value). */
static void
sys_check(int error, const char *what)
{
	if (error != 0) {
		fprintf(stderr, "pmt-bench: %s: %s\n", what, strerror(error));
		exit(1);
	}
}

static uint64_t
pmt_switches(void)
{
	struct pmt_stats st;

	pmt_check(pmt_stats(&st), "pmt_stats");
	return st.switches;
}

/* ------------------------------------------------------------ libpmt */

/* Tells the partners of the yield benchmarks to finish. */
static volatile int stop;

static void *
yield_partner(void *arg)
{
	while (!stop)
		pmt_check(pmt_yield(), "pmt_yield");
	return arg;
}

/*
 * main yields n times to nthreads partners of its own priority; every
 * yield passes through all of them before main runs again.  The switch
 * count comes from pmt_stats(), so it is exact.
 */
static struct sample
pmt_ring(long n, pmt_t *tids, unsigned char *stacks, size_t size, int nthreads)
{
	struct sample s;
	uint64_t sw0;
	double t0;
	long i;
	int k;

	stop = 0;
	for (k = 0; k < nthreads; k++)
		pmt_check(
		    pmt_spawn(&tids[k], yield_partner, NULL,
		        stacks + (size_t)k * size, size, PMT_PRIO_DEFAULT),
		    "pmt_spawn");
	/* Let every partner start, outside the timed part. */
	pmt_check(pmt_yield(), "pmt_yield");
	sw0 = pmt_switches();
	t0 = now_ns();
	for (i = 0; i < n; i++)
		pmt_check(pmt_yield(), "pmt_yield");
	s.ns = now_ns() - t0;
	s.ops = (double)(pmt_switches() - sw0);
	stop = 1;
	for (k = 0; k < nthreads; k++)
		pmt_check(pmt_join(tids[k], NULL), "pmt_join");
	return s;
}

static struct sample
pmt_yield_2(long n)
{
	pmt_t tid;

	return pmt_ring(n, &tid, pmt_stack, sizeof pmt_stack, 1);
}

/* The stacks of the many-thread ring: one thread per free slot. */
static unsigned char *ring_stacks;
static size_t ring_stack_size;
static pmt_t *ring_tids;
static int ring_threads;

static struct sample
pmt_yield_many(long n)
{
	return pmt_ring(
	    n, ring_tids, ring_stacks, ring_stack_size, ring_threads);
}

static void *
trivial(void *arg)
{
	return arg;
}

/* The new thread has main's priority: it runs when main joins it. */
static struct sample
pmt_spawn_join(long n)
{
	struct sample s;
	pmt_t tid;
	double t0;
	long i;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		pmt_check(pmt_spawn(&tid, trivial, NULL, pmt_stack,
		              sizeof pmt_stack, PMT_PRIO_DEFAULT),
		    "pmt_spawn");
		pmt_check(pmt_join(tid, NULL), "pmt_join");
	}
	s.ns = now_ns() - t0;
	s.ops = (double)n;
	return s;
}

/* ------------------------------------------------------------ ucontext */

static ucontext_t uc_main, uc_co;

static void
uc_partner(void)
{
	for (;;)
		swapcontext(&uc_co, &uc_main);
}

static void
uc_make(void (*fn)(void), ucontext_t *link)
{
	if (getcontext(&uc_co) != 0)
		sys_check(errno, "getcontext");
	uc_co.uc_stack.ss_sp = uc_stack;
	uc_co.uc_stack.ss_size = sizeof uc_stack;
	uc_co.uc_link = link;
	makecontext(&uc_co, fn, 0);
}

/* Two swapcontext() calls per iteration, one each way.  The partner of
 * the previous run is abandoned parked in its loop; it holds nothing. */
static struct sample
uc_pingpong(long n)
{
	struct sample s;
	double t0;
	long i;

	uc_make(uc_partner, NULL);
	swapcontext(&uc_main, &uc_co);
	t0 = now_ns();
	for (i = 0; i < n; i++)
		swapcontext(&uc_main, &uc_co);
	s.ns = now_ns() - t0;
	s.ops = 2.0 * (double)n;
	return s;
}

static void
uc_trivial(void)
{
}

/* Create a context, run it, and come back through uc_link when its
 * function returns: ucontext's create+run+join. */
static struct sample
uc_create(long n)
{
	struct sample s;
	double t0;
	long i;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		uc_make(uc_trivial, &uc_main);
		swapcontext(&uc_main, &uc_co);
	}
	s.ns = now_ns() - t0;
	s.ops = (double)n;
	return s;
}

/* ------------------------------------------------------------ pthreads */

/* Every pthread of the benchmarks runs on one CPU, as libpmt's threads
 * share one kernel thread. */

struct pingpong {
	sem_t ping, pong;
	pthread_barrier_t start;
	long n;
	double ns;
};

static void
pin_self(void)
{
	cpu_set_t set;

	if (pin_cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(pin_cpu, &set);
	sys_check(pthread_setaffinity_np(pthread_self(), sizeof set, &set),
	    "pthread_setaffinity_np");
}

static void
sem_wait_check(sem_t *sem)
{
	while (sem_wait(sem) != 0)
		if (errno != EINTR)
			sys_check(errno, "sem_wait");
}

/* Both ping-pong threads: pin to CPU 0, then start together. */
static void
pingpong_start(struct pingpong *pp)
{
	int error;

	pin_self();
	error = pthread_barrier_wait(&pp->start);
	if (error != PTHREAD_BARRIER_SERIAL_THREAD)
		sys_check(error, "pthread_barrier_wait");
}

static void *
ping_thread(void *arg)
{
	struct pingpong *pp = arg;
	double t0;
	long i;

	pingpong_start(pp);
	t0 = now_ns();
	for (i = 0; i < pp->n; i++) {
		sem_post(&pp->pong);
		sem_wait_check(&pp->ping);
	}
	pp->ns = now_ns() - t0;
	return NULL;
}

static void *
pong_thread(void *arg)
{
	struct pingpong *pp = arg;
	long i;

	pingpong_start(pp);
	for (i = 0; i < pp->n; i++) {
		sem_wait_check(&pp->pong);
		sem_post(&pp->ping);
	}
	return NULL;
}

/* Two threads on one CPU hand a token back and forth through two
 * semaphores: every hand-over is a kernel thread switch. */
static struct sample
pthread_pingpong(long n)
{
	struct pingpong pp;
	struct sample s;
	pthread_t a, b;

	pp.n = n;
	if (sem_init(&pp.ping, 0, 0) != 0 || sem_init(&pp.pong, 0, 0) != 0)
		sys_check(errno, "sem_init");
	sys_check(
	    pthread_barrier_init(&pp.start, NULL, 2), "pthread_barrier_init");
	sys_check(pthread_create(&a, NULL, ping_thread, &pp), "pthread_create");
	sys_check(pthread_create(&b, NULL, pong_thread, &pp), "pthread_create");
	sys_check(pthread_join(a, NULL), "pthread_join");
	sys_check(pthread_join(b, NULL), "pthread_join");
	pthread_barrier_destroy(&pp.start);
	sem_destroy(&pp.ping);
	sem_destroy(&pp.pong);
	s.ns = pp.ns;
	s.ops = 2.0 * (double)n;
	return s;
}

struct createjoin {
	long n;
	double ns;
};

/* Runs on the pinned CPU, so the threads it creates start there too:
 * the same conditions as the ping-pong, and no cross-CPU wake-ups. */
static void *
create_driver(void *arg)
{
	struct createjoin *cj = arg;
	pthread_t t;
	double t0;
	long i;

	pin_self();
	t0 = now_ns();
	for (i = 0; i < cj->n; i++) {
		sys_check(
		    pthread_create(&t, NULL, trivial, NULL), "pthread_create");
		sys_check(pthread_join(t, NULL), "pthread_join");
	}
	cj->ns = now_ns() - t0;
	return NULL;
}

static struct sample
pthread_create_join(long n)
{
	struct createjoin cj;
	struct sample s;
	pthread_t driver;

	cj.n = n;
	sys_check(pthread_create(&driver, NULL, create_driver, &cj),
	    "pthread_create");
	sys_check(pthread_join(driver, NULL), "pthread_join");
	s.ns = cj.ns;
	s.ops = (double)n;
	return s;
}

/* ------------------------------------------------------------ driver */

enum {
	B_PMT_YIELD,
	B_PMT_YIELD_MANY,
	B_PMT_SPAWN,
	B_UC_SWAP,
	B_UC_CREATE,
	B_PT_SWITCH,
	B_PT_CREATE,
	NBENCH
};

static struct bench benches[NBENCH] = {
    [B_PMT_YIELD] = {"pmt_yield (2 threads)", pmt_yield_2, 0, {0}, 0, 0, 0},
    [B_PMT_YIELD_MANY] = {"pmt_yield (all slots)", pmt_yield_many, 0, {0}, 0, 0,
        0},
    [B_PMT_SPAWN] = {"pmt_spawn+pmt_join", pmt_spawn_join, 0, {0}, 0, 0, 0},
    [B_UC_SWAP] = {"swapcontext ping-pong", uc_pingpong, 0, {0}, 0, 0, 0},
    [B_UC_CREATE] = {"makecontext+swapcontext", uc_create, 0, {0}, 0, 0, 0},
    [B_PT_SWITCH] = {"sem ping-pong (1 CPU)", pthread_pingpong, 0, {0}, 0, 0,
        0},
    [B_PT_CREATE] = {"pthread_create+join", pthread_create_join, 0, {0}, 0, 0,
        0},
};

/*
 * Runs b with growing n until one run takes a noticeable time, then sets
 * the n that takes about target_ns.  The runs also warm up caches,
 * branch predictors and the allocator's thread caches.
 */
static void
calibrate(struct bench *b)
{
	struct sample s;
	double n = 16;

	for (;;) {
		s = b->run((long)n);
		if (s.ns >= target_ns / 20 || n >= 1e9)
			break;
		n *= 4;
	}
	n = n * target_ns / (s.ns > 1 ? s.ns : 1);
	b->iterations = n < 1 ? 1 : (long)n;
	/* One warm-up run at the final size. */
	(void)b->run(b->iterations);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
summarise(struct bench *b)
{
	double v[MAX_ROUNDS];

	memcpy(v, b->per_op, sizeof v);
	qsort(v, (size_t)rounds, sizeof v[0], cmp_double);
	b->min = v[0];
	b->max = v[rounds - 1];
	b->median = rounds % 2 ? v[rounds / 2]
	                       : (v[rounds / 2 - 1] + v[rounds / 2]) / 2;
}

/* The first CPU this process may run on, CPU 0 on most machines, or -1
 * when the affinity cannot be read. */
static int
first_cpu(void)
{
	cpu_set_t set;
	int cpu;

	if (sched_getaffinity(0, sizeof set, &set) != 0)
		return -1;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &set))
			return cpu;
	return -1;
}

/* The CPU's model name from /proc/cpuinfo, or "unknown". */
static void
cpu_model(char *buf, size_t size)
{
	char line[256], *p;
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(buf, size, "unknown");
	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "model name", 10) != 0)
			continue;
		p = strchr(line, ':');
		if (p == NULL)
			continue;
		for (p++; *p == ' ' || *p == '\t'; p++)
			;
		p[strcspn(p, "\n")] = '\0';
		snprintf(buf, size, "%s", p);
		break;
	}
	fclose(f);
}

static const char *
verdict(int met)
{
	return met ? "met" : "missed";
}

static void
print_header(void)
{
	char model[128];

	cpu_model(model, sizeof model);
	printf("libpmt %d.%d.%d benchmark\n", PMT_VERSION_MAJOR,
	    PMT_VERSION_MINOR, PMT_VERSION_PATCH);
	printf("cpu: %s, %ld online\n", model, sysconf(_SC_NPROCESSORS_ONLN));
#if defined(__clang__)
	printf("compiler: clang %s\n", __VERSION__);
#elif defined(__GNUC__)
	printf("compiler: gcc %s\n", __VERSION__);
#else
	printf("compiler: %s\n", __VERSION__);
#endif
	printf("rounds: %d, interleaved, medians reported\n", rounds);
	printf("iterations: %ld pmt_yield, %ld pmt_spawn+pmt_join, ... per "
	       "round,\n    calibrated to about %.0f ms per measurement "
	       "(all listed below)\n",
	    benches[B_PMT_YIELD].iterations, benches[B_PMT_SPAWN].iterations,
	    target_ns / 1e6);
	if (pin_cpu >= 0)
		printf("pthreads: all pinned to CPU %d\n", pin_cpu);
	else
		printf("pthreads: not pinned (affinity unknown)\n");
	printf("\n");
}

/* Formats v, a time or a ratio, into buf; "-" when v < 0 (no peer). */
static void
cell(char *buf, size_t size, double v, int ratio)
{
	if (v < 0)
		snprintf(buf, size, "-");
	else if (ratio)
		snprintf(buf, size, "%.1fx", v);
	else
		snprintf(buf, size, "%.1f", v);
}

/* One row of the table; a peer benchmark < 0 is absent. */
static void
print_row(int csv, const char *op, int pmt, int uc, int pt)
{
	double p = benches[pmt].median;
	double u = uc >= 0 ? benches[uc].median : -1;
	double t = pt >= 0 ? benches[pt].median : -1;
	char ub[32], tb[32], ur[32], tr[32];

	if (csv) {
		printf("%s,%.2f,", op, p);
		if (u >= 0)
			printf("%.2f", u);
		printf(",");
		if (t >= 0)
			printf("%.2f", t);
		printf(",");
		if (u >= 0)
			printf("%.2f", u / p);
		printf(",");
		if (t >= 0)
			printf("%.2f", t / p);
		printf("\n");
		return;
	}
	cell(ub, sizeof ub, u, 0);
	cell(tb, sizeof tb, t, 0);
	cell(ur, sizeof ur, u < 0 ? -1 : u / p, 1);
	cell(tr, sizeof tr, t < 0 ? -1 : t / p, 1);
	printf("%-22s %10.1f %11s %11s %10s %10s\n", op, p, ub, tb, ur, tr);
}

static void
print_table(int csv)
{
	char many[64];

	snprintf(many, sizeof many, "switch (%d threads)", ring_threads + 1);
	if (csv) {
		printf("operation,libpmt_ns,ucontext_ns,pthread_ns,"
		       "ucontext_per_libpmt,pthread_per_libpmt\n");
	} else {
		printf("%-22s %10s %11s %11s %10s %10s\n", "operation",
		    "libpmt ns", "ucontext ns", "pthread ns", "uc/libpmt",
		    "pt/libpmt");
		printf("%-22s %10s %11s %11s %10s %10s\n", "---------",
		    "---------", "-----------", "----------", "---------",
		    "---------");
	}
	print_row(
	    csv, "switch (2 threads)", B_PMT_YIELD, B_UC_SWAP, B_PT_SWITCH);
	print_row(csv, many, B_PMT_YIELD_MANY, -1, -1);
	print_row(
	    csv, "create+run+join", B_PMT_SPAWN, B_UC_CREATE, B_PT_CREATE);
}

static void
print_details(void)
{
	int k;

	printf("\nns per operation over %d rounds:\n", rounds);
	printf("  %-26s %10s %10s %10s %12s\n", "measurement", "median", "min",
	    "max", "iterations");
	for (k = 0; k < NBENCH; k++)
		printf("  %-26s %10.1f %10.1f %10.1f %12ld\n", benches[k].name,
		    benches[k].median, benches[k].min, benches[k].max,
		    benches[k].iterations);
}

static void
print_targets(void)
{
	double yield = benches[B_PMT_YIELD].median;
	double many = benches[B_PMT_YIELD_MANY].median;
	double spawn = benches[B_PMT_SPAWN].median;
	double uc = benches[B_UC_SWAP].median;

	printf("\ntargets (for a 2 vCPU AMD EPYC Zen 3 VM; benchmarks, not "
	       "tests):\n");
	printf("  pmt_yield: %.1f ns (target <= %.0f ns): %s\n", yield,
	    TARGET_YIELD_NS, verdict(yield <= TARGET_YIELD_NS));
	printf("  pmt_yield vs swapcontext: %.1fx faster (target >= %.0fx): "
	       "%s\n",
	    uc / yield, TARGET_YIELD_VS_UCONTEXT,
	    verdict(uc / yield >= TARGET_YIELD_VS_UCONTEXT));
	printf("  pmt_yield, %d threads vs 2: %.2fx the cost (target: "
	       "independent\n    of the thread count, here within %.1fx): %s\n",
	    ring_threads + 1, many / yield, TARGET_FLAT_RATIO,
	    verdict(many / yield <= TARGET_FLAT_RATIO));
	printf("  pmt_spawn+run+pmt_join: %.1f ns (target < %.0f ns): %s\n",
	    spawn, TARGET_SPAWN_NS, verdict(spawn < TARGET_SPAWN_NS));
	printf("  not measured here: pmt_yield against GNU Pth and State "
	       "Threads (not linked);\n    preemption overhead (no preemption "
	       "yet); priority wake-up (no blocking\n    primitive besides "
	       "pmt_join yet); thread control block size (not visible\n"
	       "    through pmt.h)\n");
}

static void
usage(void)
{
	fprintf(stderr, "usage: pmt-bench [--quick] [--csv]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct pmt_stats st;
	int csv = 0, i, r, k;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0) {
			rounds = ROUNDS_QUICK;
			target_ns = TARGET_NS_QUICK;
		} else if (strcmp(argv[i], "--csv") == 0) {
			csv = 1;
		} else {
			usage();
		}
	}

	pmt_check(pmt_init(), "pmt_init");
	if (pmt_stack_min() > STACK_SIZE) {
		fprintf(stderr,
		    "pmt-bench: pmt_stack_min() is %zu bytes, "
		    "more than the %d of the static stacks\n",
		    pmt_stack_min(), STACK_SIZE);
		return 1;
	}

	/* The ring fills every free slot of the thread table. */
	pmt_check(pmt_stats(&st), "pmt_stats");
	ring_threads = (int)st.max_threads - 1;
	ring_stack_size = (pmt_stack_min() + PMT_STACK_PAGE - 1) /
	                  PMT_STACK_PAGE * PMT_STACK_PAGE;
	ring_stacks = aligned_alloc(
	    PMT_STACK_PAGE, (size_t)ring_threads * ring_stack_size);
	ring_tids = calloc((size_t)ring_threads, sizeof ring_tids[0]);
	if (ring_stacks == NULL || ring_tids == NULL) {
		fprintf(stderr, "pmt-bench: out of memory for %d stacks\n",
		    ring_threads);
		return 1;
	}

	pin_cpu = first_cpu();

	for (k = 0; k < NBENCH; k++)
		calibrate(&benches[k]);
	for (r = 0; r < rounds; r++) {
		for (k = 0; k < NBENCH; k++) {
			struct sample s = benches[k].run(benches[k].iterations);

			benches[k].per_op[r] = s.ns / s.ops;
		}
	}
	for (k = 0; k < NBENCH; k++)
		summarise(&benches[k]);

	if (csv) {
		print_table(1);
	} else {
		print_header();
		print_table(0);
		print_details();
		print_targets();
	}
	free(ring_stacks);
	free(ring_tids);
	return 0;
}
