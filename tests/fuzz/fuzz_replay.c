/* SPDX-License-Identifier: MIT */
/*
 * A libFuzzer stand-in for compilers without -fsanitize=fuzzer (gcc): replays
 * every file of the corpus folders given, then feeds a bounded number of
 * random mutations of them (byte flips, inserts, deletes, splices, JSON
 * tokens) to LLVMFuzzerTestOneInput.  Run under ASan/UBSan to catch what
 * libFuzzer would.
 *   fuzz_replay [-iterations=N] [-seed=S] DIR...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_INPUT 6000u
#define MAX_SEEDS 256u

struct seed {
	uint8_t *data;
	size_t len;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	/* xorshift64*: reproducible from -seed. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static size_t load_dir(const char *dir, struct seed *seeds, size_t count)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d) {
		fprintf(stderr, "fuzz_replay: cannot open corpus folder %s\n", dir);
		exit(2);
	}
	while ((de = readdir(d)) && count < MAX_SEEDS) {
		char path[4096];
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		uint8_t *buf = malloc(REPLAY_MAX_INPUT);
		size_t n = buf ? fread(buf, 1, REPLAY_MAX_INPUT, f) : 0;
		fclose(f);
		if (!buf)
			continue;
		seeds[count].data = buf;
		seeds[count].len = n;
		count++;
	}
	closedir(d);
	return count;
}

static const char *const tokens[] = {
    "{",        "}",         "[",    "]",       ",",     ":",  "\"",         "\\",
    "\\u0000",  "\\ud800",   "null", "true",    "1e999", "-0", "\"action\"", "\"request_id\"",
    "\"stop\"", "\"start\"", "\xff", "\xc3\xa9"};

static size_t mutate(uint8_t *buf, size_t len, const struct seed *seeds, size_t nseeds)
{
	unsigned int rounds = 1u + (unsigned int)(rng() % 8u);

	for (unsigned int r = 0; r < rounds; r++) {
		size_t pos = len ? (size_t)(rng() % len) : 0;
		switch (rng() % 6u) {
		case 0: /* flip */
			if (len)
				buf[pos] ^= (uint8_t)(1u << (rng() % 8u));
			break;
		case 1: /* random byte */
			if (len)
				buf[pos] = (uint8_t)rng();
			break;
		case 2: /* delete a run */
			if (len) {
				size_t n = 1u + (size_t)(rng() % 8u);
				if (n > len - pos)
					n = len - pos;
				memmove(buf + pos, buf + pos + n, len - pos - n);
				len -= n;
			}
			break;
		case 3: { /* insert a token */
			const char *t = tokens[rng() % (sizeof(tokens) / sizeof(tokens[0]))];
			size_t n = strlen(t);
			if (len + n <= REPLAY_MAX_INPUT) {
				memmove(buf + pos + n, buf + pos, len - pos);
				memcpy(buf + pos, t, n);
				len += n;
			}
			break;
		}
		case 4: { /* splice another seed's tail */
			const struct seed *o = &seeds[rng() % nseeds];
			size_t from = o->len ? (size_t)(rng() % o->len) : 0;
			size_t n = o->len - from;
			if (pos + n > REPLAY_MAX_INPUT)
				n = REPLAY_MAX_INPUT - pos;
			memcpy(buf + pos, o->data + from, n);
			len = pos + n;
			break;
		}
		default: /* duplicate a run (deep nesting, long strings) */
			if (len) {
				size_t n = 1u + (size_t)(rng() % 16u);
				if (n > len - pos)
					n = len - pos;
				size_t reps = 1u + (size_t)(rng() % 64u);
				for (size_t k = 0; k < reps && len + n <= REPLAY_MAX_INPUT; k++) {
					memmove(buf + pos + n, buf + pos, len - pos);
					len += n;
				}
			}
			break;
		}
	}
	return len;
}

int main(int argc, char **argv)
{
	static struct seed seeds[MAX_SEEDS];
	size_t nseeds = 0;
	unsigned long iterations = 200000;

	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "-iterations=", 12) == 0)
			iterations = strtoul(argv[i] + 12, NULL, 10);
		else if (strncmp(argv[i], "-seed=", 6) == 0)
			rng_state = strtoull(argv[i] + 6, NULL, 10) | 1u;
		else
			nseeds = load_dir(argv[i], seeds, nseeds);
	}
	if (nseeds == 0) {
		fprintf(stderr, "fuzz_replay: no corpus files; pass a folder of seed inputs\n");
		return 2;
	}
	for (size_t i = 0; i < nseeds; i++)
		LLVMFuzzerTestOneInput(seeds[i].data, seeds[i].len);

	uint8_t *buf = malloc(REPLAY_MAX_INPUT);
	if (!buf)
		return 2;
	for (unsigned long it = 0; it < iterations; it++) {
		const struct seed *s = &seeds[rng() % nseeds];
		memcpy(buf, s->data, s->len);
		size_t len = mutate(buf, s->len, seeds, nseeds);
		LLVMFuzzerTestOneInput(buf, len);
	}
	free(buf);
	for (size_t i = 0; i < nseeds; i++)
		free(seeds[i].data);
	printf("fuzz_replay: %zu seeds, %lu mutations, no crash\n", nseeds, iterations);
	return 0;
}
