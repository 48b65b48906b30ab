/* SPDX-License-Identifier: MIT */
/*
 * Screen geometry as pure arithmetic: every rectangle the UI draws or hit
 * tests comes from the window size, the panel diagonal and a few counts, so
 * the UI tests compute exactly where a button is by calling the same code and
 * click its centre.  No SDL here.
 *
 * Sizes: a touch target is never smaller than UI_TARGET_MIN_MM; fonts grow
 * with the panel so text stays readable at arm's length.
 *
 * Threading: pure functions, any thread.
 */
#ifndef KIOSK_UI_LAYOUT_H
#define KIOSK_UI_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#define UI_TARGET_MIN_MM 9.0
#define UI_MAX_CARDS 8
#define UI_MAX_PROGRAM_SLOTS 8
#define UI_MAX_ZONES 8 /* zone buttons on the adjust screen's leg */
#define UI_MAX_ITEMS 6 /* list buttons: screening "which one", service reasons */

struct ui_rect {
	int x, y, w, h;
};

enum ui_font {
	UI_FONT_SMALL,
	UI_FONT_BODY,
	UI_FONT_BODY_BOLD,
	UI_FONT_TITLE, /* bold */
	UI_FONT_LARGE, /* bold: values, big buttons */
	UI_FONT_HUGE,  /* bold: the countdown */
	UI_FONT_COUNT
};

struct ui_metrics {
	int w, h;
	double px_per_mm;
	bool portrait;
	int pad;        /* outer margin */
	int gap;        /* between controls */
	int radius;     /* rounded corners */
	int target_min; /* 9 mm in px */
	int button_h;   /* a primary button */
	int header_h;
	int font_px[UI_FONT_COUNT];
};

/* Every screen the UI can show. */
enum ui_screen {
	UI_SCREEN_OVERVIEW,
	UI_SCREEN_PROGRAMS,
	UI_SCREEN_ADJUST,
	UI_SCREEN_QUESTION, /* one question, or a group: "does any of these apply?" */
	UI_SCREEN_WHICH,    /* after a Yes to a group: which one */
	UI_SCREEN_AGREE,    /* the acknowledgements: one "I agree" */
	UI_SCREEN_BLOCKED,
	UI_SCREEN_APPROVAL,
	UI_SCREEN_PIN,
	UI_SCREEN_BOOTS_ON,
	UI_SCREEN_RUNNING,
	UI_SCREEN_FINISHED, /* summary while venting, then remove and wipe */
	UI_SCREEN_FAULT,
	UI_SCREEN_OUT_OF_SERVICE,
	UI_SCREEN_STAFF, /* staff overview: every station */
	UI_SCREEN_STAFF_STATION,
	UI_SCREEN_STAFF_FAULT,    /* technician advice for a fault */
	UI_SCREEN_SERVICE_REASON, /* why a station goes out of service */
	UI_SCREEN_COUNT
};

