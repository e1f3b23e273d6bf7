"""Safe YAML reading that keeps positions: the node graph, never Python objects.

Files are composed into PyYAML nodes with the safe loader (its pure-Python parser, or
libyaml's for large files) and never constructed, so no tag can run code. Anchors and
aliases are refused (no alias bombs), nesting is capped (no stack overflow), duplicate
keys are errors naming both lines, and so are keys that are lists or mappings (`? [a]`).
Typed readers (`text`, `integer`, `iso_date`) turn nodes into values or log a problem at
the node's line and column.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Position, Problem, ProblemLog, ProblemsFound
from .outline.yaml_messages import explain

MAX_DEPTH = 40

STR = "tag:yaml.org,2002:str"
STANDARD_TAGS = {
    STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}
# A lone surrogate (a "\ud800" escape) is half of a UTF-16 pair, not a character: it cannot be encoded
UNWRITABLE = re.compile("[\ud800-\udfff]")
# Control characters other than tab and line ends (NUL, BEL, ESC, DEL, the C1 range): invisible,
# never meant in a title or a sentence, and set as a missing-glyph box or a "?" in print
UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "backspace", 0x0B: "vertical tab", 0x0C: "form feed",
                 0x1B: "ESC", 0x7F: "DEL", 0x85: "next-line (NEL)"}
KIND_NAMES = {
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "a yes/no value",
    "tag:yaml.org,2002:null": "an empty value",
    "tag:yaml.org,2002:timestamp": "a date",
    "tag:yaml.org,2002:seq": "a list",
    "tag:yaml.org,2002:map": "a mapping",
}


@dataclass(frozen=True)
class Declared:
    """A single value read from a file, with where it stands (for settings and their origin)."""

    value: str | bool | None
    position: Position
    quoted_text: bool = True   # False for numbers, yes/no and empty values


class _Refused(yaml.YAMLError):
    def __init__(self, mark, message: str):
        self.problem_mark = mark
        self.message = message


class _Refusals:
    """A composer that refuses anchors, aliases and deep nesting."""

    _depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(event.start_mark, "YAML aliases (*name) are not allowed in briefwright files")
        if getattr(event, "anchor", None):
            raise _Refused(event.start_mark, "YAML anchors (&name) are not allowed in briefwright files")
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(event.start_mark, f"nested more than {MAX_DEPTH} levels deep")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _PositionalLoader(_Refusals, yaml.SafeLoader):
    """A safe loader whose composer refuses anchors, aliases and deep nesting."""


class _FastPositionalLoader(_Refusals, yaml.composer.Composer, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same composer (same nodes, marks and refusals) over libyaml's C scanner and parser: for large files."""

    def __init__(self, stream):
        getattr(yaml, "CSafeLoader", yaml.SafeLoader).__init__(self, stream)
        yaml.composer.Composer.__init__(self)


def position(path: Path, node_or_mark) -> Position:
    """Return the 1-based position of a node (its start) or of a YAML mark."""
    mark = getattr(node_or_mark, "start_mark", node_or_mark)
    return Position(path, mark.line + 1, mark.column + 1)


