/* SPDX-License-Identifier: MIT */
/*
 * recovery-kiosk: wiring only.  Parse the arguments, load and validate the
 * configuration, build the hardware, the controller, the event log (SQLite), the
 * MQTT link and the touchscreen, run until asked to stop, tear down in reverse.
 * Every decision about stations lives in kiosk/core.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "config/pin_map_file.h"
#include "config/program_load.h"
#include "config/screening_load.h"
#include "core/controller.h"
#include "drivers/gpio.h"
#include "drivers/gpio_gpiod.h"
#include "drivers/sim/sim_fault.h"
#include "drivers/sim/sim_hw.h"
#include "core/program.h"
#include "mqtt/mqtt_check.h"
#include "mqtt/mqtt_link.h"
#include "store/history_recorder.h"
#include "store/history_report.h"
#include "service/safe_state.h"
#include "store/event_log.h"
#include "core/screening.h"
#include "service/hw_check.h"
#include "service/realtime.h"
#include "service/self_test.h"
#include "drivers/station_hw.h"
#include "ui/i18n.h"
#include "ui/ui.h"
#include "service/watchdog.h"

#ifndef KIOSK_VERSION
#define KIOSK_VERSION "0.0.0"
#endif
#ifndef KIOSK_GPIO_BACKEND
#define KIOSK_GPIO_BACKEND "libgpiod"
#endif
#ifndef KIOSK_DEFAULT_CONFIG
#define KIOSK_DEFAULT_CONFIG "/etc/recovery-kiosk/kiosk.conf"
#endif
#ifndef KIOSK_DEFAULT_STATE_DIR
#define KIOSK_DEFAULT_STATE_DIR "/var/lib/recovery-kiosk"
#endif
#ifndef KIOSK_DEFAULT_ASSETS
#define KIOSK_DEFAULT_ASSETS "/usr/share/recovery-kiosk"
#endif

enum exit_code {
	EXIT_OK = 0,
	EXIT_FAILED = 1,       /* runtime failure (hardware, self-test) */
	EXIT_NOT_MEASURED = 2, /* --self-test: nothing failed, a sensorless station not measured */
	EXIT_USAGE = 64,       /* EX_USAGE */
	EXIT_CONFIG = 78,      /* EX_CONFIG */
};

enum run_mode { MODE_RUN, MODE_CHECK_CONFIG, MODE_SAFE_STATE, MODE_SELF_TEST, MODE_REPORT };

struct options {
	const char *config_path;
	const char *assets_dir;
	enum run_mode mode;
	bool sim;
	bool headless;
	const char *report_since;  /* --report: YYYY-MM-DD or NULL */
	const char *report_format; /* --report: csv, json or NULL */
	bool check_mqtt;           /* --check-config --mqtt: the live broker check too */
};

/* Set from the signal handler. */
static volatile sig_atomic_t stop_requested;

/* The exit safety net, the one other piece of global state: a library may
 * call exit() behind main's back (SDL's X11 backend does when its display
 * goes away), which would skip the teardown.  Set while the controller runs,
 * cleared by the teardown; the atexit handler stops it and vents. */
static struct controller *controller_at_exit;

static void vent_at_exit(void)
{
	struct controller *c = controller_at_exit;

	controller_at_exit = NULL;
	if (c) {
		fprintf(stderr,
		        "<3>recovery-kiosk: exit() without teardown; venting every station\n");
		controller_stop_silently(c);
	}
}

