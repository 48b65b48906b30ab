/* SPDX-License-Identifier: MIT */
/*
 * Text through SDL2_ttf with a texture cache: each (font, colour, string) is
 * rasterised once and reused while it stays among the most recently used
 * UI_TEXT_CACHE_SIZE entries, so a redrawn frame mostly copies textures.
 *
 * Fonts: DejaVuSans.ttf and DejaVuSans-Bold.ttf from <assets>/fonts, opened
 * at the sizes of a struct ui_metrics.  Nothing is loaded from anywhere else.
 *
 * Threading: main (SDL) thread only.
 */
#ifndef KIOSK_UI_TEXT_H
#define KIOSK_UI_TEXT_H

#include <stddef.h>

#include <SDL.h>

#include "ui/layout.h"
#include "ui/theme.h"

#define UI_TEXT_CACHE_SIZE 256
#define UI_TEXT_MAX_LINES 16

struct text_cache;

enum text_align { TEXT_LEFT, TEXT_CENTER, TEXT_RIGHT };

/* Needs TTF_Init done.  NULL + errno, message in err (names the font file). */
struct text_cache *text_cache_create(SDL_Renderer *renderer, const char *fonts_dir,
                                     const struct ui_metrics *m, char *err, size_t err_len);
void text_cache_destroy(struct text_cache *tc); /* NULL ok */

/* Reopen the fonts at new sizes (window resized).  0 or -errno. */
int text_cache_set_metrics(struct text_cache *tc, const struct ui_metrics *m);

/* Pixel size of one line. */
void text_size(struct text_cache *tc, enum ui_font font, const char *s, int *w, int *h);
int text_line_height(struct text_cache *tc, enum ui_font font);

/* Draw one line with its top at y; x is the left edge, centre or right
 * edge by align.  Returns the width drawn. */
int text_draw(struct text_cache *tc, enum ui_font font, struct ui_color c, const char *s, int x,
              int y, enum text_align align);

/* Draw one line centred vertically in r (horizontally by align, within r). */
void text_draw_in(struct text_cache *tc, enum ui_font font, struct ui_color c, const char *s,
                  struct ui_rect r, enum text_align align);

/* Copy s into out, cut with "..." so it is at most max_w px wide. */
void text_ellipsize(struct text_cache *tc, enum ui_font font, const char *s, int max_w, char *out,
                    size_t out_len);

/* Word-wrap s into lines of at most max_w px.  Returns the number of lines
 * (<= UI_TEXT_MAX_LINES); line i is s[start[i]] for len[i] bytes. */
size_t text_wrap(struct text_cache *tc, enum ui_font font, const char *s, int max_w,
                 size_t start[UI_TEXT_MAX_LINES], size_t len[UI_TEXT_MAX_LINES]);

/* Draw a wrapped paragraph in r, vertically centred when valign_center.
 * Returns the height it needs (it may overflow r when that is larger). */
int text_draw_wrapped(struct text_cache *tc, enum ui_font font, struct ui_color c, const char *s,
                      struct ui_rect r, enum text_align align, int valign_center);

/* Height of s wrapped at max_w. */
int text_wrapped_height(struct text_cache *tc, enum ui_font font, const char *s, int max_w);

/* The largest font among candidates (in order) whose wrapping of s fits r. */
enum ui_font text_fit(struct text_cache *tc, const enum ui_font *candidates, size_t n,
                      const char *s, struct ui_rect r);

/* Tests: fn is called with every string drawn (whole, before wrapping). */
void text_cache_set_hook(struct text_cache *tc, void (*fn)(void *ctx, const char *s), void *ctx);

/* Statistics for the benchmark: cache hits and misses since creation. */
void text_cache_stats(const struct text_cache *tc, unsigned long *hits, unsigned long *misses);

#endif
