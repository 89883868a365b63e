"""Independent oracles for the numpy half of the hidden suite: exact rational ridge regression,
float64 least squares through numpy's SVD, and the lecture's sine data.

Nothing here imports the reference solution; every result is computed another way.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np


def sine_data(rng: np.random.Generator, x, noise: float = 0.3):
    """The lecture's targets t = sin(2πx) + ε, ε ~ N(0, noise²), at the given inputs."""
    x = np.asarray(x, dtype=np.float64)
    return np.sin(2 * np.pi * x) + rng.normal(0.0, noise, size=x.shape)


def vandermonde(x, M: int) -> np.ndarray:
    """Φ[n, j] = xₙʲ in float64 (numpy's own increasing Vandermonde matrix)."""
    return np.vander(np.asarray(x, dtype=np.float64), M + 1, increasing=True)


def lstsq_fit(x, t, M: int) -> np.ndarray:
    """Minimum-norm least-squares polynomial weights from numpy's float64 lstsq."""
    w, *_ = np.linalg.lstsq(vandermonde(x, M), np.asarray(t, dtype=np.float64), rcond=None)
    return w


def pinv_fit(x, t, M: int) -> np.ndarray:
    """Minimum-norm least-squares weights through the pseudo-inverse Φ⁺ t."""
    return np.linalg.pinv(vandermonde(x, M)) @ np.asarray(t, dtype=np.float64)


def svd_ridge(x, t, M: int, lam: float) -> np.ndarray:
    """Ridge weights from the SVD filter factors sᵢ / (sᵢ² + λ), every weight penalised."""
    U, s, Vt = np.linalg.svd(vandermonde(x, M), full_matrices=False)
    return Vt.T @ (s / (s * s + lam) * (U.T @ np.asarray(t, dtype=np.float64)))


def poly_values(x, w) -> np.ndarray:
    """Σⱼ wⱼ xʲ element by element, each sum accumulated exactly (math.fsum) then rounded."""
    x = np.asarray(x, dtype=np.float64)
    w = [float(v) for v in np.asarray(w, dtype=np.float64)]
    flat = [math.fsum(c * float(v) ** j for j, c in enumerate(w)) for v in x.reshape(-1)]
    return np.array(flat, dtype=np.float64).reshape(x.shape)


def poly_scale(x, w) -> np.ndarray:
    """Σⱼ |wⱼ xʲ|: the size of the terms, which bounds the rounding error of any evaluation."""
    x = np.abs(np.asarray(x, dtype=np.float64))
    return poly_values(x, np.abs(np.asarray(w, dtype=np.float64)))


def rms(y, t) -> float:
    """sqrt(mean((y − t)²)) with the sum accumulated exactly."""
    residual = (np.asarray(y, dtype=np.float64) - np.asarray(t, dtype=np.float64)).reshape(-1)
    return math.sqrt(math.fsum(float(r) * float(r) for r in residual) / residual.size)


def _as_integers(values) -> tuple[list[int], int]:
    """Integers X and an exponent E with values[i] = X[i] / 2**E exactly."""
    fractions = [Fraction(float(v)) for v in values]
    exponent = max((f.denominator.bit_length() - 1 for f in fractions), default=0)
    return [f.numerator * (2**exponent // f.denominator) for f in fractions], exponent


def _solve_exactly(A: list[list[Fraction]], b: list[Fraction]) -> list[Fraction]:
    """Gaussian elimination with exact rationals (A is symmetric positive definite here)."""
    size = len(b)
    A = [row[:] for row in A]
    b = b[:]
    for col in range(size):
        pivot = next(r for r in range(col, size) if A[r][col] != 0)
        A[col], A[pivot] = A[pivot], A[col]
        b[col], b[pivot] = b[pivot], b[col]
        for row in range(col + 1, size):
            factor = A[row][col] / A[col][col]
            if factor:
                for k in range(col + 1, size):
                    A[row][k] -= factor * A[col][k]
                b[row] -= factor * b[col]
    w = [Fraction(0)] * size
    for row in reversed(range(size)):
        rest = b[row] - sum((A[row][k] * w[k] for k in range(row + 1, size)), Fraction(0))
        w[row] = rest / A[row][row]
    return w


def exact_ridge(x, t, M: int, lam: float) -> np.ndarray:
    """The exact minimiser of ½‖Φw − t‖² + (λ/2)‖w‖² (w₀ included) for the exact float inputs.

    Solves (ΦᵀΦ + λI) w = Φᵀt in rational arithmetic (x, t and λ are taken as the exact
    binary fractions they are) and rounds the answer once, to the nearest float64. λ = 0 needs
    Φ of full column rank.
    """
    X, x_exp = _as_integers(np.asarray(x, dtype=np.float64).reshape(-1))
    T, t_exp = _as_integers(np.asarray(t, dtype=np.float64).reshape(-1))
    size = M + 1
    power_sums, rhs = [], []
    powers = [1] * len(X)
    for k in range(2 * M + 1):  # Σₙ xₙᵏ, exactly
        power_sums.append(Fraction(sum(powers), 2 ** (x_exp * k)))
        powers = [p * v for p, v in zip(powers, X, strict=True)]
    powers = list(T)
    for k in range(size):  # Σₙ xₙᵏ tₙ, exactly
        rhs.append(Fraction(sum(powers), 2 ** (x_exp * k + t_exp)))
        powers = [p * v for p, v in zip(powers, X, strict=True)]
    lam_exact = Fraction(float(lam))
    A = [
        [power_sums[i + j] + (lam_exact if i == j else 0) for j in range(size)]
        for i in range(size)
    ]
    return np.array([float(v) for v in _solve_exactly(A, rhs)], dtype=np.float64)
