/* SPDX-License-Identifier: MIT */
/* Boots on, running, the summary at the end, fault and out of service. */
#include "ui/screens_session.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/settings.h"
#include "core/program.h"
#include "ui/i18n.h"
#include "ui/model.h"
#include "ui/pictures.h"
#include "ui/widgets.h"
#include "ui/words.h"

static void session_header(const struct ui_model *md, struct ui_canvas *cv,
                           const struct station_snapshot *st, const char *back, const char *staff)
{
	screen_station_header(md, cv, st, screen_program_name(st->program_name), back, staff);
}

/* ---- boots on ---- */

static void still_there(const struct ui_model *md, struct ui_canvas *cv)
{
	struct ui_rect r = cv->layout.button[UI_BTN_STILL_HERE];
	uint64_t left_ms = model_boots_on_left_ms(md);
	char t[16], line[160];
	static const enum ui_font fonts[] = {UI_FONT_TITLE, UI_FONT_BODY_BOLD, UI_FONT_SMALL};
	int pad = cv->m.gap;

	if (r.w <= 0)
		return;
	widget_activate(cv, UI_BTN_STILL_HERE);
	draw_round_rect(cv->r, r, cv->m.radius, theme_color(THEME_WARN));
	draw_round_frame(cv->r, r, cv->m.radius, 3, theme_color(THEME_TEXT));
	widget_format_mmss((unsigned int)((left_ms + 999u) / 1000u), t, sizeof(t));
	/* TRANSLATORS: boots-on count-down; %s is m:ss until the station resets. */
	snprintf(line, sizeof(line),
	         tr("Still there? Tap here to keep going. Back to the start in %s"), t);
	{
		struct ui_rect in = {r.x + pad, r.y, r.w - 2 * pad, r.h};
		enum ui_font f = text_fit(cv->text, fonts, 3, line, in);
		text_draw_wrapped(cv->text, f, theme_color(THEME_TEXT_ON_ACCENT), line, in,
		                  TEXT_CENTER, 1);
	}
}

static void boots_on_draw(struct ui_model *md, struct ui_canvas *cv)
{
	const struct station_snapshot *st = model_station(md, md->station);
	const char *steps[3] = {
	    tr("Sit down and slide your feet in"),
	    tr("Zip both boots up to the top"),
	    tr("Click the hose into each boot"),
	};
	static const enum ui_font fonts[] = {UI_FONT_BODY_BOLD, UI_FONT_SMALL};

	if (!st)
		return;
	session_header(md, cv, st, tr("Cancel"), NULL);
	for (int i = 0; i < 3; i++) {
		struct ui_rect a = cv->layout.area[UI_AREA_PICTURE0 + i];
		int num_r = (int)(cv->m.font_px[UI_FONT_BODY] * 0.8);
		struct ui_rect cap, pic;
		char num[4];
		enum ui_font f;
		int cap_h;

		draw_round_rect(cv->r, a, cv->m.radius, theme_color(THEME_SURFACE));
		if (cv->m.portrait) {
			/* Picture on the left, words on the right. */
			pic = (struct ui_rect){a.x + cv->m.gap, a.y + cv->m.gap, a.w * 2 / 5,
			                       a.h - 2 * cv->m.gap};
			cap = (struct ui_rect){pic.x + pic.w + cv->m.gap, a.y,
			                       a.w - pic.w - 3 * cv->m.gap, a.h};
			f = text_fit(cv->text,
			             (const enum ui_font[]){UI_FONT_TITLE, UI_FONT_BODY_BOLD}, 2,
			             steps[i], cap);
			text_draw_wrapped(cv->text, f, theme_color(THEME_TEXT), steps[i], cap,
			                  TEXT_LEFT, 1);
		} else {
			cap_h = text_line_height(cv->text, UI_FONT_BODY_BOLD) * 2 + cv->m.gap;
			cap = (struct ui_rect){a.x + cv->m.gap, a.y + a.h - cap_h - cv->m.gap / 2,
			                       a.w - 2 * cv->m.gap, cap_h};
			pic = (struct ui_rect){a.x + cv->m.gap, a.y + cv->m.gap,
			                       a.w - 2 * cv->m.gap, cap.y - a.y - cv->m.gap};
			f = text_fit(cv->text, fonts, 2, steps[i], cap);
			text_draw_wrapped(cv->text, f, theme_color(THEME_TEXT), steps[i], cap,
			                  TEXT_CENTER, 1);
		}
		picture_boot(cv, pic, i);
		draw_circle(cv->r, (float)(a.x + cv->m.gap + num_r),
		            (float)(a.y + cv->m.gap + num_r), (float)num_r,
		            theme_color(THEME_PRIMARY));
		snprintf(num, sizeof(num), "%d", i + 1);
		text_draw_in(
		    cv->text, UI_FONT_BODY_BOLD, theme_color(THEME_TEXT_ON_ACCENT), num,
		    (struct ui_rect){a.x + cv->m.gap, a.y + cv->m.gap, 2 * num_r, 2 * num_r},
		    TEXT_CENTER);
	}
	if (model_still_there(md))
		still_there(md, cv);
	widget_button(cv, UI_BTN_START, tr("Start"), THEME_GO, true);
}

