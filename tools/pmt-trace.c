/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * pmt-trace.c - draws a libpmt scheduling trace (the JSON that
 * pmt_trace_write_json() and PMT_TRACE write) as an SVG timeline: one lane
 * per thread, coloured by state, with the ticks, preemptions and exits
 * marked and a time axis; or, with -s, sums it up as a table.  Plain C and
 * the C library; see pmt-trace(1).
 *
 * It reads the trace a line at a time and takes each line that holds one
 * JSON object as one event, as libpmt writes them; a trace from elsewhere
 * works if it does the same.  Complete events ("X") named running, ready
 * or blocked are the lanes' slices; instants ("i") named tick, preempt and
 * exit are marked; metadata ("M") names the lanes and orders them.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROGRAM "pmt-trace"

/* ---------------------------------------------------------------- data */

enum state { RUNNING, READY, BLOCKED, NSTATES };
enum mark { TICK, PREEMPT, EXIT, NMARKS };

static const char *const state_names[NSTATES] = {"running", "ready", "blocked"};
static const char *const state_colours[NSTATES] = {
    "#3a9e4f", "#f2c12e", "#8796ab"};
static const char *const mark_names[NMARKS] = {"tick", "preempt", "exit"};

struct lane {
	double tid;
	char *name;           /* from thread_name, or NULL */
	double sort;          /* from thread_sort_index, else the id */
	size_t index;         /* where the lane was before sorting */
	double busy[NSTATES]; /* microseconds in each state (-s) */
	unsigned long slices[NSTATES], marks[NMARKS];
};

struct slice {
	double ts, dur; /* microseconds */
	size_t lane;
	enum state state;
};

struct point {
	double ts;
	size_t lane;
	enum mark mark;
};

static struct lane *lanes;
static size_t nlanes, lanes_cap;
static struct slice *slices;
static size_t nslices, slices_cap;
static struct point *points;
static size_t npoints, points_cap;

static void *
xrealloc(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size) {
		fprintf(stderr, PROGRAM ": trace too large\n");
		exit(1);
	}
	p = realloc(p, n * size);
	if (p == NULL) {
		fprintf(stderr, PROGRAM ": out of memory\n");
		exit(1);
	}
	return p;
}

/* Room for one more in an array of n of cap. */
#define GROW(array, n, cap)                                                    \
	do {                                                                   \
		if ((n) == (cap)) {                                            \
			(cap) = (cap) != 0 ? 2 * (cap) : 64;                   \
			(array) = xrealloc((array), (cap), sizeof *(array));   \
		}                                                              \
	} while (0)

/* The lane of thread tid, made when new. */
static size_t
lane_of(double tid)
{
	static size_t last;
	size_t i;

	/* Events come in runs of one thread's. */
	if (last < nlanes && lanes[last].tid == tid)
		return last;
	for (i = 0; i < nlanes; i++)
		if (lanes[i].tid == tid)
			return last = i;
	last = nlanes;
	GROW(lanes, nlanes, lanes_cap);
	memset(&lanes[nlanes], 0, sizeof lanes[nlanes]);
	lanes[nlanes].tid = tid;
	lanes[nlanes].sort = tid;
	return nlanes++;
}

/* ---------------------------------------------------------------- JSON */

/* An event as far as it matters here. */
struct event {
	char name[64];
	char ph[4];
	double ts, dur, tid;
	int has_ts, has_tid;
	char *arg_name; /* args.name, allocated */
	double sort_index;
	int has_sort;
};

static void
skip_space(const char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\r' || **p == '\n')
		(*p)++;
}

