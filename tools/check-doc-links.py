#!/usr/bin/env python3
"""Checks that every relative link and #anchor in the repository's Markdown files resolves.

Usage: python3 tools/check-doc-links.py [repo-root]

Reads every *.md file git knows (tracked, or new and not ignored), finds inline links and images
([text](target), ![alt](target)) and reference definitions ([name]: target) outside code, and checks that
  - a relative path names an existing file or folder (relative to the linking file; a leading / means the
    repository root), and
  - an #anchor names a heading of the target Markdown file, slugged as GitHub does, or an explicit
    <a id="..."> / <a name="..."> in it.
Absolute URLs (http:, https:, mailto:, ...) are not fetched. Each broken link is printed as file:line: link;
the exit code is 1 when there is any, 0 otherwise.
"""
import os
import re
import subprocess
import sys
import unicodedata
from urllib.parse import unquote

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
INLINE_CODE = re.compile(r"(`+)(?:.+?)\1")
# [text](target) or ![alt](target); the text may hold one level of brackets, the target may be <...> and carry a title.
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
REFERENCE_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
HTML_ANCHOR = re.compile(r"<a\s+[^>]*?(?:id|name)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def markdown_files(root):
    try:
        out = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", "*.md"],
            cwd=root, check=True, capture_output=True).stdout.decode("utf-8")
        files = [f for f in out.split("\0") if f]
    except (OSError, subprocess.CalledProcessError):
        files = [os.path.relpath(os.path.join(d, f), root)
                 for d, _, names in os.walk(root) if "/." not in d and "/bin" not in d and "/obj" not in d
                 for f in names if f.endswith(".md")]
    return sorted(set(f for f in files if os.path.isfile(os.path.join(root, f))))


def prose_lines(text):
    """(line number, line, line with inline code spans blanked) for lines outside fenced code blocks."""
    fence = None
    for number, line in enumerate(text.splitlines(), start=1):
        m = FENCE.match(line)
        if fence is None and m:
            fence = m.group(1)
            continue
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and line.strip() == m.group(1):
                fence = None
            continue
        yield number, line, INLINE_CODE.sub(lambda c: " " * len(c.group(0)), line)


def github_slug(heading):
    """GitHub's heading anchor: rendered text, lower-cased, punctuation dropped, each space a hyphen."""
    text = re.sub(r"<[^>]+>", "", heading)                              # HTML tags (e.g. <a id="s1"></a>)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)              # links and images: their text
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)                     # strong emphasis
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*", r"\1", text)     # emphasis with *
    text = text.replace("`", "")
    text = text.strip().lower()
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if category[0] in ("L", "M", "N") or category == "Pc" or ch in (" ", "-"):
            kept.append(ch)
    return "".join(kept).replace(" ", "-")


def anchors_of(path, cache):
    if path in cache:
        return cache[path]
    anchors = set()
    counts = {}
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError):
        cache[path] = anchors
        return anchors
    previous = None
    for _, line, prose in prose_lines(text):
        for m in HTML_ANCHOR.finditer(prose):
            anchors.add(m.group(1))
        heading = None
        m = HEADING.match(line)
        if m:
            heading = m.group(2)
        elif previous and previous.strip() and SETEXT.match(line) and not HEADING.match(previous):
            heading = previous.strip()
        if heading is not None:
            for a in HTML_ANCHOR.finditer(heading):
                anchors.add(a.group(1))
            slug = github_slug(heading)
            n = counts.get(slug, 0)
            counts[slug] = n + 1
            anchors.add(slug if n == 0 else f"{slug}-{n}")
        previous = line
    cache[path] = anchors
    return anchors


def links_in(text):
    for number, _, line in prose_lines(text):
        for m in INLINE_LINK.finditer(line):
            yield number, m.group(1)
        m = REFERENCE_DEF.match(line)
        if m:
            yield number, m.group(1)


def problem(root, source, target, cache):
    """None when target resolves from source, else a reason."""
    if target.startswith("<") and target.endswith(">"):
        target = target[1:-1]
    if not target or SCHEME.match(target) or target.startswith("//"):
        return None
    path_part, _, anchor = target.partition("#")
    path_part = unquote(path_part.split("?", 1)[0])
    if path_part:
        base = root if path_part.startswith("/") else os.path.dirname(os.path.join(root, source))
        resolved = os.path.normpath(os.path.join(base, path_part.lstrip("/")))
        if os.path.relpath(resolved, root).split(os.sep)[0] == "..":
            return "points outside the repository"
        if not os.path.exists(resolved):
            return "no such file"
    else:
        resolved = os.path.join(root, source)
    if anchor and os.path.isfile(resolved) and resolved.endswith(".md"):
        if unquote(anchor) not in anchors_of(resolved, cache):
            return "no such heading"
    return None


def main(argv):
    root = os.path.abspath(argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
    cache = {}
    broken = 0
    files = markdown_files(root)
    for source in files:
        with open(os.path.join(root, source), encoding="utf-8") as f:
            text = f.read()
        for number, target in links_in(text):
            reason = problem(root, source, target, cache)
            if reason:
                broken += 1
                print(f"{source}:{number}: {target} ({reason})")
    print(f"{len(files)} Markdown files checked, {broken} broken link(s).", file=sys.stderr)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
