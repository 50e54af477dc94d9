/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * trace.c - the POSIX port's part of the scheduling trace: the trace as
 * Chrome Trace Event JSON (pmt_trace_write_json()), which Perfetto and
 * chrome://tracing open, and the trace a program gets without changing a
 * line: PMT_TRACE=FILE in the environment starts one at pmt_init(), in a
 * static buffer, and writes it to FILE at exit.
 *
 * The JSON is the object form, {"traceEvents":[...], ...}, one event per
 * line (pmt-trace(1) reads it that way).  Each libpmt thread is a thread
 * of the process; what it did becomes complete events ("X") named after
 * its state, running, ready or blocked, back to back, and instants ("i")
 * for spawn, exit, block, wake, preempt, tick and priority changes.
 * Names come from metadata events ("M").  Times are microseconds from the
 * oldest event held, to the nanosecond.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pmt.h>

#include "../knobs.h"
#include "../port.h"
#include "posix.h"

#if PMT_CONFIG_TRACE

/* ---------------------------------------------------------------- output */

/* A buffer in front of write(); on the caller's stack, so that writers
 * in different threads do not share one. */
struct out {
	int fd;
	int error; /* errno of a failed write(), or 0 */
	size_t len;
	char buf[2048];
};

static void
out_flush(struct out *o)
{
	size_t done = 0;
	ssize_t w;

	while (done < o->len && o->error == 0) {
		w = write(o->fd, o->buf + done, o->len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			o->error = w < 0 ? errno : EIO;
		else
			done += (size_t)w;
	}
	o->len = 0;
}

static void
out_char(struct out *o, char c)
{
	if (o->len == sizeof o->buf)
		out_flush(o);
	o->buf[o->len++] = c;
}

static void
out_str(struct out *o, const char *s)
{
	while (*s != '\0')
		out_char(o, *s++);
}

static void
out_u64(struct out *o, uint64_t v)
{
	char d[20];
	int n = 0;

	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n > 0)
		out_char(o, d[--n]);
}

/* Nanoseconds as microseconds with three decimals. */
static void
out_us(struct out *o, uint64_t ns)
{
	out_u64(o, ns / 1000);
	out_char(o, '.');
	out_char(o, (char)('0' + ns / 100 % 10));
	out_char(o, (char)('0' + ns / 10 % 10));
	out_char(o, (char)('0' + ns % 10));
}

/* Is s valid UTF-8?  Names are the caller's bytes; JSON wants UTF-8. */
static int
utf8_valid(const unsigned char *s)
{
	unsigned need;

	while (*s != '\0') {
		if (*s < 0x80)
			need = 0;
		else if (*s >= 0xc2 && *s <= 0xdf)
			need = 1;
		else if (*s >= 0xe0 && *s <= 0xef)
			need = 2;
		else if (*s >= 0xf0 && *s <= 0xf4)
			need = 3;
		else
			return 0;
		for (s++; need > 0; need--, s++)
			if ((*s & 0xc0) != 0x80)
				return 0;
	}
	return 1;
}

/* A JSON string.  Bytes of a name that is not UTF-8 are taken as Latin-1. */
static void
out_jstr(struct out *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	int raw = utf8_valid(p);

	out_char(o, '"');
	for (; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			out_char(o, '\\');
			out_char(o, (char)*p);
		} else if (*p < 0x20 || (*p >= 0x80 && !raw)) {
			out_str(o, "\\u00");
			out_char(o, hex[*p >> 4]);
			out_char(o, hex[*p & 15]);
		} else {
			out_char(o, (char)*p);
		}
	}
	out_char(o, '"');
}

/* ---------------------------------------------------------------- names */

static const char *
state_name(unsigned state)
{
	switch (state) {
	case PMT_TRACE_STATE_READY:
		return "ready";
	case PMT_TRACE_STATE_RUNNING:
		return "running";
	case PMT_TRACE_STATE_BLOCKED:
		return "blocked";
	default:
		return "done";
	}
}

