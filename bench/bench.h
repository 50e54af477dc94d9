/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * bench.h - what the files of pmt-bench share: the measurements and their
 * rows, the run's settings, the results of the measurements that are not
 * rows, and the helpers.  The rows of GNU Pth and State Threads
 * (bench/pth.c, bench/st.c) run in child processes and see only this
 * part of libpmt's world: struct sample, the settings and the helpers.
 */
#ifndef PMT_BENCH_H
#define PMT_BENCH_H

#include <stddef.h>
#include <stdint.h>

/* Rounds at most, and the stack of each thread the measurements make. */
#define MAX_ROUNDS 31
#define STACK_SIZE (64 * 1024)

/* What one run of a measurement did: elapsed time and operations. */
struct sample {
	double ns;
	double ops;
};

/* Who a row measures. */
enum {
	P_LIBPMT,
	P_GLIBC,   /* ucontext, and pthread calls on one kernel thread */
	P_PTHREAD, /* POSIX threads, kernel threads on one CPU */
	P_PTH,     /* GNU Pth */
	P_ST,      /* State Threads */
	NPEER
};

struct peer {
	const char *name;    /* as the table names it */
	const char *version; /* of the header built against, or NULL */
	const char *package; /* the Debian package, for a missing peer */
	int built;           /* configure found it, and it is linked in */
	char why[160];       /* why it was not measured, when it was not */
};

/* What the table groups rows by. */
enum { G_SWITCH, G_CREATE, G_UNCONTENDED, G_HANDOFF, NGROUP };

struct group {
	const char *id;    /* for the CSV */
	const char *title; /* for the table and the chart */
};

struct bench {
	int group;
	int peer;
	const char *op; /* the operation, as the table names it */
	int ref;        /* the libpmt row it is compared with, or -1 */
	struct sample (*run)(long n);
	/* Non-NULL: each run happens in a child process, which calls
	 * child_init first (the peer's own set-up); 0 when it worked,
	 * otherwise -1 and why in buf. */
	int (*child_init)(char *buf, size_t size);
	long iterations; /* calibrated n */
	double per_op[MAX_ROUNDS];
	double median, min, max;
	int measured; /* every round gave a result */
	char why[160];
};

/* The rows, in the order of the table; each round runs them all. */
enum {
	B_PMT_YIELD,
	B_PMT_YIELD_MANY,
	B_PMT_YIELD_TICK,
	B_UC_SWAP,
	B_PT_SWITCH,
	B_PTH_YIELD,
	B_PTH_UCTX,
	B_ST_COND,
	B_ST_USLEEP,
	B_PMT_SPAWN,
	B_UC_CREATE,
	B_PT_CREATE,
	B_PTH_SPAWN,
	B_ST_CREATE,
	B_PMT_MUTEX,
	B_PT_MUTEX,
	B_PMT_SEM,
	B_PT_SEM,
	B_PMT_COND_PP,
	B_PMT_SEM_PP,
	B_PMT_HANDOFF,
	B_PMT_WAKE,
	B_PT_COND_PP,
	B_PTH_COND_PP,
	NBENCH
};

extern struct bench benches[NBENCH];
extern struct peer peers[NPEER];
extern const struct group groups[NGROUP];

/* The run's settings: rounds, and time per measurement per round. */
struct settings {
	int rounds;
	double target_ns;     /* each row, per round */
	double preempt_ns;    /* the busy work, per timer variant and round */
	long lat_per_round;   /* tick latencies */
	long wake_per_round;  /* timed priority wake-ups */
	long sleep_per_round; /* sleeps, per way */
	double tickless_ns;   /* the lone busy thread */
};
extern struct settings set;

/* Where the run was: the CPU, the compiler, the date, and the user's
 * note (--note), for the table, the CSV and the chart. */
struct machine {
	char cpu[128];
	char arch[72];
	char compiler[96];
	char date[32];
	const char *note;
	long cpus;
	double load[2]; /* 1-minute load average at the start and end, or -1 */
};
extern struct machine machine;

/* ------------------------------------------------------------ helpers */

double now_ns(void);
void check_pmt(int error, const char *what);
void check_sys(int error, const char *what);
int cmp_double(const void *a, const void *b);
double median_of(const double *v, int n);

/* Sorts v[0..n) and fills in its percentiles. */
struct percentiles {
	long count;
	double min, p50, p90, p99, max;
};
void percentiles_of(double *v, long n, struct percentiles *p);

/* Stacks of the measurements of preemption and sleeps, and of --hazards:
 * one per thread they make. */
