/* SPDX-License-Identifier: MIT */
/* Shared pieces of the issue-15 benchmarks; see bench_support.h. */
#include "bench_support.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config/program_load.h"
#include "config/screening_load.h"
#include "drivers/sim/boot_sim.h"
#include "drivers/sim/gpio_sim.h"
#include "drivers/sim/sim_hw.h"
#include "mqtt_test_support.h"
#include "service/realtime.h"

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ------------------------------------------------------------------ config */

static void pin(struct gpio_pin *p, size_t chip, unsigned int offset)
{
	snprintf(p->chip, sizeof(p->chip), "gpiochip%zu", chip);
	p->offset = offset;
	p->active_low = false;
}

void bench_config_stations(struct kiosk_config *cfg, size_t n, size_t zones, bool with_button)
{
	kiosk_config_defaults(cfg);
	cfg->station_count = n;
	for (size_t i = 0; i < n; i++) {
		struct station_config *s = &cfg->stations[i];
		struct station_pins *p = &s->pins;

		memset(s, 0, sizeof(*s));
		s->number = (unsigned int)i + 1u;
		snprintf(s->name, sizeof(s->name), "Station %zu", i + 1u);
		pin(&p->pump, i, 0);
		pin(&p->exhaust, i, 1);
		p->zone_count = zones;
		for (size_t k = 0; k < zones; k++)
			pin(&p->zones[k], i, 2u + (unsigned int)k);
		p->sensor = SENSOR_SIM;
		if (with_button) {
			p->has_stop_button = true;
			pin(&p->stop_button, i, BENCH_STOP_BUTTON_LINE);
			p->stop_button_bias = GPIO_BIAS_PULL_DOWN;
			p->stop_button_debounce_ms = 20;
		}
	}
}

int bench_config_mqtt(struct kiosk_config *cfg, const struct test_broker *b)
{
	FILE *f;

	snprintf(cfg->site, sizeof(cfg->site), TEST_SITE);
	snprintf(cfg->state_dir, sizeof(cfg->state_dir), "%s/state", b->dir);
	cfg->mqtt.enabled = true;
	snprintf(cfg->mqtt.host, sizeof(cfg->mqtt.host), "127.0.0.1");
	cfg->mqtt.port = b->port;
	snprintf(cfg->mqtt.username, sizeof(cfg->mqtt.username), "kiosk");
	snprintf(cfg->mqtt.password_file, sizeof(cfg->mqtt.password_file), "%s/pw", b->dir);
	cfg->mqtt.keepalive_s = 30;
	snprintf(cfg->mqtt.discovery_prefix, sizeof(cfg->mqtt.discovery_prefix), "homeassistant");
	f = fopen(cfg->mqtt.password_file, "w");
	if (f == NULL)
		return -errno;
	fprintf(f, "%s\n", TEST_PW_KIOSK);
	return fclose(f) == 0 ? 0 : -EIO;
}

int bench_load_assets(const struct kiosk_config *cfg, struct program_set *programs,
                      struct screening_set *screening, char *err, size_t len)
{
	if (program_set_load(programs, KIOSK_SOURCE_ASSETS "/programs.conf", &cfg->limits, err,
	                     len) < 0 ||
	    screening_set_load(screening, KIOSK_SOURCE_ASSETS "/screening.conf", err, len) < 0)
		return -EINVAL;
	return 0;
}

/* -------------------------------------------------------------------- hw */

int bench_hw_build(struct bench_hw *b, const struct kiosk_config *cfg, char *err, size_t len)
{
	int rc;

	memset(b, 0, sizeof(*b));
	b->sim = sim_hw_create();
	if (b->sim == NULL) {
		snprintf(err, len, "cannot create the simulated hardware: %s", strerror(errno));
		return -ENOMEM;
	}
	for (size_t i = 0; i < cfg->station_count; i++) {
		rc = sim_hw_add_station(b->sim, &cfg->stations[i].pins, NULL, err, len);
		if (rc < 0)
			goto fail;
	}
	b->gpio = sim_hw_gpio(b->sim);
	for (size_t i = 0; i < cfg->station_count; i++) {
		b->hw[i] =
		    station_hw_create_with(b->gpio, sim_hw_sensors(b->sim), cfg->stations[i].name,
		                           &cfg->stations[i].pins, err, len);
		if (b->hw[i] == NULL) {
			rc = errno ? -errno : -EIO;
			goto fail;
		}
		b->n++;
	}
	return 0;
fail:
	bench_hw_free(b);
	return rc;
}

