/* SPDX-License-Identifier: MIT */
#include "config/config.h"

#include <crypt.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config/config_station.h"
#include "config/ini_file.h"
#include "core/safety.h"

enum section_id {
	SEC_NONE,
	SEC_KIOSK,
	SEC_DISPLAY,
	SEC_MQTT,
	SEC_LIMITS,
	SEC_HISTORY,
	SEC_STATION,
	SEC_COUNT
};

enum value_type { VAL_STR, VAL_PATH, VAL_UINT, VAL_DOUBLE, VAL_BOOL };

struct key_spec {
	const char *name;
	enum value_type type;
	size_t offset; /* into struct kiosk_config */
	size_t size;   /* VAL_STR, VAL_PATH: buffer size */
	double min, max;
	const char *max_why; /* why max is a hard limit, for the message */
	int (*check)(struct ini_file *f, const char *key, const char *value);
};

#define SECTION_MAX_KEYS 16

struct section_spec {
	const char *name;
	const struct key_spec *keys;
	size_t count;
};

struct loader {
	struct kiosk_config *cfg;
	char dir[256]; /* the config file's folder, for relative paths */
	enum section_id sec;
	unsigned int section_line[SEC_COUNT];
	unsigned int key_line[SEC_COUNT][SECTION_MAX_KEYS]; /* 0 = not set */
	struct station_build *station;                      /* current [station.N] */
	struct station_build stations[KIOSK_MAX_STATIONS];
	size_t station_count;
};

/* clang-format off */
#define CFG_OFF(m) offsetof(struct kiosk_config, m)
#define CFG_SIZE(m) sizeof(((struct kiosk_config *)0)->m)
#define KEY_STR(n, m, chk) {n, VAL_STR, CFG_OFF(m), CFG_SIZE(m), 0, 0, NULL, chk}
#define KEY_PATH(n, m) {n, VAL_PATH, CFG_OFF(m), CFG_SIZE(m), 0, 0, NULL, NULL}
#define KEY_UINT(n, m, lo, hi, why) {n, VAL_UINT, CFG_OFF(m), 0, lo, hi, why, NULL}
#define KEY_DBL(n, m, lo, hi, why) {n, VAL_DOUBLE, CFG_OFF(m), 0, lo, hi, why, NULL}
#define KEY_BOOL(n, m) {n, VAL_BOOL, CFG_OFF(m), 0, 0, 1, NULL, NULL}
/* Safety-relevant: the range is the compiled bound of core/safety.h. */
#define KEY_SAFE_UINT(n, m) {n, VAL_UINT, CFG_OFF(m), 0, 0, 0, NULL, NULL}
#define KEY_SAFE_DBL(n, m) {n, VAL_DOUBLE, CFG_OFF(m), 0, 0, 0, NULL, NULL}
/* clang-format on */

static int check_site(struct ini_file *f, const char *key, const char *value);
static int check_language(struct ini_file *f, const char *key, const char *value);
static int check_host(struct ini_file *f, const char *key, const char *value);
static int check_client_id(struct ini_file *f, const char *key, const char *value);
static int check_topic(struct ini_file *f, const char *key, const char *value);
static int check_pin_hash(struct ini_file *f, const char *key, const char *value);

static const char compiled_ceiling_why[] =
    "the ceiling compiled into the kiosk, which no config can raise";
static const char compiled_session_why[] = "the longest session the kiosk will ever run";

/* Indexes into these tables are the key_line[] slots: keep the enums in step. */
enum { K_SITE, K_PROGRAMS, K_SCREENING, K_STATE_DIR, K_PIN_HASH, K_REALTIME };
static const struct key_spec kiosk_keys[] = {
    KEY_STR("site", site, check_site),
    KEY_PATH("programs", programs_file),
    KEY_PATH("screening", screening_file),
    KEY_PATH("state_dir", state_dir),
    KEY_STR("staff_pin_hash", staff_pin_hash, check_pin_hash),
    /* Below the kernel's interrupt threads (50), so button edges and the
     * GPIO driver still run first. */
    KEY_UINT("realtime_priority", realtime_priority, 0, 49, NULL),
};

