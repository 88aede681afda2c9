"""Release stage: the HF-format release directory, its card, citation, Croissant metadata, checks, diff and publishing."""
