"""Reading the form's file slots: every file checked by content, every slot by its rule."""

from __future__ import annotations

from dataclasses import dataclass, field

from desk import catalogue
from desk.i18n import tr
from desk.identity.uploads import CheckedFile, Limits, UploadRefused, check, total_too_large
from desk.intake.limits import overflowed, sent_size
from desk.intake.service import Upload
from desk.intake.slots import Slot


@dataclass
class SlotReading:
    #: Files newly attached and accepted, per slot.
    new: dict[str, list[CheckedFile]] = field(default_factory=dict)
    #: The kind chosen for each slot that has (new or staged) files.
    kinds: dict[str, str] = field(default_factory=dict)
    #: A message per slot; "_all" for limits on the whole request.
    errors: dict[str, str] = field(default_factory=dict)
    #: True when any file was attached this time (the page then says files must be re-selected).
    attached: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def _ordinal(n: int) -> str:
    return tr(f"{n}つ目のファイル: ", f"File {n}: ")


def read_slots(
    slots: list[Slot], form_data, files, staged_slots: set[str], limits: Limits | None = None
) -> SlotReading:
    """Check what was attached against the slots. `staged_slots` are slots already holding
    files from an earlier step (they count as attached unless replaced)."""
    limits = limits or Limits.from_settings()
    reading = SlotReading()
    total_bytes, total_files = 0, 0
    for slot in slots:
        chosen = form_data.get(f"{slot.name}-kind") if slot.choice else slot.kinds[0]
        uploads = [f for f in files.getlist(f"{slot.name}-files") if f and f.filename]
        reading.attached = reading.attached or bool(uploads)
        accepted: list[CheckedFile] = []
        for n, upload in enumerate(uploads, start=1):
            data = upload.read()
            total_bytes += sent_size(upload, len(data))
            total_files += 1
            if overflowed(upload):
                continue  # beyond the request's limit: said once for the whole request below
            try:
                accepted.append(check(data, upload.filename, limits))
            except UploadRefused as refusal:
                prefix = _ordinal(n) if len(uploads) > 1 else ""
                reading.errors.setdefault(slot.name, prefix + refusal.message())
        has_files = bool(uploads) or slot.name in staged_slots
        if has_files and chosen not in slot.kinds:
            reading.errors.setdefault(slot.name, tr("書類の種類を選んでください。", "Choose which document this is."))
        if has_files and chosen in slot.kinds:
            reading.kinds[slot.name] = chosen
        if accepted and slot.name not in reading.errors:
            reading.new[slot.name] = accepted
    _check_rules(slots, reading)
    if total_files > limits.files:
        reading.errors["_all"] = tr(
            f"添付できるファイルは1回のご請求で{limits.files}個までです。",
            f"At most {limits.files} files can be attached to one request.",
        )
    refusal = total_too_large(total_bytes, limits)
    if refusal:
        reading.errors["_all"] = refusal.message()
    return reading


def _check_rules(slots: list[Slot], reading: SlotReading) -> None:
    def filled(slot: Slot) -> bool:
        return slot.name in reading.kinds

    by_name = {slot.name: slot for slot in slots}
    groups: dict[str, list[Slot]] = {}
    for slot in slots:
        if slot.group:
            groups.setdefault(slot.group, []).append(slot)
            continue
        if slot.name in reading.errors:
            continue
        if slot.required == "always" and not filled(slot):
            reading.errors[slot.name] = tr("この書類を添付してください。", "Please attach this document.")
        if slot.required == "if_no_photo":
            first = by_name.get(slot.name.removesuffix("2"))
            first_kind = reading.kinds.get(first.name) if first else None
            if first_kind and not catalogue.identity_proven_by({first_kind}):
                first_entry = catalogue.IDENTITY_DOCUMENTS[first_kind]
                if not filled(slot):
                    reading.errors[slot.name] = (
                        tr(
                            "パスポートなど住所の記載のない書類のため、現住所の記載がある書類（住民票の写しなど）をもう1点添付してください。",
                            "The first document shows no address (a passport, for one): please attach a second "
                            "document showing your current address, such as a copy of your resident record.",
                        )
                        if first_entry.photo
                        else tr(
                            "1点目が顔写真のない書類のため、別の種類の書類をもう1点添付してください。",
                            "The first document has no photo: please attach a second document of another kind.",
                        )
                    )
                elif reading.kinds[slot.name] == first_kind:
                    reading.errors[slot.name] = tr(
                        "1点目とは別の種類の書類を選んでください。",
                        "Choose a document of a different kind from the first.",
                    )
                elif not catalogue.identity_proven_by({first_kind, reading.kinds[slot.name]}):
                    reading.errors[slot.name] = tr(
                        "2点のうち1点は、現住所の記載がある書類（住民票の写し、健康保険の資格確認書など）にしてください。",
                        "One of the two must show your current address (a copy of your resident record, "
                        "a health insurance card).",
                    )
    for members in groups.values():
        if not any(filled(s) for s in members) and not any(s.name in reading.errors for s in members):
            reading.errors[members[0].name] = tr(
                "次のいずれか1点を添付してください。", "Please attach one of these documents."
            )


def uploads_from(slots: list[Slot], kinds: dict[str, str], files: dict[str, list[CheckedFile]]) -> list[Upload]:
    """The Upload list for the service: one per file, labelled by slot position."""
    result: list[Upload] = []
    for slot in slots:
        slot_files = files.get(slot.name, [])
        for n, checked in enumerate(slot_files, start=1):
            result.append(
                Upload(
                    party=slot.party,
                    kind=kinds.get(slot.name, slot.kinds[0]),
                    file=checked,
                    position=n,
                    of=len(slot_files),
                )
            )
    return result
