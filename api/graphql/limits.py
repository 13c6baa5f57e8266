"""What one GraphQL operation may ask for: depth, aliases, tokens, an estimated cost, page sizes, and the context
tokens of its ``ask`` fields in all (api/graphql/token_budget.py).

Strawberry's own limiters refuse deep, alias-heavy and long documents before anything runs; :class:`CostLimit`
adds an estimate of how many fields an operation resolves (a list field counts its children once per item of
its page), so ``entities(first: 100) { relations(first: 50) { evidence { chunk { document { ... } } } } }``
is refused at validation instead of being executed. In production, introspection is off and errors other than
the caller's own mistakes are masked.

The validation rules are built once per schema (the same classes for every operation), so Strawberry's
``ParserCache`` and ``ValidationCache`` can remember a document and its validation errors: a client sending the same
document with new variables (the usual case) skips parsing and validating it again. The caches are bounded LRUs
(``settings.api_graphql_cache_size``, 0 turns them off); a document over the token limit fails to parse and is
never cached.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    ASTValidationRule,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
)
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from trellis.api.errors import ApiError, InvalidArgumentError
from trellis.api.graphql.token_budget import TokenBudgetLimit
from trellis.kg.settings import Settings
from trellis.retrieval.errors import EmptyQuestionError, QuestionTooLongError

__all__ = ["PAGE_ARGUMENTS", "CostLimit", "estimate_cost", "limit_extensions", "page_size"]

PAGE_ARGUMENTS = ("first", "k", "limit")
"""Arguments that size a list; every one is capped by ``settings.api_max_page_size`` (or a smaller field cap)."""
_DEFAULT_PAGES = {"entities": 10, "documents": 20, "relations": 10, "chunks": 10, "search": 6, "neighbors": 25}
# Errors meant for the caller, shown in production too: GraphQLError covers Strawberry's permission errors (a read
# key's mutation) and the errors resolvers raise on purpose, such as SERVER_BUSY.
_EXPECTED = (ApiError, EmptyQuestionError, QuestionTooLongError, GraphQLError)


def page_size(value: int, *, name: str, most: int) -> int:
    """``value`` when 1 <= value <= most; else an :class:`InvalidArgumentError` naming the range."""
    if not 1 <= value <= most:
        raise InvalidArgumentError(f"'{name}' must be between 1 and {most}, got {value}")
    return value


def _multiplier(field: FieldNode, variables_cap: int) -> int:
    for argument in field.arguments or ():
        if argument.name.value in PAGE_ARGUMENTS:
            if isinstance(argument.value, IntValueNode):
                return max(1, min(int(argument.value.value), 10_000))
            return variables_cap  # a variable: assume the largest page it could ask for
    return _DEFAULT_PAGES.get(field.name.value, 1)


def estimate_cost(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    *,
    page_cap: int,
    seen: frozenset[str] = frozenset(),
) -> int:
    """Fields an operation could resolve: each field costs 1 plus its children times its page size."""
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            children = estimate_cost(selection.selection_set, fragments, page_cap=page_cap, seen=seen)
            total += 1 + _multiplier(selection, page_cap) * children
        elif isinstance(selection, InlineFragmentNode):
            total += estimate_cost(selection.selection_set, fragments, page_cap=page_cap, seen=seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in seen or name not in fragments:
                continue  # cycles and unknown fragments are refused by graphql's own rules
            total += estimate_cost(fragments[name].selection_set, fragments, page_cap=page_cap, seen=seen | {name})
    return total


class CostLimit(ASTValidationRule):
    """Refuses operations whose estimated cost passes ``max_cost`` (set by :func:`limit_extensions`)."""

    max_cost = 20_000
    page_cap = 100

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self.fragments = {
            definition.name.value: definition
            for definition in context.document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        cost = estimate_cost(node.selection_set, self.fragments, page_cap=self.page_cap)
        if cost > self.max_cost:
            self.report_error(
                GraphQLError(
                    f"the operation is too costly: about {cost:,} fields, the limit is {self.max_cost:,}; "
                    "ask for fewer fields or smaller pages",
                    node,
                )
            )


def _should_mask(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, _EXPECTED)


def limit_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """Factories of the limiters for ``settings`` (a fresh extension per operation); in production also no
    introspection and masked internal errors."""
    cost_rule = type(
        "CostLimit", (CostLimit,), {"max_cost": settings.api_max_cost, "page_cap": settings.api_max_page_size}
    )
    # The rule classes are made once here, not per operation: the validation cache is keyed by them.
    rules = [
        *QueryDepthLimiter(max_depth=settings.api_max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.api_max_aliases).validation_rules,
        cost_rule,
    ]
    token_budget = type("TokenBudgetLimit", (TokenBudgetLimit,), {"max_tokens": settings.api_max_request_token_budget})
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=settings.api_max_tokens),
        lambda: AddValidationRules(rules),
        token_budget,
    ]
    if (size := settings.api_graphql_cache_size) > 0:
        extensions += [lambda: ParserCache(maxsize=size), lambda: ValidationCache(maxsize=size)]
    if settings.api_production:
        extensions += [DisableIntrospection, lambda: MaskErrors(should_mask_error=_should_mask)]
    return extensions
