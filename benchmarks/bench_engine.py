"""Engine throughput: `simulate` (10,000 starts x 1,000 Adam steps on the seed's surface, batched)
against the seed's `train_curve` looped one start at a time, measured in one run of this script.

The per-start loop is timed on a sample of starts (all 10,000 would take most of an hour) and its rate
in ball-steps per second is compared with the batched rate. The batched run happens in a child process
so its peak resident memory is its own.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time

STARTS, STEPS, SAMPLE = 10_000, 1_000, 30

CHILD = f"""
import json, resource, time, numpy as np
from optviz import simulate
t = time.perf_counter()
exp = simulate("pathological", {{"adam": {{"lr": 1}}}}, {STARTS}, {STEPS}, seed=0)
dt = time.perf_counter() - t
print(json.dumps({{"seconds": dt, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "finite": bool(np.isfinite(exp.position).all())}}))
"""


def batched() -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def per_start() -> float:
    import numpy as np
    from optviz import Adam, train_curve

    rng = np.random.default_rng(0)
    starts = np.column_stack([rng.uniform(-8, 8, SAMPLE), rng.uniform(-6, 8, SAMPLE)])
    t = time.perf_counter()
    for x, y in starts:
        train_curve(lambda p: Adam(p, lr=1), num_updates=STEPS, init=[x, y])
    return SAMPLE * STEPS / (time.perf_counter() - t)


def main() -> dict:
    base = per_start()
    fast = batched()
    rate = STARTS * STEPS / fast["seconds"]
    result = {"per_start_ball_steps_per_s": base, "batched_ball_steps_per_s": rate, "speedup": rate / base,
              "batched_seconds": fast["seconds"], "batched_peak_mib": fast["peak_mib"]}
    print(f"engine: {STARTS} starts x {STEPS} Adam steps on the seed surface")
    print(f"  per-start train_curve loop : {base:12.3g} ball-steps/s  (sampled on {SAMPLE} starts)")
    print(f"  batched simulate           : {rate:12.3g} ball-steps/s  ({fast['seconds']:.2f} s, "
          f"peak {fast['peak_mib']:.0f} MiB)")
    print(f"  speedup                    : {rate / base:12.0f}x   (target >= 1000x, peak < 1024 MiB)")
    return result


if __name__ == "__main__":
    main()
