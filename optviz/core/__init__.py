"""The compute core: loss surfaces, optimizers and the engines that run them, in torch. Nothing here
draws: results leave as the plain numpy objects of `optviz.data`.

surfaces/      the surface registry, the registered surfaces, data surfaces, safe user expressions
optimizers/    the optimizer registry, the registered optimizers, specs, learning-rate schedules
seed           the blog post's API: OptimizerTemplate, SGD, SGDMomentum, Adam, train_curve
engine         simulate: every optimizer from every start, recorded into an Experiment
recorder       the arrays simulate writes into, and divergence
map_kernels    per-pixel optimizer updates (hyperparameters that differ per pixel), for trainability maps
trainability   trainability maps: one run per pixel of a hyperparameter grid, chunked, on CPU or GPU
networks/      real networks: tasks, training, planes through weight space, landscape grids, sharpness
distribute     where chunks of work run: here, or on a Dask cluster
device         cpu, cuda or auto

May import: optviz.errors, optviz.extras, optviz.version, optviz.parsing, optviz.data; third-party: numpy, torch, sklearn
(the built-in tasks' data), distributed (when a scheduler is asked for).
"""
