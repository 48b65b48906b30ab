/* SPDX-License-Identifier: MIT */
#include "xharness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <cjson/cJSON.h>

#include "config/config.h"
#include "config/program_load.h"
#include "config/screening_load.h"

extern char **environ;

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Spawn argv with stdout+stderr to log (a path) or to out_fd; -1 on error. */
static pid_t spawn(const char *const argv[], const char *log, int out_fd, int close_fd)
{
	posix_spawn_file_actions_t fa;
	pid_t pid = -1;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	if (log) {
		posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log,
		                                 O_WRONLY | O_CREAT | O_APPEND, 0644);
		posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
	} else if (out_fd >= 0) {
		posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
	}
	if (close_fd >= 0)
		posix_spawn_file_actions_addclose(&fa, close_fd);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		fprintf(stderr, "xharness: cannot run %s: %s\n", argv[0], strerror(rc));
		return -1;
	}
	return pid;
}

static int run_wait(const char *const argv[])
{
	int status = 0;
	pid_t pid = spawn(argv, NULL, -1, -1);

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void end_child(pid_t *pid)
{
	uint64_t deadline;
	int status;

	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	deadline = now_ms() + 5000;
	while (waitpid(*pid, &status, WNOHANG) == 0) {
		if (now_ms() > deadline) {
			kill(*pid, SIGKILL);
			waitpid(*pid, &status, 0);
			break;
		}
		poll(NULL, 0, 10);
	}
	*pid = -1;
}

static int free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static bool port_open(int port)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	bool ok;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)port);
	ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

static int start_xvfb(struct xh *x)
{
	int fds[2];
	char fdstr[16], screen[32], buf[32] = "";
	size_t got = 0;
	uint64_t deadline = now_ms() + 15000;

	if (pipe(fds) != 0)
		return -1;
	snprintf(fdstr, sizeof(fdstr), "%d", fds[1]);
	snprintf(screen, sizeof(screen), "%dx%dx24", x->w, x->h);
	{
		char log[200];
		const char *argv[] = {"Xvfb", "-displayfd", fdstr, "-screen",  "0",
		                      screen, "-nolisten",  "tcp", "-noreset", NULL};
		snprintf(log, sizeof(log), "%s/xvfb.log", x->dir);
		x->xvfb = spawn(argv, log, -1, fds[0]);
	}
	close(fds[1]);
	while (x->xvfb > 0 && now_ms() < deadline && !memchr(buf, '\n', got)) {
		struct pollfd p = {fds[0], POLLIN, 0};
		if (poll(&p, 1, 200) > 0) {
			ssize_t n = read(fds[0], buf + got, sizeof(buf) - 1 - got);
			if (n <= 0)
				break;
			got += (size_t)n;
			buf[got] = '\0';
		}
	}
	close(fds[0]);
	if (!memchr(buf, '\n', got)) {
		fprintf(stderr, "xharness: Xvfb did not report a display\n");
		return -1;
	}
	snprintf(x->display, sizeof(x->display), ":%d", atoi(buf));
	setenv("DISPLAY", x->display, 1);
	return 0;
}

/* mosquitto_sub on every station status, read by xh_poll. */
static int start_status_sub(struct xh *x, const struct xh_options *o)
{
	char port[16];
	int fds[2];
	const char *argv[] = {"mosquitto_sub",
	                      "-h",
	                      "127.0.0.1",
	                      "-p",
	                      port,
	                      "-t",
	                      "recovery/+/station/+/status",
	                      "-v",
	                      o->sub_username ? "-u" : NULL,
	                      o->sub_username,
	                      "-P",
	                      o->sub_password ? o->sub_password : "",
	                      NULL};

	snprintf(port, sizeof(port), "%d", x->port);
	if (pipe(fds) != 0)
		return -1;
	x->sub = spawn(argv, NULL, fds[1], fds[0]);
	close(fds[1]);
	x->sub_fd = fds[0];
	fcntl(x->sub_fd, F_SETFL, O_NONBLOCK);
	return x->sub > 0 ? 0 : -1;
}

