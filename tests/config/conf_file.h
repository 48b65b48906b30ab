/* SPDX-License-Identifier: MIT */
/*
 * Throw-away .conf files for the loader tests (kiosk.conf, programs.conf,
 * screening.conf) and the one check of a loader's error message.
 */
#ifndef TESTS_CORE_CONF_FILE_H
#define TESTS_CORE_CONF_FILE_H

#include <stddef.h>

/* Create an empty file /tmp/kiosk-test-<what>-XXXXXX and put its name in
 * path.  0, or -1 when it cannot be created. */
int conf_file_temp(char *path, size_t path_len, const char *what);

/* Replace the file's content with text; fails the test when it cannot. */
void conf_file_write(const char *path, const char *text);

/* err is a loader's error for the file at path: it must start
 * "<path>:<line>: " and contain what and fix; fails the test otherwise. */
void conf_file_expect_error(const char *err, const char *path, unsigned int line, const char *what,
                            const char *fix);

#endif
