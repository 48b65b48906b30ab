/* SPDX-License-Identifier: MIT */
/* The history query parser (mqtt_history_query.h): defaults, bounds, and a
 * reason naming the fix for every refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "mqtt/mqtt_history_query.h"

static enum mqtt_history_query_error parse(const char *text, struct mqtt_history_query *q,
                                           char *why, size_t len)
{
	return mqtt_history_query_parse(text, strlen(text), 4, q, why, len);
}

static void test_history_query_empty_or_bare_object_gives_the_defaults(void **state)
{
	struct mqtt_history_query q;
	char why[200];

	(void)state;
	assert_int_equal(parse("", &q, why, sizeof(why)), MQTT_HQ_OK);
	assert_int_equal(q.last, MQTT_HISTORY_LAST_DEFAULT);
	assert_int_equal(q.days, MQTT_HISTORY_DAYS_DEFAULT);
	assert_int_equal(q.station, 0);
	assert_int_equal(q.samples, 0);
	assert_int_equal(parse("{}", &q, why, sizeof(why)), MQTT_HQ_OK);
	assert_int_equal(q.last, MQTT_HISTORY_LAST_DEFAULT);
}

static void test_history_query_reads_every_key_within_its_bounds(void **state)
{
	struct mqtt_history_query q;
	char why[200];

	(void)state;
	assert_int_equal(parse("{\"request_id\":\"web-1\",\"last\":500,\"days\":366,\"station\":4,"
	                       "\"samples\":9007199254740991}",
	                       &q, why, sizeof(why)),
	                 MQTT_HQ_OK);
	assert_string_equal(q.request_id, "web-1");
	assert_int_equal(q.last, 500);
	assert_int_equal(q.days, 366);
	assert_int_equal(q.station, 4);
	assert_true(q.samples == 9007199254740991LL);
	assert_int_equal(parse("{\"last\":0,\"days\":1,\"station\":0}", &q, why, sizeof(why)),
	                 MQTT_HQ_OK);
	assert_int_equal(q.last, 0);
}

static void test_history_query_refuses_bad_input_naming_the_fix_and_keeps_the_id(void **state)
{
	static const struct {
		const char *text;
		enum mqtt_history_query_error e;
		const char *why;
	} cases[] = {
	    {"{\"request_id\":\"r\",\"last\":501}", MQTT_HQ_ERR_BAD_FIELD, "0 to 500"},
	    {"{\"request_id\":\"r\",\"last\":1.5}", MQTT_HQ_ERR_BAD_FIELD, "whole number"},
	    {"{\"request_id\":\"r\",\"days\":0}", MQTT_HQ_ERR_BAD_FIELD, "1 to 366"},
	    {"{\"request_id\":\"r\",\"station\":5}", MQTT_HQ_ERR_BAD_FIELD, "1 to 4"},
	    {"{\"request_id\":\"r\",\"samples\":0}", MQTT_HQ_ERR_BAD_FIELD, "session id"},
	    {"{\"request_id\":\"r\",\"samples\":\"7\"}", MQTT_HQ_ERR_BAD_FIELD, "session id"},
	    {"{\"request_id\":\"r\",\"health\":true}", MQTT_HQ_ERR_BAD_FIELD, "accepted:"},
	    {"{\"request_id\":\"r\",\"last\":1,\"last\":2}", MQTT_HQ_ERR_BAD_FIELD, "duplicate"},
	    {"[\"r\"]", MQTT_HQ_ERR_NOT_OBJECT, "object"},
	    {"{\"last\":", MQTT_HQ_ERR_NOT_JSON, "not JSON"},
	};
	struct mqtt_history_query q;
	char why[200];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(cases[i].text, &q, why, sizeof(why)), cases[i].e);
		assert_non_null(strstr(why, cases[i].why));
		if (cases[i].e == MQTT_HQ_ERR_BAD_FIELD)
			assert_string_equal(q.request_id, "r");
	}
	assert_string_equal(mqtt_history_query_error_name(MQTT_HQ_ERR_BAD_FIELD), "bad_field");
}

static void test_history_query_refuses_oversize_and_embedded_nul(void **state)
{
	char big[MQTT_HISTORY_QUERY_MAX_BYTES + 2];
	struct mqtt_history_query q;
	char why[200];

	(void)state;
	memset(big, ' ', sizeof(big));
	big[0] = '{';
	big[sizeof(big) - 1] = '}';
	assert_int_equal(mqtt_history_query_parse(big, sizeof(big), 4, &q, why, sizeof(why)),
	                 MQTT_HQ_ERR_TOO_LARGE);
	assert_int_equal(mqtt_history_query_parse("{}\0{}", 5, 4, &q, why, sizeof(why)),
	                 MQTT_HQ_ERR_NOT_JSON);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_history_query_empty_or_bare_object_gives_the_defaults),
	    cmocka_unit_test(test_history_query_reads_every_key_within_its_bounds),
	    cmocka_unit_test(test_history_query_refuses_bad_input_naming_the_fix_and_keeps_the_id),
	    cmocka_unit_test(test_history_query_refuses_oversize_and_embedded_nul),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
