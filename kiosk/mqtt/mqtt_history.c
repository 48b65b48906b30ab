/* SPDX-License-Identifier: MIT */
/* The history thread.  The net and recorder threads hand over under
 * mh->lock (queries, acknowledgements, what is due); the rest belongs to the
 * history thread. */
#include "mqtt/mqtt_history.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "config/config.h"
#include "mqtt/mqtt_client.h"
#include "mqtt/mqtt_command.h"
#include "mqtt/mqtt_history_query.h"
#include "mqtt/mqtt_topic.h"
#include "store/history.h"
#include "store/history_report.h"

#define HIST_CORRELATION_MAX 256u
#define HIST_USAGE_MAX 1024u       /* a usage summary is about 450 bytes */
#define HIST_ACK_TIMEOUT_MS 30000u /* a summary not acknowledged by then is sent again */
#define HIST_REFUSED_RETRY_MS 60000u
#define HIST_IDLE_MS 60000u /* looks at the clock for midnight at least this often */
#define HIST_SLOW_QUERY_MS 500u
#define DAY_MS 86400000ull

struct query_slot {
	char topic[MQTT_TOPIC_MAX];
	unsigned char correlation[HIST_CORRELATION_MAX];
	uint16_t correlation_len;
	size_t len;
	char payload[MQTT_HISTORY_QUERY_MAX_BYTES];
};

/* A session summary sent and not yet acknowledged. */
struct inflight {
	int mid;
	int64_t id; /* session */
	uint64_t sent_ms;
	bool acked; /* the broker answered, with reason */
	int reason;
};

struct mqtt_history {
	struct mqtt_history_params p;
	struct history *h;
	char query_topic[MQTT_TOPIC_MAX];
	int efd;
	pthread_t thread;
	bool started;
	atomic_bool stop;

	/* Handed over under lock. */
	pthread_mutex_t lock;
	struct query_slot queue[MQTT_HISTORY_QUEUE];
	size_t queue_first, queue_count;
	unsigned int usage_dirty; /* bit i: station index i */
	bool summaries_due;
	unsigned int connect_gen;
	/* Written by the history thread, acknowledged by the net thread. The
	 * net thread hands over only the acknowledgements of these, so a flood
	 * of other ones (an outbox flushed after an outage, discovery) cannot
	 * crowd a summary's out. */
	struct inflight inflight[MQTT_HISTORY_SUMMARY_BATCH];
	size_t inflight_count;

	/* Net thread only. */
	struct mqtt_rate_limit limit;
	uint64_t logged_unanswerable_ms;

	/* History thread only. */
	struct query_slot work;
	unsigned int seen_gen;
	char usage_last[MQTT_STATIONS_MAX][HIST_USAGE_MAX];
	uint64_t retry_at_ms; /* after a refused summary; monotonic */
	/* What is due, kept until it could be done (a flag taken while the
	 * link is down or summaries are in flight is not lost). */
	unsigned int usage_wanted; /* bit i: station index i */
	bool usage_forced;         /* every one again, changed or not */
	bool summaries_wanted;
	bool more_summaries;       /* the last batch was full */
	uint64_t next_midnight_ms; /* wall */
};

static void wake(struct mqtt_history *mh)
{
	uint64_t one = 1;

	/* Non-blocking eventfd: never stalls the net or recorder thread. */
	if (write(mh->efd, &one, sizeof(one)) < 0) {
		/* EAGAIN: already woken. */
	}
}

/* A response topic we may publish to: no wildcard, not empty, bounded. */
static bool response_topic_ok(const char *t)
{
	size_t n = t ? strlen(t) : 0;

	return n > 0 && n < MQTT_TOPIC_MAX && !strpbrk(t, "+#");
}

static int publish_json(struct mqtt_history *mh, const char *topic, cJSON *root,
                        const void *correlation, uint16_t correlation_len, uint32_t expiry_s,
                        int *mid)
{
	char *text = cJSON_PrintUnformatted(root);
	int rc;

	if (!text)
		return -ENOMEM;
	struct mqtt_outbound m = {
	    .topic = topic,
	    .payload = text,
	    .len = strlen(text),
	    .qos = 1,
	    .correlation = correlation,
	    .correlation_len = correlation_len,
	    .expiry_s = expiry_s,
	    .json = true,
	};
	rc = mqtt_client_publish(mh->p.client, &m, mid);
	cJSON_free(text);
	return rc;
}

