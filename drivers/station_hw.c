/* SPDX-License-Identifier: MIT */
/* One station's pump, valves, sensor and stop button; see station_hw.h. */
#include "drivers/station_hw.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATION_CONSUMER "recovery-kiosk"
#define LINE_NAME_LEN 64
/* pump, exhaust, zones, two sensors' clock + data, button, pump sense */
#define MAX_LINES (2 + STATION_MAX_ZONES + 2 + 2 + 1 + 1)
#define NO_LINE ((size_t)-1)
#define IDX_PUMP 0u
#define IDX_EXHAUST 1u
#define IDX_ZONE0 2u

/* One pressure channel: its sensor and, for an HX710B, its lines. */
struct channel {
	struct pressure_sensor *sensor;
	size_t idx_clk;
	size_t idx_data;
};

struct station_hw {
	char name[32];
	struct station_pins pins;
	struct gpio *gpio;
	struct gpio_request *req;
	size_t n_lines;
	size_t idx_button;
	size_t idx_pump_sense;
	bool is_output[MAX_LINES];
	int values[MAX_LINES]; /* logical value per line for set_all; 0 for inputs */
	struct station_outputs out;
	struct channel ch[2]; /* indexed by enum pressure_channel */

	/* stop button debounce */
	int btn_stable;        /* debounced logical level */
	int btn_candidate;     /* last raw level seen */
	uint64_t btn_since_ms; /* when btn_candidate was first seen */
	bool btn_pressed_latch;
};

struct station_outputs station_outputs_safe(size_t zone_count)
{
	struct station_outputs o = {.pump_on = false, .exhaust_open = true, .zones_open = 0};

	if (zone_count > STATION_MAX_ZONES)
		zone_count = STATION_MAX_ZONES;
	o.zones_open = (uint8_t)((1u << zone_count) - 1u);
	return o;
}

static void line_out(struct gpio_line_config *c, char (*name)[LINE_NAME_LEN],
                     const struct gpio_pin *pin, const char *station, const char *what)
{
	snprintf(*name, LINE_NAME_LEN, "%s %s", station, what);
	*c = (struct gpio_line_config){
	    .chip = pin->chip,
	    .offset = pin->offset,
	    .direction = GPIO_DIR_OUTPUT,
	    .active_low = pin->active_low,
	    .bias = GPIO_BIAS_AS_IS,
	    .edge = GPIO_EDGE_NONE,
	    .initial_value = 0, /* de-energised: the safe state from the first moment */
	    .name = *name,
	};
}

struct station_outputs station_outputs_probe(size_t zone)
{
	struct station_outputs o = {.pump_on = false, .exhaust_open = false, .zones_open = 0};

	if (zone < STATION_MAX_ZONES)
		o.zones_open = (uint8_t)(1u << zone);
	return o;
}

static int check_pins(const char *station, const struct station_pins *p, char *err, size_t err_len)
{
	if (p->zone_count < 1 || p->zone_count > STATION_MAX_ZONES) {
		snprintf(err, err_len, "%s: %zu zones configured; a station has 1 to %d zones",
		         station, p->zone_count, STATION_MAX_ZONES);
		return -EINVAL;
	}
	return 0;
}

/* The lines of one channel's HX710B: clock out, data in. */
static size_t add_hx_lines(struct gpio_line_config *cfg, char (*names)[LINE_NAME_LEN], size_t n,
                           struct channel *ch, const struct gpio_pin *clock,
                           const struct gpio_pin *data, const char *station,
                           enum pressure_channel which)
{
	const char *what = which == PRESSURE_CHANNEL_SAFETY ? "safety sensor" : "sensor";
	char label[32];

	ch->idx_clk = n;
	snprintf(label, sizeof(label), "%s clock", what);
	line_out(&cfg[n], &names[n], clock, station, label);
	n++;
	ch->idx_data = n;
	snprintf(label, sizeof(label), "%s data", what);
	line_out(&cfg[n], &names[n], data, station, label);
	cfg[n].direction = GPIO_DIR_INPUT;
	return n + 1;
}

/* What the factory sees of one channel; req NULL before the request. */
static struct pressure_sensor_spec channel_spec(const struct station_hw *hw,
                                                enum pressure_channel which)
{
	const struct station_pins *p = &hw->pins;
	bool safety = which == PRESSURE_CHANNEL_SAFETY;

