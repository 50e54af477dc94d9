/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * report.c - what pmt-bench prints: the machine, the table of rows by
 * group with each row's ratio to libpmt's, the details of every
 * measurement, the targets met or missed, and the CSV.  Called on main
 * after the rounds.
 */
#define _GNU_SOURCE

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <gnu/libc-version.h>
#endif

#include <pmt.h>

#include "bench.h"

/* The targets libpmt is measured against (ns per operation, ratios),
 * for a 2 vCPU AMD EPYC (Zen 3) virtual machine. */
#define TARGET_YIELD_NS 15.0
#define TARGET_YIELD_VS_UCONTEXT 20.0
#define TARGET_YIELD_VS_PTH 300.0
#define TARGET_YIELD_VS_ST 2.0
#define TARGET_SPAWN_NS 60.0
#define TARGET_SPAWN_VS_PTH 100.0
#define TARGET_SPAWN_VS_ST 1.0
#define TARGET_FLAT_RATIO 1.5
#define TARGET_PREEMPT_PCT 2.0       /* CPU lost to a 1 ms tick, percent */
#define TARGET_YIELD_TICK_RATIO 1.10 /* pmt_yield, timer on vs off */
#define TARGET_TICKLESS_TICKS 2      /* "about 0" ticks for a lone thread */
#define TARGET_MUTEX_NS 5.0          /* uncontended lock+unlock */
#define TARGET_HANDOFF_YIELDS 2.0    /* contended hand-over, in yields */
#define TARGET_WAKE_NS 100.0         /* post to a higher waiter running */

struct machine machine;

/* The value of line if it is "key<blanks>: value", or NULL. */
static char *
cpuinfo_value(char *line, const char *key)
{
	size_t len = strlen(key);
	char *p;

	if (strncmp(line, key, len) != 0)
		return NULL;
	for (p = line + len; *p == ' ' || *p == '\t'; p++)
		;
	if (*p != ':')
		return NULL;
	for (p++; *p == ' ' || *p == '\t'; p++)
		;
	p[strcspn(p, "\n")] = '\0';
	return *p != '\0' ? p : NULL;
}

/*
 * The CPU's model from /proc/cpuinfo, or "unknown": the first line of
 * the most telling key there is, and on x86 the family and model numbers
 * too (a virtual machine's model name may say little more than the
 * vendor's).
 */
static void
cpu_model(char *buf, size_t size)
{
	static const char *const keys[] = {
	    "model name", "uarch", "cpu model", "Processor", "cpu"};
	char line[256], family[16] = "", model[16] = "", *p;
	size_t k, best = sizeof keys / sizeof keys[0];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(buf, size, "unknown");
	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		if (*family == '\0' && (p = cpuinfo_value(line, "cpu family")))
			snprintf(family, sizeof family, "%s", p);
		if (*model == '\0' && (p = cpuinfo_value(line, "model")))
			snprintf(model, sizeof model, "%s", p);
		for (k = 0; k < best; k++)
			if ((p = cpuinfo_value(line, keys[k])) != NULL)
				break;
		if (k == best)
			continue;
		snprintf(buf, size, "%s", p);
		best = k;
	}
	fclose(f);
	if (best == 0 && *family != '\0' && *model != '\0')
		snprintf(buf + strlen(buf), size - strlen(buf),
		    " (family %s, model %s)", family, model);
}

void
machine_probe(void)
{
	struct utsname u;
	time_t now = time(NULL);

	cpu_model(machine.cpu, sizeof machine.cpu);
	machine.cpus = sysconf(_SC_NPROCESSORS_ONLN);
	snprintf(machine.arch, sizeof machine.arch, "%s",
	    uname(&u) == 0 ? u.machine : "unknown");
#if defined(__clang__)
	snprintf(machine.compiler, sizeof machine.compiler, "clang %s",
	    __clang_version__);
#elif defined(__GNUC__)
	snprintf(
	    machine.compiler, sizeof machine.compiler, "gcc %s", __VERSION__);
#else
	snprintf(machine.compiler, sizeof machine.compiler, "%s", __VERSION__);
#endif
	strftime(
	    machine.date, sizeof machine.date, "%Y-%m-%d", localtime(&now));
#ifdef __GLIBC__
	peers[P_GLIBC].version = gnu_get_libc_version();
	peers[P_PTHREAD].version = peers[P_GLIBC].version;
#endif
}

/* Other work on the machine skews the figures: the header says how much
 * there was. */
void
machine_load(int end)
{
	double v;

	machine.load[end] = getloadavg(&v, 1) == 1 ? v : -1;
}