/* The colour trace viewers give a state (their reserved names). */
static const char *
state_colour(unsigned state)
{
	switch (state) {
	case PMT_TRACE_STATE_READY:
		return "thread_state_runnable";
	case PMT_TRACE_STATE_RUNNING:
		return "thread_state_running";
	default:
		return "thread_state_uninterruptible";
	}
}

static const char *
wait_name(unsigned wait)
{
	switch (wait) {
	case PMT_TRACE_WAIT_JOIN:
		return "join";
	case PMT_TRACE_WAIT_MUTEX:
		return "mutex";
	case PMT_TRACE_WAIT_COND:
		return "cond";
	case PMT_TRACE_WAIT_SEM:
		return "sem";
	case PMT_TRACE_WAIT_SLEEP:
		return "sleep";
	default:
		return "unknown";
	}
}

static const char *
reason_name(unsigned reason)
{
	switch (reason) {
	case PMT_TRACE_SWITCH_YIELD:
		return "yield";
	case PMT_TRACE_SWITCH_TICK:
		return "preempt";
	case PMT_TRACE_SWITCH_HIGHER:
		return "higher";
	case PMT_TRACE_SWITCH_BLOCK:
		return "block";
	case PMT_TRACE_SWITCH_EXIT:
		return "exit";
	default:
		return "unknown";
	}
}

/* A wait's result: "ok", or the error's name. */
static const char *
result_name(unsigned result)
{
	switch (result) {
	case 0:
		return "ok";
#define RESULT_NAME_(name, value, text)                                        \
	case value:                                                            \
		return #name;
		PMT_ERRORS(RESULT_NAME_)
#undef RESULT_NAME_
	default:
		return "unknown";
	}
}

/* ---------------------------------------------------------------- threads */

/* What the writer knows of a thread, in the slot of its id.  A slot is
 * reused only after its thread has finished, so one lane per slot is
 * enough; a new id there retires the old one. */
struct lane {
	pmt_t tid;        /* PMT_THREAD_NONE: unused */
	uint8_t state;    /* PMT_TRACE_STATE_*, or 0 before its first event */
	uint8_t wait;     /* PMT_TRACE_WAIT_* while BLOCKED */
	uint8_t prio;     /* its effective priority */
	uint8_t named;    /* name[] holds the name from NAME events */
	pmt_t waitfor;    /* the thread it waits for while BLOCKED */
	pmt_time_t since; /* when it took its state */
	char name[PMT_NAME_MAX];
};

/* The writer's state: static (a table of PMT_CONFIG_MAX_THREADS lanes),
 * so one writer at a time. */
static struct {
	struct lane lanes[PMT_CONFIG_MAX_THREADS];
	struct out *o;
	long pid;
	pmt_time_t origin; /* time 0: the oldest event held */
	pmt_t running;     /* the thread that holds the CPU */
	int any;           /* an event was written: the next needs a comma */
} w;

static int busy;

/* Opens a trace event: {"name":NAME,"ph":PH,"ts":..,"pid":..,"tid":TID;
 * the caller adds its members and the closing brace. */
static void
event(const char *name, const char *ph, pmt_t tid, pmt_time_t time)
{
	struct out *o = w.o;

	out_str(o, w.any ? ",\n{\"name\":" : "\n{\"name\":");
	w.any = 1;
	out_jstr(o, name);
	out_str(o, ",\"ph\":\"");
	out_str(o, ph);
	out_str(o, "\",\"ts\":");
	out_us(o, time - w.origin);
	out_str(o, ",\"pid\":");
	out_u64(o, (uint64_t)w.pid);
	out_str(o, ",\"tid\":");
	out_u64(o, tid);
}

