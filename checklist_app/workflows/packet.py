"""The signed packet (checklist PDF and discharge sheet) of a signed version: made and sealed once, at
signing, and kept with the version; read back for every preview, print and save. No Qt.

The PDFs are made from exactly what was signed (the frozen content of the version, its signer, time
and fingerprint), never from what is on screen, and they are made once: at signing, with the policy
file and site settings (facility, phone numbers) in force then, sealed (PAdES, the installation's
certificate: any later change to a file shows when its seal is checked) and stored with the version
(``storage.attach_pdf``). Preview, print and save use those stored bytes, so a reprint next month is the
document signed today even if the policy or the settings changed since. Versions signed before the app
kept its PDFs, or whose PDFs could not be made or sealed at signing, have none stored; theirs are made
again from the version (unsealed: they are not the signed documents), and ``PacketDocuments.note`` says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from checklist_app import storage
from checklist_app.domain.errors import StorageError
from checklist_app.domain.signed import SignedVersion
from checklist_app.pdf import Signature, SignedPacket, render_checklist, seal
from checklist_app.pdf.discharge import render_discharge
from checklist_app.workflows.session import Session

KINDS = ("checklist", "discharge")  # the packet's documents, as stored with a signed version
REMADE_NOTE = (
    "Made again now: this checklist was signed before the app kept its PDFs, or they could not be made or "
    "sealed at signing, so the {what} shown here "
    "{verb} produced today from the signed answers, findings and signature, but with today's policy file and "
    "site settings (facility, phone numbers). {it} may differ from what was printed at signing, and "
    "{carry} no seal.")
POLICY_CHANGED = " The policy has changed since: signed under {policy} version {then}, now version {now}."


@dataclass(frozen=True)
class PacketDocuments:
    """The two PDFs of a signed version (file name, bytes), and which of them had to be made again now."""

    documents: list[tuple[str, bytes]]
    remade: tuple[str, ...] = ()
    note: str = ""  # said in the preview when something was made again


def packet_for(session: Session, version: SignedVersion, name_of: Callable[[str], str]) -> SignedPacket:
    """The packet of a signed version, as the PDF layer wants it."""
    content, signer = version.content, version.signer
    if content.evaluation is None:
        raise StorageError(f"The findings signed with version {version.version_no} of checklist "
                           f"{version.record_id} cannot be read by this version of the app, so its packet "
                           "cannot be made again here.")
    record = content.parsed(session.form, version.signed_at)
    signature = Signature(signer_id=signer.staff_id, name=signer.name, credentials=signer.credentials,
                          signed_at=version.signed_at, meaning=version.meaning, drawn_png=content.drawn_png)
    people = {a.by for a in record.acknowledgements} | {o.physician_id for o in record.overrides}
    amends = None
    if version.replaces_version_id is not None:  # an amendment prints what it replaces and why
        replaced = next((v.version_no for v in storage.list_versions(session.store.db, version.record_id)
                         if v.version_id == version.replaces_version_id), version.replaces_version_id)
        amends = (replaced, version.amendment_reason or "")
    return SignedPacket(record=record, form=session.form, evaluation=content.evaluation,
                        policy=session.policy(version.policy_id), signature=signature,
                        record_version=version.version_no, sha256=version.sha256, site=session.site,
                        staff={p: name_of(p) for p in people}, amends=amends,
                        anchor=storage.anchors.signing_anchor(session.store.db, version.version_id))


def render_packet(session: Session, version: SignedVersion, name_of: Callable[[str], str]) -> dict[str, bytes]:
    """Both PDFs of a signed version, made now (kind -> bytes)."""
    packet = packet_for(session, version, name_of)
    return {"checklist": render_checklist(packet), "discharge": render_discharge(packet)}


def keep_packet(session: Session, version: SignedVersion, name_of: Callable[[str], str]) -> None:
    """At signing: make both PDFs, seal them and store them with the version.

    Both are made and sealed before either is stored, so a failure leaves none rather than one; the
    version is signed either way (without stored PDFs, ``packet_documents`` makes them again and says so).
    """
    staff_id = version.signer.staff_id or session.user_id()
    seal.preload().join()  # started when the review opened; fonts and pyHanko are loaded once it ends
    made = render_packet(session, version, name_of)
    pdfs = {kind: seal.seal_pdf(made[kind]) for kind in KINDS}
    for kind in KINDS:
        if kind not in version.documents:
            session.store.attach_pdf(version.version_id, pdfs[kind], staff_id=staff_id, kind=kind)


def packet_documents(session: Session, version: SignedVersion, name_of: Callable[[str], str]) -> PacketDocuments:
    """The signed version's two PDFs as stored at signing (made again only where none was stored)."""
    found = {kind: session.store.pdf(version.version_id, kind) for kind in KINDS}
    pdfs = {kind: pdf for kind, pdf in found.items() if pdf is not None}
    remade = tuple(kind for kind in KINDS if kind not in pdfs)
    note = ""
    if remade:
        made = render_packet(session, version, name_of)
        policy = session.policy(version.policy_id)
        pdfs.update({kind: made[kind] for kind in remade})
        what = " and the ".join({"checklist": "checklist", "discharge": "discharge sheet"}[k] for k in remade)
        note = REMADE_NOTE.format(what=what, verb="were" if len(remade) > 1 else "was",
                                  it="They" if len(remade) > 1 else "It",
                                  carry="carry" if len(remade) > 1 else "carries")
        if version.policy_version and policy.version != version.policy_version:
            note += POLICY_CHANGED.format(policy=version.policy_id, then=version.policy_version, now=policy.version)
    documents = [(f"{version.record_id}-{kind}.pdf", pdfs[kind]) for kind in KINDS]
    return PacketDocuments(documents, remade, note)


def record_printed(session: Session, version: SignedVersion) -> None:
    """Record in the audit trail that the packet was printed (the worklist then says "Printed")."""
    storage.record_printed(session.store.db, version.record_id, version.version_id, staff_id=session.user_id(),
                           kind="packet")


def record_saved(session: Session, version: SignedVersion, paths: Iterable[Path]) -> None:
    """Record in the audit trail each PDF saved to a file."""
    for path in paths:
        kind = path.stem.rsplit("-", 1)[-1].split(" (")[0]  # "...-checklist (2).pdf": a second copy saved
        storage.record_exported(session.store.db, version.record_id, version.version_id,
                                staff_id=session.user_id(), kind=kind, file_name=path.name)