#define WORK_THREADS 8
extern unsigned char work_stacks[WORK_THREADS][STACK_SIZE];
/* Their priority, below main's, so that main waits for them in
 * pmt_join() and has no equal for a tick to switch to (for the files
 * that include <pmt.h>). */
#define WORKER_PRIO (PMT_PRIO_DEFAULT - 1)

/* ------------------------------------------------------------ libpmt */

void libpmt_setup(void);
extern int ring_threads; /* partners of pmt_yield_many */
extern uint64_t ticks_on_yield;
struct sample run_pmt_yield(long n);
struct sample run_pmt_yield_many(long n);
struct sample run_pmt_yield_tick(long n);
struct sample run_pmt_spawn(long n);
struct sample run_pmt_mutex(long n);
struct sample run_pmt_sem(long n);
struct sample run_pmt_handoff(long n);
struct sample run_pmt_sem_pingpong(long n);
struct sample run_pmt_cond_pingpong(long n);
struct sample run_pmt_wakeup(long n);

/* Timed priority wake-ups: wake_round() adds a round's samples. */
void wake_round(void);
void wake_summarise(void);
extern struct percentiles wake_pct;
extern double clock_ns, wake_net;

/* ------------------------------------------------------------ glibc */

struct sample run_uc_swap(long n);
struct sample run_uc_create(long n);

void pthread_setup(void);
extern int pin_cpu; /* the CPU the pthreads run on, -1 if not pinned */
struct sample run_pt_pingpong(long n);
struct sample run_pt_create(long n);
struct sample run_pt_mutex(long n);
struct sample run_pt_sem(long n);
struct sample run_pt_cond_pingpong(long n);

/* ------------------------------------------------------------ peers */

/* bench/pth.c, when configure found GNU Pth. */
extern const char version_pth[];
int init_pth_child(char *buf, size_t size);
struct sample run_pth_yield(long n);
struct sample run_pth_uctx(long n);
struct sample run_pth_spawn(long n);
struct sample run_pth_cond_pingpong(long n);

/* bench/st.c, when configure found State Threads. */
extern const char version_st[];
int init_st_child(char *buf, size_t size);
struct sample run_st_cond(long n);
struct sample run_st_usleep(long n);
struct sample run_st_create(long n);

/* bench/child.c: one calibration (calibrate set: *n gets the count) or
 * one timed run of n operations of b in a child process.  0 when it
 * worked; otherwise -1, and why in b->why. */
int child_measure(struct bench *b, long *n, int calibrate, struct sample *s);

/* Grows n until one run of run takes a noticeable time, then returns
 * the n that takes about set.target_ns; the runs warm it up. */
long calibrate_run(struct sample (*run)(long n));

/* ------------------------------------------------------------ preemption */

void preempt_setup(void);
void preempt_start(unsigned long usec, unsigned flags);
void preempt_stop(void);

/* Busy threads with the timer off, at two intervals, and with an empty
 * signal handler at the same intervals instead. */
enum { OV_OFF, OV_1MS, OV_100US, OV_BARE_1MS, OV_BARE_100US, NOV };
extern const unsigned long ov_usec[NOV];
void busy_calibrate(void);
void busy_round(int r);
void lat_round(void);
void bare_lat_round(void);
void tickless(void);
void preempt_summarise(void);

#define BUSY_THREADS 4
#define LAT_USEC 1000
#define TICKLESS_USEC 100
#define PARTNER_NS 20e6
extern long busy_n;
/* Per variant, medians over the rounds: time of the work, overhead
 * against the same round's run without the timer (percent), CPU per
 * tick, ticks and preemptions. */
extern double ov_med_ns[NOV], ov_pct[NOV], ov_tick_ns[NOV];
extern double ov_med_ticks[NOV], ov_med_preempts[NOV];
extern struct percentiles lat_pct, bare_pct;
extern long lat_lost;
extern uint64_t tickless_alone, tickless_with, tickless_after;

/* ------------------------------------------------------------ sleeps */

enum { SL_IDLE, SL_IDLE_TICK, SL_BUSY_TICK, NSL };
extern const char *const sl_names[NSL];
extern struct percentiles sl_pct[NSL];
void sleep_setup(void);
void sleep_round(int r);
void sleep_summarise(void);

/* ------------------------------------------------------------ output */

int hazards(void);
/* A ratio in buf, with as many digits as tell: 1.23x, 12.3x, 123x. */
void format_ratio(char *buf, size_t size, double v);
void machine_probe(void);
void machine_load(int end);
void print_header(void);
void print_table(void);
void print_details(void);
void print_targets(void);
/* 0, or -1 when the file could not be written (errno says why). */
int write_csv(const char *path);
int write_svg(const char *path);

#endif /* PMT_BENCH_H */
