/* log.c: levelled logging to stderr. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

static int log_level = ST_LOG_WARN;

void st_log_set_level(int level)
{
	if (level < ST_LOG_ERROR)
		level = ST_LOG_ERROR;
	if (level > ST_LOG_DEBUG)
		level = ST_LOG_DEBUG;
	log_level = level;
}

int st_log_get_level(void)
{
	return log_level;
}

bool st_log_enabled(int level)
{
	return level <= log_level;
}

void st_log(int level, const char *fmt, ...)
{
	static const char *const names[] = {"error", "warning", "info",
					    "debug"};
	char line[1024];
	va_list ap;

	/* Test the level before formatting (Redis serverLog). */
	if (!st_log_enabled(level))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	fprintf(stderr, "steward: %s: %s\n", names[level], line);
}
