/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * svg.c - pmt-bench --svg: the rows of the table as a horizontal bar
 * chart on a log scale, one group of bars per operation, one colour per
 * implementation, each bar labelled with its time and its ratio to
 * libpmt's; the machine, the compiler and the date in the title.  Plain
 * SVG 1.1, written with stdio.  Called on main after the rounds.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <pmt.h>

#include "bench.h"

/* Geometry, in pixels. */
#define WIDTH 980
#define LABEL_RIGHT 370 /* labels end here, right-aligned */
#define BAR_LEFT 380
#define BAR_RIGHT 840
#define BAR_HEIGHT 14
#define ROW_PITCH 20
#define GROUP_GAP 10
#define TOP 96 /* the first group's title */

static const char *const colours[NPEER] = {
    [P_LIBPMT] = "#2b6cb0",
    [P_GLIBC] = "#dd8452",
    [P_PTHREAD] = "#55a868",
    [P_PTH] = "#c44e52",
    [P_ST] = "#8172b3",
};

/* Text for an element or an attribute, with XML's five characters
 * escaped. */
static void
text(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			putc(*s, f);
		}
	}
}

/* A time, with as many digits as tell, in ns or (from 10 us) us. */
static void
format_ns(char *buf, size_t size, double ns)
{
	if (ns >= 1e5)
		snprintf(buf, size, "%.0f &#181;s", ns / 1e3);
	else if (ns >= 1e4)
		snprintf(buf, size, "%.1f &#181;s", ns / 1e3);
	else if (ns >= 100)
		snprintf(buf, size, "%.0f ns", ns);
	else
		snprintf(buf, size, "%.1f ns", ns);
}

/* A power of ten of nanoseconds, for the axis. */
static void
format_decade(char *buf, size_t size, int d)
{
	static const char *const units[] = {"ns", "&#181;s", "ms", "s"};
	int u = d < 0 ? 0 : d / 3;

	if (d < 0 || u > 3)
		snprintf(buf, size, "1e%d ns", d);
	else
		snprintf(buf, size, "%.0f %s", pow(10, d - 3 * u), units[u]);
}

/* The rows the chart shows: measured, with a time above 0. */
static int
shown(int k)
{
	return benches[k].measured && benches[k].median > 0;
}