static int start_broker(struct xh *x, const struct xh_options *o)
{
	char conf[200], log[200];
	FILE *f;
	uint64_t deadline = now_ms() + 10000;

	if (o->broker_port > 0) {
		x->port = o->broker_port;
		return start_status_sub(x, o);
	}
	x->port = free_port();
	snprintf(conf, sizeof(conf), "%s/mosquitto.conf", x->dir);
	snprintf(log, sizeof(log), "%s/mosquitto.log", x->dir);
	f = fopen(conf, "w");
	if (!f)
		return -1;
	fprintf(f, "listener %d 127.0.0.1\nallow_anonymous true\npersistence false\n", x->port);
	fclose(f);
	{
		const char *argv[] = {"mosquitto", "-c", conf, NULL};
		x->broker = spawn(argv, log, -1, -1);
	}
	while (x->broker > 0 && !port_open(x->port)) {
		if (now_ms() > deadline) {
			fprintf(stderr, "xharness: mosquitto did not listen on %d\n", x->port);
			return -1;
		}
		poll(NULL, 0, 20);
	}
	return x->broker > 0 ? start_status_sub(x, o) : -1;
}

/* A copy of kiosk-sim.conf pointing at the private broker and display. */
static int write_config(struct xh *x, const char *path, const struct xh_options *o)
{
	FILE *in = fopen(
	    o->config_template ? o->config_template : KIOSK_SOURCE_ASSETS "/kiosk-sim.conf", "r");
	FILE *out = fopen(path, "w");
	char line[512], section[512] = "";

	if (!in || !out) {
		if (in)
			fclose(in);
		if (out)
			fclose(out);
		return -1;
	}
	while (fgets(line, sizeof(line), in)) {
		char key[64] = "";
		if (line[0] == '[') {
			snprintf(section, sizeof(section), "%s", line);
			section[strcspn(section, "]\n")] = '\0';
		}
		sscanf(line, " %63[a-z_] =", key);
		if (!strcmp(section, "[kiosk") && !strcmp(key, "programs"))
			fprintf(out, "programs = %s/programs.conf\n", KIOSK_SOURCE_ASSETS);
		else if (!strcmp(section, "[kiosk") && !strcmp(key, "screening"))
			fprintf(out, "screening = %s/screening.conf\n", KIOSK_SOURCE_ASSETS);
		else if (!strcmp(section, "[kiosk") && !strcmp(key, "state_dir"))
			fprintf(out, "state_dir = %s/state\n", x->dir);
		else if (!strcmp(section, "[display") && !strcmp(key, "width"))
			fprintf(out, "width = %d\n", x->w);
		else if (!strcmp(section, "[display") && !strcmp(key, "height"))
			fprintf(out, "height = %d\n", x->h);
		else if (!strcmp(section, "[display") && !strcmp(key, "fullscreen"))
			fprintf(out, "fullscreen = false\n");
		else if (!strcmp(section, "[mqtt") && !strcmp(key, "host"))
			fprintf(out, "host = 127.0.0.1\n");
		else if (!strcmp(section, "[mqtt") && !strcmp(key, "port"))
			fprintf(out, "port = %d\n", x->port);
		else if (!strcmp(section, "[limits") && !strcmp(key, "idle_timeout_s"))
			fprintf(out, "idle_timeout_s = %u\n", o->idle_timeout_s);
		else if (!strcmp(section, "[limits") && !strcmp(key, "boots_on_timeout_s") &&
		         o->boots_on_timeout_s)
			fprintf(out, "boots_on_timeout_s = %u\n", o->boots_on_timeout_s);
		else if (!strcmp(section, "[display") && !strcmp(key, "language") && o->language)
			fprintf(out, "language = %s\n", o->language);
		else
			fputs(line, out);
	}
	fclose(in);
	return fclose(out) == 0 ? 0 : -1;
}

static bool find_window(struct xh *x)
{
	Display *dpy = x->dpy;
	Window root = DefaultRootWindow(dpy), r, parent, *kids = NULL;
	unsigned int n = 0;
	bool found = false;

	if (!XQueryTree(dpy, root, &r, &parent, &kids, &n))
		return false;
	for (unsigned int i = 0; i < n && !found; i++) {
		char *name = NULL;
		if (XFetchName(dpy, kids[i], &name) && name &&
		    strcmp(name, "Recovery kiosk") == 0) {
			Window child;
			XTranslateCoordinates(dpy, kids[i], root, 0, 0, &x->origin_x, &x->origin_y,
			                      &child);
			found = true;
		}
		if (name)
			XFree(name);
	}
	if (kids)
		XFree(kids);
	return found;
}

