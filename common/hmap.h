/*
 * hmap.h: an intrusive chained hash table. Entries embed a struct hnode;
 * the table stores only pointers and grows as entries are added, so
 * lookups stay O(1) on average. Keys are the caller's business: it gives
 * the hash, and compares the entries of a chain itself.
 */
#ifndef CHAT_HMAP_H
#define CHAT_HMAP_H

#include <stddef.h>
#include <stdint.h>

struct hnode {
	struct hnode *next;
	uint32_t hash;
};

struct hmap {
	struct hnode **b;
	size_t nb; /* buckets, a power of two; 0 until the first insert */
	size_t count;
};

#define HMAP_ENTRY(node, type, member) \
	((type *)(void *)((char *)(node)-offsetof(type, member)))

void hmap_init(struct hmap *);
/* Free the bucket array (the entries are the caller's). */
void hmap_free(struct hmap *);
/* Add n under hash; 0, or -1 with errno ENOMEM (nothing changed). */
int hmap_insert(struct hmap *, struct hnode *n, uint32_t hash);
void hmap_remove(struct hmap *, struct hnode *n);
/* The first entry of hash's chain with that hash, then the next one. */
struct hnode *hmap_first(const struct hmap *, uint32_t hash);
struct hnode *hmap_next(const struct hnode *n, uint32_t hash);

#endif
