"""The normalization stage of `kdc build` on an engine made for corpus processing, against kdc's own pool:
datatrove's LocalPipelineExecutor (the candidate the engine issue names first), same corpus, alternating.

Each datatrove task takes a contiguous span of sources.jsonl, reads and sha256-checks its raw files,
normalizes them with the package's `iter_articles` (the function `kdc build` uses) and writes one
rank-named Parquet file of the article rows with the release's Arrow schema. `kdc build --jobs 2`
does that and the rest of the release (annotation configs, card, checksums), so the comparison
favours datatrove by that rest.

    pip install datatrove && python benchmarks/engines.py --corpus /tmp/gen100k --rounds 2
"""

from __future__ import annotations

import sys

from alternate import main

DATATROVE = r'''
import sys
from pathlib import Path
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.base import PipelineStep

corpus, out, tasks = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])


class Normalize(PipelineStep):
    name = "kdc normalize"
    type = "kdc"

    def __init__(self, corpus, out):
        super().__init__()
        self.corpus, self.out = str(corpus), str(out)

    def run(self, data, rank=0, world_size=1):
        from pathlib import Path
        import pyarrow.parquet as pq
        from korea_deterrence.corpus import Article, iter_articles, open_sources
        from korea_deterrence.loaders.batches import article_features
        from korea_deterrence.loaders.parquet import encode

        corpus, out = Path(self.corpus), Path(self.out)

        sources = open_sources(corpus)
        entries = list(sources.entries())
        size = -(-len(entries) // world_size)
        mine = entries[rank * size:(rank + 1) * size]
        features = article_features()
        with pq.ParquetWriter(out / f"train-{rank:05d}.parquet", features.arrow_schema, compression="zstd") as writer:
            batch = []
            for article in iter_articles(sources, mine):
                if isinstance(article, Article):
                    batch.append(article)
                if len(batch) == 1000:
                    writer.write_table(encode(batch, features))
                    batch = []
            if batch:
                writer.write_table(encode(batch, features))
        yield from ()


out.mkdir(parents=True, exist_ok=True)
LocalPipelineExecutor(pipeline=[Normalize(corpus, out)], tasks=tasks, workers=tasks,
                      logging_dir=str(out.parent / "datatrove-logs")).run()
'''


if __name__ == "__main__":
    main(__doc__, "datatrove_2_tasks", lambda corpus, scratch: [sys.executable, "-c", DATATROVE, str(corpus), str(scratch / "datatrove"), "2"])
