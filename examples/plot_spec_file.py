"""
A render spec
=============

Everything the command line does can live in a TOML file: the run, its look and its outputs.
``seed-race.toml`` (in ``optviz examples``) is the blog post's race with every key explained;
``optviz render seed-race.toml`` renders it, and ``optviz spec`` lists every key. Here the same
command from Python.
"""
from pathlib import Path

from optviz.cli import main

print(Path("seed-race.toml").read_text().split("[style]")[0])
main(["render", "seed-race.toml", "--steps", "40"])