int
write_svg(const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	double lo = 1e300, hi = 0, x, scale;
	int g, k, p, rows = 0, ngroups = 0, height, y, d, dlo, dhi, lx;
	int used[NPEER] = {0};
	char buf[64];

	if (f == NULL)
		return -1;
	for (k = 0; k < NBENCH; k++) {
		if (!shown(k))
			continue;
		lo = fmin(lo, benches[k].median);
		hi = fmax(hi, benches[k].median);
		used[benches[k].peer] = 1;
		rows++;
	}
	for (g = 0; g < NGROUP; g++)
		for (k = 0; k < NBENCH; k++)
			if (benches[k].group == g && shown(k)) {
				ngroups++;
				break;
			}
	if (rows == 0)
		lo = hi = 1;
	/* Whole decades around the figures, with at least half a decade
	 * below the shortest bar, which would be a sliver at a decade's
	 * edge. */
	dlo = (int)floor(log10(lo / 3));
	dhi = (int)ceil(log10(hi));
	if (dhi <= dlo)
		dhi = dlo + 1;
	scale = (BAR_RIGHT - BAR_LEFT) / (double)(dhi - dlo);
	height =
	    TOP + ngroups * (ROW_PITCH + GROUP_GAP) + rows * ROW_PITCH + 70;

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
	    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	    "font-family=\"sans-serif\" font-size=\"12\">\n",
	    WIDTH, height, WIDTH, height);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");

	/* Title: what, and where it was measured. */
	fprintf(f, "<text x=\"16\" y=\"26\" font-size=\"16\" "
	           "font-weight=\"bold\">");
	fprintf(f,
	    "libpmt %d.%d.%d and its peers: time per operation, "
	    "log scale (shorter is faster)",
	    PMT_VERSION_MAJOR, PMT_VERSION_MINOR, PMT_VERSION_PATCH);
	fprintf(f, "</text>\n<text x=\"16\" y=\"46\" fill=\"#444\">");
	text(f, machine.cpu);
	fprintf(f, ", ");
	text(f, machine.arch);
	fprintf(f, ", %ld CPUs &#183; ", machine.cpus);
	text(f, machine.compiler);
	fprintf(f, " &#183; ");
	text(f, machine.date);
	if (machine.load[0] >= 0 && machine.load[1] >= 0)
		fprintf(f, " &#183; load average %.2f to %.2f", machine.load[0],
		    machine.load[1]);
	if (machine.note != NULL) {
		fprintf(f, " &#183; ");
		text(f, machine.note);
	}
	fprintf(f, "</text>\n");

	/* Legend. */
	for (lx = 16, p = 0; p < NPEER; p++) {
		if (!used[p])
			continue;
		fprintf(f,
		    "<rect x=\"%d\" y=\"58\" width=\"12\" height=\"12\" "
		    "fill=\"%s\"/>\n<text x=\"%d\" y=\"69\">",
		    lx, colours[p], lx + 16);
		text(f, peers[p].name);
		if (peers[p].version != NULL && p != P_LIBPMT) {
			putc(' ', f);
			/* Pth's version string carries its date: the
			 * number is enough. */
			snprintf(buf, sizeof buf, "%s", peers[p].version);
			buf[strcspn(buf, " ")] = '\0';
			text(f, buf);
		}
		fprintf(f, "</text>\n");
		lx += 16 + 7 * (int)strlen(peers[p].name) + 50;
	}

	/* Decades: a grid line and its label. */
	for (d = dlo; d <= dhi; d++) {
		x = BAR_LEFT + (d - dlo) * scale;
		format_decade(buf, sizeof buf, d);
		fprintf(f,
		    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
		    "stroke=\"#ccc\"/>\n"
		    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" "
		    "fill=\"#666\" font-size=\"11\">%s</text>\n",
		    x, TOP - 8, x, height - 52, x, TOP - 12, buf);
	}

	y = TOP;
	for (g = 0; g < NGROUP; g++) {
		int any = 0;

		for (k = 0; k < NBENCH; k++)
			any |= benches[k].group == g && shown(k);
		if (!any)
			continue;
		fprintf(
		    f, "<text x=\"16\" y=\"%d\" font-weight=\"bold\">", y + 14);
		text(f, groups[g].title);
		fprintf(f, "</text>\n");
		y += ROW_PITCH;
		for (k = 0; k < NBENCH; k++) {
			const struct bench *b = &benches[k];
			double w;

			if (b->group != g || !shown(k))
				continue;
			w = (log10(b->median) - dlo) * scale;
			if (w < 1)
				w = 1;
			fprintf(f,
			    "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
			    LABEL_RIGHT, y + 11);
			text(f, peers[b->peer].name);
			fprintf(f, ": ");
			text(f, b->op);
			fprintf(f,
			    "</text>\n<rect x=\"%d\" y=\"%d\" width=\"%.1f\" "
			    "height=\"%d\" fill=\"%s\"><title>",
			    BAR_LEFT, y, w, BAR_HEIGHT, colours[b->peer]);
			format_ns(buf, sizeof buf, b->median);
			text(f, peers[b->peer].name);
			fprintf(f, " ");
			text(f, b->op);
			fprintf(f, ": %s</title></rect>\n", buf);
			fprintf(f, "<text x=\"%.1f\" y=\"%d\">%s",
			    BAR_LEFT + w + 6, y + 11, buf);
			if (b->ref >= 0 && b->ref != k &&
			    benches[b->ref].measured) {
				format_ratio(buf, sizeof buf,
				    b->median / benches[b->ref].median);
				fprintf(f, " (%s)", buf);
			}
			fprintf(f, "</text>\n");
			y += ROW_PITCH;
		}
		y += GROUP_GAP;
	}

	fprintf(f,
	    "<text x=\"16\" y=\"%d\" fill=\"#444\" font-size=\"11\">"
	    "Medians of %d interleaved round%s of one run; in brackets, the "
	    "time over libpmt's in the same group. One operation: one switch "
	    "in one direction,</text>\n"
	    "<text x=\"16\" y=\"%d\" fill=\"#444\" font-size=\"11\">"
	    "one create+run+join, or one lock+unlock or post+wait pair. "
	    "Absolute times drift between runs on a shared machine: compare "
	    "the ratios.</text>\n",
	    height - 30, set.rounds, set.rounds == 1 ? "" : "s", height - 14);
	fprintf(f, "</svg>\n");
	if (f == stdout)
		return fflush(f) == 0 ? 0 : -1;
	return fclose(f) == 0 ? 0 : -1;
}
