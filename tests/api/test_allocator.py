"""The server's malloc arenas (glibc): eight threads allocating at once get an arena each by default, and share at
most the limit once it is set, which is what keeps a busy server's resident memory flat (`benchmarks/load.py`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from trellis.api.allocator import limit_malloc_arenas

# Eight threads hold 5 MB of 100 KB buffers (malloc's, not Python's small-object pools) at the same time, then
# malloc_info counts the arenas ("heaps") the process has.
_PROBE = """
import ctypes, sys, threading
from trellis.api.allocator import limit_malloc_arenas
if int(sys.argv[2]):
    assert limit_malloc_arenas(int(sys.argv[2]))
barrier, done = threading.Barrier(9), threading.Event()
def hold():
    kept = [bytearray(100_000) for _ in range(50)]
    barrier.wait()
    done.wait()
threads = [threading.Thread(target=hold) for _ in range(8)]
for thread in threads:
    thread.start()
barrier.wait()
libc = ctypes.CDLL("libc.so.6")
libc.fopen.restype = ctypes.c_void_p
out = libc.fopen(sys.argv[1].encode(), b"w")
libc.malloc_info(0, ctypes.c_void_p(out))
libc.fclose(ctypes.c_void_p(out))
done.set()
for thread in threads:
    thread.join()
"""


def _arenas(tmp_path: Path, limit: int) -> int:
    report = tmp_path / f"malloc-{limit}.xml"
    subprocess.run([sys.executable, "-c", _PROBE, str(report), str(limit)], check=True, timeout=60)
    return report.read_text().count("<heap nr=")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc")
def test_threads_share_at_most_the_arenas_the_setting_allows(tmp_path: Path) -> None:
    assert _arenas(tmp_path, 0) > 2, "glibc's default: an arena per thread allocating at once"
    assert _arenas(tmp_path, 2) <= 2


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        limit_malloc_arenas(0)