	return (struct pressure_sensor_spec){
	    .station = hw->name,
	    .channel = which,
	    .kind = safety ? p->safety_sensor : p->sensor,
	    .pins = p,
	    .req = hw->req,
	    .clock_index = hw->ch[which].idx_clk,
	    .data_index = hw->ch[which].idx_data,
	    .offset_counts = safety ? p->safety_offset_counts : p->sensor_offset_counts,
	    .mmhg_per_count = safety ? p->safety_mmhg_per_count : p->sensor_mmhg_per_count,
	    .extra_pulses = safety ? p->safety_extra_pulses : p->sensor_extra_pulses,
	};
}

static int check_channels(const struct station_hw *hw,
                          const struct pressure_sensor_factory *sensors, char *err, size_t err_len)
{
	for (int c = PRESSURE_CHANNEL_CONTROL; c <= PRESSURE_CHANNEL_SAFETY; c++) {
		struct pressure_sensor_spec spec = channel_spec(hw, (enum pressure_channel)c);
		int ret = sensors->check ? sensors->check(sensors->ctx, &spec, err, err_len) : 0;

		if (ret < 0)
			return ret;
	}
	return 0;
}

static int build_channel(struct station_hw *hw, const struct pressure_sensor_factory *sensors,
                         enum pressure_channel which, char *err, size_t err_len)
{
	struct pressure_sensor_spec spec = channel_spec(hw, which);
	struct channel *ch = &hw->ch[which];

	errno = 0;
	ch->sensor = sensors->create(sensors->ctx, &spec, err, err_len);
	if (ch->sensor)
		return 0;
	if (!err[0])
		snprintf(err, err_len, "%s: cannot set up the %s: %s", hw->name,
		         pressure_channel_name(which), strerror(errno ? errno : EIO));
	return errno ? -errno : -EIO;
}

struct station_hw *station_hw_create_with(struct gpio *gpio,
                                          const struct pressure_sensor_factory *sensors,
                                          const char *station_name, const struct station_pins *pins,
                                          char *err, size_t err_len)
{
	struct gpio_line_config cfg[MAX_LINES];
	char names[MAX_LINES][LINE_NAME_LEN];
	char backend_err[256];
	struct station_hw *hw;
	size_t n = 0;
	int e;

	if (err && err_len)
		err[0] = '\0';
	if (!err || !err_len) {
		err = backend_err;
		err_len = sizeof(backend_err);
		err[0] = '\0';
	}
	if (!sensors)
		sensors = &pressure_sensor_factory_hardware;
	if (!gpio || !pins || !sensors->create) {
		snprintf(err, err_len,
		         "station hardware: no GPIO backend, sensors or pins (internal error)");
		e = EINVAL;
		goto err;
	}
	if (!station_name)
		station_name = "station";
	e = -check_pins(station_name, pins, err, err_len);
	if (e)
		goto err;
	hw = calloc(1, sizeof(*hw));
	if (!hw) {
		snprintf(err, err_len, "%s: out of memory", station_name);
		e = ENOMEM;
		goto err;
	}
	snprintf(hw->name, sizeof(hw->name), "%s", station_name);
	hw->pins = *pins;
	hw->gpio = gpio;
	hw->idx_button = hw->idx_pump_sense = NO_LINE;
	for (size_t c = 0; c < 2; c++)
		hw->ch[c].idx_clk = hw->ch[c].idx_data = NO_LINE;

	line_out(&cfg[n], &names[n], &pins->pump, station_name, "pump");
	n++;
	line_out(&cfg[n], &names[n], &pins->exhaust, station_name, "exhaust valve");
	n++;
	for (size_t k = 0; k < pins->zone_count; k++, n++) {
		char what[32];
		snprintf(what, sizeof(what), "zone %u valve", (unsigned int)(k + 1));
		line_out(&cfg[n], &names[n], &pins->zones[k], station_name, what);
	}
	if (pins->sensor == SENSOR_HX710B)
		n = add_hx_lines(cfg, names, n, &hw->ch[PRESSURE_CHANNEL_CONTROL],
		                 &pins->sensor_clock, &pins->sensor_data, station_name,
		                 PRESSURE_CHANNEL_CONTROL);
	if (pins->safety_sensor == SENSOR_HX710B)
		n = add_hx_lines(cfg, names, n, &hw->ch[PRESSURE_CHANNEL_SAFETY],
		                 &pins->safety_clock, &pins->safety_data, station_name,
		                 PRESSURE_CHANNEL_SAFETY);
	if (pins->has_stop_button) {
		hw->idx_button = n;
		line_out(&cfg[n], &names[n], &pins->stop_button, station_name, "stop button");
		cfg[n].direction = GPIO_DIR_INPUT;
		cfg[n].bias = pins->stop_button_bias;
		cfg[n].edge = GPIO_EDGE_BOTH;
		n++;
	}
	if (pins->has_pump_sense) {
		hw->idx_pump_sense = n;
		line_out(&cfg[n], &names[n], &pins->pump_sense, station_name, "pump sense");
		cfg[n].direction = GPIO_DIR_INPUT;
		cfg[n].bias = pins->pump_sense_bias;
		n++;
	}
	hw->n_lines = n;
	for (size_t i = 0; i < n; i++)
		hw->is_output[i] = cfg[i].direction == GPIO_DIR_OUTPUT;

	/* Settings first: a station that cannot work takes no line. */
	e = -check_channels(hw, sensors, err, err_len);
	if (e)
		goto err_free;
	hw->req = gpio_request_lines(gpio, STATION_CONSUMER, cfg, n, err, err_len);
	if (!hw->req) {
		e = errno ? errno : EIO;
		goto err_free;
	}
	e = -build_channel(hw, sensors, PRESSURE_CHANNEL_CONTROL, err, err_len);
	if (e)
		goto err_req;
	e = -build_channel(hw, sensors, PRESSURE_CHANNEL_SAFETY, err, err_len);
	if (e)
		goto err_control;
	hw->out = station_outputs_safe(pins->zone_count);
	return hw;

err_control:
	pressure_sensor_destroy(hw->ch[PRESSURE_CHANNEL_CONTROL].sensor);
err_req:
	gpio_request_release(hw->req);
err_free:
	free(hw);
err:
	errno = e;
	return NULL;
}