static void boots_on_press(struct ui_model *md, const struct ui_canvas *cv, enum ui_button b)
{
	(void)cv;
	if (b == UI_BTN_BACK) {
		model_cancel_flow(md);
	} else if (b == UI_BTN_START) {
		model_submit_simple(md, CMD_START, md->station);
	} else if (b == UI_BTN_STILL_HERE) {
		/* The touch itself restarted the time-out (model_touch). */
		md->dirty = true;
	}
}

const struct screen_ops screen_boots_on_ops = {.draw = boots_on_draw, .press = boots_on_press};

/* ---- running ---- */

static double shown_pressure(const struct station_snapshot *st)
{
	double p = st->manifold_mmhg;
	if (st->active_zone >= 0 && (size_t)st->active_zone < st->zone_count)
		p = st->zone_mmhg[st->active_zone];
	/* Sensor noise around zero must not read "-0 mmHg". */
	return p < 0.5 ? 0.0 : p;
}

/* Zones filled so far in the first cycle, of the zones used (the clock
 * starts when all of them reached pressure). */
static void fill_progress(const struct station_snapshot *st, unsigned int *done, unsigned int *used)
{
	*done = 0;
	*used = 0;
	for (size_t z = 0; z < st->zone_count && z < STATION_MAX_ZONES; z++) {
		if (st->skip_mask & (1u << z))
			continue;
		(*used)++;
		if (st->active_zone >= 0 && (int)z < st->active_zone)
			(*done)++;
	}
}

/* The foot target of the program's full pressure: lower targets now mean
 * the gentle warm-up cycles. */
static bool warming_up(const struct ui_model *md, const struct station_snapshot *st)
{
	const struct program *p = model_program(md, st);
	size_t z = 0;

	if (!p || st->zone_count == 0)
		return false;
	while (z < st->zone_count && (st->skip_mask & (1u << z)))
		z++;
	if (z >= st->zone_count || st->zone_target_mmhg[z] <= 0)
		return false;
	{
		double full = program_zone_target(p, z, st->zone_count, st->target_mmhg,
		                                  md->p.config->limits.ceiling_mmhg) +
		              (st->boost_zone == z + 1 ? st->boost_mmhg : 0);
		/* Zone targets stay a few mmHg under the ceiling (the core's margin). */
		full = fmin(full, md->p.config->limits.ceiling_mmhg - 5.0);
		return st->zone_target_mmhg[z] < full - 0.5;
	}
}

