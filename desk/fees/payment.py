"""How to pay the fee: one line per accepted method, built from the settings and the
amount still owed, worded for the channel the application came by. Pages and letters show
these and nothing typed as free text, so the amount, the account and the counter are the
ones configured, and a web applicant is never told to enclose stamps with a paper form
they never posted."""

from __future__ import annotations

from dataclasses import dataclass

from desk import settings
from desk.formatting import format_yen

#: Applications that arrive on paper (the stamps come in the same envelope).
PAPER_CHANNELS = ("mail", "fax", "counter")
BANK_FIELDS = ("bank_name", "bank_branch", "bank_account_type", "bank_account_number", "bank_account_holder")
ACCOUNT_TYPES = {"ordinary": ("普通", "ordinary"), "current": ("当座", "current")}


@dataclass(frozen=True)
class WayToPay:
    code: str
    ja: str
    en: str

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.ja


def ways_to_pay(amount: int, channel: str | None = None, reference: str | None = None) -> list[WayToPay]:
    """The accepted methods (setting "payment_methods") that are fully configured, each as
    an instruction for paying `amount`. `channel` None words stamps for both channels (the
    public notice); `reference` None says the reference comes with the reply to the form."""
    ja_amount, en_amount = format_yen(amount, "ja"), format_yen(amount, "en")
    ref_ja = f"受付番号（{reference}）" if reference else "受付番号"
    ref_en = f"the reference number ({reference})" if reference else "your reference number"
    ways = []
    for code in settings.get("payment_methods"):
        if code == "postage_stamps":
            if channel in PAPER_CHANNELS:
                ja = f"郵便切手（{ja_amount}分）を請求書に同封してください。"
                en = f"Enclose postage stamps worth {en_amount} with your application."
            elif channel is None:
                ja = (
                    f"郵便切手（{ja_amount}分）を、郵送で請求される場合は請求書に同封し、ウェブで請求された場合は"
                    f"{ref_ja}を書いた紙を添えて当社窓口あてに郵送してください。"
                )
                en = (
                    f"Postage stamps worth {en_amount}: enclosed with a posted application, or, for a request made "
                    f"online, posted to our desk with a note of {ref_en}."
                )
            else:
                ja = f"郵便切手（{ja_amount}分）を、{ref_ja}を書いた紙を添えて当社窓口あてに郵送してください。"
                en = f"Post stamps worth {en_amount} to our desk with a note of {ref_en}."
        elif code == "bank_transfer":
            bank = {key: str(settings.get(key) or "").strip() for key in BANK_FIELDS}
            if not all(bank.values()):
                continue  # not offered until the account is configured
            kind_ja, kind_en = ACCOUNT_TYPES.get(bank["bank_account_type"], (bank["bank_account_type"],) * 2)
            ja = (
                f"{ja_amount}を次の口座にお振り込みください：{bank['bank_name']} {bank['bank_branch']} {kind_ja} "
                f"{bank['bank_account_number']} {bank['bank_account_holder']}。お振込みの際は、依頼人名の前に"
                f"{ref_ja}を入力してください。振込手数料はご負担ください。"
            )
            en = (
                f"Transfer {en_amount} to {bank['bank_name']}, {bank['bank_branch']} branch, {kind_en} account "
                f"{bank['bank_account_number']}, {bank['bank_account_holder']}, with {ref_en} before your name. "
                f"Transfer charges are yours."
            )
        elif code == "cash":
            place = str(settings.get("counter_address") or "").strip()
            hours = str(settings.get("counter_hours") or "").strip()
            if not place or not hours:
                continue
            place_en = str(settings.get("counter_address_en") or "").strip() or place
            hours_en = str(settings.get("counter_hours_en") or "").strip() or hours
            ja = f"当社窓口（{place}、{hours}）で{ja_amount}を現金でお支払いいただけます。{ref_ja}をお伝えください。"
            en = f"Pay {en_amount} in cash at our counter ({place_en}; {hours_en}), quoting {ref_en}."
        else:
            continue
        ways.append(WayToPay(code, ja, en))
    return ways