struct station_hw *station_hw_create(struct gpio *gpio, const char *station_name,
                                     const struct station_pins *pins, char *err, size_t err_len)
{
	return station_hw_create_with(gpio, NULL, station_name, pins, err, err_len);
}

void station_hw_destroy(struct station_hw *hw)
{
	if (!hw)
		return;
	(void)station_hw_safe(hw);
	pressure_sensor_destroy(hw->ch[PRESSURE_CHANNEL_SAFETY].sensor);
	pressure_sensor_destroy(hw->ch[PRESSURE_CHANNEL_CONTROL].sensor);
	gpio_request_release(hw->req);
	free(hw);
}

static void outputs_to_values(struct station_hw *hw, const struct station_outputs *o)
{
	/* Energised pump runs; energised exhaust and zone valves are CLOSED. */
	hw->values[IDX_PUMP] = o->pump_on ? 1 : 0;
	hw->values[IDX_EXHAUST] = o->exhaust_open ? 0 : 1;
	for (size_t k = 0; k < hw->pins.zone_count; k++)
		hw->values[IDX_ZONE0 + k] = (o->zones_open >> k) & 1u ? 0 : 1;
	/* The ADC clocks idle low (their slots stay 0). */
}

int station_hw_apply(struct station_hw *hw, const struct station_outputs *out)
{
	int ret;

	if (!hw || !out)
		return -EINVAL;
	outputs_to_values(hw, out);
	ret = gpio_request_set_all(hw->req, hw->values);
	if (ret == 0) {
		hw->out = *out;
		hw->out.zones_open &= (uint8_t)((1u << hw->pins.zone_count) - 1u);
	}
	return ret;
}