static void handle_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void print_usage(FILE *out)
{
	fprintf(
	    out,
	    "Usage: recovery-kiosk [OPTION]...\n"
	    "Run the gym compression-boot stations: touchscreen, control loop, MQTT reporting.\n"
	    "\n"
	    "  -c, --config FILE   configuration (default %s)\n"
	    "  -s, --sim           simulated pumps, valves and sensors (no GPIO needed)\n"
	    "      --headless      no touchscreen (as headless = true in [display]);\n"
	    "                      stations run and report over MQTT\n"
	    "      --assets DIR    fonts and icons; default $KIOSK_ASSETS_DIR, else the\n"
	    "                      source tree's assets/ for a binary run from its\n"
	    "                      build folder, else %s\n"
	    "      --check-config  load and validate everything, print one line per\n"
	    "                      station, look at the GPIO chips and lines it names\n"
	    "                      (read-only), exit 0 when valid\n"
	    "      --mqtt          with --check-config: connect to the broker, subscribe\n"
	    "                      and publish a probe to every topic the kiosk uses,\n"
	    "                      and say what the ACL allows\n"
	    "      --safe-state    drive every configured output to its de-energised\n"
	    "                      (vented) level and exit; run by the unit's ExecStopPost\n"
	    "      --self-test     with boots on, pulse each zone and report whether\n"
	    "                      its pressure rose and fell (stop the service first)\n"
	    "      --report        print the session history (history.db in state_dir)\n"
	    "      --since DATE    with --report: sessions from DATE (YYYY-MM-DD, local)\n"
	    "      --format F      with --report: csv (default) or json\n"
	    "  -h, --help          this text\n"
	    "  -V, --version       version and hardware backend\n"
	    "\n"
	    "Environment: KIOSK_ASSETS_DIR  the assets folder when --assets is not given.\n"
	    "\n"
	    "Exit status: 0 ok, 1 runtime failure, 2 self-test not measured (a station\n"
	    "without a sensor), 64 bad usage, 78 bad configuration.\n",
	    KIOSK_DEFAULT_CONFIG, KIOSK_DEFAULT_ASSETS);
}

static int parse_options(int argc, char **argv, struct options *opt)
{
	enum {
		OPT_HEADLESS = 256,
		OPT_ASSETS,
		OPT_CHECK,
		OPT_SAFE,
		OPT_SELF_TEST,
		OPT_REPORT,
		OPT_SINCE,
		OPT_FORMAT,
		OPT_MQTT
	};
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"sim", no_argument, NULL, 's'},
	    {"headless", no_argument, NULL, OPT_HEADLESS},
	    {"assets", required_argument, NULL, OPT_ASSETS},
	    {"check-config", no_argument, NULL, OPT_CHECK},
	    {"mqtt", no_argument, NULL, OPT_MQTT},
	    {"safe-state", no_argument, NULL, OPT_SAFE},
	    {"self-test", no_argument, NULL, OPT_SELF_TEST},
	    {"report", no_argument, NULL, OPT_REPORT},
	    {"since", required_argument, NULL, OPT_SINCE},
	    {"format", required_argument, NULL, OPT_FORMAT},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	/* assets_dir NULL: ui_find_dirs decides (KIOSK_ASSETS_DIR, build tree,
	 * install prefix). */
	*opt = (struct options){
	    .config_path = KIOSK_DEFAULT_CONFIG,
	    .mode = MODE_RUN,
	};
	for (;;) {
		int c = getopt_long(argc, argv, "c:shV", longopts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'c':
			opt->config_path = optarg;
			break;
		case 's':
			opt->sim = true;
			break;
		case OPT_HEADLESS:
			opt->headless = true;
			break;
		case OPT_ASSETS:
			opt->assets_dir = optarg;
			break;
		case OPT_MQTT:
			opt->check_mqtt = true;
			break;
		case OPT_CHECK:
			opt->mode = MODE_CHECK_CONFIG;
			break;
		case OPT_SAFE:
			opt->mode = MODE_SAFE_STATE;
			break;
		case OPT_SELF_TEST:
			opt->mode = MODE_SELF_TEST;
			break;
		case OPT_REPORT:
			opt->mode = MODE_REPORT;
			break;
		case OPT_SINCE:
			opt->report_since = optarg;
			break;
		case OPT_FORMAT:
			opt->report_format = optarg;
			break;
		case 'h':
			print_usage(stdout);
			exit(EXIT_OK);
		case 'V':
			printf("recovery-kiosk %s (GPIO backend: %s; simulator built in)\n",
			       KIOSK_VERSION, KIOSK_GPIO_BACKEND);
			exit(EXIT_OK);
		default:
			fprintf(stderr, "Try 'recovery-kiosk --help'.\n");
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr,
		        "recovery-kiosk: unexpected argument '%s'; options start with '-'. "
		        "Try 'recovery-kiosk --help'.\n",
		        argv[optind]);
		return -EINVAL;
	}
	return 0;
}

