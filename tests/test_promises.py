"""Tests that fail when a promise of the README breaks: each holds a fault once planted by hand.

Every test here was seen failing with its fault planted in src/ and passing without it
(issue 16). Tests that lay out a PDF are marked `renders`, so `make mutation` can leave
them out of the modules they do not concern.
"""

from __future__ import annotations
