"""saycan/storage/yaml_safe.py: YAML read as plain data only, the same data PyYAML's safe loader gives."""

import pytest
import yaml

from saycan.storage.resources import suites_dir
from saycan.storage.yaml_safe import safe_load


def test_every_shipped_suite_reads_as_the_python_safe_loader_reads_it():
    for path in sorted(suites_dir().glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert safe_load(text) == yaml.load(text, Loader=yaml.SafeLoader), path.name


def test_a_python_object_tag_is_refused_not_built():
    with pytest.raises(yaml.YAMLError, match="python/object"):
        safe_load("!!python/object/apply:os.system ['echo hi']")


def test_an_empty_document_is_none_and_bad_yaml_raises_the_usual_error():
    assert safe_load("") is None
    with pytest.raises(yaml.YAMLError):
        safe_load("tasks: [a, b\nname: x")
