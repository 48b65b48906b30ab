/* SPDX-License-Identifier: MIT */
#include "core/settings.h"

#include <crypt.h>
#include <stdlib.h>
#include <string.h>

bool kiosk_config_pin_matches(const struct kiosk_config *cfg, const char *pin)
{
	struct crypt_data *cd;
	const char *out;
	bool match = false;

	if (!cfg || !pin || cfg->staff_pin_hash[0] != '$')
		return false;
	cd = calloc(1, sizeof(*cd));
	if (!cd)
		return false;
	out = crypt_r(pin, cfg->staff_pin_hash, cd);
	if (out && out[0] == '$') {
		/* Constant time over the stored hash: no early exit on the first
		 * differing byte. */
		const char *h = cfg->staff_pin_hash;
		size_t hl = strlen(h), ol = strlen(out);
		unsigned char diff = (unsigned char)(hl != ol);
		for (size_t i = 0; i < hl; i++)
			diff |= (unsigned char)((unsigned char)h[i] ^
			                        (unsigned char)(i < ol ? out[i] : 0));
		match = diff == 0;
	}
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return match;
}
