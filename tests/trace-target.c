/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * trace-target.c - a program whose schedule tests/trace.test knows, to run
 * with PMT_TRACE set: four named threads, cooperative, that wait on a
 * semaphore, a mutex, a sleep and a join, and a higher priority that runs
 * as soon as it is spawned.
 *
 *   main   locks the mutex, spawns alpha and beta, yields;
 *   alpha  waits on the semaphore;
 *   beta   waits on the mutex, which main holds;
 *   main   spawns gamma, of a higher priority, which runs at once and
 *          sleeps for 2 ms; main posts the semaphore, unlocks the mutex
 *          and joins alpha, beta and gamma in turn.
 *
 * With TRACE_TARGET_NAMES=odd in the environment, the threads other than
 * main get names that JSON and XML must escape, one of them in UTF-8 and
 * one not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pmt.h>

#define STACK_SIZE (64 * 1024)

PMT_STACK_DEFINE(stacks[3], STACK_SIZE);

static pmt_mutex_t lock = PMT_MUTEX_INITIALIZER;
static pmt_sem_t go = PMT_SEM_INITIALIZER(0, 1);

static void
check(int error, const char *what)
{
	if (error != 0) {
		fprintf(stderr, "trace-target: %s: %s\n", what,
		    pmt_strerror(error));
		exit(1);
	}
}

static void *
alpha(void *arg)
{
	check(pmt_sem_wait(&go), "pmt_sem_wait");
	return arg;
}

static void *
beta(void *arg)
{
	check(pmt_mutex_lock(&lock), "pmt_mutex_lock");
	check(pmt_mutex_unlock(&lock), "pmt_mutex_unlock");
	return arg;
}

static void *
gamma_(void *arg)
{
	check(pmt_sleep(PMT_MSEC(2)), "pmt_sleep");
	return arg;
}

/* A thread on stack i, named. */
static pmt_t
spawn(void *(*entry)(void *), int i, int prio, const char *name)
{
	pmt_t t;

	check(pmt_spawn(&t, entry, NULL, stacks[i], sizeof stacks[i], prio),
	    "pmt_spawn");
	check(pmt_setname(t, name), "pmt_setname");
	return t;
}

/* The names of alpha, beta and gamma, as TRACE_TARGET_NAMES says. */
static const char *plain[3] = {"alpha", "beta", "gamma"};
static const char *odd[3] = {
    "a \"q\" \\ & <x>\t", "caf\xc3\xa9", "\xff\xfe bytes"};

int
main(void)
{
	const char *env = getenv("TRACE_TARGET_NAMES"), **names = plain;
	pmt_t a, b, g;

	if (pmt_stack_min() > STACK_SIZE) {
		fprintf(stderr, "trace-target: stacks too small here\n");
		return 77;
	}
	if (env != NULL && strcmp(env, "odd") == 0)
		names = odd;
	check(pmt_init(), "pmt_init");
	check(pmt_setname(pmt_self(), "main"), "pmt_setname");
	check(pmt_mutex_lock(&lock), "pmt_mutex_lock");
	a = spawn(alpha, 0, PMT_PRIO_DEFAULT, names[0]);
	b = spawn(beta, 1, PMT_PRIO_DEFAULT, names[1]);
	check(pmt_yield(), "pmt_yield");
	/* Named before it runs: it outranks main, and runs when the
	 * critical section around its spawn and name ends. */
	check(pmt_preempt_disable(), "pmt_preempt_disable");
	g = spawn(gamma_, 2, PMT_PRIO_DEFAULT + 4, names[2]);
	check(pmt_preempt_enable(), "pmt_preempt_enable");
	check(pmt_sem_post(&go), "pmt_sem_post");
	check(pmt_mutex_unlock(&lock), "pmt_mutex_unlock");
	check(pmt_join(a, NULL), "pmt_join");
	check(pmt_join(b, NULL), "pmt_join");
	check(pmt_join(g, NULL), "pmt_join");
	return 0;
}