/* An instant event on tid's lane, with args to fill in (NULL: none). */
static void
instant(const char *name, pmt_t tid, pmt_time_t time, const char *args)
{
	event(name, "i", tid, time);
	out_str(w.o, ",\"s\":\"t\",\"cat\":\"sched\"");
	if (args != NULL) {
		out_str(w.o, ",\"args\":{");
		out_str(w.o, args);
	}
}

/* ,"KEY":N */
static void
arg_num(const char *key, uint64_t n)
{
	out_str(w.o, ",\"");
	out_str(w.o, key);
	out_str(w.o, "\":");
	out_u64(w.o, n);
}

/* ,"KEY":"S" */
static void
arg_str(const char *key, const char *s)
{
	out_str(w.o, ",\"");
	out_str(w.o, key);
	out_str(w.o, "\":");
	out_jstr(w.o, s);
}

/* The slice l has been in since l->since ends at until: a complete event
 * named after the state.  end, for a running slice, says why it ended. */
static void
slice(struct lane *l, pmt_time_t until, const char *end)
{
	struct out *o = w.o;

	if (l->state < PMT_TRACE_STATE_READY ||
	    l->state > PMT_TRACE_STATE_BLOCKED || until <= l->since)
		return;
	event(state_name(l->state), "X", l->tid, l->since);
	out_str(o, ",\"dur\":");
	out_us(o, until - l->since);
	out_str(o, ",\"cat\":\"state\",\"cname\":\"");
	out_str(o, state_colour(l->state));
	out_str(o, "\",\"args\":{\"prio\":");
	out_u64(o, l->prio);
	if (l->state == PMT_TRACE_STATE_BLOCKED) {
		arg_str("on", wait_name(l->wait));
		if (l->waitfor != PMT_THREAD_NONE)
			arg_num("for", l->waitfor);
	}
	if (end != NULL)
		arg_str("end", end);
	out_str(o, "}}");
}

/* l takes state at time. */
static void
become(struct lane *l, unsigned state, pmt_time_t time)
{
	l->state = (uint8_t)state;
	l->since = time;
}

/* Metadata of a lane whose thread is done with or whose trace ends: its
 * name (from the trace, or from the thread table while the thread is
 * there) and its place, by id. */
static void
retire(struct lane *l)
{
	const char *name = l->named ? l->name : NULL;
	struct out *o = w.o;

	if (name == NULL && (pmt_getname(l->tid, &name) != 0 || name == NULL))
		name = NULL;
	if (name != NULL) {
		event("thread_name", "M", l->tid, w.origin);
		out_str(o, ",\"args\":{\"name\":");
		out_jstr(o, name);
		out_str(o, "}}");
	}
	event("thread_sort_index", "M", l->tid, w.origin);
	out_str(o, ",\"args\":{\"sort_index\":");
	out_u64(o, l->tid);
	out_str(o, "}}");
	l->tid = PMT_THREAD_NONE;
}

/* The lane of thread tid at time: a thread not seen before starts in an
 * unknown state at the origin. */
static struct lane *
lane(pmt_t tid, pmt_time_t time)
{
	struct lane *l = &w.lanes[tid % PMT_CONFIG_MAX_THREADS];

	if (l->tid == tid)
		return l;
	if (l->tid != PMT_THREAD_NONE) {
		slice(l, time, NULL);
		retire(l);
	}
	memset(l, 0, sizeof *l);
	l->tid = tid;
	l->since = w.origin;
	return l;
}

/* A lane in an unknown state was in state all along. */
static void
assume(struct lane *l, unsigned state)
{
	if (l->state == 0)
		l->state = (uint8_t)state;
}

