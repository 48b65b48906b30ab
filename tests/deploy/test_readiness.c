/* SPDX-License-Identifier: MIT */
/*
 * Honest readiness, on the real binary in simulation with a notify socket
 * standing in for systemd's: READY=1 only once every configured part is up.
 * A kiosk that should have a touchscreen and cannot open one exits non-zero
 * with the reason on stderr (the journal, so `systemctl status` shows it) and
 * never says READY; `headless = true` in [display] is the explicit setting
 * for a site without a screen, which then gets READY=1, saves its pin map
 * for --safe-state, and stops cleanly on SIGTERM.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEMO_HASH "$y$j9T$XsWP9ENaAzFRkgLZsymbh0$Ymp2IufF.4MfElzljdMaPA0Oc11aeGZAqhXxY4WUJEC"
/* Generous: an ASan build starts slowly on a loaded machine. */
#define WAIT_MS 60000

struct kiosk_run {
	char dir[64];
	char conf[128];
	char sock_path[96];
	int sock;
	pid_t pid;
	int pidfd;
	int err_fd;
	char notify[4096]; /* every notification, in order */
	size_t notify_len;
	char err[16384]; /* the kiosk's stderr */
	size_t err_len;
	bool exited;
	int status;
};

static void write_conf(struct kiosk_run *k, bool headless)
{
	FILE *fp = fopen(k->conf, "w");
	assert_non_null(fp);
	fprintf(fp,
	        "[kiosk]\nsite = test\nprograms = %s/programs.conf\n"
	        "screening = %s/screening.conf\nstate_dir = %s/state\n"
	        "staff_pin_hash = %s\n[display]\nheadless = %s\n[mqtt]\nenabled = false\n"
	        "[station.1]\npump = 0\nexhaust = 1\nzones = 2, 3, 4\nsensor = sim\n",
	        KIOSK_SOURCE_ASSETS, KIOSK_SOURCE_ASSETS, k->dir, DEMO_HASH,
	        headless ? "true" : "false");
	assert_int_equal(fclose(fp), 0);
}

static void start(struct kiosk_run *k, bool headless)
{
	int pipefd[2];
	struct sockaddr_un addr = {.sun_family = AF_UNIX};

	memset(k, 0, sizeof(*k));
	snprintf(k->dir, sizeof(k->dir), "/tmp/kiosk-test-ready-XXXXXX");
	assert_non_null(mkdtemp(k->dir));
	snprintf(k->conf, sizeof(k->conf), "%s/kiosk.conf", k->dir);
	snprintf(k->sock_path, sizeof(k->sock_path), "%s/notify", k->dir);
	write_conf(k, headless);

	k->sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	assert_true(k->sock >= 0);
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", k->sock_path);
	assert_int_equal(bind(k->sock, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);

	k->pid = fork();
	assert_true(k->pid >= 0);
	if (k->pid == 0) {
		dup2(pipefd[1], STDERR_FILENO);
		setenv("NOTIFY_SOCKET", k->sock_path, 1);
		unsetenv("DISPLAY");
		unsetenv("WAYLAND_DISPLAY");
		setenv("SDL_VIDEODRIVER", "x11", 1);
		execl(KIOSK_BINARY, KIOSK_BINARY, "--sim", "--config", k->conf, "--assets",
		      KIOSK_SOURCE_ASSETS, (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	k->err_fd = pipefd[0];
	k->pidfd = (int)syscall(SYS_pidfd_open, k->pid, 0);
	assert_true(k->pidfd >= 0);
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Wait for the kiosk's notifications, output and exit until `until` is in
 * the notifications (NULL: until it exits) or WAIT_MS pass. */
static void pump(struct kiosk_run *k, const char *until)
{
	uint64_t deadline = now_ms() + WAIT_MS;

	while (!(until && strstr(k->notify, until)) && !k->exited) {
		struct pollfd p[3] = {
		    {.fd = k->sock, .events = POLLIN},
		    {.fd = k->err_fd, .events = POLLIN},
		    {.fd = k->pidfd, .events = POLLIN},
		};
		uint64_t t = now_ms();
		if (t >= deadline)
			fail_msg("timed out waiting for %s; stderr:\n%s",
			         until ? until : "the exit", k->err);
		assert_true(poll(p, 3, (int)(deadline - t)) >= 0);
		if (p[0].revents & POLLIN) {
			ssize_t n = recv(k->sock, k->notify + k->notify_len,
			                 sizeof(k->notify) - k->notify_len - 2, 0);
			if (n > 0) {
				k->notify_len += (size_t)n;
				k->notify[k->notify_len++] = '\n';
				k->notify[k->notify_len] = '\0';
			}
		}
		if (p[1].revents & (POLLIN | POLLHUP)) {
			ssize_t n =
			    read(k->err_fd, k->err + k->err_len, sizeof(k->err) - k->err_len - 1);
			if (n > 0) {
				k->err_len += (size_t)n;
				k->err[k->err_len] = '\0';
			}
		}
		/* The exit counts once stderr is drained (the pipe hangs up). */
		if ((p[2].revents & POLLIN) && !(p[1].revents & POLLIN)) {
			assert_int_equal(waitpid(k->pid, &k->status, 0), k->pid);
			k->exited = true;
		}
	}
}

static void finish(struct kiosk_run *k)
{
	char cmd[128];
	if (!k->exited) {
		kill(k->pid, SIGKILL);
		waitpid(k->pid, NULL, 0);
	}
	close(k->sock);
	close(k->err_fd);
	close(k->pidfd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", k->dir);
	assert_int_equal(system(cmd), 0);
}

static void test_readiness_without_touchscreen_fails_with_reason_and_no_ready(void **state)
{
	static struct kiosk_run k;
	(void)state;
	start(&k, false);
	pump(&k, NULL);
	assert_true(WIFEXITED(k.status));
	assert_int_equal(WEXITSTATUS(k.status), 1);
	if (strstr(k.notify, "READY=1"))
		fail_msg("READY=1 without a touchscreen:\n%s", k.notify);
	if (!strstr(k.err, "<3>recovery-kiosk: the touchscreen cannot start") ||
	    !strstr(k.err, "headless = true in [display]"))
		fail_msg("no reason on stderr:\n%s", k.err);
	finish(&k);
}

static void test_readiness_headless_site_is_ready_and_stops_cleanly(void **state)
{
	static struct kiosk_run k;
	char saved[192];
	struct stat st;
	(void)state;
	start(&k, true);
	pump(&k, "READY=1");
	assert_non_null(strstr(k.notify, "STATUS="));
	assert_non_null(strstr(k.notify, "headless"));
	/* No realtime_priority here: the status says what that costs. */
	assert_non_null(strstr(k.notify, "no real-time: deadlines not guaranteed"));
	/* The pin map for --safe-state is on disk before READY. */
	snprintf(saved, sizeof(saved), "%s/state/pin-map.conf", k.dir);
	assert_int_equal(stat(saved, &st), 0);
	assert_int_equal(kill(k.pid, SIGTERM), 0);
	pump(&k, NULL);
	assert_true(WIFEXITED(k.status));
	assert_int_equal(WEXITSTATUS(k.status), 0);
	assert_non_null(strstr(k.notify, "STOPPING=1"));
	finish(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_readiness_without_touchscreen_fails_with_reason_and_no_ready),
	    cmocka_unit_test(test_readiness_headless_site_is_ready_and_stops_cleanly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