static const struct key_spec display_keys[] = {
    KEY_UINT("width", display.width, 320, 7680, NULL),
    KEY_UINT("height", display.height, 240, 4320, NULL),
    KEY_BOOL("fullscreen", display.fullscreen),
    KEY_STR("language", display.language, check_language),
    KEY_UINT("diagonal_mm", display.diagonal_mm, 50, 3000, NULL),
    KEY_BOOL("headless", display.headless),
};

enum { M_ENABLED, M_HOST, M_PORT, M_CLIENT_ID, M_USERNAME, M_PASSWORD_FILE, M_TLS, M_CA_FILE };
static const struct key_spec mqtt_keys[] = {
    KEY_BOOL("enabled", mqtt.enabled),
    KEY_STR("host", mqtt.host, check_host),
    KEY_UINT("port", mqtt.port, 1, 65535, NULL),
    KEY_STR("client_id", mqtt.client_id, check_client_id),
    KEY_STR("username", mqtt.username, NULL),
    KEY_PATH("password_file", mqtt.password_file),
    KEY_BOOL("tls", mqtt.tls),
    KEY_PATH("ca_file", mqtt.ca_file),
    KEY_UINT("keepalive_s", mqtt.keepalive_s, 5, 3600, NULL),
    KEY_STR("discovery_prefix", mqtt.discovery_prefix, check_topic),
};

enum {
	L_CEILING,
	L_SESSION,
	L_FILL,
	L_RISE,
	L_VENT,
	L_RESIDUAL,
	L_PAUSE,
	L_PUMP,
	L_STUCK,
	L_SENSOR_MIN,
	L_SENSOR_MAX,
	L_IDLE,
	L_BOOTS_ON
};
static const struct key_spec limits_keys[] = {
    KEY_DBL("ceiling_mmhg", limits.ceiling_mmhg, 20, KIOSK_COMPILED_CEILING_MMHG,
            compiled_ceiling_why),
    KEY_UINT("max_session_s", limits.max_session_s, 60, KIOSK_COMPILED_MAX_SESSION_S,
             compiled_session_why),
    KEY_SAFE_UINT("max_fill_ms", limits.max_fill_ms),
    KEY_SAFE_DBL("max_rise_mmhg_per_s", limits.max_rise_mmhg_per_s),
    KEY_SAFE_UINT("vent_ms", limits.vent_ms),
    KEY_SAFE_DBL("residual_mmhg", limits.residual_mmhg),
    KEY_UINT("max_pause_s", limits.max_pause_s, 10, 3600, NULL),
    KEY_SAFE_UINT("pump_max_on_ms", limits.pump_max_on_ms),
    KEY_SAFE_UINT("sensor_stuck_ms", limits.sensor_stuck_ms),
    KEY_SAFE_DBL("sensor_min_mmhg", limits.sensor_min_mmhg),
    KEY_SAFE_DBL("sensor_max_mmhg", limits.sensor_max_mmhg),
    KEY_UINT("idle_timeout_s", limits.idle_timeout_s, 10, 3600, NULL),
    KEY_UINT("boots_on_timeout_s", limits.boots_on_timeout_s, 60, 1800, NULL),
};

