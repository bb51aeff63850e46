"""``botkit credentials`` (init, show) and ``botkit verify FILE``: content credentials (C2PA)."""

from __future__ import annotations

import json
import logging
import sys
import textwrap
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from botkit.errors import BotkitError
from botkit.settings import Settings

app = typer.Typer(help="Content credentials (C2PA): the signing certificate.", no_args_is_help=True)

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="Where the database and assets live [./botkit-data].")]
WIDTH = 80


def register(root: typer.Typer) -> None:
    """Add ``credentials`` and ``verify`` to the root ``botkit`` app."""
    root.add_typer(app, name="credentials", help="Content credentials (C2PA): init, show the signing certificate.")
    root.command("verify")(verify_command)


def _settings(data_dir: Path | None) -> Settings:
    return Settings(data_dir=data_dir) if data_dir is not None else Settings()


def _fail(message: str, code: int = 2) -> typer.Exit:
    Console(stderr=True, width=WIDTH).print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=False)
    return typer.Exit(code=code)


def _out() -> Console:
    return Console(width=WIDTH, highlight=False, soft_wrap=False)


def _row(console: Console, label: str, value: str) -> None:
    """``  label       value``, the value wrapped under itself to stay within 80 columns."""
    lines = textwrap.wrap(value, width=WIDTH - 14, break_on_hyphens=False) or [""]
    console.print(f"  {label:<12}{lines[0]}", markup=False)
    for line in lines[1:]:
        console.print(" " * 14 + line, markup=False)


