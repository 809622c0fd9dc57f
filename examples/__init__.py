"""optviz's examples, shipped inside the package as `optviz.examples`: the scripts the documentation's
gallery runs (`plot_*.py`), example specs (`*.toml`) and the small data files the docs use (`*.npz`).

`optviz examples` lists them, `optviz examples copy DIR` copies them into a folder of yours.
"""
