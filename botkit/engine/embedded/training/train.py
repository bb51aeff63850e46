"""Train the embedded model on the toy world: autoencoder first, then the latent denoiser.

Seeded and resumable: batch ``k`` is a pure function of ``(seed, k)``, so resuming from the latest
checkpoint replays the same data and noise stream. Runs unchanged on CPU or CUDA::

    python tools/train_embedded.py --out runs/embedded            # train / resume
    python tools/train_embedded.py --out runs/embedded --device cuda
    python tools/train_embedded.py --eval-only --weights botkit/engine/embedded/weights

Writes ``train.log`` (loss, evaluator scores), ``curve.jsonl``, ``ckpt.pt`` (every few minutes)
``best/`` (EMA pipeline in fp16 whenever the evaluator score improves) and, at ``--steps``,
``final/`` (the last EMA pipeline) under ``--out``.
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import math
import shutil
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

# the defining modules: mypy reads `from diffusers import X` as diffusers' dummy placeholder classes
from diffusers.models.transformers.transformer_wan import WanTransformer3DModel
from diffusers.schedulers.scheduling_flow_match_euler_discrete import FlowMatchEulerDiscreteScheduler
from diffusers.utils import logging as diffusers_logging

from botkit.engine.embedded import toyworld
from botkit.engine.embedded.autoencoder import ToyAutoencoder
from botkit.engine.embedded.pipeline import EmbeddedVideoPipeline, condition_channels, denoiser_config
from botkit.engine.embedded.text import CaptionTable
from botkit.engine.embedded.vocab import all_captions, caption

logger = logging.getLogger("botkit.engine.embedded.training.train")

SHIFT = 3.0
SELECTION = "t2v+keyframe gates v2"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=Path("runs/embedded"))
    p.add_argument("--device", default="cpu")
    p.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch CPU threads (1 is fastest when another process loads the other core)",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--ae-steps", type=int, default=1500)
    p.add_argument("--ae-batch", type=int, default=8, help="clips per autoencoder step (x9 frames)")
    p.add_argument("--steps", type=int, default=200_000)
    p.add_argument(
        "--pool",
        type=int,
        default=16_384,
        help="clips pre-encoded once into a latent pool (mirrored pairs); 0 renders every batch",
    )
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=6e-4)
    p.add_argument(
        "--lr-decay-start",
        type=int,
        default=None,
        help="from this step the learning rate follows a cosine down to lr/10 at --steps",
    )
    p.add_argument("--ema", type=float, default=0.995)
    p.add_argument("--i2v-fraction", type=float, default=0.5)
    p.add_argument("--caption-dropout", type=float, default=0.1)
    p.add_argument(
        "--object-weight",
        type=float,
        default=1.0,
        help="loss weight of latent positions that hold the object (the background is easy)",
    )
    p.add_argument("--ckpt-minutes", type=float, default=4.0)
    p.add_argument("--eval-every", type=int, default=500)
    p.add_argument("--eval-prompts", type=int, default=24)
    p.add_argument("--eval-only", action="store_true", help="only run the gate evaluation on --weights")
    p.add_argument("--weights", type=Path, default=None)
    return p.parse_args(argv)


def step_seed(seed: int, step: int, salt: int = 0) -> int:
    return (seed * 1_000_003 + step * 7_919 + salt) % (2**63)


def to_tensor(video: np.ndarray, device: torch.device) -> torch.Tensor:
    """uint8 ``[B, F, H, W, 3]`` -> float ``[B, 3, F, H, W]`` in [-1, 1]."""
    return torch.from_numpy(video).to(device).permute(0, 4, 1, 2, 3).float() / 127.5 - 1.0


# ---------------------------------------------------------------- captions and autoencoder


def load_or_build_captions(out: Path) -> CaptionTable:
    folder = out / "captions"
    if (folder / "config.json").exists():
        return CaptionTable.from_pretrained(folder, local_files_only=True)
    table = CaptionTable.build(all_captions())
    table.save_pretrained(folder)
    return table


def train_autoencoder(args: argparse.Namespace, device: torch.device) -> ToyAutoencoder:
    folder = args.out / "autoencoder"
    if (folder / "config.json").exists():
        return ToyAutoencoder.from_pretrained(folder, local_files_only=True).to(device)
    torch.manual_seed(args.seed)
    ae = ToyAutoencoder().to(device)
    opt = torch.optim.Adam(ae.parameters(), lr=2e-3)
    gen = torch.Generator(device="cpu").manual_seed(args.seed)
    start = time.time()
    for step in range(args.ae_steps):
        lr = 1e-4 + 0.5 * (2e-3 - 1e-4) * (1 + math.cos(math.pi * step / args.ae_steps))
        for group in opt.param_groups:
            group["lr"] = lr
        video, _ = toyworld.batch(step_seed(args.seed, step, 1), args.ae_batch, mirror=False)
        x = to_tensor(video, device).permute(0, 2, 1, 3, 4).flatten(0, 1)  # [N, 3, H, W]
        z = ae.encode_raw(x)
        noisy = z + 0.05 * torch.randn(z.shape, generator=gen).to(device)
        recon = ae.decode_raw(noisy)
        # Object pixels (far from the frame's median colour) weigh 5x: shapes stay sharp.
        median = x.flatten(2).median(dim=2).values[:, :, None, None]
        weight = 1.0 + 4.0 * ((x - median).abs().sum(1, keepdim=True) > 0.1).float()
        loss = (weight * ((recon - x).abs() + (recon - x) ** 2)).mean() + 1e-4 * z.pow(2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if step % 100 == 0 or step == args.ae_steps - 1:
            psnr = 10 * math.log10(4.0 / max(F.mse_loss(recon, x).item(), 1e-10))
            logger.info(
                "ae step %d loss %.4f psnr %.1f dB lr %.2e %.1f min",
                step,
                loss.item(),
                psnr,
                lr,
                (time.time() - start) / 60,
            )
    ae.eval()
    with torch.no_grad():
        video, _ = toyworld.batch(step_seed(args.seed, 0, 2), 256, mirror=False)
        x = to_tensor(video, device).permute(0, 2, 1, 3, 4).flatten(0, 1)
        z = ae.encode_raw(x)
        ae.latent_mean.copy_(z.mean(dim=(0, 2, 3)))
        ae.latent_std.copy_(z.std(dim=(0, 2, 3)).clamp_min(1e-3))
        psnr = 10 * math.log10(4.0 / F.mse_loss(ae.decode(ae.encode(x)), x).item())
    logger.info(
        "autoencoder done: validation psnr %.1f dB, latent mean %s std %s",
        psnr,
        ae.latent_mean.tolist(),
        ae.latent_std.tolist(),
    )
    ae.save_pretrained(folder)
    return ae


def latent_pool(
    args: argparse.Namespace, ae: ToyAutoencoder, table: CaptionTable, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(latents [N, C, F, h, w] fp16, caption index [N])`` for ``--pool`` clips, mirrored pairs
    adjacent (2p, 2p+1). Encoding once saves the per-step autoencoder pass; cached on disk."""
    path = args.out / f"latents-{args.pool}-seed{args.seed}.pt"
    if path.exists():
        cached = torch.load(path, map_location="cpu")
        return cached["latents"], cached["captions"]
    chunk = 256
    latents, captions = [], []
    start = time.time()
    for k in range(args.pool // chunk):
        video, attrs = toyworld.batch(step_seed(args.seed, k, 5), chunk, mirror=True)
        order = [i for p in range(chunk // 2) for i in (p, p + chunk // 2)]
        with torch.no_grad():
            z = ae.encode_video(to_tensor(video[order], device)).half().cpu()
        latents.append(z)
        captions.append(torch.tensor([table.index[caption(attrs[i])] for i in order]))
        if k % 8 == 0:
            logger.info(
                "encoding latent pool: %d/%d clips, %.1f min", (k + 1) * chunk, args.pool, (time.time() - start) / 60
            )
    pool = (torch.cat(latents), torch.cat(captions))
    torch.save({"latents": pool[0], "captions": pool[1]}, path)
    return pool


# ---------------------------------------------------------------- denoiser


def build_pipeline(
    transformer: WanTransformer3DModel, ae: ToyAutoencoder, table: CaptionTable
) -> EmbeddedVideoPipeline:
    scheduler = FlowMatchEulerDiscreteScheduler(num_train_timesteps=1000, shift=SHIFT)
    return EmbeddedVideoPipeline(transformer=transformer, autoencoder=ae, captions=table, scheduler=scheduler)


def export(pipe: EmbeddedVideoPipeline, folder: Path) -> None:
    """Save the pipeline as fp16 safetensors (atomically replacing ``folder``)."""
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    verbosity = diffusers_logging.get_verbosity()
    diffusers_logging.set_verbosity_error()  # casting a copy on purpose: no "keep in fp32" warnings
    try:
        half = copy.deepcopy(pipe).to(dtype=torch.float16)
    finally:
        diffusers_logging.set_verbosity(verbosity)
    half.save_pretrained(tmp, safe_serialization=True)
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)


def learning_rate(args: argparse.Namespace, step: int) -> float:
    """Linear warm-up over 200 steps, then constant; a cosine down to lr/10 from --lr-decay-start."""
    lr = args.lr * min(1.0, (step + 1) / 200)
    if args.lr_decay_start is not None and step >= args.lr_decay_start:
        done = (step - args.lr_decay_start) / max(1, args.steps - args.lr_decay_start)
        lr = args.lr * (0.1 + 0.45 * (1 + math.cos(math.pi * min(done, 1.0))))
    return lr


def object_mask(x0: torch.Tensor) -> torch.Tensor:
    """``[B, 1, F, h, w]``: 1 where a latent differs from its frame's background (median) latent,
    grown by one latent pixel so the object's outline, which carries its shape, is included."""
    median = x0.flatten(3).median(dim=3).values[..., None, None]
    dist = (x0 - median).pow(2).sum(1, keepdim=True).sqrt()
    core = (dist > 0.5 * dist.flatten(3).amax(dim=3)[..., None, None].clamp_min(1e-3)).float()
    return F.max_pool3d(core, kernel_size=(1, 3, 3), stride=1, padding=(0, 1, 1))  # and its edge


def diffusion_loss(
    model: WanTransformer3DModel,
    x0: torch.Tensor,
    text: torch.Tensor,
    gen: torch.Generator,
    i2v_fraction: float,
    object_weight: float = 1.0,
) -> torch.Tensor:
    b = x0.shape[0]
    device = x0.device
    u = torch.rand(b, generator=gen).to(device)
    t = SHIFT * u / (1 + (SHIFT - 1) * u)
    noise = torch.randn(x0.shape, generator=gen).to(device)
    tt = t[:, None, None, None, None]
    xt = (1 - tt) * x0 + tt * noise
    target = noise - x0
    i2v = (torch.rand(b, generator=gen) < i2v_fraction).to(device)
    cond = condition_channels(x0[:, :, 0], tuple(x0.shape)).to(device)
    cond = cond * i2v[:, None, None, None, None].float()
    xt = torch.where(i2v[:, None, None, None, None] & (cond[:, -1:] > 0), x0, xt)
    weight = torch.ones_like(x0[:, :1])
    if object_weight != 1.0:
        weight = weight + (object_weight - 1.0) * object_mask(x0)
    weight[:, :, 0] *= (~i2v).float()[:, None, None, None]
    pred = model(torch.cat([xt, cond], dim=1), timestep=t * 1000, encoder_hidden_states=text, return_dict=False)[0]
    return (weight * (pred - target) ** 2).sum() / (weight.sum() * x0.shape[1])


def evaluate(pipe: EmbeddedVideoPipeline, n: int, steps: int = 16, guidance: float = 4.0) -> dict[str, float]:
    """The gate evaluation on ``n`` prompts (t2v, i2v, t2v with a toy-world keyframe), flattened
    to ``{"t2v_colour": ..., "i2v_first_frame_error": ..., "t2v_keyframe_direction": ...}``."""
    from botkit.engine.embedded.training.gates import run_gates

    scores = run_gates(pipe, n, steps, guidance)
    return {f"{mode}_{key}": value for mode, row in scores.items() for key, value in row.items()}


def selection_score(scores: dict[str, float]) -> float:
    """What "best" means: the gate attributes averaged over plain t2v and keyframed t2v."""
    keys = [f"{mode}_{k}" for mode in ("t2v", "t2v_keyframe") for k in ("background", "colour", "direction", "shape")]
    return float(np.mean([scores.get(k, 0.0) for k in keys]))


def train(args: argparse.Namespace) -> None:
    device = torch.device(args.device)
    args.out.mkdir(parents=True, exist_ok=True)
    table = load_or_build_captions(args.out)
    ae = train_autoencoder(args, device)
    ae.requires_grad_(False)
    # diffusers wraps ModelMixin.to in functools.wraps, which mypy reads as a function missing its self
    table_dev = table.to(device)  # type: ignore[arg-type]

    torch.manual_seed(args.seed)
    model = WanTransformer3DModel(**denoiser_config()).to(device)
    ema = copy.deepcopy(model).requires_grad_(False)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.0, betas=(0.9, 0.99))
    step, minutes, best = 0, 0.0, -1.0
    ckpt_path = args.out / "ckpt.pt"
    if ckpt_path.exists():
        state = torch.load(ckpt_path, map_location=device, weights_only=False)
        model.load_state_dict(state["model"])
        ema.load_state_dict(state["ema"])
        opt.load_state_dict(state["opt"])
        step, minutes, best = state["step"], state["minutes"], state["best"]
        if state.get("selection") != SELECTION:
            best = -1.0  # scored by an older definition of "best"
        logger.info("resumed from %s at step %d (%.1f min trained)", ckpt_path, step, minutes)
    logger.info(
        "denoiser %.2f M params, batch %d, device %s, threads %d",
        sum(p.numel() for p in model.parameters()) / 1e6,
        args.batch,
        device,
        torch.get_num_threads(),
    )

    def save() -> None:
        tmp = ckpt_path.with_suffix(".tmp")
        torch.save(
            {
                "model": model.state_dict(),
                "ema": ema.state_dict(),
                "opt": opt.state_dict(),
                "step": step,
                "minutes": minutes,
                "best": best,
                "selection": SELECTION,
                "args": vars(args),
            },
            tmp,
        )
        tmp.replace(ckpt_path)

    pool = latent_pool(args, ae, table, device) if args.pool else None
    last_save = time.time()
    tick, losses = time.time(), []
    while step < args.steps:
        lr = learning_rate(args, step)
        for group in opt.param_groups:
            group["lr"] = lr
        gen = torch.Generator().manual_seed(step_seed(args.seed, step, 3))
        if pool is not None:
            pairs = np.random.default_rng(step_seed(args.seed, step, 4)).choice(
                len(pool[0]) // 2, args.batch // 2, replace=False
            )
            rows = torch.from_numpy(np.stack([2 * pairs, 2 * pairs + 1], axis=1).reshape(-1))
            x0 = pool[0][rows].to(device).float()
            idx = pool[1][rows].tolist()
        else:
            video, attrs = toyworld.batch(step_seed(args.seed, step, 4), args.batch, mirror=True)
            with torch.no_grad():
                x0 = ae.encode_video(to_tensor(video, device))
            idx = [table.index[caption(a)] for a in attrs]
        drop = torch.rand(len(idx), generator=gen) < args.caption_dropout
        idx = [0 if d else i for i, d in zip(idx, drop.tolist(), strict=True)]
        text = table_dev.embeddings[idx]
        model.train()
        loss = diffusion_loss(model, x0, text, gen, args.i2v_fraction, args.object_weight)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        decay = min(args.ema, (1 + step) / (10 + step))
        with torch.no_grad():
            for pe, pm in zip(ema.parameters(), model.parameters(), strict=True):
                pe.lerp_(pm, 1 - decay)
        step += 1
        losses.append(loss.item())
        now = time.time()
        minutes += (now - tick) / 60
        tick = now
        if step % 50 == 0:
            logger.info("step %d loss %.4f lr %.2e %.1f min", step, float(np.mean(losses)), lr, minutes)
            losses = []
        if step % args.eval_every == 0:
            t0 = time.time()
            ema.eval()
            try:
                scores = evaluate(build_pipeline(ema, ae, table_dev), args.eval_prompts)
            except Exception:  # the evaluator must never kill a long training run
                logger.exception("evaluation failed at step %d", step)
                scores = {}
            record = {"step": step, "minutes": round(minutes, 2), "device": str(device), **scores}
            logger.info("eval %s (%.0f s)", json.dumps(record), time.time() - t0)
            with (args.out / "curve.jsonl").open("a") as f:
                f.write(json.dumps(record) + "\n")
            overall = selection_score(scores)
            if overall > best:
                best = overall
                export(build_pipeline(ema, ae, table_dev), args.out / "best")
                (args.out / "best" / "scores.json").write_text(json.dumps(record, indent=1))
                logger.info("new best %.3f exported to %s", best, args.out / "best")
            tick = time.time()  # evaluation time is not training time
        if time.time() - last_save > args.ckpt_minutes * 60:
            save()
            last_save = time.time()
    save()
    ema.eval()
    export(build_pipeline(ema, ae, table_dev), args.out / "final")  # the last EMA weights, whatever "best" says
    logger.info("step %d: final EMA pipeline exported to %s", step, args.out / "final")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    if not args.eval_only:
        args.out.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(args.out / "train.log"))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", handlers=handlers)
    if args.eval_only:
        from botkit.engine.embedded.training.gates import main as gates_main

        gates_main(["--weights", str(args.weights)] if args.weights else [])
        return
    train(args)


if __name__ == "__main__":
    main()
