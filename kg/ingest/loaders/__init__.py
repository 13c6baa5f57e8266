"""Document loaders: text, Markdown, HTML, PDF and JSONL files, and folders of them, to cleaned documents.

    load_paths([Path("data/sample")], include=["*.md"], exclude=["drafts"])  # -> Document | LoadFailure, ...

Each format has its own module (``txt``, ``md``, ``html``, ``pdf``, ``jsonl``) that turns bytes into text
and a title; ``cleaning`` normalises the text; ``folders`` walks folders; ``paths`` holds the entry points.
"""

from trellis.kg.ingest.loaders.base import LoadFailure, document_id, sha256_text
from trellis.kg.ingest.loaders.cleaning import clean_text, unwrap_lines
from trellis.kg.ingest.loaders.folders import iter_folder
from trellis.kg.ingest.loaders.paths import SUPPORTED_EXTENSIONS, LoadResult, load_bytes, load_file, load_paths

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "LoadFailure",
    "LoadResult",
    "clean_text",
    "document_id",
    "iter_folder",
    "load_bytes",
    "load_file",
    "load_paths",
    "sha256_text",
    "unwrap_lines",
]
