"""Settings and constants that several layers share."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_SUFFIX = ".bsp"
DEFAULT_CODER = "me"

# Models and tokenizers come from installed packages; never wait on a network that
# fieldwork laptops (and CI) do not have.
OFFLINE_ENVIRONMENT = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def set_offline_environment() -> None:
    """Set the offline flags unless the user set them otherwise."""
    for key, value in OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(key, value)


def shipped_codebook_dir() -> Path:
    """Where the shipped framework and codebook live: inside the wheel, or the checkout."""
    packaged = Path(__file__).parent / "codebooks"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "codebooks"


DEFAULT_FRAMEWORK = "dms-framework.yaml"
DEFAULT_CODEBOOK = "dms-practices.yaml"

# Files larger than this are refused rather than read into memory whole.
MAX_INPUT_BYTES = 64 * 1024 * 1024
