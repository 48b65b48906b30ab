/* SPDX-License-Identifier: MIT */
#include "kiosk_side.h"

#include <stdio.h>
#include <stdlib.h>

#include "config/config.h"
#include "mqtt_test_support.h"
#include "mqtt/mqtt_link.h"
#include "store/event_log.h"

void kiosk_side_config(struct kiosk_config *cfg, const struct test_broker *b)
{
	struct mqtt_config *m = &cfg->mqtt;

	snprintf(cfg->site, sizeof(cfg->site), TEST_SITE);
	snprintf(cfg->state_dir, sizeof(cfg->state_dir), "%s/state", b->dir);
	m->enabled = true;
	snprintf(m->host, sizeof(m->host), "127.0.0.1");
	m->port = b->port;
	snprintf(m->username, sizeof(m->username), "kiosk");
	snprintf(m->password_file, sizeof(m->password_file), "%s/pw", b->dir);
	m->keepalive_s = 10;
	snprintf(m->discovery_prefix, sizeof(m->discovery_prefix), "homeassistant");
	FILE *fp = fopen(m->password_file, "w");
	if (fp) {
		fprintf(fp, "%s\n", TEST_PW_KIOSK);
		fclose(fp);
	}
}

struct kiosk_side *kiosk_side_start(const struct kiosk_config *cfg, struct controller *ctl,
                                    const char *version, char *err, size_t err_len)
{
	return kiosk_side_start_with(cfg, ctl, version, 0, err, err_len);
}

struct kiosk_side *kiosk_side_start_with(const struct kiosk_config *cfg, struct controller *ctl,
                                         const char *version, unsigned int delivered_delay_ms,
                                         char *err, size_t err_len)
{
	struct kiosk_side *k = calloc(1, sizeof(*k));
	struct event_log_params lp = {.state_dir = cfg->state_dir,
	                              .controller = ctl,
	                              .config = cfg,
	                              .delivered_delay_ms = delivered_delay_ms};

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