static const struct key_spec history_keys[] = {
    KEY_UINT("keep_days", history.keep_days, 1, 3650, NULL),
    KEY_UINT("max_mb", history.max_mb, 1, 4096, NULL),
    KEY_UINT("sample_s", history.sample_s, 1, 60, NULL),
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct section_spec sections[SEC_COUNT] = {
    [SEC_KIOSK] = {"kiosk", kiosk_keys, COUNT(kiosk_keys)},
    [SEC_DISPLAY] = {"display", display_keys, COUNT(display_keys)},
    [SEC_MQTT] = {"mqtt", mqtt_keys, COUNT(mqtt_keys)},
    [SEC_LIMITS] = {"limits", limits_keys, COUNT(limits_keys)},
    [SEC_HISTORY] = {"history", history_keys, COUNT(history_keys)},
};

_Static_assert(COUNT(limits_keys) <= SECTION_MAX_KEYS, "key_line too small");
_Static_assert(COUNT(mqtt_keys) <= SECTION_MAX_KEYS, "key_line too small");

void kiosk_config_defaults(struct kiosk_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->site, sizeof(cfg->site), "gym");
	snprintf(cfg->programs_file, sizeof(cfg->programs_file), "programs.conf");
	snprintf(cfg->screening_file, sizeof(cfg->screening_file), "screening.conf");
	snprintf(cfg->state_dir, sizeof(cfg->state_dir), "/var/lib/recovery-kiosk");

	cfg->display.width = 800;
	cfg->display.height = 480;
	cfg->display.fullscreen = true;
	snprintf(cfg->display.language, sizeof(cfg->display.language), "en");
	cfg->display.diagonal_mm = 178; /* the official 7" Raspberry Pi panel */

	cfg->mqtt.enabled = false;
	snprintf(cfg->mqtt.host, sizeof(cfg->mqtt.host), "localhost");
	cfg->mqtt.port = 1883;
	cfg->mqtt.keepalive_s = 30;
	snprintf(cfg->mqtt.discovery_prefix, sizeof(cfg->mqtt.discovery_prefix), "homeassistant");

	/* DOMAIN.md: hard ceilings no program or staff setting can pass. */
	cfg->limits.ceiling_mmhg = 100.0;
	cfg->limits.max_session_s = 3600;
	cfg->limits.max_fill_ms = 15000;
	cfg->limits.max_rise_mmhg_per_s = 150.0;
	cfg->limits.vent_ms = 3000;
	cfg->limits.residual_mmhg = 8.0;
	cfg->limits.max_pause_s = 300;
	cfg->limits.pump_max_on_ms = 30000;
	cfg->limits.sensor_stuck_ms = 1500;
	cfg->limits.sensor_min_mmhg = -20.0;
	cfg->limits.sensor_max_mmhg = 300.0;
	cfg->limits.idle_timeout_s = 90;
	cfg->limits.boots_on_timeout_s = 300;

	cfg->history.keep_days = 365;
	cfg->history.max_mb = 64;
	cfg->history.sample_s = 5;
}

/* ---- value parsing ------------------------------------------------------ */

/* value resolved against dir unless absolute; -ENAMETOOLONG when it does not fit. */
static int resolve_path(const char *dir, const char *value, char *out, size_t len)
{
	int n;
	if (value[0] == '/' || value[0] == '\0')
		n = snprintf(out, len, "%s", value);
	else
		n = snprintf(out, len, "%s/%s", dir, value);
	return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

/* ---- string rules ------------------------------------------------------- */

static int check_site(struct ini_file *f, const char *key, const char *value)
{
	if (value[0] == '\0') {
		ini_file_fail(f,
		              "%s is empty; name the site with a-z, 0-9, '_' or '-', like site = "
		              "city-gym",
		              key);
		return -1;
	}
	for (const char *p = value; *p; p++) {
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_' ||
		      *p == '-')) {
			ini_file_fail(f,
			              "%s = '%s' has '%c', which cannot go into an MQTT topic; use "
			              "only a-z, 0-9, '_' and '-'",
			              key, value, *p);
			return -1;
		}
	}
	return 0;
}

static int check_language(struct ini_file *f, const char *key, const char *value)
{
	size_t n = strlen(value);
	bool ok = n >= 2 && islower((unsigned char)value[0]) && islower((unsigned char)value[1]);
	for (size_t i = 2; ok && i < n; i++)
		ok = isalpha((unsigned char)value[i]) || value[i] == '-';
	if (!ok) {
		ini_file_fail(f, "%s = '%s' is not a language code; write a code like en or de",
		              key, value);
		return -1;
	}
	return 0;
}

static int check_host(struct ini_file *f, const char *key, const char *value)
{
	if (value[0] == '\0' || strpbrk(value, " \t/")) {
		ini_file_fail(f,
		              "%s = '%s' is not a host name; write a name or address like "
		              "localhost or 192.168.1.10",
		              key, value);
		return -1;
	}
	return 0;
}

static int check_client_id(struct ini_file *f, const char *key, const char *value)
{
	for (const char *p = value; *p; p++) {
		if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '-')) {
			ini_file_fail(f,
			              "%s = '%s' has '%c'; use only letters, digits, '_' and '-', "
			              "or leave it out for recovery-kiosk-<site>",
			              key, value, *p);
			return -1;
		}
	}
	return 0;
}