/* One event of the ring. */
static void
convert(const struct pmt_trace_event *e)
{
	struct lane *l = lane(e->thread, e->time), *n;
	pmt_time_t t = e->time;
	unsigned off, i;

	switch (e->kind) {
	case PMT_TRACE_THREAD:
	case PMT_TRACE_SPAWN:
		slice(l, t, NULL);
		become(l, e->detail, t);
		l->prio = e->prio;
		if (e->detail == PMT_TRACE_STATE_BLOCKED) {
			l->wait = (uint8_t)e->arg;
			l->waitfor = e->other;
		}
		if (e->detail == PMT_TRACE_STATE_RUNNING)
			w.running = e->thread;
		if (e->kind == PMT_TRACE_SPAWN) {
			instant("spawn", e->thread, t, "\"prio\":");
			out_u64(w.o, e->prio);
			if (e->other != PMT_THREAD_NONE)
				arg_num("by", e->other);
			out_str(w.o, "}}");
		}
		break;
	case PMT_TRACE_NAME:
		off = e->detail & ~PMT_TRACE_NAME_LAST & 0xffu;
		if (off >= sizeof l->name - 1)
			break;
		if (off == 0)
			l->named = 0;
		for (i = 0; i < 8 && off + i < sizeof l->name - 1; i++)
			l->name[off + i] = (char)((i < 4 ? e->other : e->arg) >>
			                          (8 * (i % 4)));
		l->name[off + i] = '\0';
		if ((e->detail & PMT_TRACE_NAME_LAST) != 0)
			l->named = 1;
		break;
	case PMT_TRACE_SWITCH:
		assume(l, PMT_TRACE_STATE_RUNNING);
		if (l->state == PMT_TRACE_STATE_RUNNING) {
			slice(l, t, reason_name(e->detail));
			if (e->detail == PMT_TRACE_SWITCH_BLOCK)
				become(l, PMT_TRACE_STATE_BLOCKED, t);
			else if (e->detail == PMT_TRACE_SWITCH_EXIT)
				become(l, PMT_TRACE_STATE_DONE, t);
			else
				become(l, PMT_TRACE_STATE_READY, t);
		}
		n = lane(e->other, t);
		assume(n, PMT_TRACE_STATE_READY);
		slice(n, t, NULL);
		become(n, PMT_TRACE_STATE_RUNNING, t);
		n->prio = (uint8_t)e->arg;
		w.running = e->other;
		break;
	case PMT_TRACE_BLOCK:
		assume(l, PMT_TRACE_STATE_RUNNING);
		slice(l, t, "block");
		become(l, PMT_TRACE_STATE_BLOCKED, t);
		l->wait = e->detail;
		l->waitfor = e->other;
		instant("block", e->thread, t, "\"on\":");
		out_jstr(w.o, wait_name(e->detail));
		if (e->other != PMT_THREAD_NONE)
			arg_num("for", e->other);
		if (e->arg != 0)
			out_str(w.o, ",\"timed\":true");
		out_str(w.o, "}}");
		break;
	case PMT_TRACE_WAKE:
		assume(l, PMT_TRACE_STATE_BLOCKED);
		slice(l, t, NULL);
		/* Woken while it idled, the thread runs on without a switch. */
		become(l,
		    e->thread == w.running ? PMT_TRACE_STATE_RUNNING
		                           : PMT_TRACE_STATE_READY,
		    t);
		instant("wake", e->thread, t, "\"result\":");
		out_jstr(w.o, result_name(e->detail));
		if (e->other != PMT_THREAD_NONE && e->other != e->thread)
			arg_num("by", e->other);
		out_str(w.o, "}}");
		break;
	case PMT_TRACE_EXIT:
		slice(l, t, "exit");
		become(l, PMT_TRACE_STATE_DONE, t);
		instant("exit", e->thread, t,
		    e->detail == PMT_TRACE_EXIT_OVERFLOW ? "\"overflow\":true}}"
		                                         : NULL);
		if (e->detail != PMT_TRACE_EXIT_OVERFLOW)
			out_char(w.o, '}');
		break;
	case PMT_TRACE_PREEMPT:
		instant("preempt", e->thread, t, NULL);
		out_char(w.o, '}');
		break;
	case PMT_TRACE_TICK:
		instant("tick", e->thread, t,
		    e->detail != 0 ? "\"deferred\":true}}" : NULL);
		if (e->detail == 0)
			out_char(w.o, '}');
		break;
	case PMT_TRACE_PRIO:
		instant("prio", e->thread, t, "\"from\":");
		out_u64(w.o, e->arg);
		arg_num("to", e->prio);
		out_str(w.o, "}}");
		l->prio = e->prio;
		break;
	default: /* a kind this writer does not know */
		break;
	}
}