/* {"ok": false, "request_id", "status", "message"}: any thread. */
static void answer_error(struct mqtt_history *mh, const char *topic, const void *correlation,
                         uint16_t correlation_len, const char *request_id, const char *status,
                         const char *message)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return;
	cJSON_AddBoolToObject(o, "ok", false);
	cJSON_AddStringToObject(o, "request_id", request_id);
	cJSON_AddStringToObject(o, "status", status);
	cJSON_AddStringToObject(o, "message", message);
	publish_json(mh, topic, o, correlation, correlation_len, MQTT_HISTORY_ANSWER_EXPIRY_S,
	             NULL);
	cJSON_Delete(o);
}

/* ---- net and recorder threads ---- */

void mqtt_history_on_connect(struct mqtt_history *mh)
{
	mqtt_client_subscribe(mh->p.client, mh->query_topic, false, NULL);
	pthread_mutex_lock(&mh->lock);
	mh->connect_gen++;
	pthread_mutex_unlock(&mh->lock);
	wake(mh);
}

void mqtt_history_on_ack(struct mqtt_history *mh, int mid, int reason)
{
	bool ours = false;

	pthread_mutex_lock(&mh->lock);
	for (size_t i = 0; i < mh->inflight_count && !ours; i++) {
		struct inflight *f = &mh->inflight[i];
		if (f->mid == mid && !f->acked) {
			f->acked = true;
			f->reason = reason;
			ours = true;
		}
	}
	pthread_mutex_unlock(&mh->lock);
	if (ours)
		wake(mh);
}

void mqtt_history_session_ended(struct mqtt_history *mh)
{
	pthread_mutex_lock(&mh->lock);
	mh->summaries_due = true;
	pthread_mutex_unlock(&mh->lock);
	wake(mh);
}

void mqtt_history_usage_changed(struct mqtt_history *mh, unsigned int station)
{
	if (station < 1 || station > MQTT_STATIONS_MAX)
		return;
	pthread_mutex_lock(&mh->lock);
	mh->usage_dirty |= 1u << (station - 1u);
	pthread_mutex_unlock(&mh->lock);
	wake(mh);
}

bool mqtt_history_on_message(struct mqtt_history *mh, const struct mqtt_inbound *msg)
{
	struct mqtt_history_query q;
	char why[200];

	if (strcmp(msg->topic, mh->query_topic) != 0)
		return false;
	if (msg->retain && msg->len == 0)
		return true; /* a retained query cleared: nothing to answer */
	/* Only for the request id the answer echoes: parsing 1 KiB is cheap. */
	mqtt_history_query_parse(msg->payload, msg->len, (unsigned int)mh->p.config->station_count,
	                         &q, why, sizeof(why));
	if (!response_topic_ok(msg->response_topic) ||
	    msg->correlation_len > HIST_CORRELATION_MAX) {
		uint64_t now = mqtt_now_ms();
		if (now - mh->logged_unanswerable_ms >= 60000u) {
			mqtt_log(MQTT_LOG_NOTICE,
			         "a history query on %s cannot be answered: send it with MQTT 5, a "
			         "response topic without wildcards and correlation data of at most "
			         "%u bytes",
			         mh->query_topic, HIST_CORRELATION_MAX);
			mh->logged_unanswerable_ms = now;
		}
		return true;
	}
	const char *to = msg->response_topic;
	if (msg->retain) {
		answer_error(mh, to, msg->correlation, msg->correlation_len, q.request_id,
		             "retained_refused",
		             "a retained query is never answered; send it without retain and clear "
		             "the retained one");
		return true;
	}
	if (msg->has_expiry && msg->expiry_s == 0) {
		answer_error(mh, to, msg->correlation, msg->correlation_len, q.request_id,
		             "expired", "the query expired before it arrived");
		return true;
	}
	if (!mqtt_rate_limit_take(&mh->limit, mqtt_now_ms())) {
		answer_error(mh, to, msg->correlation, msg->correlation_len, q.request_id,
		             "rate_limited", "too many history queries; ask again in a second");
		return true;
	}
	pthread_mutex_lock(&mh->lock);
	if (mh->queue_count == MQTT_HISTORY_QUEUE) {
		pthread_mutex_unlock(&mh->lock);
		answer_error(mh, to, msg->correlation, msg->correlation_len, q.request_id, "busy",
		             "the kiosk is answering other history queries; ask again shortly");
		return true;
	}
	struct query_slot *s =
	    &mh->queue[(mh->queue_first + mh->queue_count++) % MQTT_HISTORY_QUEUE];
	snprintf(s->topic, sizeof(s->topic), "%s", to);
	s->correlation_len = msg->correlation ? msg->correlation_len : 0;
	if (s->correlation_len)
		memcpy(s->correlation, msg->correlation, s->correlation_len);
	s->len = msg->len <= sizeof(s->payload) ? msg->len : sizeof(s->payload) + 1u;
	if (s->len <= sizeof(s->payload) && s->len)
		memcpy(s->payload, msg->payload, s->len);
	pthread_mutex_unlock(&mh->lock);
	wake(mh);
	return true;
}

