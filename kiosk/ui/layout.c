/* SPDX-License-Identifier: MIT */
#include "ui/layout.h"

#include <math.h>
#include <string.h>

#define DEFAULT_DIAGONAL_MM 178u

static int iround(double v)
{
	return (int)lround(v);
}

static int imax(int a, int b)
{
	return a > b ? a : b;
}

static int imin(int a, int b)
{
	return a < b ? a : b;
}

static struct ui_rect rect(int x, int y, int w, int h)
{
	struct ui_rect r = {x, y, imax(w, 0), imax(h, 0)};
	return r;
}

bool ui_rect_contains(struct ui_rect r, int x, int y)
{
	return r.w > 0 && r.h > 0 && x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

void ui_metrics_compute(struct ui_metrics *m, int w, int h, unsigned int diagonal_mm)
{
	double diag_px = sqrt((double)w * w + (double)h * h);
	int min_dim;
	double body;

	memset(m, 0, sizeof(*m));
	m->w = w;
	m->h = h;
	m->portrait = h > w;
	m->px_per_mm = diag_px / (double)(diagonal_mm ? diagonal_mm : DEFAULT_DIAGONAL_MM);
	min_dim = imin(w, h);

	/* Body text at least ~4.2 mm tall and never tiny on a large panel. */
	body = fmax(4.2 * m->px_per_mm, min_dim / 24.0);
	m->font_px[UI_FONT_SMALL] = iround(body * 0.8);
	m->font_px[UI_FONT_BODY] = iround(body);
	m->font_px[UI_FONT_BODY_BOLD] = iround(body);
	m->font_px[UI_FONT_TITLE] = iround(body * 1.3);
	m->font_px[UI_FONT_LARGE] = iround(body * 1.75);
	m->font_px[UI_FONT_HUGE] = iround(body * (m->portrait ? 5.0 : 4.2));

	m->target_min = (int)ceil(UI_TARGET_MIN_MM * m->px_per_mm);
	m->pad = iround(fmax(2.5 * m->px_per_mm, min_dim / 40.0));
	m->gap = imax(4, iround(m->pad * 0.75));
	m->radius = imax(4, iround(2.0 * m->px_per_mm));
	m->button_h = imax(m->target_min, iround(body * 2.6));
	m->header_h = m->button_h + m->gap;
}

static struct ui_rect content_rect(const struct ui_metrics *m)
{
	int top = m->header_h + m->gap;
	return rect(m->pad, top, m->w - 2 * m->pad, m->h - top - m->pad);
}

/* Header: optional back button on the left, optional staff and language
 * buttons on the right, title in between. */
static void layout_header_with(struct ui_layout *l, const struct ui_metrics *m, bool back,
                               bool staff, bool lang)
{
	int bh = m->header_h - m->gap;
	int bw = imax(m->target_min * 2, iround(m->font_px[UI_FONT_BODY] * 6.5));
	int by = m->gap / 2;
	int left = m->pad, right = m->w - m->pad;

	l->area[UI_AREA_HEADER] = rect(0, 0, m->w, m->header_h);
	if (back) {
		l->button[UI_BTN_BACK] = rect(m->pad, by, bw, bh);
		left += bw + m->gap;
	}
	if (staff) {
		int sw = imax(m->target_min * 2, iround(m->font_px[UI_FONT_BODY] * 4.5));
		l->button[UI_BTN_STAFF] = rect(right - sw, by, sw, bh);
		right -= sw + m->gap;
	}
	if (lang) {
		int lw = imax(m->target_min * 2, iround(m->font_px[UI_FONT_BODY] * 5.2));
		l->button[UI_BTN_LANGUAGE] = rect(right - lw, by, lw, bh);
		right -= lw + m->gap;
	}
	l->area[UI_AREA_TITLE] = rect(left, 0, right - left, m->header_h);
	l->area[UI_AREA_CONTENT] = content_rect(m);
	{
		struct ui_rect c = l->area[UI_AREA_CONTENT];
		int tw = imin(c.w, iround(m->font_px[UI_FONT_BODY] * 24));
		l->area[UI_AREA_TOAST] = rect(c.x + (c.w - tw) / 2, c.y, tw, m->button_h);
	}
}

/* Member screens carry the language button. */
static void layout_header(struct ui_layout *l, const struct ui_metrics *m, bool back, bool staff)
{
	layout_header_with(l, m, back, staff, true);
}

static void layout_staff_header(struct ui_layout *l, const struct ui_metrics *m)
{
	layout_header_with(l, m, true, false, false);
}

/* Cells of a grid of n items in c, picking the column count whose cells are
 * closest to the wanted aspect ratio. */
static void grid(struct ui_rect c, int gap, size_t n, double aspect, struct ui_rect *cells)
{
	int best_cols = 1;
	double best = 1e9;

	if (n == 0)
		return;
	for (int cols = 1; cols <= (int)n; cols++) {
		int rows = ((int)n + cols - 1) / cols;
		double cw = (c.w - (cols - 1) * gap) / (double)cols;
		double ch = (c.h - (rows - 1) * gap) / (double)rows;
		double score;

		if (cw <= 0 || ch <= 0)
			continue;
		score = fabs(log((cw / ch) / aspect));
		/* Prefer fewer empty cells at equal shape. */
		score += 0.25 * (rows * cols - (int)n);
		if (score < best) {
			best = score;
			best_cols = cols;
		}
	}
	{
		int cols = best_cols;
		int rows = ((int)n + cols - 1) / cols;
		int cw = (c.w - (cols - 1) * gap) / cols;
		int ch = (c.h - (rows - 1) * gap) / rows;

		for (size_t i = 0; i < n; i++) {
			int r = (int)i / cols, col = (int)i % cols;
			cells[i] = rect(c.x + col * (cw + gap), c.y + r * (ch + gap), cw, ch);
		}
	}
}

static void layout_cards(struct ui_layout *l, const struct ui_metrics *m, size_t count)
{
	struct ui_rect cells[UI_MAX_CARDS];

	if (count > UI_MAX_CARDS)
		count = UI_MAX_CARDS;
	grid(l->area[UI_AREA_CONTENT], m->gap, count, 1.6, cells);
	for (size_t i = 0; i < count; i++)
		l->button[UI_BTN_CARD0 + i] = cells[i];
}

static void layout_programs(struct ui_layout *l, const struct ui_metrics *m,
                            const struct ui_layout_input *in)
{
	struct ui_rect c = l->area[UI_AREA_CONTENT];
	int cols = m->portrait ? 1 : 2;
	/* Name, figures, two lines of description (DejaVu lines are ~1.17 em). */
	int card_min = m->gap + m->gap / 2 + 2 +
	               iround(1.17 * (m->font_px[UI_FONT_TITLE] + m->font_px[UI_FONT_BODY] +
	                              2 * m->font_px[UI_FONT_SMALL]));
	int rows = imax(1, (c.h + m->gap) / (card_min + m->gap));
	size_t per_page = (size_t)(rows * cols);
	size_t pages = 1, page, first, shown;

	if (in->program_count > per_page) {
		/* Room for the pager row at the bottom. */
		int pager_h = m->button_h;
		c.h -= pager_h + m->gap;
		rows = imax(1, (c.h + m->gap) / (card_min + m->gap));
		per_page = (size_t)(rows * cols);
		pages = (in->program_count + per_page - 1) / per_page;
		{
			int bw = imax(m->target_min * 2, iround(m->font_px[UI_FONT_BODY] * 6));
			int y = c.y + c.h + m->gap;
			l->button[UI_BTN_PAGE_PREV] = rect(c.x, y, bw, pager_h);
			l->button[UI_BTN_PAGE_NEXT] = rect(c.x + c.w - bw, y, bw, pager_h);
			l->area[UI_AREA_PAGE] = rect(c.x + bw, y, c.w - 2 * bw, pager_h);
		}
	}
	if (per_page > UI_MAX_PROGRAM_SLOTS)
		per_page = UI_MAX_PROGRAM_SLOTS;
	l->programs_per_page = per_page;
	l->program_pages = pages;
	page = in->program_page < pages ? in->program_page : pages - 1;
	first = page * per_page;
	shown = in->program_count > first ? in->program_count - first : 0;
	if (shown > per_page)
		shown = per_page;
	{
		/* Cells sized for a full page so cards keep their size on the
		 * last one; on a single page, rows share the whole height. */
		int prow = ((int)per_page + cols - 1) / cols;
		if (pages == 1 && in->program_count > 0)
			prow = imin(prow, ((int)in->program_count + cols - 1) / cols);
		int cw = (c.w - (cols - 1) * m->gap) / cols;
		int ch = imin((c.h - (prow - 1) * m->gap) / prow, card_min * 2);

		for (size_t i = 0; i < shown; i++) {
			int r = (int)i / cols, col = (int)i % cols;
			l->button[UI_BTN_PROGRAM0 + i] =
			    rect(c.x + col * (cw + m->gap), c.y + r * (ch + m->gap), cw, ch);
		}
	}
}

/* A value panel: label and range on top, [-] value [+] in a row below. */
static void layout_stepper(struct ui_layout *l, const struct ui_metrics *m, struct ui_rect panel,
                           enum ui_area area, enum ui_button minus, enum ui_button plus)
{
	int label_h = iround(m->font_px[UI_FONT_BODY] * 1.3 + m->font_px[UI_FONT_SMALL] * 1.3);
	int bh =
	    imax(m->target_min, imin(panel.h - label_h - 2 * m->gap, iround(m->button_h * 1.2)));
	/* A narrow (portrait) panel keeps more room for the value. */
	int bw = m->portrait
	             ? m->target_min
	             : imax(m->target_min, imin(iround(bh * 1.5), (panel.w - 4 * m->gap) / 3));
	int y = panel.y + panel.h - m->gap - bh;

	l->area[area] = panel;
	l->button[minus] = rect(panel.x + m->gap, y, bw, bh);
	l->button[plus] = rect(panel.x + panel.w - m->gap - bw, y, bw, bh);
}

/* Duration and pressure side by side; below them the leg lying from foot
 * (left) to thigh (right), each zone a button. */
static void layout_adjust(struct ui_layout *l, const struct ui_metrics *m,
                          const struct ui_layout_input *in)
{
	struct ui_rect c = l->area[UI_AREA_CONTENT];
	int bh = iround(m->button_h * 1.2);
	int bw = m->portrait ? c.w : imin(c.w, iround(c.w * 0.5));
	struct ui_rect top = rect(c.x, c.y, c.w, c.h - bh - m->gap);
	int step_h = imin(iround(top.h * 0.5),
	                  iround(m->font_px[UI_FONT_BODY] * 2.8 + m->button_h * 1.2 + 2 * m->gap));
	int pw = (top.w - m->gap) / 2;
	size_t n = in->zone_count > UI_MAX_ZONES ? UI_MAX_ZONES : in->zone_count;

	l->button[UI_BTN_CONTINUE] = rect(c.x + (c.w - bw) / 2, c.y + c.h - bh, bw, bh);
	layout_stepper(l, m, rect(top.x, top.y, pw, step_h), UI_AREA_DURATION,
	               UI_BTN_DURATION_MINUS, UI_BTN_DURATION_PLUS);
	layout_stepper(l, m, rect(top.x + pw + m->gap, top.y, top.w - pw - m->gap, step_h),
	               UI_AREA_INTENSITY, UI_BTN_INTENSITY_MINUS, UI_BTN_INTENSITY_PLUS);
	l->area[UI_AREA_LEG] = rect(top.x, top.y + step_h + m->gap, top.w, top.h - step_h - m->gap);
	if (n > 0 && m->portrait) {
		/* Upright: the foot at the bottom, the thigh at the top. */
		struct ui_rect leg = l->area[UI_AREA_LEG];
		int cap_h = iround(m->font_px[UI_FONT_SMALL] * 2.6) + m->gap; /* hint: 2 lines */
		int foot_h = iround(leg.h * 0.08);
		int avail = leg.h - 2 * cap_h - foot_h;
		int zh = imax(m->target_min, imin(iround(m->button_h * 1.6),
		                                  (avail - (int)(n - 1) * (m->gap / 2)) / (int)n));
		int zw = imax(m->target_min * 2, leg.w * 2 / 5);
		int bottom =
		    leg.y + cap_h + (avail + (int)n * zh + (int)(n - 1) * (m->gap / 2)) / 2;

		for (size_t k = 0; k < n; k++)
			l->button[UI_BTN_ZONE0 + k] =
			    rect(leg.x + (leg.w - zw) / 2,
			         bottom - (int)(k + 1) * zh - (int)k * (m->gap / 2), zw, zh);
	} else if (n > 0) {
		struct ui_rect leg = l->area[UI_AREA_LEG];
		int cap_h = iround(m->font_px[UI_FONT_SMALL] * 1.4) + m->gap;
		int zh = imax(m->target_min, imin(leg.h - 2 * cap_h, iround(m->button_h * 1.8)));
		/* The foot end takes room for the foot drawn before zone 1. */
		int foot_w = iround(leg.w * 0.08);
		int zw = (leg.w - foot_w - m->gap - (int)(n - 1) * (m->gap / 2)) / (int)n;
		int y = leg.y + cap_h + (leg.h - 2 * cap_h - zh) / 2;

		for (size_t k = 0; k < n; k++)
			l->button[UI_BTN_ZONE0 + k] =
			    rect(leg.x + foot_w + m->gap + (int)k * (zw + m->gap / 2), y, zw, zh);
	}
}

/* A row of two equal buttons at the bottom of the content. */
static void bottom_pair(struct ui_layout *l, const struct ui_metrics *m, int bh,
                        enum ui_button left, enum ui_button right)
{
	struct ui_rect c = l->area[UI_AREA_CONTENT];
	int bw = (c.w - m->gap) / 2;
	int y = c.y + c.h - bh;

	l->button[left] = rect(c.x, y, bw, bh);
	l->button[right] = rect(c.x + c.w - bw, y, bw, bh);
	l->area[UI_AREA_MESSAGE] = rect(c.x, c.y, c.w, c.h - bh - m->gap);
}

static void bottom_single(struct ui_layout *l, const struct ui_metrics *m, int bh, enum ui_button b)
{
	struct ui_rect c = l->area[UI_AREA_CONTENT];
	int bw = m->portrait ? c.w : imin(c.w, iround(c.w * 0.55));

	l->button[b] = rect(c.x + (c.w - bw) / 2, c.y + c.h - bh, bw, bh);
	l->area[UI_AREA_MESSAGE] = rect(c.x, c.y, c.w, c.h - bh - m->gap);
}

static void layout_question(struct ui_layout *l, const struct ui_metrics *m)
{
	struct ui_rect c = l->area[UI_AREA_CONTENT];
	int prog_h = iround(m->font_px[UI_FONT_SMALL] * 2.4);
	int bh = iround(m->button_h * (m->portrait ? 1.8 : 1.4));

	bottom_pair(l, m, bh, UI_BTN_NO, UI_BTN_YES);
	l->area[UI_AREA_PROGRESS] = rect(c.x, c.y, c.w, prog_h);
	{
		int bar_h = imax(6, m->gap * 2 / 3);
		l->area[UI_AREA_PROGRESS_BAR] = rect(c.x, c.y + prog_h - bar_h, c.w, bar_h);
	}
	l->area[UI_AREA_MESSAGE] =
	    rect(c.x, c.y + prog_h + m->gap, c.w, c.h - bh - prog_h - 2 * m->gap);
}

static void layout_pin(struct ui_layout *l, const struct ui_metrics *m)
{
	struct ui_rect c = l->area[UI_AREA_CONTENT];
	struct ui_rect pad_area, info;
	int kw, kh;

	if (m->portrait) {
		int info_h = iround(c.h * 0.3);
		info = rect(c.x, c.y, c.w, info_h);
		pad_area = rect(c.x, c.y + info_h + m->gap, c.w, c.h - info_h - m->gap);
	} else {
		int info_w = iround(c.w * 0.42);
		info = rect(c.x, c.y, info_w, c.h);
		pad_area = rect(c.x + info_w + m->gap, c.y, c.w - info_w - m->gap, c.h);
	}
	kh = imax(m->target_min, (pad_area.h - 3 * m->gap) / 4);
	kw = imax(m->target_min, (pad_area.w - 2 * m->gap) / 3);
	if (kw > kh * 2)
		kw = kh * 2;
	{
		int total_w = 3 * kw + 2 * m->gap;
		int x0 = pad_area.x + (pad_area.w - total_w) / 2;
		static const enum ui_button keys[12] = {
		    UI_BTN_KEY0 + 1, UI_BTN_KEY0 + 2, UI_BTN_KEY0 + 3, UI_BTN_KEY0 + 4,
		    UI_BTN_KEY0 + 5, UI_BTN_KEY0 + 6, UI_BTN_KEY0 + 7, UI_BTN_KEY0 + 8,
		    UI_BTN_KEY0 + 9, UI_BTN_KEY_DEL,  UI_BTN_KEY0,     UI_BTN_KEY_OK,
		};
		for (int i = 0; i < 12; i++) {
			int r = i / 3, col = i % 3;
			l->button[keys[i]] =
			    rect(x0 + col * (kw + m->gap), pad_area.y + r * (kh + m->gap), kw, kh);
		}
	}
	{
		int dots_h = iround(m->font_px[UI_FONT_LARGE] * 1.6);
		l->area[UI_AREA_MESSAGE] = rect(info.x, info.y, info.w, info.h - dots_h - m->gap);
		l->area[UI_AREA_DOTS] = rect(info.x, info.y + info.h - dots_h, info.w, dots_h);
		if (m->portrait) {
			l->area[UI_AREA_MESSAGE] = rect(info.x, info.y, info.w, info.h - dots_h);
		} else {
			/* Centre dots + text vertically beside the keypad. */
			int block = iround(info.h * 0.6);
			int y = info.y + (info.h - block) / 2;
			l->area[UI_AREA_MESSAGE] = rect(info.x, y, info.w, block - dots_h);
			l->area[UI_AREA_DOTS] = rect(info.x, y + block - dots_h, info.w, dots_h);
		}
	}
}

static void layout_boots_on(struct ui_layout *l, const struct ui_metrics *m)
{
	struct ui_rect c = l->area[UI_AREA_CONTENT];
	int bh = iround(m->button_h * 1.4);
	struct ui_rect pics;

	bottom_single(l, m, bh, UI_BTN_START);
	pics = l->area[UI_AREA_MESSAGE];
	l->area[UI_AREA_MESSAGE] = rect(0, 0, 0, 0);
	/* "Still there?": over the top of the pictures for the last minute. */
	l->button[UI_BTN_STILL_HERE] =
	    rect(c.x, c.y, c.w, imin(pics.h, iround(m->button_h * (m->portrait ? 2.0 : 1.6))));
	for (int i = 0; i < 3; i++) {
		if (m->portrait) {
			int ph = (pics.h - 2 * m->gap) / 3;
			l->area[UI_AREA_PICTURE0 + i] =
			    rect(pics.x, pics.y + i * (ph + m->gap), pics.w, ph);
		} else {
			int pw = (pics.w - 2 * m->gap) / 3;
			l->area[UI_AREA_PICTURE0 + i] =
			    rect(pics.x + i * (pw + m->gap), pics.y, pw, pics.h);
		}
	}
}

static void layout_running(struct ui_layout *l, const struct ui_metrics *m)
{
	struct ui_rect c = l->area[UI_AREA_CONTENT];
	int bh = iround(m->button_h * 1.4);

	if (m->portrait) {
		int stop_h = iround(m->button_h * 1.7);
		int row_y = c.y + c.h - bh;
		int stop_y = row_y - m->gap - stop_h;
		int half = (c.w - m->gap) / 2;
		int cd_h = iround(m->font_px[UI_FONT_HUGE] * 1.2 + m->font_px[UI_FONT_BODY] * 3.0) +
		           2 * m->gap; /* two lines of warm-up words and a bar */
		int st_h = iround(m->font_px[UI_FONT_BODY] * 3.2);

		l->button[UI_BTN_STOP] = rect(c.x, stop_y, c.w, stop_h);
		l->button[UI_BTN_PAUSE] = rect(c.x, row_y, half, bh);
		l->button[UI_BTN_SYMPTOM] = rect(c.x + c.w - half, row_y, half, bh);
		l->area[UI_AREA_COUNTDOWN] = rect(c.x, c.y, c.w, cd_h);
		l->area[UI_AREA_STATUS] = rect(c.x, c.y + cd_h, c.w, st_h);
		l->area[UI_AREA_WAVE] = rect(c.x, c.y + cd_h + st_h + m->gap, c.w,
		                             stop_y - m->gap - (c.y + cd_h + st_h + m->gap));
	} else {
		int y = c.y + c.h - bh;
		int stop_w = iround(c.w * 0.36);
		int pause_w = iround(c.w * 0.24);
		int sym_w = c.w - stop_w - pause_w - 2 * m->gap;
		int top_h = c.h - bh - m->gap;
		int left_w = iround(c.w * 0.42);
		int cd_h = iround(top_h * 0.62);

		l->button[UI_BTN_SYMPTOM] = rect(c.x, y, sym_w, bh);
		l->button[UI_BTN_PAUSE] = rect(c.x + sym_w + m->gap, y, pause_w, bh);
		l->button[UI_BTN_STOP] = rect(c.x + c.w - stop_w, y, stop_w, bh);
		l->area[UI_AREA_COUNTDOWN] = rect(c.x, c.y, left_w, cd_h);
		l->area[UI_AREA_STATUS] = rect(c.x, c.y + cd_h, left_w, top_h - cd_h);
		l->area[UI_AREA_WAVE] =
		    rect(c.x + left_w + m->gap, c.y, c.w - left_w - m->gap, top_h);
	}
}

static void layout_finished(struct ui_layout *l, const struct ui_metrics *m)
{
	int bh = iround(m->button_h * 1.4);
	struct ui_rect a;

	bottom_single(l, m, bh, UI_BTN_CLEANED);
	a = l->area[UI_AREA_MESSAGE];
	if (m->portrait) {
		int ph = iround(a.h * 0.45);
		l->area[UI_AREA_SUMMARY] = rect(a.x, a.y, a.w, ph);
		l->area[UI_AREA_MESSAGE] = rect(a.x, a.y + ph + m->gap, a.w, a.h - ph - m->gap);
	} else {
		int pw = iround(a.w * 0.46);
		l->area[UI_AREA_SUMMARY] = rect(a.x, a.y, pw, a.h);
		l->area[UI_AREA_MESSAGE] = rect(a.x + pw + m->gap, a.y, a.w - pw - m->gap, a.h);
	}
}

/* The station's details, and its actions in a column (a row of two in
 * portrait). */
static void layout_staff_station(struct ui_layout *l, const struct ui_metrics *m)
{
	struct ui_rect c = l->area[UI_AREA_CONTENT];
	static const enum ui_button order[5] = {UI_BTN_RESET_FAULT, UI_BTN_FAULT_INFO,
	                                        UI_BTN_STAFF_CLEANED, UI_BTN_STAFF_STOP,
	                                        UI_BTN_SERVICE};
	int cols = m->portrait ? 2 : 1, rows = (5 + cols - 1) / cols;
	struct ui_rect col;
	int bh, bw;

	if (m->portrait) {
		int grid_h = rows * iround(m->button_h * 1.3) + (rows - 1) * m->gap;
		col = rect(c.x, c.y + c.h - grid_h, c.w, grid_h);
		l->area[UI_AREA_MESSAGE] = rect(c.x, c.y, c.w, c.h - grid_h - m->gap);
	} else {
		int cw = iround(c.w * 0.36);
		col = rect(c.x + c.w - cw, c.y, cw, c.h);
		l->area[UI_AREA_MESSAGE] = rect(c.x, c.y, c.w - cw - m->gap, c.h);
	}
	bh = imax(m->target_min,
	          imin(iround(m->button_h * 1.3), (col.h - (rows - 1) * m->gap) / rows));
	bw = (col.w - (cols - 1) * m->gap) / cols;
	for (int i = 0; i < 5; i++) {
		int r = i / cols, k = i % cols;
		l->button[order[i]] =
		    rect(col.x + k * (bw + m->gap), col.y + r * (bh + m->gap), bw, bh);
	}
}

/* A prompt on top and up to UI_MAX_ITEMS list buttons (two columns in
 * landscape), with room for one button at the bottom when bottom is set. */
static void layout_list(struct ui_layout *l, const struct ui_metrics *m, size_t n, bool bottom)
{
	struct ui_rect c = l->area[UI_AREA_CONTENT];
	int bh = iround(m->button_h * 1.3);
	int prompt_h = iround(m->font_px[UI_FONT_TITLE] * 2.6);
	int cols = m->portrait || n <= 2 ? 1 : 2;
	int rows, ih, iw, avail;

	if (n > UI_MAX_ITEMS)
		n = UI_MAX_ITEMS;
	if (bottom)
		bottom_single(l, m, bh, UI_BTN_NO);
	avail = (bottom ? l->area[UI_AREA_MESSAGE].h : c.h) - prompt_h - m->gap;
	l->area[UI_AREA_MESSAGE] = rect(c.x, c.y, c.w, prompt_h);
	if (n == 0)
		return;
	rows = ((int)n + cols - 1) / cols;
	ih = imax(m->target_min,
	          imin(iround(m->button_h * 1.6), (avail - (rows - 1) * m->gap) / rows));
	iw = (c.w - (cols - 1) * m->gap) / cols;
	for (size_t i = 0; i < n; i++) {
		int r = (int)i / cols, k = (int)i % cols;
		l->button[UI_BTN_ITEM0 + i] = rect(
		    c.x + k * (iw + m->gap), c.y + prompt_h + m->gap + r * (ih + m->gap), iw, ih);
	}
}

void ui_layout_compute(struct ui_layout *out, const struct ui_metrics *m, enum ui_screen screen,
                       const struct ui_layout_input *in)
{
	int big = iround(m->button_h * 1.4);

	memset(out, 0, sizeof(*out));
	out->screen = screen;
	out->programs_per_page = 0;
	out->program_pages = 1;
	switch (screen) {
	case UI_SCREEN_OVERVIEW:
		layout_header(out, m, false, true);
		layout_cards(out, m, in->station_count);
		break;
	case UI_SCREEN_STAFF:
		layout_staff_header(out, m);
		layout_cards(out, m, in->station_count);
		break;
	case UI_SCREEN_PROGRAMS:
		layout_header(out, m, true, false);
		layout_programs(out, m, in);
		break;
	case UI_SCREEN_ADJUST:
		layout_header(out, m, true, false);
		layout_adjust(out, m, in);
		break;
	case UI_SCREEN_QUESTION:
	case UI_SCREEN_AGREE:
		layout_header(out, m, true, false);
		layout_question(out, m);
		break;
	case UI_SCREEN_WHICH:
		layout_header(out, m, true, false);
		layout_list(out, m, in->item_count, true);
		break;
	case UI_SCREEN_BLOCKED:
		layout_header(out, m, false, false);
		bottom_single(out, m, big, UI_BTN_CANCEL);
		break;
	case UI_SCREEN_APPROVAL:
		layout_header(out, m, true, false);
		bottom_pair(out, m, big, UI_BTN_CANCEL, UI_BTN_APPROVE);
		break;
	case UI_SCREEN_PIN:
		layout_staff_header(out, m);
		layout_pin(out, m);
		break;
	case UI_SCREEN_BOOTS_ON:
		layout_header(out, m, true, false);
		layout_boots_on(out, m);
		break;
	case UI_SCREEN_RUNNING:
		layout_header(out, m, true, false);
		layout_running(out, m);
		break;
	case UI_SCREEN_FINISHED:
		layout_header(out, m, true, false);
		layout_finished(out, m);
		break;
	case UI_SCREEN_FAULT:
	case UI_SCREEN_OUT_OF_SERVICE:
		layout_header(out, m, true, true);
		out->area[UI_AREA_MESSAGE] = out->area[UI_AREA_CONTENT];
		break;
	case UI_SCREEN_STAFF_STATION:
		layout_staff_header(out, m);
		layout_staff_station(out, m);
		break;
	case UI_SCREEN_STAFF_FAULT:
		layout_staff_header(out, m);
		out->area[UI_AREA_MESSAGE] = out->area[UI_AREA_CONTENT];
		break;
	case UI_SCREEN_SERVICE_REASON:
		layout_staff_header(out, m);
		layout_list(out, m, in->item_count, false);
		break;
	case UI_SCREEN_COUNT:
		break;
	}
}

int ui_progress_fill_w(int bar_w, unsigned int index, unsigned int count)
{
	if (count == 0)
		return 0;
	if (index >= count)
		index = count - 1;
	return (int)((long)bar_w * (index + 1) / count);
}

enum ui_button ui_layout_hit(const struct ui_layout *l, int x, int y)
{
	for (int b = UI_BTN_NONE + 1; b < UI_BTN_COUNT; b++)
		if (ui_rect_contains(l->button[b], x, y))
			return (enum ui_button)b;
	return UI_BTN_NONE;
}

const char *ui_screen_name(enum ui_screen s)
{
	static const char *const names[UI_SCREEN_COUNT] = {
	    [UI_SCREEN_OVERVIEW] = "overview",
	    [UI_SCREEN_PROGRAMS] = "programs",
	    [UI_SCREEN_ADJUST] = "adjust",
	    [UI_SCREEN_QUESTION] = "question",
	    [UI_SCREEN_BLOCKED] = "blocked",
	    [UI_SCREEN_APPROVAL] = "approval",
	    [UI_SCREEN_PIN] = "pin",
	    [UI_SCREEN_BOOTS_ON] = "boots_on",
	    [UI_SCREEN_RUNNING] = "running",
	    [UI_SCREEN_FINISHED] = "finished",
	    [UI_SCREEN_FAULT] = "fault",
	    [UI_SCREEN_OUT_OF_SERVICE] = "out_of_service",
	    [UI_SCREEN_STAFF] = "staff",
	    [UI_SCREEN_STAFF_STATION] = "staff_station",
	    [UI_SCREEN_WHICH] = "which",
	    [UI_SCREEN_AGREE] = "agree",
	    [UI_SCREEN_STAFF_FAULT] = "staff_fault",
	    [UI_SCREEN_SERVICE_REASON] = "service_reason",
	};
	return (unsigned)s < UI_SCREEN_COUNT ? names[s] : "?";
}
