/*
 * data.c: pages generated from the store (see data.h).
 */
#include "data.h"

#include <stdlib.h>

int web_data_pages(struct web_data *out, struct st_store *s, time_t now,
		   struct st_error *err)
{
	*out = (struct web_data)WEB_DATA_INIT;
	return 0;
}

void web_data_release(struct web_data *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->pages[i].path);
		free(d->pages[i].title);
		free(d->pages[i].body);
	}
	free(d->pages);
	*d = (struct web_data)WEB_DATA_INIT;
}
