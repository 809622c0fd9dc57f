"""The runs a lecture draws, a folder of NPZ files per shot, computed once (torch) and cached under a
hash of what decides them (the shot's kind and settings, the code that computes them, torch's
version): editing one shot recomputes that shot's runs only. Then the lecture's plan with the runs'
numbers filled in, what every output is made from.

    python -m optviz.lecture.runs [FILE.md] PLAN.json   # what the scenes run when optviz did not
                                                        # give them a plan ($OPTVIZ_LECTURE_PLAN)
"""
from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from ..cache import cache_dir, digest, sources_digest
from ..data.files import check_folder
from ..errors import OptvizError
from .files import complete_marker, load_data
from .markdown import Document, read
from .plan import Values, build, check
from .script import Chapter, scaled
from .shots import SHOTS, parse_options

BUILTIN = Path(__file__).resolve().parent / "lectures"


def lecture_file(name_or_path) -> Path:
    """A lecture file: a path, or the name of one the package carries (`seed`, the built-in lecture;
    `own-lecture`, the example); None: the built-in `seed`."""
    if name_or_path is None:
        return BUILTIN / "seed.md"
    p = Path(name_or_path)
    if p.suffix == "" and not p.exists():
        for folder in packaged():
            if (folder / f"{p.name}.md").exists():
                return folder / f"{p.name}.md"
    return p


def packaged() -> list[Path]:
    """The folders of the lectures the package carries: the built-in ones, the examples."""
    from importlib.resources import files
    return [BUILTIN, Path(str(files("optviz.examples")))]


def builtin_names() -> list[str]:
    return sorted(p.stem for folder in packaged() for p in folder.glob("*.md"))


def read_lecture(path) -> Document:
    """A lecture file (or a packaged one's name) parsed, its problems collected, not yet checked."""
    path = lecture_file(path)
    try:
        return read(path)
    except UnicodeDecodeError as e:
        raise OptvizError(not_utf8(path, e.object, e.start)) from None
    except OSError as e:
        raise OptvizError(f"cannot read the lecture {str(path)!r}: {e.strerror or e}") from None


def not_utf8(path, data: bytes, at: int) -> str:
    """FILE:LINE: what a lecture file that is not UTF-8 text says, and how to save it so."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return f"{path}:1: the file is UTF-16 text; save it as UTF-8 (a lecture file is UTF-8)"
    line = data.count(b"\n", 0, at) + 1
    return (f"{path}:{line}: byte 0x{data[at]:02x} is not UTF-8 text (the file was saved in another encoding, "
            f"such as Latin-1 or Windows-1252); save it as UTF-8")


def own_pace(doc: Document) -> float:
    """The file's pace (its front matter's, when that is a number; a bad one is a problem of its own)."""
    pace = doc.meta.get("pace", 1.0)
    return float(pace) if isinstance(pace, (int, float)) and not isinstance(pace, bool) else 1.0


def chapter_keys(path) -> list[str]:
    """The chapters' keys of a lecture file, read without checking it (for `--chapters`)."""
    return [c.key for c in read_lecture(path).chapters]


def load(path) -> Document:
    """The parsed file; every problem `check` finds stops here, in one OptvizError of lines FILE:LINE."""
    doc = read_lecture(path)
    problems = check(doc, own_pace(doc))
    if problems:
        raise OptvizError("\n".join(str(p) for p in problems))
    return doc


def shot_folder(kind: str, options: dict) -> Path:
    """Where a shot's runs are cached: named by what decides them."""
    from importlib.metadata import version
    here = Path(__file__).resolve().parent
    code = sources_digest(here.parent / "core", here.parent / "studies") + digest(here.joinpath("shots.py"))
    return cache_dir("lecture", "shots") / digest(kind, options, code, version("torch"))


def shot_runs(kind: str, options: dict, report=lambda line: None) -> Path:
    """The folder of a shot's runs, computed into the cache first when they are not there."""
    folder = shot_folder(kind, options)
    if complete_marker(folder).exists():
        return folder
    report(f"computing the runs of a {kind} shot" + (" (a network, trained from several seeds: about a minute)"
                                                    if kind == "landscape" else ""))
    tmp = folder.with_name(f".{folder.name}.{__import__('os').getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        for stem, obj in SHOTS[kind].compute(options).items():
            obj.save(tmp / f"{stem}.npz")
        complete_marker(tmp).write_text("done\n")
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


@dataclass
class Lecture:
    """A lecture ready to render: its file, parsed; each shot's runs; the plan with their numbers."""
    path: Path
    doc: Document
    folders: dict
    plan: list

    @property
    def meta(self) -> dict:
        return self.doc.meta


def prepare(path=None, *, report=lambda line: None, progress=None, warn=None) -> Lecture:
    """Read and check the lecture file (None: the built-in one), compute each shot's runs (cached) and
    build its plan (at pace 1: `plan_of` scales it). `report` hears what is being done, `warn` (default:
    `report`) what the teacher should know: each line that quotes a diverged run, each shot whose paths
    are lost in their view (with the box= that frames them), in the file's order."""
    warn = warn or report
    doc = load(path)
    folders, values, advice = {}, {}, []
    shots = doc.shots()
    for k, (_, s) in enumerate(shots):
        opts, _ = parse_options(SHOTS[s.kind], s.options)
        try:
            folders[s.name] = shot_runs(s.kind, opts, report)
        except OptvizError as e:
            raise OptvizError(f"{doc.path}:{s.line}: {e}") from None
        data = load_data(folders[s.name])
        values[s.name] = SHOTS[s.kind].read(opts, data)
        advice += [(s.line, f"{doc.path}:{s.line}: {said}") for said in SHOTS[s.kind].advise(opts, data)]
        if progress:
            progress(k + 1, len(shots))
    quoted = Values(doc, values)
    plan = build(doc, quoted)
    # not errors: the video shows them as they are, but the teacher should know
    advice += [(line, f"{doc.path}:{line}: {source} is from a run that diverged: it reads \"diverged\"")
               for line, source in quoted.diverged]
    for _, said in sorted(advice):
        warn(said)
    plan = [replace(c, shots=tuple(replace(s, data=str(folders[s.name]) if s.name in folders else "")
                                   for s in c.shots)) for c in plan]
    return Lecture(lecture_file(path), doc, folders, plan)


def plan_of(lecture: Lecture, pace: float = 1.0) -> list[Chapter]:
    """The plan at another pace (every beat's least length times `pace`)."""
    return scaled(lecture.plan, pace)


def voice_script(source, folder, pace: float = 1.0, fps: int = 30, report=lambda line: None) -> list[Path]:
    """`--voice-script DIR` for a lecture file (None: the built-in one): its lines to record, each cue
    timed as the silent draft at `pace`."""
    from .recorded import write_voice_script
    from .timing import draft_speech, lines, time_plan
    check_folder(folder, "--voice-script folder")   # before any run is computed
    plan = plan_of(prepare(source, report=report), pace)
    timing = time_plan(plan, {ln.key: draft_speech(ln, pace) for ln in lines(plan)}, fps)
    return write_voice_script(plan, folder, timing, "seed" if source is None else str(source))


if __name__ == "__main__":
    from .script import plan_to_json
    from .timing import draft_speech, lines, time_plan
    *source, out = sys.argv[1:]
    lecture = prepare(source[0] if source else None)
    timed = time_plan(lecture.plan, {ln.key: draft_speech(ln) for ln in lines(lecture.plan)}, 30)
    Path(out).write_text(plan_to_json(timed.plan, 30))
