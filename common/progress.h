/*
 * progress.h: a one-line progress display for long jobs, drawn on stderr
 * only when stderr is a terminal and at most a few times a second.
 */
#ifndef STEWARD_COMMON_PROGRESS_H
#define STEWARD_COMMON_PROGRESS_H

#include <stdint.h>

struct st_progress;

/* Start a display titled label; total may be 0 when unknown. Returns NULL
 * (a valid no-op handle) when stderr is not a terminal. */
struct st_progress *st_progress_new(const char *label, uint64_t total);
/* Report that done units are complete. NULL is a no-op. */
void st_progress_update(struct st_progress *p, uint64_t done);
/* Draw the final state, end the line, free. NULL is a no-op. */
void st_progress_free(struct st_progress *p);

#endif