struct loaded {
	struct kiosk_config config;
	struct program_set programs;
	struct screening_set screening;
};

/* --report needs only kiosk.conf: a broken programs or screening file must
 * not keep a manager from the history. */
static int load_everything(const char *path, const struct ui_dirs *dirs, bool kiosk_conf_only,
                           struct loaded *l)
{
	char err[512];

	if (kiosk_config_load(&l->config, path, err, sizeof(err)) < 0) {
		fprintf(stderr, "<3>recovery-kiosk: %s\n", err);
		return -EINVAL;
	}
	if (kiosk_conf_only)
		return 0;
	if (program_set_load(&l->programs, l->config.programs_file, &l->config.limits, err,
	                     sizeof(err)) < 0 ||
	    screening_set_load(&l->screening, l->config.screening_file, err, sizeof(err)) < 0) {
		fprintf(stderr, "<3>recovery-kiosk: %s\n", err);
		return -EINVAL;
	}
	/* A language is shown completely or not at all. */
	if (i18n_check(dirs->locale, l->config.display.language, &l->programs, &l->screening, err,
	               sizeof(err)) < 0) {
		fprintf(stderr, "<3>recovery-kiosk: %s: %s\n", l->config.path, err);
		return -EINVAL;
	}
	return 0;
}

/* [station.N] sim_fault is the simulator's (drivers/sim/sim_fault.h): a
 * real kiosk refuses to start with one. */
static int check_sim_faults(const struct kiosk_config *cfg, bool sim)
{
	for (size_t i = 0; i < cfg->station_count; i++) {
		const struct station_config *st = &cfg->stations[i];
		enum sim_fault fault;
		if (!st->sim_fault[0])
			continue;
		if (!sim) {
			fprintf(stderr,
			        "<3>recovery-kiosk: %s:%u: sim_fault is for the simulator only; "
			        "remove it, or start with --sim\n",
			        cfg->path, st->lines.sim_fault);
			return -EINVAL;
		}
		if (sim_fault_parse(st->sim_fault, &fault) < 0) {
			fprintf(stderr,
			        "<3>recovery-kiosk: %s:%u: sim_fault = %s is not a simulated "
			        "fault; use %s\n",
			        cfg->path, st->lines.sim_fault, st->sim_fault, sim_fault_choices());
			return -EINVAL;
		}
	}
	return 0;
}

static void print_summary(const struct loaded *l)
{
	char line[512];

	for (size_t i = 0; i < l->config.station_count; i++) {
		kiosk_config_describe_station(&l->config.stations[i], line, sizeof(line));
		printf("%s\n", line);
	}
	printf("%s: site '%s', %zu station(s), %zu program(s), %zu screening question(s): OK\n",
	       l->config.path, l->config.site, l->config.station_count, l->programs.count,
	       l->screening.count);
}

/* --report: the manager's view of history.db; needs only [kiosk]. */
static int run_report(const struct options *opt, const struct loaded *l)
{
	char err[512];
	int rc = history_report_run(l->config.state_dir, l->config.site, opt->report_since,
	                            opt->report_format, stdout, err, sizeof(err));

	if (rc == 0)
		return EXIT_OK;
	fprintf(stderr, "recovery-kiosk: %s\n", err);
	return rc == -EINVAL ? EXIT_USAGE : EXIT_FAILED;
}

static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

/* Before any thread exists: block the stop signals so every thread inherits
 * the block, and only one thread ever takes them (see wait_for_stop and
 * stop_signal_thread). */
