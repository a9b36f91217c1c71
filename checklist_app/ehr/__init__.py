"""Exchanging with the hospital's chart (the EHR): HL7 FHIR R4 and, where a site has no FHIR, HL7 v2. No Qt.

The export side (``export_*.py``, ``questionnaire.py``, ``sender.py``, ``mllp.py``) turns a signed version and
its sealed PDFs into a FHIR transaction Bundle or an MDM^T02 message and delivers what signing queued in
the database's outbox (``storage/outbox.py``). The import side brings patient data in. The libraries
(fhir.resources, httpx, python-hl7: the ``ehr`` extra) are imported inside the functions that use them,
so the first window never waits for them; this package's modules import only the standard library and
the app's own layers at import time.
"""