static void running_status(const struct ui_model *md, struct ui_canvas *cv,
                           const struct station_snapshot *st, bool paused)
{
	struct ui_rect sa = cv->layout.area[UI_AREA_STATUS];
	const struct program *p = model_program(md, st);
	char pressure[96], line[160];
	int lh = text_line_height(cv->text, UI_FONT_LARGE);
	int bh = text_line_height(cv->text, UI_FONT_SMALL);
	int y = sa.y + (sa.h - lh - 2 * bh) / 2;
	static const enum ui_font pf[] = {UI_FONT_LARGE, UI_FONT_TITLE, UI_FONT_BODY_BOLD};

	/* The words first: a first-timer cannot judge "35 mmHg". */
	if (p)
		/* TRANSLATORS: the chosen intensity in words beside its pressure. */
		snprintf(
		    pressure, sizeof(pressure), tr("%s  %.0f mmHg"),
		    words_intensity(st->target_mmhg, p->intensity_min_mmhg, p->intensity_max_mmhg),
		    st->target_mmhg);
	else
		snprintf(pressure, sizeof(pressure), tr("%.0f mmHg"), st->target_mmhg);
	if (paused) {
		char left[16];
		widget_format_mmss(st->pause_left_s, left, sizeof(left));
		/* TRANSLATORS: %s is m:ss. */
		snprintf(line, sizeof(line), tr("Session ends in %s unless resumed"), left);
	} else if (warming_up(md, st)) {
		snprintf(line, sizeof(line), "%s",
		         tr("Gentle warm-up: lower pressure for the first cycles"));
	} else {
		/* TRANSLATORS: the pressure measured now, beside the chosen one. */
		snprintf(line, sizeof(line), tr("Now %.0f mmHg"), shown_pressure(st));
	}
	screen_line(cv, pf, 3, theme_color(THEME_WAVE_ACTIVE), pressure,
	            (struct ui_rect){sa.x, y, sa.w, lh}, TEXT_CENTER);
	text_draw_wrapped(cv->text, UI_FONT_SMALL, theme_color(THEME_TEXT_DIM), line,
	                  (struct ui_rect){sa.x, y + lh, sa.w, bh * 2}, TEXT_CENTER, 0);
}

static void running_draw(struct ui_model *md, struct ui_canvas *cv)
{
	const struct station_snapshot *st = model_station(md, md->station);
	struct ui_rect cd = cv->layout.area[UI_AREA_COUNTDOWN];
	bool paused;
	char t[16], label[160];
	int hh, sh;

	if (!st)
		return;
	paused = st->state == STATION_PAUSED;
	session_header(md, cv, st, tr("All stations"), NULL);
	widget_format_mmss(st->clock_started ? st->remaining_s : st->duration_s, t, sizeof(t));
	hh = text_line_height(cv->text, UI_FONT_HUGE);
	sh = text_line_height(cv->text, UI_FONT_BODY_BOLD);
	if (paused) {
		snprintf(label, sizeof(label), "%s", tr("Paused"));
	} else if (st->clock_started) {
		snprintf(label, sizeof(label), "%s", tr("remaining"));
	} else {
		/* The warm-up as what it is: the clock waits for the boots. */
		/* TRANSLATORS: before the session clock starts; %s is m:ss. */
		snprintf(label, sizeof(label), tr("Your %s starts once the boots have filled"), t);
	}
	{
		static const enum ui_font lf[] = {UI_FONT_BODY_BOLD, UI_FONT_SMALL};
		bool warm = !st->clock_started && !paused;
		int bar_h = warm ? cv->m.gap * 2 : 0;
		struct ui_rect lr = {cd.x, 0, cd.w, sh * 2};
		enum ui_font f = text_fit(cv->text, lf, 2, label, lr);
		int lh = text_wrapped_height(cv->text, f, label, cd.w);
		int y = cd.y + (cd.h - hh - lh - bar_h) / 2;
		struct ui_color c = paused              ? theme_state_color(STATION_PAUSED)
		                    : st->clock_started ? theme_color(THEME_TEXT)
		                                        : theme_color(THEME_TEXT_DIM);

		text_draw(cv->text, UI_FONT_HUGE, c, t, cd.x + cd.w / 2, y, TEXT_CENTER);
		text_draw_wrapped(cv->text, f, theme_color(THEME_TEXT_DIM), label,
		                  (struct ui_rect){cd.x, y + hh, cd.w, lh}, TEXT_CENTER, 0);
		if (warm) {
			unsigned int done, used;
			struct ui_rect bar = {cd.x + cd.w / 6, y + hh + lh + cv->m.gap / 2,
			                      cd.w * 2 / 3, cv->m.gap};
			struct ui_rect fill = bar;

			fill_progress(st, &done, &used);
			draw_round_rect(cv->r, bar, bar.h / 2, theme_color(THEME_SURFACE_HI));
			fill.w = used ? bar.w * (int)done / (int)used : 0;
			if (fill.w > 0)
				draw_round_rect(cv->r, fill, fill.h / 2,
				                theme_color(THEME_WAVE_FILL));
		}
	}
	running_status(md, cv, st, paused);
	picture_wave(cv, cv->layout.area[UI_AREA_WAVE], st);
	widget_button_font(cv, UI_BTN_SYMPTOM, tr("I feel numbness or tingling"), THEME_WARN, true,
	                   UI_FONT_BODY_BOLD);
	widget_button(cv, UI_BTN_PAUSE, paused ? tr("Resume") : tr("Pause"),
	              paused ? THEME_GO : THEME_SURFACE_HI, true);
	widget_button_font(cv, UI_BTN_STOP, tr("STOP"), THEME_STOP, true, UI_FONT_LARGE);
}