/* ---- history thread ---- */

static void answer_query(struct mqtt_history *mh, const struct query_slot *s)
{
	struct mqtt_history_query q;
	char why[200];
	const void *corr = s->correlation_len ? s->correlation : NULL;
	uint64_t t0 = mqtt_now_ms();
	int rc;

	enum mqtt_history_query_error e =
	    s->len > sizeof(s->payload)
	        ? MQTT_HQ_ERR_TOO_LARGE
	        : mqtt_history_query_parse(s->payload, s->len,
	                                   (unsigned int)mh->p.config->station_count, &q, why,
	                                   sizeof(why));
	if (e == MQTT_HQ_ERR_TOO_LARGE)
		snprintf(why, sizeof(why), "query larger than %u bytes",
		         MQTT_HISTORY_QUERY_MAX_BYTES);
	if (e != MQTT_HQ_OK) {
		answer_error(mh, s->topic, corr, s->correlation_len,
		             e == MQTT_HQ_ERR_TOO_LARGE ? "" : q.request_id,
		             mqtt_history_query_error_name(e), why);
		return;
	}
	if (!mh->h) {
		answer_error(mh, s->topic, corr, s->correlation_len, q.request_id, "unavailable",
		             "this kiosk keeps no history (history.db could not be opened; see "
		             "its journal)");
		return;
	}
	cJSON *root = cJSON_CreateObject();
	if (!root)
		return;
	cJSON_AddBoolToObject(root, "ok", true);
	cJSON_AddStringToObject(root, "request_id", q.request_id);
	cJSON_AddStringToObject(root, "site", mh->p.config->site);
	if (q.samples > 0) {
		rc = history_report_samples_json(mh->h, root, "samples", q.samples,
		                                 MQTT_HISTORY_POINTS_MAX);
	} else {
		struct history_report_bounds b = {
		    .since_ms = history_report_local_midnight(mqtt_wall_ms(), (int)q.days - 1),
		    .station = q.station,
		    .sessions_max = q.last ? q.last : 1u,
		    .newest_first = true,
		    .usage_max = (size_t)q.days * MQTT_STATIONS_MAX,
		    .events_max = MQTT_HISTORY_EVENTS_MAX,
		};
		cJSON_AddNumberToObject(root, "days", q.days);
		cJSON_AddNumberToObject(root, "last", q.last);
		cJSON_AddNumberToObject(root, "station", q.station);
		rc = history_report_add_json(mh->h, root, &b);
		if (rc == 0 && q.last == 0)
			cJSON_ReplaceItemInObject(root, "sessions", cJSON_CreateArray());
	}
	if (rc == -ENOENT) {
		snprintf(why, sizeof(why),
		         "no session %lld in the history (retention may have removed it)",
		         (long long)q.samples);
		answer_error(mh, s->topic, corr, s->correlation_len, q.request_id,
		             "unknown_session", why);
	} else if (rc < 0) {
		answer_error(mh, s->topic, corr, s->correlation_len, q.request_id, "unavailable",
		             "the kiosk cannot read its history now; see its journal");
		mqtt_log(MQTT_LOG_ERR, "cannot read the history for a query: %s", strerror(-rc));
	} else {
		publish_json(mh, s->topic, root, corr, s->correlation_len,
		             MQTT_HISTORY_ANSWER_EXPIRY_S, NULL);
	}
	cJSON_Delete(root);
	uint64_t took = mqtt_now_ms() - t0;
	if (took > HIST_SLOW_QUERY_MS)
		mqtt_log(MQTT_LOG_WARNING,
		         "a history query took %llu ms (last %u, days %u): the SD card is slow or "
		         "the history large; lower [history] keep_days",
		         (unsigned long long)took, q.last, q.days);
}

