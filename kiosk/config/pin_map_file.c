/* SPDX-License-Identifier: MIT */
#include "config/pin_map_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config_station.h"
#include "config/ini_file.h"

struct map_reader {
	struct pin_map *map;
	FILE *log;
	unsigned int problems;
	char dir[256];       /* the file's folder, for a relative state_dir */
	char state_dir[256]; /* [kiosk] state_dir, resolved */
	enum { IN_OTHER, IN_KIOSK, IN_STATION } in;
	struct station_build sb; /* the [station.N] being read */
	bool pump, exhaust;      /* their lines parsed */
	bool chip_bad;           /* chip = ... did not parse: lines without chip: are unknown */
	uint16_t zones_given;    /* bit k: zone k+1 has a line */
	size_t zones_next;       /* where the next item of a zones list goes */
	char zones_carry[sizeof(((struct gpio_pin *)0)->chip)];
	bool zones_open; /* the last key was zones: an indented line continues it */
};

static void on_warn(void *user, const char *message)
{
	struct map_reader *rd = user;

	rd->problems++;
	if (rd->log)
		fprintf(rd->log, "<4>recovery-kiosk: %s; skipped for the safe state\n", message);
}

static void add_line(struct map_reader *rd, struct ini_file *f, enum pin_map_role role,
                     unsigned int zone, struct gpio_pin pin)
{
	const struct station_build *sb = &rd->sb;
	const struct pin_map_line *first;

	if (pin.chip[0] == '\0' && rd->chip_bad) {
		ini_file_fail_at(
		    f, sb->key_line[SK_CHIP],
		    "[station.%u] %s: the station's chip is unreadable, so its line %u "
		    "is not driven",
		    sb->cfg.number, pin_map_role_name(role), pin.offset);
		return;
	}
	if (pin.chip[0] == '\0')
		snprintf(pin.chip, sizeof(pin.chip), "%s", sb->chip);
	first = pin_map_find(rd->map, &pin);
	if (first) {
		char what[16] = "", other[16] = "";
		if (zone)
			snprintf(what, sizeof(what), " %u", zone);
		if (first->zone)
			snprintf(other, sizeof(other), " %u", first->zone);
		ini_file_fail_at(f, sb->section_line,
		                 "%s line %u of [station.%u] %s%s is also station.%u %s%s; it is "
		                 "driven once",
		                 pin.chip, pin.offset, sb->cfg.number, pin_map_role_name(role),
		                 what, first->station, pin_map_role_name(first->role), other);
		return;
	}
	(void)pin_map_add(rd->map, sb->cfg.number, role, zone, &pin);
}

/* The station read so far goes into the map, with its polarities. */
static void end_station(struct map_reader *rd, struct ini_file *f)
{
	struct station_build *sb = &rd->sb;
	struct station_pins *p = &sb->cfg.pins;
	struct pin_map_station *ms;

	if (rd->in != IN_STATION)
		return;
	rd->in = IN_OTHER;
	ms = pin_map_station(rd->map, sb->cfg.number, NULL);
	if (ms)
		snprintf(ms->name, sizeof(ms->name), "%s", sb->cfg.name);
	if (rd->pump) {
		p->pump.active_low = sb->active_low_roles & STATION_AL_PUMP;
		add_line(rd, f, PIN_ROLE_PUMP, 0, p->pump);
	}
	if (rd->exhaust) {
		p->exhaust.active_low = sb->active_low_roles & STATION_AL_EXHAUST;
		add_line(rd, f, PIN_ROLE_EXHAUST, 0, p->exhaust);
	}
	for (unsigned int z = 0; z < STATION_MAX_ZONES; z++) {
		if (!(((unsigned int)rd->zones_given >> z) & 1u))
			continue;
		p->zones[z].active_low =
		    (sb->active_low_roles & STATION_AL_ZONES) || (sb->active_low_zones >> z & 1u);
		add_line(rd, f, PIN_ROLE_ZONE, z + 1, p->zones[z]);
	}
}

