/* clocks: clock_res_get, clock_time_get and poll_oneoff (through nanosleep). Times are
 * never printed, only properties a conforming runtime must have, so the output is
 * deterministic: the monotonic clock never goes backwards and advances across a sleep by at
 * least the time slept; the realtime clock is a plausible date; an unknown clock id is
 * EINVAL. */
#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>
#include <wasi/api.h>
#include "errname.h"

static int64_t ns(clockid_t c) {
    struct timespec t;
    if (clock_gettime(c, &t) != 0) return -1;
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static const char *yn(int b) { return b ? "yes" : "no"; }

int main(void) {
    struct timespec res;
    int rc = clock_getres(CLOCK_MONOTONIC, &res);
    printf("clock_getres(MONOTONIC): %s, positive and <= 1 ms: %s\n", outcome(rc),
           yn(rc == 0 && (res.tv_sec > 0 || res.tv_nsec > 0) && res.tv_sec == 0 && res.tv_nsec <= 1000000));
    rc = clock_getres(CLOCK_REALTIME, &res);
    printf("clock_getres(REALTIME): %s, positive: %s\n", outcome(rc),
           yn(rc == 0 && (res.tv_sec > 0 || res.tv_nsec > 0)));

    int64_t prev = ns(CLOCK_MONOTONIC), first = prev;
    int monotone = prev >= 0;
    for (int i = 0; i < 100000; i++) {
        int64_t t = ns(CLOCK_MONOTONIC);
        if (t < prev) monotone = 0;
        prev = t;
    }
    printf("monotonic never decreases over 100000 reads: %s\n", yn(monotone));
    printf("monotonic advanced during those reads: %s\n", yn(prev > first));

    int64_t before = ns(CLOCK_MONOTONIC);
    struct timespec nap = {0, 20 * 1000000};
    rc = nanosleep(&nap, NULL);
    int64_t slept = ns(CLOCK_MONOTONIC) - before;
    printf("nanosleep 20 ms: %s, monotonic advanced >= 20 ms: %s, < 10 s: %s\n", outcome(rc),
           yn(slept >= 20000000), yn(slept < 10000000000LL));

    /* poll_oneoff directly: one relative clock subscription, one event back. */
    __wasi_subscription_t sub = {0};
    sub.userdata = 0x1234;
    sub.u.tag = __WASI_EVENTTYPE_CLOCK;
    sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    sub.u.u.clock.timeout = 5 * 1000000;
    __wasi_event_t ev;
    __wasi_size_t nev = 0;
    before = ns(CLOCK_MONOTONIC);
    __wasi_errno_t err = __wasi_poll_oneoff(&sub, &ev, 1, &nev);
    slept = ns(CLOCK_MONOTONIC) - before;
    printf("poll_oneoff clock 5 ms: errno %d, events %lu, userdata 0x%llx, type clock: %s, "
           "event error %d, waited >= 5 ms: %s\n",
           err, (unsigned long)nev, (unsigned long long)ev.userdata, yn(ev.type == __WASI_EVENTTYPE_CLOCK),
           ev.error, yn(slept >= 5000000));

    int64_t real = ns(CLOCK_REALTIME);
    const int64_t y2020 = 1577836800LL * 1000000000, y2100 = 4102444800LL * 1000000000;
    printf("realtime between 2020 and 2100: %s\n", yn(real > y2020 && real < y2100));
    time_t now = time(NULL);
    printf("time() within 5 s of realtime: %s\n", yn(now * 1000000000LL - real < 5000000000LL &&
                                                     real - now * 1000000000LL < 5000000000LL));
    struct timeval tv;
    gettimeofday(&tv, NULL);
    printf("gettimeofday within 5 s of realtime: %s\n",
           yn(tv.tv_sec - real / 1000000000 < 5 && real / 1000000000 - tv.tv_sec < 5));

    __wasi_timestamp_t t;
    err = __wasi_clock_time_get(99, 1, &t);
    printf("clock_time_get(unknown id 99): %s\n", err == __WASI_ERRNO_INVAL ? "EINVAL" : errname(err));
    err = __wasi_clock_res_get(99, &t);
    printf("clock_res_get(unknown id 99): %s\n", err == __WASI_ERRNO_INVAL ? "EINVAL" : errname(err));
    return 0;
}
