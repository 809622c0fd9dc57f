"""Planes through a network's weight space, to slice its loss landscape in two dimensions (and lines, in one).

pca     the plane of the two principal directions of the recorded paths, all optimizers together,
        centred on a chosen point (by default the first optimizer's end point), as Li et al. (2018)
        plot trajectories; it records how much of the paths' variance each direction explains
random  two random directions, filter-normalized (Li et al., 2018, "Visualizing the Loss Landscape of
        Neural Nets"): each filter (a row of a linear layer, an output channel of a convolution) is
        scaled to the norm of the same filter of the weights at the centre; biases are not moved
points  the plane through three chosen points (e.g. the initial weights and two end points), with an
        orthonormal basis: the first point at (0, 0), the second on the first axis
line    the straight line between two points (Goodfellow et al., 2015): alpha 0 at the first, 1 at the second

Points are named "init" (the shared initial weights), an optimizer's name ("adam") or its 1-based index
in the run ("2"), meaning where that optimizer ended.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from ...data.network import NetworkRun
from ...errors import OptvizError

KINDS = ("pca", "random", "points")


@dataclass
class Plane:
    kind: str
    origin: np.ndarray                 # [D] float64
    directions: np.ndarray             # [2, D] float64 (a line: [1, D])
    explained: list[float] | None = None
    labels: dict = field(default_factory=dict)   # named points -> their coordinates
    description: str = ""
    axes: tuple[str, str] = ("direction 1", "direction 2")

    def project(self, params: np.ndarray):
        """Coordinates [..., k] of weight vectors [..., D] in the plane (least squares, so the directions
        need not be orthogonal) and their distance [...] from it."""
        rel = np.asarray(params, dtype=np.float64) - self.origin
        d = self.directions
        coords = rel @ d.T @ np.linalg.inv(d @ d.T)   # the Gram matrix d d^T is symmetric
        return coords, np.linalg.norm(rel - coords @ d, axis=-1)

    def info(self) -> dict:
        return {"kind": self.kind, "explained_variance": self.explained, "points": self.labels,
                "description": self.description, "axes": list(self.axes),
                "direction_norms": np.linalg.norm(self.directions, axis=1).tolist()}


def point(run: NetworkRun, token: str) -> tuple[str, np.ndarray]:
    """(label, [D] weights) of a named point of the run."""
    token = str(token).strip()
    if token == "init":
        return "initial weights", run.params[0, 0].astype(np.float64)
    names = run.names
    if token.isdigit() and 1 <= int(token) <= len(names):
        m = int(token) - 1
    elif names.count(token) == 1:
        m = names.index(token)
    else:
        valid = ["init", *(n for n in names if names.count(n) == 1), *map(str, range(1, len(names) + 1))]
        raise OptvizError(f"unknown point {token!r}; choose from: {', '.join(dict.fromkeys(valid))} (an optimizer's "
                          "name or 1-based index: where it ended)")
    return f"{run.labels[m]} end", run.final(m).astype(np.float64)


def pca_plane(run: NetworkRun, centre: str | None = None) -> Plane:
    """The plane of the two principal directions of every finite record of every optimizer, relative to
    the centre. Computed from the records' Gram matrix (rows x rows, float64), which equals the SVD of
    the record matrix without forming its D x D covariance."""
    label, c = point(run, centre or "1")
    rows = run.params.reshape(-1, run.params.shape[-1]).astype(np.float64)
    rows = rows[np.isfinite(rows).all(1)] - c
    gram = rows @ rows.T
    values, vectors = np.linalg.eigh(gram)
    order = np.argsort(values)[::-1]
    values, vectors = values[order], vectors[:, order]
    total = float(values.clip(min=0).sum())
    if len(values) < 2 or values[1] <= 1e-12 * max(total, 1e-300):
        raise OptvizError("the recorded paths span fewer than two directions (they did not move, or record "
                          "fewer than three distinct points); a PCA plane cannot be built: train longer, record "
                          "more often, or use plane random")
    dirs = (vectors[:, :2].T @ rows) / np.sqrt(values[:2])[:, None]
    # the paths run from the initial weights (negative coordinates) to the centre
    start = dirs @ (run.params[0, 0].astype(np.float64) - c)
    dirs *= np.where(start > 0, -1.0, 1.0)[:, None]
    explained = (values[:2] / total).tolist()
    return Plane("pca", c, dirs, explained, {label: [0.0, 0.0]},
                 f"PCA plane of the paths, centred on the {label}: {100 * explained[0]:.0f}% and "
                 f"{100 * explained[1]:.0f}% of their variance",
                 (f"PC 1 ({100 * explained[0]:.0f}% of the variance)", f"PC 2 ({100 * explained[1]:.0f}%)"))


def random_plane(run: NetworkRun, centre: str | None = None, seed: int = 0) -> Plane:
    """Two Gaussian directions, filter-normalized to the weights at the centre (biases left at 0)."""
    label, c = point(run, centre or "1")
    gen = torch.Generator().manual_seed(int(seed))
    dirs = np.zeros((2, len(c)))
    for k in range(2):
        i = 0
        for _, shape in run.meta["parameters"]:
            size = int(np.prod(shape))
            if len(shape) > 1:   # filters: rows of a linear layer, output channels of a convolution
                w = c[i:i + size].reshape(shape[0], -1)
                d = torch.randn(w.shape, generator=gen, dtype=torch.float64).numpy()
                d *= np.linalg.norm(w, axis=1, keepdims=True) / (np.linalg.norm(d, axis=1, keepdims=True) + 1e-10)
                dirs[k, i:i + size] = d.ravel()
            i += size
    return Plane("random", c, dirs, None, {label: [0.0, 0.0]},
                 f"random filter-normalized directions around the {label} (seed {seed})",
                 ("random direction 1 (filter-normalized)", "random direction 2"))


def points_plane(run: NetworkRun, tokens) -> Plane:
    """The plane through three named points: the first at (0, 0), the second at (|p1 - p0|, 0)."""
    tokens = list(tokens)
    if len(tokens) != 3:
        raise OptvizError(f"a plane through points needs three points, got {len(tokens)}: {', '.join(tokens)}")
    (l0, p0), (l1, p1), (l2, p2) = (point(run, t) for t in tokens)
    u, v = p1 - p0, p2 - p0
    if min(np.linalg.norm(u), np.linalg.norm(v), np.linalg.norm(p2 - p1)) == 0:
        raise OptvizError(f"points {', '.join(tokens)} are not three different points; no plane passes through them")
    d1 = u / np.linalg.norm(u)
    w = v - (v @ d1) * d1
    # the weights are float32: a part across the line below 1e-5 of the length is rounding, not a plane
    if np.linalg.norm(w) <= 1e-5 * np.linalg.norm(v):
        raise OptvizError(f"points {', '.join(tokens)} lie on one line; no single plane passes through them")
    plane = Plane("points", p0, np.stack([d1, w / np.linalg.norm(w)]))
    plane.labels = {label: plane.project(p)[0].tolist() for label, p in ((l0, p0), (l1, p1), (l2, p2))}
    plane.description = f"the plane through the {l0}, the {l1} and the {l2}"
    plane.axes = (f"toward the {l1}", f"toward the {l2} (orthogonalized)")
    return plane


def line(run: NetworkRun, tokens) -> Plane:
    """The line from the first named point (alpha 0) to the second (alpha 1)."""
    tokens = list(tokens)
    if len(tokens) != 2:
        raise OptvizError(f"a line needs two points, got {len(tokens)}: {', '.join(tokens)}")
    (l0, p0), (l1, p1) = (point(run, t) for t in tokens)
    if np.linalg.norm(p1 - p0) == 0:
        raise OptvizError(f"points {tokens[0]} and {tokens[1]} are the same weights; there is no line between them")
    return Plane("line", p0, (p1 - p0)[None], None, {l0: [0.0], l1: [1.0]}, f"the line from the {l0} to the {l1}")


def parse_plane(text: str) -> tuple[str, list[str]]:
    """"pca", "pca:adam" (centre), "random", "random:2", "points:init,sgd,adam" -> (kind, arguments)."""
    kind, _, rest = str(text).partition(":")
    kind = kind.strip()
    if kind not in KINDS:
        raise OptvizError(f"unknown plane {kind!r}; choose from: pca[:CENTRE], random[:CENTRE], points:A,B,C")
    return kind, [t.strip() for t in rest.split(",") if t.strip()]


def make_plane(run: NetworkRun, text: str, seed: int = 0) -> Plane:
    kind, args = parse_plane(text)
    if kind == "points":
        return points_plane(run, args)
    if len(args) > 1:
        raise OptvizError(f"plane {text!r}: {kind} takes one centre point, got {len(args)}")
    centre = args[0] if args else None
    return pca_plane(run, centre) if kind == "pca" else random_plane(run, centre, seed)
