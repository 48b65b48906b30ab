/* SPDX-License-Identifier: MIT */
#include "kiosk_side.h"

#include <stdio.h>
#include <stdlib.h>

#include "config/config.h"
#include "mqtt/mqtt_link.h"
#include "store/event_log.h"

struct kiosk_side *kiosk_side_start(const struct kiosk_config *cfg, struct controller *ctl,
                                    const char *version, char *err, size_t err_len)
{
	struct kiosk_side *k = calloc(1, sizeof(*k));
	struct event_log_params lp = {
	    .state_dir = cfg->state_dir, .controller = ctl, .config = cfg};

	if (!k) {
		snprintf(err, err_len, "out of memory");
		return NULL;
	}
	k->log = event_log_create(&lp, err, err_len);
	if (!k->log)
		goto fail;
	if (cfg->mqtt.enabled) {
		struct mqtt_link_params mp = {
		    .config = cfg,
		    .controller = ctl,
		    .log = k->log,
		    .version = version,
		    .backend = "simulator",
		};
		k->link = mqtt_link_create(&mp, err, err_len);
		if (!k->link)
			goto fail;
	}
	if (event_log_start(k->log) < 0 || (k->link && mqtt_link_start(k->link) < 0)) {
		snprintf(err, err_len, "cannot start a thread");
		goto fail;
	}
	return k;
fail:
	kiosk_side_destroy(k);
	return NULL;
}

void kiosk_side_stop(struct kiosk_side *k)
{
	if (!k)
		return;
	event_log_stop(k->log);
	mqtt_link_stop(k->link);
}

void kiosk_side_destroy(struct kiosk_side *k)
{
	if (!k)
		return;
	kiosk_side_stop(k);
	mqtt_link_destroy(k->link);
	event_log_destroy(k->log);
	free(k);
}
