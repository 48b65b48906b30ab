/* SPDX-License-Identifier: MIT */
/*
 * The pin map on disk, for `recovery-kiosk --safe-state`.
 *
 * pin_map_read() is a TOLERANT reader of kiosk.conf (or of a saved map): it
 * reads only the output lines of each [station.N] section (chip, pump,
 * exhaust, zones, zone1..zone8, active_low, and the name for the report) and
 * [kiosk] state_dir; every other section and key is ignored unread, and what
 * it cannot parse (a syntax error, a bad value, a line given twice) is
 * reported and skipped while it reads on, so a config broken anywhere still
 * yields every output line that can be made out.
 *
 * pin_map_save() writes the resolved map of a kiosk that starts to
 * <state_dir>/pin-map.conf, in kiosk.conf's own syntax; pin_map_collect()
 * reads both, so the lines of the kiosk that ran last are vented even when
 * kiosk.conf has been broken (or changed) since.
 *
 * Never prints except to the log the caller passes.  Threading: the
 * caller's.
 */
#ifndef KIOSK_CONFIG_PIN_MAP_FILE_H
#define KIOSK_CONFIG_PIN_MAP_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "core/pin_map.h"

#define PIN_MAP_FILE_NAME "pin-map.conf"

/* Add the output lines of path to m.  Each problem goes to log (may be NULL)
 * as "<4>recovery-kiosk: path:line: what; skipped for the safe state".
 * state_dir (may be NULL) receives [kiosk] state_dir resolved against the
 * file's folder, or "" when the file has none.  Returns the number of
 * problems (0 = a clean read), or a negative errno when the file cannot be
 * opened or read. */
int pin_map_read(struct pin_map *m, const char *path, char *state_dir, size_t state_dir_len,
                 FILE *log);

/* Write m to <state_dir>/pin-map.conf (mode 0600, replaced atomically,
 * synced).  0, or a negative errno with "what failed; the fix" in err. */
int pin_map_save(const struct pin_map *m, const char *state_dir, char *err, size_t err_len);

/* pin_map_save() of cfg's output lines to cfg->state_dir. */
int pin_map_save_config(const struct kiosk_config *cfg, char *err, size_t err_len);

/* Everything --safe-state drives: the saved map of the kiosk that ran last
 * (<state_dir>/pin-map.conf, where state_dir is kiosk.conf's, or
 * default_state_dir when kiosk.conf names none or cannot be read) and the
 * lines kiosk.conf names now; where both name a line, the saved entry wins
 * (it is what was energised).  Logs what it read and every problem to log.
 * 0 when the map holds at least one line, -ENOENT when neither file gave
 * one. */
int pin_map_collect(struct pin_map *m, const char *config_path, const char *default_state_dir,
                    FILE *log);

#endif
