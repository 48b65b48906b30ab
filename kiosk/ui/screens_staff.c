/* SPDX-License-Identifier: MIT */
/* Staff mode (entered with the staff PIN): every station with the day's
 * figures, a station's page with its details and actions, the technician's
 * advice for a fault, and why a station goes out of service. */
#include "ui/screens_staff.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ui/i18n.h"
#include "ui/model.h"
#include "ui/screens_member.h"
#include "ui/widgets.h"
#include "ui/words.h"

#define REASONS WORDS_REASONS

static void staff_draw(struct ui_model *md, struct ui_canvas *cv)
{
	screen_header(md, cv, tr("Staff mode: choose a station"), tr("Exit"), NULL,
	              theme_color(THEME_WARN));
	screen_draw_station_cards(md, cv, true);
}

static void staff_press(struct ui_model *md, const struct ui_canvas *cv, enum ui_button b)
{
	(void)cv;
	if (b == UI_BTN_BACK) {
		model_go_overview(md);
	} else if (b >= UI_BTN_CARD0 && b < UI_BTN_CARD0 + UI_MAX_CARDS) {
		md->staff_station = (int)(b - UI_BTN_CARD0);
		md->dirty = true;
	}
}

const struct screen_ops screen_staff_ops = {.draw = staff_draw, .press = staff_press};

static bool session_state(enum station_state s)
{
	return s == STATION_RUNNING || s == STATION_PAUSED;
}

static bool flow_state(enum station_state s)
{
	return s == STATION_SETUP || s == STATION_SCREENING || s == STATION_READY;
}