static int check_topic(struct ini_file *f, const char *key, const char *value)
{
	size_t n = strlen(value);
	bool ok = n > 0 && value[0] != '/' && value[n - 1] != '/';
	for (const char *p = value; ok && *p; p++)
		ok = isalnum((unsigned char)*p) || *p == '_' || *p == '-' || *p == '/';
	if (!ok) {
		ini_file_fail(f,
		              "%s = '%s' is not a topic prefix; use letters, digits, '_', '-' and "
		              "inner '/', like homeassistant",
		              key, value);
		return -1;
	}
	return 0;
}

/* The length of the checksum (the last '$' field) of each crypt(3) method
 * mkpasswd makes, in crypt's base64 alphabet. */
static const struct {
	const char *id;
	size_t hash_len;
} pin_methods[] = {
    {"y", 43},                          /* yescrypt, Debian's default */
    {"gy", 43},                         /* gost-yescrypt */
    {"7", 43},                          /* scrypt */
    {"6", 86},                          /* sha512crypt */
    {"5", 43},                          /* sha256crypt */
    {"2b", 53}, {"2a", 53}, {"2y", 53}, /* bcrypt: 22 salt + 31 hash, one field */
};

static bool crypt64(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '.' || s[i] == '/'))
			return false;
	return true;
}

/* A full crypt(3) hash by its form: "$<id>$...$<checksum>" with a method
 * libcrypt accepts and, for the methods mkpasswd makes, a checksum of that
 * method's length (a bare salt has none).  No hashing: verifying the PIN
 * costs tens to hundreds of ms and happens only when one is entered. */
static bool pin_hash_valid(const char *hash)
{
	const char *last = strrchr(hash, '$');
	const char *id_end = hash[0] == '$' ? strchr(hash + 1, '$') : NULL;
	int salt = crypt_checksalt(hash);
	size_t id_len, sum_len;

	if (!id_end || last == id_end ||
	    (salt != CRYPT_SALT_OK && salt != CRYPT_SALT_METHOD_LEGACY))
		return false;
	id_len = (size_t)(id_end - hash - 1);
	sum_len = strlen(last + 1);
	if (sum_len == 0 || !crypt64(last + 1, sum_len))
		return false;
	for (size_t i = 0; i < sizeof(pin_methods) / sizeof(pin_methods[0]); i++)
		if (strlen(pin_methods[i].id) == id_len &&
		    strncmp(hash + 1, pin_methods[i].id, id_len) == 0)
			return sum_len == pin_methods[i].hash_len;
	return true; /* another method libcrypt knows: its own form */
}

static int check_pin_hash(struct ini_file *f, const char *key, const char *value)
{
	if (!pin_hash_valid(value)) {
		ini_file_fail(f,
		              "%s is not a crypt(3) hash; make one with: mkpasswd -m yescrypt "
		              "(package whois) and paste the whole $y$... line",
		              key);
		return -1;
	}
	return 0;
}

/* ---- the handler -------------------------------------------------------- */

static int set_value(struct loader *ld, struct ini_file *f, const struct key_spec *k,
                     const char *value)
{
	char *field = (char *)ld->cfg + k->offset;
	/* A safety-relevant key takes its range from the bound compiled into
	 * the core (core/safety.h), so no config can pass it. */
	const struct safety_bound *bound = safety_bound_find(k->name);
	double lo = bound ? bound->min : k->min, hi = bound ? bound->max : k->max;
	const char *why = k->max_why ? k->max_why : bound ? bound->why : NULL;
	const char *sep = k->max_why ? ", " : bound ? ", the compiled safety limit: " : "";
	unsigned long u;
	double d;
	bool b;

	switch (k->type) {
	case VAL_STR:
		if (strlen(value) >= k->size) {
			ini_file_fail(f, "%s is too long; use at most %zu characters", k->name,
			              k->size - 1);
			return -1;
		}
		if (k->check && k->check(f, k->name, value) < 0)
			return -1;
		memcpy(field, value, strlen(value) + 1);
		return 0;
	case VAL_PATH:
		if (resolve_path(ld->dir, value, field, k->size) < 0) {
			ini_file_fail(f, "%s: the path is too long; use at most %zu characters",
			              k->name, k->size - 1);
			return -1;
		}
		return 0;
	case VAL_UINT:
		if (ini_value_uint(value, &u) < 0) {
			ini_file_fail(
			    f,
			    "%s = '%s' is not a whole number; write digits only, from %.0f "
			    "to %.0f",
			    k->name, value, lo, hi);
			return -1;
		}
		if ((double)u < lo || (double)u > hi) {
			ini_file_fail(f,
			              "%s = %lu is out of range; use a value from %.0f to %.0f%s%s",
			              k->name, u, lo, hi, why ? sep : "", why ? why : "");
			return -1;
		}
		*(unsigned int *)(void *)field = (unsigned int)u;
		return 0;
	case VAL_DOUBLE:
		if (ini_value_double(value, &d) < 0) {
			ini_file_fail(f, "%s = '%s' is not a number; write a number like %g",
			              k->name, value, hi);
			return -1;
		}
		if (d < lo || d > hi) {
			ini_file_fail(f, "%s = %g is out of range; use a value from %g to %g%s%s",
			              k->name, d, lo, hi, why ? sep : "", why ? why : "");
			return -1;
		}
		*(double *)(void *)field = d;
		return 0;
	case VAL_BOOL:
		if (ini_value_bool(value, &b) < 0) {
			ini_file_fail(f, "%s = '%s' is not true or false; write true or false",
			              k->name, value);
			return -1;
		}
		*(bool *)(void *)field = b;
		return 0;
	}
	return -1;
}

