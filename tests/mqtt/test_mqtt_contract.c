/* SPDX-License-Identifier: MIT */
/*
 * The MQTT contract checked from outside: tests/mqtt/contract.py (paho-mqtt
 * and python3-jsonschema from Debian, Jinja2 for Home Assistant's
 * templates) against the kiosk's real MQTT link and event log on the real
 * controller (stepped here in virtual time, station hardware simulated) and
 * a real mosquitto with the example ACL.  The script validates every
 * message against docs/schemas/, checks the Home Assistant discovery, and
 * runs the staff flow through the Home Assistant entities' topics only;
 * this side plays the member at the station when the script asks
 * ("MEMBER start <n>", "MEMBER fault <n>").
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "kiosk_side.h"
#include "mqtt_test_support.h"
#include "sim_rig.h"

#define SOURCE_DIR KIOSK_SOURCE_ASSETS "/.."

extern char **environ;

struct fx {
	struct test_broker broker;
	struct sim_rig *rig;
	struct kiosk_side *side;
};

static int setup(void **state)
{
	/* Station 2 has no sensor: no pressure entity for it. */
	static const struct sim_station_spec specs[3] = {
	    {5, SENSOR_SIM}, {4, SENSOR_NONE}, {5, SENSOR_SIM}};
	struct fx *f = calloc(1, sizeof(*f));
	char err[256] = "";

	assert_non_null(f);
	assert_int_equal(test_broker_start(&f->broker, SOURCE_DIR), 0);
	f->rig = sim_rig_new(3, specs);
	struct kiosk_config *cfg = &f->rig->cfg;
	kiosk_side_config(cfg, &f->broker);
	f->side = kiosk_side_start(cfg, f->rig->ctl, "0.1.0-contract", err, sizeof(err));
	if (!f->side)
		fail_msg("kiosk_side_start: %s", err);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	kiosk_side_destroy(f->side);
	sim_rig_free(f->rig);
	test_broker_cleanup(&f->broker);
	free(f);
	return 0;
}

/* Steps the core until station index i is in state want (virtual time). */
static void step_until_state(struct fx *f, size_t i, enum station_state want, uint64_t max_ms)
{
	uint64_t end = f->rig->now_ms + max_ms;

	while (sim_state(f->rig, i) != want && f->rig->now_ms < end)
		sim_step(f->rig);
	assert_int_equal(sim_state(f->rig, i), want);
}

static void member(struct fx *f, const char *line)
{
	unsigned int n = 0;

	if (sscanf(line, "MEMBER start %u", &n) == 1) {
		sim_start_session(f->rig, n - 1, sim_program(f->rig, "standard"), 0);
	} else if (sscanf(line, "MEMBER fault %u", &n) == 1) {
		/* Something presses on the manifold while a session holds. */
		sim_start_session(f->rig, n - 1, sim_program(f->rig, "standard"), 0);
		struct station_snapshot s;
		uint64_t end = f->rig->now_ms + 60000u;
		do {
			sim_step(f->rig);
			sim_station(f->rig, n - 1, &s);
		} while (s.phase != PHASE_HOLD && f->rig->now_ms < end);
		boot_sim_set_manifold_mmhg(f->rig->sim[n - 1], 104.0);
		step_until_state(f, n - 1, STATION_FAULT, 1000);
	} else {
		fail_msg("the script asked for something unknown: %s", line);
	}
}

/* Runs contract.py with args while stepping the core; its output goes to
 * our stdout.  Returns its exit status. */
static int run_contract(struct fx *f, const char *const *extra)
{
	char port[16];
	char *argv[32];
	size_t n = 0;
	int out[2];
	pid_t pid;
	posix_spawn_file_actions_t fa;

	snprintf(port, sizeof(port), "%u", f->broker.port);
	argv[n++] = KIOSK_PYTHON;
	argv[n++] = SOURCE_DIR "/tests/mqtt/contract.py";
	const char *fixed[] = {
	    "--port",      port,     "--user",       "staff",     "--password",
	    TEST_PW_STAFF, "--site", TEST_SITE,      "--schemas", SOURCE_DIR "/docs/schemas",
	    "--stations",  "3",      "--sensorless", "2",         "--fault-station",
	    "3",           NULL};
	for (size_t i = 0; fixed[i]; i++)
		argv[n++] = (char *)fixed[i];
	for (size_t i = 0; extra[i]; i++)
		argv[n++] = (char *)extra[i];
	argv[n] = NULL;
	assert_int_equal(pipe(out), 0);
	fcntl(out[0], F_SETFD, FD_CLOEXEC);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	assert_int_equal(posix_spawn(&pid, KIOSK_PYTHON, &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);

	char buf[4096];
	size_t have = 0;
	bool open_pipe = true;
	uint64_t until = test_now_ms() + 180000u;
	while (open_pipe && test_now_ms() < until) {
		/* About ten times real time: the core waits for nobody. */
		sim_step(f->rig);
		struct pollfd p = {.fd = out[0], .events = POLLIN};
		if (poll(&p, 1, 2) <= 0)
			continue;
		ssize_t r = read(out[0], buf + have, sizeof(buf) - 1 - have);
		if (r <= 0) {
			open_pipe = false;
			continue;
		}
		have += (size_t)r;
		buf[have] = '\0';
		char *nl;
		while ((nl = strchr(buf, '\n'))) {
			*nl = '\0';
			printf("contract.py| %s\n", buf);
			if (strncmp(buf, "MEMBER ", 7) == 0)
				member(f, buf);
			size_t used = (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, have - used + 1);
			have -= used;
		}
	}
	close(out[0]);
	int status;
	if (open_pipe)
		kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_contract_v5_client_every_payload_valid_and_the_staff_flow_through_ha(void **state)
{
	struct fx *f = *state;
	static const char *const extra[] = {"--protocol", "5", NULL};

	assert_int_equal(run_contract(f, extra), 0);
}

static void test_contract_v311_client_every_payload_valid_and_the_service_flow(void **state)
{
	struct fx *f = *state;
	static const char *const extra[] = {"--protocol", "3.1.1", "--short", NULL};

	assert_int_equal(run_contract(f, extra), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_contract_v5_client_every_payload_valid_and_the_staff_flow_through_ha, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_contract_v311_client_every_payload_valid_and_the_service_flow, setup,
	        teardown),
	};
	return cmocka_run_group_tests_name("mqtt_contract", tests, NULL, NULL);
}
