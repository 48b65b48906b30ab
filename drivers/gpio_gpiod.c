/* SPDX-License-Identifier: MIT */
/* The libgpiod 1.6 backend; see gpio_gpiod.h.  The only file with <gpiod.h>. */
#include "drivers/gpio_gpiod.h"

#include <ctype.h>
#include <errno.h>
#include <gpiod.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "drivers/gpio_private.h"

#define GD_NAME_LEN 48u
#define GD_MAX_LINES GPIOD_LINE_BULK_MAX_LINES

struct gd_chip {
	char descr[64]; /* as the config spelled it */
	struct gpiod_chip *chip;
};

/* One kernel request: lines of one chip sharing direction, flags and edge. */
struct gd_group {
	struct gpiod_chip *chip;
	int request_type;
	int flags;
	struct gpiod_line_bulk bulk;
	size_t index[GD_MAX_LINES]; /* request index of bulk line k */
	int values[GD_MAX_LINES];   /* outputs: logical values last written */
	bool requested;
	bool output;
};

struct gd_line {
	struct gpiod_line *line;
	struct gd_group *group;
	unsigned int pos; /* position in the group's bulk */
	int event_fd;     /* -1 unless requested for edges */
};

struct gd_request {
	struct gpio_request base;
	struct gd_chip chips[GD_MAX_LINES];
	size_t chip_count;
	struct gd_group *groups;
	size_t group_count;
	struct gd_line *lines;
	size_t n;
	char (*names)[GD_NAME_LEN];
	int poll_fd; /* the single edge line's fd, or an epoll fd over several */
	bool own_poll_fd;
	size_t edge_lines;
};

struct gd_gpio {
	struct gpio base;
};

static const struct gpio_ops gd_ops;

static struct gd_request *to_req(struct gpio_request *req)
{
	return (struct gd_request *)(void *)req;
}

/* ---- chips ------------------------------------------------------------- */

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static struct gpiod_chip *chip_open(const char *descr)
{
	unsigned int num;
	int used = 0;

	if (strncmp(descr, "/dev/", 5) == 0)
		return gpiod_chip_open(descr);
	if (all_digits(descr))
		return gpiod_chip_open_by_number((unsigned int)strtoul(descr, NULL, 10));
	if (sscanf(descr, "gpiochip%u%n", &num, &used) == 1 && descr[used] == '\0')
		return gpiod_chip_open_by_name(descr);
	return gpiod_chip_open_by_label(descr);
}

static struct gpiod_chip *req_chip(struct gd_request *r, const char *descr, const char *what,
                                   char *err, size_t err_len)
{
	struct gpiod_chip *chip;
	int e;

	for (size_t i = 0; i < r->chip_count; i++)
		if (strcmp(r->chips[i].descr, descr) == 0)
			return r->chips[i].chip;
	errno = 0;
	chip = chip_open(descr);
	if (!chip) {
		e = errno ? errno : ENOENT;
		if (e == ENOENT || e == ENODEV)
			snprintf(err, err_len,
			         "%s: GPIO chip \"%s\" not found (no chip has that path, name or "
			         "label); list the chips with `gpiodetect` and fix the chip in the "
			         "config",
			         what, descr);
		else if (e == EACCES || e == EPERM)
			snprintf(
			    err, err_len,
			    "%s: no permission to open GPIO chip \"%s\"; run as a member of the "
			    "gpio group (the systemd unit sets SupplementaryGroups=gpio)",
			    what, descr);
		else
			snprintf(err, err_len, "%s: cannot open GPIO chip \"%s\": %s", what, descr,
			         strerror(e));
		errno = e;
		return NULL;
	}
	/* A label and a name may reach the same chip: keep one handle. */
	for (size_t i = 0; i < r->chip_count; i++) {
		if (strcmp(gpiod_chip_name(r->chips[i].chip), gpiod_chip_name(chip)) == 0) {
			gpiod_chip_close(chip);
			chip = r->chips[i].chip;
			break;
		}
	}
	snprintf(r->chips[r->chip_count].descr, sizeof(r->chips[0].descr), "%s", descr);
	r->chips[r->chip_count].chip = chip;
	r->chip_count++;
	return chip;
}

/* ---- request ------------------------------------------------------------- */