static int on_section(struct ini_file *f, void *user, const char *name)
{
	struct loader *ld = user;
	unsigned int line = ini_file_line(f);

	ld->station = NULL;
	if (strncmp(name, "station.", 8) == 0) {
		ld->sec = SEC_STATION;
		if (ld->station_count == KIOSK_MAX_STATIONS) {
			ini_file_fail(
			    f,
			    "more than %d stations; one kiosk drives at most %d, so remove "
			    "this one or run a second kiosk",
			    KIOSK_MAX_STATIONS, KIOSK_MAX_STATIONS);
			return -1;
		}
		ld->station = &ld->stations[ld->station_count];
		if (station_build_begin(f, ld->station, name + 8, ld->stations, ld->station_count) <
		    0)
			return -1;
		ld->station_count++;
		return 0;
	}
	for (int s = SEC_KIOSK; s < SEC_STATION; s++) {
		if (strcmp(name, sections[s].name) != 0)
			continue;
		if (ld->section_line[s]) {
			ini_file_fail(
			    f,
			    "section [%s] appears twice (first on line %u); merge the two "
			    "into one",
			    name, ld->section_line[s]);
			return -1;
		}
		ld->sec = (enum section_id)s;
		ld->section_line[s] = line;
		return 0;
	}
	ld->sec = SEC_NONE;
	ini_file_fail(
	    f,
	    "unknown section [%s]; use [kiosk], [display], [mqtt], [limits], [history] or "
	    "[station.N] with N a station number",
	    name);
	return -1;
}

static int on_key(struct ini_file *f, void *user, const char *section, const char *key,
                  const char *value, bool continuation)
{
	struct loader *ld = user;
	const struct section_spec *sp;
	const char *names[SECTION_MAX_KEYS];

	if (continuation) {
		ini_file_fail_continuation(f, key, "");
		return -1;
	}
	if (ld->sec == SEC_NONE) {
		ini_file_fail(f,
		              "'%s' is outside any section; put it under [kiosk], [display], "
		              "[mqtt], [limits], [history] or [station.N]",
		              key);
		return -1;
	}
	if (ld->sec == SEC_STATION)
		return station_build_key(f, ld->station, key, value);

	sp = &sections[ld->sec];
	for (size_t i = 0; i < sp->count; i++) {
		names[i] = sp->keys[i].name;
		if (strcmp(key, sp->keys[i].name) != 0)
			continue;
		if (ld->key_line[ld->sec][i]) {
			ini_file_fail(f,
			              "%s is set twice in [%s] (first on line %u); keep only one",
			              key, section, ld->key_line[ld->sec][i]);
			return -1;
		}
		ld->key_line[ld->sec][i] = ini_file_line(f);
		return set_value(ld, f, &sp->keys[i], value);
	}
	const char *near = ini_file_suggest(key, names, sp->count);
	if (near)
		ini_file_fail(f, "unknown key '%s' in [%s]; did you mean '%s'?", key, section,
		              near);
	else
		ini_file_fail(f,
		              "unknown key '%s' in [%s]; remove it (the keys of [%s] are listed "
		              "in assets/kiosk.conf)",
		              key, section, section);
	return -1;
}

