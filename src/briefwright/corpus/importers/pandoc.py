"""Reading a document with pandoc (already a dependency, for citeproc): its plain text and its metadata.

pandoc runs sandboxed (`--sandbox`: it reads nothing but its input and fetches
nothing), with a time limit, and writes plain text without line wrapping, so each
paragraph of the document is one block between blank lines.
"""

from __future__ import annotations

import subprocess

from . import ExtractionError


def run_pandoc(data: bytes, source_format: str, output: str, name: str, what: str) -> str:
    """pandoc's reading of `data` (in `source_format`) written as `output`; `what` names the format in errors."""
    import pypandoc

    command = [pypandoc.get_pandoc_path(), "--sandbox", "-f", source_format, "-t", output, "--wrap=none"]
    result = subprocess.run(command, input=data, capture_output=True, timeout=60)
    if result.returncode != 0:
        reason = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["unreadable"]
        raise ExtractionError(f"{name}: pandoc cannot read this {what}: {reason[0]}")
    return result.stdout.decode("utf-8")


def plain_paragraphs(text: str) -> list[str]:
    """pandoc's plain text as paragraphs: one per block, its white space collapsed."""
    return [" ".join(block.split()) for block in text.split("\n\n") if block.strip()]