/* Everything that can be touched.  A rect with w == 0 is absent. */
enum ui_button {
	UI_BTN_NONE,
	UI_BTN_BACK,  /* header, left: back / cancel / exit */
	UI_BTN_STAFF, /* header, right (overview, fault) */
	UI_BTN_CARD0, /* overview / staff cards, UI_MAX_CARDS of them */
	UI_BTN_PROGRAM0 = UI_BTN_CARD0 + UI_MAX_CARDS,
	UI_BTN_PAGE_PREV = UI_BTN_PROGRAM0 + UI_MAX_PROGRAM_SLOTS,
	UI_BTN_PAGE_NEXT,
	UI_BTN_DURATION_MINUS,
	UI_BTN_DURATION_PLUS,
	UI_BTN_INTENSITY_MINUS,
	UI_BTN_INTENSITY_PLUS,
	UI_BTN_CONTINUE, /* adjust -> screening */
	UI_BTN_NO,
	UI_BTN_YES,
	UI_BTN_APPROVE, /* approval screen: staff PIN */
	UI_BTN_CANCEL,  /* blocked / approval: back to start */
	UI_BTN_KEY0,    /* keypad digits 0..9 */
	UI_BTN_KEY_DEL = UI_BTN_KEY0 + 10,
	UI_BTN_KEY_OK,
	UI_BTN_START,
	UI_BTN_PAUSE, /* Pause / Resume */
	UI_BTN_STOP,
	UI_BTN_SYMPTOM,     /* "I feel numbness or tingling" */
	UI_BTN_CLEANED,     /* finished: "I have wiped the boots" */
	UI_BTN_RESET_FAULT, /* staff station */
	UI_BTN_STAFF_CLEANED,
	UI_BTN_STAFF_STOP,
	UI_BTN_SERVICE,                             /* out of service / back in service */
	UI_BTN_LANGUAGE,                            /* header: the next language */
	UI_BTN_STILL_HERE,                          /* boots on: the "Still there?" banner */
	UI_BTN_FAULT_INFO,                          /* staff station: technician advice */
	UI_BTN_ZONE0,                               /* adjust: zone k of the leg, foot first */
	UI_BTN_ITEM0 = UI_BTN_ZONE0 + UI_MAX_ZONES, /* list buttons */
	UI_BTN_COUNT = UI_BTN_ITEM0 + UI_MAX_ITEMS
};

/* Regions drawn but not touched. */
enum ui_area {
	UI_AREA_HEADER,
	UI_AREA_TITLE,    /* header text between the header buttons */
	UI_AREA_CONTENT,  /* below the header */
	UI_AREA_MESSAGE,  /* main text block of a screen */
	UI_AREA_PROGRESS, /* screening progress bar */
	UI_AREA_COUNTDOWN,
	UI_AREA_STATUS, /* running: phase line, pressure */
	UI_AREA_WAVE,
	UI_AREA_PICTURE0, /* boots-on pictures, 3 of them */
	UI_AREA_PICTURE1,
	UI_AREA_PICTURE2,
	UI_AREA_DOTS,     /* PIN dots */
	UI_AREA_DURATION, /* adjust: value panels */
	UI_AREA_INTENSITY,
	UI_AREA_PAGE, /* programs: "1 / 2" */
	UI_AREA_TOAST,
	UI_AREA_PROGRESS_BAR, /* the bar at the bottom of UI_AREA_PROGRESS */
	UI_AREA_LEG,          /* adjust: the leg picture (zones are buttons) */
	UI_AREA_SUMMARY,      /* finished: minutes and the wave delivered */
	UI_AREA_COUNT
};

struct ui_layout_input {
	size_t station_count;
	size_t program_count;
	size_t program_page; /* programs screen: which page */
	size_t zone_count;   /* adjust: zones of the station */
	size_t item_count;   /* which / service reason: list buttons */
};

struct ui_layout {
	enum ui_screen screen;
	struct ui_rect button[UI_BTN_COUNT];
	struct ui_rect area[UI_AREA_COUNT];
	size_t programs_per_page; /* programs screen */
	size_t program_pages;
};

/* Metrics for a w x h window on a panel with the given diagonal (0 = assume
 * a 7" panel, 178 mm). */
void ui_metrics_compute(struct ui_metrics *m, int w, int h, unsigned int diagonal_mm);

/* Rectangles of one screen. */
void ui_layout_compute(struct ui_layout *out, const struct ui_metrics *m, enum ui_screen screen,
                       const struct ui_layout_input *in);

/* Width of the filled part of the screening progress bar while question
 * index (0-based) of count is asked: questions done plus the current one. */
int ui_progress_fill_w(int bar_w, unsigned int index, unsigned int count);

/* The button under (x, y), or UI_BTN_NONE. */
enum ui_button ui_layout_hit(const struct ui_layout *l, int x, int y);

bool ui_rect_contains(struct ui_rect r, int x, int y);
const char *ui_screen_name(enum ui_screen s); /* "overview", "question", ... */

#endif
