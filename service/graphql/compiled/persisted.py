"""Automatic persisted queries (Apollo's protocol): a client sends the SHA-256 of a
document; the first time it is unknown, the client sends both, and later the hash alone.

    {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "<hex>"}}}

The store is per process and bounded: a forgotten hash answers PersistedQueryNotFound
again and the client sends the document once more.
"""

from typing import Any

from service.graphql.compiled.plans import Lru, document_hash

STORED = 1024  # documents remembered by hash


class PersistedQueryError(Exception):
    """A persisted-query request that cannot run, answered as a GraphQL error."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def body(self) -> dict[str, Any]:
        """The GraphQL response of the error."""
        return {"errors": [{"message": self.message, "extensions": {"code": self.code}}]}


class Store:
    """Documents by SHA-256, the most recently used kept."""

    def __init__(self, size: int = STORED) -> None:
        self._documents: Lru[str, str] = Lru(size)

    def resolve(self, params: dict[str, Any], max_bytes: int) -> Any:
        """The document to run: the one sent (remembered when hashed and within
        `max_bytes`) or the one stored."""
        query = params.get("query")
        extensions = params.get("extensions")
        wanted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
        if wanted is None:
            return query
        if not isinstance(wanted, dict) or wanted.get("version") != 1:
            raise PersistedQueryError(
                "Unsupported persisted query version (only 1).", "PERSISTED_QUERY_NOT_SUPPORTED"
            )
        digest = wanted.get("sha256Hash")
        if not isinstance(digest, str):
            raise PersistedQueryError("sha256Hash is missing.", "PERSISTED_QUERY_NOT_SUPPORTED")
        if not isinstance(query, str):
            stored = self._documents.get(digest.lower())
            if stored is None:
                raise PersistedQueryError("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
            return stored
        if document_hash(query) != digest.lower():
            raise PersistedQueryError(
                "provided sha does not match query", "PERSISTED_QUERY_HASH_MISMATCH"
            )
        if len(query.encode()) <= max_bytes:  # a larger one is refused by the size limit
            self._documents.put(digest.lower(), query)
        return query
