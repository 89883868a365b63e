"""A2 — Learning the weights: the perceptron rule and gradient descent.

The grader imports each module of this package on its own (``a2_perceptron.perceptron``,
``a2_perceptron.descent``), so a mistake in one file costs only the tests of that file. Do not
import the modules here.
"""
