"""An optional section the site's policy does not switch on (coverage documentation, US) is not listed, nor
numbered, nor stepped into: the nurse sees the sections her unit uses, numbered without a gap."""

from __future__ import annotations


def test_an_optional_section_left_off_is_not_listed(open_example):
    window = open_example("clean")
    form = window.ctx.form
    index = next(i for i, s in enumerate(form.sections) if s.id == "coverage_us")
    assert form.sections[index].optional and "coverage_us" not in window.checklist.policy.sections_on
    rows = window.section_list
    assert rows.item(index).isHidden()
    before, after = rows.item(index - 1).text().split(".")[0], rows.item(index + 1).text().split(".")[0]
    assert int(after) == int(before) + 1, "numbered without a gap"
    window.show_section(index - 1, focus=False)
    window.next_section()
    assert window.current_index() != index
