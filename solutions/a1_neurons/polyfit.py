"""Polynomial curve fitting by least squares (numpy): the lecture's y(x, w) = Σⱼ wⱼ xʲ fitted
to t = sin(2πx) + noise, and choosing the degree M on validation data.
"""

### BEGIN SOLUTION
import numbers

### END SOLUTION
import numpy as np

from .loss import rms_error


def design_matrix(x, M):
    """Design matrix Φ of a polynomial of degree M: Φ[n, j] = xₙʲ, column 0 all ones.

    Args:
        x: 1-D array of N inputs (N = 0 too).
        M: the degree, a non-negative integer: a Python int or a numpy integer.

    Returns:
        float64 array of shape (N, M + 1).

    Raises:
        ValueError: if M is negative or not integral (such as 3.5), or x is not 1-D.
    """
    ### BEGIN SOLUTION
    if isinstance(M, bool) or not isinstance(M, numbers.Real) or int(M) != M or M < 0:
        raise ValueError(f"design_matrix: M must be a non-negative integer, got {M!r}")
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"design_matrix: x must be 1-D, got shape {x.shape}")
    return x[:, None] ** np.arange(int(M) + 1)
    ### END SOLUTION


def fit_polynomial(x, t, M):
    """Least-squares weights w minimising E(w) = ½ Σₙ (y(xₙ, w) − tₙ)².

    Solve the least-squares problem Φw ≈ t with an orthogonal method (``np.linalg.lstsq``,
    QR or SVD). Do not form (ΦᵀΦ)⁻¹: squaring Φ squares its condition number, and for M = 9
    that destroys every digit. When N < M + 1 the problem has many solutions; return the one of
    minimum norm (``lstsq`` does).

    Args:
        x: 1-D array of N inputs.
        t: 1-D array of N targets.
        M: the degree, a non-negative integer.

    Returns:
        float64 array of shape (M + 1,), w[0] the bias.
    """
    ### BEGIN SOLUTION
    phi = design_matrix(x, M)
    t = np.asarray(t, dtype=np.float64)
    if t.shape != (phi.shape[0],):
        raise ValueError(f"fit_polynomial: t must have shape ({phi.shape[0]},), got {t.shape}")
    w, *_ = np.linalg.lstsq(phi, t, rcond=None)
    return w
    ### END SOLUTION


def predict(x, w):
    """Evaluate the polynomial y(x, w) = Σⱼ wⱼ xʲ.

    Args:
        x: inputs, any shape (a 0-d array or a float too).
        w: weights of shape (M + 1,), w[0] the bias.

    Returns:
        Array of x's shape.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    y = np.zeros_like(x)
    for coefficient in np.asarray(w, dtype=np.float64)[::-1]:  # Horner's scheme
        y = y * x + coefficient
    return y
    ### END SOLUTION


def select_degree(x_train, t_train, x_val, t_val, degrees):
    """Choose the degree M by validation error.

    For each M in ``degrees``, fit on the training data only and compute the RMS error on the
    validation data; return the M with the smallest validation RMS (ties: the smallest M).

    Args:
        x_train, t_train: 1-D training inputs and targets.
        x_val, t_val: 1-D validation inputs and targets.
        degrees: iterable of candidate degrees.

    Returns:
        The chosen degree, one of ``degrees``.
    """
    ### BEGIN SOLUTION
    t_val = np.asarray(t_val, dtype=np.float64)
    scored = [
        (rms_error(predict(x_val, fit_polynomial(x_train, t_train, M)), t_val), M)
        for M in degrees
    ]
    return min(scored)[1]
    ### END SOLUTION
