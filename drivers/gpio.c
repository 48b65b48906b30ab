/* SPDX-License-Identifier: MIT */
/* Dispatchers over struct gpio_ops; see gpio.h. */
#include "drivers/gpio.h"

#include <errno.h>
#include <string.h>
#include <stdio.h>

#include "drivers/gpio_private.h"

struct gpio_request *gpio_request_lines(struct gpio *gpio, const char *consumer,
                                        const struct gpio_line_config *lines, size_t n, char *err,
                                        size_t err_len)
{
	char scratch[256]; /* the backends always write a message */

	if (!err || !err_len) {
		err = scratch;
		err_len = sizeof(scratch);
	}
	err[0] = '\0';
	if (!gpio || !lines || n == 0) {
		snprintf(err, err_len, "no GPIO lines to request (internal error)");
		errno = EINVAL;
		return NULL;
	}
	return gpio->ops->request(gpio, consumer ? consumer : "recovery-kiosk", lines, n, err,
	                          err_len);
}

int gpio_request_set_all(struct gpio_request *req, const int *values)
{
	if (!req || !values)
		return -EINVAL;
	return req->ops->set_all(req, values);
}

int gpio_request_set(struct gpio_request *req, size_t index, int value)
{
	if (!req)
		return -EINVAL;
	return req->ops->set(req, index, value);
}

int gpio_request_get(struct gpio_request *req, size_t index, int *value)
{
	if (!req || !value)
		return -EINVAL;
	return req->ops->get(req, index, value);
}

int gpio_request_event_fd(struct gpio_request *req)
{
	if (!req)
		return -1;
	return req->ops->event_fd(req);
}

int gpio_request_read_events(struct gpio_request *req, struct gpio_edge_event *out, size_t max)
{
	if (!req || (!out && max))
		return -EINVAL;
	return req->ops->read_events(req, out, max);
}

void gpio_request_release(struct gpio_request *req)
{
	if (req)
		req->ops->release(req);
}

void gpio_destroy(struct gpio *gpio)
{
	if (gpio)
		gpio->ops->destroy(gpio);
}

const char *gpio_backend_name(const struct gpio *gpio)
{
	return gpio ? gpio->ops->name : "none";
}

int gpio_chip_info(struct gpio *gpio, const char *chip, struct gpio_chip_info *out)
{
	if (!gpio || !chip || !out)
		return -EINVAL;
	if (!gpio->ops->chip_info)
		return -EOPNOTSUPP;
	memset(out, 0, sizeof(*out));
	return gpio->ops->chip_info(gpio, chip, out);
}

int gpio_line_info(struct gpio *gpio, const char *chip, unsigned int offset,
                   struct gpio_line_info *out)
{
	if (!gpio || !chip || !out)
		return -EINVAL;
	if (!gpio->ops->line_info)
		return -EOPNOTSUPP;
	memset(out, 0, sizeof(*out));
	return gpio->ops->line_info(gpio, chip, offset, out);
}
