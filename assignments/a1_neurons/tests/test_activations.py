"""Public tests of activations.py: values against torch's own functions (the oracle), shapes and
dtypes, and the edge cases every activation function has to survive.

The oracles below may use torch.sigmoid, torch.nn.functional and friends: the tests are allowed
to, your activations.py is not.
"""

import pytest
import torch
import torch.nn.functional as F

pytestmark = pytest.mark.activations

# (function name, keyword arguments, oracle computing the same function in float64)
VALUE_CASES = [
    pytest.param("sign", {}, torch.sign, id="sign"),
    pytest.param("heaviside", {}, lambda x: torch.heaviside(x, torch.ones_like(x)), id="heaviside"),
    pytest.param("logistic", {}, torch.sigmoid, id="logistic"),
    pytest.param("tanh", {}, torch.tanh, id="tanh"),
    pytest.param("relu", {}, torch.relu, id="relu"),
    pytest.param("leaky_relu", {}, F.leaky_relu, id="leaky_relu"),
    pytest.param(
        "leaky_relu", {"negative_slope": 0.2}, lambda x: F.leaky_relu(x, 0.2), id="leaky_relu-0.2"
    ),
    pytest.param("silu", {}, F.silu, id="silu"),
    pytest.param("softplus", {}, F.softplus, id="softplus"),
    pytest.param("softplus", {"beta": 2.0}, lambda x: F.softplus(x, beta=2.0), id="softplus-beta2"),
]

ALL_FUNCTIONS = [
    "sign", "heaviside", "logistic", "tanh", "relu", "leaky_relu", "prelu", "silu", "softplus",
    "logistic_grad", "tanh_grad", "relu_grad",
]


def call_activation(a1, name, x):
    """Call activation ``name`` on x (prelu gets a 0-d slope of x's dtype)."""
    function = getattr(a1.activations, name)
    if name == "prelu":
        return function(x, torch.tensor(0.25, dtype=x.dtype))
    return function(x)


def sample_inputs(torch_gen):
    # A grid through 0 (step 0.5) plus random values.
    grid = torch.linspace(-8.0, 8.0, 33, dtype=torch.float64)
    return torch.cat([grid, 4 * torch.randn(16, generator=torch_gen, dtype=torch.float64)])


@pytest.mark.parametrize("name, kwargs, oracle", VALUE_CASES)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=str)
def test_activations_match_torch(a1, torch_gen, name, kwargs, oracle, dtype):
    x = sample_inputs(torch_gen).to(dtype)
    y = getattr(a1.activations, name)(x, **kwargs)
    # The accuracy bar: within assert_close's default tolerances for x's dtype, measured
    # against the float64 oracle.
    expected = oracle(x.double()).to(dtype)
    torch.testing.assert_close(
        y, expected, msg=lambda m: f"{name}{kwargs or ''} on {dtype} input is wrong:\n{m}"
    )


@pytest.mark.parametrize("name", ALL_FUNCTIONS)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=str)
def test_activations_keep_shape_and_dtype_and_input(a1, torch_gen, name, dtype):
    for shape in [(), (0,), (2, 3)]:
        x = torch.randn(shape, generator=torch_gen, dtype=torch.float64).to(dtype)
        before = x.clone()
        y = call_activation(a1, name, x)
        assert isinstance(y, torch.Tensor), f"{name} must return a torch.Tensor, got {type(y)}"
        assert y.shape == x.shape, f"{name}: input of shape {tuple(x.shape)} gave {tuple(y.shape)}"
        assert y.dtype == x.dtype, f"{name}: input of dtype {x.dtype} gave {y.dtype}"
        assert torch.equal(x, before), f"{name} changed its input in place"


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=str)
def test_activations_stay_finite_at_extremes(a1, dtype):
    x = torch.tensor([-1000.0, -100.0, -1.0, 0.0, 1.0, 100.0, 1000.0], dtype=dtype)
    oracles = {"logistic": torch.sigmoid, "tanh": torch.tanh, "silu": F.silu,
               # threshold: let the oracle use log1p(exp) up to float64's overflow limit
               "softplus": lambda z: F.softplus(z, threshold=700.0)}
    for name, oracle in oracles.items():
        y = getattr(a1.activations, name)(x)
        assert torch.isfinite(y).all(), (
            f"{name}({x.tolist()}) = {y.tolist()} contains NaN or inf: an exp() overflows; "
            "only ever exponentiate −|x|"
        )
        torch.testing.assert_close(
            y, oracle(x.double()).to(dtype), msg=lambda m, name=name: f"{name} at ±1000:\n{m}"
        )
    assert a1.activations.logistic(x)[3] == 0.5, "logistic(0) must be exactly 0.5"


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=str)
def test_gradients_stay_finite_at_extremes(a1, dtype):
    # The handout's warning: 1 / (1 + exp(−x)) gives the right values at x = −1000 but its
    # gradient is inf / inf = NaN there, and NaN gradients wreck training. Autograd
    # differentiates exactly what you wrote, so the gradient must be finite too.
    x = torch.tensor([-1000.0, -100.0, -30.0, -1.0, 0.0, 1.0, 30.0, 100.0, 1000.0], dtype=dtype)
    oracles = {"logistic": torch.sigmoid, "tanh": torch.tanh, "silu": F.silu,
               "softplus": lambda z: F.softplus(z, threshold=700.0)}
    for name, oracle in oracles.items():
        _, (grad,) = a1.value_and_grad(getattr(a1.activations, name), x.clone().requires_grad_())
        assert grad is not None and torch.isfinite(grad).all(), (
            f"the gradient of {name} at {x.tolist()} is {grad if grad is None else grad.tolist()}"
            ": NaN or inf where x is large. Some step overflows (exp of a large number) even "
            "if the value comes out right: only ever exponentiate −|x|, and pick the branch "
            "with torch.where on values that are finite on both sides"
        )
        x_oracle = x.double().requires_grad_()
        (expected,) = torch.autograd.grad(oracle(x_oracle).sum(), x_oracle)
        away = x != 0  # the contract grades gradient values away from exactly 0 (an abs() there)
        torch.testing.assert_close(grad[away], expected.to(dtype)[away],
                                   msg=lambda m, name=name: f"d {name}/dx at large |x|:\n{m}")


