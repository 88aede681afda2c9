"""croissant.json: MLCommons Croissant 1.0 metadata with the Responsible AI (RAI) extension."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from korea_deterrence.loaders.citation import ABSTRACT, AUTHOR, KEYWORDS, RIGHTS, TITLE, bibtex
from korea_deterrence.loaders.annotated import annotation_statement
from korea_deterrence.loaders.card import provenance_sentence
from korea_deterrence.loaders.fields import FieldDoc, schema_fields, walk
from korea_deterrence.loaders.network_files import croissant_files as network_files
from korea_deterrence.loaders.version import RELEASE_DATE

if TYPE_CHECKING:
    from korea_deterrence.loaders.release import ConfigTable

_DATATYPES = {"string": "sc:Text", "int64": "sc:Integer", "float64": "sc:Float", "bool": "sc:Boolean",
              "class_label": "sc:Integer"}
_CONTEXT = {
    "@language": "en", "@vocab": "https://schema.org/", "sc": "https://schema.org/",
    "cr": "http://mlcommons.org/croissant/", "rai": "http://mlcommons.org/croissant/RAI/",
    "dct": "http://purl.org/dc/terms/", "citeAs": "cr:citeAs", "column": "cr:column",
    "equivalentProperty": "cr:equivalentProperty",
    "conformsTo": "dct:conformsTo", "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"}, "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract", "field": "cr:field", "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject", "fileSet": "cr:fileSet", "format": "cr:format", "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset", "jsonPath": "cr:jsonPath", "key": "cr:key", "md5": "cr:md5",
    "parentField": "cr:parentField", "path": "cr:path", "recordSet": "cr:recordSet",
    "references": "cr:references", "regex": "cr:regex", "repeated": "cr:repeated", "replace": "cr:replace",
    "samplingRate": "cr:samplingRate", "separator": "cr:separator", "source": "cr:source",
    "subField": "cr:subField", "transform": "cr:transform",
}


def croissant(manifest: dict[str, Any], tables: list[ConfigTable]) -> dict[str, Any]:
    """The Croissant JSON-LD of a release: one FileObject per Parquet file, one RecordSet per config."""
    present = [t for t in tables if t.rows]
    return {
        "@context": _CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": "http://mlcommons.org/croissant/1.0",
        "name": "korea-deterrence",
        "alternateName": TITLE,
        "description": ABSTRACT,
        "version": manifest["version"],
        "datePublished": RELEASE_DATE,
        "creator": {"@type": "sc:Organization", "name": AUTHOR},
        "license": RIGHTS,
        "inLanguage": ["en"],
        "keywords": KEYWORDS,
        "citeAs": bibtex(manifest["version"]),
        "isLiveDataset": False,
        "distribution": [node for t in present for node in _distribution(t, manifest)] + network_files(manifest),
        "recordSet": [_record_set(t) for t in present] + [e for t in present for e in _enumerations(t)],
        **rai_fields(present, manifest),
    }


def _distribution(table: ConfigTable, manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """One FileObject per shard; a config of several shards is read through a FileSet of them."""
    files = [{
        "@type": "cr:FileObject", "@id": path, "name": path,
        "description": f"The `{table.name}` config, split train ({table.rows} rows in all).",
        "contentUrl": path, "encodingFormat": "application/x-parquet", "sha256": manifest["data_sha256"][path],
    } for path in table.data_files]
    if len(files) == 1:
        return files
    fileset = {"@type": "cr:FileSet", "@id": _source_id(table), "name": _source_id(table),
               "description": f"All shards of the `{table.name}` config.", "encodingFormat": "application/x-parquet",
               "includes": table.data_pattern}
    return files + [fileset]


def _source_id(table: ConfigTable) -> str:
    return table.data_files[0] if len(table.data_files) == 1 else f"{table.name}-shards"


def _source_key(table: ConfigTable) -> str:
    return "fileObject" if len(table.data_files) == 1 else "fileSet"


def _record_set(table: ConfigTable) -> dict[str, Any]:
    fields = [_field(doc, table, table.name, doc.name, "") for doc in schema_fields(table.schema)]
    return {"@type": "cr:RecordSet", "@id": table.name, "name": table.name,
            "description": f"Rows of the `{table.name}` config ({table.rows} in this release).", "field": fields}


def _enum_id(table: ConfigTable, path: str) -> str:
    return f"{table.name}.{path}.labels"


def _enumerations(table: ConfigTable) -> list[dict[str, Any]]:
    """One inline record set per ClassLabel field: its ids and names (what the `labels` config holds)."""
    found = []
    for path, doc in walk(schema_fields(table.schema)):
        if not doc.labels:
            continue
        rs = _enum_id(table, path)
        found.append({"@type": "cr:RecordSet", "@id": rs, "name": rs, "key": {"@id": f"{rs}/id"},
                      "description": f"The labels of `{table.name}.{path}`, by the id stored in the field.",
                      "field": [{"@type": "cr:Field", "@id": f"{rs}/id", "name": "id", "dataType": "sc:Integer"},
                                {"@type": "cr:Field", "@id": f"{rs}/name", "name": "name", "dataType": "sc:Text"}],
                      "data": [{f"{rs}/id": i, f"{rs}/name": name} for i, name in enumerate(doc.labels)]})
    return found


def _field(doc: FieldDoc, table: ConfigTable, parent: str, column: str, path: str) -> dict[str, Any]:
    """A cr:Field read from Parquet `column`; a sub-field is picked from it by JSON path `path`."""
    field_id = f"{parent}/{doc.name}"
    node: dict[str, Any] = {"@type": "cr:Field", "@id": field_id, "name": doc.name,
                            "description": _description(doc)}
    if doc.kind == "struct":
        inner = "" if doc.repeated else f"{path}."
        node["subField"] = [_field(sub, table, field_id, column, f"{inner}{sub.name}".lstrip(".")) for sub in doc.sub]
    else:
        node["dataType"] = _DATATYPES[doc.kind]
    if doc.repeated:
        node["repeated"] = True
    if doc.labels:
        node["references"] = {"field": {"@id": f"{_enum_id(table, _dotted(field_id))}/id"}}
    node["source"] = {_source_key(table): {"@id": _source_id(table)}, "extract": {"column": column}}
    if path:
        node["source"]["transform"] = {"jsonPath": path}
    return node


def _dotted(field_id: str) -> str:
    """`claims/stance/label` -> `stance.label`: a field's path inside its config."""
    return ".".join(field_id.split("/")[1:])


