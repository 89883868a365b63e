"""HOSTILE: activations.py lacks relu_grad: only the tests that need it fail, every other module
keeps full points

relu_grad is missing (the student deleted it). Only the tests that call relu_grad may fail, with
a message that says it is missing; every other function keeps its points.
"""
PATCHES = "activations"
EXPECT = {
    "base": "reference",
    "flags": [],
    "min_score": 90,
    "lost_modules": ["activations"],
    "full_modules": ["neuron", "loss", "polyfit", "regularization", "splits"],
}
REMOVES = ["relu_grad"]


