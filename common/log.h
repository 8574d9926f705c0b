/*
 * log.h: levelled logging to stderr. Results go to stdout; logs never do,
 * so --json output stays clean. The level is the only process-wide
 * setting and is set once, before any thread starts.
 */
#ifndef STEWARD_COMMON_LOG_H
#define STEWARD_COMMON_LOG_H

#include <stdbool.h>

enum st_log_level {
	ST_LOG_ERROR = 0,
	ST_LOG_WARN = 1,
	ST_LOG_INFO = 2,
	ST_LOG_DEBUG = 3,
};

void st_log_set_level(int level);
int st_log_get_level(void);
/* True when a message at level would be printed: test before costly work. */
bool st_log_enabled(int level);
/* Print "steward: <level>: <message>" when level is enabled; control
 * characters in the message are replaced. */
void st_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
