"""The context tokens one GraphQL request may ask for, across all its ``ask`` fields.

Each ``ask`` may ask for up to 32,768 context tokens (``tokenBudget``), and aliases let one request carry many
(``a1: ask(...) a2: ask(...)``). :class:`TokenBudgetLimit` adds up the budgets of an operation's ``ask`` and
``askStream`` fields (an omitted budget counts as the default) with the request's variables, before anything runs,
and refuses the whole operation past ``settings.api_max_request_token_budget``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    SelectionSetNode,
    get_operation_ast,
    value_from_ast_untyped,
)
from strawberry.extensions import SchemaExtension

from trellis.retrieval.types import AnswerOptions

__all__ = ["ASK_FIELDS", "TokenBudgetLimit", "requested_tokens"]

ASK_FIELDS = ("ask", "askStream")
"""Root fields that build a context of ``options.tokenBudget`` tokens."""


def _ask_fields(
    selection_set: SelectionSetNode | None, fragments: Mapping[str, FragmentDefinitionNode], seen: frozenset[str]
) -> Iterator[FieldNode]:
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode) and selection.name.value in ASK_FIELDS:
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _ask_fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name not in seen and name in fragments:
                yield from _ask_fields(fragments[name].selection_set, fragments, seen | {name})


def _budget(field: FieldNode, variables: Mapping[str, Any], default: int) -> int:
    """The field's ``options.tokenBudget``; the default when it is omitted or not a number (validation refuses
    that one on its own)."""
    for argument in field.arguments or ():
        if argument.name.value == "options":
            options = value_from_ast_untyped(argument.value, dict(variables))
            budget = options.get("tokenBudget") if isinstance(options, dict) else None
            if isinstance(budget, int) and not isinstance(budget, bool):
                return budget
    return default


def requested_tokens(
    document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any] | None
) -> tuple[int, int]:
    """The ``ask`` fields of the chosen operation and the context tokens they ask for in all."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0, 0
    given = dict(variables or {})
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in given and definition.default_value is not None:
            given[name] = value_from_ast_untyped(definition.default_value)
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    default = AnswerOptions().token_budget
    budgets = [_budget(field, given, default) for field in _ask_fields(operation.selection_set, fragments, frozenset())]
    return len(budgets), sum(budgets)


class TokenBudgetLimit(SchemaExtension):
    """Refuses an operation whose ``ask`` fields ask for more than ``max_tokens`` context tokens in all (set by
    :func:`api.graphql.limits.limit_extensions`)."""

    max_tokens = 32_768

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None:
            fields, tokens = requested_tokens(context.graphql_document, context.operation_name, context.variables)
            if tokens > self.max_tokens:
                raise GraphQLError(
                    f"this request asks for {tokens:,} context tokens across its {fields} ask fields; the limit is "
                    f"{self.max_tokens:,} per request: ask fewer questions at once or with a smaller tokenBudget",
                    extensions={"code": "TOKEN_BUDGET_EXCEEDED"},
                )
        yield