static void running_press(struct ui_model *md, const struct ui_canvas *cv, enum ui_button b)
{
	const struct station_snapshot *st = model_station(md, md->station);

	(void)cv;
	if (!st)
		return;
	switch (b) {
	case UI_BTN_BACK:
		model_go_overview(md);
		break;
	case UI_BTN_STOP:
		model_submit_simple(md, CMD_STOP, md->station);
		break;
	case UI_BTN_SYMPTOM:
		model_submit_simple(md, CMD_SYMPTOM_STOP, md->station);
		break;
	case UI_BTN_PAUSE:
		model_submit_simple(md, st->state == STATION_PAUSED ? CMD_RESUME : CMD_PAUSE,
		                    md->station);
		break;
	default:
		break;
	}
}

const struct screen_ops screen_running_ops = {.draw = running_draw, .press = running_press};

/* ---- the summary at the end ---- */

static void summary(const struct ui_model *md, struct ui_canvas *cv,
                    const struct station_snapshot *st)
{
	struct ui_rect a = cv->layout.area[UI_AREA_SUMMARY];
	const struct session_trace *t = &md->trace[st->index % UI_MAX_CARDS];
	unsigned int chosen = t->duration_s ? t->duration_s : st->duration_s;
	unsigned int got = t->elapsed_s > st->elapsed_s ? t->elapsed_s : st->elapsed_s;
	int pad = cv->m.gap, y = a.y + pad;
	int lh = text_line_height(cv->text, UI_FONT_LARGE);
	int sh = text_line_height(cv->text, UI_FONT_BODY);
	static const enum ui_font big[] = {UI_FONT_LARGE, UI_FONT_TITLE, UI_FONT_BODY_BOLD};
	static const enum ui_font body[] = {UI_FONT_BODY, UI_FONT_SMALL};
	char line[160];

	draw_round_rect(cv->r, a, cv->m.radius, theme_color(THEME_SURFACE));
	/* TRANSLATORS: the summary: minutes delivered of minutes chosen. */
	snprintf(line, sizeof(line), tr("%u of %u min"), (got + 30) / 60, (chosen + 30) / 60);
	screen_line(cv, big, 3, theme_color(THEME_TEXT), line,
	            (struct ui_rect){a.x + pad, y, a.w - 2 * pad, lh}, TEXT_LEFT);
	y += lh;
	screen_line(cv, body, 2, theme_color(THEME_TEXT_DIM), words_stop(st->last_stop),
	            (struct ui_rect){a.x + pad, y, a.w - 2 * pad, sh}, TEXT_LEFT);
	y += sh + pad;
	{
		static const enum ui_font sf[] = {UI_FONT_SMALL};
		screen_line(cv, sf, 1, theme_color(THEME_TEXT_DIM),
		            tr("The wave you had: pressure over the session"),
		            (struct ui_rect){a.x + pad, y, a.w - 2 * pad,
		                             text_line_height(cv->text, UI_FONT_SMALL)},
		            TEXT_LEFT);
	}
	y += text_line_height(cv->text, UI_FONT_SMALL) + pad / 2;
	if (a.y + a.h - pad - y > cv->m.gap * 3)
		picture_trace(
		    cv, (struct ui_rect){a.x + pad, y, a.w - 2 * pad, a.y + a.h - pad - y}, t);
}

