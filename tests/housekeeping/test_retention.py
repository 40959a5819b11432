"""Recordings never fill the disk: old ones go by age, then oldest first under a nearly full disk."""
import os

from appliance.audio.retention import MB, sweep

NOW = 1795424400.0        # 2026-11-23T09:00Z
DAY = 86400


class SmallDisk:
    """A disk of ``size_mb`` whose used space is what the data folder holds plus ``other_mb``."""

    def __init__(self, data_dir, size_mb: float, other_mb: float = 0.0):
        self.data_dir, self.size, self.other = data_dir, size_mb * MB, other_mb * MB

    def __call__(self, _path) -> int:
        used = sum(p.stat().st_size for p in self.data_dir.rglob("*") if p.is_file())
        return int(self.size - self.other - used)


def make(data_dir, folder: str, day: str, name: str, age_days: float, mb: float = 1.0):
    path = data_dir / folder / day / f"{name}.wav"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\0" * int(mb * MB))
    os.utime(path, (NOW - age_days * DAY, NOW - age_days * DAY))
    return path


def test_files_older_than_keep_days_are_deleted_and_empty_day_folders_removed(tmp_path):
    old = make(tmp_path, "recordings", "2026-08-01", "a", age_days=114)
    new = make(tmp_path, "recordings", "2026-11-22", "b", age_days=1)
    (tmp_path / "calls.sqlite3").write_bytes(b"x" * 100)
    report = sweep(tmp_path, keep_days=90, min_free_mb=1, now=NOW, disk_free=SmallDisk(tmp_path, 100))
    assert report.deleted == ["recordings/2026-08-01/a.wav"]
    assert not old.parent.exists() and new.exists() and (tmp_path / "calls.sqlite3").exists()


def test_a_nearly_full_disk_loses_its_oldest_recordings_first_never_the_call_log(tmp_path):
    for age in range(10):                       # ten 1 MB recordings, newest age 0
        make(tmp_path, "recordings", f"2026-11-{23 - age:02d}", f"r{age}", age_days=age)
    make(tmp_path, "voicemail", "2026-11-14", "vm", age_days=9)
    (tmp_path / "calls.sqlite3").write_bytes(b"x" * MB)
    disk = SmallDisk(tmp_path, size_mb=20, other_mb=5)      # 12 MB used here: 3 MB free
    report = sweep(tmp_path, keep_days=90, min_free_mb=6, now=NOW, disk_free=disk)
    assert report.deleted == ["recordings/2026-11-14/r9.wav", "voicemail/2026-11-14/vm.wav",
                              "recordings/2026-11-15/r8.wav"]
    assert report.target_met and report.free_bytes == 6 * MB
    assert "deleted 3 old recording(s), freeing 3.0 MB; 6 MB free" == report.summary()
    assert (tmp_path / "calls.sqlite3").exists()


def test_when_deleting_every_recording_is_not_enough_the_owner_is_told(tmp_path):
    make(tmp_path, "recordings", "2026-11-22", "only", age_days=1)
    report = sweep(tmp_path, keep_days=90, min_free_mb=50, now=NOW,
                   disk_free=SmallDisk(tmp_path, size_mb=20, other_mb=15))
    assert report.deleted == ["recordings/2026-11-22/only.wav"] and not report.target_met
    assert report.summary().endswith("with no recordings left to delete")


def test_the_real_file_system_figure_is_used_by_default(tmp_path):
    make(tmp_path, "recordings", "2026-11-22", "keep", age_days=1)
    report = sweep(tmp_path, keep_days=90, min_free_mb=1, now=NOW)
    assert report.deleted == [] and report.free_bytes > MB
