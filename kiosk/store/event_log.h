/* SPDX-License-Identifier: MIT */
/*
 * The event log: the store thread that drains the controller's event stream
 * into the SQLite database (store.h): history, sessions and the outbox of
 * events not yet delivered, one transaction per batch.  It runs whether MQTT
 * is on or off.
 *
 * It owns its controller listener (added at create, removed at destroy) and
 * its store.  Readers of the outbox (the MQTT link) get the store with
 * event_log_store() and learn about new rows through a watcher called after
 * each commit.
 *
 * Durability: event_log_persisted() is a cursor over the controller's event
 * sequence: every event with seq below it has been committed (or was not
 * for the database, e.g. EVENT_COMMAND_RESULT), so whatever acknowledges an
 * event (a command result to staff) waits for the cursor to pass it.
 *
 * Threading: create/start/stop/destroy from one thread (main).  The
 * controller listener only writes to an eventfd.  event_log_persisted(),
 * event_log_wait_persisted() and event_log_store() may be called from any
 * thread.
 */
#ifndef KIOSK_STORE_EVENT_LOG_H
#define KIOSK_STORE_EVENT_LOG_H

#include <stddef.h>
#include <stdint.h>

struct controller;
struct event_log;
struct kiosk_config;
struct station_service;
struct store;

/* The kiosk's delivered_delay_ms: a removal usually rides with the next
 * session's first event. */
#define EVENT_LOG_DELIVERED_DELAY_MS (5u * 60u * 1000u)

struct event_log_params {
	const char *state_dir; /* <state_dir>/recovery-kiosk.db */
	struct controller *controller;
	/* How long a delivered event may wait to leave the outbox, so its
	 * removal shares the next batch's commit (0: at once).  A removal lost
	 * in a crash only means the event is sent again under the same id. */
	unsigned int delivered_delay_ms;
	/* The stations' [station.N] numbers, for their kept service state;
	 * NULL: station index i is number i + 1. */
	const struct kiosk_config *config;
};

/* Before the controller exists: the service state the last run left for
 * each of config's stations (out of service with reason and who, fault
 * lock, needs cleaning), for controller_params.restore.  out holds
 * config->station_count entries.  0, or -errno with a message in err. */
int event_log_load_service(const struct kiosk_config *config, struct station_service *out,
                           char *err, size_t err_len);

/* Opens (or creates) the database and registers the controller listener,
 * so create it before controller_start.  NULL + message in err on failure. */
struct event_log *event_log_create(const struct event_log_params *p, char *err, size_t err_len);

/* Starts the store thread.  0 or -errno. */
int event_log_start(struct event_log *el);

/* Commits what the controller has emitted so far, then stops the thread.
 * Idempotent; the listener stays until destroy. */
void event_log_stop(struct event_log *el);

/* Stops, removes the controller listener, closes the database.  NULL ok. */
void event_log_destroy(struct event_log *el);

/* The database, for the outbox reader.  Valid until destroy. */
struct store *event_log_store(struct event_log *el);

/* Every controller event with seq below the returned value is on disk. */
uint64_t event_log_persisted(struct event_log *el);

/* Waits until event_log_persisted() > seq, or timeout_ms passes.  0, or
 * -ETIMEDOUT.  Never call it from the control or UI thread. */
int event_log_wait_persisted(struct event_log *el, uint64_t seq, unsigned int timeout_ms);

/* Called on the store thread after each commit (must not block: write an
 * eventfd; must not call back into the event log).  One watcher; NULL
 * clears it.  Any time: once the call that clears it returns, the old
 * watcher is never called again. */
void event_log_watch(struct event_log *el, void (*fn)(void *ctx), void *ctx);

/* The broker acknowledged these outbox events: they leave the outbox with
 * the next batch, or after delivered_delay_ms.  Any thread; never blocks on
 * the disk. */
void event_log_delivered(struct event_log *el, const int64_t *ids, size_t n);

/* Events still waiting for the broker: the outbox less what was delivered
 * and not yet removed.  -EIO when the database cannot say.  Any thread but
 * the control and UI threads. */
int64_t event_log_outbox_depth(struct event_log *el);

/* Events the store fell too far behind to read (the controller's ring
 * overran): counted, logged once per loss. */
uint64_t event_log_lost(struct event_log *el);

#endif
