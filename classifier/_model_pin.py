"""SHA-256 of the bundled model, pinned in code: a model file is code when loaded."""

MODEL_SHA256 = "a8d7b159904d5210b452cdaaf8e8e469eb16b375712057497846da272c22b170"