/* The process's name for its metadata. */
static const char *
program_name(void)
{
#ifdef __GLIBC__
	if (program_invocation_short_name != NULL &&
	    *program_invocation_short_name != '\0')
		return program_invocation_short_name;
#endif
	return "libpmt";
}

/* Thread context.  The trace as JSON to o; 0, or PMT_E*. */
static int
write_json(struct out *o)
{
	struct pmt_trace_info info;
	struct pmt_trace_event ev[32];
	uint64_t seq, end;
	pmt_time_t last;
	size_t n, i;
	int error;
	unsigned s;

	error = pmt_trace_info(&info);
	if (error != 0)
		return error;
	/* What the trace holds now; events that come meanwhile are left. */
	end = info.first + info.count;
	last = info.running ? pmt_now() : info.stopped;
	memset(&w, 0, sizeof w);
	w.o = o;
	w.pid = (long)getpid();
	w.origin = info.started;
	seq = info.first;
	if (info.count > 0) {
		/* Time 0 is the oldest event held. */
		error = pmt_trace_read(&seq, ev, 1, &n);
		if (error == 0 && n == 1)
			w.origin = ev[0].time;
		seq = info.first;
	}
	if (last < w.origin)
		last = w.origin;
	out_str(o, "{\"traceEvents\":[");
	event("process_name", "M", 0, w.origin);
	out_str(o, ",\"args\":{\"name\":");
	out_jstr(o, program_name());
	out_str(o, "}}");
	while (seq < end && o->error == 0) {
		error = pmt_trace_read(
		    &seq, ev, end - seq < 32 ? (size_t)(end - seq) : 32, &n);
		if (error != 0 || n == 0)
			break;
		for (i = 0; i < n; i++) {
			if (ev[i].time > last)
				last = ev[i].time;
			convert(&ev[i]);
		}
	}
	for (s = 0; s < PMT_CONFIG_MAX_THREADS; s++) {
		if (w.lanes[s].tid == PMT_THREAD_NONE)
			continue;
		slice(&w.lanes[s], last, NULL);
		retire(&w.lanes[s]);
	}
	out_str(o, "\n],\n\"displayTimeUnit\":\"ns\",\n\"otherData\":{");
	out_str(o, "\"producer\":\"libpmt " PACKAGE_VERSION "\"");
	out_str(o, ",\"clock\":\"pmt_now\",\"origin_ns\":\"");
	out_u64(o, w.origin);
	out_str(o, "\",\"recorded\":");
	out_u64(o, info.recorded);
	out_str(o, ",\"held\":");
	out_u64(o, info.count);
	out_str(o, ",\"lost\":");
	out_u64(o, info.lost);
	out_str(o, ",\"wraps\":");
	out_str(o, (info.flags & PMT_TRACE_NOWRAP) != 0 ? "false" : "true");
	out_str(o, "}}\n");
	out_flush(o);
	return o->error != 0 ? PMT_ESYS : 0;
}

/* Thread context. */
int
pmt_trace_write_json(int fd)
{
	struct out o;
	int saved = errno, error;

	if (fd < 0)
		return PMT_EINVAL;
	if (__atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE) != 0)
		return PMT_EBUSY;
	o.fd = fd;
	o.error = 0;
	o.len = 0;
	error = write_json(&o);
	__atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
	errno = saved;
	return error;
}

/* ---------------------------------------------------------------- PMT_TRACE */

#ifndef PMT_TRACE_ENV_EVENTS
#define PMT_TRACE_ENV_EVENTS 65536
#endif