static int on_section(struct ini_file *f, void *user, const char *name)
{
	struct map_reader *rd = user;
	struct station_build *sb = &rd->sb;
	unsigned long n = 0;

	end_station(rd, f);
	rd->zones_open = false;
	if (strcmp(name, "kiosk") == 0) {
		rd->in = IN_KIOSK;
		return 0;
	}
	if (strncmp(name, "station.", 8) != 0) {
		rd->in = IN_OTHER;
		return 0;
	}
	if (ini_value_uint(name + 8, &n) < 0 || n < 1 || n > 99) {
		ini_file_fail(f,
		              "[%s]: the station number must be 1 to 99; its lines are read as "
		              "station 0",
		              name);
		n = 0;
	}
	memset(sb, 0, sizeof(*sb));
	sb->cfg.number = (unsigned int)n;
	sb->section_line = ini_file_line(f);
	snprintf(sb->cfg.name, sizeof(sb->cfg.name), "Station %lu", n);
	snprintf(sb->chip, sizeof(sb->chip), "gpiochip0");
	rd->pump = rd->exhaust = rd->chip_bad = false;
	rd->zones_given = 0;
	rd->zones_next = 0;
	rd->zones_carry[0] = '\0';
	rd->in = IN_STATION;
	(void)pin_map_station(rd->map, sb->cfg.number, NULL);
	return 0;
}

static void zone_line(struct map_reader *rd, struct ini_file *f, const char *key, size_t index,
                      const char *item, char *carry, size_t carry_len)
{
	struct gpio_pin pin = {0};

	if (index >= STATION_MAX_ZONES) {
		ini_file_fail(f, "%s: more than %d zones", key, STATION_MAX_ZONES);
		return;
	}
	if (((unsigned int)rd->zones_given >> index) & 1u) {
		ini_file_fail(f, "%s gives zone %zu a second line", key, index + 1);
		return;
	}
	if (station_parse_pin(f, key, item, &pin, carry, carry_len) < 0)
		return;
	rd->sb.cfg.pins.zones[index] = pin;
	rd->zones_given = (uint16_t)(rd->zones_given | 1u << index);
}

/* zones = a, b, c: every item that parses, the others skipped. */
static void zone_list(struct map_reader *rd, struct ini_file *f, const char *value)
{
	const char *p = value;
	char item[96];
	int r;

	while ((r = station_next_item(&p, item, sizeof(item))) != 0) {
		if (r > 0 && item[0] == '\0' && p == NULL)
			break; /* a trailing comma before a continued line */
		if (r < 0)
			ini_file_fail(f, "zones has an entry that is too long");
		else
			zone_line(rd, f, "zones", rd->zones_next, item, rd->zones_carry,
			          sizeof(rd->zones_carry));
		rd->zones_next++;
	}
}

/* pump = / exhaust =: the line, once. */
static void single_line(struct map_reader *rd, struct ini_file *f, const char *key,
                        const char *value, struct gpio_pin *pin, bool *given)
{
	char carry[sizeof(pin->chip)] = "";

	if (*given)
		ini_file_fail(f, "%s is set twice in [station.%u]; the first one is driven", key,
		              rd->sb.cfg.number);
	else if (strchr(value, ','))
		ini_file_fail(f, "%s takes one line, not a list", key);
	else if (station_parse_pin(f, key, value, pin, carry, sizeof(carry)) == 0)
		*given = true;
}

/* active_low = roles: every role that parses; an unknown one is reported
 * (the saved pin map, read first, still has the polarity that ran). */
static void active_low(struct map_reader *rd, struct ini_file *f, const char *value)
{
	const char *p = value;
	char item[32];
	int r;

	while ((r = station_next_item(&p, item, sizeof(item))) != 0) {
		struct station_build one = {0};
		if (r < 0 || station_parse_active_low(f, &one, item) < 0)
			continue;
		rd->sb.active_low_roles |= one.active_low_roles;
		rd->sb.active_low_zones |= one.active_low_zones;
	}
}

