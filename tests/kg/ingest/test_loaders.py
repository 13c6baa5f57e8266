"""Loaders against real files: every format loads, ids are stable, each bad input is a clear failure."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from pathlib import Path

import pytest

import trellis.kg.ingest.loaders as loaders
from trellis.kg.ingest.loaders import LoadFailure, load_bytes, load_file, load_paths
from trellis.kg.ingest.loaders.folders import compile_globs
from trellis.kg.types import Document

REPO = Path(__file__).resolve().parents[3]
SAMPLE = REPO / "data" / "sample"
LIMIT = 1_000_000


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[str], *, title: str | None = None) -> bytes:
    """A minimal valid PDF written by hand: one page per string, one Helvetica text line per input line."""
    count = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(count))
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {count} >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for index, text in enumerate(pages):
        shown = " ".join(f"({_escape(line)}) Tj T*" for line in text.splitlines())
        stream = f"BT /F1 12 Tf 14 TL 72 720 Td {shown} ET" if shown else ""
        objects.append(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * index} 0 R >>"
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
    if title is not None:
        objects.append(f"<< /Title ({_escape(title)}) >>")
    body = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    info = f" /Info {len(objects)} 0 R" if title is not None else ""
    body += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(body)


def _write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def _split(results: Iterable[Document | LoadFailure]) -> tuple[list[Document], list[LoadFailure]]:
    documents: list[Document] = []
    failures: list[LoadFailure] = []
    for result in results:
        (documents if isinstance(result, Document) else failures).append(result)
    return documents, failures


def _one_document(path: Path) -> Document:
    documents, failures = _split(load_file(path, max_bytes=LIMIT))
    assert not failures, failures
    assert len(documents) == 1
    return documents[0]


def _one_failure(path: Path, max_bytes: int = LIMIT) -> LoadFailure:
    documents, failures = _split(load_file(path, max_bytes=max_bytes))
    assert not documents
    assert len(failures) == 1, failures
    assert failures[0].source.endswith(path.name)
    return failures[0]


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Balkan
  capitals</title><style>p { color: red; }</style><script>var hidden = "script text";</script></head>
<body>
<header><nav><a href="/">Home</a> <a href="/about">About</a></nav></header>
<main><h1>Capitals</h1>
<p>Tirana is the <b>capital</b>
   of <a href="/albania">Albania</a>.</p>
<div hidden>hidden text</div>
<ul><li>Skopje is the capital of North Macedonia.</li><li>Sofia<br>Bulgaria</li></ul></main>
<aside>Related pages</aside><footer>Copyright footer</footer>
</body></html>
"""

MARKDOWN = """---
layout: note
---
# Capitals of the *Balkans*

Tirana is the **capital** of [Albania](https://en.wikipedia.org/wiki/Albania), and
the lek is its currency.

## Others

- Skopje is the capital of North Macedonia.
- `Sofia` is the capital of Bulgaria.

![A map of the Balkans](map.png)
<!-- a comment that is not text -->
"""


# --- each format loads ----------------------------------------------------------------------------


def test_txt_loads_with_stem_title_stable_id_and_hash(tmp_path: Path) -> None:
    path = _write(tmp_path / "albania facts.txt", "Tirana is the capital   of Albania.\r\n\r\n\r\nIt uses the lek.\n")
    document = _one_document(path)
    source = str(path.resolve())
    assert document.text == "Tirana is the capital of Albania.\n\nIt uses the lek."
    assert document.title == "albania facts"
    assert document.source == source
    key = f"{tmp_path.name}/albania facts.txt"  # the folder's name and the file's: no absolute part
    assert document.id == "doc-" + hashlib.sha256(key.encode()).hexdigest()[:16]
    assert document.sha256 == hashlib.sha256(document.text.encode()).hexdigest()
    assert document.metadata == {"format": "txt", "byte_size": path.stat().st_size}


def test_markdown_loads_without_markup_and_titled_by_first_heading(tmp_path: Path) -> None:
    document = _one_document(_write(tmp_path / "capitals.md", MARKDOWN))
    assert document.title == "Capitals of the Balkans"
    assert document.metadata["format"] == "md"
    assert document.text == (
        "Capitals of the Balkans\n\n"
        "Tirana is the capital of Albania, and the lek is its currency.\n\n"
        "Others\n\n"
        "Skopje is the capital of North Macedonia.\nSofia is the capital of Bulgaria.\n\n"
        "A map of the Balkans"
    )


