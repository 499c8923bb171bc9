"""SHA-256 of the bundled model, pinned in code: a model file is code when loaded."""

MODEL_SHA256 = "0ca8b059495a63f1d15a878e13bc70d8425ec22531e5d6a1f870070bb918ec42"