int station_hw_safe(struct station_hw *hw)
{
	struct station_outputs was;
	int first = 0;

	if (!hw)
		return -EINVAL;
	was = hw->out;
	memset(hw->values, 0, sizeof(hw->values));
	hw->out = station_outputs_safe(hw->pins.zone_count);
	if (gpio_request_set_all(hw->req, hw->values) == 0)
		return 0;
	/* The bulk write failed somewhere: drive every output on its own so one
	 * bad line (or chip) cannot keep the others energised.  A line that
	 * refuses keeps its old level, so hw->out keeps reporting it as it was:
	 * the outputs never claim a safety they do not have. */
	for (size_t i = 0; i < hw->n_lines; i++) {
		int ret;
		if (!hw->is_output[i])
			continue;
		ret = gpio_request_set(hw->req, i, 0);
		if (!ret)
			continue;
		if (!first)
			first = ret;
		if (i == IDX_PUMP)
			hw->out.pump_on = was.pump_on;
		else if (i == IDX_EXHAUST)
			hw->out.exhaust_open = was.exhaust_open;
		else if (i >= IDX_ZONE0 && i < IDX_ZONE0 + hw->pins.zone_count)
			hw->out.zones_open =
			    (uint8_t)((hw->out.zones_open & ~(1u << (i - IDX_ZONE0))) |
			              (was.zones_open & (1u << (i - IDX_ZONE0))));
	}
	return first;
}

struct station_outputs station_hw_outputs(const struct station_hw *hw)
{
	return hw->out;
}

int station_hw_read_pressure(struct station_hw *hw, uint64_t now_ms, struct pressure_reading *out)
{
	if (!hw || !out)
		return -EINVAL;
	return pressure_sensor_read(hw->ch[PRESSURE_CHANNEL_CONTROL].sensor, now_ms, out);
}

int station_hw_read_safety_pressure(struct station_hw *hw, uint64_t now_ms,
                                    struct pressure_reading *out)
{
	if (!hw || !out)
		return -EINVAL;
	return pressure_sensor_read(hw->ch[PRESSURE_CHANNEL_SAFETY].sensor, now_ms, out);
}

bool station_hw_has_safety_sensor(const struct station_hw *hw)
{
	return hw && hw->pins.safety_sensor != SENSOR_NONE;
}

int station_hw_read_pump_sense(struct station_hw *hw, bool *running)
{
	int level;
	int ret;

	if (!hw || !running)
		return -EINVAL;
	if (hw->idx_pump_sense == NO_LINE)
		return -ENODEV;
	ret = gpio_request_get(hw->req, hw->idx_pump_sense, &level);
	if (ret)
		return ret;
	*running = level != 0;
	return 0;
}

int station_hw_button_fd(struct station_hw *hw)
{
	if (!hw || hw->idx_button == NO_LINE)
		return -1;
	return gpio_request_event_fd(hw->req);
}

/* Track one observed button level (from an edge or a read). */
static void button_see_level(struct station_hw *hw, int level, uint64_t now_ms)
{
	if (level && !hw->btn_stable) {
		hw->btn_stable = 1;
		hw->btn_pressed_latch = true;
	}
	if (level != hw->btn_candidate) {
		hw->btn_candidate = level;
		hw->btn_since_ms = now_ms;
	}
}

bool station_hw_button_pressed(struct station_hw *hw, uint64_t now_ms)
{
	struct gpio_edge_event ev[16];
	bool pressed;
	int level;
	int n;

	if (!hw || hw->idx_button == NO_LINE)
		return false;
	/* A stop acts on the leading edge: the first edge to "pressed" latches
	 * a press at once, so the station vents within one tick.  Even a short
	 * opening of the stop circuit (a loose wire) stops: wiring faults fail
	 * safe.  The debounce only decides when a release has settled, so
	 * contact chatter after a press is not reported as further presses. */
	do {
		n = gpio_request_read_events(hw->req, ev, sizeof(ev) / sizeof(ev[0]));
		for (int i = 0; i < n; i++) {
			if (ev[i].index != hw->idx_button)
				continue;
			button_see_level(hw, ev[i].value, now_ms);
		}
	} while (n == (int)(sizeof(ev) / sizeof(ev[0])));
	/* The level itself, in case the queue overflowed. */
	if (gpio_request_get(hw->req, hw->idx_button, &level) == 0)
		button_see_level(hw, level, now_ms);
	if (!hw->btn_candidate && hw->btn_stable &&
	    now_ms - hw->btn_since_ms >= hw->pins.stop_button_debounce_ms)
		hw->btn_stable = 0;
	pressed = hw->btn_pressed_latch || hw->btn_stable;
	hw->btn_pressed_latch = false;
	return pressed;
}

size_t station_hw_zone_count(const struct station_hw *hw)
{
	return hw ? hw->pins.zone_count : 0;
}
