/* SPDX-License-Identifier: MIT */
/*
 * The real kiosk under a private Xvfb, with a private mosquitto on a free
 * 127.0.0.1 port: start everything, click real coordinates with xdotool
 * (computed by the UI's own layout code), wait until a button is drawn
 * (reading the X framebuffer), follow each station's retained MQTT status
 * (the kiosk's own reporting, read by a mosquitto_sub child), take PNG
 * screenshots, and tear it all down.
 */
#ifndef TESTS_UI_XHARNESS_H
#define TESTS_UI_XHARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ui/layout.h"
#include "core/program.h"
#include "core/screening.h"
#include "ui/theme.h"

#define XH_MAX_STATIONS 8
#define XH_TIMEOUT_MS 8000

struct xh_station {
	char state[32];
	char phase[16];
	double pressure_mmhg;
	double duration_s;
	double target_mmhg;
	char history[512];      /* every state seen, comma separated */
	double vent_first_mmhg; /* pressure in the first "venting" status, -1 = none */
	double vent_last_mmhg;
	double session_peak_mmhg; /* highest pressure since the session started */
};

struct xh {
	int w, h;
	char dir[128];
	char display[16];
	int port;
	pid_t xvfb, broker, app, sub;
	int sub_fd;
	char line[16384];
	size_t line_len;
	void *dpy; /* Display * */
	int origin_x, origin_y;
	struct ui_metrics m;
	struct kiosk_config *config;
	struct program_set programs;
	struct screening_set screening;
	size_t station_count;
	struct xh_station st[XH_MAX_STATIONS];
	char shot_dir[256];
	unsigned long long spawn_ms;       /* CLOCK_MONOTONIC when the kiosk was started */
	unsigned long long first_frame_ms; /* ... when the overview was first on screen */
	/* Set by xh_start_with (paths inside dir, removed by xh_stop): */
	char app_log[200];   /* the kiosk's stdout + stderr */
	char state_dir[200]; /* the kiosk's state_dir (its database) */
	char mqtt_log[200];  /* "" unless record_all_mqtt: every message on '#' */
	pid_t sub_all;       /* the '#' recorder, -1 if none */
	unsigned int sync_seq;
	char language[8]; /* [display] language of the kiosk */
	/* For xh_button: the zones of the station on the adjust screen and
	 * the list buttons of a "which one" screen. */
	size_t layout_zones, layout_items;
	unsigned int clicks; /* xh_click / xh_click_at calls so far */
};

struct xh_options {
	unsigned int idle_timeout_s;
	/* A second mosquitto_sub on '#' (every topic, homeassistant/... too)
	 * appends "topic payload" lines to mqtt_log; it is subscribed before
	 * the kiosk starts. */
	bool record_all_mqtt;
	/* [display] language (NULL = the sim config's, en). */
	const char *language;
	/* Start the kiosk without --assets: it must find them itself. */
	bool no_assets_option;
	/* [limits] boots_on_timeout_s (0 = the sim config's). */
	unsigned int boots_on_timeout_s;
	/* The kiosk.conf to start from (NULL = assets/kiosk-sim.conf): display,
	 * broker address, paths and the options above are set as for the
	 * example; every other key (site, MQTT login, sim_fault...) is kept. */
	const char *config_template;
	/* A broker already listening on 127.0.0.1:broker_port (0 = start a
	 * private anonymous one), and the login the status subscriber uses on
	 * it (NULL = anonymous). */
	int broker_port;
	const char *sub_username;
	const char *sub_password;
};

/* Start Xvfb (w x h), a broker and the kiosk (--sim) with a temp copy of
 * assets/kiosk-sim.conf pointing at them, then wait for the overview.
 * 0, or -1 with a message on stderr. */
int xh_start(struct xh *x, int w, int h, unsigned int idle_timeout_s);
void xh_stop(struct xh *x); /* safe on a partly started harness */
/* xh_start with options. */
int xh_start_with(struct xh *x, int w, int h, const struct xh_options *o);
/* SIGTERM the kiosk alone and wait up to timeout_ms for it to exit (then
 * SIGKILL): its waitpid() status, or -1 if it had to be killed or was not
 * running.  Xvfb, the broker and the subscribers stay up. */
int xh_stop_app(struct xh *x, int timeout_ms);
/* Publish a marker and wait until the '#' recorder has written it, so every
 * message the broker delivered before it is in mqtt_log.  0, or -1. */
int xh_mqtt_sync(struct xh *x, int timeout_ms);

struct ui_rect xh_button(struct xh *x, enum ui_screen s, enum ui_button b);
/* Move the real pointer to the centre of b and click. */
void xh_click(struct xh *x, enum ui_screen s, enum ui_button b);
void xh_click_at(struct xh *x, int px, int py);

/* The pixel at window (px, py) as 0xRRGGBB. */
unsigned int xh_pixel(struct xh *x, int px, int py);
bool xh_wait_pixel(struct xh *x, int px, int py, struct ui_color c, int timeout_ms);
/* Wait until b on screen s is drawn in the colour of role (sampled just
 * inside its left edge, clear of the label). */
bool xh_wait_button(struct xh *x, enum ui_screen s, enum ui_button b, enum theme_role role,
                    int timeout_ms);

/* Read MQTT statuses until station (0-based) is in state, or time out. */
bool xh_wait_state(struct xh *x, size_t station, const char *state, int timeout_ms);
/* Read MQTT statuses until pred holds. */
bool xh_wait_status(struct xh *x, size_t station, bool (*pred)(const struct xh_station *),
                    int timeout_ms);
/* Take in whatever statuses arrived so far. */
void xh_poll(struct xh *x, int wait_ms);

/* A checksum of the pixels in r (to tell whether text there changed). */
unsigned long xh_region_sum(struct xh *x, struct ui_rect r);

/* <build>/screenshots/<WxH>[-<lang>]/<name>.png of the whole X screen. */
void xh_screenshot(struct xh *x, const char *name);

#endif
