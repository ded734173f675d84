#!/usr/bin/env python3
"""Evaluate feedparser's test-corpus expectations against `junction feed parse --json`.

Every feed in the corpus (shared/corpus/feedparser, a copy of feedparser's tests/) carries

    <!--
    Header:      Content-type: application/atom+xml     (optional, any number)
    Description: entry title
    Expect:      not bozo and entries[0]['title'] == 'Example Atom'
    -->

The command under test parses the file and prints feedparser's result shape as JSON
(docs/feed-json-shape.md). This runner loads that JSON, gives it feedparser's access semantics
(attribute access, the FeedParserDict key aliases, struct_time dates) and evaluates the Expect
expression. Expectations touching things Junction deliberately does not model are counted as
unmappable (see UNMAPPED) and reported apart.

    scripts/feedparser-expect.py --command '.build/debug/junction feed parse' --batch \\
        --show-failures 20 --check docs/protocols/rss-corpus.json
    scripts/feedparser-expect.py --reference --batch --all   # the runner against feedparser itself
    scripts/feedparser-expect.py --keys 40                   # which keys the expectations read

The corpus defaults to ../shared/corpus/feedparser beside the repository. SkipUnless lines
(codec availability upstream) are not evaluated.

How the command is called (one file; hints only where the corpus file has them):

    CMD --json [--content-type CT] [--url URL] [--header 'Name: value']... FILE
    CMD --json --batch FILE...        # files without hints; prints {"FILE": result, ...}

Upstream fetches every file whose path contains "http" from a mock server at
http://127.0.0.1:8097/tests/<path> (Content-Type defaults to text/xml there); --url and
--content-type reproduce that, so relative links resolve against the same base.

Python 3 standard library only.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import datetime
import fnmatch
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass

HTTP_BASE = "http://127.0.0.1:8097/tests/"
DEFAULT_CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "corpus", "feedparser")
REFERENCE_VENV = "/tmp/fpvenv"
REFERENCE_VERSION = "6.0.14"
REQUIRED_PASS_RATE = 95.0

# The same patterns as feedparser's tests/helpers.py.
DESCRIPTION_RE = re.compile(r"Description:\s*(.*?)\s*Expect:\s*(.*)\s*-->")
HEADER_RE = re.compile(r"^Header:\s+([^:]+):(.*)$", re.MULTILINE)


# --------------------------------------------------------------------------------------------
# What Junction deliberately does not map. A case is unmappable when any rule matches: its
# corpus path (fnmatch), one of the canonical key paths its expression touches (regex, see
# key_paths()), or the expression text (regex). Delete a rule to start counting its cases.
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    name: str
    reason: str
    files: tuple[str, ...] = ()
    keys: str | None = None
    text: str | None = None

    def matches(self, case: "Case") -> bool:
        if any(fnmatch.fnmatch(case.rel, pattern) for pattern in self.files):
            return True
        if self.keys and any(re.search(self.keys, path) for path in case.keys):
            return True
        return bool(self.text and re.search(self.text, case.expect))


UNMAPPED: tuple[Rule, ...] = (
    Rule("itunes", "Apple podcast namespace (itunes:*): directory metadata, not federated",
         files=("wellformed/itunes/*",), keys=r"\bitunes_"),
    Rule("media-rss", "Media RSS (media:*) players, credits, ratings, thumbnails, categories",
         files=("wellformed/media-rss/*",), keys=r"\bmedia_"),
    Rule("psc", "Podlove Simple Chapters (psc:chapters)", keys=r"\bpsc_"),
    Rule("geo", "GeoRSS / GML locations (where)",
         files=("wellformed/geo/*", "illformed/geo/*"), keys=r"\bwhere\b"),
    Rule("cdf", "Microsoft Channel Definition Format (1997) is not a supported feed format",
         files=("wellformed/cdf/*",)),
    Rule("chardet", "statistical charset guessing for undeclared legacy encodings",
         files=("illformed/chardet/*",)),
    Rule("http-metadata", "HTTP response metadata (headers, etag, modified) is the fetcher's, not the parser's",
         keys=r"^(headers|etag|modified|modified_parsed|status|href)$"),
    Rule("python-exception", "bozo_exception is a Python exception class",
         keys=r"^(bozo_exception|feedparser)\b"),
    Rule("sanitizer-allow-list", "feedparser's allow-list of harmless elements and attributes; Junction keeps a stricter one",
         files=("wellformed/sanitize/acceptable_*",)),
    Rule("sanitizer-css", "feedparser's CSS property filter for style attributes; Junction drops style",
         files=("wellformed/sanitize/style_*",)),
    Rule("svg-mathml", "inline SVG and MathML in content; Junction's sanitiser removes them",
         text=r"<(svg|math)\b"),
    Rule("unknown-elements", "feedparser copies unknown elements into the entry (madeup_element, abcdefg)",
         keys=r"\.(madeup_element|abcdefg)$"),
    Rule("licence", "Creative Commons licence links (license)", keys=r"\blicense\b"),
    Rule("publisher", "publisher / webMaster / dc:publisher", keys=r"\bpublisher"),
    Rule("generator", "generator (the software that wrote the feed)", keys=r"\bgenerator"),
    Rule("rss-channel-extras", "RSS channel plumbing: cloud, textInput, ttl, docs, newLocation",
         keys=r"^feed\.(cloud|textinput|ttl|docs|newlocation)\b"),
    Rule("rss-image-details", "RSS <image> size, title, link, description; only its URL is kept (feed avatar)",
         keys=r"^feed\.image\.(width|height|title|link|description)$"),
    Rule("extra-dates", "created, expired and dcterms:valid dates; only published and updated are stored",
         keys=r"\.(created|expired|validity_start|validity_end)(_parsed)?$"),
    Rule("contributors", "contributors; only authors are attributed", keys=r"\bcontributors\b"),
    Rule("atom-source", "atom:source / RSS <source>: the feed a copied entry came from", keys=r"^entries\[\]\.source\b"),
    Rule("rights", "rights / copyright statements", keys=r"\brights(_detail)?\b"),
    Rule("atom03-info", "Atom 0.3 <info> (a note about the feed format)", keys=r"\binfo(_detail)?\b"),
    Rule("comment-links", "RSS <comments> and wfw: comment-feed URLs", keys=r"\.(comments|wfw_comment|wfw_commentrss)$"),
)


# --------------------------------------------------------------------------------------------
# Reading the corpus
# --------------------------------------------------------------------------------------------

@dataclass
class Case:
    path: str                 # absolute path of the feed file
    rel: str                  # path inside the corpus, with forward slashes
    folder: str               # rel's folder: the unit of reporting and of batching
    description: str
    expect: str
    headers: dict[str, str]   # Header: hints, Content-type taken out
    content_type: str | None
    url: str | None           # the mock-server URL upstream fetches "http" files from
    keys: tuple[str, ...] = ()
    rule: Rule | None = None
    outcome: str = ""         # "pass", "fail" or "unmappable"
    detail: str = ""

    @property
    def hinted(self) -> bool:
        return bool(self.content_type or self.url or self.headers)


def decode_text(data: bytes) -> str:
    """The file's text by its byte-order mark, as feedparser's tests/helpers.py reads it."""
    boms = (
        (b"\x00\x00\xfe\xff", "utf-32be", 4), (b"\xff\xfe\x00\x00", "utf-32le", 4),
        (b"\x00\x00\x00\x3c", "utf-32be", 0), (b"\x3c\x00\x00\x00", "utf-32le", 0),
        (b"\x00\x3c\x00\x3f", "utf-16be", 0), (b"\x3c\x00\x3f\x00", "utf-16le", 0),
        (b"\xfe\xff", "utf-16be", 2), (b"\xff\xfe", "utf-16le", 2), (b"\xef\xbb\xbf", "utf-8", 3),
    )
    for bom, codec, skip in boms:
        if data.startswith(bom):
            return data[skip:].decode(codec, errors="ignore")
    return data.decode("utf-8", errors="ignore")


def load_case(corpus: str, path: str) -> Case | None:
    with open(path, "rb") as f:
        text = decode_text(f.read())
    found = DESCRIPTION_RE.search(text)
    if not found:
        return None
    rel = os.path.relpath(path, corpus).replace(os.sep, "/")
    headers = {name.strip(): value.strip() for name, value in HEADER_RE.findall(text)}
    content_type = headers.pop("Content-type", None)
    url = None
    if "http" in rel:
        url = HTTP_BASE + rel
        content_type = content_type or "text/xml"
    case = Case(path=path, rel=rel, folder=os.path.dirname(rel) or ".", description=found.group(1).strip(),
                expect=found.group(2).strip(), headers=headers, content_type=content_type, url=url)
    case.keys = key_paths(case.expect)
    case.rule = next((rule for rule in UNMAPPED if rule.matches(case)), None)
    return case


def load_corpus(corpus: str, folders: list[str]) -> list[Case]:
    cases = []
    for top, dirs, files in os.walk(corpus):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(".xml"):
                continue
            case = load_case(corpus, os.path.join(top, name))
            if case and (not folders or any(case.rel.startswith(f.rstrip("/") + "/") for f in folders)):
                cases.append(case)
    return cases


# --------------------------------------------------------------------------------------------
# Which keys an expectation touches
# --------------------------------------------------------------------------------------------

# feedparser's FeedParserDict.keymap (6.0.x): old names still used by the expectations.
KEYMAP: dict[str, str | list[str]] = {
    "channel": "feed", "items": "entries", "guid": "id",
    "date": "updated", "date_parsed": "updated_parsed",
    "description": ["summary", "subtitle"], "description_detail": ["summary_detail", "subtitle_detail"],
    "url": ["href"], "modified": "updated", "modified_parsed": "updated_parsed",
    "issued": "published", "issued_parsed": "published_parsed",
    "copyright": "rights", "copyright_detail": "rights_detail",
    "tagline": "subtitle", "tagline_detail": "subtitle_detail",
}
METHODS = {"get", "has_key"}
EVAL_NAMES = {"len", "ord", "isinstance", "locals", "datetime", "feedparser"}


def access_chain(node: ast.AST) -> list[str] | None:
    """['entries', '[]', 'links', '[]', 'href'] for entries[0].links[0]['href'], else None."""
    parts: list[str] = []
    while True:
        if isinstance(node, ast.Subscript):
            index = node.slice
            is_key = isinstance(index, ast.Constant) and isinstance(index.value, str)
            parts.append(index.value if is_key else "[]")
            node = node.value
        elif isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in METHODS
              and node.args and isinstance(node.args[0], ast.Constant)):
            parts.append(node.args[0].value)
            node = node.func.value
        elif isinstance(node, ast.Name):
            parts.append(node.id)
            return parts[::-1]
        else:
            return None


def canonical(parts: list[str]) -> str:
    """Resolve feedparser's aliases so that e.g. feed.tagline and feed.subtitle count as one key."""
    out: list[str] = [parts[0]] if parts[0] not in ("channel", "items") else [str(KEYMAP[parts[0]])]
    for part in parts[1:]:
        if part == "category":
            out += ["tags", "[]", "term"]
            continue
        alias = KEYMAP.get(part, part)
        if isinstance(alias, list):
            in_feed = out[-1] in ("feed", "source")
            alias = alias[-1] if in_feed and len(alias) > 1 else alias[0]
        out.append(alias)
    return ".".join(out).replace(".[]", "[]")


