"""End-to-end fixtures: each fixture repository is built and audited once per session."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from nasfixtures import Audited, AuditFiles, audit_files


@pytest.fixture(scope="session")
def audited(tmp_path_factory: pytest.TempPathFactory) -> AuditFiles:
    """audited(name, files, **make_repo_options): the audit of that fixture repository, cached
    by name (every test of a fixture shares one build and one audit)."""
    cache: dict[str, Audited] = {}

    def build(name: str, files: Mapping[str, str | bytes], **options: object) -> Audited:
        if name not in cache:
            root = tmp_path_factory.mktemp(name.replace("/", "_")) / "repo"
            cache[name] = audit_files(root, files, **options)
        return cache[name]

    return build
