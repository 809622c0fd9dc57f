"""The studies beyond single races, one module per `optviz experiment NAME`, each owning its compute,
its pictures and its subcommand, registered in STUDIES by the `study` decorator (see `base`).

minima   many starts per optimizer over several seeds: where do they land (sharp, wide, neither,
         diverged)? Table, CSV, bar chart with confidence intervals, swarm GIF.
sweep    small multiples: one animated panel per setting of a hyperparameter grid, same start.
map      trainability map over two hyperparameters (PNG, NPZ), and a zoom into its boundary.
race     a fair race: each optimizer tuned on the surface first, or all at one shared lr.
generalization  "why not always Adam?" on a real network: momentum, Adam and SAM over seeds: test
         loss and accuracy, sharpness of the minimum found (at the end and at a common train loss),
         the Hessian's spectrum; and their paths on the landscape. Also on wilson-linear, where Adam loses.
batch-size  one optimizer at several batch sizes (Keskar et al. 2017): test accuracy and sharpness.

A new study is a module here with `@study(name, help, arguments)` on its `run(args)`, imported below.

May import: optviz.errors, optviz.extras, optviz.version, optviz.parsing, optviz.progress, optviz.data, optviz.core,
optviz.render; third-party: numpy, torch.
"""
from . import batch_size, generalization, map, minima, race, sweep  # noqa: F401  (each registers its study)
from .base import STUDIES, Study, add_parser, run_argv, study

__all__ = ["STUDIES", "Study", "add_parser", "run_argv", "study"]
