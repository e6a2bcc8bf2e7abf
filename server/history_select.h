/*
 * history_select.h: which events a history query selects (history.h
 * states the rules), worked out over one room's events held oldest first,
 * for any store that can lay them out so. Ids rise and times never fall
 * along such an array; each answer is a slice of it, found by binary
 * search, so a query costs O(log n) plus the events it returns.
 */
#ifndef CHATD_HISTORY_SELECT_H
#define CHATD_HISTORY_SELECT_H

#include <stddef.h>

#include "history.h"

/* Nonzero when q is well formed: a room, and the refs its sel needs. */
int history_query_valid(const struct history_query *q);

/*
 * The slice v[*s .. *e) of v[0..n) that q (valid) selects, at most limit
 * long; empty when q refers to an id v does not hold.
 */
void history_select(const struct ev *const *v, size_t n,
    const struct history_query *q, size_t limit, size_t *s, size_t *e);

/* The latest of v[0..n) with lo < time < hi, or NULL. */
const struct ev *history_latest_between(
    const struct ev *const *v, size_t n, int64_t lo, int64_t hi);

/*
 * found[0..n) holds the latest event in t's window of distinct rooms:
 * sort them by (time, id) and return how many of them t->limit keeps,
 * from found[*s] on.
 */
size_t history_targets_pick(const struct ev **found, size_t n,
    const struct history_targets *t, size_t *s);

#endif