/* Station index's retained usage summary, when it differs from the last one
 * published (or force). */
static void publish_usage(struct mqtt_history *mh, unsigned int index, bool force)
{
	char topic[MQTT_TOPIC_MAX];
	cJSON *o = cJSON_CreateObject();
	char *text = NULL;

	if (!o || history_report_usage_summary(mh->h, index + 1u, mqtt_wall_ms(), o) < 0 ||
	    mqtt_topic_station(topic, sizeof(topic), mh->p.config->site, index, "usage") < 0 ||
	    !(text = cJSON_PrintUnformatted(o)))
		goto out;
	if (!force && strcmp(text, mh->usage_last[index]) == 0)
		goto out;
	struct mqtt_outbound m = {
	    .topic = topic,
	    .payload = text,
	    .len = strlen(text),
	    .qos = 1,
	    .retain = true,
	    .json = true,
	};
	if (mqtt_client_publish(mh->p.client, &m, NULL) == 0)
		snprintf(mh->usage_last[index], sizeof(mh->usage_last[index]), "%s", text);
out:
	cJSON_free(text);
	cJSON_Delete(o);
}

/* Slots no longer in kiosk.conf lose their retained usage, as their status
 * and availability. */
static void clear_removed_usage(struct mqtt_history *mh)
{
	char topic[MQTT_TOPIC_MAX];

	for (unsigned int i = (unsigned int)mh->p.config->station_count; i < MQTT_STATIONS_MAX;
	     i++) {
		struct mqtt_outbound m = {.topic = topic, .payload = "", .qos = 1, .retain = true};
		if (mqtt_topic_station(topic, sizeof(topic), mh->p.config->site, i, "usage") >= 0)
			mqtt_client_publish(mh->p.client, &m, NULL);
	}
}

struct batch {
	struct history_session s[MQTT_HISTORY_SUMMARY_BATCH];
	size_t n;
};

static int take_summary(void *ctx, const struct history_session *s)
{
	struct batch *b = ctx;

	b->s[b->n++] = *s;
	return b->n == MQTT_HISTORY_SUMMARY_BATCH;
}

/* Sends the summaries the broker does not have yet, a batch at a time;
 * true when the batch was full (more may wait). */
static bool publish_summaries(struct mqtt_history *mh, uint64_t now)
{
	struct batch b = {.n = 0};
	char topic[MQTT_TOPIC_MAX];
	uint64_t wall = mqtt_wall_ms();
	uint64_t keep = (uint64_t)MQTT_HISTORY_SUMMARY_DAYS * DAY_MS;

	if (history_summaries_pending(mh->h, wall > keep ? wall - keep : 0,
	                              MQTT_HISTORY_SUMMARY_BATCH, take_summary, &b) < 0) {
		mqtt_log(MQTT_LOG_ERR, "cannot read the session summaries to publish");
		mh->retry_at_ms = now + HIST_REFUSED_RETRY_MS;
		return false;
	}
	for (size_t i = 0; i < b.n; i++) {
		const struct history_session *s = &b.s[i];
		cJSON *arr = cJSON_CreateArray();
		cJSON *o;
		int mid = 0;
		if (!arr || history_report_session_json(arr, NULL, s) < 0 ||
		    !(o = cJSON_DetachItemFromArray(arr, 0))) {
			cJSON_Delete(arr);
			continue;
		}
		cJSON_Delete(arr);
		cJSON_AddStringToObject(o, "site", mh->p.config->site);
		if (!(s->station >= 1 && s->station <= MQTT_STATIONS_MAX) ||
		    mqtt_topic_station(topic, sizeof(topic), mh->p.config->site, s->station - 1u,
		                       "summary") < 0) {
			history_summary_published(mh->h, s->id); /* no topic for it: given up */
			cJSON_Delete(o);
			continue;
		}
		/* Recorded under the lock it is published under: its
		 * acknowledgement, on the net thread, cannot come first. */
		pthread_mutex_lock(&mh->lock);
		int rc = publish_json(mh, topic, o, NULL, 0, 0, &mid);
		if (rc == 0)
			mh->inflight[mh->inflight_count++] =
			    (struct inflight){.mid = mid, .id = s->id, .sent_ms = now};
		pthread_mutex_unlock(&mh->lock);
		cJSON_Delete(o);
		if (rc < 0) {
			/* Not for a link that is down (the client queues it): too
			 * big for the broker, or out of memory.  Given up, so it
			 * cannot hold back every later summary. */
			mqtt_log(MQTT_LOG_ERR,
			         "cannot publish the summary of session %lld on %s; it is "
			         "given up (the history still has it)",
			         (long long)s->id, topic);
			history_summary_published(mh->h, s->id);
		}
	}
	return b.n == MQTT_HISTORY_SUMMARY_BATCH;
}