/* Whether the file at path contains needle (read whole: the logs are small). */
static bool file_has(const char *path, const char *needle)
{
	size_t nlen = strlen(needle), len = 0, cap = 0;
	char *buf = NULL;
	bool found = false;
	FILE *f = fopen(path, "rb");

	if (!f)
		return false;
	for (;;) {
		size_t got;
		if (len == cap) {
			char *p = realloc(buf, cap ? cap * 2 : 65536);
			if (!p)
				break;
			buf = p;
			cap = cap ? cap * 2 : 65536;
		}
		got = fread(buf + len, 1, cap - len, f);
		if (got == 0)
			break;
		len += got;
	}
	fclose(f);
	for (size_t i = 0; buf && nlen && i + nlen <= len && !found; i++)
		found = buf[i] == needle[0] && memcmp(buf + i, needle, nlen) == 0;
	free(buf);
	return found;
}

int xh_mqtt_sync(struct xh *x, int timeout_ms)
{
	char port[16], marker[64];
	const char *argv[] = {"mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-q", "1", "-t",
	                      "xh/sync",       "-m", marker,      NULL};
	uint64_t deadline = now_ms() + (uint64_t)timeout_ms, next_pub = 0;

	if (x->sub_all <= 0 || !x->mqtt_log[0])
		return -1;
	snprintf(port, sizeof(port), "%d", x->port);
	snprintf(marker, sizeof(marker), "xh-sync-%d-%u", (int)getpid(), ++x->sync_seq);
	for (;;) {
		if (now_ms() >= next_pub) { /* again, in case it is not subscribed yet */
			if (run_wait(argv) != 0)
				fprintf(stderr, "xharness: mosquitto_pub failed\n");
			next_pub = now_ms() + 500;
		}
		if (file_has(x->mqtt_log, marker))
			return 0;
		if (now_ms() > deadline) {
			fprintf(stderr, "xharness: the '#' recorder never wrote %s to %s\n", marker,
			        x->mqtt_log);
			return -1;
		}
		poll(NULL, 0, 20);
	}
}

/* mosquitto_sub on '#', every message as "topic payload" into mqtt_log. */
static int start_recorder(struct xh *x)
{
	char port[16];
	const char *argv[] = {
	    "mosquitto_sub", "-h", "127.0.0.1", "-p", port, "-q", "1", "-t", "#", "-v", NULL};

	snprintf(port, sizeof(port), "%d", x->port);
	snprintf(x->mqtt_log, sizeof(x->mqtt_log), "%s/mqtt-all.log", x->dir);
	x->sub_all = spawn(argv, x->mqtt_log, -1, -1);
	if (x->sub_all < 0)
		return -1;
	return xh_mqtt_sync(x, 10000);
}

int xh_stop_app(struct xh *x, int timeout_ms)
{
	uint64_t deadline = now_ms() + (uint64_t)timeout_ms;
	int status = -1;
	pid_t r;

	if (x->app <= 0)
		return -1;
	kill(x->app, SIGTERM);
	while ((r = waitpid(x->app, &status, WNOHANG)) == 0) {
		if (now_ms() > deadline) {
			fprintf(stderr,
			        "xharness: the kiosk did not exit within %d ms of SIGTERM\n",
			        timeout_ms);
			kill(x->app, SIGKILL);
			waitpid(x->app, &status, 0);
			x->app = -1;
			return -1;
		}
		poll(NULL, 0, 10);
	}
	x->app = -1;
	return r > 0 ? status : -1;
}

int xh_start(struct xh *x, int w, int h, unsigned int idle_timeout_s)
{
	struct xh_options o = {.idle_timeout_s = idle_timeout_s, .record_all_mqtt = false};

	return xh_start_with(x, w, h, &o);
}

