"""Run one command and print its wall time, user/system CPU and peak RSS as JSON (for command-line tools).

Started as ``python -I -S benchmarks/_launch.py OUTPUT_LOG -- COMMAND...`` so this process stays small: Linux
reports a child's peak RSS as at least the RSS of the process it was forked from, and this one has imported
almost nothing (a few MiB), unlike the benchmark driver.
"""

import json
import os
import sys
import time


def main() -> None:
    log, separator, *command = sys.argv[1:]
    if separator != "--" or not command:
        raise SystemExit("usage: _launch.py LOG -- COMMAND...")
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.execvp(command[0], command)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - started
    result = {
        "seconds": seconds,
        "user": usage.ru_utime,
        "sys": usage.ru_stime,
        "peak_kib": usage.ru_maxrss,
        "faults": usage.ru_minflt,
        "exit": os.waitstatus_to_exitcode(status),
    }
    print(json.dumps(result))


main()
