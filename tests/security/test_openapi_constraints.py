"""Issue 11 "Every input a clear answer": the OpenAPI document declares what the server
enforces at its edge (the probe found 52 constraints enforced but not declared: 64-bit
integers, page bounds, Excel answers, lengths). Read from the document itself, so a new
endpoint is held to it the day it lands; schemathesis (test_api_fuzz.py) then checks the
answers against it."""
import json

from aftersales.api import api
from aftersales.core.api import INT64, MAX_PAGE, MAX_PAGE_SIZE, XLSX_MIME

DOCUMENT = json.loads(json.dumps(api.get_openapi_schema()))  # as served: string status keys


def _nodes(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def _operations():
    for path, methods in DOCUMENT["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


def test_every_integer_in_the_document_is_bounded_to_64_bits():
    integers = [n for n in _nodes(DOCUMENT) if n.get("type") == "integer"]
    assert len(integers) > 52
    unbounded = [n for n in integers
                 if n.get("minimum", -(2 ** 64)) < INT64["minimum"]
                 or n.get("maximum", 2 ** 64) > INT64["maximum"]]
    assert unbounded == []


def test_every_list_declares_its_page_bounds():
    pages = [(method, path, p["name"], p["schema"]) for method, path, op in _operations()
             for p in op.get("parameters", []) if p["name"] in ("page", "page_size")]
    assert len(pages) > 52
    wrong = [(m, p, name) for m, p, name, schema in pages
             if (schema.get("minimum"), schema.get("maximum")) != (
                 1, MAX_PAGE if name == "page" else MAX_PAGE_SIZE)]
    assert wrong == []


def test_every_excel_answer_is_declared():
    missing = [(method, path) for method, path, op in _operations()
               if any(p["name"] == "format" and '"xlsx"' in json.dumps(p.get("schema", {}))
                      for p in op.get("parameters", []))
               and XLSX_MIME not in op["responses"]["200"].get("content", {})]
    assert missing == []


def test_times_of_day_are_local_and_the_public_bookings_ids_bounded():
    assert not [n for n in _nodes(DOCUMENT) if n.get("format") == "time"]
    confirm = DOCUMENT["paths"]["/api/v1/public/bookings/{booking_id}/confirm"]["post"]
    (booking_id,) = confirm["parameters"]
    assert (booking_id["schema"]["minLength"], booking_id["schema"]["maxLength"]) == (1, 64)
    payment = DOCUMENT["paths"]["/api/v1/payments"]["post"]
    key = next(p for p in payment["parameters"] if p["name"] == "Idempotency-Key")
    assert {"maxLength": 100, "type": "string"} in key["schema"]["anyOf"]
    booking = DOCUMENT["paths"]["/api/v1/public/bookings"]["post"]
    key = next(p for p in booking["parameters"] if p["name"] == "Idempotency-Key")
    assert {"maxLength": 100, "type": "string"} in key["schema"]["anyOf"]
