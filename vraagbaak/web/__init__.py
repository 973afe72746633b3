"""The Gradio app: chat, Beheer, the collection's first screen, extra routes (page images, PDFs),
source views, login, uploads, feedback and the memo (text and Word).

May import everything below it. Imported only by `app.py` and `vraagbaak.cli`.
"""
