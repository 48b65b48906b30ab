/* SPDX-License-Identifier: MIT */
/*
 * sdl_floor: the least an SDL2 + SDL2_ttf program can cost, for
 * bench_idle.sh to hold the kiosk against.  It opens a window the kiosk's
 * size with the renderer the kiosk asks for (SDL's software renderer, the
 * environment may override it as for the kiosk), draws one line of text in
 * the kiosk's font, presents it, then sleeps in SDL_WaitEvent and draws again
 * only when the window is exposed.  It ends on SDL_QUIT (SIGTERM or SIGINT,
 * through SDL's own signal handlers).
 *
 *   sdl_floor [--width W] [--height H] [--font FILE]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>
#include <SDL_ttf.h>

#define FLOOR_TEXT "Recovery kiosk: one line of text, then SDL_WaitEvent"

struct floor_app {
	SDL_Window *window;
	SDL_Renderer *renderer;
	SDL_Texture *text;
	int text_w, text_h;
};

static int make_text(struct floor_app *a, const char *font_path, int px)
{
	SDL_Color white = {255, 255, 255, 255};
	TTF_Font *font = TTF_OpenFont(font_path, px);
	SDL_Surface *s;

	if (font == NULL) {
		fprintf(stderr, "sdl_floor: %s: %s\n", font_path, TTF_GetError());
		return -1;
	}
	s = TTF_RenderUTF8_Blended(font, FLOOR_TEXT, white);
	TTF_CloseFont(font);
	if (s == NULL)
		return -1;
	a->text = SDL_CreateTextureFromSurface(a->renderer, s);
	a->text_w = s->w;
	a->text_h = s->h;
	SDL_FreeSurface(s);
	return a->text ? 0 : -1;
}

static void draw(struct floor_app *a, int w, int h)
{
	SDL_Rect dst = {(w - a->text_w) / 2, (h - a->text_h) / 2, a->text_w, a->text_h};

	SDL_SetRenderDrawColor(a->renderer, 16, 24, 32, 255);
	SDL_RenderClear(a->renderer);
	SDL_RenderCopy(a->renderer, a->text, NULL, &dst);
	SDL_RenderPresent(a->renderer);
}

int main(int argc, char **argv)
{
	struct floor_app a = {0};
	const char *font = KIOSK_SOURCE_ASSETS "/fonts/DejaVuSans.ttf";
	int w = 1024, h = 600, ret = 1;
	SDL_Event ev;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--width") == 0 && i + 1 < argc)
			w = atoi(argv[++i]);
		else if (strcmp(argv[i], "--height") == 0 && i + 1 < argc)
			h = atoi(argv[++i]);
		else if (strcmp(argv[i], "--font") == 0 && i + 1 < argc)
			font = argv[++i];
		else {
			fprintf(stderr, "usage: %s [--width W] [--height H] [--font FILE]\n",
			        argv[0]);
			return 2;
		}
	}
	/* The kiosk's renderer choice (ui.c), so both draw the same way. */
	SDL_SetHintWithPriority(SDL_HINT_RENDER_DRIVER, "software", SDL_HINT_DEFAULT);
	SDL_SetHintWithPriority(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0", SDL_HINT_DEFAULT);
	if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
		fprintf(stderr, "sdl_floor: %s\n", SDL_GetError());
		return 1;
	}
	if (TTF_Init() != 0)
		goto out_sdl;
	a.window = SDL_CreateWindow("sdl_floor", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w,
	                            h, SDL_WINDOW_SHOWN);
	a.renderer = a.window ? SDL_CreateRenderer(a.window, -1, 0) : NULL;
	if (a.renderer == NULL || make_text(&a, font, h / 20) < 0) {
		fprintf(stderr, "sdl_floor: %s\n", SDL_GetError());
		goto out_ttf;
	}
	draw(&a, w, h);
	while (SDL_WaitEvent(&ev)) {
		if (ev.type == SDL_QUIT)
			break;
		if (ev.type == SDL_WINDOWEVENT && ev.window.event == SDL_WINDOWEVENT_EXPOSED)
			draw(&a, w, h);
	}
	ret = 0;
out_ttf:
	if (a.text)
		SDL_DestroyTexture(a.text);
	if (a.renderer)
		SDL_DestroyRenderer(a.renderer);
	if (a.window)
		SDL_DestroyWindow(a.window);
	TTF_Quit();
out_sdl:
	SDL_Quit();
	return ret;
}
