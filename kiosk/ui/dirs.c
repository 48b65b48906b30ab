/* SPDX-License-Identifier: MIT */
/* Where the fonts and the translations are (see ui_find_dirs in ui.h). */
#include "ui/ui.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef KIOSK_DATADIR
#define KIOSK_DATADIR "/usr/share/recovery-kiosk"
#endif
#ifndef KIOSK_LOCALEDIR
#define KIOSK_LOCALEDIR "/usr/share/locale"
#endif

/* Whether the running binary lies under the build folder it was built in. */
static bool running_from_build_tree(void)
{
#if defined(KIOSK_BUILD_DIR)
	char exe[PATH_MAX], build[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t len;

	if (n <= 0 || !realpath(KIOSK_BUILD_DIR, build))
		return false;
	exe[n] = '\0';
	len = strlen(build);
	return strncmp(exe, build, len) == 0 && exe[len] == '/';
#else
	return false;
#endif
}

void ui_find_dirs(const char *assets_opt, struct ui_dirs *d)
{
	const char *env = getenv("KIOSK_ASSETS_DIR");
	bool build = running_from_build_tree();

	memset(d, 0, sizeof(*d));
	if (assets_opt && *assets_opt) {
		snprintf(d->assets, sizeof(d->assets), "%s", assets_opt);
		d->assets_from = "--assets";
	} else if (env && *env) {
		snprintf(d->assets, sizeof(d->assets), "%s", env);
		d->assets_from = "KIOSK_ASSETS_DIR";
	}
#if defined(KIOSK_SOURCE_ASSETS) && defined(KIOSK_BUILD_LOCALEDIR)
	if (build) {
		if (!d->assets_from) {
			snprintf(d->assets, sizeof(d->assets), "%s", KIOSK_SOURCE_ASSETS);
			d->assets_from = "the source tree (binary in its build folder)";
		}
		snprintf(d->locale, sizeof(d->locale), "%s", KIOSK_BUILD_LOCALEDIR);
		return;
	}
#else
	(void)build;
#endif
	if (!d->assets_from) {
		snprintf(d->assets, sizeof(d->assets), "%s", KIOSK_DATADIR);
		d->assets_from = "the install prefix";
	}
	snprintf(d->locale, sizeof(d->locale), "%s", KIOSK_LOCALEDIR);
}
