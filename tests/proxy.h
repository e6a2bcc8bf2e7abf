/* proxy.h: a TCP relay on loopback whose connections a test can cut, while the server behind it runs on. */
#ifndef TEST_PROXY_H
#define TEST_PROXY_H

#include <sys/types.h>

#define PROXY_PAIRS_MAX 16

struct proxy {
	pid_t pid; /* the relay runs in a child process */
	int port;  /* where clients connect */
	int ready; /* the relay says it started ('r') and cut ('c') */
};

/* Relay 127.0.0.1:p->port to 127.0.0.1:target, in a child. Fails the
 * test if it cannot start. */
void proxy_start(struct proxy *, int target);
/* Close every relayed connection now (both sides); new ones are relayed
 * again. Waits until the relay has done it. */
void proxy_cut(struct proxy *);
void proxy_stop(struct proxy *);

#endif
