/*
 * test_fuzz_regressions.c: every saved fuzz input (the crashes in
 * tests/fuzz/regressions/, named by target, and the seed corpora) replayed
 * through the fuzz targets' own bodies, without libFuzzer, so a fixed bug
 * stays fixed in every build, gcc and SAN=1 included. FUZZ_DIR overrides
 * where tests/fuzz is (the default assumes the repository's top).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "check_main.h"
#include "fuzz/fuzz_client_body.h"
#include "fuzz/fuzz_editor_body.h"
#include "fuzz/fuzz_irc_body.h"
#include "fuzz/fuzz_server_body.h"

#define FUZZ_DIR_DEFAULT "tests/fuzz"
/* Inputs are cut far below this by the targets themselves. */
#define FUZZ_FILE_MAX    (1024 * 1024)

typedef const char *fuzz_one_fn(const uint8_t *, size_t);

static const char *
fuzz_dir(void)
{
	const char *d = getenv("FUZZ_DIR");

	return d != NULL && *d != '\0' ? d : FUZZ_DIR_DEFAULT;
}

static void
replay_file(const char *path, fuzz_one_fn *one)
{
	static uint8_t data[FUZZ_FILE_MAX];
	FILE *fp;
	size_t n;
	const char *why;

	fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	n = fread(data, 1, sizeof data, fp);
	ck_assert_msg(!ferror(fp), "cannot read %s", path);
	fclose(fp);
	why = one(data, n);
	ck_assert_msg(why == NULL, "%s: %s", path, why);
}

/*
 * Replay every file in FUZZ_DIR/sub whose name starts with prefix.
 * Returns how many there were, or -1 when the directory is missing.
 */
static int
replay_dir(const char *sub, const char *prefix, fuzz_one_fn *one)
{
	char path[4096];
	DIR *dir;
	struct dirent *de;
	int n = 0;

	snprintf(path, sizeof path, "%s/%s", fuzz_dir(), sub);
	if ((dir = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.' ||
		    strncmp(de->d_name, prefix, strlen(prefix)) != 0)
			continue;
		snprintf(
		    path, sizeof path, "%s/%s/%s", fuzz_dir(), sub, de->d_name);
		replay_file(path, one);
		n++;
	}
	closedir(dir);
	return n;
}

/* Crashes are saved as regressions/fuzz_server-WHAT: none yet is fine. */
START_TEST(test_server_regressions)
{
	fuzz_server_init();
	/* Its regressions exist: a missing folder or file must fail. */
	ck_assert_msg(
	    replay_dir("regressions", "fuzz_server", fuzz_server_one) >= 1,
	    "no fuzz_server regressions in %s/regressions", fuzz_dir());
}
END_TEST

START_TEST(test_editor_regressions)
{
	/* None yet is fine; a missing folder is not. */
	ck_assert_msg(
	    replay_dir("regressions", "fuzz_editor", fuzz_editor_one) >= 0,
	    "no folder %s/regressions", fuzz_dir());
}
END_TEST

START_TEST(test_irc_regressions)
{
	/* None yet is fine; a missing folder is not. */
	ck_assert_msg(replay_dir("regressions", "fuzz_irc", fuzz_irc_one) >= 0,
	    "no folder %s/regressions", fuzz_dir());
}
END_TEST

START_TEST(test_client_regressions)
{
	/* Its regressions exist: a missing folder or file must fail. */
	ck_assert_msg(
	    replay_dir("regressions", "fuzz_client", fuzz_client_one) >= 1,
	    "no fuzz_client regressions in %s/regressions", fuzz_dir());
}
END_TEST

/* The seeds must pass too; finding none means FUZZ_DIR is wrong. */
START_TEST(test_server_seeds)
{
	fuzz_server_init();
	ck_assert_msg(replay_dir("fuzz_server", "", fuzz_server_one) > 0,
	    "no seeds in %s/fuzz_server", fuzz_dir());
}
END_TEST

START_TEST(test_editor_seeds)
{
	ck_assert_msg(replay_dir("fuzz_editor", "", fuzz_editor_one) > 0,
	    "no seeds in %s/fuzz_editor", fuzz_dir());
}
END_TEST