static void finished_draw(struct ui_model *md, struct ui_canvas *cv)
{
	const struct station_snapshot *st = model_station(md, md->station);
	const char *headline, *body;

	if (!st)
		return;
	session_header(md, cv, st, tr("All stations"), NULL);
	summary(md, cv, st);
	if (st->state == STATION_VENTING) {
		/* No button yet: the boots are still letting air out. */
		struct ui_rect msg = cv->layout.area[UI_AREA_MESSAGE];
		struct ui_rect all = cv->layout.area[UI_AREA_CONTENT];
		msg.h = all.y + all.h - msg.y;
		widget_message(
		    cv, msg, theme_color(THEME_PRIMARY), BADGE_INFO, tr("Releasing the air"),
		    tr("Please stay seated for a moment while the boots let the air out."));
		return;
	}
	if (st->last_stop == STOP_COMPLETED) {
		headline = tr("Session complete. Well done!");
		body = tr("Please unzip and remove the boots, then wipe the inside of both boots "
		          "with a disinfectant wipe for the next member.");
	} else if (st->last_stop == STOP_SYMPTOM) {
		headline = tr("Session stopped");
		body = tr("If the numbness or tingling does not pass within a few minutes, please "
		          "tell a member of staff. Remove the boots and wipe the inside of both.");
	} else {
		headline = tr("Session stopped");
		body = tr("Please unzip and remove the boots, then wipe the inside of both boots "
		          "with a disinfectant wipe for the next member.");
	}
	widget_message(cv, cv->layout.area[UI_AREA_MESSAGE], theme_state_color(st->state),
	               st->last_stop == STOP_COMPLETED ? BADGE_CHECK : BADGE_INFO, headline, body);
	widget_button(cv, UI_BTN_CLEANED, tr("I have wiped the boots"), THEME_GO, true);
}

static void finished_press(struct ui_model *md, const struct ui_canvas *cv, enum ui_button b)
{
	(void)cv;
	if (b == UI_BTN_BACK)
		model_go_overview(md);
	else if (b == UI_BTN_CLEANED)
		model_submit_simple(md, CMD_CLEANED, md->station);
}

const struct screen_ops screen_finished_ops = {.draw = finished_draw, .press = finished_press};

/* ---- fault and out of service ---- */

static void fault_draw(struct ui_model *md, struct ui_canvas *cv)
{
	const struct station_snapshot *st = model_station(md, md->station);
	struct fault_words w;
	char body[512];

	if (!st)
		return;
	session_header(md, cv, st, tr("All stations"), tr("Staff"));
	words_fault(st->fault, &w);
	/* "Notified" only once the broker has the event. */
	snprintf(body, sizeof(body), "%s %s", w.member,
	         model_staff_notified(md, st) ? tr("Staff have been notified.")
	                                      : tr("Please tell a member of staff."));
	widget_message(cv, cv->layout.area[UI_AREA_MESSAGE], theme_state_color(STATION_FAULT),
	               BADGE_ALERT, tr("This station has stopped safely"), body);
}

static void service_press(struct ui_model *md, const struct ui_canvas *cv, enum ui_button b)
{
	(void)cv;
	if (b == UI_BTN_BACK)
		model_go_overview(md);
	else if (b == UI_BTN_STAFF)
		model_open_pin(md, PIN_FOR_STAFF, md->station);
}

const struct screen_ops screen_fault_ops = {.draw = fault_draw, .press = service_press};

static void oos_draw(struct ui_model *md, struct ui_canvas *cv)
{
	const struct station_snapshot *st = model_station(md, md->station);
	char body[320];

	if (!st)
		return;
	session_header(md, cv, st, tr("All stations"), tr("Staff"));
	snprintf(body, sizeof(body), "%s. %s", words_service_reason(st->service_note),
	         tr("Please use another station or ask a member of staff."));
	widget_message(cv, cv->layout.area[UI_AREA_MESSAGE],
	               theme_state_color(STATION_OUT_OF_SERVICE), BADGE_INFO, tr("Out of service"),
	               body);
}

const struct screen_ops screen_out_of_service_ops = {.draw = oos_draw, .press = service_press};