def key_paths(expect: str) -> tuple[str, ...]:
    """The canonical key paths an expression reads, longest only (feed.title_detail.type, not feed)."""
    tree = ast.parse(expect, mode="eval")
    method_nodes = {id(n.func) for n in ast.walk(tree)
                    if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in METHODS}
    paths: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in method_nodes:
            continue
        # 'modified' in locals(): a top-level key
        if (isinstance(node, ast.Compare) and isinstance(node.left, ast.Constant)
                and isinstance(node.comparators[0], ast.Call)
                and getattr(node.comparators[0].func, "id", "") == "locals"):
            paths.add(str(node.left.value))
        chain = access_chain(node)
        if chain and chain[0] not in EVAL_NAMES:
            paths.add(canonical(chain))
        elif chain and chain[0] in ("feedparser",):
            paths.add(".".join(chain))
    longest = {p for p in paths if not any(q != p and (q.startswith(p + ".") or q.startswith(p + "[")) for q in paths)}
    return tuple(sorted(longest))


# --------------------------------------------------------------------------------------------
# feedparser's result semantics over plain JSON
# --------------------------------------------------------------------------------------------

class FeedDict(dict):
    """Plain JSON object with feedparser's FeedParserDict access rules (6.0.x)."""

    def __getitem__(self, key):
        if key == "category":
            try:
                return dict.__getitem__(self, "tags")[0]["term"]
            except IndexError:
                raise KeyError("category") from None
        if key == "enclosures":
            return [FeedDict((k, v) for k, v in link.items() if k != "rel")
                    for link in dict.__getitem__(self, "links") if link.get("rel") == "enclosure"]
        if key == "license":
            for link in dict.__getitem__(self, "links"):
                if link.get("rel") == "license" and "href" in link:
                    return link["href"]
        if key in ("updated", "updated_parsed"):
            published = key.replace("updated", "published")
            if not dict.__contains__(self, key) and dict.__contains__(self, published):
                return dict.__getitem__(self, published)
            return dict.__getitem__(self, key)
        real = KEYMAP.get(key, key)
        for candidate in (real if isinstance(real, list) else [real]):
            if dict.__contains__(self, candidate):
                return dict.__getitem__(self, candidate)
        return dict.__getitem__(self, key)

    def __contains__(self, key):
        if key in ("updated", "updated_parsed"):
            return dict.__contains__(self, key)
        try:
            self[key]
        except KeyError:
            return False
        return True

    has_key = __contains__

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None


