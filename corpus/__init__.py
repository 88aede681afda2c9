"""Corpus stage: raw articles as received, their sources manifest, and normalization."""

from korea_deterrence.corpus.ingest import NORMALIZER_VERSION, iter_articles, normalize
from korea_deterrence.corpus.manifest import file_sha256, files_sha256
from korea_deterrence.corpus.records import Article, Provenance, SourceEntry, as_record
from korea_deterrence.corpus.sources import Sources, open_sources, packaged_sources

__all__ = [
    "NORMALIZER_VERSION",
    "Article",
    "Provenance",
    "SourceEntry",
    "Sources",
    "as_record",
    "file_sha256",
    "files_sha256",
    "iter_articles",
    "normalize",
    "open_sources",
    "packaged_sources",
]
