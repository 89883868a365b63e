"""Budgets that charge the culprit: the time one student function, and one module's tests, may
spend in the sandbox, and the strikes (hangs, crashes, memory errors) after which a call is not
made again. Fresh for each module's tests, like its worker (``proxy.start_group``).

A call that is passed student functions (neuron_forward(activation=tanh)) is charged to those
and to a budget of its own, not to the function called or the module's budget: a slow tanh
costs tanh's tests and the tests that pass tanh in, and nothing else. A spent budget fails the
calls that follow at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

STRIKES = 2  # timeouts (crashes, memory errors) after which a function is not called again
STRIKE_WORDS = {
    "hang": "did not finish within {timeout:g} s on {n} earlier calls; not called again",
    "crash": "killed the submission's process on {n} earlier calls; not called again",
    "memory": "ran out of memory on {n} earlier calls; not called again",
}


@dataclass
class Budgets:
    function_budget: float = float("inf")
    module_budget: float = float("inf")
    strikes: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, call key)
    spent: dict[str, float] = field(default_factory=dict)  # seconds, by student function
    group_spent: dict[str, float] = field(default_factory=lambda: {"own": 0.0, "passed": 0.0})
    exhausted: set[str] = field(default_factory=set)
    charges: dict[str, tuple[tuple[str, ...], str]] = field(default_factory=dict)  # who pays
    told: set[str] = field(default_factory=set)  # budget messages already recorded as events

    def reset(self) -> None:
        """Fresh budgets and strikes for the next module's tests."""
        fresh = Budgets(self.function_budget, self.module_budget)
        self.__dict__.update({k: v for k, v in fresh.__dict__.items() if k != "charges"})

    def charge(self, key: str, function: str, culprits: tuple[str, ...]) -> None:
        """Calls of ``key`` are paid by the student functions passed in (``culprits``), or by
        ``function`` itself."""
        self.charges[key] = (culprits, "passed") if culprits else ((function,), "own")

    def payers(self, key: str) -> tuple[tuple[str, ...], str]:
        return self.charges.get(key, ((key,), "own"))

    def strike(self, kind: str, key: str) -> None:
        self.strikes[(kind, key)] = self.strikes.get((kind, key), 0) + 1

    def struck_out(self, key: str, timeout: float) -> tuple[str, str] | None:
        """(kind, why) if ``key`` has had its strikes of some kind, else None."""
        for kind, words in STRIKE_WORDS.items():
            if self.strikes.get((kind, key), 0) >= STRIKES:
                return kind, f"{key} " + words.format(timeout=timeout, n=STRIKES)
        return None

    def left(self, payers: tuple[str, ...], group: str, tests: str) -> tuple[float, str]:
        """Seconds the next call may take before a budget runs out, and what that says
        (``tests``: whose tests these are, "the tests of neuron.py")."""
        left = {f"{name} used its {self.function_budget:g} s time budget":
                self.function_budget - self.spent.get(name, 0.0) - (name in self.exhausted)
                * self.function_budget for name in payers}
        whose = tests if group == "own" else f"the functions passed in by {tests}"
        left[f"{whose} used their {self.module_budget:g} s time budget"] = (
            self.module_budget - self.group_spent[group])
        message = min(left, key=left.get)
        return left[message], message

    def spend(self, payers: tuple[str, ...], group: str, seconds: float) -> None:
        for name in payers:
            self.spent[name] = self.spent.get(name, 0.0) + seconds
        self.group_spent[group] += seconds

    def exhaust(self, payers: tuple[str, ...]) -> None:
        """The call that spent a budget was stopped: its payers that reached their budget are
        spent for good (rounding must not give them another call)."""
        for name in payers:
            if self.spent.get(name, 0.0) >= self.function_budget - 1e-3:
                self.exhausted.add(name)