static const char *
verdict(int met)
{
	return met ? "met" : "missed";
}

void
print_header(void)
{
	int p;

	printf("libpmt %d.%d.%d benchmark, %s\n", PMT_VERSION_MAJOR,
	    PMT_VERSION_MINOR, PMT_VERSION_PATCH, machine.date);
	printf("cpu: %s, %s, %ld online\n", machine.cpu, machine.arch,
	    machine.cpus);
	printf("compiler: %s\n", machine.compiler);
	if (machine.load[0] >= 0 && machine.load[1] >= 0)
		printf("load average (1 min): %.2f at the start, %.2f at the "
		       "end\n",
		    machine.load[0], machine.load[1]);
	if (machine.note != NULL)
		printf("note: %s\n", machine.note);
	printf("rounds: %d, interleaved (every row once a round, in turn), "
	       "medians reported;\n    each row calibrated to about %.0f ms "
	       "a round\n",
	    set.rounds, set.target_ns / 1e6);
	if (pin_cpu >= 0)
		printf("POSIX threads: all pinned to CPU %d\n", pin_cpu);
	else
		printf("POSIX threads: not pinned (affinity unknown)\n");
	for (p = P_GLIBC; p < NPEER; p++) {
		if (p == P_PTHREAD)
			continue;
		if (peers[p].built)
			printf("%s: %s%s\n", peers[p].name,
			    peers[p].version != NULL ? peers[p].version
			                             : "version unknown",
			    p == P_GLIBC ? " (ucontext, POSIX threads)" : "");
		else
			printf("%s: not measured (%s)\n", peers[p].name,
			    peers[p].why);
	}
	printf("\n");
}

void
format_ratio(char *buf, size_t size, double v)
{
	if (v >= 100)
		snprintf(buf, size, "%.0fx", v);
	else if (v >= 10)
		snprintf(buf, size, "%.1fx", v);
	else
		snprintf(buf, size, "%.2fx", v);
}

/* Whether row k has a figure, and its ratio to its libpmt row (< 0 when
 * it has none). */
static double
row_ratio(int k)
{
	const struct bench *b = &benches[k];

	if (!b->measured || b->ref < 0 || !benches[b->ref].measured)
		return -1;
	return b->median / benches[b->ref].median;
}

void
print_table(void)
{
	char rb[32];
	int g, k;

	printf("%-47s %10s %9s\n", "ns per operation, median", "ns/op",
	    "x libpmt");
	for (g = 0; g < NGROUP; g++) {
		printf("%s\n", groups[g].title);
		for (k = 0; k < NBENCH; k++) {
			const struct bench *b = &benches[k];

			if (b->group != g || !peers[b->peer].built)
				continue;
			if (!b->measured) {
				printf("  %-13s %-31s not measured\n",
				    peers[b->peer].name, b->op);
				continue;
			}
			if (row_ratio(k) < 0)
				snprintf(rb, sizeof rb, "-");
			else
				format_ratio(rb, sizeof rb, row_ratio(k));
			printf("  %-13s %-31s %10.1f %9s\n",
			    peers[b->peer].name, b->op, b->median, rb);
		}
	}
}

