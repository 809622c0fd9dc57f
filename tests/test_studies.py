"""Issue 5's studies checked against closed forms: mini-batch gradients, landing counts with confidence
intervals, trainability maps (stability limits of GD and heavy ball), per-pixel kernels against the
registered optimizers, sweeps, and determinism."""
import numpy as np
import pytest
import torch

from optviz import OptvizError, simulate
from optviz.cli import main
from optviz.core.optimizers import OptimizerSpec
from optviz.core.surfaces import SURFACES, Minimum, Surface
from optviz.core.trainability import boundary_point, trainability_map, zoom_maps, zoom_windows
from optviz.studies.minima import MINIMA_DEFAULT, classify, run_minima
from optviz.studies.sweep import sweep_specs

# ---- mini-batch gradients -----------------------------------------------------------------------------

def test_minibatch_gradient_is_unbiased_with_the_closed_form_variance():
    """Least squares: per-example gradients are 2 r_i (x_i, 1); a batch of B drawn with replacement has
    mean = the full gradient and variance = population variance / B per coordinate."""
    from optviz.core.surfaces.datasets import _LS_X as x
    from optviz.core.surfaces.datasets import _LS_Y as y
    w = np.array([0.3, 0.7])
    B, K = 8, 6000
    exp = simulate("least-squares", "sgd:lr=0.1", [w], 0, batch_size=B, cloud=K, dtype="float64", seed=3)
    g = exp.grad[0, :, 0]                                     # [K, 2], each from its own batch
    r = w[0] * x + w[1] - y
    per_example = np.column_stack([2 * r * x, 2 * r])
    full, var = per_example.mean(0), per_example.var(0) / B
    se = np.sqrt(var / K)
    assert np.all(np.abs(g.mean(0) - full) < 4 * se)
    assert np.allclose(g.var(0), var, rtol=0.08)
    # the recorded loss is the full-data loss, not the batch's
    assert np.allclose(exp.loss[0, :, 0], np.mean(r ** 2))


def test_cloud_members_differ_and_runs_repeat_with_the_seed():
    a = simulate("logistic", "sgd:lr=0.5", None, 40, batch_size=4, cloud=5, seed=1)
    b = simulate("logistic", "sgd:lr=0.5", None, 40, batch_size=4, cloud=5, seed=1)
    c = simulate("logistic", "sgd:lr=0.5", None, 40, batch_size=4, cloud=5, seed=2)
    assert np.array_equal(a.position, b.position)
    assert not np.array_equal(a.position, c.position)
    assert len({tuple(p) for p in a.position[0, :, -1].tolist()}) == 5


@pytest.mark.parametrize("name", ["least-squares", "logistic"])
def test_data_surface_minimum_has_zero_gradient(name):
    s = SURFACES[name]
    w = torch.tensor([s.minima[0].x, s.minima[0].y], dtype=torch.float64, requires_grad=True)
    g, = torch.autograd.grad(s.fn(w[0], w[1]), w)
    assert g.abs().max() < 1e-9


def test_batch_size_needs_a_data_surface_and_a_valid_size():
    with pytest.raises(OptvizError, match="least-squares"):
        simulate("ravine", "sgd", None, 5, batch_size=4)
    with pytest.raises(OptvizError, match="1 to 64"):
        simulate("least-squares", "sgd", None, 5, batch_size=65)


# ---- landing counts -----------------------------------------------------------------------------------

DOUBLE_WELL = Surface(
    name="double-well", fn=lambda x, y: (x ** 2 - 1) ** 2 + y ** 2, box=((-2.0, 1.0), (-1.0, 1.0)),
    zrange=(0.0, 9.0), start=(-1.5, 0.5), minima=(Minimum(-1.0, 0.0, "left"), Minimum(1.0, 0.0, "right")))


