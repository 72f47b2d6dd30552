"""Write a run's output stream to a file without letting it fill the disk.

The first `cap` bytes go to the file; after that only a rolling tail is kept in memory and
appended, behind a marker, when the stream closes. `runaway` tells the caller to kill a run
that keeps writing past twice the cap ("endless output").
"""

from __future__ import annotations

from pathlib import Path

TAIL_KEEP = 64 * 1024


class CappedOutput:
    """One output stream (stdout or stderr) of one run."""

    def __init__(self, path: Path, cap: int, keep: int = TAIL_KEEP) -> None:
        self.path = path
        self.cap = cap
        self.total = 0
        self._keep = keep
        self._written = 0
        self._last = bytearray()
        self._fh = path.open("wb")

    def write(self, data: bytes) -> None:
        """Append a chunk: to the file while under the cap, to the rolling tail always."""
        self.total += len(data)
        room = self.cap - self._written
        if room > 0:
            head = data[:room]
            self._fh.write(head)
            self._written += len(head)
        self._last += data
        if len(self._last) > self._keep:
            del self._last[: len(self._last) - self._keep]

    @property
    def truncated(self) -> bool:
        """More was written than the file kept."""
        return self.total > self.cap

    @property
    def runaway(self) -> bool:
        """The stream went past twice the cap: the run should be stopped."""
        return self.total > 2 * self.cap

    def close(self) -> None:
        """Finish the file: when truncated, a marker and the last bytes of the stream."""
        if self._fh.closed:
            return
        if self.truncated:
            after_cap = self.total - self.cap
            tail = bytes(self._last[-min(after_cap, self._keep) :])
            omitted = after_cap - len(tail)
            self._fh.write(f"\n[nas-audit: {omitted} bytes omitted]\n".encode())
            self._fh.write(tail)
        self._fh.close()

    def tail(self, limit: int) -> str:
        """The last `limit` bytes of the stream as text, starting at a line when possible."""
        data = bytes(self._last[-limit:])
        text = data.decode("utf-8", errors="replace")
        if len(self._last) > limit and "\n" in text[:-1]:
            text = text[text.index("\n") + 1 :]
        return text