class _FeedparserNames:
    """Stands in for the `feedparser` module in expressions (its exception classes)."""

    class ThingsNobodyCaresAboutButMe(Exception): pass
    class CharacterEncodingOverride(ThingsNobodyCaresAboutButMe): pass
    class CharacterEncodingUnknown(ThingsNobodyCaresAboutButMe): pass
    class NonXMLContentType(ThingsNobodyCaresAboutButMe): pass
    class UndeclaredNamespace(Exception): pass


def exception_from(value):
    """bozo_exception arrives as "ClassName: message"; make it an instance of that class."""
    name, _, message = str(value).partition(":")
    cls = getattr(_FeedparserNames, name.strip(), None)
    if not (isinstance(cls, type) and issubclass(cls, Exception)):
        cls = type(name.strip() or "Exception", (Exception,), {})
    return cls(message.strip())


def revive(value, key: str = ""):
    """JSON → feedparser-like values: FeedDict, struct_time, timedelta, tuples for coordinates."""
    if isinstance(value, dict):
        return FeedDict((k, revive(v, k)) for k, v in value.items())
    if key.endswith("_parsed"):
        if isinstance(value, list) and len(value) == 9 and all(isinstance(x, int) for x in value):
            return time.struct_time(value)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return datetime.timedelta(seconds=value)
    if key == "coordinates" and isinstance(value, list):
        return as_tuples(value)
    if key == "bozo_exception" and value is not None:
        return exception_from(value)
    if isinstance(value, list):
        return [revive(v, key) for v in value]
    return value


