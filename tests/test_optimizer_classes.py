"""Issue 13: optimizers by torch's class names and by import path, checked against the classes run
directly in a plain loop on a parameter of shape [2], as a user would run them; pytorch-optimizer's
139 classes, each either running or refused with a one-line reason."""
import inspect

import numpy as np
import pytest
import torch

from optviz import OptvizError, simulate
from optviz.core.engine import run_seed
from optviz.core.optimizers import torch_classes

STARTS = [[-4.5, 1.5], [3.0, -1.0], [0.5, 1.8]]


def ravine(w):
    return 0.5 * (w[0] ** 2 + 20 * w[1] ** 2)


def rosenbrock(w):
    return (1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2


def plain_loop(make, start, steps, loss=ravine, create_graph=False, seed=0, dtype=torch.float64):
    """[steps + 1, 2] positions of the optimizer `make([w])` run by hand from `start`. A closure is
    passed when step() takes one; torch's generator is seeded as optviz seeds it."""
    torch.manual_seed(seed)
    w = torch.nn.Parameter(torch.tensor(start, dtype=dtype))
    opt = make([w])
    if callable(getattr(opt, "train", None)):
        opt.train()
    takes_closure = "closure" in inspect.signature(opt.step).parameters

    def closure():
        with torch.enable_grad():
            opt.zero_grad()
            value = loss(w)
            value.backward(create_graph=create_graph)
            return value

    rows = [w.detach().clone()]
    for _ in range(steps):
        closure()
        opt.step(closure) if takes_closure else opt.step()
        rows.append(w.detach().clone())
    return torch.stack(rows).numpy()


def same_path(exp, m, n, reference):
    """optviz's recorded path equals the reference until optviz marks the run diverged."""
    d = int(exp.diverged_at[m, n])
    upto = len(reference) if d < 0 else d
    assert upto > 1, "diverged at once: nothing to compare"
    np.testing.assert_allclose(exp.position[m, n, :upto], reference[:upto], rtol=1e-10, atol=1e-12)


# ---- torch.optim's own classes by name ---------------------------------------------------------

RUNS = {"ASGD": "lr=0.01", "Adadelta": "lr=1", "Adafactor": "lr=0.05", "Adagrad": "lr=0.5", "Adam": "lr=0.1",
        "AdamW": "lr=0.1", "Adamax": "lr=0.1", "LBFGS": "lr=0.5", "NAdam": "lr=0.1", "RAdam": "lr=0.1",
        "RMSprop": "lr=0.01", "Rprop": "lr=0.01", "SGD": "lr=0.01,momentum=0.9,nesterov=True"}
REFUSED = {"Muon": "Muon only supports 2D parameters", "SparseAdam": "failed at step 1: .*dense gradients"}


def test_every_torch_optim_class_is_covered():
    assert set(torch_classes.CLASSES.values()) == set(RUNS) | set(REFUSED)


@pytest.mark.parametrize("name", sorted(RUNS))
def test_torch_classes_by_name_equal_torch_run_directly(name):
    spelled = name.upper()   # any case works (lower case would find optviz's own sgd, adam, lbfgs first)
    hp = dict(kv.split("=") for kv in RUNS[name].split(","))
    exp = simulate("ravine", [f"{spelled}:{RUNS[name]}"], STARTS, 40, dtype="float64")
    kwargs = {k: (v == "True") if v in ("True", "False") else float(v) for k, v in hp.items()}
    for n, start in enumerate(STARTS):
        same_path(exp, 0, n, plain_loop(lambda ps: getattr(torch.optim, name)(ps, **kwargs), start, 40))


def test_registered_names_win_over_torch_class_names():
    exp = simulate("ravine", ["sgd:lr=0.01", "SGD:lr=0.01", "lbfgs", "LBFGS"], None, 1, dtype="float64")
    assert exp.labels[:2] == ["SGD lr=0.01", "SGD (torch) lr=0.01"]
    assert exp.meta["optimizers"][2]["hyperparameters"]["max_iter"] == 1       # optviz's L-BFGS
    assert exp.meta["optimizers"][3]["hyperparameters"]["max_iter"] == 20      # torch's


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_torch_classes_that_cannot_run_on_two_parameters_say_why(name):
    with pytest.raises(OptvizError, match=REFUSED[name]) as err:
        simulate("ravine", [name], None, 3)
    assert "\n" not in str(err.value)


# ---- pytorch-optimizer -------------------------------------------------------------------------------

po = pytest.importorskip("pytorch_optimizer")
PO_CLASSES = sorted(n for n in dir(po) if isinstance(getattr(po, n), type) and issubclass(getattr(po, n), torch.optim.Optimizer))
# the settings a class needs beyond its defaults to run at all: a base optimizer for wrappers, a
# count some need, or a learning rate its default is far too large or small for on the ravine
NEEDS = {
    "BSAM": "num_data=100,lr=0.05", "Ranger21": "num_iterations=30",
    "SAM": "base=sgd,lr=0.02,rho=0.05", "LookSAM": "base=sgd,lr=0.02,rho=0.05", "WSAM": "base=sgd,lr=0.02",
    "FriendlySAM": "base=sgd,lr=0.02,rho=0.05", "Lookahead": "base=adam,lr=0.1,k=5,alpha=0.5",
    "OrthoGrad": "base=sgd,lr=0.02", "TRAC": "base=adam,lr=0.1", "ScheduleFreeWrapper": "base=sgd,lr=0.02",
    "Magma": "base=sgd,lr=0.02",
}
PO_REFUSED = {
    **dict.fromkeys(["Muon", "AdaMuon", "NorMuon", "MuonClip", "DistributedMuon", "AdaGO"], "orthogonalizes weight matrices"),
    "SpectralSphere": "2-D weight matrices only", "PCGrad": "several losses", "SafeFP16Optimizer": "loss-scaling",
    "LOMO": "fused_backward", "AdaLOMO": "fused_backward", "GSAM": "rho_scheduler", "DeMo": "einops",
}
FLOAT32_ONLY = {"FAdam"}   # its step mixes a float32 tensor into float64 ones (a pytorch-optimizer bug)
WRAPPER_BASES = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}