void
print_details(void)
{
	int k;

	printf("\nns per operation over %d rounds:\n", set.rounds);
	printf("  %-45s %9s %9s %9s %11s\n", "measurement", "median", "min",
	    "max", "iterations");
	for (k = 0; k < NBENCH; k++) {
		const struct bench *b = &benches[k];
		char name[64];

		if (!b->measured)
			continue;
		snprintf(
		    name, sizeof name, "%s %s", peers[b->peer].name, b->op);
		printf("  %-45s %9.1f %9.1f %9.1f %11ld\n", name, b->median,
		    b->min, b->max, b->iterations);
	}

	printf("\npreemption: %d busy threads below main, %ld steps of work "
	       "each (about %.0f ms\nwithout the timer); medians over %d "
	       "rounds (overhead and CPU per tick against\nthe same round's "
	       "run without the timer; bare: an empty signal handler,\n"
	       "libpmt's timer off):\n",
	    BUSY_THREADS, busy_n, set.preempt_ns / 1e6, set.rounds);
	printf("  %-12s %9s %9s %7s %12s %13s\n", "timer", "time ms",
	    "overhead", "ticks", "preemptions", "CPU per tick");
	for (k = 0; k < NOV; k++) {
		char name[16], pct[16], per_tick[16];

		if (k == OV_OFF) {
			snprintf(name, sizeof name, "off");
			snprintf(pct, sizeof pct, "-");
			snprintf(per_tick, sizeof per_tick, "-");
		} else {
			snprintf(name, sizeof name, "%s%lu us",
			    k >= OV_BARE_1MS ? "bare " : "", ov_usec[k]);
			snprintf(pct, sizeof pct, "%+.2f%%", ov_pct[k]);
			snprintf(per_tick, sizeof per_tick, "%.1f us",
			    ov_tick_ns[k] / 1e3);
		}
		printf("  %-12s %9.1f %9s %7.0f %12.0f %13s\n", name,
		    ov_med_ns[k] / 1e6, pct, ov_med_ticks[k],
		    ov_med_preempts[k], per_tick);
	}
	printf("tick to next thread, 2 busy threads at a %d us tick, %ld "
	       "samples (%ld lost):\n  p50 %.1f us, p90 %.1f us, p99 "
	       "%.1f us, max %.1f us (min %.1f us)\n",
	    LAT_USEC, lat_pct.count, lat_lost, lat_pct.p50 / 1e3,
	    lat_pct.p90 / 1e3, lat_pct.p99 / 1e3, lat_pct.max / 1e3,
	    lat_pct.min / 1e3);
	printf("the same gap for an empty signal handler (no switch), %ld "
	       "samples:\n  p50 %.1f us, p90 %.1f us, p99 %.1f us, max "
	       "%.1f us (min %.1f us)\n",
	    bare_pct.count, bare_pct.p50 / 1e3, bare_pct.p90 / 1e3,
	    bare_pct.p99 / 1e3, bare_pct.max / 1e3, bare_pct.min / 1e3);
	printf("pmt_yield, 2 threads: %.1f ns with the 1 ms timer running, "
	       "%.1f ns without:\n  %.3fx (%llu ticks over all its runs)\n",
	    benches[B_PMT_YIELD_TICK].median, benches[B_PMT_YIELD].median,
	    benches[B_PMT_YIELD_TICK].median / benches[B_PMT_YIELD].median,
	    (unsigned long long)ticks_on_yield);
	printf("tickless, a %d us tick: one busy thread alone for %.0f ms: "
	       "%llu ticks (%.0f without\n  tickless); with a partner for "
	       "its first %.0f ms: %llu ticks, %llu of them after\n  the "
	       "partner left\n",
	    TICKLESS_USEC, set.tickless_ns / 1e6,
	    (unsigned long long)tickless_alone,
	    set.tickless_ns / 1e3 / TICKLESS_USEC, PARTNER_NS / 1e6,
	    (unsigned long long)tickless_with,
	    (unsigned long long)tickless_after);
	printf("synchronisation, one operation: a lock+unlock or post+wait "
	       "pair uncontended;\n  one hand-over of the CPU between two "
	       "threads of one priority otherwise\n  (the POSIX threads on "
	       "one CPU); in pmt_yield()s of %.1f ns:\n",
	    benches[B_PMT_YIELD].median);
	printf("  mutex hand-over %.2f, sem ping-pong %.2f, mutex+cond "
	       "ping-pong %.2f yields\n",
	    benches[B_PMT_HANDOFF].median / benches[B_PMT_YIELD].median,
	    benches[B_PMT_SEM_PP].median / benches[B_PMT_YIELD].median,
	    benches[B_PMT_COND_PP].median / benches[B_PMT_YIELD].median);
	printf("priority wake-up, a post readying a waiter one priority "
	       "above, to the waiter\n  running: %ld samples, p50 %.1f ns, "
	       "p99 %.1f ns, a clock read (%.1f ns) included;\n  "
	       "without it about %.1f ns; the round trip (post, waiter runs, "
	       "waits,\n  poster runs) %.1f ns\n",
	    wake_pct.count, wake_pct.p50, wake_pct.p99, clock_ns, wake_net,
	    benches[B_PMT_WAKE].median);
	printf("pmt_sleep_until(now + 1 ms), time from the deadline to the "
	       "sleeper running,\n  %ld samples each:\n",
	    sl_pct[SL_IDLE].count);
	for (k = 0; k < NSL; k++)
		printf("  %-30s p50 %7.1f us, p99 %7.1f us, max %7.1f us\n",
		    sl_names[k], sl_pct[k].p50 / 1e3, sl_pct[k].p99 / 1e3,
		    sl_pct[k].max / 1e3);
}

/* One target against a peer's row: how many times faster libpmt's row
 * is, or why it was not measured. */
