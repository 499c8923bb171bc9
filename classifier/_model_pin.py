"""SHA-256 of the bundled model, pinned in code: a model file is code when loaded."""

MODEL_SHA256 = "4e65c74d30eaadd9dd08969387c22790671c3ba890713a30ceeafcfd2809fede"