def compose(text: str, path: Path, fast: bool = False) -> Node | None:
    """Parse `text` into a checked node tree, or raise `ProblemsFound` saying where.

    `fast` parses with libyaml (several times faster, for the catalog); its
    messages for a syntax error are libyaml's.
    """
    try:
        loader = (_FastPositionalLoader if fast else _PositionalLoader)(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.reader.ReaderError as error:
        where = _offset_position(path, text, error.position)
        raise ProblemsFound([Problem(where, f"character U+{error.character:04X} is not allowed in a YAML file")]) from None
    except yaml.MarkedYAMLError as error:
        line, column, message = explain(error.problem, error.context, error.problem_mark, error.context_mark, text)
        raise ProblemsFound([Problem(Position(path, line, column), message)]) from None
    except _Refused as error:
        raise ProblemsFound([Problem(position(path, error.problem_mark), error.message)]) from None
    except RecursionError:
        raise ProblemsFound([Problem(Position(path, 1, 1), "nested too deeply to read")]) from None
    except yaml.YAMLError as error:
        raise ProblemsFound([Problem(Position(path, 1, 1), f"not valid YAML: {error}")]) from None
    log = ProblemLog()
    if root is not None:
        _check_tree(root, path, log)
    log.raise_if_errors()
    return root


def _offset_position(path: Path, text: str, offset: int) -> Position:
    line = text.count("\n", 0, offset) + 1
    return Position(path, line, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def _check_tree(node: Node, path: Path, log: ProblemLog) -> None:
    """Log non-standard tags and duplicate keys anywhere in the tree."""
    if node.tag not in STANDARD_TAGS:
        log.error(position(path, node), f"YAML tag {node.tag!r} is not allowed")
    if isinstance(node, MappingNode):
        seen: dict[str, Node] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, ScalarNode) else None
            if name is None:
                log.error(position(path, key), f"a key must be a single word or text, not {kind(key)} "
                          "(a '? ' key); write the key as plain text")
            elif name in seen:
                first = seen[name].start_mark.line + 1
                log.error(position(path, key), f"duplicate key {name!r} (first given on line {first})")
            elif name is not None:
                seen[name] = key
            _check_tree(key, path, log)
            _check_tree(value, path, log)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            _check_tree(item, path, log)


class NodeReader:
    """Typed access to composed nodes; every failure is logged at the node's position."""

    def __init__(self, path: Path, log: ProblemLog, source_text: str = ""):
        self.path = path
        self.log = log
        self.source_text = source_text

    def at(self, node: Node) -> Position:
        return position(self.path, node)

    def error(self, node: Node, message: str) -> None:
        self.log.error(self.at(node), message)

    def mapping(self, node: Node, what: str) -> dict[str, tuple[Node, Node]] | None:
        """Return {key: (key_node, value_node)} or log that a mapping was expected."""
        if not isinstance(node, MappingNode):
            self.error(node, f"{what} must be a mapping of keys to values, not {kind(node)}")
            return None
        return {k.value: (k, v) for k, v in node.value if isinstance(k, ScalarNode)}

    def sequence(self, node: Node, what: str) -> list[Node] | None:
        if not isinstance(node, SequenceNode):
            self.error(node, f"{what} must be a list (items starting with '- '), not {kind(node)}")
            return None
        return node.value

    def text(self, node: Node, what: str) -> str | None:
        """Return a scalar's text; numbers keep the characters typed, yes/no and empty are refused."""
        if isinstance(node, ScalarNode) and node.tag in (
            STR, "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"
        ):
            if node.tag == STR and not node.value.strip():
                self.error(node, f"{what} is empty")
                return None
            bad = UNWRITABLE.search(node.value)
            if bad:
                self.log.error(self.value_position(node, bad.start()), f"{what} contains U+{ord(bad[0]):04X}, "
                               "which cannot be printed (half of a UTF-16 pair, not a character): remove it")
                return None
            control = UNPRINTABLE.search(node.value)
            if control:
                code = ord(control[0])
                name = CONTROL_NAMES.get(code, "control character")
                self.log.error(self.value_position(node, control.start()), f"{what} contains U+{code:04X} ({name}), "
                               "an invisible control character that cannot be printed: remove it")
                return None
            return node.value
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null" and node.value in ("", "~"):
            self.error(node, f"{what} is empty")
            return None
        if isinstance(node, SequenceNode) and node.flow_style:
            self.error(node, f"{what} was read as a list because it begins with '[': put the whole text in quotes")
            return None
        self.error(node, f"{what} must be text, not {kind(node)}" + _quote_hint(node))
        return None

    def scalar(self, node: Node, what: str) -> Declared | None:
        """Return a single value (text, number, yes/no or empty) with its position, or log a problem."""
        if not isinstance(node, ScalarNode):
            self.error(node, f"{what} must be a single value, not {kind(node)}")
            return None
        if node.tag == "tag:yaml.org,2002:bool":
            value = node.value.lower() in ("true", "yes", "on")
        elif node.tag == "tag:yaml.org,2002:null":
            value = None
        else:
            value = node.value
        return Declared(value, self.at(node), node.tag == STR)

    def integer(self, node: Node, what: str, minimum: int = 1) -> int | None:
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:int" and re.fullmatch(r"[0-9]+", node.value):
            value = int(node.value)
            if value >= minimum:
                return value
        self.error(node, f"{what} must be a whole number of at least {minimum}, not {node.value!r}"
                   if isinstance(node, ScalarNode) else f"{what} must be a whole number, not {kind(node)}")
        return None

    def iso_date(self, node: Node, what: str) -> dt.date | None:
        if isinstance(node, ScalarNode) and node.tag in (STR, "tag:yaml.org,2002:timestamp") \
                and re.fullmatch(r"\d{4}-\d{2}-\d{2}", node.value.strip()):
            try:
                return dt.date.fromisoformat(node.value.strip())
            except ValueError:
                pass
        shown = node.value if isinstance(node, ScalarNode) else kind(node)
        self.error(node, f"{what} must be a date written YYYY-MM-DD (e.g. 2026-11-22), not {shown!r}")
        return None

    def comment_follows(self, node: ScalarNode) -> bool:
        """True if a plain scalar is followed by a `#` comment on its line (YAML dropped it)."""
        if node.style is not None or not self.source_text:
            return False
        rest = self.source_text[node.end_mark.index:].split("\n", 1)[0]
        return rest.lstrip().startswith("#")

    def value_position(self, node: ScalarNode, offset: int) -> Position:
        """Return the position of character `offset` of a scalar's value.

        Exact for single-line scalars (plain or quoted, escapes included) and for
        block scalars (| and >) without blank lines; otherwise the scalar's start.
        """
        places = self._places(node) if self.source_text else None
        if places is None or offset >= len(places):
            return self.at(node)
        line, column = places[offset]
        return Position(self.path, line + 1, column + 1)

    def _places(self, node: ScalarNode) -> list[tuple[int, int]] | None:
        """(line, column) of each character of the value, or None where they cannot be mapped."""
        if node.style in ("|", ">"):
            return self._block_places(node)
        if node.start_mark.line != node.end_mark.line:
            return None
        quote = 1 if node.style in ("'", '"') else 0
        raw = self.source_text[node.start_mark.index + quote:node.end_mark.index - quote]
        places, decoded, index = [], "", 0
        column = node.start_mark.column + quote
        while index < len(raw):
            width = _escape_width(raw, index, node.style)
            decoded += _decode(raw[index:index + width], node.style)
            places += [(node.start_mark.line, column + index)] * (len(decoded) - len(places))
            index += width
        return places if decoded == node.value else None

    def _block_places(self, node: ScalarNode) -> list[tuple[int, int]] | None:
        lines = self.source_text[node.start_mark.index:node.end_mark.index].split("\n")[1:]
        while lines and not lines[-1].strip():
            lines.pop()
        if not lines or any(not line.strip() for line in lines):
            return None
        indent = min(len(line) - len(line.lstrip(" ")) for line in lines)
        joiner = "\n" if node.style == "|" else " "
        places, decoded = [], ""
        for number, line in enumerate(lines):
            row = node.start_mark.line + 1 + number
            content = line[indent:]
            if number:
                decoded += joiner
                places.append((row - 1, len(lines[number - 1])))
            decoded += content
            places += [(row, indent + i) for i in range(len(content))]
        return places if decoded == node.value.rstrip("\n") else None


def _escape_width(raw: str, index: int, style: str | None) -> int:
    """How many raw characters at `index` make one character of the value."""
    if style == "'" and raw.startswith("''", index):
        return 2
    if style == '"' and raw[index] == "\\" and index + 1 < len(raw):
        return {"x": 4, "u": 6, "U": 10}.get(raw[index + 1], 2)
    return 1


def _decode(chunk: str, style: str | None) -> str:
    if style == "'" and chunk == "''":
        return "'"
    if style == '"' and chunk.startswith("\\") and len(chunk) > 1:
        return yaml.safe_load(f'"{chunk}"')
    return chunk


def kind(node: Node) -> str:
    """Name what a node holds, for messages."""
    if isinstance(node, ScalarNode):
        return KIND_NAMES.get(node.tag, "text") + f" ({node.value!r})"
    return KIND_NAMES.get(node.tag, "a list" if isinstance(node, SequenceNode) else "a mapping")


def _quote_hint(node: Node) -> str:
    if isinstance(node, ScalarNode) and node.style is None:
        return f"; write \"{node.value}\" in quotes if you mean the text"
    return ""