/* The ring of the trace PMT_TRACE starts: in BSS, so that its pages cost
 * nothing until the trace writes them. */
static struct pmt_trace_event env_events[PMT_TRACE_ENV_EVENTS];
static int env_fd = -1;
static const char *env_path;
static pid_t env_pid;

/* Thread context: a one-line message through the port. */
static void say(const char *format, ...) PMT_PRINTF_(1, 2);

static void
say(const char *format, ...)
{
	char line[512];
	va_list ap;

	memcpy(line, "libpmt: ", 8);
	va_start(ap, format);
	vsnprintf(line + 8, sizeof line - 8, format, ap);
	va_end(ap);
	pmt_port_report(line);
}

/* At exit, in the process that started the trace: the trace to the file
 * PMT_TRACE names, whichever trace the library holds by then. */
static void
write_at_exit(void)
{
	struct out o;
	int saved = errno;

	if (env_fd < 0 || getpid() != env_pid)
		return;
	/* The process is ending: no other thread runs from here on. */
	(void)pmt_preempt_disable();
	(void)pmt_trace_stop();
	o.fd = env_fd;
	o.error = 0;
	o.len = 0;
	if (__atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE) != 0) {
		say("PMT_TRACE=%s: another trace is being written; "
		    "this one is lost",
		    env_path);
	} else {
		(void)write_json(&o);
		__atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
	}
	if (close(env_fd) != 0 && o.error == 0)
		o.error = errno;
	if (o.error != 0)
		say("PMT_TRACE=%s: cannot write the trace: %s", env_path,
		    strerror(o.error));
	env_fd = -1;
	errno = saved;
}

/* Thread context, once, from pmt_port_init(). */
void
pmt_posix_trace_init(void)
{
	const char *path = getenv("PMT_TRACE"), *s;
	unsigned long n = PMT_TRACE_ENV_EVENTS;
	unsigned flags = 0;
	char *end;
	int fd, saved = errno;

	if (path == NULL || *path == '\0')
		return;
	s = getenv("PMT_TRACE_EVENTS");
	if (s != NULL && *s != '\0') {
		errno = 0;
		n = strtoul(s, &end, 10);
		if (errno != 0 || *end != '\0' || *s == '-' || n == 0 ||
		    n > PMT_TRACE_ENV_EVENTS) {
			say("PMT_TRACE_EVENTS=%s: not a number from 1 to "
			    "%lu; using %lu",
			    s, (unsigned long)PMT_TRACE_ENV_EVENTS,
			    (unsigned long)PMT_TRACE_ENV_EVENTS);
			n = PMT_TRACE_ENV_EVENTS;
		}
	}
	s = getenv("PMT_TRACE_MODE");
	if (s != NULL && strcmp(s, "first") == 0)
		flags = PMT_TRACE_NOWRAP;
	else if (s != NULL && *s != '\0' && strcmp(s, "last") != 0)
		say("PMT_TRACE_MODE=%s: not first or last; using last", s);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		say("PMT_TRACE=%s: %s; not tracing", path, strerror(errno));
	} else if (pmt_trace_start(env_events, (size_t)n, flags) != 0) {
		close(fd);
	} else {
		env_fd = fd;
		env_path = path;
		env_pid = getpid();
		if (atexit(write_at_exit) != 0)
			say("PMT_TRACE=%s: no room for an atexit handler; "
			    "the trace will not be written",
			    path);
	}
	errno = saved;
}

#else /* !PMT_CONFIG_TRACE */

int
pmt_trace_write_json(int fd)
{
	(void)fd;
	return PMT_ENOSYS;
}

void
pmt_posix_trace_init(void)
{
	const char *path = getenv("PMT_TRACE");

	if (path != NULL && *path != '\0')
		pmt_port_report("libpmt: PMT_TRACE: this libpmt was built "
		                "without the trace (--disable-trace)");
}

#endif /* PMT_CONFIG_TRACE */
