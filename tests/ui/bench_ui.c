/* SPDX-License-Identifier: MIT */
/*
 * UI benchmark (built, not registered with ctest):
 *   1. frame render time p50/p99 of the overview and the running screen at
 *      800x480 and 1280x800 with 8 stations running (fake snapshots that
 *      change every frame), offscreen with SDL's software renderer;
 *   2. the real kiosk in Xvfb: start to first frame, CPU of the idle
 *      overview over N seconds (main/UI thread and whole process), and
 *      resident memory.
 * Both in English and with the German catalogue loaded (every string looked
 * up through gettext), in one run.
 * Usage: bench_ui [--idle-seconds N] [--frames N]
 * Build without sanitizers for meaningful figures.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "ui_fixture.h"
#include "ui_flows.h"
#include "ui/i18n.h"
#include "ui/view.h"
#include "xharness.h"

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int submit_nothing(void *ctx, const struct command *cmd)
{
	(void)ctx;
	(void)cmd;
	return 0;
}

static void bench_frames(int w, int h, enum ui_screen screen, int frames, const char *lang)
{
	static struct ui_fixture fx;
	SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
	SDL_Renderer *r = SDL_CreateSoftwareRenderer(surf);
	struct ui_view_params p;
	struct ui_view *v;
	double *t = calloc((size_t)frames, sizeof(double));
	char err[256];
	unsigned long hits, misses;

	ui_fixture_init(&fx, (unsigned)w, (unsigned)h, 8);
	for (size_t i = 0; i < 8; i++)
		ui_fixture_station(&fx, i, STATION_RUNNING);
	memset(&p, 0, sizeof(p));
	p.config = &fx.config;
	p.programs = &fx.programs;
	p.screening = &fx.screening;
	p.renderer = r;
	p.fonts_dir = KIOSK_SOURCE_ASSETS "/fonts";
	p.submit = submit_nothing;
	p.locale_dir = KIOSK_BUILD_LOCALEDIR;
	snprintf(fx.config.display.language, sizeof(fx.config.display.language), "%s", lang);
	i18n_init(KIOSK_BUILD_LOCALEDIR, lang);
	v = ui_view_create(&p, w, h, err, sizeof(err));
	if (!v || !t) {
		fprintf(stderr, "bench: %s\n", err);
		exit(1);
	}
	ui_view_set_snapshot(v, &fx.snap, 0);
	ui_view_show(v, screen, screen == UI_SCREEN_OVERVIEW ? -1 : 0);
	for (int i = 0; i < frames; i++) {
		double t0;
		ui_fixture_animate(&fx, 33); /* a 30 fps session: every frame changes */
		ui_view_set_snapshot(v, &fx.snap, (uint64_t)i * 33u);
		t0 = now_us();
		ui_view_render(v, (uint64_t)i * 33u);
		t[i] = now_us() - t0;
	}
	qsort(t, (size_t)frames, sizeof(double), cmp_double);
	ui_view_text_stats(v, &hits, &misses);
	printf("frame %-8s %4dx%-4d %s 8 stations running: p50 %.2f ms  p99 %.2f ms  max %.2f ms"
	       "  (text cache %lu hits, %lu misses)\n",
	       ui_screen_name(screen), w, h, lang, t[frames / 2] / 1000.0,
	       t[(size_t)((double)frames * 0.99)] / 1000.0, t[frames - 1] / 1000.0, hits, misses);
	free(t);
	ui_view_destroy(v);
	SDL_DestroyRenderer(r);
	SDL_FreeSurface(surf);
}

static unsigned long long ticks_of(const char *stat_path)
{
	FILE *f = fopen(stat_path, "r");
	char buf[1024];
	unsigned long long ut = 0, st = 0;
	char *p;

	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return 0;
	}
	fclose(f);
	p = strrchr(buf, ')'); /* comm may hold spaces */
	if (p &&
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) == 2)
		return ut + st;
	return 0;
}

