"""The lecture's script, the one source of what the lecture says and shows: the blog post told in
chapters, each a list of beats, as plain data.

A beat is one `play` (or `wait`) of its chapter's manim scene: the least time its animation needs, the
line spoken over it, and the on-screen texts that appear with it (the scene draws exactly these
strings). A line may run on over the beats after it (`say=None`), and may carry marks, `{name}`
before a word, where the scene starts an animation. Everything else the lecture writes comes from here:
the spoken narration, the subtitles (the spoken words, split for reading), the chapter markers, the
cue sheet for a teacher's recordings. How long each beat lasts is decided by the voice
(`optviz.lecture.timing`); the numbers in the texts are the runs' own (`lecture_facts`).

Pace: a reader takes in about 3 words a second, a speaker says about 2.7; `reading_problems` checks
that every on-screen text can be read before it leaves, on the timed plan.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np

DATA = ("step", "seed50", "seed1000", "forms", "stochastic", "network", "generalization", "wilson")   # the NPZ files
STUDIES = ("generalization", "wilson")   # of DATA, the GeneralizationResults (the others are Experiments)
READING = 3.0    # words a second a viewer reads
SPEAKING = 2.7   # words a second of narration (about 160 a minute): the silent draft's pace
MARK = re.compile(r"\{(\w+)\}\s*")


@dataclass(frozen=True)
class Beat:
    seconds: float                       # the least it lasts: what its animation needs
    say: str | None = ""                 # spoken over it; None: the line before goes on; "": silence
    texts: dict = field(default_factory=dict)   # key -> on-screen text that appears in this beat
    clear: tuple = ()                    # keys of earlier texts that leave the screen in this beat
    marks: dict = field(default_factory=dict)   # mark -> seconds into the beat (set by the timing)
    loop: bool = False                   # a steady motion the deck may repeat while the teacher talks


def spoken(line: str) -> tuple[str, dict[str, int]]:
    """A line as said (its marks taken out) and, for each mark, the index of the word it precedes."""
    marks, words_before, out = {}, 0, []
    parts = MARK.split(line)   # text, mark, text, mark, ...
    for k, part in enumerate(parts):
        if k % 2:
            marks[part] = words_before
        else:
            out.append(part)
            words_before += len(part.split())
    return " ".join(" ".join(out).split()), marks


# chapter key -> its manim class in scenes/lecture.py (made there from this, before any data is loaded)
SCENE_CLASSES = {"gradient": "GradientChapter", "sgd": "SGDChapter", "momentum": "MomentumChapter",
                 "adam": "AdamChapter", "race": "RaceChapter", "stochastic": "StochasticChapter",
                 "network": "NetworkChapter", "summary": "SummaryChapter"}


@dataclass(frozen=True)
class Chapter:
    key: str           # file names: 01-gradient.mp4
    title: str
    beats: tuple
    cost: float = 1.0  # render cost of a frame, relative (3-D stages cost more): for sharing the work

    @property
    def scene(self) -> str:
        """The manim class that renders this chapter."""
        return SCENE_CLASSES[self.key]

    @property
    def narration(self) -> str:
        """Everything said in the chapter, as one paragraph (marks taken out)."""
        return " ".join(spoken(b.say)[0] for b in self.beats if b.say)

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
    """The numbers the script quotes, from the lecture's data objects (`optviz.lecture.runs`):
    d["step"], ["seed50"], ["seed1000"], ["forms"], ["stochastic"], ["network"] are Experiments,
    d["generalization"] (digits) and d["wilson"] (wilson-linear) GeneralizationResults."""
    step, s50, s1000, forms, sto, net, gen = (d[k] for k in ("step", "seed50", "seed1000", "forms", "stochastic",
                                                             "network", "generalization"))
    final = sto.position[:, :, -1].astype(np.float64)
    spread = np.sqrt(((final - final.mean(1, keepdims=True)) ** 2).sum(-1).mean(1))
    v = forms.state["velocity"][:, 0, -1, 0].astype(np.float64)
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
        "generalization": study_facts(gen),
        "wilson": study_facts(d["wilson"]),
        "wilson_task": d["wilson"].meta["task"],
        "seeds": len(gen.seeds),
    }


def study_facts(result) -> dict:
    """{optimizer name: {metric: [mean, low, high]}} of a GeneralizationResult."""
    mean, lo, hi = result.summary()
    k = {name: i for i, name in enumerate(result.metrics)}
    return {o["name"]: {m: [float(mean[i, j]), float(lo[i, j]), float(hi[i, j])] for m, j in k.items()}
            for i, o in enumerate(result.meta["optimizers"])}


def lecture_plan(f: dict, pace: float = 1.0) -> list[Chapter]:
    """The chapters, their beats' least lengths scaled by `pace` (< 1 for quick drafts and tests)."""
    chapters = [c(f) for c in ORDER]
    if pace == 1.0:
        return chapters
    return [replace(c, beats=tuple(replace(b, seconds=b.seconds * pace) for b in c.beats)) for c in chapters]


