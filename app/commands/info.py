"""`whisperdesk models` and `whisperdesk devices`: what can be used on this machine."""

from __future__ import annotations

import argparse

from app.commands.common import error
from app.services.units import MB
from audio.devices import list_input_devices
from inference.cuda_libs import preload_cuda_libraries
from inference.loader import cuda_available
from inference.models import list_models


def register(subparsers: argparse._SubParsersAction) -> None:
    models = subparsers.add_parser("models", help="list available models, where they come from, their size")
    models.set_defaults(func=run_models)
    devices = subparsers.add_parser("devices", help="list input devices with their native rate and channels")
    devices.set_defaults(func=run_devices)


def run_models(args: argparse.Namespace) -> int:
    print(f"{'model':<10} {'status':<13} {'size':>9}  source / location")
    for row in list_models():
        size = f"{row.size_bytes / MB:.1f} MB" if row.size_bytes else "-"
        status = "available" if row.available else "not installed"
        print(f"{row.name:<10} {status:<13} {size:>9}  {row.source}: {row.detail}")
    print("any CTranslate2 model folder also works: --model /path/to/folder")
    print(gpu_line())
    return 0


def gpu_line() -> str:
    """Whether `--device auto` can use a GPU here, and where CUDA 12's libraries come from."""
    if not cuda_available():
        return "GPU: none visible to CTranslate2 (models run on the CPU, int8)"
    return f"GPU: CUDA visible; {preload_cuda_libraries().describe()} (auto checks it with a first encoder pass)"


def run_devices(args: argparse.Namespace) -> int:
    devices = list_input_devices()
    if not devices:
        error("no input devices found (no microphone, or the sound server is not running)")
        return 1
    for dev in devices:
        mark = "*" if dev.is_default else " "
        if not dev.source:  # a PortAudio device: --input takes its index or name
            print(f"{mark} {dev.index:3d}  {dev.name}  [{dev.host_api}]  {dev.sample_rate} Hz, {dev.channels} ch")
            continue
        kind = "monitor" if dev.is_monitor else "input"
        about = f"  {dev.description}" if dev.description and not dev.follows_default else ""
        spec = f"{dev.sample_rate} Hz, {dev.channels} ch, {dev.sample_format}"
        print(f"{mark} {dev.name}  [{dev.host_api}, {kind}]  {spec}{about}")
    if any(dev.source for dev in devices):
        print("record one with: whisperdesk live --input NAME (the system default when --input is not given)")
    return 0