def as_tuples(value):
    return tuple(as_tuples(v) for v in value) if isinstance(value, list) else value


EVAL_GLOBALS = {
    "__builtins__": {"len": len, "ord": ord, "isinstance": isinstance, "locals": locals,
                     "True": True, "False": False, "None": None},
    "datetime": datetime,
    "feedparser": _FeedparserNames,
}


def evaluate(case: Case, result) -> None:
    """Set case.outcome and case.detail from one parse result (a JSON object or an error string)."""
    if not isinstance(result, dict):
        case.outcome, case.detail = "fail", f"no result: {result}"
        return
    env = revive(result)
    try:
        ok = eval(case.expect, EVAL_GLOBALS, env)
    except Exception as error:  # a missing key fails the expectation, it doesn't stop the run
        case.outcome, case.detail = "fail", f"{type(error).__name__}: {error}"
        return
    # Upstream also asserts that every well-formed feed parses without a bozo.
    if ok and case.rel.startswith("wellformed/") and env.get("bozo"):
        case.outcome, case.detail = "fail", f"bozo on a well-formed feed: {env.get('bozo_exception')}"
        return
    case.outcome, case.detail = ("pass", "") if ok else ("fail", "expression is false")


def show_values(case: Case, result) -> list[str]:
    """The values of the keys an expression reads, to see why it failed."""
    env = revive(result) if isinstance(result, dict) else FeedDict()
    lines: list[str] = []
    for node in ast.walk(ast.parse(case.expect, mode="eval")):
        chain = access_chain(node)
        source = ast.unparse(node)
        if not chain or chain[0] in EVAL_NAMES or any(source in line for line in lines):
            continue
        try:
            value = repr(eval(source, EVAL_GLOBALS, env))
        except Exception as error:
            value = f"<{type(error).__name__}: {error}>"
        lines.append(f"{source} = {value[:300]}")
    return lines