def test_markdown_title_comes_from_front_matter_then_setext_heading(tmp_path: Path) -> None:
    front = _one_document(_write(tmp_path / "a.md", '---\ntitle: "Front title"\n---\n# Heading\n\nText.\n'))
    setext = _one_document(_write(tmp_path / "b.md", "Setext title\n============\n\nText.\n"))
    plain = _one_document(_write(tmp_path / "c.md", "Just text, no heading.\n"))
    assert (front.title, setext.title, plain.title) == ("Front title", "Setext title", "c")


def test_html_loads_without_boilerplate_and_keeps_title(tmp_path: Path) -> None:
    document = _one_document(_write(tmp_path / "page.html", PAGE))
    assert document.title == "Balkan capitals"
    assert document.text == (
        "Capitals\n\nTirana is the capital of Albania.\n\nSkopje is the capital of North Macedonia.\n\nSofia\nBulgaria"
    )
    for boilerplate in ("script text", "color", "Home", "hidden text", "Related", "Copyright"):
        assert boilerplate not in document.text
    assert document.metadata == {"format": "html", "byte_size": len(PAGE.encode()), "language": "en"}


def test_html_title_falls_back_to_h1_then_stem_and_honours_declared_charset(tmp_path: Path) -> None:
    h1 = _one_document(_write(tmp_path / "a.htm", "<body><h1>Heading one</h1><p>Text.</p></body>"))
    stem = _one_document(_write(tmp_path / "b.htm", "<p>Only a paragraph.</p>"))
    latin = b'<html><head><meta charset="windows-1252"><title>Caf\xe9</title></head><p>Caf\xe9 \x96 bar</p>'
    declared = _one_document(_write(tmp_path / "c.html", latin))
    assert (h1.title, stem.title) == ("Heading one", "b")
    assert (declared.title, declared.text) == ("Caf\u00e9", "Caf\u00e9 \u2013 bar")


def test_pdf_loads_every_page_with_title(tmp_path: Path) -> None:
    pdf = make_pdf(
        [
            "Tirana is the capital of Albania. It lies in the\ncentre of the country.",
            "Skopje is in North Macedonia.",
        ],
        title="Balkan capitals",
    )
    document = _one_document(_write(tmp_path / "capitals.pdf", pdf))
    assert document.title == "Balkan capitals"
    assert document.text == (
        "Tirana is the capital of Albania. It lies in the centre of the country.\n\nSkopje is in North Macedonia."
    )
    assert document.metadata == {"format": "pdf", "byte_size": len(pdf), "pages": 2, "unreadable_pages": 0}
    untitled = _one_document(_write(tmp_path / "untitled.pdf", make_pdf(["Some text."])))
    assert untitled.title == "untitled"


def test_jsonl_loads_one_document_per_line(tmp_path: Path) -> None:
    lines = [
        {
            "id": "albania",
            "text": "Tirana is the capital of Albania.",
            "title": "Albania",
            "metadata": {"lang": "en"},
        },
        {
            "id": "angola",
            "text": "Luanda is the capital of Angola.",
            "metadata": {"tags": ["africa", "country"]},
        },
    ]
    path = _write(tmp_path / "corpus.jsonl", "".join(json.dumps(line) + "\n" for line in lines) + "\n")
    documents, failures = _split(load_file(path, max_bytes=LIMIT))
    assert not failures
    assert [d.id for d in documents] == ["albania", "angola"]
    assert [d.title for d in documents] == ["Albania", "angola"]  # no title: the id
    assert documents[0].source == str(path.resolve())
    assert documents[0].metadata["lang"] == "en"
    assert documents[0].metadata["format"] == "jsonl"
    assert documents[1].metadata["line"] == 2
    assert documents[1].metadata["tags"] == ["africa", "country"]


def test_byte_order_marks_are_honoured(tmp_path: Path) -> None:
    text = "Tirana is the capital of Albania."
    utf8 = _one_document(_write(tmp_path / "utf8.txt", b"\xef\xbb\xbf" + text.encode()))
    utf16 = _one_document(_write(tmp_path / "utf16.txt", text.encode("utf-16")))
    assert utf8.text == utf16.text == text


