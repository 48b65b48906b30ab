/* SPDX-License-Identifier: MIT */
#include "sqlite_bytes.h"

#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

enum kind { KIND_DB, KIND_WAL, KIND_JOURNAL, KIND_OTHER };

struct counted_file {
	sqlite3_file base;
	enum kind kind;
	bool named;
	sqlite3_file *real; /* follows this struct, szOsFile of the wrapped VFS */
};

static sqlite3_vfs *orig;
static sqlite3_vfs counted;
static _Atomic uint64_t bytes[KIND_OTHER + 1];
static _Atomic uint64_t syncs, named_bytes, named_syncs;
static const char *name_mark;

static sqlite3_file *real_of(sqlite3_file *f)
{
	return ((struct counted_file *)f)->real;
}

static int c_close(sqlite3_file *f)
{
	return real_of(f)->pMethods->xClose(real_of(f));
}

static int c_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return real_of(f)->pMethods->xRead(real_of(f), buf, n, off);
}

static int c_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	int rc = real_of(f)->pMethods->xWrite(real_of(f), buf, n, off);

	if (rc == SQLITE_OK && n > 0) {
		atomic_fetch_add(&bytes[((struct counted_file *)f)->kind], (uint64_t)n);
		if (((struct counted_file *)f)->named)
			atomic_fetch_add(&named_bytes, (uint64_t)n);
	}
	return rc;
}

static int c_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return real_of(f)->pMethods->xTruncate(real_of(f), size);
}

static int c_sync(sqlite3_file *f, int flags)
{
	atomic_fetch_add(&syncs, 1u);
	if (((struct counted_file *)f)->named)
		atomic_fetch_add(&named_syncs, 1u);
	return real_of(f)->pMethods->xSync(real_of(f), flags);
}

static int c_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return real_of(f)->pMethods->xFileSize(real_of(f), size);
}

static int c_lock(sqlite3_file *f, int level)
{
	return real_of(f)->pMethods->xLock(real_of(f), level);
}

static int c_unlock(sqlite3_file *f, int level)
{
	return real_of(f)->pMethods->xUnlock(real_of(f), level);
}

static int c_check_reserved(sqlite3_file *f, int *out)
{
	return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out);
}

static int c_file_control(sqlite3_file *f, int op, void *arg)
{
	return real_of(f)->pMethods->xFileControl(real_of(f), op, arg);
}

static int c_sector_size(sqlite3_file *f)
{
	return real_of(f)->pMethods->xSectorSize(real_of(f));
}

static int c_device_chars(sqlite3_file *f)
{
	return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f));
}

static int c_shm_map(sqlite3_file *f, int region, int size, int extend, void volatile **out)
{
	return real_of(f)->pMethods->xShmMap(real_of(f), region, size, extend, out);
}

static int c_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return real_of(f)->pMethods->xShmLock(real_of(f), offset, n, flags);
}

static void c_shm_barrier(sqlite3_file *f)
{
	real_of(f)->pMethods->xShmBarrier(real_of(f));
}

static int c_shm_unmap(sqlite3_file *f, int del)
{
	return real_of(f)->pMethods->xShmUnmap(real_of(f), del);
}

static int c_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **out)
{
	return real_of(f)->pMethods->xFetch(real_of(f), off, n, out);
}

static int c_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return real_of(f)->pMethods->xUnfetch(real_of(f), off, p);
}

static const sqlite3_io_methods counted_io = {
    .iVersion = 3,
    .xClose = c_close,
    .xRead = c_read,
    .xWrite = c_write,
    .xTruncate = c_truncate,
    .xSync = c_sync,
    .xFileSize = c_file_size,
    .xLock = c_lock,
    .xUnlock = c_unlock,
    .xCheckReservedLock = c_check_reserved,
    .xFileControl = c_file_control,
    .xSectorSize = c_sector_size,
    .xDeviceCharacteristics = c_device_chars,
    .xShmMap = c_shm_map,
    .xShmLock = c_shm_lock,
    .xShmBarrier = c_shm_barrier,
    .xShmUnmap = c_shm_unmap,
    .xFetch = c_fetch,
    .xUnfetch = c_unfetch,
};

static int c_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
	struct counted_file *cf = (struct counted_file *)f;

	(void)vfs;
	memset(cf, 0, sizeof(*cf));
	cf->real = (sqlite3_file *)(cf + 1);
	cf->kind = flags & SQLITE_OPEN_MAIN_DB        ? KIND_DB
	           : flags & SQLITE_OPEN_WAL          ? KIND_WAL
	           : flags & SQLITE_OPEN_MAIN_JOURNAL ? KIND_JOURNAL
	                                              : KIND_OTHER;
	cf->named = name && name_mark && strstr(name, name_mark);
	int rc = orig->xOpen(orig, name, cf->real, flags, out_flags);
	/* The real file's methods decide whether SQLite calls xClose. */
	cf->base.pMethods = cf->real->pMethods ? &counted_io : NULL;
	return rc;
}

int sqlite_bytes_install(const char *mark)
{
	name_mark = mark;
	if (orig)
		return 0;
	orig = sqlite3_vfs_find(NULL);
	if (!orig || orig->iVersion < 1)
		return -1;
	counted = *orig; /* every other method (delete, access, randomness...) as is */
	counted.zName = "kiosk-bench-counted";
	counted.szOsFile = (int)sizeof(struct counted_file) + orig->szOsFile;
	counted.xOpen = c_open;
	return sqlite3_vfs_register(&counted, 1) == SQLITE_OK ? 0 : -1;
}

void sqlite_bytes_read(struct sqlite_bytes *out)
{
	out->db = atomic_load(&bytes[KIND_DB]);
	out->wal = atomic_load(&bytes[KIND_WAL]);
	out->journal = atomic_load(&bytes[KIND_JOURNAL]);
	out->syncs = atomic_load(&syncs);
	out->named = atomic_load(&named_bytes);
	out->named_syncs = atomic_load(&named_syncs);
}
