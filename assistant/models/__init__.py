"""Embedding models that Vraagbaak can build locally, without a model hub."""