def test_load_bytes_reads_an_upload_by_its_name() -> None:
    (document,) = load_bytes(b"# Upload\n\nKabul is the capital of Afghanistan.", name="notes.md", max_bytes=LIMIT)
    assert isinstance(document, Document)
    assert (document.source, document.title, document.metadata["format"]) == ("notes.md", "Upload", "md")
    (failure,) = load_bytes(b"data", name="sheet.xlsx", source="upload:sheet.xlsx", max_bytes=LIMIT)
    assert isinstance(failure, LoadFailure)
    assert failure.source == "upload:sheet.xlsx"
    assert "unsupported file type '.xlsx'" in failure.reason


# --- ids and hashes -------------------------------------------------------------------------------


def test_ids_are_stable_across_runs_and_spellings_and_hashes_follow_the_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path / "notes" / "albania.txt", "Tirana is the capital of Albania.")
    first = _one_document(path)
    monkeypatch.chdir(tmp_path)
    again = _one_document(Path("notes/../notes/albania.txt"))
    assert (again.id, again.sha256) == (first.id, first.sha256)

    path.write_text("Tirana is the capital and largest city of Albania.", encoding="utf-8")
    changed = _one_document(path)
    assert changed.id == first.id
    assert changed.sha256 != first.sha256

    other = _one_document(_write(tmp_path / "notes" / "copy.txt", "Tirana is the capital of Albania."))
    assert other.id != first.id
    assert other.sha256 == first.sha256


def test_whitespace_only_changes_do_not_change_the_hash(tmp_path: Path) -> None:
    one = _one_document(_write(tmp_path / "one.txt", "Tirana is the capital of Albania."))
    two = _one_document(_write(tmp_path / "two.txt", "  Tirana  is the capital of\tAlbania.  \n\n"))
    assert one.sha256 == two.sha256


# --- folders --------------------------------------------------------------------------------------


def _corpus_folder(root: Path) -> Path:
    _write(root / "a.txt", "Alpha text.")
    _write(root / "b.md", "# Beta\n\nBeta text.")
    _write(root / "sub" / "c.html", "<p>Gamma text.</p>")
    _write(root / "sub" / "deeper" / "d.txt", "Delta text.")
    _write(root / "drafts" / "e.txt", "Draft text.")
    _write(root / "image.png", b"\x89PNG\r\n\x1a\n\x00\x00")  # unsupported: skipped silently
    _write(root / "notes.docx", b"PK\x03\x04")
    _write(root / ".hidden" / "f.txt", "Hidden text.")
    _write(root / ".secret.txt", "Hidden file.")
    return root


def _names(results: Iterable[Document | LoadFailure]) -> list[str]:
    documents, failures = _split(results)
    assert not failures, failures
    return [Path(d.source).relative_to(d.source.split("/corpus/")[0] + "/corpus").as_posix() for d in documents]


def test_folders_load_recursively_in_order_skipping_unsupported_and_hidden(tmp_path: Path) -> None:
    root = _corpus_folder(tmp_path / "corpus")
    assert _names(load_paths([root], max_bytes=LIMIT)) == [
        "a.txt",
        "b.md",
        "drafts/e.txt",
        "sub/c.html",
        "sub/deeper/d.txt",
    ]


def test_folders_filter_with_include_and_exclude_globs(tmp_path: Path) -> None:
    root = _corpus_folder(tmp_path / "corpus")
    assert _names(load_paths([root], include=["*.txt"], max_bytes=LIMIT)) == [
        "a.txt",
        "drafts/e.txt",
        "sub/deeper/d.txt",
    ]
    assert _names(load_paths([root], exclude=["drafts", "sub/**/*.txt"], max_bytes=LIMIT)) == [
        "a.txt",
        "b.md",
        "sub/c.html",
    ]
    assert _names(load_paths([root], include=["sub/**"], exclude=["*.html"], max_bytes=LIMIT)) == ["sub/deeper/d.txt"]