/* ---- cross-checks after the last line ----------------------------------- */

/* Line of key k in section s, or of the section header, or 1. */
static unsigned int where(const struct loader *ld, enum section_id s, int k)
{
	if (k >= 0 && ld->key_line[s][k])
		return ld->key_line[s][k];
	return ld->section_line[s] ? ld->section_line[s] : 1;
}

static int check_readable(struct ini_file *f, unsigned int line, const char *key, const char *path,
                          const char *fix)
{
	FILE *fp = fopen(path, "re");
	if (!fp) {
		ini_file_fail_at(f, line, "%s file %s cannot be read (%s); %s", key, path,
		                 strerror(errno), fix);
		return -1;
	}
	fclose(fp);
	return 0;
}

static int finish_limits(struct ini_file *f, struct loader *ld)
{
	const struct kiosk_limits *l = &ld->cfg->limits;

	if (l->residual_mmhg >= l->ceiling_mmhg) {
		ini_file_fail_at(f, where(ld, SEC_LIMITS, L_RESIDUAL),
		                 "residual_mmhg (%g) must be below ceiling_mmhg (%g); lower it",
		                 l->residual_mmhg, l->ceiling_mmhg);
		return -1;
	}
	if (l->sensor_max_mmhg <= l->ceiling_mmhg) {
		ini_file_fail_at(f, where(ld, SEC_LIMITS, L_SENSOR_MAX),
		                 "sensor_max_mmhg (%g) must be above ceiling_mmhg (%g), or an "
		                 "overpressure would read as a sensor fault; raise it",
		                 l->sensor_max_mmhg, l->ceiling_mmhg);
		return -1;
	}
	if (l->pump_max_on_ms < l->max_fill_ms) {
		ini_file_fail_at(f, where(ld, SEC_LIMITS, L_PUMP),
		                 "pump_max_on_ms (%u) is shorter than max_fill_ms (%u), so every "
		                 "slow fill would trip the pump limit; raise it to at least %u",
		                 l->pump_max_on_ms, l->max_fill_ms, l->max_fill_ms);
		return -1;
	}
	return 0;
}

static int finish_kiosk(struct ini_file *f, struct loader *ld)
{
	struct kiosk_config *cfg = ld->cfg;

	if (!ld->key_line[SEC_KIOSK][K_PIN_HASH]) {
		ini_file_fail_at(
		    f, where(ld, SEC_KIOSK, -1),
		    "no staff_pin_hash in [kiosk]; add staff_pin_hash = <the output of "
		    "mkpasswd -m yescrypt> so staff can approve and reset");
		return -1;
	}
	if (check_readable(f, where(ld, SEC_KIOSK, K_PROGRAMS), "programs", cfg->programs_file,
	                   "set programs = <path> in [kiosk] (relative paths start at the "
	                   "config file's folder)") < 0)
		return -1;
	if (check_readable(f, where(ld, SEC_KIOSK, K_SCREENING), "screening", cfg->screening_file,
	                   "set screening = <path> in [kiosk] (relative paths start at the "
	                   "config file's folder)") < 0)
		return -1;
	if (cfg->state_dir[0] == '\0') {
		ini_file_fail_at(f, where(ld, SEC_KIOSK, K_STATE_DIR),
		                 "state_dir is empty; name a folder the kiosk may write, like "
		                 "/var/lib/recovery-kiosk");
		return -1;
	}
	return 0;
}

/* Where libmosquitto finds the system's CAs when ca_file is left out
 * (package ca-certificates). */
#define SYSTEM_CA_DIR "/etc/ssl/certs"

