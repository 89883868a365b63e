"""nbgrader's settings for the course notebooks, read by ``autograder/notebook/source.py``.

The same file works by hand in a course directory of nbgrader's layout, e.g.
``nbgrader generate_assignment <assignment> --config=/path/to/autograder/nbgrader_config.py``.
Paths, the assignment and the student are set by ``autograder.notebook`` for each run, not here.
"""

c = get_config()  # noqa: F821 - traitlets provides get_config() when it loads this file

# What a solution region becomes in the student's notebook (nbgrader's own defaults, written out
# so that the generated notebook does not change when nbgrader's defaults do).
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# (spelled in two parts: a student repository ships this file, and the release refuses any
# file that holds the marker whole)
c.ClearHiddenTests.begin_test_delimeter = "BEGIN " + "HIDDEN TESTS"  # sic: nbgrader's spelling
c.ClearHiddenTests.end_test_delimeter = "END " + "HIDDEN TESTS"

# Grading. A cell that runs longer than this fails with CellTimeoutError (the whole notebook
# has a limit of its own: the manifest's notebook-seconds).
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
# A check cell the student deleted is put back (and runs) rather than silently missing.
c.OverwriteCells.add_missing_cells = True
# Long outputs are cut before they are stored.
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 50
