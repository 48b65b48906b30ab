/* SPDX-License-Identifier: MIT */
/* The tolerant pin-map reader and the saved pin map (config/pin_map_file.h):
 * only the output lines are read, every problem is reported with file and
 * line and skipped, and what the kiosk saves reads back line for line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf_file.h"
#include "config/config.h"
#include "config/pin_map_file.h"
#include "core/pin_map.h"

static char path[128];
static struct pin_map map;
static char *log_text;

static int setup(void **state)
{
	(void)state;
	pin_map_init(&map);
	log_text = NULL;
	return conf_file_temp(path, sizeof(path), "pinmap");
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	free(log_text);
	return 0;
}

/* Read text tolerantly; the log lands in log_text. */
static int read_text(const char *text)
{
	size_t len = 0;
	FILE *log = open_memstream(&log_text, &len);
	assert_non_null(log);
	conf_file_write(path, text);
	int rc = pin_map_read(&map, path, NULL, 0, log);
	fclose(log);
	return rc;
}

static const struct pin_map_line *line_of(unsigned int station, enum pin_map_role role,
                                          unsigned int zone)
{
	for (size_t i = 0; i < map.count; i++)
		if (map.lines[i].station == station && map.lines[i].role == role &&
		    map.lines[i].zone == zone)
			return &map.lines[i];
	return NULL;
}

static void expect_line(unsigned int station, enum pin_map_role role, unsigned int zone,
                        const char *chip, unsigned int offset, bool active_low)
{
	const struct pin_map_line *l = line_of(station, role, zone);
	if (!l)
		fail_msg("station.%u %s %u is not in the map", station, pin_map_role_name(role),
		         zone);
	assert_string_equal(l->pin.chip, chip);
	assert_int_equal(l->pin.offset, offset);
	assert_int_equal(l->pin.active_low, active_low);
}

static void expect_logged(unsigned int line, const char *what)
{
	char prefix[192];
	snprintf(prefix, sizeof(prefix), "<4>recovery-kiosk: %s:%u: ", path, line);
	const char *at = strstr(log_text, prefix);
	if (!at || !strstr(at, what))
		fail_msg("want '%s...%s' in the log, got:\n%s", prefix, what, log_text);
}

static void test_pin_map_read_takes_only_output_lines(void **state)
{
	(void)state;
	assert_int_equal(read_text("[kiosk]\nstaff_pin_hash = nonsense\n"
	                           "[station.2]\nname = Right\nchip = mcp23017\npump = 8\n"
	                           "exhaust = gpiochip0:9\nzones = 10, 11,\n  12\n"
	                           "active_low = pump, zone2\nsensor = hx710b\nsensor_clock = 3\n"
	                           "stop_button = 4\n"),
	                 0);
	assert_int_equal(map.count, 5);
	assert_int_equal(map.station_count, 1);
	assert_string_equal(map.stations[0].name, "Right");
	expect_line(2, PIN_ROLE_PUMP, 0, "mcp23017", 8, true);
	expect_line(2, PIN_ROLE_EXHAUST, 0, "gpiochip0", 9, false);
	expect_line(2, PIN_ROLE_ZONE, 1, "mcp23017", 10, false);
	expect_line(2, PIN_ROLE_ZONE, 2, "mcp23017", 11, true);
	expect_line(2, PIN_ROLE_ZONE, 3, "mcp23017", 12, false);
	assert_string_equal(log_text, "");
}

