/* SPDX-License-Identifier: MIT */
/*
 * The simulated GPIO backend: the same struct gpio_ops as libgpiod, on chips
 * that exist only in memory.  Used by `--sim`, by every test, and by device
 * models (boot_sim.h: the boot physics and an HX710B emulator).
 *
 * Chips are created on demand the first time a name is used: "gpiochipN" or
 * "/dev/gpiochipN" make a chip of that name (label "sim-N"); any other string
 * is taken as a label and gets the next free "gpiochipN" name.
 * gpio_sim_add_chip() declares a chip up front with a name, a label and a
 * line count, so both spellings reach the same lines.  On-demand chips have
 * GPIO_SIM_DEFAULT_LINES lines.
 *
 * Levels: the seam (gpio.h) speaks LOGICAL values; the simulator also keeps
 * the ELECTRICAL level of every line (logical XOR active_low), which is what
 * device models and the backdoors below see, as a real relay or ADC would.
 *
 * Like the kernel: a line held by one request cannot be requested again
 * (EBUSY, with a message naming the holder's consumer and line name); a
 * request's lines are all given back by release.  An input's level is the
 * level driven through the backdoor, or else its bias (pull-up -> 1, anything
 * else -> 0).  Inputs requested with an edge queue struct gpio_edge_event on
 * a change and make the request's eventfd readable.
 *
 * Threading: like every backend, one thread (the control thread, or the test)
 * uses a struct gpio_sim and everything attached to it, with one exception:
 * driving an input (gpio_sim_set_input, gpio_sim_line_set_input) may happen
 * on any thread while the line stays requested, so a test or a benchmark can
 * press a stop button while the control thread polls the request's fd.
 */
#ifndef DRIVERS_GPIO_SIM_H
#define DRIVERS_GPIO_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/gpio.h"

#define GPIO_SIM_DEFAULT_LINES 64u

struct gpio_sim_line; /* one line of a simulated chip; owned by the struct gpio */

/* A new simulator with no chips.  NULL + errno on allocation failure.
 * Destroy with gpio_destroy(). */
struct gpio *gpio_sim_create(void);

/* True when gpio is a simulator (so the backdoors below apply). */
bool gpio_sim_is(const struct gpio *gpio);

/* Declare a chip with a name ("gpiochip2"), a label ("mcp23017", may be NULL)
 * and a line count.  0, -EEXIST when the name or label is taken, -EINVAL. */
int gpio_sim_add_chip(struct gpio *gpio, const char *name, const char *label,
                      unsigned int num_lines);

/* Event timestamps: by default CLOCK_MONOTONIC; after this call they are
 * time_ns (a fake clock for tests).  No-op on a non-simulator. */
void gpio_sim_set_time_ns(struct gpio *gpio, uint64_t time_ns);

/* ---- backdoors by chip + offset (for tests) --------------------------- */

/* Drive an input line's ELECTRICAL level (0 or 1), or -1 to let it float back
 * to its bias.  Queues an edge event when a requested input changes.
 * 0, -EINVAL (not a simulator, bad level), -ENODEV/-ERANGE (no such line). */
int gpio_sim_set_input(struct gpio *gpio, const char *chip, unsigned int offset, int level);

/* Read a line as driven by its holder: *electrical is the pin's level and
 * *logical the value at the seam (either pointer may be NULL).
 * -ENOENT when the line is not requested as an output. */
int gpio_sim_output(struct gpio *gpio, const char *chip, unsigned int offset, int *electrical,
                    int *logical);

/* Make every later write to the line fail with -err (a positive errno such as
 * EIO); 0 makes writes work again.  A failing line fails the whole set_all of
 * its chip, as the kernel's bulk ioctl would, and keeps its previous level. */
int gpio_sim_set_write_error(struct gpio *gpio, const char *chip, unsigned int offset, int err);

/* Consumer holding the line, or NULL when free. */
const char *gpio_sim_consumer(struct gpio *gpio, const char *chip, unsigned int offset);

/* ---- device-model interface (boot_sim, emulators) --------------------- */

/* The line (the chip is created on demand).  NULL + errno (EINVAL for a
 * non-simulator, ERANGE for an offset past the chip). Stable until the
 * struct gpio is destroyed. */
struct gpio_sim_line *gpio_sim_line_get(struct gpio *gpio, const char *chip, unsigned int offset);

/* ELECTRICAL level an output is driven to, or -1 when nobody drives it (not
 * requested, or requested as input): the installer's pull resistors then
 * hold the load de-energised.  O(1), no allocation. */
int gpio_sim_line_driven(const struct gpio_sim_line *line);

/* Same as gpio_sim_set_input() on a line handle. */
int gpio_sim_line_set_input(struct gpio_sim_line *line, int level);

/* Called after every write that changes the line's electrical level (from
 * set or set_all), with the new level.  One hook per line; fn NULL removes. */
void gpio_sim_line_set_hook(struct gpio_sim_line *line,
                            void (*fn)(void *ctx, struct gpio_sim_line *line, int electrical),
                            void *ctx);

/* One opaque pointer per line for a model to register itself, so code that
 * only has the struct gpio and a pin can find it (boot_sim_find()). */
void gpio_sim_line_set_model(struct gpio_sim_line *line, void *model);
void *gpio_sim_line_model(const struct gpio_sim_line *line);

#endif