static int request_type_of(const struct gpio_line_config *c)
{
	if (c->direction == GPIO_DIR_OUTPUT)
		return GPIOD_LINE_REQUEST_DIRECTION_OUTPUT;
	switch (c->edge) {
	case GPIO_EDGE_RISING:
		return GPIOD_LINE_REQUEST_EVENT_RISING_EDGE;
	case GPIO_EDGE_FALLING:
		return GPIOD_LINE_REQUEST_EVENT_FALLING_EDGE;
	case GPIO_EDGE_BOTH:
		return GPIOD_LINE_REQUEST_EVENT_BOTH_EDGES;
	case GPIO_EDGE_NONE:
	default:
		return GPIOD_LINE_REQUEST_DIRECTION_INPUT;
	}
}

static int flags_of(const struct gpio_line_config *c)
{
	int flags = c->active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0;

	switch (c->bias) {
	case GPIO_BIAS_DISABLED:
		flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE;
		break;
	case GPIO_BIAS_PULL_UP:
		flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP;
		break;
	case GPIO_BIAS_PULL_DOWN:
		flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN;
		break;
	case GPIO_BIAS_AS_IS:
	default:
		break;
	}
	return flags;
}

static void busy_message(struct gd_request *r, size_t i, const struct gpio_line_config *c,
                         struct gpiod_line *line, const char *consumer, char *err, size_t err_len)
{
	const char *chip = gpiod_chip_name(gpiod_line_get_chip(line));

	if (consumer && consumer[0])
		snprintf(err, err_len,
		         "%s: %s line %u (%s) is busy, held by consumer \"%s\"; stop the program "
		         "holding it (`gpioinfo %s` lists holders; another recovery-kiosk? check "
		         "`systemctl status recovery-kiosk`) or use a free line in the config",
		         r->names[i], chip, c->offset, c->chip, consumer, chip);
	else
		snprintf(err, err_len,
		         "%s: %s line %u (%s) is busy, claimed by the kernel or an unnamed user "
		         "(a device-tree overlay or driver such as SPI or 1-wire?); free it or use "
		         "another line in the config",
		         r->names[i], chip, c->offset, c->chip);
}

/* Is the line already taken?  Asks the kernel before requesting so the
 * error can name the holder. */
static bool line_busy(struct gd_request *r, size_t i, const struct gpio_line_config *c,
                      struct gpiod_line *line, char *err, size_t err_len)
{
	if (gpiod_line_update(line) < 0 || !gpiod_line_is_used(line))
		return false;
	busy_message(r, i, c, line, gpiod_line_consumer(line), err, err_len);
	return true;
}

static struct gd_group *group_for(struct gd_request *r, struct gpiod_chip *chip, int type,
                                  int flags)
{
	struct gd_group *g;

	for (size_t i = 0; i < r->group_count; i++) {
		g = &r->groups[i];
		if (g->chip == chip && g->request_type == type && g->flags == flags)
			return g;
	}
	g = &r->groups[r->group_count++];
	g->chip = chip;
	g->request_type = type;
	g->flags = flags;
	g->output = type == GPIOD_LINE_REQUEST_DIRECTION_OUTPUT;
	gpiod_line_bulk_init(&g->bulk);
	return g;
}

static int request_group(struct gd_request *r, struct gd_group *g, const char *consumer,
                         const struct gpio_line_config *lines, char *err, size_t err_len)
{
	struct gpiod_line_request_config rc = {
	    .consumer = consumer,
	    .request_type = g->request_type,
	    .flags = g->flags,
	};
	int vals[GD_MAX_LINES] = {0};
	int e;

	for (unsigned int k = 0; k < g->bulk.num_lines; k++)
		vals[k] = lines[g->index[k]].initial_value ? 1 : 0;
	if (gpiod_line_request_bulk(&g->bulk, &rc, vals) == 0) {
		g->requested = true;
		memcpy(g->values, vals, sizeof(g->values));
		return 0;
	}
	e = errno;
	size_t first = g->index[0];
	if (e == EBUSY) {
		/* Lost a race with another process: find and name the holder. */
		for (unsigned int k = 0; k < g->bulk.num_lines; k++)
			if (line_busy(r, g->index[k], &lines[g->index[k]], g->bulk.lines[k], err,
			              err_len))
				return -e;
		busy_message(r, first, &lines[first], g->bulk.lines[0], NULL, err, err_len);
	} else if (e == EINVAL && (g->flags & (GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE |
	                                       GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP |
	                                       GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN))) {
		snprintf(err, err_len,
		         "%s: the kernel refused the line's bias setting (needs Linux 5.5+ and a "
		         "chip that supports pull resistors); set the bias to as-is and fit an "
		         "external resistor",
		         r->names[first]);
	} else {
		snprintf(err, err_len, "%s: requesting %s line %u failed: %s", r->names[first],
		         gpiod_chip_name(g->chip), lines[first].offset, strerror(e));
	}
	return -e;
}