void bench_hw_free(struct bench_hw *b)
{
	for (size_t i = b->n; i-- > 0;)
		station_hw_destroy(b->hw[i]);
	b->n = 0;
	sim_hw_destroy(b->sim);
	b->sim = NULL;
	b->gpio = NULL;
}

struct boot_sim *bench_hw_boot(struct bench_hw *b, size_t i)
{
	return b->sim ? sim_hw_boot(b->sim, i) : NULL;
}

/* ------------------------------------------------------------- statistics */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void bench_sort(double *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(v[0]), cmp_double);
}

double bench_percentile(const double *sorted, size_t n, double p)
{
	size_t rank;

	if (n == 0)
		return 0.0;
	/* Nearest rank: the smallest value with at least p of the samples at
	 * or below it. */
	rank = (size_t)(p * (double)n + 0.999999);
	if (rank == 0)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

struct bench_dist bench_dist_of(const double *v, size_t n)
{
	struct bench_dist d = {.n = n};
	double *c = malloc((n ? n : 1) * sizeof(double));

	if (c == NULL)
		return d;
	memcpy(c, v, n * sizeof(double));
	bench_sort(c, n);
	d.p50 = bench_percentile(c, n, 0.50);
	d.p99 = bench_percentile(c, n, 0.99);
	d.max = n ? c[n - 1] : 0.0;
	free(c);
	return d;
}

/* ------------------------------------------------------------------ /proc */

static void proc_path(char *buf, size_t len, pid_t pid, const char *leaf)
{
	if (pid == 0)
		snprintf(buf, len, "/proc/self/%s", leaf);
	else
		snprintf(buf, len, "/proc/%d/%s", (int)pid, leaf);
}

static long status_field(pid_t pid, const char *key)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	long v = -1;
	FILE *f;

	proc_path(path, sizeof(path), pid, "status");
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

long bench_proc_rss_kb(pid_t pid)
{
	return status_field(pid, "VmRSS");
}

double bench_thread_cpu_s(const char *name)
{
	char path[300], comm[64], stat[1024];
	struct dirent *e;
	double ticks = 0.0;
	long hz = sysconf(_SC_CLK_TCK);
	DIR *d = opendir("/proc/self/task");

	if (d == NULL || hz <= 0) {
		if (d)
			closedir(d);
		return -1.0;
	}
	while ((e = readdir(d)) != NULL) {
		FILE *f;
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = '\0';
		fclose(f);
		comm[strcspn(comm, "\n")] = '\0';
		if (strcmp(comm, name) != 0)
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/stat", e->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		size_t n = fread(stat, 1, sizeof(stat) - 1, f);
		fclose(f);
		stat[n] = '\0';
		/* Fields 14 and 15 (utime, stime) count from after the ")" that
		 * ends the name. */
		const char *p = strrchr(stat, ')');
		unsigned long long ut = 0, st = 0;
		if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
		                &st) == 2)
			ticks += (double)(ut + st);
	}
	closedir(d);
	return ticks / (double)hz;
}

long bench_proc_threads(pid_t pid)
{
	return status_field(pid, "Threads");
}

long bench_proc_fds(pid_t pid)
{
	char path[64];
	struct dirent *e;
	long n = 0;
	DIR *d;

	proc_path(path, sizeof(path), pid, "fd");
	d = opendir(path);
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (isdigit((unsigned char)e->d_name[0]))
			n++;
	}
	closedir(d);
	/* The directory stream's own descriptor is not the process's. */
	return pid == 0 ? n - 1 : n;
}

int bench_proc_io(pid_t pid, uint64_t *write_bytes, uint64_t *wchar)
{
	char path[64], key[32];
	unsigned long long v;
	int found = 0;
	FILE *f;

	proc_path(path, sizeof(path), pid, "io");
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fscanf(f, "%31[^:]: %llu\n", key, &v) == 2) {
		if (strcmp(key, "write_bytes") == 0) {
			*write_bytes = v;
			found |= 1;
		} else if (strcmp(key, "wchar") == 0) {
			*wchar = v;
			found |= 2;
		}
	}
	fclose(f);
	return found == 3 ? 0 : -1;
}

double bench_loadavg(void)
{
	double l = -1.0;
	FILE *f = fopen("/proc/loadavg", "r");

	if (f == NULL)
		return -1.0;
	if (fscanf(f, "%lf", &l) != 1)
		l = -1.0;
	fclose(f);
	return l;
}

/* ------------------------------------------------------------------ hogs */

