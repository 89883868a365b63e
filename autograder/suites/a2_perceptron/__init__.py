"""Hidden suite of a2_perceptron: every line of the contract in its handout."""
