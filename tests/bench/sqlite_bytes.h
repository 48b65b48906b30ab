/* SPDX-License-Identifier: MIT */
/*
 * What SQLite hands the file system, counted exactly: a VFS that wraps the
 * default one and adds up every xWrite's bytes and every xSync, split by the
 * kind of file (main database, WAL, rollback journal).  Registered as the
 * default before any database opens, so the kiosk's own stores use it
 * unchanged.  For the benchmarks: /proc/self/io's write_bytes counts a page
 * once however often it is dirtied before write-back, which a benchmark in
 * virtual time (thousands of commits per real second) makes look far
 * cheaper than a kiosk in real time is.
 */
#ifndef KIOSK_BENCH_SQLITE_BYTES_H
#define KIOSK_BENCH_SQLITE_BYTES_H

#include <stdint.h>

struct sqlite_bytes {
	uint64_t db, wal, journal; /* bytes written */
	uint64_t syncs;            /* xSync calls, all files */
	uint64_t named;            /* bytes written to files whose name has the mark */
	uint64_t named_syncs;
};

/* Before any sqlite3_open: 0, or -1 when SQLite would not take the VFS.
 * Files whose path contains mark (NULL: none) are also counted apart, e.g.
 * "history" for history.db and its WAL. */
int sqlite_bytes_install(const char *mark);
void sqlite_bytes_read(struct sqlite_bytes *out);

#endif
