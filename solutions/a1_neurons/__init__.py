"""A1 — Artificial Neural Networks, Part I.

The grader imports each module of this package on its own (``a1_neurons.activations``,
``a1_neurons.polyfit``, ...), so a mistake in one file costs only the tests of that file and of
the files that import it. Do not import the modules here.
"""
