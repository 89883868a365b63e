"""Hidden suite of a1_neurons: every line of the contract in shared/spec/a1_neurons.md."""