def test_globs_match_names_anywhere_and_paths_from_the_root() -> None:
    matches = compile_globs(["*.md", "notes/*.txt", "**/archive/**", "draft?"])
    assert matches("a.md") and matches("x/y/a.md")
    assert matches("notes/a.txt") and not matches("notes/sub/a.txt") and not matches("x/notes/a.txt")
    assert matches("archive/a.txt") and matches("x/archive/y/a.txt")
    assert matches("x/drafts") and not matches("x/drafts2")


def test_a_file_named_twice_loads_once(tmp_path: Path) -> None:
    root = _corpus_folder(tmp_path / "corpus")
    documents, failures = _split(load_paths([root / "a.txt", root, str(root / "a.txt")], max_bytes=LIMIT))
    assert not failures
    assert len(documents) == 5
    assert len({d.id for d in documents}) == 5


def test_a_document_id_seen_in_another_file_is_a_failure(tmp_path: Path) -> None:
    _write(tmp_path / "one.jsonl", json.dumps({"id": "same", "text": "First."}) + "\n")
    _write(tmp_path / "two.jsonl", json.dumps({"id": "same", "text": "Second."}) + "\n")
    documents, failures = _split(load_paths([tmp_path], max_bytes=LIMIT))
    assert [d.text for d in documents] == ["First."]
    assert len(failures) == 1
    assert failures[0].source.endswith("two.jsonl") and failures[0].line == 1
    assert "duplicate document id 'same'" in failures[0].reason and "one.jsonl" in failures[0].reason


# --- bad inputs -----------------------------------------------------------------------------------

BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty.txt": (b"", "empty file"),
    "blank.md": (b"  \n\t\n\r\n   ", "no text"),
    "markup-only.html": (
        b"<html><head><title>T</title></head><body><script>x()</script></body></html>",
        "no text",
    ),
    "nul.txt": (b"looks like text\x00\x01\x02 but is not", "NUL bytes (first at byte offset 15)"),
    "controls.md": (bytes(range(1, 9)) * 50 + b"some text", "control characters"),
    "mojibake.txt": (b"Tirana is the capital.\n" + bytes(range(0x80, 0x100)) * 4, "nor text in any other encoding"),
    "corrupt.pdf": (make_pdf(["Tirana is the capital of Albania."])[:300], "corrupt or unreadable PDF"),
    "not-really.pdf": (b"Tirana is the capital of Albania.", "not a PDF"),
    "scanned.pdf": (make_pdf(["", ""]), "no extractable text (2 pages"),
    "binary.jsonl": (b'{"id": "x"}\x00\x00\x00', "NUL bytes"),
    "empty.jsonl": (b"", "empty file"),
    "blank.jsonl": (b"\n  \n\n", "every line is blank"),
    "notes.docx": (b"PK\x03\x04 a zip archive", "unsupported file type '.docx'"),
    "README": (b"no extension", "unsupported file type '(no extension)'"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_gives_a_failure_naming_it(tmp_path: Path, name: str) -> None:
    content, reason = BAD_FILES[name]
    failure = _one_failure(_write(tmp_path / name, content))
    assert reason in failure.reason
    assert name in str(failure)


def test_undecodable_bytes_name_the_byte_offset_and_line(tmp_path: Path) -> None:
    failure = _one_failure(_write(tmp_path / "odd.txt", b"Tirana is the capital.\n" + bytes(range(0x80, 0x100)) * 4))
    assert failure.reason.startswith("not valid UTF-8: byte 0x80 at byte offset 23 (line 2)")


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Tirana is the capital of Albania.\nCafé au lait, naïve façade.", "latin-1"),
        ("He said \u201chello\u201d \u2013 and left the café.", "cp1252"),
        ("Москва — столица России и крупнейший город страны.", "cp1251"),
        ("東京は日本の首都です。人口は約千四百万人です。", "shift_jis"),
    ],
)
def test_legacy_encodings_are_detected_and_reported(tmp_path: Path, text: str, encoding: str) -> None:
    for name in ("legacy.txt", "legacy.md"):
        document = _one_document(_write(tmp_path / name, text.encode(encoding)))
        assert document.text.replace("\n", " ") == text.replace("\n", " ")
        assert document.metadata["encoding"] in {"latin-1": {"cp1252"}, "shift_jis": {"cp932", "shift_jis"}}.get(
            encoding, {encoding}
        )
    assert "encoding" not in _one_document(_write(tmp_path / "plain.txt", text.encode())).metadata