static void
peer_target(const char *what, int pmt, int peer, double target, int above)
{
	const struct bench *b = &benches[peer];
	double x;

	printf("  %s:\n    ", what);
	if (!peers[b->peer].built) {
		printf("not measured (%s)\n", peers[b->peer].why);
		return;
	}
	if (!b->measured) {
		printf("not measured (%s)\n", b->why);
		return;
	}
	x = b->median / benches[pmt].median;
	printf("%.1f ns against %.1f ns: %.1fx faster\n    (target %s "
	       "%.0fx): %s\n",
	    benches[pmt].median, b->median, x, above ? ">" : ">=", target,
	    verdict(above ? x > target : x >= target));
}

void
print_targets(void)
{
	double yield = benches[B_PMT_YIELD].median;
	double many = benches[B_PMT_YIELD_MANY].median;
	double spawn = benches[B_PMT_SPAWN].median;
	double uc = benches[B_UC_SWAP].median;
	double ytick = benches[B_PMT_YIELD_TICK].median / yield;
	double mutex = benches[B_PMT_MUTEX].median;
	double handoff = benches[B_PMT_HANDOFF].median;
	int st_best = B_ST_COND;

	/* State Threads' fastest hand-over, of those measured. */
	if (!benches[B_ST_COND].measured ||
	    (benches[B_ST_USLEEP].measured &&
	        benches[B_ST_USLEEP].median < benches[B_ST_COND].median))
		st_best = B_ST_USLEEP;

	printf("\ntargets (for a 2 vCPU AMD EPYC Zen 3 VM; benchmarks, not "
	       "tests):\n");
	printf("  pmt_yield: %.1f ns (target <= %.0f ns): %s\n", yield,
	    TARGET_YIELD_NS, verdict(yield <= TARGET_YIELD_NS));
	printf("  pmt_yield vs swapcontext: %.1fx faster (target >= %.0fx): "
	       "%s\n",
	    uc / yield, TARGET_YIELD_VS_UCONTEXT,
	    verdict(uc / yield >= TARGET_YIELD_VS_UCONTEXT));
	peer_target("pmt_yield vs GNU Pth pth_yield", B_PMT_YIELD, B_PTH_YIELD,
	    TARGET_YIELD_VS_PTH, 0);
	peer_target(st_best == B_ST_COND || !benches[st_best].measured
	                ? "pmt_yield vs State Threads' fastest hand-over "
	                  "(st_cond)"
	                : "pmt_yield vs State Threads' fastest hand-over "
	                  "(st_usleep)",
	    B_PMT_YIELD, st_best, TARGET_YIELD_VS_ST, 0);
	printf("  pmt_yield, %d threads vs 2: %.2fx the cost (target: "
	       "independent\n    of the thread count, here within %.1fx): %s\n",
	    ring_threads + 1, many / yield, TARGET_FLAT_RATIO,
	    verdict(many / yield <= TARGET_FLAT_RATIO));
	printf("  pmt_spawn+run+pmt_join: %.1f ns (target < %.0f ns): %s\n",
	    spawn, TARGET_SPAWN_NS, verdict(spawn < TARGET_SPAWN_NS));
	peer_target("pmt_spawn+pmt_join vs GNU Pth pth_spawn+pth_join",
	    B_PMT_SPAWN, B_PTH_SPAWN, TARGET_SPAWN_VS_PTH, 0);
	peer_target("pmt_spawn+pmt_join vs State Threads' create+join",
	    B_PMT_SPAWN, B_ST_CREATE, TARGET_SPAWN_VS_ST, 1);
	printf("  preemption overhead at a 1 ms tick: %.2f%% (target <= "
	       "%.0f%%): %s\n    (an empty signal handler at 1 ms: %.2f%%)\n",
	    ov_pct[OV_1MS], TARGET_PREEMPT_PCT,
	    verdict(ov_pct[OV_1MS] <= TARGET_PREEMPT_PCT), ov_pct[OV_BARE_1MS]);
	printf("  pmt_yield with the timer running: %.3fx the cost without "
	       "(target within\n    %.0f%%): %s\n",
	    ytick, (TARGET_YIELD_TICK_RATIO - 1) * 100,
	    verdict(ytick <= TARGET_YIELD_TICK_RATIO));
	printf("  tickless: %llu ticks for one busy thread alone (target "
	       "about 0, here <= %d):\n    %s\n",
	    (unsigned long long)tickless_alone, TARGET_TICKLESS_TICKS,
	    verdict(tickless_alone <= TARGET_TICKLESS_TICKS));
	printf("  pmt_mutex_lock+unlock, uncontended: %.1f ns (target < %.0f "
	       "ns): %s\n",
	    mutex, TARGET_MUTEX_NS, verdict(mutex < TARGET_MUTEX_NS));
	printf("  mutex hand-over between two threads: %.1f ns, %.2f yields "
	       "(target <= %.0f):\n    %s\n",
	    handoff, handoff / yield, TARGET_HANDOFF_YIELDS,
	    verdict(handoff / yield <= TARGET_HANDOFF_YIELDS));
	printf(
	    "  priority wake-up, post to the higher waiter running: p50 %.1f "
	    "ns, a clock\n    read included (target < %.0f ns): %s\n",
	    wake_pct.p50, TARGET_WAKE_NS,
	    verdict(wake_pct.p50 < TARGET_WAKE_NS));
	printf("  not measured here: thread control block size (not visible "
	       "through pmt.h)\n");
}

