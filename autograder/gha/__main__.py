"""``python -m autograder.gha STEP ...``: what the workflows run."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
