"""A1 — Artificial Neural Networks, Part I.

The grader imports each module of this package on its own (``a1_neurons.activations``,
``a1_neurons.polyfit``, ...), so a mistake in one file costs only the tests of that file: the
course's grader runs each file's tests with the reference standing in for the files it imports
(your own ``autograder grade`` has no reference, so there a mistake also fails the tests of the
files that import it). Do not import the modules here.
"""
