"""The lecture's shots: what each `::: KIND` may say (its keys, with defaults), the moments a mark may
start, the values a line may quote, the runs it draws (computed with optviz.core, cached per shot) and
those values read from the runs.

A shot kind is a `ShotKind` registered with `@shot(...)` on the function that computes its runs; the
scene that draws it is the function of the same name in scenes/lecture_shots.py. Keys are parsed here
(a bad value is one problem naming it and what would do); values are typed, so `optviz lecture check`
can try a format on them without running anything.

    surface    the surface in 3-D, a ball at `point`, its gradient, one step, then a few more
    rule       one optimizer's update rule (from the registry) beside a map, with its live values
    race       several optimizers on a surface, 2-D or 3-D; `then=N` runs on to N steps
    cloud      mini-batch clouds: copies of each optimizer, each with its own batches
    landscape  a network task's slice with the paths, and the generalization study's numbers
    text       the chapter's texts alone
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np

from ..errors import OptvizError
from .files import shared_state, state_series
from .framing import framing

NUMBER, INT, PAIR, NAME = "number", "int", "pair", "name"   # value types


@dataclass(frozen=True)
class Key:
    default: object
    parse: Callable[[str], object]
    doc: str


@dataclass(frozen=True)
class ShotKind:
    name: str
    doc: str
    keys: dict                        # key -> Key
    moments: Callable[[dict], list]   # options -> [(mark, least seconds, loops)] in the order they happen
    values: dict                      # value -> type, for the shot
    per_optimizer: dict               # value -> type, for each of its optimizers (`{race.loss.adam}`)
    compute: Callable[[dict], dict]   # options -> {file stem: data object}
    read: Callable[[dict, dict], dict]   # (options, data) -> {value: v} and {value: {optimizer index: v}}
    # render cost of a frame, relative to a `rule` shot's (about 0.02 s at preview), for sharing the work
    # between processes: measured at preview on the built-in and the example lecture, start-up taken out
    cost: float = 1.0
    # a mark that only some settings give the shot -> the setting that gives it (`then` -> "then=N")
    needs: dict = None
    # options -> [(key, message)]: what is wrong with keys together, each good alone (then=N under steps);
    # a message begins with the key, after "a KIND shot's "
    agree: Callable[[dict], list] = None
    # (options, data) -> [message]: what the teacher should know once the runs exist (not an error)
    advise: Callable[[dict, dict], list] = None


SHOTS: dict[str, ShotKind] = {}


def shot(name, doc, keys, moments, values, per_optimizer, read, cost=1.0, needs=None, agree=None, advise=None):
    def wrap(fn):
        SHOTS[name] = ShotKind(name, doc, keys, moments, values, per_optimizer, fn, read, cost, needs or {},
                               agree or (lambda o: []), advise or (lambda o, d: []))
        return fn
    return wrap


def get_kind(name: str) -> ShotKind:
    if name not in SHOTS:
        raise OptvizError(f"unknown shot {name!r}; choose from: {', '.join(SHOTS)}")
    return SHOTS[name]


# ---- parsing keys ----------------------------------------------------------------------------------

def number(lo=None, hi=None, whole=False):
    def parse(text):
        try:
            v = int(text) if whole else float(text)
        except ValueError:
            raise ValueError(f"write {'a whole number' if whole else 'a number'}") from None
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            raise ValueError(f"it must be from {lo} to {hi}" if hi is not None else f"it must be at least {lo}")
        return v
    return parse


def point(text):
    try:
        x, y = (float(v) for v in text.split(","))
    except ValueError:
        raise ValueError("write two numbers: x,y") from None
    if not np.isfinite([x, y]).all():
        raise ValueError("write two finite numbers: x,y")
    return [x, y]


def view_box(text):
    """x0,x1;y0,y1: the part of the plane a shot shows."""
    try:
        (x0, x1), (y0, y1) = ([float(v) for v in part.split(",")] for part in text.split(";"))
    except ValueError:
        raise ValueError("write x0,x1;y0,y1") from None
    if not np.isfinite([x0, x1, y0, y1]).all() or not (x0 < x1 and y0 < y1):
        raise ValueError("write x0,x1;y0,y1 with x0 < x1 and y0 < y1")
    return [[x0, x1], [y0, y1]]


def choice(*options):
    def parse(text):
        if text not in options:
            raise ValueError(f"choose from: {', '.join(options)}")
        return text
    return parse


def surface_name(text):
    from ..core.surfaces import get_surface
    get_surface(text)
    return text


def optimizer(text):
    from ..core.optimizers import resolve_optimizers
    resolve_optimizers([text])
    return text


def optimizer_list(text):
    specs = text.split()
    if not specs:
        raise ValueError("write one or more optimizer specs, e.g. \"sgd:lr=0.1 adam:lr=0.05\"")
    for s in specs:
        optimizer(s)
    return specs


def task_name(text):
    from ..core.networks.tasks import TASKS
    if text not in TASKS and ":" not in text:
        raise ValueError(f"choose from: {', '.join(TASKS)} (or pkg.module:make_task)")
    return text


def yes_no(text):
    if text not in ("yes", "no"):
        raise ValueError("choose from: yes, no")
    return text == "yes"


def parse_options(kind: ShotKind, written: dict) -> tuple[dict, list[tuple[str, str]]]:
    """A shot's options: the written ones parsed, the rest defaults. Problems: [(key, message)]."""
    out, problems = {}, []
    for key, text in written.items():
        if key not in kind.keys:
            problems.append((key, f"unknown key {key!r} for a {kind.name} shot; choose from: "
                                  f"{', '.join(['name', 'figure', *kind.keys])}"))
            continue
        try:
            out[key] = kind.keys[key].parse(text)
        except (ValueError, OptvizError) as e:
            problems.append((key, f"bad {key} {text!r} for a {kind.name} shot: {e}"))
    for key, k in kind.keys.items():
        if key not in out and key not in written:
            if k.default is None:
                problems.append((key, f"a {kind.name} shot needs {key}=... ({k.doc})"))
            else:
                out[key] = k.default
    if not problems:
        problems = [(key, f"a {kind.name} shot's {message}") for key, message in kind.agree(out)]
    return out, problems


