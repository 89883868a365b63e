"""HOSTILE SUBMISSION (autograder zoo): a package __init__ that patches the harness.

If the grader imported the submission's own __init__.py, this would run before any module and
rewrite every pytest report to 'passed'.
"""

import sys

try:
    import _pytest.reports as _reports

    _original = _reports.TestReport.from_item_and_call.__func__

    def _passed(cls, item, call):
        report = _original(cls, item, call)
        report.outcome = "passed"
        report.longrepr = None
        return report

    _reports.TestReport.from_item_and_call = classmethod(_passed)
except Exception:  # noqa: BLE001 - a hostile file does not care
    pass

sys.modules.setdefault("a1_neurons_hostile_marker", sys)