# --------------------------------------------------------------------------------------------
# Running the command
# --------------------------------------------------------------------------------------------

def invocation(command: list[str], case: Case) -> list[str]:
    args = command + ["--json"]
    if case.content_type:
        args += ["--content-type", case.content_type]
    if case.url:
        args += ["--url", case.url]
    for name, value in case.headers.items():
        args += ["--header", f"{name}: {value}"]
    return args + [case.path]


def run_json(args: list[str], timeout: float):
    """The command's JSON output, or a string saying what went wrong."""
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # its own session: the command and its children
        process.communicate()
        return f"timed out after {timeout:g} s"
    if process.returncode != 0:
        return f"exit {process.returncode}: {stderr.decode(errors='replace').strip()[-500:]}"
    try:
        return json.loads(stdout)
    except ValueError as error:
        return f"output is not JSON ({error}): {stdout[:200]!r}"


def parse_all(command: list[str], cases: list[Case], batch: bool, timeout: float, jobs: int) -> dict[str, object]:
    """Parse results keyed by case.path: one call per folder in batch mode, else one per file."""
    singles = [c for c in cases if c.hinted or not batch]
    batches: dict[str, list[Case]] = {}
    for case in cases:
        if batch and not case.hinted:
            batches.setdefault(case.folder, []).append(case)

    results: dict[str, object] = {}

    def run_batch(group: list[Case]):
        out = run_json(command + ["--json", "--batch"] + [c.path for c in group], timeout + 0.5 * len(group))
        if isinstance(out, dict):
            return {c.path: out.get(c.path, "missing from the batch output") for c in group}
        # The whole batch failed: run its files one by one so one bad file costs one case.
        return {c.path: run_json(invocation(command, c), timeout) for c in group}

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(run_batch, group) for group in batches.values()]
        futures += [pool.submit(lambda c=c: {c.path: run_json(invocation(command, c), timeout)}) for c in singles]
        for future in concurrent.futures.as_completed(futures):
            results.update(future.result())
    return results


# --------------------------------------------------------------------------------------------
# Reference mode: feedparser itself behind the same command-line interface
# --------------------------------------------------------------------------------------------

def feedparser_command(argv: list[str]) -> int:
    """`feedparser-expect.py --emulate-feedparser --json [...] FILE...`: what junction prints, by feedparser."""
    import feedparser  # only here: the runner itself needs nothing outside the standard library
    import feedparser.api

    parser = argparse.ArgumentParser(prog="feedparser-expect.py --emulate-feedparser")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--batch", action="store_true")
    parser.add_argument("--content-type")
    parser.add_argument("--url")
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("files", nargs="+")
    args = parser.parse_args(argv)

    def parse(path: str):
        if not (args.url or args.content_type or args.header):
            return feedparser.parse(path)
        headers = {"content-type": args.content_type or "text/xml"}
        headers.update((n.strip().lower(), v.strip()) for n, v in (h.split(":", 1) for h in args.header))

        def open_resource(_source, _etag, _modified, _agent, _referrer, _handlers, _request_headers, result):
            # What feedparser.http.get() records after a fetch, without the network.
            result["headers"] = dict(headers)
            if headers.get("etag"):
                result["etag"] = headers["etag"]
            if headers.get("last-modified"):
                result["modified"] = headers["last-modified"]
                result["modified_parsed"] = feedparser.datetimes._parse_date(headers["last-modified"])
            result["href"] = args.url or ""
            result["status"] = 200
            with open(path, "rb") as f:
                return f.read()

        saved = feedparser.api._open_resource
        feedparser.api._open_resource = open_resource
        try:
            return feedparser.parse(args.url or path)
        finally:
            feedparser.api._open_resource = saved

    def plain(value):
        if isinstance(value, time.struct_time):
            return list(value)
        if isinstance(value, datetime.timedelta):
            return value.total_seconds()
        if isinstance(value, BaseException):
            return f"{type(value).__name__}: {value}"
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, bytes):
            return value.decode("utf-8", errors="replace")
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        return str(value)

    if args.batch:
        out = {path: plain(parse(path)) for path in args.files}
    else:
        out = plain(parse(args.files[0]))
    json.dump(out, sys.stdout, ensure_ascii=False)
    return 0


