"""HOSTILE SUBMISSION (autograder zoo): the public tests, edited to pass trivially."""

import pytest

pytestmark = pytest.mark.activations


def test_activations_match_torch():
    assert True