def test_landing_counts_match_the_basins_in_closed_form():
    """Gradient descent with a small step on (x^2-1)^2 + y^2 ends in the left well exactly when it starts
    at x < 0 (x and y evolve independently; x = 0 is the basin boundary). Starts are uniform on
    [-2, 1] x [-1, 1], so the left fraction is 2/3 and the interval over seeds must hold it."""
    result, _ = run_minima(DOUBLE_WELL, ["sgd:lr=0.01"], starts=300, seeds=6, steps=800)
    assert result.categories == ["left", "right", "neither", "diverged"]
    for s in range(6):
        starts = simulate(DOUBLE_WELL, "sgd:lr=0.01", 300, 0, seed=s).starts
        left = int((starts[:, 0] < 0).sum())
        assert result.counts[s, 0].tolist() == [left, 300 - left, 0, 0]
    mean, lo, hi = result.summary(0.95)
    assert lo[0, 0] < 2 / 3 < hi[0, 0]
    assert lo[0, 0] < mean[0, 0] < hi[0, 0]


def test_the_interval_is_students_t_over_seeds():
    from scipy import stats
    result, _ = run_minima(DOUBLE_WELL, ["sgd:lr=0.01"], starts=50, seeds=5, steps=600)
    f = result.counts[:, 0, 0] / 50
    lo, hi = stats.t.interval(0.9, len(f) - 1, loc=f.mean(), scale=stats.sem(f))
    _, lo_r, hi_r = result.summary(0.9)
    assert np.isclose(lo_r[0, 0], max(lo, 0)) and np.isclose(hi_r[0, 0], min(hi, 1))


def test_divergence_is_counted_past_the_closed_form_step_limit():
    """On x^2 + y^2 (L = 2) gradient descent lands for lr < 1 and diverges for lr > 1."""
    bowl = Surface(name="bowl", fn=lambda x, y: x ** 2 + y ** 2, box=((-1.0, 1.0), (-1.0, 1.0)),
                   zrange=(0.0, 2.0), start=(0.5, 0.5), minima=(Minimum(0.0, 0.0),))
    result, _ = run_minima(bowl, ["sgd:lr=0.9", "sgd:lr=1.1"], starts=40, seeds=2, steps=400)
    assert result.counts[:, 0].tolist() == [[40, 0, 0]] * 2
    assert result.counts[:, 1].tolist() == [[0, 0, 40]] * 2


def test_landing_on_sharp_wide_is_deterministic_and_classified_by_kind():
    a, exp = run_minima("sharp-wide", None, starts=60, seeds=2, steps=300)
    b, _ = run_minima("sharp-wide", None, starts=60, seeds=2, steps=300)
    assert np.array_equal(a.counts, b.counts)
    assert a.categories == ["sharp", "wide", "neither", "diverged"]
    assert a.counts.sum(-1).tolist() == [[60] * len(MINIMA_DEFAULT)] * 2
    k = classify(exp)
    final = exp.position[:, :, -1]
    sharp = np.hypot(final[..., 0] + 1.497, final[..., 1]) < 0.5
    assert np.array_equal(k == 0, sharp)


# ---- trainability maps against closed forms -------------------------------------------------------------

def _radius(lr, mu, lam, ema):
    """Spectral radius of momentum on one eigen-direction of curvature lam: z^2 - (1 + mu - a) z + mu,
    a = lr*lam for torch's heavy ball, lr*(1-mu)*lam for the seed's EMA form."""
    a = lr * lam * ((1 - mu) if ema else 1)
    return max(abs(r) for r in np.roots([1.0, -(1 + mu - a), mu]))


@pytest.mark.parametrize("optimizer", ["torch-momentum", "momentum"])
def test_momentum_map_matches_the_stability_region(optimizer):
    m = trainability_map("ravine", optimizer, "lr=1e-2:3", "momentum=0:0.95", resolution=(40, 32), steps=2000,
                         dtype="float64")
    lrs, mus = m.x_values[0], m.y_values[0]
    rho = np.array([[max(_radius(lr, mu, lam, optimizer == "momentum") for lam in (1.0, 20.0)) for lr in lrs]
                    for mu in mus])
    clear = np.abs(rho - 1) > 0.01
    assert clear.mean() > 0.8
    assert np.array_equal(m.diverged[0][clear], (rho > 1)[clear])
    assert np.array_equal(m.converged[0][clear], (rho < 1)[clear])
    assert m.diverged[0].any() and m.converged[0].any()


