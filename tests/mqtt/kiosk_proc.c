/* SPDX-License-Identifier: MIT */
#include "kiosk_proc.h"

#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "mqtt_test_support.h"

extern char **environ;

void kiosk_proc_config(struct kiosk_proc *k, const struct test_broker *b,
                       const struct kiosk_conf_opts *opts)
{
	const char *name = opts && opts->name ? opts->name : "kiosk";
	const char *site = opts && opts->site ? opts->site : TEST_SITE;
	unsigned int drop = opts ? opts->drop_station : 0;
	char pw[192], line[512], drop_hdr[32];
	FILE *in = fopen(KIOSK_SOURCE_ASSETS "/kiosk-sim.conf", "r");
	FILE *out;

	assert_non_null(in);
	snprintf(k->conf, sizeof(k->conf), "%s/%s.conf", b->dir, name);
	snprintf(k->state_dir, sizeof(k->state_dir), "%s/%s-state", b->dir, name);
	snprintf(k->log, sizeof(k->log), "%s/%s.log", b->dir, name);
	snprintf(pw, sizeof(pw), "%s/kiosk-password", b->dir);
	snprintf(drop_hdr, sizeof(drop_hdr), "[station.%u]", drop);
	out = fopen(pw, "w");
	assert_non_null(out);
	fprintf(out, "%s\n", TEST_PW_KIOSK);
	fclose(out);
	out = fopen(k->conf, "w");
	assert_non_null(out);
	bool in_mqtt = false, skipping = false;
	while (fgets(line, sizeof(line), in)) {
		if (line[0] == '[') {
			in_mqtt = strncmp(line, "[mqtt]", 6) == 0;
			skipping = drop && strncmp(line, drop_hdr, strlen(drop_hdr)) == 0;
		}
		if (skipping)
			continue;
		if (strncmp(line, "site ", 5) == 0 || strncmp(line, "site=", 5) == 0)
			fprintf(out, "site = %s\n", site);
		else if (strncmp(line, "programs ", 9) == 0)
			fprintf(out, "programs = %s/programs.conf\n", KIOSK_SOURCE_ASSETS);
		else if (strncmp(line, "screening ", 10) == 0)
			fprintf(out, "screening = %s/screening.conf\n", KIOSK_SOURCE_ASSETS);
		else if (strncmp(line, "state_dir ", 10) == 0)
			fprintf(out, "state_dir = %s\n", k->state_dir);
		else if (in_mqtt && strncmp(line, "host ", 5) == 0)
			fprintf(out, "host = 127.0.0.1\nusername = kiosk\npassword_file = %s\n",
			        pw);
		else if (in_mqtt && strncmp(line, "port ", 5) == 0)
			fprintf(out, "port = %u\n", b->port);
		else if (in_mqtt && strncmp(line, "enabled ", 8) == 0)
			fprintf(out, "enabled = true\n");
		else
			fputs(line, out);
	}
	fclose(in);
	fclose(out);
}

void kiosk_proc_start(struct kiosk_proc *k)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = {KIOSK_BINARY, "--sim", "--headless", "--config", k->conf, NULL};

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 2, k->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	assert_int_equal(posix_spawn(&k->pid, KIOSK_BINARY, &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
}

int kiosk_proc_reap(struct kiosk_proc *k, unsigned int timeout_ms)
{
	uint64_t until = test_now_ms() + timeout_ms;
	int status;

	while (k->pid > 0 && test_now_ms() < until) {
		pid_t p = waitpid(k->pid, &status, WNOHANG);
		if (p == k->pid) {
			k->pid = 0;
			return status;
		}
		poll(NULL, 0, 10);
	}
	return -1;
}

void kiosk_proc_kill9(struct kiosk_proc *k)
{
	kill(k->pid, SIGKILL);
	assert_true(kiosk_proc_reap(k, 5000) >= 0);
}

bool kiosk_proc_stop(struct kiosk_proc *k)
{
	kill(k->pid, SIGTERM);
	int status = kiosk_proc_reap(k, 10000);
	return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void kiosk_proc_dump_log(const struct kiosk_proc *k)
{
	char line[512];
	FILE *in = fopen(k->log, "r");

	if (!in)
		return;
	while (fgets(line, sizeof(line), in))
		fprintf(stderr, "kiosk| %s", line);
	fclose(in);
}

const struct test_msg *kiosk_proc_wait(const struct kiosk_proc *k, struct test_client *c,
                                       size_t from, const char *topic, const char *contains)
{
	const struct test_msg *m = NULL;

	if (test_client_wait(c, from, topic, contains, 8000, &m) < 0) {
		kiosk_proc_dump_log(k);
		fail_msg("no message on %s containing %s", topic,
		         contains ? contains : "(anything)");
	}
	return m;
}

bool kiosk_proc_log_has(const struct kiosk_proc *k, const char *text)
{
	char line[1024];
	bool found = false;
	FILE *in = fopen(k->log, "r");

	if (!in)
		return false;
	while (!found && fgets(line, sizeof(line), in))
		found = strstr(line, text) != NULL;
	fclose(in);
	return found;
}

int kiosk_proc_run(const struct kiosk_proc *k, const char *const *args, const char *out_path)
{
	posix_spawn_file_actions_t fa;
	char *argv[16];
	size_t n = 0;
	pid_t pid;
	int status;

	argv[n++] = KIOSK_BINARY;
	argv[n++] = "--config";
	argv[n++] = (char *)k->conf;
	for (size_t i = 0; args[i] && n + 1 < sizeof(argv) / sizeof(argv[0]); i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	int rc = posix_spawn(&pid, KIOSK_BINARY, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}