/* Four hex digits at *p, advanced past them; -1 when they are not. */
static long
hex4(const char **p)
{
	long v = 0;
	int i, c;

	for (i = 0; i < 4; i++) {
		c = (unsigned char)(*p)[i];
		if (c >= '0' && c <= '9')
			v = v * 16 + (c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v = v * 16 + ((c | 0x20) - 'a' + 10);
		else
			return -1;
	}
	*p += 4;
	return v;
}

/* Appends code point c to buf[*n] in UTF-8, if it fits in size. */
static void
put_utf8(char *buf, size_t size, size_t *n, unsigned long c)
{
	char u[4];
	size_t k, len;

	if (c < 0x80) {
		u[0] = (char)c;
		len = 1;
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | c >> 6);
		u[1] = (char)(0x80 | (c & 0x3f));
		len = 2;
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | c >> 12);
		u[1] = (char)(0x80 | (c >> 6 & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		len = 3;
	} else {
		u[0] = (char)(0xf0 | c >> 18);
		u[1] = (char)(0x80 | (c >> 12 & 0x3f));
		u[2] = (char)(0x80 | (c >> 6 & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		len = 4;
	}
	if (buf == NULL || *n + len >= size)
		return;
	for (k = 0; k < len; k++)
		buf[(*n)++] = u[k];
}

/* A JSON string at *p into buf, in UTF-8 (truncated to size; NULL:
 * skipped).  Returns 0, or -1 when it is not one. */
static int
parse_string(const char **p, char *buf, size_t size)
{
	const char *s = *p;
	size_t n = 0;
	long c, lo;

	if (*s++ != '"')
		return -1;
	while (*s != '"') {
		if (*s == '\0')
			return -1;
		c = (unsigned char)*s++;
		if (c != '\\') {
			if (buf != NULL && n + 1 < size)
				buf[n++] = (char)c;
			continue;
		}
		switch (*s++) {
		case 'b':
			c = '\b';
			break;
		case 'f':
			c = '\f';
			break;
		case 'n':
			c = '\n';
			break;
		case 'r':
			c = '\r';
			break;
		case 't':
			c = '\t';
			break;
		case 'u':
			if ((c = hex4(&s)) < 0)
				return -1;
			/* A surrogate pair is one code point; a lone
			 * surrogate becomes U+FFFD. */
			if (c >= 0xd800 && c <= 0xdbff && s[0] == '\\' &&
			    s[1] == 'u') {
				s += 2;
				if ((lo = hex4(&s)) < 0)
					return -1;
				if (lo >= 0xdc00 && lo <= 0xdfff)
					c = 0x10000 + ((c - 0xd800) << 10) +
					    (lo - 0xdc00);
				else
					c = 0xfffd;
			} else if (c >= 0xd800 && c <= 0xdfff) {
				c = 0xfffd;
			}
			break;
		case '\0':
			return -1;
		default: /* " \ / */
			c = (unsigned char)s[-1];
			break;
		}
		put_utf8(buf, size, &n, (unsigned long)c);
	}
	if (buf != NULL && size > 0)
		buf[n] = '\0';
	*p = s + 1;
	return 0;
}

static int
parse_number(const char **p, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(*p, &end);
	if (end == *p || errno == ERANGE)
		return -1;
	*p = end;
	return 0;
}

/* Any JSON value, skipped.  Nesting is bounded by the line. */
static int
skip_value(const char **p)
{
	double v;
	char close;

	skip_space(p);
	switch (**p) {
	case '"':
		return parse_string(p, NULL, 0);
	case '{':
	case '[':
		close = **p == '{' ? '}' : ']';
		(*p)++;
		skip_space(p);
		if (**p == close) {
			(*p)++;
			return 0;
		}
		for (;;) {
			if (close == '}') {
				if (parse_string(p, NULL, 0) != 0)
					return -1;
				skip_space(p);
				if (*(*p)++ != ':')
					return -1;
			}
			if (skip_value(p) != 0)
				return -1;
			skip_space(p);
			if (**p == close) {
				(*p)++;
				return 0;
			}
			if (*(*p)++ != ',')
				return -1;
			skip_space(p);
		}
	case 't':
		return strncmp(*p, "true", 4) == 0 ? (*p += 4, 0) : -1;
	case 'f':
		return strncmp(*p, "false", 5) == 0 ? (*p += 5, 0) : -1;
	case 'n':
		return strncmp(*p, "null", 4) == 0 ? (*p += 4, 0) : -1;
	default:
		return parse_number(p, &v);
	}
}

/* The args object of a metadata event: its name or sort_index. */
static int
parse_args(const char **p, struct event *e)
{
	char key[32], name[256];

	skip_space(p);
	if (**p != '{')
		return skip_value(p);
	(*p)++;
	skip_space(p);
	if (**p == '}') {
		(*p)++;
		return 0;
	}
	for (;;) {
		if (parse_string(p, key, sizeof key) != 0)
			return -1;
		skip_space(p);
		if (*(*p)++ != ':')
			return -1;
		skip_space(p);
		if (strcmp(key, "name") == 0 && **p == '"') {
			if (parse_string(p, name, sizeof name) != 0)
				return -1;
			free(e->arg_name);
			e->arg_name = strdup(name);
		} else if (strcmp(key, "sort_index") == 0) {
			if (parse_number(p, &e->sort_index) != 0)
				return -1;
			e->has_sort = 1;
		} else if (skip_value(p) != 0) {
			return -1;
		}
		skip_space(p);
		if (**p == '}') {
			(*p)++;
			return 0;
		}
		if (*(*p)++ != ',')
			return -1;
		skip_space(p);
	}
}

/* One line: an event object, perhaps between commas.  Returns 0 when it
 * held one. */
static int
parse_event(const char *line, struct event *e)
{
	const char *p = line;
	char key[32];
	int ok;

	memset(e, 0, sizeof *e);
	skip_space(&p);
	if (*p == ',')
		p++;
	skip_space(&p);
	if (*p++ != '{')
		return -1;
	skip_space(&p);
	for (ok = 0; !ok;) {
		if (parse_string(&p, key, sizeof key) != 0)
			return -1;
		skip_space(&p);
		if (*p++ != ':')
			return -1;
		skip_space(&p);
		if (strcmp(key, "name") == 0) {
			if (parse_string(&p, e->name, sizeof e->name) != 0)
				return -1;
		} else if (strcmp(key, "ph") == 0) {
			if (parse_string(&p, e->ph, sizeof e->ph) != 0)
				return -1;
		} else if (strcmp(key, "ts") == 0) {
			if (parse_number(&p, &e->ts) != 0)
				return -1;
			e->has_ts = 1;
		} else if (strcmp(key, "dur") == 0) {
			if (parse_number(&p, &e->dur) != 0)
				return -1;
		} else if (strcmp(key, "tid") == 0) {
			if (parse_number(&p, &e->tid) != 0)
				return -1;
			e->has_tid = 1;
		} else if (strcmp(key, "args") == 0) {
			if (parse_args(&p, e) != 0)
				return -1;
		} else if (skip_value(&p) != 0) {
			return -1;
		}
		skip_space(&p);
		if (*p == '}')
			ok = 1;
		else if (*p++ != ',')
			return -1;
		skip_space(&p);
	}
	return e->ph[0] != '\0' ? 0 : -1;
}

/* Files the event where it belongs; 1 when it was one of ours. */
static int
take(struct event *e)
{
	size_t l;
	int i;

	if (!e->has_tid)
		return 0;
	if (strcmp(e->ph, "M") == 0) {
		if (strcmp(e->name, "thread_name") == 0 &&
		    e->arg_name != NULL) {
			l = lane_of(e->tid);
			free(lanes[l].name);
			lanes[l].name = e->arg_name;
			e->arg_name = NULL;
			return 1;
		}
		if (strcmp(e->name, "thread_sort_index") == 0 && e->has_sort) {
			lanes[lane_of(e->tid)].sort = e->sort_index;
			return 1;
		}
		return 0;
	}
	if (!e->has_ts)
		return 0;
	if (strcmp(e->ph, "X") == 0) {
		for (i = 0; i < NSTATES; i++)
			if (strcmp(e->name, state_names[i]) == 0)
				break;
		if (i == NSTATES || e->dur < 0)
			return 0;
		GROW(slices, nslices, slices_cap);
		slices[nslices].ts = e->ts;
		slices[nslices].dur = e->dur;
		slices[nslices].lane = lane_of(e->tid);
		slices[nslices].state = (enum state)i;
		nslices++;
		return 1;
	}
	if (strcmp(e->ph, "i") == 0 || strcmp(e->ph, "I") == 0) {
		for (i = 0; i < NMARKS; i++)
			if (strcmp(e->name, mark_names[i]) == 0)
				break;
		if (i == NMARKS)
			return 0;
		GROW(points, npoints, points_cap);
		points[npoints].ts = e->ts;
		points[npoints].lane = lane_of(e->tid);
		points[npoints].mark = (enum mark)i;
		npoints++;
		return 1;
	}
	return 0;
}

/* Reads the trace from f; returns the number of events taken. */
static unsigned long
read_trace(FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	unsigned long n = 0;
	struct event e;

	while (getline(&line, &cap, f) >= 0) {
		if (parse_event(line, &e) == 0)
			n += (unsigned long)take(&e);
		free(e.arg_name);
	}
	free(line);
	return n;
}

/* ---------------------------------------------------------------- SVG */

static int
by_lane_order(const void *a, const void *b)
{
	const struct lane *x = a, *y = b;

	if (x->sort != y->sort)
		return x->sort < y->sort ? -1 : 1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

static int
by_lane_time(const void *a, const void *b)
{
	const struct slice *x = a, *y = b;

	if (x->lane != y->lane)
		return x->lane < y->lane ? -1 : 1;
	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

static int
points_by_lane(const void *a, const void *b)
{
	const struct point *x = a, *y = b;

	if (x->lane != y->lane)
		return x->lane < y->lane ? -1 : 1;
	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

/* The length of the UTF-8 sequence at s, or 0 when it is not one. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t need, i;

	if (*s < 0x80)
		return 1;
	if (*s >= 0xc2 && *s <= 0xdf)
		need = 1;
	else if (*s >= 0xe0 && *s <= 0xef)
		need = 2;
	else if (*s >= 0xf0 && *s <= 0xf4)
		need = 3;
	else
		return 0;
	for (i = 1; i <= need; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return need + 1;
}

/* Text for SVG, which is UTF-8 XML: markup escaped, and control
 * characters (not allowed in XML 1.0) and bytes that are not UTF-8
 * shown as '?'. */
static void
put_text(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len;

	while (*p != '\0') {
		len = 1;
		if (*p == '&')
			fputs("&amp;", out);
		else if (*p == '<')
			fputs("&lt;", out);
		else if (*p == '>')
			fputs("&gt;", out);
		else if (*p == '"')
			fputs("&quot;", out);
		else if (*p >= 0x20 && (len = utf8_len(p)) != 0)
			fwrite(p, 1, len, out);
		else
			fputc('?', out);
		p += len != 0 ? len : 1;
	}
}

/* The round step (1, 2 or 5 times a power of ten microseconds, 1 ns at
 * least) that cuts span into at most n pieces. */
static double
nice_step(double span, int n)
{
	double raw = span / n, step = 1e-3;

	for (;;) {
		if (step >= raw)
			return step;
		if (step * 2 >= raw)
			return step * 2;
		if (step * 5 >= raw)
			return step * 5;
		step *= 10;
	}
}

/* A time in microseconds, in the unit that suits step. */
static void
put_time(FILE *out, double us, double step)
{
	if (step >= 1e6)
		fprintf(out, "%g s", us / 1e6);
	else if (step >= 1e3)
		fprintf(out, "%g ms", us / 1e3);
	else
		fprintf(out, "%g \xc2\xb5s", us);
}

/* Lane layout, in pixels. */
#define LABEL_W 150
#define LANE_H 22
#define LANE_GAP 6
#define TOP 56
#define RIGHT 24

static void
draw(FILE *out, const char *title, double from, double to, int width)
{
	double scale, x0, x1, last_end, step, t;
	int height, y, i;
	size_t l, s, p, run;
	struct slice *sl;

	if (to <= from)
		to = from + 1;
	scale = (width - LABEL_W - RIGHT) / (to - from);
	height = TOP + (int)nlanes * (LANE_H + LANE_GAP) + 50;
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(out,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" "
	    "font-size=\"12\">\n",
	    width, height, width, height);
	fputs("<title>", out);
	put_text(out, title);
	fputs("</title>\n", out);
	fprintf(out, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n",
	    width, height);
	fputs("<text x=\"8\" y=\"18\" font-size=\"14\" font-weight=\"bold\">",
	    out);
	put_text(out, title);
	fputs("</text>\n", out);

	/* Time axis: a grid line and a label at each round step. */
	step = nice_step(to - from, (width - LABEL_W - RIGHT) / 90 + 1);
	fputs("<g class=\"axis\" stroke=\"#d0d0d0\" font-size=\"10\">\n", out);
	for (t = (double)(long long)(from / step) * step; t <= to; t += step) {
		if (t < from)
			continue;
		x0 = LABEL_W + (t - from) * scale;
		fprintf(out,
		    "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\"/>", x0,
		    TOP - 6, x0, TOP + (int)nlanes * (LANE_H + LANE_GAP));
		fprintf(out,
		    "<text x=\"%.2f\" y=\"%d\" stroke=\"none\" "
		    "text-anchor=\"middle\">",
		    x0, TOP - 10);
		put_time(out, t, step);
		fputs("</text>\n", out);
	}
	fputs("</g>\n", out);

	/* The lanes, each slice clipped to the window; slices that fall in
	 * a pixel already painted in the lane are left out.  Slices and
	 * marks are sorted by lane. */
	s = p = 0;
	for (l = 0; l < nlanes; l++) {
		y = TOP + (int)l * (LANE_H + LANE_GAP);
		fprintf(out, "<g class=\"lane\" data-tid=\"%.0f\">\n",
		    lanes[l].tid);
		fprintf(out, "<text x=\"8\" y=\"%d\">", y + LANE_H - 7);
		if (lanes[l].name != NULL)
			put_text(out, lanes[l].name);
		else
			fprintf(out, "thread %.0f", lanes[l].tid);
		fputs("</text>\n", out);
		fprintf(out,
		    "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
		    "fill=\"#f4f4f4\"/>\n",
		    LABEL_W, y, width - LABEL_W - RIGHT, LANE_H);
		last_end = -1;
		for (; s < nslices && slices[s].lane == l; s++) {
			sl = &slices[s];
			if (sl->ts + sl->dur < from || sl->ts > to)
				continue;
			x0 = LABEL_W +
			     ((sl->ts < from ? from : sl->ts) - from) * scale;
			x1 = LABEL_W +
			     ((sl->ts + sl->dur > to ? to : sl->ts + sl->dur) -
			         from) *
			         scale;
			if (x1 - x0 < 1 && x1 <= last_end)
				continue;
			if (x1 - x0 < 0.25)
				x1 = x0 + 0.25;
			fprintf(out,
			    "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" "
			    "height=\"%d\" fill=\"%s\">",
			    x0, y, x1 - x0, LANE_H, state_colours[sl->state]);
			fprintf(out,
			    "<title>%s %.3f \xc2\xb5s</title></rect>\n",
			    state_names[sl->state], sl->dur);
			last_end = x1 < x0 + 1 ? x0 + 1 : x1;
		}
		/* Marks: ticks at the top, preemptions as a red triangle,
		 * exits as a bar at the end. */
		for (; p < npoints && points[p].lane == l; p++) {
			if (points[p].ts < from || points[p].ts > to)
				continue;
			x0 = LABEL_W + (points[p].ts - from) * scale;
			switch (points[p].mark) {
			case TICK:
				fprintf(out,
				    "<line class=\"tick\" x1=\"%.2f\" "
				    "y1=\"%d\" x2=\"%.2f\" y2=\"%d\" "
				    "stroke=\"#202020\"/>\n",
				    x0, y - 3, x0, y + 5);
				break;
			case PREEMPT:
				fprintf(out,
				    "<path class=\"preempt\" d=\"M%.2f %d "
				    "l-4 -6 h8 z\" fill=\"#d03030\"/>\n",
				    x0, y + 6);
				break;
			default:
				fprintf(out,
				    "<rect class=\"exit\" x=\"%.2f\" y=\"%d\" "
				    "width=\"2\" height=\"%d\" "
				    "fill=\"#202020\"/>\n",
				    x0 - 1, y, LANE_H);
				break;
			}
		}
		fputs("</g>\n", out);
	}

	/* Legend. */
	y = TOP + (int)nlanes * (LANE_H + LANE_GAP) + 20;
	fprintf(out, "<g class=\"legend\" transform=\"translate(%d %d)\">\n",
	    LABEL_W, y);
	for (i = 0, run = 0; i < NSTATES; i++, run += 90)
		fprintf(out,
		    "<rect x=\"%zu\" y=\"0\" width=\"14\" height=\"14\" "
		    "fill=\"%s\"/><text x=\"%zu\" y=\"11\">%s</text>\n",
		    run, state_colours[i], run + 18, state_names[i]);
	fprintf(out,
	    "<line x1=\"%zu\" y1=\"0\" x2=\"%zu\" y2=\"8\" stroke=\"#202020\"/>"
	    "<text x=\"%zu\" y=\"11\">tick</text>\n",
	    run + 7, run + 7, run + 18);
	run += 70;
	fprintf(out,
	    "<path d=\"M%zu 12 l-4 -6 h8 z\" fill=\"#d03030\"/>"
	    "<text x=\"%zu\" y=\"11\">preempted</text>\n",
	    run + 7, run + 18);
	run += 100;
	fprintf(out,
	    "<rect x=\"%zu\" y=\"0\" width=\"2\" height=\"14\" "
	    "fill=\"#202020\"/><text x=\"%zu\" y=\"11\">exit</text>\n",
	    run + 6, run + 18);
	fputs("</g>\n</svg>\n", out);
}

/* ---------------------------------------------------------------- summary */

static void
summary(FILE *out, double from, double to)
{
	size_t s, p, l;
	double a, b;
	int i;

	for (s = 0; s < nslices; s++) {
		a = slices[s].ts < from ? from : slices[s].ts;
		b = slices[s].ts + slices[s].dur > to
		        ? to
		        : slices[s].ts + slices[s].dur;
		if (b < a)
			continue;
		lanes[slices[s].lane].busy[slices[s].state] += b - a;
		lanes[slices[s].lane].slices[slices[s].state]++;
	}
	for (p = 0; p < npoints; p++)
		if (points[p].ts >= from && points[p].ts <= to)
			lanes[points[p].lane].marks[points[p].mark]++;
	fprintf(out, "%-10s %-20s", "thread", "name");
	for (i = 0; i < NSTATES; i++)
		fprintf(out, " %12s", state_names[i]);
	fprintf(out, " %6s %6s %6s\n", "runs", "ticks", "preempted");
	for (l = 0; l < nlanes; l++) {
		fprintf(out, "%-10.0f %-20.20s", lanes[l].tid,
		    lanes[l].name != NULL ? lanes[l].name : "-");
		for (i = 0; i < NSTATES; i++)
			fprintf(out, " %9.3f ms", lanes[l].busy[i] / 1e3);
		fprintf(out, " %6lu %6lu %6lu\n", lanes[l].slices[RUNNING],
		    lanes[l].marks[TICK], lanes[l].marks[PREEMPT]);
	}
}

/* ---------------------------------------------------------------- main */

static void
usage(void)
{
	fprintf(stderr,
	    "usage: " PROGRAM " [-s] [-o output] [-w width] [-f from] "
	    "[-t to] [trace.json]\n");
	exit(2);
}

static double
number_arg(const char *s, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || v < 0) {
		fprintf(stderr, PROGRAM ": %s: not a number: %s\n", what, s);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	const char *input = NULL, *output = NULL;
	double from = -1, to = -1, lo, hi;
	FILE *in = stdin, *out = stdout;
	int width = 1000, table = 0, c;
	size_t i, j, *order;
	unsigned long n;

	while ((c = getopt(argc, argv, "f:o:st:w:")) != -1) {
		switch (c) {
		case 'f':
			from = number_arg(optarg, "-f");
			break;
		case 'o':
			output = optarg;
			break;
		case 's':
			table = 1;
			break;
		case 't':
			to = number_arg(optarg, "-t");
			break;
		case 'w':
			width = (int)number_arg(optarg, "-w");
			if (width < LABEL_W + RIGHT + 100 || width > 100000) {
				fprintf(stderr,
				    PROGRAM ": -w: width from %d to 100000\n",
				    LABEL_W + RIGHT + 100);
				return 2;
			}
			break;
		default:
			usage();
		}
	}
	if (argc - optind > 1)
		usage();
	if (argc - optind == 1 && strcmp(argv[optind], "-") != 0) {
		input = argv[optind];
		in = fopen(input, "r");
		if (in == NULL) {
			fprintf(stderr, PROGRAM ": %s: %s\n", input,
			    strerror(errno));
			return 1;
		}
	}
	n = read_trace(in);
	if (ferror(in)) {
		fprintf(stderr, PROGRAM ": %s: %s\n",
		    input != NULL ? input : "standard input", strerror(errno));
		return 1;
	}
	if (in != stdin)
		fclose(in);
	if (n == 0 || nlanes == 0) {
		fprintf(stderr,
		    PROGRAM ": %s: no scheduling events (not a libpmt "
		            "trace?)\n",
		    input != NULL ? input : "standard input");
		return 1;
	}

	/* Lanes in order, then the slices and marks renumbered to match. */
	for (i = 0; i < nlanes; i++)
		lanes[i].index = i;
	qsort(lanes, nlanes, sizeof *lanes, by_lane_order);
	order = xrealloc(NULL, nlanes, sizeof *order);
	for (i = 0; i < nlanes; i++)
		order[lanes[i].index] = i;
	for (j = 0; j < nslices; j++)
		slices[j].lane = order[slices[j].lane];
	for (j = 0; j < npoints; j++)
		points[j].lane = order[points[j].lane];
	free(order);
	if (nslices > 0)
		qsort(slices, nslices, sizeof *slices, by_lane_time);
	if (npoints > 0)
		qsort(points, npoints, sizeof *points, points_by_lane);

	/* Lanes from metadata alone draw empty, from time 0. */
	lo = hi = nslices > 0 ? slices[0].ts : npoints > 0 ? points[0].ts : 0;
	for (j = 0; j < nslices; j++) {
		if (slices[j].ts < lo)
			lo = slices[j].ts;
		if (slices[j].ts + slices[j].dur > hi)
			hi = slices[j].ts + slices[j].dur;
	}
	for (j = 0; j < npoints; j++) {
		if (points[j].ts < lo)
			lo = points[j].ts;
		if (points[j].ts > hi)
			hi = points[j].ts;
	}
	if (from < 0)
		from = lo;
	if (to < 0)
		to = hi;
	if (to < from) {
		fprintf(stderr, PROGRAM ": -t %g is before -f %g\n", to, from);
		return 2;
	}

	if (output != NULL && strcmp(output, "-") != 0) {
		out = fopen(output, "w");
		if (out == NULL) {
			fprintf(stderr, PROGRAM ": %s: %s\n", output,
			    strerror(errno));
			return 1;
		}
	}
	if (table)
		summary(out, from, to);
	else
		draw(out, input != NULL ? input : "libpmt trace", from, to,
		    width);
	if (ferror(out) || (out != stdout ? fclose(out) : fflush(out)) != 0) {
		fprintf(stderr, PROGRAM ": %s: %s\n",
		    output != NULL ? output : "standard output",
		    strerror(errno));
		return 1;
	}
	return 0;
}
