/* complete.h: Tab completes the nick at the cursor from the room's members. */
#ifndef CHAT_COMPLETE_H
#define CHAT_COMPLETE_H

#include <stddef.h>

#include "editor.h"
#include "members.h"

#define COMPLETE_PREFIX_MAX 64
#define COMPLETE_LINE_START ": " /* after a nick that starts the line */

/* A completion in progress: repeated Tabs cycle through the matches. */
struct complete {
	int active;
	size_t start; /* where the word being completed begins */
	size_t end;   /* the end of what the last Tab put there */
	size_t idx;   /* which match that was */
	char prefix[COMPLETE_PREFIX_MAX];
};

/* Any key but Tab ends a completion. */
void complete_reset(struct complete *);
/*
 * Tab: replace the word before the cursor by the first member (other than
 * self) whose nick it begins, then ": " at the start of the line or one
 * space elsewhere; a Tab right after that puts the next match instead,
 * in order, round and round. No match: a bell.
 */
void complete_tab(struct complete *, struct editor *, const struct members *,
    const char *self);

#endif