static int setup_poll(struct gd_request *r, char *err, size_t err_len)
{
	r->poll_fd = -1;
	for (size_t i = 0; i < r->n; i++) {
		if (r->lines[i].event_fd < 0)
			continue;
		if (r->edge_lines == 1) {
			r->poll_fd = r->lines[i].event_fd;
			return 0;
		}
		if (r->poll_fd < 0) {
			r->poll_fd = epoll_create1(EPOLL_CLOEXEC);
			if (r->poll_fd < 0)
				goto fail;
			r->own_poll_fd = true;
		}
		struct epoll_event ev = {.events = EPOLLIN, .data.u64 = i};
		if (epoll_ctl(r->poll_fd, EPOLL_CTL_ADD, r->lines[i].event_fd, &ev) < 0)
			goto fail;
	}
	return 0;
fail:
	snprintf(err, err_len, "cannot set up edge polling: %s", strerror(errno));
	return -errno;
}

static void gd_release(struct gpio_request *req);

static struct gpio_request *gd_request(struct gpio *gpio, const char *consumer,
                                       const struct gpio_line_config *lines, size_t n, char *err,
                                       size_t err_len)
{
	struct gd_request *r;
	int e = ENOMEM;

	(void)gpio;
	if (n > GD_MAX_LINES) {
		snprintf(err, err_len, "too many GPIO lines in one request (%zu, at most %d)", n,
		         GD_MAX_LINES);
		errno = EINVAL;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		goto err;
	r->base.ops = &gd_ops;
	r->poll_fd = -1;
	r->lines = calloc(n, sizeof(*r->lines));
	r->names = calloc(n, sizeof(*r->names));
	r->groups = calloc(n, sizeof(*r->groups));
	if (!r->lines || !r->names || !r->groups)
		goto err_release;
	r->n = n;
	for (size_t i = 0; i < n; i++)
		r->lines[i].event_fd = -1;

	for (size_t i = 0; i < n; i++) {
		const struct gpio_line_config *c = &lines[i];
		struct gpiod_chip *chip;
		struct gd_group *g;

		snprintf(r->names[i], GD_NAME_LEN, "%s", c->name ? c->name : "GPIO line");
		if (!c->chip || !c->chip[0]) {
			e = EINVAL;
			snprintf(err, err_len,
			         "%s: no GPIO chip given; set the chip name, path or label",
			         r->names[i]);
			goto err_release;
		}
		chip = req_chip(r, c->chip, r->names[i], err, err_len);
		if (!chip) {
			e = errno;
			goto err_release;
		}
		if (c->offset >= gpiod_chip_num_lines(chip)) {
			e = EINVAL;
			snprintf(err, err_len,
			         "%s: line %u does not exist on %s (%s), which has lines 0-%u; "
			         "fix the line number in the config",
			         r->names[i], c->offset, gpiod_chip_name(chip),
			         gpiod_chip_label(chip), gpiod_chip_num_lines(chip) - 1);
			goto err_release;
		}
		r->lines[i].line = gpiod_chip_get_line(chip, c->offset);
		if (!r->lines[i].line) {
			e = errno ? errno : EIO;
			snprintf(err, err_len, "%s: cannot get %s line %u: %s", r->names[i],
			         gpiod_chip_name(chip), c->offset, strerror(e));
			goto err_release;
		}
		for (size_t j = 0; j < i; j++) {
			if (r->lines[j].line == r->lines[i].line) {
				e = EBUSY;
				snprintf(err, err_len,
				         "%s: %s line %u is also given to %s; "
				         "give every output and input its own line",
				         r->names[i], gpiod_chip_name(chip), c->offset,
				         r->names[j]);
				goto err_release;
			}
		}
		if (line_busy(r, i, c, r->lines[i].line, err, err_len)) {
			e = EBUSY;
			goto err_release;
		}
		g = group_for(r, chip, request_type_of(c), flags_of(c));
		r->lines[i].pos = g->bulk.num_lines;
		g->index[g->bulk.num_lines] = i;
		gpiod_line_bulk_add(&g->bulk, r->lines[i].line);
		r->lines[i].group = g;
	}
	for (size_t k = 0; k < r->group_count; k++) {
		int ret = request_group(r, &r->groups[k], consumer, lines, err, err_len);
		if (ret) {
			e = -ret;
			goto err_release;
		}
	}
	for (size_t i = 0; i < n; i++) {
		int type = r->lines[i].group->request_type;
		if (type == GPIOD_LINE_REQUEST_DIRECTION_INPUT ||
		    type == GPIOD_LINE_REQUEST_DIRECTION_OUTPUT)
			continue;
		r->lines[i].event_fd = gpiod_line_event_get_fd(r->lines[i].line);
		r->edge_lines++;
	}
	if (setup_poll(r, err, err_len)) {
		e = EIO;
		goto err_release;
	}
	return &r->base;

err_release:
	gd_release(&r->base);
err:
	if (e == ENOMEM)
		snprintf(err, err_len, "out of memory requesting GPIO lines");
	errno = e;
	return NULL;
}

/* ---- values ------------------------------------------------------------ */

static int gd_set_all(struct gpio_request *req, const int *values)
{
	struct gd_request *r = to_req(req);
	int first = 0;

	/* One ioctl per output group, so a chip's outputs change together;
	 * one failing chip does not stop the others. */
	for (size_t k = 0; k < r->group_count; k++) {
		struct gd_group *g = &r->groups[k];
		int vals[GD_MAX_LINES];

		if (!g->output)
			continue;
		for (unsigned int i = 0; i < g->bulk.num_lines; i++)
			vals[i] = values[g->index[i]] ? 1 : 0;
		if (gpiod_line_set_value_bulk(&g->bulk, vals) < 0) {
			if (!first)
				first = errno ? -errno : -EIO;
			continue;
		}
		memcpy(g->values, vals, sizeof(g->values));
	}
	return first;
}

/* In the v1 uAPI a value ioctl covers every line of the kernel request,
 * and libgpiod 1.6's single-line calls on a multi-line request act on its
 * FIRST line.  So single-line access always goes through the whole group:
 * writes resend the group's cached values with one changed, reads take the
 * line's slot of a group read. */
static int gd_set(struct gpio_request *req, size_t index, int value)
{
	struct gd_request *r = to_req(req);
	struct gd_group *g;
	int vals[GD_MAX_LINES];

	if (index >= r->n || !r->lines[index].group->output)
		return -EINVAL;
	g = r->lines[index].group;
	memcpy(vals, g->values, sizeof(vals));
	vals[r->lines[index].pos] = value ? 1 : 0;
	if (gpiod_line_set_value_bulk(&g->bulk, vals) < 0)
		return errno ? -errno : -EIO;
	g->values[r->lines[index].pos] = vals[r->lines[index].pos];
	return 0;
}

static int gd_get(struct gpio_request *req, size_t index, int *value)
{
	struct gd_request *r = to_req(req);
	struct gd_line *l;
	int vals[GD_MAX_LINES];

	if (index >= r->n)
		return -EINVAL;
	l = &r->lines[index];
	if (l->event_fd >= 0) {
		/* Edge lines have a kernel request (and fd) each. */
		int v = gpiod_line_get_value(l->line);
		if (v < 0)
			return errno ? -errno : -EIO;
		*value = v;
		return 0;
	}
	if (gpiod_line_get_value_bulk(&l->group->bulk, vals) < 0)
		return errno ? -errno : -EIO;
	*value = vals[l->pos];
	return 0;
}

static int gd_event_fd(struct gpio_request *req)
{
	return to_req(req)->poll_fd;
}

static int gd_read_events(struct gpio_request *req, struct gpio_edge_event *out, size_t max)
{
	struct gd_request *r = to_req(req);
	size_t count = 0;

	if (!r->edge_lines)
		return -EINVAL;
	for (size_t i = 0; i < r->n && count < max; i++) {
		struct gpiod_line_event ev[16];
		struct pollfd p = {.fd = r->lines[i].event_fd, .events = POLLIN};
		size_t room = max - count;
		int got;

		if (p.fd < 0)
			continue;
		/* The v1 event fd blocks on read: only read what is there. */
		if (poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN))
			continue;
		if (room > 16)
			room = 16;
		got = gpiod_line_event_read_fd_multiple(p.fd, ev, (unsigned int)room);
		if (got < 0)
			return errno ? -errno : -EIO;
		for (int k = 0; k < got; k++) {
			struct gpio_edge_event e = {
			    .index = i,
			    .value = ev[k].event_type == GPIOD_LINE_EVENT_RISING_EDGE ? 1 : 0,
			    .time_ns = (uint64_t)ev[k].ts.tv_sec * 1000000000u +
			               (uint64_t)ev[k].ts.tv_nsec,
			};
			/* Keep the merged list in time order across lines. */
			size_t pos = count;
			while (pos > 0 && out[pos - 1].time_ns > e.time_ns) {
				out[pos] = out[pos - 1];
				pos--;
			}
			out[pos] = e;
			count++;
		}
	}
	return (int)count;
}

