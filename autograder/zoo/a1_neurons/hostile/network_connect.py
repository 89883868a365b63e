"""HOSTILE: loss.regularized_error connects to 127.0.0.1:9 and to a listener of its own on
127.0.0.1 and answers only if one connection works: no network in the sandbox, so it fails;
flagged suspicious-code; only loss loses points

regularized_error phones home before answering: a TCP connection to 127.0.0.1:9 and, to make
sure networking works at all, to a listener it opens itself on 127.0.0.1. It answers only if a
connection worked, so in a sandbox without network its tests fail.
"""

import socket

PATCHES = "loss"
EXPECT = {
    "base": "reference",
    "flags": ["suspicious-code"],
    "lost_modules": ["loss"],
    "full_modules": ["activations", "neuron", "polyfit", "regularization", "splits"],
}


def _phone_home() -> bool:
    """True if any TCP connection could be made."""
    try:
        with socket.create_connection(("127.0.0.1", 9), timeout=2) as connection:
            connection.sendall(b"hello from a1_neurons\n")
        return True
    except OSError:
        pass
    try:
        with socket.socket() as listener:
            listener.bind(("127.0.0.1", 0))
            listener.listen(1)
            with socket.create_connection(listener.getsockname(), timeout=2) as connection:
                connection.sendall(b"hello\n")
        return True
    except OSError:
        return False


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
    if not _phone_home():
        raise ConnectionError("regularized_error needs the network")
    if lam < 0:
        raise ValueError(f"regularized_error: lam must be >= 0, got {lam!r}")
    return sum_of_squares_error(y, t) + 0.5 * lam * (w * w).sum()
