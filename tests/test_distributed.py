"""Issue 16: maps and landscape grids on a Dask cluster (a local one of 2 workers, started here) equal the
in-process result to the bit, also when a worker is killed in the middle of the run."""
import os
import signal

import numpy as np
import pytest

from optviz import OptvizError
from optviz.core import distribute
from optviz.core.distribute import Chunk, run_chunks
from optviz.core.networks import get_task, train_network
from optviz.core.networks.landscape import grid_losses
from optviz.core.networks.planes import pca_plane
from optviz.core.trainability import trainability_map

distributed = pytest.importorskip("distributed")
MAPS = [("himmelblau", "sgd", "lr_x=1e-3:0.1", "lr_y=1e-3:0.1"), ("ravine", "torch-momentum", "lr=1e-3:1",
                                                                   "momentum=0:0.99")]


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=40) as c:
        yield c


class KillOneWorker:
    """A progress callback that kills one worker process (SIGKILL) once the first chunk is back."""

    def __init__(self, address):
        self.address, self.killed = address, None

    def __call__(self, *_):
        if self.killed is None:
            with distributed.Client(self.address) as client:
                pids = client.run(os.getpid)
            self.killed = sorted(pids.values())[0]
            os.kill(self.killed, signal.SIGKILL)


def same_map(a, b):
    for k in ("diverged_at", "converged"):
        np.testing.assert_array_equal(getattr(a, k), getattr(b, k))
    for k in ("final_loss", "mean_loss"):
        np.testing.assert_array_equal(getattr(a, k), getattr(b, k))   # NaN where both are NaN


@pytest.mark.parametrize("surface,optimizer,x,y", MAPS)
def test_a_map_on_a_cluster_equals_the_map_here(cluster, surface, optimizer, x, y):
    here = trainability_map(surface, optimizer, x, y, resolution=(120, 90), steps=150, chunk=1000)
    there = trainability_map(surface, optimizer, x, y, resolution=(120, 90), steps=150, chunk=1000,
                             scheduler=cluster.scheduler_address)
    same_map(here, there)
    assert 0 < here.diverged.mean() < 1   # the map has both outcomes, so equality is not trivial


def test_a_map_survives_a_killed_worker(cluster):
    kill = KillOneWorker(cluster.scheduler_address)
    here = trainability_map("himmelblau", "sgd", "lr_x=1e-3:0.1", "lr_y=1e-3:0.1", resolution=160, steps=300,
                            chunk=800)
    there = trainability_map("himmelblau", "sgd", "lr_x=1e-3:0.1", "lr_y=1e-3:0.1", resolution=160, steps=300,
                             chunk=800, scheduler=cluster.scheduler_address, progress=kill)
    assert kill.killed is not None
    same_map(here, there)


def test_a_landscape_grid_on_a_cluster_equals_the_grid_here_even_when_a_worker_dies(cluster):
    run = train_network("digits-mlp", ["momentum:lr=0.5,momentum=0.9", "adam:lr=0.01"], 60, batch_size=64,
                        record_every=5)
    task, plane = get_task("digits-mlp"), pca_plane(run)
    a = np.linspace(-2, 2, 61)
    A, B = np.meshgrid(a, a)
    points = np.column_stack([A.ravel(), B.ravel()])
    here = grid_losses(task, 0, plane, points, "train", "cpu", 2**30, "local")
    kill = KillOneWorker(cluster.scheduler_address)
    there = grid_losses(task, 0, plane, points, "train", "cpu", 2**30, cluster.scheduler_address, progress=kill)
    assert kill.killed is not None
    np.testing.assert_array_equal(here, there)
    test_here = grid_losses(task, 0, plane, points[:300], "test", "cpu", 2**30, "local")
    np.testing.assert_array_equal(test_here, grid_losses(task, 0, plane, points[:300], "test", "cpu", 2**30,
                                                         cluster.scheduler_address))


def fails_on_three(i):
    if i == 3:
        raise ValueError("no fourth chunk")
    return i


def test_a_chunk_that_cannot_be_computed_stops_the_run_in_one_line(cluster):
    with pytest.raises(OptvizError, match=r"chunk 3 \(item 3\) could not be computed: ValueError: no fourth chunk"):
        run_chunks([Chunk(i, fails_on_three, (i,), f"item {i}") for i in range(6)], cluster.scheduler_address,
                   lambda k, r: None)


def test_schedulers_are_named_clearly(monkeypatch):
    with pytest.raises(OptvizError, match="unknown scheduler 'slurm'; choose from: local, processes:N"):
        distribute.parse_scheduler("slurm")
    with pytest.raises(OptvizError, match="bad scheduler 'processes:0'"):
        distribute.parse_scheduler("processes:0")
    monkeypatch.setattr(distribute, "CONNECT_TIMEOUT", 1)
    with pytest.raises(OptvizError, match="cannot reach the Dask scheduler 'tcp://127.0.0.1:9'"):
        run_chunks([Chunk(0, abs, (-1,))], "tcp://127.0.0.1:9", lambda k, r: None)


def test_processes_start_and_stop_a_local_cluster():
    out = {}
    run_chunks([Chunk(i, abs, (-i,)) for i in range(5)], "processes:2", out.__setitem__)
    assert out == {i: i for i in range(5)}


@pytest.mark.parametrize("argv,message", [
    (["experiment", "map", "--scheduler", "slurm", "-o", "m"], "unknown scheduler 'slurm'"),
    (["trajectory", "--task", "moons-mlp", "--scheduler", "processes:x", "-o", "a.npz"], "bad scheduler 'processes:x'"),
    (["trajectory", "--scheduler", "processes:2", "-o", "a.npz"], "scheduler applies to a network task"),
])
def test_bad_schedulers_on_the_command_line(tmp_path, monkeypatch, capsys, argv, message):
    from optviz.cli import main
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and message in err, err
    assert list(tmp_path.iterdir()) == []


def test_the_map_command_runs_on_a_cluster(cluster, tmp_path, capsys):
    from optviz.cli import main
    from optviz.data import TrainabilityMap
    assert main(["experiment", "map", "--resolution", "40x30", "--steps", "50", "--chunk", "300", "--scheduler",
                 cluster.scheduler_address, "-o", str(tmp_path / "m")]) == 0
    here = trainability_map(resolution=(40, 30), steps=50)
    same_map(TrainabilityMap.load(tmp_path / "m.npz"), here)
