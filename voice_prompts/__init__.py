"""The default voice prompts, shipped as package data: <lang>/<key>.wav with <lang>/manifest.json.

``build.py`` rebuilds them on a developer machine; docs/prompts.md says how and with which voices.
"""
