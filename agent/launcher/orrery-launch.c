// orrery-launch: the prepared start of a held run (agent/executor.h, Executor::prepare()).
//
// The agent spawns it shortly before a run's start time with the run's environment, working
// directory, session and output pipes, and two more descriptors: 3, the read end of the "go"
// pipe, and 4, the write end of the status pipe. It blocks reading one byte from 3. On that
// byte it reads the system clock (CLOCK_REALTIME, milliseconds since the Unix epoch), writes it
// to 4 as one native int64, closes 3 and 4, and execv's its arguments (`/bin/sh -c command`, or
// the command itself): the time reported is the moment the command is exec'd. When the go pipe
// is closed instead (the run was stopped, or the agent ended), it exits 0 without running
// anything. Plain C, no Qt: it must be small and quick to start.

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { kGoFd = 3, kStatusFd = 4 };

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: orrery-launch PROGRAM [ARGUMENT]...  (fd 3: go pipe, fd 4: status pipe)\n",
              stderr);
        return 2;
    }
    char go = 0;
    ssize_t n = 0;
    do
        n = read(kGoFd, &go, 1);
    while (n < 0 && errno == EINTR);
    if (n != 1)
        return 0;  // cancelled before its start: nothing runs

    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    const int64_t ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    do
        n = write(kStatusFd, &ms, sizeof ms);  // 8 bytes into an empty pipe: one write
    while (n < 0 && errno == EINTR);
    close(kGoFd);
    close(kStatusFd);

    execv(argv[1], argv + 1);
    const int error = errno;
    fprintf(stderr, "orrery-launch: cannot run %s: %s\n", argv[1], strerror(error));
    return error == ENOENT ? 127 : 126;
}
