"""Loss-landscape grid: a 51 x 51 train-loss grid of digits-mlp (the 64-64-10 MLP, on its 1,437 training
images) on a plane through weight space, three ways in one script, each in its own child process so
its peak memory is its own:

  optviz  optviz.core.networks.grid.plane_losses: the first layer's products for the plane's three
          vectors once, mixed per point; the rest batched over chunks of points
  loop    the plain way: load each point's weights into the model (vector_to_parameters), one forward
  bare    the bare compute: the model's matrix products alone at the same shapes (X W1^T, then H W2^T),
          repeated per point, no module, no loss
  vmap    torch.func.functional_call vmapped over chunks of points (for reference)

Targets: optviz within 2x of the bare compute and at least 3x faster than the loop; peak memory stated.
"""
from __future__ import annotations

import json
import subprocess
import sys

RES, REPEATS = 51, 3

SETUP = f"""
import json, resource, time, numpy as np, torch
from torch.nn.utils import parameters_to_vector
from optviz.core.networks import get_task
task = get_task("digits-mlp")
X, y = task.X_train, task.y_train
model = task.model(0)
o = parameters_to_vector(model.parameters()).detach().double().numpy()
d = np.random.default_rng(0).normal(size=(2, len(o))) * 0.05
a = np.linspace(-1, 1, {RES})
A, B = np.meshgrid(a, a)
coords = np.column_stack([A.ravel(), B.ravel()])
W1, b1, W2, b2 = [p.detach().clone() for p in model.parameters()]
"""

METHODS = {
    "optviz": "from optviz.core.networks.grid import plane_losses\n"
              "run = lambda: plane_losses(model, o, d, coords, X, y)",
    "loop": "from optviz.core.networks.grid import loop_losses\n"
            "run = lambda: loop_losses(model, o, d, coords, X, y)",
    "bare": "def run():\n"
            "    with torch.no_grad():\n"
            "        for _ in range(len(coords)):\n"
            "            h = X @ W1.T\n"
            "            z = h @ W2.T\n",
    "vmap": "from optviz.core.networks.grid import _vmapped\n"
            "f = _vmapped(model, X, y, 'cross_entropy')\n"
            "V = torch.tensor(np.concatenate([np.ones((len(coords), 1)), coords], 1) @ np.concatenate([o[None], d]), "
            "dtype=torch.float32)\n"
            "def run():\n"
            "    with torch.no_grad():\n"
            "        return torch.cat([f(V[i:i + 64]).mean(1) for i in range(0, len(V), 64)])\n",
}

TIMED = f"""
run()   # warm-up
times = []
for _ in range({REPEATS}):
    t = time.perf_counter(); out = run(); times.append(time.perf_counter() - t)
print(json.dumps({{"seconds": min(times), "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def measure(name: str) -> dict:
    out = subprocess.run([sys.executable, "-c", SETUP + METHODS[name] + TIMED], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> dict:
    res = {name: measure(name) for name in METHODS}
    opt, loop, bare = res["optviz"]["seconds"], res["loop"]["seconds"], res["bare"]["seconds"]
    print(f"landscape grid: {RES}x{RES} train-loss points, digits-mlp (64-64-10) on 1,437 images; best of {REPEATS}")
    for name, r in res.items():
        print(f"  {name:7s} {r['seconds']:7.3f} s   peak {r['peak_mib']:5.0f} MiB")
    print(f"  optviz / bare compute : {opt / bare:5.2f}x   (target <= 2)")
    print(f"  loop / optviz         : {loop / opt:5.2f}x   (target >= 3)")
    print(f"  vmap / optviz         : {res['vmap']['seconds'] / opt:5.2f}x")
    res["ratios"] = {"optviz_over_bare": opt / bare, "loop_over_optviz": loop / opt,
                     "vmap_over_optviz": res["vmap"]["seconds"] / opt}
    return res


if __name__ == "__main__":
    main()
