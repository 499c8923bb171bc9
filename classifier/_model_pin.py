"""SHA-256 of the bundled model, pinned in code: a model file is code when loaded."""

MODEL_SHA256 = "2c56b0f2bab9acee0ab6b79e018cfb0ce5f1199b531ea3b2607c18fbe3c49e9c"
