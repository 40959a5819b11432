"""Keeping recordings from filling the SD card: delete by age, then oldest first for free space.

Recordings and voicemail live under the data folder in ``recordings/YYYY-MM-DD/`` and
``voicemail/YYYY-MM-DD/``. ``sweep`` deletes files older than ``keep_days``, then, while less than
``min_free_mb`` is free, the oldest remaining ones (recordings before voicemail of the same age,
as a message is a caller's only trace). It never touches anything else in the data folder (the
call log and settings are what the space is kept for) and returns what it did, so that the
daemon can tell the owner.

Example::

    report = sweep(data_dir, keep_days=90, min_free_mb=200, now=time.time())
    if report.deleted:
        notice(report.summary())
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

FOLDERS = ("recordings", "voicemail")      # deleted in this order among files of equal age
MB = 1024 * 1024


@dataclass
class SweepReport:
    """What one sweep deleted, and whether the free-space target was met."""
    deleted: list[str] = field(default_factory=list)
    freed_bytes: int = 0
    free_bytes: int = 0
    target_met: bool = True

    def summary(self) -> str:
        """One line for the owner's notices and the log."""
        text = (f"deleted {len(self.deleted)} old recording(s), freeing "
                f"{self.freed_bytes / MB:.1f} MB; {self.free_bytes / MB:.0f} MB free")
        if not self.target_met:
            text += ": still below the free-space target, with no recordings left to delete"
        return text


def _files(data_dir: Path) -> list[tuple[float, int, Path]]:
    """(modification time, folder rank, path) of every WAV under the recording folders."""
    found = []
    for rank, folder in enumerate(FOLDERS):
        for path in (data_dir / folder).glob("*/*.wav"):
            found.append((path.stat().st_mtime, rank, path))
    return sorted(found)


def _delete(path: Path, data_dir: Path, report: SweepReport) -> None:
    size = path.stat().st_size
    path.unlink()
    report.deleted.append(path.relative_to(data_dir).as_posix())
    report.freed_bytes += size
    if not any(path.parent.iterdir()):
        path.parent.rmdir()                     # an emptied day folder goes too


def sweep(data_dir: Path, keep_days: int, min_free_mb: int, now: float,
          disk_free: Callable[[Path], int] | None = None) -> SweepReport:
    """Delete recordings older than ``keep_days``, then oldest first until ``min_free_mb`` free.

    ``disk_free(path) -> bytes`` defaults to the file system's own figure.
    """
    free = disk_free or (lambda p: shutil.disk_usage(p).free)
    report = SweepReport()
    files = _files(data_dir)
    cutoff = now - keep_days * 86400
    while files and files[0][0] < cutoff:
        _delete(files.pop(0)[2], data_dir, report)
    while files and free(data_dir) < min_free_mb * MB:
        _delete(files.pop(0)[2], data_dir, report)
    report.free_bytes = free(data_dir)
    report.target_met = report.free_bytes >= min_free_mb * MB
    return report
