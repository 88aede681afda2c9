"""Reading one Label Studio annotation's results into typed labels, checking every import rule."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from korea_deterrence.annotations.anchor import Anchor
from korea_deterrence.annotations.codebook import Actor, Codebook
from korea_deterrence.annotations.labelconfig import (
    ACTOR, ATTRIBUTED_BY, ATTRIBUTION_LABEL, CHECKWORTHINESS, CLAIM, CLAIM_LABEL, CLAIM_TYPE, CLAIMED_BY, CLUSTER,
    MENTION, SOURCE_DOCUMENT, TOPIC, UNSURE, UNSURE_NOTE, claim_stance_name, doc_stance_name)
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
    codebook: Codebook  # as of the export's guideline version (Codebook.at)
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
    attribution: str | None = None  # region id of the claim's attribution span


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
        documents = tuple(a.actor_id for a in ctx.actors.values()
                          if a.type == "document" and a.type in cb.mention_types and a.current(cb.version))
        self.region_controls = {ACTOR: (MENTION, tuple(ctx.actors)), CLAIM_TYPE: (CLAIM, cb.claim_types),
                                CHECKWORTHINESS: (CLAIM, cb.checkworthiness),
                                **{claim_stance_name(t): (CLAIM, cb.stance_labels) for t in cb.stance_targets},
                                **({TOPIC: (CLAIM, cb.claim_topics)} if cb.claim_topics else {}),
                                **({SOURCE_DOCUMENT: (CLAIM, documents)} if documents else {}),
                                **({UNSURE: (None, (UNSURE,))} if cb.has("unsure") else {})}
        self.text_controls = (CLUSTER, UNSURE_NOTE) if cb.has("unsure") else (CLUSTER,)
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
        claim_labels = (CLAIM_LABEL, ATTRIBUTION_LABEL) if self.ctx.codebook.has("attribution") else (CLAIM_LABEL,)
        allowed = {MENTION: self.ctx.codebook.mention_types, CLAIM: claim_labels}.get(name)
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
        name = result.get("from_name")
        if name not in self.text_controls:
            return self._fail(pointer, "export.label", f"unknown text control {name!r}")
        region = self._region_of(result, pointer)
        texts = [t.strip() for t in (result.get("value") or {}).get("text") or [] if t.strip()]
        if region is None:
            return None
        if name == CLUSTER and (len(texts) > 1 or (texts and not CLUSTER_ID.fullmatch(texts[0]))):
            return self._fail(pointer, "export.label", f"cluster id {texts} is not one id like c-primary-responsibility")
        if texts:
            region.attributes[name] = " ".join(texts)
        return None

    def _region_of(self, result: dict[str, Any], pointer: str) -> _Region | None:
        """The mention or claim region a per-region result belongs to (unsure and its note: either; the claim's
        attributes: a region labeled claim, not an attribution span)."""
        name = result.get("from_name")
        wanted = CLAIM if name == CLUSTER else (None if name == UNSURE_NOTE else self.region_controls.get(name, ("?",))[0])
        if wanted == "?":
            self._fail(pointer, "export.label", f"unknown control {name!r}")
            return None
        if str(result.get("id")) in self.refused:  # its region was already reported
            return None
        region = self.regions.get(str(result.get("id")))
        if region is None or (wanted is not None and region.kind != wanted) or region.label == ATTRIBUTION_LABEL:
            found = "no region" if region is None else f"a {region.label} region"
            self._fail(pointer, "export.region-choice",
                       f"{name} must belong to a {wanted or 'mention or claim'} region; id {result.get('id')!r} is {found}")
            return None
        return region

    def _relation(self, result: dict[str, Any], pointer: str) -> None:
        labels = result.get("labels") or []
        kinds = {CLAIMED_BY: (MENTION, "mention", "claimer"), ATTRIBUTED_BY: (CLAIM, ATTRIBUTION_LABEL, "attribution")}
        if not self.ctx.codebook.has("attribution"):
            kinds.pop(ATTRIBUTED_BY)
        if len(labels) != 1 or labels[0] not in kinds:
            return self._fail(pointer, "export.label", f"relation labels {labels} are not one of {[[k] for k in kinds]}")
        if {str(result.get("from_id")), str(result.get("to_id"))} & self.refused:  # already reported
            return None
        claim, other = self.regions.get(str(result.get("from_id"))), self.regions.get(str(result.get("to_id")))
        if claim is None or other is None:
            return self._fail(pointer, "export.relation",
                              f"relation {result.get('from_id')!r} -> {result.get('to_id')!r} points to a missing region")
        kind, label, slot = kinds[labels[0]]
        if claim.label != CLAIM_LABEL or other.kind != kind or (kind == CLAIM and other.label != label):
            return self._fail(pointer, "export.relation", f"{labels[0]} must go from a claim to a {label}, "
                                                          f"not from a {claim.label} to a {other.label}")
        if getattr(claim, slot) is not None:
            return self._fail(pointer, "export.relation", f"a claim has at most one {slot}")
        setattr(claim, slot, str(result.get("to_id")))
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
            emit = {MENTION: self._mention, CLAIM_LABEL: self._claim}.get(region.kind if region.kind == MENTION else region.label)
            if emit is None and not any(r.attribution == region_id for r in self.regions.values()):
                self._fail(region.pointer, "export.incomplete", f"attribution span {region.text[:40]!r} is not linked "
                                                                f"to a claim by an {ATTRIBUTED_BY!r} relation")
            elif emit is not None:
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
        actor = self.ctx.actors[actor_id]
        if actor.type != region.label:
            return self._fail(region.pointer, "export.actor-type", f"mention labeled {region.label!r} links to "
                                                                   f"{actor_id!r} of type {actor.type!r}")
        if not actor.current(self.ctx.codebook.version):
            return self._fail(region.pointer, "export.label", f"{actor_id!r} is superseded by {actor.superseded_by!r} "
                                                              f"from codebook {actor.superseded_in}")
        if self._unsure_problem(region):
            return None
        self.out.mentions.append(RawMention(self.ctx.article_id, region_id, *span, region.text, region.label,
                                            actor_id, self.source, region.attributes.get(UNSURE_NOTE)))
        return None

    def _unsure_problem(self, region: _Region) -> bool:
        """The unsure flag and its note come together (codebook 2.0.0): a flag without a note, or a note
        without the flag, is reported."""
        flagged, note = UNSURE in region.attributes, UNSURE_NOTE in region.attributes
        if flagged != note:
            missing = "a note saying why" if flagged else f"the {UNSURE!r} flag"
            self._fail(region.pointer, "export.incomplete", f"{region.label} {region.text[:40]!r}: unsure needs {missing}")
        return flagged != note

    def _claim(self, region_id: str, region: _Region, span: tuple[int, int]) -> None:
        targets = self.ctx.codebook.stance_targets
        topic = (TOPIC,) if self.ctx.codebook.claim_topics else ()
        required = (CLAIM_TYPE, CHECKWORTHINESS, *topic, *(claim_stance_name(t) for t in targets))
        if any(f"{region_id}:{name}" in self.refused for name in required):
            return None  # a refused value was already reported
        missing = [name for name in required if name not in region.attributes]
        if missing:
            return self._fail(region.pointer, "export.incomplete", f"claim {region.text[:40]!r} lacks {missing}")
        if self._unsure_problem(region):
            return None
        attribution = self._attribution(region)
        if attribution is False:
            return None
        claimer = self.regions[region.claimer].attributes.get(ACTOR) if region.claimer else None
        a = region.attributes
        self.out.claims.append(RawClaim(
            self.ctx.article_id, region_id, *span, region.text, a[CLAIM_TYPE], a[CHECKWORTHINESS],
            tuple((t, a[claim_stance_name(t)]) for t in targets), region.claimer, claimer, a.get(CLUSTER),
            self.source, a.get(TOPIC), attribution, a.get(SOURCE_DOCUMENT), a.get(UNSURE_NOTE)))
        return None

    def _attribution(self, claim: _Region) -> tuple[int, int, str] | None | bool:
        """The claim's attribution span anchored to the current text; None without one; False when it cannot be
        re-anchored (reported)."""
        if claim.attribution is None:
            return None
        region = self.regions[claim.attribution]
        span = self.ctx.anchor.span(region.start, region.end)
        return (*span, region.text) if span else False