def optimizer_names(options: dict) -> list[str]:
    """The shot's optimizers as a line may name them: the name written before their settings."""
    specs = options.get("optimizers") or ([options["optimizer"]] if options.get("optimizer") else [])
    return [s.split(":")[0].split("@")[0].strip().lower() for s in specs]


def optimizer_index(options: dict, ref: str) -> int | None:
    """Which optimizer `ref` names: its name (unique in the shot) or its place, 1-based."""
    names = optimizer_names(options)
    if ref.isdigit():
        k = int(ref) - 1
        return k if 0 <= k < len(names) else None
    return names.index(ref.lower()) if names.count(ref.lower()) == 1 else None


# ---- values -----------------------------------------------------------------------------------------

def g(v, digits: int = 2) -> str:
    """A number as the lecture prints it: `digits` significant digits, no exponent unless it is huge
    or tiny."""
    v = float(v)
    if not np.isfinite(v):
        return "diverged" if np.isnan(v) else ("∞" if v > 0 else "−∞")
    if v != 0 and not 1e-4 <= abs(v) < 1e6:
        return f"{v:.{digits - 1}e}"
    return np.format_float_positional(v, precision=digits, unique=True, fractional=False, trim="-")


def diverged(v) -> bool:
    """Whether a value (a number, or a pair) holds a number a diverged run left: NaN or infinite."""
    return any(isinstance(x, (float, np.floating)) and not np.isfinite(x)
               for x in (v if isinstance(v, (list, tuple)) else [v]))


