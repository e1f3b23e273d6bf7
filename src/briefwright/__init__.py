"""briefwright: YAML outlines to footnoted PDF policy briefs, every quotation checked against its source."""

__version__ = "0.1.0"
