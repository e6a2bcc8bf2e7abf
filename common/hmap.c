/* hmap.c: an intrusive chained hash table that grows. */
#include <errno.h>
#include <stdlib.h>

#include "hmap.h"

#define HMAP_MIN_BUCKETS 64

void
hmap_init(struct hmap *m)
{
	m->b = NULL;
	m->nb = 0;
	m->count = 0;
}

void
hmap_free(struct hmap *m)
{
	free(m->b);
	hmap_init(m);
}

/* Rehash into nb buckets. */
static int
hmap_resize(struct hmap *m, size_t nb)
{
	struct hnode **b, *n, *next;
	size_t i;

	if ((b = calloc(nb, sizeof *b)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < m->nb; i++)
		for (n = m->b[i]; n != NULL; n = next) {
			next = n->next;
			n->next = b[n->hash & (nb - 1)];
			b[n->hash & (nb - 1)] = n;
		}
	free(m->b);
	m->b = b;
	m->nb = nb;
	return 0;
}

int
hmap_insert(struct hmap *m, struct hnode *n, uint32_t hash)
{
	struct hnode **slot;

	/* Grow at one entry per bucket on average; a failed grow is not an
	 * error while the table still has buckets. */
	if (m->count >= m->nb &&
	    hmap_resize(m, m->nb == 0 ? HMAP_MIN_BUCKETS : m->nb * 2) == -1 &&
	    m->nb == 0)
		return -1;
	n->hash = hash;
	slot = &m->b[hash & (m->nb - 1)];
	n->next = *slot;
	*slot = n;
	m->count++;
	return 0;
}

void
hmap_remove(struct hmap *m, struct hnode *n)
{
	struct hnode **p;

	if (m->nb == 0)
		return;
	for (p = &m->b[n->hash & (m->nb - 1)]; *p != NULL; p = &(*p)->next)
		if (*p == n) {
			*p = n->next;
			m->count--;
			return;
		}
}

struct hnode *
hmap_first(const struct hmap *m, uint32_t hash)
{
	struct hnode *n;

	if (m->nb == 0)
		return NULL;
	for (n = m->b[hash & (m->nb - 1)]; n != NULL && n->hash != hash;
	     n = n->next)
		;
	return n;
}

struct hnode *
hmap_next(const struct hnode *n, uint32_t hash)
{
	for (n = n->next; n != NULL && n->hash != hash; n = n->next)
		;
	return (struct hnode *)n;
}
