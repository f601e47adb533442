"""Audio capture, decoding and the one conversion path to Whisper's 16 kHz mono contract.

Knows nothing of Qt or models: it turns whatever a device or file produces into
contract audio, and checks that contract.
"""
