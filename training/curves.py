"""The loss curve of a run as a PNG (matplotlib, no display needed)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

__all__ = ["plot_losses"]


def plot_losses(losses: Sequence[dict[str, float]], path: Path, *, title: str) -> Path:
    """Draw training loss (and dev loss where logged) against the step; returns ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4), dpi=110)
    train = [(row["step"], row["loss"]) for row in losses if "loss" in row]
    dev = [(row["step"], row["eval_loss"]) for row in losses if "eval_loss" in row]
    if train:
        axes.plot(*zip(*train, strict=True), label="train loss", color="#2b6cb0")
    if dev:
        axes.plot(*zip(*dev, strict=True), "o-", label="dev loss", color="#c05621")
    axes.set_xlabel("step")
    axes.set_ylabel("loss (answer tokens)")
    axes.set_title(title)
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return path
