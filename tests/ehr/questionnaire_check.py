"""Whether a QuestionnaireResponse is consistent with its Questionnaire: every answered linkId is an item there,
every answer has the value type the item's type asks for, and a chosen option is one of the item's
answerOptions, with the same coding and the same standard codes (extensions). Returns the problems found."""

from __future__ import annotations

from typing import Any

VALUE_FOR_TYPE = {"boolean": "valueBoolean", "decimal": "valueDecimal", "integer": "valueInteger",
                  "date": "valueDate", "dateTime": "valueDateTime", "string": "valueString", "text": "valueString",
                  "quantity": "valueQuantity", "choice": "valueCoding"}


def items_by_link_id(items: list[dict[str, Any]] | None) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for item in items or []:
        found[item["linkId"]] = item
        found.update(items_by_link_id(item.get("item")))
    return found


def problems(questionnaire: dict[str, Any], response: dict[str, Any]) -> list[str]:
    asked = items_by_link_id(questionnaire["item"])
    found: list[str] = []

    def check(items: list[dict[str, Any]] | None) -> None:
        for item in items or []:
            link_id = item["linkId"]
            question = asked.get(link_id)
            if question is None:
                found.append(f"{link_id}: not in the Questionnaire")
                continue
            for answer in item.get("answer") or []:
                values = [key for key in answer if key.startswith("value")]
                if not values:
                    if not answer.get("extension"):
                        found.append(f"{link_id}: an answer with no value and no reason")
                elif values != [VALUE_FOR_TYPE.get(question["type"])]:
                    found.append(f"{link_id}: {values} for a {question['type']} item")
                elif question["type"] == "choice":
                    options = [{**o["valueCoding"], "ext": o.get("extension")} for o in question["answerOption"]]
                    if {**answer["valueCoding"], "ext": answer.get("extension")} not in options:
                        found.append(f"{link_id}: {answer['valueCoding']['code']} is no answerOption (or its codes "
                                     "differ)")
                check(answer.get("item"))
            check(item.get("item"))

    check(response["item"])
    return found
