"""The lecture's script: the blog post told in chapters, each a list of beats, as plain data.

A beat is one `play` (or `wait`) of its chapter's manim scene: its length, the subtitle shown while it
plays, and the on-screen texts that appear with it (the scene draws exactly these strings). Everything
else the lecture writes comes from this script, not from manim: the chapter markers, the .srt
subtitles, the narration script for a voice-over, and the cut of long chapters into parts rendered in
parallel (`lecture_video`). The numbers in the texts are the runs' own (`lecture_facts`), read from the
experiments the scenes draw.

Pace: a reader takes in about 3 words a second, a speaker says about 2.5; `reading_problems` checks
both (every text can be read before it leaves the screen; each chapter is long enough to narrate).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

DATA = ("step", "seed50", "seed1000", "forms", "stochastic", "network", "generalization")   # the NPZ files
READING = 3.0    # words a second a viewer reads
SPEAKING = 2.7   # words a second of narration (about 160 a minute)


@dataclass(frozen=True)
class Beat:
    seconds: float
    caption: str | None = None          # the subtitle while it plays; None: the previous one goes on
    texts: dict = field(default_factory=dict)   # key -> on-screen text that appears in this beat
    clear: tuple = ()                    # keys of earlier texts that leave the screen in this beat


# chapter key -> its manim class in scenes/lecture.py (made there from this, before any data is loaded)
SCENE_CLASSES = {"gradient": "GradientChapter", "sgd": "SGDChapter", "momentum": "MomentumChapter",
                 "adam": "AdamChapter", "race": "RaceChapter", "stochastic": "StochasticChapter",
                 "network": "NetworkChapter", "summary": "SummaryChapter"}


@dataclass(frozen=True)
class Chapter:
    key: str           # file names: 01-gradient.mp4
    title: str
    narration: str     # a paragraph for the voice-over
    beats: tuple
    cost: float = 1.0  # render cost of a frame, relative (3-D stages cost more): for sharing the work

    @property
    def scene(self) -> str:
        """The manim class that renders this chapter."""
        return SCENE_CLASSES[self.key]

    def text(self, key: str) -> str:
        for b in self.beats:
            if key in b.texts:
                return b.texts[key]
        raise KeyError(f"chapter {self.key} has no text {key!r}")


def g(v, digits: int = 2) -> str:
    """A number as the lecture prints it: 2 significant digits, no exponent for the values it shows."""
    return np.format_float_positional(float(v), precision=digits, unique=True, fractional=False, trim="-")


def pair(v, digits: int = 2) -> str:
    return "(" + ", ".join(g(x, digits) for x in v) + ")"


def lecture_facts(d: dict) -> dict:
    """The numbers the script quotes, from the lecture's data objects (`optviz.cli.lecture`):
    d["step"], ["seed50"], ["seed1000"], ["forms"], ["stochastic"], ["network"] are Experiments,
    d["generalization"] a GeneralizationResult."""
    step, s50, s1000, forms, sto, net, gen = (d[k] for k in ("step", "seed50", "seed1000", "forms", "stochastic",
                                                             "network", "generalization"))
    final = sto.position[:, :, -1].astype(np.float64)
    spread = np.sqrt(((final - final.mean(1, keepdims=True)) ** 2).sum(-1).mean(1))
    v = forms.state["velocity"][:, 0, -1, 0].astype(np.float64)
    mean, lo, hi = gen.summary()
    k = {name: i for i, name in enumerate(gen.metrics)}
    names = [o["name"] for o in gen.meta["optimizers"]]
    by = {n: i for i, n in enumerate(names)}
    plane = net.meta.get("landscape", {}).get("plane", {})
    return {
        "step": {"w0": step.position[0, 0, 0].tolist(), "g": step.grad[0, 0, 0].tolist(),
                 "w1": step.position[0, 0, 1].tolist(), "loss": step.loss[0, 0].tolist(),
                 "lr": step.meta["optimizers"][0]["hyperparameters"]["lr"]},
        "seed": {"g0": s50.grad[0, 0, 0].tolist(), "start": s50.position[0, 0, 0].tolist(),
                 "hp": [o["hyperparameters"] for o in s50.meta["optimizers"]], "adam_w1": s50.position[2, 0, 1].tolist(),
                 "loss0": float(s50.loss[0, 0, 0]), "final50": s50.loss[:, 0, -1].tolist(),
                 "final1000": s1000.loss[:, 0, -1].tolist(), "labels": s50.labels},
        # torch's momentum at a tenth of the post's rate: the same path, a velocity 1/(1 - beta) times larger
        "forms": {"ratio": float(v[1] / v[0]), "steps": forms.steps,
                  "apart": float(np.abs(forms.position[1, 0] - forms.position[0, 0]).max())},
        "stochastic": {"spread": spread.tolist(), "batch": int(sto.meta["batch_size"]),
                       "points": int(sto.meta["surface"].get("n_data") or 64), "copies": int(sto.meta["cloud"])},
        "network": {"explained": sum(plane.get("explained_variance") or [0, 0]), "caption": net.meta.get("caption", ""),
                    "labels": net.labels},
        "generalization": {n: {m: [float(mean[i, j]), float(lo[i, j]), float(hi[i, j])] for m, j in k.items()}
                           for n, i in by.items()},
        "seeds": len(gen.seeds),
    }


def lecture_plan(f: dict, pace: float = 1.0) -> list[Chapter]:
    """The chapters, their beats scaled by `pace` (< 1 for quick test renders)."""
    chapters = [c(f) for c in ORDER]
    if pace == 1.0:
        return chapters
    return [Chapter(c.key, c.title, c.narration,
                    tuple(Beat(b.seconds * pace, b.caption, b.texts, b.clear) for b in c.beats), c.cost)
            for c in chapters]


# ---- the chapters ----------------------------------------------------------------------------------

def gradient(f):
    s = f["step"]
    return Chapter("gradient", "A loss surface and its gradient", cost=3.0, narration=(
        "Training a model means walking downhill on its loss. This is the blog post's surface: the loss of "
        "two weights is tanh squared of w1, plus a hundredth of the absolute value of w1, plus the sigmoid "
        "of w2: a narrow ravine along w1 equals zero, and a long, gentle slope in w2. At "
        f"every point the gradient g says which way is uphill, and how steeply. A ball at {pair(s['w0'])} "
        f"feels a gradient of {pair(s['g'])}. One step of gradient descent moves it against the gradient, "
        f"by the learning rate times g: with a learning rate of {g(s['lr'])} it lands at {pair(s['w1'])}, "
        f"and its loss falls from {g(s['loss'][0])} to {g(s['loss'][1])}. Repeat, and the ball walks "
        "downhill."), beats=(
        Beat(3.0, "The blog post's loss surface, over two weights.",
             {"title": "A loss surface and its gradient"}),
        Beat(7.0, "L = tanh²(w₁) + 0.01·|w₁| + σ(w₂)", {"formula": "L(w₁, w₂) = tanh²(w₁) + 0.01·|w₁| + σ(w₂)"}),
        Beat(7.0, "A narrow ravine along w₁ = 0, and a gentle slope in w₂."),
        Beat(4.0, f"A ball at w = {pair(s['w0'])}.", {"where": f"w = {pair(s['w0'])}"}),
        Beat(6.0, "The gradient g points uphill, as steep as the surface.", {"gradient": f"g = {pair(s['g'])}"}),
        Beat(6.0, "Gradient descent steps the other way: w ← w − η·g.",
             {"rule": f"w ← w − η·g,   η = {g(s['lr'])}"}),
        Beat(5.0, f"It lands at {pair(s['w1'])}: lower on the surface.",
             {"after": f"loss {g(s['loss'][0])} → {g(s['loss'][1])}"}),
        Beat(6.0, "Repeat, and the ball walks downhill."),
        Beat(1.0, ""),
    ))


def sgd(f):
    s = f["seed"]
    hp = s["hp"]
    return Chapter("sgd", "SGD: a step against the gradient", narration=(
        "Gradient descent is the simplest rule: subtract the learning rate times the gradient. The post "
        "starts it at 7, 7 with a learning rate of 10. Out there the surface is nearly flat: the gradient is "
        f"only {pair(s['g0'])}, so even a learning rate of 10 moves the ball by a tenth in w1 and a hundredth "
        "in w2 per step. Watch the values: every step is the same small step. Every direction gets the same "
        "learning rate, however steep or flat it is, and here every direction is flat. After 50 steps the "
        f"loss has barely moved, from {g(s['loss0'], 3)} to {g(s['final50'][0], 3)}."), beats=(
        Beat(3.0, "SGD, the simplest optimizer.", {"title": "SGD: a step against the gradient"}),
        Beat(6.0, "The rule: w ← w − η·g, with the post's η = 10 from (7, 7).",
             {"rule": "w ← w − η·g", "setting": f"η = {g(hp[0]['lr'])}, from {pair(s['start'])}"}),
        Beat(2.5, f"Near (7, 7) the surface is almost flat: g = {pair(s['g0'])}."),
        Beat(2.5, None), Beat(2.5, None),
        Beat(2.5, "So each step moves only 0.1 in w₁ and 0.01 in w₂."), Beat(2.5, None), Beat(2.5, None),
        Beat(7.0, "One learning rate for every direction, steep or flat.", {"lesson": "one η for every direction"}),
        Beat(6.0, f"After 50 steps: loss {g(s['loss0'], 3)} → {g(s['final50'][0], 3)}.",
             {"result": f"50 steps: loss {g(s['loss0'], 3)} → {g(s['final50'][0], 3)}"}),
        Beat(1.0, ""),
    ))


def momentum(f):
    r = f["forms"]["ratio"]
    hp = f["seed"]["hp"]
    return Chapter("momentum", "Momentum: a velocity that builds up", narration=(
        "Momentum keeps a running average of the gradients, a velocity v, and steps along it. The post's "
        "form: v becomes beta times v plus one minus beta times g, from zero, and w moves by minus the "
        "learning rate times v. With beta at 0.9 the velocity starts at a tenth of the gradient and builds "
        "up over about ten steps: on a steady slope the ball speeds up, and across a zig-zag opposite "
        "gradients cancel. Beware when you compare with torch: its SGD with momentum adds the whole "
        f"gradient, v becomes mu times v plus g, so its velocity is {g(r)} times the post's. It needs a "
        "tenth of the learning rate to take the same path."), beats=(
        Beat(3.0, "Momentum: a running average of gradients.", {"title": "Momentum: a velocity that builds up"}),
        Beat(7.0, "The post's form: v ← β·v + (1−β)·g, from v = 0; then w ← w − η·v.",
             {"rule": "v ← β·v + (1−β)·g", "rule2": "w ← w − η·v",
              "setting": f"η = {g(hp[1]['lr'])},  β = {g(hp[1]['momentum'])},  v₀ = 0"}),
        Beat(2.5, "The first velocity is a tenth of the gradient."), Beat(2.5, None),
        Beat(2.5, "Each step adds a tenth more: v builds up."), Beat(2.5, None), Beat(2.5, None),
        Beat(6.0, "Over the next steps the velocity keeps growing.", {"lesson": "v builds up: the ball speeds up"}),
        Beat(7.0, "On a steady slope v grows toward g: the ball speeds up.",
             {"plot": "v₁, the velocity along w₁, step by step", "post_v": "the post's v"}),
        Beat(7.0, f"torch's SGD(momentum) uses v ← μ·v + g: its v is {g(r)}× the post's.",
             {"torch": "torch: v ← μ·v + g", "torch_v": "torch's v"}),
        Beat(7.0, "Same learning rate, ten times the step: divide η by 10 to match.",
             {"warn": "torch: η/10 for the same path"}),
        Beat(1.0, ""),
    ))


def adam(f):
    s = f["seed"]
    hp = s["hp"]
    return Chapter("adam", "Adam: a step size for every coordinate", narration=(
        "Adam keeps two averages: m, of the gradient, and v, of its square. Both start at zero, so early on "
        "they are too small; dividing by one minus beta to the power t corrects that bias. The step is the "
        "learning rate times m-hat, over the square root of v-hat plus a small epsilon. On the first step "
        "m-hat is exactly g and v-hat exactly g squared, so every coordinate moves by the learning rate, "
        "whatever the size of the gradient: from 7, 7 Adam jumps straight to 6, 6. Each coordinate gets its "
        "own step size, so the flat w2 direction is no longer starved: after 50 steps "
        f"the loss is {g(s['final50'][2])}, where plain gradient descent is still at {g(s['final50'][0], 3)}."),
        beats=(
        Beat(3.0, "Adam: two running averages.", {"title": "Adam: a step size for every coordinate"}),
        Beat(7.0, "m averages the gradient, v its square; both start at zero.",
             {"rule": "m ← β₁·m + (1−β₁)·g", "rule_v": "v ← β₂·v + (1−β₂)·g²"}),
        Beat(6.0, "Dividing by 1 − βᵗ corrects their start at zero.", {"rule2": "m̂ = m / (1−β₁ᵗ),   v̂ = v / (1−β₂ᵗ)"}),
        Beat(6.0, "The step: η·m̂ / (√v̂ + ε), coordinate by coordinate.",
             {"rule3": "w ← w − η·m̂ / (√v̂ + ε)",
              "setting": f"η = {g(hp[2]['lr'])},  β₁ = {g(hp[2]['beta1'])},  β₂ = {g(hp[2]['beta2'], 3)}"}),
        Beat(2.5, f"Step 1: m̂ = g and v̂ = g², so each coordinate moves by η: (7, 7) → {pair(s['adam_w1'])}."),
        Beat(2.5, None), Beat(2.5, None), Beat(2.5, None),
        Beat(7.0, "Each coordinate gets its own step size: the flat w₂ is not starved.",
             {"lesson": "a step size per coordinate"}),
        Beat(6.0, f"After 50 steps: loss {g(s['final50'][2])}.",
             {"result": f"50 steps: loss {g(s['loss0'], 3)} → {g(s['final50'][2])}"}),
        Beat(1.0, ""),
    ))


def race(f):
    s = f["seed"]
    short = ",  ".join(f"{n} {g(v, 3) if v > 0.1 else g(v)}" for n, v in zip(("SGD", "momentum", "Adam"), s["final50"]))
    long = ",  ".join(f"{n} {g(v, 3) if v > 0.1 else g(v)}" for n, v in zip(("SGD", "momentum", "Adam"), s["final1000"]))
    return Chapter("race", "Pathological curvature: 50 steps, then 1000", cost=3.0, narration=(
        "Now the three race from 7, 7 with the post's settings: SGD and momentum with a learning rate of 10, "
        "Adam with 1. SGD and momentum crawl across the flat plateau. Adam, with a step for each coordinate, "
        "drops into the ravine at once and slides down it, bouncing from wall to wall. After 50 steps the "
        f"losses are {short.replace(',  ', ', ')}. Given 1000 steps, momentum reaches the ravine too and runs "
        f"down its floor, while plain SGD is still on the slope: {long.replace(',  ', ', ')}. That is "
        "pathological curvature: a direction that is flat beside one that is steep, which no single "
        "learning rate suits."), beats=(
        Beat(3.0, "The race from (7, 7), with the post's settings.", {"title": "Pathological curvature"}),
        Beat(10.0, "SGD and momentum crawl across the plateau; Adam drops into the ravine."),
        Beat(6.0, "Losses after 50 steps.", {"after50": f"50 steps:  {short}"}),
        Beat(1.0, "", clear=("after50",)),
        Beat(12.0, "1000 steps: momentum reaches the ravine too; SGD is still on the slope."),
        Beat(6.0, "Losses after 1000 steps.", {"after1000": f"1000 steps:  {long}"}),
        Beat(6.0, "A flat direction beside a steep one: no single learning rate suits both."),
        Beat(1.0, ""),
    ))


def stochastic(f):
    s = f["stochastic"]
    lo, hi = min(s["spread"]), max(s["spread"])
    return Chapter("stochastic", "Stochastic gradients: a cloud, not a line", cost=1.5,
                   narration=(
        "Real training sees a different mini-batch at every step, so each gradient is a noisy estimate of the "
        f"true one. Here a line is fitted to {s['points']} points by least squares, and each step sees only "
        f"{s['batch']} of them. {s['copies']} copies of each optimizer start together, each with its own "
        "batches, so every optimizer becomes a cloud. At a constant learning rate the noise never goes away: "
        "the clouds do not shrink to a point, "
        f"they keep jittering around the minimum, about {g(lo)} to {g(hi)} wide. Lowering the learning rate "
        "over time is what finally settles them."), beats=(
        Beat(3.0, "Real training sees a different mini-batch every step.",
             {"title": "Stochastic gradients: a cloud, not a line"}),
        Beat(7.0, f"A line fitted to {s['points']} points; each step sees {s['batch']} of them.",
             {"setting": f"mini-batches of {s['batch']} of {s['points']} points"}),
        Beat(14.0, f"{s['copies']} runs per optimizer, each with its own batches: a cloud."),
        Beat(8.0, "At a constant learning rate the clouds never shrink to a point.",
             {"result": f"the clouds stay {g(lo)}–{g(hi)} wide"}),
        Beat(6.0, "A learning rate that decays over time settles them."),
        Beat(1.0, ""),
    ))


def network(f):
    n, r = f["network"], f["generalization"]
    mom, ada, sam = r.get("momentum"), r.get("adam"), r.get("sam")
    acc = " · ".join(f"{name} {100 * x['test_acc'][0]:.1f}%" for name, x in
                     (("momentum", mom), ("Adam", ada), ("SAM", sam)) if x)
    sharp = " · ".join(f"{name} {g(x['top_eigenvalue'][0])}" for name, x in
                       (("momentum", mom), ("Adam", ada), ("SAM", sam)) if x)
    flattest = min((x["top_eigenvalue"][0], name) for name, x in (("momentum", mom), ("Adam", ada), ("SAM", sam)))[1]
    holds = flattest != "Adam"
    verdict = "Here the claim holds." if holds else "Here the claim does not hold."
    return Chapter("network", "Sharp or wide minima? A real network", cost=3.0, narration=(
        "The post ends with a warning: Adam may get stuck in sharp minima, while momentum tends to find "
        "wide ones that generalize better. Here is a real network, a small MLP on handwritten "
        "digits. With thousands of weights, the surface is a slice: the loss on the plane of the "
        f"paths' two main directions, which holds {100 * n['explained']:.0f} percent of their variance; the "
        "balls float a little off it. Over "
        f"{f['seeds']} seeds, with tuned learning rates, the test accuracies are {acc.replace(' · ', ', ')}. "
        f"The sharpness of each minimum, its top curvature, is {sharp.replace(' · ', ', ')}: the flattest "
        f"is {flattest}'s. {verdict} SAM, built to seek flat minima, does land flatter than momentum. The "
        "gap is reported on large image models; measure before you believe."),
        beats=(
        Beat(4.0, "The post's warning, tested on a real network.", {"title": "Sharp or wide minima? A real network"}),
        Beat(7.0, "The claim: Adam finds sharp minima, momentum wide ones that generalize.",
             {"claim": "the claim: momentum → wide, Adam → sharp"}),
        Beat(18.0, "A small MLP on 8×8 digits; the surface is a slice through its paths.",
             {"caption": n["caption"]}),
        Beat(1.0, "", clear=("caption",)),
        Beat(10.0, f"{f['seeds']} seeds, tuned rates: test accuracy and sharpness.",
             {"accuracy": f"test accuracy:  {acc}", "sharpness": f"sharpness:  {sharp}"}),
        Beat(9.0, f"{verdict} SAM does find flatter minima than momentum.", {"verdict": verdict}),
        Beat(1.0, ""),
    ))


def summary(f):
    return Chapter("summary", "Which optimizer, then?", narration=(
        "To sum up. SGD takes one step size for every direction: simple, and slow wherever the surface is "
        "flat. Momentum averages the gradients: it speeds up along steady slopes and damps zig-zags, and in "
        "the post's form its steps match plain SGD's rather than ten times them, as in torch. Adam scales each "
        "coordinate by its own gradient history: quick off plateaus and forgiving about the learning rate. "
        "Which one generalizes better depends on the model and the data: measure it, as optviz does, rather "
        "than assume it."), beats=(
        Beat(3.0, "Which optimizer, then?", {"title": "Which optimizer, then?"}),
        Beat(7.0, "SGD: one step size for every direction.", {"sgd": "SGD: one step size; slow where it is flat"}),
        Beat(8.0, "Momentum: speeds up on slopes, damps zig-zags.",
             {"momentum": "Momentum: speeds up on slopes, damps zig-zags"}),
        Beat(7.0, "Adam: a step size for every coordinate.", {"adam": "Adam: a step size for every coordinate"}),
        Beat(7.0, "Which generalizes better? Measure it; do not assume it.",
             {"measure": "generalization: measure it, do not assume it"}),
        Beat(3.0, None),
        Beat(1.0, ""),
    ))


ORDER = (gradient, sgd, momentum, adam, race, stochastic, network, summary)
CHAPTERS = tuple(c.__name__ for c in ORDER)   # the chapters' keys, in order


# ---- pace ----------------------------------------------------------------------------------------------

def words(text: str) -> int:
    return len(text.split())


def reading_problems(plan: list[Chapter]) -> list[str]:
    """What a viewer reading READING words a second, text after text as they appear, could not finish
    before it leaves the screen (at its `clear` beat or the chapter's end); and chapters too short to
    narrate at SPEAKING words a second. Empty when the pace holds."""
    problems = []
    for c in plan:
        starts = np.concatenate([[0.0], np.cumsum([b.seconds for b in c.beats])])
        shown, free = {}, 0.0
        for i, b in enumerate(c.beats):
            for key in b.texts:
                shown[key] = i
        for key, i in sorted(shown.items(), key=lambda kv: kv[1]):
            gone = next((j for j, b in enumerate(c.beats) if key in b.clear and j > i), len(c.beats))
            done = max(free, starts[i]) + words(c.beats[i].texts[key]) / READING
            if done > starts[gone] + 1e-9:
                problems.append(f"{c.key}: {key!r} ({words(c.beats[i].texts[key])} words) is read by "
                                f"{done:.1f} s but leaves at {starts[gone]:.1f} s")
            free = done
        if words(c.narration) > SPEAKING * starts[-1]:
            problems.append(f"{c.key}: {words(c.narration)} words of narration in {starts[-1]:.1f} s")
    return problems
