"""The course autograder: stub generation, the seam that test suites use to reach an
implementation, scoring against a rubric, and the command line."""

__version__ = "0.1.0"