int xh_start_with(struct xh *x, int w, int h, const struct xh_options *o)
{
	char conf[200], err[512];
	uint64_t deadline;

	memset(x, 0, sizeof(*x));
	x->w = w;
	x->h = h;
	x->sub_fd = -1;
	x->xvfb = x->broker = x->app = x->sub = x->sub_all = -1;
	for (size_t i = 0; i < XH_MAX_STATIONS; i++)
		x->st[i].vent_first_mmhg = -1;
	snprintf(x->dir, sizeof(x->dir), "/tmp/kiosk-uitest-XXXXXX");
	if (!mkdtemp(x->dir))
		return -1;
	chmod(x->dir, 0755); /* mosquitto may drop to its own user */
	snprintf(x->language, sizeof(x->language), "%s", o->language ? o->language : "en");
	if (strcmp(x->language, "en") == 0)
		snprintf(x->shot_dir, sizeof(x->shot_dir), "%s/%dx%d", KIOSK_UI_SHOT_DIR, w, h);
	else
		snprintf(x->shot_dir, sizeof(x->shot_dir), "%s/%dx%d-%s", KIOSK_UI_SHOT_DIR, w, h,
		         x->language);
	mkdir(KIOSK_UI_SHOT_DIR, 0755);
	mkdir(x->shot_dir, 0755);
	snprintf(x->app_log, sizeof(x->app_log), "%s/app.log", x->dir);
	snprintf(x->state_dir, sizeof(x->state_dir), "%s/state", x->dir);
	if (start_xvfb(x) < 0 || start_broker(x, o) < 0)
		return -1;
	if (o->record_all_mqtt && start_recorder(x) < 0)
		return -1;
	snprintf(conf, sizeof(conf), "%s/kiosk.conf", x->dir);
	if (write_config(x, conf, o) < 0)
		return -1;
	x->config = calloc(1, sizeof(*x->config));
	if (!x->config || kiosk_config_load(x->config, conf, err, sizeof(err)) < 0 ||
	    program_set_load(&x->programs, x->config->programs_file, &x->config->limits, err,
	                     sizeof(err)) < 0 ||
	    screening_set_load(&x->screening, x->config->screening_file, err, sizeof(err)) < 0) {
		fprintf(stderr, "xharness: %s\n", err);
		return -1;
	}
	x->station_count = x->config->station_count;
	ui_metrics_compute(&x->m, w, h, x->config->display.diagonal_mm);
	{
		const char *argv[] = {KIOSK_APP_PATH,
		                      "--sim",
		                      "--config",
		                      conf,
		                      o->no_assets_option ? NULL : "--assets",
		                      KIOSK_SOURCE_ASSETS,
		                      NULL};
		/* SDL's D-Bus buffers are not the kiosk's leaks. */
		setenv("LSAN_OPTIONS", "suppressions=" KIOSK_UI_LSAN_SUPP, 0);
		x->spawn_ms = now_ms();
		x->app = spawn(argv, x->app_log, -1, -1);
	}
	if (x->app < 0)
		return -1;
	x->dpy = XOpenDisplay(x->display);
	if (!x->dpy) {
		fprintf(stderr, "xharness: cannot open display %s\n", x->display);
		return -1;
	}
	deadline = now_ms() + 20000;
	while (!find_window(x)) {
		if (now_ms() > deadline) {
			fprintf(stderr, "xharness: the kiosk window never appeared; see %s\n",
			        x->app_log);
			return -1;
		}
		poll(NULL, 0, 20);
	}
	if (!xh_wait_button(x, UI_SCREEN_OVERVIEW, UI_BTN_STAFF, THEME_SURFACE_HI, 20000)) {
		fprintf(stderr, "xharness: the overview was never drawn\n");
		return -1;
	}
	x->first_frame_ms = now_ms();
	deadline = now_ms() + 10000;
	for (size_t i = 0; i < x->station_count; i++)
		while (!x->st[i].state[0]) {
			if (now_ms() > deadline) {
				fprintf(stderr, "xharness: no status for station %zu over MQTT\n",
				        i + 1);
				return -1;
			}
			xh_poll(x, 50);
		}
	return 0;
}

void xh_stop(struct xh *x)
{
	if (x->app > 0) {
		char log[200];
		snprintf(log, sizeof(log), "%s/app.log", x->dir);
		end_child(&x->app);
		if (getenv("KIOSK_UITEST_VERBOSE")) {
			const char *argv[] = {"cat", log, NULL};
			run_wait(argv);
		}
	}
	if (x->dpy)
		XCloseDisplay(x->dpy);
	x->dpy = NULL;
	end_child(&x->sub);
	end_child(&x->sub_all);
	if (x->sub_fd >= 0)
		close(x->sub_fd);
	x->sub_fd = -1;
	end_child(&x->broker);
	end_child(&x->xvfb);
	free(x->config);
	x->config = NULL;
	if (x->dir[0] && strncmp(x->dir, "/tmp/kiosk-uitest-", 18) == 0) {
		const char *argv[] = {"rm", "-rf", x->dir, NULL};
		run_wait(argv);
	}
	x->dir[0] = '\0';
}

