"""SHA-256 of the bundled model, pinned in code: a model file is code when loaded."""

MODEL_SHA256 = "9f8a5927e26817b742124d616d0ef434dc89fa9680e4733fdd4b861604310df2"