def _description(doc: FieldDoc) -> str:
    text = doc.description or "See the JSON Schema named in manifest.json."
    if doc.labels:
        names = ", ".join(f"{i}={name}" for i, name in enumerate(doc.labels))
        text += f" Class label id: {names}."
    return text


def rai_fields(tables: list[ConfigTable], manifest: dict[str, Any]) -> dict[str, Any]:
    """The RAI extension's fields, stated as the datasheet states them; layers absent are called pending."""
    annotation = annotation_statement(manifest) if any(t.name == "claims" and t.rows for t in tables) else (
        "No annotation layer is in this release: mentions, claims and stance annotation is pending. "
        "The only labels are block types and normalization edit kinds, assigned by rules in code.")
    return {
        "rai:dataCollection": "News articles about the January 2026 US National Defense Strategy were received by "
        "the project as plain-text files (seed files received 2026-11-22) and are kept byte-exact in corpus/raw/, "
        "each with its sha256 and size. How and when they were collected from the web was not recorded.",
        "rai:dataCollectionType": ["Secondary Data Analysis"],
        "rai:dataCollectionMissingData": "Outlet, URL, publication date, byline and rights are null with the reason "
        "(`basis`) wherever unknown; nothing was guessed. " + provenance_sentence(manifest),
        "rai:dataCollectionRawData": "The raw files as received, with their sha256, listed in manifest.json `inputs`.",
        "rai:dataPreprocessingProtocol": [
            "Strict UTF-8 decoding, BOM removal, newline unification, removal of control and invisible "
            "format characters, Unicode NFC, whitespace and blank-line collapsing.",
            "Removal of a trailing comments widget and of an exactly repeated run of blocks.",
            "Every change is recorded in the article's `edits` with raw character and byte ranges.",
            "Rule-based block typing and sentence segmentation (see DATASHEET.md).",
        ],
        "rai:dataAnnotationProtocol": [annotation],
        "rai:dataAnnotationPlatform": ["Label Studio (labels entered through its API, exported as full JSON)"],
        "rai:machineAnnotationTools": ["Rule-based block typing, dateline parsing and sentence segmentation in "
                                       "the korea_deterrence package (no machine-learned model)."] + [
            f"{aid}: {a['description']}" for aid, a in manifest.get("annotation", {}).get("annotators", {}).items()
            if a["kind"] == "language_model"],
        "rai:dataBiases": [
            "Not a sample of a defined population: the articles are those the project received; several appear "
            "to come from aggregator or re-publishing sites, and all are in English.",
        ],
        "rai:dataLimitations": [
            "Very small corpus about a single event; unsuitable for estimating how the media covered it.",
            "Provenance of most articles is unknown; the rights status of the texts is unknown.",
        ],
        "rai:dataUseCases": [
            "Research on news framing, claim detection and attribution, stance and actor linking on this event.",
            "Teaching and tooling examples for annotated corpora with exact offsets and provenance.",
        ],
        "rai:personalSensitiveInformation": [
            "The texts name public officials in their public role; no private individuals are identified. "
            "Annotator identities, when annotation layers exist, are pseudonymous ids only.",
        ],
        "rai:dataSocialImpact": "Texts concern military deterrence and alliance politics; models trained on them "
        "must not present outputs as statements of the outlets.",
        "rai:dataReleaseMaintenancePlan": "Versioned in git (tag vX.Y.Z rebuilds byte-identically); corrections "
        "to raw texts are new input files and a new version; changes are listed in CHANGELOG.md.",
    }