static int on_key(struct ini_file *f, void *user, const char *section, const char *key,
                  const char *value, bool continuation)
{
	struct map_reader *rd = user;
	struct station_pins *pins = &rd->sb.cfg.pins;
	unsigned long z;

	(void)section;
	if (rd->in == IN_KIOSK) {
		if (strcmp(key, "state_dir") == 0 && !continuation && value[0]) {
			int n = value[0] == '/'
			            ? snprintf(rd->state_dir, sizeof(rd->state_dir), "%s", value)
			            : snprintf(rd->state_dir, sizeof(rd->state_dir), "%s/%s",
			                       rd->dir, value);
			if (n < 0 || (size_t)n >= sizeof(rd->state_dir))
				rd->state_dir[0] = '\0';
		}
		return 0;
	}
	if (rd->in != IN_STATION)
		return 0;
	if (continuation) {
		if (rd->zones_open)
			zone_list(rd, f, value);
		else if (strcmp(key, "name") != 0)
			ini_file_fail_continuation(f, key, "");
		return 0;
	}
	rd->zones_open = strcmp(key, "zones") == 0;
	if (rd->zones_open) {
		zone_list(rd, f, value);
		return 0;
	}
	if (strncmp(key, "zone", 4) == 0 && ini_value_uint(key + 4, &z) == 0 && z >= 1 &&
	    z <= STATION_MAX_ZONES) {
		char carry[sizeof(rd->zones_carry)] = "";
		if (strchr(value, ','))
			ini_file_fail(f, "%s takes one line, not a list", key);
		else
			zone_line(rd, f, key, z - 1, value, carry, sizeof(carry));
		return 0;
	}
	if (strcmp(key, "pump") == 0)
		single_line(rd, f, key, value, &pins->pump, &rd->pump);
	else if (strcmp(key, "exhaust") == 0)
		single_line(rd, f, key, value, &pins->exhaust, &rd->exhaust);
	else if (strcmp(key, "active_low") == 0)
		active_low(rd, f, value);
	else if (strcmp(key, "chip") == 0)
		rd->chip_bad = station_build_key(f, &rd->sb, key, value) < 0;
	else if (strcmp(key, "name") == 0)
		(void)station_build_key(f, &rd->sb, key, value);
	/* Everything else is not the safe state's business. */
	return 0;
}

static int on_finish(struct ini_file *f, void *user)
{
	end_station(user, f);
	return 0;
}

int pin_map_read(struct pin_map *m, const char *path, char *state_dir, size_t state_dir_len,
                 FILE *log)
{
	static const struct ini_file_handler handler = {
	    .section = on_section,
	    .key = on_key,
	    .finish = on_finish,
	    .warn = on_warn,
	};
	struct map_reader *rd;
	const char *slash = strrchr(path, '/');
	int ret;

	if (state_dir && state_dir_len)
		state_dir[0] = '\0';
	rd = calloc(1, sizeof(*rd));
	if (!rd)
		return -ENOMEM;
	rd->map = m;
	rd->log = log;
	if (!slash)
		snprintf(rd->dir, sizeof(rd->dir), ".");
	else
		snprintf(rd->dir, sizeof(rd->dir), "%.*s", slash == path ? 1 : (int)(slash - path),
		         path);
	ret = ini_file_parse(path, &handler, rd, NULL, 0);
	if (ret == 0)
		ret = (int)rd->problems;
	if (state_dir && state_dir_len)
		snprintf(state_dir, state_dir_len, "%s", rd->state_dir);
	free(rd);
	return ret;
}

/* ---- saving ------------------------------------------------------------- */

static void write_station(FILE *fp, const struct pin_map *m, const struct pin_map_station *st)
{
	bool any_low = false;

	fprintf(fp, "\n[station.%u]\nname = %s\n", st->number, st->name);
	for (size_t i = 0; i < m->count; i++) {
		const struct pin_map_line *l = &m->lines[i];
		if (l->station != st->number)
			continue;
		if (l->role == PIN_ROLE_ZONE)
			fprintf(fp, "zone%u = %s:%u\n", l->zone, l->pin.chip, l->pin.offset);
		else
			fprintf(fp, "%s = %s:%u\n", pin_map_role_name(l->role), l->pin.chip,
			        l->pin.offset);
	}
	for (size_t i = 0; i < m->count; i++) {
		const struct pin_map_line *l = &m->lines[i];
		if (l->station != st->number || !l->pin.active_low)
			continue;
		fprintf(fp, "%s", any_low ? ", " : "active_low = ");
		any_low = true;
		if (l->role == PIN_ROLE_ZONE)
			fprintf(fp, "zone%u", l->zone);
		else
			fprintf(fp, "%s", pin_map_role_name(l->role));
	}
	if (any_low)
		fputc('\n', fp);
}

/* The file's text for m, in a buffer the caller frees; NULL when out of
 * memory. */