# ---- the chapters ----------------------------------------------------------------------------------

def gradient(f):
    s = f["step"]
    return Chapter("gradient", "A loss surface and its gradient", cost=3.0, beats=(
        Beat(3.0, "Training a model means walking downhill on its loss.",
             {"title": "A loss surface and its gradient"}),
        Beat(5.0, "This is the blog post's surface. The loss of two weights is tanh squared of w1, plus a "
                  "hundredth of the absolute value of w1, plus the sigmoid of w2.",
             {"formula": "L(w₁, w₂) = tanh²(w₁) + 0.01·|w₁| + σ(w₂)"}),
        Beat(4.0, "It is a narrow ravine along w1 equals zero, beside a long, gentle slope in w2."),
        Beat(3.0, f"Put a ball at {pair(s['w0'])}.", {"where": f"w = {pair(s['w0'])}"}),
        Beat(4.0, f"At every point, the gradient g says which way is uphill, and how steeply. Here it is "
                  f"{pair(s['g'])}.", {"gradient": f"g = {pair(s['g'])}"}),
        Beat(4.0, f"One step of gradient descent moves the ball against the gradient. {{rule}}It moves by the "
                  f"learning rate times g: here, a learning rate of {g(s['lr'])}.",
             {"rule": f"w ← w − η·g,   η = {g(s['lr'])}"}),
        Beat(4.0, f"The ball lands at {pair(s['w1'])}, and its loss falls from {g(s['loss'][0])} to "
                  f"{g(s['loss'][1])}.", {"after": f"loss {g(s['loss'][0])} → {g(s['loss'][1])}"}),
        Beat(5.0, "Repeat, and the ball walks downhill.", loop=True),
        Beat(1.0, ""),
    ))


def sgd(f):
    s = f["seed"]
    hp = s["hp"]
    return Chapter("sgd", "SGD: a step against the gradient", beats=(
        Beat(3.0, "SGD is the simplest optimizer: subtract the learning rate times the gradient.",
             {"title": "SGD: a step against the gradient"}),
        Beat(4.0, f"The blog post starts it at {pair(s['start'])}, with a learning rate of {g(hp[0]['lr'])}.",
             {"rule": "w ← w − η·g", "setting": f"η = {g(hp[0]['lr'])}, from {pair(s['start'])}"}),
        Beat(2.5, f"Out there the surface is nearly flat: the gradient is only {pair(s['g0'])}."),
        Beat(2.5, None), Beat(2.5, None),
        Beat(2.5, "So even a learning rate of 10 moves the ball by a tenth in w1, and a hundredth in w2, "
                  "step after step."), Beat(2.5, None), Beat(2.5, None),
        Beat(4.0, "Every direction gets the same learning rate, however steep or flat it is. And here, every "
                  "direction is flat.", {"lesson": "one η for every direction"}),
        Beat(4.0, f"After 50 steps, the loss has barely moved: from {g(s['loss0'], 3)} to {g(s['final50'][0], 3)}.",
             {"result": f"50 steps: loss {g(s['loss0'], 3)} → {g(s['final50'][0], 3)}"}),
        Beat(1.0, ""),
    ))


