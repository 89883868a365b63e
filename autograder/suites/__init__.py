"""Hidden test suites, one package per assignment. Never shipped to students."""
