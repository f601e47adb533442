"""Transcription on an OpenAI-compatible server (`POST {base}/audio/transcriptions`).

The audio is converted here, as for local transcription, and sent as contract audio; the reply comes
back as the same Segment and Word values the local engine gives. Standard library HTTP only.
"""
