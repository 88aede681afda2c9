"""`kdc build --jobs 2` against the pipeline a researcher would write with Hugging Face `datasets`, on the
same generated corpus, alternating, same machine (issue: kdc at least 3x faster than this peer).

The peer, with the package's own `normalize` function: `Dataset.from_generator` reading each raw file
and checking its sha256 and size against sources.jsonl -> `.map(normalize, num_proc=2)` ->
`.to_parquet`. It writes the article rows (text, offsets, edits as JSON) that kdc writes, without the
checks kdc adds (schema rules, dateline cross-checks, shards, card, checksums).

    python benchmarks/peer.py --corpus /tmp/gen100k --rounds 2

Prints one JSON line per run and the median ratio peer / kdc.
"""

from __future__ import annotations

import sys

from alternate import main

PEER = r'''
import hashlib, json, sys
from dataclasses import asdict
from pathlib import Path
from datasets import Dataset, disable_caching
from korea_deterrence.corpus.ingest import normalize
from korea_deterrence.corpus.records import Fact, Provenance

disable_caching()
corpus, out = Path(sys.argv[1]), Path(sys.argv[2])

def raw_files():
    for line in (corpus / "sources.jsonl").read_text("utf-8").splitlines():
        entry = json.loads(line)
        data = (corpus / "raw" / entry["raw_file"]).read_bytes()
        if len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise SystemExit(f"{entry['raw_file']}: sha256 or size differs from sources.jsonl")
        yield {"article_id": entry["article_id"], "raw": data.decode("utf-8"), "entry": line}

def to_row(example):
    entry = json.loads(example["entry"])
    facts = {k: Fact(entry[k]["value"], entry[k]["basis"]) for k in ("outlet", "url", "published", "retrieved", "byline", "rights")}
    article = normalize(example["article_id"], example["raw"], Provenance(entry["raw_file"], entry["sha256"], entry["size"], **facts))
    return {"title": article.title, "text": article.text, "text_sha256": article.text_sha256,
            "blocks": json.dumps([asdict(b) if hasattr(b, "__dataclass_fields__") else list(b) for b in article.blocks]),
            "sentences": json.dumps([list(s) for s in article.sentences]),
            "edits": json.dumps([list(e) if not hasattr(e, "__dataclass_fields__") else asdict(e) for e in article.edits])}

Dataset.from_generator(raw_files).map(to_row, num_proc=2, remove_columns=["raw", "entry"]).to_parquet(str(out))
'''


if __name__ == "__main__":
    main(__doc__, "datasets_peer", lambda corpus, scratch: [sys.executable, "-c", PEER, str(corpus), str(scratch / "peer.parquet")])
