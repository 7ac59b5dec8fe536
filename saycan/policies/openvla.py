"""`OpenVLAPolicy`: an OpenVLA checkpoint from a local directory, in-process through transformers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from saycan.errors import ConfigError, choices_hint
from saycan.policies.base import OPENVLA_PROMPT

MODEL_KEYS = ("AutoModelForVision2Seq", "AutoModelForImageTextToText")  # OpenVLA's auto_map uses the first
DTYPES = ("auto", "bfloat16", "float16", "float32")


def check_code_version(root: Path, written_for: str | None) -> None:
    """Refuse a checkpoint whose own code targets another major transformers version than the installed one.

    OpenVLA's code was written for transformers 4.40 (config.json ``transformers_version``) and uses
    APIs that 5.x removed; it then fails deep inside its own modules. Such a checkpoint is served
    from an environment that has its version (OpenVLA's ``vla-scripts/deploy.py``), and planned
    with ``executor=openvla_server``.
    """
    import transformers

    installed = transformers.__version__
    if written_for and written_for.split(".")[0] != installed.split(".")[0]:
        raise ConfigError(
            f"{root}: its own model code was written for transformers {written_for}, and this environment has "
            f"{installed}, which cannot run it. Serve it from a venv with pip install transformers=={written_for} "
            "(OpenVLA's vla-scripts/deploy.py) and plan with executor=openvla_server executor.url=http://HOST:8000"
        )


class OpenVLAPolicy:
    """OpenVLA (or any checkpoint with its ``predict_action``) loaded as its authors run it.

    ``AutoProcessor`` + the checkpoint's vision-to-sequence model class, bfloat16 on CUDA,
    optional 8/4-bit weights through bitsandbytes on a GPU. OpenVLA ships its model code in the
    checkpoint (``auto_map`` in config.json): that code runs only when the user turns on
    ``trust_remote_code`` (``executor.trust_remote_code``).
    Nothing is downloaded (``local_files_only``).

    Args:
        path: Local checkpoint directory (e.g. a copy of openvla/openvla-7b).
        trust_remote_code: Run the checkpoint's own Python code.
        device: ``auto`` (CUDA if present, else CPU), ``cuda``, ``cuda:1``, ``cpu``.
        dtype: ``auto`` (bfloat16 on CUDA, float32 on CPU), ``bfloat16``, ``float16``, ``float32``.
        load_in_8bit, load_in_4bit: Quantised weights (needs bitsandbytes and a CUDA GPU).
    """

    def __init__(
        self,
        path: str,
        trust_remote_code: bool = False,
        device: str = "auto",
        dtype: str = "auto",
        load_in_8bit: bool = False,
        load_in_4bit: bool = False,
    ) -> None:
        import torch
        from transformers import AutoProcessor

        root = Path(str(path)).expanduser()
        if not (root / "config.json").is_file():
            raise ConfigError(f"executor.path {str(path)!r} is not a checkpoint directory (no config.json in it)")
        if dtype not in DTYPES:
            raise ConfigError(f"executor.dtype {dtype!r} is not one of {list(DTYPES)}")
        cuda = torch.cuda.is_available()
        self.device = ("cuda:0" if cuda else "cpu") if device == "auto" else device
        if self.device.startswith("cuda") and not cuda:
            raise ConfigError(f"executor.device={device!r} but torch sees no CUDA GPU; use device=cpu")
        self.dtype = getattr(torch, dtype if dtype != "auto" else ("bfloat16" if cuda else "float32"))
        quantization = self._quantization(load_in_8bit, load_in_4bit, cuda)
        config = json.loads((root / "config.json").read_text())
        auto_map = config.get("auto_map", {})
        if auto_map and not trust_remote_code:
            raise ConfigError(
                f"{root} ships its own model code (auto_map in config.json); OpenVLA checkpoints do. "
                "Set executor.trust_remote_code=true if you trust that code"
            )
        if auto_map:
            check_code_version(root, config.get("transformers_version"))
        self.processor = AutoProcessor.from_pretrained(root, trust_remote_code=trust_remote_code, local_files_only=True)
        model_cls = self._model_class(root, auto_map)
        kwargs = {"dtype": self.dtype, "low_cpu_mem_usage": True, "local_files_only": True}
        if quantization is not None:
            kwargs["quantization_config"] = quantization
        self.model = model_cls.from_pretrained(root, trust_remote_code=trust_remote_code, **kwargs)
        if quantization is None:
            self.model.to(self.device)
        self.model.eval()

    @staticmethod
    def _quantization(load_in_8bit: bool, load_in_4bit: bool, cuda: bool):
        if not (load_in_8bit or load_in_4bit):
            return None
        if load_in_8bit and load_in_4bit:
            raise ConfigError("set at most one of executor.load_in_8bit and executor.load_in_4bit")
        if not cuda:
            raise ConfigError("8/4-bit loading needs a CUDA GPU; on this machine set load_in_8bit/load_in_4bit=false")
        try:
            import bitsandbytes  # noqa: F401
        except ImportError:
            raise ConfigError("8/4-bit loading needs bitsandbytes: pip install bitsandbytes") from None
        from transformers import BitsAndBytesConfig

        return BitsAndBytesConfig(load_in_8bit=load_in_8bit, load_in_4bit=load_in_4bit)

    @staticmethod
    def _model_class(root: Path, auto_map: dict[str, str]):
        """The checkpoint's own class (from auto_map), else transformers' image-text-to-text auto class."""
        from transformers import AutoModelForImageTextToText
        from transformers.dynamic_module_utils import get_class_from_dynamic_module

        for key in MODEL_KEYS:
            if key in auto_map:
                return get_class_from_dynamic_module(auto_map[key], str(root), local_files_only=True)
        return AutoModelForImageTextToText

    @property
    def unnorm_keys(self) -> tuple[str, ...]:
        return tuple(getattr(self.model, "norm_stats", None) or {})

    def predict_action(self, image: np.ndarray, instruction: str, unnorm_key: str | None = None) -> np.ndarray:
        """OpenVLA's prompt and greedy decoding; returns (7,) float64, un-normalised with ``unnorm_key``."""
        from PIL import Image

        keys = self.unnorm_keys
        if unnorm_key is None and len(keys) > 1:
            hint = choices_hint("", keys)
            raise ConfigError(f"this checkpoint has several action statistics; set executor.unnorm_key, {hint}")
        if unnorm_key is not None and unnorm_key not in keys:
            raise ConfigError(f"unknown executor.unnorm_key {unnorm_key!r}; {choices_hint(unnorm_key, keys)}")
        prompt = OPENVLA_PROMPT.format(instruction=instruction.lower())
        inputs = self.processor(prompt, Image.fromarray(np.asarray(image, dtype=np.uint8)))
        inputs = inputs.to(self.device, dtype=self.dtype)
        action = self.model.predict_action(**inputs, unnorm_key=unnorm_key, do_sample=False)
        return np.asarray(action, dtype=np.float64).reshape(-1)
