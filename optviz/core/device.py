"""Where compute runs: "cpu", "cuda", or "auto" (CUDA when torch sees a GPU)."""
from __future__ import annotations

import torch

from ..errors import OptvizError

DEVICES = ("cpu", "cuda", "auto")


def resolve_device(device: str) -> torch.device:
    """'auto' uses CUDA when torch sees it; asking for 'cuda' without one is an error, not a silent CPU run."""
    if device not in DEVICES:
        raise OptvizError(f"unknown device {device!r}; choose from: {', '.join(DEVICES)}")
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise OptvizError("device 'cuda' asked for, but torch sees no CUDA GPU; use --device cpu or auto")
    return torch.device(device)
