"""Loading a resolved model on the right device with the right quantization."""

from __future__ import annotations

from dataclasses import dataclass

import ctranslate2
import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.utils import download_model

from audio.errors import first_line
from inference.aligned_model import AlignedWhisperModel
from inference.cuda_libs import preload_cuda_libraries
from inference.decoder_threads import SplitWhisper, auto_decoder_threads, default_threads, split_for_cpu
from inference.errors import ModelLoadError
from inference.fingerprint import model_fingerprint
from inference.models import DEFAULT_MODEL, resolve_model

CPU_COMPUTE_TYPE = "int8"
CUDA_COMPUTE_TYPE = "int8_float16"


@dataclass(frozen=True)
class ModelInfo:
    """Which exact frozen artifact runs where: shown in the UI and stored with every result."""

    name: str
    path: str
    source: str
    sha256: str | None
    device: str
    compute_type: str
    multilingual: bool
    fallback: str | None = None  # why `auto` runs on the CPU although a GPU is visible
    threads: tuple[int, int] | None = None  # CPU threads (encoder, decoder); None on a GPU

    def describe(self) -> str:
        """'tiny.en int8 on cpu (2 encoder threads, 1 decoder thread)': what benchmarks name."""
        text = f"{self.name} {self.compute_type} on {self.device}"
        if self.threads:
            encoder, decoder = self.threads
            text += f" ({encoder} encoder thread{'s' * (encoder != 1)}, {decoder} decoder thread{'s' * (decoder != 1)})"
        return text


@dataclass(frozen=True)
class LoadedModel:
    """A loaded faster-whisper model and the facts about it."""

    model: WhisperModel
    info: ModelInfo


def cuda_available() -> bool:
    """True when CTranslate2 sees at least one CUDA device."""
    try:
        return ctranslate2.get_cuda_device_count() > 0
    except Exception:
        return False


def pick_device(device: str = "auto", compute_type: str | None = None) -> tuple[str, str]:
    """`auto` = CUDA (int8_float16) when a GPU is visible, else CPU (int8); explicit choices win."""
    if device not in {"auto", "cpu", "cuda"}:
        raise ValueError(f"device must be auto, cpu or cuda, not {device!r}")
    if device == "auto":
        device = "cuda" if cuda_available() else "cpu"
    elif device == "cuda" and not cuda_available():
        raise ValueError("device 'cuda' was asked for, but CTranslate2 sees no CUDA GPU")
    default = CUDA_COMPUTE_TYPE if device == "cuda" else CPU_COMPUTE_TYPE
    return device, compute_type or default


class CudaUnusableError(ValueError):
    """A GPU is visible but CTranslate2 cannot run on it (e.g. cuBLAS 12 is missing)."""


def check_cuda_runs(model: WhisperModel) -> None:
    """Run one encoder pass on zeros: CTranslate2 loads cuBLAS lazily, so a GPU that is visible
    but lacks the CUDA libraries the wheel was built for only fails at the first real call. The
    message says where CUDA 12's libraries came from (inference/cuda_libs.py), or why not."""
    features = np.zeros((1, model.model.n_mels, 3000), dtype=np.float32)
    try:
        model.model.encode(ctranslate2.StorageView.from_array(features), to_cpu=True)
    except RuntimeError as exc:
        first = first_line(exc)
        libraries = preload_cuda_libraries().describe()
        raise CudaUnusableError(f"CUDA GPU visible but unusable: {first} ({libraries})") from None


def load_model(
    name_or_path: str = DEFAULT_MODEL,
    device: str = "auto",
    compute_type: str | None = None,
    allow_download: bool = False,
    cpu_threads: int = 0,
    decoder_threads: int | None = None,
) -> LoadedModel:
    """Resolve, load and fingerprint a model; raises ModelNotFoundError with what to install.

    On the CPU, `cpu_threads` (0: CTranslate2's default) encode and `decoder_threads` decode, on a
    second copy of the weights when they differ (inference/decoder_threads.py); 0 decodes on the
    encoder's threads, one copy; None: 1 for models up to tiny, base and small's size, else 0.
    """
    if cpu_threads < 0 or (decoder_threads is not None and decoder_threads < 0):
        raise ValueError(f"thread counts cannot be negative: cpu {cpu_threads}, decoder {decoder_threads}")
    resolved = resolve_model(name_or_path, allow_download=allow_download)
    asked = device
    device, compute_type = pick_device(device, compute_type)

    def build(on: str, compute: str) -> WhisperModel:
        try:
            return AlignedWhisperModel(
                resolved.path, on, compute_type=compute, cpu_threads=cpu_threads, local_files_only=resolved.is_local
            )
        except RuntimeError as exc:  # CTranslate2's reader: a damaged or foreign model.bin
            raise ModelLoadError(f"cannot load the model in {resolved.path}: {first_line(exc)}") from None

    if device == "cuda":
        preload_cuda_libraries()  # the `cuda` extra's cuBLAS/cuDNN, before CTranslate2 looks for them
    model = build(device, compute_type)
    fallback = None
    if device == "cuda":
        try:
            check_cuda_runs(model)
        except CudaUnusableError as exc:
            if asked != "auto":
                raise
            del model
            fallback = f"{exc}; running on the CPU"
            device, compute_type = "cpu", CPU_COMPUTE_TYPE
            model = build(device, compute_type)
    threads = None
    if device == "cpu":
        encoder = cpu_threads or default_threads()
        folder = resolved.path if resolved.is_local else download_model(resolved.path, local_files_only=True)
        decoder = auto_decoder_threads(folder) if decoder_threads is None else decoder_threads
        model.model = split_for_cpu(model.model, folder, compute_type, encoder, decoder)
        threads = (encoder, decoder if isinstance(model.model, SplitWhisper) else encoder)
    sha = model_fingerprint(resolved.path) if resolved.is_local else None
    info = ModelInfo(
        name=resolved.name,
        path=resolved.path,
        source=resolved.source,
        sha256=sha,
        device=device,
        compute_type=compute_type,
        multilingual=bool(model.model.is_multilingual),
        fallback=fallback,
        threads=threads,
    )
    return LoadedModel(model, info)
