/*
** cmd_deploy.c — the operator's commands around the database file:
** backup (one file, or a dated one into a folder with retention, which the
** packaged systemd timer runs nightly) and restore (both backends).
**
** A backup is whole or absent (db_backup writes beside the name and
** renames).  A restore never leaves the database half-replaced: on SQLite
** the copy is checked — it opens, upgrades, its ledger and checkpoints
** verify — before one rename() swaps it in; on PostgreSQL it goes only
** into an empty database, in one transaction, and is verified after.
*/
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "checkpoint.h"
#include "commands.h"
#include "conffile.h"
#include "ledger.h"
#include "signing.h"

static int is_pg(const char *url)
{
	return !strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11);
}

/* Remove dir's backups (jifen-*.db, jifen-*.dump) last written more than
** days ago; prints each.  The number that could not be removed. */
static int prune(const char *dir, int days)
{
	DIR *dh = opendir(dir);
	if (!dh)
		return 1;
	time_t cutoff = time(NULL) - (time_t)days * 86400;
	int failed = 0;
	struct dirent *e;
	while ((e = readdir(dh))) {
		const char *n = e->d_name, *dot = strrchr(n, '.');
		if (strncmp(n, "jifen-", 6) || !dot || (strcmp(dot, ".db") && strcmp(dot, ".dump")))
			continue;
		char path[PATH_MAX];
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", dir, n);
		if (stat(path, &st) || !S_ISREG(st.st_mode) || st.st_mtime >= cutoff)
			continue;
		if (unlink(path)) {
			fprintf(stderr, "无法删除旧备份 %s: %s\n", path, strerror(errno));
			failed++;
		} else
			printf("已删除 %d 天前的备份 %s\n", days, path);
	}
	closedir(dh);
	return failed;
}

/* jifen backup FILE | --dir DIR [--keep-days N]
** A consistent copy of the whole database while the server runs: a SQLite
** file, or on PostgreSQL a pg_dump custom-format file checked with
** pg_restore --list.  --dir writes DIR/jifen-YYYYMMDD-HHMMSS.db (.dump on
** PostgreSQL) and removes the backups there older than N days (default:
** the configuration's backup_dir and backup_keep_days; 0 keeps all). */
int cmd_backup(struct cli *c)
{
	static const char *const known[] = {"--dir=", "--keep-days=", NULL};
	int rc = cli_check_options(c, known);
	if (rc)
		return rc;
	const char *dir = cli_opt(c, "--dir"), *keep = cli_opt(c, "--keep-days");
	int64_t days = c->conf->backup_keep_days;
	if (keep && (parse_int64(keep, &days) || days < 0 || days > 36500)) {
		fprintf(stderr, "--keep-days: 应为 0–36500 的整数\n");
		return EXIT_USAGE;
	}
	if (!dir && (keep || !cli_npos(c)))
		dir = c->conf->backup_dir;
	if (dir ? cli_npos(c) != 0 : cli_npos(c) != 1)
		return cli_usage(c);
	const char *path = dir ? NULL : cli_pos(c, 0);
	if (dir) {
		char stamp[32];
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
		path = arena_printf(c->a, "%s/jifen-%s.%s", dir, stamp, is_pg(c->db_url) ? "dump" : "db");
	}
	if (access(path, F_OK) == 0) {
		fprintf(stderr, "%s 已经存在，不会覆盖\n", path);
		return EXIT_REJECTED;
	}
	char err[512];
	if (db_backup(c->db, path, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		return EXIT_FAILURE_3;
	}
	printf("已备份到 %s\n", path);
	if (dir && days > 0 && prune(dir, (int)days))
		return EXIT_FAILURE_3;
	return EXIT_OK;
}

/* The ledger and the signed checkpoints of d verify: 0, or an exit code
** with the first fault printed. */
static int verify_all(struct cli *c, db *d)
{
	errlist errs = {0};
	int64_t n = 0, signed_n = 0;
	int rc = ledger_verify(d, c->a, 0, &errs, &n);
	if (!rc)
		rc = checkpoint_verify(d, c->a, 0, &errs, &signed_n);
	if (rc) {
		cli_print_errors(&errs);
		if (rc < 0)
			fprintf(stderr, "数据库错误: %s\n", db_errmsg(d));
		errlist_free(&errs);
		return rc > 0 ? EXIT_REJECTED : EXIT_FAILURE_3;
	}
	printf("台账完好: 已核对 %lld 条记录和 %lld 个签名的检查点\n", (long long)n,
	       (long long)signed_n);
	return EXIT_OK;
}

/* Open url, upgrade it to this binary's schema, verify it: an exit code. */
static int open_and_verify(struct cli *c, const char *url)
{
	char err[512];
	db *d = NULL;
	int version, rc = EXIT_FAILURE_3;
	if (db_open(url, &d, err, sizeof err) || db_migrate(d, &version, err, sizeof err)) {
		fprintf(stderr, "备份无法打开: %s\n", err);
		rc = EXIT_REJECTED;
		goto out;
	}
	if (ledger_seal_legacy(d)) {
		fprintf(stderr, "备份无法升级: %s\n", db_errmsg(d));
		goto out;
	}
	rc = verify_all(c, d);
	db_release(d);
out:
	db_close(d);
	return rc;
}

/* The id of a process other than this one that holds path open (a running
** `jifen serve`), or 0.  Reads /proc/PID/fd; processes of other users are
** seen only by root, which the service's operator is. */
static long holder_of(const char *path)
{
	char want[PATH_MAX];
	if (!realpath(path, want))
		return 0;
	DIR *proc = opendir("/proc");
	if (!proc)
		return 0;
	long found = 0, self = (long)getpid();
	struct dirent *p;
	while (!found && (p = readdir(proc))) {
		char *end;
		long pid = strtol(p->d_name, &end, 10);
		if (*end || pid <= 0 || pid == self)
			continue;
		char fddir[64];
		snprintf(fddir, sizeof fddir, "/proc/%ld/fd", pid);
		DIR *fds = opendir(fddir);
		if (!fds)
			continue;
		struct dirent *f;
		while (!found && (f = readdir(fds))) {
			char link[PATH_MAX + 80], target[PATH_MAX];
			snprintf(link, sizeof link, "%s/%s", fddir, f->d_name);
			ssize_t len = readlink(link, target, sizeof target - 1);
			if (len <= 0)
				continue;
			target[len] = 0;
			if (!strcmp(target, want))
				found = pid;
		}
		closedir(fds);
	}
	closedir(proc);
	return found;
}

/* Copy from to a new file to (created, fsync'd): 0 or -1 with errno. */
static int copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, rc = -1;
	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0)
		goto done;
	char b[65536];
	ssize_t n;
	while ((n = read(in, b, sizeof b)) > 0)
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, b + off, (size_t)(n - off));
			if (w < 0)
				goto done;
			off += w;
		}
	if (n == 0 && fsync(out) == 0)
		rc = 0;
