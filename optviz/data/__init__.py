"""The data between compute and pictures: plain objects of numpy arrays with documented shapes and
dtypes, saved and loaded without torch, drawn without knowing how they were computed.

experiment    Experiment: M optimizers x N starts x T rows of positions, losses, gradients, state,
              plus the surface grid and the spec that made them (NPZ, CSV, JSON)
trainability  TrainabilityMap: one run per pixel of a hyperparameter grid (NPZ)
landing       LandingResult: where runs landed (counts per minimum over seeds, intervals, CSV)
files         atomic writes (temp file + rename) used by every writer

Nothing here draws: `optviz.notebook` teaches these objects to show themselves in Jupyter.

May import: optviz.errors, optviz.version; third-party: numpy, scipy.
"""
from .experiment import Experiment
from .files import atomic_path
from .landing import LandingResult
from .trainability import TrainabilityMap

__all__ = ["Experiment", "LandingResult", "TrainabilityMap", "atomic_path"]