/* Takes the summaries the broker answered out of those in flight and
 * notes them; true when it took one and none is left in flight (more may
 * be sent). */
static bool handle_acks(struct mqtt_history *mh, uint64_t now)
{
	struct inflight answered[MQTT_HISTORY_SUMMARY_BATCH];
	size_t n = 0;
	bool took = false;

	pthread_mutex_lock(&mh->lock);
	for (size_t i = 0; i < mh->inflight_count;) {
		if (mh->inflight[i].acked) {
			answered[n++] = mh->inflight[i];
			mh->inflight[i] = mh->inflight[--mh->inflight_count];
		} else {
			i++;
		}
	}
	bool none_left = mh->inflight_count == 0;
	pthread_mutex_unlock(&mh->lock);
	for (size_t k = 0; k < n; k++) {
		if (answered[k].reason >= 0x80) {
			/* The client logged the refusal and its fix. */
			mh->retry_at_ms = now + HIST_REFUSED_RETRY_MS;
			continue;
		}
		if (history_summary_published(mh->h, answered[k].id) < 0)
			mqtt_log(MQTT_LOG_ERR,
			         "cannot note a published session summary; it will be sent again");
		took = true;
	}
	return took && none_left;
}

/* Forgets the summaries in flight: they are sent again. */
static void forget_inflight(struct mqtt_history *mh)
{
	pthread_mutex_lock(&mh->lock);
	mh->inflight_count = 0;
	pthread_mutex_unlock(&mh->lock);
}

/* True when a summary in flight waited too long for its acknowledgement. */
static bool inflight_overdue(struct mqtt_history *mh, uint64_t now)
{
	bool late = false;

	pthread_mutex_lock(&mh->lock);
	for (size_t i = 0; i < mh->inflight_count && !late; i++)
		late = now - mh->inflight[i].sent_ms >= HIST_ACK_TIMEOUT_MS;
	pthread_mutex_unlock(&mh->lock);
	return late;
}

static bool pop_query(struct mqtt_history *mh)
{
	bool got = false;

	pthread_mutex_lock(&mh->lock);
	if (mh->queue_count) {
		mh->work = mh->queue[mh->queue_first];
		mh->queue_first = (mh->queue_first + 1u) % MQTT_HISTORY_QUEUE;
		mh->queue_count--;
		got = true;
	}
	pthread_mutex_unlock(&mh->lock);
	return got;
}

