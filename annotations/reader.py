"""Reading one Label Studio annotation's results into typed labels, checking every import rule."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from korea_deterrence.annotations.anchor import Anchor
from korea_deterrence.annotations.codebook import Actor, Codebook
from korea_deterrence.annotations.labelconfig import (
    ACTOR, CHECKWORTHINESS, CLAIM, CLAIM_LABEL, CLAIM_TYPE, CLAIMED_BY, CLUSTER, MENTION, claim_stance_name,
    doc_stance_name)
from korea_deterrence.annotations.records import (
    ExportEntry, LabelSet, LabelSource, RawClaim, RawMention, RawStance)
from korea_deterrence.schema import Violation

CLUSTER_ID = re.compile(r"c-[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Context:
    """Where an annotation sits (for messages) and what it is checked against."""

    file: str
    pointer: str
    task_id: Any
    annotation_id: Any
    article_id: str
    task_text: str
    anchor: Anchor
    entry: ExportEntry
    codebook: Codebook
    actors: dict[str, Actor]

    def annotator(self, completed_by: Any) -> str | None:
        """The pseudonym of the annotation's user: `kdc studio pull` writes the pseudonym itself; exports
        pulled before 0.2.0 hold the Label Studio user id (snapshot exports: a dict with an id)."""
        if isinstance(completed_by, str):
            return completed_by if completed_by in dict(self.entry.annotators).values() else None
        user = completed_by.get("id") if isinstance(completed_by, dict) else completed_by
        return dict(self.entry.annotators).get(user) if isinstance(user, int) else None

    def violation(self, pointer: str, rule: str, message: str) -> Violation:
        where = f"task {self.task_id} annotation {self.annotation_id}"
        return Violation(self.file, 0, self.pointer + pointer, rule, f"{where}: {message}")


@dataclass
class _Region:
    kind: str  # MENTION or CLAIM
    label: str
    start: int
    end: int
    text: str
    pointer: str
    attributes: dict[str, str] = field(default_factory=dict)
    claimer: str | None = None


class AnnotationReader:
    """Checks and converts the `result` list of one annotation."""

    def __init__(self, ctx: Context, annotator: str, annotation: dict[str, Any]) -> None:
        self.ctx = ctx
        self.results = annotation.get("result") or []
        self.source = LabelSource(annotator, str(annotation.get("created_at") or ""), ctx.entry.guideline_version,
                                  ctx.entry.file, int(ctx.task_id or 0), int(ctx.annotation_id or 0))
        self.regions: dict[str, _Region] = {}
        self.doc: dict[str, str] = {}
        self.out = LabelSet()
        self.refused: set[str] = set()  # region ids and `id:control` already reported: no follow-up errors
        cb = ctx.codebook
        self.region_controls = {ACTOR: (MENTION, tuple(ctx.actors)), CLAIM_TYPE: (CLAIM, cb.claim_types),
                                CHECKWORTHINESS: (CLAIM, cb.checkworthiness),
                                **{claim_stance_name(t): (CLAIM, cb.stance_labels) for t in cb.stance_targets}}
        self.doc_controls = {doc_stance_name(t): t for t in cb.stance_targets}

    def read(self) -> LabelSet:
        for kind in ("labels", "choices", "textarea", "relation"):
            for ri, result in enumerate(self.results):
                if isinstance(result, dict) and result.get("type") == kind:
                    getattr(self, f"_{kind}")(result, f"/result/{ri}")
        for ri, result in enumerate(self.results):
            if not isinstance(result, dict) or result.get("type") not in ("labels", "choices", "textarea", "relation"):
                self._fail(f"/result/{ri}", "export.label", f"unsupported result {str(result)[:80]}")
        self._complete()
        return self.out

    def _fail(self, pointer: str, rule: str, message: str) -> None:
        self.out.violations.append(self.ctx.violation(pointer, rule, message))

    def _labels(self, result: dict[str, Any], pointer: str) -> None:
        value, name = result.get("value") or {}, result.get("from_name")
        allowed = {MENTION: self.ctx.codebook.mention_types, CLAIM: (CLAIM_LABEL,)}.get(name)
        labels = value.get("labels") or []
        self.refused.add(str(result.get("id")))
        if allowed is None or len(labels) != 1 or labels[0] not in allowed:
            return self._fail(pointer, "export.label", f"{name}: labels {labels} not in the codebook")
        start, end, text = value.get("start"), value.get("end"), value.get("text")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(self.ctx.task_text)):
            return self._fail(pointer + "/value", "export.span-range",
                              f"span [{start}, {end}) outside the task text of {len(self.ctx.task_text)} code points")
        if self.ctx.task_text[start:end] != text:
            return self._fail(pointer + "/value/text", "export.span-text",
                              f"text[{start}:{end}] is {self.ctx.task_text[start:end]!r}, the export says {text!r}")
        self.refused.discard(str(result.get("id")))
        self.regions[str(result.get("id"))] = _Region(name, labels[0], start, end, text, pointer)

    def _choices(self, result: dict[str, Any], pointer: str) -> None:
        value, name = result.get("value") or {}, result.get("from_name")
        choices = value.get("choices") or []
        if name in self.doc_controls and "start" not in value:
            if len(choices) != 1 or choices[0] not in self.ctx.codebook.stance_labels:
                return self._fail(pointer, "export.label", f"{name}: {choices} is not one stance label")
            self.doc[self.doc_controls[name]] = choices[0]
            return None
        region = self._region_of(result, pointer)
        if region is None:
            return None
        allowed = self.region_controls[name][1]
        if len(choices) != 1 or choices[0] not in allowed:
            self.refused.add(f"{result.get('id')}:{name}")
            return self._fail(pointer, "export.label", f"{name}: {choices} is not one of the allowed values")
        region.attributes[name] = choices[0]
        return None

    def _textarea(self, result: dict[str, Any], pointer: str) -> None:
        if result.get("from_name") != CLUSTER:
            return self._fail(pointer, "export.label", f"unknown text control {result.get('from_name')!r}")
        region = self._region_of(result, pointer)
        texts = [t.strip() for t in (result.get("value") or {}).get("text") or [] if t.strip()]
        if region is None:
            return None
        if len(texts) > 1 or (texts and not CLUSTER_ID.fullmatch(texts[0])):
            return self._fail(pointer, "export.label", f"cluster id {texts} is not one id like c-primary-responsibility")
        if texts:
            region.attributes[CLUSTER] = texts[0]
        return None

    def _region_of(self, result: dict[str, Any], pointer: str) -> _Region | None:
        name = result.get("from_name")
        wanted = CLAIM if name == CLUSTER else self.region_controls.get(name, (None,))[0]
        if wanted is None:
            self._fail(pointer, "export.label", f"unknown control {name!r}")
            return None
        if str(result.get("id")) in self.refused:  # its region was already reported
            return None
        region = self.regions.get(str(result.get("id")))
        if region is None or region.kind != wanted:
            found = "no region" if region is None else f"a {region.kind} region"
            self._fail(pointer, "export.region-choice", f"{name} must belong to a {wanted} region; id {result.get('id')!r} is {found}")
            return None
        return region

    def _relation(self, result: dict[str, Any], pointer: str) -> None:
        if (result.get("labels") or []) != [CLAIMED_BY]:
            return self._fail(pointer, "export.label", f"relation labels {result.get('labels')} are not [{CLAIMED_BY!r}]")
        if {str(result.get("from_id")), str(result.get("to_id"))} & self.refused:  # already reported
            return None
        claim, claimer = self.regions.get(str(result.get("from_id"))), self.regions.get(str(result.get("to_id")))
        if claim is None or claimer is None:
            return self._fail(pointer, "export.relation",
                              f"relation {result.get('from_id')!r} -> {result.get('to_id')!r} points to a missing region")
        if claim.kind != CLAIM or claimer.kind != MENTION:
            return self._fail(pointer, "export.relation", f"{CLAIMED_BY} must go from a claim to a mention, "
                                                          f"not from a {claim.kind} to a {claimer.kind}")
        if claim.claimer is not None:
            return self._fail(pointer, "export.relation", "a claim has at most one claimer")
        claim.claimer = str(result.get("to_id"))
        return None

    def _complete(self) -> None:
        """Anchor every region to the current text, check nothing is missing, emit the labels."""
        for region_id, region in self.regions.items():
            span = self.ctx.anchor.span(region.start, region.end)
            if span is None:
                self._fail(region.pointer, "export.text-changed",
                           f"span [{region.start}, {region.end}) changed in the article's current text; "
                           "it cannot be re-anchored exactly")
                continue
            self.out.reanchored += span != (region.start, region.end)
            emit = self._mention if region.kind == MENTION else self._claim
            emit(region_id, region, span)
        for target in self.ctx.codebook.stance_targets:
            if target not in self.doc:
                self._fail("/result", "export.incomplete", f"no document stance toward {target!r}")
            else:
                self.out.stances.append(RawStance(self.ctx.article_id, target, self.doc[target], self.source))

    def _mention(self, region_id: str, region: _Region, span: tuple[int, int]) -> None:
        actor_id = region.attributes.get(ACTOR)
        if f"{region_id}:{ACTOR}" in self.refused:
            return None
        if actor_id is None:
            return self._fail(region.pointer, "export.incomplete", f"mention {region.text!r} is not linked to an actor")
        if self.ctx.actors[actor_id].type != region.label:
            return self._fail(region.pointer, "export.actor-type", f"mention labeled {region.label!r} links to "
                                                                   f"{actor_id!r} of type {self.ctx.actors[actor_id].type!r}")
        self.out.mentions.append(RawMention(self.ctx.article_id, region_id, *span, region.text, region.label,
                                            actor_id, self.source))
        return None

    def _claim(self, region_id: str, region: _Region, span: tuple[int, int]) -> None:
        targets = self.ctx.codebook.stance_targets
        required = (CLAIM_TYPE, CHECKWORTHINESS, *(claim_stance_name(t) for t in targets))
        if any(f"{region_id}:{name}" in self.refused for name in required):
            return None  # a refused value was already reported
        missing = [name for name in required if name not in region.attributes]
        if missing:
            return self._fail(region.pointer, "export.incomplete", f"claim {region.text[:40]!r} lacks {missing}")
        claimer = self.regions[region.claimer].attributes.get(ACTOR) if region.claimer else None
        a = region.attributes
        self.out.claims.append(RawClaim(
            self.ctx.article_id, region_id, *span, region.text, a[CLAIM_TYPE], a[CHECKWORTHINESS],
            tuple((t, a[claim_stance_name(t)]) for t in targets), region.claimer, claimer, a.get(CLUSTER),
            self.source))
        return None
