/* SPDX-License-Identifier: MIT */
/* The simulated GPIO backend; see gpio_sim.h. */
#include "drivers/sim/gpio_sim.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "drivers/gpio_private.h"

#define SIM_EVENT_QUEUE 64u
#define SIM_NAME_LEN 48u

struct sim_chip {
	char name[32];
	char label[64];
	unsigned int num_lines;
	struct gpio_sim_line *lines;
};

struct sim_request;

struct gpio_sim_line {
	struct gpio_sim *sim;
	struct sim_chip *chip;
	unsigned int offset;
	struct sim_request *holder; /* NULL when free */
	size_t holder_index;
	enum gpio_direction dir;
	bool active_low;
	enum gpio_bias bias;
	enum gpio_edge edge;
	int out_level;        /* electrical, outputs */
	_Atomic int in_drive; /* electrical driven on an input by the backdoor, -1 = floating */
	int write_err;        /* positive errno, 0 = writes work */
	void (*hook)(void *ctx, struct gpio_sim_line *line, int electrical);
	void *hook_ctx;
	void *model;
};

struct sim_request {
	struct gpio_request base;
	struct gpio_sim *sim;
	char consumer[32];
	size_t n;
	struct gpio_sim_line **lines;
	char (*names)[SIM_NAME_LEN];
	int efd;
	/* The edge queue: under sim->events_lock, because a backdoor may drive
	 * an input from another thread while the control thread reads. */
	struct gpio_edge_event queue[SIM_EVENT_QUEUE];
	size_t q_head;
	size_t q_count;
};

struct gpio_sim {
	struct gpio base;
	struct sim_chip **chips;
	size_t chip_count;
	bool fake_time;
	uint64_t time_ns;
	pthread_mutex_t events_lock; /* every request's edge queue */
};

static const struct gpio_ops sim_ops;

static struct gpio_sim *to_sim(struct gpio *gpio)
{
	return (struct gpio_sim *)(void *)gpio;
}

static struct sim_request *to_req(struct gpio_request *req)
{
	return (struct sim_request *)(void *)req;
}

bool gpio_sim_is(const struct gpio *gpio)
{
	return gpio && gpio->ops == &sim_ops;
}

