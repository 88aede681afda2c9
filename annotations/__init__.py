"""Annotation stage: codebook, actor registry, Label Studio tasks and config, export import,
adjudication and agreement."""
