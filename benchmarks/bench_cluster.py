"""Trainability maps on a Dask cluster: a 2000 x 2000 x 1000-step map (4e9 ball-steps) of torch's heavy
ball on the ravine, run here in-process (`local`) and on a local cluster of two worker processes
(`processes:2`, one thread each) on the same machine, one after the other in this script; and a
small map (100 x 100 x 100), whose time is mostly the cluster's own start-up and bookkeeping: how
small a job should stay local. Both report seconds and the ratio cluster / local; the maps are
checked equal.
"""
from __future__ import annotations

import time

BIG = dict(resolution=(2000, 2000), steps=1000)
SMALL = dict(resolution=(100, 100), steps=100)


def timed(scheduler: str, size: dict):
    from optviz.core.trainability import trainability_map
    t = time.perf_counter()
    m = trainability_map("ravine", "torch-momentum", "lr=1e-3:1", "momentum=0:0.99", scheduler=scheduler, **size)
    return time.perf_counter() - t, m


def main() -> dict:
    import numpy as np
    out = {}
    for name, size in (("small", SMALL), ("big", BIG)):
        local, a = timed("local", size)
        cluster, b = timed("processes:2", size)
        same = all(np.array_equal(getattr(a, k), getattr(b, k), equal_nan=k in ("final_loss", "mean_loss"))
                   for k in ("diverged_at", "final_loss", "mean_loss", "converged"))
        W, H = size["resolution"]
        steps = W * H * size["steps"]
        out[name] = {"ball_steps": steps, "local_s": local, "processes2_s": cluster, "ratio": cluster / local,
                     "equal": same, "local_rate": steps / local, "cluster_rate": steps / cluster}
        print(f"map {W}x{H} x {size['steps']} steps ({steps:.1e} ball-steps): local {local:7.2f} s, "
              f"processes:2 {cluster:7.2f} s, cluster/local {cluster / local:5.2f}x, equal: {same}")
    rate = out["big"]["local_rate"]
    print(f"  10^11 ball-steps at the local rate ({rate:.3g}/s): {1e11 / rate / 60:.0f} min on this machine")
    return out


if __name__ == "__main__":
    main()