def momentum(f):
    r = f["forms"]["ratio"]
    hp = f["seed"]["hp"]
    return Chapter("momentum", "Momentum: a velocity that builds up", beats=(
        Beat(3.0, "Momentum keeps a running average of the gradients, a velocity v, and steps along it.",
             {"title": "Momentum: a velocity that builds up"}),
        Beat(5.0, "In the post's form, v becomes beta times v, plus one minus beta times g, starting from zero. "
                  "Then w moves by minus the learning rate times v.",
             {"rule": "v ← β·v + (1−β)·g", "rule2": "w ← w − η·v",
              "setting": f"η = {g(hp[1]['lr'])},  β = {g(hp[1]['momentum'])},  v₀ = 0"}),
        Beat(2.5, f"With beta at {g(hp[1]['momentum'])}, the first velocity is a tenth of the gradient."),
        Beat(2.5, None),
        Beat(2.5, "Each step adds another tenth, so the velocity builds up."), Beat(2.5, None), Beat(2.5, None),
        Beat(4.0, "Over about ten steps it keeps growing, and the ball speeds up.",
             {"lesson": "v builds up: the ball speeds up"}),
        Beat(5.0, "On a steady slope the velocity grows toward the gradient, while across a zig-zag, opposite "
                  "gradients cancel.", {"plot": "v₁, the velocity along w₁, step by step", "post_v": "the post's v"}),
        Beat(5.0, f"Beware when you compare with torch. {{torch}}Its SGD with momentum adds the whole gradient: v "
                  f"becomes mu times v, plus g. So its velocity is {g(r)} times the post's.",
             {"torch": "torch: v ← μ·v + g", "torch_v": "torch's v"}),
        Beat(4.0, "With the same learning rate, it takes ten times the step. Divide the learning rate by ten to "
                  "follow the same path.", {"warn": "torch: η/10 for the same path"}),
        Beat(1.0, ""),
    ))


def adam(f):
    s = f["seed"]
    hp = s["hp"]
    return Chapter("adam", "Adam: a step size for every coordinate", beats=(
        Beat(3.0, "Adam keeps two running averages.", {"title": "Adam: a step size for every coordinate"}),
        Beat(4.0, "m averages the gradient, and v averages its square. Both start at zero.",
             {"rule": "m ← β₁·m + (1−β₁)·g", "rule_v": "v ← β₂·v + (1−β₂)·g²"}),
        Beat(4.0, "So early on, both are too small. Dividing by one minus beta to the power t corrects that bias.",
             {"rule2": "m̂ = m / (1−β₁ᵗ),   v̂ = v / (1−β₂ᵗ)"}),
        Beat(4.0, "The step is the learning rate times m-hat, divided by the square root of v-hat. A small "
                  "epsilon keeps it finite, and it is taken coordinate by coordinate.",
             {"rule3": "w ← w − η·m̂ / (√v̂ + ε)",
              "setting": f"η = {g(hp[2]['lr'])},  β₁ = {g(hp[2]['beta1'])},  β₂ = {g(hp[2]['beta2'], 3)}"}),
        Beat(2.5, "On the first step, m-hat is exactly g, and v-hat exactly g squared. So every coordinate moves "
                  f"by the learning rate: from {pair(s['start'])}, Adam jumps straight to {pair(s['adam_w1'])}."),
        Beat(2.5, None), Beat(2.5, None), Beat(2.5, None),
        Beat(4.0, "Each coordinate gets its own step size, so the flat w2 direction is no longer starved.",
             {"lesson": "a step size per coordinate"}),
        Beat(4.0, f"After 50 steps the loss is {g(s['final50'][2])}, where plain gradient descent is still at "
                  f"{g(s['final50'][0], 3)}.",
             {"result": f"50 steps: loss {g(s['loss0'], 3)} → {g(s['final50'][2])}"}),
        Beat(1.0, ""),
    ))


