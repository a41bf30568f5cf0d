"""Bounds a GraphQL document must keep before it is validated: bytes, tokens, fields.

Validation costs more than the document's size suggests: graphql-core compares every
pair of fields that answer at the same place (`OverlappingFieldsCanBeMerged`), so 300
copies of one field take seconds. These checks are linear and run first; a document
that passes them validates in bounded time.
"""

from collections import Counter
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSyntaxError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from graphql.language import Lexer, Source, TokenKind

from service.config import Settings
from service.graphql.limits import LimitExceeded
from service.i18n import gettext as _

STEPS_PER_FIELD = 4


@dataclass(frozen=True)
class DocumentLimits:
    """The bounds of one installation (from its settings)."""

    max_bytes: int
    max_tokens: int
    max_fields: int
    max_repeats: int

    @classmethod
    def of(cls, settings: Settings) -> "DocumentLimits":
        """The bounds the settings give."""
        return cls(
            max_bytes=settings.graphql_max_document_bytes,
            max_tokens=settings.graphql_max_tokens,
            max_fields=settings.graphql_max_fields,
            max_repeats=settings.graphql_max_field_repeats,
        )


def check_size(query: str, limits: DocumentLimits) -> int:
    """The document's size in bytes (UTF-8); refuse it over the byte limit."""
    size = len(query.encode())
    if size > limits.max_bytes:
        raise LimitExceeded(
            _("The document is %(n)s bytes; the limit is %(limit)s.")
            % {"n": size, "limit": limits.max_bytes},
            "document_too_large",
            limit=limits.max_bytes,
            bytes=size,
        )
    return size


def count_tokens(query: str, stop_after: int) -> int:
    """The document's tokens as the parser counts them (comments excluded), up to `stop_after`."""
    lexer = Lexer(Source(query))
    count = 0
    while count <= stop_after and lexer.advance().kind != TokenKind.EOF:
        count += 1
    return count


def syntax_or_tokens(error: GraphQLSyntaxError, query: str, limits: DocumentLimits) -> GraphQLError:
    """The error to report for a failed parse: the token limit when that is what stopped it."""
    try:
        over = count_tokens(query, limits.max_tokens) > limits.max_tokens
    except GraphQLSyntaxError:
        over = False  # the lexer met the syntax error first
    if not over:
        return error
    return LimitExceeded(
        _("The document has more than %(limit)s tokens; the limit is %(limit)s.")
        % {"limit": limits.max_tokens},
        "too_many_tokens",
        limit=limits.max_tokens,
    )


class _Walk:
    """Counts the fields a document selects, fragments counted wherever they are spread,
    and how many fields answer at each place (response path); stops past the field limit."""

    def __init__(self, document: DocumentNode, budget: int) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.budget = budget
        self.fields = 0
        # Spreads and inline fragments cost a step each: a chain of fragments that spread
        # the next one twice must not take 2**n steps to count.
        self.steps = 0
        self.places: Counter[tuple[str, ...]] = Counter()
        self.spread: set[str] = set()

    def run(self, document: DocumentNode) -> None:
        roots: list[Any] = [
            d for d in document.definitions if isinstance(d, OperationDefinitionNode)
        ]
        for index, root in enumerate(roots):
            self.walk(root.selection_set, (str(index),), frozenset())
        # Fragments never spread are still validated: count them once each.
        for name, fragment in self.fragments.items():
            if name not in self.spread:
                self.walk(fragment.selection_set, (name,), frozenset({name}))

    def walk(
        self, selections: SelectionSetNode, place: tuple[str, ...], seen: frozenset[str]
    ) -> None:
        for selection in selections.selections:
            self.steps += 1
            if self.fields > self.budget or self.steps > STEPS_PER_FIELD * self.budget:
                self.fields = max(self.fields, self.budget + 1)
                return
            if isinstance(selection, FieldNode):
                self.fields += 1
                here = (*place, (selection.alias or selection.name).value)
                self.places[here] += 1
                if selection.selection_set is not None:
                    self.walk(selection.selection_set, here, seen)
            elif isinstance(selection, InlineFragmentNode):
                self.walk(selection.selection_set, place, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:  # a cycle: validation refuses it
                    self.spread.add(name)
                    self.walk(fragment.selection_set, place, seen | {name})


def check_fields(document: DocumentNode, limits: DocumentLimits) -> None:
    """Refuse a document selecting too many fields, or one field too often at one place."""
    walk = _Walk(document, limits.max_fields)
    walk.run(document)
    if walk.fields > limits.max_fields:
        raise LimitExceeded(
            _(
                "The document selects more than %(limit)s fields (a fragment's fields count"
                " wherever it is spread); the limit is %(limit)s."
            )
            % {"limit": limits.max_fields},
            "too_many_fields",
            limit=limits.max_fields,
        )
    if not walk.places:
        return
    place, repeats = walk.places.most_common(1)[0]
    if repeats > limits.max_repeats:
        where = ".".join(place[1:])
        raise LimitExceeded(
            _(
                "The field %(field)s is selected %(n)s times at the same place; the limit is"
                " %(limit)s."
            )
            % {"field": where, "n": repeats, "limit": limits.max_repeats},
            "field_repeated",
            limit=limits.max_repeats,
            repeats=repeats,
            field=where,
        )