/* ------------------------------------------------------------ CSV */

/* One field: quoted when it holds a comma, a quote or a line end. */
static void
csv_field(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	putc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			putc('"', f);
		putc(*s, f);
	}
	putc('"', f);
}

/* A row of a figure that is not a row of the table: libpmt's alone, no
 * spread, no ratio. */
static void
csv_value(
    FILE *f, const char *group, const char *op, const char *unit, double v)
{
	fprintf(f, "%s,libpmt,", group);
	csv_field(f, op);
	fprintf(f, ",%s,%.2f,,,\n", unit, v);
}

static void
csv_percentiles(
    FILE *f, const char *group, const char *what, const struct percentiles *p)
{
	char op[96];

	snprintf(op, sizeof op, "%s p50", what);
	csv_value(f, group, op, "ns", p->p50);
	snprintf(op, sizeof op, "%s p90", what);
	csv_value(f, group, op, "ns", p->p90);
	snprintf(op, sizeof op, "%s p99", what);
	csv_value(f, group, op, "ns", p->p99);
	snprintf(op, sizeof op, "%s max", what);
	csv_value(f, group, op, "ns", p->max);
}

/*
 * One line per figure: group, implementation, operation, unit, median,
 * min, max (over the rounds) and x_libpmt, the ratio to the libpmt row
 * of the group that it is compared with.  The rows of a peer that is not
 * built, or whose measurement failed, are left out.
 */
int
write_csv(const char *path)
{
	static const char *const sl_csv[NSL] = {"cooperative idle",
	    "1 ms tick idle", "1 ms tick busy thread below"};
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	char op[96];
	int k, v;

	if (f == NULL)
		return -1;
	fprintf(f, "group,implementation,operation,unit,median,min,max,"
	           "x_libpmt\n");
	for (k = 0; k < NBENCH; k++) {
		const struct bench *b = &benches[k];

		if (!b->measured)
			continue;
		fprintf(f, "%s,", groups[b->group].id);
		csv_field(f, peers[b->peer].name);
		putc(',', f);
		csv_field(f, b->op);
		fprintf(f, ",ns,%.2f,%.2f,%.2f,", b->median, b->min, b->max);
		if (row_ratio(k) >= 0)
			fprintf(f, "%.3f", row_ratio(k));
		putc('\n', f);
	}
	for (v = OV_1MS; v < NOV; v++) {
		snprintf(op, sizeof op, "%soverhead at a %lu us tick",
		    v >= OV_BARE_1MS ? "bare signal " : "", ov_usec[v]);
		csv_value(f, "preemption", op, "%", ov_pct[v]);
		snprintf(op, sizeof op, "%sCPU per tick at %lu us",
		    v >= OV_BARE_1MS ? "bare signal " : "", ov_usec[v]);
		csv_value(f, "preemption", op, "ns", ov_tick_ns[v]);
	}
	csv_percentiles(f, "preemption", "tick to thread", &lat_pct);
	csv_percentiles(f, "preemption", "bare tick gap", &bare_pct);
	csv_value(f, "preemption", "ticks for a busy thread alone", "count",
	    (double)tickless_alone);
	csv_value(f, "wakeup", "priority wake-up p50", "ns", wake_pct.p50);
	csv_value(f, "wakeup", "priority wake-up p99", "ns", wake_pct.p99);
	csv_value(f, "wakeup", "clock read", "ns", clock_ns);
	for (k = 0; k < NSL; k++) {
		snprintf(op, sizeof op, "sleep late p50 (%s)", sl_csv[k]);
		csv_value(f, "sleep", op, "ns", sl_pct[k].p50);
		snprintf(op, sizeof op, "sleep late p99 (%s)", sl_csv[k]);
		csv_value(f, "sleep", op, "ns", sl_pct[k].p99);
	}
	if (f == stdout)
		return fflush(f) == 0 ? 0 : -1;
	return fclose(f) == 0 ? 0 : -1;
}