static uint64_t sim_now_ns(const struct gpio_sim *sim)
{
	struct timespec ts;

	if (sim->fake_time)
		return sim->time_ns;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void gpio_sim_set_time_ns(struct gpio *gpio, uint64_t time_ns)
{
	if (!gpio_sim_is(gpio))
		return;
	to_sim(gpio)->fake_time = true;
	to_sim(gpio)->time_ns = time_ns;
}

/* ---- chips -------------------------------------------------------------- */

static struct sim_chip *chip_find(struct gpio_sim *sim, const char *id)
{
	if (strncmp(id, "/dev/", 5) == 0)
		id += 5;
	for (size_t i = 0; i < sim->chip_count; i++) {
		struct sim_chip *c = sim->chips[i];
		if (strcmp(c->name, id) == 0 || (c->label[0] && strcmp(c->label, id) == 0))
			return c;
	}
	return NULL;
}

static struct sim_chip *chip_new(struct gpio_sim *sim, const char *name, const char *label,
                                 unsigned int num_lines)
{
	struct sim_chip **chips;
	struct sim_chip *c;

	c = calloc(1, sizeof(*c));
	if (!c)
		goto err;
	c->lines = calloc(num_lines, sizeof(*c->lines));
	if (!c->lines)
		goto err_chip;
	chips = realloc(sim->chips, (sim->chip_count + 1) * sizeof(*chips));
	if (!chips)
		goto err_lines;
	sim->chips = chips;
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(c->label, sizeof(c->label), "%s", label ? label : "");
	c->num_lines = num_lines;
	for (unsigned int i = 0; i < num_lines; i++) {
		c->lines[i].sim = sim;
		c->lines[i].chip = c;
		c->lines[i].offset = i;
		c->lines[i].dir = GPIO_DIR_INPUT;
		atomic_init(&c->lines[i].in_drive, -1);
	}
	sim->chips[sim->chip_count++] = c;
	return c;

err_lines:
	free(c->lines);
err_chip:
	free(c);
err:
	errno = ENOMEM;
	return NULL;
}

static struct sim_chip *chip_get(struct gpio_sim *sim, const char *id)
{
	struct sim_chip *c;
	char name[32];
	char label[32];
	unsigned int num;
	int used;

	if (!id || !id[0]) {
		errno = EINVAL;
		return NULL;
	}
	c = chip_find(sim, id);
	if (c)
		return c;
	if (strncmp(id, "/dev/", 5) == 0)
		id += 5;
	used = 0;
	if (sscanf(id, "gpiochip%u%n", &num, &used) == 1 && id[used] == '\0') {
		snprintf(label, sizeof(label), "sim-%u", num);
		return chip_new(sim, id, label, GPIO_SIM_DEFAULT_LINES);
	}
	for (num = 0;; num++) {
		snprintf(name, sizeof(name), "gpiochip%u", num);
		if (!chip_find(sim, name))
			break;
	}
	return chip_new(sim, name, id, GPIO_SIM_DEFAULT_LINES);
}

int gpio_sim_add_chip(struct gpio *gpio, const char *name, const char *label,
                      unsigned int num_lines)
{
	struct gpio_sim *sim;

	if (!gpio_sim_is(gpio) || !name || !name[0] || num_lines == 0 || num_lines > 4096)
		return -EINVAL;
	sim = to_sim(gpio);
	if (chip_find(sim, name) || (label && label[0] && chip_find(sim, label)))
		return -EEXIST;
	return chip_new(sim, name, label, num_lines) ? 0 : -ENOMEM;
}

struct gpio_sim_line *gpio_sim_line_get(struct gpio *gpio, const char *chip, unsigned int offset)
{
	struct sim_chip *c;

	if (!gpio_sim_is(gpio)) {
		errno = EINVAL;
		return NULL;
	}
	c = chip_get(to_sim(gpio), chip);
	if (!c)
		return NULL;
	if (offset >= c->num_lines) {
		errno = ERANGE;
		return NULL;
	}
	return &c->lines[offset];
}

/* ---- levels and events -------------------------------------------------- */

static int drive_level(const struct gpio_sim_line *l, int drive)
{
	if (drive >= 0)
		return drive;
	return l->bias == GPIO_BIAS_PULL_UP ? 1 : 0;
}

static int line_input_level(const struct gpio_sim_line *l)
{
	return drive_level(l, atomic_load_explicit(&l->in_drive, memory_order_acquire));
}

static void req_queue_event(struct sim_request *r, size_t index, int logical)
{
	uint64_t one = 1;
	size_t slot;

	if (r->q_count == SIM_EVENT_QUEUE) { /* overflow: the kernel drops the oldest too */
		r->q_head = (r->q_head + 1) % SIM_EVENT_QUEUE;
		r->q_count--;
	}
	slot = (r->q_head + r->q_count) % SIM_EVENT_QUEUE;
	r->queue[slot].index = index;
	r->queue[slot].value = logical;
	r->queue[slot].time_ns = sim_now_ns(r->sim);
	r->q_count++;
	if (r->efd >= 0 && write(r->efd, &one, sizeof(one)) < 0) {
		/* counter saturated: it is readable anyway */
	}
}

static void line_input_changed(struct gpio_sim_line *l, int old_level)
{
	int now = line_input_level(l);
	int logical;

	if (now == old_level || !l->holder || l->dir != GPIO_DIR_INPUT)
		return;
	logical = now ^ (l->active_low ? 1 : 0);
	if (l->edge == GPIO_EDGE_BOTH || (l->edge == GPIO_EDGE_RISING && logical) ||
	    (l->edge == GPIO_EDGE_FALLING && !logical)) {
		pthread_mutex_lock(&l->sim->events_lock);
		req_queue_event(l->holder, l->holder_index, logical);
		pthread_mutex_unlock(&l->sim->events_lock);
	}
}

int gpio_sim_line_set_input(struct gpio_sim_line *line, int level)
{
	int old;

	if (!line || level < -1 || level > 1)
		return -EINVAL;
	old = drive_level(line,
	                  atomic_exchange_explicit(&line->in_drive, level, memory_order_acq_rel));
	line_input_changed(line, old);
	return 0;
}

int gpio_sim_line_driven(const struct gpio_sim_line *line)
{
	if (!line || !line->holder || line->dir != GPIO_DIR_OUTPUT)
		return -1;
	return line->out_level;
}

void gpio_sim_line_set_hook(struct gpio_sim_line *line,
                            void (*fn)(void *ctx, struct gpio_sim_line *line, int electrical),
                            void *ctx)
{
	if (!line)
		return;
	line->hook = fn;
	line->hook_ctx = ctx;
}

void gpio_sim_line_set_model(struct gpio_sim_line *line, void *model)
{
	if (line)
		line->model = model;
}

void *gpio_sim_line_model(const struct gpio_sim_line *line)
{
	return line ? line->model : NULL;
}

static int backdoor_line(struct gpio *gpio, const char *chip, unsigned int offset,
                         struct gpio_sim_line **out)
{
	if (!gpio_sim_is(gpio))
		return -EINVAL;
	*out = gpio_sim_line_get(gpio, chip, offset);
	if (!*out)
		return errno == ERANGE ? -ERANGE : -ENODEV;
	return 0;
}

int gpio_sim_set_input(struct gpio *gpio, const char *chip, unsigned int offset, int level)
{
	struct gpio_sim_line *l;
	int ret = backdoor_line(gpio, chip, offset, &l);

	return ret ? ret : gpio_sim_line_set_input(l, level);
}

int gpio_sim_output(struct gpio *gpio, const char *chip, unsigned int offset, int *electrical,
                    int *logical)
{
	struct gpio_sim_line *l;
	int ret = backdoor_line(gpio, chip, offset, &l);

	if (ret)
		return ret;
	if (!l->holder || l->dir != GPIO_DIR_OUTPUT)
		return -ENOENT;
	if (electrical)
		*electrical = l->out_level;
	if (logical)
		*logical = l->out_level ^ (l->active_low ? 1 : 0);
	return 0;
}

int gpio_sim_set_write_error(struct gpio *gpio, const char *chip, unsigned int offset, int err)
{
	struct gpio_sim_line *l;
	int ret = backdoor_line(gpio, chip, offset, &l);

	if (ret)
		return ret;
	if (err < 0)
		return -EINVAL;
	l->write_err = err;
	return 0;
}

const char *gpio_sim_consumer(struct gpio *gpio, const char *chip, unsigned int offset)
{
	struct gpio_sim_line *l;

	if (backdoor_line(gpio, chip, offset, &l))
		return NULL;
	return l->holder ? l->holder->consumer : NULL;
}

/* ---- gpio_ops ----------------------------------------------------------- */

static void line_take(struct gpio_sim_line *l, struct sim_request *r, size_t i,
                      const struct gpio_line_config *cfg)
{
	l->holder = r;
	l->holder_index = i;
	l->dir = cfg->direction;
	l->active_low = cfg->active_low;
	l->bias = cfg->bias;
	l->edge = cfg->direction == GPIO_DIR_INPUT ? cfg->edge : GPIO_EDGE_NONE;
	if (cfg->direction == GPIO_DIR_OUTPUT) {
		l->out_level = (cfg->initial_value ? 1 : 0) ^ (cfg->active_low ? 1 : 0);
		if (l->hook)
			l->hook(l->hook_ctx, l, l->out_level);
	}
	/* A bias applied at request time is not an edge: the kernel agrees. */
}

static void line_give_back(struct gpio_sim_line *l)
{
	l->holder = NULL;
	l->holder_index = 0;
	l->dir = GPIO_DIR_INPUT;
	l->edge = GPIO_EDGE_NONE;
}

static struct gpio_request *sim_request(struct gpio *gpio, const char *consumer,
                                        const struct gpio_line_config *lines, size_t n, char *err,
                                        size_t err_len)
{
	struct gpio_sim *sim = to_sim(gpio);
	struct sim_request *r;
	bool edges = false;
	size_t taken = 0;
	int e = ENOMEM;

	r = calloc(1, sizeof(*r));
	if (!r)
		goto err;
	r->lines = calloc(n, sizeof(*r->lines));
	r->names = calloc(n, sizeof(*r->names));
	if (!r->lines || !r->names)
		goto err_arrays;
	r->base.ops = &sim_ops;
	r->sim = sim;
	r->n = n;
	r->efd = -1;
	snprintf(r->consumer, sizeof(r->consumer), "%s", consumer);

	for (taken = 0; taken < n; taken++) {
		const struct gpio_line_config *c = &lines[taken];
		const char *what = c->name ? c->name : "GPIO line";
		struct sim_chip *chip;
		struct gpio_sim_line *l;

		snprintf(r->names[taken], SIM_NAME_LEN, "%s", what);
		chip = c->chip ? chip_get(sim, c->chip) : NULL;
		if (!chip) {
			e = EINVAL;
			snprintf(err, err_len,
			         "%s: no GPIO chip given; set the chip name, path or label", what);
			goto err_lines;
		}
		if (c->offset >= chip->num_lines) {
			e = EINVAL;
			snprintf(err, err_len,
			         "%s: line %u does not exist on %s (%s), which has lines 0-%u; "
			         "fix the line number in the config",
			         what, c->offset, chip->name, chip->label, chip->num_lines - 1);
			goto err_lines;
		}
		l = &chip->lines[c->offset];
		if (l->holder) {
			e = EBUSY;
			if (l->holder == r)
				snprintf(err, err_len,
				         "%s: %s line %u is also given to %s; "
				         "give every output and input its own line",
				         what, chip->name, c->offset, r->names[l->holder_index]);
			else
				snprintf(
				    err, err_len,
				    "%s: %s line %u is busy, held by consumer \"%s\" (as %s); "
				    "give each line to one user only, or stop the other program",
				    what, chip->name, c->offset, l->holder->consumer,
				    l->holder->names[l->holder_index]);
			goto err_lines;
		}
		if (c->direction == GPIO_DIR_INPUT && c->edge != GPIO_EDGE_NONE)
			edges = true;
		line_take(l, r, taken, c);
		r->lines[taken] = l;
	}
	if (edges) {
		r->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (r->efd < 0) {
			e = errno;
			snprintf(err, err_len, "cannot create the event fd: %s", strerror(e));
			goto err_lines;
		}
	}
	return &r->base;

err_lines:
	while (taken-- > 0)
		line_give_back(r->lines[taken]);
err_arrays:
	free(r->names);
	free(r->lines);
	free(r);
err:
	if (e == ENOMEM)
		snprintf(err, err_len, "out of memory requesting GPIO lines");
	errno = e;
	return NULL;
}

static int line_write(struct gpio_sim_line *l, int logical)
{
	int level = (logical ? 1 : 0) ^ (l->active_low ? 1 : 0);

	if (l->write_err)
		return -l->write_err;
	if (level != l->out_level) {
		l->out_level = level;
		if (l->hook)
			l->hook(l->hook_ctx, l, level);
	}
	return 0;
}

static int sim_set_all(struct gpio_request *req, const int *values)
{
	struct sim_request *r = to_req(req);
	int first = 0;

	/* Per chip all-or-nothing, like the kernel's bulk ioctl. */
	for (size_t i = 0; i < r->n; i++) {
		struct sim_chip *chip = r->lines[i]->chip;
		bool seen = false;
		int chip_err = 0;

		for (size_t j = 0; j < i && !seen; j++)
			seen = r->lines[j]->chip == chip;
		if (seen)
			continue;
		for (size_t j = i; j < r->n && !chip_err; j++)
			if (r->lines[j]->chip == chip && r->lines[j]->dir == GPIO_DIR_OUTPUT)
				chip_err = r->lines[j]->write_err;
		if (chip_err) {
			if (!first)
				first = -chip_err;
			continue;
		}
		for (size_t j = i; j < r->n; j++)
			if (r->lines[j]->chip == chip && r->lines[j]->dir == GPIO_DIR_OUTPUT)
				(void)line_write(r->lines[j], values[j]);
	}
	return first;
}

static int sim_set(struct gpio_request *req, size_t index, int value)
{
	struct sim_request *r = to_req(req);

	if (index >= r->n || r->lines[index]->dir != GPIO_DIR_OUTPUT)
		return -EINVAL;
	return line_write(r->lines[index], value);
}

static int sim_get(struct gpio_request *req, size_t index, int *value)
{
	struct sim_request *r = to_req(req);
	struct gpio_sim_line *l;

	if (index >= r->n)
		return -EINVAL;
	l = r->lines[index];
	if (l->dir == GPIO_DIR_OUTPUT)
		*value = l->out_level ^ (l->active_low ? 1 : 0);
	else
		*value = line_input_level(l) ^ (l->active_low ? 1 : 0);
	return 0;
}

static int sim_event_fd(struct gpio_request *req)
{
	return to_req(req)->efd;
}

static int sim_read_events(struct gpio_request *req, struct gpio_edge_event *out, size_t max)
{
	struct sim_request *r = to_req(req);
	uint64_t counter;
	size_t n = 0;

	if (r->efd < 0)
		return -EINVAL;
	pthread_mutex_lock(&r->sim->events_lock);
	while (n < max && r->q_count) {
		out[n++] = r->queue[r->q_head];
		r->q_head = (r->q_head + 1) % SIM_EVENT_QUEUE;
		r->q_count--;
	}
	/* Drain the counter with the queue, under the lock, so the fd is
	 * readable exactly while an edge waits. */
	if (!r->q_count && read(r->efd, &counter, sizeof(counter)) < 0) {
		/* EAGAIN: nothing was pending */
	}
	pthread_mutex_unlock(&r->sim->events_lock);
	return (int)n;
}

static void sim_release(struct gpio_request *req)
{
	struct sim_request *r = to_req(req);

	for (size_t i = 0; i < r->n; i++)
		line_give_back(r->lines[i]);
	if (r->efd >= 0)
		close(r->efd);
	free(r->names);
	free(r->lines);
	free(r);
}

static void sim_destroy(struct gpio *gpio)
{
	struct gpio_sim *sim = to_sim(gpio);

	for (size_t i = 0; i < sim->chip_count; i++) {
		free(sim->chips[i]->lines);
		free(sim->chips[i]);
	}
	free(sim->chips);
	pthread_mutex_destroy(&sim->events_lock);
	free(sim);
}

/* ---- read-only inspection (--check-config) ------------------------------ */

static int sim_chip_info(struct gpio *gpio, const char *id, struct gpio_chip_info *out)
{
	struct sim_chip *c = chip_find(to_sim(gpio), id);

	if (!c)
		return -ENOENT;
	snprintf(out->name, sizeof(out->name), "%s", c->name);
	snprintf(out->label, sizeof(out->label), "%s", c->label);
	out->line_count = c->num_lines;
	return 0;
}

static int sim_line_info(struct gpio *gpio, const char *id, unsigned int offset,
                         struct gpio_line_info *out)
{
	struct sim_chip *c = chip_find(to_sim(gpio), id);
	const struct gpio_sim_line *l;

	if (!c)
		return -ENOENT;
	if (offset >= c->num_lines)
		return -ERANGE;
	l = &c->lines[offset];
	out->used = l->holder != NULL;
	snprintf(out->consumer, sizeof(out->consumer), "%s", l->holder ? l->holder->consumer : "");
	return 0;
}

static const struct gpio_ops sim_ops = {
    .request = sim_request,
    .set_all = sim_set_all,
    .set = sim_set,
    .get = sim_get,
    .event_fd = sim_event_fd,
    .read_events = sim_read_events,
    .release = sim_release,
    .destroy = sim_destroy,
    .name = "simulator",
    .chip_info = sim_chip_info,
    .line_info = sim_line_info,
};

struct gpio *gpio_sim_create(void)
{
	struct gpio_sim *sim = calloc(1, sizeof(*sim));

	if (!sim) {
		errno = ENOMEM;
		return NULL;
	}
	sim->base.ops = &sim_ops;
	pthread_mutex_init(&sim->events_lock, NULL);
	return &sim->base;
}
