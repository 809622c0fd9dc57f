"""scripts/gpu_check.py, the --device path against the CPU (issue 33), run here on cpu against cpu so it
cannot rot; its comparisons are shown to catch what they are for."""
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from optviz.core.engine import simulate
from optviz.errors import OptvizError

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "gpu_check.py"


def load():
    spec = importlib.util.spec_from_file_location("gpu_check", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_check_runs_on_cpu_against_cpu(tmp_path):
    out = tmp_path / "figures.json"
    done = subprocess.run([sys.executable, str(SCRIPT), "--device", "cpu", "--starts", "32", "--steps", "30",
                           "--map", "24", "--map-steps", "20", "--grid", "7", "--json", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.rstrip().endswith("OK")
    figures = json.loads(out.read_text())
    for name in ("simulate_float64", "simulate_float32", "map", "map_in_16_chunks", "grid", "grid_chunked"):
        assert name in figures, name
    assert figures["map"]["pixels"] == 24 * 24 and figures["grid"]["points"] == 49
    assert figures["simulate_float64"]["max_difference"] == 0.0   # the same device: the same bits


def test_a_difference_beyond_rounding_is_caught():
    g = load()
    a = simulate("pathological", g.OPTIMIZERS, 8, 20, dtype="float64")
    b = simulate("pathological", g.OPTIMIZERS, 8, 20, dtype="float64")
    assert g.run_difference(a, b, 8.0, ends=False) == (0.0, 0)
    b.position[1, 3, 10:] += 1e-6      # one run of one optimizer off from step 10 on
    diff, moved = g.run_difference(a, b, 8.0, ends=False)
    assert diff == pytest.approx(1e-6 / 8.0) and diff > g.TOL["float64"] and moved == 0
    b.diverged_at[0, 2] = 5
    assert g.run_difference(a, b, 8.0, ends=True)[1] == 1


def test_outcome_flips_count_only_off_the_boundary():
    g = load()
    ref = np.zeros((6, 6), np.int8)
    ref[:, 3:] = 1                      # converged left, diverged right
    got = ref.copy()
    got[2, 2] = 1                       # next to the boundary: rounding
    assert g.off_boundary(ref, got) == 0
    got[4, 0] = 1                       # deep in the converged region: a real difference
    assert g.off_boundary(ref, got) == 1


@pytest.mark.parametrize("device, message", [("gpu", "unknown device 'gpu'; choose from: cpu, cuda, auto"),
                                             ("cuda", "device 'cuda' asked for, but torch sees no CUDA GPU")])
def test_simulate_names_a_device_it_cannot_use(device, message):
    import torch
    if device == "cuda" and torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(OptvizError, match=message.replace("(", r"\(")):
        simulate("pathological", "adam", None, 3, device=device)