def test_gradient_descent_map_diverges_exactly_past_two_over_L_per_coordinate():
    """Per-coordinate learning rates on the ravine (curvatures 1 and 20): stable iff lr_x < 2 and lr_y < 0.1."""
    m = trainability_map("ravine", "sgd", "lr_x=0.2:6", "lr_y=0.01:0.3", resolution=(30, 30), steps=1500)
    lx, ly = np.meshgrid(m.x_values[0], m.y_values[0])
    clear = (np.abs(lx / 2 - 1) > 0.02) & (np.abs(ly / 0.1 - 1) > 0.02)
    assert np.array_equal(m.diverged[0][clear], ((lx > 2) | (ly > 0.1))[clear])


@pytest.mark.parametrize("name,x,y", [("sgd", "lr=0.01:0.05", "lr_y=0.005:0.02"),
                                      ("momentum", "lr=0.01:0.05", "momentum=0.5:0.9"),
                                      ("torch-momentum", "lr=0.002:0.01", "momentum=0.5:0.9"),
                                      ("nesterov", "lr=0.002:0.01", "momentum=0.5:0.9"),
                                      ("adam", "lr=0.01:0.1", "beta1=0.5:0.9"),
                                      ("adam", "lr=0.01:0.1", "beta2=0.9:0.999")])
def test_map_kernels_follow_the_registered_optimizers(name, x, y):
    """A 2 x 2 map's corners are exactly the axes' ends; each pixel's final loss equals a full
    `simulate` run with those settings (float64, 60 steps on Himmelblau)."""
    m = trainability_map("himmelblau", name, x, y, resolution=(2, 2), steps=60, dtype="float64",
                         start=(-0.3, -0.9))
    for i, yv in enumerate(m.y_values[0]):
        for j, xv in enumerate(m.x_values[0]):
            hp = {m.meta["x"]["name"]: float(xv), m.meta["y"]["name"]: float(yv)}
            if "lr_y" in hp:
                continue  # per-coordinate lr has no torch.optim counterpart; covered by the closed form
            exp = simulate("himmelblau", [OptimizerSpec(name, hp)], [(-0.3, -0.9)], 60, dtype="float64")
            assert np.isclose(m.final_loss[0, i, j], exp.loss[0, 0, -1], rtol=1e-10, atol=1e-12)


def test_maps_are_deterministic_and_chunking_does_not_change_them():
    a = trainability_map("himmelblau", "sgd", "lr_x=1e-3:0.1", "lr_y=1e-3:0.1", resolution=(24, 20), steps=200)
    b = trainability_map("himmelblau", "sgd", "lr_x=1e-3:0.1", "lr_y=1e-3:0.1", resolution=(24, 20), steps=200,
                         chunk=37)
    for k in ("diverged_at", "final_loss", "mean_loss", "converged"):
        assert np.array_equal(getattr(a, k), getattr(b, k), equal_nan=k != "converged" and k != "diverged_at")


def test_zoom_windows_shrink_around_the_boundary():
    m = trainability_map("ravine", "torch-momentum", "lr=1e-2:3", "momentum=0:0.95", resolution=(40, 30), steps=300)
    u, v = boundary_point(m)
    windows = zoom_windows((u, v), 100.0, 5)
    z = zoom_maps("ravine", "torch-momentum", "lr=1e-2:3", "momentum=0:0.95", windows, resolution=(16, 12),
                  steps=300, follow=True)
    widths = [np.log10(z.x_values[f, -1] / z.x_values[f, 0]) for f in range(5)]
    assert np.allclose(np.array(widths) / widths[0], [100 ** (-i / 4) for i in range(5)])
    last = z.diverged[-1]
    assert last.any() and not last.all()   # the deepest frame still straddles the boundary