static char *map_text(const struct pin_map *m, size_t *len)
{
	char *text = NULL;
	FILE *fp = open_memstream(&text, len);

	if (!fp)
		return NULL;
	fprintf(fp, "# Kept by recovery-kiosk at every start: the output lines of the kiosk\n"
	            "# that ran last.  recovery-kiosk --safe-state drives them de-energised too,\n"
	            "# so a kiosk.conf broken or changed since still vents every boot.\n"
	            "# Do not edit: the next start replaces it.\n");
	for (size_t s = 0; s < m->station_count; s++)
		write_station(fp, m, &m->stations[s]);
	if (fclose(fp) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* Whether path already holds exactly text. */
static bool file_holds(const char *path, const char *text, size_t len)
{
	FILE *fp = fopen(path, "re");
	bool same = false;

	if (!fp)
		return false;
	char *have = malloc(len + 1);
	if (have)
		same = fread(have, 1, len + 1, fp) == len && memcmp(have, text, len) == 0;
	free(have);
	fclose(fp);
	return same;
}

int pin_map_save(const struct pin_map *m, const char *state_dir, char *err, size_t err_len)
{
	char path[512], tmp[520];
	size_t len = 0;
	char *text;
	int fd, ret = 0;

	if (snprintf(path, sizeof(path), "%s/%s", state_dir, PIN_MAP_FILE_NAME) >=
	        (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s.new", path) >= (int)sizeof(tmp)) {
		snprintf(err, err_len, "%s: the path is too long", state_dir);
		return -ENAMETOOLONG;
	}
	if (mkdir(state_dir, 0700) < 0 && errno != EEXIST) {
		ret = -errno;
		snprintf(err, err_len, "cannot create %s (%s); create it, writable by the kiosk",
		         state_dir, strerror(errno));
		return ret;
	}
	text = map_text(m, &len);
	if (!text) {
		snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	}
	/* The same lines as last time (most starts): nothing to write, and
	 * an SD card spared two syncs at every start. */
	if (file_holds(path, text, len)) {
		free(text);
		return 0;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, err_len, "cannot write %s (%s); make %s writable by the kiosk", tmp,
		         strerror(errno), state_dir);
		free(text);
		return ret;
	}
	for (size_t done = 0; done < len && ret == 0;) {
		ssize_t n = write(fd, text + done, len - done);
		if (n < 0 && errno != EINTR)
			ret = -errno;
		else if (n > 0)
			done += (size_t)n;
	}
	free(text);
	if (ret == 0 && fsync(fd) < 0)
		ret = -errno;
	if (close(fd) < 0 && ret == 0)
		ret = -errno;
	if (ret < 0)
		goto fail;
	if (rename(tmp, path) < 0) {
		ret = -errno;
		goto fail;
	}
	fd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	return 0;
fail:
	snprintf(err, err_len, "cannot write %s (%s); check the disk and %s", path, strerror(-ret),
	         state_dir);
	unlink(tmp);
	return ret;
}

int pin_map_save_config(const struct kiosk_config *cfg, char *err, size_t err_len)
{
	struct pin_map *m = calloc(1, sizeof(*m));
	int ret;

	if (!m) {
		snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	}
	pin_map_from_config(m, cfg);
	ret = pin_map_save(m, cfg->state_dir, err, err_len);
	free(m);
	return ret;
}

/* ---- what --safe-state drives ------------------------------------------- */

int pin_map_collect(struct pin_map *m, const char *config_path, const char *default_state_dir,
                    FILE *log)
{
	struct pin_map *conf = calloc(1, sizeof(*conf));
	char state_dir[256] = "", saved[512];
	int rc_conf, rc_saved;

	if (!conf)
		return -ENOMEM;
	pin_map_init(m);
	rc_conf = pin_map_read(conf, config_path, state_dir, sizeof(state_dir), log);
	if (rc_conf < 0 && log)
		fprintf(log,
		        "<4>recovery-kiosk: %s cannot be read (%s); venting the saved pin map\n",
		        config_path, strerror(-rc_conf));
	if (state_dir[0] == '\0')
		snprintf(state_dir, sizeof(state_dir), "%s", default_state_dir);
	snprintf(saved, sizeof(saved), "%s/%s", state_dir, PIN_MAP_FILE_NAME);
	rc_saved = pin_map_read(m, saved, NULL, 0, log);
	if (rc_saved == -ENOENT && log)
		fprintf(log,
		        "<5>recovery-kiosk: no saved pin map %s (the kiosk has not started "
		        "since it was installed)\n",
		        saved);
	else if (rc_saved < 0 && log)
		fprintf(log, "<4>recovery-kiosk: %s cannot be read (%s)\n", saved,
		        strerror(-rc_saved));
	if (log)
		fprintf(log,
		        "<6>recovery-kiosk: safe state: %zu output line(s) from %s%s, %zu from "
		        "%s\n",
		        rc_saved < 0 ? (size_t)0 : m->count, saved, rc_saved < 0 ? " (none)" : "",
		        conf->count, config_path);
	pin_map_merge(m, conf);
	free(conf);
	return m->count > 0 ? 0 : -ENOENT;
}
