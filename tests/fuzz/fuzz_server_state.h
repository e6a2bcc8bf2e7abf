/* fuzz_server_state.h: what fuzz_server_body.h and its checks share: the
 * harness's state, its configurations and dictionary, its failure report. */
#ifndef FUZZ_SERVER_STATE_H
#define FUZZ_SERVER_STATE_H

#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "chat.h"
#include "conn.h"
#include "log.h"
#include "loop.h"
#include "proto.h"
#include "proto_text.h"
#include "server.h"
#include "text.h"

/* Bigger inputs say nothing new and only slow the search down. */
#define FZS_INPUT_MAX         4096
#define FZS_CLIENTS_MAX       3
/* End of input: passes with flood control as configured, then without. */
#define FZS_DRAIN_PASSES      64
#define FZS_DRAIN_FREE_PASSES 256
#define FZS_DRAIN_STEP_MS     10000
/* A notice echoes at most one argument (at most max_line bytes sent,
 * FZS_CLEAN_GROWTH times that once cleaned) in a fixed sentence; /who
 * and /rooms list at most FZS_CLIENTS_MAX names. */
#define FZS_NOTICE_SLACK      256
/* The control operation that begins or ends a batch. */
#define FZS_BATCH             7
/* Cleaning turns an invalid byte into U+FFFD: up to 3 bytes for 1. */
#define FZS_CLEAN_GROWTH      3

struct fzs_peer {
	int fd;          /* our end; -1 once closed */
	int wr_shut;     /* we sent EOF */
	int stalled;     /* not reading: output piles up */
	int eof;         /* the server closed its side */
	int blocked;     /* last seen: a short write pending */
	struct conn *c;  /* server side; NULL once freed */
	struct buf line; /* received, not yet a whole line */
	int sent_iac;    /* wrote a 0xFF: telnet answers may come */
	int iac;         /* inside a telnet answer: bytes of it seen */
};

struct fzs {
	struct server srv;
	struct fzs_peer peer[FZS_CLIENTS_MAX];
	int npeers;
	int batch; /* no pass after each operation */
	int failed;
	char why[512];
};

static char fzs_password[] = "pw";

static const size_t fzs_max_lines[] = { 8, 32, 64, 300 };
static const size_t fzs_max_queues[] = { 300, 1024, 4096, 65536 };
static const double fzs_rates[] = { 0, 0, 1, 20 };
static const double fzs_bursts[] = { 0, 0, 2, 5 };

static const char *const fzs_tokens[16] = {
	"/nick ",
	"/join #",
	"/who\n",
	"/rooms\n",
	"/me ",
	"/msg guest",
	"/quit",
	"/help\n",
	"/pass pw\n",
	"//",
	"\r\n",
	"\n",
	"guest2",
	"#lobby\n",
	"\033[31m",
	"\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80",
};

/* Once per process: what chatd's main() does that the server needs. */
static void
fuzz_server_init(void)
{
	signal(SIGPIPE, SIG_IGN);
	log_set_level(LOG_ERROR);
}

static void fzs_fail(struct fzs *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
fzs_fail(struct fzs *f, const char *fmt, ...)
{
	va_list ap;

	if (f->failed)
		return;
	f->failed = 1;
	va_start(ap, fmt);
	vsnprintf(f->why, sizeof f->why, fmt, ap);
	va_end(ap);
}

#endif
