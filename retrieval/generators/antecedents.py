"""Who a sentence's "he" or "she" is: the name the sentences before it in its passage last made a subject.

Prose names a person once and goes on with a pronoun: "Reynaud created the Praxinoscope in 1877 ... On 28 October
1892, he projected the first animation in public, Pauvre Pierrot". The sentence that answers "Who screened Pauvre
Pierrot?" says "he"; its antecedent is the answer. The rule is the simple one: when a sentence's subject is "he" or
"she", its antecedent is the subject of the last sentence before it whose subject is a name (the small spaCy
pipeline has no coreference model, and its NER labels are too noisy to pick people by).
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

__all__ = ["antecedents", "personal_subject"]

_PERSONAL = frozenset({"he", "she"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_BEFORE = 400
"""How many characters before a sentence its antecedent is looked for in."""


def personal_subject(doc: Doc) -> SpacySpan | None:
    """The sentence's first "he" or "she" that is a subject, as a span, else None."""
    for token in doc:
        if token.lower_ in _PERSONAL and token.dep_ in _SUBJECTS:
            return doc[token.i : token.i + 1]
    return None


def antecedents(before: Sequence[str | None], nlp: Language) -> list[str | None]:
    """For each text before a sentence with a personal subject (None: no such sentence), the proper-noun subject of
    its last sentence that has one (the name it is part of, whatever label the NER model gave it), else None."""
    wanted = [(place, text[-_BEFORE:]) for place, text in enumerate(before) if text]
    found: list[str | None] = [None] * len(before)
    for (place, _), doc in zip(wanted, nlp.pipe(text for _, text in wanted), strict=True):
        subjects = [t for t in doc if t.dep_ in _SUBJECTS and t.pos_ == "PROPN"]
        found[place] = _name_of(subjects[-1]) if subjects else None
    return found


def _name_of(token: Token) -> str:
    """The entity a token is part of, else the token with the proper nouns compounded onto it."""
    for ent in token.doc.ents:
        if ent.start <= token.i < ent.end:
            return ent.text
    parts = [t for t in token.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"]
    return " ".join([*(t.text for t in parts), token.text])
