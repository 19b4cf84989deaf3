"""The hostile-input corpus: hand-written files under handwritten/ and generated cases."""
