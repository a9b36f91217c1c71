"""The YAML files read at start-up come from JSON copies while the files are unchanged (``cached_yaml``):
the same data as PyYAML gives, a changed file read again, data JSON cannot hold never copied, and a cache
folder that cannot be written costing nothing but the parse."""

from __future__ import annotations

import json
import os
from datetime import date

import platformdirs
import pytest
import yaml

from checklist_app import cached_yaml, resources
from checklist_app.cached_yaml import YamlError, load_yaml


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(cached_yaml.CACHE_ENV, str(folder))
    return folder / "yaml"


def copies(cache) -> list[str]:
    return sorted(p.name.split("-", 1)[1] for p in cache.iterdir()) if cache.exists() else []


@pytest.mark.parametrize("path", [resources.resource_path("text/messages.yaml"), resources.form_path("site.yaml"),
                                  resources.form_path(resources.DEFAULT_FORM)])
def test_the_shipped_files_read_the_same_from_their_copies(cache, path):
    parsed = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    assert load_yaml(path) == parsed  # parsed, and copied
    assert copies(cache) == [f"{path.name}.json"]
    assert load_yaml(path) == parsed  # from the copy


def test_the_copy_is_what_is_read_and_a_changed_file_is_read_again(cache, tmp_path):
    path = tmp_path / "site.yaml"
    path.write_text("facility_name: Riverside\n")
    assert load_yaml(path) == {"facility_name": "Riverside"}
    (copy,) = cache.iterdir()
    kept = json.loads(copy.read_text())
    copy.write_text(json.dumps({**kept, "data": {"facility_name": "from the copy"}}))
    assert load_yaml(path) == {"facility_name": "from the copy"}  # the file is not parsed while unchanged
    path.write_text("facility_name: St. Elsewhere\n")  # other bytes: parsed again
    assert load_yaml(path) == {"facility_name": "St. Elsewhere"}
    copy.write_text("{not json")  # a damaged copy is parsed past
    assert load_yaml(path) == {"facility_name": "St. Elsewhere"}


def test_an_edit_that_keeps_size_and_time_is_read_again(cache, tmp_path):
    """``cp -p``, ``tar`` and ``rsync -t`` keep the modification time: the copy must follow the bytes."""
    path = tmp_path / "site.yaml"
    path.write_text("facility_name: Riverside A\n")
    assert load_yaml(path) == {"facility_name": "Riverside A"}
    stat = path.stat()
    path.write_text("facility_name: Riverside B\n")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    assert load_yaml(path) == {"facility_name": "Riverside B"}


def test_the_cache_folders_are_this_accounts_only(cache, tmp_path):
    path = tmp_path / "site.yaml"
    path.write_text("facility_name: Riverside\n")
    load_yaml(path)
    assert (cache.stat().st_mode & 0o777, cache.parent.stat().st_mode & 0o777) == (0o700, 0o700)


def test_data_json_cannot_hold_is_never_copied(cache, tmp_path):
    path = tmp_path / "odd.yaml"
    path.write_text("when: 2026-11-21\n1: one\n")
    assert load_yaml(path) == {"when": date(2026, 11, 21), 1: "one"}
    path.write_text("1: one\n")
    assert load_yaml(path) == {1: "one"}
    assert copies(cache) == []


def test_bad_yaml_and_a_missing_file_say_so(cache, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("facility_name: [unclosed\n")
    with pytest.raises(YamlError, match="line 2"):
        load_yaml(path)
    with pytest.raises(FileNotFoundError):
        load_yaml(tmp_path / "missing.yaml")


def test_a_cache_folder_that_cannot_be_made_only_costs_the_parse(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv(cached_yaml.CACHE_ENV, str(blocker))
    path = tmp_path / "site.yaml"
    path.write_text("facility_name: Riverside\n")
    assert load_yaml(path) == load_yaml(path) == {"facility_name": "Riverside"}
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_the_default_cache_folder_is_the_one_platformdirs_names(monkeypatch):
    monkeypatch.delenv(cached_yaml.CACHE_ENV, raising=False)
    for xdg in (None, "/tmp/xdg-cache"):
        if xdg is None:
            monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
        else:
            monkeypatch.setenv("XDG_CACHE_HOME", xdg)
        assert cached_yaml.cache_dir() == platformdirs.user_cache_path("checklist_app", appauthor=False)
    assert os.sep in str(cached_yaml.cache_dir())
