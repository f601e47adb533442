"""Qt-free work shared by the CLI, the window and the benchmarks: the file pipeline, the live session,
model loading, background tasks, exports, autosave and the dictation history. Imports inference and audio, never Qt."""