static void gd_release(struct gpio_request *req)
{
	struct gd_request *r = to_req(req);

	if (r->own_poll_fd)
		close(r->poll_fd);
	for (size_t k = 0; k < r->group_count; k++)
		if (r->groups[k].requested)
			gpiod_line_release_bulk(&r->groups[k].bulk);
	for (size_t i = 0; i < r->chip_count; i++) {
		bool dup = false;
		for (size_t j = 0; j < i; j++)
			dup = dup || r->chips[j].chip == r->chips[i].chip;
		if (!dup)
			gpiod_chip_close(r->chips[i].chip);
	}
	free(r->groups);
	free(r->names);
	free(r->lines);
	free(r);
}

static void gd_destroy(struct gpio *gpio)
{
	free(gpio);
}

/* ---- read-only inspection (--check-config) ------------------------------ */

static int gd_chip_info(struct gpio *gpio, const char *descr, struct gpio_chip_info *out)
{
	struct gpiod_chip *chip;

	(void)gpio;
	errno = 0;
	chip = chip_open(descr);
	if (!chip)
		return errno ? -errno : -ENOENT;
	snprintf(out->name, sizeof(out->name), "%s", gpiod_chip_name(chip));
	snprintf(out->label, sizeof(out->label), "%s", gpiod_chip_label(chip));
	out->line_count = gpiod_chip_num_lines(chip);
	gpiod_chip_close(chip);
	return 0;
}

