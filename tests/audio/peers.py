"""The two peer DTMF decoders the project is measured against: spandsp (ctypes) and multimon-ng.

Both come from Debian packages that ``dev.sh`` installs (``libspandsp2``, ``multimon-ng``, ``sox``);
a missing one raises, so a test that needs it fails instead of silently passing.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import shutil
import subprocess
from functools import lru_cache

import numpy as np

CHUNK = 160


@lru_cache(maxsize=None)
def _spandsp() -> ctypes.CDLL:
    name = ctypes.util.find_library("spandsp")
    if name is None:
        raise RuntimeError("libspandsp2 is not installed (./dev.sh setup installs it)")
    lib = ctypes.CDLL(name)
    lib.dtmf_rx_init.restype = ctypes.c_void_p
    lib.dtmf_rx_init.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    lib.dtmf_rx.restype = ctypes.c_int
    lib.dtmf_rx.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int]
    lib.dtmf_rx_get.restype = ctypes.c_size_t
    lib.dtmf_rx_get.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    lib.dtmf_rx_parms.restype = None
    lib.dtmf_rx_parms.argtypes = [ctypes.c_void_p] + [ctypes.c_int] * 4
    lib.dtmf_rx_free.restype = ctypes.c_int
    lib.dtmf_rx_free.argtypes = [ctypes.c_void_p]
    return lib


def spandsp_decode(samples) -> str:
    """Keys spandsp's ``dtmf_rx`` (default parameters) finds in 8 kHz int16 samples, fed 20 ms at a time."""
    lib = _spandsp()
    x = np.ascontiguousarray(samples, dtype=np.int16)
    rx = lib.dtmf_rx_init(None, None, None)
    lib.dtmf_rx_parms(rx, 0, -1, -1, -99)    # the defaults; 0.0.6 leaves them unset without this
    buf = ctypes.create_string_buffer(256)
    keys = []
    try:
        for start in range(0, len(x), CHUNK):
            part = x[start:start + CHUNK]
            lib.dtmf_rx(rx, part.ctypes.data, len(part))
            keys.append(_take(lib, rx, buf))
        tail = np.zeros(CHUNK * 3, dtype=np.int16)
        lib.dtmf_rx(rx, tail.ctypes.data, len(tail))
        keys.append(_take(lib, rx, buf))
    finally:
        lib.dtmf_rx_free(rx)
    return "".join(keys)


def _take(lib, rx, buf) -> str:
    n = lib.dtmf_rx_get(rx, buf, 128)
    return buf.raw[:n].decode()


def multimon_decode(samples, rate: int = 8000) -> str:
    """Keys multimon-ng finds: sox resamples to its 22050 Hz raw input, then ``-a DTMF``."""
    for tool in ("sox", "multimon-ng"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is not installed (./dev.sh setup installs it)")
    raw = np.ascontiguousarray(samples, dtype="<i2").tobytes() + bytes(2 * rate // 5)
    sox = subprocess.run(["sox", "-t", "raw", "-r", str(rate), "-e", "signed-integer", "-b", "16",
                          "-c", "1", "-", "-t", "raw", "-r", "22050", "-e", "signed-integer", "-b",
                          "16", "-c", "1", "-"], input=raw, capture_output=True, check=True)
    out = subprocess.run(["multimon-ng", "-q", "-c", "-a", "DTMF", "-t", "raw", "-"],
                         input=sox.stdout, capture_output=True, check=True).stdout.decode()
    return "".join(line.split(":", 1)[1].strip() for line in out.splitlines()
                   if line.startswith("DTMF:"))
