"""BUG: regularized_error uses lam ||w||^2 instead of (lam/2) ||w||^2

The penalty is twice too large.
"""

# ruff: noqa: F821 (from the reference loss.py: sum_of_squares_error)

PATCHES = "loss"


def regularized_error(y, t, w, lam):
    """L2-regularized error Ẽ = E + (λ/2)‖w‖², w including the bias w₀ (as on the slide).

    Args:
        y: predictions, numpy array or torch tensor.
        t: targets of exactly the same shape and kind.
        w: all weights, w₀ included, same kind as y.
        lam: regularization strength λ ≥ 0 (a Python number).

    Returns:
        Ẽ: a float / numpy scalar for numpy, a 0-d tensor for torch.

    Raises:
        ValueError: if y and t differ in shape, or λ < 0.
    """
    if lam < 0:
        raise ValueError(f"regularized_error: lam must be >= 0, got {lam!r}")
    return sum_of_squares_error(y, t) + lam * (w * w).sum()
