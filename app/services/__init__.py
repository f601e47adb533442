"""Qt-free work shared by the CLI, the window and the benchmarks: the file pipeline, the live session,
model loading, background tasks, exports and autosave. Imports inference and audio, never Qt."""
