/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * overflow.c - the stack overflow scenario of the library libpmt grew
 * from: a thread named "deep" recurses further than its small stack
 * allows, while a thread named "counter" works beside it.  Each layer of
 * libpmt's overflow detection finds it in turn; the overflow hook names
 * the thread, pmt_join() returns PMT_ESTACKOVF, and the program carries on.
 *
 * The recursion goes down until 2 KiB of stack are left (pmt_stack_info()
 * says where the stack ends), and its innermost level needs more:
 *
 *   1. guard value: the innermost level fills a 4 KiB table, which runs
 *      over the word at the stack's low end; the recursion comes back and
 *      yields, and the switch finds the word changed.
 *   2. stack pointer range: the innermost level has an 8 KiB buffer that
 *      it barely uses, and yields; the switch finds the stack pointer
 *      below the stack, the guard value jumped over.
 *   3. guard page (pmt_stack_setflags(PMT_STACK_GUARD)): the recursion
 *      never stops; it faults on the page below its stack before it
 *      writes anything beyond, and the process ends with SIGSEGV, after
 *      the hook has found the counter's data, right below, intact.  Run
 *      in a child process, as it ends the process.
 *
 * The first two layers find an overflow after the fact: what the thread
 * wrote past its stack lands in a spare area here, which a real program
 * would not have.  Only the guard page keeps the neighbour intact.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pmt.h>

/*
 * Memory for the stacks, lowest address first: the counter's stack, a
 * spare area, and the deep thread's room.  Layers 1 and 2 put the deep
 * thread's small stack at the top of its room, with the spare area and the
 * rest of the room below it; layer 3 puts a page-aligned stack with a
 * guard page right above the counter's.
 */
#define ROOM (64 * 1024)
PMT_STACK_DEFINE(area, 3 * ROOM);
#define COUNTER_STACK (area)
#define DEEP_ROOM (area + 2 * ROOM)

static volatile int stop;
static volatile unsigned long rounds;
static const unsigned char *volatile counter_data;

/* Is the counter's data, on the top of its stack, as it wrote it?  Any
 * context, a signal handler included. */
static int
counter_intact(void)
{
	size_t i;

	for (i = 0; i < 256; i++)
		if (counter_data == NULL || counter_data[i] != 0x5a)
			return 0;
	return 1;
}

/* Works beside the deep thread, its data on its stack. */
static void *
counter(void *arg)
{
	unsigned char mine[256];

	(void)arg;
	memset(mine, 0x5a, sizeof mine);
	counter_data = mine;
	while (!stop) {
		rounds++;
		pmt_yield();
	}
	counter_data = NULL;
	return NULL;
}

#define LAYER1 ((void *)1)
#define LAYER2 ((void *)2)

/* Where the calling thread's stack ends, 2 KiB of headroom above. */
static uintptr_t
headroom_mark(void)
{
	struct pmt_stack_info info;

	if (pmt_stack_info(pmt_self(), &info) != 0)
		abort();
	return (uintptr_t)info.base + 2048;
}