struct ui_rect xh_button(struct xh *x, enum ui_screen s, enum ui_button b)
{
	struct ui_layout l;
	struct ui_layout_input in = {.station_count = x->station_count,
	                             .program_count = x->programs.count,
	                             .zone_count = x->layout_zones,
	                             .item_count = x->layout_items};

	ui_layout_compute(&l, &x->m, s, &in);
	return l.button[b];
}

void xh_click_at(struct xh *x, int px, int py)
{
	char xs[16], ys[16];
	/* No --sync: it waits for a motion that never comes when the pointer
	 * is already there (the same button twice). */
	const char *argv[] = {"xdotool", "mousemove", xs, ys, "click", "1", NULL};

	x->clicks++;
	snprintf(xs, sizeof(xs), "%d", x->origin_x + px);
	snprintf(ys, sizeof(ys), "%d", x->origin_y + py);
	if (run_wait(argv) != 0)
		fprintf(stderr, "xharness: xdotool click at %s,%s failed\n", xs, ys);
}

void xh_click(struct xh *x, enum ui_screen s, enum ui_button b)
{
	struct ui_rect r = xh_button(x, s, b);
	xh_click_at(x, r.x + r.w / 2, r.y + r.h / 2);
}

unsigned int xh_pixel(struct xh *x, int px, int py)
{
	XImage *img = XGetImage(x->dpy, DefaultRootWindow((Display *)x->dpy), x->origin_x + px,
	                        x->origin_y + py, 1, 1, AllPlanes, ZPixmap);
	unsigned int v = 0;

	if (img) {
		v = (unsigned int)XGetPixel(img, 0, 0) & 0xffffffu;
		XDestroyImage(img);
	}
	return v;
}

static bool close_to(unsigned int px, struct ui_color c)
{
	int dr = (int)((px >> 16) & 0xff) - c.r, dg = (int)((px >> 8) & 0xff) - c.g,
	    db = (int)(px & 0xff) - c.b;
	return abs(dr) <= 6 && abs(dg) <= 6 && abs(db) <= 6;
}

bool xh_wait_pixel(struct xh *x, int px, int py, struct ui_color c, int timeout_ms)
{
	uint64_t deadline = now_ms() + (uint64_t)timeout_ms;

	for (;;) {
		if (close_to(xh_pixel(x, px, py), c))
			return true;
		if (now_ms() > deadline)
			return false;
		xh_poll(x, 15); /* keep the status stream drained meanwhile */
	}
}

bool xh_wait_button(struct xh *x, enum ui_screen s, enum ui_button b, enum theme_role role,
                    int timeout_ms)
{
	struct ui_rect r = xh_button(x, s, b);

	/* Inside any outline, left of any label, clear of rounded corners. */
	if (r.w <= 0)
		return false;
	return xh_wait_pixel(x, r.x + 5, r.y + r.h / 2, theme_color(role), timeout_ms);
}

