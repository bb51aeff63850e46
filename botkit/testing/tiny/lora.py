"""A LoRA made in code for the tiny Wan transformer (peft), saved the way diffusers saves LoRAs, so a
registry entry's ``loras = [...]`` can be tested without a download."""

from __future__ import annotations

from pathlib import Path

import torch


def write_tiny_wan_lora(folder: Path, *, rank: int = 4, seed: int = 1, scale: float = 0.5) -> Path:
    """``folder/pytorch_lora_weights.safetensors``: a rank-``rank`` LoRA on the tiny Wan transformer's
    attention projections, with random (not zero) up-weights so that loading it changes the output."""
    from diffusers import WanPipeline
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict

    from botkit.testing.tiny.wan import _transformer

    torch.manual_seed(0)
    transformer = _transformer()
    transformer.add_adapter(LoraConfig(r=rank, lora_alpha=rank, target_modules=["to_q", "to_k", "to_v", "to_out.0"]))
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in transformer.named_parameters():
            if "lora_" in name:
                parameter.copy_(torch.randn(parameter.shape, generator=generator) * scale)
    folder.mkdir(parents=True, exist_ok=True)
    WanPipeline.save_lora_weights(folder, transformer_lora_layers=get_peft_model_state_dict(transformer))
    return folder / "pytorch_lora_weights.safetensors"