/* Keeps p's object in memory, and so the frame that holds it. */
static void
use(volatile void *p)
{
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

/* Layer 1: fills a table that does not fit in the room left. */
static __attribute__((noinline)) unsigned
fill_table(unsigned n)
{
	unsigned char table[4096];

	memset(table, (int)n, sizeof table);
	use(table);
	return table[n % sizeof table];
}

/* Layer 2: a buffer that does not fit either, mostly unused. */
static __attribute__((noinline)) unsigned
use_buffer(unsigned n)
{
	char buffer[8192];

	buffer[0] = (char)n;
	use(buffer);
	pmt_yield(); /* the switch stops the thread */
	puts("not reached");
	return (unsigned char)buffer[0];
}

/* One level of the recursion: 128 bytes of its own, a yield on the way
 * down; the innermost level calls last(). */
static unsigned
recurse(uintptr_t mark, unsigned (*last)(unsigned), unsigned n)
{
	volatile unsigned char level[128];

	memset((void *)level, (int)n, sizeof level);
	pmt_yield();
	if ((uintptr_t)level > mark)
		return recurse(mark, last, n + 1) + level[n % sizeof level];
	return last(n);
}

/* arg: 1 or 2, the layer to show. */
static void *
deep(void *arg)
{
	unsigned (*last)(unsigned) = arg == LAYER1 ? fill_table : use_buffer;

	recurse(headroom_mark(), last, 0);
	pmt_yield(); /* after layer 1's table, the switch stops it here */
	puts("not reached");
	return NULL;
}

/* Layer 3: recursion that never yields nor ends. */
static volatile unsigned plunge_limit = ~0u;

static unsigned
plunge(volatile unsigned char *above, unsigned n)
{
	volatile unsigned char scratch[512];

	memset((void *)scratch, (int)(n & 0xff), sizeof scratch);
	if (n == plunge_limit)
		return above[0];
	return plunge(scratch, n + 1) + scratch[n % sizeof scratch];
}

static void *
deep_plunge(void *arg)
{
	plunge(arg, 0);
	return NULL;
}

/*
 * The overflow hook: says what was found, then calls the default hook,
 * which writes one line with the addresses to standard error.  In layer 3
 * it runs in the SIGSEGV handler, and the process ends when it returns:
 * hence write(), not stdio, and the check of the neighbour made here.
 */
static pmt_overflow_hook_t default_hook;

static void
say(const char *s)
{
	ssize_t n = write(STDOUT_FILENO, s, strlen(s));

	(void)n;
}

static void
hook(const struct pmt_overflow *ov)
{
	say("  hook: thread \"");
	say(ov->name != NULL ? ov->name : "?");
	switch (ov->layer) {
	case PMT_OVERFLOW_CANARY:
		say("\" overflowed: guard value overwritten\n");
		break;
	case PMT_OVERFLOW_RANGE:
		say("\" overflowed: stack pointer below its stack\n");
		break;
	default:
		say("\" overflowed into its guard page\n");
		say(counter_intact()
		        ? "  the counter's data below it is intact\n"
		        : "  the counter's data below it was hit\n");
		break;
	}
	default_hook(ov);
}

/* Runs entry(arg) as "deep" on [stack, stack + size) beside the
 * counter. */
static void
run(void *(*entry)(void *), void *arg, unsigned char *stack, size_t size)
{
	unsigned long before = rounds;
	pmt_t tid;
	int error;

	error = pmt_spawn(&tid, entry, arg, stack, size, PMT_PRIO_DEFAULT);
	if (error != 0 || (error = pmt_setname(tid, "deep")) != 0) {
		fprintf(stderr, "overflow: %s\n", pmt_strerror(error));
		exit(1);
	}
	error = pmt_join(tid, NULL);
	printf("  pmt_join: %s\n", pmt_strerror(error));
	printf("  \"counter\" %s, its data %s\n",
	    rounds > before ? "went on" : "did not run",
	    counter_intact() ? "intact" : "damaged");
	fflush(stdout);
}

/* Layer 3, in the child: ends with SIGSEGV. */
static void
guard_page_layer(size_t small)
{
	if (pmt_stack_setflags(PMT_STACK_GUARD) != 0) {
		puts("  guard pages not supported here");
		exit(0);
	}
	/* Right above the counter's stack, whose top holds its data. */
	run(deep_plunge, NULL, COUNTER_STACK + ROOM, small + PMT_STACK_PAGE);
	puts("  not reached");
	exit(1);
}

int
main(void)
{
	size_t small = pmt_stack_min();
	pmt_t counter_tid;
	int intact, status;
	pid_t pid;

	if (small + PMT_STACK_PAGE > ROOM || pmt_init() != 0) {
		fprintf(
		    stderr, "overflow: stacks too small for this machine\n");
		return 77;
	}
	default_hook = pmt_set_overflow_hook(hook);
	if (pmt_spawn(&counter_tid, counter, NULL, COUNTER_STACK, ROOM,
	        PMT_PRIO_DEFAULT) != 0 ||
	    pmt_setname(counter_tid, "counter") != 0)
		return 1;

	puts("1. guard value: a 4 KiB table where 2 KiB are left");
	fflush(stdout);
	run(deep, LAYER1, DEEP_ROOM + ROOM - small, small);

	puts("2. stack pointer range: an 8 KiB buffer where 2 KiB are left");
	fflush(stdout);
	run(deep, LAYER2, DEEP_ROOM + ROOM - small, small);

	puts("3. guard page: recursion without end");
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		guard_page_layer(small);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 1;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV)
		puts("  the process ended with SIGSEGV");
	else
		printf("  the process ended with status %#x\n", status);

	intact = counter_intact();
	stop = 1;
	return pmt_join(counter_tid, NULL) == 0 && intact ? 0 : 1;
}
