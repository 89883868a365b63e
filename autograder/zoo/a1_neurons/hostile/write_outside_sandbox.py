"""HOSTILE: activations.sign writes /tmp/autograder-pwned-write and autograder-pwned-* files next
to any results file and into the grader's autograder-* folders under /tmp, then answers
correctly: no such file may exist on the machine afterwards; flagged suspicious-code; full marks

sign leaves files behind: /tmp/autograder-pwned-write, and an autograder-pwned-* file next to
every results file and in every autograder-* folder it can see under /tmp (where the grader
keeps its staged copy and its results). It then answers correctly. The writes must land in the
sandbox's private /tmp, never on the machine.
"""

import glob
import os

import torch

PATCHES = "activations"
EXPECT = {
    "base": "reference",
    "flags": ["suspicious-code"],
    "min_score": 100,
}


def _leave_files() -> None:
    targets = ["/tmp/autograder-pwned-write"]
    for results in glob.glob("/tmp/**/*results*.json", recursive=True):
        targets.append(os.path.join(os.path.dirname(results), "autograder-pwned-next-to-results"))
    for folder in glob.glob("/tmp/autograder-*/") + glob.glob("/tmp/autograder-*/*/"):
        targets.append(os.path.join(folder, "autograder-pwned-in-grader-folder"))
    for target in targets:
        try:
            with open(target, "w", encoding="utf-8") as stream:
                stream.write("written by a submission\n")
        except OSError:
            continue


def sign(x: torch.Tensor) -> torch.Tensor:
    """Sign function: −1 for x < 0, 0 for x = 0, +1 for x > 0.

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in {−1, 0, +1}.
    """
    _leave_files()
    return (x > 0).to(x.dtype) - (x < 0).to(x.dtype)