def format_value(v, spec: str | None) -> str:
    """A value as written into a line: a pair as (x, y), the format applied to each number; a number
    without a format at 2 significant digits (a whole number as it is); a name as it is; a diverged
    run's number (NaN, infinite) as g writes it ("diverged", "∞"), whatever the format."""
    if isinstance(v, (list, tuple)):
        if diverged(v):   # a diverged run's position: one word, not "(diverged, diverged)"
            return g(next(x for x in v if diverged(x)))
        return "(" + ", ".join(format_value(x, spec) for x in v) + ")"
    if isinstance(v, str):
        return format(v, spec or "")
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    if diverged(v):   # a diverged run's: a word, whatever the format
        return g(v)   # (Python formats NaN as "nan", which the voice reads as a word it is not)
    if spec:
        return format(int(v) if isinstance(v, (int, np.integer)) else float(v), spec)
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    return g(v)


SAMPLE = {NUMBER: 0.0123, INT: 50, PAIR: [1.25, -0.5], NAME: "Momentum"}   # what check formats


def finals(exp, step: int | None = None) -> tuple[list, list]:
    """Per optimizer (first start): the loss and the position at `step` (default: the last)."""
    t = exp.steps if step is None else step
    return ([float(exp.loss[m, 0, t]) for m in range(exp.position.shape[0])],
            [exp.position[m, 0, t].astype(float).tolist() for m in range(exp.position.shape[0])])


def hyperparameters(exp, m: int = 0) -> dict:
    return {k: v for k, v in exp.meta["optimizers"][m]["hyperparameters"].items() if isinstance(v, (int, float))}


# ---- the kinds ----------------------------------------------------------------------------------------

SURFACE = Key(None, surface_name, "a registered surface or an expression in x, y")
START = Key("", point, "where the balls start: x,y (default: the surface's start)")
# what a shot shows: a path that leaves it is drawn to its edge, and again from where it comes back
BOX = Key("", view_box, "the view: x0,x1;y0,y1 (default: the surface's, grown to hold the paths)")


def box_of(o):
    return tuple(map(tuple, o["box"])) if o.get("box") else None


def read_surface(o, d):
    e = d["run"]
    loss = e.loss[0, 0].astype(float)
    return {"point": e.position[0, 0, 0].astype(float).tolist(), "grad": e.grad[0, 0, 0].astype(float).tolist(),
            "next": e.position[0, 0, 1].astype(float).tolist(), "loss0": float(loss[0]), "loss1": float(loss[1]),
            "loss": float(loss[-1]), "lr": float(o["lr"]), "steps": e.steps}


@shot("surface", "the surface in 3-D with a ball at `point`, its gradient (uphill), one step against it, then "
      "the rest of the steps", {
          "surface": SURFACE,
          "point": Key("", point, "where the ball starts: x,y (default: the surface's start)"),
          "lr": Key(0.1, number(1e-12), "the learning rate of its gradient-descent steps"),
          "steps": Key(8, number(1, 2000, whole=True), "how many steps the ball takes"),
          "box": Key("", view_box, "the view: x0,x1;y0,y1 (default: the surface's)"),
      }, lambda o: [("ball", 2.0, False), ("gradient", 2.0, False), ("step", 4.0, False), ("walk", 5.0, True)],
      {"point": PAIR, "grad": PAIR, "next": PAIR, "loss0": NUMBER, "loss1": NUMBER, "loss": NUMBER, "lr": NUMBER,
       "steps": INT}, {}, read_surface, cost=0.45)
def compute_surface(o):
    from ..core.engine import simulate
    start = [o["point"]] if o["point"] else None
    return {"run": simulate(o["surface"], [f"sgd:lr={o['lr']!r}"], start, o["steps"], box=box_of(o))}


@lru_cache(maxsize=None)
def state_names(spec: str) -> tuple:
    """The state an optimizer keeps, by optviz's names (a torch SGD's momentum_buffer is `velocity`), as
    one step on a bowl records it: what a `compare` can plot. Empty for one that keeps none."""
    from ..core.engine import simulate
    return tuple(simulate("x**2 + y**2", [spec], [[1.0, 1.0]], 1, dtype="float64").state)


