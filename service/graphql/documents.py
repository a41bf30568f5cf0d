"""GraphQL documents bounded before validation, parsed and validated off the event loop.

Each request's document is checked against the installation's byte limit, then parsed
(token limit) and measured (field limits) in a worker thread, then validated in a worker
thread. A refused document is never validated. Strawberry's `ParserCache` and
`ValidationCache` keep both results of small documents in LRU caches keyed by the
document's text, so a BI tool's repeated query costs neither step again.

The caches are bounded in objects, not only in entries: every cached syntax tree stays
alive, and each full garbage collection walks all of them while holding the GIL (256
cached documents at the bounds: 1.8 million objects, a 2.8 s pause on a busy machine).
So only documents up to CACHED_BYTES are cached, CACHE_SIZE at most; a larger one is
parsed and validated each time (off the loop too), and freed when its request ends.
"""

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from graphql import GraphQLSyntaxError
from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache

from service.config import get_settings
from service.graphql.bounds import DocumentLimits, check_fields, check_size, syntax_or_tokens
from service.graphql.errors import render

CACHE_SIZE = 32  # distinct documents kept parsed and validated
CACHED_BYTES = 4096  # larger documents are not cached (about 7,000 objects at most each)

# One worker: parsing and validating are CPU work that holds the GIL, so more threads
# would not finish sooner; each would only take more turns from the event loop (with two
# busy workers the loop gets a third of the interpreter, with one a half). Its own pool
# keeps the import's worker threads free.
_workers = ThreadPoolExecutor(max_workers=1, thread_name_prefix="graphql-documents")

T = TypeVar("T")


def limits_of(context: Any) -> DocumentLimits:
    """The bounds of the application serving the request (the process settings without one)."""
    request = getattr(context, "request", None)
    settings = request.app.state.settings if request is not None else get_settings()
    return DocumentLimits.of(settings)


async def off_loop(func: Callable[..., T], *args: Any) -> T:
    """Run `func(*args)` in a document worker thread."""
    return await asyncio.get_running_loop().run_in_executor(_workers, func, *args)


def _enter(hook: Iterator[None]) -> None:
    """Run a synchronous extension hook up to its `yield`, where the caches do their work."""
    next(hook)


class BoundedDocuments(SchemaExtension):
    """Refuse an oversize document before validation; parse and validate off the loop, cached."""

    def __init__(self) -> None:
        super().__init__()
        self.cache_size = CACHE_SIZE

    async def on_parse(self) -> AsyncIterator[None]:
        context = self.execution_context
        if context.query is not None and context.graphql_document is None:
            limits = limits_of(context.context)
            if check_size(context.query, limits) > CACHED_BYTES:
                self.cache_size = 0  # an lru_cache of size 0 only calls the function
            parser = ParserCache(maxsize=self.cache_size)
            parser.execution_context = context
            context.parse_options["max_tokens"] = limits.max_tokens
            await off_loop(self._parse, parser, context.query, limits)
        yield

    def _parse(self, parser: ParserCache, query: str, limits: DocumentLimits) -> None:
        """Parse (cached) and measure the document; raise the limit it breaks."""
        try:
            _enter(parser.on_parse())
        except GraphQLSyntaxError as error:
            raise render(syntax_or_tokens(error, query, limits)) from None
        document = self.execution_context.graphql_document
        if document is not None:
            check_fields(document, limits)

    async def on_validate(self) -> AsyncIterator[None]:
        validator = ValidationCache(maxsize=self.cache_size)
        validator.execution_context = self.execution_context
        await off_loop(_enter, validator.on_validate())
        yield
