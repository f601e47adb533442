"""Models and transcription: resolve frozen Whisper weights, load them, run contract audio.

Knows nothing of Qt or audio devices; it accepts only `audio.contract.PcmAudio` that
passes the contract check (see `inference.boundary`).
"""