def comparable(o) -> list:
    """A rule's `compare` plots a state both optimizers keep: one they share, or the key is a problem."""
    if not o["compare"]:
        return []
    try:
        mine, theirs = state_names(o["optimizer"]), state_names(o["compare"])
    except Exception:  # noqa: BLE001 - an optimizer that cannot take a step: its runs say why, by line
        return []
    if set(mine) & set(theirs):
        return []
    name = o["optimizer"].split(":")[0]
    if not mine:
        return [("compare", f"compare plots a state both optimizers keep, and {name} keeps none: make "
                            f"optimizer= one that keeps a state, such as momentum or adam")]
    return [("compare", f"compare={o['compare']} keeps none of {name}'s state ({', '.join(mine)}): nothing to "
                        f"plot beside it; compare with an optimizer that keeps {' or '.join(mine)}")]


def read_rule(o, d):
    e = d["run"]
    out = {"start": e.position[0, 0, 0].astype(float).tolist(), "steps": e.steps, "loss0": float(e.loss[0, 0, 0]),
           "loss": float(e.loss[0, 0, -1]), "position": e.position[0, 0, -1].astype(float).tolist(),
           "next": e.position[0, 0, 1].astype(float).tolist(), "grad0": e.grad[0, 0, 0].astype(float).tolist(),
           **hyperparameters(e)}
    if "compare" in d:
        c = d["compare"]
        key = shared_state(e, c)   # None: a run diverged, its state not a number
        mine, theirs = state_series(e).get(key), state_series(c).get(key)
        out["ratio"] = float(theirs[-1] / mine[-1]) if mine is not None and theirs is not None and mine[-1] else np.nan
        out["apart"] = float(np.abs(c.position[0, 0] - e.position[0, 0]).max())
    else:
        out["ratio"] = out["apart"] = np.nan
    return out


@shot("rule", "one optimizer's update rule (as the registry states it) beside a 2-D map, with its live values "
      "for a few steps, then the run to its last step; `compare=SPEC` plots its state against another's", {
          "surface": SURFACE,
          "start": START,
          "steps": Key(50, number(1, 5000, whole=True), "how many steps it runs"),
          "optimizer": Key(None, optimizer, "one optimizer spec, e.g. adam:lr=1"),
          "walk": Key(5, number(0, 20, whole=True), "how many single steps are shown with their values"),
          "compare": Key("", optimizer, "another optimizer spec whose state is plotted beside this one's"),
          "box": BOX,
      }, lambda o: [("rule", 3.0, False), ("walk", 1.25 * o["walk"] + 1.0, False), ("run", 4.0, False)] +
      ([("compare", 5.0, False)] if o["compare"] else []),
      {"start": PAIR, "steps": INT, "loss0": NUMBER, "loss": NUMBER, "position": PAIR, "next": PAIR, "grad0": PAIR,
       "lr": NUMBER, "momentum": NUMBER, "beta1": NUMBER, "beta2": NUMBER, "eps": NUMBER, "ratio": NUMBER,
       "apart": NUMBER}, {}, read_rule, needs={"compare": "compare=SPEC"}, agree=comparable, advise=framing)
def compute_rule(o):
    from ..core.engine import simulate
    start = [o["start"]] if o["start"] else None
    out = {"run": simulate(o["surface"], [o["optimizer"]], start, o["steps"], box=box_of(o))}
    if o["compare"]:
        out["compare"] = simulate(o["surface"], [o["compare"]], start, o["steps"], box=box_of(o))
    return out


def read_race(o, d):
    e = d["run"]
    loss, pos = finals(e, o["steps"])
    out = {"steps": o["steps"], "then": o["then"] or o["steps"], "start": e.position[0, 0, 0].astype(float).tolist(),
           "loss0": dict(enumerate(e.loss[:, 0, 0].astype(float).tolist())), "loss": dict(enumerate(loss)),
           "position": dict(enumerate(pos))}
    tl, tp = finals(e)
    out["then_loss"], out["then_position"] = dict(enumerate(tl)), dict(enumerate(tp))
    return out


