"""The seam: loading implementations, lazy per-module import errors, the forbidden-API guard."""

from pathlib import Path

import pytest
import torch

from autograder.assignment import load
from autograder.seam import ForbiddenAPIError, Implementation, ImplementationImportError

ROOT = Path(__file__).resolve().parent.parent
A1 = load("a1_neurons")
INIT = A1.init_file
REFERENCE = ROOT / "solutions" / "a1_neurons"


def make_impl(tmp_path, files: dict[str, str], fallback=True) -> Implementation:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    paths = [tmp_path, REFERENCE] if fallback else [tmp_path]
    return Implementation("t", paths, A1.modules, INIT)


def test_override_file_wins_and_the_rest_comes_from_the_fallback(tmp_path):
    impl = make_impl(tmp_path, {"activations.py": "def relu(x):\n    return x * 0 + 7\n"})
    assert impl.activations.relu(torch.zeros(2)).tolist() == [7.0, 7.0]
    x = torch.linspace(-1, 1, 5)
    assert torch.equal(impl.neuron.neuron_forward(x, torch.ones(5), 0.0), x.sum())


def test_two_implementations_do_not_share_modules(tmp_path):
    impl = make_impl(tmp_path, {"activations.py": "def relu(x):\n    return x * 0 + 7\n"})
    reference = Implementation("ref", [REFERENCE], A1.modules, INIT)
    assert reference.activations.relu(torch.tensor([-1.0])).item() == 0.0
    assert impl.activations.relu(torch.tensor([-1.0])).item() == 7.0


def test_syntax_error_costs_only_its_module_and_names_file_and_line(tmp_path):
    impl = make_impl(tmp_path, {"loss.py": "def f(:\n    pass\n"})
    with pytest.raises(ImplementationImportError, match=r"loss\.py.*line 1"):
        impl.module("loss")
    with pytest.raises(ImplementationImportError):  # reported again, not half-imported
        impl.module("loss")
    assert impl.activations.relu(torch.tensor([-2.0])).item() == 0.0


def test_a_null_byte_is_a_syntax_error_without_a_line(tmp_path):
    impl = make_impl(tmp_path, {"loss.py": 'X = "\x00"\n'})
    with pytest.raises(ImplementationImportError) as raised:
        impl.module("loss")
    assert str(raised.value) == ("loss.py cannot be imported: syntax error in loss.py: source "
                                 "code string cannot contain null bytes")


def test_error_at_import_time_names_the_student_file(tmp_path):
    impl = make_impl(tmp_path, {"neuron.py": "import torch\n\nx = 1 / 0\n"})
    with pytest.raises(ImplementationImportError, match=r"neuron\.py, line 3.*ZeroDivision"):
        impl.module("neuron")


@pytest.mark.parametrize(
    "body, api",
    [
        ("torch.sigmoid(x)", "sigmoid"),
        ("x.sigmoid()", "sigmoid"),
        ("torch.nn.functional.silu(x)", "silu"),
        ("torch.nn.Sigmoid()(x)", "sigmoid"),
        ("torch.ops.aten.tanh(x)", "tanh"),
        ("torch.special.expit(x)", "special_expit"),
        ("x.relu_()", "relu_"),
        ("torch.tensor(x.sum().item())", "item"),
        ("torch.nn.functional.pad(x, (1, 1))", "pad"),
    ],
)
def test_forbidden_torch_api_raises_whatever_the_route(tmp_path, body, api):
    source = f"import torch\n\n\ndef relu(x):\n    return {body}\n"
    impl = make_impl(tmp_path, {"activations.py": source})
    with pytest.raises(ForbiddenAPIError, match=rf"activations\.py calls torch's '{api}'"):
        impl.activations.relu(torch.ones(3))


def test_forbidden_linear_in_neuron_but_activations_may_use_elementary_ops(tmp_path):
    impl = make_impl(tmp_path, {"neuron.py": (
        "import torch\n\ndef layer_forward(x, W, b, activation=None):\n"
        "    return torch.nn.functional.linear(x, W, b)\n")})
    with pytest.raises(ForbiddenAPIError, match="linear"):
        impl.neuron.layer_forward(torch.ones(2, 3), torch.ones(4, 3), torch.ones(4))
    # the reference uses exp, where, expm1, log1p: all allowed
    x = torch.linspace(-3, 3, 7)
    impl.activations.softplus(x)
    impl.activations.tanh(x)


def test_guard_does_not_outlive_the_call(tmp_path):
    impl = make_impl(tmp_path, {})
    impl.activations.relu(torch.ones(2))
    assert torch.sigmoid(torch.zeros(1)).item() == 0.5  # the test's own code is unaffected


def test_value_and_grad_rejects_results_cut_from_autograd(tmp_path):
    impl = make_impl(tmp_path, {"activations.py": "def relu(x):\n    return x.detach() * 2\n"})
    x = torch.ones(3, requires_grad=True)
    with pytest.raises(AssertionError, match="not connected to autograd"):
        impl.value_and_grad(impl.activations.relu, x)
    reference = Implementation("r", [REFERENCE], A1.modules, INIT)
    _, (gx,) = impl.value_and_grad(reference.activations.relu, x)
    assert torch.equal(gx, torch.ones(3))