static void hog(void)
{
	volatile unsigned long spin = 0;

	/* Die with the benchmark, whatever kills it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;)
		spin++;
}

size_t bench_hogs_start(pid_t *pids, size_t n)
{
	size_t started = 0;

	for (size_t i = 0; i < n && i < BENCH_MAX_HOGS; i++) {
		pid_t pid = fork();

		if (pid == 0)
			hog();
		if (pid < 0)
			break;
		pids[started++] = pid;
	}
	return started;
}

void bench_hogs_stop(pid_t *pids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (pids[i] > 0) {
			kill(pids[i], SIGKILL);
			waitpid(pids[i], NULL, 0);
			pids[i] = 0;
		}
	}
}

/* ------------------------------------------------------------ unit and RT */

/* "Key=value" lines of the [Service] section; the last one wins, as in
 * systemd. */
static bool unit_value(const char *line, const char *key, char *val, size_t len)
{
	size_t k = strlen(key);

	if (strncmp(line, key, k) != 0 || line[k] != '=')
		return false;
	snprintf(val, len, "%s", line + k + 1);
	val[strcspn(val, "\r\n")] = '\0';
	return true;
}

/* "realtime_priority = N" in the [kiosk] section of a kiosk.conf. */
static int kiosk_priority(const char *path)
{
	char line[512], section[64] = "";
	int prio = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " \t");

		if (*p == '[')
			snprintf(section, sizeof(section), "%.*s", (int)strcspn(p + 1, "]\r\n"),
			         p + 1);
		else if (strcmp(section, "kiosk") == 0 &&
		         strncmp(p, "realtime_priority", 17) == 0 && strchr(p, '=') != NULL)
			prio = atoi(strchr(p, '=') + 1);
	}
	fclose(f);
	return prio;
}

void bench_unit_rt_read(struct bench_unit_rt *u, const char *unit_path, const char *kiosk_conf)
{
	char line[512], val[512];
	FILE *f = fopen(unit_path, "r");

	memset(u, 0, sizeof(*u));
	u->rtprio_limit = -1;
	u->memlock = -2;
	{
		char *real = realpath(unit_path, NULL);

		snprintf(u->path, sizeof(u->path), "%s", real ? real : unit_path);
		free(real);
	}
	u->kiosk_priority = kiosk_priority(kiosk_conf);
	if (f == NULL)
		return;
	u->found = true;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		if (unit_value(line, "RestrictRealtime", val, sizeof(val)))
			u->restrict_rt = strcmp(val, "yes") == 0 || strcmp(val, "true") == 0;
		else if (unit_value(line, "LimitRTPRIO", val, sizeof(val)))
			u->rtprio_limit = atoi(val);
		else if (unit_value(line, "LimitMEMLOCK", val, sizeof(val)))
			u->memlock = strcmp(val, "infinity") == 0 ? -1 : atoll(val);
	}
	fclose(f);
}

int bench_unit_rt_apply(struct bench_unit_rt *u, char *out, size_t out_len)
{
	struct realtime_report rep;
	char what[96];

	if (!u->found) {
		snprintf(out, out_len, "unit %s not found: normal scheduling", u->path);
		return 0;
	}
	u->priority = u->restrict_rt || u->rtprio_limit <= 0 ? 0
	              : u->kiosk_priority < u->rtprio_limit  ? u->kiosk_priority
	                                                     : u->rtprio_limit;
	/* What systemd sets before exec. */
	{
		struct rlimit rl;

		rl.rlim_cur = rl.rlim_max = u->rtprio_limit < 0 ? 0 : (rlim_t)u->rtprio_limit;
		(void)setrlimit(RLIMIT_RTPRIO, &rl);
		if (u->memlock != -2) {
			rl.rlim_cur = rl.rlim_max =
			    u->memlock == -1 ? RLIM_INFINITY : (rlim_t)u->memlock;
			(void)setrlimit(RLIMIT_MEMLOCK, &rl);
		}
	}
	/* What main.c does at start. */
	realtime_prepare((unsigned int)u->priority, &rep);
	u->fifo_allowed = rep.fifo_allowed;
	u->memory_locked = rep.memory_locked;
	realtime_describe(&rep, what, sizeof(what));
	snprintf(out, out_len,
	         "unit %s: RestrictRealtime=%s, LimitRTPRIO=%d; kiosk.conf realtime_priority=%d "
	         "-> %s",
	         u->path, u->restrict_rt ? "yes" : "no", u->rtprio_limit, u->kiosk_priority,
	         u->priority == 0 ? "normal scheduling" : what);
	return u->fifo_allowed ? u->priority : 0;
}