def race(f):
    s = f["seed"]
    short = ",  ".join(f"{n} {g(v, 3) if v > 0.1 else g(v)}" for n, v in zip(("SGD", "momentum", "Adam"), s["final50"]))
    long = ",  ".join(f"{n} {g(v, 3) if v > 0.1 else g(v)}" for n, v in zip(("SGD", "momentum", "Adam"), s["final1000"]))
    return Chapter("race", "Pathological curvature: 50 steps, then 1000", cost=3.0, beats=(
        Beat(3.0, f"Now the three race from {pair(s['start'])}, with the post's settings: SGD and momentum at a "
                  "learning rate of 10, Adam at 1.", {"title": "Pathological curvature"}),
        Beat(10.0, "SGD and momentum crawl across the flat plateau. Adam, with a step for each coordinate, drops "
                   "into the ravine at once, and slides down it, bouncing from wall to wall."),
        Beat(4.0, f"After 50 steps, the losses are: {short.replace(',  ', ', ')}.",
             {"after50": f"50 steps:  {short}"}),
        Beat(1.0, "", clear=("after50",)),
        Beat(12.0, "Given 1000 steps, momentum reaches the ravine too, and runs down its floor, while plain SGD "
                   "is still on the slope."),
        Beat(4.0, f"After 1000 steps: {long.replace(',  ', ', ')}.", {"after1000": f"1000 steps:  {long}"}),
        Beat(4.0, "That is pathological curvature: a flat direction beside a steep one, which no single learning "
                  "rate suits."),
        Beat(1.0, ""),
    ))


def stochastic(f):
    s = f["stochastic"]
    lo, hi = min(s["spread"]), max(s["spread"])
    return Chapter("stochastic", "Stochastic gradients: a cloud, not a line", cost=1.5, beats=(
        Beat(3.0, "Real training sees a different mini-batch at every step, so each gradient is a noisy "
                  "estimate of the true one.", {"title": "Stochastic gradients: a cloud, not a line"}),
        Beat(4.0, f"Here a line is fitted to {s['points']} points by least squares, and each step sees only "
                  f"{s['batch']} of them.", {"setting": f"mini-batches of {s['batch']} of {s['points']} points"}),
        Beat(14.0, f"{s['copies']} copies of each optimizer start together, each with its own batches, so every "
                   "optimizer becomes a cloud."),
        Beat(5.0, "At a constant learning rate, the noise never goes away. The clouds do not shrink to a "
                  f"point: they keep jittering around the minimum, about {g(lo)} to {g(hi)} wide.",
             {"result": f"the clouds stay {g(lo)}–{g(hi)} wide"}),
        Beat(4.0, "Lowering the learning rate over time is what finally settles them."),
        Beat(1.0, ""),
    ))


