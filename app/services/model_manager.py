"""One shared model for the whole app: the live and files views ask for the same settings
and get the same instance; asking for other settings frees the old model first.

Qt-free and thread-safe, so background workers call `get` directly.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from dataclasses import dataclass

from inference.loader import LoadedModel, load_model, pick_device
from inference.models import DEFAULT_MODEL


@dataclass(frozen=True)
class ModelSpec:
    """Which model to run and where: `compute_type` None means the device's default."""

    name: str = DEFAULT_MODEL
    device: str = "auto"
    compute_type: str | None = None

    def resolved(self) -> ModelSpec:
        """The same spec with `auto` and the default compute type made explicit (raises ValueError)."""
        device, compute_type = pick_device(self.device, self.compute_type)
        return ModelSpec(self.name, device, compute_type)


Loader = Callable[..., LoadedModel]


class ModelManager:
    """Holds at most one loaded model; `get` loads on first use and reuses it while the spec matches."""

    def __init__(self, loader: Loader = load_model) -> None:
        self._loader = loader
        self._lock = threading.Lock()
        self._key: ModelSpec | None = None
        self._loaded: LoadedModel | None = None

    def get(self, spec: ModelSpec) -> LoadedModel:
        """The model for `spec`, loading it (and dropping a different one) when needed.

        Blocks while another thread loads; raises ModelNotFoundError, ModelIntegrityError or
        ValueError (bad device or compute type) with a message fit for the user.
        """
        key = spec.resolved()
        with self._lock:
            if self._loaded is not None and self._key == key:
                return self._loaded
            self._drop()
            loaded = self._loader(key.name, device=key.device, compute_type=key.compute_type)
            self._key, self._loaded = key, loaded
            return loaded

    def current(self) -> LoadedModel | None:
        """The loaded model, if any (never loads)."""
        with self._lock:
            return self._loaded

    def release(self) -> None:
        """Forget the loaded model so its memory is freed once running jobs let go of it."""
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        self._key, self._loaded = None, None
        gc.collect()  # CTranslate2 frees weights when the WhisperModel is collected
