/* SPDX-License-Identifier: MIT */
/*
 * The libgpiod 2 backend of the GPIO seam: the same contract as the 1.6
 * backend (gpio_gpiod.h, gpio.h) on the libgpiod 2.x API.  CMake builds this
 * file instead of gpio_gpiod.c when pkg-config finds libgpiod >= 2 (Debian
 * 13 / Raspberry Pi OS trixie, or bookworm-backports), so nothing above the
 * seam knows which one it runs on.
 *
 * Shape: a seam request groups its lines by chip and makes ONE kernel
 * request per chip (gpiod_chip_request_lines), each line with its own
 * gpiod_line_settings (direction, active-low, bias, edge, initial value).
 * The kernel applies active-low to values AND to edges, so everything here
 * is logical, as the seam wants.
 */
#include "drivers/gpio_gpiod.h"

#include <dirent.h>
#include <errno.h>
#include <gpiod.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "drivers/gpio_private.h"

/* libgpiod 1.x headers define this and lack everything below. */
#ifdef GPIOD_LINE_BULK_MAX_LINES
#error "gpio_gpiod2.c needs the libgpiod 2 headers; this is libgpiod 1.x (build gpio_gpiod.c)"
#endif

#define G2_EVENT_BUFFER 16u
#define G2_PATH_LEN 272u /* "/dev/" + a d_name */

struct g2_group {               /* the lines of one chip: one kernel request */
	char path[G2_PATH_LEN]; /* "/dev/gpiochip0" */
	struct gpiod_line_request *req;
	size_t n;              /* lines in this group */
	unsigned int *offsets; /* in the kernel request's order */
	size_t *index;         /* seam index of offsets[k] */
	enum gpiod_line_value *values;
	unsigned int *out_offsets; /* outputs only, for set_values_subset */
	enum gpiod_line_value *out_values;
	size_t n_out;
	bool edges;
	struct gpiod_edge_event_buffer *events;
};

struct g2_line {
	size_t group;
	unsigned int offset;
	bool output;
};

struct g2_request {
	struct gpio_request base;
	size_t n;
	struct g2_line *lines;
	struct g2_group *groups;
	size_t group_count;
	int epoll_fd; /* only when more than one group has edges */
	int event_fd; /* what event_fd() returns, -1 without edges */
};

struct g2_gpio {
	struct gpio base;
};

static const struct gpio_ops g2_ops;

static struct g2_request *to_req(struct gpio_request *req)
{
	return (struct g2_request *)(void *)req;
}

static const char *line_what(const struct gpio_line_config *c)
{
	return c->name ? c->name : "GPIO line";
}

/* ---- finding chips ------------------------------------------------------ */

static void open_error(const struct gpio_line_config *c, int e, char *err, size_t err_len)
{
	if (e == ENOENT || e == ENODEV)
		snprintf(err, err_len,
		         "%s: GPIO chip \"%s\" not found (no chip has that path, name or "
		         "label); list the chips with `gpiodetect` and fix the chip in the config",
		         line_what(c), c->chip);
	else if (e == EACCES || e == EPERM)
		snprintf(err, err_len,
		         "%s: no permission to open GPIO chip \"%s\"; run as a member of the "
		         "gpio group (the systemd unit sets SupplementaryGroups=gpio)",
		         line_what(c), c->chip);
	else
		snprintf(err, err_len, "%s: cannot open GPIO chip \"%s\": %s", line_what(c),
		         c->chip, strerror(e));
}