static int finish_mqtt(struct ini_file *f, struct loader *ld)
{
	struct mqtt_config *m = &ld->cfg->mqtt;

	if (m->tls && !ld->key_line[SEC_MQTT][M_PORT])
		m->port = 8883;
	if (!m->client_id[0])
		snprintf(m->client_id, sizeof(m->client_id), "recovery-kiosk-%.40s", ld->cfg->site);
	/* Off: nothing of [mqtt] is used, so no file it names is checked. */
	if (!m->enabled)
		return 0;
	if (m->password_file[0] &&
	    check_readable(f, where(ld, SEC_MQTT, M_PASSWORD_FILE), "password", m->password_file,
	                   "create it with the password on one line, readable by the kiosk "
	                   "user only, or remove password_file") < 0)
		return -1;
	if (m->tls && m->ca_file[0] &&
	    check_readable(f, where(ld, SEC_MQTT, M_CA_FILE), "CA", m->ca_file,
	                   "point ca_file at the broker's CA certificate (PEM), or remove it to "
	                   "use the system CAs") < 0)
		return -1;
	if (m->tls && !m->ca_file[0] && access(SYSTEM_CA_DIR, R_OK | X_OK) < 0) {
		ini_file_fail_at(f, where(ld, SEC_MQTT, M_TLS),
		                 "tls = true without ca_file uses the system's CAs, but %s cannot "
		                 "be read (%s); install them (apt install ca-certificates) or set "
		                 "ca_file = <the broker's CA certificate>",
		                 SYSTEM_CA_DIR, strerror(errno));
		return -1;
	}
	if (m->password_file[0] && !m->username[0]) {
		ini_file_fail_at(f, where(ld, SEC_MQTT, M_PASSWORD_FILE),
		                 "password_file is set but username is not; add username = ...");
		return -1;
	}
	return 0;
}

static int on_finish(struct ini_file *f, void *user)
{
	struct loader *ld = user;

	if (finish_limits(f, ld) < 0 || finish_kiosk(f, ld) < 0 || finish_mqtt(f, ld) < 0)
		return -1;
	if (ld->station_count == 0) {
		ini_file_fail_at(f, ini_file_line(f) ? ini_file_line(f) : 1,
		                 "no stations; add one [station.N] section per station (see "
		                 "assets/kiosk.conf)");
		return -1;
	}
	if (station_build_finish_all(f, ld->stations, ld->station_count, &ld->cfg->limits) < 0)
		return -1;
	station_build_sort(ld->stations, ld->station_count);
	for (size_t i = 0; i < ld->station_count; i++)
		ld->cfg->stations[i] = ld->stations[i].cfg;
	ld->cfg->station_count = ld->station_count;
	return 0;
}

int kiosk_config_load(struct kiosk_config *cfg, const char *path, char *err, size_t err_len)
{
	static const struct ini_file_handler handler = {
	    .section = on_section,
	    .key = on_key,
	    .finish = on_finish,
	};
	struct loader *ld;
	const char *slash;
	int ret;

	kiosk_config_defaults(cfg);
	if (err && err_len)
		err[0] = '\0';
	if (strlen(path) >= sizeof(cfg->path)) {
		if (err && err_len)
			snprintf(err, err_len,
			         "%s: the path is too long; use at most %zu characters", path,
			         sizeof(cfg->path) - 1);
		return -ENAMETOOLONG;
	}
	ld = calloc(1, sizeof(*ld));
	if (!ld)
		return -ENOMEM;
	ld->cfg = cfg;
	snprintf(cfg->path, sizeof(cfg->path), "%s", path);
	slash = strrchr(path, '/');
	if (!slash)
		snprintf(ld->dir, sizeof(ld->dir), ".");
	else if (slash == path)
		snprintf(ld->dir, sizeof(ld->dir), "/");
	else
		snprintf(ld->dir, sizeof(ld->dir), "%.*s", (int)(slash - path), path);
	/* The defaults are relative to the config file too. */
	if (resolve_path(ld->dir, "programs.conf", cfg->programs_file, sizeof(cfg->programs_file)) <
	        0 ||
	    resolve_path(ld->dir, "screening.conf", cfg->screening_file,
	                 sizeof(cfg->screening_file)) < 0) {
		if (err && err_len)
			snprintf(err, err_len, "%s: the folder's path is too long", path);
		ret = -ENAMETOOLONG;
		goto out;
	}
	ret = ini_file_parse(path, &handler, ld, err, err_len);
out:
	explicit_bzero(ld, sizeof(*ld));
	free(ld);
	return ret;
}

/* ---- description -------------------------------------------------------- */

void kiosk_config_describe_station(const struct station_config *st, char *out, size_t len)
{
	station_config_describe(st, out, len);
}
