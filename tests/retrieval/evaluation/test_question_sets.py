"""``--set``: a shipped set by name with its corpus and systems, or a question file of one's own with none."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import MODEL_LIBRARIES
from trellis.retrieval.errors import EvaluationDataError
from trellis.retrieval.evaluation import DEFAULT_EVAL_DIR
from trellis.retrieval.evaluation.prose import PROSE_CORPUS, PROSE_QUESTIONS
from trellis.retrieval.evaluation.question_sets import choose_set
from trellis.retrieval.evaluation.system_names import PROSE_SYSTEMS, SYSTEM_NAMES


def test_the_shipped_sets_by_name() -> None:
    both = choose_set("all", limit=2)
    assert (both.name, list(both.sets), both.questions) == ("all", ["multihop", "singlehop"], 4)
    assert both.files == (DEFAULT_EVAL_DIR / "multihop.jsonl", DEFAULT_EVAL_DIR / "singlehop.jsonl")
    assert (both.corpus, both.systems, both.split) == (DEFAULT_EVAL_DIR / "corpus.jsonl", SYSTEM_NAMES, False)
    assert list(choose_set("singlehop", limit=1).sets) == ["singlehop"]
    prose = choose_set("prose", splits=("dev",), limit=1)
    assert (prose.files, prose.corpus, prose.systems, prose.split) == (
        (PROSE_QUESTIONS,),
        PROSE_CORPUS,
        PROSE_SYSTEMS,
        True,
    )
    assert list(prose.sets) == ["single", "bridge", "comparison", "absent"] and prose.questions == 4


def test_a_question_file_has_no_corpus_of_its_own(tmp_path: Path) -> None:
    path = tmp_path / "team-gold.jsonl"
    lines = [
        {"id": "a", "question": "Who?", "answers": ["X"], "supporting": ["d1"], "split": "test"},
        {"id": "b", "question": "Where?", "answers": ["Y"], "supporting": ["d2"], "split": "dev"},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    chosen = choose_set(str(path), splits=("test",))
    assert (chosen.name, chosen.files, chosen.corpus, chosen.systems) == ("team-gold", (path,), None, PROSE_SYSTEMS)
    assert chosen.split and [q.id for q in chosen.sets["team-gold"]] == ["a"]
    with pytest.raises(EvaluationDataError, match="no question set at"):
        choose_set(str(tmp_path / "missing.jsonl"))


def test_choosing_a_question_set_loads_no_model_library() -> None:
    script = (
        "import sys\n"
        "from trellis.retrieval.evaluation import DEFAULT_EVAL_DIR, SYSTEM_NAMES, load_sets\n"
        "from trellis.retrieval.evaluation.question_sets import choose_set\n"
        "chosen = choose_set('prose', splits=('dev',))\n"
        "assert chosen.questions > 100 and 'trellis' in chosen.systems and SYSTEM_NAMES\n"
        f"print(' '.join(m for m in {MODEL_LIBRARIES!r} if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == ""