def reference_command(python: str | None) -> list[str]:
    candidates = [python] if python else [os.path.join(REFERENCE_VENV, "bin", "python"), sys.executable]
    for candidate in candidates:
        if candidate and subprocess.run([candidate, "-c", "import feedparser"], capture_output=True).returncode == 0:
            return [candidate, os.path.abspath(__file__), "--emulate-feedparser"]
    sys.exit(f"feedparser is not importable; install it with:\n"
             f"  python3 -m venv {REFERENCE_VENV} && {REFERENCE_VENV}/bin/pip install "
             f"feedparser=={REFERENCE_VERSION} 'chardet<6'")


# --------------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------------

def tally(cases: list[Case]) -> dict[str, dict[str, int]]:
    folders: dict[str, dict[str, int]] = {}
    for case in cases:
        row = folders.setdefault(case.folder, {"total": 0, "mappable": 0, "passed": 0})
        row["total"] += 1
        if case.outcome != "unmappable":
            row["mappable"] += 1
            row["passed"] += case.outcome == "pass"
    return dict(sorted(folders.items()))


def overall(folders: dict[str, dict[str, int]]) -> dict[str, int]:
    return {k: sum(row[k] for row in folders.values()) for k in ("total", "mappable", "passed")}


def percent(row: dict[str, int]) -> float:
    return 100.0 * row["passed"] / row["mappable"] if row["mappable"] else 100.0


def rate(row: dict[str, int]) -> float | None:
    """The pass percentage for reports: none where nothing is mappable."""
    return round(percent(row), 1) if row["mappable"] else None


def table_row(name: str, row: dict[str, int]) -> str:
    shown = f"{percent(row):6.1f}" if row["mappable"] else f"{'-':>6}"
    return f"{name:28} {row['total']:6} {row['mappable']:8} {row['passed']:7} {shown}"


def print_table(folders: dict[str, dict[str, int]]) -> None:
    print(f"{'folder':28} {'total':>6} {'mappable':>8} {'passed':>7} {'%':>6}")
    tops: dict[str, dict[str, int]] = {}
    for name, row in folders.items():
        print(table_row(name, row))
        top = tops.setdefault(name.split("/")[0], {"total": 0, "mappable": 0, "passed": 0})
        for k in top:
            top[k] += row[k]
    print("-" * 59)
    for name, row in tops.items():
        print(table_row(name + "/ (all)", row))
    print(table_row("overall", overall(folders)))


def print_rules(cases: list[Case]) -> None:
    counts: dict[str, int] = {}
    for case in cases:
        if case.rule:
            counts[case.rule.name] = counts.get(case.rule.name, 0) + 1
    print("\nunmappable, by rule:")
    for rule in UNMAPPED:
        print(f"  {counts.get(rule.name, 0):5}  {rule.name:22} {rule.reason}")


def print_keys(cases: list[Case], limit: int) -> None:
    every: dict[str, int] = {}
    mapped: dict[str, int] = {}
    for case in cases:
        for key in case.keys:
            every[key] = every.get(key, 0) + 1
            if not case.rule:
                mapped[key] = mapped.get(key, 0) + 1
    print(f"{'key path':44} {'mappable':>8} {'all':>5}")
    for key in sorted(every, key=lambda k: (-mapped.get(k, 0), -every[k], k))[:limit]:
        print(f"{key:44} {mapped.get(key, 0):8} {every[key]:5}")


def print_failures(cases: list[Case], results: dict[str, object], limit: int) -> None:
    failed = [c for c in cases if c.outcome == "fail"]
    if not failed or limit <= 0:
        return
    print(f"\nfailures ({len(failed)}; first {min(limit, len(failed))}):")
    for case in failed[:limit]:
        print(f"\n  {case.rel}: {case.description}\n    expect: {case.expect[:400]}\n    {case.detail[:400]}")
        for line in show_values(case, results.get(case.path)):
            print(f"      {line}")


