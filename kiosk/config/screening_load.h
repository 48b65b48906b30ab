/* SPDX-License-Identifier: MIT */
/*
 * screening.conf (inih): one [question.<id>] section per question with
 * class = absolute | relative | acknowledge and text = ... / text.<lang> = ...
 *
 * Threading: the caller's; the set is read-only once loaded.
 */
#ifndef KIOSK_CONFIG_SCREENING_LOAD_H
#define KIOSK_CONFIG_SCREENING_LOAD_H

#include <stddef.h>

#include "core/screening.h"

/* Load and validate; errors name file, line and fix ("path:line: ...").
 * text is English (langs[0] = "en"); text.<lang> adds a translation, and a
 * language must then be given for every question.  Indented lines continue
 * a text.  On error the set is left empty.  Never prints. */
int screening_set_load(struct screening_set *set, const char *path, char *err, size_t err_len);

#endif
