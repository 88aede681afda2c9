"""A language-model adjudicator in the Label Studio adjudication project (`kdc studio adjudicate push`).

    python annotations/llm/adjudicate.py dump --project TITLE --out TASKS.json
        every adjudication task (id, key, question, passage, the annotators' versions, the choices offered)
    python annotations/llm/adjudicate.py enter DECISIONS.json --project TITLE --user-id N
        submits each decision as user N, as the page would: {"task_id", "decision", "edited" (JSON or null), "reason"}

(reads LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY). `kdc studio adjudicate pull` then turns the submissions
into adjudication.jsonl decisions, with every check a person's submission gets.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from labels import connect  # (labels.py, beside this script)


def dump(project_title: str, out: Path) -> int:
    ls, project = connect(project_title)
    tasks = [{"task_id": t.id, **{k: t.data[k] for k in ("key", "article_id", "question", "context", "versions")},
              "choices": [c for c in _choices(project.label_config)]}
             for t in ls.tasks.list(project=project.id)]
    out.write_text(json.dumps(tasks, ensure_ascii=False, indent=1), "utf-8")
    print(f"{len(tasks)} task(s) written to {out}")
    return 0


def _choices(config: str) -> list[str]:
    import re

    return re.findall(r'<Choice value="([^"]+)"', config)


def results(decision: dict[str, Any]) -> list[dict[str, Any]]:
    """The page's results for one decision: the choice, the edited value (if any) and the reason."""
    out = [{"from_name": "decision", "to_name": "context", "type": "choices", "value": {"choices": [decision["decision"]]}},
           {"from_name": "reason", "to_name": "context", "type": "textarea", "value": {"text": [decision["reason"]]}}]
    if decision.get("edited") is not None:
        out.append({"from_name": "edited", "to_name": "context", "type": "textarea",
                    "value": {"text": [json.dumps(decision["edited"], ensure_ascii=False)]}})
    return out


def enter(path: Path, project_title: str, user_id: int) -> int:
    ls, _ = connect(project_title)
    decisions = json.loads(path.read_text("utf-8"))
    for decision in decisions:
        ls.annotations.create(id=decision["task_id"], result=results(decision), completed_by=user_id)
    print(f"{len(decisions)} decision(s) submitted as user {user_id}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    d = commands.add_parser("dump")
    d.add_argument("--project", required=True)
    d.add_argument("--out", type=Path, required=True)
    e = commands.add_parser("enter")
    e.add_argument("decisions", type=Path)
    e.add_argument("--project", required=True)
    e.add_argument("--user-id", type=int, required=True)
    args = parser.parse_args()
    return dump(args.project, args.out) if args.command == "dump" else enter(args.decisions, args.project, args.user_id)


if __name__ == "__main__":
    sys.exit(main())