static void take_status(struct xh *x, const char *line)
{
	const char *p = strstr(line, "/station/");
	const char *json = strchr(line, ' ');
	cJSON *root, *it;
	struct xh_station *st;
	unsigned long n;

	if (!p || !json)
		return;
	if (getenv("XH_TRACE")) /* every status the harness sees, for a failure's story */
		fprintf(stderr, "xh: %s\n", line);
	n = strtoul(p + 9, NULL, 10);
	if (n < 1 || n > XH_MAX_STATIONS)
		return;
	st = &x->st[n - 1];
	root = cJSON_Parse(json + 1);
	if (!root)
		return;
	it = cJSON_GetObjectItemCaseSensitive(root, "state");
	if (cJSON_IsString(it)) {
		/* A session starts on running from anything but a pause. */
		if (strcmp(it->valuestring, "running") == 0 && strcmp(st->state, "running") != 0 &&
		    strcmp(st->state, "paused") != 0)
			st->session_peak_mmhg = 0.0;
		if (strcmp(st->state, it->valuestring) != 0) {
			size_t len = strlen(st->history);
			snprintf(st->history + len, sizeof(st->history) - len, "%s%s",
			         len ? "," : "", it->valuestring);
		}
		snprintf(st->state, sizeof(st->state), "%s", it->valuestring);
	}
	it = cJSON_GetObjectItemCaseSensitive(root, "phase");
	if (cJSON_IsString(it))
		snprintf(st->phase, sizeof(st->phase), "%s", it->valuestring);
	it = cJSON_GetObjectItemCaseSensitive(root, "pressure_mmhg");
	if (cJSON_IsNumber(it))
		st->pressure_mmhg = it->valuedouble;
	if (strcmp(st->state, "running") == 0 && st->pressure_mmhg > st->session_peak_mmhg)
		st->session_peak_mmhg = st->pressure_mmhg;
	it = cJSON_GetObjectItemCaseSensitive(root, "duration_s");
	if (cJSON_IsNumber(it))
		st->duration_s = it->valuedouble;
	it = cJSON_GetObjectItemCaseSensitive(root, "target_mmhg");
	if (cJSON_IsNumber(it))
		st->target_mmhg = it->valuedouble;
	if (strcmp(st->state, "venting") == 0) {
		if (st->vent_first_mmhg < 0)
			st->vent_first_mmhg = st->pressure_mmhg;
		st->vent_last_mmhg = st->pressure_mmhg;
	}
	cJSON_Delete(root);
}

void xh_poll(struct xh *x, int wait_ms)
{
	struct pollfd p = {x->sub_fd, POLLIN, 0};

	if (x->sub_fd < 0)
		return;
	if (poll(&p, 1, wait_ms) <= 0)
		return;
	for (;;) {
		ssize_t n =
		    read(x->sub_fd, x->line + x->line_len, sizeof(x->line) - 1 - x->line_len);
		char *nl;

		if (n <= 0)
			break;
		x->line_len += (size_t)n;
		x->line[x->line_len] = '\0';
		while ((nl = memchr(x->line, '\n', x->line_len)) != NULL) {
			size_t used = (size_t)(nl - x->line) + 1;
			*nl = '\0';
			take_status(x, x->line);
			memmove(x->line, x->line + used, x->line_len - used);
			x->line_len -= used;
		}
		if (x->line_len >= sizeof(x->line) - 1)
			x->line_len = 0; /* a line too long to be ours */
	}
}

bool xh_wait_status(struct xh *x, size_t station, bool (*pred)(const struct xh_station *),
                    int timeout_ms)
{
	uint64_t deadline = now_ms() + (uint64_t)timeout_ms;

	for (;;) {
		xh_poll(x, 0);
		if (pred(&x->st[station]))
			return true;
		if (now_ms() > deadline)
			return false;
		xh_poll(x, 50);
	}
}

bool xh_wait_state(struct xh *x, size_t station, const char *state, int timeout_ms)
{
	uint64_t deadline = now_ms() + (uint64_t)timeout_ms;

	for (;;) {
		xh_poll(x, 0);
		if (strcmp(x->st[station].state, state) == 0)
			return true;
		if (now_ms() > deadline) {
			fprintf(stderr, "xharness: station %zu is '%s', not '%s' (seen: %s)\n",
			        station + 1, x->st[station].state, state, x->st[station].history);
			return false;
		}
		xh_poll(x, 50);
	}
}

void xh_screenshot(struct xh *x, const char *name)
{
	char cmd[700];
	const char *argv[] = {"sh", "-c", cmd, NULL};

	snprintf(cmd, sizeof(cmd), "xwd -root -silent -display %s | convert xwd:- png:%s/%s.png",
	         x->display, x->shot_dir, name);
	if (run_wait(argv) != 0)
		fprintf(stderr, "xharness: screenshot %s failed\n", name);
}

unsigned long xh_region_sum(struct xh *x, struct ui_rect r)
{
	XImage *img =
	    XGetImage(x->dpy, DefaultRootWindow((Display *)x->dpy), x->origin_x + r.x,
	              x->origin_y + r.y, (unsigned int)r.w, (unsigned int)r.h, AllPlanes, ZPixmap);
	unsigned long sum = 0;

	if (!img)
		return 0;
	for (int yy = 0; yy < r.h; yy++)
		for (int xx = 0; xx < r.w; xx++)
			sum = sum * 31u + ((unsigned long)XGetPixel(img, xx, yy) & 0xffffffu);
	XDestroyImage(img);
	return sum;
}
