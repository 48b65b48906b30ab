/* SPDX-License-Identifier: MIT */
/* The kiosk's threads for the benchmarks, as main.c wires them; see
 * bench_kiosk.h. */
#include "bench_kiosk.h"

#include <errno.h>
#include <string.h>

#include "config/config.h"
#include "core/controller.h"
#include "mqtt/mqtt_link.h"
#include "store/event_log.h"
#include "store/history_recorder.h"

int bench_kiosk_create(struct bench_kiosk *k, const struct kiosk_config *cfg,
                       struct controller *ctl, uint64_t (*wall_ms)(void *ctx), void *clock_ctx,
                       char *err, size_t err_len)
{
	return bench_kiosk_create_with(k, cfg, ctl, wall_ms, clock_ctx, true, 1.0, err, err_len);
}

int bench_kiosk_create_with(struct bench_kiosk *k, const struct kiosk_config *cfg,
                            struct controller *ctl, uint64_t (*wall_ms)(void *ctx), void *clock_ctx,
                            bool history, double time_scale, char *err, size_t err_len)
{
	struct event_log_params lp = {
	    .state_dir = cfg->state_dir,
	    .controller = ctl,
	    .config = cfg,
	    .delivered_delay_ms = (unsigned int)((double)EVENT_LOG_DELIVERED_DELAY_MS /
	                                         (time_scale >= 1.0 ? time_scale : 1.0)),
	};
	struct history_recorder_params hp = {
	    .controller = ctl,
	    .state_dir = cfg->state_dir,
	    .limits = {.keep_days = cfg->history.keep_days,
	               .max_kib = cfg->history.max_mb * 1024u,
	               .sample_s = cfg->history.sample_s},
	    .wall_ms = wall_ms,
	    .clock_ctx = clock_ctx,
	};

	memset(k, 0, sizeof(*k));
	k->log = event_log_create(&lp, err, err_len);
	if (k->log == NULL)
		return -EIO;
	if (cfg->mqtt.enabled) {
		struct mqtt_link_params mp = {
		    .config = cfg,
		    .controller = ctl,
		    .log = k->log,
		    .version = "bench",
		    .backend = "simulator",
		};

		k->mqtt = mqtt_link_create(&mp, err, err_len);
		if (k->mqtt == NULL)
			return -EIO;
	}
	if (!history)
		return 0;
	if (k->mqtt) {
		hp.on_session_end = mqtt_link_history_session_ended;
		hp.on_usage_change = mqtt_link_history_usage_changed;
		hp.ctx = k->mqtt;
	}
	k->history = history_recorder_create(&hp, err, err_len);
	if (k->history && k->mqtt)
		mqtt_link_attach_history(k->mqtt, history_recorder_history(k->history));
	return k->history ? 0 : -EIO;
}

int bench_kiosk_start(struct bench_kiosk *k)
{
	int rc = event_log_start(k->log);

	if (rc == 0 && k->mqtt)
		rc = mqtt_link_start(k->mqtt);
	if (rc == 0 && k->history)
		rc = history_recorder_start(k->history);
	return rc;
}

void bench_kiosk_teardown(struct bench_kiosk *k, struct controller *ctl)
{
	controller_stop(ctl);
	if (k->log)
		event_log_stop(k->log);
	if (k->mqtt)
		mqtt_link_stop(k->mqtt);
	if (k->history)
		history_recorder_stop(k->history);
	mqtt_link_destroy(k->mqtt);
	event_log_destroy(k->log);
	controller_destroy(ctl);
	history_recorder_destroy(k->history);
	memset(k, 0, sizeof(*k));
}
