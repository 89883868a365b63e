"""Hidden suite of a1_neurons: every line of the contract (the handout and the docstrings of
solutions/a1_neurons/)."""