static void *thread_main(void *arg)
{
	struct mqtt_history *mh = arg;

	/* Named for top -H, journald and the benchmarks' per-thread CPU. */
	prctl(PR_SET_NAME, "mqtt-history", 0, 0, 0);
	mh->next_midnight_ms = history_report_local_midnight(mqtt_wall_ms(), -1);
	while (!atomic_load(&mh->stop)) {
		uint64_t now = mqtt_now_ms();
		uint64_t wall = mqtt_wall_ms();
		uint64_t wait = HIST_IDLE_MS;
		if (mh->next_midnight_ms > wall && mh->next_midnight_ms - wall < wait)
			wait = mh->next_midnight_ms - wall + 1u;
		if (mh->inflight_count || mh->retry_at_ms)
			wait = wait < 1000u ? wait : 1000u;
		struct pollfd pfd = {.fd = mh->efd, .events = POLLIN};
		poll(&pfd, 1, (int)wait);
		uint64_t v;
		if (read(mh->efd, &v, sizeof(v)) < 0) {
			/* EAGAIN: woken by the time-out. */
		}
		if (atomic_load(&mh->stop))
			break;
		now = mqtt_now_ms();
		wall = mqtt_wall_ms();

		pthread_mutex_lock(&mh->lock);
		unsigned int gen = mh->connect_gen;
		unsigned int dirty = mh->usage_dirty;
		bool due = mh->summaries_due;
		mh->usage_dirty = 0;
		mh->summaries_due = false;
		pthread_mutex_unlock(&mh->lock);

		while (pop_query(mh))
			answer_query(mh, &mh->work);
		if (!mh->h)
			continue;
		mh->usage_wanted |= dirty;
		mh->summaries_wanted |= due;
		bool fresh = gen != mh->seen_gen && mqtt_client_connected(mh->p.client);
		if (fresh) {
			mh->seen_gen = gen;
			forget_inflight(mh); /* sent again below */
			mh->retry_at_ms = 0;
			mh->usage_wanted = ~0u;
			mh->usage_forced = true;
			mh->summaries_wanted = true;
		}
		if (wall >= mh->next_midnight_ms) {
			/* Today became yesterday: every summary moves on. */
			mh->next_midnight_ms = history_report_local_midnight(wall, -1);
			mh->usage_wanted = ~0u;
		}
		/* Only this thread adds to or empties the summaries in flight. */
		if (mh->inflight_count) {
			if (handle_acks(mh, now) && mh->more_summaries)
				mh->summaries_wanted = true;
			if (inflight_overdue(mh, now)) {
				forget_inflight(mh);
				mh->summaries_wanted = true;
			}
		}
		if (mh->retry_at_ms && now >= mh->retry_at_ms) {
			mh->retry_at_ms = 0;
			mh->summaries_wanted = true;
		}
		if (!mqtt_client_connected(mh->p.client))
			continue;
		for (unsigned int i = 0; i < mh->p.config->station_count && i < MQTT_STATIONS_MAX;
		     i++)
			if (mh->usage_wanted & (1u << i))
				publish_usage(mh, i, mh->usage_forced);
		if (fresh)
			clear_removed_usage(mh);
		mh->usage_wanted = 0;
		mh->usage_forced = false;
		if (mh->summaries_wanted && mh->inflight_count == 0 && !mh->retry_at_ms) {
			mh->summaries_wanted = false;
			mh->more_summaries = publish_summaries(mh, now);
		}
	}
	return NULL;
}

/* ---- lifecycle ---- */

struct mqtt_history *mqtt_history_create(const struct mqtt_history_params *p)
{
	struct mqtt_history *mh = calloc(1, sizeof(*mh));
	int e;

	if (!mh)
		return NULL;
	mh->p = *p;
	if (mqtt_topic_kiosk(mh->query_topic, sizeof(mh->query_topic), p->config->site, "history") <
	    0) {
		free(mh);
		errno = ENAMETOOLONG;
		return NULL;
	}
	mh->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (mh->efd < 0) {
		e = errno;
		free(mh);
		errno = e;
		return NULL;
	}
	pthread_mutex_init(&mh->lock, NULL);
	mqtt_rate_limit_init(&mh->limit, MQTT_HISTORY_RATE_PER_S, MQTT_HISTORY_BURST);
	return mh;
}

void mqtt_history_attach(struct mqtt_history *mh, struct history *h)
{
	mh->h = h;
}

int mqtt_history_start(struct mqtt_history *mh)
{
	int rc;

	if (mh->started)
		return -EALREADY;
	atomic_store(&mh->stop, false);
	rc = -pthread_create(&mh->thread, NULL, thread_main, mh);
	if (rc < 0) {
		mqtt_log(MQTT_LOG_ERR, "cannot start the MQTT history thread: %s", strerror(-rc));
		return rc;
	}
	mh->started = true;
	return 0;
}

void mqtt_history_stop(struct mqtt_history *mh)
{
	if (!mh || !mh->started)
		return;
	atomic_store(&mh->stop, true);
	wake(mh);
	pthread_join(mh->thread, NULL);
	mh->started = false;
}

void mqtt_history_destroy(struct mqtt_history *mh)
{
	if (!mh)
		return;
	mqtt_history_stop(mh);
	close(mh->efd);
	pthread_mutex_destroy(&mh->lock);
	free(mh);
}