def network(f):
    n, r = f["network"], f["generalization"]
    mom, ada, sam = r.get("momentum"), r.get("adam"), r.get("sam")
    named = [(name, x) for name, x in (("momentum", mom), ("Adam", ada), ("SAM", sam)) if x]
    acc = " · ".join(f"{name} {100 * x['test_acc'][0]:.1f}%" for name, x in named)
    sharp = " · ".join(f"{name} {g(x['top_eigenvalue'][0])}" for name, x in named)
    common = " · ".join(f"{name} {g(x['common_top_eigenvalue'][0])}" for name, x in named)
    flattest = min((x["top_eigenvalue"][0], name) for name, x in named)[1]
    at_common = sorted((x["common_top_eigenvalue"][0], name) for name, x in named)   # flattest first
    # the claim is about generalization: it holds if momentum's test accuracy is above Adam's beyond both intervals
    holds = bool(mom and ada and mom["test_acc"][1] > ada["test_acc"][2])
    verdict = "Here the claim holds." if holds else "Here the claim does not hold."
    fair = (f"The flattest minimum is {flattest}'s, at the end and at the same training loss."
            if at_common[0][1] == flattest else
            f"At the end, the flattest minimum is {flattest}'s; but the runs end at different losses, and read at "
            f"the same training loss the sharpest is {at_common[-1][1]}'s, the flattest {at_common[0][1]}'s.")
    # the other side: Wilson et al.'s construction, where the adaptive methods lose
    ws, points = f["wilson"], f["wilson_task"]["n_train"]
    plain = [(name, key) for name, key in (("SGD", "sgd"), ("momentum", "momentum")) if key in ws]
    adaptive = [(name, key) for name, key in (("Adam", "adam"), ("RMSprop", "rmsprop"), ("AdaGrad", "adagrad"))
                if key in ws]

    def side(group):
        return " · ".join(f"{name} {100 * ws[key]['test_acc'][0]:.0f}%" for name, key in group)

    def said(group):
        """("SGD and momentum", "100"): the group's names, and its accuracies in percent (a range if they differ)."""
        names = [name for name, _ in group]
        pcts = sorted({round(100 * ws[key]["test_acc"][0]) for _, key in group})
        return (", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0],
                f"{pcts[0]}" if len(pcts) == 1 else f"{pcts[0]} to {pcts[-1]}")

    return Chapter("network", "Sharp or wide minima? A real network", cost=3.0, beats=(
        Beat(4.0, "The post ends with a warning: Adam may get stuck in sharp minima, while momentum tends to "
                  "find wide ones, that generalize better.", {"title": "Sharp or wide minima? A real network"}),
        Beat(4.0, "Here is that claim, tested on a real network: a small MLP, on handwritten digits.",
             {"claim": "the claim: momentum → wide, Adam → sharp"}),
        Beat(18.0, "With thousands of weights, the surface is a slice: the loss on the plane of the paths' two "
                   f"main directions, which holds {100 * n['explained']:.0f} percent of their variance. The balls "
                   "float a little off it.", {"caption": n["caption"]}),
        Beat(1.0, "", clear=("caption",)),
        Beat(5.0, f"Over {f['seeds']} seeds, with tuned learning rates, the test accuracies are "
                  f"{acc.replace(' · ', ', ')}. The sharpness of each minimum, its top curvature, is "
                  f"{sharp.replace(' · ', ', ')}.",
             {"accuracy": f"test accuracy:  {acc}", "sharpness": f"sharpness, end:  {sharp}"}),
        Beat(5.0, f"{fair} The accuracies match all the same. {verdict} SAM, built to seek flat minima, does land "
                  "flatter than momentum. The gap is reported on large image models: measure before you believe.",
             {"common": f"same train loss:  {common}", "verdict": verdict}),
        Beat(1.0, "", clear=("accuracy", "sharpness", "common", "verdict")),
        Beat(6.0, f"Where does Adam lose, then? Wilson and colleagues built a case in 2017: least squares with "
                  f"{points} points and {6 * points} weights. Every optimizer here fits the training points exactly. "
                  f"On new points, {said(plain)[0]} are right {said(plain)[1]} percent of the time; "
                  f"{said(adaptive)[0]} {said(adaptive)[1]} percent: they call every new point positive.",
             {"wilson": "where Adam loses: Wilson et al.'s least squares",
              "wilson_acc": f"test accuracy:  {side(plain)}", "wilson_ada": side(adaptive)}),
        Beat(5.0, "The sharpness is the same for all of them: a quadratic loss has one curvature everywhere. What "
                  "differs is which of the many perfect fits each one picks. So it depends on the model and the data.",
             {"wilson_why": "one sharpness for all: a different minimum, not a sharper one"}),
        Beat(1.0, ""),
    ))


def summary(f):
    return Chapter("summary", "Which optimizer, then?", beats=(
        Beat(3.0, "To sum up.", {"title": "Which optimizer, then?"}),
        Beat(4.0, "SGD takes one step size for every direction: simple, and slow wherever the surface is flat.",
             {"sgd": "SGD: one step size; slow where it is flat"}),
        Beat(4.0, "Momentum averages the gradients: it speeds up on steady slopes and damps zig-zags. In the "
                  "post's form its steps match plain SGD's, not ten times them, as in torch.",
             {"momentum": "Momentum: speeds up on slopes, damps zig-zags"}),
        Beat(4.0, "Adam scales each coordinate by its own gradient history: quick off plateaus, and forgiving "
                  "about the learning rate.", {"adam": "Adam: a step size for every coordinate"}),
        Beat(4.0, "Which one generalizes better depends on the model and the data. Measure it, as optviz does, "
                  "rather than assume it.", {"measure": "generalization: measure it, do not assume it"}),
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
    before it leaves the screen (at its `clear` beat or the chapter's end), on a timed plan (the beats'
    final lengths). Empty when the pace holds. (The narration always fits: the voice sets the pace.)"""
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
    return problems
