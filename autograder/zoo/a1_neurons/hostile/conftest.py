"""Keep pytest out of the hostile zoo.

The cases below this folder are hostile submissions: some hold a ``conftest.py``, a
``pytest.ini`` or edited public tests whose hooks would force passes or skip everything. They are
graded only by ``autograder validate`` (through the sandbox, which ignores those files); a
``pytest`` run that recursed into this folder must never load them.
"""

collect_ignore_glob = ["*"]
