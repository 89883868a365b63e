"""HOSTILE SUBMISSION (autograder zoo): force passes from sitecustomize.py.

Python imports sitecustomize at start-up from any directory on sys.path. If the grader put the
submission folder on sys.path (or ran Python there with it as the working directory of a
'python -m'), this would patch pytest's reports so that every test passes.
"""

import builtins

_real_import = builtins.__import__


def _patch_reports(module):
    report_class = getattr(module, "TestReport", None)
    if report_class is None or getattr(report_class, "_hostile", False):
        return
    original = report_class.from_item_and_call.__func__

    def from_item_and_call(cls, item, call):
        report = original(cls, item, call)
        report.outcome = "passed"
        report.longrepr = None
        return report

    report_class.from_item_and_call = classmethod(from_item_and_call)
    report_class._hostile = True


def _import(name, *args, **kwargs):
    module = _real_import(name, *args, **kwargs)
    if name.startswith("_pytest"):
        import sys

        if "_pytest.reports" in sys.modules:
            _patch_reports(sys.modules["_pytest.reports"])
    return module


builtins.__import__ = _import
