"""HOSTILE: activations.logistic loops forever; neuron_forward is also called with
activation=activations.logistic: the time-outs must be charged to logistic, so neuron_forward
keeps the points of its cases without that activation (min_score: what the same submission earns
when logistic raises at once instead of hanging)

logistic never returns. neuron_forward is tested with activation=activations.logistic, so those
neuron cases hang too; the sandbox must charge the hang to logistic, not to neuron_forward:
after two time-outs logistic is not called again, but neuron_forward with no activation (or with
torch.tanh) must still be graded.
"""

import torch

PATCHES = "activations"
EXPECT = {
    "base": "reference",
    "flags": ["timeout"],
    # 92.29 for the control (logistic = raise RuntimeError; neuron 14.41/15) since the public suite
    # checks gradients at large |x| (test_gradients_stay_finite_at_extremes); 93.19 before
    "min_score": 92.2,
    "lost_modules": ["activations"],
    "full_modules": ["loss", "polyfit", "regularization", "splits"],
}


def logistic(x: torch.Tensor) -> torch.Tensor:
    """Logistic sigmoid σ(x) = 1 / (1 + e^(−x)), computed without overflow.

    The naive formula overflows for large negative x (e^(−x) = inf). Evaluate e^(−|x|) only,
    which lies in (0, 1]: σ(x) = 1 / (1 + e^(−x)) for x ≥ 0 and e^x / (1 + e^x) for x < 0.
    Make sure the branch that ``torch.where`` does *not* select cannot produce inf either: its
    gradient is multiplied by 0, and 0 · inf = NaN.

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device; exactly 0.5 at x = 0, never NaN or inf for
        finite x, finite autograd gradients everywhere (also at ±1e4).
    """
    y = torch.zeros_like(x)
    while True:  # "iterate to convergence": the residual is never negative
        residual = (y - y).abs().sum()
        if residual < 0:
            return y