def test_step_functions_at_zero(a1):
    x = torch.tensor([-2.0, -0.0, 0.0, 3.0], dtype=torch.float64)
    # heaviside: 1 at 0, as on the lecture slide (and −0.0 ≥ 0 is true as well).
    cases = [("heaviside", [0.0, 1.0, 1.0, 1.0]),
             ("sign", [-1.0, 0.0, 0.0, 1.0]),
             ("relu_grad", [0.0, 0.0, 0.0, 1.0])]  # the lecture's choice: 0 at x = 0
    for name, expected in cases:
        y = getattr(a1.activations, name)(x)
        assert y.tolist() == expected, f"{name}({x.tolist()}) gave {y.tolist()}, want {expected}"


@pytest.mark.parametrize(
    "name, torch_function",
    [("logistic_grad", torch.sigmoid), ("tanh_grad", torch.tanh), ("relu_grad", torch.relu)],
)
def test_explicit_derivatives_match_autograd(a1, torch_gen, name, torch_function):
    x = sample_inputs(torch_gen)
    dy = getattr(a1.activations, name)(x)
    # Oracle: let autograd differentiate torch's own function.
    x_oracle = x.clone().requires_grad_(True)
    (expected,) = torch.autograd.grad(torch_function(x_oracle).sum(), x_oracle)
    torch.testing.assert_close(dy, expected, msg=lambda m: f"{name} is wrong:\n{m}")


def test_prelu_per_feature_slope_and_gradients(a1, torch_gen):
    x = torch.randn(5, 3, generator=torch_gen, dtype=torch.float64).requires_grad_(True)
    a = torch.tensor([0.1, 0.2, 0.3], dtype=torch.float64, requires_grad=True)  # one per column
    # value_and_grad: y = prelu(x, a) and the gradients of y.sum() w.r.t. x and a.
    y, (grad_x, grad_a) = a1.value_and_grad(a1.activations.prelu, x, a)
    with torch.no_grad():
        negative = x < 0
        expected_y = torch.where(negative, a * x, x)
        expected_grad_x = torch.where(negative, a.expand_as(x), torch.ones_like(x))
        expected_grad_a = torch.where(negative, x, torch.zeros_like(x)).sum(dim=0)
    torch.testing.assert_close(y, expected_y, msg=lambda m: f"prelu values:\n{m}")
    assert grad_x is not None and grad_a is not None, "prelu: gradients must reach both x and a"
    torch.testing.assert_close(grad_x, expected_grad_x, msg=lambda m: f"prelu d/dx:\n{m}")
    torch.testing.assert_close(grad_a, expected_grad_a, msg=lambda m: f"prelu d/da:\n{m}")


@pytest.mark.parametrize("beta", [0.0, -1.0])
def test_softplus_rejects_nonpositive_beta(a1, beta):
    with pytest.raises(ValueError):
        a1.activations.softplus(torch.zeros(3), beta=beta)
