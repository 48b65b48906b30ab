/* SPDX-License-Identifier: MIT */
#include "ui/text.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL_ttf.h>

#define KEY_MAX 192

struct text_entry {
	SDL_Texture *tex;
	uint64_t hash;
	uint64_t last_used;
	uint32_t color;
	int font;
	int w, h;
	char key[KEY_MAX];
};

struct text_cache {
	SDL_Renderer *renderer;
	char regular_path[512];
	char bold_path[512];
	TTF_Font *font[UI_FONT_COUNT];
	struct text_entry entry[UI_TEXT_CACHE_SIZE];
	uint64_t clock;
	unsigned long hits, misses;
	void (*hook)(void *ctx, const char *s);
	void *hook_ctx;
};

static bool font_is_bold(enum ui_font f)
{
	return f != UI_FONT_SMALL && f != UI_FONT_BODY;
}

static void cache_clear(struct text_cache *tc)
{
	for (size_t i = 0; i < UI_TEXT_CACHE_SIZE; i++) {
		if (tc->entry[i].tex)
			SDL_DestroyTexture(tc->entry[i].tex);
		memset(&tc->entry[i], 0, sizeof(tc->entry[i]));
	}
}

static void fonts_close(struct text_cache *tc)
{
	for (int i = 0; i < UI_FONT_COUNT; i++) {
		if (tc->font[i])
			TTF_CloseFont(tc->font[i]);
		tc->font[i] = NULL;
	}
}

static int fonts_open(struct text_cache *tc, const struct ui_metrics *m, char *err, size_t err_len)
{
	for (int i = 0; i < UI_FONT_COUNT; i++) {
		const char *path = font_is_bold((enum ui_font)i) ? tc->bold_path : tc->regular_path;
		int px = m->font_px[i] > 4 ? m->font_px[i] : 4;

		tc->font[i] = TTF_OpenFont(path, px);
		if (!tc->font[i]) {
			if (err)
				/* The caller adds where to point the kiosk. */
				snprintf(err, err_len, "cannot open font %s: %s", path,
				         TTF_GetError());
			fonts_close(tc);
			return -ENOENT;
		}
		TTF_SetFontHinting(tc->font[i], TTF_HINTING_LIGHT);
	}
	return 0;
}