@shot("race", "several optimizers from one start, in 2-D or 3-D, each with its trail; `then=N` runs on to N "
      "steps as a second leg", {
          "surface": SURFACE,
          "start": START,
          "steps": Key(50, number(1, 5000, whole=True), "the first leg's steps"),
          "optimizers": Key(None, optimizer_list, "optimizer specs separated by spaces, in double quotes"),
          "view": Key("3d", choice("2d", "3d"), "2d (a map from above) or 3d"),
          "then": Key(0, number(0, 20000, whole=True), "run on to this many steps as a second leg (0: none)"),
          "box": BOX,
      }, lambda o: [("go", 10.0, False)] + ([("then", 12.0, False)] if o["then"] else []),
      {"steps": INT, "then": INT, "start": PAIR},
      {"loss0": NUMBER, "loss": NUMBER, "position": PAIR, "then_loss": NUMBER, "then_position": PAIR}, read_race,
      cost=1.1, needs={"then": "then=N"},
      agree=lambda o: [("then", f"then={o['then']} must be more than steps={o['steps']} (or 0: no second leg)")]
      if o["then"] and o["then"] <= o["steps"] else [], advise=framing)
def compute_race(o):
    from ..core.engine import simulate
    start = [o["start"]] if o["start"] else None
    return {"run": simulate(o["surface"], o["optimizers"], start, max(o["steps"], o["then"]), box=box_of(o))}


def data_surface(name: str) -> list:
    """A cloud's surface must hold data to draw mini-batches from."""
    from ..core.surfaces import SURFACES, get_surface
    if get_surface(name).batch is not None:
        return []
    data = [n for n, s in SURFACES.items() if s.batch is not None]
    return [("surface", f"surface {name!r} has no data to draw mini-batches from; choose from: {', '.join(data)}")]


def read_cloud(o, d):
    e = d["run"]
    final = e.position[:, :, -1].astype(np.float64)
    spread = np.sqrt(((final - np.nanmean(final, 1, keepdims=True)) ** 2).sum(-1).mean(1))
    return {"batch": o["batch"], "copies": o["copies"], "steps": e.steps,
            "points": int(e.meta["surface"].get("n_data") or 0),
            "spread": dict(enumerate(spread.tolist())), "loss": dict(enumerate(np.nanmean(e.loss[:, :, -1], 1).tolist()))}


@shot("cloud", "copies of each optimizer on a data surface, each step on its own mini-batch: clouds that "
      "never settle at a constant learning rate; the camera then zooms in on them", {
          "surface": Key("least-squares", surface_name, "a data surface: least-squares or logistic"),
          "start": Key("", point, "where every copy starts: x,y (default: the surface's start)"),
          "optimizers": Key(None, optimizer_list, "optimizer specs separated by spaces, in double quotes"),
          "batch": Key(4, number(1, 10000, whole=True), "the mini-batch size"),
          "copies": Key(40, number(2, 500, whole=True), "copies of each optimizer"),
          "steps": Key(150, number(1, 5000, whole=True), "steps"),
          "seed": Key(0, number(0, 2**31, whole=True), "seeds the batches"),
      }, lambda o: [("go", 12.0, False), ("zoom", 5.0, False)],
      {"batch": INT, "copies": INT, "steps": INT, "points": INT}, {"spread": NUMBER, "loss": NUMBER}, read_cloud,
      cost=2.0, agree=lambda o: data_surface(o["surface"]))
def compute_cloud(o):
    from ..core.engine import simulate
    start = [o["start"]] if o["start"] else None
    return {"run": simulate(o["surface"], o["optimizers"], start, o["steps"], batch_size=o["batch"],
                            cloud=o["copies"], seed=o["seed"])}


