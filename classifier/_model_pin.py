"""SHA-256 of the bundled model, pinned in code: a model file is code when loaded."""

MODEL_SHA256 = "74c261f0eefa88356a529ed5a48107f86bf13d40f16f9b737ff2dfa5782d7961"