@app.command("init")
def init(
    days: Annotated[int, typer.Option(help="Validity of the signing certificate in days.")] = 365,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing development chain.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Make a local development certificate chain (ES256, P-256) in <data-dir>/credentials, so
    signing works on this machine. Verifiers show it as untrusted: publish with your own."""
    from botkit.provenance.certs import dev_chain_paths, load_chain, make_dev_chain
    from botkit.provenance.signer import credentials_dir

    settings = _settings(data_dir)
    directory = credentials_dir(settings.data_dir)
    chain_path = dev_chain_paths(directory)[0]
    try:
        if chain_path.exists() and not force:
            leaf = load_chain(chain_path)[0]
            raise _fail(
                f"a development chain already exists in {directory} (valid until "
                f"{leaf.not_valid_after_utc:%Y-%m-%d}); use --force to replace it"
            )
        made = make_dev_chain(directory, days=days)
    except BotkitError as exc:
        raise _fail(str(exc)) from None
    console = _out()
    console.print(f"development signing chain in {directory}", markup=False)
    _row(console, "chain", str(made.chain))
    _row(console, "key", f"{made.key} (owner only)")
    _row(console, "root", str(made.root))
    _row(console, "subject", made.leaf.common_name)
    _row(console, "valid until", f"{made.leaf.not_after:%Y-%m-%d}")
    note = (
        "For development only: verifiers show this signer as untrusted. To publish, set BOTKIT_SIGNING_CERT "
        "and BOTKIT_SIGNING_KEY (or BOTKIT_SIGNING_COMMAND) to your own chain."
    )
    console.print(textwrap.fill(note, WIDTH), markup=False)
    if settings.signing_cert is not None:
        console.print(f"note: BOTKIT_SIGNING_CERT is set ({settings.signing_cert}); that chain signs, not this one.")


@app.command("show")
def show(data_dir: DataDir = None) -> None:
    """Check the configured signer the way the bot does at start-up and say who signs."""
    from botkit.provenance.signer import SignerConfig, open_signer

    settings = _settings(data_dir)
    logging.getLogger("botkit.provenance").setLevel(logging.ERROR)  # its warnings are printed below
    try:
        signer = open_signer(SignerConfig.from_settings(settings), create_dev_chain=False)
    except BotkitError as exc:
        raise _fail(str(exc)) from None
    console = _out()
    if signer is None:
        console.print("signing is off (BOTKIT_SIGNING=off): outputs are delivered unsigned", markup=False)
        return
    status = signer.status
    cert = status.certificate
    console.print(f"signer ready ({status.mode})", markup=False)
    _row(console, "source", f"{status.source}, {status.alg}")
    _row(console, "chain", f"{status.chain_file} ({status.chain_length} certificates)")
    _row(console, "subject", cert.common_name)
    _row(console, "issuer", cert.issuer)
    _row(console, "valid", f"{cert.not_before:%Y-%m-%d} to {cert.not_after:%Y-%m-%d}")
    _row(console, "sha256", cert.sha256[:32] + "...")
    for warning in status.warnings:
        _row(console, "warning", warning)


def _describe(console: Console, v) -> None:
    headline = {
        "trusted": "SIGNED, trusted signer, content intact",
        "untrusted": "SIGNED, untrusted signer, content intact",
        "invalid": "INVALID" + (", content changed after signing" if v.binding == "broken" else ""),
        "unsigned": "NO CONTENT CREDENTIALS",
        "unreadable": "CANNOT READ",
    }[v.state]
    console.print(f"{Path(v.path).name}: {headline}", markup=False)
    signer = v.signer
    if signer is not None and v.state not in ("unsigned", "unreadable"):
        who = signer.common_name + (f" ({signer.organization})" if signer.organization else "")
        _row(console, "signed by", who)
        _row(console, "issued by", signer.issuer)
        kind = (
            "development certificate" if signer.development else "self-signed" if signer.self_signed else "certificate"
        )
        if signer.not_before and signer.not_after:
            kind += f", valid {signer.not_before:%Y-%m-%d} to {signer.not_after:%Y-%m-%d}"
        _row(console, "certificate", kind)
        if signer.signed_at:
            _row(console, "signed at", f"{signer.signed_at:%Y-%m-%d %H:%M} UTC (time-stamped)")
        if signer.ours is not None:
            _row(
                console, "this bot", "yes: this deployment's certificate" if signer.ours else "no: another certificate"
            )
    generator = v.generator
    if generator is not None:
        made = generator.claim_generator or "unknown"
        if generator.model:
            made += f", model {generator.model}"
        if generator.weights_sha256:
            made += f" (weights {generator.weights_sha256[:12]})"
        _row(console, "made with", made)
        for prompt in generator.prompts:
            _row(console, "prompt", prompt)
    if v.digital_source_type:
        source = v.digital_source_type.rsplit("/", 1)[-1]
        _row(console, "source", ("AI-generated: " if v.ai_generated else "") + source)
    steps = [a.description or a.action.removeprefix("c2pa.") for a in v.actions if a.action != "c2pa.created"]
    if steps:
        _row(console, "edits", ", ".join(steps))
    for ingredient in v.ingredients:
        _row(console, "ingredient", f"{ingredient.title} ({ingredient.format or 'unknown format'})")
    if v.state not in ("unsigned", "unreadable"):
        _row(console, "binding", "intact" if v.binding == "intact" else v.binding)
    for problem in v.problems:
        if problem.code == "signingCredential.untrusted" and v.state == "untrusted":
            continue  # the headline says it
        _row(console, "problem", f"{problem.explanation} [{problem.code}]")
    for note in v.notes:
        _row(console, "note", note)


def verify_command(
    files: Annotated[list[Path], typer.Argument(help="Video, poster or preview file(s) to check.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per file, one per line.")] = False,
    trust: Annotated[
        Path | None, typer.Option("--trust", help="PEM root certificate(s) to trust [BOTKIT_TRUST_ANCHORS].")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Show a file's content credentials: who signed, what made it, and whether the content
    still matches the signature. Exit 0 when every file is signed and intact, 1 otherwise."""
    from botkit.provenance.verify import verify

    settings = _settings(data_dir)
    console = _out()
    intact = True
    for n, path in enumerate(files):
        try:
            result = verify(path, settings, trust_anchors=trust)
        except BotkitError as exc:
            raise _fail(str(exc)) from None
        intact = intact and result.ok
        if as_json:
            sys.stdout.write(json.dumps(result.model_dump(mode="json")) + "\n")
            continue
        if n:
            console.print()
        _describe(console, result)
    if not intact:
        raise typer.Exit(code=1)
