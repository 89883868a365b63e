"""ALT: perceptron_predict via (X * w).sum(-1) + b instead of a matrix product

Broadcasting w over the rows and summing the last dimension is the same weighted sum.
"""

PATCHES = "perceptron"


def perceptron_predict(X, w, b):
    if w.dim() != 1 or X.dim() not in (1, 2) or X.shape[-1] != w.shape[0]:
        raise ValueError(
            f"perceptron_predict: X of shape {tuple(X.shape)} does not fit w of shape "
            f"{tuple(w.shape)}"
        )
    return step((X * w).sum(dim=-1) + b)
