"""Content credentials and AI disclosure: sign every output with a C2PA manifest, verify any file,
and the visible marks (badge, disclosure lines, upload metadata).

The render pipeline calls ``check(settings)`` once when the bot opens and
``sign_outputs(paths, Provenance(...), signer)`` after the last write of a job's outputs.
"""

from botkit.provenance.errors import CredentialsError, ProvenanceError, SigningError
from botkit.provenance.model import (
    COMPOSITE,
    GENERATED,
    Edit,
    Generator,
    Ingredient,
    Provenance,
    job_provenance,
    weights_digest,
)
from botkit.provenance.sign import SignedFile, SigningReport, sign, sign_outputs
from botkit.provenance.signer import Signer, SignerConfig, SignerStatus, check, open_signer
from botkit.provenance.verify import Verification, verify

__all__ = [
    "COMPOSITE",
    "GENERATED",
    "CredentialsError",
    "Edit",
    "Generator",
    "Ingredient",
    "Provenance",
    "ProvenanceError",
    "SignedFile",
    "Signer",
    "SignerConfig",
    "SignerStatus",
    "SigningError",
    "SigningReport",
    "Verification",
    "check",
    "job_provenance",
    "open_signer",
    "sign",
    "sign_outputs",
    "verify",
    "weights_digest",
]