done:
	if (out >= 0 && close(out))
		rc = -1;
	close(in);
	return rc;
}

/* SQLite: FILE checked as a copy beside the database, then renamed over
** it; the database it replaces stays as DB.before-restore. */
static int restore_sqlite(struct cli *c, const char *file)
{
	const char *target = c->db_url;
	long pid = holder_of(target);
	if (pid) {
		fprintf(stderr, "数据库 %s 正被进程 %ld 使用（jifen serve？）: 请先停止服务再恢复\n",
			target, pid);
		return EXIT_REJECTED;
	}
	char *tmp = arena_printf(c->a, "%s.restore-%ld", target, (long)getpid());
	unlink(tmp);
	if (copy_file(file, tmp)) {
		fprintf(stderr, "无法复制 %s 到 %s: %s\n", file, tmp, strerror(errno));
		unlink(tmp);
		return EXIT_FAILURE_3;
	}
	int rc = open_and_verify(c, tmp);
	if (rc) {
		fprintf(stderr, "%s 未通过检查，数据库 %s 没有改动\n", file, target);
		goto fail;
	}
	if (access(target, F_OK) == 0) {
		/* the replaced database is kept; its WAL (none after a clean
		** close) would belong to it, not to the copy, so it goes with it */
		char *old = arena_printf(c->a, "%s.before-restore", target);
		unlink(old);
		if (link(target, old)) {
			fprintf(stderr, "无法保留原数据库为 %s: %s\n", old, strerror(errno));
			rc = EXIT_FAILURE_3;
			goto fail;
		}
		printf("原数据库保留为 %s\n", old);
		unlink(arena_printf(c->a, "%s-wal", target));
		unlink(arena_printf(c->a, "%s-shm", target));
	}
	if (rename(tmp, target)) {
		fprintf(stderr, "无法换入 %s: %s\n", target, strerror(errno));
		rc = EXIT_FAILURE_3;
		goto fail;
	}
	printf("已恢复 %s 到 %s\n", file, target);
	return EXIT_OK;
fail:
	unlink(tmp);
	unlink(arena_printf(c->a, "%s-wal", tmp));
	unlink(arena_printf(c->a, "%s-shm", tmp));
	return rc;
}

/* jifen restore FILE
** Put a backup of `jifen backup` back.  SQLite: FILE is checked (it opens,
** its ledger and checkpoints verify) and then swapped in with one rename,
** refused while a server holds the database; the old file is kept as
** DB.before-restore.  PostgreSQL: FILE (pg_dump -Fc) goes into an empty
** database only, in one transaction, and is verified after.  The signing
** key is not in a backup: keep the key file (see docs/deploy.md). */
int cmd_restore(struct cli *c)
{
	int rc = cli_check_options(c, (const char *const[]){NULL});
	if (rc)
		return rc;
	if (cli_npos(c) != 1)
		return cli_usage(c);
	const char *file = cli_pos(c, 0);
	if (access(file, R_OK)) {
		fprintf(stderr, "无法读取备份文件 %s: %s\n", file, strerror(errno));
		return EXIT_REJECTED;
	}
	if (!is_pg(c->db_url))
		return restore_sqlite(c, file);
	char err[512];
	db *d = NULL;
	rc = EXIT_FAILURE_3;
	if (db_open(c->db_url, &d, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	int st = db_restore_dump(d, file, err, sizeof err);
	if (st) {
		fprintf(stderr, "%s\n", err);
		rc = st > 0 ? EXIT_REJECTED : EXIT_FAILURE_3;
		goto out;
	}
	db_close(d);
	d = NULL;
	rc = open_and_verify(c, c->db_url);
	if (rc == EXIT_OK)
		printf("已恢复 %s 到数据库\n", file);
out:
	db_close(d);
	return rc;
}
