/* SPDX-License-Identifier: MIT */
/* Throw-away .conf files for the loader tests; see conf_file.h. */
#include "conf_file.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

int conf_file_temp(char *path, size_t path_len, const char *what)
{
	int fd;

	snprintf(path, path_len, "/tmp/kiosk-test-%s-XXXXXX", what);
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

void conf_file_write(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

void conf_file_expect_error(const char *err, const char *path, unsigned int line, const char *what,
                            const char *fix)
{
	char prefix[256];

	snprintf(prefix, sizeof(prefix), "%s:%u: ", path, line);
	if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, what) || !strstr(err, fix))
		fail_msg("want '%s...%s...%s', got '%s'", prefix, what, fix, err);
}