static void clock_of(uint64_t wall_ms, char *out, size_t len)
{
	time_t t = (time_t)(wall_ms / 1000u);
	struct tm tm;

	localtime_r(&t, &tm);
	snprintf(out, len, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

/* A label and its value (wrapped under the label when long); returns the
 * next y. */
static int detail_line(struct ui_canvas *cv, struct ui_rect m, int y, const char *label,
                       const char *value)
{
	static const enum ui_font lf[] = {UI_FONT_SMALL};
	int lh = text_line_height(cv->text, UI_FONT_SMALL);
	int lw = m.w * 2 / 5, vw;
	int vh;

	text_size(cv->text, UI_FONT_BODY, value, &vw, NULL);
	if (y + lh > m.y + m.h)
		return y;
	screen_line(cv, lf, 1, theme_color(THEME_TEXT_DIM), label,
	            (struct ui_rect){m.x, y, lw - cv->m.gap, lh}, TEXT_LEFT);
	if (vw <= m.w - lw) {
		text_draw(cv->text, UI_FONT_BODY, theme_color(THEME_TEXT), value, m.x + lw, y,
		          TEXT_LEFT);
		return y + text_line_height(cv->text, UI_FONT_BODY) + cv->m.gap / 3;
	}
	vh = text_wrapped_height(cv->text, UI_FONT_SMALL, value, m.w);
	if (y + lh + vh > m.y + m.h)
		vh = m.y + m.h - y - lh;
	text_draw_wrapped(cv->text, UI_FONT_SMALL, theme_color(THEME_TEXT), value,
	                  (struct ui_rect){m.x, y + lh, m.w, vh}, TEXT_LEFT, 0);
	return y + lh + vh + cv->m.gap / 3;
}

static void station_details(const struct ui_model *md, struct ui_canvas *cv,
                            const struct station_snapshot *st, struct ui_rect m)
{
	const struct station_stats *s = &md->stats[st->index % UI_MAX_CARDS];
	char v[256], t[16];
	int y, pw, ph;

	draw_round_rect(cv->r, m, cv->m.radius, theme_color(THEME_SURFACE));
	m = (struct ui_rect){m.x + cv->m.pad, m.y + cv->m.gap, m.w - 2 * cv->m.pad,
	                     m.h - 2 * cv->m.gap};
	text_size(cv->text, UI_FONT_BODY_BOLD, words_state(st->state), &pw, &ph);
	widget_pill(cv, (struct ui_rect){m.x, m.y, pw + 2 * cv->m.gap, ph + cv->m.gap / 2},
	            words_state(st->state), theme_state_color(st->state), UI_FONT_BODY_BOLD);
	y = m.y + ph + cv->m.gap;
	if (st->state == STATION_FAULT) {
		struct fault_words w;
		words_fault(st->fault, &w);
		/* TRANSLATORS: the fault's code name (technical) then what happened. */
		snprintf(v, sizeof(v), tr("%s (%s)"), w.member, fault_code_name(st->fault));
		y = detail_line(cv, m, y, tr("Fault"), v);
		if (st->fault_zone >= 0) {
			/* TRANSLATORS: the zone a fault names, 1 = foot. */
			snprintf(v, sizeof(v), tr("zone %d (1 = foot)"), st->fault_zone + 1);
			y = detail_line(cv, m, y, tr("Where"), v);
		}
		y = detail_line(cv, m, y, tr("Staff notified"),
		                model_staff_notified(md, st)
		                    ? tr("yes, the broker has it")
		                    : tr("not yet: the broker is not reachable"));
	} else if (st->state == STATION_OUT_OF_SERVICE) {
		y = detail_line(cv, m, y, tr("Reason"), words_service_reason(st->service_note));
		if (st->parked_fault != FAULT_NONE)
			y = detail_line(cv, m, y, tr("Fault to reset"),
			                fault_code_name(st->parked_fault));
	} else if (session_state(st->state) || st->state == STATION_VENTING) {
		widget_format_mmss(st->remaining_s, t, sizeof(t));
		/* TRANSLATORS: program, then time left. */
		snprintf(v, sizeof(v), tr("%s, %s left"), screen_program_name(st->program_name), t);
		y = detail_line(cv, m, y, tr("Session"), v);
	}
	if (s->last_session_wall_ms) {
		char at[16];
		clock_of(s->last_session_wall_ms, at, sizeof(at));
		/* TRANSLATORS: last session: time of day, minutes, how it ended. */
		snprintf(v, sizeof(v), tr("%s, %u min, %s"), at, (s->last_elapsed_s + 30) / 60,
		         words_stop(s->last_reason));
	} else {
		snprintf(v, sizeof(v), "%s", tr("none since the kiosk started"));
	}
	y = detail_line(cv, m, y, tr("Last session"), v);
	snprintf(v, sizeof(v), tr("%u sessions, %u min"), s->sessions_today, s->seconds_today / 60);
	y = detail_line(cv, m, y, tr("Today"), v);
	if (s->last_cleaned_wall_ms)
		clock_of(s->last_cleaned_wall_ms, v, sizeof(v));
	else
		snprintf(v, sizeof(v), "%s", tr("not since the kiosk started"));
	y = detail_line(cv, m, y, tr("Last cleaned"), v);
	{
		size_t used = 0;
		v[0] = '\0';
		for (size_t z = 0; z < st->zone_count && z < STATION_MAX_ZONES; z++) {
			double p = st->zone_mmhg[z] < 0.5 ? 0.0 : st->zone_mmhg[z];
			int n = snprintf(v + used, sizeof(v) - used, "%s%.0f", z ? "  " : "", p);
			if (n < 0 || (size_t)n >= sizeof(v) - used)
				break;
			used += (size_t)n;
		}
		/* TRANSLATORS: per-zone pressures, foot first. */
		y = detail_line(cv, m, y, tr("Zones (mmHg)"), v);
		y = detail_line(cv, m, y, tr("Zones empty"),
		                st->zones_verified ? tr("yes, each read empty since it had air")
		                                   : tr("not confirmed yet"));
	}
	if (st->has_safety_sensor) {
		snprintf(v, sizeof(v), tr("%.0f mmHg"),
		         st->safety_mmhg < 0.5 ? 0.0 : st->safety_mmhg);
		y = detail_line(cv, m, y, tr("Safety sensor"), v);
	}
	if (st->has_sensor)
		snprintf(v, sizeof(v), tr("%.0f mmHg"),
		         st->manifold_mmhg < 0.5 ? 0.0 : st->manifold_mmhg);
	else
		snprintf(v, sizeof(v), "%s", tr("no pressure sensor"));
	detail_line(cv, m, y, tr("Manifold"), v);
}

static void staff_station_draw(struct ui_model *md, struct ui_canvas *cv)
{
	const struct station_snapshot *st = model_station(md, md->staff_station);
	char title[96];
	bool can_oos;

	if (!st)
		return;
	/* TRANSLATORS: staff page title with the station name. */
	snprintf(title, sizeof(title), tr("Staff: %s"), st->name);
	screen_header(md, cv, title, tr("Back"), NULL, theme_color(THEME_WARN));
	station_details(md, cv, st, cv->layout.area[UI_AREA_MESSAGE]);
	widget_button(cv, UI_BTN_RESET_FAULT, tr("Reset fault"), THEME_STOP,
	              st->state == STATION_FAULT);
	widget_button(cv, UI_BTN_FAULT_INFO, tr("Fault advice"), THEME_SURFACE_HI,
	              st->state == STATION_FAULT);
	widget_button(cv, UI_BTN_STAFF_CLEANED, tr("Confirm cleaned"), THEME_GO,
	              st->state == STATION_NEEDS_CLEANING);
	widget_button(cv, UI_BTN_STAFF_STOP,
	              flow_state(st->state) ? tr("Cancel set-up") : tr("Stop session"), THEME_STOP,
	              session_state(st->state) || flow_state(st->state));
	can_oos = st->state == STATION_IDLE || flow_state(st->state) ||
	          st->state == STATION_NEEDS_CLEANING || st->state == STATION_FAULT;
	if (st->state == STATION_OUT_OF_SERVICE)
		widget_button(cv, UI_BTN_SERVICE, tr("Back in service"), THEME_GO, true);
	else
		widget_button(cv, UI_BTN_SERVICE, tr("Out of service..."), THEME_SURFACE_HI,
		              can_oos);
}

static void staff_station_press(struct ui_model *md, const struct ui_canvas *cv, enum ui_button b)
{
	const struct station_snapshot *st = model_station(md, md->staff_station);
	int i = md->staff_station;

	(void)cv;
	if (!st)
		return;
	switch (b) {
	case UI_BTN_BACK:
		md->staff_station = -1;
		md->dirty = true;
		break;
	case UI_BTN_RESET_FAULT:
		model_submit_simple(md, CMD_RESET_FAULT, i);
		break;
	case UI_BTN_FAULT_INFO:
		md->fault_info = true;
		md->dirty = true;
		break;
	case UI_BTN_STAFF_CLEANED:
		model_submit_simple(md, CMD_CLEANED, i);
		break;
	case UI_BTN_STAFF_STOP:
		model_submit_simple(md, flow_state(st->state) ? CMD_CANCEL : CMD_STOP, i);
		break;
	case UI_BTN_SERVICE:
		if (st->state == STATION_OUT_OF_SERVICE) {
			model_submit_simple(md, CMD_IN_SERVICE, i);
		} else {
			md->reason_open = true;
			md->dirty = true;
		}
		break;
	default:
		break;
	}
}

const struct screen_ops screen_staff_station_ops = {.draw = staff_station_draw,
                                                    .press = staff_station_press};

/* ---- technician advice ---- */

static void staff_fault_draw(struct ui_model *md, struct ui_canvas *cv)
{
	const struct station_snapshot *st = model_station(md, md->staff_station);
	struct ui_rect m = cv->layout.area[UI_AREA_MESSAGE];
	struct fault_words w;
	const char *heads[3], *bodies[3];
	char title[96];
	int y;

	if (!st)
		return;
	/* TRANSLATORS: title of the technician's page: station, fault code. */
	snprintf(title, sizeof(title), tr("%s: fault %s"), st->name, fault_code_name(st->fault));
	screen_header(md, cv, title, tr("Back"), NULL, theme_state_color(STATION_FAULT));
	words_fault(st->fault, &w);
	heads[0] = tr("What was detected");
	heads[1] = tr("What to check");
	heads[2] = tr("What a reset does");
	bodies[0] = w.detected;
	bodies[1] = w.check;
	bodies[2] = w.reset;
	draw_round_rect(cv->r, m, cv->m.radius, theme_color(THEME_SURFACE));
	y = m.y + cv->m.gap;
	for (int i = 0; i < 3; i++) {
		static const enum ui_font fonts[] = {UI_FONT_BODY, UI_FONT_SMALL};
		struct ui_rect r = {m.x + cv->m.pad, y, m.w - 2 * cv->m.pad,
		                    (m.y + m.h - y) / (3 - i)};
		int hh = text_line_height(cv->text, UI_FONT_BODY_BOLD);
		enum ui_font f;

		text_draw(cv->text, UI_FONT_BODY_BOLD, theme_color(THEME_WAVE_ACTIVE), heads[i],
		          r.x, r.y, TEXT_LEFT);
		r.y += hh;
		r.h -= hh + cv->m.gap / 2;
		f = text_fit(cv->text, fonts, 2, bodies[i], r);
		text_draw_wrapped(cv->text, f, theme_color(THEME_TEXT), bodies[i], r, TEXT_LEFT, 0);
		y = r.y + r.h + cv->m.gap / 2;
	}
}

static void staff_fault_press(struct ui_model *md, const struct ui_canvas *cv, enum ui_button b)
{
	(void)cv;
	if (b == UI_BTN_BACK) {
		md->fault_info = false;
		md->dirty = true;
	}
}

const struct screen_ops screen_staff_fault_ops = {.draw = staff_fault_draw,
                                                  .press = staff_fault_press};

/* ---- why out of service ---- */

static void reason_draw(struct ui_model *md, struct ui_canvas *cv)
{
	const struct station_snapshot *st = model_station(md, md->staff_station);
	char title[96];

	if (!st)
		return;
	snprintf(title, sizeof(title), tr("Staff: %s"), st->name);
	screen_header(md, cv, title, tr("Back"), NULL, theme_color(THEME_WARN));
	text_draw_wrapped(cv->text, UI_FONT_TITLE, theme_color(THEME_TEXT),
	                  tr("Why is the station going out of service?"),
	                  cv->layout.area[UI_AREA_MESSAGE], TEXT_LEFT, 1);
	for (int k = 0; k < REASONS && k < UI_MAX_ITEMS; k++)
		widget_button_font(cv, (enum ui_button)(UI_BTN_ITEM0 + k),
		                   words_service_reason(words_reason_note((size_t)k)),
		                   THEME_SURFACE_HI, true, UI_FONT_BODY_BOLD);
}

static void reason_press(struct ui_model *md, const struct ui_canvas *cv, enum ui_button b)
{
	(void)cv;
	if (b >= UI_BTN_ITEM0 && b < UI_BTN_ITEM0 + REASONS) {
		struct command cmd;

		memset(&cmd, 0, sizeof(cmd));
		cmd.action = CMD_OUT_OF_SERVICE;
		cmd.station = (unsigned int)md->staff_station;
		snprintf(cmd.note, sizeof(cmd.note), "%s",
		         words_reason_note((size_t)(b - UI_BTN_ITEM0)));
		snprintf(cmd.by, sizeof(cmd.by), "staff screen");
		model_submit(md, &cmd);
	}
	if (b == UI_BTN_BACK || (b >= UI_BTN_ITEM0 && b < UI_BTN_ITEM0 + REASONS)) {
		md->reason_open = false;
		md->dirty = true;
	}
}

const struct screen_ops screen_service_reason_ops = {.draw = reason_draw, .press = reason_press};