static void test_pin_map_read_skips_what_it_cannot_parse_and_reads_on(void **state)
{
	(void)state;
	assert_int_equal(read_text("[display\nwidth 800\n"        /* 1-2 */
	                           "[station.x]\npump = 1\n"      /* 3-4 */
	                           "exhaust = 2\nexhaust = 3\n"   /* 5-6 */
	                           "zones = 4, five, 6\n"         /* 7 */
	                           "active_low = exhaust, pmup\n" /* 8 */
	                           "[station.3]\npump = 4\n"),    /* 9-10 */
	                 7);
	expect_logged(1, "no closing ']'");
	expect_logged(2, "'width 800' is not a setting");
	expect_logged(3, "station number must be 1 to 99");
	expect_logged(6, "exhaust is set twice");
	expect_logged(7, "'five' is not a GPIO line");
	expect_logged(8, "'pmup' is not a line role");
	expect_logged(9, "gpiochip0 line 4 of [station.3] pump is also station.0 zone 1");
	expect_line(0, PIN_ROLE_PUMP, 0, "gpiochip0", 1, false);
	expect_line(0, PIN_ROLE_EXHAUST, 0, "gpiochip0", 2, true);
	expect_line(0, PIN_ROLE_ZONE, 1, "gpiochip0", 4, false);
	assert_null(line_of(0, PIN_ROLE_ZONE, 2));
	expect_line(0, PIN_ROLE_ZONE, 3, "gpiochip0", 6, false);
	assert_null(line_of(3, PIN_ROLE_PUMP, 0));
}

static void test_pin_map_read_unreadable_chip_drops_lines_without_chip(void **state)
{
	(void)state;
	/* Driving them on gpiochip0 instead could touch someone else's line. */
	assert_int_equal(
	    read_text("[station.1]\nchip = my chip!\npump = 5\nexhaust = mcp23017:6\n"), 3);
	assert_null(line_of(1, PIN_ROLE_PUMP, 0));
	expect_line(1, PIN_ROLE_EXHAUST, 0, "mcp23017", 6, false);
	expect_logged(2, "is not a chip name");
	expect_logged(2, "its line 5 is not driven");
}

static void test_pin_map_read_missing_file_is_an_error(void **state)
{
	(void)state;
	unlink(path);
	assert_int_equal(pin_map_read(&map, path, NULL, 0, NULL), -ENOENT);
}

static void test_pin_map_saved_by_a_start_reads_back_the_same(void **state)
{
	(void)state;
	char dir[] = "/tmp/kiosk-test-pinmap-state-XXXXXX", err[256], saved[128];
	struct kiosk_config cfg;
	struct pin_map back;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(
	    kiosk_config_load(&cfg, KIOSK_SOURCE_ASSETS "/kiosk-sim.conf", err, sizeof(err)), 0);
	snprintf(cfg.state_dir, sizeof(cfg.state_dir), "%s", dir);
	pin_map_from_config(&map, &cfg);
	assert_int_equal(pin_map_save_config(&cfg, err, sizeof(err)), 0);
	snprintf(saved, sizeof(saved), "%s/%s", dir, PIN_MAP_FILE_NAME);
	pin_map_init(&back);
	/* >= 0: lines read (a map without zones counts as a problem). */
	pin_map_init(&back);
	assert_true(pin_map_read(&back, saved, NULL, 0, NULL) >= 0);
	assert_int_equal(back.count, map.count);
	assert_int_equal(back.station_count, cfg.station_count);
	for (size_t i = 0; i < map.count; i++) {
		const struct pin_map_line *l = &map.lines[i], *b = pin_map_find(&back, &l->pin);
		assert_non_null(b);
		assert_int_equal(b->station, l->station);
		assert_int_equal(b->role, l->role);
		assert_int_equal(b->zone, l->zone);
		assert_int_equal(b->pin.active_low, l->pin.active_low);
	}
	assert_string_equal(back.stations[0].name, cfg.stations[0].name);
	unlink(saved);
	rmdir(dir);
}

static ino_t inode_of(const char *file)
{
	struct stat st;

	assert_int_equal(stat(file, &st), 0);
	return st.st_ino;
}

/* Most starts find the same lines: the file is left as it is (no write,
 * no sync on the SD card); other lines, or a hand edit, replace it. */
