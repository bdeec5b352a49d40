// SPDX-License-Identifier: GPL-2.0
/*
 * rt_probe: the worst wake-up latency of a real-time thread, for the
 * benchmark's rt_wakeup_excess_slices (tests/bench/suite/80-rt.sh).
 *
 *   rt_probe SECONDS [PERIOD_US]
 *
 * Runs as SCHED_FIFO (priority 50, memory locked), sleeping to absolute
 * deadlines PERIOD_US (default 1000) apart for SECONDS, and prints
 *
 *   # rt wakeups=N max_us=M avg_us=A
 *
 * where a wake-up's latency is the time from its deadline to when the
 * thread runs again.  Exit status 1 if it cannot become SCHED_FIFO.
 */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static int64_t ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

int main(int argc, char **argv)
{
	struct sched_param sp = { .sched_priority = 50 };
	struct timespec next, now;
	double secs = argc > 1 ? atof(argv[1]) : 2.0;
	long period_us = argc > 2 ? atol(argv[2]) : 1000;
	int64_t end, lat, max = 0, sum = 0, n = 0;

	if (secs <= 0 || period_us <= 0) {
		fprintf(stderr, "usage: rt_probe SECONDS [PERIOD_US]\n");
		return 2;
	}
	mlockall(MCL_CURRENT | MCL_FUTURE);
	if (sched_setscheduler(0, SCHED_FIFO, &sp)) {
		fprintf(stderr, "rt_probe: SCHED_FIFO: %s\n", strerror(errno));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &next);
	end = ns(&next) + (int64_t)(secs * 1e9);
	for (;;) {
		next.tv_nsec += period_us * 1000;
		while (next.tv_nsec >= 1000000000) {
			next.tv_nsec -= 1000000000;
			next.tv_sec++;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
				       NULL) == EINTR)
			;
		clock_gettime(CLOCK_MONOTONIC, &now);
		lat = ns(&now) - ns(&next);
		if (lat > max)
			max = lat;
		sum += lat;
		n++;
		if (ns(&now) >= end)
			break;
		/* a late wake-up: the next deadline from now, not a burst */
		if (lat > period_us * 1000)
			next = now;
	}
	printf("# rt wakeups=%lld max_us=%lld avg_us=%lld\n", (long long)n,
	       (long long)(max / 1000), (long long)(n ? sum / n / 1000 : 0));
	return 0;
}
