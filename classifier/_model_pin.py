"""SHA-256 of the bundled model, pinned in code: a model file is code when loaded."""

MODEL_SHA256 = "8dc3ad883b8393d03740c5d391ecd55c7d46aec1f7b3f1715f45a071f1f03e64"