def test_map_input_errors_name_the_bad_value():
    with pytest.raises(OptvizError, match="'beta1'.*choose from"):
        trainability_map("ravine", "sgd", "beta1=0:1", "lr=0.1:1")
    with pytest.raises(OptvizError, match="unknown device 'tpu'"):
        trainability_map("ravine", device="tpu")
    with pytest.raises(OptvizError, match="log axis lr needs lo > 0"):
        trainability_map("ravine", x="lr=0:1")


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_cuda_without_a_gpu_is_a_clear_error(capsys, tmp_path):
    assert main(["experiment", "map", "--device", "cuda", "-o", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no CUDA GPU" in err
    assert list(tmp_path.iterdir()) == []


# ---- sweeps and the command -------------------------------------------------------------------------------

def test_sweep_specs_are_the_grid_product():
    specs, shape = sweep_specs("momentum:momentum=0.5", ["lr=0.1,0.5,1", "momentum=0,0.9"])
    assert shape == (2, 3)
    assert [(s.hyperparameters["lr"], s.hyperparameters["momentum"]) for s in specs] == \
        [(0.1, 0), (0.5, 0), (1, 0), (0.1, 0.9), (0.5, 0.9), (1, 0.9)]
    with pytest.raises(OptvizError, match="bad grid"):
        sweep_specs("sgd", ["lr"])


def test_sweep_renders_one_titled_panel_per_setting(tmp_path):
    from PIL import Image

    from optviz.render.panels import PanelScene
    specs, shape = sweep_specs("sgd", ["lr=0.05,0.095,0.105"])
    exp = simulate("ravine", specs, [(-4.5, 1.5)], 120, box=SURFACES["ravine"].box)
    exp.meta["sweep"] = {"shape": list(shape)}
    scene = PanelScene(exp)
    assert len(scene.axes) == 3
    titles = [ax.get_title() for ax in scene.axes]
    assert titles[:2] == ["lr=0.05", "lr=0.095"] and titles[2].startswith("lr=0.105\ndiverged at step")
    frame = scene.render(scene.n_frames - 1)
    h = frame.shape[0]
    for m in range(2):   # the two stable runs end at the minimum, drawn in their own colour
        x, y = scene.axes[m].transData.transform(exp.position[m, 0, -1])
        rgb = frame[h - int(round(y)), int(round(x)), :3] / 255
        colour = np.array([int(scene.colors[m][i:i + 2], 16) for i in (1, 3, 5)]) / 255
        assert np.abs(rgb - colour).max() < 0.12
    out = tmp_path / "sweep.gif"
    assert main(["experiment", "sweep", "--surface", "ravine", "--grid", "lr=0.05,0.105", "--steps", "30",
                 "-o", str(out)]) == 0
    assert Image.open(out).size == (800, 600)


def test_experiment_command_writes_table_csv_chart_and_swarm(tmp_path, capsys):
    prefix = tmp_path / "minima"
    assert main(["experiment", "minima", "--starts", "30", "--seeds", "2", "--steps", "150", "-o", str(prefix)]) == 0
    out = capsys.readouterr().out
    assert "sharp" in out and "Adam lr=0.1" in out
    rows = (tmp_path / "minima.csv").read_text().splitlines()
    assert rows[0].startswith("optimizer,category,mean_fraction") and len(rows) == 1 + len(MINIMA_DEFAULT) * 4
    assert (tmp_path / "minima-bars.png").stat().st_size > 0 and (tmp_path / "minima-swarm.gif").stat().st_size > 0


def test_map_command_writes_png_npz_and_zoom(tmp_path):
    from optviz.data.trainability import TrainabilityMap
    prefix = tmp_path / "map"
    assert main(["experiment", "map", "--resolution", "60x40", "--steps", "200", "--zoom-frames", "4",
                 "--zoom-resolution", "40x30", "--fps", "4", "-o", str(prefix)]) == 0
    m = TrainabilityMap.load(tmp_path / "map.npz")
    assert m.diverged_at.shape == (1, 40, 60) and m.meta["device"] == "cpu"
    assert (tmp_path / "map.png").exists() and (tmp_path / "map-zoom.gif").exists()
    assert TrainabilityMap.load(tmp_path / "map-zoom.npz").diverged_at.shape == (4, 30, 40)


def test_bad_axis_is_one_line_exit_2(tmp_path, capsys):
    assert main(["experiment", "map", "--x", "lr=oops", "-o", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad axis 'lr=oops'" in err
    assert list(tmp_path.iterdir()) == []
