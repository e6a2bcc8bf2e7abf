/* members.h: who is in the current room, as the server said, for Tab. */
#ifndef CHAT_MEMBERS_H
#define CHAT_MEMBERS_H

#include <stddef.h>

/* Nicks (without their @ or + prefix), in the order they came. */
struct members {
	char **nick;
	size_t n, cap;
};

void members_init(struct members *);
void members_clear(struct members *);
/* Add nick unless it is there (ignoring ASCII case). 0, or -1 ENOMEM. */
int members_add(struct members *, const char *nick);
void members_remove(struct members *, const char *nick);
/* A nick change: old, if present, becomes new. */
void members_rename(struct members *, const char *old, const char *new);
int members_has(const struct members *, const char *nick);

/*
 * Completion: the nicks that start with prefix[0, len) (ignoring ASCII
 * case), other than skip (may be NULL), in ASCII case-insensitive order;
 * the idx-th of them (idx modulo their number), or NULL when none does.
 */
const char *members_match(const struct members *, const char *prefix,
    size_t len, const char *skip, size_t idx);

#endif