static void test_pin_map_save_rewrites_only_what_changed(void **state)
{
	(void)state;
	char dir[] = "/tmp/kiosk-test-pinmap-same-XXXXXX", err[256], saved[160];
	struct pin_map m;
	struct gpio_pin pump = {.chip = "gpiochip0", .offset = 5};
	struct gpio_pin exhaust = {.chip = "gpiochip0", .offset = 6};

	assert_non_null(mkdtemp(dir));
	snprintf(saved, sizeof(saved), "%s/%s", dir, PIN_MAP_FILE_NAME);
	pin_map_init(&m);
	assert_int_equal(pin_map_add(&m, 1, PIN_ROLE_PUMP, 0, &pump), 0);
	assert_int_equal(pin_map_save(&m, dir, err, sizeof(err)), 0);
	ino_t first = inode_of(saved);
	assert_int_equal(pin_map_save(&m, dir, err, sizeof(err)), 0);
	assert_true(inode_of(saved) == first);

	assert_int_equal(pin_map_add(&m, 1, PIN_ROLE_EXHAUST, 0, &exhaust), 0);
	assert_int_equal(pin_map_save(&m, dir, err, sizeof(err)), 0);
	ino_t second = inode_of(saved);
	assert_true(second != first);
	struct pin_map back;
	/* >= 0: lines read (a map without zones counts as a problem). */
	pin_map_init(&back);
	assert_true(pin_map_read(&back, saved, NULL, 0, NULL) >= 0);
	assert_int_equal(back.count, 2);

	FILE *fp = fopen(saved, "a");
	assert_non_null(fp);
	fputs("pump = gpiochip0:9\n", fp);
	fclose(fp);
	assert_int_equal(pin_map_save(&m, dir, err, sizeof(err)), 0);
	assert_true(inode_of(saved) != second);
	/* >= 0: lines read (a map without zones counts as a problem). */
	pin_map_init(&back);
	assert_true(pin_map_read(&back, saved, NULL, 0, NULL) >= 0);
	assert_int_equal(back.count, 2);
	unlink(saved);
	rmdir(dir);
}

static void test_pin_map_collect_prefers_the_saved_polarity(void **state)
{
	(void)state;
	char dir[] = "/tmp/kiosk-test-pinmap-state-XXXXXX", err[256], conf[160];
	struct pin_map saved_map;

	assert_non_null(mkdtemp(dir));
	/* The kiosk that ran drove line 5 active low. */
	pin_map_init(&saved_map);
	struct gpio_pin pump = {.chip = "gpiochip0", .offset = 5, .active_low = true};
	assert_int_equal(pin_map_add(&saved_map, 1, PIN_ROLE_PUMP, 0, &pump), 0);
	assert_int_equal(pin_map_save(&saved_map, dir, err, sizeof(err)), 0);
	/* kiosk.conf says active high now, and names another line too. */
	snprintf(conf, sizeof(conf), "%s/kiosk.conf", dir);
	conf_file_write(conf, "[station.1]\npump = /dev/gpiochip0:5\nexhaust = 6\n");
	assert_int_equal(pin_map_collect(&map, conf, dir, NULL), 0);
	assert_int_equal(map.count, 2);
	expect_line(1, PIN_ROLE_PUMP, 0, "gpiochip0", 5, true);
	expect_line(1, PIN_ROLE_EXHAUST, 0, "gpiochip0", 6, false);
	unlink(conf);
	snprintf(conf, sizeof(conf), "%s/%s", dir, PIN_MAP_FILE_NAME);
	unlink(conf);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_pin_map_read_takes_only_output_lines, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(
	        test_pin_map_read_skips_what_it_cannot_parse_and_reads_on, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_pin_map_read_unreadable_chip_drops_lines_without_chip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pin_map_read_missing_file_is_an_error, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_pin_map_saved_by_a_start_reads_back_the_same,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pin_map_save_rewrites_only_what_changed, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_pin_map_collect_prefers_the_saved_polarity, setup,
	                                    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
