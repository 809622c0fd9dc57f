"""Issue 6 (part): learning-rate schedules against torch's own loop and closed forms; notebook display."""
import base64
import math
import re

import numpy as np
import pytest
import torch

import optviz
from optviz import OptvizError, simulate
from optviz.core.surfaces import SURFACES


def test_scheduled_torch_optimizer_equals_torchs_own_loop():
    """torch-momentum with StepLR, against torch.optim.SGD + StepLR stepped by hand (float64)."""
    exp = simulate("himmelblau", ["torch-momentum:lr=0.01@StepLR:step_size=7,gamma=0.5"], [(-0.3, -0.9)], 40,
                   dtype="float64")
    p = torch.nn.Parameter(torch.tensor([-0.3, -0.9], dtype=torch.float64))
    opt = torch.optim.SGD([p], lr=0.01, momentum=0.9)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=7, gamma=0.5)
    fn = SURFACES["himmelblau"].fn
    for t in range(41):
        assert np.allclose(exp.position[0, 0, t], p.detach().numpy(), rtol=1e-12, atol=1e-12), t
        if t < 40:
            assert exp.lr[0, t] == opt.param_groups[0]["lr"]
            opt.zero_grad()
            fn(p[0], p[1]).backward()
            opt.step()
            sched.step()


def test_seed_sgd_follows_the_closed_form_cosine_schedule():
    """The seed's SGD (not a torch optimizer) under cosine: w -= lr/2 (1 + cos(pi t / T)) g."""
    T, lr = 30, 0.08
    exp = simulate("ravine", [f"sgd:lr={lr}@cosine"], [(-4.5, 1.5)], T, dtype="float64")
    w = np.array([-4.5, 1.5])
    for t in range(T):
        eta = lr / 2 * (1 + math.cos(math.pi * t / T))
        assert np.isclose(exp.lr[0, t], eta, rtol=1e-12)
        w = w - eta * np.array([w[0], 20 * w[1]])   # ravine gradient (x, 20 y)
        assert np.allclose(exp.position[0, 0, t + 1], w, rtol=1e-12)


@pytest.mark.parametrize("name", ["step", "cosine", "linear", "warmup", "warmup-cosine", "onecycle"])
def test_every_named_schedule_runs_and_is_recorded(name):
    exp = simulate("ravine", [f"adam:lr=0.1@{name}"], None, 50)
    lr = exp.lr[0, :50]
    assert np.isfinite(lr).all() and np.isnan(exp.lr[0, 50]) and lr.max() <= 0.1 + 1e-12
    assert not np.allclose(lr, lr[0])           # it changes over the run
    assert exp.labels == [f"Adam lr=0.1 @{name}"]


def test_unscheduled_lr_is_constant_and_saved(tmp_path):
    exp = simulate("ravine", ["sgd:lr=0.05", "adam:lr=0.1@cosine"], None, 10)
    assert np.all(exp.lr[0, :10] == 0.05)
    exp.save(tmp_path / "e.npz")
    back = optviz.Experiment.load(tmp_path / "e.npz")
    assert np.array_equal(back.lr, exp.lr, equal_nan=True)


def test_bad_schedules_name_the_choices():
    with pytest.raises(OptvizError, match="unknown schedule 'cosin'; choose from: .*cosine"):
        simulate("ravine", ["sgd:lr=0.1@cosin"], None, 5)
    with pytest.raises(OptvizError, match="schedule 'step:gama=0.5'"):
        simulate("ravine", ["sgd:lr=0.1@step:gama=0.5"], None, 5)


def test_the_counter_shows_the_current_learning_rate():
    from optviz.render.scene2d import Scene2D
    exp = simulate("ravine", ["sgd:lr=0.09@step:step_size=10"], None, 30)
    scene = Scene2D(exp)
    assert scene.counter_text(5).endswith("SGD: lr 0.09")
    assert scene.counter_text(12).endswith("SGD: lr 0.045")


def test_animate_embeds_a_playable_video():
    anim = optviz.animate(surface="ravine", optimizers=["sgd:lr=0.05"], steps=12)
    html = anim._repr_html_()
    src = re.search(r'src="data:video/mp4;base64,([^"]+)"', html).group(1)
    data = base64.b64decode(src)
    assert data == anim.data and data[4:8] == b"ftyp"     # an MP4 container
    assert "<video" in html and "loop" in html


def test_animate_as_gif_and_save(tmp_path):
    exp = simulate("ravine", "adam:lr=0.3", None, 10)
    anim = optviz.animate(exp, format="gif")
    assert anim._repr_html_().startswith('<img src="data:image/gif;base64,R0lGOD')   # "GIF8"
    assert anim.save(tmp_path / "a.gif").read_bytes() == anim.data
    with pytest.raises(OptvizError, match="save it as .gif"):
        anim.save(tmp_path / "a.mp4")


def test_experiment_repr_html_shows_its_map_and_fates():
    exp = simulate("ravine", ["sgd:lr=0.05", "sgd:lr=0.3"], None, 60)
    html = exp._repr_html_()
    png = base64.b64decode(re.search(r'data:image/png;base64,([^"]+)"', html).group(1))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert "SGD lr=0.3" in html and "1/1 diverged" in html and "all finite" in html
