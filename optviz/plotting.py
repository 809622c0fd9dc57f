"""The seed's `plot_curve`, and `animate` for notebooks: the two places where a torch surface function
meets matplotlib. Both import torch and matplotlib only when called."""
from __future__ import annotations


def plot_curve(curve_fn, x_range=(-5, 5), y_range=(-5, 5), plot_3d=False, cmap=None, title="Pathological curvature"):
    """Plot a loss function of (w1, w2) as the seed does (100 x 100 grid, imshow or 3-D surface) and
    return the axes."""
    import matplotlib.pyplot as plt
    import torch

    from .render.figures import draw_curve

    cmap = cmap if cmap is not None else plt.cm.viridis
    fig = plt.figure()
    ax = plt.axes(projection="3d") if plot_3d else plt.axes()
    x = torch.arange(x_range[0], x_range[1], (x_range[1] - x_range[0]) / 100.)
    y = torch.arange(y_range[0], y_range[1], (y_range[1] - y_range[0]) / 100.)
    x, y = torch.meshgrid(x, y, indexing="xy")
    with torch.no_grad():
        z = curve_fn(x, y)
    draw_curve(ax, x.numpy(), y.numpy(), z.numpy(), plot_3d, cmap, title)
    fig.tight_layout()
    return ax