static long rss_kb(pid_t pid)
{
	char path[64], line[256];
	FILE *f;
	long kb = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static void bench_app(int idle_s, const char *lang)
{
	struct xh x;
	struct xh_options o = {.idle_timeout_s = 3600, .language = lang};
	char main_stat[64], proc_stat[64];
	unsigned long long m0, p0, m1, p1;
	double hz = (double)sysconf(_SC_CLK_TCK);

	printf("-- the kiosk in %s --\n", lang);
	if (xh_start_with(&x, 800, 480, &o) < 0) {
		xh_stop(&x);
		fprintf(stderr, "bench: cannot start the kiosk in Xvfb\n");
		return;
	}
	printf("start to first frame (spawn to overview on screen, 800x480): %llu ms\n",
	       x.first_frame_ms - x.spawn_ms);
	snprintf(main_stat, sizeof(main_stat), "/proc/%d/task/%d/stat", (int)x.app, (int)x.app);
	snprintf(proc_stat, sizeof(proc_stat), "/proc/%d/stat", (int)x.app);
	sleep(2); /* let start-up work settle before the idle window */
	m0 = ticks_of(main_stat);
	p0 = ticks_of(proc_stat);
	sleep((unsigned)idle_s);
	m1 = ticks_of(main_stat);
	p1 = ticks_of(proc_stat);
	printf("idle overview over %d s: UI thread %.2f%% of one core, whole kiosk %.2f%% "
	       "(control loop at 50 Hz + MQTT included)\n",
	       idle_s, 100.0 * (double)(m1 - m0) / hz / idle_s,
	       100.0 * (double)(p1 - p0) / hz / idle_s);
	printf("resident memory (VmRSS) of the kiosk, 4 stations, UI up: %.1f MB\n",
	       (double)rss_kb(x.app) / 1024.0);

	/* A session on station 3 with its running screen up (<= 30 fps). */
	if (flow_choose_program(&x, 2, 1, NULL) && flow_begin_screening(&x, 2, NULL) &&
	    flow_answer(&x, 2, SIZE_MAX, NULL) && xh_wait_state(&x, 2, "ready", XH_TIMEOUT_MS)) {
		xh_click(&x, UI_SCREEN_BOOTS_ON, UI_BTN_START);
		if (xh_wait_state(&x, 2, "running", XH_TIMEOUT_MS)) {
			int run_s = idle_s < 20 ? idle_s : 20;
			sleep(1);
			m0 = ticks_of(main_stat);
			p0 = ticks_of(proc_stat);
			sleep((unsigned)run_s);
			m1 = ticks_of(main_stat);
			p1 = ticks_of(proc_stat);
			printf(
			    "running screen, 1 session, over %d s: UI thread %.1f%% of one core, "
			    "whole kiosk %.1f%%; VmRSS %.1f MB\n",
			    run_s, 100.0 * (double)(m1 - m0) / hz / run_s,
			    100.0 * (double)(p1 - p0) / hz / run_s, (double)rss_kb(x.app) / 1024.0);
		}
	}
	xh_stop(&x);
}

int main(int argc, char **argv)
{
	int idle_s = 60, frames = 1000;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--idle-seconds") && i + 1 < argc)
			idle_s = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--frames") && i + 1 < argc)
			frames = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: %s [--idle-seconds N] [--frames N]\n", argv[0]);
			return 2;
		}
	}
	if (TTF_Init() != 0)
		return 1;
	for (int l = 0; l < 2; l++) {
		const char *lang = l ? "de" : "en";
		bench_frames(800, 480, UI_SCREEN_OVERVIEW, frames, lang);
		bench_frames(800, 480, UI_SCREEN_RUNNING, frames, lang);
		bench_frames(1280, 800, UI_SCREEN_OVERVIEW, frames, lang);
		bench_frames(1280, 800, UI_SCREEN_RUNNING, frames, lang);
	}
	TTF_Quit();
	bench_app(idle_s, "en");
	bench_app(idle_s, "de");
	return 0;
}