static void install_signal_handlers(void)
{
	struct sigaction sa = {.sa_handler = handle_stop_signal};
	sigset_t set;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	stop_signals(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	/* The UI must not install SDL's own SIGINT/SIGTERM handlers over ours. */
	setenv("SDL_NO_SIGNAL_HANDLERS", "1", 1);
}

/* With the touchscreen: a thread takes the stop signals (blocked everywhere
 * else) and wakes the UI loop through SDL, so the UI sleeps until a touch,
 * a snapshot or a signal and never polls the flag. */
static void *stop_signal_thread(void *arg)
{
	sigset_t set;
	int sig;

	stop_signals(&set);
	while (sigwait(&set, &sig) != 0)
		;
	stop_requested = 1;
	ui_request_stop(arg);
	return NULL;
}

static int run_ui_until_stop(struct ui *ui)
{
	pthread_t thread;
	int rc, trc;

	trc = pthread_create(&thread, NULL, stop_signal_thread, ui);
	if (trc != 0) {
		fprintf(stderr, "<3>recovery-kiosk: cannot start the signal thread: %s\n",
		        strerror(trc));
		return -trc;
	}
	rc = ui_run(ui, &stop_requested);
	/* Window closed or signal taken: release the thread if it still waits. */
	if (!stop_requested)
		pthread_kill(thread, SIGTERM);
	pthread_join(thread, NULL);
	return rc;
}

/* Headless: wait for a stop signal without spinning and without a window
 * between testing the flag and sleeping. */
static void wait_for_stop(void)
{
	sigset_t set;

	stop_signals(&set);
	while (!stop_requested && sigwaitinfo(&set, NULL) < 0 && errno == EINTR)
		;
	stop_requested = 1;
}

struct runtime {
	struct sim_hw *sim;                            /* --sim: the simulated kiosk */
	const struct pressure_sensor_factory *sensors; /* NULL: the hardware sensors */
	struct gpio *gpio;
	struct station_hw *hw[KIOSK_MAX_STATIONS];
	size_t hw_count;
	struct controller *controller;
	struct event_log *log;
	struct mqtt_link *mqtt;
	struct history_recorder *history;
	struct ui *ui;
	struct watchdog *watchdog;
};

/* UI thread: the broker has acknowledged the event with this seq. */
static bool broker_has_event(void *ctx, uint64_t seq)
{
	const struct runtime *rt = ctx;
	return mqtt_link_delivered(rt->mqtt, seq);
}

/* The hardware every mode builds its stations on: libgpiod on a Pi; in
 * --sim, the simulated kiosk with one boot model per configured station, its
 * GPIO and its sensors.  0 or negative errno (message printed). */
static int hardware_open(bool sim, const struct kiosk_config *cfg, struct runtime *rt)
{
	char err[256];

	if (!sim) {
		rt->gpio = gpio_gpiod_create();
		if (!rt->gpio)
			goto err;
		return 0;
	}
	rt->sim = sim_hw_create();
	if (!rt->sim)
		goto err;
	for (size_t i = 0; i < cfg->station_count; i++) {
		int rc =
		    sim_hw_add_station(rt->sim, &cfg->stations[i].pins, NULL, err, sizeof(err));
		if (rc < 0) {
			fprintf(stderr, "<3>recovery-kiosk: %s\n", err);
			sim_hw_destroy(rt->sim);
			rt->sim = NULL;
			return rc;
		}
		enum sim_fault fault;
		if (sim_fault_parse(cfg->stations[i].sim_fault, &fault) == 0)
			sim_fault_apply(sim_hw_boot(rt->sim, (size_t)rc), fault);
	}
	rt->gpio = sim_hw_gpio(rt->sim);
	rt->sensors = sim_hw_sensors(rt->sim);
	return 0;
err:
	fprintf(stderr, "<3>recovery-kiosk: cannot open the GPIO backend: %s\n", strerror(errno));
	return -errno;
}

/* After every station_hw is destroyed. */
static void hardware_close(struct runtime *rt)
{
	if (rt->sim)
		sim_hw_destroy(rt->sim);
	else
		gpio_destroy(rt->gpio);
	rt->sim = NULL;
	rt->sensors = NULL;
	rt->gpio = NULL;
}

static void runtime_teardown(struct runtime *rt)
{
	controller_at_exit = NULL;
	watchdog_stopping(rt->watchdog);
	/* Stop the control loop first: it drives every station to the safe state. */
	controller_stop(rt->controller);
	/* The log commits the last events (the shutdown stop), then the link
	 * delivers what it can and says offline. */
	event_log_stop(rt->log);
	mqtt_link_stop(rt->mqtt);
	history_recorder_stop(rt->history);
	ui_destroy(rt->ui);
	/* Each removes its own controller listener. */
	mqtt_link_destroy(rt->mqtt);
	event_log_destroy(rt->log);
	controller_destroy(rt->controller);
	history_recorder_destroy(rt->history);
	for (size_t i = rt->hw_count; i-- > 0;)
		station_hw_destroy(rt->hw[i]);
	watchdog_destroy(rt->watchdog);
	hardware_close(rt);
}

/* The safe state needs only the pin map: kiosk.conf read tolerantly plus
 * the map the last kiosk saved, so a config broken anywhere still vents. */
static int run_safe_state(const struct options *opt)
{
	struct pin_map *map = calloc(1, sizeof(*map));
	struct sim_hw *sim;
	struct gpio *gpio;
	int rc;

	if (!map) {
		perror("recovery-kiosk");
		return EXIT_FAILED;
	}
	/* A stop signal must not cut the vent short. */
	install_signal_handlers();
	(void)pin_map_collect(map, opt->config_path, KIOSK_DEFAULT_STATE_DIR, stderr);
	/* --sim: an empty simulated kiosk; the lines are requested by name. */
	sim = opt->sim ? sim_hw_create() : NULL;
	gpio = opt->sim ? (sim ? sim_hw_gpio(sim) : NULL) : gpio_gpiod_create();
	if (!gpio) {
		fprintf(stderr, "<2>recovery-kiosk: cannot open the GPIO backend: %s\n",
		        strerror(errno));
		sim_hw_destroy(sim);
		free(map);
		return EXIT_FAILED;
	}
	rc = safe_state_run_map(map, gpio, stdout) == 0 ? EXIT_OK : EXIT_FAILED;
	if (sim)
		sim_hw_destroy(sim);
	else
		gpio_destroy(gpio);
	free(map);
	return rc;
}

static int run_kiosk(const struct options *opt, const struct ui_dirs *dirs, struct loaded *l,
                     struct runtime *rt)
{
	char err[512];
	const char *backend = gpio_backend_name(rt->gpio);

	/* Before any line is taken: what --safe-state vents if this kiosk dies
	 * and kiosk.conf is broken by then. */
	if (pin_map_save_config(&l->config, err, sizeof(err)) < 0)
		fprintf(stderr,
		        "<4>recovery-kiosk: %s; --safe-state will rely on kiosk.conf alone\n", err);

	for (size_t i = 0; i < l->config.station_count; i++) {
		const struct station_config *st = &l->config.stations[i];
		rt->hw[i] = station_hw_create_with(rt->gpio, rt->sensors, st->name, &st->pins, err,
		                                   sizeof(err));
		if (!rt->hw[i]) {
			fprintf(stderr, "<3>recovery-kiosk: %s\n", err);
			return EXIT_FAILED;
		}
		rt->hw_count++;
	}

	rt->watchdog = watchdog_create();
	if (!rt->watchdog) {
		fprintf(stderr, "<3>recovery-kiosk: cannot create the watchdog: %s\n",
		        strerror(errno));
		return EXIT_FAILED;
	}
	/* A restart never frees a station that was locked, dirty or out of
	 * service: the store kept its state. */
	struct station_service restore[KIOSK_MAX_STATIONS];
	if (event_log_load_service(&l->config, restore, err, sizeof(err)) < 0) {
		fprintf(stderr, "<3>recovery-kiosk: %s\n", err);
		return EXIT_FAILED;
	}
	struct controller_params cp = {
	    .restore = restore,
	    .config = &l->config,
	    .programs = &l->programs,
	    .screening = &l->screening,
	    .hw = rt->hw,
	    .on_tick = watchdog_tick,
	    .on_tick_ctx = rt->watchdog,
	    .realtime_priority = (int)l->config.realtime_priority,
	};
	rt->controller = controller_create(&cp);
	if (!rt->controller) {
		fprintf(stderr, "<3>recovery-kiosk: cannot create the controller: %s\n",
		        strerror(errno));
		return EXIT_FAILED;
	}

	struct event_log_params lp = {
	    .state_dir = l->config.state_dir,
	    .controller = rt->controller,
	    .config = &l->config,
	    .delivered_delay_ms = EVENT_LOG_DELIVERED_DELAY_MS,
	};
	rt->log = event_log_create(&lp, err, sizeof(err));
	if (!rt->log) {
		fprintf(stderr, "<3>recovery-kiosk: %s\n", err);
		return EXIT_FAILED;
	}
	if (l->config.mqtt.enabled) {
		struct mqtt_link_params mp = {
		    .config = &l->config,
		    .controller = rt->controller,
		    .log = rt->log,
		    .version = KIOSK_VERSION,
		    .backend = backend,
		};
		rt->mqtt = mqtt_link_create(&mp, err, sizeof(err));
		if (!rt->mqtt) {
			fprintf(stderr, "<3>recovery-kiosk: %s\n", err);
			return EXIT_FAILED;
		}
	}

	struct history_recorder_params hp = {
	    .controller = rt->controller,
	    .state_dir = l->config.state_dir,
	    .limits = {.keep_days = l->config.history.keep_days,
	               .max_kib = l->config.history.max_mb * 1024u,
	               .sample_s = l->config.history.sample_s},
	    /* Usage and session summaries go out over MQTT. */
	    .on_session_end = rt->mqtt ? mqtt_link_history_session_ended : NULL,
	    .on_usage_change = rt->mqtt ? mqtt_link_history_usage_changed : NULL,
	    .ctx = rt->mqtt,
	};
	rt->history = history_recorder_create(&hp, err, sizeof(err));
	if (!rt->history) {
		fprintf(stderr, "<3>recovery-kiosk: %s\n", err);
		return EXIT_FAILED;
	}
	if (rt->mqtt)
		mqtt_link_attach_history(rt->mqtt, history_recorder_history(rt->history));

	if (!opt->headless && !l->config.display.headless) {
		struct ui_params up = {
		    .config = &l->config,
		    .programs = &l->programs,
		    .screening = &l->screening,
		    .controller = rt->controller,
		    .assets_dir = dirs->assets,
		    .locale_dir = dirs->locale,
		    /* Without MQTT nobody is notified: the screen never says so. */
		    .events_delivered = rt->mqtt ? broker_has_event : NULL,
		    .events_ctx = rt,
		};
		const char *display = getenv("WAYLAND_DISPLAY");

		if (!display || !*display)
			display = getenv("DISPLAY");
		i18n_init(dirs->locale, l->config.display.language);
		rt->ui = ui_create(&up, err, sizeof(err));
		if (!rt->ui) {
			/* Never READY with a black screen: fail, so systemd shows why
			 * and restarts per the unit's limits. */
			fprintf(
			    stderr,
			    "<3>recovery-kiosk: the touchscreen cannot start%s%s: %s (assets from "
			    "%s: %s); fix that, or set headless = true in [display] (or start "
			    "with --headless) for a site without a screen\n",
			    display && *display ? " on display " : "",
			    display && *display ? display : "", err, dirs->assets_from,
			    dirs->assets);
			return EXIT_FAILED;
		}
	} else if (l->config.mqtt.enabled) {
		fprintf(stderr,
		        "<5>recovery-kiosk: headless; watch the stations with: "
		        "mosquitto_sub -h %s -p %u -t 'recovery/%s/#' -v\n",
		        l->config.mqtt.host, l->config.mqtt.port, l->config.site);
	}

	/* Once everything is built: lock what it uses, and say whether the
	 * control loop gets the real time it asks for. */
	struct realtime_report rtr;
	char rt_status[96];
	realtime_prepare(l->config.realtime_priority, &rtr);
	realtime_describe(&rtr, rt_status, sizeof(rt_status));
	if (rtr.priority == 0)
		fprintf(stderr, "<5>recovery-kiosk: realtime_priority = 0: normal scheduling; the "
		                "control loop's deadlines are not guaranteed under load\n");
	else if (!rtr.fifo_allowed)
		fprintf(stderr,
		        "<4>recovery-kiosk: real-time scheduling refused (%s): the control loop "
		        "runs with normal scheduling and its deadlines are not guaranteed under "
		        "load; allow it with LimitRTPRIO=%u and RestrictRealtime=no (the shipped "
		        "unit does)\n",
		        strerror(rtr.fifo_errno), rtr.priority);
	if (rtr.priority && !rtr.memory_locked)
		fprintf(stderr,
		        "<5>recovery-kiosk: memory not locked (%s): a page-in can delay the "
		        "control loop; LimitMEMLOCK=infinity allows it (the shipped unit does)\n",
		        strerror(rtr.lock_errno));

	controller_at_exit = rt->controller;
	atexit(vent_at_exit);
	if (controller_start(rt->controller) < 0 || event_log_start(rt->log) < 0 ||
	    (rt->mqtt && mqtt_link_start(rt->mqtt) < 0) ||
	    history_recorder_start(rt->history) < 0 || watchdog_start(rt->watchdog) < 0) {
		fprintf(stderr, "<3>recovery-kiosk: cannot start a thread: %s\n", strerror(errno));
		return EXIT_FAILED;
	}

	char status[256];
	snprintf(status, sizeof(status), "%zu station(s) safe and running on %s%s; %s",
	         l->config.station_count, backend, rt->ui ? ", touchscreen up" : ", headless",
	         rt_status);
	watchdog_ready(rt->watchdog, status);
	fprintf(stderr, "<6>recovery-kiosk %s: %s\n", KIOSK_VERSION, status);

	if (rt->ui) {
		if (run_ui_until_stop(rt->ui) < 0)
			return EXIT_FAILED;
	} else {
		wait_for_stop();
	}
	fprintf(stderr, "<6>recovery-kiosk: stopping; every station goes to the safe state\n");
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct options opt;
	struct loaded *l;
	struct runtime rt = {0};
	struct ui_dirs dirs;
	int rc;

	if (parse_options(argc, argv, &opt) < 0)
		return EXIT_USAGE;
	if (opt.mode == MODE_SAFE_STATE)
		return run_safe_state(&opt);

	l = calloc(1, sizeof(*l));
	if (!l) {
		perror("recovery-kiosk");
		return EXIT_FAILED;
	}
	ui_find_dirs(opt.assets_dir, &dirs);
	if (load_everything(opt.config_path, &dirs, opt.mode == MODE_REPORT, l) < 0) {
		free(l);
		return EXIT_CONFIG;
	}
	if (opt.mode == MODE_REPORT) {
		rc = run_report(&opt, l);
		free(l);
		return rc;
	}
	if (check_sim_faults(&l->config, opt.sim) < 0) {
		free(l);
		return EXIT_CONFIG;
	}

	install_signal_handlers();
	if (hardware_open(opt.sim, &l->config, &rt) < 0) {
		free(l);
		return EXIT_FAILED;
	}

	switch (opt.mode) {
	case MODE_CHECK_CONFIG:
		/* The files are valid; now the hardware they name. */
		print_summary(l);
		rc =
		    hw_check_run(&l->config, rt.gpio, opt.sim, stdout) == 0 ? EXIT_OK : EXIT_CONFIG;
		if (opt.check_mqtt && mqtt_check_run(&l->config, stdout) < 0)
			rc = EXIT_CONFIG;
		break;
	case MODE_SELF_TEST:
		/* The stop signals set the flag the test reads between its
		 * waits: Ctrl-C or systemctl stop vents at once. */
		{
			sigset_t set;
			stop_signals(&set);
			pthread_sigmask(SIG_UNBLOCK, &set, NULL);
		}
		rc = self_test_run(&l->config, rt.gpio, rt.sensors, &stop_requested, stdout);
		rc = rc == SELF_TEST_PASS           ? EXIT_OK
		     : rc == SELF_TEST_NOT_MEASURED ? EXIT_NOT_MEASURED
		                                    : EXIT_FAILED;
		break;
	default:
		rc = run_kiosk(&opt, &dirs, l, &rt);
		runtime_teardown(&rt);
		break;
	}
	hardware_close(&rt);
	free(l);
	return rc;
}
