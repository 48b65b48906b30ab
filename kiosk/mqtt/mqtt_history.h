/* SPDX-License-Identifier: MIT */
/*
 * The session history over MQTT (store/history.h), with no health data
 * anywhere (the history holds none):
 *   - answers MQTT 5 history queries on recovery/<site>/kiosk/history
 *     (mqtt_history_query.h) on the query's response topic with its
 *     correlation data: the last sessions, usage per station and day,
 *     station events and last cleaned, or one session's pressure plot;
 *   - keeps a retained usage summary per station on station/<n>/usage
 *     (today and the last 7 days, last cleaned), published when it changes,
 *     on every connection and after local midnight (a slot no longer in
 *     kiosk.conf loses its retained summary at the next connection);
 *   - publishes one summary per finished session on station/<n>/summary
 *     (QoS 1, not retained): program, planned and delivered minutes, how it
 *     ended, peak and mean pressure per zone, faults.  At least once: the
 *     history keeps which summaries the broker acknowledged, so one waits
 *     across a broker outage and a restart (up to MQTT_HISTORY_SUMMARY_DAYS).
 *
 * Its own thread does the reading, with bounded queries (at most
 * MQTT_HISTORY_LAST_MAX sessions, MQTT_HISTORY_DAYS_MAX days, ...), so the
 * net thread never waits on the disk, and the control thread never meets it.
 * Queries wait in a queue of MQTT_HISTORY_QUEUE; beyond it, or beyond
 * MQTT_HISTORY_RATE_PER_S, they are answered "busy" / "rate_limited" at
 * once.  A retained query is answered "retained_refused", an expired one
 * "expired"; one without a response topic cannot be answered and is logged.
 *
 * Threading: create/attach/start/stop/destroy from one thread (main).
 * on_connect/on_message/on_ack from the client's net thread and
 * session_ended/usage_changed from the history recorder's thread: they only
 * copy, flag and wake.
 */
#ifndef KIOSK_MQTT_HISTORY_H
#define KIOSK_MQTT_HISTORY_H

#include <stdbool.h>

#define MQTT_HISTORY_QUEUE 4u
#define MQTT_HISTORY_RATE_PER_S 2.0
#define MQTT_HISTORY_BURST 6.0
#define MQTT_HISTORY_EVENTS_MAX 500u  /* station events in one answer */
#define MQTT_HISTORY_POINTS_MAX 4000u /* plot points: 60 min at one a second */
#define MQTT_HISTORY_SUMMARY_DAYS 7u  /* summaries older are given up */
#define MQTT_HISTORY_SUMMARY_BATCH 8u /* summaries in flight at once */
#define MQTT_HISTORY_ANSWER_EXPIRY_S 60u

struct history;
struct kiosk_config;
struct mqtt_client;
struct mqtt_history;
struct mqtt_inbound;

struct mqtt_history_params {
	const struct kiosk_config *config;
	struct mqtt_client *client;
};

struct mqtt_history *mqtt_history_create(const struct mqtt_history_params *p); /* NULL + errno */
/* The history to read (the recorder's); before start.  Until then, or
 * without one, queries are answered "unavailable". */
void mqtt_history_attach(struct mqtt_history *mh, struct history *h);
int mqtt_history_start(struct mqtt_history *mh);    /* 0 or -errno */
void mqtt_history_stop(struct mqtt_history *mh);    /* joins the thread; idempotent */
void mqtt_history_destroy(struct mqtt_history *mh); /* NULL ok */

/* Net thread: a new connection (subscribe, republish usage, resend the
 * summaries not acknowledged); a message (false when not a history query);
 * a PUBACK. */
void mqtt_history_on_connect(struct mqtt_history *mh);
bool mqtt_history_on_message(struct mqtt_history *mh, const struct mqtt_inbound *msg);
void mqtt_history_on_ack(struct mqtt_history *mh, int mid, int reason);

/* Recorder thread: a session's summary was written; station's (1-based)
 * usage changed. */
void mqtt_history_session_ended(struct mqtt_history *mh);
void mqtt_history_usage_changed(struct mqtt_history *mh, unsigned int station);

#endif