def test_a_file_over_the_limit_is_refused_quickly_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as stream:  # a sparse 50 MB file: no disk or memory spent
        stream.truncate(50 * 1024 * 1024)
    started = time.perf_counter()
    failure = _one_failure(path, max_bytes=20_000_000)
    assert time.perf_counter() - started < 1.0
    assert "52,428,800 bytes, over the limit of 20,000,000 bytes" in failure.reason


def test_a_missing_path_is_a_failure(tmp_path: Path) -> None:
    documents, failures = _split(load_paths([tmp_path / "nowhere.txt"], max_bytes=LIMIT))
    assert not documents
    assert [(Path(f.source).name, f.reason) for f in failures] == [("nowhere.txt", "no such file or folder")]


def test_malformed_jsonl_lines_fail_one_by_one_and_the_rest_load(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "good-1", "text": "Tirana is the capital of Albania."}),
        '{"id": "broken", "text": ',
        json.dumps({"text": "No id."}),
        json.dumps({"id": "no-text"}),
        json.dumps({"id": 7, "text": "Numeric id."}),
        json.dumps({"id": "bad-text", "text": ["a", "list"]}),
        json.dumps({"id": "bad-title", "text": "Text.", "title": 3}),
        json.dumps({"id": "bad-meta", "text": "Text.", "metadata": {"nested": {"a": 1}}}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "empty-text", "text": "  \n "}),
        json.dumps({"id": "good-1", "text": "A duplicate."}),
        "",
        json.dumps({"id": "good-2", "text": "Luanda is the capital of Angola."}),
        json.dumps({"id": "too-long", "text": "x" * 300}),
        json.dumps({"id": "reserved", "text": "Text.", "metadata": {"title": "x"}}),
        json.dumps({"id": "mixed", "text": "Text.", "metadata": {"tags": ["a", 1]}}),
    ]
    data = "\n".join(lines).encode() + b"\n" + b'{"id": "latin", "text": "Caf\xe9"}\n'
    path = _write(tmp_path / "mixed.jsonl", data)
    documents, failures = _split(load_file(path, max_bytes=200))
    assert [d.id for d in documents] == ["good-1", "good-2"]
    reasons = {f.line: f.reason for f in failures}
    assert all(f.source == str(path.resolve()) for f in failures)
    assert "invalid JSON" in reasons[2]
    assert reasons[3] == "missing required field 'id'"
    assert reasons[4] == "missing required field 'text'"
    assert reasons[5] == "'id' must be a string, got a number"
    assert reasons[6] == "'text' must be a string, got an array"
    assert reasons[7] == "'title' must be a string, got a number"
    assert reasons[8].startswith("metadata['nested'] must be a string, number, boolean or a list of them")
    assert reasons[9] == "expected a JSON object, got an array"
    assert reasons[10] == "'text' of 'empty-text' is empty"
    assert reasons[11] == "duplicate id 'good-1' (first on line 1)"
    assert reasons[14] == "line longer than the limit of 200 bytes"
    assert reasons[15] == "metadata key 'title' is reserved for the document itself; rename it"
    assert reasons[16].startswith("metadata['tags'] mixes types")
    assert reasons[17].startswith("not valid UTF-8: byte 0xE9 at byte offset")
    assert len(failures) == 14
    assert str(failures[0]) == f"{path.resolve()}:2: {reasons[2]}"


def test_one_batch_reports_every_bad_input_and_loads_every_good_one(tmp_path: Path) -> None:
    good = {
        "good.txt": b"Tirana is the capital of Albania.",
        "good.md": b"# Angola\n\nLuanda is the capital of Angola.",
        "good.html": b"<title>Algeria</title><p>Algiers is the capital of Algeria.</p>",
        "good.pdf": make_pdf(["Baku is the capital of Azerbaijan."]),
        "good.jsonl": json.dumps({"id": "kabul", "text": "Kabul is the capital of Afghanistan."}).encode(),
    }
    for name, content in {**good, **{name: content for name, (content, _) in BAD_FILES.items()}}.items():
        _write(tmp_path / "batch" / name, content)
    explicit = [tmp_path / "batch" / "notes.docx", tmp_path / "batch" / "README", tmp_path / "missing.md"]
    documents, failures = _split(load_paths([tmp_path / "batch", *explicit], max_bytes=LIMIT))
    assert sorted(Path(d.source).name for d in documents) == sorted(good)
    failed = sorted(Path(f.source).name for f in failures)
    # Folders skip unsupported files silently; named explicitly they fail, as does a missing path.
    assert failed == sorted([*BAD_FILES, "missing.md"])


