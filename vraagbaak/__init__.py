"""Vraagbaak: answers questions in Dutch about documents, always with the exact source passage."""
__version__ = "0.1.0"
