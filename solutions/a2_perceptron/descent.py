"""Learning the weights of the linear neuron y = w·x + b by gradient descent on the mean squared
error: standardized inputs, the error and its gradient by hand, a numerical check, and the
descent itself (torch).

Conventions of every function here:

* ``X`` holds N examples in its rows and D ≥ 1 features in its columns: shape (N, D), floating
  point (float32 or float64; the tests use both). ``t`` holds the N targets, shape (N,); ``w`` the D
  weights, shape (D,); the bias ``b`` is a 0-d tensor or a Python number.
* Every tensor of one call has X's dtype and device; every result does too.
* No input is changed in place: compute new tensors (``w = w - lr * grad_w``, never
  ``w -= ...``).
* Shapes are never broadcast into fitting: a t of shape (N, 1) against predictions of shape
  (N,) would silently give an (N, N) residual, so mismatched shapes raise ``ValueError``.
* This file computes; it does not solve. Closed-form solvers (``torch.linalg.lstsq``,
  ``solve``, ``inv``, ``pinv``, ``torch.inverse``, Cholesky/LU/triangular solves, SVD and
  eigendecompositions), autograd (``Tensor.backward``, ``torch.autograd.grad``) and numpy round
  trips (``.numpy()``) are refused while these functions run.
"""

import torch


### BEGIN SOLUTION
def _check_regression_inputs(X, t, w, b, function: str) -> None:
    """Raise ValueError unless X (N, D) with N >= 1, t (N,), w (D,) and b 0-d or a number."""
    if X.dim() != 2:
        raise ValueError(f"{function}: X must have shape (N, D), got {tuple(X.shape)}")
    n, d = X.shape
    if n == 0:
        raise ValueError(f"{function}: X has no examples (N = 0); the mean over no examples "
                         "is undefined")
    if tuple(t.shape) != (n,):
        raise ValueError(f"{function}: t has shape {tuple(t.shape)}, expected ({n},) for X of "
                         f"shape {tuple(X.shape)} (an (N, 1) column would broadcast silently)")
    if tuple(w.shape) != (d,):
        raise ValueError(f"{function}: w has shape {tuple(w.shape)}, expected ({d},) for X of "
                         f"shape {tuple(X.shape)}")
    if isinstance(b, torch.Tensor) and b.dim() != 0:
        raise ValueError(f"{function}: b must be a 0-d tensor or a Python number, got shape "
                         f"{tuple(b.shape)}")


### END SOLUTION
def standardize(X: torch.Tensor, mean=None, std=None):
    """Standardize every column of X to z-scores: Z = (X − mean) / std, column by column.

    Features on very different scales (years near 2000, areas in the thousands, a 0/1 flag)
    make the error surface a long narrow valley: one learning rate is too large for one weight
    and too small for another. After standardizing, every column of the training data has mean
    0 and standard deviation 1, and gradient descent converges with one learning rate.

    Compute mean and std on the training data only, and standardize the validation and test
    data with those same training statistics (pass them in): standardizing test data with its
    own statistics changes what a feature value means.

    Args:
        X: data, shape (N, D), floating point. Not changed.
        mean: the column means to subtract, shape (D,), or None to compute them from X:
            mean_j = 1/N Σₙ X[n, j].
        std: the column standard deviations to divide by, shape (D,), or None to compute them
            from X as the population standard deviation (divide by N, ``correction=0``):
            std_j = sqrt(1/N Σₙ (X[n, j] − mean_j)²). Give both mean and std, or neither.

    Returns:
        (Z, mean, std): Z of shape (N, D), a new tensor (never X itself or a view of it, also
        for N = 0), and the mean and std used, shape (D,) each (when given, the given ones,
        possibly the very same tensors). All in X's dtype, on X's device.

    Raises:
        ValueError, naming the column by its index j (as in ``X[:, j]``, counted from 0):
            - when the statistics are computed, for a column whose N values are all equal (its
              std is 0 in exact arithmetic: dividing by it gives inf or NaN). With N = 1 every
              column is such a column. Compare the values themselves, e.g.
              ``(X == X[0]).all(dim=0)``: a computed std can keep a rounding residue there
              (``torch.std`` of the float64 column (0.1, 0.1, 0.1) is about 1e-17, and so is
              the formula written out from ``X.mean``). With several such columns, name the
              first.
            - when std is given, for an entry that is not > 0.
        ValueError also if X is not 2-d, if exactly one of mean and std is given, if a given
        mean or std does not have shape (D,), or if the statistics are to be computed from
        N = 0 examples. With given statistics N = 0 is fine (Z has shape (0, D)), and so is
        N = 1 (one test example, standardized with the training statistics).
    """
    ### BEGIN SOLUTION
    if X.dim() != 2:
        raise ValueError(f"standardize: X must have shape (N, D), got {tuple(X.shape)}")
    if (mean is None) != (std is None):
        raise ValueError("standardize: give both mean and std (e.g. the training statistics), "
                         "or neither")
    d = X.shape[1]
    if mean is None:
        if X.shape[0] == 0:
            raise ValueError("standardize: X has no examples (N = 0) to compute the column "
                             "statistics from")
        mean = X.mean(dim=0)
        std = X.std(dim=0, correction=0)
        constant = X.eq(X[0]).all(dim=0) | (std == 0)  # equal values, or a std that underflows
        if bool(constant.any()):
            column = int(constant.nonzero()[0, 0])
            raise ValueError(f"standardize: column {column} of X is constant (its standard "
                             "deviation is 0), so it cannot be standardized; drop it")
    else:
        if tuple(mean.shape) != (d,) or tuple(std.shape) != (d,):
            raise ValueError(f"standardize: mean and std must have shape ({d},) for X of shape "
                             f"{tuple(X.shape)}, got {tuple(mean.shape)} and {tuple(std.shape)}")
        not_positive = ~(std > 0)
        if bool(not_positive.any()):
            column = int(not_positive.nonzero()[0, 0])
            raise ValueError(f"standardize: the given std of column {column} is not positive; "
                             "a standard deviation to divide by must be > 0")
    return (X - mean) / std, mean, std
    ### END SOLUTION


