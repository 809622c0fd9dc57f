"""Trainability-map throughput: ball-steps per second of `trainability_map` (every pixel a run, batched
in chunks) against the per-start loop (the seed's `train_curve`, one run at a time), in one script.

Two maps: torch's heavy ball over (lr, momentum) on the ravine, and Adam over (lr, beta1) on the seed's
surface, each 1000 x 1000 pixels x 100 steps (1e8 ball-steps; a 1,000-step map takes 10x as long at
the same rate). The per-start loop is timed on a sample of runs.
"""
from __future__ import annotations

import resource
import time

SAMPLE, LOOP_STEPS = 20, 1000
MAPS = [("ravine", "torch-momentum", "lr=1e-3:1", "momentum=0:0.99"),
        ("pathological", "adam", "lr=1e-3:10", "beta1=0:0.99")]
W = H = 1000
STEPS = 100


def per_start() -> float:
    import numpy as np
    from optviz import SGDMomentum, train_curve

    rng = np.random.default_rng(0)
    t = time.perf_counter()
    for lr, mu in zip(rng.uniform(1e-3, 0.05, SAMPLE), rng.uniform(0, 0.99, SAMPLE)):
        train_curve(lambda p: SGDMomentum(p, lr=float(lr), momentum=float(mu)), num_updates=LOOP_STEPS)
    return SAMPLE * LOOP_STEPS / (time.perf_counter() - t)


def main() -> dict:
    from optviz.core.trainability import trainability_map

    base = per_start()
    out = {"per_start_ball_steps_per_s": base}
    print(f"map: {W}x{H} pixels x {STEPS} steps per map; per-start train_curve loop {base:.3g} ball-steps/s")
    for surface, opt, x, y in MAPS:
        trainability_map(surface, opt, x, y, resolution=(64, 64), steps=10)  # warm-up
        t = time.perf_counter()
        trainability_map(surface, opt, x, y, resolution=(W, H), steps=STEPS)
        dt = time.perf_counter() - t
        rate = W * H * STEPS / dt
        out[f"{opt}@{surface}"] = {"seconds": dt, "ball_steps_per_s": rate, "speedup": rate / base}
        print(f"  {opt:15s} on {surface:12s}: {rate:10.3g} ball-steps/s ({dt:.1f} s), {rate / base:,.0f}x "
              f"the loop   (target >= 5e7)")
    out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory {out['peak_mib']:.0f} MiB (chunked: independent of the map size)")
    return out


if __name__ == "__main__":
    main()