def test_pytorch_optimizer_classes_are_all_accounted_for():
    assert len(PO_CLASSES) == 139, "pytorch-optimizer changed: recount the README's figures"
    assert not set(NEEDS) & set(PO_REFUSED) and set(NEEDS) | set(PO_REFUSED) <= set(PO_CLASSES)
    assert len(PO_CLASSES) - len(PO_REFUSED) == 126   # the README's count of classes that run


def reference(name, settings):
    """The class built by hand as pytorch-optimizer's documentation shows, for the plain loop."""
    cls = getattr(po, name)
    hp = {k: float(v) if v.replace(".", "").replace("e-", "").isdigit() else v
          for k, v in (kv.split("=") for kv in settings.split(",") if kv)}
    hp = {k: int(v) if k in ("num_data", "num_iterations", "k") else v for k, v in hp.items()}
    base = WRAPPER_BASES.get(hp.pop("base", None))
    params = inspect.signature(cls).parameters
    own = {k: v for k, v in hp.items() if k in params}
    rest = {k: v for k, v in hp.items() if k not in params}

    def make(ps):
        model = torch.nn.Module()
        model.register_parameter("w0", ps[0])
        if "base_optimizer" in params:
            extra = {"model": model} if "model" in params else {}
            return cls(params=ps, base_optimizer=base, **extra, **own, **rest)
        if "optimizer" in params:
            return cls(optimizer=base(ps, **rest), **own)
        if "model" in params:
            return cls(model=model, **hp)
        return cls(ps, **hp)
    return make


@pytest.mark.parametrize("name", [n for n in PO_CLASSES if n not in PO_REFUSED])
def test_pytorch_optimizer_classes_equal_the_class_run_directly(name):
    settings = NEEDS.get(name, "")
    path = f"pytorch_optimizer:{name}" + (f":{settings}" if settings else "")
    dtype = "float32" if name in FLOAT32_ONLY else "float64"
    exp = simulate("ravine", [path], STARTS[:2], 30, dtype=dtype)
    graph = name in ("AdaHessian", "SophiaH")
    for n, start in enumerate(STARTS[:2]):
        same_path(exp, 0, n, plain_loop(reference(name, settings), start, 30, create_graph=graph,
                                        seed=run_seed(0, 0, n), dtype=getattr(torch, dtype)))


@pytest.mark.parametrize("name", sorted(PO_REFUSED))
def test_pytorch_optimizer_classes_that_cannot_run_say_why_in_one_line(name):
    with pytest.raises(OptvizError, match=PO_REFUSED[name]) as err:
        simulate("ravine", [f"pytorch_optimizer:{name}"], None, 3)
    assert "\n" not in str(err.value)


def test_ranger_runs_on_the_natural_parameter_shape():
    """Ranger centralizes gradients of tensors with more than one dimension: run on [1, 2] (as optviz
    did), it differed from the class on [2] by 18.9 on Rosenbrock after 100 steps."""
    exp = simulate("rosenbrock", ["pytorch_optimizer:Ranger:lr=0.01"], [[-1.5, 2.5]], 100, dtype="float64")
    same_path(exp, 0, 0, plain_loop(lambda ps: po.Ranger(ps, lr=0.01), [-1.5, 2.5], 100, loss=rosenbrock))


def test_hessian_optimizers_are_deterministic_and_leave_the_global_generator_alone():
    state = torch.random.get_rng_state()
    a = simulate("ravine", ["pytorch_optimizer:AdaHessian"], None, 20, dtype="float64")
    b = simulate("ravine", ["pytorch_optimizer:AdaHessian"], None, 20, dtype="float64")
    np.testing.assert_array_equal(a.position, b.position)
    assert torch.equal(state, torch.random.get_rng_state())


def test_torch_adams_stated_amsgrad_rule_is_what_it_runs():
    """torch-adam's rule states AMSGrad's update: written out in numpy (tests/reference.py), it is the
    path torch.optim.Adam(amsgrad=True) takes, step by step, where the maximum matters (plain Adam's
    path parts from it)."""
    from reference import run
    start, lr, steps = [1.0, 1.5], 0.5, 40
    for spec, rule in (("torch-adam:lr=0.5,amsgrad=True", "amsgrad"), ("adam:lr=0.5", "adam")):
        ran = simulate("pathological", [spec], [start], steps, dtype="float64")
        np.testing.assert_allclose(ran.position[0, 0], run(rule, start, steps, lr=lr)[:, :2], rtol=1e-9, atol=1e-12)
    assert np.abs(run("amsgrad", start, steps, lr=lr) - run("adam", start, steps, lr=lr)).max() > 1e-3