def mse_loss(X: torch.Tensor, t: torch.Tensor, w: torch.Tensor, b) -> torch.Tensor:
    """The mean squared error of the linear neuron y = X w + b (the slide's E with a 1/N):

        E(w, b) = 1/(2N) Σₙ (w·xₙ + b − tₙ)²

    The 1/N makes E an average, comparable between data sets of different sizes; the ½
    cancels the 2 of the derivative.

    Args:
        X: inputs, shape (N, D) with N ≥ 1.
        t: targets, shape (N,) exactly (an (N, 1) column is an error, never broadcast).
        w: weights, shape (D,).
        b: bias, a 0-d tensor or a Python number (int or float).

    Returns:
        E as a 0-d tensor in X's dtype on X's device, computed with differentiable tensor
        operations: autograd can differentiate it with respect to w and b (and X, t). It works
        on any device without reading tensor values (no ``.item()``, no Python loops over
        examples).

    Raises:
        ValueError: if X is not 2-d, N = 0 (the mean of nothing), t does not have shape (N,),
            w does not have shape (D,), or b is a tensor that is not 0-d.
    """
    ### BEGIN SOLUTION
    _check_regression_inputs(X, t, w, b, "mse_loss")
    residual = X @ w + b - t
    return (residual * residual).mean() / 2
    ### END SOLUTION


def mse_gradient(X: torch.Tensor, t: torch.Tensor, w: torch.Tensor, b):
    """The gradient of E(w, b) = 1/(2N) Σₙ (w·xₙ + b − tₙ)², derived and computed by hand.

    With the predictions y = X w + b (shape (N,)) and the residuals r = y − t:

        ∂E/∂w = 1/N Xᵀ (y − t)        (shape (D,))
        ∂E/∂b = 1/N Σₙ (yₙ − tₙ)      (0-d)

    The gradient points uphill; gradient descent steps against it. No autograd here: the point
    is the formula (``Tensor.backward`` and ``torch.autograd.grad`` are refused), so it must
    also work under ``torch.no_grad()`` and for tensors that do not require grad.

    Args:
        X, t, w, b: as in ``mse_loss``.

    Returns:
        (grad_w, grad_b): shapes (D,) and () (a 0-d tensor also when b is a Python number), in
        X's dtype on X's device. Like ``mse_loss`` it works on any device without reading
        tensor values.

    Raises:
        ValueError: in the cases of ``mse_loss`` (shapes that do not fit, N = 0).
    """
    ### BEGIN SOLUTION
    _check_regression_inputs(X, t, w, b, "mse_gradient")
    residual = X @ w + b - t
    return X.T @ residual / X.shape[0], residual.mean()
    ### END SOLUTION


