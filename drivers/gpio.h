/* SPDX-License-Identifier: MIT */
/*
 * The GPIO seam: every access to a valve, pump, sensor or button line goes
 * through a struct gpio_ops.  Backends fill it: the libgpiod backend, one of
 * two files picked at build time by the installed library's version
 * (drivers/gpio_gpiod.c for libgpiod 1.6, drivers/gpio_gpiod2.c for 2.x;
 * these two are the only files that include <gpiod.h>, and both implement
 * gpio_gpiod.h), and the simulator (drivers/sim/gpio_sim.c).
 *
 * Values at this seam are LOGICAL: 1 means "active" (an output energised, a
 * button pressed).  Per-line active_low flips the electrical level in the
 * backend, so nothing above this seam knows about wiring polarity.
 *
 * Threading: a struct gpio and its requests belong to one thread (the control
 * thread) once created.
 */
#ifndef DRIVERS_GPIO_H
#define DRIVERS_GPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum gpio_direction {
	GPIO_DIR_OUTPUT,
	GPIO_DIR_INPUT,
};

enum gpio_bias {
	GPIO_BIAS_AS_IS,
	GPIO_BIAS_DISABLED,
	GPIO_BIAS_PULL_UP,
	GPIO_BIAS_PULL_DOWN,
};

enum gpio_edge {
	GPIO_EDGE_NONE,
	GPIO_EDGE_RISING,  /* logical 0 -> 1 (after active_low) */
	GPIO_EDGE_FALLING, /* logical 1 -> 0 */
	GPIO_EDGE_BOTH,
};

/* One line to request.  chip is a chip name ("gpiochip0"), a path
 * ("/dev/gpiochip0") or a chip label ("pinctrl-bcm2711", "mcp23017"). */
struct gpio_line_config {
	const char *chip;
	unsigned int offset;
	enum gpio_direction direction;
	bool active_low;
	enum gpio_bias bias;
	enum gpio_edge edge; /* inputs only; GPIO_EDGE_NONE for plain reads */
	int initial_value;   /* outputs only: logical value at request time */
	const char *name;    /* for error messages: "station 1 zone 3" */
};

struct gpio_request; /* a set of lines requested together; opaque */
struct gpio;         /* a backend instance; opaque */

struct gpio_edge_event {
	size_t index;     /* line index within the request */
	int value;        /* logical value after the edge */
	uint64_t time_ns; /* CLOCK_MONOTONIC */
};

/* What a chip and a line are, read without requesting anything (for
 * --check-config): the chip's name, label and line count, and whether a
 * line is held and by which consumer. */
struct gpio_chip_info {
	char name[32];  /* "gpiochip0" */
	char label[64]; /* "pinctrl-bcm2711", "mcp23017" */
	unsigned int line_count;
};

struct gpio_line_info {
	bool used;
	char consumer[32]; /* the holder's consumer name, "" when free or unnamed */
};

struct gpio_ops {
	/* Request n lines under one consumer name.  Returns NULL and sets errno
	 * on failure, writing a message naming the line (and, when the kernel
	 * tells, the consumer already holding it) into err. */
	struct gpio_request *(*request)(struct gpio *gpio, const char *consumer,
	                                const struct gpio_line_config *lines, size_t n, char *err,
	                                size_t err_len);
	/* Set every output of the request in one call; values[i] is ignored for
	 * inputs.  0 or negative errno. */
	int (*set_all)(struct gpio_request *req, const int *values);
	int (*set)(struct gpio_request *req, size_t index, int value);
	int (*get)(struct gpio_request *req, size_t index, int *value);
	/* A pollable fd (POLLIN) that becomes readable when an edge is queued
	 * on any input with edge != NONE and stays readable until read_events
	 * has drained every queued edge; -1 when the request has no edge
	 * input.  The fd belongs to the request (never close it). */
	int (*event_fd)(struct gpio_request *req);
	/* Read up to max queued edges without blocking; returns the count or a
	 * negative errno. */
	int (*read_events)(struct gpio_request *req, struct gpio_edge_event *out, size_t max);
	void (*release)(struct gpio_request *req);
	void (*destroy)(struct gpio *gpio);
	const char *name; /* "libgpiod 1.6", "simulator" */
	/* Read-only inspection; chip is a path, name, number or label as in
	 * struct gpio_line_config.  0, -ENOENT (no such chip), -ERANGE (no
	 * such line), -EACCES, or another negative errno.  Either may be NULL
	 * (then the dispatcher returns -EOPNOTSUPP). */
	int (*chip_info)(struct gpio *gpio, const char *chip, struct gpio_chip_info *out);
	int (*line_info)(struct gpio *gpio, const char *chip, unsigned int offset,
	                 struct gpio_line_info *out);
};

/* Thin dispatchers so callers never touch the vtable directly. */
struct gpio_request *gpio_request_lines(struct gpio *gpio, const char *consumer,
                                        const struct gpio_line_config *lines, size_t n, char *err,
                                        size_t err_len);
int gpio_request_set_all(struct gpio_request *req, const int *values);
int gpio_request_set(struct gpio_request *req, size_t index, int value);
int gpio_request_get(struct gpio_request *req, size_t index, int *value);
int gpio_request_event_fd(struct gpio_request *req);
int gpio_request_read_events(struct gpio_request *req, struct gpio_edge_event *out, size_t max);
void gpio_request_release(struct gpio_request *req); /* NULL is a no-op */
void gpio_destroy(struct gpio *gpio);                /* NULL is a no-op */
const char *gpio_backend_name(const struct gpio *gpio);
/* ops->chip_info / ops->line_info, or -EOPNOTSUPP. */
int gpio_chip_info(struct gpio *gpio, const char *chip, struct gpio_chip_info *out);
int gpio_line_info(struct gpio *gpio, const char *chip, unsigned int offset,
                   struct gpio_line_info *out);

#endif
