/* SPDX-License-Identifier: MIT */
/* Reporting and gpio-sim through configfs and sysfs; see ktest.h. */
#include "ktest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------ reporting */

bool check(struct ktest *kt, const char *name, bool ok, const char *fmt, ...)
{
	char detail[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (ok) {
		printf("KTEST PASS %s (%s)\n", name, detail);
	} else {
		printf("KTEST FAIL %s: %s\n", name, detail);
		kt->failures++;
	}
	fflush(stdout);
	return ok;
}

/* -------------------------------------------------- configfs and sysfs */

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int e;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	e = n < 0 ? -errno : 0;
	close(fd);
	return e;
}

static int read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int cfs_write(const char *rel, const char *text)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", CFS_DEV, rel);
	return write_text(path, text);
}

static int cfs_mkdir(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s%s%s", CFS_DEV, rel[0] ? "/" : "", rel);
	return mkdir(path, 0755) == 0 ? 0 : -errno;
}

/* The kernel's view of a line: its electrical level, 0 or 1 (or -errno). */
int sim_value(const struct ktest *kt, unsigned int line)
{
	char path[256];
	char buf[8];
	int e;

	snprintf(path, sizeof(path), "%s/sim_gpio%u/value", kt->sim_dir, line);
	e = read_text(path, buf, sizeof(buf));
	if (e)
		return e;
	return buf[0] == '1' ? 1 : 0;
}

/* What the outside world does to an input: pull it up or down. */
int sim_pull(const struct ktest *kt, unsigned int line, bool up)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/sim_gpio%u/pull", kt->sim_dir, line);
	return write_text(path, up ? "pull-up" : "pull-down");
}

/* Kernel-side levels of lines first..first+n-1 as a string like "0110". */
void sim_levels(const struct ktest *kt, unsigned int first, unsigned int n, char *out)
{
	for (unsigned int i = 0; i < n; i++) {
		int v = sim_value(kt, first + i);
		out[i] = v < 0 ? '?' : (char)('0' + v);
	}
	out[n] = '\0';
}

int sim_chip_create(struct ktest *kt)
{
	static const struct {
		unsigned int line;
		const char *name;
	} names[] = {
	    {L_A_PUMP, "a-pump"},       {L_A_EXHAUST, "a-exhaust"}, {L_A_ZONE1, "a-zone1"},
	    {L_A_ZONE1 + 1, "a-zone2"}, {L_A_ZONE1 + 2, "a-zone3"}, {L_A_ZONE1 + 3, "a-zone4"},
	    {L_A_ZONE1 + 4, "a-zone5"}, {L_A_BUTTON, "a-stop"},     {L_B_PUMP, "b-pump"},
	    {L_B_EXHAUST, "b-exhaust"}, {L_B_ZONE1, "b-zone1"},     {L_B_ZONE1 + 1, "b-zone2"},
	    {L_B_BUTTON, "b-stop"},     {L_C_EXHAUST, "hogged"},    {L_D_ZONE1, "taken"},
	};
	char rel[64], num[16], dev[64], chip[64];
	int e = 0;

	e = e ? e : cfs_mkdir("");
	e = e ? e : cfs_mkdir("bank0");
	snprintf(num, sizeof(num), "%u", SIM_LINES);
	e = e ? e : cfs_write("bank0/num_lines", num);
	e = e ? e : cfs_write("bank0/label", SIM_LABEL);
	for (size_t i = 0; !e && i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(rel, sizeof(rel), "bank0/line%u", names[i].line);
		e = cfs_mkdir(rel);
		snprintf(rel, sizeof(rel), "bank0/line%u/name", names[i].line);
		e = e ? e : cfs_write(rel, names[i].name);
	}
	snprintf(rel, sizeof(rel), "bank0/line%u/hog", (unsigned int)L_C_EXHAUST);
	e = e ? e : cfs_mkdir(rel);
	snprintf(rel, sizeof(rel), "bank0/line%u/hog/name", (unsigned int)L_C_EXHAUST);
	e = e ? e : cfs_write(rel, HOG_NAME);
	snprintf(rel, sizeof(rel), "bank0/line%u/hog/direction", (unsigned int)L_C_EXHAUST);
	e = e ? e : cfs_write(rel, "output-high");
	e = e ? e : cfs_write("live", "1");
	e = e ? e : read_text(CFS_DEV "/dev_name", dev, sizeof(dev));
	e = e ? e : read_text(CFS_DEV "/bank0/chip_name", chip, sizeof(chip));
	if (e)
		return e;
	snprintf(kt->sim_dir, sizeof(kt->sim_dir), "/sys/devices/platform/%s/%s", dev, chip);
	printf("KTEST INFO chip %s label %s at %s\n", chip, SIM_LABEL, kt->sim_dir);
	return 0;
}
