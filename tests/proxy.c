/* proxy.c: a TCP relay on loopback whose connections a test can cut, while the server behind it runs on. */
#define _DEFAULT_SOURCE
#include <sys/socket.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "chatrun.h"
#include "net.h"
#include "proxy.h"

#define PROXY_CHUNK 16384

static volatile sig_atomic_t proxy_cut_asked;

static void
proxy_on_usr1(int sig)
{
	(void)sig;
	proxy_cut_asked = 1;
}

/* Copy what one side has to the other; 0 when that side is done. */
static int
proxy_copy(int from, int to)
{
	char buf[PROXY_CHUNK];
	ssize_t n, w, off;

	if ((n = read(from, buf, sizeof buf)) <= 0)
		return n == -1 && errno == EAGAIN;
	for (off = 0; off < n; off += w) {
		struct pollfd pfd = { .fd = to, .events = POLLOUT };

		if ((w = send(to, buf + off, (size_t)(n - off),
			 MSG_NOSIGNAL)) == -1) {
			if (errno != EAGAIN || poll(&pfd, 1, 1000) != 1)
				return 0;
			w = 0;
		}
	}
	return 1;
}

/* The relay: every accepted connection paired with one to target. */
static void __attribute__((noreturn)) proxy_run(int lfd, int target, int ready)
{
	struct pollfd pfd[1 + 2 * PROXY_PAIRS_MAX];
	int pair[PROXY_PAIRS_MAX][2], npairs = 0, i, fd, up;
	char peer[NET_ADDRSTRLEN], port[16];
	const char *cause;
	sigset_t block, old;

	signal(SIGUSR1, proxy_on_usr1);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	snprintf(port, sizeof port, "%d", target);
	if (write(ready, "r", 1) != 1)
		_exit(1);
	for (;;) {
		if (proxy_cut_asked) {
			sigprocmask(SIG_BLOCK, &block, &old);
			proxy_cut_asked = 0;
			sigprocmask(SIG_SETMASK, &old, NULL);
			for (i = 0; i < npairs; i++) {
				close(pair[i][0]);
				close(pair[i][1]);
			}
			npairs = 0;
			if (write(ready, "c", 1) != 1)
				_exit(1);
		}
		pfd[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (i = 0; i < npairs; i++) {
			pfd[1 + 2 * i] = (struct pollfd){ .fd = pair[i][0],
				.events = POLLIN };
			pfd[2 + 2 * i] = (struct pollfd){ .fd = pair[i][1],
				.events = POLLIN };
		}
		if (poll(pfd, (nfds_t)(1 + 2 * npairs), 100) <= 0)
			continue;
		for (i = npairs - 1; i >= 0; i--) {
			up = 1;
			if (pfd[1 + 2 * i].revents)
				up = proxy_copy(pair[i][0], pair[i][1]);
			if (up && pfd[2 + 2 * i].revents)
				up = proxy_copy(pair[i][1], pair[i][0]);
			if (!up) {
				close(pair[i][0]);
				close(pair[i][1]);
				pair[i][0] = pair[npairs - 1][0];
				pair[i][1] = pair[npairs - 1][1];
				npairs--;
			}
		}
		if ((pfd[0].revents & POLLIN) && npairs < PROXY_PAIRS_MAX &&
		    (fd = net_accept(lfd, peer, sizeof peer)) != -1) {
			pair[npairs][0] = fd;
			if ((pair[npairs][1] = net_connect(
				 "127.0.0.1", port, &cause)) == -1) {
				close(fd);
				continue;
			}
			net_set_nonblock(pair[npairs][1]);
			npairs++;
		}
	}
}

void
proxy_start(struct proxy *p, int target)
{
	char c;
	int lfd, fds[2];

	lfd = fake_listen(&p->port);
	ck_assert(pipe(fds) == 0);
	p->pid = fork();
	ck_assert(p->pid != -1);
	if (p->pid == 0) {
#ifdef __linux__
		/* A test that dies must not leave the relay behind. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
		close(fds[0]);
		proxy_run(lfd, target, fds[1]);
	}
	close(lfd);
	close(fds[1]);
	ck_assert(read(fds[0], &c, 1) == 1 && c == 'r');
	p->ready = fds[0];
}

void
proxy_cut(struct proxy *p)
{
	struct pollfd pfd = { .fd = p->ready, .events = POLLIN };
	char c;

	ck_assert(kill(p->pid, SIGUSR1) == 0);
	ck_assert(poll(&pfd, 1, CHATRUN_WAIT_MS) == 1);
	ck_assert(read(p->ready, &c, 1) == 1 && c == 'c');
}

void
proxy_stop(struct proxy *p)
{
	if (p->pid > 0) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, NULL, 0);
	}
	p->pid = 0;
	if (p->ready > 0)
		close(p->ready);
	p->ready = -1;
}
