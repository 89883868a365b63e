"""The notebook part of an assignment (its notebook), from source to points, with nbgrader.

* ``generate_student_notebook``: the student's notebook from the source notebook in
  ``solutions/<assignment>/`` (``nbgrader generate_assignment``: solutions and hidden tests out);
  ``stubs.py`` writes it to ``assignments/<assignment>/`` next to the stub modules.
* ``grade_notebook``: ``nbgrader autograde`` of a submitted notebook in a private course
  directory of the grader's. nbgrader restores the check cells (hidden tests included) from the
  source, then our ``ConfinedExecute`` replaces nbgrader's ``Execute``: the notebook runs in a
  process that confines itself exactly like the module worker (``autograder.confine``: namespaces,
  its own root, an unprivileged uid, resource limits) and whose kernel is its child, so student
  code never runs in the grader. Only the cells' outputs come back, as JSON; nbgrader scores
  them into its gradebook, and we read the points from there.
* ``Notebooks``: a class's notebooks graded in threads beside the module tests.
* ``merge``: the part's points into the grade's ``Outcome``: checked cells become tests (module
  ``notebook``), written answers are listed as pending (graded by hand, not in ``score``).
"""

from autograder.notebook.feedback import (
    MODULE,
    NO_NOTEBOOK,
    NotebookPart,
    failure_message,
    merge,
    notebook_flags,
)
from autograder.notebook.grade import RestoreCellMetadata, grade_notebook, grade_submission
from autograder.notebook.kernel import ConfinedExecute
from autograder.notebook.source import (
    HIDDEN_MARK,
    GradedCell,
    generate_student_notebook,
    graded_cells,
    normalise,
    source_metadata,
    source_notebook,
    student_notebook_is_current,
)
from autograder.notebook.threads import Notebooks

__all__ = [
    "HIDDEN_MARK", "MODULE", "NO_NOTEBOOK", "ConfinedExecute", "GradedCell", "NotebookPart",
    "Notebooks",
    "RestoreCellMetadata", "failure_message", "generate_student_notebook", "grade_notebook",
    "grade_submission", "graded_cells", "merge", "normalise", "notebook_flags",
    "source_metadata", "source_notebook", "student_notebook_is_current",
]