def read_landscape(o, d):
    r = d["study"]
    mean, lo, hi = r.summary()
    k = {name: i for i, name in enumerate(r.metrics)}
    titles = [opt.get("title") or opt["name"] for opt in r.meta["optimizers"]]
    ok = [m for m in range(len(titles)) if np.isfinite(mean[m, k["top_eigenvalue"]])]

    def per(metric, arr=mean):
        return dict(enumerate(arr[:, k[metric]].astype(float).tolist()))
    end, common, acc = mean[:, k["top_eigenvalue"]], mean[:, k["common_top_eigenvalue"]], mean[:, k["test_acc"]]
    out = {"seeds": len(r.seeds), "points": int(r.meta["task"].get("n_train") or 0),
           "flattest": titles[min(ok, key=lambda m: end[m])] if ok else "none",
           "sharpest": titles[max(ok, key=lambda m: end[m])] if ok else "none",
           "flattest_common": titles[min(ok, key=lambda m: common[m])] if ok else "none",
           "sharpest_common": titles[max(ok, key=lambda m: common[m])] if ok else "none",
           "best": titles[max(ok, key=lambda m: acc[m])] if ok else "none",
           "test_acc": per("test_acc"), "test_acc_low": per("test_acc", lo), "test_acc_high": per("test_acc", hi),
           "sharpness": per("top_eigenvalue"), "common_sharpness": per("common_top_eigenvalue"),
           "train_loss": per("train_loss")}
    net = d.get("slice")
    plane = net.meta.get("landscape", {}).get("plane", {}) if net is not None else {}
    out["explained"] = float(sum(plane.get("explained_variance") or [0, 0]))
    return out


@shot("landscape", "a network task: the loss on the plane of its paths (a slice) with each optimizer's path, "
      "then the generalization study's numbers over seeds (test accuracy, sharpness)", {
          "task": Key("digits-mlp", task_name, "a network task"),
          "optimizers": Key(None, optimizer_list, "optimizer specs separated by spaces (an optimizer without lr "
                                                  "gets the study's tuned one)"),
          "seeds": Key(5, number(1, 50, whole=True), "seeds of the study"),
          "steps": Key(300, number(2, 20000, whole=True), "training steps of the paths on the slice"),
          "study_steps": Key(600, number(2, 20000, whole=True), "training steps of each seed in the study"),
          "batch": Key(64, number(1, 100000, whole=True), "the mini-batch size"),
          "resolution": Key(41, number(5, 201, whole=True), "the slice's grid"),
          "slice": Key(True, yes_no, "draw the slice with the paths first (yes), or the numbers alone (no)"),
      }, lambda o: [("go", 14.0, False), ("numbers", 3.0, False)] if o["slice"] else [],
      {"seeds": INT, "points": INT, "explained": NUMBER, "flattest": NAME, "sharpest": NAME, "flattest_common": NAME,
       "sharpest_common": NAME, "best": NAME},
      {"test_acc": NUMBER, "test_acc_low": NUMBER, "test_acc_high": NUMBER, "sharpness": NUMBER,
       "common_sharpness": NUMBER, "train_loss": NUMBER}, read_landscape, cost=0.85,
      needs={"go": "slice=yes", "numbers": "slice=yes"})
def compute_landscape(o):
    from ..core.networks import landscape, train_network
    from ..extras import require
    from ..studies.generalization import run_generalization
    require("networks", feature="a landscape shot (it trains a network)")
    out = {}
    result, _ = run_generalization(o["task"], o["optimizers"], seeds=o["seeds"], steps=o["study_steps"],
                                   batch_size=o["batch"], spectrum=False)
    out["study"] = result
    if o["slice"]:
        # the paths on the slice: the study's optimizers with the rates it used (tuned where none was given)
        specs = [f"{x['name']}:" + ",".join(f"{k}={v}" for k, v in x["hyperparameters"].items()
                                             if isinstance(v, (int, float, str)))
                 for x in result.meta["optimizers"]]
        run = train_network(o["task"], specs, o["steps"], batch_size=o["batch"], record_every=2, seed=0)
        out["slice"] = landscape(run, "pca", resolution=o["resolution"])
    return out


@shot("text", "the chapter's texts alone, large, one under another", {}, lambda o: [], {}, {},
      lambda o, d: {}, cost=0.22)
def compute_text(o):
    return {}
