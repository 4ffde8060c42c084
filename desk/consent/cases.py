"""A rights request that carries marketing consent: a cessation or stop-provision case records the person's opt-outs; a disclosure or record-disclosure case lists their consent history."""

from __future__ import annotations

from desk.cases.lifecycle import Refused
from desk.consent import service
from desk.consent.channels import CHANNELS
from desk.consent.keys import Keyring

#: kinds whose person may also ask to stop marketing (the panel offers the opt-outs)
OPT_OUT_KINDS = ("cessation", "stop_provision")
#: kinds whose answer may need the person's consent history
HISTORY_KINDS = ("disclosure", "record_disclosure")


def _kinds(case) -> set[str]:
    return {item.kind for item in case.items}


def addresses_of(case) -> list:
    person = case.principal
    if person is None:
        return []
    return service.person_addresses(
        email=person.email, phone=person.phone, name=person.name, postal_address=person.address
    )


def opt_out_from_case(case, channels: list[str], purpose: str, *, actor) -> list:
    """The principal's opt-outs on the chosen channels, each tied to the case."""
    if not _kinds(case) & set(OPT_OUT_KINDS):
        raise Refused(
            "配信停止は利用停止・第三者提供停止の案件で記録します。",
            "Opt-outs are recorded from a cessation or stop-provision case.",
        )
    wanted = [c for c in channels if c in CHANNELS]
    if not wanted:
        raise Refused("停止する媒体を選んでください。", "Choose at least one channel.")
    service.check_purpose(purpose, "withdrawn")
    known = {a.channel: a for a in addresses_of(case)}
    missing = [c for c in wanted if c not in known]
    if missing:
        labels = "、".join(CHANNELS[c].ja for c in missing)
        raise Refused(
            f"案件の本人情報に宛先がありません: {labels}",
            f"The case holds no address of the principal for: {', '.join(missing)}",
        )
    keyring = Keyring()
    done = []
    for channel in wanted:
        entry = service.withdraw(known[channel], purpose, method="case", actor=actor, case=case, keyring=keyring)
        if entry is not None:
            done.append(entry)
    return done


def panel_context(case) -> dict:
    kinds = _kinds(case)
    offers, lists = bool(kinds & set(OPT_OUT_KINDS)), bool(kinds & set(HISTORY_KINDS))
    if not (offers or lists):
        return {"relevant": False}
    from desk.consent.forms import CaseOptOutForm, purpose_choices

    addresses = addresses_of(case)
    digests = service.digests_of(addresses)
    form = CaseOptOutForm()
    form.purpose.choices = purpose_choices(with_all=True)
    form.purpose.data = form.purpose.data or "all"
    return {
        "relevant": True,
        "offers": offers and case.status not in ("disposed",),
        "records": service.history(digests),
        "states": service.current_states(digests),
        "channels": [a.channel for a in addresses],
        "form": form,
    }


def panel_summary(case, panel: dict) -> tuple[str, str] | None:
    """The folded line: how many consent records the principal has, and how many opt-outs."""
    if not panel.get("relevant"):
        return None
    records, states = panel["records"], panel["states"]
    if not records:
        return ("記録なし", "No records")
    withdrawn = sum(1 for s in states if s.state == "withdrawn")
    ja = f"記録{len(records)}件"
    en = f"{len(records)} record{'s' if len(records) != 1 else ''}"
    if withdrawn:
        ja += f"・停止{withdrawn}件"
        en += f", {withdrawn} opt-out{'s' if withdrawn != 1 else ''}"
    return (ja, en)
