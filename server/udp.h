/* udp.h: the UDP timestamp service (chatd-v2 §8): each datagram answered with the time, rate-limited. */
#ifndef CHATD_UDP_H
#define CHATD_UDP_H

#include <stdint.h>

struct loop;
struct udp;

/* Counters since udp_new(), for SIGUSR1's statistics. Every datagram read
 * is counted in received and in exactly one of the others. */
struct udp_stats {
	unsigned long long received;
	unsigned long long answered;
	unsigned long long ignored; /* empty, or over CHATD_UDP_MAX_DATA */
	unsigned long long dropped_source; /* its source's bucket was empty */
	unsigned long long dropped_global; /* the global bucket was empty */
	unsigned long long dropped_table;  /* a new source found no free slot */
	unsigned long long dropped_send;   /* the reply failed (EAGAIN...) */
};

/* A monotonic clock in microseconds, for the rate limits; arg is the one
 * given to udp_new(). */
typedef uint64_t udp_clock_fn(void *arg);

/*
 * Serve the service on fd, a bound non-blocking UDP socket (net_bind_udp),
 * read whenever l finds it readable. now (NULL: CLOCK_MONOTONIC) drives
 * the rate limits, so tests can hold or move time. Replies carry the wall
 * clock's local time. Returns NULL with errno (ENOMEM, or loop_add's
 * EINVAL) and leaves fd to the caller; on success fd belongs to the
 * service.
 */
struct udp *udp_new(struct loop *l, int fd, udp_clock_fn *now, void *arg);
/* Stop watching the socket, close it and free everything. NULL is fine. */
void udp_free(struct udp *);

/* Read and answer up to CHATD_UDP_PER_PASS waiting datagrams (the loop's
 * read handler does this). Returns how many were read. */
int udp_read(struct udp *);

const struct udp_stats *udp_stats(const struct udp *);

#endif
