"""Benchmark: what content credentials add to a 10 s job.

One 10 s TikTok job runs through the bot with the embedded engine (plan, render, quality, post),
unsigned, as ``botkit chat`` does today. Its outputs (the MP4, its poster PNG, the WebP preview)
are then copied and signed, each repeat on fresh copies, with the development chain from a key
file and with a signing command (a KMS-style hook: one process per signature), and verified. The
ratio is (job + signing) / job, both measured in this run; the target is <= 1.05. The start-up
check (once per process, not per job) is shown on its own line.

    .venv/bin/python bench/provenance.py [--repeats 5] [--request "..."]
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from botkit.bot import Bot
from botkit.provenance import Edit, Generator, Provenance, check, sign_outputs, verify, weights_digest
from botkit.provenance.certs import dev_chain_paths
from botkit.provenance.signer import credentials_dir
from botkit.settings import Settings

REQUEST = "Make a 10 second TikTok teaser for our new trail running shoes"
HOOK = """
import sys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
key = serialization.load_pem_private_key(open(sys.argv[1], "rb").read(), None)
sys.stdout.buffer.write(key.sign(sys.stdin.buffer.read(), ec.ECDSA(hashes.SHA256())))
"""


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--request", default=REQUEST)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="botkit-bench-prov-") as scratch:
        root = Path(scratch)
        settings = Settings(data_dir=root / "data")
        bot = Bot.open(settings)
        started = time.perf_counter()
        turn = bot.chat(args.request, platforms=["tiktok"], seed=7)
        job_s = time.perf_counter() - started
        [output] = turn.outputs
        video = Path(output.path)
        files = [video, Path(output.poster), video.with_name("video-preview.webp")]
        assert all(f.is_file() for f in files), files
        duration = output.duration_s

        check_s = timed(lambda: check(settings))
        signer = check(settings)
        assert signer is not None
        chain, key, _ = dev_chain_paths(credentials_dir(settings.data_dir))
        hook = root / "kms_sign.py"
        hook.write_text(HOOK)
        command = " ".join(shlex.quote(part) for part in (sys.executable, str(hook), str(key)))
        hook_signer = check(settings.model_copy(update={"signing_cert": chain, "signing_command": command}))
        assert hook_signer is not None

        import botkit.engine.embedded as embedded

        weights = Path(embedded.__file__).with_name("weights")
        digest_s = timed(lambda: weights_digest(weights))
        provenance = Provenance(
            generator=Generator(model="embedded", weights_sha256=weights_digest(weights)),
            edits=(Edit(kind="cropped"), Edit(kind="captions")),
        )
        preview_provenance = provenance.model_copy(update={"edits": (Edit(kind="resized"),)})

        def copies(n: int) -> list[Path]:
            folder = root / f"copy-{n}"
            folder.mkdir()
            return [Path(shutil.copy2(f, folder / f.name)) for f in files]

        key_runs, hook_runs, verify_runs = [], [], []
        for n in range(args.repeats):
            for name, chosen, runs in (("key", signer, key_runs), ("hook", hook_signer, hook_runs)):
                paths = copies(2 * n + (name == "hook"))
                overrides = {paths[2]: preview_provenance}
                runs.append(timed(lambda p=paths, s=chosen, o=overrides: sign_outputs(p, provenance, s, overrides=o)))
                if name == "key":
                    verify_runs.append(timed(lambda p=paths: [verify(f) for f in p]))
                    results = [verify(f) for f in paths]
                    assert all(r.ok for r in results), [r.summary for r in results]
        sizes = sum(f.stat().st_size for f in files)
        bot.db.dispose()
    key_s, hook_s, verify_s = (statistics.median(r) for r in (key_runs, hook_runs, verify_runs))
    lines = [
        f"one {duration:g} s TikTok job (embedded engine, 1080x1920), outputs {sizes / 2**20:.1f} MiB in 3 files; "
        f"signing: medians of {args.repeats} runs on fresh copies (s)",
        "",
        "| step | seconds | vs the unsigned job |",
        "|---|---|---|",
        f"| job, unsigned (plan, render, quality, post) | {job_s:.2f} | 1.000x |",
        f"| sign 3 outputs, key file (ES256) | {key_s:.3f} | {(job_s + key_s) / job_s:.3f}x |",
        f"| sign 3 outputs, signing command (KMS-style hook) | {hook_s:.3f} | {(job_s + hook_s) / job_s:.3f}x |",
        f"| verify 3 outputs | {verify_s:.3f} | - |",
        f"| start-up check (once per process) | {check_s:.3f} | - |",
        f"| weights hash (once per process, cached) | {digest_s:.3f} | - |",
        "",
        f"signed / unsigned: {(job_s + key_s) / job_s:.3f}x with a key file, {(job_s + hook_s) / job_s:.3f}x with "
        "a signing command (target <= 1.05x)",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