static int is_number(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* 1 when the chip at path has this label, 0 when not, -errno when it
 * cannot be opened. */
static int chip_label_is(const char *path, const char *label)
{
	struct gpiod_chip_info *info;
	struct gpiod_chip *chip;
	int match = 0;

	chip = gpiod_chip_open(path);
	if (!chip)
		return errno ? -errno : -EIO;
	info = gpiod_chip_get_info(chip);
	if (info) {
		match = strcmp(gpiod_chip_info_get_label(info), label) == 0;
		gpiod_chip_info_free(info);
	}
	gpiod_chip_close(chip);
	return match;
}

static int gpiochip_entry(const struct dirent *d)
{
	return strncmp(d->d_name, "gpiochip", 8) == 0;
}

/* Resolve a chip path ("/dev/gpiochip0"), name ("gpiochip0"), number ("0")
 * or label ("pinctrl-bcm2711") to a device path.  0, -ENOENT, or -EACCES
 * when a chip that might carry the label could not be opened. */
static int chip_resolve(const char *id, char *path, size_t len)
{
	struct dirent **list;
	int count, found = -ENOENT;

	if (id[0] == '/') {
		snprintf(path, len, "%s", id);
		return gpiod_is_gpiochip_device(path) ? 0 : -ENOENT;
	}
	if (is_number(id))
		snprintf(path, len, "/dev/gpiochip%s", id);
	else
		snprintf(path, len, "/dev/%s", id);
	if (strchr(id, '/') == NULL && gpiod_is_gpiochip_device(path))
		return 0;

	count = scandir("/dev", &list, gpiochip_entry, alphasort);
	if (count < 0)
		return -ENOENT;
	for (int i = 0; i < count; i++) {
		if (found != 0) {
			snprintf(path, len, "/dev/%s", list[i]->d_name);
			if (gpiod_is_gpiochip_device(path)) {
				int ret = chip_label_is(path, id);

				if (ret == 1)
					found = 0;
				else if (ret == -EACCES || ret == -EPERM)
					found = -EACCES;
			}
		}
		free(list[i]);
	}
	free(list);
	return found;
}

/* ---- requesting --------------------------------------------------------- */

static void settings_fill(struct gpiod_line_settings *s, const struct gpio_line_config *c)
{
	static const enum gpiod_line_bias bias[] = {
	    [GPIO_BIAS_AS_IS] = GPIOD_LINE_BIAS_AS_IS,
	    [GPIO_BIAS_DISABLED] = GPIOD_LINE_BIAS_DISABLED,
	    [GPIO_BIAS_PULL_UP] = GPIOD_LINE_BIAS_PULL_UP,
	    [GPIO_BIAS_PULL_DOWN] = GPIOD_LINE_BIAS_PULL_DOWN,
	};
	static const enum gpiod_line_edge edge[] = {
	    [GPIO_EDGE_NONE] = GPIOD_LINE_EDGE_NONE,
	    [GPIO_EDGE_RISING] = GPIOD_LINE_EDGE_RISING,
	    [GPIO_EDGE_FALLING] = GPIOD_LINE_EDGE_FALLING,
	    [GPIO_EDGE_BOTH] = GPIOD_LINE_EDGE_BOTH,
	};

	gpiod_line_settings_reset(s);
	gpiod_line_settings_set_active_low(s, c->active_low);
	gpiod_line_settings_set_bias(s, bias[c->bias]);
	if (c->direction == GPIO_DIR_OUTPUT) {
		gpiod_line_settings_set_direction(s, GPIOD_LINE_DIRECTION_OUTPUT);
		gpiod_line_settings_set_output_value(
		    s, c->initial_value ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE);
	} else {
		gpiod_line_settings_set_direction(s, GPIOD_LINE_DIRECTION_INPUT);
		gpiod_line_settings_set_edge_detection(s, edge[c->edge]);
		gpiod_line_settings_set_event_clock(s, GPIOD_LINE_CLOCK_MONOTONIC);
	}
}

/* After a failed request: say which line is busy and who holds it (the
 * kernel refuses the whole request without saying which line). */
static void explain_failure(struct gpiod_chip *chip, const char *chip_name,
                            const struct gpio_line_config *lines, const struct g2_request *r,
                            size_t gi, int e, char *err, size_t err_len)
{
	const struct gpio_line_config *first = NULL;
	bool biased = false;

	for (size_t i = 0; i < r->n; i++) {
		const struct gpio_line_config *c = &lines[i];
		struct gpiod_line_info *info;
		const char *consumer;

		if (r->lines[i].group != gi)
			continue;
		if (!first)
			first = c;
		biased = biased || c->bias != GPIO_BIAS_AS_IS;
		if (e != EBUSY)
			continue;
		info = gpiod_chip_get_line_info(chip, c->offset);
		if (!info)
			continue;
		if (!gpiod_line_info_is_used(info)) {
			gpiod_line_info_free(info);
			continue;
		}
		consumer = gpiod_line_info_get_consumer(info);
		if (consumer && consumer[0])
			snprintf(
			    err, err_len,
			    "%s: %s line %u (%s) is busy, held by consumer \"%s\"; stop the "
			    "program holding it (`gpioinfo %s` lists holders; another "
			    "recovery-kiosk? check `systemctl status recovery-kiosk`) or use a "
			    "free line in the config",
			    line_what(c), chip_name, c->offset, c->chip, consumer, chip_name);
		else
			snprintf(
			    err, err_len,
			    "%s: %s line %u (%s) is busy, claimed by the kernel or an unnamed user "
			    "(a device-tree overlay or driver such as SPI or 1-wire?); free it or "
			    "use another line in the config",
			    line_what(c), chip_name, c->offset, c->chip);
		gpiod_line_info_free(info);
		return;
	}
	if (!first)
		return;
	if (e == EINVAL && biased)
		snprintf(err, err_len,
		         "%s: the kernel refused the line's bias setting (needs Linux 5.5+ and a "
		         "chip that supports pull resistors); set the bias to as-is and fit an "
		         "external resistor",
		         line_what(first));
	else
		snprintf(err, err_len, "%s: requesting %s line %u failed: %s", line_what(first),
		         chip_name, first->offset, strerror(e));
}

static void group_free(struct g2_group *g)
{
	if (g->events)
		gpiod_edge_event_buffer_free(g->events);
	if (g->req)
		gpiod_line_request_release(g->req);
	free(g->out_values);
	free(g->out_offsets);
	free(g->values);
	free(g->index);
	free(g->offsets);
}

static int group_alloc(struct g2_group *g)
{
	g->offsets = calloc(g->n, sizeof(*g->offsets));
	g->index = calloc(g->n, sizeof(*g->index));
	g->values = calloc(g->n, sizeof(*g->values));
	g->out_offsets = calloc(g->n, sizeof(*g->out_offsets));
	g->out_values = calloc(g->n, sizeof(*g->out_values));
	if (!g->offsets || !g->index || !g->values || !g->out_offsets || !g->out_values)
		return -ENOMEM;
	return 0;
}

/* One kernel request for every line of group gi.  0 or -errno + message. */
static int group_request(struct g2_request *r, size_t gi, const char *consumer,
                         const struct gpio_line_config *lines, char *err, size_t err_len)
{
	struct g2_group *g = &r->groups[gi];
	struct gpiod_request_config *req_cfg = NULL;
	struct gpiod_line_config *line_cfg = NULL;
	struct gpiod_line_settings *settings = NULL;
	struct gpiod_chip_info *info = NULL;
	struct gpiod_chip *chip;
	size_t got;
	int e;

	chip = gpiod_chip_open(g->path);
	if (!chip) {
		e = errno ? errno : ENOENT;
		for (size_t i = 0; i < r->n; i++)
			if (r->lines[i].group == gi) {
				open_error(&lines[i], e, err, err_len);
				break;
			}
		goto err;
	}
	info = gpiod_chip_get_info(chip);
	settings = gpiod_line_settings_new();
	line_cfg = gpiod_line_config_new();
	req_cfg = gpiod_request_config_new();
	if (!info || !settings || !line_cfg || !req_cfg) {
		e = ENOMEM;
		snprintf(err, err_len, "out of memory requesting GPIO lines");
		goto err_objs;
	}

	for (size_t i = 0; i < r->n; i++) {
		const struct gpio_line_config *c = &lines[i];
		size_t num_lines = gpiod_chip_info_get_num_lines(info);

		if (r->lines[i].group != gi)
			continue;
		if (c->offset >= num_lines) {
			e = EINVAL;
			snprintf(err, err_len,
			         "%s: line %u does not exist on %s (%s), which has lines 0-%zu; "
			         "fix the line number in the config",
			         line_what(c), c->offset, gpiod_chip_info_get_name(info),
			         gpiod_chip_info_get_label(info), num_lines - 1);
			goto err_objs;
		}
		settings_fill(settings, c);
		if (gpiod_line_config_add_line_settings(line_cfg, &c->offset, 1, settings) < 0) {
			e = errno;
			snprintf(err, err_len, "%s: bad line settings: %s", line_what(c),
			         strerror(e));
			goto err_objs;
		}
	}
	gpiod_request_config_set_consumer(req_cfg, consumer);

	g->req = gpiod_chip_request_lines(chip, req_cfg, line_cfg);
	if (!g->req) {
		e = errno;
		explain_failure(chip, gpiod_chip_info_get_name(info), lines, r, gi, e, err,
		                err_len);
		goto err_objs;
	}

	/* Map the kernel's line order back to the seam's indices. */
	got = gpiod_line_request_get_requested_offsets(g->req, g->offsets, g->n);
	if (got != g->n) {
		e = EIO;
		snprintf(err, err_len, "%s: the kernel granted %zu of %zu lines",
		         gpiod_chip_info_get_name(info), got, g->n);
		goto err_objs;
	}
	g->n_out = 0;
	for (size_t k = 0; k < g->n; k++) {
		for (size_t i = 0; i < r->n; i++)
			if (r->lines[i].group == gi && r->lines[i].offset == g->offsets[k])
				g->index[k] = i;
		if (r->lines[g->index[k]].output)
			g->out_offsets[g->n_out++] = g->offsets[k];
	}
	if (g->edges) {
		g->events = gpiod_edge_event_buffer_new(G2_EVENT_BUFFER);
		if (!g->events) {
			e = ENOMEM;
			snprintf(err, err_len, "out of memory requesting GPIO lines");
			goto err_objs;
		}
	}
	e = 0;

err_objs:
	gpiod_request_config_free(req_cfg);
	gpiod_line_config_free(line_cfg);
	gpiod_line_settings_free(settings);
	gpiod_chip_info_free(info);
	gpiod_chip_close(chip);
err:
	return -e;
}

/* Edges on several chips: one epoll fd that is readable when any is. */
static int events_setup(struct g2_request *r, char *err, size_t err_len)
{
	size_t with_edges = 0, last = 0;
	int e;

	for (size_t gi = 0; gi < r->group_count; gi++)
		if (r->groups[gi].edges) {
			with_edges++;
			last = gi;
		}
	if (with_edges == 0)
		return 0;
	if (with_edges == 1) {
		r->event_fd = gpiod_line_request_get_fd(r->groups[last].req);
		return 0;
	}
	r->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (r->epoll_fd < 0)
		goto err;
	for (size_t gi = 0; gi < r->group_count; gi++) {
		struct epoll_event ev = {.events = EPOLLIN, .data.u64 = gi};

		if (r->groups[gi].edges &&
		    epoll_ctl(r->epoll_fd, EPOLL_CTL_ADD,
		              gpiod_line_request_get_fd(r->groups[gi].req), &ev) < 0)
			goto err;
	}
	r->event_fd = r->epoll_fd;
	return 0;

err:
	e = errno;
	snprintf(err, err_len, "cannot watch GPIO edge events: %s", strerror(e));
	return -e;
}

static void request_free(struct g2_request *r)
{
	if (r->epoll_fd >= 0)
		close(r->epoll_fd);
	for (size_t gi = 0; gi < r->group_count; gi++)
		group_free(&r->groups[gi]);
	free(r->groups);
	free(r->lines);
	free(r);
}

/* Sort the lines into one group per chip; every line checked first. */
static int group_lines(struct g2_request *r, const struct gpio_line_config *lines, char *err,
                       size_t err_len)
{
	char path[G2_PATH_LEN];

	for (size_t i = 0; i < r->n; i++) {
		const struct gpio_line_config *c = &lines[i];
		size_t gi;
		int ret;

		if (!c->chip || !c->chip[0]) {
			snprintf(err, err_len,
			         "%s: no GPIO chip given; set the chip name, path or label",
			         line_what(c));
			return -EINVAL;
		}
		if (c->direction != GPIO_DIR_OUTPUT && c->direction != GPIO_DIR_INPUT) {
			snprintf(err, err_len, "%s: bad direction (internal error)", line_what(c));
			return -EINVAL;
		}
		if ((unsigned int)c->bias > GPIO_BIAS_PULL_DOWN ||
		    (unsigned int)c->edge > GPIO_EDGE_BOTH) {
			snprintf(err, err_len, "%s: bad bias or edge (internal error)",
			         line_what(c));
			return -EINVAL;
		}
		ret = chip_resolve(c->chip, path, sizeof(path));
		if (ret < 0) {
			open_error(c, -ret, err, err_len);
			return ret;
		}
		for (gi = 0; gi < r->group_count; gi++)
			if (strcmp(r->groups[gi].path, path) == 0)
				break;
		if (gi == r->group_count) {
			snprintf(r->groups[gi].path, sizeof(r->groups[gi].path), "%s", path);
			r->group_count++;
		}
		for (size_t j = 0; j < i; j++)
			if (r->lines[j].group == gi && r->lines[j].offset == c->offset) {
				snprintf(err, err_len,
				         "%s: %s line %u is also given to %s; "
				         "give every output and input its own line",
				         line_what(c), strncmp(path, "/dev/", 5) ? path : path + 5,
				         c->offset, line_what(&lines[j]));
				return -EBUSY;
			}
		r->lines[i].group = gi;
		r->lines[i].offset = c->offset;
		r->lines[i].output = c->direction == GPIO_DIR_OUTPUT;
		r->groups[gi].n++;
		if (c->direction == GPIO_DIR_INPUT && c->edge != GPIO_EDGE_NONE)
			r->groups[gi].edges = true;
	}
	return 0;
}

static struct gpio_request *g2_request(struct gpio *gpio, const char *consumer,
                                       const struct gpio_line_config *lines, size_t n, char *err,
                                       size_t err_len)
{
	struct g2_request *r;
	int ret = -ENOMEM;

	(void)gpio;
	r = calloc(1, sizeof(*r));
	if (!r)
		goto err;
	r->base.ops = &g2_ops;
	r->n = n;
	r->epoll_fd = -1;
	r->event_fd = -1;
	r->lines = calloc(n, sizeof(*r->lines));
	r->groups = calloc(n, sizeof(*r->groups)); /* at most one chip per line */
	if (!r->lines || !r->groups)
		goto err_req;

	ret = group_lines(r, lines, err, err_len);
	if (ret < 0)
		goto err_req;
	for (size_t gi = 0; gi < r->group_count; gi++) {
		ret = group_alloc(&r->groups[gi]);
		if (ret < 0)
			goto err_req;
	}
	for (size_t gi = 0; gi < r->group_count; gi++) {
		ret = group_request(r, gi, consumer, lines, err, err_len);
		if (ret < 0)
			goto err_req;
	}
	ret = events_setup(r, err, err_len);
	if (ret < 0)
		goto err_req;
	return &r->base;

err_req:
	request_free(r);
err:
	if (ret == -ENOMEM)
		snprintf(err, err_len, "out of memory requesting GPIO lines");
	errno = -ret;
	return NULL;
}

/* ---- values and events -------------------------------------------------- */

static enum gpiod_line_value to_value(int v)
{
	return v ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE;
}

static int g2_set_all(struct gpio_request *req, const int *values)
{
	struct g2_request *r = to_req(req);
	int first = 0;

	/* One ioctl per chip: all-or-nothing per chip.  A failing chip does
	 * not keep the others from their values (they may be venting). */
	for (size_t gi = 0; gi < r->group_count; gi++) {
		struct g2_group *g = &r->groups[gi];
		int ret;

		if (g->n_out == 0)
			continue;
		if (g->n_out == g->n) {
			for (size_t k = 0; k < g->n; k++)
				g->values[k] = to_value(values[g->index[k]]);
			ret = gpiod_line_request_set_values(g->req, g->values);
		} else {
			size_t o = 0;

			for (size_t k = 0; k < g->n; k++)
				if (r->lines[g->index[k]].output)
					g->out_values[o++] = to_value(values[g->index[k]]);
			ret = gpiod_line_request_set_values_subset(g->req, g->n_out, g->out_offsets,
			                                           g->out_values);
		}
		if (ret < 0 && !first)
			first = errno ? -errno : -EIO;
	}
	return first;
}

static int g2_set(struct gpio_request *req, size_t index, int value)
{
	struct g2_request *r = to_req(req);
	const struct g2_line *l;

	if (index >= r->n || !r->lines[index].output)
		return -EINVAL;
	l = &r->lines[index];
	if (gpiod_line_request_set_value(r->groups[l->group].req, l->offset, to_value(value)) < 0)
		return errno ? -errno : -EIO;
	return 0;
}

static int g2_get(struct gpio_request *req, size_t index, int *value)
{
	struct g2_request *r = to_req(req);
	const struct g2_line *l;
	enum gpiod_line_value v;

	if (index >= r->n)
		return -EINVAL;
	l = &r->lines[index];
	v = gpiod_line_request_get_value(r->groups[l->group].req, l->offset);
	if (v == GPIOD_LINE_VALUE_ERROR)
		return errno ? -errno : -EIO;
	*value = v == GPIOD_LINE_VALUE_ACTIVE;
	return 0;
}

static int g2_event_fd(struct gpio_request *req)
{
	return to_req(req)->event_fd;
}

/* Insert e into out[0..count) keeping one time order across chips, as the
 * 1.6 backend does. */
static void event_insert(struct gpio_edge_event *out, size_t count, struct gpio_edge_event e)
{
	size_t pos = count;

	while (pos > 0 && out[pos - 1].time_ns > e.time_ns) {
		out[pos] = out[pos - 1];
		pos--;
	}
	out[pos] = e;
}

/* Move what group g has queued into out, up to max in all.  Returns the new
 * count, or -errno when nothing could be read. */
static int group_read_events(struct g2_group *g, struct gpio_edge_event *out, size_t count,
                             size_t max)
{
	while (count < max) {
		size_t want = max - count;
		int ready, got;

		/* read_edge_events blocks on an empty queue: look first. */
		ready = gpiod_line_request_wait_edge_events(g->req, 0);
		if (ready == 0)
			break;
		if (want > G2_EVENT_BUFFER)
			want = G2_EVENT_BUFFER;
		got = ready < 0 ? -1 : gpiod_line_request_read_edge_events(g->req, g->events, want);
		if (got < 0)
			return count ? (int)count : (errno ? -errno : -EIO);
		for (int k = 0; k < got; k++) {
			struct gpiod_edge_event *ev =
			    gpiod_edge_event_buffer_get_event(g->events, (unsigned long)k);
			unsigned int offset = gpiod_edge_event_get_line_offset(ev);

			for (size_t j = 0; j < g->n; j++) {
				if (g->offsets[j] != offset)
					continue;
				event_insert(out, count++,
				             (struct gpio_edge_event){
				                 .index = g->index[j],
				                 .value = gpiod_edge_event_get_event_type(ev) ==
				                          GPIOD_EDGE_EVENT_RISING_EDGE,
				                 .time_ns = gpiod_edge_event_get_timestamp_ns(ev),
				             });
				break;
			}
		}
	}
	return (int)count;
}

static int g2_read_events(struct gpio_request *req, struct gpio_edge_event *out, size_t max)
{
	struct g2_request *r = to_req(req);
	int count = 0;

	if (r->event_fd < 0)
		return -EINVAL;
	for (size_t gi = 0; gi < r->group_count && (size_t)count < max; gi++) {
		if (!r->groups[gi].edges)
			continue;
		count = group_read_events(&r->groups[gi], out, (size_t)count, max);
		if (count < 0)
			return count;
	}
	return count;
}

static void g2_release(struct gpio_request *req)
{
	request_free(to_req(req));
}

static void g2_destroy(struct gpio *gpio)
{
	free(gpio);
}

/* ---- read-only inspection (--check-config) ------------------------------ */

static struct gpiod_chip *inspect_open(const char *id, int *ret)
{
	char path[PATH_MAX];
	struct gpiod_chip *chip;

	*ret = chip_resolve(id, path, sizeof(path));
	if (*ret < 0)
		return NULL;
	chip = gpiod_chip_open(path);
	if (!chip)
		*ret = errno ? -errno : -EIO;
	return chip;
}

static int g2_chip_info(struct gpio *gpio, const char *id, struct gpio_chip_info *out)
{
	struct gpiod_chip_info *info;
	struct gpiod_chip *chip;
	int ret;

	(void)gpio;
	chip = inspect_open(id, &ret);
	if (!chip)
		return ret;
	info = gpiod_chip_get_info(chip);
	if (info) {
		snprintf(out->name, sizeof(out->name), "%s", gpiod_chip_info_get_name(info));
		snprintf(out->label, sizeof(out->label), "%s", gpiod_chip_info_get_label(info));
		out->line_count = (unsigned int)gpiod_chip_info_get_num_lines(info);
		gpiod_chip_info_free(info);
	} else {
		ret = errno ? -errno : -EIO;
	}
	gpiod_chip_close(chip);
	return ret;
}

static int g2_line_info(struct gpio *gpio, const char *id, unsigned int offset,
                        struct gpio_line_info *out)
{
	struct gpiod_chip_info *cinfo;
	struct gpiod_line_info *info;
	struct gpiod_chip *chip;
	const char *consumer;
	int ret;

	(void)gpio;
	chip = inspect_open(id, &ret);
	if (!chip)
		return ret;
	cinfo = gpiod_chip_get_info(chip);
	if (cinfo && offset >= gpiod_chip_info_get_num_lines(cinfo)) {
		ret = -ERANGE;
	} else {
		info = gpiod_chip_get_line_info(chip, offset);
		if (info) {
			out->used = gpiod_line_info_is_used(info);
			consumer = gpiod_line_info_get_consumer(info);
			snprintf(out->consumer, sizeof(out->consumer), "%s",
			         consumer ? consumer : "");
			gpiod_line_info_free(info);
		} else {
			ret = errno ? -errno : -EIO;
		}
	}
	gpiod_chip_info_free(cinfo);
	gpiod_chip_close(chip);
	return ret;
}

static const struct gpio_ops g2_ops = {
    .request = g2_request,
    .set_all = g2_set_all,
    .set = g2_set,
    .get = g2_get,
    .event_fd = g2_event_fd,
    .read_events = g2_read_events,
    .release = g2_release,
    .destroy = g2_destroy,
    .name = "libgpiod 2",
    .chip_info = g2_chip_info,
    .line_info = g2_line_info,
};

struct gpio *gpio_gpiod_create(void)
{
	struct g2_gpio *g = calloc(1, sizeof(*g));

	if (!g) {
		errno = ENOMEM;
		return NULL;
	}
	g->base.ops = &g2_ops;
	return &g->base;
}
