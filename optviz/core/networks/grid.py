"""The loss of a network at many points of a plane (or line) through its weight space, batched.

Every weight is affine in the plane's coordinates: w(a, b) = o + a d1 + b d2. For an nn.Sequential of
linear and convolution layers with activations, pooling and flattening in between, that is exploited:
the first weighted layer sees the same inputs at every point, so its output is computed three times
(for o, d1 and d2) once and mixed per point, a*X d1 + b*X d2 + X o, instead of one product per point;
later layers run on a chunk of points at once (batched matrix products, grouped convolutions), the
activations of linear layers kept feature-major so the loss reduces over a short axis. Any
other model runs through `torch.func.functional_call` vmapped over a chunk of points. Chunks are sized
so their activations stay within a cache-sized budget (and `max_memory`).

`loop_losses` is the plain way (load the weights of each point into the model, one forward each),
kept as the reference the tests and the benchmark compare with.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn.utils import vector_to_parameters

ELEMENTWISE = (nn.ReLU, nn.Tanh, nn.Sigmoid, nn.GELU, nn.LeakyReLU, nn.ELU, nn.SiLU, nn.Softplus, nn.Identity,
               nn.Dropout)
RESHAPING = (nn.Flatten, nn.MaxPool1d, nn.MaxPool2d, nn.AvgPool1d, nn.AvgPool2d, nn.AdaptiveAvgPool2d)
WEIGHTED = (nn.Linear, nn.Conv2d)
CACHE_BYTES = 3 * 2**20     # activations of one chunk: kept within the cache (measured fastest: 2-4 MiB)


def fast_path(model: nn.Module) -> bool:
    """Whether `model` is a Sequential the plane-batched evaluation understands."""
    return isinstance(model, nn.Sequential) and all(isinstance(m, ELEMENTWISE + RESHAPING + WEIGHTED) for m in model) \
        and any(isinstance(m, WEIGHTED) for m in model) and not list(model.buffers())


def plane_losses(model: nn.Module, origin, directions, coords, X, y, loss: str = "cross_entropy", *,
                 device="cpu", max_memory: int = 2**30) -> np.ndarray:
    """[P] mean loss on (X, y) at weights origin + coords @ directions, for coords [P, k] (k = 1 or 2)."""
    dev = torch.device(device)
    model = model.to(dev).eval()
    o = torch.as_tensor(np.asarray(origin), dtype=torch.float32, device=dev)
    d = torch.as_tensor(np.asarray(directions), dtype=torch.float32, device=dev)
    coords = torch.as_tensor(np.asarray(coords), dtype=torch.float32, device=dev).reshape(len(coords), -1)
    X, y = X.to(dev), y.to(dev)
    P = len(coords)
    chunk = chunk_points(model, X, P, max_memory)
    # mixing coefficients [P, 1 + k]: the point is (1, a, b) . (o, d1, d2); the last chunk is filled up
    # with copies of the last point, so every point is computed in a chunk of the same size (a lone
    # point's products and sums take other code paths, whose rounding depends on the thread count)
    mix = torch.cat([torch.ones(P, 1, device=dev), coords], 1)
    mix = torch.cat([mix, mix[-1:].expand(-P % chunk, -1)])
    vectors = torch.cat([o[None], d])
    out = torch.empty(len(mix), dtype=torch.float64)
    with torch.no_grad():
        try:
            run = _SequentialPlane(model, vectors, X) if fast_path(model) else None
        except _Unsupported:
            run = None
        if run is not None:
            for c0 in range(0, len(mix), chunk):
                x, feature_major = run(mix[c0:c0 + chunk])
                out[c0:c0 + chunk] = torch.from_numpy(_loss(x, y, loss, feature_major))
        else:
            evaluate = _vmapped(model, X, y, loss)
            for c0 in range(0, len(mix), chunk):
                per_sample = evaluate(mix[c0:c0 + chunk] @ vectors)
                out[c0:c0 + chunk] = torch.from_numpy(per_sample.reshape(len(per_sample), -1).double().cpu().numpy()
                                                      .mean(1))
    return out[:P].numpy()


def chunk_points(model: nn.Module, X: torch.Tensor, points: int, max_memory: int = 2**30) -> int:
    """How many points one pass evaluates at once: their activations within the cache-sized budget (and
    max_memory). A point's loss depends on how the points are grouped (the products' blocking), so a
    split of the work that keeps to multiples of this gives the same numbers as one whole call."""
    per_point = 4 * len(X) * _widest(model, X[:1])
    return int(max(1, min(points, CACHE_BYTES // per_point, max_memory // (3 * per_point))))


def loop_losses(model: nn.Module, origin, directions, coords, X, y, loss: str = "cross_entropy") -> np.ndarray:
    """The plain way: for every point, load its weights into the model and run it on all of X."""
    model = model.eval()
    fn = _criterion(loss)
    o, d = torch.as_tensor(origin, dtype=torch.float32), torch.as_tensor(directions, dtype=torch.float32)
    out = np.empty(len(coords))
    with torch.no_grad():
        for i, c in enumerate(torch.as_tensor(np.asarray(coords), dtype=torch.float32).reshape(len(coords), -1)):
            vector_to_parameters(o + c @ d, model.parameters())
            out[i] = float(fn(model(X), y))
    return out


def _criterion(loss: str):
    return nn.functional.cross_entropy if loss == "cross_entropy" else nn.functional.mse_loss


def _loss(out: torch.Tensor, y: torch.Tensor, loss: str, feature_major: bool) -> np.ndarray:
    """[p] mean loss of outputs against targets [n, ...]: outputs [p, out, n] (feature-major) or [p, n, out].
    The mean over the samples is numpy's, in float64: torch splits one long sum among its threads, so
    its rounding would depend on how many there are (a laptop's and a cluster worker's differ)."""
    if not feature_major:
        out = out.reshape(len(out), len(y), -1).transpose(1, 2)
    p, k, n = out.shape
    if loss == "cross_entropy":   # log-sum-exp over the few classes, elementwise over the samples
        top = out.amax(1, keepdim=True)
        lse = (out - top).exp_().sum(1).log_() + top[:, 0]
        per_sample = lse - out.gather(1, y.view(1, 1, n).expand(p, 1, n))[:, 0]
    else:
        per_sample = ((out - y.reshape(n, -1).T[None]) ** 2).reshape(p, -1)
    return per_sample.double().cpu().numpy().mean(1)


def _widest(model: nn.Module, x1: torch.Tensor) -> int:
    """The most numbers any layer outputs for one input (the activations a point holds at once)."""
    widths = [x1[0].numel()]
    hooks = [m.register_forward_hook(lambda _m, _i, o: widths.append(o[0].numel())) for m in model.modules()
             if not list(m.children())]
    with torch.no_grad():
        model(x1)
    for h in hooks:
        h.remove()
    return max(widths)


_IN_PLACE = {nn.ReLU: torch.relu_, nn.Tanh: torch.tanh_, nn.Sigmoid: torch.sigmoid_,
             nn.Identity: lambda x: x, nn.Dropout: lambda x: x}


def _in_place(m: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """An activation applied in place where torch has one (x is this evaluation's own buffer)."""
    fn = _IN_PLACE.get(type(m))
    return fn(x) if fn is not None else m(x)


class _Unsupported(Exception):
    """A Sequential this evaluation cannot run (it falls back to vmap)."""


class _SequentialPlane:
    """A Sequential evaluated at a chunk of plane points at once. Activations are "shared" (the same at
    every point: the inputs, and what param-free layers make of them) until the first weighted layer,
    which is precomputed for o, d1, d2 and mixed per point. After a linear layer they are kept feature-
    major, [p, features, n], so the next products are (out x in) @ (in x n) per point and the loss
    reduces over a short leading axis of classes (several times faster than [p, n, features]);
    convolutions, pooling and flattening see [p, n, ...]."""

    def __init__(self, model: nn.Sequential, vectors: torch.Tensor, X: torch.Tensor):
        self.layers = list(model)
        weights, i = [], 0
        for m in self.layers:   # each weighted layer's weights as [1 + k, *shape] (o, d1, d2 versions)
            own = {}
            for name, p in m.named_parameters(recurse=False):
                own[name] = vectors[:, i:i + p.numel()].reshape(len(vectors), *p.shape)
                i += p.numel()
            weights.append(own)
        self.weights = weights
        self.n = len(X)
        self.buffers = {}
        x = X
        for k, m in enumerate(self.layers):
            if isinstance(m, WEIGHTED):
                w = weights[k]
                versions = range(len(vectors))
                bias = [None if "bias" not in w else w["bias"][j] for j in versions]
                if isinstance(m, nn.Linear):
                    if x.ndim != 2:
                        raise _Unsupported
                    # [1 + k, out, n]: W x^T + b for each version
                    self.first = torch.stack([w["weight"][j] @ x.T + (0 if bias[j] is None else bias[j][:, None])
                                              for j in versions])
                    self.feature_major = True
                else:
                    self.first = torch.stack([nn.functional.conv2d(x, w["weight"][j], bias[j], m.stride, m.padding,
                                                                   m.dilation, m.groups) for j in versions])
                    self.feature_major = False
                self.start = k + 1
                break
            x = m(x)
        if any(isinstance(m, nn.Conv2d) for m in self.layers[self.start:]) and \
                any(isinstance(m, nn.Linear) for m in self.layers[:self.start]):
            raise _Unsupported   # a convolution after a linear layer needs an Unflatten first

    def _buffer(self, key, shape) -> torch.Tensor:
        """A reused output buffer: allocating megabytes per chunk costs page faults that took longer
        than the arithmetic."""
        buf = self.buffers.get(key)
        if buf is None or buf.shape[0] < shape[0] or buf.shape[1:] != shape[1:]:
            buf = self.buffers[key] = torch.empty(shape, dtype=self.first.dtype, device=self.first.device)
        return buf[:shape[0]]

    def __call__(self, mix: torch.Tensor) -> tuple[torch.Tensor, bool]:
        """Outputs for each point: ([p, out, n], True) feature-major, or ([p, n, ...], False)."""
        p = len(mix)
        x = self._buffer("first", (p, *self.first.shape[1:]))
        torch.mm(mix, self.first.reshape(len(self.first), -1), out=x.view(p, -1))
        fm = self.feature_major
        for k, (m, w) in enumerate(zip(self.layers[self.start:], self.weights[self.start:])):
            if isinstance(m, nn.Linear):
                if not fm:
                    x = x.reshape(p, self.n, -1).transpose(1, 2)
                    fm = True
                weight = (mix @ w["weight"].flatten(1)).view(p, *m.weight.shape)
                out = self._buffer(k, (p, m.out_features, x.shape[2]))
                if "bias" in w:
                    x = torch.baddbmm((mix @ w["bias"])[:, :, None], weight, x, out=out)
                else:
                    x = torch.bmm(weight, x, out=out)
            elif isinstance(m, ELEMENTWISE):
                x = _in_place(m, x)
            else:
                if fm:   # back to one row per sample
                    x = x.transpose(1, 2)
                    fm = False
                if isinstance(m, nn.Conv2d):   # p points as p groups of one convolution
                    n, c, h, wd = x.shape[1:]
                    weight = (mix @ w["weight"].flatten(1)).view(p * m.out_channels, *m.weight.shape[1:])
                    bias = (mix @ w["bias"]).reshape(-1) if "bias" in w else None
                    out = nn.functional.conv2d(x.transpose(0, 1).reshape(n, p * c, h, wd), weight, bias, m.stride,
                                               m.padding, m.dilation, m.groups * p)
                    x = out.view(n, p, m.out_channels, *out.shape[2:]).transpose(0, 1)
                else:   # pooling, flattening: per sample
                    out = m(x.reshape(-1, *x.shape[2:]))
                    x = out.view(p, -1, *out.shape[1:])
        return x, fm


def _vmapped(model: nn.Module, X, y, loss: str):
    """weights [p, D] -> [p, n, ...] per-sample losses, through functional_call vmapped over the points."""
    from torch.func import functional_call, vmap
    names = [n for n, _ in model.named_parameters()]
    shapes = [p.shape for _, p in model.named_parameters()]
    sizes = [int(np.prod(s)) for s in shapes]
    fn = _criterion(loss)

    def one(flat):
        params = {n: t.view(s) for n, t, s in zip(names, torch.split(flat, sizes), shapes)}
        return fn(functional_call(model, params, (X,)), y, reduction="none")
    return vmap(one)


def gradients(model: nn.Module, params: np.ndarray, X, y, loss: str = "cross_entropy") -> np.ndarray:
    """[K, D] gradients of the mean loss on (X, y) at weight vectors [K, D] (NaN rows stay NaN)."""
    model = model.eval()
    fn = _criterion(loss)
    out = np.full(params.shape, np.nan)
    for k, w in enumerate(params):
        if not np.isfinite(w).all():
            continue
        vector_to_parameters(torch.as_tensor(w, dtype=torch.float32), model.parameters())
        model.zero_grad()
        fn(model(X), y).backward()
        out[k] = torch.cat([p.grad.reshape(-1) for p in model.parameters()]).double().numpy()
    return out
