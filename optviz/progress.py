"""Progress bars on stderr for long work, shown only in a terminal (tqdm decides) and only for work
big enough to wait for. Library code takes a `progress(n)` callback; the command lines make the bar.

May import: nothing; third-party: tqdm (when a bar is shown).
"""
from __future__ import annotations


class progress_bar:
    """A tqdm bar on stderr for long work (silent when stderr is not a terminal or work is small).
    `with progress_bar(total, desc, unit) as bar:` gives the bar, or None when there is none."""

    def __init__(self, total, desc, unit="ball-steps", minimum=2_000_000):
        self.args = dict(total=total, desc=desc, unit=unit, unit_scale=True, leave=False, disable=None)
        self.on = total >= minimum

    def __enter__(self):
        if not self.on:
            self.bar = None
            return None
        from tqdm import tqdm
        self.bar = tqdm(**self.args)
        return self.bar

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()
        return False


class count_bar:
    """A bar for work done in other processes, told `(done, total)` now and then (total may be None:
    a count without an end). Silent when stderr is not a terminal; `write(line)` (what is being done)
    prints above it in a terminal and nowhere otherwise; `warn(line)` (what the user should know) above
    it in a terminal and plainly on stderr otherwise. `with count_bar(desc, unit) as bar:`"""

    def __init__(self, desc: str, unit: str = "frame"):
        self.desc, self.unit, self.bar = desc, unit, None

    def __call__(self, done: int, total: int | None) -> None:
        if self.bar is None:
            from tqdm import tqdm
            self.bar = tqdm(total=total, desc=self.desc, unit=self.unit, leave=False, disable=None)
        if self.bar.disable:
            return
        self.bar.total = total
        self.bar.n = done
        self.bar.refresh()

    def write(self, line: str) -> None:
        import sys
        if sys.stderr.isatty():
            from tqdm import tqdm
            tqdm.write(line, file=sys.stderr)

    def warn(self, line: str) -> None:
        import sys
        if sys.stderr.isatty():
            self.write(line)
        else:
            print(line, file=sys.stderr)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()
        return False
