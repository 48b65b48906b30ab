/* SPDX-License-Identifier: MIT */
/*
 * The settings the core runs on: the site, display, staff PIN hash, MQTT
 * connection, hard limits and one struct station_config per station.  Plain
 * data: kiosk/config/ fills it from kiosk.conf (config/config.h) and checks
 * every value there; the core and its adapters only read it.
 *
 * The one behaviour here is the staff PIN check, which the core needs when a
 * PIN is entered and the config loader needs to check the hash's form.
 *
 * Threading: filled once by main before any thread starts; read-only after.
 */
#ifndef KIOSK_CORE_SETTINGS_H
#define KIOSK_CORE_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/station_hw.h"

#define KIOSK_MAX_STATIONS 8

/* The ceiling compiled in: no config value, program or staff setting can
 * raise a station past it. */
#define KIOSK_COMPILED_CEILING_MMHG 110.0
/* Longest session the firmware will ever run. */
#define KIOSK_COMPILED_MAX_SESSION_S (60u * 60u)

struct kiosk_limits {
	double ceiling_mmhg;          /* vent + lock above this (default 100, <= compiled) */
	unsigned int max_session_s;   /* default 3600, <= compiled */
	unsigned int max_fill_ms;     /* per zone: target not reached -> leak fault */
	double max_rise_mmhg_per_s;   /* faster -> blocked hose fault */
	unsigned int vent_ms;         /* release phase length */
	double residual_mmhg;         /* above this after vent_ms -> stuck inflated */
	unsigned int max_pause_s;     /* a paused session ends after this */
	unsigned int pump_max_on_ms;  /* continuous pump run-time limit */
	unsigned int sensor_stuck_ms; /* identical raw readings while the pump runs */
	double sensor_min_mmhg;       /* readings outside [min, max] are a sensor fault */
	double sensor_max_mmhg;
	unsigned int idle_timeout_s;     /* setup/screening fall back to idle */
	unsigned int boots_on_timeout_s; /* ready (boots on) falls back to idle */
};

/* Where each setting of a station is in its config file (0 = not there),
 * so later checks (--check-config's look at the hardware) can name the
 * line. */
struct station_config_lines {
	unsigned int section;
	unsigned int pump, exhaust;
	unsigned int zones[STATION_MAX_ZONES];
	unsigned int sensor, sensor_clock, sensor_data;
	unsigned int stop_button;
	unsigned int sim_fault;
};

struct station_config {
	unsigned int number; /* N of [station.N] */
	char name[32];       /* shown on the card: "Station 1" */
	struct station_pins pins;
	unsigned int open_loop_fill_ms; /* per-zone fill time without a sensor */
	double relief_valve_mmhg;       /* the manifold's relief valve rating; 0 = not given */
	/* --sim only: a fault the simulated boot has from the start
	 * (drivers/sim/sim_fault.h), "" for none; kiosk/main.c refuses it
	 * without --sim. */
	char sim_fault[16];
	struct station_config_lines lines;
};

enum mqtt_tls_mode { MQTT_TLS_OFF, MQTT_TLS_ON };

struct mqtt_config {
	bool enabled;
	char host[128];
	unsigned int port;
	char client_id[64];
	char username[64];
	char password_file[256];
	bool tls;
	char ca_file[256];
	unsigned int keepalive_s;
	char discovery_prefix[64]; /* "homeassistant" */
};

struct display_config {
	unsigned int width;
	unsigned int height;
	bool fullscreen;
	char language[8];         /* "en" */
	unsigned int diagonal_mm; /* for touch-target sizing: 178 for a 7" panel */
	bool headless;            /* no touchscreen at this site: run without one */
};

/* [history]: what the session history keeps (store/history.h). */
struct history_config {
	unsigned int keep_days; /* sessions and station events older are deleted */
	unsigned int max_mb;    /* history.db's data stays under this */
	unsigned int sample_s;  /* one pressure plot point per this while a session runs */
};

struct kiosk_config {
	char path[256];          /* the file it came from */
	char site[32];           /* MQTT prefix segment: [a-z0-9_-]+ */
	char programs_file[256]; /* resolved: absolute, or relative to the config's dir */
	char screening_file[256];
	char state_dir[256];            /* SQLite database lives here */
	char staff_pin_hash[160];       /* crypt(3) string, e.g. "$y$..." or "$6$..." (mkpasswd) */
	unsigned int realtime_priority; /* SCHED_FIFO of the control thread; 0 = normal */
	struct display_config display;
	struct mqtt_config mqtt;
	struct kiosk_limits limits;
	struct history_config history;
	struct station_config stations[KIOSK_MAX_STATIONS];
	size_t station_count;
};

/* Check a PIN against the stored crypt(3) hash (libcrypt), comparing in
 * constant time.  Slow on purpose (yescrypt: tens to hundreds of ms): call
 * it when a PIN is entered, never on the control thread. */
bool kiosk_config_pin_matches(const struct kiosk_config *cfg, const char *pin);

#endif
