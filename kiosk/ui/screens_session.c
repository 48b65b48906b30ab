/* SPDX-License-Identifier: MIT */
/* Boots on, running, finished, fault and out-of-service screens. */
#include "ui/screens_session.h"

#include "ui/model.h"
#include "ui/pictures.h"
#include "ui/widgets.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void session_header(struct ui_canvas *cv, const struct station_snapshot *st,
                           const char *back, const char *staff)
{
	char title[96];
	if (st->program_name[0])
		snprintf(title, sizeof(title), "%s: %s", st->name, st->program_name);
	else
		snprintf(title, sizeof(title), "%s", st->name);
	widget_header(cv, title, back, staff, theme_state_color(st->state));
}

/* ---- boots on ---- */

static void boots_on_draw(struct ui_model *md, struct ui_canvas *cv)
{
	const struct station_snapshot *st = model_station(md, md->station);
	static const char *const steps[3] = {
	    "Sit down and slide your feet in",
	    "Zip both boots up to the top",
	    "Click the hose into each boot",
	};
	static const enum ui_font fonts[] = {UI_FONT_BODY_BOLD, UI_FONT_SMALL};

	if (!st)
		return;
	session_header(cv, st, "Cancel", NULL);
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
	widget_button(cv, UI_BTN_START, "Start", THEME_GO, true);
}

static void boots_on_press(struct ui_model *md, const struct ui_canvas *cv, enum ui_button b)
{
	(void)cv;
	if (b == UI_BTN_BACK) {
		model_cancel_flow(md);
	} else if (b == UI_BTN_START) {
		model_submit_simple(md, CMD_START, md->station);
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

static void running_draw(struct ui_model *md, struct ui_canvas *cv)
{
	const struct station_snapshot *st = model_station(md, md->station);
	struct ui_rect cd = cv->layout.area[UI_AREA_COUNTDOWN];
	struct ui_rect sa = cv->layout.area[UI_AREA_STATUS];
	bool paused;
	char t[16], line[64], pressure[32];
	int hh, sh;

	if (!st)
		return;
	paused = st->state == STATION_PAUSED;
	session_header(cv, st, "All stations", NULL);
	widget_format_mmss(st->remaining_s, t, sizeof(t));
	hh = text_line_height(cv->text, UI_FONT_HUGE);
	sh = text_line_height(cv->text, UI_FONT_BODY_BOLD);
	{
		int y = cd.y + (cd.h - hh - sh) / 2;
		const char *label = paused              ? "Paused"
		                    : st->clock_started ? "remaining"
		                                        : "Building up pressure";
		text_draw(cv->text, UI_FONT_HUGE,
		          paused ? theme_state_color(STATION_PAUSED) : theme_color(THEME_TEXT), t,
		          cd.x + cd.w / 2, y, TEXT_CENTER);
		text_draw(cv->text, UI_FONT_BODY_BOLD, theme_color(THEME_TEXT_DIM), label,
		          cd.x + cd.w / 2, y + hh, TEXT_CENTER);
	}
	snprintf(pressure, sizeof(pressure), "%.0f mmHg", shown_pressure(st));
	if (paused) {
		char left[16];
		widget_format_mmss(st->pause_left_s, left, sizeof(left));
		snprintf(line, sizeof(line), "Session ends in %s unless resumed", left);
	} else {
		snprintf(line, sizeof(line), "Target %.0f mmHg", st->target_mmhg);
	}
	{
		int lh = text_line_height(cv->text, UI_FONT_LARGE);
		int bh = text_line_height(cv->text, UI_FONT_SMALL);
		int y = sa.y + (sa.h - lh - bh) / 2;
		text_draw(cv->text, UI_FONT_LARGE, theme_color(THEME_WAVE_ACTIVE), pressure,
		          sa.x + sa.w / 2, y, TEXT_CENTER);
		text_draw_wrapped(cv->text, UI_FONT_SMALL, theme_color(THEME_TEXT_DIM), line,
		                  (struct ui_rect){sa.x, y + lh, sa.w, bh * 2}, TEXT_CENTER, 0);
	}
	picture_wave(cv, cv->layout.area[UI_AREA_WAVE], st);
	widget_button_font(cv, UI_BTN_SYMPTOM, "I feel numbness or tingling", THEME_WARN, true,
	                   UI_FONT_BODY_BOLD);
	widget_button(cv, UI_BTN_PAUSE, paused ? "Resume" : "Pause",
	              paused ? THEME_GO : THEME_SURFACE_HI, true);
	widget_button_font(cv, UI_BTN_STOP, "STOP", THEME_STOP, true, UI_FONT_LARGE);
}

static void running_press(struct ui_model *md, const struct ui_canvas *cv, enum ui_button b)
{
	(void)cv;
	const struct station_snapshot *st = model_station(md, md->station);

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

/* ---- finished ---- */

static void finished_draw(struct ui_model *md, struct ui_canvas *cv)
{
	const struct station_snapshot *st = model_station(md, md->station);
	const char *headline, *body;

	if (!st)
		return;
	session_header(cv, st, "All stations", NULL);
	if (st->state == STATION_VENTING) {
		/* No button yet: the boots are still letting air out. */
		struct ui_rect msg = cv->layout.area[UI_AREA_MESSAGE];
		struct ui_rect all = cv->layout.area[UI_AREA_CONTENT];
		picture_wave(cv, cv->layout.area[UI_AREA_PICTURE0], st);
		msg.h = all.y + all.h - msg.y;
		widget_message(cv, msg, theme_color(THEME_PRIMARY), BADGE_INFO, "Releasing the air",
		               "Please stay seated for a moment while the boots let the air out.");
		return;
	}
	if (st->last_stop == STOP_COMPLETED) {
		headline = "Session complete. Well done!";
		body = "Please unzip and remove the boots, then wipe the inside of both boots "
		       "with a disinfectant wipe for the next member.";
	} else if (st->last_stop == STOP_SYMPTOM) {
		headline = "Session stopped";
		body = "If the numbness or tingling does not pass within a few minutes, please "
		       "tell a member of staff. Remove the boots and wipe the inside of both.";
	} else {
		headline = "Session stopped";
		body = "Please unzip and remove the boots, then wipe the inside of both boots "
		       "with a disinfectant wipe for the next member.";
	}
	picture_wipe(cv, cv->layout.area[UI_AREA_PICTURE0]);
	widget_message(cv, cv->layout.area[UI_AREA_MESSAGE], theme_state_color(st->state),
	               st->last_stop == STOP_COMPLETED ? BADGE_CHECK : BADGE_INFO, headline, body);
	widget_button(cv, UI_BTN_CLEANED, "I have wiped the boots", THEME_GO, true);
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
	char body[256];

	if (!st)
		return;
	session_header(cv, st, "All stations", "Staff");
	snprintf(body, sizeof(body), "%s",
	         st->fault_message[0] ? st->fault_message : fault_code_message(st->fault));
	widget_message(cv, cv->layout.area[UI_AREA_MESSAGE], theme_state_color(STATION_FAULT),
	               BADGE_ALERT, "This station has stopped safely", body);
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

	if (!st)
		return;
	session_header(cv, st, "All stations", "Staff");
	widget_message(cv, cv->layout.area[UI_AREA_MESSAGE],
	               theme_state_color(STATION_OUT_OF_SERVICE), BADGE_INFO, "Out of service",
	               "This station is not available right now. Please use another station "
	               "or ask a member of staff.");
}

const struct screen_ops screen_out_of_service_ops = {.draw = oos_draw, .press = service_press};