def record(path: str, folders: dict[str, dict[str, int]], command: str) -> None:
    """Write the figures; folders not run this time keep their recorded ones."""
    kept: dict[str, dict] = {}
    if os.path.exists(path):
        with open(path) as f:
            kept = json.load(f).get("folders", {})
    kept.update({name: dict(row, percent=rate(row)) for name, row in folders.items()})
    total = overall(kept)
    data = {
        "about": "feedparser corpus expectations met by `junction feed parse --json`; "
                 "written by scripts/feedparser-expect.py --record, checked by its --check",
        "command": command,
        "folders": dict(sorted(kept.items())),
        "overall": dict(total, percent=rate(total)),
    }
    with open(path, "w") as f:
        json.dump(data, f, indent=2)
        f.write("\n")


def check(path: str, folders: dict[str, dict[str, int]]) -> list[str]:
    with open(path) as f:
        recorded = json.load(f).get("folders", {})
    problems = []
    for name, row in folders.items():
        before = recorded.get(name, {}).get("passed", 0)
        if row["passed"] < before:
            problems.append(f"{name}: {row['passed']} passed, {before} recorded")
    total = overall(folders)
    if percent(total) < REQUIRED_PASS_RATE:
        problems.append(f"overall: {percent(total):.1f}% of mappable expectations pass, "
                        f"{REQUIRED_PASS_RATE:g}% required")
    return problems


def main() -> int:
    if sys.argv[1:2] == ["--emulate-feedparser"]:
        return feedparser_command(sys.argv[2:])

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--command", help="the parse command, e.g. '.build/debug/junction feed parse'")
    source.add_argument("--reference", action="store_true", help="run feedparser itself behind the same interface")
    source.add_argument("--keys", type=int, metavar="N", help="print the N keys most expectations read, and stop")
    parser.add_argument("--reference-python", help=f"a python that imports feedparser (default {REFERENCE_VENV}/bin/python)")
    parser.add_argument("--corpus", default=DEFAULT_CORPUS, help="the feedparser corpus folder")
    parser.add_argument("--folder", action="append", default=[], help="only this corpus folder (repeatable), e.g. wellformed/atom")
    parser.add_argument("--batch", action="store_true", help="one command call per folder for files without header hints")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per file (default 10)")
    parser.add_argument("--jobs", type=int, default=2, help="command calls at once (default 2)")
    parser.add_argument("--record", metavar="JSON", help="write the per-folder figures to this file")
    parser.add_argument("--check", metavar="JSON", help="exit 1 if a folder passes fewer than recorded, "
                                                         f"or fewer than {REQUIRED_PASS_RATE:g}%% of mappable pass")
    parser.add_argument("--show-failures", type=int, default=0, metavar="N", help="print the first N failures")
    parser.add_argument("--all", action="store_true", help="evaluate the unmappable expectations too (to validate the runner)")
    args = parser.parse_args()

    corpus = os.path.abspath(args.corpus)
    if not os.path.isdir(corpus):
        parser.error(f"no corpus at {corpus}")
    cases = load_corpus(corpus, args.folder)
    if not cases:
        parser.error("no expectations found")

    if args.keys:
        print_keys(cases, args.keys)
        return 0
    if not (args.command or args.reference):
        parser.error("one of --command, --reference or --keys is required")
    command = reference_command(args.reference_python) if args.reference else shlex.split(args.command)
    if args.all:
        for case in cases:
            case.rule = None
    mappable = [c for c in cases if not c.rule]
    for case in cases:
        if case.rule:
            case.outcome = "unmappable"

    started = time.monotonic()
    try:
        results = parse_all(command, mappable, args.batch, args.timeout, args.jobs)
    except OSError as error:
        sys.exit(f"cannot run the command: {error}")
    for case in mappable:
        evaluate(case, results.get(case.path, "not run"))

    folders = tally(cases)
    print_table(folders)
    print_rules(cases)
    print_failures(cases, results, args.show_failures)
    print(f"\n{len(cases)} expectations in {time.monotonic() - started:.1f} s")

    status = 0
    if args.check:
        problems = check(args.check, folders)
        for problem in problems:
            print(f"check: {problem}", file=sys.stderr)
        status = 1 if problems else 0
    if args.record:
        record(args.record, folders, "reference feedparser" if args.reference else args.command)
    return status


if __name__ == "__main__":
    sys.exit(main())
