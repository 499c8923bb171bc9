"""SHA-256 of the bundled model, pinned in code: a model file is code when loaded."""

MODEL_SHA256 = "fa2f5d8e34c2979b88ffad6667d7eff970e62c30b07ba6e4841751668dc6f84a"
