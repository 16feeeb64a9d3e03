/*
** pgtools.c — pg_dump and pg_restore as child processes (see pgtools.h).
*/
#include "pgtools.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* The child's environment: ours without any PG* variable (an operator's
** PGHOST must not redirect a backup to another server than the one jifen
** uses), then pgenv.  malloc'd array of borrowed strings. */
static char **child_env(char *const *pgenv)
{
	size_t n = 0, m = 0;
	while (environ[n])
		n++;
	while (pgenv[m])
		m++;
	char **env = calloc(n + m + 1, sizeof *env);
	if (!env)
		abort();
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "PG", 2))
			env[k++] = environ[i];
	for (size_t i = 0; i < m; i++)
		env[k++] = pgenv[i];
	return env;
}

/* Run argv (argv[0] looked up on PATH) with pgenv; its stdout to
** /dev/null when quiet.  0 when it exited 0, else -1 with err. */
static int run(char *const argv[], char *const *pgenv, int quiet, char *err, size_t n)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (quiet)
		posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	char **env = child_env(pgenv);
	pid_t pid;
	int st = posix_spawnp(&pid, argv[0], &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	free(env);
	if (st) {
		snprintf(err, n, "无法运行 %s: %s（请安装 postgresql-client）", argv[0], strerror(st));
		return -1;
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(err, n, "%s: %s", argv[0], strerror(errno));
			return -1;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		snprintf(err, n, "%s 失败（退出码 %d），见上面的消息", argv[0], WEXITSTATUS(status));
	else
		snprintf(err, n, "%s 被信号 %d 终止", argv[0], WTERMSIG(status));
	return -1;
}

int pgtool_dump(char *const *pgenv, const char *path, char *err, size_t n)
{
	size_t len = strlen(path);
	char *tmp = malloc(len + 8);
	if (!tmp)
		abort();
	snprintf(tmp, len + 8, "%s.XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, n, "无法创建备份文件 %s: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	close(fd);
	/* custom format: compressed, and pg_restore can list and pick from it;
	** --no-password: a backup from a timer must fail, not wait for a prompt */
	char *dump[] = {"pg_dump", "--format=custom", "--no-password", "--file", tmp, NULL};
	char *list[] = {"pg_restore", "--list", tmp, NULL};
	int rc = -1;
	if (run(dump, pgenv, 0, err, n))
		goto out;
	if (run(list, pgenv, 1, err, n)) {
		char why[256];
		snprintf(why, sizeof why, "%s", err);
		snprintf(err, n, "备份文件检查失败（pg_restore --list）: %s", why);
		goto out;
	}
	if (rename(tmp, path)) {
		snprintf(err, n, "备份失败: 无法命名为 %s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

int pgtool_restore(char *const *pgenv, const char *path, char *err, size_t n)
{
	const char *dbname = NULL;
	for (char *const *e = pgenv; *e; e++)
		if (!strncmp(*e, "PGDATABASE=", 11))
			dbname = *e + 11;
	if (!dbname) {
		snprintf(err, n, "连接参数里没有数据库名");
		return -1;
	}
	/* -d names only the database (no secret in it); host, user and
	** password come from the environment like every other parameter */
	char *argv[] = {"pg_restore", "--exit-on-error", "--single-transaction", "--no-owner",
			"--no-privileges", "--no-password", "--dbname", (char *)dbname,
			(char *)path, NULL};
	return run(argv, pgenv, 1, err, n);
}