# --- the sample corpus ----------------------------------------------------------------------------


def test_the_sample_corpus_loads_without_failures() -> None:
    documents, failures = _split(load_paths([SAMPLE], exclude=["ATTRIBUTION.md"]))
    assert not failures, failures
    wikipedia = [d for d in documents if d.metadata["format"] == "jsonl"]
    extra = [d for d in documents if d.metadata["format"] != "jsonl"]
    assert len(wikipedia) >= 20  # the demo sample; every article of gensim's test dump is in data/wikipedia
    everything = list(load_paths([SAMPLE.parent / "wikipedia"], exclude=["ATTRIBUTION.md"]))
    assert len(everything) >= 90 and all(isinstance(d, Document) for d in everything)
    assert {d.id for d in wikipedia} <= {d.id for d in everything if isinstance(d, Document)}
    assert sorted(d.metadata["format"] for d in extra) == ["html", "md", "txt"]
    assert len({d.id for d in documents}) == len(documents)
    albania = next(d for d in wikipedia if d.title == "Albania")
    assert albania.id.startswith("enwiki-")
    assert albania.metadata["source_url"] == "https://en.wikipedia.org/wiki/Albania"
    assert albania.metadata["license"] == "CC BY-SA 4.0"
    assert "Tirana" in albania.text
    assert all(len(d.text) >= 500 and "{{" not in d.text and "[[" not in d.text for d in wikipedia)
    attribution = (SAMPLE / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert all(d.metadata["source_url"] in attribution for d in wikipedia)


def test_the_package_exports_a_deliberate_api() -> None:
    assert sorted(loaders.__all__) == [
        "LoadFailure",
        "LoadResult",
        "SUPPORTED_EXTENSIONS",
        "clean_text",
        "document_id",
        "iter_folder",
        "load_bytes",
        "load_file",
        "load_paths",
        "sha256_text",
        "unwrap_lines",
    ]
    assert {".txt", ".md", ".html", ".htm", ".pdf", ".jsonl"} <= loaders.SUPPORTED_EXTENSIONS


WIKITEXT = """{{Infobox country|name=Andorra}}
'''Andorra''' is a [[landlocked country|landlocked]] microstate in [[Europe]].<ref>A source.</ref>

==History==
The ''Carolingian'' charter [[File:Charter.jpg|thumb|The charter]] dates from 988.
{| class="wikitable"
|-
| Year || Event
|}
[[Category:Countries in Europe]]"""


def test_wiki_markup_in_text_and_jsonl_becomes_prose_with_its_headings(tmp_path: Path) -> None:
    (tmp_path / "andorra.txt").write_text(WIKITEXT, encoding="utf-8")
    (tmp_path / "dump.jsonl").write_text(json.dumps({"id": "ad", "title": "Andorra", "text": WIKITEXT}) + "\n")
    for path in ("andorra.txt", "dump.jsonl"):
        (document,) = [d for d in load_paths([tmp_path / path]) if isinstance(d, Document)]
        assert document.text == (
            "Andorra is a landlocked microstate in Europe.\n\nHistory\n\nThe Carolingian charter dates from 988."
        ), path
        assert document.metadata["markup"] == "mediawiki"


def test_prose_with_an_apostrophe_or_a_bracket_is_not_taken_for_wiki_markup(tmp_path: Path) -> None:
    text = "It's the ''best'' guess [citation needed], said O'Brien.\n\n== not a heading"
    (tmp_path / "plain.txt").write_text(text, encoding="utf-8")
    (document,) = [d for d in load_paths([tmp_path / "plain.txt"]) if isinstance(d, Document)]
    assert document.text == text and "markup" not in document.metadata