START_TEST(test_irc_seeds)
{
	ck_assert_msg(replay_dir("fuzz_irc", "", fuzz_irc_one) > 0,
	    "no seeds in %s/fuzz_irc", fuzz_dir());
}
END_TEST

START_TEST(test_client_seeds)
{
	ck_assert_msg(replay_dir("fuzz_client", "", fuzz_client_one) > 0,
	    "no seeds in %s/fuzz_client", fuzz_dir());
}
END_TEST

/* The client body's checks fire: a control byte or a bidi override
 * shown, a line sent without CR LF. */
START_TEST(test_client_check_fires)
{
	struct fzc f;

	memset(&f, 0, sizeof f);
	fzc_check_shown(&f, "[12:00:00] a\033b", 14);
	ck_assert_int_eq(f.failed, 1);
	memset(&f, 0, sizeof f);
	fzc_check_shown(&f, "[12:00:00] a\xe2\x80\xae", 15);
	ck_assert_int_eq(f.failed, 1);
	memset(&f, 0, sizeof f);
	fzc_check_shown(&f, "[12:00:00] a\xff", 13);
	ck_assert_int_eq(f.failed, 1);
	memset(&f, 0, sizeof f);
	buf_init(&f.c.out);
	ck_assert(buf_append_str(&f.c.out, "PRIVMSG x :y") == 0);
	fzc_check_out(&f);
	ck_assert_int_eq(f.failed, 1);
	ck_assert_ptr_nonnull(strstr(f.why, "CR LF"));
	buf_free(&f.c.out);
}
END_TEST

/* The bodies' checks really fire: a message over what max_line lets
 * through (3 bytes for each byte sent) is refused. */
START_TEST(test_server_check_fires)
{
	struct fzs f;

	memset(&f, 0, sizeof f);
	f.srv.cfg.max_line = 4;
	fzs_check_line(&f, 0, "[12:00:00] <bob> 123456789012", 29);
	ck_assert_int_eq(f.failed, 0);
	fzs_check_line(&f, 0, "[12:00:00] <bob> 1234567890123", 30);
	ck_assert_int_eq(f.failed, 1);
	ck_assert_ptr_nonnull(strstr(f.why, "max_line"));
	memset(&f, 0, sizeof f);
	f.srv.cfg.max_line = 4;
	fzs_received(&f, 0, "[12:00:00] <bob> \033x\n", 20);
	ck_assert_int_eq(f.failed, 1);
	ck_assert_ptr_nonnull(strstr(f.why, "control"));
	buf_free(&f.peer[0].line);
}
END_TEST

/* The irc body's checks fire too: a piece outside the line, a command
 * left in lower case. */
START_TEST(test_irc_check_fires)
{
	static char elsewhere[] = "PING";
	struct fzi f;
	struct irc_msg m;
	char line[] = "ping x";

	memset(&f, 0, sizeof f);
	f.line = line;
	f.len = strlen(line);
	memset(&m, 0, sizeof m);
	m.command = elsewhere;
	fzi_check_msg(&f, &m);
	ck_assert_int_eq(f.failed, 1);
	ck_assert_ptr_nonnull(strstr(f.why, "outside"));
	memset(&f, 0, sizeof f);
	f.line = line;
	f.len = strlen(line);
	line[4] = '\0';
	m.command = line;
	fzi_check_msg(&f, &m);
	ck_assert_int_eq(f.failed, 1);
	ck_assert_ptr_nonnull(strstr(f.why, "uppercased"));
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("fuzz_regressions");
	TCase *tc = tcase_create("replay");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_server_regressions);
	tcase_add_test(tc, test_editor_regressions);
	tcase_add_test(tc, test_server_seeds);
	tcase_add_test(tc, test_editor_seeds);
	tcase_add_test(tc, test_irc_regressions);
	tcase_add_test(tc, test_irc_seeds);
	tcase_add_test(tc, test_server_check_fires);
	tcase_add_test(tc, test_irc_check_fires);
	tcase_add_test(tc, test_client_regressions);
	tcase_add_test(tc, test_client_seeds);
	tcase_add_test(tc, test_client_check_fires);
	suite_add_tcase(s, tc);
	return s;
}
