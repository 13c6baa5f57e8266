"""Strawberry's resolver decorators with arguments, typed for ``mypy --strict``.

``@strawberry.field(description=...)`` (and ``mutation``, ``subscription``) is declared as returning ``Any``
(strawberry-graphql/strawberry#1929), which makes every resolver it decorates untyped. These factories hand the
resolver to Strawberry positionally, the overload it declares as returning a ``StrawberryField``; the field, and so
the schema, is the one ``@strawberry.field(...)`` builds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from strawberry.permission import BasePermission
from strawberry.types.field import StrawberryField

__all__ = ["field", "mutation", "subscription"]

Resolver = Callable[..., Any]
Permissions = list[type[BasePermission]] | None


def field(*, description: str, permission_classes: Permissions = None) -> Callable[[Resolver], StrawberryField]:
    """``@strawberry.field(description=..., permission_classes=...)``."""

    def decorate(resolver: Resolver) -> StrawberryField:
        return strawberry.field(resolver, description=description, permission_classes=permission_classes)

    return decorate


def mutation(*, description: str, permission_classes: Permissions = None) -> Callable[[Resolver], StrawberryField]:
    """``@strawberry.mutation(description=..., permission_classes=...)``."""

    def decorate(resolver: Resolver) -> StrawberryField:
        return strawberry.mutation(resolver, description=description, permission_classes=permission_classes)

    return decorate


def subscription(*, description: str, permission_classes: Permissions = None) -> Callable[[Resolver], StrawberryField]:
    """``@strawberry.subscription(description=..., permission_classes=...)``."""

    def decorate(resolver: Resolver) -> StrawberryField:
        return strawberry.subscription(resolver, description=description, permission_classes=permission_classes)

    return decorate