def numerical_gradient(X: torch.Tensor, t: torch.Tensor, w: torch.Tensor, b, eps: float = 1e-6):
    """The gradient of ``mse_loss`` by central differences, to check ``mse_gradient``.

    For each weight w_i (e_i the i-th unit vector) and for the bias:

        ∂E/∂w_i ≈ (E(w + eps e_i, b) − E(w − eps e_i, b)) / (2 eps)
        ∂E/∂b   ≈ (E(w, b + eps) − E(w, b − eps)) / (2 eps)

    with E computed by ``mse_loss``: 2D + 2 evaluations of E. The central difference is off by
    O(eps²) (one-sided differences by O(eps)); for this E, quadratic in every coordinate, it is
    exact up to rounding, for any eps.

    Run it in float64. The two values of E agree in most of their leading digits and the
    subtraction cancels them: what is left is about eps·|∂E/∂w_i| against a rounding error
    of about (machine epsilon)·E in each value. float32 keeps about 7 significant digits, so
    with eps = 1e-6 the difference is mostly rounding noise (errors of a few percent of E);
    float64 keeps about 16 and leaves roughly 10 correct digits. Conversely an eps far below the
    resolution of w (eps = 1e-30 at w of order 1) leaves w ± eps equal to w and the difference
    exactly 0: eps is used exactly as given.

    Args:
        X, t, w, b: as in ``mse_loss``. Not changed (perturb copies).
        eps: the step, a Python number > 0 (a NaN or inf eps is not graded: raising
            ValueError for it, as here, is as right as computing with it).

    Returns:
        (grad_w, grad_b): shapes (D,) and (), in X's dtype on X's device, like
        ``mse_gradient``.

    Raises:
        ValueError: if eps ≤ 0 (and here for NaN), and in the cases of ``mse_loss``.
    """
    ### BEGIN SOLUTION
    if not eps > 0:
        raise ValueError(f"numerical_gradient: eps must be > 0, got {eps!r}")
    _check_regression_inputs(X, t, w, b, "numerical_gradient")
    with torch.no_grad():
        grad_w = []
        for i in range(w.shape[0]):
            step = torch.zeros_like(w)
            step[i] = eps
            grad_w.append(mse_loss(X, t, w + step, b) - mse_loss(X, t, w - step, b))
        grad_b = mse_loss(X, t, w, b + eps) - mse_loss(X, t, w, b - eps)
        return torch.stack(grad_w) / (2 * eps), grad_b / (2 * eps)
    ### END SOLUTION


def gradient_descent(X: torch.Tensor, t: torch.Tensor, lr: float = 0.1, steps: int = 100,
                     w0=None, b0=0.0):
    """Full-batch gradient descent on E(w, b) = 1/(2N) Σₙ (w·xₙ + b − tₙ)².

    Starting from (w0, b0), take ``steps`` steps, each with the gradient of ``mse_gradient``
    on all N examples:

        w ← w − lr ∂E/∂w,    b ← b − lr ∂E/∂b

    and record E (``mse_loss``) before the first step and after every step.

    The learning rate decides everything. E is quadratic, its Hessian (with respect to
    (w, b)) is H = 1/N AᵀA with A = [X, 1], and descent converges for every start exactly
    when lr < 2 / λ_max(H); the loss then falls at every step. Above 2 / λ_max the steps
    overshoot further each time and the loss grows, up to inf or NaN: that is a result for you
    to look at, not an error, so the function still takes every step and returns every loss.
    Standardized inputs (``standardize``) make λ_max small and the default lr = 0.1 safe.

    Args:
        X: inputs, shape (N, D) with N ≥ 1.
        t: targets, shape (N,).
        lr: the learning rate, a Python number > 0 (an int is fine). A NaN or inf lr is not
            graded: raising ValueError for NaN, as here, is as right as taking the steps.
        steps: the number of steps, an int ≥ 0.
        w0: the initial weights, shape (D,), or None for zeros. Never changed: the updates
            make new tensors.
        b0: the initial bias, a Python number or a 0-d tensor.

    Returns:
        (w, b, losses):
            - w: the weights after ``steps`` steps, shape (D,);
            - b: the bias after ``steps`` steps, always a 0-d tensor (b0 converted), also
              when steps = 0;
            - losses: a Python list of exactly steps + 1 Python floats: E(w0, b0), then E
              after each step.
        w and b in X's dtype on X's device. With steps = 0 the result is (w0, or zeros if w0
        is None, b0 as a 0-d tensor, [E(w0, b0)]); w and b may then be w0 and b0 themselves
        (not graded; the reference returns copies).

    Raises:
        ValueError: if lr ≤ 0 (and here for NaN) or steps < 0, also when steps = 0 (check
            before the loop), and in the cases of ``mse_loss`` (shapes of X, t, w0, b0 that
            do not fit, N = 0).
    """
    ### BEGIN SOLUTION
    if not lr > 0:
        raise ValueError(f"gradient_descent: the learning rate must be > 0, got {lr!r}")
    if steps < 0:
        raise ValueError(f"gradient_descent: steps must be >= 0, got {steps!r}")
    if X.dim() != 2:
        raise ValueError(f"gradient_descent: X must have shape (N, D), got {tuple(X.shape)}")
    # Copies: with steps = 0 no update makes new tensors, and as_tensor returns b0 itself.
    w = torch.zeros(X.shape[1], dtype=X.dtype, device=X.device) if w0 is None else w0.clone()
    b = torch.as_tensor(b0, dtype=X.dtype, device=X.device).clone()
    losses = [float(mse_loss(X, t, w, b))]
    for _ in range(steps):
        grad_w, grad_b = mse_gradient(X, t, w, b)
        w = w - lr * grad_w
        b = b - lr * grad_b
        losses.append(float(mse_loss(X, t, w, b)))
    return w, b, losses
    ### END SOLUTION