static int gd_line_info(struct gpio *gpio, const char *descr, unsigned int offset,
                        struct gpio_line_info *out)
{
	struct gpiod_chip *chip;
	struct gpiod_line *line;
	int ret = 0;

	(void)gpio;
	errno = 0;
	chip = chip_open(descr);
	if (!chip)
		return errno ? -errno : -ENOENT;
	if (offset >= gpiod_chip_num_lines(chip)) {
		ret = -ERANGE;
		goto out;
	}
	line = gpiod_chip_get_line(chip, offset); /* reads the line's info */
	if (!line) {
		ret = errno ? -errno : -EIO;
		goto out;
	}
	out->used = gpiod_line_is_used(line);
	snprintf(out->consumer, sizeof(out->consumer), "%s",
	         gpiod_line_consumer(line) ? gpiod_line_consumer(line) : "");
out:
	gpiod_chip_close(chip);
	return ret;
}

static const struct gpio_ops gd_ops = {
    .request = gd_request,
    .set_all = gd_set_all,
    .set = gd_set,
    .get = gd_get,
    .event_fd = gd_event_fd,
    .read_events = gd_read_events,
    .release = gd_release,
    .destroy = gd_destroy,
    .name = "libgpiod 1.6",
    .chip_info = gd_chip_info,
    .line_info = gd_line_info,
};

struct gpio *gpio_gpiod_create(void)
{
	struct gd_gpio *g = calloc(1, sizeof(*g));

	if (!g) {
		errno = ENOMEM;
		return NULL;
	}
	g->base.ops = &gd_ops;
	return &g->base;
}