struct text_cache *text_cache_create(SDL_Renderer *renderer, const char *fonts_dir,
                                     const struct ui_metrics *m, char *err, size_t err_len)
{
	struct text_cache *tc = calloc(1, sizeof(*tc));
	int rc;

	if (!tc) {
		if (err)
			snprintf(err, err_len, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	tc->renderer = renderer;
	snprintf(tc->regular_path, sizeof(tc->regular_path), "%s/DejaVuSans.ttf", fonts_dir);
	snprintf(tc->bold_path, sizeof(tc->bold_path), "%s/DejaVuSans-Bold.ttf", fonts_dir);
	rc = fonts_open(tc, m, err, err_len);
	if (rc < 0) {
		free(tc);
		errno = -rc;
		return NULL;
	}
	return tc;
}

void text_cache_destroy(struct text_cache *tc)
{
	if (!tc)
		return;
	cache_clear(tc);
	fonts_close(tc);
	free(tc);
}

int text_cache_set_metrics(struct text_cache *tc, const struct ui_metrics *m)
{
	cache_clear(tc);
	fonts_close(tc);
	return fonts_open(tc, m, NULL, 0);
}

static uint64_t hash_key(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

static uint32_t color_key(struct ui_color c)
{
	return (uint32_t)c.r << 24 | (uint32_t)c.g << 16 | (uint32_t)c.b << 8 | c.a;
}

/* The cached texture for s[0..n), rasterising it on a miss. */
static struct text_entry *lookup(struct text_cache *tc, enum ui_font font, struct ui_color c,
                                 const char *s, size_t n)
{
	uint64_t h;
	uint32_t ck = color_key(c);
	struct text_entry *victim = &tc->entry[0];
	SDL_Surface *surf;
	char buf[KEY_MAX];

	if (n >= KEY_MAX)
		n = KEY_MAX - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	h = hash_key(buf, n);
	tc->clock++;
	for (size_t i = 0; i < UI_TEXT_CACHE_SIZE; i++) {
		struct text_entry *e = &tc->entry[i];
		if (e->tex && e->hash == h && e->color == ck && e->font == (int)font &&
		    strcmp(e->key, buf) == 0) {
			e->last_used = tc->clock;
			tc->hits++;
			return e;
		}
		if (!e->tex || (victim->tex && e->last_used < victim->last_used))
			victim = e;
	}
	tc->misses++;
	if (victim->tex)
		SDL_DestroyTexture(victim->tex);
	memset(victim, 0, sizeof(*victim));
	if (n == 0)
		return NULL;
	{
		SDL_Color sc = {c.r, c.g, c.b, c.a};
		surf = TTF_RenderUTF8_Blended(tc->font[font], buf, sc);
	}
	if (!surf)
		return NULL;
	victim->tex = SDL_CreateTextureFromSurface(tc->renderer, surf);
	victim->w = surf->w;
	victim->h = surf->h;
	SDL_FreeSurface(surf);
	if (!victim->tex)
		return NULL;
	victim->hash = h;
	victim->color = ck;
	victim->font = (int)font;
	victim->last_used = tc->clock;
	memcpy(victim->key, buf, n + 1);
	return victim;
}

void text_size(struct text_cache *tc, enum ui_font font, const char *s, int *w, int *h)
{
	int tw = 0, th = 0;
	if (s && *s)
		TTF_SizeUTF8(tc->font[font], s, &tw, &th);
	else
		th = TTF_FontHeight(tc->font[font]);
	if (w)
		*w = tw;
	if (h)
		*h = th;
}

int text_line_height(struct text_cache *tc, enum ui_font font)
{
	return TTF_FontHeight(tc->font[font]);
}

static int draw_n(struct text_cache *tc, enum ui_font font, struct ui_color c, const char *s,
                  size_t n, int x, int y, enum text_align align)
{
	struct text_entry *e = lookup(tc, font, c, s, n);
	SDL_Rect dst;

	if (!e)
		return 0;
	dst.w = e->w;
	dst.h = e->h;
	dst.y = y;
	dst.x = align == TEXT_LEFT ? x : align == TEXT_CENTER ? x - e->w / 2 : x - e->w;
	SDL_RenderCopy(tc->renderer, e->tex, NULL, &dst);
	return e->w;
}

int text_draw(struct text_cache *tc, enum ui_font font, struct ui_color c, const char *s, int x,
              int y, enum text_align align)
{
	if (s && tc->hook && s[0])
		tc->hook(tc->hook_ctx, s);
	return s ? draw_n(tc, font, c, s, strlen(s), x, y, align) : 0;
}

static int align_x(struct ui_rect r, enum text_align align)
{
	return align == TEXT_LEFT ? r.x : align == TEXT_CENTER ? r.x + r.w / 2 : r.x + r.w;
}

void text_draw_in(struct text_cache *tc, enum ui_font font, struct ui_color c, const char *s,
                  struct ui_rect r, enum text_align align)
{
	int h = text_line_height(tc, font);
	text_draw(tc, font, c, s, align_x(r, align), r.y + (r.h - h) / 2, align);
}

static int measure_n(struct text_cache *tc, enum ui_font font, const char *s, size_t n)
{
	char buf[512];
	int w = 0;

	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	TTF_SizeUTF8(tc->font[font], buf, &w, NULL);
	return w;
}

void text_ellipsize(struct text_cache *tc, enum ui_font font, const char *s, int max_w, char *out,
                    size_t out_len)
{
	size_t n = strlen(s);

	snprintf(out, out_len, "%s", s);
	if (measure_n(tc, font, s, n) <= max_w)
		return;
	while (n > 0) {
		n--;
		/* Do not cut inside a UTF-8 sequence. */
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		snprintf(out, out_len, "%.*s...", (int)n, s);
		if (measure_n(tc, font, out, strlen(out)) <= max_w)
			return;
	}
}

size_t text_wrap(struct text_cache *tc, enum ui_font font, const char *s, int max_w,
                 size_t start[UI_TEXT_MAX_LINES], size_t len[UI_TEXT_MAX_LINES])
{
	size_t lines = 0, pos = 0, total = strlen(s);

	while (pos < total && lines < UI_TEXT_MAX_LINES) {
		size_t line_end = pos, best = pos, i = pos;

		/* Greedy: extend word by word while the line fits. */
		while (i <= total) {
			if (i == total || s[i] == ' ' || s[i] == '\n') {
				if (measure_n(tc, font, s + pos, i - pos) <= max_w || best == pos) {
					best = i;
					if (i == total || s[i] == '\n')
						break;
				} else {
					break;
				}
			}
			i++;
		}
		line_end = best;
		if (line_end == pos) /* one word longer than the line: keep it whole */
			while (line_end < total && s[line_end] != ' ' && s[line_end] != '\n')
				line_end++;
		start[lines] = pos;
		len[lines] = line_end - pos;
		lines++;
		pos = line_end;
		if (pos < total && (s[pos] == ' ' || s[pos] == '\n'))
			pos++;
		while (pos < total && s[pos] == ' ')
			pos++;
	}
	return lines;
}

int text_wrapped_height(struct text_cache *tc, enum ui_font font, const char *s, int max_w)
{
	size_t start[UI_TEXT_MAX_LINES], len[UI_TEXT_MAX_LINES];
	size_t n = text_wrap(tc, font, s, max_w, start, len);
	int lh = TTF_FontLineSkip(tc->font[font]);
	return (int)n * lh;
}

int text_draw_wrapped(struct text_cache *tc, enum ui_font font, struct ui_color c, const char *s,
                      struct ui_rect r, enum text_align align, int valign_center)
{
	size_t start[UI_TEXT_MAX_LINES], len[UI_TEXT_MAX_LINES];
	size_t n = text_wrap(tc, font, s, r.w, start, len);
	int lh = TTF_FontLineSkip(tc->font[font]);
	int total = (int)n * lh;
	int y = valign_center && total < r.h ? r.y + (r.h - total) / 2 : r.y;

	if (tc->hook && s[0])
		tc->hook(tc->hook_ctx, s);
	for (size_t i = 0; i < n; i++)
		draw_n(tc, font, c, s + start[i], len[i], align_x(r, align), y + (int)i * lh,
		       align);
	return total;
}

enum ui_font text_fit(struct text_cache *tc, const enum ui_font *candidates, size_t n,
                      const char *s, struct ui_rect r)
{
	for (size_t i = 0; i < n; i++) {
		size_t start[UI_TEXT_MAX_LINES], len[UI_TEXT_MAX_LINES];
		size_t lines = text_wrap(tc, candidates[i], s, r.w, start, len);
		int widest = 0;

		for (size_t k = 0; k < lines; k++) {
			int w = measure_n(tc, candidates[i], s + start[k], len[k]);
			if (w > widest)
				widest = w;
		}
		if (widest <= r.w && (int)lines * TTF_FontLineSkip(tc->font[candidates[i]]) <= r.h)
			return candidates[i];
	}
	return candidates[n - 1];
}

void text_cache_stats(const struct text_cache *tc, unsigned long *hits, unsigned long *misses)
{
	*hits = tc->hits;
	*misses = tc->misses;
}

void text_cache_set_hook(struct text_cache *tc, void (*fn)(void *ctx, const char *s), void *ctx)
{
	tc->hook = fn;
	tc->hook_ctx = ctx;
}
