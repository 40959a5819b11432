"""Audio threads on time in a process they share with the web page and the event loop.

The bridge's and the lines' audio threads each need the interpreter for a few microseconds every
10-20 ms; a bridge card's buffers run dry about 15 ms after a thread is late (``elastic``), and
a dry buffer is a click. Three things make a thread that late (bench/load_bench.py: four lines
talking while 20 browsers poll the reports lost a frame about once in thirty calls):

- **The cyclic garbage collector's full pass.** It walks every object the process holds with
  every thread stopped: 17-32 ms here for the 40,000 objects startup makes (modules, settings,
  templates), 0.2-0.3 s on a Pi Zero 2 W. ``gc.freeze()`` once everything is built moves them
  out of its sight (they live as long as the process anyway): a full pass took 4 ms after.
- **The interpreter's switch interval.** A thread waiting for the GIL gets it from a busy one
  (the web server building a report) only after the interval, 5 ms by default, and perhaps not
  the first time. At 1 ms it is well inside the buffers' margin; the busy threads hand over
  more often, for a fraction of a percent of their time.
- **The kernel's scheduler.** With every core busy a woken thread can wait its turn behind the
  web server's threads. The audio threads ask for ``SCHED_FIFO`` at a low real-time priority
  (``audio_thread()``): they always block on their port within microseconds, so they cannot
  starve anything. That needs ``LimitRTPRIO`` (the systemd unit grants 10) or root; without
  it the threads run as before and the log says so once.

``keep_audio_on_time()`` is called once the appliance is built and before its loop starts
(``daemon.serve``, so ``run`` and the live simulator; the load benchmark does the same).
"""
from __future__ import annotations

import gc
import logging
import os
import sys

SWITCH_INTERVAL_S = 0.001       # CPython's default is 0.005: the buffers' whole margin
PRIORITY = 10                   # SCHED_FIFO 1-99; JACK's clients use 10 and up

log = logging.getLogger("appliance.audio")
_refused: list[str] = []


def keep_audio_on_time(interval_s: float = SWITCH_INTERVAL_S) -> None:
    """Freeze what startup built out of the collector's full passes, and let a thread waiting
    for the interpreter have it after at most ``interval_s``."""
    gc.collect()
    gc.freeze()
    sys.setswitchinterval(interval_s)


def audio_thread() -> bool:
    """Called first thing on an audio thread: ask the kernel to run it ahead of ordinary
    threads. False (and one log line per process) where that is not allowed."""
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(PRIORITY))   # 0: this thread
        return True
    except (OSError, AttributeError) as exc:     # no permission; not Linux
        if not _refused:
            _refused.append(str(exc))
            log.info("audio threads run at normal priority (real-time priority refused: %s; "
                     "the systemd unit's LimitRTPRIO=%d allows it)", exc, PRIORITY)
        return False


def refusal() -> str | None:
    """Why the audio threads run at normal priority, once one asked; None if none was refused."""
    return _refused[0] if _refused else None
